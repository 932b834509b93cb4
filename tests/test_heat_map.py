"""The boundary's heat map and the neurons' maps: cells against a model with known weights.

The model ``score = x + B`` (one linear neuron, weight 1 on x, 0 on y, a small
bias that keeps the scores off the levels' edges) makes every cell's score known
from its column alone, and ``score = y + B`` from its half row: each cell's hue
and level must be those of its own score.
"""

from __future__ import annotations

import math
import random

import pytest
from test_train_charts import STYLESHEET
from textual.app import App, ComposeResult

from engine.data import Dataset
from engine.nn import MLP
from engine.scoring import neuron_outputs, predict
from engine.value import Value
from tutor.train_driver import Mesh, NeuronScores, Scores
from tutor.widgets.heat_map import NEGATIVE_RAMP, POSITIVE_RAMP, level_of
from tutor.widgets.neuron_panel import NeuronPanel
from tutor.widgets.train_charts import BoundaryPlot

# Points from -2 to 2 on x and -1 to 1 on y: the canvas spans -2.5 to 2.5 and -1.5 to 1.5.
CORNERS = Dataset(
    "corners",
    X_train=((-2.0, -1.0), (2.0, 1.0)),
    y_train=(-1.0, 1.0),
)


B = 0.013


def linear_model(wx: float, wy: float, b: float = 0.0) -> MLP:
    model = MLP(2, [1])
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = wx, wy, b
    return model


class PlotApp(App[None]):
    CSS_PATH = STYLESHEET

    def compose(self) -> ComposeResult:
        yield BoundaryPlot()


async def scored_plot(pilot, app: PlotApp, model: MLP) -> BoundaryPlot:
    plot = app.query_one(BoundaryPlot)
    plot.show_dataset(CORNERS)
    await pilot.pause()
    mesh = plot.mesh
    assert mesh is not None
    plot.scores = Scores(mesh, tuple(predict(model, mesh.points())), steps_done=1)
    plot.replot()
    await pilot.pause()
    return plot


def canvas_cells(plot: BoundaryPlot):
    """(column's x, cell row's y, character, style) for every canvas cell but the points'."""
    region = plot.canvas_region()
    assert region is not None
    x0, x1, y0, y1 = plot._limits
    for y in range(region.y, region.bottom):
        row = region.bottom - 1 - y  # from the bottom
        line = plot.render_line(y)
        cells = [(seg.text[i], seg.style) for seg in line for i in range(len(seg.text))]
        for c in range(region.width):
            char, style = cells[region.x + c]
            if char not in "●○■□OoXx":  # the marks of the points
                cx = x0 + (x1 - x0) * c / (region.width - 1)
                cy = y0 + (y1 - y0) * row / (region.height - 1)
                yield cx, cy, char, style


def sign(v: float) -> int:
    return 1 if v > 0 else -1


async def test_each_cell_is_shaded_by_the_sign_and_size_of_its_score():
    app = PlotApp()
    async with app.run_test(size=(70, 20)) as pilot:
        plot = await scored_plot(pilot, app, linear_model(1.0, 0.0, B))
        shading = plot._shading()
        assert shading.mode == "colour"
        levels = set()
        for cx, _, char, style in canvas_cells(plot):
            x = cx + B
            assert char == " "  # both halves alike: the score does not change with y
            expected = shading.colour(sign(x), level_of(x))
            assert style.bgcolor == expected, (x, style)
            levels.add((sign(x), level_of(x)))
        assert levels == {(s, level) for s in (1, -1) for level in range(4)}  # all 8 shades
        # The 8 shades are 8 colours, and the hue of +1 is the colour of the +1 marks.
        assert len({shading.colour(s, level) for s, level in levels}) == 8
        plus = plot.get_component_rich_style("boundary--plus").color
        assert shading.positive.get_truecolor() == plus.get_truecolor()


