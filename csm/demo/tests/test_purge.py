from __future__ import annotations

from csm.accounts.models import Membership, User
from csm.catalogue.models import TouchFace, TouchLineStep
from csm.core.models import AuditEvent, WorkingInterval
from csm.demo.purge import deletion_plan


def test_the_plan_reaches_every_organisation_table_and_deletes_children_first():
    plan = deletion_plan()
    paths = dict(plan)

    assert paths[TouchLineStep] == "line__organization"
    assert paths[WorkingInterval] == "calendar__organization"
    assert paths[TouchFace.touch_points.through] == "touchface__organization"
    assert paths[AuditEvent] == "organization"
    assert paths[Membership] == "organization"
    assert User not in paths
    order = [model for model, _ in plan]
    assert order.index(TouchLineStep) < order.index(AuditEvent)
