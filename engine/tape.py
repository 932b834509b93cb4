"""Record a graph of Values once, as a flat tape; replay it without making a Value.

A training step builds the same graph every time: the same operations on the
same operands in the same order; only the numbers in it change. A ``Tape``
writes that shape down once:

* one *slot* per number: the parameters, then the inputs (a batch's points and
  targets), then the constants the graph holds (the 1 of ``1 + -y*score``, the
  ``1/n`` of a mean, alpha), then one slot per computed node, oldest first;
* for each computed node, its op from ``engine.ops`` and the slots of its
  operands in operand order (a power keeps its exponent too).

Replaying is the forward pass, ``backward()`` and the gradients, done over those
slots: with NumPy, many nodes at once; without it, node by node in plain Python.

Why replaying is allowed: no op depends on the numbers for its *shape*. A ReLU
is recorded as "ReLU" whether it is on or off, and whether it passes a gradient
on is decided again at each replay from its input, as ``Value.relu`` decides.
So a tape stays right for as long as the code that built the graph would build
the same one: the same model, loss, L2 setting and batch size. A new batch of
that size is new numbers in the input slots; anything else needs a new
recording (``engine.train`` keys its tape on all of those).

Bit for bit: every node does the same IEEE operations on the same operands in
the same order as ``Value`` does, so a replay gives exactly the numbers the
Values give, and a node's gradient adds its users' shares in ``backward()``'s
order (newest user first, a user's operands in order). The plain-Python replay
here is ``Value``'s own arithmetic, node by node; ``engine.tape_numpy`` does the
same over arrays, a group of nodes at a time, and says what that rules out.

NumPy is imported on the first replay, never by ``import engine``.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine import ops
from engine.interrupt import EVERY, check, topological_order
from engine.ops import POWER, find_op
from engine.tape_numpy import CODE, POW, SYMBOLS, ArrayPlan
from engine.value import Value

__all__ = ["Replay", "Tape", "numpy_available"]


@dataclass(frozen=True)
class Replay:
    """What one replay of a tape gave: the root's data (the loss), the data of
    the outputs the tape was recorded with (the scores), and d(root)/d(parameter)
    for every parameter, in the order the parameters were given."""

    root: float
    outputs: list[float]
    grads: list[float]


class Tape:
    """The flat record of one graph; see the module's docstring.

    ``Tape.record(loss, parameters, inputs, outputs)`` records the graph ending
    at ``loss``; ``tape.replay(parameter_data, input_data)`` runs it again on new
    numbers. ``parameters`` and ``inputs`` are leaves of the graph whose numbers
    each replay is given; every other leaf is a constant, kept with the tape.
    """

    def __init__(
        self,
        *,
        n_parameters: int,
        n_inputs: int,
        constants: list[float],
        codes: array,
        starts: array,
        operands: array,
        exponents: dict[int, Any],
        heights: array,
        root: int,
        outputs: tuple[int, ...],
    ) -> None:
        self.n_parameters = n_parameters
        self.n_inputs = n_inputs
        self.constants = constants
        self.codes = codes  # node i's op code
        self.starts = starts  # node i's operands are operands[starts[i]:starts[i + 1]]
        self.operands = operands  # slots, node after node
        self.exponents = exponents  # node i -> k, for the powers
        self.heights = heights  # node i: 1 + the highest height of its operands (leaves: 0)
        self.root = root  # the slot of the root
        self.outputs = outputs  # slots
        self._plan: ArrayPlan | None = None

    @property
    def first_node(self) -> int:
        """The slot of the oldest computed node; slots before it are leaves."""
        return self.n_parameters + self.n_inputs + len(self.constants)

    @property
    def nodes(self) -> int:
        return len(self.codes)

    @property
    def slots(self) -> int:
        return self.first_node + self.nodes

    # -- recording

    @classmethod
    def record(
        cls,
        root: Value,
        parameters: Sequence[Value] = (),
        inputs: Sequence[Value] = (),
        outputs: Sequence[Value] = (),
    ) -> Tape:
        """The tape of the graph that ends at ``root``.

        ``parameters`` and ``inputs`` must be leaves (Values made directly, not
        by an op); ``outputs`` are nodes of the graph whose data every replay
        reports. Raises ``ValueError`` for an op the tape does not know.
        """
        slot_of: dict[Value, int] = {}
        for v in (*parameters, *inputs):
            if v._prev:
                raise ValueError("parameters and inputs must be leaves, not computed nodes")
            if v in slot_of:
                raise ValueError("a Value is given twice as a parameter or input")
            slot_of[v] = len(slot_of)
        order = topological_order(root)
        constants = [v.data for v in order if not v._prev and v not in slot_of]
        for v in order:
            if not v._prev and v not in slot_of:
                slot_of[v] = len(slot_of)
        codes, starts, operands, heights = array("b"), array("q", [0]), array("q"), array("q")
        height_of = [0] * len(slot_of)  # by slot
        exponents: dict[int, Any] = {}
        for n, v in enumerate(order):
            if not n % EVERY:
                check()  # a training step asked to stop (engine.interrupt)
            if not v._prev:
                continue
            op = find_op(v._op)
            if op is None:
                raise ValueError(f"the tape cannot record the op {v._op!r}")
            if op is POWER:
                exponents[len(codes)] = v._exponent
            slots = list(map(slot_of.__getitem__, v._prev))
            codes.append(CODE[op.symbol])
            operands.extend(slots)
            starts.append(len(operands))
            height = 1 + max(map(height_of.__getitem__, slots))
            heights.append(height)
            height_of.append(height)
            slot_of[v] = len(slot_of)
        missing = [v for v in (root, *outputs) if v not in slot_of]
        if missing:
            raise ValueError("every output must be a node of the graph that ends at the root")
        return cls(
            n_parameters=len(parameters),
            n_inputs=len(inputs),
            constants=constants,
            codes=codes,
            starts=starts,
            operands=operands,
            exponents=exponents,
            heights=heights,
            root=slot_of[root],
            outputs=tuple(slot_of[v] for v in outputs),
        )

    # -- replaying

    def replay(
        self,
        parameters: Sequence[float],
        inputs: Sequence[float] = (),
        *,
        backward: bool = True,
        numpy: bool = True,
    ) -> Replay:
        """Run the tape on these numbers: the forward pass and (unless
        ``backward=False``) the backward pass from the root.

        Raises the ``MathError`` that building the graph from Values would have
        raised first (``exp(1000)`` say), with the same message -- but for a
        division, which a tape knows as the ``** -1`` it is made of. ``numpy=False``
        replays in plain Python, as it does when NumPy is not installed.
        """
        self._check_sizes(parameters, inputs)
        np = _load_numpy() if numpy else None
        if np is None:
            return _replay_in_python(self, parameters, inputs, backward)
        return Replay(*self._numpy_plan().replay(np, parameters, inputs, backward))

    def forward_many(
        self, parameters: Sequence[float], inputs: Sequence[Sequence[float]]
    ) -> list[float]:
        """The root's data for many sets of inputs at once, ``inputs[i]`` being
        the i-th input's number in each (one column per set): for scoring many
        points through the tape of one point's forward pass. The same numbers as
        one replay per set."""
        if len(inputs) != self.n_inputs:
            raise ValueError(f"this tape takes {self.n_inputs} inputs, not {len(inputs)}")
        np = _load_numpy()
        if np is None:
            columns = list(zip(*inputs, strict=True)) if inputs else []
            return [
                _replay_in_python(self, parameters, column, backward=False).root
                for column in columns
            ]
        return self._numpy_plan().forward_many(np, parameters, inputs)

    def _check_sizes(self, parameters: Sequence[float], inputs: Sequence[float]) -> None:
        if len(parameters) != self.n_parameters or len(inputs) != self.n_inputs:
            raise ValueError(
                f"this tape takes {self.n_parameters} parameters and {self.n_inputs} inputs, "
                f"not {len(parameters)} and {len(inputs)}"
            )

    def _numpy_plan(self) -> ArrayPlan:
        if self._plan is None:
            self._plan = ArrayPlan(self, _load_numpy())
        return self._plan

    # -- reading

    def op_name(self, node: int) -> str:
        """The op of computed node ``node`` (0 is the oldest): its ``_op``, such as
        ``dot`` or ``ReLU``; a power with its exponent, ``**2``."""
        if node in self.exponents:
            return f"**{self.exponents[node]}"
        return SYMBOLS[self.codes[node]]

    def operand_slots(self, node: int) -> list[int]:
        """The slots computed node ``node`` reads, in operand order."""
        return list(self.operands[self.starts[node] : self.starts[node + 1]])

    def op_counts(self) -> dict[str, int]:
        """How many nodes of each op the tape holds, in the order the ops first occur."""
        counts: dict[str, int] = {}
        for code in self.codes:
            symbol = SYMBOLS[code]
            counts[symbol] = counts.get(symbol, 0) + 1
        return counts

    def line(self, node: int) -> str:
        """Computed node ``node`` as a line of the tape: ``n1 = ReLU(n0)``."""
        args = ", ".join(map(self.slot_name, self.operand_slots(node)))
        return f"{self.slot_name(self.first_node + node)} = {self.op_name(node)}({args})"

    def __str__(self) -> str:
        """A short print: how many of each kind of slot, and the first few nodes."""
        lines = [
            f"tape: {self.n_parameters} parameters, {self.n_inputs} inputs, "
            f"{len(self.constants)} constants, {self.nodes} nodes, "
            f"{len(self.operands)} operand slots"
        ]
        lines.extend(f"  {self.line(i)}" for i in range(min(self.nodes, 8)))
        if self.nodes > 8:
            lines.append(f"  ... {self.nodes - 8} more")
        return "\n".join(lines)

    def slot_name(self, slot: int) -> str:
        """p3 (a parameter), x0 (an input), c1 (a constant), n7 (a node)."""
        for letter, size in (
            ("p", self.n_parameters),
            ("x", self.n_inputs),
            ("c", len(self.constants)),
        ):
            if slot < size:
                return f"{letter}{slot}"
            slot -= size
        return f"n{slot}"


# -- plain Python: node by node, exactly as Value does it -----------------------------


def _replay_in_python(
    tape: Tape, parameters: Sequence[float], inputs: Sequence[float], backward: bool
) -> Replay:
    data = [*map(float, parameters), *map(float, inputs), *tape.constants]
    table = [ops.OPS[symbol] for symbol in SYMBOLS]
    operands, starts, exponents = tape.operands, tape.starts, tape.exponents
    locals_: list[tuple[float, ...]] = []
    for i, code in enumerate(tape.codes):
        if not i % EVERY:
            check()
        x = [data[s] for s in operands[starts[i] : starts[i + 1]]]
        op = table[code]
        if code == POW:
            k = exponents[i]
            out = op.forward(x[0], k)
            locals_.append(op.local(out, x[0], k))
        else:
            out = op.forward(*x)
            locals_.append(op.local(out, *x))
        data.append(out)
    outputs = [data[s] for s in tape.outputs]
    if not backward:
        return Replay(data[tape.root], outputs, [])
    grads = [0.0] * len(data)
    grads[tape.root] = 1.0
    first = tape.first_node
    for i in reversed(range(tape.nodes)):  # Value.backward, over slots
        if not i % EVERY:
            check()
        g = grads[first + i]
        if g:
            for s, local in zip(operands[starts[i] : starts[i + 1]], locals_[i]):  # noqa: B905
                grads[s] += local * g
    return Replay(data[tape.root], outputs, grads[: tape.n_parameters])


# -- NumPy: a level of the graph at a time ----------------------------------------------

_numpy: Any = None


def _load_numpy() -> Any:
    """NumPy, imported on first use; None when it is not installed."""
    global _numpy
    if _numpy is None:
        try:
            import numpy
        except ImportError:
            return None
        _numpy = numpy
    return _numpy


def numpy_available() -> bool:
    """Whether replays can use NumPy (else they run in plain Python)."""
    return _load_numpy() is not None
