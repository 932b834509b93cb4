"""The answer area every kind of lesson step can carry.

* ``ExerciseBox``: the prompt, an answer box (or a list of choices), feedback in
  colour *and* words, hints revealed one at a time, and the explanation once the
  answer is right. Its parts are plain text, as ``lessons.model`` says they are.
  At most part of the column high, it scrolls (and takes focus) when it holds more.
* ``AnswerInput`` and ``ChoiceList``: where the answer is typed or picked;
  ``NumberKeysInput`` leaves n, p and h to the lesson while a number is typed.
* ``OverflowScroll``: a scroller that is a tab stop only while it has something
  to scroll.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from lessons.model import Exercise, Feedback
from tutor.textual_compat import InOrderInput

__all__ = [
    "AnswerInput",
    "ChoiceList",
    "ExerciseBox",
    "NumberKeysInput",
    "OverflowScroll",
]


class NumberKeysInput(InOrderInput):
    """An input that leaves h, n and p to the lesson when it holds a number.

    A number never contains those letters, so in a number box they still mean
    hint / next / previous; any other box is left with escape first.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "leave",
            "Leave box",
            tooltip="In an answer box: stop typing, so that n, p and h work again",
        ),
    ]

    _PASS_THROUGH: ClassVar[dict[str, str]] = {"h": "hint", "n": "next", "p": "previous"}

    numeric: ClassVar[bool] = True

    def _on_key(self, event: events.Key) -> None:
        action = self._PASS_THROUGH.get(event.character or "") if self.numeric else None
        if action is not None:
            # prevent_default skips Input's own key handler, which would type the letter.
            event.stop()
            event.prevent_default()
            # Queued on the screen, not awaited here: moving to another step removes
            # this very input, which cannot finish while it is still handling the key.
            self.screen.call_later(self.screen.run_action, action)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        # Lets the footer show n / p / h while a number is being typed.
        if self.numeric and character in self._PASS_THROUGH:
            return False
        return super().check_consume_key(key, character)

    def action_leave(self) -> None:
        self.screen.set_focus(None)


class AnswerInput(NumberKeysInput):
    """The box a learner types an answer into; enter submits it. ↑/↓ scroll the
    lesson's text meanwhile (a one-line box has no use for them)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "down",
            "scroll_text(1)",
            "Scroll text",
            key_display="↑/↓",
            tooltip="In an answer box: scroll the lesson's text",
        ),
        Binding("up", "scroll_text(-1)", "Scroll text", key_display="↑/↓", show=False),
    ]

    def __init__(self, *, numeric: bool, placeholder: str, id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id, compact=True)
        self.numeric = numeric

    class ScrollText(Message):
        """Scroll the text the learner is reading by a line (the lesson screen does it)."""

        def __init__(self, direction: int) -> None:
            super().__init__()
            self.direction = direction

    def action_scroll_text(self, direction: int) -> None:
        self.post_message(self.ScrollText(direction))


class ChoiceList(OptionList):
    """The choices of a multiple-choice exercise; enter or a digit picks one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Choose", tooltip="Choose the highlighted answer"),
        *[Binding(str(n), f"pick({n})", "Choose by number", show=False) for n in range(1, 10)],
    ]

    def __init__(self, choices: tuple[str, ...], id: str | None = None) -> None:
        # Compact (no border): two rows more for the question and the text beside.
        super().__init__(
            *[Option(f"{n}. {choice}", id=choice) for n, choice in enumerate(choices, 1)],
            id=id,
            compact=True,
        )

    def action_pick(self, number: int) -> None:
        if number <= self.option_count:
            self.highlighted = number - 1
            self.action_select()


class OverflowScroll(VerticalScroll):
    """A scrolling container that is a tab stop only while it has something to scroll:
    then it shows its scrollbar and ↑/↓ scroll it; otherwise tab passes it by."""

    def allow_focus(self) -> bool:
        return self.max_scroll_y > 0

    @property
    def overflows(self) -> bool:
        """Whether it holds more than it shows."""
        return self.max_scroll_y > 0


