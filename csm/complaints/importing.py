"""Importing past complaints from a CSV or XLSX file: read → validate every row → write all or nothing.

Every row is checked first and each problem is collected as (row number, column, message); the row
number is the spreadsheet's (the header is row 1). With any problem nothing is written and the
report lists them all. Otherwise every row is written in one transaction.

Why not `services.register_complaint`: it always queues the acknowledgement e-mail when the row has
an e-mail address (and moves the complaint to "acknowledged"), and it costs a dozen queries per
complaint. Past complaints must not write to anyone, and 10,000 rows must stay fast, so the import
writes the rows itself in a fixed number of queries:

* the deadlines are computed before the insert with the same pieces as `services.refresh_deadlines`
  (`deadlines.context_for`, `step_clocks`, `next_due`, `next_check`), the context cached per
  (category, priority, year of receipt); an imported complaint has no pause on its timeline;
* `Complaint.objects.bulk_create`, then the generated references ("C-<local year of receipt>-<id>",
  as at intake) in one UPDATE per year and thousand rows;
* a "received" timeline event per complaint dated at receipt, and for a closed historical complaint
  the "status changed" and "closed" events dated at its closure;
* one audit event "imported" for the batch. No Notification is created.

Text is stored verbatim (no stripping of a leading "=", "+", "-", "@"): escaping is an export concern.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Value, When
from django.db.models.functions import Cast, Concat, LPad
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.catalogue.models import Channel, Service, TouchPoint
from csm.complaints import deadlines
from csm.complaints.models import Complaint, ComplaintCategory, ComplaintEvent, EventKind, Priority
from csm.complaints.tracking import new_tracking_secret
from csm.complaints.workflow import Status
from csm.core import clock
from csm.core.audit import record_event
from csm.core.errors import InvalidInput

COLUMNS = ("reference", "received_at", "channel", "complainant_name", "complainant_email", "complainant_phone",
           "language", "service", "touch_point", "category", "priority", "description", "remedy_sought",
           "status", "closed_at", "closure_reason")
REQUIRED = ("received_at", "channel", "complainant_name", "description")
MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
# The model fields whose own validation (length, choices, e-mail) applies to an imported row.
CHECKED_FIELDS = ("reference", "channel", "complainant_name", "complainant_email", "complainant_phone",
                  "language", "description", "remedy_sought", "priority", "status", "closure_reason")
_NOT_CHECKED = [f.name for f in Complaint._meta.fields if f.name not in CHECKED_FIELDS]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ImportReport:
    """The outcome: the problems found (then nothing was imported) or the complaints created."""

    errors: tuple[RowError, ...] = ()
    references: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


Row = tuple[int, dict[str, Any]]


def template_csv() -> str:
    """The downloadable template: the header and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(["", "2025-11-03 14:30", "phone", "Jan Kowalski", "jan@example.com", "+48 600 100 200", "pl",
                     "", "", "", "normal", "The room was not cleaned.", "A refund", "closed", "2025-11-10 09:00",
                     "Refund paid."])
    return out.getvalue()


def import_complaints(*, actor: Actor, content: bytes, filename: str) -> ImportReport:
    """Import the file's complaints into the actor's organisation, all or nothing. A file that
    cannot be read (size, format, header, too many rows) raises InvalidInput on the field "file"."""
    actor.require(roles.COMPLAINTS_HANDLE)
    if len(content) > MAX_BYTES:
        raise InvalidInput("file", _("The file is larger than 5 MB."))
    rows = list(_limited(_data_rows(read_table(content, filename))))
    if not rows:
        raise InvalidInput("file", _("The file has no complaint rows."))
    checker = RowChecker(actor)
    complaints = checker.check(rows)
    if checker.errors:
        return ImportReport(errors=tuple(checker.errors))
    return ImportReport(references=tuple(c.reference for c in _write(actor, complaints, filename)))


# Reading ----------------------------------------------------------------------------------------

