"""The training lab on the learner's own engine, driven by keys at 80×24: the engine
choice, a run that matches the tutor's, pause, resume and cancel, and an engine that
hangs, after which the tutor's engine still trains."""

from __future__ import annotations

import threading
import time

import pytest
from test_train_screen import LabApp, settle, status_line
from textual import on
from textual.widgets import Input, Select, Static
from training_support import in_neuron_call, learner_workspace, planted_nn, with_calls

from engine.train import TrainConfig
from lessons.workbench.results import Limits
from tutor import learner_train_driver
from tutor.learner_train_driver import LearnerTrainDriver
from tutor.messages import EngineMatched
from tutor.screens.train import TrainScreen
from tutor.train_driver import RunStatus, TrainDriver
from tutor.train_settings import MINE, EngineChoice

# The lab trains while keys are pressed: see conftest.quick_keys.
pytestmark = pytest.mark.usefixtures("quick_keys")

SIZE = (80, 24)
QUICK = TrainConfig(samples=40, hidden=(4,), steps=12)
ENDLESS = QUICK.replace(steps=100_000)


class MineLabApp(LabApp):
    def __init__(self, lab: TrainScreen) -> None:
        super().__init__(lab)
        self.matched: list[EngineMatched] = []

    @on(EngineMatched)
    def _matched(self, message: EngineMatched) -> None:
        self.matched.append(message)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return learner_workspace(tmp_path_factory.mktemp("mine"))


def engines_line(lab: TrainScreen) -> str:
    return str(lab.query_one("#train-engines", Static).render())


def notice(lab: TrainScreen) -> str:
    return str(lab.query_one("#train-notice", Static).render())


async def test_the_learners_engine_pauses_steps_and_trains_as_the_tutors(workspace):
    lab = TrainScreen(ENDLESS, engines=EngineChoice(workspace, True), engine=MINE)
    app = MineLabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: lab.run is not None)
        run, driver = lab.run, lab.driver
        assert isinstance(driver, LearnerTrainDriver)
        activation = lab.query_one("#field-activation", Select)
        assert activation.disabled and activation.value == "tanh"
        await pilot.press("space")
        await settle(pilot, lambda: run.steps_done >= 3)
        assert "engine: yours (mygrad)" in status_line(lab)
        await pilot.press("space")
        assert "paused" in status_line(lab)
        await pilot.pause(0.3)  # the step under way, and its news
        paused_at = run.steps_done
        await pilot.pause(0.3)
        assert run.steps_done == paused_at
        await pilot.press("full_stop")
        await settle(pilot, lambda: run.steps_done == paused_at + 1)
        await pilot.press("i")  # the explorer reads the tutor's engine only: a word, no picker
        await pilot.pause(0.1)
        assert app.screen is lab
        assert any("graph explorer reads the tutor's engine" in text for text, _ in app.notes)
        # r cancels the run (its child is killed) and starts one of 12 steps, which ends
        # step for step as the tutor's engine's: Build micrograd's milestone.
        steps = lab.query_one("#field-steps", Input)
        steps.focus()
        steps.value = "12"
        await pilot.press("escape", "r")
        await settle(pilot, lambda: lab.run is not None and lab.run is not run)
        assert run.status == RunStatus.CANCELLED and driver._cancel.is_set()
        await pilot.press("space")
        await settle(pilot, lambda: lab.status == RunStatus.FINISHED)
        await pilot.pause(0.2)
        assert lab.run.steps_done == 12 and len(lab.history) == 12
        assert engines_line(lab) == (
            "✓ Your engine matches the tutor's: the same losses to 1e-09 over 12 steps."
        )
        assert [m.steps for m in app.matched] == [12]  # once
        await pilot.press("3")  # the boundary, scored by the learner's network
        await settle(pilot, lambda: lab.query_one("#chart-boundary").scores is not None)
        assert lab.query_one("#chart-boundary").scores.steps_done == 12


