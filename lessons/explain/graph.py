"""The computation graph behind a Value, as plain data a tutor can show.

Nothing here draws anything. ``Graph(root)`` lists the nodes and edges in a
fixed order and gives each node a stable id and a readable name; ``tree()``
lays the graph out from the output back to the inputs; ``detail(v)`` spells
out a node's local derivative rules; ``evaluate`` and ``numerical_slope``
re-run the recorded arithmetic with an input nudged, which is how the lecture
checks a gradient; ``to_dot`` writes Graphviz text in micrograd's style.
Stepping through backward is ``lessons.explain.stepper``.

``root`` may be an ``engine.Value`` or any Value-like node (``data``, ``grad``,
``_prev``, ``_op``; see ``lessons.explain.nodes``), such as a learner's own
micrograd Value or a loaded snapshot. Every walk over the graph is a loop,
never recursion, so a graph 100,000 nodes deep works like a small one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from numbers import Real
from typing import Any

from engine.ops import MathError, UndefinedMathError
from lessons.explain.dot import graph_to_dot
from lessons.explain.nodes import (
    exponent_of,
    is_value_like,
    label_of,
    local_derivatives,
    op_of,
    walk,
)
from lessons.explain.replay import replay
from lessons.explain.rules import format_number, formula_text, rule_text, wrap
from lessons.explain.tree import TreeNode, build_tree

__all__ = [
    "Contribution",
    "Graph",
    "NodeDetail",
    "OperandRule",
    "SlopeUndefinedError",
    "display_name",
    "evaluate",
    "node_detail",
    "numerical_slope",
    "to_dot",
    "zero_grads",
]

Node = Any  # an engine Value, or any Value-like node


class SlopeUndefinedError(UndefinedMathError):
    """The output cannot be evaluated at ``x + h`` or ``x - h`` (for example a
    log of a number that the nudge made negative), so there is no slope to
    estimate there. It is a ``ValueError``; the math error that stopped the
    evaluation is its ``__cause__``."""


def _times(local: float | None, upstream: float | None) -> float | None:
    """``local × upstream`` as backward adds it: nothing from a zero upstream."""
    if not isinstance(local, Real) or not isinstance(upstream, Real):
        return None
    return local * upstream if upstream else 0.0


def display_name(v: Node, graph: Graph | None = None) -> str:
    """The name to show for ``v``: its label when it has one; a constant (a
    leaf without a label, like the ``-1`` inside ``-a``) shows its number;
    a computed node without a label shows its op, plus ``#`` and its position
    in ``graph`` when a graph is given (``*#3``), which is stable for a given
    expression."""
    if graph is not None:
        return graph.name(v)
    label = label_of(v)
    if label:
        return label
    return op_of(v) if v._prev else format_number(v.data)


# -- node details ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Contribution:
    """One use of a value by a node: during backward the node adds
    ``amount = local × upstream`` to the value's grad (None where a number is
    not known, as in a snapshot of an op the engine does not have)."""

    user: Node  # the node that has the value as an operand
    index: int  # the value's position among the user's operands
    upstream: float | None  # the user's grad, ∂output/∂user
    local: float | None  # ∂user/∂value
    amount: float | None


@dataclass(frozen=True, slots=True)
class OperandRule:
    """How a node's output moves with one of its operands. ``local`` is the
    exact number ``backward()`` uses (an engine node's ``_local``; for other
    nodes worked out from the op table, None when the op is unknown); the
    texts are worked out when read, so a big graph's details cost nothing
    until shown."""

    operand: Node
    local: float | None  # ∂node/∂operand
    index: int  # the operand's position among the node's operands
    node: Node  # the node whose operand this is
    _graph: Graph = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        """The operand's display name."""
        return self._graph.name(self.operand)

    @property
    def rule(self) -> str | None:
        """The rule alone, in names (``f`` for ``L = d * f``); None for an op
        with no rule."""
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

    value: Node
    node_id: str
    name: str
    label: str
    op: str
    data: float | None
    grad: float | None
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
    same expression: ``nodes`` lists every operand before the nodes that use
    it (for engine Values, ``topological_order(root)``), and ``edges`` are
    ``(operand, node, index)`` with ``index`` the operand's position among the
    node's operands, in node order. A value used twice by one node
    (``a + a``) gives two edges.

    The structure is fixed when the Graph is made: each node's ``_prev`` is
    read once (so a set's order, as in micrograd, stays put); ``data`` and
    ``grad`` are read from the nodes whenever asked. Nodes are told apart by
    identity, never by ``==``.
    """

    def __init__(self, root: Node) -> None:
        if not is_value_like(root):
            raise TypeError(f"Graph needs a Value, not {type(root).__name__}")
        self.root = root
        nodes, self._operands = walk(root)
        self.nodes: tuple[Node, ...] = tuple(nodes)
        self._position: dict[int, int] = {id(v): i for i, v in enumerate(self.nodes)}
        self._locals: dict[int, tuple[float | None, ...]] = {}
        self._number_names: dict[int, tuple[float, str]] = {}

    @cached_property
    def edges(self) -> tuple[tuple[Node, Node, int], ...]:
        """``(operand, node, index)`` for every operand of every node, in node order."""
        return tuple(
            (operand, node, i)
            for node in self.nodes
            for i, operand in enumerate(self._operands[id(node)])
        )

    @cached_property
    def _users(self) -> dict[int, list[tuple[Node, int]]]:
        users: dict[int, list[tuple[Node, int]]] = {}
        for operand, node, i in self.edges:
            users.setdefault(id(operand), []).append((node, i))
        return users

    def __len__(self) -> int:
        return len(self.nodes)

    def __contains__(self, v: object) -> bool:
        i = self._position.get(id(v))
        return i is not None and self.nodes[i] is v

    def __repr__(self) -> str:
        return (
            f"Graph({len(self.nodes)} nodes, {len(self.edges)} edges, root {self.name(self.root)})"
        )

    @property
    def leaves(self) -> tuple[Node, ...]:
        """Inputs, parameters and constants: the nodes with no operands."""
        return tuple(v for v in self.nodes if not self._operands[id(v)])

    @property
    def computed(self) -> tuple[Node, ...]:
        """The nodes made by an operation, each after its operands."""
        return tuple(v for v in self.nodes if self._operands[id(v)])

    def index(self, v: Node) -> int:
        """``v``'s position in ``nodes``."""
        i = self._position.get(id(v))
        if i is None or self.nodes[i] is not v:
            raise ValueError(f"{v!r} is not part of this graph")
        return i

    def node_id(self, v: Node) -> str:
        """A short id (``n0``, ``n1``, ...) from ``v``'s position in ``nodes``:
        the same expression built again gets the same ids."""
        return f"n{self.index(v)}"

    def operands(self, v: Node) -> tuple[Node, ...]:
        """``v``'s operands, in the order this graph read them from ``_prev``."""
        self.index(v)
        return self._operands[id(v)]

    def op(self, v: Node) -> str:
        """``v``'s op text (``"+"``, ``"**2"``; ``""`` for a leaf)."""
        return op_of(v)

    def exponent(self, v: Node) -> Real | None:
        """A power node's exponent as a number (None when it is not known)."""
        return exponent_of(v)

    def locals(self, v: Node) -> tuple[float | None, ...]:
        """∂v/∂operand for each operand: what ``backward()`` multiplies by (see
        ``lessons.explain.nodes.local_derivatives``)."""
        found = self._locals.get(id(v))
        if found is None:
            found = local_derivatives(v, self.operands(v))
            self._locals[id(v)] = found
        return found

    def name(self, v: Node) -> str:
        """``display_name(v)`` with this graph's numbering for unlabelled nodes."""
        label = label_of(v)
        if label:
            return label
        if self._operands.get(id(v), v._prev):
            return f"{op_of(v)}#{self.index(v)}"
        # A constant is named by its number. A weight used by a hundred nodes is
        # named a hundred times, so remember the text until the number changes.
        data = v.data
        known = self._number_names.get(id(v))
        if known is not None and known[0] is data:
            return known[1]
        text = format_number(data)
        self._number_names[id(v)] = (data, text)
        return text

    def users(self, v: Node) -> tuple[tuple[Node, int], ...]:
        """``(node, index)`` for every use of ``v`` as an operand, in node order."""
        self.index(v)
        return tuple(self._users.get(id(v), ()))

    # -- tree view

    def tree(self) -> TreeNode:
        """The graph as a tree rooted at the output, operands in written order.
        Each node is expanded once, at its first place in a depth-first walk
        from the root; later places are references, so the tree has one row
        per edge plus one and never blows up on shared subexpressions."""
        return build_tree(self)

    # -- details and the chain rule

    def formula(self, v: Node) -> str:
        """How ``v`` was computed, in names: ``d = e + c``, ``o = tanh(n)``,
        ``n = w1·x1 + w2·x2 + b``; ``""`` for a leaf."""
        operands = self.operands(v)
        if not operands:
            return ""
        return f"{self.name(v)} = {formula_text(op_of(v), [self.name(p) for p in operands])}"

    def rule(self, v: Node, index: int) -> str | None:
        """The local derivative ∂v/∂(operand ``index``) as text in operand
        names, or None for an op with no rule (see ``lessons.explain.rules``)."""
        names = [self.name(p) for p in self.operands(v)]
        return rule_text(op_of(v), names, index, exponent_of(v))

    def partial(self, out: Node, wrt: Node) -> str:
        """``∂out/∂wrt`` in names."""
        return f"∂{wrap(self.name(out))}/∂{wrap(self.name(wrt))}"

    def contributions(self, v: Node) -> tuple[Contribution, ...]:
        """Every use of ``v`` and what it adds to ``v.grad`` with the grads as
        they are now, in node order. ``backward()`` adds them in the reverse
        order; a user whose grad is 0 adds nothing (as in ``backward()``)."""
        result = []
        for user, i in self.users(v):
            upstream, local = user.grad, self.locals(user)[i]
            result.append(Contribution(user, i, upstream, local, _times(local, upstream)))
        return tuple(result)

    def grad_text(self, v: Node) -> str:
        """The chain rule that gives ``v``'s grad, with numbers from the grads as
        they are now: ``∂L/∂e = ∂L/∂d · ∂d/∂e = -2.0 × 1.0 = -2.0``. A value
        used by several nodes lists every use and adds them up, which is why
        ``backward()`` accumulates with ``+=``."""
        root = self.root
        top = self.partial(root, v)
        if v is root:
            return f"{top} = 1.0 (backward starts here: the output moves one for one with itself)"
        parts = self.contributions(v)
        symbols = " + ".join(
            f"{self.partial(root, c.user)} · {self.partial(c.user, v)}" for c in parts
        )
        numbers = " + ".join(
            f"{format_number(c.upstream)} × {format_number(c.local)}" for c in parts
        )
        total: float | None = 0.0
        for c in sorted(parts, key=lambda c: -self.index(c.user)):  # backward's order
            total = None if total is None or c.amount is None else total + c.amount
        return f"{top} = {symbols} = {numbers} = {format_number(total)}"

    def contribution_text(self, node: Node, index: int) -> str:
        """What ``node`` adds to the grad of its operand ``index``, with the
        grads as they are now: ``∂L/∂d · ∂d/∂e = -2.0 × 1.0 = -2.0``."""
        upstream, local = node.grad, self.locals(node)[index]
        added = _times(local, upstream)
        return (
            f"{self.partial(self.root, node)} · {self.partial(node, self.operands(node)[index])}"
            f" = {format_number(upstream)} × {format_number(local)} = {format_number(added)}"
        )

    def rule_text(self, v: Node, index: int) -> str:
        """``∂v/∂operand = rule`` in names, like ``∂L/∂d = f``."""
        partial = self.partial(v, self.operands(v)[index])
        rule = self.rule(v, index)
        return partial if rule is None else f"{partial} = {rule}"

    def detail(self, v: Node) -> NodeDetail:
        """Label, op, data, grad and the local derivative rule of every operand."""
        rules = tuple(
            OperandRule(operand, local, i, v, self)
            for i, (operand, local) in enumerate(zip(self.operands(v), self.locals(v), strict=True))
        )
        return NodeDetail(
            v,
            self.node_id(v),
            self.name(v),
            label_of(v),
            op_of(v),
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

    def evaluate(self, overrides: Mapping[Node, float] | None = None) -> float:
        """See ``evaluate``."""
        return replay(self, overrides or {})

    def numerical_slope(self, leaf: Node, h: float = 1e-6) -> float:
        """See ``numerical_slope``."""
        if not is_value_like(leaf) or leaf._prev:
            raise ValueError(f"a slope is taken with respect to a leaf, not {leaf!r}")
        if not (h > 0 and math.isfinite(h)):
            raise ValueError(f"h must be a small positive number, not {h!r}")
        if leaf not in self:
            return 0.0  # the output does not depend on it at all
        x = leaf.data
        try:
            up = replay(self, {leaf: x + h})
            down = replay(self, {leaf: x - h})
        except MathError as exc:
            raise SlopeUndefinedError(
                f"cannot estimate the slope of {self.name(self.root)} with respect to "
                f"{self.name(leaf)} at {format_number(x)} with h = {h!r}: {exc}"
            ) from exc
        return (up - down) / (2 * h)

    def to_dot(self) -> str:
        """See ``to_dot``."""
        return graph_to_dot(self)


# -- the module-level API ----------------------------------------------------------


def node_detail(v: Node, root: Node | None = None) -> NodeDetail:
    """``Graph(root).detail(v)``; with no root, ``v`` is its own output."""
    return Graph(v if root is None else root).detail(v)


def zero_grads(root: Node) -> None:
    """Set the grad of every node in the graph that ends at ``root`` to 0.0."""
    Graph(root).zero_grads()


def evaluate(root: Node, overrides: Mapping[Node, float] | None = None) -> float:
    """``root``'s value recomputed from its leaves, with the leaves in
    ``overrides`` replaced by the numbers given. Nothing in the graph changes.
    Math that has no answer raises the same errors as building the graph
    (``UndefinedMathError``, ``DivisionByZeroError``, ``FloatOverflowError``).
    Overriding a computed node is a ``ValueError``; a leaf that is not in the
    graph changes nothing, since the output does not depend on it. A node whose
    op the engine does not have raises ``CannotReplayError``."""
    return Graph(root).evaluate(overrides)


def numerical_slope(root: Node, leaf: Node, h: float = 1e-6) -> float:
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


def to_dot(root: Node) -> str:
    """Graphviz DOT text for the graph, laid out left to right as micrograd's
    ``draw_dot`` does: one record per value (``{ a | data 2.0000 | grad 6.0000 }``),
    and a small node for each operation between its operands and its result.
    Needs no Graphviz to produce; feed it to ``dot -Tsvg`` to draw it."""
    return Graph(root).to_dot()
