"""The training lab's charts: loss and accuracy per step, and the decision boundary.

Each chart draws its picture cell by cell, straight into Textual's strips,
once per change: a frame on the left and bottom with round-number ticks, and
inside it the curves (half-cell blocks for the training data, dots for the
test data) or the boundary's coloured regions with the points over them.
``replot()`` redraws a chart from plain data (a :class:`TrainingHistory`, the
latest scores); it runs on the UI thread only, and only as often as the
screen asks (a few times a second while training), never per step.

Why not a plotting library: every millisecond of drawing is a millisecond a
key waits. plotext drew these charts, but built each as a string of escape
codes that Rich then had to decode again: at 120×40 a curve cost ~8 ms of the
UI thread and the boundary ~35 ms; drawn here, ~1 and ~2.

Everything reads without colour too: the two curves of a chart use different
marks, the classes are ``o`` and ``x``, and the region the model calls +1 is
dotted while the −1 region is blank. Colours come from the stylesheet's
component classes, so they follow the theme.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from engine.data import Dataset
from tutor.train_driver import Mesh, Scores, StepFigures

__all__ = [
    "AccuracyPlot",
    "BoundaryPlot",
    "Chart",
    "LossPlot",
    "SampleScores",
    "TrainingHistory",
    "nice_ticks",
]

Cell = tuple[str, Style]

QUADRANTS = " ▘▝▀▖▌▞▛▗▚▐▜▄▙▟█"
"""A cell's four quarters as one character, indexed by the quarters set:
1 upper left, 2 upper right, 4 lower left, 8 lower right."""


@dataclass
class TrainingHistory:
    """Every step of the run on show, in plain lists (one entry per step)."""

    steps: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)  # empty without a test split
    train_accuracy: list[float] = field(default_factory=list)  # percent
    test_accuracy: list[float] = field(default_factory=list)  # percent; empty without a split

    def add(self, figures: Sequence[StepFigures]) -> None:
        for f in figures:
            r = f.report
            self.steps.append(r.step + 1)  # "after step 1" reads better than "step 0"
            self.loss.append(r.loss)
            self.train_accuracy.append(100 * r.train_accuracy)
            if f.test_loss is not None:
                self.test_loss.append(f.test_loss)
            if r.test_accuracy is not None:
                self.test_accuracy.append(100 * r.test_accuracy)

    def __len__(self) -> int:
        return len(self.steps)


def _thin(xs: list[int], ys: list[float], most: int) -> tuple[list[int], list[float]]:
    """At most about ``most`` points, evenly picked, keeping the last one, and
    only finite ones: a chart cannot show more points than it has columns."""
    n = min(len(xs), len(ys))
    stride = max(1, math.ceil(n / most))
    picked = list(range(0, n, stride))
    if picked and picked[-1] != n - 1:
        picked.append(n - 1)
    pairs = [(xs[i], ys[i]) for i in picked if math.isfinite(ys[i])]
    return [x for x, _ in pairs], [y for _, y in pairs]


class Chart(Widget):
    """A picture drawn into strips by :meth:`draw`, once per change of data,
    size or colours, and served line by line from there."""

    DEFAULT_CSS = """
    Chart {
        width: 1fr;
        height: 1fr;
    }
    """

    render_seconds = 0.0
    """CPU time the last drawing took, so the screen can pace redraws."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._lines: list[Strip] | None = None
        self._drawn_size = (0, 0)

    def replot(self) -> None:
        """The data changed: draw again at the next frame."""
        self.refresh()

    def refresh(self, *regions: Region, **kwargs: bool) -> Chart:
        self._lines = None  # whatever changed (data, size, theme), draw anew
        return super().refresh(*regions, **kwargs)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines = None  # the colours may have changed

    def on_mount(self) -> None:
        # A new theme means new colours for the lines and regions as well.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.replot())

    def render_line(self, y: int) -> Strip:
        """One line of the chart (Textual's line API)."""
        size = (self.size.width, self.size.height)
        if self._lines is None or self._drawn_size != size:
            began = time.thread_time()
            width, height = size
            lines = self.draw(width, height) if width > 2 and height > 2 else []
            self._lines = lines
            self._drawn_size = size
            self.render_seconds = time.thread_time() - began
        if y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width, self.rich_style)

    def draw(self, width: int, height: int) -> list[Strip]:
        """The chart's lines for this size, top first."""
        raise NotImplementedError

    def _style(self, name: str, fallback: Style) -> Style:
        """The widget's style with a component class's over it (``fallback``'s
        colours where the stylesheet gives none)."""
        return self.rich_style + fallback + self.get_component_rich_style(name, default=Style())


