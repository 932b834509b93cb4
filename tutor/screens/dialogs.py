"""Small modal dialogs: a question with a few answers, each on its own key; a page of
text; an exercise's question, answered once, by keyboard."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static

from tutor.textual_compat import InOrderInput
from tutor.widgets.footer import CompactFooter
from tutor.widgets.step_panels import ChoiceList
from tutor.widgets.workbench_panels import answer_text

if TYPE_CHECKING:
    from tutor.workbench_session import Exercise

__all__ = [
    "ChoiceDialog",
    "QuestionDialog",
    "TextDialog",
    "reset_question",
    "solution_question",
    "unsaved_question",
]


class ChoiceDialog(ModalScreen[str | None]):
    """``question`` and answers ``[(key, label), ...]``; dismisses with the key
    pressed, or None on escape. Keys are letters, so they read the same everywhere."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "answer(None)", "Cancel", tooltip="Close without doing anything"),
    ]

    def __init__(self, title: str, question: str, answers: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.answers = answers

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog-box") as box:
            box.border_title = self.title_text
            yield Static(Text(self.question), id="dialog-question")
            for key, label in self.answers:
                line = Text.assemble((f" {key} ", "bold reverse"), " ", label)
                yield Static(line, classes="dialog-answer")
            yield Static(Text("escape: cancel"), classes="dialog-answer")
        yield CompactFooter()

    def on_mount(self) -> None:
        self.query_one("#dialog-box").focus()

    def on_key(self, event: events.Key) -> None:
        # The answers change from dialog to dialog, so they are keys, not BINDINGS;
        # the dialog lists them itself.
        if any(event.key == key for key, _ in self.answers):
            event.stop()
            self.dismiss(event.key)

    def action_answer(self, key: str | None) -> None:
        self.dismiss(key)


class TextDialog(ModalScreen[None]):
    """A read-only page of text (a solution), scrolled by keyboard, closed with escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Back to the workbench"),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, title: str, body: Text) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog-box", classes="-wide") as box:
            box.border_title = self.title_text
            box.border_subtitle = "↑↓ scroll · escape closes"
            yield Static(self.body, id="dialog-text")
        yield CompactFooter()

    def on_mount(self) -> None:
        self.query_one("#dialog-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)


class QuestionDialog(ModalScreen["tuple[str, bool | None] | None"]):
    """An exercise's question (``lessons.workbench.Question``), asked before it: the
    learner types a number or a sentence (enter), or picks a choice (its digit, or the
    arrows and enter). Their first answer is judged and the explanation shown; enter or
    escape then closes, dismissing with ``(answer, right)`` (``right`` None for a
    "why"). Escape before answering dismisses with None: asked again later."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "later", "Later", tooltip="Close; the question waits (a asks it)"),
        Binding("escape", "close", "Close", tooltip="Back to the workbench"),
        Binding("enter", "close", "Close", show=False),
    ]

    def __init__(self, exercise: Exercise) -> None:
        super().__init__()
        self.exercise = exercise
        self.question = exercise.question
        self.answered: tuple[str, bool | None] | None = None

    def compose(self) -> ComposeResult:
        question = self.question
        with VerticalScroll(id="dialog-box", classes="-wide") as box:
            box.border_title = f"Exercise {self.exercise.number}: before you start"
            yield Static(Text(question.prompt), id="dialog-question")
            if question.kind == "choice":
                yield ChoiceList(question.choices, id="question-answer")
            else:
                what = "a number" if question.kind == "number" else "a sentence"
                placeholder = f"{what}, then enter"
                yield InOrderInput(placeholder=placeholder, id="question-answer", compact=True)
            yield Static(id="question-feedback")
            yield Static(Text("escape: later (a asks it again)"), id="question-keys")
        yield CompactFooter()

    def on_mount(self) -> None:
        self.query_one("#question-feedback").display = False
        self.query_one("#question-answer").focus()

    @on(Input.Submitted, "#question-answer")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        self._answer(event.value)

    @on(OptionList.OptionSelected, "#question-answer")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._answer(str(event.option.id))

    def _answer(self, given: str) -> None:
        given = " ".join(given.split())
        feedback = self.query_one("#question-feedback", Static)
        feedback.display = True
        if not given:
            feedback.update(Text("Type an answer first, then press enter."))
            return
        try:
            right = self.question.judge(given)
        except ValueError as error:
            feedback.update(Text(str(error)))
            return
        self.answered = (given, right)
        feedback.update(answer_text(self.question, given, right))
        self.query_one("#question-answer").disabled = True
        self.query_one("#question-keys", Static).update(Text("enter or escape: close"))
        self.refresh_bindings()
        box = self.query_one("#dialog-box")
        box.focus()
        box.scroll_end(animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("later", "close"):
            return (self.answered is None) == (action == "later")
        return True

    def action_later(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(self.answered)


# -- the workbench's questions ----------------------------------------------------------


def unsaved_question(exercise: Exercise) -> ChoiceDialog:
    """Leaving the workbench with unsaved edits: ``s`` save, ``d`` discard."""
    return ChoiceDialog(
        "Unsaved edits",
        f"Your edits to {exercise.file} are not saved.",
        [("s", "Save them, then leave"), ("d", "Leave without saving them")],
    )


def reset_question(exercise: Exercise, *, whole_file: bool) -> ChoiceDialog:
    """Putting the exercise back to its stub (``whole_file``: not one section): ``y``."""
    kept = f"{PurePosixPath(exercise.file).name}.before-reset-<time>"
    if whole_file:
        question = (
            f"Put {exercise.file} back to the stub? The exercises share its methods, so "
            f"the whole file goes back, every exercise in it. Your file is kept beside "
            f"it first, as {kept}."
        )
    else:
        question = (
            f"Put exercise {exercise.number}'s part of {exercise.file} back to the stub? "
            f"Your whole file is kept beside it first, as {kept}."
        )
    return ChoiceDialog("Reset", question, [("y", "Yes, reset"), ("n", "No, keep my code")])


def solution_question(exercise: Exercise) -> ChoiceDialog:
    """The reference solution before the exercise passed: ``y`` shows it."""
    return ChoiceDialog(
        "The solution",
        f"Exercise {exercise.number} has not passed yet. See the reference solution "
        "anyway? Reading it spoils the puzzle; a hint (h) may be enough.",
        [("y", "Yes, show me the solution"), ("n", "No, let me try again")],
    )
