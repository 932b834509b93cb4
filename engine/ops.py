"""The operations a Value knows: what each computes, and its local derivatives.

This is the one place an operation's arithmetic is written down. ``Value``'s
methods build nodes with it, the trainer scores points with it without a
graph, and the tutor's graph tools re-run or explain a recorded graph with it,
so the three can never disagree about what ``tanh`` or ``**`` means.

Every op is two plain functions of floats:

* ``forward(*x)`` -- the node's data from its operands' data, in operand
  order. A power also takes its exponent: ``power(x, k)``.
* ``local(out, *x)`` -- one local derivative per operand, ∂out/∂operand,
  given the output ``out`` as well (tanh's slope is ``1 - out**2``).

Math with no real, finite answer raises a ``MathError`` with the same message
wherever the op is run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Real

__all__ = [
    "OPS",
    "POWER",
    "DivisionByZeroError",
    "FloatOverflowError",
    "MathError",
    "Op",
    "UndefinedMathError",
    "find_op",
]


class MathError(ArithmeticError):
    """An operation on Values has no answer as a real, finite float."""


class UndefinedMathError(MathError, ValueError):
    """The operation is undefined for this input, like ``log(-1)``."""


class DivisionByZeroError(MathError, ZeroDivisionError):
    """Division by zero, including ``0 ** -1``."""


class FloatOverflowError(MathError, OverflowError):
    """The result is too large for a float, like ``exp(1000)``."""


def _fmt(x: float) -> str:
    return repr(float(x))


# -- forward and local derivatives, op by op ------------------------------------------


def add(a: float, b: float) -> float:
    return a + b


def d_add(out: float, a: float, b: float) -> tuple[float, float]:
    # d(a+b)/da = 1 and d(a+b)/db = 1: addition passes the gradient through.
    return (1.0, 1.0)


def mul(a: float, b: float) -> float:
    return a * b


def d_mul(out: float, a: float, b: float) -> tuple[float, float]:
    # d(a*b)/da = b and d(a*b)/db = a: multiplication swaps the operands.
    return (b, a)


def power(x: float, k: Real) -> float:
    """``x ** k`` for a plain number k, written into error messages as given (``1/2``)."""
    kf = float(k)
    if x < 0 and not kf.is_integer():
        raise UndefinedMathError(f"({_fmt(x)}) ** {k} has no real value")
    if x == 0 and kf < 0:
        raise DivisionByZeroError(f"division by zero in {_fmt(x)} ** {k}")
    try:
        return x**kf
    except OverflowError:
        raise FloatOverflowError(f"{_fmt(x)} ** {k} overflows a float") from None


def d_power(out: float, x: float, k: Real) -> tuple[float]:
    """d(x**k)/dx = k * x**(k-1) as a float: 0 when k is 0, and infinite (with its
    sign) where it is too big for a float, like at x = 0 for 0 < k < 1."""
    k = float(k)
    if k == 0:
        return (0.0,)
    if x == 0 and k < 1:
        return (math.inf,)
    try:
        return (k * x ** (k - 1),)
    except OverflowError:  # 1e-200 ** -1 fits in a float; its slope, -1e400, does not
        negative_power = x < 0 and (k - 1) % 2 == 1
        return (math.copysign(math.inf, -k if negative_power else k),)


def exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise FloatOverflowError(f"exp({_fmt(x)}) overflows a float") from None


def d_exp(out: float, x: float) -> tuple[float]:
    # d(e**x)/dx = e**x: exp is its own derivative.
    return (out,)


def log(x: float) -> float:
    if x <= 0:
        raise UndefinedMathError(f"log is undefined for {_fmt(x)} (needs a positive number)")
    return math.log(x)


def d_log(out: float, x: float) -> tuple[float]:
    # d(ln x)/dx = 1/x
    return (1.0 / x,)


def tanh(x: float) -> float:
    return math.tanh(x)  # saturates to +-1.0 instead of overflowing


def d_tanh(t: float, x: float) -> tuple[float]:
    # d(tanh x)/dx = 1 - tanh(x)**2, from the output t
    return (1.0 - t * t,)


def sigmoid(x: float) -> float:
    # Two forms so that exp() only ever sees a non-positive number.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def d_sigmoid(s: float, x: float) -> tuple[float]:
    # d(sigmoid x)/dx = s * (1 - s)
    return (s * (1.0 - s),)


def relu(x: float) -> float:
    return x if x > 0 else 0.0  # NaN gives 0.0, as in micrograd


_ON, _OFF = (1.0,), (0.0,)


def d_relu(out: float, x: float) -> tuple[float]:
    # The slope is 1 where the input is positive and 0 elsewhere (0 at 0, as micrograd).
    return _ON if x > 0 else _OFF


def sum_of(x: Sequence[float]) -> float:
    total = 0.0
    for xi in x:  # left to right, exactly like a chain of +
        total += xi
    return total


def d_sum(out: float, x: Sequence[float]) -> tuple[float, ...]:
    return (1.0,) * len(x)


def dot(w: Sequence[float], x: Sequence[float], b: float) -> float:
    """``b + w1*x1 + w2*x2 + ...``, added in micrograd's order (Python's ``sum``
    is not: it compensates for rounding on 3.12 and later)."""
    total = b
    for wi, xi in zip(w, x):  # noqa: B905 (callers check the lengths)
        total += wi * xi
    return total


def d_dot(out: float, w: Sequence[float], x: Sequence[float], b: float) -> tuple[float, ...]:
    # in operand order: d(dot)/dw_i = x_i, then d(dot)/dx_i = w_i, then d(dot)/db = 1
    return (*x, *w, 1.0)


# -- the table ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Op:
    """One operation: ``symbol`` is what a node's ``_op`` says (micrograd's text;
    a power's ``_op`` adds its exponent, ``**2``), ``arity`` how many operands it
    takes (None: any number, at least one; ``dot`` needs an odd number)."""

    symbol: str
    arity: int | None
    forward: Callable[..., float]
    local: Callable[..., tuple[float, ...]]

    def accepts(self, operands: int) -> bool:
        """Whether a node with this many operands can be this op."""
        if self.arity is not None:
            return operands == self.arity
        return operands >= 1 and (self.symbol != "dot" or operands % 2 == 1)


# The table runs every op on its operands' data in operand order. sum and dot take
# their operands grouped instead (the engine calls them that way, on its hot path).


def _sum_forward(*x: float) -> float:
    return sum_of(x)


def _sum_local(out: float, *x: float) -> tuple[float, ...]:
    return d_sum(out, x)


def _split(wxb: tuple[float, ...]) -> tuple[tuple[float, ...], tuple[float, ...], float]:
    n = len(wxb) // 2  # w1 ... wn, x1 ... xn, b
    return wxb[:n], wxb[n:-1], wxb[-1]


def _dot_forward(*wxb: float) -> float:
    return dot(*_split(wxb))


def _dot_local(out: float, *wxb: float) -> tuple[float, ...]:
    return d_dot(out, *_split(wxb))


POWER = Op("**", 1, power, d_power)  # forward(x, k) and local(out, x, k): k is the exponent

OPS: dict[str, Op] = {
    op.symbol: op
    for op in (
        Op("+", 2, add, d_add),
        Op("*", 2, mul, d_mul),
        POWER,
        Op("exp", 1, exp, d_exp),
        Op("log", 1, log, d_log),
        Op("tanh", 1, tanh, d_tanh),
        Op("sigmoid", 1, sigmoid, d_sigmoid),
        Op("ReLU", 1, relu, d_relu),
        Op("sum", None, _sum_forward, _sum_local),
        Op("dot", None, _dot_forward, _dot_local),
    )
}


def find_op(op_text: str) -> Op | None:
    """The table's entry for a node's ``_op`` text (``**2`` is ``POWER``), or None."""
    if op_text.startswith("**"):
        return POWER
    return OPS.get(op_text)
