"""Attachments a complainant uploads: validation first, then storage.

`validate_uploads` checks every file before anything is written: at most MAX_FILES files, none
empty or larger than the organisation's `max_attachment_mb`, and each of an allowed type both by
its extension and by its content (magic bytes; for .docx/.xlsx the parts inside the ZIP; for .txt
UTF-8 text without control characters). The type is what the content proves, never the browser's
Content-Type. Any problem is one InvalidInput on "attachments" that names the file, so the caller
saves nothing. `store_attachments` then writes the files under a random name (the complainant's
file name is kept for display only) and records one timeline event per file.
"""

from __future__ import annotations

import codecs
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext

from csm.complaints.models import Complaint, ComplaintAttachment, ComplaintEvent, EventKind
from csm.core.errors import InvalidInput

MAX_FILES = 5
MB = 1024 * 1024
SNIFF_BYTES = 8192
FIELD = "attachments"

# Kind -> (extensions, stored content type).
KINDS: dict[str, tuple[frozenset[str], str]] = {
    "pdf": (frozenset({"pdf"}), "application/pdf"),
    "png": (frozenset({"png"}), "image/png"),
    "jpeg": (frozenset({"jpg", "jpeg"}), "image/jpeg"),
    "gif": (frozenset({"gif"}), "image/gif"),
    "webp": (frozenset({"webp"}), "image/webp"),
    "txt": (frozenset({"txt"}), "text/plain"),
    "docx": (frozenset({"docx"}), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (frozenset({"xlsx"}), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
EXTENSIONS = sorted(ext for exts, _type in KINDS.values() for ext in exts)
# The part each Office Open XML kind must contain.
OOXML_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_TEXT_CONTROLS = {chr(c) for c in range(32)} - {"\t", "\n", "\r", "\f"}


@dataclass(frozen=True)
class Upload:
    """A file that passed validation: its display name, proven kind and content type."""

    file: UploadedFile
    filename: str
    kind: str
    content_type: str
    size: int


def _binary_kind(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def _ooxml_kind(file: UploadedFile) -> str | None:
    """docx or xlsx by the parts inside the ZIP; only the directory is read, never the content."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for kind, part in OOXML_PARTS.items() if part in names), None)


def _is_text(head: bytes) -> bool:
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return not any(ch in _TEXT_CONTROLS for ch in text)


def sniff(file: UploadedFile) -> str | None:
    """The kind the content proves (a key of KINDS), or None."""
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    kind = _binary_kind(head)
    if kind == "zip":
        return _ooxml_kind(file)
    if kind is None and head and _is_text(head):
        return "txt"
    return kind


def _display_name(file: UploadedFile) -> str:
    name = PurePath(str(file.name or "")).name.strip() or "attachment"
    return name[-200:]


def _extension(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def _check(file: UploadedFile, max_mb: int) -> Upload:
    name = _display_name(file)
    size = int(file.size or 0)
    if size == 0:
        raise InvalidInput(FIELD, gettext("%(name)s is empty.") % {"name": name})
    if size > max_mb * MB:
        raise InvalidInput(FIELD, gettext("%(name)s is larger than %(max)d MB.") % {"name": name, "max": max_mb})
    kind = sniff(file)
    extensions, content_type = KINDS.get(kind or "", (frozenset(), ""))
    if kind is None or _extension(name) not in extensions:
        raise InvalidInput(FIELD, gettext("%(name)s is not an allowed file type. You can attach: %(types)s.")
                           % {"name": name, "types": ", ".join(EXTENSIONS)})
    return Upload(file=file, filename=name, kind=kind, content_type=content_type, size=size)


def validate_uploads(files: Iterable[UploadedFile], *, max_mb: int, max_files: int = MAX_FILES) -> list[Upload]:
    """Every file checked, or InvalidInput on "attachments" for the first bad one."""
    files = list(files)
    if len(files) > max_files:
        raise InvalidInput(FIELD, gettext("Attach at most %(max)d files.") % {"max": max_files})
    return [_check(file, max_mb) for file in files]


def store_attachments(*, complaint: Complaint, uploads: Iterable[Upload],
                      from_customer: bool = True) -> list[ComplaintAttachment]:
    """Save validated uploads for `complaint` and add an "attachment" event per file (visible to the
    complainant when they sent it). Call inside the transaction that records the complaint or message."""
    stored = []
    for upload in uploads:
        attachment = ComplaintAttachment(
            organization_id=complaint.organization_id, complaint=complaint, filename=upload.filename,
            content_type=upload.content_type, size=upload.size, from_customer=from_customer)
        attachment.file.save(f"{uuid.uuid4().hex}.{upload.kind}", upload.file, save=True)
        ComplaintEvent.objects.create(
            organization_id=complaint.organization_id, complaint=complaint, kind=EventKind.ATTACHMENT,
            actor_label="complainant" if from_customer else "system", body=upload.filename,
            is_customer_visible=from_customer, data={"attachment": attachment.pk, "size": upload.size})
        stored.append(attachment)
    return stored