def read_table(content: bytes, filename: str) -> Iterator[list[Any]]:
    """The file's rows as lists of cell values: XLSX (first sheet) by its name, CSV otherwise."""
    if filename.lower().endswith(".xlsx"):
        return _xlsx_rows(content)
    return _csv_rows(content)


def _csv_rows(content: bytes) -> Iterator[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("file", _("The CSV file is not UTF-8 encoded.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error:
        raise InvalidInput("file", _("The CSV file could not be read.")) from None


def _xlsx_rows(content: bytes) -> Iterator[list[Any]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInput("file", _("The XLSX file could not be read.")) from None
    try:
        for values in book.worksheets[0].iter_rows(values_only=True):
            yield list(values)
    finally:
        book.close()


def _data_rows(table: Iterator[list[Any]]) -> Iterator[Row]:
    """Each non-blank row after the header as {column: value}, with its spreadsheet row number."""
    header = next(table, None)
    if header is None:
        raise InvalidInput("file", _("The file is empty."))
    columns = _columns(header)
    for number, values in enumerate(table, start=2):
        cells = {name: _cell(value) for name, value in zip(columns, values, strict=False) if name}
        if any(value != "" for value in cells.values()):
            yield number, cells


def _columns(header: list[Any]) -> list[str]:
    names = [str(cell or "").strip().lower() for cell in header]
    unknown = sorted({name for name in names if name and name not in COLUMNS})
    missing = [name for name in REQUIRED if name not in names]
    duplicated = sorted({name for name in names if name and names.count(name) > 1})
    problems = [(_("Unknown columns: %s.") % ", ".join(unknown)) if unknown else "",
                (_("Missing columns: %s.") % ", ".join(missing)) if missing else "",
                (_("Repeated columns: %s.") % ", ".join(duplicated)) if duplicated else ""]
    if any(problems):
        raise InvalidInput(errors=[{"field": "file", "message": p} for p in problems if p])
    return names


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _limited(rows: Iterator[Row]) -> Iterator[Row]:
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise InvalidInput("file", _("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
        yield row


# Checking ---------------------------------------------------------------------------------------

def _english_choices(choices: type[models.TextChoices]) -> dict[str, str]:
    """Every value and English label (lower case) → the value."""
    with translation.override("en"):
        return {**{str(label).lower(): value for value, label in choices.choices},
                **{value: value for value in choices.values}}


def _by_name(objects: Iterable[Any], *attributes: str) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = defaultdict(list)
    for obj in objects:
        for key in {getattr(obj, a).strip().lower() for a in attributes if getattr(obj, a).strip()}:
            found[key].append(obj)
    return found


@dataclass
class RowChecker:
    """Turns rows into unsaved complaints, collecting every problem in `errors`."""

    actor: Actor
    errors: list[RowError] = field(default_factory=list)

    def __post_init__(self) -> None:
        org = self.actor.organization
        self.zone, self.now = ZoneInfo(org.timezone), clock.now()
        self.channels, self.priorities = _english_choices(Channel), _english_choices(Priority)
        self.services = _by_name(Service.objects.filter(organization=org), "name")
        self.touch_points = _by_name(TouchPoint.objects.filter(organization=org), "name", "code")
        self.categories = _by_name(ComplaintCategory.objects.filter(organization=org), "name")
        self.references: set[str] = set()

    def check(self, rows: list[Row]) -> list[Complaint]:
        given = [str(cells.get("reference", "")) for _n, cells in rows if cells.get("reference")]
        self.references = set(Complaint.objects.filter(organization=self.actor.organization, reference__in=given)
                              .values_list("reference", flat=True))
        complaints = [self.complaint(number, cells) for number, cells in rows]
        return [c for c in complaints if c is not None]

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def complaint(self, row: int, cells: dict[str, Any]) -> Complaint | None:
        before = len(self.errors)
        text = {name: str(cells.get(name, "")) for name in COLUMNS if name not in ("received_at", "closed_at")}
        for name in REQUIRED:
            if cells.get(name, "") == "":
                self.error(row, name, _("This column is required."))
        received_at = self.moment(row, "received_at", cells.get("received_at", ""))
        complaint = Complaint(
            organization=self.actor.organization, reference=self.reference(row, text["reference"]),
            tracking_secret=new_tracking_secret(), received_at=received_at or self.now,
            channel=self.choice(row, "channel", text["channel"], self.channels, ""),
            complainant_name=text["complainant_name"], complainant_email=text["complainant_email"],
            complainant_phone=text["complainant_phone"],
            language=text["language"].lower() or self.actor.organization.default_language,
            service=self.lookup(row, "service", text["service"], self.services),
            touch_point=self.lookup(row, "touch_point", text["touch_point"], self.touch_points),
            category=self.lookup(row, "category", text["category"], self.categories),
            priority=self.choice(row, "priority", text["priority"], self.priorities, Priority.NORMAL),
            description=text["description"], remedy_sought=text["remedy_sought"])
        self.closure(row, complaint, text, cells.get("closed_at", ""), received_at)
        self.model_checks(row, complaint)
        return complaint if len(self.errors) == before else None

    def moment(self, row: int, column: str, value: Any) -> dt.datetime | None:
        """A date and time: ISO 8601 or "YYYY-MM-DD HH:MM"; without an offset, in the org's timezone."""
        if value == "":
            return None
        parsed = parse_moment(value, self.zone)
        if parsed is None:
            self.error(row, column, _('Give a date and time such as "2025-11-03 14:30" or ISO 8601.'))
        elif parsed > self.now:
            self.error(row, column, _("This moment is in the future."))
        return parsed

    def reference(self, row: int, value: str) -> str:
        if not value:
            return f"tmp-{secrets.token_hex(8)}"
        if value in self.references or value.startswith("tmp-"):
            self.error(row, "reference", _("This reference is already used in this organisation or this file."))
        self.references.add(value)
        return value

    def choice(self, row: int, column: str, value: str, options: dict[str, str], default: str) -> str:
        if not value:
            return default
        if value.lower() not in options:
            self.error(row, column, _("Unknown value %(value)r; use one of: %(options)s.")
                       % {"value": value, "options": ", ".join(sorted(set(options.values())))})
            return default
        return options[value.lower()]

    def lookup(self, row: int, column: str, value: str, options: dict[str, list[Any]]) -> Any:
        if not value:
            return None
        found = options.get(value.lower(), [])
        if len(found) != 1:
            self.error(row, column, _("No such entry in this organisation.") if not found
                       else _("More than one entry has this name; use its code."))
            return None
        return found[0]

    def closure(self, row: int, complaint: Complaint, text: dict[str, str], closed_at: Any,
                received_at: dt.datetime | None) -> None:
        status = text["status"].lower() or Status.RECEIVED.value
        if status not in (Status.RECEIVED.value, Status.CLOSED.value):
            self.error(row, "status", _('Only "received" or "closed" complaints can be imported.'))
            return
        complaint.status = status
        if status == Status.RECEIVED.value:
            for column in ("closed_at", "closure_reason"):
                if (closed_at if column == "closed_at" else text[column]) != "":
                    self.error(row, column, _('Only a complaint with the status "closed" has this.'))
            return
        self.closed(row, complaint, text["closure_reason"], closed_at, received_at)

    def closed(self, row: int, complaint: Complaint, reason: str, closed_at: Any,
               received_at: dt.datetime | None) -> None:
        if not reason:
            self.error(row, "closure_reason", _("A closed complaint needs its closure reason."))
        complaint.closure_reason = reason
        if closed_at == "":
            self.error(row, "closed_at", _("A closed complaint needs the moment it was closed."))
            return
        complaint.closed_at = self.moment(row, "closed_at", closed_at)
        if complaint.closed_at and received_at and complaint.closed_at < received_at:
            self.error(row, "closed_at", _("A complaint cannot be closed before it was received."))

    def model_checks(self, row: int, complaint: Complaint) -> None:
        if complaint.touch_point and complaint.service and complaint.touch_point.service_id != complaint.service.pk:
            self.error(row, "touch_point", _("This touch point belongs to another service."))
        try:
            complaint.clean_fields(exclude=_NOT_CHECKED)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                if name not in REQUIRED or complaint.serializable_value(name) != "":  # blank: said already
                    for message in messages:
                        self.error(row, name, message)


def parse_moment(value: Any, zone: ZoneInfo) -> dt.datetime | None:
    """A cell as an aware datetime (None when it is not one); naive values are in `zone`."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time())
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


# Writing ----------------------------------------------------------------------------------------

@transaction.atomic
def _write(actor: Actor, complaints: list[Complaint], filename: str) -> list[Complaint]:
    _apply_deadlines(complaints)
    Complaint.objects.bulk_create(complaints, batch_size=1000)
    _generate_references(actor, [c for c in complaints if c.reference.startswith("tmp-")])
    ComplaintEvent.objects.bulk_create(_events(actor, complaints), batch_size=1000)
    record_event(organization_id=actor.organization_id, actor=actor.user, action="imported",
                 object_type="complaints.complaint", object_repr=_("%(count)s complaints") % {"count": len(complaints)},
                 changes={"count": [None, len(complaints)], "file": [None, filename[:200]]})
    return complaints


def _generate_references(actor: Actor, generated: list[Complaint]) -> None:
    """"C-<local year of receipt>-<id, 6 digits at least>", as at intake: one UPDATE per year and
    thousand rows instead of a CASE per row."""
    zone, by_year = ZoneInfo(actor.organization.timezone), defaultdict(list)
    for complaint in generated:
        year = complaint.received_at.astimezone(zone).year
        complaint.reference = f"C-{year}-{complaint.pk:06d}"
        by_year[year].append(complaint.pk)
    digits = Cast("id", models.CharField())
    number = Case(When(id__lt=1_000_000, then=LPad(digits, 6, Value("0"))), default=digits)
    for year, ids in by_year.items():
        for start in range(0, len(ids), 1000):
            Complaint.objects.filter(pk__in=ids[start:start + 1000]).update(
                reference=Concat(Value(f"C-{year}-"), number, output_field=models.CharField()))


def _apply_deadlines(complaints: list[Complaint]) -> None:
    """What `deadlines.apply_clocks` writes, with one context per (category, priority, year) and no
    pauses (an imported complaint has none), so 10,000 rows do not cost 10,000 lookups."""
    contexts: dict[tuple[Any, ...], deadlines.SlaContext] = {}
    now = clock.now()
    for complaint in complaints:
        key = (complaint.category_id, complaint.priority, complaint.received_at.year)
        context = contexts.get(key) or contexts.setdefault(key, deadlines.context_for(complaint))
        timing = deadlines.Timing(deadlines.step_clocks(complaint, context, ()), ())
        complaint.sla_policy = context.policy
        for step, (_target, due_field, _done) in deadlines.STEP_FIELDS.items():
            setattr(complaint, due_field, timing.clocks[step].due if step in timing.clocks else None)
        complaint.next_due_at = deadlines.next_due(complaint)
        complaint.sla_check_at = deadlines.next_check(complaint, timing, context, now=now)
        complaint.deadlines_computed_at = now


def _events(actor: Actor, complaints: list[Complaint]) -> Iterator[ComplaintEvent]:
    common = {"organization_id": actor.organization_id, "actor": actor.user, "actor_label": actor.user.email}
    for c in complaints:
        closed_at = c.closed_at or c.received_at
        yield ComplaintEvent(complaint=c, kind=EventKind.RECEIVED, body=c.description, is_customer_visible=True,
                             data={"channel": c.channel, "imported": True}, created_at=c.received_at, **common)
        if c.status == Status.CLOSED:
            yield ComplaintEvent(complaint=c, kind=EventKind.STATUS_CHANGED, from_status=Status.RECEIVED.value,
                                 to_status=Status.CLOSED.value, body=c.closure_reason, is_customer_visible=True,
                                 created_at=closed_at, **common)
            yield ComplaintEvent(complaint=c, kind=EventKind.CLOSED, body=c.closure_reason, is_customer_visible=True,
                                 created_at=closed_at, **common)
