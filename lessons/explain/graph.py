"""The computation graph behind a Value, as plain data a tutor can show.

Nothing here draws anything. ``Graph(root)`` lists the nodes and edges in a
fixed order and gives each node a stable id and a readable name; ``tree()``
lays the graph out from the output back to the inputs; ``detail(v)`` spells
out a node's local derivative rules; ``BackpropStepper`` runs ``backward()``
one node at a time and reports every gradient it changes; ``evaluate`` and
``numerical_slope`` re-run the recorded arithmetic with an input nudged, which
is how the lecture checks a gradient; ``to_dot`` writes Graphviz text in
micrograd's style.

Every walk over the graph is a loop, never recursion, so a graph 100,000 nodes
deep works like a small one.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from engine.value import (
    DivisionByZeroError,
    FloatOverflowError,
    MathError,
    UndefinedMathError,
    Value,
    topological_order,
)

__all__ = [
    "BackpropStep",
    "BackpropStepper",
    "Contribution",
    "GradChange",
    "Graph",
    "NodeDetail",
    "OperandRule",
    "SlopeUndefinedError",
    "TreeNode",
    "display_name",
    "evaluate",
    "format_number",
    "node_detail",
    "numerical_slope",
    "to_dot",
    "zero_grads",
]


class SlopeUndefinedError(UndefinedMathError):
    """The output cannot be evaluated at ``x + h`` or ``x - h`` (for example a
    log of a number that the nudge made negative), so there is no slope to
    estimate there. It is a ``ValueError``; the math error that stopped the
    evaluation is its ``__cause__``."""


def format_number(x: float) -> str:
    """A number as the tutor prints it: six significant figures, and whole
    numbers keep their ``.0`` so they still read as floats (``-2.0``)."""
    text = f"{x:.6g}"
    if text.lstrip("-").isdigit():
        text += ".0"
    return text


def _wrap(name: str) -> str:
    """Parenthesise a name that is not a plain identifier (a number such as
    ``-1.0``, or ``*#3``) so that ``∂L/∂(-1.0)`` and ``1/(+#4)`` stay readable."""
    return name if name.isidentifier() else f"({name})"


def display_name(v: Value, graph: Graph | None = None) -> str:
    """The name to show for ``v``: its label when it has one; a constant (a
    leaf without a label, like the ``-1`` inside ``-a``) shows its number;
    a computed node without a label shows its op, plus ``#`` and its position
    in ``graph`` when a graph is given (``*#3``), which is stable for a given
    expression."""
    if graph is not None:
        return graph.name(v)
    if v.label:
        return v.label
    return v._op if v._prev else format_number(v.data)


def _exponent(op: str) -> float:
    """k from a power node's op, written as the exponent was (``**2``, ``**-1``,
    ``**0.5``; ``**1/2`` from a Fraction; ``**True`` from a bool)."""
    text = op[2:]
    try:
        return float(text)
    except ValueError:
        pass
    if text in ("True", "False"):
        return float(text == "True")
    try:
        return float(Fraction(text))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"cannot read the exponent in the op {op!r}") from None


def _power_text(k: float) -> str:
    """An exponent after ``^``: bare when a whole non-negative number, else in parentheses."""
    if k.is_integer():
        return str(int(k)) if k >= 0 else f"({int(k)})"
    return f"({k!r})"


# -- the tree view -----------------------------------------------------------------


# Not frozen, unlike the other records here: a tree has one row per edge, and a
# frozen dataclass takes three times as long to make. Treat it as read-only.
@dataclass(slots=True, eq=False, repr=False)
class TreeNode:
    """One line of the tree view. A node that the output reaches by several
    paths is expanded where the walk meets it first; everywhere else it is a
    reference (``is_reference=True``) with no children."""

    value: Value
    children: tuple[TreeNode, ...]
    is_reference: bool

    def rows(self) -> Iterator[tuple[int, TreeNode]]:
        """``(depth, tree node)`` for this node and everything under it, in
        display order (depth first, operands in the order written)."""
        stack: list[tuple[int, TreeNode]] = [(0, self)]
        while stack:
            depth, node = stack.pop()
            yield depth, node
            for child in reversed(node.children):
                stack.append((depth + 1, child))

    def __repr__(self) -> str:  # never recursive: a tree can be 100,000 levels deep
        kind = "reference to " if self.is_reference else ""
        return f"TreeNode({kind}{self.value!r}, {len(self.children)} children)"


