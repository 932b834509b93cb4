"""What each hidden neuron sees: a small map of its output over the plane, one per neuron.

The training thread computes every hidden neuron's output over :attr:`NeuronPanel.mesh`
(``engine.scoring.neuron_outputs``, floats only) whenever a step has landed and the
lab asks for a frame; the panel shades each neuron's output as the boundary shades
the model's score (``tutor.widgets.heat_map``). The selected neuron is drawn large,
with its bias and its weights (in the hue of their sign; the sign is written too),
and framed by ``[ ]`` among the small maps, layer by layer below it. When the small
maps do not all fit, they page: the lines shown are those around the selected one;
with no room for any, the panel is the selected neuron alone.

Like the charts, the panel makes its lines once per drawing (``render_line``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from itertools import groupby
from typing import ClassVar

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from engine.data import Dataset
from engine.scoring import plane_limits
from tutor.train_driver import Mesh, NeuronScores
from tutor.widgets.heat_map import Shading, heat_cells, shading_for
from tutor.widgets.line_diff import on_screen, repaint_changes

__all__ = ["NeuronPanel"]

MAP_COLS, MAP_ROWS = 6, 2
"""A small map's size in cells (two grid rows per cell: 6 × 4 points)."""

MARGIN = 0.5
"""Room around the points, in data units (as the boundary's)."""

_Cell = tuple[str, Style]


def _nearest(i: int, n: int, m: int) -> int:
    """Index ``i`` of ``n`` spread evenly over ``m``."""
    return 0 if n <= 1 or m <= 1 else round(i * (m - 1) / (n - 1))


def _scale(values: Sequence[float]) -> float:
    """What a neuron's map shades deepest: its largest output over the plane, so
    each map shows where its own neuron is large (a neuron that gives ±0.01
    everywhere would otherwise be a blank; 0.1 keeps such a one faint)."""
    finite = [abs(v) for v in values if math.isfinite(v)]
    return max(max(finite, default=0.0), 0.1)


