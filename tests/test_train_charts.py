"""The decision boundary: plotext's frame, ticks and legend, with the canvas painted over them.

Each check asks plotext itself where it puts its canvas (by drawing marks at its
corners, or at the points) and compares that with what the chart shows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Region

from engine.data import Dataset, make_moons
from tutor.train_driver import Scores
from tutor.widgets.train_charts import BoundaryPlot, nice_ticks

STYLESHEET = Path(__file__).resolve().parent.parent / "tutor" / "tutor.tcss"
MARKS = set("●■○□")
CANVAS_CELLS = MARKS | set(" ▀")

# Few points, far apart: each has a cell of its own at any size below.
FOUR_POINTS = Dataset(
    "four points",
    X_train=((0.0, 0.0), (2.0, 1.0)),
    y_train=(1.0, -1.0),
    X_test=((2.0, 0.0), (0.0, 1.0)),
    y_test=(1.0, -1.0),
)


class MarkedPlot(BoundaryPlot):
    """A boundary that can also ask plotext to draw marks at points of its choice."""

    marks: list[tuple[str, float, float]] = []  # noqa: RUF012 (set per instance)

    def draw(self) -> None:
        super().draw()
        for mark, x, y in self.marks:
            self.plt.text(mark, x, y, alignment="left", color="default", background="default")

    def plotext_drawing(self, marks: list[tuple[str, float, float]]) -> list[str]:
        """What plotext alone draws at this size, with ``marks`` in its canvas."""
        self.marks = marks
        try:
            return self.render().plain.splitlines()  # type: ignore[union-attr]
        finally:
            self.marks = []


class BoundaryApp(App[None]):
    CSS_PATH = STYLESHEET

    def compose(self) -> ComposeResult:
        yield MarkedPlot()


def shown(plot: BoundaryPlot) -> list[str]:
    return [plot.render_line(y).text for y in range(plot.size.height)]


def score_all(plot: BoundaryPlot, value: float) -> None:
    """Give every mesh point the same score."""
    mesh = plot.mesh
    assert mesh is not None
    plot.scores = Scores(mesh, (value,) * (mesh.cols * mesh.rows), steps_done=1)
    plot.replot()


def canvas_by_plotext(plot: MarkedPlot) -> Region:
    """Where plotext puts its canvas: found from marks at the limits' corners
    (letters: nothing else plotext draws here is in capitals)."""
    x0, x1, y0, y1 = plot._limits
    corners = [("A", x0, y1), ("B", x1, y1), ("C", x0, y0), ("D", x1, y0)]
    drawing = plot.plotext_drawing(corners)
    found = {
        char: (x, y)
        for y, line in enumerate(drawing)
        for x, char in enumerate(line)
        if char in "ABCD"
    }
    assert set(found) == set("ABCD"), drawing
    (left, top), (right, bottom) = found["A"], found["D"]
    assert found["B"] == (right, top) and found["C"] == (left, bottom)
    return Region(left, top, right - left + 1, bottom - top + 1)


def assert_frame_is_plotexts(plot: MarkedPlot) -> list[str]:
    """The chart shows plotext's frame, ticks and legend untouched, and its own
    cells exactly in plotext's canvas; returns the lines shown."""
    region = plot.canvas_region()
    assert region is not None
    assert region == canvas_by_plotext(plot)
    assert (region.width, region.height) == plot.canvas_size()
    frame = plot.plotext_drawing([])
    lines = shown(plot)
    width, height = plot.size
    assert len(lines) == height and all(len(line) == width for line in lines)
    for y, (line, plotexts) in enumerate(zip(lines, frame, strict=True)):
        for x, (char, expected) in enumerate(zip(line, plotexts.ljust(width), strict=True)):
            if (x, y) in region:
                assert char in CANVAS_CELLS, (x, y, line)
            else:
                assert char == expected, f"({x}, {y}): {line!r} is not plotext's {plotexts!r}"
    # The frame hugs the canvas, and the ticks are on it.
    assert lines[region.y - 1][region.x - 1] == "┌"
    assert lines[region.bottom][region.right] == "┘"
    assert "┤" in {line[region.x - 1] for line in lines}
    assert "┬" in lines[region.bottom]
    return lines


