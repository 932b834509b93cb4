"""engine.ops: the one table of op semantics, and how Value, backward() and the trainer use it."""

from __future__ import annotations

import copy
import math
import pickle
import random
from fractions import Fraction
from numbers import Real

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import ops
from engine.nn import MLP
from engine.ops import OPS, POWER, find_op
from engine.train import predict
from engine.value import Value, dot, sum_values, topological_order

floats = st.floats(-5.0, 5.0)

# Each Value method against its op in the table: same data, same locals, bit for bit.
METHODS = {
    "+": lambda a, b: a + b,
    "*": lambda a, b: a * b,
    "exp": lambda a: a.exp(),
    "log": lambda a: a.log(),
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "ReLU": lambda a: a.relu(),
}


@pytest.mark.parametrize("symbol", METHODS)
@given(xs=st.lists(floats, min_size=2, max_size=2))
def test_value_methods_are_the_table_entries(symbol, xs):
    op = OPS[symbol]
    args = [abs(x) + 0.01 if symbol == "log" else x for x in xs[: op.arity]]
    node = METHODS[symbol](*map(Value, args))
    out = op.forward(*args)
    assert node._op == symbol and node.data == out
    assert node._local == op.local(out, *args)


@given(xs=st.lists(floats, min_size=1, max_size=7).filter(lambda xs: len(xs) % 2 == 1))
def test_many_operand_nodes_are_the_table_entries(xs):
    n = len(xs) // 2
    d = dot([Value(w) for w in xs[:n]], [Value(x) for x in xs[n:-1]], xs[-1])
    assert d.data == OPS["dot"].forward(*xs) and d._local == OPS["dot"].local(d.data, *xs)
    s = sum_values(xs)
    assert s.data == OPS["sum"].forward(*xs) and s._local == OPS["sum"].local(s.data, *xs)


def test_find_op_reads_a_nodes_op_text():
    assert find_op("**2") is POWER and find_op("**1/2") is POWER
    assert find_op("tanh") is OPS["tanh"] and find_op("") is None and find_op("cube") is None
    assert OPS["+"].accepts(2) and not OPS["+"].accepts(1)
    assert OPS["dot"].accepts(5) and not OPS["dot"].accepts(4) and not OPS["dot"].accepts(0)
    assert OPS["sum"].accepts(1) and OPS["sum"].accepts(4)


# -- the exponent of a power is a number on the node --------------------------------------


@pytest.mark.parametrize(
    ("k", "op", "data"),
    [
        (2, "**2", 16.0),
        (-1, "**-1", 0.25),
        (0.5, "**0.5", 2.0),
        (Fraction(1, 2), "**1/2", 2.0),
        (True, "**True", 4.0),
        (False, "**False", 1.0),
    ],
)
def test_a_powers_exponent_is_kept_as_the_number_given(k, op, data):
    x = Value(4.0)
    y = x**k
    assert y._op == op  # micrograd's text, for display only
    assert y._exponent is k and isinstance(y._exponent, Real)
    assert y.data == data == POWER.forward(4.0, y._exponent)
    assert y._local == POWER.local(y.data, 4.0, y._exponent)
    for twin in (copy.copy(y), copy.deepcopy(y), pickle.loads(pickle.dumps(y))):
        assert twin._exponent == k and type(twin._exponent) is type(k)


def test_other_nodes_have_no_exponent():
    x = Value(3.0)
    assert x._exponent is None and (x * x)._exponent is None and x.tanh()._exponent is None


# -- backward() is reverse topological order ---------------------------------------------


def _by_hand(root: Value) -> None:
    """Lesson 5's backward, written out: reverse topological order, zero grads skipped."""
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        if node.grad:
            for operand, local in zip(node._prev, node._local, strict=True):
                operand.grad += local * node.grad


def _order_sensitive_graph() -> tuple[Value, list[Value]]:
    """x reaches the output through terms of very different sizes, so the order in
    which its shares are added shows in the last bits of x.grad."""
    x = Value(0.3, label="x")
    scales = [1e16, 1.0, -1e16, 3.0, 0.1, 7e15, -7e15, 0.7]
    terms = [x * s for s in scales]
    out = terms[0]
    for t in terms[1:]:
        out = out + t
    return (out * x).relu() + x.tanh(), [x, *terms]


def test_backward_is_the_reverse_topological_walk_bit_for_bit():
    root, (x, *_) = _order_sensitive_graph()
    root.backward()
    twin, _ = _order_sensitive_graph()
    _by_hand(twin)
    assert [v.grad for v in topological_order(root)] == [v.grad for v in topological_order(twin)]

    forwards, (x_fwd, *_) = _order_sensitive_graph()  # the same additions, the other way round
    forwards.grad = 1.0
    for node in topological_order(forwards):
        if node.grad:
            for operand, local in zip(node._prev, node._local, strict=True):
                operand.grad += local * node.grad
    assert x_fwd.grad != x.grad  # so the order really is what the first check saw


def test_backward_asks_topological_order_for_the_computed_nodes(monkeypatch):
    import engine.value

    calls = []
    real = engine.value.topological_order

    def spy(root, leaves=True):
        calls.append((root, leaves))
        return real(root, leaves)

    monkeypatch.setattr(engine.value, "topological_order", spy)
    a = Value(2.0)
    out = a * a + 1
    out.backward()
    assert calls == [(out, False)] and a.grad == 4.0


def test_backward_skips_what_lies_only_behind_a_zero_grad():
    x = Value(-1.0)
    h = x * math.inf  # an infinite local: 0 * inf would be nan if h passed on its 0 grad
    out = h.relu() * 3
    out.backward()
    assert h.grad == 0.0 and x.grad == 0.0


# -- the trainer's float-only forward pass ------------------------------------------------


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
def test_predict_uses_the_same_ops_as_the_values(activation):
    model = MLP(2, [4, 3, 1], activation=activation, rng=random.Random(7))
    points = [[0.5, -1.25], [2.0, 0.0], [-3.0, 1e-3]]
    assert predict(model, points) == [model(p).data for p in points]
    assert ops.relu(math.nan) == 0.0 == Value(math.nan).relu().data


def test_predict_refuses_a_point_of_the_wrong_size():
    model = MLP(2, [3, 1], rng=random.Random(0))
    with pytest.raises(ValueError, match="takes 2 inputs, not 3"):
        predict(model, [[1.0, 2.0, 3.0]])
