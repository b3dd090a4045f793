"""The SLA sweeps the worker runs periodically (registered in periodic.py).

`refresh_stale_deadlines` (every 5 minutes) recomputes the deadlines of open complaints after the
configuration behind them changed: an SLA policy (edited, added, deactivated: `policy_for` may now
choose another), a policy's business calendar (its fields, or its working hours and holidays,
which are seen through the calendar's audit events because editing them does not touch the
calendar's row) or an escalation tier. It is conservative per organisation: any such change makes
every open complaint of the organisation computed before it stale. A change committed while a
complaint was being recomputed could be missed by comparing timestamps alone, so complaints
computed up to STALE_GRACE after a change are recomputed once more.

`sla_sweep` (every minute) sends what `sla_check_at` says is due: the reminder to the assignee when
the next deadline enters its warning share, and an escalation one tier up once it has passed (see
deadlines.py for the rules). Only in the working time of the policy's calendar: outside it, the
complaint's check moves to the next working moment and nothing is sent.

Both work in bounded batches of locked rows (SKIP LOCKED on PostgreSQL, so two workers never
handle the same complaint), load each policy, calendar, settings and ladder once per run, and
write each batch with a fixed number of statements (one UPDATE of the complaints, one INSERT per
table for events, notifications and send tasks), never one per complaint.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from csm.accounts.models import User
from csm.complaints import deadlines, notifications, sla
from csm.complaints.config_selectors import get_settings, policy_for
from csm.complaints.models import (
    Complaint,
    ComplaintEvent,
    EscalationTier,
    EventKind,
    Notification,
    SlaPolicy,
)
from csm.complaints.services import moves
from csm.complaints.workflow import Status
from csm.core import clock
from csm.core.business_hours import Calendar
from csm.core.db_adapters import fast_rows
from csm.core.lookups import loaded
from csm.core.models import AuditEvent, BusinessCalendar
from csm.core.writes import insert_instances, insert_rows, update_in_bulk

BATCH_SIZE = 1000
STALE_GRACE = dt.timedelta(minutes=2)
SYSTEM = "system"
CLOCK_FIELDS = [*deadlines.DUE_FIELDS, "sla_policy", "next_due_at", "sla_check_at", "deadlines_computed_at"]
SLA_FIELDS = ["last_reminded_at", "escalation_level", "escalated_at", "sla_check_at"]
# What `sla_sweep` reads of a complaint (the rest of the row is never loaded), by attribute name.
# Not `sla_check_at` and `updated_at`, which it sets without reading.
SWEEP_COLUMNS = ("id", "organization_id", "received_at", "status", "priority", "category_id", "assignee_id",
                 "sla_policy_id", "paused_since", "next_due_at", "last_reminded_at", "escalation_level",
                 "escalated_at", *(name for fields in deadlines.STEP_FIELDS.values() for name in fields[1:]))
ESCALATION_REASONS = {
    sla.Step.ACKNOWLEDGE: _("The deadline to acknowledge the complaint has passed."),
    sla.Step.ASSESS: _("The deadline to assess the complaint has passed."),
    sla.Step.RESPOND: _("The deadline to respond to the complainant has passed."),
    sla.Step.RESOLVE: _("The deadline to resolve the complaint has passed."),
}
TIER_REASON = _("The time limit of the previous escalation tier has run out.")


class Contexts:
    """SLA contexts for one run: each organisation's settings and ladder, each policy choice and
    each calendar loaded once."""

    def __init__(self, organization_ids: Iterable[int]) -> None:
        ids = set(organization_ids)
        self.fractions = {org: get_settings(organization_id=org).reminder_before_percent / 100 for org in ids}
        tiers: dict[int, list[EscalationTier]] = defaultdict(list)
        for tier in EscalationTier.objects.filter(organization_id__in=ids).order_by("level", "id"):
            tiers[tier.organization_id].append(tier)
        self.tiers = {org: tuple(tiers[org]) for org in ids}
        self.calendars: dict[tuple[int, int], Calendar] = {}
        self.policies: dict[tuple[int, int | None, str], SlaPolicy | None] = {}
        self.by_id: dict[int, SlaPolicy] = {}

    def load_policies(self, ids: Iterable[int | None]) -> None:
        """Load the policies `ids` name that are not loaded yet, with their calendars' working
        hours and holidays: three queries, or none."""
        missing = {pk for pk in ids if pk is not None} - set(self.by_id)
        if missing:
            self.by_id.update(SlaPolicy.objects.select_related("calendar").prefetch_related(
                "calendar__intervals", "calendar__holidays").in_bulk(missing))

    def policy(self, complaint: Complaint) -> SlaPolicy | None:
        """The complaint's own policy, loaded by `load_policies`."""
        return self.by_id.get(complaint.sla_policy_id) if complaint.sla_policy_id else None

    def chosen_policy(self, complaint: Complaint) -> SlaPolicy | None:
        key = (complaint.organization_id, complaint.category_id, complaint.priority)
        if key not in self.policies:
            self.policies[key] = policy_for(organization_id=key[0], category_id=key[1], priority=key[2])
        return self.policies[key]

    def calendar(self, calendar: BusinessCalendar, around: dt.datetime) -> Calendar:
        key = (calendar.pk, around.year)
        if key not in self.calendars:
            self.calendars[key] = deadlines.pure_calendar(calendar, around)
        return self.calendars[key]

    def context(self, complaint: Complaint, policy: SlaPolicy | None) -> deadlines.SlaContext:
        calendar = self.calendar(policy.calendar, complaint.received_at) if policy else None
        org = complaint.organization_id
        return deadlines.SlaContext(policy, calendar, self.fractions[org], self.tiers[org])


