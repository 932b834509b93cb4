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
The editor and the file behind it are ``tutor.widgets.workbench_editor``, the check
worker and the result pane ``tutor.widgets.workbench_result``, the dialogs it opens
(the question before an exercise, the solution, a reset) ``tutor.screens.workbench_asks``.
An exercise's question is asked with ``a`` and its answer kept; until then a result's
curves, which would give the answer away, stay hidden.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen

from tutor.messages import OpenLab
from tutor.screens.workbench_asks import WorkbenchDialogs
from tutor.textual_compat import is_live
from tutor.widgets.footer import CompactFooter
from tutor.widgets.header import TutorHeader
from tutor.widgets.workbench_editor import LearnerFileEditor
from tutor.widgets.workbench_panels import PASS_MARK, CodeEditor, ExerciseText, WorkbenchStatus
from tutor.widgets.workbench_result import ResultPane
from tutor.workbench_session import (
    Checker,
    Exercise,
    Verdict,
    WorkbenchProgress,
    kept_notice,
    save_text,
    shown_path,
)

__all__ = ["PANES", "WIDE_AT", "WorkbenchScreen"]

WIDE_AT = 120
"""From this many columns the text and the editor sit side by side."""

PANES = ("text", "editor", "result")

POLL_SECONDS = 0.5
"""How often the file on disk is looked at (any editor may change it)."""

TICK_SECONDS = 0.2
"""How often "checking… 3.2 s" is redrawn while a check runs."""


