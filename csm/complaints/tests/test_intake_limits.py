import datetime as dt

import pytest

from csm.complaints.intake_limits import check_intake, client_ip, delete_past_counters, sweep_intake_counters
from csm.complaints.models import IntakeCounter
from csm.complaints.periodic import INTAKE_SWEEPS
from csm.core import clock
from csm.core.errors import RateLimited
from csm.core.periodic import all_sweeps

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


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


def test_a_refused_attempt_leaves_the_counters_unchanged():
    for n in range(3):
        assert _allowed("10.0.0.1", f"p{n}@example.com")
    before = sorted(IntakeCounter.objects.values_list("key", "count"))
    assert not _allowed("10.0.0.1", "new@example.com")
    assert sorted(IntakeCounter.objects.values_list("key", "count")) == before


def test_the_counters_store_no_address_or_ip():
    assert _allowed("10.0.0.1", "jan@example.com")
    keys = sorted(IntakeCounter.objects.values_list("key", flat=True))
    assert [key.split(":")[0] for key in keys] == ["email", "ip"]
    assert not any("10.0.0.1" in key or "jan" in key for key in keys)
    assert all(len(key) <= 64 for key in keys)


def test_the_sweep_deletes_only_counters_of_past_windows():
    assert _allowed("10.0.0.1", "old@example.com", T0 - dt.timedelta(days=1))
    assert _allowed("10.0.0.2", "", T0 - dt.timedelta(minutes=1))  # the previous clock hour
    assert _allowed("10.0.0.3", "today@example.com", T0 - dt.timedelta(hours=2))  # IP window past, e-mail's not
    assert _allowed("10.0.0.4", "", T0)
    assert delete_past_counters(now=T0 + dt.timedelta(minutes=30)) == 4
    assert sorted(IntakeCounter.objects.values_list("window_start", "count")) == [
        (dt.datetime(2026, 3, 2, tzinfo=dt.UTC), 1), (T0, 1)]


def test_counting_starts_again_after_the_sweep():
    for n in range(3):
        assert _allowed("10.0.0.1", f"p{n}@example.com")
    with clock.frozen(T0 + dt.timedelta(hours=1)):
        assert sweep_intake_counters.call() == 1  # the IP's; the e-mail windows last the day
    assert _allowed("10.0.0.1", "late@example.com", T0 + dt.timedelta(hours=1))


def test_the_counter_sweep_runs_hourly():
    assert [(s.name, s.every, s.task) for s in INTAKE_SWEEPS][:1] == [
        ("intake_counters", dt.timedelta(hours=1), sweep_intake_counters)]
    assert INTAKE_SWEEPS[0] in all_sweeps()
