"""The lab's neuron panel (n, [ ]) and its first weights (r repeats them, w draws new ones)."""

from __future__ import annotations

import pytest
from test_train_screen import LabApp, ready, settle, status_line

from engine.scoring import neuron_outputs
from engine.train import TrainConfig
from tutor.screens.help import HelpScreen
from tutor.screens.train import TrainScreen
from tutor.widgets.neuron_panel import NeuronPanel

# The lab trains while keys are pressed: see conftest.quick_keys.
pytestmark = pytest.mark.usefixtures("quick_keys")

SIZE = (80, 24)
WIDE = (120, 40)
SMALL = TrainConfig(samples=40, steps=20, hidden=(4, 3))


def panel_text(panel: NeuronPanel) -> list[str]:
    return [panel.render_line(y).text for y in range(panel.size.height)]


async def finished_losses(pilot, lab: TrainScreen) -> list[float]:
    await settle(pilot, lambda: lab.run is not None and lab.run.status == "finished")
    return [report.loss for report in lab.run.history]


async def test_n_opens_a_live_map_per_hidden_neuron_and_closes_again():
    lab = TrainScreen(SMALL)
    app = LabApp(lab)
    async with app.run_test(size=WIDE) as pilot:
        run = await ready(pilot, lab)
        panel = lab.query_one(NeuronPanel)
        assert not panel.display
        await pilot.press("n")
        assert panel.display and lab.has_class("-neurons")
        await settle(pilot, lambda: panel.scores is not None)
        assert panel.scores.steps_done == 0
        assert [len(layer) for layer in panel.scores.maps.outputs] == [4, 3]
        await pilot.press("space")
        await settle(pilot, lambda: run.status == "finished")
        await settle(pilot, lambda: panel.scores.steps_done == 20)  # kept up with training
        mesh = panel.scores.mesh
        assert panel.scores.maps == neuron_outputs(run.model, mesh.points())
        await pilot.pause(0.3)
        text = panel_text(panel)
        assert text[0].startswith("layer 1, neuron 1 of 4")
        assert any("layer 1: 4 neurons" in line for line in text)
        assert any("layer 2: 3 neurons" in line for line in text)
        await pilot.press("right_square_bracket")
        await pilot.pause(0.2)
        text = panel_text(panel)
        assert text[0].startswith("layer 1, neuron 2 of 4")
        weight = run.model.layers[0].neurons[1].w[0].data
        assert f"w1 (x) {weight:+.2f}" in text[2]
        await pilot.press("n")
        assert not panel.display
        await settle(pilot, lambda: lab.driver._neuron_mesh is None)  # no more computing


async def test_at_80_by_24_the_panel_takes_the_place_of_the_charts():
    lab = TrainScreen(SMALL, play=True)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, lab)
        await pilot.press("3", "n")
        await pilot.pause(0.2)
        panel = lab.query_one(NeuronPanel)
        assert panel.display and not lab.query_one("#chart-boundary").display
        assert not lab._shows("boundary")  # and its mesh is not scored meanwhile
        await settle(pilot, lambda: panel.scores is not None)
        await pilot.press("n")
        await pilot.pause(0.2)
        assert lab.query_one("#chart-boundary").display


async def test_r_repeats_the_run_and_w_draws_new_first_weights():
    lab = TrainScreen(SMALL, play=True)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, lab)
        first = await finished_losses(pilot, lab)
        assert lab.sub_title == "first weights: seed 1337"
        run = lab.run
        await pilot.press("r")
        await settle(pilot, lambda: lab.run is not None and lab.run is not run)
        await pilot.press("space")
        assert await finished_losses(pilot, lab) == first  # the same run, step for step
        data = lab.run.dataset

        await pilot.press("w")
        await settle(pilot, lambda: lab.run is not None and lab.weight_seed is not None)
        seed = lab.weight_seed
        assert lab.sub_title == f"first weights: seed {seed}"
        assert any(f"seed {seed}" in message for message, _ in app.notes)
        await pilot.press("space")
        drawn = await finished_losses(pilot, lab)
        assert drawn != first
        assert lab.run.dataset == data  # the same points: only the weights are new
        run = lab.run
        await pilot.press("r")  # r keeps the drawn weights
        await settle(pilot, lambda: lab.run is not None and lab.run is not run)
        await pilot.press("space")
        assert await finished_losses(pilot, lab) == drawn
        assert lab.weight_seed == seed

        await pilot.press("w")
        await settle(pilot, lambda: lab.weight_seed != seed)
        assert lab.sub_title == f"first weights: seed {lab.weight_seed}"
        await pilot.press("full_stop")  # one step still works
        await settle(pilot, lambda: "step 1/20" in status_line(lab))


async def test_the_labs_help_tells_of_the_new_keys():
    lab = TrainScreen(SMALL)
    app = LabApp(lab)
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot, lab)
        rows = dict(HelpScreen(opened_from=TrainScreen)._groups())["Training lab"]
        keys = {key for key, _ in rows}
        assert {"n", "w", "[ ]", "r", "."} <= keys
        said = dict(rows)
        assert "same first weights" in said["r"] and "seed" in said["w"]
