"""What a lesson step shows beside its prose, one panel per kind of step.

The lesson screen asks ``panel_for(step, ...)`` for a panel and listens to the
messages the panels post; panels never touch the progress store themselves
(attributes down, messages up).

* ``ExerciseBox`` is the answer area every kind of step can carry: the prompt,
  an answer box (or a list of choices), feedback in colour *and* words, hints
  revealed one at a time, and the explanation once the answer is right.
* The panels are the interactive half of a step: the graph explorer for
  expression and backprop steps, the question's graph for predict steps, a live
  table of slopes, the engine's own source code, or a training preset.
"""

from __future__ import annotations

import dataclasses
import re
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from engine.value import MathError
from lessons.checks import parse_number
from lessons.model import Exercise, Feedback, Step
from tutor.ascii_mode import ascii_key_display, in_ascii_mode
from tutor.widgets.lesson_text import LessonText

__all__ = [
    "AnswerInput",
    "ChoiceList",
    "CodePanel",
    "ExerciseBox",
    "ExplorerPanel",
    "NumberKeysInput",
    "PredictPanel",
    "SlopeHInput",
    "SlopePanel",
    "SlopeXInput",
    "StepPanel",
    "TrainPanel",
    "has_panel",
    "panel_for",
]


# -- the answer area --------------------------------------------------------------------


class NumberKeysInput(Input):
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
    """The box a learner types an answer into; enter submits it."""

    def __init__(self, *, numeric: bool, placeholder: str, id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id, compact=True)
        self.numeric = numeric


class ChoiceList(OptionList):
    """The choices of a multiple-choice exercise; enter or a digit picks one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Choose", tooltip="Choose the highlighted answer"),
        *[Binding(str(n), f"pick({n})", "Choose by number", show=False) for n in range(1, 10)],
    ]

    def __init__(self, choices: tuple[str, ...], id: str | None = None) -> None:
        super().__init__(
            *[Option(f"{n}. {choice}", id=choice) for n, choice in enumerate(choices, 1)], id=id
        )

    def action_pick(self, number: int) -> None:
        if number <= self.option_count:
            self.highlighted = number - 1
            self.action_select()


class ExerciseBox(Vertical):
    """One exercise: prompt, answer area, feedback, hints and, once solved, the explanation."""

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

    # Prompts, hints, feedback and explanations are short Markdown: `code`, *emphasis*.

    def compose(self) -> ComposeResult:
        yield LessonText(self.exercise.prompt, classes="exercise-prompt")
        kind = self.exercise.answer_kind
        if kind == "choice":
            yield ChoiceList(self.exercise.choices, id="answer")
        elif kind in ("number", "expression"):
            yield AnswerInput(
                numeric=kind == "number", placeholder=self.exercise.placeholder, id="answer"
            )
        yield LessonText(id="feedback")
        yield LessonText(id="hints")
        yield LessonText(id="explanation")

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
        widget = self.query_one("#feedback", Markdown)
        widget.set_class(feedback is not None and feedback.ok, "-ok")
        widget.set_class(feedback is not None and not feedback.ok, "-wrong")
        # The mark and the message's own words carry the verdict without colour.
        mark = "" if feedback is None else "✓" if feedback.ok else "✗"
        widget.update("" if feedback is None else f"{mark} {feedback.message}")

    def _show_hints(self) -> None:
        hints = self.exercise.hints
        shown = hints[: self.hints_shown]
        lines = [f"Hint {n} of {len(hints)}: {hint}" for n, hint in enumerate(shown, 1)]
        self.query_one("#hints", Markdown).update("\n\n".join(lines))

    def _show_solved(self) -> None:
        solved = self.solved
        self.set_class(solved, "-solved")
        answer = self.answer_widget
        if answer is not None:
            answer.disabled = solved
        explanation = self.exercise.explanation if solved else ""
        self.query_one("#explanation", Markdown).update(explanation)
        self._show_feedback()


# -- panels -----------------------------------------------------------------------------


class StepPanel(Vertical):
    """The interactive half of a step. Subclasses fill it for one kind of step."""

    takes_focus: ClassVar[bool] = False
    """Whether the panel has keys of its own; if not, the step's answer box gets focus."""

    def __init__(self, step: Step, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.step = step

    def focus_default(self) -> None:
        """Focus what the learner most likely wants to use first (panels with keys)."""


class ExplorerPanel(StepPanel):
    """Expression and backprop steps: the graph explorer on the step's program."""

    takes_focus = True

    def compose(self) -> ComposeResult:
        from tutor.widgets.graph_explorer import GraphExplorer

        yield GraphExplorer(self.step.source, editable=self.step.editable, id="explorer")

    def focus_default(self) -> None:
        self.query_one("#explorer").focus()


class PredictPanel(StepPanel):
    """A question about a graph: the program is shown, working out its values is the
    learner's part."""

    def compose(self) -> ComposeResult:
        yield Static("The program:", classes="panel-caption")
        statements = [s.strip() for s in re.split(r"[;\n]", self.step.source) if s.strip()]
        yield Static(Text("\n".join(statements)), classes="program")


class SlopeInput(NumberKeysInput):
    """x or h of the slope table; ↑/↓ change it without typing."""

    def __init__(self, value: float, *, id: str) -> None:
        super().__init__(value=_short(value), id=id, compact=True)

    def nudged(self, value: float, direction: int) -> float:
        raise NotImplementedError

    def action_nudge(self, direction: int) -> None:
        current = parse_number(self.value)
        if current is not None:
            self.value = _short(self.nudged(current, direction))
            self.cursor_position = len(self.value)


class SlopeXInput(SlopeInput):
    """x moves in steps of a half."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "nudge(1)", "x + 0.5", tooltip="In the slope table: move x by ±0.5"),
        Binding("down", "nudge(-1)", "x − 0.5", tooltip="In the slope table: move x by ±0.5"),
    ]

    def nudged(self, value: float, direction: int) -> float:
        return value + 0.5 * direction


class SlopeHInput(SlopeInput):
    """h moves by factors of ten: the interesting values are 1, 0.1, 0.01, …"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "nudge(1)", "h × 10", tooltip="In the slope table: h × 10 or h ÷ 10"),
        Binding("down", "nudge(-1)", "h ÷ 10", tooltip="In the slope table: h × 10 or h ÷ 10"),
    ]

    def nudged(self, value: float, direction: int) -> float:
        return value * 10 if direction > 0 else value / 10