class NeuronPanel(Widget):
    """A map per hidden neuron; ``[`` and ``]`` (the screen's) pick the one drawn large."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "neurons--plus",  # the hue of a positive output (and weight)
        "neurons--minus",  # ... of a negative one
        "neurons--selected",  # the brackets around the selected small map
        "neurons--caption",  # the layer captions and the hint
    }

    render_seconds = 0.0
    """CPU time the last drawing took."""

    class Resized(Message):
        """The size changed, so the mesh to compute (:attr:`NeuronPanel.mesh`) did too."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.scores: NeuronScores | None = None
        self.selected = 0  # counted over every hidden neuron, layer after layer
        self.note = ""  # shown instead of the maps, when there cannot be any
        self._limits = (-1.0, 1.0, -1.0, 1.0)
        self._has_data = False
        self._lines: list[Strip] | None = None

    # -- what to show

    def show_dataset(self, dataset: Dataset | None) -> None:
        """Maps over ``dataset``'s plane (2 features); old outputs are forgotten."""
        self.scores = None
        self._has_data = dataset is not None and dataset.n_features == 2
        if dataset is not None and self._has_data:
            self._limits = plane_limits(dataset.X_train + dataset.X_test, MARGIN)
        self.replot()

    def replot(self) -> None:
        """Draw again, repainting only the cells that changed (most of the maps
        settle while training goes on)."""
        shown, self._lines = self._lines, None
        if shown is None or not on_screen(self):
            self.refresh()  # drawn when next painted
            return
        self._lines = self._timed_lines()
        repaint_changes(self.refresh, shown, self._lines)

    def on_resize(self) -> None:
        self._lines = None
        self.post_message(self.Resized())

    @property
    def neurons(self) -> list[tuple[int, int]]:
        """(layer, neuron) of every hidden neuron, 0-based, in order."""
        if self.scores is None:
            return []
        return [
            (layer, n)
            for layer, outputs in enumerate(self.scores.maps.outputs)
            for n in range(len(outputs))
        ]

    def pick(self, delta: int) -> tuple[int, int] | None:
        """Select the neuron ``delta`` places on (wrapping round); returns it."""
        neurons = self.neurons
        if not neurons:
            return None
        self.selected = (self.selected + delta) % len(neurons)
        self.replot()
        return neurons[self.selected]

    def _big_size(self) -> tuple[int, int]:
        """Columns and cell rows of the selected neuron's large map."""
        width, height = self.size
        rows = min(max(height // 3, 3), 8)
        cols = min(max(width // 2, 8), 4 * rows)
        return cols, rows

    @property
    def mesh(self) -> Mesh | None:
        """Where to compute the neurons: the large map's points (the small maps
        take every few of them)."""
        if not self._has_data or self.size.width < 8 or self.size.height < 3:
            return None
        cols, rows = self._big_size()
        x0, x1, y0, y1 = self._limits
        return Mesh(x0, x1, y0, y1, cols, 2 * rows)

    # -- drawing

    def render_line(self, y: int) -> Strip:
        if self._lines is None:
            self._lines = self._timed_lines()
        if y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width, self.rich_style)

    def _timed_lines(self) -> list[Strip]:
        began = time.thread_time()
        lines = self._make_lines()
        self.render_seconds = time.thread_time() - began
        return lines

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, default=Style())

    def _shading(self) -> Shading:
        base = self.rich_style
        return shading_for(
            self.app,
            base,
            _rgb(self._style("neurons--plus").color, (120, 180, 255)),
            _rgb(self._style("neurons--minus").color, (255, 170, 80)),
            _rgb(base.bgcolor, (30, 30, 30)),
        )

    def _strip(self, cells: list[_Cell]) -> Strip:
        width = self.size.width
        segments = [
            Segment("".join(c[0] for c in run), style)
            for style, run in groupby(cells[:width], key=lambda c: c[1])
        ]
        return Strip(segments).extend_cell_length(width, self.rich_style)

    def _text(self, text: str, style: Style | None = None) -> list[_Cell]:
        style = self.rich_style if style is None else self.rich_style + style
        return [(char, style) for char in text]

    def _make_lines(self) -> list[Strip]:
        width, height = self.size
        scores, neurons = self.scores, self.neurons
        if self.note or scores is None or not neurons:
            message = self.note or "The maps come with the first scores (space trains)."
            return [self._strip(self._text(message))]
        shading = self._shading()
        self.selected = min(self.selected, len(neurons) - 1)
        layer, index = neurons[self.selected]
        caption = self._style("neurons--caption")
        count = len(scores.maps.outputs[layer])
        title = f"layer {layer + 1}, neuron {index + 1} of {count}"
        hint = "   [ ] pick another"
        lines = [self._strip(self._text(title + (hint if len(title + hint) <= width else "")))]
        big_cols, big_rows = self._big_size()
        big = self._map(scores, layer, index, big_cols, big_rows, shading)
        notes = self._weight_lines(scores, layer, index, width - big_cols - 2, shading)
        for r in range(big_rows):
            row = big[r] + self._text("  ")
            if r < len(notes):
                row += notes[r]
            lines.append(self._strip(row))
        room = height - len(lines)
        small = self._small_lines(scores, shading, width, caption)
        if room >= MAP_ROWS + 1 and small:
            # Page: show the lines around the selected map.
            at = next(i for i, (_, selected) in enumerate(small) if selected)
            first = min(max(at - (room - MAP_ROWS) // 2, 0), max(len(small) - room, 0))
            lines += [self._strip(cells) for cells, _ in small[first : first + room]]
        return lines

    def _map(
        self,
        scores: NeuronScores,
        layer: int,
        index: int,
        cols: int,
        rows: int,
        shading: Shading,
    ) -> list[list[_Cell]]:
        """A neuron's map of ``cols`` × ``rows`` cells, top row first."""
        mesh = scores.mesh
        values = scores.maps.outputs[layer][index]
        col_index = [_nearest(c, cols, mesh.cols) for c in range(cols)]
        row_index = [_nearest(p, 2 * rows, mesh.rows) for p in range(2 * rows)]

        def value_at(col: int, p: int) -> float:
            return values[row_index[p] * mesh.cols + col_index[col]]

        cells = heat_cells(value_at, cols, rows, shading, _scale(values))
        return [[(char, style) for char, style, _ in row] for row in reversed(cells)]

    def _weight_lines(
        self, scores: NeuronScores, layer: int, index: int, width: int, shading: Shading
    ) -> list[list[_Cell]]:
        """The selected neuron's bias and weights, a number's colour its sign's hue."""
        weights = scores.maps.weights[layer][index]
        bias = scores.maps.biases[layer][index]
        plus, minus = shading.positive, shading.negative
        coloured = shading.mode != "characters" or shading.tinted

        def number(value: float) -> list[_Cell]:
            colour = (plus if value >= 0 else minus) if coloured else None
            return self._text(f"{value:+.2f}", Style(color=colour, bold=True))

        lines = [self._text("bias ") + number(bias)]
        if layer == 0:
            for k, w in enumerate(weights, 1):
                name = {1: "x", 2: "y"}.get(k, f"x{k}")
                lines.append(self._text(f"w{k} ({name}) ") + number(w))
            return lines
        lines.append(self._text(f"weights from layer {layer}:"))
        line: list[_Cell] = []
        for w in weights:
            piece = number(w) + self._text(" ")
            if line and len(line) + len(piece) > width:
                lines.append(line)
                line = []
            line += piece
        if line:
            lines.append(line)
        return lines

    def _small_lines(
        self, scores: NeuronScores, shading: Shading, width: int, caption: Style
    ) -> list[tuple[list[_Cell], bool]]:
        """Every line of small maps, each layer under its caption; and whether
        the line holds the selected map."""
        per_line = max((width - 1) // (MAP_COLS + 1), 1)
        bracket = self._style("neurons--selected") + Style(bold=True)
        # In characters a map's blanks run into the next one's: a line between them.
        gap = " " if shading.half_blocks else "|"
        lines: list[tuple[list[_Cell], bool]] = []
        flat = 0
        for layer, outputs in enumerate(scores.maps.outputs):
            lines.append((self._text(f"layer {layer + 1}: {len(outputs)} neurons", caption), False))
            for start in range(0, len(outputs), per_line):
                chunk = range(start, min(start + per_line, len(outputs)))
                maps = [self._map(scores, layer, n, MAP_COLS, MAP_ROWS, shading) for n in chunk]
                chosen = [flat + n - start == self.selected for n in chunk]
                for r in range(MAP_ROWS):
                    row: list[_Cell] = []
                    for k, small in enumerate(maps):
                        left = "[" if chosen[k] else ("]" if k and chosen[k - 1] else gap)
                        row += self._text(left, bracket if left in "[]" else caption) + small[r]
                    end = "]" if chosen and chosen[-1] else gap
                    row += self._text(end, bracket if end in "[]" else caption)
                    lines.append((row, any(chosen)))
                flat += len(chunk)
        return lines


def _rgb(color: RichColor | None, fallback: tuple[int, int, int]) -> RichColor:
    if color is None or color.is_default:
        return RichColor.from_rgb(*fallback)
    triplet = color.get_truecolor()
    return RichColor.from_rgb(triplet.red, triplet.green, triplet.blue)
