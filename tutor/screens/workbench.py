"""The "Build micrograd" workbench: the learner writes their own engine, the tutor checks it.

The exercise text sits beside an editor on the learner's file in their workspace
folder (side by side from WIDE_AT columns; below that one pane at a time, ctrl+t and
ctrl+r switch). Every save, from this editor or any other, starts a check in a
thread worker; a newer save cancels a running one. The verdict names the mistake
and draws the learner's own graph in the graph explorer, the nodes whose grad is
wrong marked ✗; a pass draws their graph of the exercise's main check.

The screen gets everything it needs as constructor arguments (the course, the
workspace, a progress file) and tells the app what happened with messages
(:class:`WorkbenchScreen.ExercisePassed`); the app opens it on :class:`OpenWorkbench`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Static, TextArea

from tutor.screens.dialogs import ChoiceDialog, TextDialog
from tutor.textual_compat import is_live
from tutor.widgets.footer import CompactFooter
from tutor.widgets.header import TutorHeader
from tutor.widgets.workbench_panels import (
    FAIL_MARK,
    PASS_MARK,
    CodeEditor,
    ExerciseText,
    LearnerGraph,
    VerdictView,
)
from tutor.workbench_session import (
    Checker,
    Exercise,
    FileWatch,
    Verdict,
    WorkbenchProgress,
    keep_text_aside,
    read_text,
    save_text,
)

__all__ = ["PANES", "WIDE_AT", "WorkbenchScreen"]

WIDE_AT = 120
"""From this many columns the text and the editor sit side by side."""

PANES = ("text", "editor", "result")

POLL_SECONDS = 0.5
"""How often the file on disk is looked at (any editor may change it)."""

TICK_SECONDS = 0.2
"""How often "checking… 3.2 s" is redrawn while a check runs."""

SOLUTION_AFTER_FAILS = 3
"""Failed checks after which the solution may be opened (with a confirmation)."""


class WorkbenchScreen(Screen[None]):
    """One exercise at a time of a course the learner writes in their own files."""

    TITLE = "Build micrograd"

    BINDINGS: ClassVar[list[BindingType]] = [
        # Two bindings for some keys: the first that check_action allows is the one
        # the footer shows (Textual takes the first enabled binding of a key).
        Binding("ctrl+s", "save", "Save", priority=True, tooltip="Save the file, then check it"),
        Binding("ctrl+s", "save_anywhere", "Save", priority=True, show=False),
        Binding(
            "ctrl+t",
            "toggle_text",
            "Text",
            priority=True,
            tooltip="Switch between the exercise text and the editor",
        ),
        Binding("ctrl+t", "toggle_text_back", "Code", priority=True),
        Binding(
            "ctrl+r",
            "toggle_result",
            "Result",
            priority=True,
            tooltip="Switch between the check's result (your graph) and the editor",
        ),
        Binding("ctrl+r", "toggle_result_back", "Code", priority=True),
        Binding("escape", "leave", "Leave", tooltip="Leave the editor, for the keys n p h s x o"),
        Binding("escape", "back", "List", tooltip="Back to the lessons list"),
        Binding("h", "hint", "Hint", tooltip="One more hint for this exercise"),
        Binding("n", "next", "Next", tooltip="The next exercise"),
        Binding("p", "previous", "Prev", show=False, tooltip="The previous exercise"),
        Binding(
            "s",
            "solution",
            "Solution",
            tooltip="The reference solution: once passed, or after 3 failed checks",
        ),
        Binding("x", "reset", "Reset", tooltip="Reset this exercise to its stub (asks first)"),
        Binding("e", "edit", "Edit", show=False, tooltip="Back into the editor"),
        Binding("c", "check", "Check", show=False, tooltip="Check the saved file again"),
        Binding(
            "o",
            "external_editor",
            "$EDITOR",
            show=False,
            tooltip="Edit the file in your $EDITOR (the tutor waits, then checks)",
        ),
    ]

    class ExercisePassed(Message):
        """The learner's code passed an exercise's check for the first time."""

        def __init__(self, exercise: Exercise) -> None:
            super().__init__()
            self.exercise = exercise

    class CheckFinished(Message):
        """From the check worker: the verdict on one save."""

        def __init__(self, token: int, exercise: Exercise, verdict: Verdict) -> None:
            super().__init__()
            self.token = token
            self.exercise = exercise
            self.verdict = verdict

    pane: var[str] = var("editor")
    """Below WIDE_AT columns, the pane on show: text, editor or result."""

    wide: var[bool] = var(False)
    checking: var[bool] = var(False, init=False)
    dirty: var[bool] = var(False, init=False)
    """Whether the editor holds edits that are not saved."""

    def __init__(
        self,
        course,
        workspace: Path,
        progress: WorkbenchProgress,
        *,
        checker: Checker | None = None,
        problem: str | None = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        """``course`` has ``exercises``, ``reset_text(exercise, text)`` and
        ``checker()``; ``problem`` says why the workspace could not be made."""
        super().__init__()
        self.course = course
        self.exercises: list[Exercise] = list(course.exercises)
        self.workspace = workspace
        self.progress = progress
        self.checker: Checker = checker or course.checker()
        self.problem = problem
        self.poll_seconds = poll_seconds
        self.index = self._start_index()
        self.verdict: Verdict | None = None
        self._saved_text = ""
        self._watch: FileWatch | None = None
        self._token = 0
        self._cancel: threading.Event | None = None
        self._started = 0.0
        self._asking = False  # a dialog about the file is open: the poll waits for it
        self._editor: CodeEditor | None = None
        self._kept_text: str | None = None  # the unsaved text last written aside
        self._discarding = False  # the learner chose to leave without saving

    @classmethod
    def for_progress(
        cls, store, folder: Path | None = None, *, exercise: str | None = None
    ) -> WorkbenchScreen:
        """The workbench for the learner whose ``ProgressStore`` is ``store``: the
        workspace in ``folder`` (default ``workbench`` in their progress folder, as
        ``lessons.workbench.default_workspace``), passes recorded in ``store`` and the
        screen's own state in ``workbench.json`` beside it. A workspace that cannot be
        made is a message on the screen, never an exception."""
        from tutor.workbench_course import BuildMicrograd

        course = BuildMicrograd()
        home = Path(store.home)
        workspace = (folder or home / "workbench").expanduser()
        problem = None
        try:
            course.init_workspace(workspace)
        except OSError as error:
            problem = f"The workspace {workspace} could not be made: {error}"
        progress = WorkbenchProgress(
            home / "workbench.json",
            store=store,
            course_id=course.id,
            numbers={each.id: each.number for each in course.exercises},
        )
        if exercise is not None and any(each.id == exercise for each in course.exercises):
            progress.current = exercise  # where the list or the palette asked to go
        return cls(course, workspace, progress, problem=problem)

    # -- what is where

    @property
    def exercise(self) -> Exercise:
        return self.exercises[self.index]

    @property
    def path(self) -> Path:
        return self.workspace / self.exercise.file

    def _start_index(self) -> int:
        ids = [exercise.id for exercise in self.exercises]
        if self.progress.current in ids:
            return ids.index(self.progress.current)
        for number, exercise in enumerate(self.exercises):
            if not self.progress.passed(exercise.id):
                return number
        return 0

    # -- building

    def compose(self) -> ComposeResult:
        yield TutorHeader()
        with Horizontal(id="wb-body"):
            yield ExerciseText(id="wb-text")
            with Vertical(id="wb-work"):
                yield CodeEditor.for_python("", id="wb-editor")
                with Vertical(id="wb-result"):
                    with VerticalScroll(id="wb-verdict-scroll"):
                        yield VerdictView(id="wb-verdict")
                    yield LearnerGraph(id="wb-graph")
        yield Static(id="wb-status")
        yield CompactFooter()

    def on_mount(self) -> None:
        self._editor = self.query_one(CodeEditor)
        self.query_one("#wb-text").border_title = "exercise"
        self.query_one("#wb-verdict-scroll").border_title = "result"
        self._fit(self.app.size.width)
        self._open_exercise(count=False)
        self.set_interval(self.poll_seconds, self.poll_file)
        self.set_interval(TICK_SECONDS, self._tick)
        if self.problem:
            self.notify(self.problem, severity="error", timeout=15, markup=False)
        if self.progress.problem:
            self.notify(self.progress.problem, severity="warning", timeout=10, markup=False)
        self._tell_kept()
        self._show_pane("editor" if self.wide else "text")

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        self.wide = width >= WIDE_AT

    def watch_wide(self, wide: bool) -> None:
        self.set_class(wide, "-wide")
        self.refresh_bindings()

    def watch_pane(self, pane: str) -> None:
        for name in PANES:
            self.set_class(pane == name, f"-pane-{name}")

    def watch_dirty(self) -> None:
        self._show_status()

    def watch_checking(self) -> None:
        self._show_status()

    # -- opening an exercise

    def _open_exercise(self, *, count: bool) -> None:
        """Show the current exercise, load its file into the editor, check it."""
        self.progress.set_current(self.exercise.id)
        self.verdict = None
        self._show_text()
        self._show_verdict()
        self._load_file()
        self.start_check(count=count)

    def _load_file(self) -> None:
        editor = self.query_one(CodeEditor)
        self._watch = FileWatch(self.path)
        try:
            text = read_text(self.path)
        except OSError as error:
            text = ""
            self.notify(
                f"Cannot read {self.exercise.file}: {error.strerror or error}. "
                "x resets it to the stub.",
                severity="error",
                timeout=10,
                markup=False,
            )
        if editor.text != text:
            editor.load_text(text)
        self._saved_text = text
        self.dirty = False
        self._go_to_section()

    def _go_to_section(self) -> None:
        """Put the editor's cursor where this exercise starts: its first ``TODO
        (exercise N)`` (or ``# >>> exercise N`` marker). Nothing moves once those are gone."""
        editor = self.query_one(CodeEditor)
        number = self.exercise.number
        markers = (f"TODO (exercise {number})", f"# >>> exercise {number}:")
        for row, line in enumerate(editor.text.splitlines()):
            if any(marker in line for marker in markers):
                editor.cursor_location = (row, 0)
                # Once laid out, scroll so the exercise starts near the top, its method above.
                self.call_after_refresh(editor.scroll_to, y=max(row - 3, 0), animate=False)
                return

    def _show_text(self) -> None:
        exercise = self.exercise
        self.query_one(ExerciseText).show(
            exercise,
            len(self.exercises),
            passed=self.progress.passed(exercise.id),
            hints_shown=self.progress.hints_shown(exercise.id),
            workspace=_shown_path(self.workspace),
        )
        self.sub_title = f"exercise {exercise.number} of {len(self.exercises)}"
        self.query_one(CodeEditor).border_title = exercise.file

    def _show_verdict(self) -> None:
        self.query_one(VerdictView).show(self.verdict, self.exercise)
        graph = self.query_one(LearnerGraph)
        verdict = self.verdict
        shown = graph.show_snapshot(
            verdict.graph if verdict else None, verdict.differing if verdict else ()
        )
        self.set_class(not shown, "-no-learner-graph")
        self._show_status()

    def _show_status(self) -> None:
        if not is_live(self):
            return
        status = Text()
        saved = "● unsaved" if self.dirty else "saved"
        status.append(f"{self.exercise.number}/{len(self.exercises)} {saved} · ")
        verdict = self.verdict
        if self.checking:
            status.append(f"checking… {time.monotonic() - self._started:.1f} s", style="bold")
        elif verdict is None or verdict.cancelled:
            status.append("not checked yet")
        elif verdict.passed:
            status.append(f"{PASS_MARK} passed", style="bold")
        else:
            status.append(f"{FAIL_MARK} not yet", style="bold")
            if verdict.mistake:
                status.append(f": {verdict.mistake}")
        if not self.wide and self.pane != "result" and verdict is not None and not self.checking:
            status.append(" · ^r result")
        widget = self.query_one("#wb-status", Static)
        widget.update(status)
        widget.set_class(bool(verdict and verdict.passed and not self.checking), "-passed")
        widget.set_class(bool(verdict and not verdict.passed and not self.checking), "-failed")

    def _tick(self) -> None:
        if self.checking:
            self._show_status()

    # -- checking

    def start_check(self, *, count: bool = True) -> None:
        """Check the saved file now; a check still running is cancelled.

        ``count``: a failure counts towards opening the solution (a save does; opening
        an exercise does not)."""
        if self._cancel is not None:
            self._cancel.set()
        self._cancel = threading.Event()
        self._token += 1
        self._started = time.monotonic()
        self._counts = count
        self.checking = True
        self._check(self._token, self.exercise, self._cancel)

    @work(thread=True, exclusive=True, exit_on_error=False, group="check")
    def _check(self, token: int, exercise: Exercise, cancel: threading.Event) -> None:
        try:
            verdict = self.checker.check(self.workspace, exercise, cancel)
        except Exception as error:  # a checker's own failure is a message, not a crash
            verdict = Verdict(False, f"The check itself failed: {type(error).__name__}: {error}")
        self.post_message(self.CheckFinished(token, exercise, verdict))

    @on(CheckFinished)
    def _check_finished(self, message: CheckFinished) -> None:
        if message.token != self._token or not is_live(self):
            return  # a newer save is being checked
        self.checking = False
        verdict = message.verdict
        if verdict.cancelled:
            return
        exercise = message.exercise
        first_pass = verdict.passed and not self.progress.passed(exercise.id)
        if verdict.passed or self._counts:
            self.progress.record(exercise.id, verdict.passed)
        self.verdict = verdict
        self._show_verdict()
        if first_pass:
            self._show_text()
            self.notify(
                f"{PASS_MARK} Exercise {exercise.number} passed: n goes on, s shows a "
                "reference solution.",
                timeout=4,
            )
            self.post_message(self.ExercisePassed(exercise))

    # -- the file on disk

    def poll_file(self) -> None:
        """Called every POLL_SECONDS: a file changed by any editor is checked again."""
        if self._watch is None or self._asking or not is_live(self):
            return
        if not self._watch.changed():
            return
        if not self._watch.state.exists:
            self.notify(
                f"{self.exercise.file} is gone from the workspace. ctrl+s writes the "
                "editor's text back; x resets it to the stub.",
                severity="warning",
                timeout=10,
                markup=False,
            )
            self._saved_text = ""
            self.dirty = True
            return
        try:
            text = read_text(self.path)
        except OSError:
            return  # it went again between the look and the read: the next poll sees it
        if not self.dirty:
            self.query_one(CodeEditor).replace_all(text)
            self._saved_text = text
            self.dirty = False
            self.notify(f"{self.exercise.file} changed on disk: reloaded.", timeout=3)
            self.start_check()
            return
        self._asking = True
        self.start_check()  # the file on disk is what counts, whatever the answer

        def answered(answer: str | None) -> None:
            self._asking = False
            if answer == "l":
                editor = self.query_one(CodeEditor)
                kept = self._keep_text_aside(editor.text, "unsaved")
                editor.replace_all(text)
                self._saved_text = text
                self.dirty = False
                if kept is not None:
                    self.notify(f"Your unsaved edits are kept in {kept.name}.", timeout=8)
            else:
                self._saved_text = text
                self.dirty = self.query_one(CodeEditor).text != text

        self.app.push_screen(
            ChoiceDialog(
                "Changed on disk",
                f"{self.exercise.file} changed on disk while you had unsaved edits here.",
                [
                    ("l", "Load the file from disk (your edits are kept in a copy beside it)"),
                    ("k", "Keep editing your version (ctrl+s will save it over the disk's)"),
                ],
            ),
            answered,
        )

    def _keep_text_aside(self, text: str, why: str) -> Path | None:
        """Write ``text`` beside the file as ``<name>.<why>-<time>``; None if that fails."""
        try:
            return keep_text_aside(self.path, text, why)
        except OSError as error:
            self.notify(f"Could not keep a copy: {error}", severity="error", markup=False)
            return None

    def keep_unsaved_work(self) -> Path | None:
        """The tutor is closing (ctrl+q, a hang-up) or this screen is going: write the
        editor's unsaved edits beside the file as ``<name>.unsaved-<time>``, to be told
        the next time the workbench opens. Nothing asks: a hang-up cannot answer.
        The app calls it before it exits; the screen's unmount calls it again, which
        writes nothing new."""
        editor = self._editor
        if editor is None or not self.dirty or self._discarding:
            return None
        text = editor.text
        if text == self._kept_text:
            return None
        now = datetime.now()
        try:
            target = keep_text_aside(self.path, text, "unsaved", now)
        except OSError:
            return None  # nowhere to write: nothing more can be done while closing
        self._kept_text = text
        try:
            shown = target.relative_to(self.workspace).as_posix()
        except ValueError:
            shown = str(target)
        self.progress.note_kept(shown, now)
        return target

    def _tell_kept(self) -> None:
        for kept in self.progress.take_kept():
            try:
                when = datetime.fromisoformat(str(kept.get("at")))
                since = f" from {when.day} {when:%b %H:%M}"
            except ValueError:
                since = ""
            self.notify(
                f"Your unsaved edits{since} are in {kept['file']} in your workspace: "
                "the tutor closed before they were saved.",
                title="Kept for you",
                timeout=20,
                markup=False,
            )

    @on(TextArea.Changed, "#wb-editor")
    def _edited(self) -> None:
        self.dirty = self.query_one(CodeEditor).text != self._saved_text

    # -- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        in_editor = isinstance(self.focused, CodeEditor)
        if action in (
            "hint",
            "next",
            "previous",
            "solution",
            "reset",
            "external_editor",
            "check",
            "edit",
        ):
            if in_editor:
                return False  # the letters are typing; escape leaves the editor
            if action == "next":
                return self.index < len(self.exercises) - 1 or None
            if action == "previous":
                return self.index > 0 or None
            if action == "hint":
                shown = self.progress.hints_shown(self.exercise.id)
                return shown < len(self.exercise.hints) or None
            return True
        if action == "leave":
            return in_editor
        if action == "save":
            return in_editor
        if action in ("toggle_text", "toggle_text_back"):
            return (self.pane == "text") == (action == "toggle_text_back")
        if action in ("toggle_result", "toggle_result_back"):
            on_result = self.pane == "result"
            return on_result == (action == "toggle_result_back")
        if action == "back":
            stack = self.app.screen_stack
            return not in_editor and len(stack) > 1 and stack[-2].id != "_default"
        return True

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Tab can move the focus too (wide, every pane is on show): follow it.
        for pane, selector in (
            ("text", "#wb-text"),
            ("editor", "#wb-editor"),
            ("result", "#wb-result"),
        ):
            if any(node.id == selector[1:] for node in event.widget.ancestors_with_self):
                self.pane = pane
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_save(self) -> None:
        text = self.query_one(CodeEditor).text
        try:
            save_text(self.path, text)
        except OSError as error:
            self.notify(
                f"Could not save {self.exercise.file}: {error.strerror or error}. "
                "Your text is still in the editor.",
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        self._saved_text = text
        self.dirty = False
        if self._watch is not None:
            self._watch.remember()
        self.start_check()

    def action_save_anywhere(self) -> None:
        self.action_save()

    def action_toggle_text_back(self) -> None:
        self.action_toggle_text()

    def action_toggle_result_back(self) -> None:
        self.action_toggle_result()

    def action_check(self) -> None:
        self.start_check(count=False)

    def action_toggle_text(self) -> None:
        target = "editor" if self.pane == "text" else "text"
        self._show_pane(target)

    def action_toggle_result(self) -> None:
        target = "editor" if self.pane == "result" else "result"
        self._show_pane(target)

    def _show_pane(self, pane: str) -> None:
        self.pane = pane
        self.refresh_bindings()
        widget = {
            "text": "#wb-text",
            "editor": "#wb-editor",
            "result": "#wb-verdict-scroll"
            if self.has_class("-no-learner-graph")
            else "#graph-tree",
        }[pane]
        self.query_one(widget).focus()
        self._show_status()

    def action_leave(self) -> None:
        self._show_pane("result" if self.verdict is not None else "text")

    def action_back(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(answer: str | None) -> None:
            if answer == "s":
                self.action_save()
            if answer == "d":
                self._discarding = True
            if answer in ("s", "d"):
                self.dismiss(None)

        self.app.push_screen(
            ChoiceDialog(
                "Unsaved edits",
                f"Your edits to {self.exercise.file} are not saved.",
                [("s", "Save them, then leave"), ("d", "Leave without saving them")],
            ),
            answered,
        )

    def action_edit(self) -> None:
        self._show_pane("editor")

    def action_hint(self) -> None:
        exercise = self.exercise
        shown = self.progress.hints_shown(exercise.id)
        if shown >= len(exercise.hints):
            self.notify("No more hints for this exercise.", timeout=4)
            return
        self.progress.show_hint(exercise.id, shown + 1)
        self._show_text()
        hint = exercise.hints[shown].replace("`", "")
        self.notify(
            hint, title=f"Hint {shown + 1} of {len(exercise.hints)}", timeout=8, markup=False
        )

    def action_next(self) -> None:
        self._go(self.index + 1)

    def action_previous(self) -> None:
        self._go(self.index - 1)

    def _go(self, index: int) -> None:
        if not 0 <= index < len(self.exercises) or index == self.index:
            return
        same_file = self.exercises[index].file == self.exercise.file
        if self.dirty and not same_file:
            self.action_save()  # never lose the edits; they are the learner's own
        self.index = index
        if same_file:
            self.progress.set_current(self.exercise.id)
            self.verdict = None
            self._show_text()
            self._show_verdict()
            self._go_to_section()
            self.start_check(count=False)
        else:
            self._open_exercise(count=False)
        self.refresh_bindings()

    def action_solution(self) -> None:
        exercise = self.exercise
        if self.progress.passed(exercise.id):
            self._show_solution()
            return
        fails = self.progress.failed_checks(exercise.id)
        if fails < SOLUTION_AFTER_FAILS:
            self.notify(
                f"The solution opens once exercise {exercise.number} passes, or after "
                f"{SOLUTION_AFTER_FAILS} failed checks ({fails} so far). h gives a hint.",
                timeout=4,
            )
            return

        def answered(answer: str | None) -> None:
            if answer == "y":
                self._show_solution()

        self.app.push_screen(
            ChoiceDialog(
                "The solution",
                f"Exercise {exercise.number} has not passed yet. See the reference solution "
                "anyway? Reading it spoils the puzzle; a hint (h) may be enough.",
                [("y", "Yes, show me the solution"), ("n", "No, let me try again")],
            ),
            answered,
        )

    def _show_solution(self) -> None:
        exercise = self.exercise
        body = Text(exercise.solution.rstrip("\n"))
        self.app.push_screen(TextDialog(f"Exercise {exercise.number}: a reference solution", body))

    def action_reset(self) -> None:
        exercise = self.exercise

        def answered(answer: str | None) -> None:
            if answer == "y":
                self._reset()

        kept = f"{Path(exercise.file).name}.before-reset-<time>"
        if getattr(self.course, "resets_sections", True):
            question = (
                f"Put exercise {exercise.number}'s part of {exercise.file} back to the stub? "
                f"Your whole file is kept beside it first, as {kept}."
            )
        else:
            question = (
                f"Put {exercise.file} back to the stub? The exercises share its methods, so "
                f"the whole file goes back, every exercise in it. Your file is kept beside "
                f"it first, as {kept}."
            )
        self.app.push_screen(
            ChoiceDialog(
                "Reset",
                question,
                [("y", "Yes, reset"), ("n", "No, keep my code")],
            ),
            answered,
        )

    def _reset(self) -> None:
        editor = self.query_one(CodeEditor)
        current = editor.text
        kept = self._keep_text_aside(current, "before-reset")
        if kept is None:
            return  # nothing is thrown away without a copy
        text, section_only = self.course.reset_text(self.exercise, current)
        try:
            save_text(self.path, text)
        except OSError as error:
            self.notify(f"Could not reset: {error}", severity="error", markup=False)
            return
        editor.replace_all(text)
        self._saved_text = text
        self.dirty = False
        if self._watch is not None:
            self._watch.remember()
        what = "This exercise's part" if section_only else "The whole file (its markers were gone)"
        self.notify(
            f"{what} is back to the stub. Your file was kept as {kept.name}.",
            timeout=8,
            markup=False,
        )
        self.start_check(count=False)

    def action_external_editor(self) -> None:
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ""
        try:
            argv = shlex.split(command)
        except ValueError:
            argv = []
        if not argv:
            self.notify(
                "No $EDITOR is set. Use the editor here, or set EDITOR (for example "
                "EDITOR=nano) before starting the tutor.",
                severity="warning",
                timeout=8,
                markup=False,
            )
            return
        if shutil.which(argv[0]) is None:
            self.notify(
                f"$EDITOR is {command!r}, which is not a program found here.",
                severity="error",
                timeout=8,
                markup=False,
            )
            return
        if self.dirty:
            self.action_save()
        try:
            with self.app.suspend():
                code = subprocess.call([*argv, str(self.path)])
        except SuspendNotSupported:
            self.notify(
                "This terminal cannot hand itself to another program (a browser cannot). "
                f"Edit here, or open {self.path} in another window: the tutor sees each save.",
                severity="warning",
                timeout=10,
                markup=False,
            )
            return
        except OSError as error:
            self.notify(f"Could not run {command!r}: {error}", severity="error", markup=False)
            return
        if code != 0:
            self.notify(f"{argv[0]} ended with exit code {code}.", severity="warning", markup=False)
        self.poll_file()

    def on_unmount(self) -> None:
        if self._cancel is not None:
            self._cancel.set()  # a check still running stops with the screen
        self.keep_unsaved_work()


def _shown_path(path: Path) -> str:
    """``~/…`` for a folder under the home directory: shorter, and what a learner types."""
    try:
        return f"~/{path.resolve().relative_to(Path.home().resolve())}"
    except (ValueError, RuntimeError, OSError):
        return str(path)
