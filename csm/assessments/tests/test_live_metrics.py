"""The live metrics on a hand-built data set, every expected number worked out below.

Acme (Europe/Warsaw), "now" 2026-04-02 12:00 UTC, until 2026-03-31: this window is 2025-04-01 to
2026-03-31, the previous one 2024-04-01 to 2025-03-31. Units: Hotel > Spa; Airport.

Complaints (step: (due, done) in days after receipt; "-": none; ✓ on time, ✗ late, · left out):
ref  received (Warsaw)     unit     cat  status             ack      assess   respond   resolve  rating
c1   2025-04-01 00:00      Hotel    A    closed             ✓        ✓        ✗         ✓        5
c2   2025-06-10 11:00      Spa      -    investigating,     ✗        ✗ over-  · due in  · due in  -
                                         reopened once               due      future    future
c3   2025-12-01 10:00      Airport  B    closed             ✓        ✓        ✓         ✓        2
c4   2026-03-31 23:59      -        A    received           · no due dates                       -
c5   2026-01-15 10:00      Hotel    B    referred, closed   ✓        ✓        ✗ overdue ✗        1
c6   2025-09-01 11:00      Spa      A    referred           ✓        ✓        · referred · ref.  -
c0   2025-03-31 23:59      Hotel    -    closed             ✓        -        -         ✓        4   (previous)
p1   2024-06-01 11:00      Airport  A    closed             ✗        -        -         ✗        3   (previous)
old  2024-03-31 23:59      Hotel    A    closed, reopened   before both windows: counts nowhere
globex: a referred, reopened, rated complaint in the window.

This window, all units: acknowledged 4/5, assessed 4/5, responded 1/3 (c1 late, c5 overdue,
c3 on time), resolved 2/3 (c5 late), reopened 1/4 (c2, of c1 c2 c3 c5), categorised 5/6, rating
(5+2+1)/3, referred 2/5 (c5 c6, of c1 c2 c3 c5 c6). Previous: acknowledged 1/2, assessed and
responded none, resolved 1/2, reopened 0/2, categorised 1/2, rating 3.5, referred 0/2.
Hotel with Spa, this window (c1 c2 c5 c6): acknowledged 3/4, responded 0/2, resolved 1/2,
reopened 1/3, categorised 3/4, rating 3, referred 2/4; previous (c0): 1/1, rating 4.

Surveys. Blueprint: Stay (Hotel) with Reception (Hotel), Pool (Spa), Old desk (inactive);
Transfer (Airport) with Gate (no unit: the service's) and Lounge (Airport); a touch point of an
inactive service. Characteristics: Room, Staff, Check-in (the guest survey's items), Fee (the
expectations survey's item, which is tied to the Lounge).
Guest survey (open, post-service), importance 5/4/3 everywhere, so the weights are 5/12, 4/12, 3/12:
resp  completed (Warsaw)   unit     touch point  room staff check-in  NPS
r1    2025-04-01 00:00     Hotel    Reception    4    5     3         9
r2    2025-10-10 10:00     Spa      Pool         2    3     5         3   follow-up, done
r3    2026-03-31 23:59     Airport  -            5    5     5         10
r4    2025-12-12 10:00     Hotel    Reception    3    4     2         5   follow-up, open
r5    2026-02-02 10:00     Airport  Gate         4    4     4         10
r0    2025-03-31 23:59     Hotel    Reception    1    2     3         6   follow-up, open (previous)
rx    2024-03-31 12:00     Hotel    Pool         1    1     1         0   before both windows
e1    2024-10-01 10:00     Airport  (expectations survey: Fee 5)              (previous)
This window: room 3.6, staff 4.2, check-in 3.8 → scores 65, 80, 70 → index 855/12 = 71.25;
NPS 100·(3 − 2)/5 = 20. Previous: scores 0, 25, 50 → 250/12; NPS −100 (n 1).
Hotel with Spa (r1 r2 r4): scores 50, 75, 175/3 → 725/12; NPS 100·(1 − 2)/3.
Touch points: this window Reception, Pool, Gate of 4 → 0.75; previous Reception and the Lounge
(by e1's item) → 0.5; Hotel with Spa: 2/2, previous 1/2. Characteristics: 3/4, previous 4/4.
Follow-ups (low score and detractor; a contact request on r1 does not count): 1/2, previous 0/1.
Invitations sent: Hotel 2025-05-01 answered, Spa 2025-05-02, Airport 2025-07-01 answered, Hotel
2025-04-01 00:00, Hotel 2025-03-31 23:59 answered (previous), Hotel never sent → 2/4, previous
1/1; Hotel with Spa 1/3.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csm.accounts.models import Unit, UnitKind
from csm.assessments import live_metrics
from csm.assessments.live_metrics import METRIC_LABELS, METRIC_UNITS, Window, compute_metrics, windows
from csm.assessments.protocol_store import KNOWN_METRICS
from csm.catalogue.models import ServiceCharacteristic
from csm.catalogue.tests.factories import ServiceFactory, TouchPointFactory
from csm.complaints.analytics import STEPS, complaint_analytics
from csm.complaints.models import Complaint, ComplaintCategory
from csm.complaints.services import refer_complaint
from csm.complaints.tests.factories import ComplaintFactory
from csm.complaints.workflow import Status
from csm.core import clock
from csm.core.errors import InvalidInput
from csm.surveys import starter
from csm.surveys.dashboards import DashboardFilters, dashboard
from csm.surveys.models import Contact, FollowUp, FollowUpReason, Response, Survey, SurveyStatus
from csm.surveys.services import rollups
from csm.surveys.services.distribution import build_invitation
from csm.surveys.services.follow_ups import close_follow_up
from csm.surveys.services.responding import Submission, submit_response
from csm.surveys.tests.factories import full_answers, new_key, published_survey

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")
NOW = dt.datetime(2026, 4, 2, 12, 0, tzinfo=dt.UTC)
UNTIL = dt.date(2026, 3, 31)
FIRST_MOMENT = dt.datetime(2025, 4, 1, tzinfo=WARSAW)
LAST_MOMENT = dt.datetime(2026, 3, 31, 23, 59, tzinfo=WARSAW)
DAY_BEFORE = dt.datetime(2025, 3, 31, 23, 59, tzinfo=WARSAW)
BEFORE_BOTH = dt.datetime(2024, 3, 31, 23, 59, tzinfo=WARSAW)
ALL = sorted(KNOWN_METRICS)
_emails = itertools.count(1)


def warsaw(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=WARSAW)


def metrics(organization: Any, unit: Unit | None = None, names: Any = ALL, until: dt.date = UNTIL) -> dict:
    with clock.frozen(NOW):
        return compute_metrics(organization_id=organization.pk, unit_id=unit.pk if unit else None, until=until,
                               names=names)


def figures(result: dict, name: str) -> tuple:
    """(value, n, previous, previous n), the values to 1e-9."""
    metric = result[name]
    return (_approx(metric.value), metric.n, _approx(metric.previous), metric.previous_n)


def _approx(value: float | None) -> Any:
    return None if value is None else pytest.approx(value, abs=1e-9)


@pytest.fixture
def units(acme) -> dict[str, Unit]:
    hotel = Unit.objects.create(organization=acme, kind=UnitKind.SITE, name="Hotel")
    spa = Unit.objects.create(organization=acme, kind=UnitKind.TEAM, name="Spa", parent=hotel)
    airport = Unit.objects.create(organization=acme, kind=UnitKind.SITE, name="Airport")
    return {"hotel": hotel, "spa": spa, "airport": airport}


# Complaints ---------------------------------------------------------------------------------------

BLANK = {"status": Status.RECEIVED, "unit": None, "category": None, "rating": None, "reopen_count": 0,
         **{field: None for fields in STEPS.values() for field in fields}}


def complaint(organization: Any, received_at: dt.datetime, *, referred_by: Any = None, **steps: Any) -> Complaint:
    """Registered through the factory, then given exact times: `acknowledge=(due, done)` in days
    after receipt (done None: not done); `referred_by` refers it through the service first."""
    made = ComplaintFactory(organization=organization, received_at=received_at)
    if referred_by is not None:
        Complaint.objects.filter(pk=made.pk).update(status=Status.ASSESSED)
        refer_complaint(actor=referred_by.actor, complaint=made)
    fields = {name: value for name, value in steps.items() if name not in STEPS}
    for step, (due, done) in ((name, value) for name, value in steps.items() if name in STEPS):
        done_field, due_field = STEPS[step]
        fields[due_field] = received_at + dt.timedelta(days=due)
        fields[done_field] = None if done is None else received_at + dt.timedelta(days=done)
    Complaint.objects.filter(pk=made.pk).update(**{**BLANK, **fields})
    return Complaint.objects.get(pk=made.pk)


@pytest.fixture
def complaints(acme, globex, bob, charlie, units) -> dict[str, Complaint]:
    a, b = (ComplaintCategory.objects.create(organization=acme, name=name) for name in ("A", "B"))
    hotel, spa, airport = units["hotel"], units["spa"], units["airport"]
    closed = Status.CLOSED
    made = {
        "c1": complaint(acme, FIRST_MOMENT, unit=hotel, category=a, status=closed, rating=5,
                        acknowledge=(1, 0.1), assess=(2, 1), respond=(5, 6), resolve=(10, 8)),
        "c2": complaint(acme, warsaw(2025, 6, 10, 11), unit=spa, status=Status.INVESTIGATING, reopen_count=1,
                        acknowledge=(1, 2), assess=(2, None), respond=(400, None), resolve=(400, None)),
        "c3": complaint(acme, warsaw(2025, 12, 1), unit=airport, category=b, status=closed, rating=2,
                        outcome="upheld", acknowledge=(1, 0.05), assess=(2, 1), respond=(5, 3), resolve=(10, 7)),
        "c4": complaint(acme, LAST_MOMENT, category=a),
        "c5": complaint(acme, warsaw(2026, 1, 15), referred_by=bob, unit=hotel, category=b, status=closed,
                        rating=1, acknowledge=(1, 0.5), assess=(2, 1), respond=(5, None), resolve=(10, 30)),
        "c6": complaint(acme, warsaw(2025, 9, 1, 11), referred_by=bob, unit=spa, category=a,
                        status=Status.REFERRED, acknowledge=(1, 0.5), assess=(2, 1), respond=(5, None),
                        resolve=(10, None)),
        "c0": complaint(acme, DAY_BEFORE, unit=hotel, status=closed, rating=4, acknowledge=(1, 0.5),
                        resolve=(10, 5)),
        "p1": complaint(acme, warsaw(2024, 6, 1, 11), unit=airport, category=a, status=closed, rating=3,
                        acknowledge=(1, 3), resolve=(10, 20)),
        "old": complaint(acme, BEFORE_BOTH, unit=hotel, category=a, status=closed, rating=1, reopen_count=1,
                         acknowledge=(1, 0.5), resolve=(10, 5)),
    }
    theirs = ComplaintCategory.objects.create(organization=globex, name="Theirs")
    made["globex"] = complaint(globex, warsaw(2025, 8, 1), referred_by=charlie, category=theirs,
                               status=Status.REFERRED, rating=5, reopen_count=1, acknowledge=(1, 0.5),
                               assess=(2, 1), respond=(5, 1), resolve=(10, 2))
    return made


def test_complaint_metrics_of_the_whole_organisation(acme, complaints):
    result = metrics(acme)
    assert figures(result, "complaints.acknowledged_on_time") == (0.8, 5, 0.5, 2)
    assert figures(result, "complaints.assessed_on_time") == (0.8, 5, None, 0)
    assert figures(result, "complaints.responded_on_time") == (1 / 3, 3, None, 0)
    assert figures(result, "complaints.resolved_on_time") == (2 / 3, 3, 0.5, 2)
    assert figures(result, "complaints.reopen_rate") == (0.25, 4, 0.0, 2)
    assert figures(result, "complaints.categorised_share") == (5 / 6, 6, 0.5, 2)
    assert figures(result, "complaints.handling_satisfaction") == (8 / 3, 3, 3.5, 2)
    assert figures(result, "complaints.external_referral_rate") == (0.4, 5, 0.0, 2)


def test_a_unit_counts_its_subtree_only(acme, complaints, units):
    result = metrics(acme, units["hotel"])
    assert figures(result, "complaints.acknowledged_on_time") == (0.75, 4, 1.0, 1)
    assert figures(result, "complaints.assessed_on_time") == (0.75, 4, None, 0)
    assert figures(result, "complaints.responded_on_time") == (0.0, 2, None, 0)
    assert figures(result, "complaints.resolved_on_time") == (0.5, 2, 1.0, 1)
    assert figures(result, "complaints.reopen_rate") == (1 / 3, 3, 0.0, 1)
    assert figures(result, "complaints.categorised_share") == (0.75, 4, 0.0, 1)
    assert figures(result, "complaints.handling_satisfaction") == (3.0, 2, 4.0, 1)
    assert figures(result, "complaints.external_referral_rate") == (0.5, 4, 0.0, 1)
    spa = metrics(acme, units["spa"])
    assert figures(spa, "complaints.acknowledged_on_time") == (0.5, 2, None, 0)
    assert figures(spa, "complaints.external_referral_rate") == (0.5, 2, None, 0)


def test_the_on_time_shares_and_reopen_rate_equal_the_complaint_analytics(alice, acme, complaints, units):
    current, previous = windows(UNTIL)
    for unit in (None, units["hotel"]):
        result = metrics(acme, unit)
        for window, value, n in ((current, "value", "n"), (previous, "previous", "previous_n")):
            with clock.frozen(NOW):
                page = complaint_analytics(actor=alice.actor, period_start=window.start, period_end=window.end,
                                           unit_id=unit.pk if unit else None)
            on_time = {row.step: row.on_time for row in page.on_time}
            for name, step in live_metrics.STEP_METRICS.items():
                assert (getattr(result[name], value), getattr(result[name], n)) == (on_time[step].p, on_time[step].n)
            reopen = result["complaints.reopen_rate"]
            assert (getattr(reopen, value), getattr(reopen, n)) == (page.reopen.p, page.reopen.n)


def test_a_complaint_on_the_first_day_counts_and_the_day_before_does_not(acme):
    complaint(acme, FIRST_MOMENT)
    complaint(acme, LAST_MOMENT)
    complaint(acme, DAY_BEFORE)
    complaint(acme, LAST_MOMENT + dt.timedelta(minutes=1))
    assert figures(metrics(acme), "complaints.categorised_share") == (0.0, 2, 0.0, 1)


# Surveys ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Given:
    survey: Survey
    answers: dict[str, Any]
    completed_at: dt.datetime
    unit: Unit | None
    response: Response


def respond(survey: Survey, completed_at: dt.datetime, unit: Unit | None, point: Any = None,
            **answers: Any) -> Given:
    with clock.frozen(NOW):
        outcome = submit_response(survey=survey, submission=Submission(
            answers, new_key(), complete=True, unit_id=unit.pk if unit else None,
            touch_point_id=point.pk if point else None, completed_at=completed_at))
    return Given(survey, answers, completed_at, unit, outcome.response)


def guest(survey: Survey, completed_at: dt.datetime, unit: Unit | None, point: Any, ratings: tuple[int, int, int],
          nps: int) -> Given:
    room, staff, checkin = ratings
    return respond(survey, completed_at, unit, point, **full_answers(**{
        "chars.room": room, "chars.staff": staff, "chars.checkin": checkin, "nps": nps}))


def invite(survey: Survey, unit: Unit | None, sent_at: dt.datetime | None, *, answered: bool) -> None:
    contact = Contact.objects.create(organization_id=survey.organization_id, email=f"guest{next(_emails)}@example.com")
    invitation = build_invitation(survey=survey, contact=contact, source="csv", send_after=sent_at or NOW, unit=unit)
    invitation.sent_at = sent_at
    invitation.spent_at = sent_at + dt.timedelta(days=1) if answered and sent_at else None
    invitation.save()


def roll_up() -> None:
    while rollups.roll_up_pending():
        pass


@pytest.fixture
def surveys(acme, alice, charlie, units) -> dict[str, Any]:
    hotel, spa, airport = units["hotel"], units["spa"], units["airport"]
    with clock.frozen(NOW):
        stay = ServiceFactory(organization=acme, name="Stay", unit=hotel)
        reception = TouchPointFactory(service=stay, name="Reception", unit=hotel)
        pool = TouchPointFactory(service=stay, name="Pool", unit=spa)
        TouchPointFactory(service=stay, name="Old desk", unit=hotel, is_active=False)
        transfer = ServiceFactory(organization=acme, name="Transfer", unit=airport)
        gate = TouchPointFactory(service=transfer, name="Gate")
        lounge = TouchPointFactory(service=transfer, name="Lounge", unit=airport)
        TouchPointFactory(service=ServiceFactory(organization=acme, name="Gone", is_active=False), name="Kiosk")
        fee = ServiceCharacteristic.objects.create(organization=acme, name="Fee", kind="fee")
        main = published_survey(alice, service=stay)
        content = starter.pre_service([starter.RatedItem("fee", starter.words("Fee", "Opłata", "费用"), "fee", fee.pk)])
        content["pages"][0]["questions"][0]["rows"][0]["touch_point"] = lounge.pk
        expectations = published_survey(alice, content=content, purpose="pre_service", name="Expectations")
    given = {
        "r1": guest(main, FIRST_MOMENT, hotel, reception, (4, 5, 3), 9),
        "r2": guest(main, warsaw(2025, 10, 10), spa, pool, (2, 3, 5), 3),
        "r3": guest(main, LAST_MOMENT, airport, None, (5, 5, 5), 10),
        "r4": guest(main, warsaw(2025, 12, 12), hotel, reception, (3, 4, 2), 5),
        "r5": guest(main, warsaw(2026, 2, 2), airport, gate, (4, 4, 4), 10),
        "r0": guest(main, DAY_BEFORE, hotel, reception, (1, 2, 3), 6),
        "rx": guest(main, warsaw(2024, 3, 31, 12), hotel, pool, (1, 1, 1), 0),
        "e1": respond(expectations, warsaw(2024, 10, 1), airport, **{"chars.fee": 5}),
    }
    with clock.frozen(NOW):
        close_follow_up(actor=alice.actor, follow_up=given["r2"].response.follow_up, note="Called back")
        FollowUp.objects.create(organization=acme, response=given["r1"].response, survey=main,
                                reason=FollowUpReason.CONTACT_REQUEST, due_at=NOW)
        for unit, sent_at, answered in ((hotel, warsaw(2025, 5, 1), True), (spa, warsaw(2025, 5, 2), False),
                                        (airport, warsaw(2025, 7, 1), True), (hotel, FIRST_MOMENT, False),
                                        (hotel, DAY_BEFORE, True), (hotel, None, True)):
            invite(main, unit, sent_at, answered=answered)
    theirs = _globex_surveys(charlie)
    roll_up()
    return {"main": main, "expectations": expectations, "given": given, "theirs": theirs}


def _globex_surveys(charlie: Any) -> Survey:
    """Globex's survey with perfect answers in the window, a closed follow-up and answered invitations."""
    with clock.frozen(NOW):
        service = ServiceFactory(organization=charlie.organization, name="Line")
        point = TouchPointFactory(service=service, name="Shop")
        survey = published_survey(charlie, service=service)
    for day in (1, 2, 3):
        guest(survey, warsaw(2025, 6, day), None, point, (5, 5, 5), 10)
    low = guest(survey, warsaw(2025, 6, 4), None, point, (1, 1, 1), 0)
    with clock.frozen(NOW):
        close_follow_up(actor=charlie.actor, follow_up=low.response.follow_up, note="Done")
        invite(survey, None, warsaw(2025, 6, 1), answered=True)
    return survey


