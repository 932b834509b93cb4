"""engine.value: every operation against finite differences, random graphs, the figures
of micrograd's README and of the lecture, the error messages, and the graph's shape."""

from __future__ import annotations

import copy
import gc
import math
import pickle
import weakref
from collections.abc import Callable

import pytest
from hypothesis import assume, given, reject
from hypothesis import strategies as st

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

# -- finite differences ------------------------------------------------------------------


def slope(f: Callable[..., float], xs: list[float], i: int) -> float:
    """Central difference of ``f`` at ``xs`` along ``xs[i]``."""
    h = 1e-6 * max(1.0, abs(xs[i]))
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (up[i] - down[i])


def assert_backward_matches_slopes(fn: Callable[..., Value], xs: list[float]) -> None:
    """backward() gives every input the slope that nudging it shows."""
    leaves = [Value(x) for x in xs]
    out = fn(*leaves)
    out.backward()

    def forward(*numbers: float) -> float:
        return fn(*map(Value, numbers)).data

    for i, leaf in enumerate(leaves):
        numeric = slope(forward, xs, i)
        assert leaf.grad == pytest.approx(numeric, rel=1e-4, abs=1e-6), (i, xs)


reals = st.floats(-3.0, 3.0)
wide = st.floats(-12.0, 12.0)
positive = st.floats(0.1, 10.0)
# Away from 0: the kink of relu, the pole of 1/x.
nonzero = st.one_of(st.floats(-10.0, -0.1), st.floats(0.1, 10.0))

UNARY: dict[str, tuple[Callable[[Value], Value], st.SearchStrategy[float]]] = {
    "neg": (lambda a: -a, reals),
    "exp": (lambda a: a.exp(), reals),
    "log": (lambda a: a.log(), positive),
    "tanh": (lambda a: a.tanh(), reals),
    "sigmoid": (lambda a: a.sigmoid(), wide),
    "relu": (lambda a: a.relu(), nonzero),
    "radd": (lambda a: 2.5 + a, reals),
    "rsub": (lambda a: 2.5 - a, reals),
    "rmul": (lambda a: 2.5 * a, reals),
    "rtruediv": (lambda a: 2.5 / a, nonzero),
    "add a number": (lambda a: a + 2.5, reals),
    "sub a number": (lambda a: a - 2.5, reals),
    "mul a number": (lambda a: a * 2.5, reals),
    "div by a number": (lambda a: a / 2.5, reals),
}

BINARY: dict[str, tuple[Callable[[Value, Value], Value], st.SearchStrategy[float]]] = {
    "+": (lambda a, b: a + b, reals),
    "-": (lambda a, b: a - b, reals),
    "*": (lambda a, b: a * b, reals),
    "/": (lambda a, b: a / b, nonzero),
}


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_operations_match_finite_differences(name, data):
    fn, domain = UNARY[name]
    assert_backward_matches_slopes(fn, [data.draw(domain)])


@pytest.mark.parametrize("name", BINARY)
@given(a=reals, data=st.data())
def test_binary_operations_match_finite_differences(name, a, data):
    fn, domain = BINARY[name]
    assert_backward_matches_slopes(fn, [a, data.draw(domain)])


@given(
    k=st.sampled_from([0, 1, 2, 3, -1, -2, 0.5, 1.5, -0.5, 2.5, 1 / 3]),
    data=st.data(),
)
def test_powers_match_finite_differences(k, data):
    # Whole powers of any number (but 0 for negative k); other powers of positive numbers.
    base = positive if not float(k).is_integer() else nonzero if k < 0 else reals
    assert_backward_matches_slopes(lambda a: a**k, [data.draw(base)])


@given(st.lists(reals, min_size=1, max_size=8))
def test_sum_values_matches_finite_differences(xs):
    assert_backward_matches_slopes(lambda *vs: sum_values(vs), xs)


@given(st.integers(1, 6).flatmap(lambda n: st.lists(reals, min_size=2 * n + 1, max_size=2 * n + 1)))
def test_dot_matches_finite_differences(xs):
    n = len(xs) // 2
    assert_backward_matches_slopes(lambda *vs: dot(vs[:n], vs[n : 2 * n], vs[-1]), xs)


