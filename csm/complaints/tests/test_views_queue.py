"""The handler's queue: who may open it, its order, filters, clocks, masking and query count."""

from __future__ import annotations

import datetime as dt
import html
import importlib
import re
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from csm.accounts.tests.factories import UnitFactory
from csm.complaints import config_services, services
from csm.complaints.tests import test_views_support as support
from csm.complaints.tests.test_views_support import T0, register, url

pytestmark = pytest.mark.django_db

# Shared fixtures: pytest finds them in this module's namespace.
frozen, policy, viewer = support.frozen, support.policy, support.viewer

THURSDAY_9 = dt.datetime(2026, 2, 26, 8, 0, tzinfo=dt.UTC)  # 09:00 in Warsaw, two working days before T0


def references(response) -> list[str]:
    return re.findall(r'<a href="/o/acme/complaints/\d+/">(C-\d{4}-\d{6,})</a>', response.content.decode())


def row_of(response, reference: str) -> str:
    page = response.content.decode()
    start = page.rindex("<tr", 0, page.index(f">{reference}</a>"))
    return page[start:page.index("</tr>", start)]


@pytest.fixture
def three(bob, policy, frozen):
    """An old complaint (nearest deadline), a new one, and one paused while waiting for the complainant."""
    old = register(bob, received_at=THURSDAY_9, description="Old: broken shower.")
    new = register(bob, description="New: noisy room.")
    paused = register(bob, description="Paused: missing invoice.")
    services.request_information(actor=bob.actor, complaint=paused, body="Which booking?")
    return old, new, paused


# Access -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["alice", "bob", "carol"])
def test_every_member_who_may_view_opens_the_queue(request, persona, three):
    response = request.getfixturevalue(persona).browser().get(url("queue"))
    assert response.status_code == 200
    assert len(references(response)) == 3


def test_a_viewer_opens_the_queue_but_not_the_new_complaint_button(viewer, three):
    client = Client()
    client.force_login(viewer)
    response = client.get(url("queue"))
    assert response.status_code == 200
    assert b"/o/acme/complaints/new/" not in response.content


def test_charlie_gets_404_on_acmes_queue(charlie, three):
    assert charlie.browser().get(url("queue")).status_code == 404


def test_charlies_own_queue_shows_none_of_acmes_complaints(charlie, three):
    response = charlie.browser().get(url("queue", org="globex"))
    assert response.status_code == 200
    assert references(response) == []


def test_signed_out_visitors_go_to_sign_in(three):
    assert Client().get(url("queue")).status_code == 302


# Order and filters ------------------------------------------------------------------------------

def test_the_nearest_deadline_comes_first_and_a_paused_complaint_last(bob, three):
    old, new, paused = three
    assert references(bob.browser().get(url("queue"))) == [old.reference, new.reference, paused.reference]


def test_closed_complaints_are_hidden_unless_asked_for(bob, three):
    old, new, paused = three
    services.close_complaint(actor=bob.actor, complaint=new, reason="Withdrawn by phone.")
    client = bob.browser()
    assert references(client.get(url("queue"))) == [old.reference, paused.reference]
    # Neither a closed nor a paused complaint has a deadline: they come last, oldest first.
    assert references(client.get(url("queue"), {"closed": "on"})) == [old.reference, new.reference,
                                                                       paused.reference]
    assert references(client.get(url("queue"), {"status": "closed"})) == [new.reference]


def test_it_filters_by_status(bob, three):
    _old, _new, paused = three
    response = bob.browser().get(url("queue"), {"status": "awaiting_customer"})
    assert references(response) == [paused.reference]


def test_it_filters_by_assignee_mine_and_unassigned(alice, bob, three):
    old, new, paused = three
    services.assign_complaint(actor=bob.actor, complaint=new, assignee=bob.user)
    services.assign_complaint(actor=bob.actor, complaint=old, assignee=alice.user)
    client = bob.browser()
    assert references(client.get(url("queue"), {"assignee": "mine"})) == [new.reference]
    assert references(client.get(url("queue"), {"assignee": "unassigned"})) == [paused.reference]
    assert references(client.get(url("queue"), {"assignee": str(alice.user.pk)})) == [old.reference]


def test_it_filters_by_unit_and_category(acme, alice, bob, three):
    old, new, _paused = three
    unit = UnitFactory(organization=acme, name="Warsaw")
    category = config_services.create_category(actor=alice.actor, name="Cleanliness")
    for complaint in (old, new):
        services.acknowledge_complaint(actor=bob.actor, complaint=complaint)
    services.assess_complaint(actor=bob.actor, complaint=old, unit=unit)
    services.assess_complaint(actor=bob.actor, complaint=new, category=category)
    client = bob.browser()
    assert references(client.get(url("queue"), {"unit": unit.pk})) == [old.reference]
    assert references(client.get(url("queue"), {"category": category.pk})) == [new.reference]


def test_it_ignores_a_unit_of_another_organisation(charlie, bob, three):
    theirs = UnitFactory(organization=charlie.organization)
    response = bob.browser().get(url("queue"), {"unit": theirs.pk})
    assert response.status_code == 200
    assert len(references(response)) == 3


def test_it_searches_references_and_descriptions(bob, three):
    _old, new, paused = three
    client = bob.browser()
    assert references(client.get(url("queue"), {"q": "noisy"})) == [new.reference]
    assert references(client.get(url("queue"), {"q": paused.reference})) == [paused.reference]