async def test_an_engine_that_hangs_is_stopped_and_the_tutors_engine_trains_after(
    tmp_path, monkeypatch
):
    hang = with_calls(
        planted_nn(
            in_neuron_call(
                "        _calls.append(1)\n"
                "        if len(_calls) > 600:\n"
                "            while True:\n"
                "                pass\n"
            )
        )
    )
    workspace = learner_workspace(tmp_path, nn=hang)
    limits = Limits(cpu_seconds=30, wall_seconds=30.0, quiet_seconds=1.0)
    monkeypatch.setattr(learner_train_driver, "TRAINING_LIMITS", limits)
    lab = TrainScreen(ENDLESS, play=True, engines=EngineChoice(workspace, True), engine=MINE)
    app = MineLabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: lab.status == RunStatus.ERROR, timeout=20)
        await pilot.pause(0.1)
        assert "✗ stopped by your engine" in status_line(lab)
        assert notice(lab).startswith("Your engine took more than 1 second for one step")
        assert notice(lab).endswith("Press r to start again.")
        # Back to the tutor's engine, from the form: it trains as ever.
        await pilot.press("f")
        engine = lab.query_one("#field-engine", Select)
        engine.value = "tutor"
        await pilot.pause(0.1)
        assert "press r to apply" in str(lab.query_one("#note-engine", Static).render())
        await pilot.press("escape", "r", "space")
        await settle(pilot, lambda: lab.run is not None and lab.run.steps_done >= 3)
        assert isinstance(lab.driver, TrainDriver)
        assert "engine:" not in status_line(lab) and engines_line(lab) == ""


async def test_the_choice_shows_once_the_engine_is_ready_and_says_why_it_cannot_run(workspace):
    for engines, shown, usable in (
        (EngineChoice(workspace, ready=False), False, False),
        (EngineChoice(workspace, ready=True, refused="shared"), True, False),
    ):
        lab = TrainScreen(QUICK, engines=engines)
        app = MineLabApp(lab)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda lab=lab: lab.run is not None)
            found = lab.query("#field-engine")
            assert bool(found) == shown
            if shown:
                assert found.first().disabled != usable
                note = str(lab.query_one("#note-engine", Static).render())
                assert note.startswith("Your engine cannot train in a shared tutor")


async def test_train_engine_mine_from_the_command_line(home, capsys, monkeypatch):
    from lessons.progress import ProgressStore
    from lessons.workbench.exercises import EXERCISES
    from lessons.workbench.progress import mark_passed
    from tutor import cli
    from tutor.app import TutorApp

    apps: list[TutorApp] = []
    monkeypatch.setattr(TutorApp, "run", lambda self, *args, **kwargs: apps.append(self))
    assert cli.main(["train", "--engine", "mine"]) == 2
    assert "once exercises 1 to 15 of Build micrograd pass" in capsys.readouterr().err
    assert cli.main(["train", "--engine", "mine", "--activation", "relu"]) == 2
    assert "trains with tanh, your Neuron's activation, not relu" in capsys.readouterr().err
    store = ProgressStore()
    for exercise in EXERCISES:
        if exercise.number <= 15:
            mark_passed(store, exercise.id)
    assert cli.main(["train", "--engine", "mine", "--hidden", "4", "--samples", "40"]) == 0
    app = apps[0]
    async with app.run_test(size=SIZE) as pilot:
        lab = app.screen
        assert isinstance(lab, TrainScreen) and lab.engine == MINE
        assert lab.config.activation == "tanh" and lab.engines.usable
        assert lab.engines.workspace == home / "workbench"
        # No workspace yet (the workbench makes it): the run says so, and what to do.
        await settle(pilot, lambda: lab.status == RunStatus.FAILED)
        assert lab.message.startswith(f"Your workspace {home / 'workbench'} is not there")


def test_a_wrong_engine_that_blows_up_is_not_told_to_lower_the_learning_rate(tmp_path):
    from workbench_helpers import REFERENCE_ENGINE, plant

    engine = plant(
        REFERENCE_ENGINE,
        ("self.grad += other.data * out.grad", "self.grad += self.data * out.grad"),
    )
    workspace = learner_workspace(tmp_path, engine=engine)
    driver = LearnerTrainDriver(QUICK.replace(steps=30), workspace=workspace, play=True)
    ended: list[str] = []
    thread = threading.Thread(target=lambda: ended.append(driver.drive()))
    thread.start()
    deadline = time.monotonic() + 20
    while driver.run is None or driver.run.status == "ready" or driver.run.status == "running":
        assert time.monotonic() < deadline, "the run did not end"
        time.sleep(0.02)
    time.sleep(0.1)  # its news, after the status
    news = driver.take_news()
    driver.stop()  # its child stays, idle, to score points, until stopped
    thread.join(5)
    assert ended == [RunStatus.DIVERGED]
    assert news.status == RunStatus.DIVERGED and not news.playing
    assert news.match.parting.step == 0  # the gradients parted at once
    assert "The tutor's engine, on the same run, did not blow up" in news.message
    assert "learning rate" in news.message and "too large" not in news.message
    assert driver.run.steps_done == len(news.steps) < 30
