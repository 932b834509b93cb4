"""A scalar value that remembers how it was computed, and can backpropagate.

This is micrograd's ``Value`` with a few changes a learner can see:

* Each node stores its *local derivatives* -- one number per operand saying how
  much the node moves when that operand moves -- worked out when the node is
  made. ``backward()`` is then the chain rule and nothing else:
  ``operand.grad += local * node.grad``. No closure per node means no
  reference cycle per node, so Python frees each graph as soon as it is
  dropped instead of leaving it for the cycle collector.
* Operands are kept in a tuple in the order they were written, so the same
  expression always draws the same graph.
* Every Value gets a serial number when it is made. A node can only be made
  from operands that already exist, so serial numbers grow along every edge:
  sorting by serial number is a topological order, found with a loop instead
  of recursion, so a graph 100,000 nodes deep is fine.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from heapq import heappop, heappush
from itertools import count
from numbers import Real
from operator import attrgetter

__all__ = [
    "DivisionByZeroError",
    "FloatOverflowError",
    "MathError",
    "UndefinedMathError",
    "Value",
    "dot",
    "sum_values",
    "topological_order",
]


class MathError(ArithmeticError):
    """An operation on Values has no answer as a real, finite float."""


class UndefinedMathError(MathError, ValueError):
    """The operation is undefined for this input, like ``log(-1)``."""


class DivisionByZeroError(MathError, ZeroDivisionError):
    """Division by zero, including ``0 ** -1``."""


class FloatOverflowError(MathError, OverflowError):
    """The result is too large for a float, like ``exp(1000)``."""


_serials = count()  # 0, 1, 2, ...: one for every Value ever made, in the order they are made
_serial = attrgetter("_serial")
_new_value = object.__new__


def _fmt(x: float) -> str:
    return repr(float(x))


class Value:
    """A number in a computation graph: its ``data``, and the ``grad`` of the
    output with respect to it once ``backward()`` has run."""

    # Fixed slots instead of a per-object dict: a training step makes thousands of Values.
    # __weakref__ lets a test or a UI cache watch a node without keeping it alive.
    __slots__ = ("__weakref__", "_local", "_op", "_prev", "_serial", "data", "grad", "label")

    def __init__(self, data: float, label: str = "") -> None:
        if isinstance(data, Value):
            raise TypeError("Value(...) takes a plain number, not another Value")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._prev: tuple[Value, ...] = ()
        self._op = ""
        self._local: tuple[float, ...] = ()
        self._serial = next(_serials)

    @staticmethod
    def _node(data: float, prev: tuple[Value, ...], op: str, local: tuple[float, ...]) -> Value:
        """Make a computed node: its operands and d(node)/d(operand) for each.

        The same fields as ``__init__`` sets, without its checks: the operations
        below already hold a float and Values.
        """
        out = _new_value(Value)
        out.data = data
        out.grad = 0.0
        out.label = ""
        out._prev = prev
        out._op = op
        out._local = local
        out._serial = next(_serials)
        return out

    # -- primitive operations: compute the output, record the local derivatives

    def __add__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        # d(a+b)/da = 1 and d(a+b)/db = 1: addition passes the gradient through.
        return _node(self.data + other.data, (self, other), "+", (1.0, 1.0))

    def __mul__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        # d(a*b)/da = b and d(a*b)/db = a: multiplication swaps the operands.
        return _node(self.data * other.data, (self, other), "*", (other.data, self.data))

    def __pow__(self, exponent: float) -> Value:
        if isinstance(exponent, Value) or not isinstance(exponent, Real):
            raise TypeError(
                "the exponent in x ** k must be a plain number, not " + type(exponent).__name__
            )
        x, k = self.data, float(exponent)
        if x < 0 and not k.is_integer():
            raise UndefinedMathError(f"({_fmt(x)}) ** {exponent} has no real value")
        if x == 0 and k < 0:
            raise DivisionByZeroError(f"division by zero in {_fmt(x)} ** {exponent}")
        try:
            out = x**k
        except OverflowError:
            raise FloatOverflowError(f"{_fmt(x)} ** {exponent} overflows a float") from None
        return _node(out, (self,), f"**{exponent}", (_power_slope(x, k),))

    def exp(self) -> Value:
        x = self.data
        try:
            out = math.exp(x)
        except OverflowError:
            raise FloatOverflowError(f"exp({_fmt(x)}) overflows a float") from None
        # d(e**x)/dx = e**x: exp is its own derivative.
        return _node(out, (self,), "exp", (out,))

    def log(self) -> Value:
        x = self.data
        if x <= 0:
            raise UndefinedMathError(f"log is undefined for {_fmt(x)} (needs a positive number)")
        # d(ln x)/dx = 1/x
        return _node(math.log(x), (self,), "log", (1.0 / x,))

    def tanh(self) -> Value:
        t = math.tanh(self.data)  # saturates to +-1.0 instead of overflowing
        # d(tanh x)/dx = 1 - tanh(x)**2
        return _node(t, (self,), "tanh", (1.0 - t * t,))

    def sigmoid(self) -> Value:
        x = self.data
        # Two forms so that exp() only ever sees a non-positive number.
        if x >= 0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        # d(sigmoid x)/dx = s * (1 - s)
        return _node(s, (self,), "sigmoid", (s * (1.0 - s),))

    def relu(self) -> Value:
        # The slope is 1 where the input is positive and 0 elsewhere (0 at 0, as micrograd).
        if self.data > 0:
            return _node(self.data, (self,), "ReLU", (1.0,))
        return _node(0.0, (self,), "ReLU", (0.0,))

    # -- derived operations, built from the primitives above

    def __neg__(self) -> Value:  # -a = a * -1
        return self * -1

    def __radd__(self, other: float) -> Value:  # 2 + a keeps 2 as the first operand
        return Value(other) + self

    def __sub__(self, other: Value | float) -> Value:  # a - b = a + (-b)
        return self + (-other)

    def __rsub__(self, other: float) -> Value:  # 2 - a = 2 + (-a)
        return Value(other) + (-self)

    def __rmul__(self, other: float) -> Value:  # 2 * a keeps 2 as the first operand
        return Value(other) * self

    def __truediv__(self, other: Value | float) -> Value:  # a / b = a * b**-1
        divisor = other.data if isinstance(other, Value) else float(other)
        if divisor == 0:
            raise DivisionByZeroError(f"division by zero in {_fmt(self.data)} / {_fmt(divisor)}")
        if not isinstance(other, Value):
            other = Value(other)
        return self * other**-1

    def __rtruediv__(self, other: float) -> Value:  # 2 / a = 2 * a**-1
        return Value(other) / self

    # -- backpropagation

    def backward(self) -> None:
        """Fill in ``grad`` on every node of the graph that ends here.

        Sets this node's ``grad`` to 1.0, then visits the nodes from the output
        back to the inputs, adding ``local * node.grad`` into each operand's
        ``grad``. It *adds* (``+=``) because a value used twice gets gradient
        from both uses. The flip side, as in micrograd: calling ``backward()``
        again adds the gradients a second time. Call ``zero_grad()`` on a model
        (or set ``grad = 0.0``) before each backward pass.

        A node may pass its gradient on only once every node that uses it has
        added its share. Those users were all made after it, so visiting the
        newest waiting node first -- reverse ``topological_order`` -- guarantees
        that. A node starts waiting when a node that uses it is visited, and a
        node whose grad is still 0 passes nothing on: whatever lies behind a
        ReLU that is off is never visited at all.
        """
        self.grad = 1.0
        # Waiting nodes, newest first: heapq pops its smallest item, and minus the
        # serial number is smallest for the newest node.
        heap = [-self._serial]
        waiting = {-self._serial: self}
        while heap:
            node = waiting.pop(heappop(heap))
            g = node.grad
            if g:  # a zero gradient adds nothing to anyone
                # (_prev and _local have the same length; zip(strict=True) costs more per call)
                for operand, local in zip(node._prev, node._local):  # noqa: B905
                    operand.grad += local * g
                    if operand._prev:  # leaves pass nothing on
                        key = -operand._serial
                        if key not in waiting:
                            waiting[key] = operand
                            heappush(heap, key)

    def __reduce__(self) -> tuple:
        # copy.copy, copy.deepcopy and pickle remake a node through _remake, after its
        # operands: so every copy gets a serial number of its own, newer than theirs.
        return _remake, (self.data, self.grad, self.label, self._prev, self._op, self._local)

    def __repr__(self) -> str:
        if self.label:
            return f"Value(data={self.data}, grad={self.grad}, label={self.label!r})"
        return f"Value(data={self.data}, grad={self.grad})"


# The operations call the node maker by this plain global name: a little quicker than
# looking it up on the class, and a training step makes thousands of nodes.
_node = Value._node


def _remake(data: float, grad: float, label: str, prev: tuple, op: str, local: tuple) -> Value:
    out = _node(data, prev, op, local)
    out.grad = grad
    out.label = label
    return out


def _power_slope(x: float, k: float) -> float:
    """d(x**k)/dx = k * x**(k-1) as a float: 0 when k is 0, and infinite (with its
    sign) where it is too big for a float, like at x = 0 for 0 < k < 1."""
    if k == 0:
        return 0.0
    if x == 0 and k < 1:
        return math.inf
    try:
        return k * x ** (k - 1)
    except OverflowError:  # 1e-200 ** -1 fits in a float; its slope, -1e400, does not
        negative_power = x < 0 and (k - 1) % 2 == 1
        return math.copysign(math.inf, -k if negative_power else k)


def topological_order(root: Value, leaves: bool = True) -> list[Value]:
    """Every node of the graph ending at ``root``, each after all its operands.

    Why an order at all: a node may only pass its gradient on once it has
    received everything from the nodes that use it. Operands always exist
    before the node made from them, so listing the nodes oldest first (by
    serial number) is such an order -- the same every time, and found with a
    loop rather than recursion so that deep graphs cannot overflow Python's
    call stack. ``leaves=False`` leaves out the inputs and parameters, which
    have no operands to pass a gradient to.
    """
    seen = {root}
    stack = [root]
    while stack:
        for operand in stack.pop()._prev:
            if operand not in seen:
                seen.add(operand)
                stack.append(operand)
    nodes = seen if leaves else [v for v in seen if v._prev]
    return sorted(nodes, key=_serial)


def _as_value(x: Value | float) -> Value:
    return x if isinstance(x, Value) else Value(x)


def sum_values(values: Iterable[Value | float]) -> Value:
    """One ``sum`` node over many operands: the same number as ``a + b + ...``
    with one node instead of a chain. Each operand's local derivative is 1."""
    operands = tuple(_as_value(v) for v in values)
    total = 0.0
    for v in operands:  # added left to right, exactly like a chain of +
        total += v.data
    return _node(total, operands, "sum", (1.0,) * len(operands))


