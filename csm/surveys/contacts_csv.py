"""Reading a contact list (CSV) for invitations, every row checked before anything is written.

The file is UTF-8, with or without a byte-order mark (as Excel saves "CSV UTF-8"), separated by
commas or semicolons (the first line decides). Its first line names the columns, in any order and
case: `email` (required), `name`, `phone`, `language` (en, pl, zh-Hans; blank: the organisation's),
`segment`, `external_ref`. Rows are numbered as a spreadsheet shows them: the header is row 1.
Every problem is reported with its row and column; an address repeated in the file is a problem
of the later row. A blank line is skipped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

COLUMNS = ("email", "name", "phone", "language", "segment", "external_ref")
LENGTHS = {"email": 254, "name": 200, "phone": 40, "segment": 60, "external_ref": 100}
LANGUAGES = {"en": "en", "pl": "pl", "zh-hans": "zh-Hans", "zh": "zh-Hans", "zh-cn": "zh-Hans"}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
HEADER_ROW = 1


@dataclass(frozen=True)
class ContactRow:
    row: int
    email: str  # lower-cased
    name: str = ""
    phone: str = ""
    language: str = ""  # blank: the organisation's language
    segment: str = ""
    external_ref: str = ""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ParsedContacts:
    rows: list[ContactRow]
    errors: list[RowError]


def parse_contacts(content: bytes) -> ParsedContacts:
    """The rows of a contact list, or the errors that stop it being imported (then `rows` is
    empty: a list with one bad row is imported not at all)."""
    try:
        reader = _reader(content)
        header = [name.strip().lower() for name in next(reader, [])]
    except _FileError as exc:
        return ParsedContacts(rows=[], errors=[RowError(HEADER_ROW, "", str(exc))])
    problem = _header_problem(header)
    if problem:
        return ParsedContacts(rows=[], errors=[problem])
    rows, errors = _rows(reader, header)
    if not errors and not rows:
        errors.append(RowError(HEADER_ROW + 1, "email", _("The file has no contacts below its header.")))
    return ParsedContacts(rows=[] if errors else rows, errors=errors)


class _FileError(ValueError):
    pass


def _reader(content: bytes) -> Any:
    if len(content) > MAX_BYTES:
        raise _FileError(_("The file is larger than %(mb)d MB; split it into smaller lists.")
                         % {"mb": MAX_BYTES // (1024 * 1024)})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _FileError(_("The file is not UTF-8 text. Save it as \"CSV UTF-8\" and upload it again.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)


def _header_problem(header: list[str]) -> RowError | None:
    if not any(header):
        return RowError(HEADER_ROW, "", _("The file is empty; its first line must name the columns."))
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        return RowError(HEADER_ROW, unknown[0], _("Unknown column \"%(column)s\"; the columns are: %(columns)s.")
                        % {"column": unknown[0], "columns": ", ".join(COLUMNS)})
    repeated = [name for n, name in enumerate(header) if name in header[:n]]
    if repeated:
        return RowError(HEADER_ROW, repeated[0], _("The column \"%(column)s\" appears twice.") % {"column": repeated[0]})
    if "email" not in header:
        return RowError(HEADER_ROW, "email", _("The file needs an \"email\" column."))
    return None


def _rows(reader: Any, header: list[str]) -> tuple[list[ContactRow], list[RowError]]:
    rows: list[ContactRow] = []
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    try:
        for cells in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) + len(errors) >= MAX_ROWS:
                errors.append(RowError(number, "", _("A list may have at most %(n)d contacts.") % {"n": MAX_ROWS}))
                break
            row, row_errors = _row(number, header, cells, first_row_of)
            errors.extend(row_errors)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "", _("This line cannot be read as CSV (%(error)s).")
                               % {"error": exc}))
    return rows, errors


def _row(number: int, header: list[str], cells: list[str],
         first_row_of: dict[str, int]) -> tuple[ContactRow | None, list[RowError]]:
    if len(cells) > len(header):
        return None, [RowError(number, "", _("This row has %(cells)d cells; the header names %(columns)d columns.")
                               % {"cells": len(cells), "columns": len(header)})]
    values = {name: (cells[n].strip() if n < len(cells) else "") for n, name in enumerate(header)}
    errors = [RowError(number, name, _("At most %(n)d characters.") % {"n": limit})
              for name, limit in LENGTHS.items() if len(values.get(name, "")) > limit]
    email = values["email"].lower()
    email_error = _email_problem(email, first_row_of)
    if email_error:
        errors.append(RowError(number, "email", email_error))
    language = LANGUAGES.get(values.get("language", "").lower(), "") if values.get("language") else ""
    if values.get("language") and not language:
        errors.append(RowError(number, "language", _("\"%(value)s\" is not a language we write in; use en, pl or "
                                                     "zh-Hans, or leave it blank.") % {"value": values["language"]}))
    if errors:
        return None, errors
    first_row_of[email] = number
    return ContactRow(row=number, email=email, name=values.get("name", ""), phone=values.get("phone", ""),
                      language=language, segment=values.get("segment", ""),
                      external_ref=values.get("external_ref", "")), []


def _email_problem(email: str, first_row_of: dict[str, int]) -> str:
    if not email:
        return _("An e-mail address is required.")
    try:
        validate_email(email)
    except ValidationError:
        return _("\"%(value)s\" is not an e-mail address.") % {"value": email}
    if email in first_row_of:
        return _("%(value)s is already in row %(row)d.") % {"value": email, "row": first_row_of[email]}
    return ""
