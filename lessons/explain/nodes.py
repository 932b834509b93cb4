"""Reading any Value-like node: an ``engine.Value``, a learner's own micrograd
Value, or a node of a loaded snapshot.

A node is Value-like when it has ``data``, ``grad``, ``_prev`` and ``_op``
(``label`` is optional). ``_prev`` may be a tuple or, as in micrograd, a set;
it is read once per graph, so one graph always sees one order. The engine's
extras are used when present -- ``_local`` for the exact local derivatives
``backward()`` used, ``_serial`` for the order the nodes were made,
``_exponent`` for a power's exponent -- and otherwise worked out from the op
table in ``engine.ops`` and the operands' data.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from numbers import Real
from operator import attrgetter
from typing import Any

from engine.ops import POWER, MathError, find_op

__all__ = [
    "CannotReplayError",
    "as_float",
    "exponent_of",
    "is_value_like",
    "label_of",
    "local_derivatives",
    "op_of",
    "run_forward",
    "walk",
]

_REQUIRED = ("data", "grad", "_prev", "_op")


class CannotReplayError(ValueError):
    """The graph holds a node whose arithmetic is not known here -- an op that
    is not in ``engine.ops``, an op with the wrong number of operands, a power
    without its exponent, or a number that is missing -- so the graph cannot
    be re-run forward or stepped backward."""


def is_value_like(obj: object) -> bool:
    return all(hasattr(obj, name) for name in _REQUIRED)


def as_float(x: object) -> float | None:
    """``x`` as a float when it is a real number, else None."""
    if isinstance(x, Real):
        try:
            return float(x)
        except (OverflowError, TypeError, ValueError):
            return None
    return None


def label_of(v: Any) -> str:
    label = getattr(v, "label", "")
    return label if isinstance(label, str) else ("" if label is None else str(label))


def op_of(v: Any) -> str:
    op = v._op
    return op if isinstance(op, str) else str(op)


def exponent_from_op_text(op: str) -> float | None:
    """k from a learner's own power op (micrograd writes ``**2``), or None.
    Only for nodes that do not carry their exponent as a number: never engine
    Values, which always do."""
    text = op[2:] if op.startswith("**") else ""
    if text in ("True", "False"):
        return float(text == "True")
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return float(Fraction(text))
    except (ValueError, ZeroDivisionError):
        return None


def exponent_of(v: Any) -> Real | None:
    """A power node's exponent as a number, or None when it is not known."""
    if hasattr(v, "_exponent"):  # engine Values and snapshot nodes carry it
        k = v._exponent
        return k if isinstance(k, Real) else None
    return exponent_from_op_text(op_of(v))


def walk(root: Any) -> tuple[list[Any], dict[int, tuple[Any, ...]]]:
    """Every node of the graph ending at ``root``, each after all its operands,
    and each node's operands (keyed by ``id``) as read from ``_prev``, once.

    Engine Values are listed in the order they were made (their ``_serial``),
    which is ``engine.topological_order``. Other graphs are listed in the order
    of a depth-first walk that lists a node after its operands, taken in
    ``_prev`` order -- micrograd's ``build_topo``, as a loop.
    """
    if not is_value_like(root):
        raise TypeError(f"a graph needs a Value, not {type(root).__name__}")
    operands: dict[int, tuple[Any, ...]] = {}
    found = []
    stack = [root]
    while stack:
        v = stack.pop()
        if id(v) in operands:
            continue
        kids = tuple(v._prev)
        for kid in kids:
            if not is_value_like(kid):
                raise TypeError(
                    f"an operand of a {op_of(v)!r} node is a {type(kid).__name__}, not a Value"
                )
        operands[id(v)] = kids
        found.append(v)
        stack.extend(kids)
    serials = [getattr(v, "_serial", None) for v in found]
    if all(type(s) is int for s in serials):
        return sorted(found, key=attrgetter("_serial")), operands
    return _operands_first(root, operands), operands


def _operands_first(root: Any, operands: dict[int, tuple[Any, ...]]) -> list[Any]:
    order: list[Any] = []
    entered: set[int] = set()
    listed: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        v, operands_done = stack.pop()
        key = id(v)
        if operands_done:
            order.append(v)
            listed.add(key)
            continue
        if key in entered:
            if key not in listed:  # met again while its own operands are being listed
                raise ValueError("the graph has a cycle: a node is its own operand")
            continue
        entered.add(key)
        stack.append((v, True))
        for kid in reversed(operands[key]):
            if id(kid) not in listed:
                stack.append((kid, False))
    return order


def run_forward(op_text: str, args: Sequence[float], exponent: Real | None) -> float:
    """A computed node's data from its operands' data, by the op table."""
    op = find_op(op_text)
    if op is None or not op.accepts(len(args)):
        raise CannotReplayError(
            f"cannot re-run the op {op_text!r} on {len(args)} operand(s): "
            "it is not one of the engine's operations"
        )
    if op is POWER:
        if exponent is None:
            raise CannotReplayError(f"cannot re-run the op {op_text!r}: its exponent is unknown")
        return op.forward(*args, exponent)
    return op.forward(*args)


def local_derivatives(v: Any, operands: tuple[Any, ...]) -> tuple[float | None, ...]:
    """∂v/∂operand for each operand: the engine's recorded ``_local`` when ``v``
    has it, else worked out from the op table at the operands' data (None for
    each when the op or a number is unknown)."""
    recorded = getattr(v, "_local", None)
    if isinstance(recorded, tuple) and len(recorded) == len(operands):
        return recorded
    unknown = (None,) * len(operands)
    op_text = op_of(v)
    op = find_op(op_text)
    if op is None or not op.accepts(len(operands)):
        return unknown
    args = [as_float(p.data) for p in operands]
    if None in args:
        return unknown
    params = ()
    if op is POWER:
        k = exponent_of(v)
        if k is None:
            return unknown
        params = (k,)
    out = as_float(v.data)
    try:
        if out is None:
            out = op.forward(*args, *params)
        return tuple(op.local(out, *args, *params))
    except (MathError, ArithmeticError, ValueError, TypeError):
        return unknown
