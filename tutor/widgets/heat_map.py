"""Shading a score over the plane: two hues, a few levels, two grid rows per character.

The lab's decision boundary and its neurons' small maps both shade a number
given at every point of a grid: its sign picks the hue (one per class), its size
the level. A terminal cell is about twice as tall as it is wide, so each cell
shows two grid points, one above the other: ``▀`` painted with the upper one's
colour on the lower one's (a cell whose two halves agree is a plain blank).

How it reads depends on the terminal, decided once per drawing by
:func:`shading_for`:

* **colour** (truecolour or 256 colours): each level mixes the hue into the
  widget's background a little more;
* **ansi** (16 colours): a blend would round to the same few colours, so the
  levels are the terminal's own: none near zero, then the dark and the bright
  form of blue (+1) and yellow (−1);
* **characters** (``NO_COLOR``, or ``--ascii`` where ``▀`` cannot be drawn):
  one grid point per cell, drawn with a character of :data:`POSITIVE_RAMP` or
  :data:`NEGATIVE_RAMP`, heavier where the score is larger, so sign and size
  both read without colour (in ``--ascii`` with colours the tint stays too).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rich.color import Color as RichColor
from rich.style import Style

__all__ = [
    "LEVELS",
    "NEGATIVE_RAMP",
    "POSITIVE_RAMP",
    "HeatCell",
    "Shading",
    "grid_lookup",
    "heat_cells",
    "level_of",
    "shading_for",
]

LEVELS = (0.25, 0.5, 0.75)
"""Where the levels change, as a share of the scale: below 0.25 is level 0 (the
model is not sure), from 0.75 on level 3."""

POSITIVE_RAMP = " .:+"
"""The characters of levels 0 to 3 where the score is positive (class +1): blank
near the boundary, so that it shows as a gap between the two sides. Light
characters, so that the points' ``o`` and ``x`` stand out over them."""

NEGATIVE_RAMP = " -~="
"""... and where it is negative (class −1)."""

_BLEND = (0.12, 0.24, 0.38, 0.55)
"""How much of the hue each level mixes into the background (colour mode)."""

_ANSI = {
    1: ("default", "blue", "blue", "bright_blue"),
    -1: ("default", "yellow", "yellow", "bright_yellow"),
}
"""The background of each level in 16 colours, by sign."""

HeatCell = tuple[str, Style, RichColor | None]
"""One cell: its character, its style, and the background a mark drawn on it keeps."""


def level_of(value: float, scale: float = 1.0) -> int:
    """How sure a score of ``value`` is, from 0 to 3, with ``scale`` as "quite sure"."""
    if not math.isfinite(value):
        return len(LEVELS) if not math.isnan(value) else 0
    share = abs(value) / scale if scale > 0 else 0.0
    return sum(share >= edge for edge in LEVELS)


def _sign(value: float) -> int:
    """+1, −1, or 0 for exactly zero (a ReLU that is off): shaded as neither side."""
    return 1 if value > 0 else -1 if value < 0 else 0


