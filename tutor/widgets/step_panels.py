"""What a lesson step shows beside its prose, one panel per kind of step.

The lesson screen asks ``panel_for(step, ...)`` for a panel and listens to the
messages the panels post; panels never touch the progress store themselves
(attributes down, messages up).

* ``ExerciseBox`` (``tutor.widgets.exercise_box``, its names re-exported here) is
  the answer area every kind of step can carry.
* The panels are the interactive half of a step: the graph explorer for
  expression and backprop steps, the question's graph for predict steps, a live
  table of slopes, the engine's own source code, a training preset, or a
  measurement the learner starts with a key.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from typing import ClassVar

from rich.console import Group
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from engine.value import MathError
from lessons.checks import parse_number
from lessons.model import Step
from tutor.ascii_mode import ascii_key_display, in_ascii_mode
from tutor.textual_compat import SizeFollower
from tutor.train_settings import FIELDS, format_value
from tutor.widgets.exercise_box import (
    AnswerInput,
    ChoiceList,
    ExerciseBox,
    NumberKeysInput,
    OverflowScroll,
)

__all__ = [
    "AnswerInput",
    "ChoiceList",
    "CodePanel",
    "ExerciseBox",
    "ExplorerPanel",
    "MeasurePanel",
    "NumberKeysInput",
    "OverflowScroll",
    "PredictPanel",
    "SlopeHInput",
    "SlopePanel",
    "SlopeXInput",
    "StepPanel",
    "TrainPanel",
    "has_panel",
    "marked_lines",
    "panel_for",
]


# -- panels -----------------------------------------------------------------------------


class StepPanel(SizeFollower, Vertical):
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
    """x moves in steps of a half. The footer names the step's variable (b + 0.5 in
    lesson 8), so the keys are this box's own copies of the class's."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "nudge(1)", "x + 0.5", tooltip="In the slope table: move x by ±0.5"),
        Binding("down", "nudge(-1)", "x − 0.5", tooltip="In the slope table: move x by ±0.5"),
    ]

    def __init__(self, value: float, *, variable: str = "x", id: str) -> None:
        super().__init__(value, id=id)
        keys = self._bindings.key_to_bindings
        for key, sign in (("up", "+"), ("down", "−")):
            keys[key] = [
                dataclasses.replace(
                    binding,
                    description=f"{variable} {sign} 0.5",
                    tooltip=f"In the slope table: move {variable} by ±0.5",
                )
                for binding in keys[key]
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
    """A number as a learner writes it: 0.001, 1e-5 (not Python's 1e-05)."""
    return f"{x:.10g}".replace("e-0", "e-").replace("e+0", "e+")


class SlopePanel(StepPanel):
    """(f(x+h) − f(x))/h for several h, recomputed by the engine as x or h change.

    Where the panel is too narrow for every column, the f(x+h) column goes: the
    ratio is what the step is about, and a squeezed column would cut it to "…"."""

    takes_focus = True
    _shown: tuple[float, float | None, bool] | None = None
    """What the table shows: x, the learner's h, and whether f(x+h) has a column."""

    def compose(self) -> ComposeResult:
        yield Static(Text(self.step.shown_function), classes="panel-caption")
        with Vertical(id="slope-inputs"):
            yield Static(f"{self.step.variable} =", classes="slope-label")
            yield SlopeXInput(self.step.x, variable=self.step.variable, id="slope-x")
            yield Static("your h =", classes="slope-label")
            yield SlopeHInput(self.step.hs[-1], id="slope-h")
        yield Static(id="slope-table")

    def on_mount(self) -> None:
        self._recompute()

    def follow_size(self) -> None:
        self._recompute()

    def focus_default(self) -> None:
        self.query_one("#slope-x").focus()

    @on(Input.Changed, "SlopeInput")
    def _inputs_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._recompute()

    def _row(self, x: float, h: float, *, mine: bool, values: bool) -> tuple[str, ...]:
        label = _short(h) + (" ◀" if mine else "")
        try:
            row = (label, f"{self.step.f(x + h):.6f}", f"{self.step.slope(h, x):.6f}")
        except (MathError, ArithmeticError, ValueError):
            row = (label, "undefined", "undefined")
        return row if values else (row[0], row[2])

    def _table(self, x: float, hs: list[float], own_h: float | None, *, values: bool) -> Table:
        grid = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold")
        f, x_ = self.step.name, self.step.variable
        grid.add_column("h", justify="right", no_wrap=True)
        if values:
            grid.add_column(f"{f}({x_}+h)", justify="right", no_wrap=True)
        grid.add_column(f"({f}({x_}+h)−{f}({x_}))/h", justify="right", no_wrap=True)
        for h in hs:
            grid.add_row(*self._row(x, h, mine=h == own_h, values=values))
        return grid

    def _recompute(self) -> None:
        x = parse_number(self.query_one("#slope-x", Input).value)
        own_h = parse_number(self.query_one("#slope-h", Input).value)
        table = self.query_one("#slope-table", Static)
        if x is None:
            self._shown = None
            table.update(f"Type a number for {self.step.variable}.")
            return
        hs = list(self.step.hs)
        if own_h is not None and own_h != 0 and own_h not in hs:
            # In its place among the step's, largest h first: a tiny h the learner
            # typed comes last, and 0.05 between 0.1 and 0.01.
            hs = sorted([*hs, own_h], key=abs, reverse=True)
        grid = self._table(x, hs, own_h, values=True)
        width = table.content_region.width or self.content_region.width
        values = not (
            width
            and Measurement.get(self.app.console, self.app.console.options, grid).maximum > width
        )
        # The panel's first layout gives it its width: the table drawn at mount is
        # mostly right for it already, and drawing it again would lay the screen out again.
        if (x, own_h, values) == self._shown:
            return
        self._shown = (x, own_h, values)
        if not values:
            grid = self._table(x, hs, own_h, values=False)
        fx = f"{self.step.name}({self.step.variable})"
        try:
            fx = f"{fx} = {self.step.f(x):.6f}"
        except (MathError, ArithmeticError, ValueError):
            fx = f"{fx} is undefined here"
        hint = f"↑/↓ change {self.step.variable} or h · tab: the next box"
        if in_ascii_mode(self):
            hint = ascii_key_display(hint)  # the arrows as the Footer names them
        keys = Text(hint, style="dim")
        notes = self._notes(x, own_h)
        table.update(Group(Text(fx), Text(""), grid, *notes, Text(""), keys))

    def _notes(self, x: float, own_h: float | None) -> list[Text]:
        """What to know about the learner's own h: 0 divides by zero; a tiny h is
        lost to rounding, and its ratio says nothing about the slope."""
        if own_h == 0:
            return [Text("h = 0 divides by zero: pick a tiny h instead.")]
        if own_h is None:
            return []
        try:
            lost = self.step.f(x + own_h) == self.step.f(x)
        except (MathError, ArithmeticError, ValueError):
            return []
        if lost and abs(self.step.derivative(x)) > 1e-9:
            f, x_ = self.step.name, self.step.variable
            return [
                Text(
                    f"h = {_short(own_h)} is too small for floats: {f}({x_}+h) comes out "
                    f"equal to {f}({x_}), so the ratio is 0 from rounding, not the slope."
                )
            ]
        return []


class CodePanel(StepPanel):
    """A piece of the installed engine's source, read now. The lines the step's "Look
    for" quotes are marked (❱ and a highlight), and the code opens scrolled to the
    first of them; "Look for" itself is in the step's text, beside."""

    takes_focus = True

    def compose(self) -> ComposeResult:
        try:
            source = self.step.source()
            filename, first_line = self.step.location()
        except (OSError, TypeError, ValueError, AttributeError, ImportError) as error:
            yield Static(Text(f"The source of {self.step.target} cannot be read: {error}"))
            return
        self._source = source.rstrip("\n")
        self._first_line = first_line
        self._marked = marked_lines(self._source, self.step.look_for)
        caption = f"{_relative(filename)}, line {first_line}"
        yield Static(Text(caption), classes="panel-caption")
        with VerticalScroll(id="code-scroll"):
            yield Static(self._syntax(self._source), id="code")

    def _syntax(self, source: str) -> object:
        return _kept_syntax()(
            source,
            "python",
            theme="ansi_dark",
            line_numbers=True,
            start_line=self._first_line,
            word_wrap=True,  # wrapped lines beat scrolling sideways in 40 columns
            highlight_lines={self._first_line + n for n in self._marked},
        )

    def follow_size(self) -> None:
        self.call_after_refresh(self._scroll_to_marked)

    def _scroll_to_marked(self) -> None:
        """Scroll the code so that the line "Look for" quotes first shows, two rows
        below the top."""
        if not getattr(self, "_marked", None) or not self.is_attached:
            return
        scroll = self.query_one("#code-scroll", VerticalScroll)
        width = self.query_one("#code", Static).content_region.width
        if width <= 0:
            return
        before = self._source.split("\n")[: self._marked[0]]
        if len(before) < 2:
            return
        console = self.app.console
        options = console.options.update_width(width)
        rows = len(console.render_lines(self._syntax("\n".join(before)), options, pad=False))
        scroll.scroll_to(y=max(rows - 2, 0), animate=False)

    def focus_default(self) -> None:
        scroll = self.query("#code-scroll")
        if scroll:
            scroll.first().focus()


@cache
def _kept_syntax() -> type:
    """Rich's ``Syntax``, but highlighting its code once (made at first use: Pygments
    is slow to import, so only when code is shown).

    Rich runs Pygments over the code at every render, and the code pane is rendered
    to measure its height and again to draw it: 5 ms each for lesson 9's 41 lines.
    What Pygments made is kept and copied (Rich trims the copy it is given)."""
    from rich.syntax import Syntax

    class KeptSyntax(Syntax):
        _kept: tuple[object, Text] | None = None

        def highlight(
            self, code: str, line_range: tuple[int | None, int | None] | None = None
        ) -> Text:
            key = (code, line_range)
            if self._kept is None or self._kept[0] != key:
                self._kept = (key, super().highlight(code, line_range))
            return self._kept[1].copy()

    return KeptSyntax


_QUOTED = re.compile(r"`([^`]+)`")


def marked_lines(source: str, look_for: str) -> tuple[int, ...]:
    """The 0-based numbers of the source lines that ``look_for`` quotes in backticks:
    for each quote, the first line of code (not of a docstring or a comment) that
    holds it. In the order of the quotes, each line once; a quote found nowhere (a
    word such as `dot`, or a quote spread over lines) marks nothing."""
    lines = source.split("\n")
    skip = _docstring_lines(source)
    marked: list[int] = []
    for quote in _QUOTED.findall(look_for):
        wanted = " ".join(quote.split())
        for number, line in enumerate(lines):
            code = line.split("  # ")[0]  # not in a comment after the code either
            if number in skip or code.strip().startswith("#"):
                continue
            if wanted in " ".join(code.split()):
                if number not in marked:
                    marked.append(number)
                break
    return tuple(marked)


def _docstring_lines(source: str) -> set[int]:
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    lines: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and body
        ):
            first = body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                lines.update(range(first.lineno - 1, (first.end_lineno or first.lineno)))
    return lines


