"""engine.value: bad math in plain words, edge cases of the float arithmetic, the graph's
shape (ops, operands, local derivatives), memory, and copies."""

from __future__ import annotations

import copy
import gc
import math
import pickle
import weakref

import pytest
from explain_support import lecture as lecture_graph

from engine.value import (
    DivisionByZeroError,
    FloatOverflowError,
    MathError,
    UndefinedMathError,
    Value,
    dot,
    sum_values,
    topological_order,
)

# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, error, message",
    [
        (
            lambda: Value(-1.0).log(),
            UndefinedMathError,
            "log is undefined for -1.0 (needs a positive number)",
        ),
        (
            lambda: Value(0.0).log(),
            UndefinedMathError,
            "log is undefined for 0.0 (needs a positive number)",
        ),
        (lambda: Value(-8.0) ** 0.5, UndefinedMathError, "(-8.0) ** 0.5 has no real value"),
        (lambda: Value(1.0) / 0.0, DivisionByZeroError, "division by zero in 1.0 / 0.0"),
        (lambda: Value(1.0) / Value(0), DivisionByZeroError, "division by zero in 1.0 / 0.0"),
        (lambda: 3 / Value(0.0), DivisionByZeroError, "division by zero in 3.0 / 0.0"),
        (lambda: Value(0.0) ** -1, DivisionByZeroError, "division by zero in 0.0 ** -1"),
        (lambda: Value(1000.0).exp(), FloatOverflowError, "exp(1000.0) overflows a float"),
        (lambda: Value(10.0) ** 400, FloatOverflowError, "10.0 ** 400 overflows a float"),
    ],
)
def test_bad_math_raises_a_plain_words_error(make, error, message):
    with pytest.raises(error) as caught:
        make()
    assert str(caught.value) == message
    assert isinstance(caught.value, MathError) and isinstance(caught.value, ArithmeticError)


def test_error_classes_are_also_the_builtin_ones():
    assert issubclass(UndefinedMathError, ValueError)
    assert issubclass(DivisionByZeroError, ZeroDivisionError)
    assert issubclass(FloatOverflowError, OverflowError)
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / 0
    with pytest.raises(ValueError):
        Value(-2.0).log()


@pytest.mark.parametrize(
    "x, k, data, local",
    [
        (2.225073858507e-311, 0, 1.0, 0.0),  # x**0 is 1 everywhere: slope 0, even if 1/x overflows
        (0.0, 0, 1.0, 0.0),
        (0.0, 0.5, 0.0, math.inf),
        (0.0, 1, 0.0, 1.0),
        (0.0, 2, 0.0, 0.0),
        (1e-200, -1, 1e200, -math.inf),  # the value fits in a float, its slope does not
        (-1e-110, -2, 1e220, math.inf),
        (-1e-200, -1, -1e200, -math.inf),
    ],
)
def test_power_edges(x, k, data, local):
    node = Value(x) ** k
    assert node.data == pytest.approx(data, rel=1e-12)
    assert node._local == (local,)


def test_plus_and_times_follow_ieee_floats():
    big = Value(1e308)
    assert (big * 10).data == math.inf
    assert (big + big).data == math.inf


@pytest.mark.parametrize("x, expected", [(1000.0, 1.0), (-1000.0, -1.0)])
def test_tanh_saturates_instead_of_overflowing(x, expected):
    a = Value(x)
    t = a.tanh()
    t.backward()
    assert t.data == expected
    assert a.grad == 0.0


@pytest.mark.parametrize("x", [0.0, -0.0])
def test_relu_at_zero_is_zero_with_slope_zero_as_in_micrograd(x):
    a = Value(x)
    r = a.relu()
    r.backward()
    assert (r.data, r._local, a.grad) == (0.0, (0.0,), 0.0)


def test_sigmoid_of_large_numbers_does_not_overflow():
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(-1000.0).sigmoid().data == 0.0


def test_a_value_of_a_value_is_a_type_error():
    with pytest.raises(TypeError, match="plain number"):
        Value(Value(1.0))


