"""Snapshots of the training lab after micrograd's demo run on the moons, and after a
run on the spiral with a test split (hollow marks, a test-loss curve), with the
panel of what each neuron sees open: at 80×24 (the panel in place of the charts)
and 120×40 (beside the boundary's heat map), in colour and with NO_COLOR (the
shading in characters).

The run is seeded, so it ends the same way every time; the one figure that is not
(how long it took) is set before the picture is taken. Update on purpose with
``pytest tests/test_snapshots_lab.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from engine.train import TrainConfig
from lessons.progress import ProgressStore
from lessons.registry import default_curriculum
from tutor.app import TutorApp
from tutor.screens.train import TrainScreen
from tutor.widgets.neuron_panel import NeuronPanel
from tutor.widgets.train_charts import BoundaryPlot


async def until(pilot, condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the lab")
        await pilot.pause(0.05)


async def trained_with_neurons(pilot) -> None:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, TrainScreen) and app.screen.run is not None)
    lab = app.screen
    await pilot.press("n")
    panel = lab.query_one(NeuronPanel)
    boundary = lab.query_one(BoundaryPlot)
    await until(pilot, lambda: lab.run.status == "finished")
    steps = lab.run.config.steps
    await until(pilot, lambda: panel.scores is not None and panel.scores.steps_done == steps)
    if lab.has_class("-wide"):
        await until(
            pilot, lambda: boundary.scores is not None and boundary.scores.steps_done == steps
        )
    await asyncio.sleep(0.5)
    await pilot.pause()
    lab.seconds = 0.5  # the only figure that differs from run to run
    lab._show_status()
    app.clear_notifications()
    await pilot.pause(0.3)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("colour", [True, False], ids=["colour", "no_color"])
def test_the_lab_after_the_demo_run_with_the_neuron_panel(
    snap_compare, tmp_path, monkeypatch, size, colour
):
    if not colour:
        monkeypatch.setenv("NO_COLOR", "1")  # Textual reads it when the app is made
    app = TutorApp(
        ProgressStore(tmp_path / "home"), default_curriculum(), train=(TrainConfig(), True)
    )
    assert app.no_color == (not colour)
    assert snap_compare(app, terminal_size=size, run_before=trained_with_neurons)


SPIRAL = TrainConfig(
    dataset="spiral", samples=200, test_fraction=0.2, hidden=(16, 16, 16), steps=300
)
"""TensorFlow Playground's hardest dataset, with three hidden layers to bend round it."""


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("colour", [True, False], ids=["colour", "no_color"])
def test_the_lab_after_a_spiral_run_with_the_neuron_panel(
    snap_compare, tmp_path, monkeypatch, size, colour
):
    if not colour:
        monkeypatch.setenv("NO_COLOR", "1")
    app = TutorApp(ProgressStore(tmp_path / "home"), default_curriculum(), train=(SPIRAL, True))
    assert snap_compare(app, terminal_size=size, run_before=trained_with_neurons)
