import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from csm.complaints.attachments import MB, sniff, store_attachments, validate_uploads
from csm.complaints.models import ComplaintAttachment, ComplaintEvent, EventKind
from csm.complaints.services import register_complaint
from csm.core.errors import InvalidInput

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 24
GIF = b"GIF89a" + b"\x00" * 24
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 16
TEXT = "Pokój 12 był brudny.\nThe room was dirty.\t房间很脏。\n".encode()
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 24


def ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(("content", "kind"), [
    (PDF, "pdf"), (PNG, "png"), (JPEG, "jpeg"), (GIF, "gif"), (WEBP, "webp"), (TEXT, "txt"),
    (ooxml("word/document.xml"), "docx"), (ooxml("xl/workbook.xml"), "xlsx"),
    (EXE, None), (plain_zip(), None), (b"PK\x03\x04broken", None), (b"text\x00with a NUL", None),
    (b"\xff\xfe not utf-8", None), (b"plain\x1b[31m escape", None),
])
def test_sniff_tells_the_kind_by_content(content, kind):
    assert sniff(upload("any", content)) == kind


def test_sniff_accepts_text_cut_inside_a_multibyte_character():
    text = ("a" * 8191 + "ł").encode()  # byte 8192 is half of "ł"
    assert sniff(upload("long.txt", text)) == "txt"


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("report.pdf", PDF, "application/pdf"), ("photo.JPG", JPEG, "image/jpeg"), ("photo.jpeg", JPEG, "image/jpeg"),
    ("scan.png", PNG, "image/png"), ("anim.gif", GIF, "image/gif"), ("pic.webp", WEBP, "image/webp"),
    ("notes.txt", TEXT, "text/plain"),
    ("letter.docx", ooxml("word/document.xml"),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("bill.xlsx", ooxml("xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_it_accepts_allowed_types_and_records_the_proven_content_type(name, content, content_type):
    [checked] = validate_uploads([upload(name, content, "application/x-whatever")], max_mb=1)
    assert (checked.filename, checked.content_type, checked.size) == (name, content_type, len(content))


@pytest.mark.parametrize(("name", "content"), [
    ("virus.pdf", EXE),                         # content is not a PDF
    ("photo.png", JPEG),                        # content is another allowed type
    ("virus.exe", PNG),                         # extension not allowed
    ("no-extension", PDF),
    ("letter.docx", ooxml("xl/workbook.xml")),  # a workbook named as a document
    ("archive.zip", plain_zip()),
    ("page.html", b"<script>alert(1)</script>"),
])
def test_it_rejects_a_file_whose_extension_or_content_is_not_allowed(name, content):
    with pytest.raises(InvalidInput) as exc:
        validate_uploads([upload(name, content)], max_mb=1)
    [error] = exc.value.detail
    assert error["field"] == "attachments"
    assert error["message"] == (f"{name} is not an allowed file type. You can attach: "
                                "docx, gif, jpeg, jpg, pdf, png, txt, webp, xlsx.")


def test_it_rejects_a_file_over_the_size_limit():
    with pytest.raises(InvalidInput) as exc:
        validate_uploads([upload("big.pdf", PDF + b"0" * MB)], max_mb=1)
    assert exc.value.detail == [{"field": "attachments", "message": "big.pdf is larger than 1 MB."}]


def test_a_file_exactly_at_the_limit_is_allowed():
    content = PDF + b"0" * (MB - len(PDF))
    assert [u.size for u in validate_uploads([upload("edge.pdf", content)], max_mb=1)] == [MB]


def test_it_rejects_an_empty_file():
    with pytest.raises(InvalidInput) as exc:
        validate_uploads([upload("empty.txt", b"")], max_mb=1)
    assert exc.value.detail == [{"field": "attachments", "message": "empty.txt is empty."}]


def test_it_rejects_more_files_than_allowed():
    files = [upload(f"{n}.pdf", PDF) for n in range(3)]
    with pytest.raises(InvalidInput) as exc:
        validate_uploads(files, max_mb=1, max_files=2)
    assert exc.value.detail == [{"field": "attachments", "message": "Attach at most 2 files."}]


def test_a_path_in_the_file_name_is_dropped_for_display():
    [checked] = validate_uploads([upload("../../etc/notes.txt", TEXT)], max_mb=1)
    assert checked.filename == "notes.txt"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_store_attachments_saves_under_a_random_name_and_records_a_visible_event(acme, media):
    complaint = register_complaint(organization=acme, data={
        "channel": "web", "complainant_name": "Jan", "description": "Dirty room."}).complaint
    uploads = validate_uploads([upload("my photo.png", PNG)], max_mb=1)
    [stored] = store_attachments(complaint=complaint, uploads=uploads)
    attachment = ComplaintAttachment.objects.get()
    assert attachment.pk == stored.pk
    assert (attachment.filename, attachment.content_type, attachment.size, attachment.from_customer) == (
        "my photo.png", "image/png", len(PNG), True)
    path = Path(attachment.file.path)
    assert path.read_bytes() == PNG
    assert path.is_relative_to(media / "complaints" / str(acme.pk) / str(complaint.pk))
    assert "my photo" not in path.name and path.suffix == ".png"
    event = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.ATTACHMENT)
    assert (event.body, event.is_customer_visible, event.actor_label, event.data) == (
        "my photo.png", True, "complainant", {"attachment": attachment.pk, "size": len(PNG)})
