"""What the workbench screen asks the learner, in dialogs: the question before an
exercise, the solution before a pass, a reset, and unsaved edits on the way out.

A mixin of ``WorkbenchScreen`` (``tutor.screens.workbench``), which has the exercise,
its progress, the editor and the checks these use; apart only to keep each file to
one job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from tutor.screens.dialogs import (
    QuestionDialog,
    TextDialog,
    reset_question,
    solution_question,
    unsaved_question,
)
from tutor.widgets.workbench_editor import LearnerFileEditor
from tutor.widgets.workbench_panels import answer_text
from tutor.workbench_session import save_text

if TYPE_CHECKING:
    from pathlib import Path

    from tutor.workbench_session import Exercise, WorkbenchProgress

__all__ = ["SOLUTION_AFTER_FAILS", "WorkbenchDialogs"]

SOLUTION_AFTER_FAILS = 3
"""Failed checks after which the solution may be opened (with a confirmation)."""


class WorkbenchDialogs:
    """The actions of ``WorkbenchScreen`` that open a dialog and act on its answer."""

    if TYPE_CHECKING:
        course: object
        exercise: Exercise
        progress: WorkbenchProgress
        path: Path
        dirty: bool

        def action_save(self) -> None: ...
        def start_check(self, *, count: bool = True) -> None: ...
        def _show_text(self) -> None: ...
        def _show_verdict(self) -> None: ...

    def action_answer(self) -> None:
        """The exercise's question: asked until answered, then what the learner said."""
        exercise = self.exercise
        question = exercise.question
        if question is None:
            return
        answer = self.progress.answer(exercise.id)
        if answer is not None:
            body = answer_text(question, answer["text"], answer["right"])
            title = f"Exercise {exercise.number}: your answer"
            self.app.push_screen(TextDialog(title, Text(question.prompt + "\n\n") + body))
            return

        def answered(given: tuple[str, bool | None] | None) -> None:
            if given is None or self.exercise.id != exercise.id:
                return
            self.progress.record_answer(exercise.id, *given)
            self._show_text()
            self._show_verdict()

        self.app.push_screen(QuestionDialog(exercise), answered)

    def action_back(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return

        def answered(answer: str | None) -> None:
            if answer == "s":
                self.action_save()
            if answer == "d":
                self.query_one(LearnerFileEditor).discarding = True
            if answer in ("s", "d"):
                self.dismiss(None)

        self.app.push_screen(unsaved_question(self.exercise), answered)

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

        self.app.push_screen(solution_question(exercise), answered)

    def _show_solution(self) -> None:
        exercise = self.exercise
        body = Text(exercise.solution.rstrip("\n"))
        self.app.push_screen(TextDialog(f"Exercise {exercise.number}: a reference solution", body))

    def action_reset(self) -> None:
        exercise = self.exercise

        def answered(answer: str | None) -> None:
            if answer == "y":
                self._reset()

        whole_file = not getattr(self.course, "resets_sections", True)
        self.app.push_screen(reset_question(exercise, whole_file=whole_file), answered)

    def _reset(self) -> None:
        editor = self.query_one(LearnerFileEditor)
        current = editor.text
        kept = editor.keep_text_aside(current, "before-reset")
        if kept is None:
            return  # nothing is thrown away without a copy
        text, section_only = self.course.reset_text(self.exercise, current)
        try:
            save_text(self.path, text)
        except OSError as error:
            self.notify(f"Could not reset: {error}", severity="error", markup=False)
            return
        editor.replace_all(text)
        editor.is_saved(text)
        what = "This exercise's part" if section_only else "The whole file (its markers were gone)"
        self.notify(
            f"{what} is back to the stub. Your file was kept as {kept.name}.",
            timeout=8,
            markup=False,
        )
        self.start_check(count=False)
