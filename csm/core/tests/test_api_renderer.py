import datetime as dt
import decimal
import json
import uuid

from django.utils.translation import gettext_lazy

from csm.catalogue.models import Channel
from csm.core.api_renderer import FastJSONRenderer


def test_it_renders_the_types_the_api_returns():
    data = {
        "at": dt.datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=dt.UTC),
        "day": dt.date(2026, 3, 2),
        "amount": decimal.Decimal("12.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "channel": Channel.PHONE,
        "detail": gettext_lazy("Not found."),
        "items": [1, None, True],
    }
    body = FastJSONRenderer().render(None, data, response_status=200)  # type: ignore[arg-type]
    assert json.loads(body) == {
        "at": "2026-03-02T09:30:15.123456Z",
        "day": "2026-03-02",
        "amount": "12.50",
        "id": "12345678-1234-5678-1234-567812345678",
        "channel": "phone",
        "detail": "Not found.",
        "items": [1, None, True],
    }
