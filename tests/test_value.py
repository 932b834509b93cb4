"""engine.value: every operation against finite differences, random graphs, and the figures
of micrograd's README and of the lecture (errors, shape and memory: test_value_shape.py)."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from explain_support import lecture as lecture_graph
from hypothesis import assume, given, reject
from hypothesis import strategies as st

from engine.value import (
    MathError,
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
