"""A progress line for long commands (the demo's simulation): on a terminal one line redrawn
in place after every step; elsewhere (a log, CI, a pipe) one line per tenth of the way, so
that the log stays short and still shows the run is alive."""

from __future__ import annotations

from collections.abc import Callable

BAR_WIDTH = 24


class ProgressLine:
    """`step(done, text)` after each of `total` steps; `finish()` at the end."""

    def __init__(self, *, total: int, write: Callable[[str], None], tty: bool) -> None:
        self.total = max(total, 1)
        self.write = write
        self.tty = tty
        self.next_tenth = 1
        self.drawn = 0  # columns of the line on the terminal, to blank a shorter one

    def step(self, done: int, text: str) -> None:
        share = min(done / self.total, 1.0)
        line = f"{self.bar(share)} {share:4.0%}  {text}"
        if self.tty:
            width = display_width(line)
            self.write("\r" + line + " " * max(self.drawn - width, 0))
            self.drawn = width
            return
        if share * 10 >= self.next_tenth:
            self.write(line + "\n")
            self.next_tenth = int(share * 10) + 1

    def finish(self) -> None:
        if self.tty and self.drawn:
            self.write("\n")
            self.drawn = 0

    @staticmethod
    def bar(share: float) -> str:
        filled = round(share * BAR_WIDTH)
        return "[" + "#" * filled + "-" * (BAR_WIDTH - filled) + "]"


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters are two wide."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
