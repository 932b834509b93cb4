"""The command line: every flag, the good ones and the bad ones, and the exit codes."""

from __future__ import annotations

import asyncio
import gc
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lessons.progress import ProgressStore
from lessons.registry import all_lessons, default_curriculum
from lessons.workbench.exercises import EXERCISES
from lessons.workbench.progress import mark_passed
from tutor import cli
from tutor.app import TutorApp
from tutor.cli_report import print_courses
from tutor.screens.explorer import ExplorerScreen
from tutor.screens.lesson import LessonScreen
from tutor.widgets.graph_explorer import GraphExplorer

pytestmark = pytest.mark.usefixtures("utf8_terminal")

ROOT = Path(__file__).resolve().parent.parent
SIZE = (80, 24)


def test_version(capsys, home):
    assert cli.main(["--version"]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"micrograd-tutor \d+\.\d+\.\d+\S*\n", out)


def test_help_names_every_flag_and_command(capsys, home):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    flags = ("--lesson", "--list", "--reset-progress", "--version", "--help", "--ascii")
    for flag in (*flags, "--learner", "--ask-learner"):
        assert flag in out
    assert "playground" in out and "train" in out and "serve" in out and "learners" in out
    assert "MICROGRAD_TUTOR_ASCII" in out


def test_list_numbers_every_lesson_and_ticks_completed_ones(capsys, home):
    store = ProgressStore(home)
    store.complete_lesson("backprop-by-hand")
    store.complete_step("derivative-as-slope", 0)
    mark_passed(store, "value")
    assert cli.main(["--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    lessons = all_lessons()
    built = lines[len(lessons) :]
    lines = lines[: len(lessons)]
    assert built[:2] == ["", "Build micrograd"] and len(built) == 2 + len(EXERCISES)
    assert built[2].startswith("✓  1. Value") and built[2].endswith("(build/value)")
    assert built[3].startswith("   2. ")
    for line, lesson in zip(lines, lessons, strict=True):
        assert f"{lesson.number:>2}. {lesson.title}" in line
        assert line.startswith("✓") == (lesson.id == "backprop-by-hand")
    assert f"1/{len(lessons[0].steps)} steps" in lines[0]


def test_learner_keeps_a_named_learners_progress_apart(capsys, home, launched):
    ProgressStore(home).complete_lesson("backprop-by-hand")  # the account's own progress
    ana = ProgressStore(home / "learners" / "ana")
    ana.complete_lesson("chain-rule")
    assert cli.main(["--list", "--learner", "Ana"]) == 0
    ticked = [line for line in capsys.readouterr().out.splitlines() if line.startswith("✓")]
    assert len(ticked) == 1 and "(chain-rule)" in ticked[0]
    assert cli.main(["--learner", "Ana"]) == 0
    assert launched[0].progress.home == home / "learners" / "ana"
    assert not launched[0].waiting_for_learner


def test_learners_tells_a_teacher_how_far_each_learner_has_got(capsys, home):
    assert cli.main(["learners"]) == 0
    assert capsys.readouterr().out.startswith("No learners yet")
    ana = ProgressStore(home / "learners" / "ana-maría")
    for step in range(6):
        ana.complete_step("derivative-as-slope", step)
    ana.complete_lesson("derivative-as-slope")
    ana.set_position("values-and-graphs", 2)
    mark_passed(ana, "value")  # the first exercise of Build micrograd
    ProgressStore(home / "learners" / "bob").save()
    ProgressStore(home).complete_lesson("chain-rule")  # the account's own: not a learner
    lessons = all_lessons()
    steps = sum(len(lesson.steps) for lesson in lessons)
    assert cli.main(["learners"]) == 0
    lines = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert lines == [
        f"ana-maría 1/{len(lessons)} lessons 6/{steps} steps 1/{len(EXERCISES)} exercises "
        "at lesson 2, step 3",
        f"bob 0/{len(lessons)} lessons 0/{steps} steps 0/{len(EXERCISES)} exercises not started",
    ]
    assert cli.main(["--ascii", "learners"]) == 0
    assert capsys.readouterr().out.split()[0] == "ana-maria"


def test_ask_learner_starts_the_app_waiting_for_a_name(home, launched):
    assert cli.main(["--ask-learner"]) == 0
    assert launched[0].waiting_for_learner and launched[0].progress.home == home


def test_list_on_an_ascii_terminal_prints_without_crashing(home):
    ProgressStore(home).complete_lesson("values-and-graphs")
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii")
    assert print_courses(default_curriculum(), ProgressStore(home), out) == 0
    out.flush()
    lines = raw.getvalue().decode("ascii").splitlines()
    assert lines[1].startswith("*  2. Values and graphs")


def test_list_in_ascii_mode_is_all_ascii(capsys, home):
    ProgressStore(home).complete_lesson("backprop-by-hand")
    assert cli.main(["--list", "--ascii"]) == 0
    out = capsys.readouterr().out
    assert out.isascii()
    lines = out.splitlines()
    assert lines[2].startswith("*  3. Backprop by hand")
    assert " 9. Neuron -> Layer -> MLP" in lines[8]
    # Spelled out before the columns are laid out, so they still line up.
    assert len({line.index(" steps ") for line in lines if " steps " in line}) == 1


ASCII_CHOICES = [
    # argv, environment, ASCII mode?
    (["--lesson", "1"], {}, False),
    (["--ascii", "--lesson", "1"], {}, True),
    (["--ascii", "playground", "a = 2; b = a*a"], {}, True),
    (["--lesson", "1"], {"MICROGRAD_TUTOR_ASCII": "1"}, True),
    (["--lesson", "1"], {"LANG": "C"}, True),  # the locale cannot show line drawing
    (["--lesson", "1"], {"LC_ALL": "en_US.ISO-8859-1"}, True),
    (["--no-ascii", "--lesson", "1"], {"LANG": "C"}, False),
    (["--lesson", "1"], {"LANG": "C", "MICROGRAD_TUTOR_ASCII": "0"}, False),
    (["--no-ascii", "--lesson", "1"], {"MICROGRAD_TUTOR_ASCII": "yes"}, False),
]


@pytest.mark.parametrize(("argv", "env", "ascii"), ASCII_CHOICES)
def test_ascii_mode_comes_from_the_flag_then_the_variable_then_the_locale(
    argv, env, ascii, home, launched, monkeypatch
):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.main(argv) == 0
    [app] = launched
    assert app.ascii_only is ascii and app.has_class("-ascii") is ascii


BAD_COMMAND_LINES = [
    ["--bogus"],
    ["--lesson"],
    ["--lesson", "99"],
    ["--lesson", "no-such-lesson"],
    ["--list", "--lesson", "3"],
    ["--list", "--reset-progress"],
    ["--version=2"],
    ["train", "--samples", "5"],
    ["train", "--hidden", "16,x"],
    ["train", "--learning-rate", "-1"],
    ["train", "--activation", "softmax"],
    ["--lesson", "3", "train"],
    ["playground", "a = "],
    ["playground", "a = 2; b = a +* 3"],
    ["playground", "a = -1; b = a.log()"],
    ["--lesson", "3", "playground", "a = 1"],
    ["playground", "a = 1", "extra"],
    ["--learner", "../"],
    ["--learner", ""],
    ["--learner", "ana", "--ask-learner"],
    ["--ask-learner", "--list"],
    ["--ask-learner", "--reset-progress"],
    ["--learner", "ana", "learners"],
    ["--ask-learner", "serve"],
    ["--lesson", "3", "learners"],
    ["learners", "ana"],
]


@pytest.mark.parametrize("argv", BAD_COMMAND_LINES, ids=" ".join)
def test_a_bad_command_line_gets_one_line_and_exit_code_2(argv, capsys, home, launched):
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1
    assert captured.err.startswith("micrograd-tutor") and "error:" in captured.err
    assert "Traceback" not in captured.err
    assert launched == []


def test_a_bad_expression_says_where_it_went_wrong(capsys, home):
    assert cli.main(["playground", "a = 2; b = a +* 3"]) == 2
    assert "line 1, column" in capsys.readouterr().err


def test_the_real_entry_point_exits_2_without_a_traceback(home):
    result = subprocess.run(
        [sys.executable, "-m", "tutor", "--lesson", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize(("answer", "code"), [("y", 0), ("yes", 0), ("n", 1), ("", 1)])
def test_reset_progress_asks_first(answer, code, capsys, home, monkeypatch):
    store = ProgressStore(home)
    store.complete_lesson("chain-rule")
    store.set_position("chain-rule", 3)
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or answer)
    assert cli.main(["--reset-progress"]) == code
    assert len(asked) == 1 and "[y/N]" in asked[0]
    after = ProgressStore(home)
    if code == 0:
        assert after.completed_lessons() == frozenset()
        assert after.position == (all_lessons()[0].id, 0)
        assert "reset" in capsys.readouterr().out
    else:
        assert after.completed_lessons() == {"chain-rule"}
        assert after.position == ("chain-rule", 3)
        assert "Nothing changed" in capsys.readouterr().out


def test_reset_progress_without_a_terminal_to_ask_changes_nothing(home, monkeypatch):
    ProgressStore(home).complete_lesson("chain-rule")

    def no_input(prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", no_input)
    assert cli.main(["--reset-progress"]) == 1
    assert ProgressStore(home).completed_lessons() == {"chain-rule"}


async def _first_screen(app: TutorApp):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        return app.screen


async def test_no_flags_start_at_lesson_1_the_first_time(home, launched):
    assert cli.main([]) == 0
    screen = await _first_screen(launched[0])
    assert isinstance(screen, LessonScreen)
    assert (screen.lesson.number, screen.step_index) == (1, 0)


def test_start_up_runs_without_the_cycle_collector_until_the_first_frame(home, monkeypatch):
    """Collecting while start-up makes its long-lived objects only costs time; but the
    collector must be back once the learner sees the app, and after main() whatever
    happens, or a long session (or the test process) would never free a cycle."""
    seen: list[tuple[str, bool]] = []

    def run(app: TutorApp, *args: object, **kwargs: object) -> None:
        seen.append(("before the app", gc.isenabled()))

        async def first_frame() -> None:
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                seen.append(("first frame", gc.isenabled()))

        asyncio.run(first_frame())

    monkeypatch.setattr(TutorApp, "run", run)
    try:
        assert cli.main([]) == 0
        assert seen == [("before the app", False), ("first frame", True)]
        monkeypatch.setattr(TutorApp, "run", lambda *args, **kwargs: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            cli.main([])
        assert gc.isenabled()
    finally:
        gc.enable()


async def test_no_flags_resume_where_the_learner_left_off(home, launched):
    ProgressStore(home).set_position("chain-rule", 2)
    assert cli.main([]) == 0
    screen = await _first_screen(launched[0])
    assert (screen.lesson.id, screen.step_index) == ("chain-rule", 2)


@pytest.mark.parametrize("key", ["3", "backprop-by-hand"])
async def test_lesson_flag_takes_a_number_or_a_slug(key, home, launched):
    assert cli.main(["--lesson", key]) == 0
    screen = await _first_screen(launched[0])
    assert isinstance(screen, LessonScreen) and screen.lesson.id == "backprop-by-hand"


async def test_playground_opens_the_explorer_on_the_statements(home, launched):
    assert cli.main(["playground", "x = 3; y = x*x + 1"]) == 0
    app = launched[0]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ExplorerScreen)
        program = app.screen.query_one(GraphExplorer).program
        assert list(program.values) == ["x", "y"] and program.output.data == 10.0


async def test_playground_without_an_expression_opens_on_the_lectures(home, launched):
    assert cli.main(["playground"]) == 0
    app = launched[0]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ExplorerScreen)
        program = app.screen.query_one(GraphExplorer).program
        assert program.output.data == -8.0  # L = (a*b + c) * f, the lecture's


async def test_train_opens_the_lab_with_the_settings_asked_for(home, launched):
    from tutor.screens.train import TrainScreen

    assert cli.main(["train", "--hidden", "8", "--learning-rate", "0.5", "--samples", "40"]) == 0
    app = launched[0]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TrainScreen)
        config = app.screen.config
        assert (config.hidden, config.learning_rate, config.samples) == ((8,), 0.5, 40)


def test_app_exit_code_is_the_process_exit_code(home, monkeypatch):
    def run(self, *args, **kwargs):
        self._return_code = 3

    monkeypatch.setattr(TutorApp, "run", run)
    assert cli.main(["--lesson", "1"]) == 3
