"""The "Build micrograd" workbench, driven like a learner would (issue #13).

The checks are real (a child Python runs the learner's file) except where a test
needs a check it controls: then a small fake Checker stands in.
"""

from __future__ import annotations

import threading

import pytest
from textual import events
from workbench_screen_support import (
    ENGINE,
    OVERWRITING,
    SIZE,
    SOLVED,
    STUB,
    make_app,
    settle,
    tree_rows,
    verdict_text,
    write_engine,
)

from lessons.progress import ProgressStore
from lessons.registry import default_curriculum
from lessons.workbench import EXERCISES, Limits
from tutor.app import TutorApp
from tutor.screens.dialogs import ChoiceDialog, TextDialog
from tutor.screens.workbench import WorkbenchScreen
from tutor.widgets.graph_tree import DIFFERS
from tutor.widgets.workbench_panels import CodeEditor, ExerciseText
from tutor.workbench_course import BuildMicrograd, CourseChecker
from tutor.workbench_session import Verdict, WorkbenchProgress


async def test_edit_in_the_editor_save_and_pass(tmp_path):
    home = tmp_path / "home"
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        assert isinstance(screen, WorkbenchScreen)
        assert screen.exercise.number == 1
        assert "✗ Not yet" in verdict_text(screen)
        await pilot.press("ctrl+t")  # from the text to the editor
        editor = screen.query_one(CodeEditor)
        assert screen.focused is editor
        # Write exercise 1 as a learner would get there: the solution, then one typed line.
        text = SOLVED.replace("        self.label = label\n", "", 1)
        editor.replace_all(text)
        row = next(i for i, line in enumerate(text.splitlines()) if "self._op = _op" in line)
        editor.cursor_location = (row, len(text.splitlines()[row]))
        await pilot.press("enter", *"self.label = label")
        assert screen.dirty
        await pilot.press("ctrl+s")
        screen = await settle(pilot)
        assert not screen.dirty
        assert screen.verdict is not None and screen.verdict.passed
        assert (home / "workbench" / ENGINE).read_text() == SOLVED
        assert "✓ Passed" in verdict_text(screen)
        assert WorkbenchProgress(home / "workbench.json").passed("value")
        assert screen.verdict.graph is None  # exercise 1 makes single Values: no graph
        assert screen.has_class("-no-learner-graph")


async def test_undo_in_the_editor(tmp_path):
    app = make_app(tmp_path / "home")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        await pilot.press("ctrl+t")
        editor = screen.query_one(CodeEditor)
        before = editor.text
        await pilot.press(*"oops")
        assert editor.text != before
        await pilot.press("ctrl+z")
        assert editor.text == before
        assert not screen.dirty


async def test_enter_indents_and_backspace_dedents(tmp_path):
    app = make_app(tmp_path / "home")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        await pilot.press("ctrl+t")
        editor = screen.query_one(CodeEditor)
        editor.replace_all("")
        await pilot.press(*"if x:", "enter", *"y = 1", "enter", "backspace", *"z = 2")
        assert editor.text == "if x:\n    y = 1\nz = 2"


async def test_keys_that_arrive_together_edit_in_the_order_they_came(tmp_path):
    """Over SSH or from a browser several keys come in one packet: the editor's own keys
    (end, backspace, the arrows) happen where they came among the letters, not after."""
    app = make_app(tmp_path / "home")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        await pilot.press("ctrl+t")
        editor = screen.query_one(CodeEditor)
        editor.replace_all("ab\ncd")
        editor.move_cursor((0, 0))
        await pilot.pause()
        named = {"backspace": "\x7f", "end": None, "down": None, "home": None}
        for key in ["end", "X", "backspace", "Y", "down", "home", "Z"]:
            app.post_message(events.Key(key, named.get(key, key)))
        await pilot.pause(0.3)
        assert editor.text == "abY\nZcd"


async def test_ctrl_s_in_a_burst_saves_the_letters_typed_before_it(tmp_path):
    """ctrl+s is the screen's priority key: it must not overtake the keys before it."""
    home = tmp_path / "home"
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        await pilot.press("ctrl+t")
        editor = screen.query_one(CodeEditor)
        editor.move_cursor((0, 0))
        await pilot.pause()
        for key in [*"# mine\n", "ctrl+s"]:
            character = {"\n": "\r", "ctrl+s": None}.get(key, key)
            app.post_message(events.Key("enter" if key == "\n" else key, character))
        await pilot.pause(0.5)
        saved = (home / "workbench" / "mygrad" / "engine.py").read_text()
        assert saved.startswith("# mine\n")
        assert not screen.dirty