def canvas_backgrounds(plot: BoundaryPlot) -> set[object]:
    """The background colours of the canvas's cells, marks left out."""
    region = plot.canvas_region()
    assert region is not None
    found = set()
    for y in range(region.y, region.bottom):
        _, inside, _ = plot.render_line(y).divide([region.x, region.right, plot.size.width])
        found |= {seg.style.bgcolor for seg in inside if seg.text.strip("●■○□")}
    return found


def canvas_text(plot: BoundaryPlot) -> list[str]:
    region = plot.canvas_region()
    assert region is not None
    return [line[region.x : region.right] for line in shown(plot)[region.y : region.bottom]]


@pytest.mark.parametrize(
    ("size", "dataset"),
    [
        ((80, 19), make_moons(100)),
        ((118, 25), make_moons(100, test_fraction=0.2)),
        ((41, 13), FOUR_POINTS),
        ((26, 10), make_moons(30, test_fraction=0.3)),  # no room for a legend
    ],
)
async def test_the_canvas_is_painted_exactly_where_plotext_puts_its_own(size, dataset):
    app = BoundaryApp()
    async with app.run_test(size=size) as pilot:
        plot = app.query_one(MarkedPlot)
        plot.show_dataset(dataset)
        await pilot.pause()
        assert_frame_is_plotexts(plot)  # points only, on blank regions
        score_all(plot, 1.0)
        await pilot.pause()
        lines = assert_frame_is_plotexts(plot)
        canvas = canvas_text(plot)
        assert all(set(row) <= MARKS | {" "} for row in canvas)  # halves alike: blanks
        shading = plot._shading()
        assert canvas_backgrounds(plot) == {shading.colour(1, 3)}  # +1, sure, wall to wall
        score_all(plot, -1.0)
        await pilot.pause()
        assert_frame_is_plotexts(plot)
        assert canvas_backgrounds(plot) == {shading.colour(-1, 3)}
        if size[0] < 40:
            assert plot.legend() == "" and "●" not in lines[0]
        else:
            assert plot.legend() in lines[0]


async def test_every_point_is_marked_where_plotext_would_put_it():
    app = BoundaryApp()
    async with app.run_test(size=(41, 13)) as pilot:
        plot = app.query_one(MarkedPlot)
        plot.show_dataset(FOUR_POINTS)
        await pilot.pause()
        score_all(plot, 1.0)
        await pilot.pause()
        data = FOUR_POINTS
        points = [
            (
                {(True, True): "●", (True, False): "○", (False, True): "■", (False, False): "□"}[
                    label > 0, train
                ],
                x,
                y,
                train,
            )
            for points, labels, train in (
                (data.X_train, data.y_train, True),
                (data.X_test, data.y_test, False),
            )
            for (x, y), label in zip(points, labels, strict=True)
        ]
        names = "EFGH"
        drawing = plot.plotext_drawing([(names[i], x, y) for i, (_, x, y, _) in enumerate(points)])
        plus = plot.get_component_rich_style("boundary--plus").color
        minus = plot.get_component_rich_style("boundary--minus").color
        positive = plot._shading().colour(1, 3)
        for i, (mark, _, _, train) in enumerate(points):
            [(x, y)] = [
                (x, y)
                for y, line in enumerate(drawing)
                for x, char in enumerate(line)
                if char == names[i]
            ]
            cells = plot.render_line(y).divide([x, x + 1])
            cell = cells[1]
            assert cell.text == mark, f"point {i} at ({x}, {y}): {shown(plot)}"
            [segment] = list(cell)
            style = segment.style
            assert isinstance(style, Style)
            assert style.color is not None and style.bgcolor is not None
            assert style.color.get_truecolor() == (plus if mark in "●○" else minus).get_truecolor()
            assert style.bgcolor.get_truecolor() == positive.get_truecolor()  # the region's
            assert bool(style.bold) == train  # filled and bold: trained on; hollow: test
        text = "".join(canvas_text(plot))
        assert [text.count(mark) for mark in "●○■□"] == [1, 1, 1, 1]