# Stale deadlines --------------------------------------------------------------------------------

@task()
def refresh_stale_deadlines(limit: int = BATCH_SIZE) -> int:
    """Recompute up to `limit` open complaints whose deadlines predate a configuration change, the
    lowest organisation and id first; returns how many were recomputed."""
    now, refreshed = clock.now(), 0
    for organization_id, changed_at in sorted(configuration_changes().items()):
        if refreshed >= limit:
            break
        stale = stale_complaints(organization_id, changed_at)
        refreshed += _refresh_in_batches(stale, Contexts([organization_id]), now=now, limit=limit - refreshed)
    return refreshed


def configuration_changes() -> dict[int, dt.datetime]:
    """The latest change per organisation (with SLA policies) of what its complaints are timed by:
    a policy or its calendar's row, an escalation tier, or a calendar's audit event (working hours
    and holidays change in their own tables). Tiers and audit events are read only for those
    organisations, through their organisation-led indexes."""
    policies = SlaPolicy.objects.values("organization_id").order_by().annotate(
        at=Max(Greatest("updated_at", "calendar__updated_at")))
    latest = {row["organization_id"]: row["at"] for row in policies}
    tiers = EscalationTier.objects.filter(organization_id__in=list(latest))
    calendars = AuditEvent.objects.filter(organization_id__in=list(latest),
                                          object_type=BusinessCalendar._meta.label_lower)
    for rows in (tiers.values("organization_id").order_by().annotate(at=Max("updated_at")),
                 calendars.values("organization_id").order_by().annotate(at=Max("created_at"))):
        for row in rows:
            latest[row["organization_id"]] = max(row["at"], latest[row["organization_id"]])
    return latest


def stale_complaints(organization_id: int, changed_at: dt.datetime) -> QuerySet[Complaint]:
    computed_before = Q(deadlines_computed_at__lt=changed_at + STALE_GRACE) | Q(deadlines_computed_at__isnull=True)
    return Complaint.objects.filter(computed_before, organization_id=organization_id).exclude(status=Status.CLOSED)


def _refresh_in_batches(stale: QuerySet[Complaint], contexts: Contexts, *, now: dt.datetime, limit: int) -> int:
    """Keyset batches by id, each in its own transaction with its rows locked."""
    done, last_id = 0, 0
    while done < limit:
        with transaction.atomic():
            batch = list(stale.filter(pk__gt=last_id).select_for_update(skip_locked=True)
                         .order_by("id")[:min(BATCH_SIZE, limit - done)])
            _refresh(batch, contexts, now=now)
        if not batch:
            break
        done, last_id = done + len(batch), batch[-1].pk
    return done