@pytest.mark.parametrize("make", [lambda: Value(2.0) ** Value(3.0), lambda: 2 ** Value(3.0)])
def test_exponents_must_be_plain_numbers(make):
    with pytest.raises(TypeError):
        make()


def test_dot_needs_as_many_inputs_as_weights():
    with pytest.raises(ValueError, match="got 3 inputs for 2 weights"):
        dot([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0])


# -- the graph's shape: ops, operands, local derivatives ---------------------------------------


def test_repr():
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"
    assert repr(Value(-1, label="b")) == "Value(data=-1.0, grad=0.0, label='b')"
    a = Value(3.0)
    (a * a).backward()
    assert repr(a) == "Value(data=3.0, grad=6.0)"


def test_leaves_start_empty():
    a = Value(2, label="a")
    assert (a.data, a.grad, a.label, a._prev, a._op, a._local) == (2.0, 0.0, "a", (), "", ())
    assert type(a.data) is float


def test_primitive_ops_record_their_operands_and_local_derivatives():
    a, b = Value(3.0), Value(-2.0)
    s, p = a + b, a * b
    assert (s._op, s._prev, s._local) == ("+", (a, b), (1.0, 1.0))
    assert (p._op, p._prev, p._local) == ("*", (a, b), (-2.0, 3.0))
    assert ((a**2)._op, (a**2)._local) == ("**2", (6.0,))
    assert ((a**-1)._op, (a**0.5)._op) == ("**-1", "**0.5")
    assert (a.exp()._op, a.exp()._local) == ("exp", (math.exp(3.0),))
    assert (a.log()._op, a.log()._local) == ("log", (1 / 3.0,))
    assert a.tanh()._op == "tanh" and a.sigmoid()._op == "sigmoid"
    assert (a.relu()._op, a.relu()._local, b.relu()._local) == ("ReLU", (1.0,), (0.0,))
    assert b.relu().data == 0.0


def test_numbers_keep_their_written_place():
    a = Value(3.0)
    for node, op in ((2 * a, "*"), (2 + a, "+")):
        first, second = node._prev
        assert node._op == op and second is a
        assert (first.data, first.label, first._prev) == (2.0, "", ())


def test_derived_ops_are_built_from_primitives():
    a, b = Value(3.0), Value(4.0)
    neg = -a
    assert neg._op == "*" and neg._prev[0] is a
    assert (neg._prev[1].data, neg._prev[1].label) == (-1.0, "")
    sub = a - b
    assert sub._op == "+" and sub._prev[0] is a
    assert sub._prev[1]._op == "*" and sub._prev[1]._prev[0] is b
    div = a / b
    assert div._op == "*" and div._prev[0] is a
    assert div._prev[1]._op == "**-1" and div._prev[1]._prev == (b,)
    rsub = 2 - a
    assert rsub._op == "+" and rsub._prev[0].data == 2.0
    assert rsub._prev[1]._op == "*" and rsub._prev[1]._prev[0] is a
    rdiv = 2 / a
    assert rdiv._op == "*" and rdiv._prev[0].data == 2.0
    assert rdiv._prev[1]._op == "**-1" and rdiv._prev[1]._prev == (a,)
    assert (sub.data, div.data, rsub.data, rdiv.data) == (-1.0, 0.75, -1.0, 2 / 3)


def test_sum_values_is_one_node():
    a, b = Value(1.0), Value(2.0)
    s = sum_values([a, b, 3])
    assert (s._op, s.data, s._local) == ("sum", 6.0, (1.0, 1.0, 1.0))
    assert s._prev[:2] == (a, b) and s._prev[2].data == 3.0
    assert sum_values([]).data == 0.0


def test_dot_is_one_node_with_weights_inputs_bias():
    w = [Value(0.5), Value(-1.0)]
    x = [Value(2.0), 3.0]
    d = dot(w, x, 0.25)
    assert d._op == "dot"
    assert d._prev[:3] == (w[0], w[1], x[0])
    assert [v.data for v in d._prev[3:]] == [3.0, 0.25]
    assert d._local == (2.0, 3.0, 0.5, -1.0, 1.0)
    assert d.data == 0.25 + 0.5 * 2.0 + -1.0 * 3.0