def link(response, rel: str) -> str | None:
    """The query string of the page's "next" or "prev" link, or None without one."""
    found = re.search(rf'<a href="\?([^"]*)" rel="{rel}">', response.content.decode())
    return html.unescape(found.group(1)) if found else None


def follow(client, response, rel: str):
    return client.get(url("queue") + "?" + link(response, rel))


def test_pages_keep_the_filters_and_go_both_ways(bob, policy, frozen, monkeypatch):
    monkeypatch.setattr(importlib.import_module("csm.complaints.views.queue"), "PER_PAGE", 2)
    made = [register(bob, description=f"Noisy room {n}") for n in range(3)]  # one deadline: id order
    register(bob, description="Quiet")
    client = bob.browser()
    first = client.get(url("queue"), {"q": "Noisy"})
    assert (references(first), link(first, "prev")) == ([made[0].reference, made[1].reference], None)
    assert parse_qs(link(first, "next"))["q"] == ["Noisy"]

    second = follow(client, first, "next")
    assert (references(second), link(second, "next")) == ([made[2].reference], None)
    back = follow(client, second, "prev")
    assert (references(back), link(back, "prev")) == ([made[0].reference, made[1].reference], None)
    assert references(follow(client, back, "next")) == [made[2].reference]


def test_pages_run_past_the_complaints_without_a_deadline_and_back(bob, three, monkeypatch):
    monkeypatch.setattr(importlib.import_module("csm.complaints.views.queue"), "PER_PAGE", 1)
    client = bob.browser()
    pages = [client.get(url("queue"))]
    while link(pages[-1], "next"):
        pages.append(follow(client, pages[-1], "next"))
    assert [references(page) for page in pages] == [[complaint.reference] for complaint in three]
    back = [follow(client, pages[-1], "prev")]
    back.append(follow(client, back[-1], "prev"))
    assert [references(page) for page in back] == [[three[1].reference], [three[0].reference]]
    assert link(back[-1], "prev") is None


def test_a_cursor_that_does_not_decode_shows_the_first_page(bob, three):
    response = bob.browser().get(url("queue"), {"after": "not-a-cursor!"})
    assert response.status_code == 200
    assert references(response) == [complaint.reference for complaint in three]


@pytest.mark.parametrize("per_page", [50, 2])  # one page counts itself; several are counted
def test_it_says_how_many_match_up_to_a_cap(bob, three, monkeypatch, per_page):
    view = importlib.import_module("csm.complaints.views.queue")
    monkeypatch.setattr(view, "PER_PAGE", per_page)
    client = bob.browser()
    assert "3 complaints match." in client.get(url("queue")).content.decode()
    assert "1 complaint matches." in client.get(url("queue"), {"q": "noisy"}).content.decode()
    monkeypatch.setattr(view, "COUNT_CAP", 2)
    assert "More than 2 complaints match." in client.get(url("queue")).content.decode()


# What a row shows -------------------------------------------------------------------------------

def test_a_row_shows_the_clocks_of_each_step(bob, three):
    old_row = row_of(bob.browser().get(url("queue")), three[0].reference)
    assert '<tr class="overdue">' in old_row
    assert "⚠</span> Overdue by 1 h" in old_row  # acknowledge: 14 h target, 15 h counted
    assert "clock-warning" in old_row and "⚠</span> 1 h left" in old_row  # assess: 16 h, due Mon 11:00
    assert 'aria-hidden="true">⚠</span> Overdue</span>' in old_row


def test_a_paused_complaint_shows_paused_clocks_and_an_acknowledged_one_a_met_clock(bob, three):
    _old, new, paused = three
    services.acknowledge_complaint(actor=bob.actor, complaint=new)
    response = bob.browser().get(url("queue"))
    new_row, paused_row = row_of(response, new.reference), row_of(response, paused.reference)
    assert "✓</span> Met" in new_row
    assert "Overdue" not in new_row
    assert paused_row.count("⏸</span> Paused") == 4


def test_received_times_are_shown_in_the_organisations_timezone(bob, three):
    page = bob.browser().get(url("queue")).content.decode()
    assert '<time datetime="2026-02-26T08:00:00+00:00">02/26/2026 9 a.m.</time>' in page


def test_the_complainant_is_masked_for_an_inspector(bob, carol, three):
    assert "Jan Kowalski" in bob.browser().get(url("queue")).content.decode()
    page = carol.browser().get(url("queue")).content.decode()
    assert "Jan Kowalski" not in page
    assert page.count("<td>•••</td>") == 3


# Query count ------------------------------------------------------------------------------------

def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url("queue")).status_code == 200
    return len(captured)


def _many(bob, count: int) -> None:
    for n in range(count):
        complaint = register(bob, received_at=T0 - dt.timedelta(hours=n), description=f"Complaint {n}")
        if n % 3 == 0:
            services.request_information(actor=bob.actor, complaint=complaint, body="Which room?")
        if n % 3 == 1:
            services.assign_complaint(actor=bob.actor, complaint=complaint, assignee=bob.user)


def test_the_queue_costs_as_many_queries_for_30_complaints_as_for_3(bob, policy, frozen):
    client = bob.browser()
    client.get(url("queue"))  # the first visit also stores the current organisation in the session
    _many(bob, 3)
    with_three = _queue_queries(client)
    _many(bob, 27)
    assert _queue_queries(client) == with_three
