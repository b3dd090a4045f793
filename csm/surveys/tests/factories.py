"""Survey fixtures: a published hotel survey tied to three characteristics of the blueprint."""

from __future__ import annotations

import secrets
from typing import Any

from csm.catalogue.models import ServiceCharacteristic
from csm.complaints.models import Complaint
from csm.complaints.tests.factories import ComplaintFactory
from csm.complaints.workflow import Status
from csm.surveys import starter
from csm.surveys.models import Survey
from csm.surveys.services import authoring
from csm.surveys.starter import RatedItem, words

ITEMS = (("room", "Room", "Pokój", "客房", "facilities"), ("staff", "Staff", "Personel", "员工", "staff"),
         ("checkin", "Check-in time", "Czas zameldowania", "入住时间", "time"))


def hotel_items(organization: Any) -> list[RatedItem]:
    items = []
    for code, en, pl, zh, kind in ITEMS:
        characteristic, _ = ServiceCharacteristic.objects.get_or_create(organization=organization, name=en,
                                                                         defaults={"kind": kind})
        items.append(RatedItem(code, words(en, pl, zh), code, characteristic.pk))
    return items


def published_survey(persona: Any, *, anonymous: bool = False, content: dict[str, Any] | None = None,
                     **data: Any) -> Survey:
    """A survey of `persona`'s organisation, published (version 1) and open."""
    content = content or starter.post_service(hotel_items(persona.organization), contact=not anonymous)
    survey = authoring.create_survey(actor=persona.actor, data={"name": "Guest survey", "is_anonymous": anonymous,
                                                                **data}, draft=content)
    authoring.publish_survey(actor=persona.actor, survey=survey)
    survey.refresh_from_db()
    return survey


def new_key() -> str:
    return secrets.token_urlsafe(18)


def full_answers(**overrides: Any) -> dict[str, Any]:
    """A complete set of answers to the starter post-service survey."""
    answers: dict[str, Any] = {"chars.room": 4, "chars.staff": 5, "chars.checkin": 3, "chars.room.second": 5,
                               "chars.staff.second": 4, "chars.checkin.second": 3, "overall": 4, "nps": 9,
                               "effort": 6, "purpose": "business", "comment": "Lovely stay"}
    answers.update(overrides)
    return {key: value for key, value in answers.items() if value is not None}


# Distribution -------------------------------------------------------------------------------------

def contact_list(*rows: str, header: str = "email,name,language,segment") -> bytes:
    """A CSV contact list, UTF-8 with a byte-order mark as Excel writes it."""
    return ("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def closure_survey(persona: Any) -> Survey:
    """The organisation's complaint-closure survey, published and open."""
    return published_survey(persona, content=starter.complaint_closure(), purpose="complaint_closure",
                            name="Complaint handling")


def closed_complaint(organization: Any, *, closed_at: Any, **fields: Any) -> Complaint:
    """A complaint registered and marked closed at `closed_at` (no closure mail)."""
    complaint = ComplaintFactory(organization=organization, **fields)
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.CLOSED, closed_at=closed_at)
    return Complaint.objects.get(pk=complaint.pk)
