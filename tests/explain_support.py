"""Graphs the lessons.explain tests share: the lecture's, random ones for hypothesis,
and a lecture-style Value class that is not an engine.Value."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from hypothesis import assume
from hypothesis import strategies as st

from engine.value import (
    MathError,
    Value,
    dot,
    sum_values,
    topological_order,
)
from lessons.explain import (
    BackpropStepper,
    Graph,
)

REPO = Path(__file__).resolve().parent.parent


def lecture():
    """The lecture's graph: L = (a*b + c) * f."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    return {"a": a, "b": b, "c": c, "e": e, "d": d, "f": f, "L": L}


def same(x: float, y: float) -> bool:
    """Exactly equal floats, where nan equals nan."""
    return x == y or (math.isnan(x) and math.isnan(y))


# -- random graphs for hypothesis --------------------------------------------------

UNARY = ("neg", "exp", "log", "tanh", "sigmoid", "relu", "**2", "**3", "**-1", "**0.5")
UNARY += ("radd", "rsub", "rmul")  # a plain number and a Value
BINARY = ("+", "*", "-", "/")


def _apply(op: str, args: list[Value]) -> Value:
    if op == "+":
        return args[0] + args[1]
    if op == "*":
        return args[0] * args[1]
    if op == "-":
        return args[0] - args[1]
    if op == "/":
        return args[0] / args[1]
    if op == "rsub":
        return 1.5 - args[0]
    if op == "rmul":
        return 3 * args[0]
    if op == "radd":
        return 2.5 + args[0]
    if op == "neg":
        return -args[0]
    if op.startswith("**"):
        return args[0] ** {"**2": 2, "**3": 3, "**-1": -1, "**0.5": 0.5}[op]
    if op == "sum":
        return sum_values([*args, 0.5])  # a plain number among the operands too
    if op == "dot":
        n = (len(args) - 1) // 2
        return dot(args[:n], args[n : 2 * n], args[-1])
    return getattr(args[0], op)()  # exp, log, tanh, sigmoid, relu


@dataclass
class Program:
    """A recipe for a random graph that can be built again with other leaf values."""

    leaf_values: list[float]
    steps: list[tuple[str, tuple[int, ...]]]

    def build(self, leaf_values: list[float] | None = None) -> tuple[Value, list[Value]]:
        values = self.leaf_values if leaf_values is None else leaf_values
        leaves = [Value(x, label=f"x{i}") for i, x in enumerate(values)]
        # Only the steps the last one depends on, so that a step the output does
        # not use cannot fail the build (evaluate never sees it either).
        needed = {len(values) + len(self.steps) - 1}
        for k in range(len(self.steps) - 1, -1, -1):
            if len(values) + k in needed:
                needed.update(self.steps[k][1])
        nodes: list[Value | None] = list(leaves)
        for k, (op, picks) in enumerate(self.steps):
            needs = len(values) + k in needed
            nodes.append(_apply(op, [nodes[i] for i in picks]) if needs else None)
        return nodes[-1], leaves


leaf_floats = st.floats(-3, 3, allow_nan=False).map(lambda x: round(x, 3))


@st.composite
def programs(draw, ops=UNARY + BINARY + ("sum", "dot")) -> Program:
    leaf_values = draw(st.lists(leaf_floats, min_size=1, max_size=4))
    steps = []
    size = len(leaf_values)
    for _ in range(draw(st.integers(1, 10))):
        op = draw(st.sampled_from(ops))
        if op in UNARY:
            arity = 1
        elif op in BINARY:
            arity = 2
        elif op == "sum":
            arity = draw(st.integers(1, 4))
        else:  # dot: n weights, n inputs, a bias
            arity = 2 * draw(st.integers(1, 3)) + 1
        # Favour recent nodes so the graphs get deep, but any node may be reused.
        picks = tuple(draw(st.integers(0, size - 1) | st.just(size - 1)) for _ in range(arity))
        steps.append((op, picks))
        size += 1
    program = Program(leaf_values, steps)
    try:
        root, _ = program.build()
    except MathError:
        assume(False)
    assume(all(math.isfinite(v.data) and abs(v.data) < 1e6 for v in topological_order(root)))
    return program


def smooth_near_here(root: Value) -> bool:
    """True when no node sits near a kink or the edge of its domain, so a
    small nudge sees a smooth function and the central difference is accurate."""
    for v in topological_order(root):
        if abs(v.data) > 100:
            return False
        if v._op in ("log", "**-1", "**0.5") and abs(v._prev[0].data) < 0.2:
            return False
        if v._op == "ReLU" and abs(v._prev[0].data) < 0.05:
            return False
        if v._op == "exp" and v._prev[0].data > 4:
            return False
    return True


def expression():
    """An expression with constants, reuse, unlabelled nodes and many-operand nodes."""
    x = Value(0.5, label="x")
    w = [Value(0.1 * i - 0.2, label=f"w{i}") for i in range(3)]
    h = dot(w, [x, x * x, 2 - x], 0.25).tanh()
    s = sum_values([h, h * x, (x + 1).log(), x.sigmoid()])
    return (s * s + 1 / (s + 3)).relu()


def shape_of(root: Value) -> list:
    graph = Graph(root)
    BackpropStepper(graph).run_all()
    rows = [(depth, graph.node_id(t.value), t.is_reference) for depth, t in graph.tree().rows()]
    ids = [(graph.node_id(v), graph.name(v), v._op) for v in graph.nodes]
    edges = [(graph.node_id(a), graph.node_id(b), i) for a, b, i in graph.edges]
    texts = [r.symbol_text for v in graph.nodes for r in graph.detail(v).operands]
    return [ids, edges, rows, texts, graph.to_dot()]


class LectureValue:
    """The lecture's Value, as a learner types it: ``_prev`` is a set, each node
    has a ``_backward`` closure, and there is no ``_local``, ``_serial`` or
    ``_exponent``. Only what the graph tools may rely on: data, grad, _prev, _op, label."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op
        self.label = label

    def __add__(self, other):
        other = other if isinstance(other, LectureValue) else LectureValue(other)
        out = LectureValue(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, LectureValue) else LectureValue(other)
        out = LectureValue(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, other):
        out = LectureValue(self.data**other, (self,), f"**{other}")

        def _backward():
            self.grad += (other * self.data ** (other - 1)) * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = (math.exp(2 * self.data) - 1) / (math.exp(2 * self.data) + 1)
        out = LectureValue(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = LectureValue(0 if self.data < 0 else self.data, (self,), "ReLU")

        def _backward():
            self.grad += (out.data > 0) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        topo, visited = [], set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)

        build_topo(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return other * self**-1

    def __repr__(self):
        return f"LectureValue(data={self.data}, grad={self.grad})"


def lecture_with(value_class):
    """The lecture's graph L = (a*b + c) * f, made of ``value_class``."""
    a = value_class(2.0, label="a")
    b = value_class(-3.0, label="b")
    c = value_class(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = value_class(-2.0, label="f")
    L = d * f
    L.label = "L"
    return {"a": a, "b": b, "c": c, "e": e, "d": d, "f": f, "L": L}