def test_dot_adds_in_micrograds_order():
    # b + w1*x1 + w2*x2 + ... left to right: the same float as micrograd's sum(..., b).
    ws = [0.1, 0.2, 0.3, 1e16, -1e16]
    xs = [0.7, 0.11, 0.13, 1.0, 1.0]
    expected = 0.3
    for w, x in zip(ws, xs, strict=True):
        expected += w * x
    assert dot([Value(w) for w in ws], [Value(x) for x in xs], 0.3).data == expected


def test_topological_order_lists_nodes_in_the_order_they_were_made():
    n = lecture_graph()
    order = topological_order(n["L"])
    assert [v.label for v in order] == ["a", "b", "c", "e", "d", "f", "L"]
    assert [v.label for v in topological_order(n["L"], leaves=False)] == ["e", "d", "L"]
    assert topological_order(n["a"]) == [n["a"]]


def test_topological_order_is_the_same_for_the_same_expression():
    def build():
        x = Value(0.5, label="x")
        h = dot([Value(0.1), Value(0.2)], [x, x * x], 0.3).tanh()
        return sum_values([h, h * x, (x + 1).log()]) ** 2

    first, second = build(), build()
    shape = [[(v._op, v.data, v.label) for v in topological_order(r)] for r in (first, second)]
    assert shape[0] == shape[1]


# -- memory -------------------------------------------------------------------------------------


def test_a_dropped_graph_is_freed_by_reference_counting_alone():
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # anything the cycle collector finds lands in gc.garbage
    try:
        x = Value(1.5)
        w = [Value(0.1 * i) for i in range(3)]
        out = sum_values(
            [dot(w, [x, x * x, 2 - x], 0.5).tanh(), (x / 3).exp().log(), x.sigmoid(), x.relu() ** 2]
        )
        out.backward()
        watchers = [weakref.ref(v) for v in topological_order(out)]
        assert len(watchers) > 20
        del out, x, w
        assert all(ref() is None for ref in watchers)  # freed the moment the last name went
        gc.collect()
        ours = [o for o in gc.garbage if isinstance(o, Value)]
        assert ours == []
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


# -- copies -----------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["copy", "deepcopy", "pickle"])
def test_copies_are_new_nodes_that_backward_handles_beside_the_originals(how):
    x = Value(3.0, label="x")
    a = x * x
    a.label = "a"
    twin = {
        "copy": copy.copy,
        "deepcopy": copy.deepcopy,
        "pickle": lambda v: pickle.loads(pickle.dumps(v)),
    }[how](a)
    assert twin is not a and (twin.data, twin.label, twin._op, twin._local) == (
        9.0,
        "a",
        "*",
        a._local,
    )
    assert (twin._prev == a._prev) == (how == "copy")  # a deep copy has its own x
    L = a * 2 + twin
    L.backward()
    assert (a.grad, twin.grad) == (2.0, 1.0)  # neither copy is lost or visited twice
    x_twin = twin._prev[0]
    assert x.grad == 2 * 3.0 * 2 + (6.0 if how == "copy" else 0.0)
    assert x_twin.grad == (x.grad if how == "copy" else 6.0)
    order = topological_order(L)
    assert order.index(twin) > order.index(x_twin)


def test_a_deep_copy_of_a_graph_keeps_its_shape_and_reuse():
    x = Value(0.5)
    y = dot([x, Value(2.0)], [x * x, x], 1.0).tanh()
    twin = copy.deepcopy(y)
    originals, copies = topological_order(y), topological_order(twin)
    assert [(v._op, v.data) for v in originals] == [(v._op, v.data) for v in copies]
    assert not set(originals) & set(copies)
    twin.backward()
    y.backward()
    assert [v.grad for v in originals] == [v.grad for v in copies]
