"""factory_boy factories for the service blueprint. Children take their organisation from their
service, so `TouchPointFactory(service=s)` is always in the service's organisation."""

from __future__ import annotations

import factory

from csm.accounts.tests.factories import OrganizationFactory
from csm.catalogue.models import (
    Channel,
    CharacteristicKind,
    Direction,
    Openness,
    Service,
    ServiceCharacteristic,
    Staffing,
    TouchFace,
    TouchLine,
    TouchLineStep,
    TouchPoint,
)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    code = factory.Sequence(lambda n: f"S{n}")


class TouchPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TouchPoint

    service = factory.SubFactory(ServiceFactory)
    organization = factory.SelfAttribute("service.organization")
    name = factory.Sequence(lambda n: f"Touch point {n}")
    staffing = Staffing.STAFFED
    channel = Channel.IN_PERSON


class TouchLineFactory(factory.django.DjangoModelFactory):
    """A line through `points` (default: two new points of its service), in that order."""

    class Meta:
        model = TouchLine
        skip_postgeneration_save = True

    service = factory.SubFactory(ServiceFactory)
    organization = factory.SelfAttribute("service.organization")
    name = factory.Sequence(lambda n: f"Touch line {n}")
    direction = Direction.ONE_WAY

    @factory.post_generation
    def points(self, create: bool, extracted: list[TouchPoint] | None, **kwargs: object) -> None:
        if not create:
            return
        points = extracted if extracted is not None else TouchPointFactory.create_batch(2, service=self.service)
        TouchLineStep.objects.bulk_create(
            TouchLineStep(line=self, touch_point=point, position=i) for i, point in enumerate(points)
        )


class TouchFaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TouchFace
        skip_postgeneration_save = True

    service = factory.SubFactory(ServiceFactory)
    organization = factory.SelfAttribute("service.organization")
    name = factory.Sequence(lambda n: f"Touch face {n}")
    openness = Openness.SEMI_OPEN

    @factory.post_generation
    def touch_points(self, create: bool, extracted: list[TouchPoint] | None, **kwargs: object) -> None:
        if create and extracted:
            self.touch_points.set(extracted)

    @factory.post_generation
    def touch_lines(self, create: bool, extracted: list[TouchLine] | None, **kwargs: object) -> None:
        if create and extracted:
            self.touch_lines.set(extracted)


class ServiceCharacteristicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCharacteristic
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Characteristic {n}")
    kind = CharacteristicKind.STAFF

    @factory.post_generation
    def touch_points(self, create: bool, extracted: list[TouchPoint] | None, **kwargs: object) -> None:
        if create and extracted:
            self.touch_points.set(extracted)
