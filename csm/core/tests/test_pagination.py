"""Cursor pagination: pages in id order, an opaque cursor, and strict limits."""

from __future__ import annotations

import base64

import pytest

from csm.core.errors import InvalidInput
from csm.core.models import AuditEvent
from csm.core.pagination import MAX_ID, clamp_limit, decode_cursor, encode_cursor, paginate


def _events(count: int) -> list[int]:
    return [AuditEvent.objects.create(object_type="test.row", object_id=str(i), action="created").pk
            for i in range(count)]


@pytest.mark.django_db
def test_it_pages_through_120_rows_50_at_a_time():
    made = _events(120)
    pages, cursor = [], None
    while True:
        page = paginate(AuditEvent.objects.all(), cursor=cursor, limit=50)
        pages.append([e.pk for e in page.items])
        cursor = page.next_cursor
        if cursor is None:
            break
    assert [len(p) for p in pages] == [50, 50, 20]
    assert [pk for p in pages for pk in p] == made


@pytest.mark.django_db
def test_it_pages_values_dicts_too():
    made = _events(3)
    page = paginate(AuditEvent.objects.values("id", "object_id"), cursor=None, limit=2)
    assert [row["id"] for row in page.items] == made[:2]
    rest = paginate(AuditEvent.objects.values("id"), cursor=page.next_cursor, limit=2)
    assert ([row["id"] for row in rest.items], rest.next_cursor) == (made[2:], None)


@pytest.mark.django_db
def test_an_exactly_full_last_page_has_no_next_cursor():
    _events(4)
    page = paginate(AuditEvent.objects.all(), cursor=None, limit=4)
    assert (len(page.items), page.next_cursor) == (4, None)


@pytest.mark.django_db
def test_an_empty_table_is_one_empty_page():
    page = paginate(AuditEvent.objects.all(), cursor=None, limit=10)
    assert (page.items, page.next_cursor) == ([], None)


@pytest.mark.django_db
def test_a_row_added_while_paging_is_not_returned_twice():
    first_ids = _events(3)
    page = paginate(AuditEvent.objects.all(), cursor=None, limit=2)
    late = _events(1)
    rest = paginate(AuditEvent.objects.all(), cursor=page.next_cursor, limit=2)
    assert [e.pk for e in rest.items] == [first_ids[2], *late]


@pytest.mark.parametrize("last_id", [0, 1, 49, 2**40, MAX_ID])
def test_a_cursor_round_trips(last_id):
    assert decode_cursor(encode_cursor(last_id)) == last_id


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    "not-a-cursor", "!!!", _b64("id:-1"), _b64("id:"), _b64("id:1.5"), _b64("pk:3"), _b64(f"id:{MAX_ID + 1}"),
    _b64("id:١٢"), base64.urlsafe_b64encode(b"\xff\xfe").decode(),
])
def test_a_bad_cursor_is_invalid_input_on_cursor(cursor):
    with pytest.raises(InvalidInput) as caught:
        decode_cursor(cursor)
    assert [e["field"] for e in caught.value.detail] == ["cursor"]


@pytest.mark.parametrize("limit", [0, -1, 501])
def test_a_limit_out_of_range_is_invalid_input_on_limit(limit):
    with pytest.raises(InvalidInput) as caught:
        clamp_limit(limit)
    assert caught.value.detail == [{"field": "limit", "message": "limit must be between 1 and 500."}]


def test_the_limit_defaults_to_the_setting(settings):
    settings.CSM_API_PAGE_SIZE = 25
    assert (clamp_limit(None), clamp_limit(1), clamp_limit(500)) == (25, 1, 500)
