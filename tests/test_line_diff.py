"""The lab repaints only the cells of a chart that changed: what is on screen must
be what a full repaint would show, and far fewer cells go down the wire."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from rich.style import Style
from test_train_screen import LabApp, ready, settle
from textual.geometry import Region
from textual.strip import Strip

from engine.train import TrainConfig
from tutor.screens.train import TrainScreen
from tutor.widgets import line_diff
from tutor.widgets.line_diff import changed_regions
from tutor.widgets.neuron_panel import NeuronPanel

# The lab trains while keys are pressed: see conftest.quick_keys.
pytestmark = pytest.mark.usefixtures("quick_keys")

RED, BLUE = Style(color="red"), Style(color="blue")


def line(*runs: tuple[str, Style]) -> Strip:
    return Strip([Segment(text, style) for text, style in runs])


def test_only_the_span_from_the_first_to_the_last_changed_cell_is_repainted():
    old = [line(("abcdef", RED)), line(("ghijkl", RED)), line(("mnopqr", RED))]
    new = [
        line(("abcdef", RED)),  # the same
        line(("gh", RED), ("ij", BLUE), ("kl", RED)),  # two cells take another colour
        line(("mXopqY", RED)),  # two characters change, four cells apart
    ]
    assert changed_regions(old, new) == [Region(2, 1, 2, 1), Region(1, 2, 5, 1)]
    assert changed_regions(old, old) == []


def test_the_same_cells_cut_into_other_segments_are_no_change():
    assert changed_regions([line(("abc", RED))], [line(("a", RED), ("bc", RED))]) == []


def test_lines_that_cannot_be_compared_cell_by_cell_repaint_everything():
    three, two = [line(("abc", RED))] * 3, [line(("abc", RED))] * 2
    assert changed_regions(three, two) is None  # another number of lines
    assert changed_regions([line(("abc", RED))], [line(("abcd", RED))]) is None  # width
    assert changed_regions([line(("ab", RED))], [line(("日", RED))]) is None  # a wide character


def repainted(old: list[Strip], new: list[Strip], regions: list[Region]) -> list[list]:
    """What the terminal shows after ``regions`` of ``new`` are painted over ``old``."""
    screen = [line_diff._cells(strip) for strip in old]
    for region in regions:
        x, y, width, _ = region
        screen[y][x : x + width] = line_diff._cells(new[y])[x : x + width]
    return screen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_lab_repaints_every_changed_cell_and_few_others(monkeypatch, size):
    drawings: list[tuple[list[Strip], list[Strip], list[Region] | None]] = []

    def spy(old, new):
        regions = changed_regions(old, new)  # the real one, imported above
        drawings.append((old, new, regions))
        return regions

    # Every chart and the neuron panel repaint through it.
    monkeypatch.setattr(line_diff, "changed_regions", spy)
    lab = TrainScreen(TrainConfig(samples=60, steps=100_000, hidden=(4, 3)), play=True)
    app = LabApp(lab)
    async with app.run_test(size=size) as pilot:
        await ready(pilot, lab)
        await pilot.press("3")  # the boundary's tab at 80×24
        await pilot.pause(2.0)  # training, the charts drawn several times a second
        await pilot.press("n")
        panel = lab.query_one(NeuronPanel)
        await settle(pilot, lambda: panel.scores is not None)
        await pilot.pause(2.5)  # the panel's drawings come once a second
    partial = [(old, new, regions) for old, new, regions in drawings if regions]
    assert len(partial) >= 5, "the drawings were not repainted in part"
    for old, new, regions in partial:
        assert repainted(old, new, regions) == [line_diff._cells(strip) for strip in new]
    # Most repaints cover a fraction of the widget: frames, ticks, settled cells stay.
    share = sorted(
        sum(r.area for r in regions) / sum(strip.cell_length for strip in new)
        for _, new, regions in partial
    )
    assert share[len(share) // 2] < 0.5