# -- node details ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Contribution:
    """One use of a value by a node: during backward the node adds
    ``amount = local × upstream`` to the value's grad."""

    user: Value  # the node that has the value as an operand
    index: int  # the value's position among the user's operands
    upstream: float  # the user's grad, ∂output/∂user
    local: float  # ∂user/∂value
    amount: float


@dataclass(frozen=True, slots=True)
class OperandRule:
    """How a node's output moves with one of its operands. ``local`` is the
    exact number ``backward()`` uses (the node's ``_local``); the texts are
    worked out when read, so a big graph's details cost nothing until shown."""

    operand: Value
    local: float  # ∂node/∂operand
    index: int  # the operand's position in node._prev
    node: Value  # the node whose operand this is
    _graph: Graph = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        """The operand's display name."""
        return self._graph.name(self.operand)

    @property
    def rule(self) -> str | None:
        """The rule alone, in names (``f`` for ``L = d * f``); None for an op
        this module has no rule for."""
        return self._graph.rule(self.node, self.index)

    @property
    def symbol_text(self) -> str:
        """The rule in names: ``∂L/∂d = f``."""
        return self._graph.rule_text(self.node, self.index)

    @property
    def number_text(self) -> str:
        """The rule's value: ``= -2.0``."""
        return f"= {format_number(self.local)}"

    @property
    def contribution_text(self) -> str:
        """This node's share of the operand's grad, with the grads as they are
        now: ``∂L/∂d · ∂d/∂e = -2.0 × 1.0 = -2.0``."""
        return self._graph.contribution_text(self.node, self.index)

    @property
    def chain_text(self) -> str:
        """The chain rule that gives the operand's grad, every use summed
        (``∂L/∂e = ∂L/∂d · ∂d/∂e = -2.0 × 1.0 = -2.0``), with the grads as
        they are now."""
        return self._graph.grad_text(self.operand)


@dataclass(frozen=True, slots=True)
class NodeDetail:
    """Everything the detail panel shows about one node. ``data`` and ``grad``
    are the numbers when the detail was made; ``grad_text`` and the operands'
    chain-rule texts read the grads when they are read."""

    value: Value
    node_id: str
    name: str
    label: str
    op: str
    data: float
    grad: float
    formula: str  # how the node was computed (``L = d * f``); "" for a leaf
    operands: tuple[OperandRule, ...]
    _graph: Graph = field(repr=False, compare=False)

    @property
    def grad_text(self) -> str:
        """The chain rule that gives this node's own grad (see ``Graph.grad_text``)."""
        return self._graph.grad_text(self.value)


# -- the graph ---------------------------------------------------------------------


