"""A text progress bar for a long read, redrawn in place on one line. Pure: no Django."""

from __future__ import annotations

from collections.abc import Callable

MB = 1_000_000


class ProgressBar:
    """`[#########---------]  50%  29.0 / 58.0 MB`, redrawn with a carriage return at each update and
    ended with a line end by `finish`; `write` takes the text (a stream's write, then flushed)."""

    def __init__(self, write: Callable[[str], object], total_bytes: int, *, width: int = 30) -> None:
        self.write, self.total, self.width = write, max(total_bytes, 1), width
        self.drawn = False

    def update(self, done_bytes: int) -> None:
        share = min(max(done_bytes / self.total, 0.0), 1.0)
        filled = round(share * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        self.write(f"\r[{bar}] {share:4.0%}  {done_bytes / MB:.1f} / {self.total / MB:.1f} MB")
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.write("\n")
            self.drawn = False
