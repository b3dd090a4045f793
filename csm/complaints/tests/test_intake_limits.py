import datetime as dt

import pytest

from csm.complaints.intake_limits import check_intake, client_ip
from csm.core import clock
from csm.core.errors import RateLimited

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.CSM_INTAKE_PER_IP_PER_HOUR = 3
    settings.CSM_INTAKE_PER_EMAIL_PER_DAY = 2


def _allowed(ip: str, email: str, at: dt.datetime = T0) -> bool:
    with clock.frozen(at):
        try:
            check_intake(ip=ip, email=email)
        except RateLimited:
            return False
    return True


def test_it_allows_the_configured_number_per_ip_per_hour_then_refuses():
    results = [_allowed("10.0.0.1", f"person{n}@example.com") for n in range(4)]
    assert results == [True, True, True, False]


def test_the_ip_window_starts_again_in_the_next_hour():
    for n in range(3):
        assert _allowed("10.0.0.1", f"p{n}@example.com", T0 + dt.timedelta(minutes=10 * n))
    assert not _allowed("10.0.0.1", "late@example.com", T0 + dt.timedelta(minutes=59, seconds=59))
    assert _allowed("10.0.0.1", "next@example.com", T0 + dt.timedelta(hours=1))


def test_it_allows_the_configured_number_per_email_per_day_from_any_ip():
    assert _allowed("10.0.0.1", "jan@example.com")
    assert _allowed("10.0.0.2", "Jan@Example.com ")
    assert not _allowed("10.0.0.3", "JAN@example.com", T0 + dt.timedelta(hours=5))
    assert _allowed("10.0.0.4", "jan@example.com", T0 + dt.timedelta(days=1))


def test_other_ips_and_addresses_are_not_affected():
    for _ in range(3):
        assert _allowed("10.0.0.1", "")
    assert not _allowed("10.0.0.1", "")
    assert _allowed("10.0.0.2", "")


def test_a_refused_attempt_is_not_counted():
    assert _allowed("10.0.0.1", "jan@example.com")
    assert _allowed("10.0.0.2", "jan@example.com")
    assert not _allowed("10.0.0.3", "jan@example.com")  # e-mail over its limit: 10.0.0.3 not counted
    assert [_allowed("10.0.0.3", f"p{n}@example.com") for n in range(4)] == [True, True, True, False]


def test_the_message_tells_the_complainant_what_to_do():
    with clock.frozen(T0):
        for _ in range(3):
            check_intake(ip="10.0.0.1", email="")
        with pytest.raises(RateLimited) as exc:
            check_intake(ip="10.0.0.1", email="")
    assert exc.value.status == 429
    assert exc.value.detail == ("We have received too many complaints from you in a short time. Please try again "
                                "later, or contact us by phone or letter.")


def test_client_ip_is_the_remote_address_only():
    assert client_ip({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}) == "10.0.0.1"
    assert client_ip({}) == ""