async def test_the_overwriting_mistake_is_named_and_its_nodes_marked(tmp_path):
    home = tmp_path / "home"
    write_engine(home, OVERWRITING)
    app = make_app(home, current="reuse")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        verdict = screen.verdict
        assert verdict is not None and not verdict.passed
        assert verdict.mistake == "= instead of +="
        await pilot.press("ctrl+r")
        text = verdict_text(screen)
        assert "✗ Not yet: = instead of +=" in text
        assert "a.grad is 1.0, should be 2" in text
        rows = tree_rows(screen)
        marked = [row.split()[0] for row in rows if row.endswith(DIFFERS)]
        assert set(marked) == {"a"}
        assert not any(row.endswith(DIFFERS) for row in rows if row.startswith("b "))


async def test_a_mistake_at_an_earlier_exercise_says_which_and_names_it_once(tmp_path):
    home = tmp_path / "home"
    write_engine(home, OVERWRITING)
    app = make_app(home, current="derived-ops")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        assert screen.verdict.summary == "Exercise 6 fails first."
        text = verdict_text(screen)
        assert text.startswith("✗ Not yet: = instead of +=\nExercise 6 fails first.\n")
        assert "fails first: " not in text


async def test_a_pass_shows_the_learners_own_graph_of_the_main_check(tmp_path):
    home = tmp_path / "home"
    write_engine(home, SOLVED)
    app = make_app(home, current="backward")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        verdict = screen.verdict
        assert verdict is not None and verdict.passed
        assert verdict.graph is not None and not verdict.differing
        await pilot.press("ctrl+r")
        assert not screen.has_class("-no-learner-graph")
        assert "Your graph below is this check's:" in verdict_text(screen)
        assert "L.backward()" in verdict_text(screen)
        rows = tree_rows(screen)
        root = rows[0].split()
        assert root[0] == "L" and not any(row.endswith(DIFFERS) for row in rows)
        # The learner's numbers, grads included: dL/da = f * b = -2 * -3 = 6.
        (a_row,) = [row for row in rows if row.split()[0] == "a"]
        assert a_row.split()[1:] == ["data", "2.0000", "grad", "6.0000"]


def test_the_pass_graph_comes_from_a_child_and_stops_when_cancelled(tmp_path, monkeypatch):
    from tutor import workbench_course

    workspace = tmp_path / "workbench"
    course = BuildMicrograd()
    course.init_workspace(workspace)
    (workspace / ENGINE).write_text(SOLVED)
    by_number = {exercise.number: exercise for exercise in course.exercises}
    checker = CourseChecker()
    assert checker.check(workspace, by_number[1], threading.Event()).graph is None
    assert workbench_course.main_check(2).id == "lecture-d"
    verdict = checker.check(workspace, by_number[2], threading.Event())
    assert verdict.passed and verdict.graph["nodes"][0]["label"] == "d"

    cancel = threading.Event()
    real = workbench_course.CourseChecker._graph_of

    def cancelled_meanwhile(self, *args):
        cancel.set()  # a newer save while the graph was being drawn
        return real(self, *args)

    monkeypatch.setattr(workbench_course.CourseChecker, "_graph_of", cancelled_meanwhile)
    assert checker.check(workspace, by_number[2], cancel).cancelled


async def test_an_error_names_the_learners_file_and_line(tmp_path):
    home = tmp_path / "home"
    write_engine(home, SOLVED.replace("self.grad = 0.0", "self.grad = 0.0 + slef"))
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        error = screen.verdict.error
        assert error is not None and error.kind == "NameError"
        line = next(
            number
            for number, text in enumerate(SOLVED.splitlines(), start=1)
            if "self.grad = 0.0" in text
        )
        shown = verdict_text(screen)
        assert f"mygrad/engine.py, line {line}: NameError" in shown
        # said once: on the line that names the place, not again in the check's words
        assert shown.count("name 'slef' is not defined") == 1, shown
        assert "raised the error above." in shown


