import pytest

from csm.core.request_context import current_request_id, reset_request_id, set_request_id


@pytest.mark.parametrize(
    ("given", "kept"),
    [("abc-123_x.y", True), ("", False), (None, False), ("bad id with spaces", False), ("<script>", False)],
)
def test_it_keeps_only_sane_request_ids(given, kept):
    token = set_request_id(given)
    try:
        value = current_request_id()
        assert (value == given) is kept
        assert value and len(value) <= 64
    finally:
        reset_request_id(token)


@pytest.mark.django_db
def test_it_echoes_the_request_id_on_responses(client):
    response = client.get("/healthz", headers={"X-Request-ID": "trace-42"})
    assert response["X-Request-ID"] == "trace-42"
    assert len(client.get("/healthz")["X-Request-ID"]) == 32