class Graph:
    """The graph that ends at ``root``, in an order that never changes for the
    same expression: ``nodes`` is ``topological_order(root)``, every operand
    before the nodes that use it, and ``edges`` are ``(operand, node, index)``
    with ``index`` the operand's position in ``node._prev``, in node order.
    A value used twice by one node (``a + a``) gives two edges.

    The structure is fixed when the Graph is made (a Value's operands never
    change); ``data`` and ``grad`` are read from the Values whenever asked.
    """

    def __init__(self, root: Value) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"Graph needs a Value, not {type(root).__name__}")
        self.root = root
        self.nodes: tuple[Value, ...] = tuple(topological_order(root))
        self._position: dict[Value, int] = {v: i for i, v in enumerate(self.nodes)}
        self._number_names: dict[Value, tuple[float, str]] = {}

    @cached_property
    def edges(self) -> tuple[tuple[Value, Value, int], ...]:
        """``(operand, node, index)`` for every operand of every node, in node order."""
        return tuple(
            (operand, node, i) for node in self.nodes for i, operand in enumerate(node._prev)
        )

    @cached_property
    def _users(self) -> dict[Value, list[tuple[Value, int]]]:
        users: dict[Value, list[tuple[Value, int]]] = {}
        for operand, node, i in self.edges:
            users.setdefault(operand, []).append((node, i))
        return users

    def __len__(self) -> int:
        return len(self.nodes)

    def __contains__(self, v: object) -> bool:
        return v in self._position

    def __repr__(self) -> str:
        return (
            f"Graph({len(self.nodes)} nodes, {len(self.edges)} edges, root {self.name(self.root)})"
        )

    @property
    def leaves(self) -> tuple[Value, ...]:
        """Inputs, parameters and constants: the nodes with no operands."""
        return tuple(v for v in self.nodes if not v._prev)

    @property
    def computed(self) -> tuple[Value, ...]:
        """The nodes made by an operation, each after its operands."""
        return tuple(v for v in self.nodes if v._prev)

    def index(self, v: Value) -> int:
        """``v``'s position in ``nodes``."""
        try:
            return self._position[v]
        except KeyError:
            raise ValueError(f"{v!r} is not part of this graph") from None

    def node_id(self, v: Value) -> str:
        """A short id (``n0``, ``n1``, ...) from ``v``'s position in ``nodes``:
        the same expression built again gets the same ids."""
        return f"n{self.index(v)}"

    def name(self, v: Value) -> str:
        """``display_name(v)`` with this graph's numbering for unlabelled nodes."""
        if v.label:
            return v.label
        if v._prev:
            return f"{v._op}#{self.index(v)}"
        # A constant is named by its number. A weight used by a hundred nodes is
        # named a hundred times, so remember the text until the number changes.
        data = v.data
        known = self._number_names.get(v)
        if known is not None and known[0] == data:
            return known[1]
        text = format_number(data)
        self._number_names[v] = (data, text)
        return text

    def users(self, v: Value) -> tuple[tuple[Value, int], ...]:
        """``(node, index)`` for every use of ``v`` as an operand, in node order."""
        self.index(v)
        return tuple(self._users.get(v, ()))

    # -- tree view

    def tree(self) -> TreeNode:
        """The graph as a tree rooted at the output, operands in written order.
        Each node is expanded once, at its first place in a depth-first walk
        from the root; later places are references, so the tree has one row
        per edge plus one and never blows up on shared subexpressions."""
        # Pass 1: a pre-order walk with an explicit stack decides, for each row,
        # which value it shows and whether it is a reference.
        values: list[Value] = []
        is_reference: list[bool] = []
        expanded: set[Value] = set()
        stack = [self.root]
        while stack:
            v = stack.pop()
            values.append(v)
            seen = v in expanded
            is_reference.append(seen)
            if not seen:
                expanded.add(v)
                stack.extend(reversed(v._prev))
        # Pass 2: build the rows from last to first. A row's subtree comes right
        # after it in pre-order, so by the time we reach it, its children are
        # the top entries of `built`, first child on top.
        built: list[TreeNode] = []
        for v, reference in zip(reversed(values), reversed(is_reference), strict=True):
            k = 0 if reference else len(v._prev)
            if k:
                children = tuple(reversed(built[-k:]))
                del built[-k:]
            else:
                children = ()
            built.append(TreeNode(v, children, reference))
        (root,) = built
        return root

    # -- details and the chain rule

    def formula(self, v: Value) -> str:
        """How ``v`` was computed, in names: ``d = e + c``, ``o = tanh(n)``,
        ``n = w1·x1 + w2·x2 + b``; ``""`` for a leaf."""
        op, prev = v._op, v._prev
        if not prev:
            return ""
        out = self.name(v)
        names = [self.name(p) for p in prev]
        if op in ("+", "*"):
            body = f"{names[0]} {op} {names[1]}"
        elif op.startswith("**"):
            body = f"{_wrap(names[0])} ** {op[2:]}"
        elif op == "sum":
            body = " + ".join(names)
        elif op == "dot":
            n = (len(prev) - 1) // 2
            terms = [f"{_wrap(names[i])}·{_wrap(names[n + i])}" for i in range(n)]
            body = " + ".join([*terms, names[-1]])
        else:  # one-operand functions: exp, log, tanh, sigmoid, ReLU, and any new op
            body = f"{op}({', '.join(names)})"
        return f"{out} = {body}"

    def rule(self, v: Value, index: int) -> str | None:
        """The local derivative ∂v/∂(operand ``index``) as text in operand
        names, or None for an op this module has no rule for."""
        op, prev = v._op, v._prev
        if op in ("+", "sum"):
            return "1"
        if op == "*":
            return self.name(prev[1 - index])
        if op == "dot":  # operands w1..wn, x1..xn, b
            n = (len(prev) - 1) // 2
            if index < n:
                return self.name(prev[n + index])
            if index < 2 * n:
                return self.name(prev[index - n])
            return "1"
        x = self.name(prev[index])
        if op.startswith("**"):
            k_text, k = op[2:], _exponent(op)
            if k == 0:
                return "0"
            if k == 1:
                return "1"
            if k - 1 == 1:
                return f"{k_text}·{_wrap(x)}"
            return f"{k_text}·{_wrap(x)}^{_power_text(k - 1)}"
        if op == "exp":
            return f"exp({x})"
        if op == "log":
            return f"1/{_wrap(x)}"
        if op == "tanh":
            return f"1 − tanh({x})²"
        if op == "sigmoid":
            return f"σ({x})(1 − σ({x}))"
        if op == "ReLU":
            return f"1 if {_wrap(x)} > 0 else 0"
        return None

    def _partial(self, out: Value, wrt: Value) -> str:
        return f"∂{_wrap(self.name(out))}/∂{_wrap(self.name(wrt))}"

    def contributions(self, v: Value) -> tuple[Contribution, ...]:
        """Every use of ``v`` and what it adds to ``v.grad`` with the grads as
        they are now, in node order. ``backward()`` adds them in the reverse
        order; a user whose grad is 0 adds nothing (as in ``backward()``)."""
        result = []
        for user, i in self.users(v):
            upstream, local = user.grad, user._local[i]
            amount = local * upstream if upstream else 0.0
            result.append(Contribution(user, i, upstream, local, amount))
        return tuple(result)

    def grad_text(self, v: Value) -> str:
        """The chain rule that gives ``v``'s grad, with numbers from the grads as
        they are now: ``∂L/∂e = ∂L/∂d · ∂d/∂e = -2.0 × 1.0 = -2.0``. A value
        used by several nodes lists every use and adds them up, which is why
        ``backward()`` accumulates with ``+=``."""
        root = self.root
        top = self._partial(root, v)
        if v is root:
            return f"{top} = 1.0 (backward starts here: the output moves one for one with itself)"
        parts = self.contributions(v)
        symbols = " + ".join(
            f"{self._partial(root, c.user)} · {self._partial(c.user, v)}" for c in parts
        )
        numbers = " + ".join(
            f"{format_number(c.upstream)} × {format_number(c.local)}" for c in parts
        )
        total = 0.0
        for c in sorted(parts, key=lambda c: -self._position[c.user]):  # backward's order
            total += c.amount
        return f"{top} = {symbols} = {numbers} = {format_number(total)}"

    def contribution_text(self, node: Value, index: int) -> str:
        """What ``node`` adds to the grad of its operand ``index``, with the
        grads as they are now: ``∂L/∂d · ∂d/∂e = -2.0 × 1.0 = -2.0``."""
        upstream, local = node.grad, node._local[index]
        added = local * upstream if upstream else 0.0
        return (
            f"{self._partial(self.root, node)} · {self._partial(node, node._prev[index])}"
            f" = {format_number(upstream)} × {format_number(local)} = {format_number(added)}"
        )

    def rule_text(self, v: Value, index: int) -> str:
        """``∂v/∂operand = rule`` in names, like ``∂L/∂d = f``."""
        partial = self._partial(v, v._prev[index])
        rule = self.rule(v, index)
        return partial if rule is None else f"{partial} = {rule}"

    def detail(self, v: Value) -> NodeDetail:
        """Label, op, data, grad and the local derivative rule of every operand."""
        rules = tuple(
            OperandRule(operand, local, i, v, self)
            for i, (operand, local) in enumerate(zip(v._prev, v._local, strict=True))
        )
        return NodeDetail(
            v,
            self.node_id(v),
            self.name(v),
            v.label,
            v._op,
            v.data,
            v.grad,
            self.formula(v),
            rules,
            self,
        )

    # -- grads, re-evaluation and export

    def zero_grads(self) -> None:
        """Set every grad in the graph to 0.0."""
        for v in self.nodes:
            v.grad = 0.0

    def evaluate(self, overrides: Mapping[Value, float] | None = None) -> float:
        """See ``evaluate``."""
        return _forward(self, overrides or {})

    def numerical_slope(self, leaf: Value, h: float = 1e-6) -> float:
        """See ``numerical_slope``."""
        if not isinstance(leaf, Value) or leaf._prev:
            raise ValueError(f"a slope is taken with respect to a leaf, not {leaf!r}")
        if not (h > 0 and math.isfinite(h)):
            raise ValueError(f"h must be a small positive number, not {h!r}")
        if leaf not in self._position:
            return 0.0  # the output does not depend on it at all
        x = leaf.data
        try:
            up = _forward(self, {leaf: x + h})
            down = _forward(self, {leaf: x - h})
        except MathError as exc:
            raise SlopeUndefinedError(
                f"cannot estimate the slope of {self.name(self.root)} with respect to "
                f"{self.name(leaf)} at {format_number(x)} with h = {h!r}: {exc}"
            ) from exc
        return (up - down) / (2 * h)

    def to_dot(self) -> str:
        """See ``to_dot``."""
        lines = ["digraph {", "\tgraph [rankdir=LR]"]
        for v in self.nodes:
            vid = self.node_id(v)
            label = f"{{ {_record_escape(self.name(v))} | data {v.data:.4f} | grad {v.grad:.4f} }}"
            lines.append(f'\t"{vid}" [label="{_dot_escape(label)}" shape=record]')
            if v._op:
                op_id = _dot_escape(vid + v._op)
                lines.append(f'\t"{op_id}" [label="{_dot_escape(v._op)}"]')
                lines.append(f'\t"{op_id}" -> "{vid}"')
        for operand, node, _ in self.edges:
            op_id = _dot_escape(self.node_id(node) + node._op)
            lines.append(f'\t"{self.node_id(operand)}" -> "{op_id}"')
        lines.append("}")
        return "\n".join(lines) + "\n"