async def test_an_import_error_is_said_once_with_its_line(tmp_path):
    home = tmp_path / "home"
    write_engine(home, SOLVED.replace("    def __repr__(self):", "    def __repr__(self)", 1))
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        shown = verdict_text(screen)
        assert shown.startswith("✗ Not yet\nYour mygrad could not be imported. Python cannot")
        assert shown.count("SyntaxError") == 1 and shown.count("line 23") == 1, shown
        assert "mygrad/engine.py, line 23: SyntaxError" in shown and "def __repr__(self)" in shown


async def test_an_error_in_the_checks_own_code_is_said_once(tmp_path):
    """An operator that returns a string: the check's next line raises, in the check's
    code, not the learner's; the error's words are shown once, in the line that raised."""
    home = tmp_path / "home"
    made = '        out = Value(self.data + other.data, (self, other), "+")\n'
    write_engine(home, SOLVED.replace(made, made + '        return "the sum"\n'))
    app = make_app(home, current="add-and-mul")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        said = "AttributeError: 'str' object has no attribute '_prev'"
        shown = verdict_text(screen)
        assert screen.verdict.error is not None and screen.verdict.error.file is None
        assert shown.count(said) == 1, shown
        assert "c._prev" in shown and "In this check:" in shown


async def test_printed_output_is_shown_capped(tmp_path):
    home = tmp_path / "home"
    write_engine(home, SOLVED.replace("import math", "import math\nprint('x' * 10000)", 1))
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        assert screen.verdict.passed
        assert "Your code printed:" in verdict_text(screen)
        assert len(verdict_text(screen)) < 5000


