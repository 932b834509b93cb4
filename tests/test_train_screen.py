"""The training lab: its settings, its training thread, and the screen driven by keys at 80×24."""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import threading
import time
from pathlib import Path

import pytest
from textual import events, on
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, Static

from engine.data import lecture_examples
from engine.train import TrainConfig, TrainingRun, predict
from engine.value import Value
from lessons.model import Goal
from tutor.screens.train import Charts, SamplePicker, TrainScreen
from tutor.train_driver import Mesh, TrainDriver, forward_graph, label_parameters
from tutor.train_settings import (
    FIELDS,
    add_arguments,
    config_from_arguments,
    field_problems,
    format_value,
    parse_value,
)
from tutor.widgets.header import TutorHeader
from tutor.widgets.train_charts import (
    AccuracyPlot,
    BoundaryPlot,
    LossPlot,
    SampleScores,
    nice_ticks,
)
from tutor.widgets.train_form import TrainForm

STYLESHEET = Path(__file__).resolve().parent.parent / "tutor" / "tutor.tcss"
SIZE = (80, 24)
SMALL = TrainConfig(samples=40, steps=20)  # quick to train, still moons
TINY = TrainConfig(samples=20, hidden=(4,), steps=100_000)  # steps in no time, for ever
QUICK = TINY.replace(steps=15)  # ... and done in no time


# -- settings as text ------------------------------------------------------------------


def test_every_config_field_has_a_setting():
    assert {f.name for f in FIELDS} == set(TrainConfig.__dataclass_fields__)


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("samples", "200", 200),
        ("noise", "0.25", 0.25),
        ("test_fraction", "20%", 0.2),
        ("test_fraction", "0.3", 0.3),
        ("hidden", "16,16", (16, 16)),
        ("hidden", "[8, 4 2]", (8, 4, 2)),
        ("hidden", "", ()),
        ("activation", "TANH", "tanh"),
        ("loss", "squared error", "mse"),
        ("loss", "mse", "mse"),
        ("learning_rate", "1e6", 1e6),
        ("schedule", "linear decay", "linear"),
        ("batch_size", "full", None),
        ("batch_size", "32", 32),
        ("steps", "100", 100),
    ],
)
def test_typed_text_becomes_config_values(name, text, value):
    assert parse_value(name, text) == value


@pytest.mark.parametrize(("name", "text"), [("samples", "many"), ("hidden", "16,x")])
def test_text_that_means_nothing_is_left_for_the_engine_to_refuse(name, text):
    assert parse_value(name, text) == text
    problems = TrainConfig().replace(**{name: text}).problems()
    assert problems and repr(text) in problems[0]


def test_values_show_as_they_are_typed():
    config = TrainConfig()
    shown = {f.name: format_value(f.name, getattr(config, f.name)) for f in FIELDS}
    assert shown["hidden"] == "16,16"
    assert shown["batch_size"] == "full"
    assert shown["schedule"] == "linear decay"
    assert shown["alpha"] == "0.0001"
    assert {name: parse_value(name, text) for name, text in shown.items()} == {
        f.name: getattr(config, f.name) for f in FIELDS
    }


def test_each_reason_is_blamed_on_its_field():
    applied = TrainConfig()
    _, by_field, other = field_problems(applied, {"samples": 5, "learning_rate": "fast"})
    assert set(by_field) == {"samples", "learning_rate"}
    assert "samples" in by_field["samples"][0]
    assert "learning rate" in by_field["learning_rate"][0]
    assert other == []


def test_a_batch_too_big_for_the_new_data_is_blamed_on_both():
    applied = TrainConfig(batch_size=30)
    _, by_field, _ = field_problems(applied, {"samples": 20, "batch_size": 30})
    assert "samples" in by_field  # fewer samples made the batch too big
    _, by_field, _ = field_problems(applied, {"samples": 20, "batch_size": 50})
    assert {"samples", "batch_size"} <= set(by_field)