def test_survey_metrics_of_the_whole_organisation(acme, surveys):
    result = metrics(acme)
    assert figures(result, "surveys.satisfaction_index") == (71.25, 5, 250 / 12, 1)
    assert figures(result, "surveys.nps") == (20.0, 5, -100.0, 1)
    assert figures(result, "surveys.touch_point_coverage") == (0.75, 4, 0.5, 4)
    assert figures(result, "surveys.characteristic_coverage") == (0.75, 4, 1.0, 4)
    assert figures(result, "surveys.response_rate") == (0.5, 4, 1.0, 1)
    assert figures(result, "surveys.follow_up_closed_share") == (0.5, 2, 0.0, 1)
    assert figures(result, "surveys.expectations_measured") == (0.0, 0, 1.0, 1)


def test_survey_metrics_of_a_unit_count_its_subtree_only(acme, surveys, units):
    result = metrics(acme, units["hotel"])
    assert figures(result, "surveys.satisfaction_index") == (725 / 12, 3, 250 / 12, 1)
    assert figures(result, "surveys.nps") == (-100 / 3, 3, -100.0, 1)
    assert figures(result, "surveys.touch_point_coverage") == (1.0, 2, 0.5, 2)
    assert figures(result, "surveys.characteristic_coverage") == (0.75, 4, 0.75, 4)
    assert figures(result, "surveys.response_rate") == (1 / 3, 3, 1.0, 1)
    assert figures(result, "surveys.follow_up_closed_share") == (0.5, 2, 0.0, 1)
    assert figures(result, "surveys.expectations_measured") == (0.0, 0, 0.0, 0)
    spa = metrics(acme, units["spa"])
    assert figures(spa, "surveys.follow_up_closed_share") == (1.0, 1, None, 0)
    assert figures(spa, "surveys.touch_point_coverage") == (1.0, 1, 0.0, 1)