class SlowChecker:
    """Blocks each check until cancelled or released; records what happened."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls: list[threading.Event] = []
        self.cancelled: list[int] = []

    def check(self, workspace, exercise, cancel):
        number = len(self.calls)
        self.calls.append(cancel)
        while not self.release.is_set():
            if cancel.wait(0.01):
                self.cancelled.append(number)
                return Verdict(False, "cancelled", cancelled=True)
        return Verdict(True, f"check {number} passed")


async def test_a_new_save_cancels_the_running_check(tmp_path):
    home = tmp_path / "home"
    course = BuildMicrograd()
    course.init_workspace(home / "workbench")
    checker = SlowChecker()
    app = make_app(tmp_path / "other-home")
    async with app.run_test(size=SIZE) as pilot:
        screen = WorkbenchScreen(
            course,
            home / "workbench",
            WorkbenchProgress(home / "workbench.json"),
            checker=checker,
        )
        await app.push_screen(screen)
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.press("ctrl+s")  # a save while the opening check still runs
        await pilot.pause(0.2)
        assert screen.checking
        assert "checking…" in str(screen.query_one("#wb-status").render())
        # The editor still answers while a check runs.
        await pilot.press("#")
        assert screen.dirty
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert checker.cancelled == [0, 1]
        checker.release.set()
        screen = await settle(pilot)
        assert screen.verdict.summary == "check 2 passed"


async def test_an_endless_loop_times_out_and_the_editor_stays_usable(tmp_path):
    home = tmp_path / "home"
    course = BuildMicrograd()
    course.init_workspace(home / "workbench")
    (home / "workbench" / ENGINE).write_text(STUB + "\nwhile True:\n    pass\n")
    app = make_app(tmp_path / "other-home")
    async with app.run_test(size=SIZE) as pilot:
        screen = WorkbenchScreen(
            course,
            home / "workbench",
            WorkbenchProgress(home / "workbench.json"),
            # Long enough for the keys below to arrive while it runs on a busy machine.
            checker=CourseChecker(Limits(wall_seconds=4.0)),
        )
        await app.push_screen(screen)
        await pilot.pause(0.1)
        assert screen.checking
        await pilot.press("ctrl+t", "x")
        assert screen.dirty  # typing went on while the check ran
        assert "checking…" in str(screen.query_one("#wb-status").render())
        screen = await settle(pilot)
        assert screen.verdict.timed_out
        assert "✗ Not yet" in verdict_text(screen)


async def test_reset_keeps_the_old_file_and_restores_the_stub_section(tmp_path):
    home = tmp_path / "home"
    path = write_engine(home, SOLVED)
    app = make_app(home, current="add-and-mul")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        assert screen.verdict.passed
        await pilot.press("x")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("y")
        screen = await settle(pilot)
        kept = list(path.parent.glob("engine.py.before-reset-*"))
        assert len(kept) == 1 and kept[0].read_text() == SOLVED
        assert path.read_text() == STUB  # the exercises share the file: all of it goes back
        assert screen.query_one(CodeEditor).text == STUB
        assert not screen.verdict.passed


async def test_reset_asks_first(tmp_path):
    home = tmp_path / "home"
    path = write_engine(home, SOLVED)
    app = make_app(home, current="add-and-mul")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x", "n")
        await pilot.pause()
        assert path.read_text() == SOLVED
        assert not list(path.parent.glob("engine.py.before-reset-*"))


async def test_hints_come_one_at_a_time(tmp_path):
    home = tmp_path / "home"
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        hints = screen.exercise.hints
        text = screen.query_one("#wb-hints")
        assert str(text.render()) == ""
        await pilot.press("h")
        assert "Hint 1 of 3" in str(text.render()) and "Hint 2" not in str(text.render())
        await pilot.press("h", "h")
        assert "Hint 3 of 3" in str(text.render())
        assert screen.check_action("hint", ()) is None  # no more: shown disabled
        assert WorkbenchProgress(home / "workbench.json").hints_shown("value") == len(hints)


async def test_the_solution_waits_for_a_pass(tmp_path):
    home = tmp_path / "home"
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.screen, (TextDialog, ChoiceDialog))
        assert any("once exercise 1 passes" in n.message for n in app._notifications)
        (home / "workbench" / ENGINE).write_text(SOLVED)
        screen.poll_file()
        screen = await settle(pilot)
        assert screen.verdict.passed
        await pilot.press("s")  # on the text pane, where the letters are keys
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        assert "self._prev = tuple(_children)" in str(app.screen.query_one("#dialog-text").render())


@pytest.mark.slow
async def test_the_solution_after_three_failed_checks_and_a_confirmation(tmp_path):
    home = tmp_path / "home"
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        await pilot.press("ctrl+t")
        for _ in range(3):
            await pilot.press("#", "ctrl+s")
            screen = await settle(pilot)
            assert not screen.verdict.passed
        assert screen.progress.failed_checks("value") == 3
        await pilot.press("escape", "s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)


@pytest.mark.slow
async def test_next_and_previous_and_resuming_where_the_learner_was(tmp_path):
    home = tmp_path / "home"
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        await pilot.press("n", "n")
        screen = await settle(pilot)
        assert screen.exercise.number == 3
        assert f"Exercise 3 of {len(EXERCISES)}" in str(screen.query_one("#wb-crumb").render())
        await pilot.press("p")
        assert screen.exercise.number == 2
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        assert screen.exercise.number == 2


async def test_letters_type_in_the_editor_instead_of_acting(tmp_path):
    app = make_app(tmp_path / "home")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        await pilot.press("ctrl+t", "n", "h", "x")
        assert screen.exercise.number == 1
        assert not isinstance(app.screen, ChoiceDialog)
        assert screen.dirty
        keys = {key for key, active in app.screen.active_bindings.items() if active.binding.show}
        assert "n" not in keys and "escape" in keys and "ctrl+s" in keys


async def test_a_workspace_that_cannot_be_made_is_a_message(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "workbench").write_text("a file where the folder should be")
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        assert isinstance(screen, WorkbenchScreen)
        assert any("could not be made" in n.message for n in app._notifications)
        assert not screen.verdict.passed


async def test_the_lessons_list_and_the_palette_offer_the_course(tmp_path):
    app = TutorApp(ProgressStore(tmp_path / "home"), default_curriculum())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("w")
        screen = await settle(pilot)
        assert isinstance(screen, WorkbenchScreen)
        await pilot.press("escape")  # from the text pane: back to the list
        await pilot.pause()
        assert not isinstance(app.screen, WorkbenchScreen)
        from tutor.commands import TutorCommands

        names = [text for text, _, _ in TutorCommands(app.screen)._commands()]
        assert "Build micrograd: the workbench" in names


@pytest.mark.parametrize("width", [80, 120])
async def test_nothing_is_clipped_and_the_panes_fit(tmp_path, width):
    home = tmp_path / "home"
    write_engine(home, OVERWRITING)
    app = make_app(home, current="reuse")
    async with app.run_test(size=(width, 24 if width == 80 else 40)) as pilot:
        screen = await settle(pilot)
        assert screen.wide == (width >= 120)
        text = screen.query_one(ExerciseText)
        if screen.wide:
            assert text.display and screen.query_one(CodeEditor).display
        for widget in (text, screen.query_one(CodeEditor)):
            assert widget.region.right <= width


@pytest.mark.parametrize("width", [80, 120])
async def test_long_lines_wrap_when_the_editor_is_alone(tmp_path, width):
    app = make_app(tmp_path / "home")
    async with app.run_test(size=(width, 24 if width == 80 else 40)) as pilot:
        screen = await settle(pilot)
        if not screen.wide:
            await pilot.press("ctrl+t")
            await pilot.pause()
        editor = screen.query_one(CodeEditor)
        assert editor.soft_wrap == (width < 120)  # side by side, the editor is wide enough
        row, _ = editor.cursor_location
        assert "TODO (exercise 1)" in editor.document.get_line(row)
        # The exercise's first TODO is on screen, whatever wrapped above it.
        y = editor.wrapped_document.location_to_offset((row, 0)).y if editor.soft_wrap else row
        assert editor.scroll_y <= y < editor.scroll_y + editor.scrollable_content_region.height
        await pilot.press("down", *"# mine")
        assert "# mine" in editor.text and screen.dirty


def test_workbench_alone_at_a_terminal_opens_the_app(monkeypatch, tmp_path):
    from tutor import cli

    opened = {}
    monkeypatch.setenv("MICROGRAD_TUTOR_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    monkeypatch.setattr(cli, "_run_app", lambda lessons, **kwargs: opened.update(kwargs) or 0)
    assert cli.main(["workbench"]) == 0
    assert opened["workbench"] is True
    assert cli.main(["workbench", "--dir", str(tmp_path / "ws")]) == 0
    assert opened["workbench"] == tmp_path / "ws"


async def shared_workbench(pilot) -> WorkbenchScreen:
    """A shared tutor (serve's tabs): name the learner, then open the workbench."""
    await pilot.pause()
    await pilot.press(*"ana", "enter")
    await pilot.pause()
    await pilot.press("escape")  # to the lessons list
    await pilot.pause()
    await pilot.press("w")
    return await settle(pilot)


async def test_a_shared_tutor_without_its_sandbox_runs_no_learner_code_and_says_why(
    tmp_path, monkeypatch
):
    """Under serve every tab runs as the serving account: without bubblewrap the workbench
    is shown, but its checks refuse, naming the cause and what to do (fail closed)."""
    from lessons.workbench import runner, sandbox

    started: list[object] = []
    monkeypatch.setattr(runner, "ChildRun", lambda *a, **k: started.append(a))
    monkeypatch.setenv(sandbox.ENV_BWRAP, str(tmp_path / "missing" / "bwrap"))
    home = tmp_path / "home"
    write_engine(home / "learners" / "ana", SOLVED)
    app = TutorApp(ProgressStore(home), default_curriculum(), ask_learner=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shared_workbench(pilot)
        assert isinstance(screen, WorkbenchScreen)
        assert screen.verdict is not None and not screen.verdict.passed
        await pilot.press("ctrl+r")
        await pilot.pause()
        shown = " ".join(verdict_text(screen).split())
        assert "Checks cannot run in this shared tutor" in shown
        assert "there is no bwrap at" in shown and "install bubblewrap" in shown
        assert "your own account" in shown and "micrograd-tutor workbench" in shown
    assert started == []  # no child Python was started
    assert not WorkbenchProgress(home / "learners" / "ana" / "workbench.json").passed("value")


async def test_a_shared_tutor_checks_in_the_sandbox(tmp_path, monkeypatch, sandboxed):
    """With the sandbox working, a tab's checks run, each inside bubblewrap."""
    from lessons.workbench import sandbox

    wrapped: list[str] = []
    real_wrap = sandbox.wrap
    monkeypatch.setattr(
        sandbox, "wrap", lambda argv, *a, **k: wrapped.append(argv[-1]) or real_wrap(argv, *a, **k)
    )
    home = tmp_path / "home"
    monkeypatch.setenv("MICROGRAD_TUTOR_HOME", str(home))
    write_engine(home / "learners" / "ana", SOLVED)
    app = TutorApp(ProgressStore(home), default_curriculum(), ask_learner=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shared_workbench(pilot)
        assert screen.verdict is not None and screen.verdict.passed, verdict_text(screen)
    assert wrapped and all(path.endswith("child.py") for path in wrapped)