async def test_a_cell_shows_two_grid_rows_upper_over_lower():
    app = PlotApp()
    async with app.run_test(size=(70, 20)) as pilot:
        plot = await scored_plot(pilot, app, linear_model(0.0, 1.0, B))
        shading = plot._shading()
        quarter = (plot._limits[3] - plot._limits[2]) / (plot.canvas_size()[1] - 1) / 4
        halves = 0
        for _, y, char, style in canvas_cells(plot):
            upper, lower = y + quarter + B, y - quarter + B
            below = shading.colour(sign(lower), level_of(lower))
            above = shading.colour(sign(upper), level_of(upper))
            assert style.bgcolor == below
            if char == "▀":
                halves += 1
                assert style.color == above and above != below
            else:
                assert char == " " and above == below
        assert halves > 0  # where the level changes within a cell


def test_levels_grow_with_the_size_of_the_score():
    assert [level_of(v) for v in (0.0, 0.1, -0.3, 0.6, -0.8, 5.0)] == [0, 0, 1, 2, 3, 3]
    assert level_of(math.inf) == 3 and level_of(math.nan) == 0
    assert level_of(2.0, scale=4.0) == 2


@pytest.mark.parametrize("setting", ["no_color", "ascii"])
async def test_without_colour_the_shading_is_in_characters(setting, monkeypatch):
    if setting == "no_color":
        monkeypatch.setenv("NO_COLOR", "1")
    app = PlotApp()
    app.ascii_only = setting == "ascii"  # (the tutor's app has it; a bare one does not)
    async with app.run_test(size=(70, 20)) as pilot:
        plot = await scored_plot(pilot, app, linear_model(1.0, 0.0, B))
        shading = plot._shading()
        assert shading.mode == "characters" and not shading.half_blocks
        seen = set()
        for cx, _, char, style in canvas_cells(plot):
            x = cx + B
            ramp = POSITIVE_RAMP if x > 0 else NEGATIVE_RAMP
            assert char == ramp[level_of(x)], x
            seen.add(char)
            if setting == "no_color":
                assert style.bgcolor == plot.rich_style.bgcolor  # nothing to lose to grey
        assert seen == set(POSITIVE_RAMP + NEGATIVE_RAMP)
        assert ".:+ the model says +1, -~= says −1" in plot.legend()