def test_the_index_and_nps_equal_the_dashboard_of_the_same_survey_and_period(alice, acme, surveys, units):
    for unit in (None, units["hotel"]):
        result = metrics(acme, unit)
        for window, value in zip(windows(UNTIL), ("value", "previous"), strict=True):
            filters = DashboardFilters(start=window.start, end=window.end, unit_id=unit.pk if unit else None)
            shown = dashboard(actor=alice.actor, survey=surveys["main"], filters=filters).figures
            assert getattr(result["surveys.satisfaction_index"], value) == shown.index.value
            assert getattr(result["surveys.nps"], value) == shown.nps.value


def test_the_index_and_nps_equal_an_independent_computation_from_the_answers(acme, surveys):
    current = windows(UNTIL)[0]
    answered = [g.answers for g in surveys["given"].values() if g.survey == surveys["main"]
                and current.start <= g.completed_at.astimezone(WARSAW).date() <= current.end]
    keys = ("chars.room", "chars.staff", "chars.checkin")
    ratings = np.array([[a[key] for key in keys] for a in answered], dtype=float)
    importance = np.array([[a[f"{key}.second"] for key in keys] for a in answered], dtype=float)
    weights = importance.mean(axis=0) / importance.mean(axis=0).sum()
    index = float(weights @ (100 * (ratings.mean(axis=0) - 1) / 4))
    nps = np.array([a["nps"] for a in answered])
    result = metrics(acme)
    assert result["surveys.satisfaction_index"].value == pytest.approx(index, abs=1e-9)
    assert result["surveys.nps"].value == pytest.approx(100 * (np.mean(nps >= 9) - np.mean(nps <= 6)), abs=1e-9)