def _refresh(batch: list[Complaint], contexts: Contexts, *, now: dt.datetime) -> None:
    """Recompute a batch's clocks: one query for its pauses, one UPDATE, and one INSERT for the
    "deadlines" events of the complaints whose clocks moved, whatever the batch's size."""
    pauses = deadlines.pauses_by_complaint(batch)
    events = []
    for complaint in batch:
        before = _clock_values(complaint)
        context = contexts.context(complaint, contexts.chosen_policy(complaint))
        deadlines.apply_clocks(complaint, context, now=now, pauses=pauses[complaint.pk])
        after = _clock_values(complaint)
        changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
        if changes:
            events.append(moves.unsaved_event(complaint, EventKind.DEADLINES, label=SYSTEM, data=changes))
    _save(batch, CLOCK_FIELDS)
    insert_instances(events)


def _save(complaints: list[Complaint], fields: list[str]) -> None:
    """`save(update_fields=fields)` for many complaints, in one UPDATE (a few on SQLite, which caps
    the parameters of a statement); `updated_at` moves as with save()."""
    updated_at = clock.now()
    for complaint in complaints:
        complaint.updated_at = updated_at
    update_in_bulk(complaints, [*fields, "updated_at"])


def _clock_values(complaint: Complaint) -> dict[str, Any]:
    values: dict[str, Any] = {"sla_policy": complaint.sla_policy_id}
    for name in (*deadlines.DUE_FIELDS, "next_due_at"):
        value = getattr(complaint, name)
        values[name] = value.isoformat() if value else None
    return values


# Reminders and escalations ----------------------------------------------------------------------

@task()
def sla_sweep(limit: int = BATCH_SIZE) -> int:
    """Send the reminders and escalations that are due, for up to `limit` open, running complaints
    whose `sla_check_at` has come, the longest-waiting first; returns how many complaints got a
    reminder or an escalation. Complaints outside their calendar's working time only have their
    check moved, in one UPDATE per new check time. The queries do not grow with the batch: those
    in working time cost one query for their pauses, one for the escalation owners, one UPDATE and
    one INSERT each for events, notifications and their send tasks."""
    now = clock.now()
    with transaction.atomic():
        due = loaded(Complaint, SWEEP_COLUMNS, fast_rows(
            Complaint.objects.filter(sla_check_at__lte=now, paused_since__isnull=True)
            .exclude(status=Status.CLOSED)
            .select_for_update(skip_locked=True)
            .order_by("sla_check_at", "id")
            .values_list(*SWEEP_COLUMNS)[:limit]))
        contexts = Contexts({complaint.organization_id for complaint in due})
        contexts.load_policies(complaint.sla_policy_id for complaint in due)
        working: list[tuple[Complaint, deadlines.SlaContext]] = []
        deferred: dict[dt.datetime | None, list[int]] = defaultdict(list)
        for complaint in due:
            context = contexts.context(complaint, contexts.policy(complaint))
            is_working, later = _working_now(context, now)
            if is_working:
                working.append((complaint, context))
            else:
                deferred[later].append(complaint.pk)
        for later, ids in deferred.items():
            Complaint.objects.filter(pk__in=ids).update(sla_check_at=later)
        return _act(working, now=now) if working else 0


def _working_now(context: deadlines.SlaContext, now: dt.datetime) -> tuple[bool, dt.datetime | None]:
    """(True, now) in the working time of the policy's calendar; else (False, the next working
    moment), or (False, None) when the calendar has no working time at all."""
    calendar = context.calendar
    if calendar is None or not calendar.schedule.has_working_time:
        return False, None
    working = sla.next_notification_time(at=now, calendar=calendar)
    return working == now, working


def _act(working: list[tuple[Complaint, deadlines.SlaContext]], *, now: dt.datetime) -> int:
    """Remind or escalate each complaint that is due for it, move every check, write it all, and
    enqueue the batch's mails as one `send_sla_notifications` task (the reminders and escalations
    are its events: the mails are rendered by the worker, not in the sweep)."""
    pauses = deadlines.pauses_by_complaint(complaint for complaint, _ in working)
    assignees = dict(User.objects.filter(pk__in={complaint.assignee_id for complaint, _ in working}, is_active=True)
                     .values_list("pk", "email"))
    events: list[dict[str, Any]] = []
    for complaint, context in working:
        _act_on(complaint, context, pauses[complaint.pk], assignees, events, now=now)
    _save([complaint for complaint, _ in working], SLA_FIELDS)
    event_ids = insert_rows(ComplaintEvent, events)
    if event_ids:
        send_sla_notifications.enqueue(event_ids)
    return len(event_ids)