@given(a=reals, b=nonzero)
def test_a_value_used_many_times_matches_finite_differences(a, b):
    def fn(x, y):
        z = x * y + x
        return (z * z - x / y).tanh() + sum_values([z, x, z]) + dot([x, z], [z, y], x)

    assert_backward_matches_slopes(fn, [a, b])


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda x: x.exp(), math.exp),
        (lambda x: x.tanh(), math.tanh),
        (lambda x: x.sigmoid(), lambda x: 1 / (1 + math.exp(-x))),
        (lambda x: x.relu(), lambda x: max(x, 0.0)),
        (lambda x: -x, lambda x: -x),
        (lambda x: 2 - x, lambda x: 2 - x),
        (lambda x: x**3, lambda x: x**3),
    ],
)
@given(x=reals)
def test_forward_values_are_the_plain_float_formulas(make, expected, x):
    assert make(Value(x)).data == pytest.approx(expected(x), rel=1e-12, abs=1e-300)


# -- random expression graphs --------------------------------------------------------------

# Operations defined and smooth everywhere (log, division and odd powers of a
# square plus one), so that any node can feed any other; relu is checked away from its kink.
GRAPH_OPS: dict[str, tuple[int, Callable[..., Value]]] = {
    "+": (2, lambda a, b: a + b),
    "-": (2, lambda a, b: a - b),
    "*": (2, lambda a, b: a * b),
    "/": (2, lambda a, b: a / (b * b + 1)),
    "neg": (1, lambda a: -a),
    "tanh": (1, lambda a: a.tanh()),
    "sigmoid": (1, lambda a: a.sigmoid()),
    "exp": (1, lambda a: (a * 0.5).exp()),
    "log": (1, lambda a: (a * a + 1).log()),
    "relu": (1, lambda a: a.relu()),
    "**2": (1, lambda a: a**2),
    "**-1": (1, lambda a: (a * a + 1) ** -1),
    "**0.5": (1, lambda a: (a * a + 1) ** 0.5),
    "radd": (1, lambda a: 1.5 + a),
    "rsub": (1, lambda a: 1.5 - a),
    "rmul": (1, lambda a: 1.5 * a),
    "rtruediv": (1, lambda a: 1.5 / (a * a + 1)),
    "sum": (3, lambda a, b, c: sum_values([a, b, c])),
    "dot": (4, lambda w1, w2, x1, x2: dot([w1, w2], [x1, x2], 0.25)),
}


@st.composite
def programs(draw) -> tuple[list[float], list[tuple[str, list[int]]]]:
    """Leaf numbers, then steps (operation, indices of earlier nodes). Indices may
    repeat and may point at any earlier node, so values get reused: a DAG, not a tree."""
    leaves = draw(st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=4))
    steps = []
    for _ in range(draw(st.integers(1, 14))):
        name = draw(st.sampled_from(sorted(GRAPH_OPS)))
        arity, _ = GRAPH_OPS[name]
        count = len(leaves) + len(steps)
        # Lean towards recent nodes so that graphs get deep.
        picks = [
            draw(st.integers(0, count - 1) | st.integers(max(0, count - 2), count - 1))
            for _ in range(arity)
        ]
        steps.append((name, picks))
    return leaves, steps


def run_program(program, leaves: list | None = None, ops=None):
    """Build the program; returns the output and every node made by a step.
    A program whose numbers overflow (exp of a large product) is no example."""
    numbers, steps = program
    ops = ops or {name: fn for name, (_, fn) in GRAPH_OPS.items()}
    nodes = list(leaves) if leaves is not None else [Value(x) for x in numbers]
    try:
        for name, picks in steps:
            nodes.append(ops[name](*(nodes[i] for i in picks)))
    except MathError:
        reject()
    return nodes[-1], nodes


def sane(root: Value) -> bool:
    """Finite, moderate numbers and no relu input near its kink."""
    for v in topological_order(root):
        if not (math.isfinite(v.data) and abs(v.data) < 1e4):
            return False
        if v._op == "ReLU" and abs(v._prev[0].data) < 1e-3:
            return False
    return True


@given(programs())
def test_random_graphs_match_finite_differences(program):
    numbers, _ = program
    leaves = [Value(x) for x in numbers]
    root, _ = run_program(program, leaves)
    assume(sane(root))
    root.backward()

    def forward(*xs: float) -> float:
        return run_program(program, [Value(x) for x in xs])[0].data

    for i, leaf in enumerate(leaves):
        numeric = slope(forward, numbers, i)
        assert leaf.grad == pytest.approx(numeric, rel=1e-4, abs=1e-5), (i, program)


