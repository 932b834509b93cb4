"""The training lab's charts: loss and accuracy per step, and the decision boundary.

Each chart is a textual-plotext ``PlotextPlot`` that owns its figure as
``self.plt``. ``replot()`` redraws it from plain lists held in a
:class:`TrainingHistory`; it runs on the UI thread only, and only as often as
the screen asks (a few times a second while training), never per step.

Everything reads without colour too: the two curves of a chart use different
markers, the classes are circles and squares (filled: training, hollow: test), and
the boundary's shading turns into characters (``tutor.widgets.heat_map``). Colours
come from the stylesheet's component classes, so they follow the theme.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import ClassVar

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from textual.app import RenderResult
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Static
from textual_plotext import PlotextPlot

from engine.data import Dataset
from engine.scoring import plane_limits
from tutor.ascii_mode import in_ascii_mode
from tutor.train_driver import Mesh, Scores, StepFigures
from tutor.widgets.heat_map import (
    NEGATIVE_RAMP,
    POSITIVE_RAMP,
    HeatCell,
    Shading,
    grid_lookup,
    heat_cells,
    shading_for,
)
from tutor.widgets.line_diff import on_screen, repaint_changes
from tutor.widgets.point_marks import ASCII_MARKS, MARKS, Marks, draw_points, nearest

__all__ = [
    "AccuracyPlot",
    "BoundaryPlot",
    "Chart",
    "LossPlot",
    "SampleScores",
    "TrainingHistory",
    "nice_ticks",
]

Rgb = tuple[int, int, int]


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
            if r.test_loss is not None:
                self.test_loss.append(r.test_loss)
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


def _rgb(color: RichColor | None, fallback: Rgb) -> Rgb:
    if color is None or color.is_default:
        return fallback
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


class Chart(PlotextPlot):
    """A plot whose colours come from component classes in the stylesheet."""

    render_seconds = 0.0
    """CPU time the last drawing took, so the screen can pace redraws."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        # plotext's "clear" theme paints no background and uses the default
        # colours: the widget's own, from the stylesheet. Far fewer colour changes
        # to decode and to send to the terminal than a painted canvas.
        self.theme = "clear"
        self._lines: list[Strip] | None = None

    def replot(self) -> None:
        """The data changed: draw again, and repaint only the cells that differ
        from what is on screen (``tutor.widgets.line_diff``)."""
        shown = self._lines
        if shown is None or not on_screen(self):
            self.refresh()  # drawn when next painted
            return
        self._lines = self._timed_lines()
        # Textual's refresh: Chart.refresh would throw the new lines away.
        repaint_changes(super().refresh, shown, self._lines)

    def refresh(self, *regions: Region, **kwargs: bool) -> Chart:
        self._lines = None  # whatever changed (data, size, theme), draw anew
        return super().refresh(*regions, **kwargs)

    def render(self) -> RenderResult:
        # The figure is made here rather than in replot(), so that its ticks and
        # cells fit the size the chart has now (a chart that was hidden has none).
        self.plt.clear_data()
        self.plt.clear_figure()
        if self.size.width > 2 and self.size.height > 2:
            self.draw()
        return super().render()

    def render_line(self, y: int) -> Strip:
        """One line of the chart (Textual's line API).

        Textual would turn the plot's text into its own Content span by span,
        which costs more than plotext itself; Rich renders the same lines several
        times faster. They are made once per drawing and served from there.
        """
        if self._lines is None:
            self._lines = self._timed_lines()
        if y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width)

    def _timed_lines(self) -> list[Strip]:
        began = time.thread_time()
        lines = self._render_lines()
        self.render_seconds = time.thread_time() - began
        return lines

    def _render_lines(self) -> list[Strip]:
        """Every line of the chart as plotext draws it (see :meth:`draw`)."""
        width, height = self.size
        console = self.app.console
        options = console.options.update_dimensions(width, height)
        lines = console.render_lines(self.render(), options, pad=True)
        # Unstyled cells take the widget's colours (and every segment then
        # has a style, which Textual's filters, e.g. for NO_COLOR, rely on).
        base = self.rich_style
        return [Strip(line, width).apply_style(base) for line in lines]

    def draw(self) -> None:
        """Plot the data on ``self.plt`` for the current size."""
        raise NotImplementedError

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, default=Style())

    def on_mount(self) -> None:
        super().on_mount()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._theme_changed())

    def _theme_changed(self) -> None:
        # A new theme means new colours for the lines and regions as well.
        self.replot()


