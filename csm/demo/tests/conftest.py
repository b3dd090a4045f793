import pytest

from csm.demo import complaints


@pytest.fixture(autouse=True)
def _two_months_of_complaints(monkeypatch):
    """Two months of demo complaints instead of 24 keep every seed in these tests fast; the code path
    is the same."""
    monkeypatch.setattr(complaints, "MONTHS", 2)