class WorkbenchScreen(WorkbenchDialogs, Screen[None]):
    """One exercise at a time of a course the learner writes in their own files."""

    TITLE = "Build micrograd"

    BINDINGS: ClassVar[list[BindingType]] = [
        # Two bindings for some keys: the first that check_action allows is the one
        # the footer shows (Textual takes the first enabled binding of a key).
        Binding(
            "ctrl+s", "save_typed", "Save", priority=True, tooltip="Save the file, then check it"
        ),
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
        Binding("escape", "leave", "Leave", tooltip="Leave the editor, for the keys n p h a s x o"),
        Binding("escape", "back", "List", tooltip="Back to the lessons list"),
        Binding("h", "hint", "Hint", tooltip="One more hint for this exercise"),
        Binding("a", "answer", "Answer", tooltip="Answer the question asked before the exercise"),
        Binding("a", "your_answer", "Question", show=False, tooltip="What you answered, and why"),
        Binding("n", "next", "Next", tooltip="The next exercise"),
        # Before the keys the footer leaves out first when the terminal is narrow.
        Binding(
            "l", "lab", "Lab", tooltip="Train your own engine on the moons in the training lab"
        ),
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

    pane: var[str] = var("editor")
    """Below WIDE_AT columns, the pane on show: text, editor or result."""

    wide: var[bool] = var(False)
    checking: var[bool] = var(False, init=False)

    def __init__(
        self,
        course,
        workspace: Path,
        progress: WorkbenchProgress,
        *,
        checker: Checker | None = None,
        problem: str | None = None,
        notice: str | None = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        """``course`` has ``exercises``, ``reset_text(exercise, text)`` and
        ``checker()``; ``problem`` says why the workspace could not be made, ``notice``
        what changed in it as it opened."""
        super().__init__()
        self.course = course
        self.exercises: list[Exercise] = list(course.exercises)
        self.workspace = workspace
        self.progress = progress
        self.checker: Checker = checker or course.checker()
        self.problem = problem
        self.notice = notice
        self.poll_seconds = poll_seconds
        self.index = self._start_index()
        self.verdict: Verdict | None = None
        self._editor: LearnerFileEditor | None = None

    @classmethod
    def for_progress(
        cls, store, folder: Path | None = None, *, exercise: str | None = None
    ) -> WorkbenchScreen:
        """The workbench for the learner whose ``ProgressStore`` is ``store``: the
        workspace in ``folder`` (default ``workbench`` in their progress folder, as
        ``lessons.workbench.default_workspace``), passes recorded in ``store`` and the
        screen's own state in ``workbench.json`` beside it. A workspace that cannot be
        made is a message on the screen, never an exception."""
        from tutor.workbench_course import learners_course

        course, workspace, progress, problem, notice = learners_course(store, folder, exercise)
        return cls(course, workspace, progress, problem=problem, notice=notice)

    # -- what is where

    @property
    def exercise(self) -> Exercise:
        return self.exercises[self.index]

    @property
    def path(self) -> Path:
        return self.workspace / self.exercise.file

    @property
    def dirty(self) -> bool:
        """Whether the editor holds edits that are not saved."""
        return self._editor is not None and self._editor.dirty

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
                yield LearnerFileEditor.for_python("", id="wb-editor")
                yield ResultPane(id="wb-result")
        yield WorkbenchStatus(id="wb-status")
        yield CompactFooter()

    def on_mount(self) -> None:
        self._editor = self.query_one(LearnerFileEditor)
        self.watch(self._editor, "dirty", self._show_status, init=False)
        self.query_one("#wb-text").border_title = "exercise"
        self.query_one("#wb-verdict-scroll").border_title = "result"
        self._fit(self.app.size.width)
        self._open_exercise(count=False)
        self.set_interval(self.poll_seconds, self.poll_file)
        self.set_interval(TICK_SECONDS, self._tick)
        if self.problem:
            self.notify(self.problem, severity="error", timeout=15, markup=False)
        if self.notice:
            self.notify(self.notice, timeout=15, markup=False)
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
        # One pane at a time is too narrow for the stubs' long lines: wrap them there.
        self.query_one(LearnerFileEditor).soft_wrap = not wide
        self.refresh_bindings()

    def watch_pane(self, pane: str) -> None:
        for name in PANES:
            self.set_class(pane == name, f"-pane-{name}")

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
        self.query_one(LearnerFileEditor).open_file(self.path, self.exercise.file)
        self._go_to_section()

    def _go_to_section(self) -> None:
        """Put the editor's cursor where this exercise starts: its first ``TODO
        (exercise N)`` (or ``# >>> exercise N`` marker). Nothing moves once those are gone."""
        number = self.exercise.number
        markers = (f"TODO (exercise {number})", f"# >>> exercise {number}:")
        self.query_one(LearnerFileEditor).go_to_first(markers)

    def _show_text(self) -> None:
        exercise = self.exercise
        self.query_one(ExerciseText).show(
            exercise,
            len(self.exercises),
            passed=self.progress.passed(exercise.id),
            hints_shown=self.progress.hints_shown(exercise.id),
            workspace=shown_path(self.workspace),
            answer=self.progress.answer(exercise.id),
            locked=self.locked_because(),
        )
        self.sub_title = f"exercise {exercise.number} of {len(self.exercises)}"
        self.query_one(CodeEditor).border_title = exercise.file

    def locked_because(self) -> str:
        """Why the exercise on show cannot be done yet, in a sentence ("" when it can):
        the exercises it needs that have not passed."""
        needed = self.exercise.requires
        missing = [number for number, key in needed if not self.progress.passed(key)]
        if not missing:
            return ""
        still = ", ".join(map(str, missing[:6])) + (", ..." if len(missing) > 6 else "")
        return (
            f"This exercise opens once exercises {needed[0][0]} to {needed[-1][0]} pass: "
            f"the training lab needs your Value and your MLP. Still to pass: {still}."
        )

    def on_screen_resume(self) -> None:
        """Back from the lab (or a dialog): the milestone may have passed there."""
        if self._editor is not None:
            self._show_text()

    def _show_verdict(self) -> None:
        exercise = self.exercise
        # A question asked before the exercise would be spoilt by its curves.
        waiting = exercise.question is not None and self.progress.answer(exercise.id) is None
        shown = self.query_one(ResultPane).show(self.verdict, exercise, curves=not waiting)
        self.set_class(not shown, "-no-learner-graph")
        self._show_status()
        self.refresh_bindings()

    def _show_status(self) -> None:
        if not is_live(self):
            return
        checking = self.checking
        started = self.query_one(ResultPane).started
        self.query_one(WorkbenchStatus).show(
            f"{self.exercise.number}/{len(self.exercises)}",
            dirty=self.dirty,
            checking_for=time.monotonic() - started if checking else None,
            verdict=self.verdict,
            point_to_result=not self.wide and self.pane != "result" and not checking,
        )

    def _tick(self) -> None:
        if self.checking:
            self._show_status()

    # -- checking

    def start_check(self, *, count: bool = True) -> None:
        """Check the saved file now; a check still running is cancelled.

        ``count``: a failure counts towards opening the solution (a save does; opening
        an exercise does not)."""
        self.query_one(ResultPane).start(self.checker, self.workspace, self.exercise, counts=count)
        self.checking = True

    @on(ResultPane.CheckFinished)
    def _check_finished(self, message: ResultPane.CheckFinished) -> None:
        if not is_live(self):
            return
        self.checking = False
        verdict = message.verdict
        if verdict.cancelled:
            return
        exercise = message.exercise
        first_pass = verdict.passed and not self.progress.passed(exercise.id)
        if verdict.passed or message.counts:
            self.progress.record(exercise.id, verdict.passed)
        if verdict.passed:  # a check passes every exercise up to this one, in order
            for earlier in self.exercises[: self.exercises.index(exercise)]:
                if not self.progress.passed(earlier.id):
                    self.progress.record(earlier.id, True)
        self.verdict = verdict
        self._show_verdict()
        if first_pass:
            self._show_text()
            self.app.clear_notifications()  # one at a time: they stack over the text
            self.notify(
                f"{PASS_MARK} Exercise {exercise.number} passed: n goes on, s shows a "
                "reference solution.",
                timeout=4,
            )
            self.post_message(self.ExercisePassed(exercise))

    # -- the file on disk

    def poll_file(self) -> None:
        """Called every POLL_SECONDS: a file changed by any editor is checked again."""
        if is_live(self) and self.query_one(LearnerFileEditor).poll():
            self.start_check()

    def keep_unsaved_work(self) -> Path | None:
        """The tutor is closing (ctrl+q, a hang-up) or this screen is going: write the
        editor's unsaved edits beside the file as ``<name>.unsaved-<time>``, to be told
        the next time the workbench opens. Nothing asks: a hang-up cannot answer.
        The app calls it before it exits; the screen's unmount calls it again, which
        writes nothing new."""
        if self._editor is None:
            return None
        now = datetime.now()
        target = self._editor.keep_unsaved(now)
        if target is None:
            return None
        try:
            shown = target.relative_to(self.workspace).as_posix()
        except ValueError:
            shown = str(target)
        self.progress.note_kept(shown, now)
        return target

    def _tell_kept(self) -> None:
        for kept in self.progress.take_kept():
            self.notify(kept_notice(kept), title="Kept for you", timeout=20, markup=False)

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
            "answer",
            "your_answer",
            "lab",
        ):
            if in_editor:
                return False  # the letters are typing; escape leaves the editor
            if action in ("answer", "your_answer"):
                exercise = self.exercise
                answered = self.progress.answer(exercise.id) is not None
                return exercise.question is not None and answered == (action == "your_answer")
            if action == "next":
                return self.index < len(self.exercises) - 1 or None
            if action == "previous":
                return self.index > 0 or None
            if action == "lab":
                return self.exercise.lab
            if action == "hint":
                shown = self.progress.hints_shown(self.exercise.id)
                return shown < len(self.exercise.hints) or None
            return True
        if action == "leave":
            return in_editor
        if action == "save_typed":
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
        editor = self.query_one(LearnerFileEditor)
        text = editor.text
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
        editor.is_saved(text)
        self.start_check()

    def action_save_typed(self) -> None:
        """ctrl+s. A priority key runs as it arrives, ahead of the keys just before it
        that still wait for the editor (typed in one burst: one packet over SSH, one
        message from a browser); the save waits for them, so that what was typed is
        what is saved."""
        self.query_one(LearnerFileEditor).call_later(self.action_save)

    def action_save_anywhere(self) -> None:
        self.action_save_typed()

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

    def action_edit(self) -> None:
        self._show_pane("editor")

    def action_your_answer(self) -> None:
        self.action_answer()

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

    def action_lab(self) -> None:
        """The training lab on the learner's engine; the app says why not, if it cannot."""
        locked = self.locked_because()
        if locked:
            self.notify(locked, title="Locked", severity="warning", timeout=8, markup=False)
            return
        self.post_message(OpenLab(engine="mine"))

    def action_external_editor(self) -> None:
        editor = self.query_one(LearnerFileEditor)
        argv = editor.external_command()
        if argv is None:
            return
        if self.dirty:
            self.action_save()
        if editor.run_external(argv):
            self.poll_file()

    def on_unmount(self) -> None:
        self.keep_unsaved_work()  # the result pane cancels a check still running