def dot(
    weights: Sequence[Value], inputs: Sequence[Value | float], bias: Value | float = 0.0
) -> Value:
    """One ``dot`` node for ``w1*x1 + w2*x2 + ... + b`` (a neuron before its
    activation). Its operands are ``w1 ... wn, x1 ... xn, b``, in that order."""
    if len(inputs) != len(weights):
        raise ValueError(
            f"dot needs as many inputs as weights: got {len(inputs)} inputs "
            f"for {len(weights)} weights"
        )
    weights = [_as_value(w) for w in weights]
    inputs = [_as_value(x) for x in inputs]
    return _dot(weights, inputs, [x.data for x in inputs], _as_value(bias))


def _dot(
    weights: Sequence[Value], inputs: Sequence[Value], xdata: Sequence[float], bias: Value
) -> Value:
    """The ``dot`` node itself, for callers that already hold Values and the
    inputs' data: a layer reads its inputs' data once for all of its neurons."""
    wdata = [w.data for w in weights]
    total = bias.data  # b + w1*x1 + w2*x2 ..., micrograd's order of additions
    for w, x in zip(wdata, xdata):  # noqa: B905 (callers check the lengths)
        total += w * x
    # in operand order: d(dot)/dw_i = x_i, then d(dot)/dx_i = w_i, then d(dot)/db = 1
    return _node(total, (*weights, *inputs, bias), "dot", (*xdata, *wdata, 1.0))