def _framed(
    canvas: list[list[Segment]],
    width: int,
    style: Style,
    label_width: int,
    y_labels: dict[int, str],
    x_labels: list[tuple[int, str]],
) -> list[Strip]:
    """The canvas (rows of segments, top row first) in a frame: ``y_labels``
    (by canvas row, counted from the bottom) on the left, each with a tick, and
    ``x_labels`` (by canvas column) under ticks on the bottom edge."""
    rows = len(canvas)
    cols = width - 2 - label_width
    left = " " * label_width
    lines = [_text_strip(0, f"{left}┌{'─' * cols}┐", width, style)]
    edge = Segment("│", style)
    for i, segments in enumerate(canvas):
        label = y_labels.get(rows - 1 - i)
        axis = f"{label.rjust(label_width)}┤" if label is not None else f"{left}│"
        # Blank stretches of the canvas join the axis and the edge in one segment:
        # each segment costs its own colour codes on the way to the terminal.
        lines.append(Strip(Segment.simplify([Segment(axis, style), *segments, edge]), width))
    bottom = ["─"] * cols
    for c, _ in x_labels:
        bottom[c] = "┬"
    lines.append(_text_strip(0, f"{left}└{''.join(bottom)}┘", width, style))
    under = [" "] * width
    free_from = 0  # labels keep a space between them
    for c, label in x_labels:
        start = min(max(label_width + 1 + c - len(label) // 2, 0), width - len(label))
        if start >= free_from:
            under[start : start + len(label)] = label
            free_from = start + len(label) + 1
    lines.append(_text_strip(0, "".join(under), width, style))
    return lines


def _runs(cells: list[Cell]) -> list[Segment]:
    """One segment for each run of cells alike in style."""
    segments = []
    start, n = 0, len(cells)
    while start < n:
        style = cells[start][1]
        end = start + 1
        while end < n and cells[end][1] is style:
            end += 1
        segments.append(Segment("".join(char for char, _ in cells[start:end]), style))
        start = end
    return segments


def _text_strip(column: int, text: str, width: int, style: Style) -> Strip:
    """A line of ``width`` cells with ``text`` from ``column`` on, cropped to fit."""
    column = max(column, 0)
    line = (" " * column + text)[:width]
    return Strip([Segment(line.ljust(width), style)], width)


def _write(row: list[Cell], column: int, text: str, style: Style) -> None:
    """Put ``text`` on a canvas row from ``column`` on, as far as it fits."""
    for i, char in enumerate(text, max(column, 0)):
        if i < len(row):
            row[i] = (char, style)


def _line(x0: int, y0: int, x1: int, y1: int) -> list[tuple[int, int]]:
    """The grid points from one point to another, one per step along the longer side."""
    n = max(abs(x1 - x0), abs(y1 - y0))
    if n == 0:
        return [(x0, y0)]
    return [(x0 + round((x1 - x0) * i / n), y0 + round((y1 - y0) * i / n)) for i in range(n + 1)]


def _polyline(points: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Every grid point on the lines joining ``points`` in order."""
    if len(points) == 1:
        return set(points)
    covered: set[tuple[int, int]] = set()
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        covered.update(_line(x0, y0, x1, y1))
    return covered


class _CurvePlot(Chart):
    """Two curves over the steps: the training data in solid half-cell blocks,
    the test data (when there is a split) in dots; the training curve is drawn
    over the test curve, so where the two part, both show."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"curve--train", "curve--test"}

    LEGEND_AT = "top"
    """Where the legend goes: where this chart's curves usually are not."""

    def __init__(self, history: TrainingHistory, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.history = history

    def series(self) -> tuple[list[float], list[float]]:
        raise NotImplementedError

    def y_range(self, ys: list[float]) -> tuple[float, float]:
        raise NotImplementedError

    def y_label(self, tick: float) -> str:
        return _tick_label(tick)

    def draw(self, width: int, height: int) -> list[Strip]:
        base = self.rich_style
        train_style = self._style("curve--train", Style(color="rgb(80,140,220)"))
        test_style = self._style("curve--test", Style(color="rgb(230,160,60)"))
        steps = self.history.steps
        train, test = self.series()
        most = max(width * 2, 20)
        train_x, train_y = _thin(steps, train, most)
        test_x, test_y = _thin(steps, test, most)
        # Half a step of room on either side keeps the last point inside the frame.
        last = max(len(steps), 10)
        x0, x1 = 0.5, last + 0.5
        low, high = self.y_range(train_y + test_y)
        y_ticks = nice_ticks(low, high, max(3, height // 2))
        y_tick_labels = [self.y_label(t) for t in y_ticks]
        label_width = max(len(label) for label in y_tick_labels)
        cols, rows = width - 2 - label_width, height - 3
        if cols < 2 or rows < 1:
            return [Strip.blank(width, base)] * height

        grid: list[list[Cell]] = [[(" ", base)] * cols for _ in range(rows)]  # bottom row first
        # The test curve: a dot per cell it passes through.
        dots = [
            (_nearest(x, x0, x1, cols), _nearest(y, low, high, rows))
            for x, y in zip(test_x, test_y, strict=True)
        ]
        for c, r in _polyline(dots) if dots else ():
            grid[r][c] = ("•", test_style)
        # The training curve, twice as fine: each cell holds 2 × 2 blocks.
        blocks = [
            (_nearest(x, x0, x1, 2 * cols), _nearest(y, low, high, 2 * rows))
            for x, y in zip(train_x, train_y, strict=True)
        ]
        quarters: dict[tuple[int, int], int] = {}
        for bx, by in _polyline(blocks) if blocks else ():
            cell = (bx // 2, by // 2)
            quarters[cell] = quarters.get(cell, 0) | (1 << ((0 if by % 2 else 2) + bx % 2))
        for (c, r), bits in quarters.items():
            grid[r][c] = (QUADRANTS[bits], train_style)

        if test_y:
            legend_row = grid[rows - 1] if self.LEGEND_AT == "top" else grid[0]
            legend = [("▀▀", train_style), (" train  ", base), ("•", test_style), (" test", base)]
            column = cols - sum(len(text) for text, _ in legend)
            for text, style in legend:
                _write(legend_row, column, text, style)
                column += len(text)
        if not steps:
            hint = "space trains · . takes a step"
            _write(grid[rows // 2], (cols - len(hint)) // 2, hint, base)

        x_ticks = [t for t in nice_ticks(1, last, max(2, width // 8)) if t >= 1]
        return _framed(
            [_runs(row) for row in reversed(grid)],
            width,
            base,
            label_width,
            {
                _nearest(t, low, high, rows): label
                for t, label in zip(y_ticks, y_tick_labels, strict=True)
            },
            [(_nearest(t, x0, x1, cols), _tick_label(t)) for t in x_ticks],
        )


class LossPlot(_CurvePlot):
    """The loss after every step: training data, and test data when there is a split."""

    def series(self) -> tuple[list[float], list[float]]:
        return self.history.loss, self.history.test_loss

    def y_range(self, ys: list[float]) -> tuple[float, float]:
        top = max(ys, default=1.0)
        return 0.0, (top * 1.05 if top > 0 else 1.0)


class AccuracyPlot(_CurvePlot):
    """The share of points on the right side of the boundary, in percent."""

    LEGEND_AT = "bottom"

    def series(self) -> tuple[list[float], list[float]]:
        return self.history.train_accuracy, self.history.test_accuracy

    def y_range(self, ys: list[float]) -> tuple[float, float]:
        return 0.0, 105.0  # 100% a little below the frame, not on it

    def y_label(self, tick: float) -> str:
        return f"{tick:g}%"


def nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round numbers between ``low`` and ``high`` for an axis: 1, 2 or 5 times a power of ten."""
    span = high - low
    if not (math.isfinite(span) and span > 0):
        return [low]
    rough = span / max(most - 1, 1)
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    first = math.ceil(low / step) * step
    ticks = []
    t = first
    while t <= high + step * 1e-9:
        ticks.append(round(t, 10) + 0.0)  # + 0.0 turns -0.0 into 0.0
        t += step
    return ticks


def _tick_label(t: float) -> str:
    return f"{t:g}"


class BoundaryPlot(Chart):
    """The decision boundary: the model's score over a mesh, as coloured regions,
    with the points drawn over them.

    The screen asks the training thread to score :attr:`mesh` (which fits this
    widget's size) and passes the result to :meth:`show_scores`. Cells the model
    calls +1 are dotted and tinted one colour, the others blank and tinted
    another; the points are ``o`` (+1) and ``x`` (−1), test points underlined.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "boundary--positive",  # a region the model calls +1
        "boundary--negative",  # a region the model calls −1
        "boundary--plus",  # a point labelled +1
        "boundary--minus",  # a point labelled −1
    }

    MARGIN = 0.5
    """Room around the points, in data units."""

    class Resized(Message):
        """The size changed, so the mesh to score (:attr:`BoundaryPlot.mesh`) did too."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.dataset: Dataset | None = None
        self.scores: Scores | None = None
        self._limits = (-1.0, 1.0, -1.0, 1.0)

    # -- what to score

    def show_dataset(self, dataset: Dataset | None) -> None:
        """Draw ``dataset``'s points (2 features each) and forget old scores."""
        self.dataset = dataset
        self.scores = None
        if dataset is not None:
            points = dataset.X_train + dataset.X_test
            m = self.MARGIN
            self._limits = (
                min(p[0] for p in points) - m,
                max(p[0] for p in points) + m,
                min(p[1] for p in points) - m,
                max(p[1] for p in points) + m,
            )
        self.replot()

    def _ticks(self) -> tuple[list[float], list[str], list[float], list[str]]:
        x0, x1, y0, y1 = self._limits
        xt = nice_ticks(x0, x1, max(2, self.size.width // 8))
        yt = nice_ticks(y0, y1, max(2, self.size.height // 4))
        return xt, [_tick_label(t) for t in xt], yt, [_tick_label(t) for t in yt]

    def canvas_size(self) -> tuple[int, int]:
        """Columns and rows of the drawing area inside the frame and the ticks."""
        _, _, _, ylabels = self._ticks()
        label_width = max((len(label) for label in ylabels), default=0)
        # A frame line on each side; the legend and a frame line above; below,
        # a frame line and the row of x labels.
        return self.size.width - 2 - label_width, self.size.height - 4

    def legend(self) -> str:
        """What the marks mean, as long as the width allows."""
        tested = self.dataset is not None and bool(self.dataset.X_test)
        width = self.canvas_size()[0]
        for legend in (
            "o class +1   x class −1   · the model says +1",
            "o +1   x −1   · model says +1",
            "o +1  x −1  · says +1",
        ):
            if tested:
                legend += "   underlined: test"
            if len(legend) <= width:
                return legend
        return ""

    @property
    def mesh(self) -> Mesh | None:
        """The points to score for this size: one per cell row, one per two
        columns (a terminal cell is about twice as tall as it is wide)."""
        if self.dataset is None:
            return None
        cols, rows = self.canvas_size()
        if cols < 2 or rows < 2:
            return None
        x0, x1, y0, y1 = self._limits
        dx = (x1 - x0) / (cols - 1)
        mesh_cols = (cols + 1) // 2
        # Mesh column k stands for canvas columns 2k and 2k+1: score between them.
        return Mesh(x0 + 0.5 * dx, x0 + (2 * mesh_cols - 1.5) * dx, y0, y1, mesh_cols, rows)

    def show_scores(self, scores: Scores | None) -> None:
        self.scores = scores
        self.replot()

    def on_resize(self) -> None:
        self.post_message(self.Resized())

    # -- drawing

    def _cells(self, cols: int, rows: int) -> list[list[Cell]]:
        """(character, style) for every canvas cell, bottom row first."""
        x0, x1, y0, y1 = self._limits
        base = self.rich_style
        positive = self._style(
            "boundary--positive", Style(color="rgb(150,150,150)", bgcolor="rgb(30,50,90)")
        )
        negative = self._style("boundary--negative", Style(bgcolor="rgb(90,55,25)"))
        grid = [[(" ", base)] * cols for _ in range(rows)]
        scores = self.scores
        if scores is not None and isinstance(scores.tag, Mesh) and scores.values:
            mesh = scores.tag
            positive_cell = ("·", positive)
            negative_cell = (" ", negative)
            # The mesh point nearest to each column and to each row, found once.
            mesh_col = [
                _nearest(x0 + (x1 - x0) * c / (cols - 1), mesh.x0, mesh.x1, mesh.cols)
                for c in range(cols)
            ]
            for r in range(rows):
                i = _nearest(y0 + (y1 - y0) * r / (rows - 1), mesh.y0, mesh.y1, mesh.rows)
                values = scores.values[i * mesh.cols : (i + 1) * mesh.cols]
                grid[r] = [positive_cell if values[j] > 0 else negative_cell for j in mesh_col]
        data = self.dataset
        if data is not None:
            plus = self._style("boundary--plus", Style(color="rgb(120,180,255)")).color
            minus = self._style("boundary--minus", Style(color="rgb(255,170,80)")).color
            # A point keeps the background of the region it is in; its own colour,
            # and bold (training) or underlined (test), go over it.
            marks: dict[tuple[int, bool, str], Style] = {}
            under_mark: dict[int, Style] = {}  # a point's style -> its region's
            emphasis = {"train": Style(bold=True), "test": Style(underline=True)}
            sets = ((data.X_train, data.y_train, "train"), (data.X_test, data.y_test, "test"))
            for points, labels, kind in sets:
                for (px, py), label in zip(points, labels, strict=True):
                    c = _nearest(px, x0, x1, cols)
                    r = _nearest(py, y0, y1, rows)
                    region = grid[r][c][1]
                    region = under_mark.get(id(region), region)  # two points, one cell
                    key = (id(region), label > 0, kind)
                    style = marks.get(key)
                    if style is None:
                        style = region + Style(color=plus if label > 0 else minus) + emphasis[kind]
                        marks[key] = style
                        under_mark[id(style)] = region
                    grid[r][c] = ("o" if label > 0 else "x", style)
        return grid

    def draw(self, width: int, height: int) -> list[Strip]:
        base = self.rich_style
        x0, x1, y0, y1 = self._limits
        xt, xl, yt, yl = self._ticks()
        label_width = max((len(label) for label in yl), default=0)
        cols, rows = self.canvas_size()
        if cols < 2 or rows < 2:
            return [Strip.blank(width, base)] * height
        legend = self.legend()
        title = _text_strip(label_width + 1 + (cols - len(legend)) // 2, legend, width, base)
        framed = _framed(
            [_runs(row) for row in reversed(self._cells(cols, rows))],
            width,
            base,
            label_width,
            {_nearest(t, y0, y1, rows): label for t, label in zip(yt, yl, strict=True)},
            [(_nearest(t, x0, x1, cols), label) for t, label in zip(xt, xl, strict=True)],
        )
        return [title, *framed]


def _nearest(v: float, start: float, stop: float, n: int) -> int:
    """The index of the nearest of ``n`` points spread from ``start`` to ``stop``."""
    if n <= 1 or stop == start:
        return 0
    return min(max(round((v - start) / (stop - start) * (n - 1)), 0), n - 1)


class SampleScores(Static):
    """For data a plane cannot show (the lecture's examples have 3 inputs):
    each training example, its target and the model's score."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.dataset: Dataset | None = None
        self.scores: Scores | None = None

    def show_dataset(self, dataset: Dataset | None) -> None:
        self.dataset = dataset
        self.scores = None
        self.replot()

    def show_scores(self, scores: Scores | None) -> None:
        self.scores = scores
        self.replot()

    def replot(self) -> None:
        data = self.dataset
        if data is None:
            self.update("")
            return
        table = Table(box=None, header_style="bold", pad_edge=False)
        table.add_column("#")
        table.add_column("inputs")
        table.add_column("target", justify="right")
        table.add_column("score", justify="right")
        table.add_column("")
        values = self.scores.values if self.scores is not None else ()
        for i, (x, y) in enumerate(zip(data.X_train, data.y_train, strict=True)):
            inputs = ", ".join(f"{v:g}" for v in x)
            if i < len(values):
                score = values[i]
                right = "✓ right" if (score > 0) == (y > 0) else "✗ wrong"
                table.add_row(str(i + 1), inputs, f"{y:+g}", f"{score:+.4f}", right)
            else:
                table.add_row(str(i + 1), inputs, f"{y:+g}", "—", "")
        self.update(table)