@dataclass
class Shading:
    """The colours and characters of each (sign, level), for one drawing."""

    mode: str  # "colour", "ansi" or "characters"
    base: Style  # the widget's own style: every cell has it at least
    positive: RichColor  # the hue of class +1
    negative: RichColor  # ... and of class −1
    background: RichColor  # the widget's background, that the hues mix into
    tinted: bool = True  # whether characters mode colours the cells too (--ascii with colours)
    _colours: dict[tuple[int, int], RichColor | None] = field(default_factory=dict)
    _styles: dict[tuple[object, ...], Style] = field(default_factory=dict)

    @property
    def half_blocks(self) -> bool:
        """Two grid points per cell (``▀``), or one per cell (characters)."""
        return self.mode != "characters"

    def colour(self, sign: int, level: int) -> RichColor | None:
        """The background of a cell of this sign and level (None: the widget's own)."""
        key = (sign, level)
        if key not in self._colours:
            self._colours[key] = self._make_colour(sign, level)
        return self._colours[key]

    def _make_colour(self, sign: int, level: int) -> RichColor | None:
        if sign == 0:
            return None
        if self.mode == "ansi":
            name = _ANSI[sign][level]
            return None if name == "default" else RichColor.parse(name)
        if self.mode == "characters" and not self.tinted:
            return None
        hue = (self.positive if sign > 0 else self.negative).get_truecolor()
        back = self.background.get_truecolor()
        share = _BLEND[level]
        mixed = (round(b + (h - b) * share) for h, b in zip(hue, back, strict=True))
        return RichColor.from_rgb(*mixed)

    def character(self, sign: int, level: int) -> str:
        return (POSITIVE_RAMP if sign > 0 else NEGATIVE_RAMP)[level] if sign else " "

    def cell(self, upper: float, lower: float, scale: float) -> HeatCell:
        """The cell showing ``upper`` above ``lower`` (equal in characters mode)."""
        if self.half_blocks:
            top = self.colour(_sign(upper), level_of(upper, scale))
            bottom = self.colour(_sign(lower), level_of(lower, scale))
            if top == bottom:
                return " ", self.style(None, bottom), bottom
            # The upper half is the character itself: painted, even in the widget's colour.
            return "▀", self.style(top or self.background, bottom), bottom
        value = (upper + lower) / 2 if math.isfinite(upper + lower) else upper
        sign, level = _sign(value), level_of(value, scale)
        background = self.colour(sign, level)
        return self.character(sign, level), self.style(None, background), background

    def style(self, color: RichColor | None, bgcolor: RichColor | None, **more: bool) -> Style:
        """The widget's style with these colours (made once per drawing)."""
        key = (color, bgcolor, *sorted(more.items()))
        found = self._styles.get(key)
        if found is None:
            found = self._styles[key] = self.base + Style(color=color, bgcolor=bgcolor, **more)
        return found

    def mark_colour(self, colour: RichColor, background: RichColor | None) -> RichColor:
        """The colour of a data point's mark on ``background``: its class's own,
        but in 16 colours black or white, whichever shows on the level's colour."""
        if self.mode != "ansi":
            return colour
        bright = background is not None and background.name.startswith("bright")
        return RichColor.parse("black" if bright else "bright_white")


def shading_for(
    app: object, base: Style, positive: RichColor, negative: RichColor, background: RichColor
) -> Shading:
    """The shading that reads in ``app``'s terminal (see the module's docstring)."""
    no_color = bool(getattr(app, "no_color", False))
    ascii_only = bool(getattr(app, "ascii_only", False))
    console = getattr(app, "console", None)
    system = getattr(console, "color_system", "truecolor")
    if no_color or ascii_only:
        mode = "characters"
    elif system in ("standard", "windows"):
        mode = "ansi"
    else:
        mode = "colour"
    return Shading(mode, base, positive, negative, background, tinted=not no_color)


def heat_cells(
    value_at: Callable[[int, int], float],
    cols: int,
    rows: int,
    shading: Shading,
    scale: float = 1.0,
) -> list[list[HeatCell]]:
    """``rows`` × ``cols`` cells, bottom row first, shading ``value_at(col, p)``
    where ``p`` counts grid rows from the bottom, two per cell (``2*r`` is the
    lower half of cell row ``r``, ``2*r + 1`` its upper half)."""
    cell = shading.cell
    return [
        [cell(value_at(c, 2 * r + 1), value_at(c, 2 * r), scale) for c in range(cols)]
        for r in range(rows)
    ]


def grid_lookup(
    values: Sequence[float], mesh_cols: int, col_index: Sequence[int], row_index: Sequence[int]
) -> Callable[[int, int], float]:
    """``value_at(col, p)`` for :func:`heat_cells`, from ``values`` laid out row by
    row from the bottom, ``mesh_cols`` a row, through the nearest-index tables."""

    def value_at(col: int, p: int) -> float:
        return values[row_index[p] * mesh_cols + col_index[col]]

    return value_at
