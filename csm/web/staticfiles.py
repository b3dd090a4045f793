"""A staticfiles finder for `plotly/plotly.min.js`, served straight from the installed plotly
package (its package_data), so the file is never copied into the repository and no CDN is used.

WhiteNoise serves it through the finders in development; `collectstatic` copies it (hashed and
compressed) into STATIC_ROOT for production, like every other app's static files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, overload

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage

PREFIX = "plotly"
FILENAME = "plotly.min.js"
PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    """Finds only `plotly/plotly.min.js`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=PACKAGE_DATA)
        self.storage.prefix = PREFIX  # type: ignore[attr-defined]  # read by collectstatic and WhiteNoise

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        if not (PACKAGE_DATA / FILENAME).is_file():
            return [Error(f"{FILENAME} is missing from the plotly package at {PACKAGE_DATA}.", id="csm.E001")]
        return []

    @overload
    def find(self, path: str, find_all: Literal[False] = False) -> str | None: ...

    @overload
    def find(self, path: str, find_all: Literal[True]) -> list[str]: ...

    def find(self, path: str, find_all: bool = False) -> str | list[str] | None:
        found = [str(PACKAGE_DATA / FILENAME)] if path == f"{PREFIX}/{FILENAME}" else []
        found = [name for name in found if Path(name).is_file()]
        if find_all:
            return found
        return found[0] if found else None

    def list(self, ignore_patterns: Any) -> Any:
        yield FILENAME, self.storage