class ExerciseBox(OverflowScroll):
    """One exercise: prompt, answer area, feedback, hints and, once solved, the explanation.

    It is at most part of the screen's height (``tutor.tcss``); when what it holds
    is taller, it shows a scrollbar and takes focus (tab, or the lesson gives it
    focus after a right answer), so ↑/↓ scroll it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "scroll_down", "Scroll", key_display="↑/↓", tooltip="Scroll the exercise"),
    ]

    class Answered(Message):
        """The learner answered and the exercise checked it."""

        def __init__(self, box: ExerciseBox, feedback: Feedback) -> None:
            super().__init__()
            self.box = box
            self.feedback = feedback

        @property
        def control(self) -> ExerciseBox:
            return self.box

    hints_shown: reactive[int] = reactive(0)
    solved: reactive[bool] = reactive(False)
    feedback: reactive[Feedback | None] = reactive(None)

    def __init__(self, exercise: Exercise, *, solved: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.exercise = exercise
        self.set_reactive(ExerciseBox.solved, solved)
        self.set_reactive(ExerciseBox.hints_shown, 0)
        self.set_reactive(ExerciseBox.feedback, None)

    # Prompts, hints, feedback and explanations are plain text (lessons.model says so):
    # shown as written, so `__mul__` stays `__mul__`, and nothing is parsed as Markdown.

    def compose(self) -> ComposeResult:
        yield Static(Text(self.exercise.prompt), classes="exercise-prompt")
        kind = self.exercise.answer_kind
        if kind == "choice":
            yield ChoiceList(self.exercise.choices, id="answer")
        elif kind in ("number", "expression"):
            yield AnswerInput(
                numeric=kind == "number", placeholder=self.exercise.placeholder, id="answer"
            )
        yield Static(id="feedback")
        yield Static(id="hints")
        yield Static(id="explanation")

    def on_mount(self) -> None:
        self._show_feedback()
        self._show_hints()
        self._show_solved()

    @property
    def answer_widget(self) -> Input | OptionList | None:
        found = self.query("#answer")
        return found.first() if found else None  # type: ignore[return-value]

    @property
    def hints_left(self) -> int:
        return 0 if self.solved else len(self.exercise.hints) - self.hints_shown

    def reveal_hint(self) -> bool:
        """Show the next hint; False when there is none left to show."""
        if self.hints_left <= 0:
            return False
        self.hints_shown += 1
        return True

    def submit(self, answer: object) -> Feedback:
        """Check an answer (text, a choice, or what an action produced) and show the result."""
        if self.solved:
            return Feedback(True, "Already solved.")
        feedback = self.exercise.check(answer)
        self.feedback = feedback
        if feedback.ok:
            self.solved = True
        self.post_message(self.Answered(self, feedback))
        return feedback

    @on(Input.Submitted, "#answer")
    def _submit_text(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.feedback = Feedback(False, "Type an answer first, then press enter.")
            return
        feedback = self.submit(event.value)
        if not feedback.ok:
            event.input.action_select_all()  # typing again replaces the wrong answer

    @on(OptionList.OptionSelected, "#answer")
    def _submit_choice(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.submit(event.option.id)

    # Watchers fire on first access too, possibly before compose: draw only once mounted.

    def watch_feedback(self) -> None:
        if self.is_mounted:
            self._show_feedback()

    def watch_hints_shown(self) -> None:
        if self.is_mounted:
            self._show_hints()

    def watch_solved(self) -> None:
        if self.is_mounted:
            self._show_solved()

    def _show_feedback(self) -> None:
        feedback = self.feedback
        if feedback is None and self.solved:
            feedback = Feedback(True, "Done — you solved this one.")
        widget = self.query_one("#feedback", Static)
        widget.set_class(feedback is not None and feedback.ok, "-ok")
        widget.set_class(feedback is not None and not feedback.ok, "-wrong")
        # The mark and the message's own words carry the verdict without colour.
        mark = "" if feedback is None else "✓" if feedback.ok else "✗"
        widget.update(Text("" if feedback is None else f"{mark} {feedback.message}"))
        widget.display = feedback is not None

    def _show_hints(self) -> None:
        hints = self.exercise.hints
        shown = hints[: self.hints_shown]
        lines = [f"Hint {n} of {len(hints)}: {hint}" for n, hint in enumerate(shown, 1)]
        hints_text = self.query_one("#hints", Static)
        hints_text.update(Text("\n\n".join(lines)))
        hints_text.display = bool(lines)

    def _show_solved(self) -> None:
        solved = self.solved
        self.set_class(solved, "-solved")
        answer = self.answer_widget
        if answer is not None:
            answer.disabled = solved
        explanation = self.exercise.explanation if solved else ""
        explained = self.query_one("#explanation", Static)
        explained.update(Text(explanation))
        explained.display = bool(explanation)
        self._show_feedback()