def test_it_reads_the_open_post_service_survey_before_one_with_more_responses(acme, alice):
    with clock.frozen(NOW):
        older = published_survey(alice, name="Last year's survey")
        current = published_survey(alice, name="This year's survey")
    guest(older, warsaw(2025, 5, 1), None, None, (5, 5, 5), 10)
    guest(older, warsaw(2025, 5, 2), None, None, (5, 5, 5), 10)
    guest(current, warsaw(2025, 6, 1), None, None, (1, 1, 1), 0)
    roll_up()
    Survey.objects.filter(pk=older.pk).update(status=SurveyStatus.CLOSED)
    assert figures(metrics(acme), "surveys.satisfaction_index") == (0.0, 1, None, 0)
    Survey.objects.filter(pk=current.pk).update(status=SurveyStatus.CLOSED)
    assert figures(metrics(acme), "surveys.satisfaction_index") == (100.0, 2, None, 0)


def test_a_response_on_the_first_day_counts_and_the_day_before_does_not(acme, alice):
    with clock.frozen(NOW):
        survey = published_survey(alice)
    for at in (FIRST_MOMENT, LAST_MOMENT, DAY_BEFORE, LAST_MOMENT + dt.timedelta(minutes=1)):
        guest(survey, at, None, None, (5, 5, 5), 10)
    roll_up()
    assert figures(metrics(acme), "surveys.nps") == (100.0, 2, 100.0, 1)


