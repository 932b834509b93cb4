"""Lesson 13, "Why frameworks are fast": its measurements say what the engine really
does, its check names each mistake, and a measure step runs on a key and shows numbers."""

from __future__ import annotations

import random
import re
import threading

import pytest
from apps import make_app
from fit import cut_off
from waits import settle

from engine.nn import Neuron
from engine.tape import Tape
from engine.train import TrainConfig, TrainingRun
from engine.value import Value
from lessons import Measure, Measured, get_lesson, speed
from lessons.model import STEP_KINDS
from tutor.widgets.step_panels import MeasurePanel

LESSON = get_lesson("why-frameworks-are-fast")
MEASURES = [step for step in LESSON.steps if isinstance(step, Measure)]
NEURON = next(step for step in LESSON.steps if step.title == "One neuron on the tape")


def test_the_lesson_is_the_thirteenth_and_measures_each_thing_it_claims():
    assert LESSON.number == 13 and "measure" in STEP_KINDS
    assert [step.target for step in MEASURES] == [
        "lessons.speed:values_step",
        "lessons.speed:graph_shapes",
        "lessons.speed:tape_print",
        "lessons.speed:replay_step",
    ]
    last = LESSON.steps[-1].text
    assert "PyTorch" in last and "torch.compile" in last and "JAX" in last


@pytest.mark.parametrize("step", MEASURES, ids=lambda step: step.target)
def test_every_measurement_gives_short_lines_of_numbers(step):
    found = step.run()
    assert isinstance(found, Measured) and found.figures
    lines = found.text.splitlines()
    assert lines and max(map(len, lines)) <= 28, found.text
    assert re.search(r"\d", found.text)


def test_a_measure_step_that_returns_something_else_is_refused_clearly():
    step = Measure(title="t", text="t", target="lessons.speed:neuron_ops", action="x")
    with pytest.raises(TypeError, match="returned tuple, not Measured"):
        step.run()
    with pytest.raises(ValueError, match=r"lessons\.speed:values_step"):
        Measure(title="t", text="t", target="lessons.speed", action="x").run()


# -- what the measurements say is what the engine does ------------------------------------


def test_the_step_graph_is_the_graph_a_values_step_trains_on():
    """The lesson builds the graph itself; its loss is the run's own, to the bit."""
    run = TrainingRun(TrainConfig(replay=False))
    loss = speed.step_graph(run).data
    assert run.step().loss == loss


def test_two_steps_have_one_shape_and_different_numbers():
    found = speed.graph_shapes().figures
    assert found["same_shape"] == 1.0
    assert found["loss_1"] != found["loss_2"] and found["moved"] > 300


def test_the_printed_tape_is_the_tape_a_replayed_step_records():
    run = TrainingRun(TrainConfig())
    run.step()
    tape = run.tape
    found = speed.tape_print()
    assert found.figures["nodes"] == tape.nodes
    assert found.figures["op dot"] == sum(1 for i in range(tape.nodes) if tape.op_name(i) == "dot")
    lines = found.text.splitlines()
    assert tape.line(0) in lines and tape.line(tape.nodes - 1) in lines
    assert "n0 = dot(p0, p1, x0, x1, p2)" in lines and "n1 = ReLU(n0)" in lines
    # A long line is cut to the panel, and says it was.
    assert any(line.endswith(", …)") and "sum(" in line for line in lines)


def test_the_replay_gives_equal_numbers_and_says_how_much_faster():
    found = speed.replay_step()
    figures = found.figures
    assert figures["equal"] == 1.0 and figures["weights_equal"] == 1.0
    assert "Every report equal: yes." in found.text
    assert f"replay is {figures['ratio']:.0f}× faster" in found.text
    values_line = next(line for line in found.text.splitlines() if "Values 0." in line)
    tape_line = found.text.splitlines()[found.text.splitlines().index(values_line) + 1]
    assert values_line.split()[-1] == tape_line.split()[-1]


