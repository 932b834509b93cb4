"""A scalar value that remembers how it was computed, and can backpropagate.

This is micrograd's ``Value`` with a few changes a learner can see:

* Each node stores its *local derivatives* -- one number per operand saying how
  much the node moves when that operand moves -- worked out when the node is
  made. ``backward()`` is then the chain rule and nothing else:
  ``operand.grad += local * node.grad``. No closure per node means no
  reference cycle per node, so Python frees each graph as soon as it is
  dropped instead of leaving it for the cycle collector.
* What each operation computes, and its local derivatives, is written once in
  ``engine.ops``; the methods here wrap the operands, run the op and record
  its locals.
* Operands are kept in a tuple in the order they were written, so the same
  expression always draws the same graph.
* Every Value gets a serial number when it is made. A node can only be made
  from operands that already exist, so serial numbers grow along every edge:
  sorting by serial number is a topological order, found with a loop instead
  of recursion, so a graph 100,000 nodes deep is fine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import count
from numbers import Real
from operator import attrgetter

from engine import ops
from engine.ops import DivisionByZeroError, FloatOverflowError, MathError, UndefinedMathError

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

_serials = count()  # 0, 1, 2, ...: one for every Value ever made, in the order they are made
_serial = attrgetter("_serial")
_new_value = object.__new__


class Value:
    """A number in a computation graph: its ``data``, and the ``grad`` of the
    output with respect to it once ``backward()`` has run."""

    # Fixed slots instead of a per-object dict: a training step makes thousands of Values.
    # __weakref__ lets a test or a UI cache watch a node without keeping it alive.
    __slots__ = (
        "__weakref__",
        "_exponent",
        "_local",
        "_op",
        "_prev",
        "_serial",
        "data",
        "grad",
        "label",
    )

    def __init__(self, data: float, label: str = "") -> None:
        if isinstance(data, Value):
            raise TypeError("Value(...) takes a plain number, not another Value")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._prev: tuple[Value, ...] = ()
        self._op = ""
        self._local: tuple[float, ...] = ()
        self._exponent: Real | None = None  # k, as written, for a node made by x ** k
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
        out._exponent = None
        out._serial = next(_serials)
        return out

    # -- primitive operations: run the op on the data, record its local derivatives

    def __add__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        a, b = self.data, other.data
        out = ops.add(a, b)
        return _node(out, (self, other), "+", ops.d_add(out, a, b))

    def __mul__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        a, b = self.data, other.data
        out = ops.mul(a, b)
        return _node(out, (self, other), "*", ops.d_mul(out, a, b))

    def __pow__(self, exponent: float) -> Value:
        if isinstance(exponent, Value) or not isinstance(exponent, Real):
            raise TypeError(
                "the exponent in x ** k must be a plain number, not " + type(exponent).__name__
            )
        x = self.data
        out = ops.power(x, exponent)
        # "**2" as micrograd writes it, for display; the number itself is kept apart.
        node = _node(out, (self,), f"**{exponent}", ops.d_power(out, x, exponent))
        node._exponent = exponent
        return node

    def exp(self) -> Value:
        x = self.data
        out = ops.exp(x)
        return _node(out, (self,), "exp", ops.d_exp(out, x))

    def log(self) -> Value:
        x = self.data
        out = ops.log(x)
        return _node(out, (self,), "log", ops.d_log(out, x))

    def tanh(self) -> Value:
        x = self.data
        out = ops.tanh(x)
        return _node(out, (self,), "tanh", ops.d_tanh(out, x))

    def sigmoid(self) -> Value:
        x = self.data
        out = ops.sigmoid(x)
        return _node(out, (self,), "sigmoid", ops.d_sigmoid(out, x))

    def relu(self) -> Value:
        x = self.data
        out = ops.relu(x)
        return _node(out, (self,), "ReLU", ops.d_relu(out, x))

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
            raise DivisionByZeroError(f"division by zero in {self.data!r} / {divisor!r}")
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
        added its share: reverse ``topological_order`` guarantees that. A node
        whose grad is 0 has nothing to pass on, so it is skipped: whatever lies
        only behind a ReLU that is off keeps a grad of 0.
        """
        self.grad = 1.0
        for node in reversed(topological_order(self, leaves=False)):
            g = node.grad
            if g:  # a zero gradient adds nothing to anyone
                # (_prev and _local have the same length; zip(strict=True) costs more per call)
                for operand, local in zip(node._prev, node._local):  # noqa: B905
                    operand.grad += local * g

    def __reduce__(self) -> tuple:
        # copy.copy, copy.deepcopy and pickle remake a node through _remake, after its
        # operands: so every copy gets a serial number of its own, newer than theirs.
        fields = (self.data, self.grad, self.label, self._prev, self._op, self._local)
        return _remake, (*fields, self._exponent)

    def __repr__(self) -> str:
        if self.label:
            return f"Value(data={self.data}, grad={self.grad}, label={self.label!r})"
        return f"Value(data={self.data}, grad={self.grad})"


# The operations call the node maker by this plain global name: a little quicker than
# looking it up on the class, and a training step makes thousands of nodes.
_node = Value._node


def _remake(
    data: float,
    grad: float,
    label: str,
    prev: tuple,
    op: str,
    local: tuple,
    exponent: Real | None = None,
) -> Value:
    out = _node(data, prev, op, local)
    out.grad = grad
    out.label = label
    out._exponent = exponent
    return out


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
    x = [v.data for v in operands]
    out = ops.sum_of(x)
    return _node(out, operands, "sum", ops.d_sum(out, x))


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
    wdata, b = [w.data for w in weights], bias.data
    out = ops.dot(wdata, xdata, b)
    return _node(out, (*weights, *inputs, bias), "dot", ops.d_dot(out, wdata, xdata, b))