# -- stepping through backward() ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class GradChange:
    """One grad that a step touched: ``new_grad = old_grad + added`` where
    ``added = local × upstream``. For the seed, the output's grad is set to 1.0
    and ``index`` is None."""

    value: Value  # whose grad changed
    index: int | None  # its position among the node's operands
    old_grad: float
    local: float  # ∂node/∂value
    upstream: float  # the node's grad, ∂output/∂node
    added: float
    new_grad: float
    node: Value  # the node the step worked on
    _graph: Graph = field(repr=False, compare=False)

    @property
    def changed(self) -> bool:
        return self.new_grad != self.old_grad

    @property
    def text(self) -> str:
        """``∂L/∂e += ∂L/∂d · ∂d/∂e = -2.0 × 1.0 = -2.0   (e.grad 0.0 → -2.0)``"""
        graph, value = self._graph, self.value
        top = graph._partial(graph.root, value)
        if self.index is None:
            return f"{top} = 1.0: nudge the output by h and it moves by h"
        return (
            f"{top} += {graph._partial(graph.root, self.node)} · {graph._partial(self.node, value)}"
            f" = {format_number(self.upstream)} × {format_number(self.local)}"
            f" = {format_number(self.added)}   ({graph.name(value)}.grad"
            f" {format_number(self.old_grad)} → {format_number(self.new_grad)})"
        )