# Isolation, no data, the API --------------------------------------------------------------------

def test_charlies_data_never_enters_acmes_figures(acme, globex, complaints, surveys):
    mine, theirs = metrics(acme), metrics(globex)
    assert figures(mine, "complaints.handling_satisfaction") == (8 / 3, 3, 3.5, 2)
    assert figures(mine, "surveys.nps") == (20.0, 5, -100.0, 1)
    assert figures(theirs, "complaints.handling_satisfaction") == (5.0, 1, None, 0)
    assert figures(theirs, "complaints.external_referral_rate") == (1.0, 1, None, 0)
    assert figures(theirs, "surveys.nps") == (50.0, 4, None, 0)
    assert figures(theirs, "surveys.touch_point_coverage") == (1.0, 1, 0.0, 1)
    assert figures(theirs, "surveys.follow_up_closed_share") == (1.0, 1, None, 0)
    assert figures(theirs, "surveys.response_rate") == (1.0, 1, None, 0)


def test_a_unit_of_another_organisation_is_refused(acme, globex):
    theirs = Unit.objects.create(organization=globex, kind=UnitKind.SITE, name="Shanghai")
    with pytest.raises(InvalidInput):
        metrics(acme, theirs)


def test_without_data_every_metric_is_none_except_the_expectations_flag(acme):
    result = metrics(acme)
    assert set(result) == KNOWN_METRICS
    for name in KNOWN_METRICS - {"surveys.expectations_measured"}:
        assert figures(result, name) == (None, 0, None, 0), name
    assert figures(result, "surveys.expectations_measured") == (0.0, 0, 0.0, 0)


