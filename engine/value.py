"""A scalar value that remembers how it was computed, and can backpropagate.

This is micrograd's ``Value`` with three changes a learner can see:

* Each node stores its *local derivatives* -- one number per operand saying how
  much the node moves when that operand moves -- worked out when the node is
  made. ``backward()`` is then the chain rule and nothing else:
  ``operand.grad += local * node.grad``. No closure per node means no
  reference cycle per node, so Python frees each graph as soon as it is
  dropped instead of leaving it for the cycle collector.
* Operands are kept in a tuple in the order they were written, so the same
  expression always draws the same graph.
* The topological order is built with a loop instead of recursion, so a graph
  100,000 nodes deep is fine.
"""

from __future__ import annotations

import math
from operator import attrgetter
from collections.abc import Iterable, Sequence
from numbers import Real

__all__ = [
    "Value",
    "MathError",
    "UndefinedMathError",
    "DivisionByZeroError",
    "FloatOverflowError",
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


_data = attrgetter("data")


def _fmt(x: float) -> str:
    return repr(float(x))


class Value:
    """A number in a computation graph: its ``data``, and the ``grad`` of the
    output with respect to it once ``backward()`` has run."""

    __slots__ = ("data", "grad", "label", "_prev", "_op", "_local")

    def __init__(self, data: float, label: str = "") -> None:
        if isinstance(data, Value):
            raise TypeError("Value(...) takes a plain number, not another Value")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._prev: tuple[Value, ...] = ()
        self._op = ""
        self._local: tuple[float, ...] = ()

    @classmethod
    def _node(cls, data: float, prev: tuple, op: str, local: tuple) -> Value:
        """Make a computed node: its operands and d(node)/d(operand) for each."""
        out = cls.__new__(cls)
        out.data = data
        out.grad = 0.0
        out.label = ""
        out._prev = prev
        out._op = op
        out._local = local
        return out

    # -- primitive operations: compute the output, record the local derivatives

    def __add__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        # d(a+b)/da = 1 and d(a+b)/db = 1: addition passes the gradient through.
        return Value._node(self.data + other.data, (self, other), "+", (1.0, 1.0))

    def __mul__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        # d(a*b)/da = b and d(a*b)/db = a: multiplication swaps the operands.
        return Value._node(
            self.data * other.data, (self, other), "*", (other.data, self.data)
        )

    def __pow__(self, exponent: float) -> Value:
        if isinstance(exponent, Value) or not isinstance(exponent, Real):
            raise TypeError(
                "the exponent in x ** k must be a plain number, not "
                + type(exponent).__name__
            )
        x, k = self.data, float(exponent)
        if x < 0 and not k.is_integer():
            raise UndefinedMathError(f"({_fmt(x)}) ** {exponent} has no real value")
        if x == 0 and k < 0:
            raise DivisionByZeroError(f"division by zero in {_fmt(x)} ** {exponent}")
        try:
            out = x**k
            # d(x**k)/dx = k * x**(k-1); at x = 0 with 0 < k < 1 the slope is infinite.
            local = k * x ** (k - 1) if x != 0 or k >= 1 else (math.inf if k > 0 else 0.0)
        except OverflowError:
            raise FloatOverflowError(
                f"{_fmt(x)} ** {exponent} overflows a float"
            ) from None
        return Value._node(out, (self,), f"**{exponent}", (local,))

    def exp(self) -> Value:
        x = self.data
        try:
            out = math.exp(x)
        except OverflowError:
            raise FloatOverflowError(f"exp({_fmt(x)}) overflows a float") from None
        # d(e**x)/dx = e**x: exp is its own derivative.
        return Value._node(out, (self,), "exp", (out,))

    def log(self) -> Value:
        x = self.data
        if x <= 0:
            raise UndefinedMathError(
                f"log is undefined for {_fmt(x)} (needs a positive number)"
            )
        # d(ln x)/dx = 1/x
        return Value._node(math.log(x), (self,), "log", (1.0 / x,))

    def tanh(self) -> Value:
        t = math.tanh(self.data)  # saturates to +-1.0 instead of overflowing
        # d(tanh x)/dx = 1 - tanh(x)**2
        return Value._node(t, (self,), "tanh", (1.0 - t * t,))

    def sigmoid(self) -> Value:
        x = self.data
        # Two forms so that exp() only ever sees a non-positive number.
        if x >= 0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        # d(sigmoid x)/dx = s * (1 - s)
        return Value._node(s, (self,), "sigmoid", (s * (1.0 - s),))

    def relu(self) -> Value:
        x = self.data
        # The slope is 1 where the input is positive and 0 elsewhere (0 at 0, as micrograd).
        return Value._node(x if x > 0 else 0.0, (self,), "ReLU", (1.0 if x > 0 else 0.0,))

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
            raise DivisionByZeroError(
                f"division by zero in {_fmt(self.data)} / {_fmt(divisor)}"
            )
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
        """
        order = topological_order(self, leaves=False)
        self.grad = 1.0
        for node in reversed(order):
            g = node.grad
            if g:  # a zero gradient adds nothing to anyone
                for operand, local in zip(node._prev, node._local):
                    operand.grad += local * g

    def __repr__(self) -> str:
        if self.label:
            return f"Value(data={self.data}, grad={self.grad}, label={self.label!r})"
        return f"Value(data={self.data}, grad={self.grad})"


def topological_order(root: Value, leaves: bool = True) -> list[Value]:
    """Every node of the graph ending at ``root``, each after all its operands.

    Why an order at all: a node may only pass its gradient on once it has
    received everything from the nodes that use it. Built with an explicit
    stack rather than recursion so that deep graphs cannot overflow Python's
    call stack. ``leaves=False`` leaves out the inputs and parameters, which
    have no operands to pass a gradient to (``backward`` uses that).
    """
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, operands_done = stack.pop()
        if operands_done:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            if not node._prev:  # a leaf depends on nothing: it can go in at once
                if leaves:
                    order.append(node)
                continue
            stack.append((node, True))
            for operand in reversed(node._prev):
                if operand not in seen:
                    stack.append((operand, False))
    return order


def _as_value(x: Value | float) -> Value:
    return x if isinstance(x, Value) else Value(x)


def sum_values(values: Iterable[Value | float]) -> Value:
    """One ``sum`` node over many operands: the same number as ``a + b + ...``
    with one node instead of a chain. Each operand's local derivative is 1."""
    operands = tuple(_as_value(v) for v in values)
    total = 0.0
    for v in operands:  # added left to right, exactly like a chain of +
        total += v.data
    return Value._node(total, operands, "sum", (1.0,) * len(operands))


def dot(
    weights: Sequence[Value], inputs: Sequence[Value | float], bias: Value | float = 0.0
) -> Value:
    """One ``dot`` node for ``w1*x1 + w2*x2 + ... + b`` (a neuron before its
    activation). Its operands are ``w1 ... wn, x1 ... xn, b``, in that order."""
    if len(weights) != len(inputs):
        raise ValueError(
            f"dot needs as many inputs as weights: got {len(inputs)} inputs "
            f"for {len(weights)} weights"
        )
    bias = _as_value(bias)
    try:
        xdata = list(map(_data, inputs))
    except AttributeError:  # plain numbers among the inputs: make them Values
        inputs = [x if isinstance(x, Value) else Value(x) for x in inputs]
        xdata = list(map(_data, inputs))
    wdata = list(map(_data, weights))
    total = bias.data  # b + w1*x1 + w2*x2 ..., micrograd's order of additions
    for wd, xd in zip(wdata, xdata):
        total += wd * xd
    # d(dot)/dw_i = x_i, d(dot)/dx_i = w_i, d(dot)/db = 1
    return Value._node(total, (*weights, *inputs, bias), "dot", (*xdata, *wdata, 1.0))