class _CurvePlot(Chart):
    """Two curves over the steps: a solid training line and a dotted test line."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"curve--train", "curve--test"}

    def __init__(self, history: TrainingHistory, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.history = history

    def series(self) -> tuple[list[float], list[float]]:
        raise NotImplementedError

    LEGEND_AT = "top"
    """Where the legend goes: where this chart's curves usually are not."""

    def draw(self) -> None:
        plt = self.plt
        steps = self.history.steps
        train, test = self.series()
        most = max(self.size.width * 2, 20)
        train_x, train_y = _thin(steps, train, most)
        test_x, test_y = _thin(steps, test, most)
        train_color = _rgb(self._style("curve--train").color, (80, 140, 220))
        test_color = _rgb(self._style("curve--test").color, (230, 160, 60))
        # The test curve first: where the two coincide the training curve shows,
        # and where they part (the interesting bit) both do.
        if test_y:
            plt.plot(test_x, test_y, marker="•", color=test_color)
        if train_y:
            plt.plot(train_x, train_y, marker="hd", color=train_color)
        # Half a step of room on either side keeps the last point inside the frame.
        last = max(len(steps), 10)
        plt.xlim(0.5, last + 0.5)
        xt = [t for t in nice_ticks(1, last, max(2, self.size.width // 8)) if t >= 1]
        plt.xticks(xt, [_tick_label(t) for t in xt])
        low, high = self.y_range(train_y + test_y)
        plt.ylim(low, high)
        yt = nice_ticks(low, high, max(3, self.size.height // 2))
        plt.yticks(yt, [self.y_label(t) for t in yt])
        if test_y:
            # plotext's own legend sits top left, right where a falling loss starts.
            y = high if self.LEGEND_AT == "top" else low
            plt.text(
                "▀▀ train  • test",
                last + 0.5,
                y,
                alignment="right",
                color="default",
                background="default",
            )
        if not steps:  # on one line if it fits, else on two
            hint = "space trains · . takes a step"
            lines = [hint] if self.size.width > len(hint) + 10 else hint.split(" · ")
            for n, line in enumerate(lines):
                y = (low + high) / 2 - n * (high - low) / max(self.size.height - 3, 1)
                plt.text(
                    line,
                    (last + 1) / 2,
                    y,
                    alignment="center",
                    color="default",
                    background="default",
                )

    def y_range(self, ys: list[float]) -> tuple[float, float]:
        raise NotImplementedError

    def y_label(self, tick: float) -> str:
        return _tick_label(tick)


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


_Cell = HeatCell
"""One cell of the boundary's canvas: its character, its style, and its region's background."""


@dataclass
class _Frame:
    """plotext's drawing of a :class:`BoundaryPlot` without data, and what it was drawn for."""

    key: tuple[object, ...]
    lines: list[Strip]
    edges: dict[int, tuple[list[Segment], list[Segment]]]
    """For every line through the canvas: the segments left of it and right of it."""


class BoundaryPlot(Chart):
    """The decision boundary: the model's score over a mesh, as a heat map, with
    the points drawn over it.

    The screen asks the training thread to score :attr:`mesh` (which fits this
    widget's size), sets :attr:`scores` to the result and redraws. The score is
    shaded in the hue of the class it says, deeper where it is larger
    (``tutor.widgets.heat_map``: two mesh rows per line, or characters without
    colour); the points are circles (+1) and squares (−1), filled for training and
    hollow for testing (``tutor.widgets.point_marks``).

    plotext draws the frame, the ticks and the legend, with no data; those lines
    are kept until the size, the limits, the legend or the colours change. The
    canvas inside the frame is painted cell by cell over them at every drawing:
    plotext would need a piece of text for every run of alike cells, at ten times
    the cost.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "boundary--plus",  # a point labelled +1, and the hue of the +1 side
        "boundary--minus",  # a point labelled −1, and the hue of the −1 side
    }

    MARGIN = 0.5
    """Room around the points, in data units."""

    SURE = 1.0
    """The score shaded deepest: the hinge loss's margin, and all a tanh can give."""

    class Resized(Message):
        """The size changed, so the mesh to score (:attr:`BoundaryPlot.mesh`) did too."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.dataset: Dataset | None = None
        self.scores: Scores | None = None
        self._limits = (-1.0, 1.0, -1.0, 1.0)
        self._frame: _Frame | None = None

    # -- what to score

    def show_dataset(self, dataset: Dataset | None) -> None:
        """Draw ``dataset``'s points (2 features each) and forget old scores."""
        self.dataset = dataset
        self.scores = None
        if dataset is not None:
            self._limits = plane_limits(dataset.X_train + dataset.X_test, self.MARGIN)
        self.replot()

    def _ticks(self) -> tuple[list[float], list[str], list[float], list[str]]:
        x0, x1, y0, y1 = self._limits
        xt = nice_ticks(x0, x1, max(2, self.size.width // 8))
        yt = nice_ticks(y0, y1, max(2, self.size.height // 4))
        return xt, [_tick_label(t) for t in xt], yt, [_tick_label(t) for t in yt]

    def _label_width(self) -> int:
        """The width of the y labels, left of the frame."""
        _, _, _, ylabels = self._ticks()
        return max((len(label) for label in ylabels), default=0)

    def canvas_size(self) -> tuple[int, int]:
        """Columns and rows of the drawing area inside plotext's frame and ticks."""
        # A frame line on each side; above, the legend (when there is one: plotext
        # leaves out the line of an empty title) and a frame line; below, a frame
        # line and the row of x labels.
        width = self.size.width - 2 - self._label_width()
        return width, self.size.height - 3 - bool(self._legend(width))

    def canvas_region(self) -> Region | None:
        """Where the canvas is in this widget, or None while there is nothing to
        draw on it (with no points, plotext draws no ticks and no canvas is painted)."""
        cols, rows = self.canvas_size()
        if self.dataset is None or cols < 2 or rows < 2:
            return None
        top = 1 + bool(self._legend(cols))  # the legend, then the frame's top line
        return Region(self._label_width() + 1, top, cols, rows)  # after labels and frame

    def legend(self) -> str:
        """What the marks mean, as long as the width allows."""
        return self._legend(self.size.width - 2 - self._label_width())

    def _legend(self, width: int) -> str:
        tested = self.dataset is not None and bool(self.dataset.X_test)
        m = self._marks()
        plus, minus = m.plus, m.minus
        if self._shading().half_blocks:
            legends = (
                f"{plus} class +1   {minus} class −1   shade: the model's score, "
                "deeper where surer",
                f"{plus} class +1   {minus} class −1   shade: the model's score",
                f"{plus} +1   {minus} −1   shade: the score",
                f"{plus} +1  {minus} −1",
            )
        else:
            ramp_plus, ramp_minus = POSITIVE_RAMP.strip(), NEGATIVE_RAMP.strip()
            legends = (
                f"{plus} class +1   {minus} class −1   {ramp_plus} the model says +1, "
                f"{ramp_minus} says −1",
                f"{plus} +1   {minus} −1   {ramp_plus} says +1   {ramp_minus} says −1",
                f"{plus} +1  {minus} −1  {ramp_plus} +1  {ramp_minus} −1",
                f"{plus} +1  {minus} −1",
            )
        for legend in legends:
            if tested:
                legend += f"   {m.test_note}"
            if len(legend) <= width:
                return legend
        return ""

    def _marks(self) -> Marks:
        """The points' characters: letters in ``--ascii``, else circles and squares."""
        return ASCII_MARKS if in_ascii_mode(self) else MARKS

    def _class_colours(self) -> tuple[RichColor, RichColor]:
        """The theme's hues of class +1 and class −1."""
        plus = _color(self._style("boundary--plus").color, (120, 180, 255))
        minus = _color(self._style("boundary--minus").color, (255, 170, 80))
        return plus, minus

    @property
    def mesh(self) -> Mesh | None:
        """The points to score for this size: one per column, two per cell row
        (a terminal cell is about twice as tall as it is wide, and each of its
        halves is shaded on its own)."""
        if self.dataset is None:
            return None
        cols, rows = self.canvas_size()
        if cols < 2 or rows < 2:
            return None
        x0, x1, y0, y1 = self._limits
        # Cell row r is centred on y0 + r*dy: its halves a quarter of dy either side.
        quarter = (y1 - y0) / (rows - 1) / 4
        return Mesh(x0, x1, y0 - quarter, y1 + quarter, cols, 2 * rows)

    def on_resize(self) -> None:
        self.post_message(self.Resized())

    # -- drawing

    def draw(self) -> None:
        """The frame, the ticks and the legend: no data (see :meth:`_render_lines`)."""
        plt = self.plt
        x0, x1, y0, y1 = self._limits
        if self.dataset is not None:
            # plotext leaves out the ticks of axes with nothing on them: a blank in
            # the canvas's corner (painted over like the rest) puts them in.
            plt.text(" ", x0, y0, color="default", background="default")
        xt, xl, yt, yl = self._ticks()
        plt.title(self.legend())
        plt.xlim(x0, x1)
        plt.ylim(y0, y1)
        plt.xticks(xt, xl)
        plt.yticks(yt, yl)

    def _render_lines(self) -> list[Strip]:
        frame = self._framed()
        region = self.canvas_region()
        if region is None:
            return frame.lines
        width = self.size.width
        lines = list(frame.lines)
        # The grid's bottom row is the canvas's last line. A run of cells of one
        # style is one segment, between the frame's segments left and right of it.
        for r, row in enumerate(self._cells(region.width, region.height)):
            y = region.bottom - 1 - r
            left, right = frame.edges[y]
            runs = [
                Segment("".join(cell[0] for cell in run), style)
                for style, run in groupby(row, key=itemgetter(1))
            ]
            lines[y] = Strip([*left, *runs, *right], width)
        return lines

    def _framed(self) -> _Frame:
        """plotext's drawing of the frame, ticks and legend, made anew only when
        one of them may look different."""
        key = (
            self.size,
            self._limits,
            self.dataset is None,
            self.legend(),
            self.rich_style,
            self.theme,
        )
        frame = self._frame
        if frame is None or frame.key != key:
            lines = super()._render_lines()  # plotext, through self.draw()
            edges: dict[int, tuple[list[Segment], list[Segment]]] = {}
            region = self.canvas_region()
            if region is not None:
                cuts = [region.x, region.right, self.size.width]
                for y in range(region.y, region.bottom):
                    left, _, right = lines[y].divide(cuts)
                    edges[y] = (list(left), list(right))
            frame = self._frame = _Frame(key, lines, edges)
        return frame

    def _theme_changed(self) -> None:
        self._frame = None  # (the key would notice too: the widget's colours change)
        super()._theme_changed()

    def _shading(self) -> Shading:
        """How the score is shaded in this terminal, with the theme's two hues."""
        base = self.rich_style
        plus, minus = self._class_colours()
        return shading_for(self.app, base, plus, minus, _color(base.bgcolor, (30, 30, 30)))

    def _cells(self, cols: int, rows: int) -> list[list[_Cell]]:
        """Every canvas cell, bottom row first: the heat map, then the points."""
        x0, x1, y0, y1 = self._limits
        shading = self._shading()
        blank: _Cell = (" ", self.rich_style, None)
        grid = [[blank] * cols for _ in range(rows)]
        scores = self.scores
        if scores is not None and isinstance(scores.tag, Mesh) and scores.values:
            mesh = scores.tag
            # The mesh point nearest to each column and to each half row, found once
            # (scores made for another size still fit, more coarsely).
            col_index = [
                nearest(x0 + (x1 - x0) * c / (cols - 1), mesh.x0, mesh.x1, mesh.cols)
                for c in range(cols)
            ]
            quarter = (y1 - y0) / (rows - 1) / 4
            row_index = [
                nearest(y0 - quarter + 2 * quarter * p, mesh.y0, mesh.y1, mesh.rows)
                for p in range(2 * rows)
            ]
            value_at = grid_lookup(scores.values, mesh.cols, col_index, row_index)
            grid = heat_cells(value_at, cols, rows, shading, self.SURE)
        if self.dataset is not None:
            colours = self._class_colours()
            draw_points(grid, self.dataset, self._limits, shading, colours, self._marks())
        return grid


def _color(color: RichColor | None, fallback: Rgb) -> RichColor:
    return RichColor.from_rgb(*_rgb(color, fallback))


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