async def test_in_16_colours_the_levels_are_the_terminals_own(monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM", raising=False)
    app = PlotApp()
    async with app.run_test(size=(70, 20)) as pilot:
        assert app.console.color_system == "standard"
        plot = await scored_plot(pilot, app, linear_model(1.0, 0.0, B))
        shading = plot._shading()
        assert shading.mode == "ansi"
        names = {
            style.bgcolor.name if style.bgcolor != plot.rich_style.bgcolor else "none"
            for x, _, _, style in canvas_cells(plot)
        }
        assert names == {"none", "blue", "bright_blue", "yellow", "bright_yellow"}
        # A point's mark shows on any of them: black on the bright ones, white on the rest.
        assert shading.mark_colour(shading.positive, shading.colour(1, 3)).name == "black"
        assert shading.mark_colour(shading.positive, None).name == "bright_white"


# -- what each neuron sees --------------------------------------------------------------


def test_neuron_outputs_are_each_neurons_own_value():
    model = MLP(2, [4, 3, 1], activation="tanh", rng=random.Random(5))
    points = [(random.Random(i).uniform(-2, 2), i / 40 - 1) for i in range(80)]
    maps = neuron_outputs(model, points)
    assert [len(layer) for layer in maps.outputs] == [4, 3]
    for k, (x, y) in enumerate(points):
        hidden = [n([Value(x), Value(y)]) for n in model.layers[0].neurons]
        second = [n(hidden) for n in model.layers[1].neurons]
        for layer, values in enumerate((hidden, second)):
            for n, value in enumerate(values):
                assert maps.outputs[layer][n][k] == pytest.approx(value.data, abs=1e-12)
    neuron = model.layers[1].neurons[2]
    assert maps.weights[1][2] == tuple(w.data for w in neuron.w)
    assert maps.biases[1][2] == neuron.b.data


def test_neuron_outputs_refuses_points_of_the_wrong_size():
    with pytest.raises(ValueError, match="takes 2 inputs, not 3"):
        neuron_outputs(MLP(2, [2, 1]), [(1.0, 2.0, 3.0)])


class PanelApp(App[None]):
    CSS_PATH = STYLESHEET

    def compose(self) -> ComposeResult:
        yield NeuronPanel()


def panel_text(panel: NeuronPanel) -> list[str]:
    return [panel.render_line(y).text for y in range(panel.size.height)]


async def shown_panel(pilot, app: PanelApp, model: MLP) -> NeuronPanel:
    panel = app.query_one(NeuronPanel)
    panel.show_dataset(CORNERS)
    await pilot.pause()
    mesh = panel.mesh
    assert isinstance(mesh, Mesh)
    panel.scores = NeuronScores(mesh, neuron_outputs(model, mesh.points()), steps_done=3)
    panel.replot()
    await pilot.pause()
    return panel


async def test_the_panel_has_a_map_per_hidden_neuron_and_enlarges_the_selected_one():
    model = MLP(2, [3, 2, 1], activation="tanh", rng=random.Random(2))
    first = model.layers[0].neurons[0]
    first.w[0].data, first.w[1].data, first.b.data = 1.0, 0.0, 0.0  # tanh(x): -1 left, +1 right
    app = PanelApp()
    async with app.run_test(size=(60, 24)) as pilot:
        panel = await shown_panel(pilot, app, model)
        text = panel_text(panel)
        assert text[0].startswith("layer 1, neuron 1 of 3")
        assert "bias +0.00" in text[1] and "w1 (x) +1.00" in text[2] and "w2 (y) +0.00" in text[3]
        assert any("layer 1: 3 neurons" in line for line in text)
        assert any("layer 2: 2 neurons" in line for line in text)
        big_cols, big_rows = panel._big_size()
        # One bracketed map (the selected one) among the small maps: 3 + 2 of them.
        assert sum(line.count("[") for line in text[big_rows + 1 :]) == 2  # its two rows
        shading = panel._shading()
        # The large map of tanh(x): its left edge the −1 hue, its right edge the +1 hue, deep.
        row = panel.render_line(1)
        cells = [seg.style for seg in row for _ in seg.text]
        assert cells[0].bgcolor == shading.colour(-1, 3)
        assert cells[big_cols - 1].bgcolor == shading.colour(1, 3)
        # ] moves on: the next neuron is drawn large, with its own weights.
        assert panel.pick(1) == (0, 1)
        await pilot.pause()
        second = model.layers[0].neurons[1]
        text = panel_text(panel)
        assert text[0].startswith("layer 1, neuron 2 of 3")
        assert f"w1 (x) {second.w[0].data:+.2f}" in text[2]
        # A neuron of layer 2 lists the weights from layer 1's neurons.
        assert panel.pick(3) == (1, 1)
        await pilot.pause()
        text = panel_text(panel)
        deep = model.layers[1].neurons[1]
        assert text[0].startswith("layer 2, neuron 2 of 2")
        assert "weights from layer 1:" in text[2]
        assert " ".join(f"{w.data:+.2f}" for w in deep.w) in text[3]
        assert panel.pick(1) == (0, 0)  # round again


async def test_a_small_panel_pages_to_the_selected_neuron_or_shows_it_alone():
    model = MLP(2, [16, 16, 1], activation="relu", rng=random.Random(3))
    app = PanelApp()
    async with app.run_test(size=(40, 16)) as pilot:
        panel = await shown_panel(pilot, app, model)
        assert any("layer 1: 16 neurons" in line for line in panel_text(panel))
        panel.selected = 31  # the last neuron of layer 2
        panel.replot()
        await pilot.pause()
        text = panel_text(panel)
        assert text[0].startswith("layer 2, neuron 16 of 16")
        assert not any("layer 1: 16 neurons" in line for line in text)  # paged on
        assert any("layer 2: 16 neurons" in line for line in text)
        assert sum(line.count("[") for line in text[panel._big_size()[1] + 1 :]) == 2
        await pilot.resize_terminal(40, 8)
        await pilot.pause()
        text = panel_text(panel)
        assert text[0].startswith("layer 2, neuron 16 of 16")
        assert not any("neurons" in line for line in text[1:])  # the selected one alone
