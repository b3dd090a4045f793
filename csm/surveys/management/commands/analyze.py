"""`csm analyze`: every satisfaction measure of a survey export (CSV), as JSON, an Excel workbook or a
standalone HTML report. See docs/analyze.md.

    csm analyze responses.csv --spec spec.json                      # JSON on standard output
    csm analyze responses.csv --spec spec.json --format html        # responses.html here
    csm analyze responses.csv --spec spec.json --output report.xlsx # the format from the suffix

JSON goes to standard output unless --output is given; a workbook or an HTML report goes to
--output, by default to the file's name with .xlsx or .html in the current folder. The format is
--format, else the suffix of --output, else JSON. A bad spec or a bad cell stops it with exit status
2 and a one-line message naming the field, or the row (1 = the first data row) and column; an output
file is written to a temporary file beside it and renamed, so no partial result is ever left. It
needs no database.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from csm.surveys.analysis import analyze_csv, read_spec, render_html, to_json
from csm.surveys.analysis.progress import ProgressBar
from csm.surveys.measure import DataError, Spec, SpecError

FORMATS = ("json", "xlsx", "html")
USAGE_ERROR = 2


class Command(BaseCommand):
    help = "Every satisfaction measure of a survey export (CSV) as JSON, an Excel workbook or an HTML report."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", metavar="FILE", help="The responses: a CSV file, one row per respondent.")
        parser.add_argument("--spec", required=True, metavar="SPEC", help="The spec: a JSON file (docs/analyze.md).")
        parser.add_argument("--format", choices=FORMATS,
                            help="json (default), xlsx or html; else taken from the suffix of --output.")
        parser.add_argument("--output", metavar="PATH",
                            help="Where to write; default: standard output for JSON, FILE's name with .xlsx or "
                                 ".html in the current folder for the others.")
        progress = parser.add_mutually_exclusive_group()
        progress.add_argument("--progress", action="store_true", default=None,
                              help="Show a progress bar on standard error (default: when it is a terminal).")
        progress.add_argument("--no-progress", action="store_false", dest="progress", help="Show none.")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        spec = _spec(Path(options["spec"]))
        fmt = _format(options["format"], options["output"])
        target = _target(source, fmt, options["output"])
        show_progress = options["progress"] if options["progress"] is not None else self.stderr.isatty()
        result = self._analyze(source, spec, show_progress=show_progress)
        payload = _render(fmt, result, spec, title=f"Survey analysis: {source.name}")
        if target is None:
            self.stdout.write(payload.decode(), ending="")
            return
        _write_atomically(target, payload)
        if options["verbosity"] >= 1:
            self.stderr.write(f"Wrote {target}")

    def _analyze(self, source: Path, spec: Spec, *, show_progress: bool) -> dict[str, Any]:
        try:
            with source.open("rb") as binary:
                bar = ProgressBar(self._draw, os.fstat(binary.fileno()).st_size) if show_progress else None
                if bar:
                    bar.update(0)
                try:
                    return analyze_csv(binary, spec, on_progress=bar.update if bar else None)
                finally:
                    if bar:
                        bar.finish()
        except OSError as error:
            raise CommandError(f"{source}: {error.strerror}", returncode=USAGE_ERROR) from None
        except DataError as error:
            raise CommandError(f"{source}: {error}", returncode=USAGE_ERROR) from None

    def _draw(self, text: str) -> None:
        self.stderr.write(text, ending="")
        self.stderr.flush()


def _spec(path: Path) -> Spec:
    try:
        return read_spec(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror}", returncode=USAGE_ERROR) from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: spec: not UTF-8 text", returncode=USAGE_ERROR) from None
    except SpecError as error:
        raise CommandError(f"{path}: {error}", returncode=USAGE_ERROR) from None


def _render(fmt: str, result: dict[str, Any], spec: Spec, *, title: str) -> bytes:
    if fmt == "xlsx":
        # Imported here, not at the top: openpyxl takes a third of a second to import, and a JSON run
        # (the common, scripted one) need not pay it.
        from csm.surveys.analysis.report_xlsx import render_workbook

        return render_workbook(result, spec, title=title)
    if fmt == "html":
        return render_html(result, spec, title=title).encode()
    return to_json(result).encode()


def _format(chosen: str | None, output: str | None) -> str:
    if chosen:
        return chosen
    suffix = Path(output).suffix.lower().lstrip(".") if output else ""
    return suffix if suffix in FORMATS else "json"


def _target(source: Path, fmt: str, output: str | None) -> Path | None:
    """Where the result goes; None for standard output."""
    if output == "-" or (output is None and fmt == "json"):
        if fmt != "json":
            raise CommandError(f"An {fmt} report cannot go to standard output: give --output PATH.",
                               returncode=USAGE_ERROR)
        return None
    return Path(output) if output else Path.cwd() / f"{source.stem}.{fmt}"


def _write_atomically(target: Path, payload: bytes) -> None:
    """Write to a temporary file in the target's folder, then rename it over the target, so the
    target is either left as it was or holds the whole result."""
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=target.resolve().parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except OSError as error:
        raise CommandError(f"{target}: {error.strerror}", returncode=USAGE_ERROR) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)  # gone once renamed; else the unfinished result


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