def _short(x: float) -> str:
    return f"{x:.10g}"


class SlopePanel(StepPanel):
    """(f(x+h) − f(x))/h for several h, recomputed by the engine as x or h change."""

    takes_focus = True

    def compose(self) -> ComposeResult:
        yield Static(Text(f"f(x) = {self.step.function}"), classes="panel-caption")
        with Vertical(id="slope-inputs"):
            yield Static("x =", classes="slope-label")
            yield SlopeXInput(self.step.x, id="slope-x")
            yield Static("your h =", classes="slope-label")
            yield SlopeHInput(self.step.hs[-1], id="slope-h")
        yield Static(id="slope-table")

    def on_mount(self) -> None:
        self._recompute()

    def focus_default(self) -> None:
        self.query_one("#slope-x").focus()

    @on(Input.Changed, "SlopeInput")
    def _inputs_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._recompute()

    def _row(self, x: float, h: float, *, mine: bool) -> tuple[str, str, str]:
        label = _short(h) + (" ◀" if mine else "")
        try:
            return label, f"{self.step.f(x + h):.6f}", f"{self.step.slope(h, x):.6f}"
        except (MathError, ArithmeticError, ValueError):
            return label, "undefined", "undefined"

    def _recompute(self) -> None:
        x = parse_number(self.query_one("#slope-x", Input).value)
        own_h = parse_number(self.query_one("#slope-h", Input).value)
        table = self.query_one("#slope-table", Static)
        if x is None:
            table.update("Type a number for x.")
            return
        hs = list(self.step.hs)
        if own_h is not None and own_h != 0 and own_h not in hs:
            hs.append(own_h)
        grid = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold")
        grid.add_column("h", justify="right")
        grid.add_column("f(x+h)", justify="right")
        grid.add_column("(f(x+h)−f(x))/h", justify="right")
        for h in hs:
            grid.add_row(*self._row(x, h, mine=h == own_h))
        try:
            fx = f"f(x) = {self.step.f(x):.6f}"
        except (MathError, ArithmeticError, ValueError):
            fx = "f(x) is undefined here"
        hint = "↑/↓ change x or h · tab: the next box"
        if in_ascii_mode(self):
            hint = ascii_key_display(hint)  # the arrows as the Footer names them
        keys = Text(hint, style="dim")
        table.update(Group(Text(fx), Text(""), grid, *self._zero_note(own_h), Text(""), keys))

    @staticmethod
    def _zero_note(own_h: float | None) -> list[Text]:
        if own_h == 0:
            return [Text("h = 0 divides by zero: pick a tiny h instead.")]
        return []