@dataclass(frozen=True, slots=True)
class BackpropStep:
    """What one step of backprop did. Step 0 seeds the output's grad with 1.0;
    every later step is one node passing its grad (``upstream``) to its operands."""

    number: int
    node: Value
    is_seed: bool
    upstream: float
    changes: tuple[GradChange, ...]
    _graph: Graph = field(repr=False, compare=False)

    @property
    def text(self) -> str:
        """One line saying what the step does."""
        graph = self._graph
        if self.is_seed:
            return f"Start at the output: {graph.name(self.node)}.grad = 1.0"
        top = graph._partial(graph.root, self.node)
        formula = graph.formula(self.node)
        if self.upstream:
            return f"{formula}: pass {top} = {format_number(self.upstream)} back to its operands"
        return f"{formula}: {top} is 0.0, so there is nothing to pass back"


class BackpropStepper:
    """``backward()`` one node at a time, for the tutor to animate.

    Making a stepper (and ``reset()``) sets every grad in the graph to 0.0, so
    each walk starts clean instead of adding onto an earlier backward pass.
    Step 0 sets the output's grad to 1.0; then every computed node gets a
    step, in reverse topological order (the order ``backward()`` uses), and
    adds ``local × node.grad`` into each operand's grad. A node whose grad is
    0 still gets its step, which says it has nothing to pass on (``backward()``
    skips it silently). Leaves have no operands, so they get no step of their
    own. After ``run_all()`` every grad is exactly what
    ``zero_grads(root); root.backward()`` gives.
    """

    def __init__(self, root: Value | Graph) -> None:
        self.graph = root if isinstance(root, Graph) else Graph(root)
        self.root = self.graph.root
        self.order: tuple[Value, ...] = tuple(reversed(self.graph.computed))
        self.history: list[BackpropStep] = []
        self.reset()

    def reset(self) -> None:
        """Zero every grad in the graph and start again from the seed."""
        self.graph.zero_grads()
        self.history = []

    @property
    def total_steps(self) -> int:
        return len(self.order) + 1

    @property
    def steps_done(self) -> int:
        return len(self.history)

    @property
    def done(self) -> bool:
        return len(self.history) >= self.total_steps

    @property
    def next_node(self) -> Value | None:
        """The node the next step works on (the output for the seed), or None when done."""
        n = len(self.history)
        if n == 0:
            return self.root
        return self.order[n - 1] if n <= len(self.order) else None

    def step(self) -> BackpropStep:
        """Do the next step and say what changed."""
        if self.done:
            raise RuntimeError("backprop has finished: reset() to walk it again")
        number = len(self.history)
        step = self._seed() if number == 0 else self._pass_back(number, self.order[number - 1])
        self.history.append(step)
        return step

    def run_all(self) -> list[BackpropStep]:
        """Do every remaining step; returns them."""
        steps = []
        while not self.done:
            steps.append(self.step())
        return steps

    def _seed(self) -> BackpropStep:
        root, graph = self.root, self.graph
        old = root.grad
        root.grad = 1.0  # set, not added, exactly as backward() does
        change = GradChange(root, None, old, 1.0, 1.0, 1.0 - old, 1.0, root, graph)
        return BackpropStep(0, root, True, 1.0, (change,), graph)

    def _pass_back(self, number: int, node: Value) -> BackpropStep:
        g = node.grad
        changes = []
        for i, (operand, local) in enumerate(zip(node._prev, node._local, strict=True)):
            old = operand.grad
            if g:
                added = local * g
                operand.grad += added
            else:  # backward() skips a node whose grad is 0: it has nothing to pass on
                added = 0.0
            changes.append(
                GradChange(operand, i, old, local, g, added, operand.grad, node, self.graph)
            )
        return BackpropStep(number, node, False, g, tuple(changes), self.graph)