def test_command_line_options_make_a_config_or_say_why_not():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    config, problems = config_from_arguments(
        parser.parse_args(["--hidden", "8,8", "--learning-rate", "0.5"])
    )
    assert problems == []
    assert config == TrainConfig(hidden=(8, 8), learning_rate=0.5)
    _, problems = config_from_arguments(parser.parse_args(["--samples", "5"]))
    assert len(problems) == 1 and problems[0].startswith("--samples: ")
    assert "--test-split VALUE" in parser.format_help()


def test_nice_ticks_are_round_numbers_inside_the_range():
    assert nice_ticks(-1.6, 2.7, 6) == [-1.0, 0.0, 1.0, 2.0]
    assert nice_ticks(0, 100, 6) == [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    assert nice_ticks(0, 105, 6) == [0.0, 50.0, 100.0]  # never more than asked for
    assert all(-0.3 <= t <= 0.7 for t in nice_ticks(-0.3, 0.7))


# -- the training thread ---------------------------------------------------------------


def drive(driver: TrainDriver) -> threading.Thread:
    thread = threading.Thread(target=driver.drive, daemon=True)
    thread.start()
    return thread


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.01)


def news_until(driver: TrainDriver, condition, timeout: float = 30.0):
    """Take the driver's news until ``condition(news)`` holds; return that news."""
    deadline = time.monotonic() + timeout
    while True:
        news = driver.take_news()
        if condition(news):
            return news
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.01)


def test_the_driver_trains_to_the_end_and_reports_every_step():
    told = threading.Event()
    driver = TrainDriver(SMALL, notify=told.set, play=True)
    thread = drive(driver)
    steps = []
    news = driver.take_news()
    while news.status not in ("finished", "diverged"):
        told.wait(5)
        told.clear()
        news = driver.take_news()
        steps += news.steps
    driver.stop()
    thread.join(5)
    assert not thread.is_alive()
    assert [f.report.step for f in steps] == list(range(20))
    assert steps[-1].report == driver.run.history[-1]
    assert all(f.test_loss is None for f in steps)  # no test split
    assert news.seconds > 0


def test_the_driver_measures_the_test_loss_on_the_same_model():
    driver = TrainDriver(SMALL.replace(test_fraction=0.25, alpha=0.0), play=False)
    thread = drive(driver)
    wait_until(lambda: driver.run is not None)
    run = driver.run
    from engine.losses import hinge_loss

    expected = hinge_loss(predict(run.model, run.dataset.X_test), run.dataset.y_test).data
    driver.step_once()
    (figures,) = news_until(driver, lambda news: news.steps).steps
    assert figures.test_loss == pytest.approx(expected)
    driver.stop()
    thread.join(5)


def test_watched_points_are_scored_on_the_current_model():
    driver = TrainDriver(SMALL)
    thread = drive(driver)
    wait_until(lambda: driver.run is not None)
    mesh = Mesh(-1.0, 2.0, -1.0, 1.0, 4, 3)
    driver.watch_points(mesh.points(), mesh)
    scores = news_until(driver, lambda news: news.scores is not None).scores
    assert scores.tag == mesh
    assert scores.values == tuple(predict(driver.run.model, mesh.points()))
    assert len(scores.values) == 12
    driver.stop()
    thread.join(5)


def test_training_settings_change_between_steps():
    driver = TrainDriver(SMALL.replace(schedule="constant"))
    thread = drive(driver)
    wait_until(lambda: driver.run is not None)
    driver.change_training(learning_rate=0.25, steps=30)
    driver.step_once()
    wait_until(lambda: driver.run.steps_done == 1)
    assert driver.run.history[0].learning_rate == 0.25
    assert driver.run.config.steps == 30
    assert driver.take_news().applied == driver.run.config
    driver.change_training(steps=1)  # it has taken 1 step already
    refused = news_until(driver, lambda news: news.refused).refused
    assert "already taken 1 steps" in refused
    driver.stop()
    thread.join(5)