def test_a_neuron_is_a_dot_and_its_activation_on_the_tape_on_or_off():
    for activation in ("relu", "tanh"):
        for point in ([1.0, 2.0], [-5.0, -5.0]):
            neuron = Neuron(2, activation, random.Random(3))
            for w in neuron.w:
                w.data = 1.0
            x = [Value(v) for v in point]
            tape = Tape.record(neuron(x), neuron.parameters(), x)
            expected = ["dot", "ReLU" if activation == "relu" else "tanh"]
            assert [tape.op_name(i) for i in range(tape.nodes)] == expected
    assert speed.neuron_ops(on=True) == speed.neuron_ops(on=False) == ("dot", "ReLU")


# -- the check names the mistake -----------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ("1", "micrograd's neuron"),
        ("*, *, +, + and ReLU", "one dot node"),
        ("3", "records the op, not the branch"),
        ("one node: the whole neuron", "two nodes here"),
    ],
)
def test_each_wrong_prediction_is_told_its_mistake(answer, said):
    feedback = NEURON.exercise.check(answer)
    assert not feedback.ok and said in feedback.message


def test_the_right_prediction_is_the_one_the_tape_bears_out():
    assert NEURON.exercise.check("dot and ReLU").ok
    assert NEURON.exercise.check(2).ok


# -- in the tutor ---------------------------------------------------------------------------


async def _measured(pilot, panel: MeasurePanel, count: int) -> None:
    for _ in range(600):
        if panel.measured >= count:
            return
        await pilot.pause(0.05)
    raise AssertionError("the measurement never ended")


async def test_r_runs_the_measurement_and_the_panel_shows_its_numbers(home):
    app = make_app(home, lesson="13")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await screen.show_step(len(MEASURES) + 0)  # "Replay it": the fifth step
        await settle(pilot)
        assert screen.step.title == "Replay it"
        panel = screen.query_one(MeasurePanel)
        result = screen.query_one("#measure-result")
        assert "Nothing measured yet" in str(result.render())
        await pilot.press("r")
        await _measured(pilot, panel, 1)
        shown = str(result.render())
        assert "Every report equal: yes." in shown
        assert re.search(r"Values +\d+(\.\d)? ms", shown)
        assert re.search(r"replay is \d+× faster", shown)
        assert panel.measured == 1 and not panel.measuring


async def test_r_while_measuring_waits_for_the_measurement_under_way(home, monkeypatch):
    release = threading.Event()
    calls = []

    def slow() -> Measured:
        calls.append(1)
        release.wait(10)
        return Measured("median 1.0 ms", {"median": 0.001})

    monkeypatch.setattr(speed, "values_step", slow)
    app = make_app(home, lesson="13")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(MeasurePanel)
        result = app.screen.query_one("#measure-result")
        await pilot.press("r")
        await pilot.pause()
        assert panel.measuring and "Measuring" in str(result.render())
        await pilot.press("r")
        await pilot.pause()
        assert len(calls) == 1
        release.set()
        await _measured(pilot, panel, 1)
        assert str(result.render()) == "median 1.0 ms" and not panel.measuring
        await pilot.press("r")  # and once it is over, r measures again
        await _measured(pilot, panel, 2)
        assert len(calls) == 2


async def test_r_does_nothing_on_a_step_that_measures_nothing(home):
    app = make_app(home, lesson="13")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.check_action("measure", ()) is True
        await screen.show_step(3)  # the prediction
        await settle(pilot)
        assert screen.check_action("measure", ()) is False


async def test_a_measurement_that_fails_says_so_in_the_panel(home, monkeypatch):
    def broken() -> Measured:
        raise RuntimeError("no clock here")

    monkeypatch.setattr(speed, "values_step", broken)
    app = make_app(home, lesson="13")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(MeasurePanel)
        await pilot.press("r")
        await _measured(pilot, panel, 1)
        shown = str(app.screen.query_one("#measure-result").render())
        assert "The measurement failed: no clock here" in shown


async def test_every_measurement_fits_at_60x20_once_shown(home):
    app = make_app(home, lesson="13")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        screen = app.screen
        for index, step in enumerate(LESSON.steps):
            if step.kind != "measure":
                continue
            await screen.show_step(index)
            await settle(pilot)
            panel = screen.query_one(MeasurePanel)
            await pilot.press("r")
            await _measured(pilot, panel, 1)
            await settle(pilot)
            assert cut_off(screen) == [], step.title