def test_commitments_and_disputes_have_no_data_yet(acme, complaints, surveys):
    result = metrics(acme)
    for name in ("commitments.promises_with_indicators", "commitments.promises_met",
                 "disputes.resolved_within_90_days"):
        assert figures(result, name) == (None, 0, None, 0)


def test_each_value_carries_its_period_and_unit(acme):
    result = metrics(acme, names=["surveys.nps", "complaints.handling_satisfaction"])
    assert set(result) == {"surveys.nps", "complaints.handling_satisfaction"}
    nps = result["surveys.nps"]
    assert (nps.period_start, nps.period_end, nps.unit) == (dt.date(2025, 4, 1), UNTIL, "nps")
    assert result["complaints.handling_satisfaction"].unit == "rating"


def test_every_known_metric_has_a_label_and_a_unit():
    assert set(METRIC_LABELS) == KNOWN_METRICS == set(METRIC_UNITS)
    assert str(METRIC_LABELS["complaints.acknowledged_on_time"]) == "Complaints acknowledged on time"
    assert set(METRIC_UNITS.values()) == {"share", "rating", "index", "nps", "flag"}


def test_an_unknown_metric_is_refused(acme):
    with pytest.raises(ValueError, match=r"complaints\.nonsense"):
        metrics(acme, names=["complaints.nonsense"])