def test_a_diverging_run_stops_playing():
    driver = TrainDriver(SMALL.replace(learning_rate=1e6), play=True)
    thread = drive(driver)
    news = news_until(driver, lambda news: news.status == "diverged")
    assert not news.playing
    assert "too large" in news.message
    driver.stop()
    thread.join(5)
    assert not thread.is_alive()


def test_stopping_ends_the_thread_and_the_run():
    driver = TrainDriver(SMALL.replace(steps=100_000), play=True)
    thread = drive(driver)
    wait_until(lambda: driver.run is not None and driver.run.steps_done > 0)
    driver.stop()
    thread.join(5)
    assert not thread.is_alive()
    assert driver.run.status == "cancelled"


def test_the_inspected_forward_pass_is_a_labelled_copy():
    run = TrainingRun(SMALL)
    x = run.dataset.X_train[3]
    root = forward_graph(run.model, x)
    assert root.data == pytest.approx(predict(run.model, [x])[0])
    assert root.label == "score"
    labels = _labels(root)
    assert {"x1", "x2", "L1.N1.w1", "L1.N16.b", "L2.N3.w16", "L3.N1.b", "L1.N1", "L2.N16"} <= labels
    # A copy: the run's own parameters stay unlabelled and untouched by a backward pass.
    root.backward()
    assert all(p.label == "" and p.grad == 0.0 for p in run.model.parameters())


def test_parameters_are_labelled_by_place():
    run = TrainingRun(SMALL.replace(hidden=(3,)))
    label_parameters(run.model)
    assert [p.label for p in run.model.layers[0].neurons[1].parameters()] == [
        "L1.N2.w1",
        "L1.N2.w2",
        "L1.N2.b",
    ]


def _labels(root: Value) -> set[str]:
    from engine.value import topological_order

    return {v.label for v in topological_order(root) if v.label}


# -- the screen ------------------------------------------------------------------------


class LabApp(App[None]):
    """A bare app with one screen below the lab, so escape has somewhere to go."""

    CSS_PATH = STYLESHEET

    def __init__(self, lab: TrainScreen) -> None:
        super().__init__()
        self.lab = lab
        self.results: list[object] = []
        self.goals: list[TrainScreen.GoalReached] = []
        self.notes: list[tuple[str, str]] = []

    def on_mount(self) -> None:
        self.push_screen(Screen(id="below"))
        self.push_screen(self.lab, self.results.append)

    def notify(self, message: str, **kwargs) -> None:
        self.notes.append((message, kwargs.get("severity", "information")))
        super().notify(message, **kwargs)

    @on(TrainScreen.GoalReached)
    def _goal(self, message: TrainScreen.GoalReached) -> None:
        self.goals.append(message)


