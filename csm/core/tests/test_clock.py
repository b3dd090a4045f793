import datetime as dt

import pytest

from csm.core import clock


def test_it_returns_an_aware_utc_now():
    assert clock.now().tzinfo is dt.UTC


def test_it_freezes_and_restores_now():
    at = dt.datetime(2026, 1, 5, 8, 30, tzinfo=dt.UTC)
    with clock.frozen(at):
        assert clock.now() == at
    assert clock.now() != at


def test_it_refuses_a_naive_frozen_time():
    with pytest.raises(ValueError, match="timezone-aware"), clock.frozen(dt.datetime(2026, 1, 5)):
        pass