# -- re-running the graph forward ----------------------------------------------------


def _apply(op: str, args: list[float]) -> float:
    """One node's forward formula, the same float arithmetic as engine.value."""
    if op == "+":
        return args[0] + args[1]
    if op == "*":
        return args[0] * args[1]
    if op == "sum":
        total = 0.0
        for a in args:
            total += a
        return total
    if op == "dot":  # operands w1..wn, x1..xn, b; b + w1*x1 + w2*x2 + ...
        n = (len(args) - 1) // 2
        total = args[-1]
        for w, x in zip(args[:n], args[n : 2 * n], strict=True):
            total += w * x
        return total
    (x,) = args
    if op.startswith("**"):
        written, k = op[2:], _exponent(op)
        if x < 0 and not k.is_integer():
            raise UndefinedMathError(f"({x!r}) ** {written} has no real value")
        if x == 0 and k < 0:
            raise DivisionByZeroError(f"division by zero in {x!r} ** {written}")
        try:
            return x**k
        except OverflowError:
            raise FloatOverflowError(f"{x!r} ** {written} overflows a float") from None
    if op == "exp":
        try:
            return math.exp(x)
        except OverflowError:
            raise FloatOverflowError(f"exp({x!r}) overflows a float") from None
    if op == "log":
        if x <= 0:
            raise UndefinedMathError(f"log is undefined for {x!r} (needs a positive number)")
        return math.log(x)
    if op == "tanh":
        return math.tanh(x)
    if op == "sigmoid":
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)
    if op == "ReLU":
        return x if x > 0 else 0.0
    raise ValueError(f"cannot re-evaluate the op {op!r}")


