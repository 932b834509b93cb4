"""A tape (``engine.tape``) laid out for NumPy: many nodes at a time, the same bits.

``engine.tape`` imports NumPy on the first replay and hands it to ``ArrayPlan``;
nothing here imports it. The op codes of a tape are defined here too, one small
int per op of ``engine.ops.OPS``, in the table's order.

Forward, nodes go in groups of one height, one op and one number of operands,
lowest first: a group reads only lower heights, so a group is a few whole-array
operations. Every operation is the one ``Value`` does, on the same operands, in
the same order: a ``dot`` is ``b + w1*x1 + w2*x2 + ...``, so a row of products is
added at a time to a row of running totals (never ``np.sum`` or ``np.dot``, which
add in another order), and ``tanh``, ``exp``, ``log``, ``sigmoid`` and ``**`` run
``engine.ops`` on each element (NumPy's own give another last bit for a good
share of inputs on many machines: 20-47% for tanh on the AVX-512 machine this
was written on).

Backward, the nodes and parameters that need a gradient go in groups of one
height and one number of users, highest first, so that every user is done
before its operands; a gradient is the sum of its users' shares
``local * grad``, added in ``backward()``'s order (newest user first, a user's
operands in order), one row of shares at a time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from engine import ops
from engine.interrupt import check
from engine.ops import MathError

if TYPE_CHECKING:
    from engine.tape import Tape

__all__ = ["ADD", "CODE", "DOT", "POW", "SYMBOLS", "ArrayPlan"]

SYMBOLS = tuple(ops.OPS)
CODE = {symbol: code for code, symbol in enumerate(SYMBOLS)}
ADD, MUL, POW, EXP, LOG, TANH, SIGMOID, RELU, SUM, DOT = (
    CODE[s] for s in ("+", "*", "**", "exp", "log", "tanh", "sigmoid", "ReLU", "sum", "dot")
)


# Ops whose NumPy versions may differ from Python's math in the last bit: run per element.
_PER_ELEMENT: dict[int, Callable[[float], float]] = {
    TANH: ops.tanh,
    SIGMOID: ops.sigmoid,
    EXP: ops.exp,
    LOG: ops.log,
}


class _Take:
    """Where a group finds one block of numbers in ``v``: an index matrix, one row
    per operand position (or per user), one column per node.

    A batch makes the same neurons for every point, so a block often repeats:
    the same weights for every point (each row repeats with a period ``p``), or
    the same input for every neuron of a point (each value ``p`` times in a row).
    Such a block is gathered once and broadcast -- the same numbers in the same
    places -- instead of being gathered for every node. Every block of a group is
    shaped ``(rows, n // p, p)`` with the group's ``p``, or broadcasts to it."""

    __slots__ = ("index",)

    def __init__(self, np: Any, index: Any, p: int) -> None:
        rows, n = index.shape
        blocks = index.reshape(rows, n // p, p)
        if (blocks == blocks[:, :1, :]).all():
            blocks = blocks[:, :1, :]  # one period, again and again
        elif (blocks == blocks[:, :, :1]).all():
            blocks = blocks[:, :, :1]  # each value p times
        self.index = blocks.astype(np.intp)  # what take() wants, without converting

    def __call__(self, v: Any) -> Any:
        return v.take(self.index, axis=0)


def _period(np: Any, index: Any) -> int:
    """The shortest period ``p`` of the columns of ``index`` (``n`` if none)."""
    n = index.shape[1]
    same_as_first = np.flatnonzero((index == index[:, :1]).all(axis=0)).tolist()
    for p in same_as_first[1:]:
        if n % p == 0 and (index[:, p:] == index[:, :-p]).all():
            return p
    return n


class _Group:
    """Nodes of one height with one op and one number of operands, computed together:
    ``out`` their slots; ``takes`` their operands (for a dot: weights, inputs,
    bias), each a ``_Take`` shaped by the group's period ``p``."""

    __slots__ = ("code", "k", "nodes", "out", "p", "takes")

    def __init__(self, np: Any, code: int, k: Any, nodes: Any, out: Any, args: Any) -> None:
        self.code, self.k, self.nodes, self.out = code, k, nodes, out
        if code == DOT:
            w = (len(args) - 1) // 2
            self.p = _period(np, args[:w])
            blocks = (args[:w], args[w : 2 * w], args[-1:])
        else:
            self.p = len(nodes)
            blocks = (args,)
        self.takes = [_Take(np, block, self.p) for block in blocks]

    def shaped(self, np: Any, out: Any, v: Any) -> Any:
        """A result shaped ``(n // p, p)`` (or broadcasting to it) as one per node."""
        n = len(self.nodes)
        whole = (n // self.p, self.p, *v.shape[1:])
        return np.broadcast_to(out, whole).reshape(n, *v.shape[1:])


class ArrayPlan:
    """The tape laid out for NumPy (see the module's docstring).

    Every number of a replay lives in one array ``v``: the slots, then one more
    per node for its local derivative if it has one of its own (tanh's ``1 - t*t``),
    then a 1.0. Each operand edge knows where its local derivative is in ``v``: that
    extra slot, the other operand's slot (``*`` and ``dot`` swap), or the 1.0.
    ``forward`` holds the groups of nodes in order; ``backward`` the groups of
    gradients, each as (slots, period, where the locals are, where the users are).
    """

    def __init__(self, tape: Tape, np: Any) -> None:
        self.tape = tape
        first, m = tape.first_node, tape.nodes
        self.size = tape.slots + m + 1
        self.one = self.size - 1
        # Working arrays of one number per edge are int32: at a thousand points of
        # 32,32 there are 2.3 million edges, and laying them out must stay small.
        small = np.int32
        codes = np.frombuffer(tape.codes, dtype=np.int8)
        starts = np.frombuffer(tape.starts, dtype=np.int64).astype(small)
        operands = np.frombuffer(tape.operands, dtype=np.int64).astype(small)
        heights = np.frombuffer(tape.heights, dtype=np.int64).astype(small)
        arity = np.diff(starts)
        local_at = np.empty(len(operands), dtype=small)  # where each edge's local is in v

        self.forward: list[_Group] = []
        keys = np.lexsort((arity, codes, heights))
        for run in _runs(np, heights[keys], codes[keys], arity[keys]):
            check()  # a training step asked to stop (engine.interrupt)
            nodes = keys[run]
            code, n_args = int(codes[nodes[0]]), int(arity[nodes[0]])
            edges = starts[nodes][None, :] + np.arange(n_args, dtype=small)[:, None]
            args = operands[edges]  # (operand, node)
            for k, members in self._by_exponent(np, tape, code, nodes):
                cols = np.searchsorted(nodes, members) if members is not nodes else slice(None)
                self.forward.append(_Group(np, code, k, members, first + members, args[:, cols]))
            # Where each edge finds its local derivative.
            if code in (ADD, SUM):
                local_at[edges] = self.one
            elif code == MUL:
                local_at[edges] = args[::-1]
            elif code == DOT:
                w = (n_args - 1) // 2
                local_at[edges[:w]] = args[w : 2 * w]
                local_at[edges[w : 2 * w]] = args[:w]
                local_at[edges[-1]] = self.one
            else:  # one operand, a local of its own in the slot after all the others
                local_at[edges[0]] = tape.slots + nodes
            del edges, args

        # Backward: the edges in backward()'s order -- newest node first, each node's
        # operands in order -- then (a stable sort) gathered by the operand they feed.
        newest_first = np.arange(m - 1, -1, -1, dtype=small)
        lengths = arity[newest_first]
        walk = np.repeat(starts[newest_first] - (np.cumsum(lengths) - lengths), lengths)
        walk += np.arange(len(operands), dtype=small)
        walk = walk[np.argsort(operands[walk], kind="stable")]
        receiver = operands[walk]
        consumer = np.repeat(np.arange(first, first + m, dtype=small), arity)[walk]
        local_at = local_at[walk]
        del walk, operands
        # Runs of one receiver; only parameters and nodes need their gradient.
        begins = np.flatnonzero(np.diff(receiver, prepend=-1))
        slots = receiver[begins]
        del receiver
        fan_in = np.diff(np.append(begins, len(local_at)))
        keep = (slots < tape.n_parameters) | (slots >= first)
        slots, first_edge, fan_in = slots[keep], begins[keep], fan_in[keep]
        slot_height = np.zeros(tape.slots, dtype=small)
        slot_height[first:] = heights
        h = slot_height[slots]
        self.backward: list[tuple[Any, int, _Take, _Take]] = []
        keys = np.lexsort((fan_in, -h))
        for run in _runs(np, h[keys], fan_in[keys]):
            check()
            members = keys[run]
            edges = first_edge[members][None, :] + np.arange(int(fan_in[members[0]]))[:, None]
            locals_, users = local_at[edges], consumer[edges]
            p = _period(np, locals_)
            to = slots[members].astype(np.intp)
            self.backward.append((to, p, _Take(np, locals_, p), _Take(np, users, p)))

    @staticmethod
    def _by_exponent(np: Any, tape: Tape, code: int, nodes: Any) -> list[tuple[Any, Any]]:
        if code != POW:
            return [(None, nodes)]
        by_k: dict[Any, list[int]] = {}
        for i in nodes.tolist():
            by_k.setdefault(tape.exponents[i], []).append(i)
        return [(k, np.array(members, dtype=np.intp)) for k, members in by_k.items()]

    def _values(self, np: Any, parameters: Any, inputs: Any, columns: int | None) -> Any:
        tape = self.tape
        v = np.zeros((self.size,) if columns is None else (self.size, columns))
        p, i = tape.n_parameters, tape.n_inputs
        v[:p] = parameters if columns is None else np.asarray(parameters, dtype=float)[:, None]
        v[p : p + i] = inputs
        v[p + i : tape.first_node] = (
            tape.constants if columns is None else np.asarray(tape.constants)[:, None]
        )
        v[self.one] = 1.0
        return v

    def _run_forward(self, np: Any, v: Any, with_locals: bool) -> None:
        errors: list[tuple[int, MathError]] = []
        local_offset = self.tape.slots - self.tape.first_node
        with np.errstate(all="ignore"):
            for g in self.forward:
                check()
                code = g.code
                local = None
                if code == DOT:  # b + w1*x1 + w2*x2 + ..., left to right
                    weights, inputs, bias = (take(v) for take in g.takes)
                    out = g.shaped(np, _add_rows(np, weights * inputs, bias[0]), v)
                    v[g.out] = out
                    continue
                a = g.takes[0](v)[:, 0]  # (operand, node): the period is the whole group
                if code == ADD:
                    out = a[0] + a[1]
                elif code == MUL:
                    out = a[0] * a[1]
                elif code == SUM:  # 0.0 + x1 + x2 + ...
                    out = _add_rows(np, a, None)
                elif code == RELU:
                    x = a[0]
                    on = x > 0  # NaN is off, as in ops.relu
                    out = np.where(on, x, 0.0)
                    local = on.astype(float)
                elif code == POW:
                    k = g.k
                    out = _each(np, lambda x, k=k: ops.power(x, k), a[0], g.nodes, errors)
                    if with_locals:
                        local = _each2(np, lambda o, x, k=k: _d_power(o, x, k), out, a[0])
                else:
                    out = _each(np, _PER_ELEMENT[code], a[0], g.nodes, errors)
                    if code == TANH:
                        local = 1.0 - out * out
                    elif code == SIGMOID:
                        local = out * (1.0 - out)
                    elif code == EXP:
                        local = out
                    else:  # LOG
                        local = 1.0 / a[0]
                v[g.out] = out
                if with_locals and local is not None:
                    v[g.out + local_offset] = local
        if errors:
            raise min(errors, key=lambda e: e[0])[1]

    def replay(
        self, np: Any, parameters: Sequence[float], inputs: Sequence[float], backward: bool
    ) -> tuple[float, list[float], list[float]]:
        """The root's data, the outputs' data and the parameters' gradients."""
        tape = self.tape
        v = self._values(np, parameters, inputs, None)
        self._run_forward(np, v, with_locals=backward)
        outputs = v[list(tape.outputs)].tolist()
        root = float(v[tape.root])
        if not backward:
            return root, outputs, []
        grad = np.zeros(tape.slots)
        grad[tape.root] = 1.0
        # backward() skips a node whose grad is 0; that matters only when a local is
        # inf or NaN (0 * inf is NaN), so only then are those shares masked out.
        skip_zero = not np.isfinite(v).all()
        with np.errstate(all="ignore"):
            for slots, p, take_locals, take_grads in self.backward:
                check()
                g = take_grads(grad)
                shares = take_locals(v) * g
                if skip_zero:
                    shares = np.where(g == 0, 0.0, shares)
                # 0.0 + share1 + share2 + ..., as `grad += local * g` adds them.
                total = _add_rows(np, shares, None)
                n = len(slots)
                grad[slots] = np.broadcast_to(total, (n // p, p)).reshape(n)
        return root, outputs, grad[: tape.n_parameters].tolist()

    def forward_many(
        self, np: Any, parameters: Sequence[float], inputs: Sequence[Sequence[float]]
    ) -> list[float]:
        columns = np.asarray(inputs, dtype=float).reshape(self.tape.n_inputs, -1)
        found: list[float] = []
        chunk = max(1, 2_000_000 // self.size)  # keep v to ~16 MB
        for begin in range(0, columns.shape[1], chunk):
            part = columns[:, begin : begin + chunk]
            v = self._values(np, parameters, part, part.shape[1])
            self._run_forward(np, v, with_locals=False)
            found.extend(v[self.tape.root].tolist())
        return found


def _runs(np: Any, *keys: Any) -> list[Any]:
    """Slices of equal neighbours in sorted key arrays."""
    n = len(keys[0])
    if n == 0:
        return []
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    bounds = [*np.flatnonzero(change).tolist(), n]
    return [slice(a, b) for a, b in pairwise(bounds)]


def _add_rows(np: Any, rows: Any, start: Any) -> Any:
    """``start + rows[0] + rows[1] + ...`` element by element, added in that order
    (``start`` None: ``0.0 + rows[0] + ...``, as a Python sum starts)."""
    if len(rows) == 0:  # a dot of no weights is its bias
        return np.zeros(rows.shape[1:]) if start is None else start.copy()
    if rows[0].size <= 4 < len(rows):  # a long sum of a few numbers: quicker in Python
        shape = (
            rows.shape[1:] if start is None else np.broadcast_shapes(rows.shape[1:], start.shape)
        )
        columns = np.broadcast_to(rows, (len(rows), *shape)).reshape(len(rows), -1).T.tolist()
        starts = [0.0] * len(columns)
        if start is not None:
            starts = np.broadcast_to(start, shape).ravel().tolist()
        totals = []
        for total, column in zip(starts, columns, strict=True):
            for x in column:
                total += x
            totals.append(total)
        return np.array(totals).reshape(shape)
    total = rows[0] + (0.0 if start is None else start)
    for row in rows[1:]:
        total += row
    return total


def _each(
    np: Any,
    fn: Callable[[float], float],
    x: Any,
    nodes: Any,
    errors: list[tuple[int, MathError]],
) -> Any:
    """``fn`` on every element of ``x`` (one row per node of ``nodes``), in Python.
    A ``MathError`` is kept with its node, and that element becomes NaN."""
    flat = x.ravel().tolist()
    try:
        return np.fromiter(map(fn, flat), float, len(flat)).reshape(x.shape)
    except MathError:
        found = []
        per_node = max(1, len(flat) // len(nodes))
        for j, xj in enumerate(flat):
            try:
                found.append(fn(xj))
            except MathError as error:
                errors.append((int(nodes[j // per_node]), error))
                found.append(math.nan)
    return np.array(found).reshape(x.shape)


def _d_power(out: float, x: float, k: Any) -> float:
    # NaN in, NaN out -- and no complex slope for the NaN left where x ** k failed
    return math.nan if out != out else ops.d_power(out, x, k)[0]


def _each2(np: Any, fn: Callable[[float, float], float], a: Any, b: Any) -> Any:
    return np.array(list(map(fn, a.ravel().tolist(), b.ravel().tolist()))).reshape(a.shape)
