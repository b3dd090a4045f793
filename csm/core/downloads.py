"""Serving an uploaded file back: always as a download, never inline, since it came from outside."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def file_download(stored: FieldFile, filename: str) -> FileResponse:
    """The stored file as an attachment named `filename`, typed as bytes and never sniffed; 404
    when there is no file or it has gone from the storage."""
    if not stored:
        raise Http404()
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404() from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response