async def settle(pilot, condition, timeout: float = 60.0) -> None:
    """Let the app run until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the lab")
        await pilot.pause(0.02)


def screen_text(widget) -> str:
    """What a widget shows, as plain text."""
    lines = (widget.render_line(y) for y in range(widget.size.height))
    return "\n".join("".join(segment.text for segment in line) for line in lines)


def status_line(lab: TrainScreen) -> str:
    return str(lab.query_one("#train-status", Static).render())


async def ready(pilot, lab: TrainScreen) -> TrainingRun:
    await settle(pilot, lambda: lab.run is not None)
    await pilot.pause()
    return lab.run


async def test_play_pause_step_and_reset():
    lab = TrainScreen(SMALL.replace(steps=100_000))
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        assert isinstance(app.focused, Charts)
        assert "ready" in status_line(lab)
        await pilot.press("space")
        await settle(pilot, lambda: run.steps_done >= 3)
        assert "training" in status_line(lab)
        await pilot.press("space")
        assert "paused" in status_line(lab)  # at once, before the thread has stopped
        await settle(pilot, lambda: not lab.driver._playing)
        await pilot.pause(0.2)
        paused_at = run.steps_done
        await pilot.pause(0.3)
        assert run.steps_done == paused_at
        await pilot.press("full_stop")
        await settle(pilot, lambda: run.steps_done == paused_at + 1)
        await pilot.pause(0.2)
        assert run.steps_done == paused_at + 1
        await settle(pilot, lambda: f"step {paused_at + 1}/100000" in status_line(lab))
        assert len(lab.history) == paused_at + 1
        await pilot.press("r")
        await settle(pilot, lambda: lab.run is not None and lab.run is not run)
        new_run = lab.run
        assert new_run.steps_done == 0 and len(lab.history) == 0
        assert run.status == "cancelled"
        # Same seed, same first weights: a reset starts exactly where the first run did.
        assert [p.data for p in new_run.model.parameters()] == [
            p.data for p in TrainingRun(SMALL).model.parameters()
        ]
        await settle(pilot, lambda: "step 0/100000" in status_line(lab))


async def test_the_charts_follow_the_run():
    lab = TrainScreen(SMALL.replace(test_fraction=0.25), play=True)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        await settle(pilot, lambda: run.status == "finished")
        await pilot.pause(0.3)
        loss = lab.query_one(LossPlot)
        assert loss.display
        assert lab.history.steps == list(range(1, 21))
        assert lab.history.loss == [r.loss for r in run.history]
        assert len(lab.history.test_loss) == 20
        assert lab.history.test_accuracy[-1] == 100 * run.history[-1].test_accuracy
        await pilot.press("2")
        assert lab.query_one(AccuracyPlot).display and not loss.display
        await pilot.press("3")
        boundary = lab.query_one(BoundaryPlot)
        assert boundary.display
        await settle(pilot, lambda: boundary.scores is not None)
        mesh = boundary.mesh
        assert boundary.scores.tag == mesh
        assert boundary.scores.values == tuple(predict(run.model, mesh.points()))
        await pilot.pause(0.6)
        assert "test 100%" in status_line(lab) or "test " in status_line(lab)
        await pilot.press("right")
        assert lab.chart == "loss"


@pytest.mark.parametrize("no_color", [False, True])
async def test_the_boundary_reads_without_colour(no_color, monkeypatch):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")  # Textual reads it when the app is made
    lab = TrainScreen(SMALL, play=True)
    app = LabApp(lab)
    assert app.no_color == no_color
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        await pilot.press("3")
        await settle(pilot, lambda: run.status == "finished")
        boundary = lab.query_one(BoundaryPlot)
        await settle(
            pilot, lambda: boundary.scores is not None and boundary.scores.steps_done == 20
        )
        await pilot.pause(0.6)
        text = "\n".join(
            "".join(seg.text for seg in boundary.render_line(y))
            for y in range(boundary.size.height)
        )
        assert "o +1" in text and "x −1" in text  # the legend
        assert text.count("o") > 10 and text.count("x") > 10  # the two classes
        assert text.count("·") > 20  # the region the model calls +1


async def test_invalid_settings_are_refused_beside_their_field():
    lab = TrainScreen(SMALL)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        form = lab.query_one(TrainForm)
        await pilot.press("f")  # f goes to the form's first field
        samples = lab.query_one("#field-samples", Input)
        assert app.focused is samples
        samples.value = "5"
        await pilot.pause()
        note = lab.query_one("#note-samples", Static)
        assert note.has_class("-error") and note.display
        assert "20 to 1000" in str(note.render())
        await pilot.press("enter")
        await pilot.pause()
        assert lab.query_one(TrainForm).config == SMALL  # refused: nothing applied
        rate = lab.query_one("#field-learning_rate", Input)
        rate.value = "fast"
        await pilot.pause()
        assert "learning rate" in str(lab.query_one("#note-learning_rate", Static).render())
        await pilot.press("escape")  # back to the charts, not out of the lab
        assert isinstance(app.focused, Charts)
        assert app.screen is lab
        await pilot.press("r")
        await settle(pilot, lambda: lab.run is not None and lab.run is not run)
        assert lab.run.config == SMALL  # the last valid settings
        assert any("refused" in message for message, _ in app.notes)
        assert form.problems  # still shown until corrected


async def test_f_shows_focuses_and_hides_the_form():
    lab = TrainScreen(SMALL)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, lab)
        form = lab.query_one(TrainForm)
        lab.query_one("#field-activation").focus()  # a pick list: f is not typed into it
        await pilot.press("f")
        assert lab.has_class("-form-hidden") and not form.display
        assert isinstance(app.focused, Charts)
        await pilot.press("f")
        await pilot.pause()
        assert form.display and app.focused is lab.query_one("#field-samples")
        await pilot.press("escape")
        assert isinstance(app.focused, Charts) and form.display


async def test_data_settings_wait_for_reset_and_training_settings_apply_at_once():
    lab = TrainScreen(SMALL.replace(schedule="constant"))
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        seed = lab.query_one("#field-seed", Input)
        seed.focus()
        seed.value = "7"
        await pilot.press("enter")
        note = lab.query_one("#note-seed", Static)
        assert "press r to apply" in str(note.render())
        assert run.config.seed == SMALL.seed
        rate = lab.query_one("#field-learning_rate", Input)
        rate.focus()
        rate.value = "0.05"
        await pilot.press("enter")
        await settle(pilot, lambda: run.config.learning_rate == 0.05)
        await pilot.press("escape")
        await pilot.press("full_stop")
        await settle(pilot, lambda: run.steps_done == 1)
        assert run.history[0].learning_rate == 0.05
        await settle(
            pilot, lambda: str(lab.query_one("#note-learning_rate", Static).render()) == ""
        )
        await pilot.press("r")
        await settle(pilot, lambda: lab.run is not run and lab.run is not None)
        assert lab.run.config == SMALL.replace(schedule="constant", seed=7, learning_rate=0.05)
        await pilot.pause()
        assert str(lab.query_one("#note-seed", Static).render()) == ""


async def test_divergence_stops_with_a_notice_and_the_lab_stays():
    lab = TrainScreen(SMALL.replace(learning_rate=1e6), play=True)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        await settle(pilot, lambda: lab.status == "diverged")
        await pilot.pause(0.3)
        assert run.status == "diverged"
        assert app.screen is lab
        notice = lab.query_one("#train-notice", Static)
        assert notice.display and "too large" in str(notice.render())
        assert "diverged" in status_line(lab)
        assert any(severity == "error" and "too large" in m for m, severity in app.notes)
        assert not lab.playing
        await pilot.press("full_stop")  # nothing to step: said so, nothing breaks
        assert any("has ended" in m for m, _ in app.notes)
        await pilot.press("r")
        await settle(pilot, lambda: lab.run is not run and lab.run is not None)
        assert lab.status == "ready" and not notice.display


async def test_leaving_the_lab_ends_the_training_thread():
    lab = TrainScreen(SMALL.replace(steps=100_000), play=True)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        await settle(pilot, lambda: run.steps_done >= 2)
        workers = [w for w in app.workers if w.group == "training"]
        assert len(workers) == 1 and workers[0].is_running
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen.id == "below")
        await settle(pilot, lambda: workers[0].is_finished, timeout=10)
        assert run.status == "cancelled"
        done = run.steps_done
        time.sleep(0.2)
        assert run.steps_done == done
        assert app.results == [run]  # the run on show goes back to whoever opened the lab


async def test_the_default_recipe_reaches_100_percent_on_screen():
    lab = TrainScreen(play=True)  # micrograd's demo: 100 moons, 16-16 ReLU, hinge, 100 steps
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        assert run.parameter_count == 337
        await settle(pilot, lambda: lab.status == "finished", timeout=240)
        await pilot.pause(0.3)
        line = status_line(lab)
        assert "finished" in line and "step 100/100" in line
        assert "train 100%" in line and "337 params" in line
        assert run.history[-1].train_accuracy == 1.0
        assert run.history[0].loss == pytest.approx(0.8958441028683222, abs=1e-9)


async def test_a_goal_is_announced_and_the_run_goes_back():
    goal = Goal("train_accuracy", 0.8)
    lab = TrainScreen(SMALL, goal, play=True)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        assert "train accuracy ≥ 80%" in str(lab.query_one("#form-goal", Static).render())
        await settle(pilot, lambda: app.goals)
        assert app.goals[0].run is run and goal.met(app.goals[0].report)
        await settle(pilot, lambda: "goal ✓" in status_line(lab))
        await pilot.press("r")  # a new run that has not reached it does not take its place
        await settle(pilot, lambda: lab.run is not run and lab.run is not None)
        await pilot.press("escape")
        await settle(pilot, lambda: app.results)
        assert app.results == [run]


async def test_the_lectures_examples_show_their_scores():
    config = TrainConfig(
        hidden=(4, 4), activation="tanh", loss="mse", learning_rate=0.1, schedule="constant"
    )
    lab = TrainScreen(config.replace(alpha=0.0, steps=20), dataset="lecture", play=True)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        assert run.dataset == lecture_examples()
        assert lab.query_one("#field-samples", Input).disabled
        await settle(pilot, lambda: lab.status == "finished")
        await pilot.press("3")
        table = lab.query_one(SampleScores)
        await settle(pilot, lambda: table.scores is not None and table.scores.steps_done == 20)
        assert table.scores.values == tuple(predict(run.model, run.dataset.X_train))
        text = screen_text(table)
        assert "target" in text and text.count("✓ right") == 4


async def test_a_run_that_cannot_be_made_says_why():
    # A batch of 10 out of the lecture's 4 examples: the engine refuses the run.
    lab = TrainScreen(TrainConfig(batch_size=10), dataset="lecture", play=True)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: lab.status == "failed")
        await settle(pilot, lambda: "could not start" in status_line(lab))
        notice = lab.query_one("#train-notice", Static)
        assert notice.display and "batch size" in str(notice.render())
        assert not lab.playing and lab.run is None
        assert "batch size" in str(lab.query_one("#form-other", Static).render())


async def test_the_sample_picker_steps_through_samples_and_refuses_others():
    data = lecture_examples()
    picked: list[int | None] = []

    class PickerApp(App[None]):
        CSS_PATH = STYLESHEET

        def on_mount(self) -> None:
            self.push_screen(SamplePicker(data, index=3), picked.append)

    app = PickerApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")  # past the last sample: back to the first
        assert app.screen.query_one(Input).value == "1"
        assert "label +1" in str(app.screen.query_one("#picker-sample", Static).render())
        app.screen.query_one(Input).value = "9"
        await pilot.press("enter")  # there are only 4: refused, still open
        assert isinstance(app.screen, SamplePicker) and picked == []
        app.screen.query_one(Input).value = "2"
        await pilot.press("enter")
        assert picked == [1]


async def test_inspect_opens_the_forward_pass_of_a_sample():
    from tutor.screens.explorer import ExplorerScreen

    lab = TrainScreen(SMALL)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, lab)
        await pilot.press("i")
        assert isinstance(app.screen, SamplePicker)
        await pilot.press("down", "down", "enter")
        await settle(pilot, lambda: isinstance(app.screen, ExplorerScreen))
        assert not lab.playing


# -- keys faster than the lab draws ------------------------------------------------------

BURST_KEYS = [
    *("space", "full_stop", "r", "1", "2", "3", "left", "right"),
    *("f", "tab", "i", "down", "enter", "backspace", "5", "escape"),
]
KEY_CHARACTERS = {
    "space": " ",
    "full_stop": ".",
    "tab": "\t",
    "enter": "\r",
    "backspace": "\x7f",
    "escape": "\x1b",
}


def post_keys(app: App, keys: list[str]) -> None:
    """Queue ``keys`` all at once, as a fast typist or a slow link delivers them."""
    for key in keys:
        character = KEY_CHARACTERS.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


@pytest.mark.parametrize("size", [SIZE, (120, 40)], ids=["80x24", "120x40"])
async def test_bursts_of_keys_with_escape_among_them_leave_the_lab_cleanly(size):
    """Keys queued faster than the lab draws (issue 7): the first can reach a lab
    whose widgets are not mounted yet, those after escape one that is closing."""
    rng = random.Random(f"20250607 {size}")
    switch_interval = sys.getswitchinterval()
    app = LabApp(TrainScreen(SMALL))
    async with app.run_test(size=size) as pilot:
        await ready(pilot, app.lab)
        labs = [app.lab]
        for _ in range(8):
            # Whatever the last burst left open goes without escape, as when the app
            # moves elsewhere (the palette jumps to a lesson).
            while len(app.screen_stack) > 2:
                app.pop_screen()
            lab = TrainScreen(QUICK, play=rng.random() < 0.5)
            labs.append(lab)
            app.push_screen(lab)
            for _ in range(rng.randrange(4)):  # the keys come at any moment of its opening
                await asyncio.sleep(rng.random() * 0.05)
            keys = [rng.choice(BURST_KEYS) for _ in range(rng.randrange(3, 15))]
            keys.insert(rng.randrange(len(keys) + 1), "escape")
            post_keys(app, keys)  # none waits for the one before
            await pilot.pause()
            assert app.is_running, keys
        while len(app.screen_stack) > 2:
            app.pop_screen()
        await pilot.pause()
        assert not any(lab.is_open for lab in labs)
        assert all(lab.driver is None or lab.driver._stopped.is_set() for lab in labs)
        # ... and the app still answers: a new lab opens, trains and goes back with its run.
        last = TrainScreen(SMALL, play=True)
        app.push_screen(last, app.results.append)
        run = await ready(pilot, last)
        await settle(pilot, lambda: last.status == "finished")
        await pilot.press("escape")
        await settle(pilot, lambda: app.results and app.results[-1] is run)
        assert app.screen.id == "below"
        await app.workers.wait_for_complete()
        # The labs quicken thread switching while one is open, and only then.
        assert sys.getswitchinterval() == switch_interval


async def test_what_reaches_a_lab_after_it_has_closed_is_ignored():
    """News, timers, callbacks after a refresh and keys can all outlive the lab;
    each finds its widgets gone and must do nothing, without a NoMatches."""
    lab = TrainScreen(TINY, play=True)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        await settle(pilot, lambda: run.steps_done > 0)
        await pilot.press("escape")
        await settle(pilot, lambda: not lab.is_attached and app.screen.id == "below")
        assert not lab.is_open and lab.driver._stopped.is_set()
        lab._take_news()
        lab._watch_points()
        lab._boundary_resized()
        lab._redraw()
        lab._replot("boundary")
        lab.watch_chart("boundary")
        lab.watch_playing()
        lab.key_escape(events.Key("escape", "\x1b"))
        for action in ("back", "form", "play_pause", "step", "reset", "chart('boundary')"):
            # Keys reach actions through the screen's bindings; a second escape in
            # particular must not close the screen below.
            assert not await app.run_action(action, lab)
        await pilot.pause()
        assert app.is_running and app.screen.id == "below"
        assert app.results == [run]


async def test_the_labs_header_shows_its_titles_and_outlives_its_widgets():
    lab = TrainScreen(SMALL)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, lab)
        header = lab.query_one(TutorHeader)

        def title() -> str:
            return str(header.query_one("HeaderTitle", Static).render())

        assert "Training lab" in title()
        lab.sub_title = "moons"
        app.title = "Tutor"
        await pilot.pause()
        assert "Training lab" in title() and "moons" in title()
        await pilot.press("escape")
        await settle(pilot, lambda: not lab.is_attached)
        header._show_title()  # a title change reaching a header whose widgets are gone
        app.title = "Tutor again"
        await pilot.pause()
        assert app.is_running and app.screen.id == "below"