def _forward(graph: Graph, overrides: Mapping[Value, float]) -> float:
    for leaf in overrides:
        if not isinstance(leaf, Value) or leaf._prev:
            raise ValueError(f"only leaves can be given new numbers, not {leaf!r}")
    values: dict[Value, float] = {}
    for v in graph.nodes:
        if v._prev:
            values[v] = _apply(v._op, [values[p] for p in v._prev])
        else:
            values[v] = float(overrides[v]) if v in overrides else v.data
    return values[graph.root]


# -- the module-level API ----------------------------------------------------------


def node_detail(v: Value, root: Value | None = None) -> NodeDetail:
    """``Graph(root).detail(v)``; with no root, ``v`` is its own output."""
    return Graph(v if root is None else root).detail(v)


def zero_grads(root: Value) -> None:
    """Set the grad of every node in the graph that ends at ``root`` to 0.0."""
    for v in topological_order(root):
        v.grad = 0.0


def evaluate(root: Value, overrides: Mapping[Value, float] | None = None) -> float:
    """``root``'s value recomputed from its leaves, with the leaves in
    ``overrides`` replaced by the numbers given. Nothing in the graph changes.
    Math that has no answer raises the same errors as building the graph
    (``UndefinedMathError``, ``DivisionByZeroError``, ``FloatOverflowError``).
    Overriding a computed node is a ``ValueError``; a leaf that is not in the
    graph changes nothing, since the output does not depend on it."""
    return Graph(root).evaluate(overrides)


def numerical_slope(root: Value, leaf: Value, h: float = 1e-6) -> float:
    """The slope of ``root`` with respect to ``leaf``, estimated the way the
    lecture checks a gradient but with the central difference
    ``(f(x + h) - f(x - h)) / 2h``, which is far more accurate than
    ``(f(x + h) - f(x)) / h`` for the same h. The graph is re-evaluated, not
    changed. Raises ``SlopeUndefinedError`` (a ``ValueError``) when the output
    is undefined at ``x ± h``; a result that overflows follows IEEE floats
    (inf or nan), like ``+`` and ``*`` do. A leaf the output does not use has
    slope 0.0; asking for the slope with respect to a computed node is a
    ``ValueError``."""
    return Graph(root).numerical_slope(leaf, h)


def _dot_escape(text: str) -> str:
    """Make text safe inside a DOT double-quoted string. DOT's only escape there
    is ``\\"``: every other backslash reaches Graphviz as it is."""
    return text.replace('"', '\\"')


_RECORD_SPECIAL = str.maketrans(
    {"{": "\\{", "}": "\\}", "|": "\\|", "<": "\\<", ">": "\\>", "\n": " ", "\r": " "}
)


def _record_escape(text: str) -> str:
    """Make text one plain field of a record label, whatever the learner typed:
    a record reads ``\\{`` as a plain ``{`` (and so on), and ``\\\\`` as one
    backslash, which also stops ``\\N`` or ``\\n`` in a label from meaning
    anything to Graphviz."""
    return text.replace("\\", "\\\\").translate(_RECORD_SPECIAL)


def to_dot(root: Value) -> str:
    """Graphviz DOT text for the graph, laid out left to right as micrograd's
    ``draw_dot`` does: one record per value (``{ a | data 2.0000 | grad 6.0000 }``),
    and a small node for each operation between its operands and its result.
    Needs no Graphviz to produce; feed it to ``dot -Tsvg`` to draw it."""
    return Graph(root).to_dot()
