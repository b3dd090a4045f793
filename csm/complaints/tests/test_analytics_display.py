"""Cells of the analytics tables, formatted by column kind in the active language."""

from decimal import Decimal

import pytest
from django.utils import translation

from csm.complaints.templatetags.analytics_display import analytics_cell, percent


@pytest.mark.parametrize(("value", "kind", "shown"), [
    (0.375, "ratio", "37.5 %"),
    (2 / 3, "ratio", "66.7 %"),          # rounded, not cut to 66.6
    (0.666667, "rate", "66.667 %"),
    (0.003556, "rate", "0.356 %"),
    (112.8, "number", "112.80"),
    (Decimal("40.03"), "money", "40.03"),
    (None, "ratio", "—"),
    ("", "text", "—"),
    ("Lift", "text", "Lift"),
    (12, "count", "12"),
])
def test_cells_are_formatted_by_kind(value, kind, shown):
    assert analytics_cell(value, kind) == shown


def test_cells_follow_the_active_language():
    with translation.override("pl"):
        assert analytics_cell(0.375, "ratio") == "37,5 %"
        assert analytics_cell(Decimal("100.05"), "money") == "100,05"


def test_percent_of_nothing_is_a_dash():
    assert percent(None) == "—"
