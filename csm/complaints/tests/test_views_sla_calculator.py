"""The SLA calculator page: a due date and its explanation, from a calendar or a policy and step."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest

from csm.complaints.tests import test_views_support as support
from csm.complaints.tests.test_views_support import register, url
from csm.core.tests.factories import CalendarHolidayFactory, office_calendar

pytestmark = pytest.mark.django_db

# Shared fixtures: pytest finds them in this module's namespace.
frozen, policy = support.frozen, support.policy


def calculate(persona, **params) -> str:
    response = persona.browser().get(url("sla_calculator"), params)
    assert response.status_code == 200
    return response.content.decode()


def due_of(html: str) -> str:
    found = re.search(r'<dt>Due</dt>\s*<dd><strong><time datetime="([^"]+)"', html)
    assert found, "no due date on the page"
    return found[1]


def sentences(html: str) -> list[str]:
    items = re.findall(r"<li><time[^>]*>[^<]*</time> ([^<]*)</li>", html)
    return [html_lib.unescape(item) for item in items]


def test_it_opens_with_the_default_calendar_and_now(bob, policy, frozen):
    html = calculate(bob)
    assert f'<option value="{policy.calendar_id}" selected>Office</option>' in html
    assert 'value="2026-03-02T10:00"' in html
    assert "<dt>Due</dt>" not in html


def test_working_hours_on_a_calendar(bob, policy, frozen):
    html = calculate(bob, calendar=policy.calendar_id, start="2026-03-02T10:00", target="16h")
    assert due_of(html) == "2026-03-04T11:00:00+00:00"  # Wednesday noon in Warsaw
    assert sentences(html) == ["Received during working time: the clock starts at once.",
                               "Due: 16 h of working time counted."]


def test_a_policy_and_step_give_the_calendar_and_the_target(bob, policy, frozen):
    html = calculate(bob, policy=policy.pk, step="respond", start="2026-03-02T10:00")
    assert due_of(html) == "2026-03-16T16:00:00+00:00"
    assert ("The end of the working time of March 16, 2026, the last of 10 working days after the day of "
            "receipt (which does not count).") in sentences(html)


def test_a_pause_moves_the_due_date_by_the_working_time_it_holds(bob, policy, frozen):
    html = calculate(bob, calendar=policy.calendar_id, start="2026-03-02T10:00", target="16h",
                     pauses="2026-03-02 11:00, 2026-03-02 12:00")
    assert due_of(html) == "2026-03-04T13:00:00+00:00"  # Wednesday 14:00: the lunch hour does not count
    assert sentences(html)[1:] == ["The clock was paused until March 2, 2026, noon; 1 h did not count.",
                                   "Due: 16 h of working time counted, plus 1 h paused."]


def test_a_pause_still_running_leaves_no_due_date(bob, policy, frozen):
    html = calculate(bob, calendar=policy.calendar_id, start="2026-03-02T10:00", target="16h",
                     pauses="2026-03-02 11:00")
    assert "No due date while the clock is paused" in html
    assert ("The clock has been paused since then, so there is no due date yet; 15 h will remain when it "
            "runs again.") in sentences(html)


def test_holidays_are_named(acme, bob, policy, frozen):
    CalendarHolidayFactory(calendar=policy.calendar, date=dt.date(2026, 3, 3), name="Founders' day")
    html = calculate(bob, calendar=policy.calendar_id, start="2026-03-02T10:00", target="1wd")
    assert due_of(html) == "2026-03-04T16:00:00+00:00"
    assert "March 3, 2026 is a holiday: no working time that day." in sentences(html)


def test_calendar_days_end_at_local_midnight(bob, policy, frozen):
    html = calculate(bob, calendar=policy.calendar_id, start="2026-03-02T10:00", target="15d")
    assert due_of(html) == "2026-03-17T23:00:00+00:00"
    assert ("Midnight after March 17, 2026, the end of 15 calendar days after the day of receipt (which does "
            "not count).") in sentences(html)


def test_the_start_is_read_in_the_calendars_timezone(acme, bob, frozen):
    shanghai = office_calendar(acme, name="Shanghai office", timezone="Asia/Shanghai", country="CN")
    html = calculate(bob, calendar=shanghai.pk, start="2026-03-02T10:00", target="1h")
    assert due_of(html) == "2026-03-02T03:00:00+00:00"  # 11:00 in Shanghai
    assert "<dt>Timezone</dt><dd>Asia/Shanghai</dd>" in html


@pytest.mark.parametrize(("params", "error"), [
    ({"target": "5x"}, "Write a whole number and a unit, e.g. 16h, 5wd, 15d or 48ch."),
    ({"target": ""}, "Write a target, or choose a policy and a step."),
    ({"calendar": ""}, "Choose a calendar or an SLA policy."),
    ({"pauses": "yesterday"}, "Line 1 is not a pause."),
    ({"pauses": "2026-03-02 12:00, 2026-03-02 11:00"}, "Line 1 is not a pause."),
])
def test_it_explains_what_is_wrong(bob, policy, frozen, params, error):
    html = calculate(bob, **{"calendar": policy.calendar_id, "start": "2026-03-02T10:00", "target": "16h",
                             **params})
    assert html_lib.escape(error) in html
    assert "<dt>Due</dt>" not in html


def test_another_organisations_calendar_is_not_a_choice(bob, charlie, frozen):
    theirs = office_calendar(charlie.organization)
    html = calculate(bob, calendar=theirs.pk, start="2026-03-02T10:00", target="16h")
    assert "Select a valid choice" in html
    assert "<dt>Due</dt>" not in html


def test_the_link_from_a_complaint_reproduces_its_due_date(bob, policy, frozen):
    complaint = register(bob)
    detail = bob.browser().get(url("detail", pk=complaint.pk)).content.decode()
    link = re.findall(r'<a href="([^"]+)">Open in the SLA calculator</a>', detail)[1]  # the assess step
    html = bob.browser().get(html_lib.unescape(link)).content.decode()
    assert due_of(html) == complaint.assess_due_at.isoformat()


def test_an_inspector_may_use_it_and_charlie_gets_404(carol, charlie, policy, frozen):
    assert carol.browser().get(url("sla_calculator")).status_code == 200
    assert charlie.browser().get(url("sla_calculator")).status_code == 404