def _relative(filename: str) -> str:
    """engine/value.py rather than a long absolute path."""
    parts = filename.replace("\\", "/").split("/")
    for top in ("engine", "lessons", "tutor"):
        if top in parts:
            return "/".join(parts[len(parts) - 1 - parts[::-1].index(top) :])
    return parts[-1]


class TrainPanel(StepPanel):
    """A training preset and its goal; the training lab (t) runs it."""

    # Settings that pick and shape a dataset; the lecture's four examples are fixed.
    MOONS_ONLY: ClassVar[frozenset[str]] = frozenset(
        {"dataset", "samples", "noise", "test_fraction"}
    )

    def compose(self) -> ComposeResult:
        with OverflowScroll(id="train-scroll"):
            yield from self._preset()

    def _preset(self) -> ComposeResult:
        config = self.step.config
        yield Static("Preset", classes="panel-caption")
        # The lab's own names and values (learn rate, batch full, graph tape), so each
        # row is found again in the form that t opens.
        rows = [
            (field.label, format_value(field.name, getattr(config, field.name)))
            for field in FIELDS
            if self.step.dataset == "moons" or field.name not in self.MOONS_ONLY
        ]
        if self.step.dataset == "lecture":
            rows.insert(0, ("data", "the 4 examples"))
        width = max(len(name) for name, _ in rows)
        lines = [f"{name:<{width}}  {value}" for name, value in rows]
        yield Static(Text("\n".join(lines)), id="train-preset")
        goal = self.step.goal
        if goal is not None:
            yield Static(Text(f"Goal: {goal.describe()}"), id="train-goal")
        yield Static("Press t to open the training lab with this preset.", id="train-open")