class CodePanel(StepPanel):
    """A piece of the installed engine's source, read now, with what to look for."""

    takes_focus = True

    def compose(self) -> ComposeResult:
        from rich.syntax import Syntax  # Pygments is slow to import: only when code is shown

        try:
            source = self.step.source()
            filename, first_line = self.step.location()
        except (OSError, TypeError, ValueError, AttributeError, ImportError) as error:
            yield Static(Text(f"The source of {self.step.target} cannot be read: {error}"))
            return
        caption = f"{_relative(filename)}, line {first_line}"
        yield Static(Text(caption), classes="panel-caption")
        with VerticalScroll(id="code-scroll"):
            yield Static(
                Syntax(
                    source.rstrip("\n"),
                    "python",
                    theme="ansi_dark",
                    line_numbers=True,
                    start_line=first_line,
                    word_wrap=True,  # wrapped lines beat scrolling sideways in 40 columns
                ),
                id="code",
            )
        yield LessonText(f"**Look for:** {self.step.look_for}", id="look-for")

    def focus_default(self) -> None:
        scroll = self.query("#code-scroll")
        if scroll:
            scroll.first().focus()


def _relative(filename: str) -> str:
    """engine/value.py rather than a long absolute path."""
    parts = filename.replace("\\", "/").split("/")
    for top in ("engine", "lessons", "tutor"):
        if top in parts:
            return "/".join(parts[len(parts) - 1 - parts[::-1].index(top) :])
    return parts[-1]


class TrainPanel(StepPanel):
    """A training preset and its goal; the training lab (t) runs it."""

    def compose(self) -> ComposeResult:
        config = self.step.config
        yield Static("Preset", classes="panel-caption")
        names = [field.name for field in dataclasses.fields(config)]
        width = max(len(name) for name in names)
        lines = [
            f"{name.replace('_', ' '):<{width}}  {_setting(name, getattr(config, name))}"
            for name in names
        ]
        yield Static(Text("\n".join(lines)), id="train-preset")
        goal = self.step.goal
        if goal is not None:
            yield Static(Text(f"Goal: {goal.describe()}"), id="train-goal")
        yield Static("Press t to open the training lab with this preset.", id="train-open")


def _setting(name: str, value: object) -> str:
    """A training setting as a learner would say it: 16, 16 and full batch, not (16, 16), None."""
    if name == "batch_size" and value is None:
        return "full batch"
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


# Prose steps have no panel: their text gets the whole width.
_PANELS: dict[str, type[StepPanel]] = {
    "expression": ExplorerPanel,
    "backprop": ExplorerPanel,
    "predict": PredictPanel,
    "slope": SlopePanel,
    "code": CodePanel,
    "train": TrainPanel,
}


def has_panel(step: Step) -> bool:
    """Whether the step has a panel beside its text; not when it is all text (prose,
    or a question with no program to show)."""
    return step.kind in _PANELS and not (step.kind == "predict" and not step.source.strip())


def panel_for(step: Step) -> StepPanel | None:
    """The panel that shows this step; None when it has none (see ``has_panel``)."""
    return _PANELS[step.kind](step, id="step-panel") if has_panel(step) else None
