from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from csm.core import clock


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness plus a real round trip to the database; 503 when it cannot be reached."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = {"status": "ok", "vendor": connection.vendor}
        status = 200
    except DatabaseError as exc:
        database = {"status": "unavailable", "vendor": connection.vendor, "error": exc.__class__.__name__}
        status = 503
    body = {"status": "ok" if status == 200 else "degraded", "database": database, "time": clock.now().isoformat()}
    return JsonResponse(body, status=status)
