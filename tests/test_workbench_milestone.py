"""Exercise 17, Build micrograd's milestone, in the app: locked until exercises 1 to 15
pass, its key opens the training lab on the learner's engine (or says why it cannot),
and a run there that matches the tutor's passes it. The lab's ending on the learner's
engine is told by its match line, with no "Training finished" toast over it."""

from __future__ import annotations

import shutil

from test_train_screen import settle as settle_lab
from textual.widgets import Input, Static
from workbench_screen_support import make_app, settle

from lessons.progress import ProgressStore
from lessons.workbench import runner
from lessons.workbench.checks import milestone_result as result_of
from lessons.workbench.exercises import EXERCISES
from lessons.workbench.milestone import CHECK_ID, MILESTONE
from lessons.workbench.progress import is_passed, mark_passed
from lessons.workbench.training_match import EngineVerdict, MatchState, Parting
from lessons.workbench.workspace import REFERENCE
from tutor.screens.train import TrainScreen
from tutor.screens.workbench import WorkbenchScreen
from tutor.train_driver import RunStatus
from tutor.train_engines import ending_said
from tutor.train_settings import MINE, TUTORS
from tutor.widgets.workbench_panels import ExerciseText

SIZE = (80, 24)


def prose(screen: WorkbenchScreen) -> str:
    return screen.query_one(ExerciseText).query_one("#wb-prose").source


def notes(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


def pass_up_to(home, last: int) -> None:
    store = ProgressStore(home)
    for exercise in EXERCISES:
        if exercise.number <= last:
            mark_passed(store, exercise.id)


async def test_exercise_17_is_locked_until_1_to_15_pass_and_l_says_so(home):
    pass_up_to(home, 12)
    app = make_app(home, current="moons")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        assert screen.exercise.number == MILESTONE
        assert prose(screen).startswith(
            "**Locked.** This exercise opens once exercises 1 to 15 pass: the training lab "
            "needs your Value and your MLP. Still to pass: 13, 14, 15."
        )
        assert "Press `l` (outside the editor)" in prose(screen)
        await pilot.press("l")
        await pilot.pause()
        assert app.screen is screen  # no lab
        assert any(n.startswith("Locked: This exercise opens once") for n in notes(app))
        await pilot.press("p")  # the key is exercise 17's only
        await pilot.pause()
        assert screen.exercise.number == 16 and screen.check_action("lab", ()) is False


async def test_a_shared_tutor_that_refuses_learner_code_says_why_instead_of_opening(
    home, monkeypatch
):
    pass_up_to(home, 15)
    monkeypatch.setattr(runner, "_refusal", "This is a shared tutor whose sandbox fails.")
    app = make_app(home, current="moons")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        assert "Locked" not in prose(screen)
        await pilot.press("l")
        await pilot.pause()
        assert app.screen is screen
        assert any("Your engine cannot train in a shared tutor" in n for n in notes(app))


async def test_l_opens_the_lab_on_their_engine_and_a_matching_run_passes_17(home):
    pass_up_to(home, 15)
    shutil.copytree(REFERENCE, home / "workbench")
    app = make_app(home, current="moons")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WorkbenchScreen) and screen.exercise.number == MILESTONE
        await pilot.press("l")
        await settle_lab(pilot, lambda: isinstance(app.screen, TrainScreen))
        lab = app.screen
        assert lab.engine == MINE and lab.engines.workspace == home / "workbench"
        assert lab.config.activation == "tanh"
        for name, value in (("samples", "40"), ("hidden", "4"), ("steps", "12")):
            lab.query_one(f"#field-{name}", Input).value = value
        await pilot.press("f", "escape", "r")  # into the form and out, then a new run
        await settle_lab(pilot, lambda: lab.run is not None and lab.config.steps == 12)
        assert lab.engine == MINE
        await pilot.press("space")
        await settle_lab(pilot, lambda: lab.status == RunStatus.FINISHED)
        await pilot.pause(0.2)
        line = str(lab.query_one("#train-engines", Static).render())
        assert line == "✓ Your engine matches the tutor's: the same losses to 1e-09 over 12 steps."
        told = notes(app)
        assert not any(n.startswith("Training finished") for n in told), told
        # Told it passed: by the app's milestone toast, or by the workbench's pass toast
        # when its check of exercise 17 reports first (it shows one pass toast at a time).
        passed = ("exercise 17 of Build micrograd passes", "Exercise 17 passed")
        assert any(p in n for n in told for p in passed), told
        assert is_passed(ProgressStore(home), "moons")
        await pilot.press("escape")  # back to the workbench, which says it passed
        await settle_lab(pilot, lambda: app.screen is screen)
        await pilot.pause()
        crumb = str(screen.query_one("#wb-crumb", Static).render())
        assert crumb.endswith("✓ passed")


def test_the_milestones_verdict_reads_as_the_other_exercises():
    parting = Parting(2, "loss", 0.5, 0.25)
    failed = result_of(EngineVerdict(False, parting.text(), 2, parting))
    failure = failed.failure
    assert (failed.number, failed.passed, failure.check) == (17, False, CHECK_ID)
    assert failure.summary == "Your engine and the tutor's part at step 3"
    assert failure.message.startswith(f"{failure.summary}\nLoss 0.5 (yours), 0.25 (the tutor's).")
    stopped = result_of(EngineVerdict(False, "Your engine stopped at step 2. It raised.", 1))
    assert stopped.failure.summary == "Your engine stopped at step 2."
    assert stopped.failure.message == "Your engine stopped at step 2.\nIt raised."
    passed = result_of(EngineVerdict(True, "Your engine trains on the moons as ...", 10))
    assert passed.passed and passed.note == "Your engine trains on the moons as ..."


def test_a_finished_run_on_their_engine_is_told_by_its_match_line_not_a_toast():
    matched, parted = MatchState(12), MatchState(3, Parting(3, "loss", 1.0, 2.0))
    assert ending_said(RunStatus.FINISHED, MINE, matched)
    assert ending_said(RunStatus.FINISHED, MINE, parted)
    assert not ending_said(RunStatus.FINISHED, TUTORS, None)  # the tutor's: the toast
    assert not ending_said(RunStatus.ERROR, MINE, matched)  # an error is always told
    assert not ending_said(RunStatus.FINISHED, MINE, MatchState(0))  # nothing compared


async def test_a_pass_passes_the_exercises_before_it_which_it_checked_too(home):
    shutil.copytree(REFERENCE, home / "workbench")  # the reference pasted in, no progress yet
    app = make_app(home, current="reuse")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        assert screen.verdict is not None and screen.verdict.passed
        store = ProgressStore(home)
        assert [is_passed(store, e.id) for e in EXERCISES[:7]] == [True] * 6 + [False]