def _act_on(complaint: Complaint, context: deadlines.SlaContext, pauses: list[sla.Pause],
            assignees: Mapping[int, str], events: list[dict[str, Any]], *, now: dt.datetime) -> None:
    timing = deadlines.next_step_timing(complaint, context, pauses)
    # Each worked out once: a reminder leaves both as they are, an escalation its own to redo.
    warning = deadlines.reminder_time(complaint, timing.clocks, context)
    escalation = deadlines.escalation_time(complaint, context, timing.pauses)
    reminder = deadlines.pending_reminder(complaint, warning, now=now)
    tier = deadlines.next_tier(complaint, context)
    if reminder is not None and reminder <= now:
        events.append(_remind(complaint, assignees, now=now))
    elif tier is not None and escalation is not None and now > escalation:
        events.append(_escalate(complaint, tier, now=now))
        escalation = deadlines.escalation_time(complaint, context, timing.pauses)
    complaint.sla_check_at = deadlines.next_check(complaint, timing, context, now=now, known=(warning, escalation))


@task()
def send_sla_notifications(event_ids: list[int]) -> int:
    """The mails of one batch of the SLA sweep: a reminder to the assignee for each reminder event,
    an escalation to every holder of the tier's owner role for each escalation event, rendered in
    each reader's language and queued for sending in one go; returns how many were queued."""
    events = list(ComplaintEvent.objects.filter(pk__in=event_ids, kind__in=[EventKind.REMINDER, EventKind.ESCALATED])
                  .select_related("complaint__organization", "complaint__assignee").order_by("pk"))
    organization_ids = {event.organization_id for event in events}
    tiers = {(tier.organization_id, tier.level): tier
             for tier in EscalationTier.objects.filter(organization_id__in=organization_ids)}
    owners = notifications.escalation_owners(organization_ids=organization_ids,
                                             roles={tier.owner_role for tier in tiers.values()})
    prepared: list[Notification] = []
    for event in events:
        complaint, url = event.complaint, _staff_url(event.complaint)
        if event.kind == EventKind.REMINDER:
            sent = notifications.prepare_notification(complaint=complaint, template="reminder",
                                                      context={"complaint_url": url})
            prepared.extend([sent] if sent is not None else [])
        elif (tier := tiers.get((event.organization_id, event.data.get("to")))) is not None:
            step = event.data.get("step")
            reason = ESCALATION_REASONS[sla.Step(step)] if event.data.get("from") == 0 and step else TIER_REASON
            prepared.extend(notifications.prepare_escalation_notifications(
                complaint=complaint, tier=tier, owners=owners, context={"reason": reason, "complaint_url": url}))
    notifications.queue_prepared(prepared)
    return len(prepared)


def _staff_url(complaint: Complaint) -> str:
    path = reverse("complaints:detail", kwargs={"org_slug": complaint.organization.slug, "pk": complaint.pk})
    return settings.CSM_BASE_URL.rstrip("/") + path


def _remind(complaint: Complaint, assignees: Mapping[int, str], *, now: dt.datetime) -> dict[str, Any]:
    """The reminder's event row; `assignees`: the e-mail of each active assignee by id."""
    complaint.last_reminded_at = now
    return moves.event_row(complaint, EventKind.REMINDER, label=SYSTEM, data={
        "step": str(deadlines.next_step(complaint)), "to": assignees.get(complaint.assignee_id or 0)})


def _escalate(complaint: Complaint, tier: EscalationTier, *, now: dt.datetime) -> dict[str, Any]:
    """The escalation's event row."""
    step = deadlines.next_step(complaint)
    before, complaint.escalation_level, complaint.escalated_at = complaint.escalation_level, tier.level, now
    return moves.event_row(complaint, EventKind.ESCALATED, label=SYSTEM, body=tier.name, data={
        "from": before, "to": tier.level, "tier": tier.name, "step": str(step) if step else None})
