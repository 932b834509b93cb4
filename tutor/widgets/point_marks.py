"""The data points over the decision boundary: a mark per point, in its class's colour.

A mark says two things without colour: the class by its shape (a circle for +1, a
square for −1) and the set by its fill, as TensorFlow Playground draws them —
filled for a training point, hollow for a test point, one the model never trains
on. In ``--ascii`` the shapes are letters, a capital for training (``O``, ``X``)
and a small one for testing (``o``, ``x``), since the filter there would turn every
circle and square into an ``o``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.color import Color as RichColor

from engine.data import Dataset
from tutor.widgets.heat_map import HeatCell, Shading

__all__ = ["ASCII_MARKS", "MARKS", "Marks", "draw_points", "nearest"]


@dataclass(frozen=True)
class Marks:
    """The character of each kind of point, and how the legend names them."""

    plus: str  # a training point of class +1
    minus: str  # ... of class −1
    plus_test: str  # a test point of class +1
    minus_test: str  # ... of class −1
    test_note: str  # what tells a test point, for the legend

    def mark(self, label: float, train: bool) -> str:
        if label > 0:
            return self.plus if train else self.plus_test
        return self.minus if train else self.minus_test


MARKS = Marks("●", "■", "○", "□", "hollow: test")
"""Marks in a terminal that draws Unicode (colour or not)."""

ASCII_MARKS = Marks("O", "X", "o", "x", "small: test")
"""Marks in ``--ascii``."""


def nearest(v: float, start: float, stop: float, n: int) -> int:
    """The index of the nearest of ``n`` points spread from ``start`` to ``stop``."""
    if n <= 1 or stop == start:
        return 0
    return min(max(round((v - start) / (stop - start) * (n - 1)), 0), n - 1)


def draw_points(
    grid: list[list[HeatCell]],
    data: Dataset,
    limits: tuple[float, float, float, float],
    shading: Shading,
    colours: tuple[RichColor, RichColor],
    marks: Marks,
) -> None:
    """Put every point of ``data`` on ``grid`` (rows bottom first, spanning ``limits``
    x0, x1, y0, y1): its mark in its class's colour (``colours`` of +1 and −1), on
    the background of the cell it lands in; training points bold, drawn first, so
    that where a test point falls on the same cell it shows."""
    if not grid:
        return
    rows, cols = len(grid), len(grid[0])
    x0, x1, y0, y1 = limits
    plus, minus = colours
    made: dict[tuple[str, RichColor | None], HeatCell] = {}
    sets = ((data.X_train, data.y_train, True), (data.X_test, data.y_test, False))
    for points, labels, train in sets:
        for (px, py), label in zip(points, labels, strict=True):
            c = nearest(px, x0, x1, cols)
            r = nearest(py, y0, y1, rows)
            background = grid[r][c][2]
            mark = marks.mark(label, train)
            cell = made.get((mark, background))
            if cell is None:
                fg = shading.mark_colour(plus if label > 0 else minus, background)
                style = shading.style(fg, background, bold=train)
                cell = made[mark, background] = (mark, style, background)
            grid[r][c] = cell
