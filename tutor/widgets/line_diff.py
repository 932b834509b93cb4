"""Repaint only the cells that changed: what a redraw of a chart sends down the wire.

Textual sends every cell of a widget it repaints. A heat map whose model has
settled, a curve whose axes did not move, a panel of neuron maps of which two
changed: redrawn whole, each costs a screenful of bytes for a few cells. A
widget that makes its lines at once (the line API) can compare them with the
lines on screen and ask Textual to repaint only the spans that differ, from the
first changed cell to the last of each line. Over SSH that is most of the
training lab's output; locally it is less for the terminal to draw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["changed_regions", "on_screen", "repaint_changes"]


def _cells(strip: Strip) -> list[tuple[str, Style | None]]:
    """Every cell of a line: its character and its style."""
    return [(char, segment.style) for segment in strip for char in segment.text]


def changed_regions(old: Sequence[Strip], new: Sequence[Strip]) -> list[Region] | None:
    """The spans of ``new`` that differ from ``old``, one region per changed line;
    None when the two cannot be compared cell by cell (another count of lines or
    another width, or characters wider than a cell): repaint everything."""
    if len(old) != len(new):
        return None
    regions: list[Region] = []
    for y, (before, after) in enumerate(zip(old, new, strict=True)):
        if before == after:
            continue
        a, b = _cells(before), _cells(after)
        if len(a) != len(b) or len(a) != after.cell_length:
            return None
        if a == b:  # the same cells, cut into other segments
            continue
        first = 0
        while a[first] == b[first]:
            first += 1
        last = len(b)
        while a[last - 1] == b[last - 1]:
            last -= 1
        regions.append(Region(first, y, last - first, 1))
    return regions


def on_screen(widget: Widget) -> bool:
    """Whether ``widget`` has a place on the screen now: drawing it ahead of the
    next paint is then not wasted."""
    return widget.is_mounted and widget.display and widget.region.area > 0


def repaint_changes(
    refresh: Callable[..., object], shown: Sequence[Strip], new: Sequence[Strip]
) -> None:
    """Ask ``refresh`` (a widget's, keeping ``new`` as its lines) to repaint the
    cells of ``new`` that differ from ``shown``: all of them when the two cannot be
    compared, none when nothing changed."""
    regions = changed_regions(shown, new)
    if regions is None:
        refresh()
    elif regions:
        refresh(*regions)