async def test_every_cell_has_a_style():
    """Textual's filters (NO_COLOR, ASCII) rely on every segment having a style."""
    app = BoundaryApp()
    async with app.run_test(size=(60, 16)) as pilot:
        plot = app.query_one(MarkedPlot)
        plot.show_dataset(make_moons(40, test_fraction=0.25))
        await pilot.pause()
        score_all(plot, 1.0)
        await pilot.pause()
        for y in range(plot.size.height):
            assert all(segment.style is not None for segment in plot.render_line(y))


async def test_the_frame_follows_a_resize_and_a_new_dataset():
    app = BoundaryApp()
    async with app.run_test(size=(60, 16)) as pilot:
        plot = app.query_one(MarkedPlot)
        plot.show_dataset(make_moons(100))
        await pilot.pause()
        score_all(plot, 1.0)
        await pilot.pause()
        before = assert_frame_is_plotexts(plot)
        assert "hollow: test" not in before[0]

        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert plot.size == (100, 30)
        score_all(plot, 1.0)  # (the screen asks for scores of the new mesh)
        await pilot.pause()
        resized = assert_frame_is_plotexts(plot)
        assert len(resized[0]) == 100 and resized[0].strip().startswith(before[0].strip())

        # Ten times the spread: other ticks, the same legend.
        moons = make_moons(100)
        wide_points = tuple((10 * x, 10 * y) for x, y in moons.X_train)
        plot.show_dataset(Dataset("wide moons", wide_points, moons.y_train))
        await pilot.pause()
        lines = assert_frame_is_plotexts(plot)
        assert lines[0].strip() == resized[0].strip()  # (centred on a narrower canvas)
        assert "10" in lines[-1]  # an x tick label for the new spread
        assert canvas_backgrounds(plot) == {plot.rich_style.bgcolor}  # old scores gone

        # The same points, some of them for testing: the same ticks, another legend.
        split = Dataset(
            "wide moons, split",
            wide_points[:80],
            moons.y_train[:80],
            wide_points[80:],
            moons.y_train[80:],
        )
        plot.show_dataset(split)
        await pilot.pause()
        split_lines = assert_frame_is_plotexts(plot)
        assert "hollow: test" in split_lines[0]
        assert split_lines[-1] == lines[-1]

        await pilot.resize_terminal(50, 14)
        await pilot.pause()
        assert plot.size == (50, 14)
        assert_frame_is_plotexts(plot)


async def test_a_new_theme_redraws_the_frame_in_its_colours():
    app = BoundaryApp()
    async with app.run_test(size=(60, 16)) as pilot:
        plot = app.query_one(MarkedPlot)
        plot.show_dataset(make_moons(100))
        await pilot.pause()
        app.theme = "textual-dark"
        await pilot.pause()
        dark = plot.rich_style.bgcolor
        assert {segment.style.bgcolor for segment in plot.render_line(0)} == {dark}
        app.theme = "textual-light"
        await pilot.pause()
        light = plot.rich_style.bgcolor
        assert light != dark
        for y in (0, 1, plot.size.height - 1):  # the legend, the frame, the x labels
            assert {segment.style.bgcolor for segment in plot.render_line(y)} == {light}


def test_nice_ticks_are_round_numbers_inside_the_range():
    assert nice_ticks(-1.6, 2.7, 6) == [-1.0, 0.0, 1.0, 2.0]
    assert nice_ticks(0, 100, 6) == [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    assert nice_ticks(0, 105, 6) == [0.0, 50.0, 100.0]  # never more than asked for
    assert all(-0.3 <= t <= 0.7 for t in nice_ticks(-0.3, 0.7))
