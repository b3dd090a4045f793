"""The one rounding of assessment figures for display and export: Decimal, half away from zero.

Scores are kept unrounded (floats) in the scoring and the snapshots; every page, PDF, export and
stored summary column rounds through here, so a figure reads the same wherever it is shown.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

WHOLE = Decimal(1)


def rounded(value: float | None, places: int = 1) -> Decimal | None:
    """`value` to `places` decimals (one by default), half away from zero; None stays None."""
    if value is None:
        return None
    return Decimal(repr(value)).quantize(WHOLE.scaleb(-places), rounding=ROUND_HALF_UP)


def percent(share: float | None) -> Decimal | None:
    """A share 0-1 as a whole percent: 9/11 → 82."""
    return None if share is None else rounded(share * 100, 0)
