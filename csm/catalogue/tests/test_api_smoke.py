import pytest

pytestmark = pytest.mark.django_db


def test_it_creates_and_lists_touch_points(alice, charlie):
    api = alice.api()
    svc = api.post("/api/v1/services", {"name": "Front desk"}, content_type="application/json")
    assert svc.status_code == 201, svc.content
    sid = svc.json()["id"]
    tp = api.post("/api/v1/touch-points", {"service_id": sid, "name": "Reception", "staffing": "staffed",
                                           "channel": "in_person"}, content_type="application/json")
    assert tp.status_code == 201, tp.content
    body = api.get("/api/v1/touch-points").json()
    assert [i["name"] for i in body["items"]] == ["Reception"]
    assert charlie.api().get("/api/v1/touch-points").json()["items"] == []
    assert charlie.api().get(f"/api/v1/touch-points/{tp.json()['id']}").status_code == 404
    bad = api.post("/api/v1/touch-points", {"service_id": sid, "name": "", "staffing": "x", "channel": "web"},
                   content_type="application/json")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["detail"]} == {"name", "staffing"}