@given(programs())
def test_random_graphs_keep_every_node_after_its_operands(program):
    root, _ = run_program(program)
    order = topological_order(root)
    position = {v: i for i, v in enumerate(order)}
    assert len(position) == len(order)  # no node twice
    for v in order:
        assert all(position[p] < position[v] for p in v._prev)
    assert order[-1] is root
    computed = topological_order(root, leaves=False)
    assert computed == [v for v in order if v._prev]


# -- micrograd's README and the lecture ------------------------------------------------------


def test_micrograd_readme_example():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    assert f"{g.data:.4f}" == "24.7041"
    g.backward()
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


def lecture_graph() -> dict[str, Value]:
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


def test_lecture_L_is_minus_8_with_the_lecture_grads():
    n = lecture_graph()
    assert (n["e"].data, n["d"].data, n["L"].data) == (-6.0, 4.0, -8.0)
    n["L"].backward()
    grads = {name: v.grad for name, v in n.items()}
    assert grads == {"L": 1.0, "f": 4.0, "d": -2.0, "c": -2.0, "e": -2.0, "a": 6.0, "b": -4.0}


def test_lecture_one_step_along_the_gradient_raises_L_to_minus_7_29():
    n = lecture_graph()
    n["L"].backward()
    for name in "abcf":
        n[name].data += 0.01 * n[name].grad
    a, b, c, f = (n[name] for name in "abcf")
    L = (a * b + c) * f
    assert round(L.data, 2) == -7.29


def lecture_neuron(tanh_from_exp: bool = False) -> dict[str, Value]:
    x1, x2 = Value(2.0), Value(0.0)
    w1, w2 = Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b
    if tanh_from_exp:
        e = (2 * n).exp()
        o = (e - 1) / (e + 1)
    else:
        o = n.tanh()
    o.backward()
    return {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "n": n, "o": o}


@pytest.mark.parametrize("tanh_from_exp", [False, True])
def test_lecture_neuron(tanh_from_exp):
    v = lecture_neuron(tanh_from_exp)
    assert f"{v['o'].data:.4f}" == "0.7071"
    assert v["n"].grad == pytest.approx(0.5)  # do/dn = 1 - o**2
    assert v["x1"].grad == pytest.approx(-1.5)
    assert v["w1"].grad == pytest.approx(1.0)
    assert v["x2"].grad == pytest.approx(0.5)
    assert v["w2"].grad == 0.0


def test_a_value_used_twice_gets_both_gradients():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0


def test_a_zero_gradient_passes_nothing_on_even_through_an_infinite_slope():
    x = Value(0.0)
    root = x**0.5  # slope at 0: infinite
    out = root * 0.0
    out.backward()
    assert root._local == (math.inf,) and root.grad == 0.0
    assert x.grad == 0.0  # not 0 * inf = nan: a node whose grad is 0 is skipped


def test_backward_twice_accumulates_as_micrograd_does():
    a, b, c = Value(2.0), Value(-3.0), Value(10.0)
    d = a * b
    L = d + c
    L.backward()
    assert (a.grad, d.grad, c.grad) == (-3.0, 1.0, 1.0)
    L.backward()  # the output is seeded with 1 again; everything else keeps adding
    assert (L.grad, d.grad, c.grad) == (1.0, 2.0, 2.0)
    assert (a.grad, b.grad) == (-9.0, 6.0)


def test_backward_twice_gives_micrograds_numbers():
    micrograd = pytest.importorskip("micrograd.engine")

    def build(V):
        a, b = V(-4.0), V(2.0)
        c = a * b + b**3
        d = (c * a + b).relu() + c * 2
        return a, b, d

    ours, theirs = build(Value), build(micrograd.Value)
    for _ in range(2):
        ours[2].backward()
        theirs[2].backward()
    assert [v.grad for v in ours] == [float(v.grad) for v in theirs]


def test_a_100_000_deep_chain():
    x = Value(0.5)
    v = x
    for _ in range(100_000):
        v = v + 1.0
    order = topological_order(v)
    assert len(order) == 200_001  # x, 100,000 constants and 100,000 sums
    assert order[0] is x and order[-1] is v
    v.backward()
    assert x.grad == 1.0
    assert v.data == 100_000.5
    del order, v  # freeing it must not overflow the C stack either


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