class MeasurePanel(StepPanel):
    """A measurement of the engine on this machine, taken when the learner presses
    r (``measure()``): the step's function runs on a worker thread, since it takes
    a second or more, and the panel shows the lines it found (or why it could not).
    Pressing r again measures again; while one runs, r waits for it."""

    class Done(Message):
        """The measurement ended: ``text`` to show; ``ok`` False when it failed."""

        def __init__(self, text: str, ok: bool) -> None:
            super().__init__()
            self.text = text
            self.ok = ok

    def __init__(self, step: Step, *, id: str | None = None) -> None:
        super().__init__(step, id=id)
        self.measuring = False
        self.measured = 0  # measurements shown so far

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Press r to {self.step.action}."), classes="panel-caption")
        with OverflowScroll(id="measure-scroll"):
            yield Static(Text("Nothing measured yet."), id="measure-result")

    def measure(self) -> bool:
        """Start measuring; False if a measurement is already under way."""
        if self.measuring:
            return False
        self.measuring = True
        self.query_one("#measure-result", Static).update(Text("Measuring…"))
        self.run_worker(self._measure_now, thread=True, group="measure", exit_on_error=False)
        return True

    def _measure_now(self) -> None:
        """On the worker thread: run the step's function, post what it found."""
        try:
            text, ok = self.step.run().text, True
        except Exception as error:  # a broken measurement is told, never raised
            text, ok = f"The measurement failed: {error}", False
        self.post_message(self.Done(text, ok))

    @on(Done)
    def _show(self, event: Done) -> None:
        event.stop()
        self.measuring = False
        self.measured += 1
        self.query_one("#measure-result", Static).update(Text(event.text))
        self.query_one("#measure-scroll", OverflowScroll).scroll_home(animate=False)


# Prose steps have no panel: their text gets the whole width.
_PANELS: dict[str, type[StepPanel]] = {
    "expression": ExplorerPanel,
    "backprop": ExplorerPanel,
    "predict": PredictPanel,
    "slope": SlopePanel,
    "code": CodePanel,
    "train": TrainPanel,
    "measure": MeasurePanel,
}


def has_panel(step: Step) -> bool:
    """Whether the step has a panel beside its text; not when it is all text (prose,
    or a question with no program to show)."""
    return step.kind in _PANELS and not (step.kind == "predict" and not step.source.strip())


def panel_for(step: Step) -> StepPanel | None:
    """The panel that shows this step; None when it has none (see ``has_panel``)."""
    return _PANELS[step.kind](step, id="step-panel") if has_panel(step) else None
