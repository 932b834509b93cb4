"""``backward()`` one node at a time, with every grad it changes, for the tutor to animate."""

from __future__ import annotations

from dataclasses import dataclass, field

from lessons.explain.graph import Graph, Node
from lessons.explain.nodes import CannotReplayError
from lessons.explain.rules import format_number

__all__ = ["BackpropStep", "BackpropStepper", "GradChange"]


@dataclass(frozen=True, slots=True)
class GradChange:
    """One grad that a step touched: ``new_grad = old_grad + added`` where
    ``added = local × upstream``. For the seed, the output's grad is set to 1.0
    and ``index`` is None."""

    value: Node  # whose grad changed
    index: int | None  # its position among the node's operands
    old_grad: float
    local: float  # ∂node/∂value
    upstream: float  # the node's grad, ∂output/∂node
    added: float
    new_grad: float
    node: Node  # the node the step worked on
    _graph: Graph = field(repr=False, compare=False)

    @property
    def changed(self) -> bool:
        return self.new_grad != self.old_grad

    @property
    def text(self) -> str:
        """``∂L/∂e += ∂L/∂d · ∂d/∂e = -2.0 × 1.0 = -2.0   (e.grad 0.0 → -2.0)``"""
        graph, value = self._graph, self.value
        top = graph.partial(graph.root, value)
        if self.index is None:
            return f"{top} = 1.0: nudge the output by h and it moves by h"
        return (
            f"{top} += {graph.partial(graph.root, self.node)} · {graph.partial(self.node, value)}"
            f" = {format_number(self.upstream)} × {format_number(self.local)}"
            f" = {format_number(self.added)}   ({graph.name(value)}.grad"
            f" {format_number(self.old_grad)} → {format_number(self.new_grad)})"
        )


@dataclass(frozen=True, slots=True)
class BackpropStep:
    """What one step of backprop did. Step 0 seeds the output's grad with 1.0;
    every later step is one node passing its grad (``upstream``) to its operands."""

    number: int
    node: Node
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
        top = graph.partial(graph.root, self.node)
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

    Any Value-like graph can be stepped when every node's local derivatives
    are known (see ``Graph.locals``); otherwise making the stepper raises
    ``CannotReplayError``, before any grad is touched.
    """

    def __init__(self, root: Node | Graph) -> None:
        self.graph = root if isinstance(root, Graph) else Graph(root)
        self.root = self.graph.root
        self.order: tuple[Node, ...] = tuple(reversed(self.graph.computed))
        for node in self.order:
            if None in self.graph.locals(node):
                raise CannotReplayError(
                    f"cannot step backward through {self.graph.name(node)}: the local "
                    f"derivatives of its op {self.graph.op(node)!r} are not known"
                )
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
    def next_node(self) -> Node | None:
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

    def _pass_back(self, number: int, node: Node) -> BackpropStep:
        g = node.grad
        changes = []
        graph = self.graph
        for i, (operand, local) in enumerate(
            zip(graph.operands(node), graph.locals(node), strict=True)
        ):
            old = operand.grad
            if g:
                added = local * g
                operand.grad += added
            else:  # backward() skips a node whose grad is 0: it has nothing to pass on
                added = 0.0
            changes.append(GradChange(operand, i, old, local, g, added, operand.grad, node, graph))
        return BackpropStep(number, node, False, g, tuple(changes), graph)