def test_the_query_count_does_not_grow_with_the_data(acme, alice, complaints, surveys, units):
    def count(unit: Unit | None) -> int:
        with CaptureQueriesContext(connection) as queries:
            metrics(acme, unit)
        return len(queries)

    before = (count(None), count(units["hotel"]))
    for day in range(1, 6):
        complaint(acme, warsaw(2025, 7, day), unit=units["spa"], rating=4, acknowledge=(1, 0.5))
        guest(surveys["main"], warsaw(2025, 7, day), units["spa"], None, (3, 3, 3), 7)
    roll_up()
    assert before == (9, 10)
    assert (count(None), count(units["hotel"])) == before


def test_only_the_queries_the_names_need_are_made(acme, complaints):
    with CaptureQueriesContext(connection) as queries:
        metrics(acme, names=[*live_metrics.COMPLAINT_METRICS, "disputes.resolved_within_90_days"])
    assert len(queries) == 2


@pytest.mark.parametrize(("until", "current", "previous"), [
    (dt.date(2026, 3, 31), (dt.date(2025, 4, 1), dt.date(2026, 3, 31)), (dt.date(2024, 4, 1), dt.date(2025, 3, 31))),
    (dt.date(2026, 1, 15), (dt.date(2025, 1, 16), dt.date(2026, 1, 15)), (dt.date(2024, 1, 16), dt.date(2025, 1, 15))),
    (dt.date(2024, 2, 29), (dt.date(2023, 3, 1), dt.date(2024, 2, 29)), (dt.date(2022, 3, 1), dt.date(2023, 2, 28))),
    (dt.date(2025, 2, 28), (dt.date(2024, 2, 29), dt.date(2025, 2, 28)), (dt.date(2023, 3, 1), dt.date(2024, 2, 28))),
])
def test_the_windows_are_twelve_months_ending_on_until_and_the_twelve_before(until, current, previous):
    assert windows(until) == (Window(*current), Window(*previous))
