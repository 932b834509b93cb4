"""Drawing with ASCII only, for terminals that cannot show line-drawing characters.

ASCII mode is switched on once, on the app (``TutorApp(ascii_only=True)``, from
``--ascii`` or the locale: see :mod:`tutor.terminal`), and works in three places:

* :class:`AsciiFilter`, a Textual line filter, rewrites every line just before
  it goes to the terminal, so nothing that is not ASCII reaches the screen,
  whoever drew it (our widgets, Textual's, the lessons' text, the charts).
  Lines and corners become ``- | +``, blocks ``#``; math gets its usual ASCII
  spelling (``∂L/∂a`` is ``dL/da``, ``×`` and ``·`` are ``*``, ``x²`` is ``x^2``,
  ``→`` is ``->``). A spelling longer than its symbol borrows cells from the
  next run of spaces on the line, so the columns after that run stay put; where
  there is no room it shortens to one character (``→`` to ``>``).
* The app carries the class ``-ascii``; ``tutor.tcss`` keys its ASCII rules on it
  (a border Textual draws with block characters gets the ``ascii`` border).
* What has an ASCII form of its own asks :func:`in_ascii_mode`: the graph tree's
  guides become ``+-- `-- |`` as ``tree`` draws them, and keys are named
  (``up``, not ``↑``) in the Footer, the help and the slope table's hint.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.filter import LineFilter

from tutor.terminal import SUPERSCRIPTS, char_spelling, long_spelling

if TYPE_CHECKING:
    from textual.color import Color
    from textual.dom import DOMNode

__all__ = [
    "ASCII_CLASS",
    "ASCII_FILTER",
    "ASCII_TREE_LINES",
    "AsciiFilter",
    "ascii_key_display",
    "ascii_line",
    "in_ascii_mode",
]

ASCII_CLASS = "-ascii"
"""The class the app carries in ASCII mode; ``tutor.tcss`` keys its ASCII rules on it."""

ASCII_TREE_LINES = ("  ", "| ", "`-", "+-")
"""Tree guides (space, vertical, last child, other child), as ``tree`` draws them in ASCII."""

_Cell = tuple[str, Style | None, object]
"""One character of a line (or one whole control segment): text, style, control."""


@lru_cache(maxsize=1024)
def cell_spelling(char: str) -> str:
    """``char`` in ASCII, in exactly as many characters as it takes cells on screen."""
    width = cell_len(char)
    return (char_spelling(char) + " " * width)[:width]


def ascii_line(segments: list[Segment]) -> list[Segment]:
    """One line of the screen with every character spelled in ASCII, in the same
    number of cells (see the module's docstring for how spellings find room)."""
    if all(segment.text.isascii() for segment in segments):
        return segments
    if not any(_may_grow(segment.text) for segment in segments):
        # Lines, blocks, chart dots: one character for one, each run as a whole.
        return [
            segment if segment.control else Segment(_one_for_one(segment.text), segment.style)
            for segment in segments
        ]
    # One entry per character: (text, style, control); controls pass through whole.
    cells: list[_Cell] = []
    for text, style, control in segments:
        if control:
            cells.append((text, style, control))
        else:
            cells.extend((char, style, None) for char in text)

    # First decide every spelling (and which spaces a long one borrows), then copy.
    spellings: dict[int, tuple[int, str]] = {}  # first cell -> (end, spelling)
    borrowed: dict[int, int] = {}  # first cell of a run of spaces -> cells taken from it
    index = 0
    while index < len(cells):
        char, _, control = cells[index]
        if control or char.isascii():
            index += 1
            continue
        end = index + 1
        if char in SUPERSCRIPTS:
            while end < len(cells) and not cells[end][2] and cells[end][0] in SUPERSCRIPTS:
                end += 1
        symbol = "".join(cell[0] for cell in cells[index:end])
        short = "".join(cell_spelling(each) for each in symbol)
        long = long_spelling(symbol)
        extra = len(long) - len(short)
        spelled = long if extra > 0 and _borrow(cells, end, extra, borrowed) else short
        spellings[index] = (end, spelled)
        index = end

    dropped = {start + n for start, count in borrowed.items() for n in range(count)}
    out: list[_Cell] = []
    index = 0
    while index < len(cells):
        if index in spellings:
            end, spelled = spellings[index]
            style = cells[index][1]
            out.extend((each, style, None) for each in spelled)
            index = end
            continue
        if index not in dropped:
            out.append(cells[index])
        index += 1
    return _join(out)


@lru_cache(maxsize=4096)
def _may_grow(text: str) -> bool:
    """Whether ``text`` holds a symbol whose full spelling is longer than it is."""
    return not text.isascii() and any(
        not char.isascii() and (char in SUPERSCRIPTS or long_spelling(char)) for char in text
    )


@lru_cache(maxsize=4096)
def _one_for_one(text: str) -> str:
    return text if text.isascii() else "".join(map(cell_spelling, text))


def _borrow(cells: list[_Cell], start: int, need: int, borrowed: dict[int, int]) -> bool:
    """Take ``need`` cells from the first run of two or more spaces at or after
    ``start``, leaving it at least one space; False when that run is too short.
    The run gives up its first cells, so whatever follows it keeps its column."""
    index = start
    while index < len(cells):
        if not _is_space(cells[index]):
            index += 1
            continue
        run_end = index
        while run_end < len(cells) and _is_space(cells[run_end]):
            run_end += 1
        if run_end - index >= 2:
            taken = borrowed.get(index, 0)
            if run_end - index - 1 - taken < need:
                return False
            borrowed[index] = taken + need
            return True
        index = run_end
    return False


def _is_space(cell: _Cell) -> bool:
    return cell[0] == " " and not cell[2]


def _join(cells: list[_Cell]) -> list[Segment]:
    """Characters back into segments, one per run of the same style."""
    segments: list[Segment] = []
    text: list[str] = []
    current: Style | None = None
    for char, style, control in cells:
        if control:
            if text:
                segments.append(Segment("".join(text), current))
                text = []
            segments.append(Segment(char, style, control))  # type: ignore[arg-type]
            continue
        if text and style != current:
            segments.append(Segment("".join(text), current))
            text = []
        current = style
        text.append(char)
    if text:
        segments.append(Segment("".join(text), current))
    return segments


class AsciiFilter(LineFilter):
    """A Textual line filter that spells every line of the screen in ASCII."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return ascii_line(segments)


ASCII_FILTER = AsciiFilter()

KEY_NAMES = {"↑": "up", "↓": "down", "←": "left", "→": "right", "⏎": "enter", "⌫": "backspace"}


def ascii_key_display(display: str) -> str:
    """A key as the Footer and the help show it, with arrows named: ``↑`` is ``up``."""
    for symbol, name in KEY_NAMES.items():
        display = display.replace(symbol, name)
    return display


def in_ascii_mode(node: DOMNode) -> bool:
    """Whether the app ``node`` belongs to draws with ASCII only."""
    return node.app.has_class(ASCII_CLASS)
