"""The detail pane: everything about one node of the graph.

For the selected node it shows how the node was computed, the local rule for
each operand in symbols and in numbers (``∂L/∂d = f = -2.0``), the chain-rule
product that gave its grad, and -- for a leaf -- the numerical slope beside the
grad, which is how the lecture checks that backpropagation got it right. While
the backward pass is walked step by step it also shows the arithmetic of the
step that just ran.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from engine.value import Value
from lessons.explain import BackpropStep, Graph, SlopeUndefinedError, format_number
from tutor.textual_compat import SizeFollower
from tutor.widgets.graph_tree import UNKNOWN_GRAD, format_cell

__all__ = ["BackwardState", "NodeDetail", "describe_node"]

SLOPE_H = 1e-6


@dataclass(frozen=True)
class BackwardState:
    """Where the backward pass over the graph stands, as the explorer tracks it.

    ``known`` are the nodes whose grad a pass has written since the grads were
    last zeroed (the others are shown as ``—``); ``passed_back`` are the nodes
    that have already handed their grad to their operands (the output counts
    once it is seeded). ``zeroed`` says the learner zeroed the grads with ``z``.
    """

    known: frozenset[Value] = frozenset()
    passed_back: frozenset[Value] = frozenset()
    last_step: BackpropStep | None = None
    walking: bool = False
    zeroed: bool = False


def describe_node(
    graph: Graph, value: Value, state: BackwardState, *, reference: bool = False
) -> list[tuple[str, Text]]:
    """What the detail pane says about ``value``, as (heading, text) rows;
    ``reference`` when it was chosen on a row that refers back to it."""
    rows = []
    step = state.last_step
    if step is not None and step.node is value:
        rows.append((f"step {step.number}", _step_text(graph, step)))
    rows.append(("node", _node_text(graph, value)))
    if reference:
        uses = len(graph.users(value))
        where = "its operands are under its first row" if value._prev else "it is a leaf"
        note = f"↑ used {uses} times, each use adding to its grad; {where} (enter goes there)"
        rows.append(("", Text(note)))
    rows.append(("", _values_text(value, state)))
    if value._prev:
        rows.append(("local rules", _rules_text(graph, value)))
    rows.append(("chain rule", _grad_text(graph, value, state)))
    rows.append(("slope check", _slope_text(graph, value, state)))
    return rows


def _step_text(graph: Graph, step: BackpropStep) -> Text:
    text = Text(step.text, style="bold")
    if step.is_seed:
        return text
    node = _wrap(graph.name(step.node))
    for change in step.changes:
        name = _wrap(graph.name(change.value))
        # The issue's own wording: e.grad += ∂d/∂e × d.grad = 1.0 × -2.0 → -2.0
        text.append(
            f"\n{name}.grad += ∂{node}/∂{name} × {node}.grad"
            f" = {format_number(change.local)} × {format_number(change.upstream)}"
        )
        if change.old_grad:  # a second use adds onto what the first one gave
            text.append(
                f" → {format_number(change.old_grad)} + {format_number(change.added)}"
                f" = {format_number(change.new_grad)}"
            )
        else:
            text.append(f" → {format_number(change.new_grad)}")
    return text


def _wrap(name: str) -> str:
    """``(-1.0)`` and ``(*#3)`` rather than bare names that would not read as one symbol."""
    return name if name.isidentifier() else f"({name})"


def _node_text(graph: Graph, value: Value) -> Text:
    if value._prev:
        text = Text(graph.formula(value), style="bold")
        operands = ", ".join(f"{graph.name(p)} = {format_number(p.data)}" for p in value._prev)
        text.append(f"  with {operands}")
    elif value.label:
        text = Text(value.label, style="bold")
        text.append("  an input: a leaf, nothing computes it")
    else:
        text = Text(graph.name(value), style="bold")
        text.append("  a leaf without a name: a plain number, like the -1 in -a")
    return text


def _values_text(value: Value, state: BackwardState) -> Text:
    grad = format_cell(value.grad) if value in state.known else UNKNOWN_GRAD
    return Text(f"data {format_cell(value.data)}   grad {grad}")


def _rules_text(graph: Graph, value: Value) -> Text:
    rules = graph.detail(value).operands
    return Text("\n".join(f"{rule.symbol_text} {rule.number_text}" for rule in rules))


def _grad_text(graph: Graph, value: Value, state: BackwardState) -> Text:
    name, root_name = graph.name(value), graph.name(graph.root)
    if value not in state.known:
        if state.walking:
            why = f"the backward walk has not reached {name} yet: s goes on"
        elif state.zeroed:
            why = (
                "the grads were zeroed (z): every grad is 0.0 now, and — marks a grad"
                " no backward pass has filled in since"
            )
        elif value is graph.root:
            why = f"no backward pass yet; it starts by setting {_wrap(name)}.grad = 1.0"
        else:
            why = (
                f"no backward pass yet. The engine holds 0.0, but a 0 here would say"
                f" {root_name} does not depend on {name}"
            )
        return Text(
            f"{UNKNOWN_GRAD} {why}. Press the key b for the whole pass, s for one node at a time."
        )
    waiting = _waiting_for(graph, value, state)
    if waiting:
        return Text(
            f"{format_number(value.grad)} so far: still waiting for {', '.join(waiting)}"
            " to pass its grad back"
        )
    return Text(graph.grad_text(value))


def _slope_text(graph: Graph, value: Value, state: BackwardState) -> Text:
    root_name, name = graph.name(graph.root), graph.name(value)
    if value is graph.root:
        return Text(f"{root_name} is the output: its grad is 1 by definition")
    if value._prev:
        return Text(
            f"done on leaves: select an input. {name}'s grad reaches them by the chain rule."
        )
    try:
        slope = graph.numerical_slope(value, SLOPE_H)
    except SlopeUndefinedError as exc:
        return Text(str(exc))
    text = Text(
        f"({root_name}({name}+h) − {root_name}({name}−h)) / 2h = {format_cell(slope)}"
        f"  with h = {SLOPE_H:g}"
    )
    if value not in state.known or _waiting_for(graph, value, state):
        text.append("\ncompare it with the grad once backward has run")
    elif math.isclose(slope, value.grad, rel_tol=1e-4, abs_tol=1e-6):
        text.append(f"\n✓ agrees with the grad {format_cell(value.grad)}", style="bold")
    else:
        text.append(f"\n✗ differs from the grad {format_cell(value.grad)}", style="bold")
    return text


def _waiting_for(graph: Graph, value: Value, state: BackwardState) -> list[str]:
    """The users of ``value`` that still owe it a share of its grad in a step-by-step walk."""
    if not state.walking:
        return []
    users = [graph.name(user) for user, _ in graph.users(value) if user not in state.passed_back]
    return list(dict.fromkeys(users))


class NodeDetail(SizeFollower, VerticalScroll):
    """A scrollable pane showing :func:`describe_node` for one node.

    With room, headings sit on the left and their text on the right, so long
    formulas wrap under their own heading; in a narrow pane each heading goes
    above its text instead, which leaves the formulas most of the width.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"node-detail--heading"}

    NARROW_BELOW = 60
    """Content widths below this stack the headings above their text."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.value: Value | None = None
        self.plain_text = ""
        """What the pane says, without styles (for tests)."""
        self._rows: list[tuple[str, Text]] = []
        # Until a width is known, the stacked layout: it fits any width, where the wide
        # one (headings beside their text) would cut a narrow pane's text short.
        self._narrow = True
        self._drawn: list[tuple[str, Text]] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="node-detail-body")

    def show_node(
        self, graph: Graph, value: Value, state: BackwardState, *, reference: bool = False
    ) -> None:
        """Describe ``value``, a node of ``graph``, as the backward pass stands in ``state``."""
        self._rows = describe_node(graph, value, state, reference=reference)
        self.value = value
        self.plain_text = "\n".join(
            f"{heading}  {text.plain}".strip() for heading, text in self._rows
        )
        self.border_title = f"node {graph.name(value)}"
        self._draw()

    def follow_size(self) -> None:
        self._draw()

    def _draw(self) -> None:
        bodies = self.query("#node-detail-body")
        if not bodies:
            return  # keys outran the panel: it is being taken down, nothing to draw on
        width = self.scrollable_content_region.width
        if width:  # before the first layout there is no width to go by; a resize follows
            narrow = width < self.NARROW_BELOW
            if narrow == self._narrow and self._drawn is self._rows:
                return
            self._narrow = narrow
        self._drawn = self._rows
        heading_style = self.get_component_rich_style("node-detail--heading", partial=True)
        if self._narrow:
            table = Table.grid()
            table.add_column()
            for heading, text in self._rows:
                if heading:
                    table.add_row(Text(heading, style=heading_style))
                table.add_row(Padding(text, (0, 0, 0, 2)))
        else:
            table = Table.grid(padding=(0, 2, 0, 0))
            table.add_column(no_wrap=True, style=heading_style)
            table.add_column()
            for heading, text in self._rows:
                table.add_row(heading, text)
        bodies.first(Static).update(table)
