"""engine.value against PyTorch in float64: every operation, random graphs, the
lecture's neuron, and a few steps of micrograd's moons demo (loss and every grad)."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from engine.nn import MLP
from engine.value import Value, dot, sum_values

torch = pytest.importorskip("torch")

from test_value import (  # noqa: E402  (the same random programs as the finite-difference tests)
    BINARY,
    GRAPH_OPS,
    UNARY,
    programs,
    run_program,
)

REL, ABS = 1e-9, 1e-12


def tensor(x: float):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def close(ours: float, theirs) -> bool:
    return ours == pytest.approx(float(theirs), rel=REL, abs=ABS)


def compare(fn: Callable, xs: list[float], torch_fn: Callable | None = None) -> None:
    """Same output and same grads from our Values and from torch tensors."""
    ours = [Value(x) for x in xs]
    theirs = [tensor(x) for x in xs]
    out = fn(*ours)
    out.backward()
    t_out = (torch_fn or fn)(*theirs)
    t_out.backward()
    assert close(out.data, t_out.item()), (out.data, t_out.item())
    for v, t in zip(ours, theirs, strict=True):
        assert close(v.grad, t.grad.item()), (xs, v.grad, t.grad.item())


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_operations_match_torch(name, data):
    fn, domain = UNARY[name]
    compare(fn, [data.draw(domain)])


@pytest.mark.parametrize("name", BINARY)
@given(a=st.floats(-3, 3), data=st.data())
def test_binary_operations_match_torch(name, a, data):
    fn, domain = BINARY[name]
    compare(fn, [a, data.draw(domain)])


@given(
    k=st.sampled_from([0, 1, 2, 3, -1, -2, 0.5, 1.5, -0.5, 2.5]),
    x=st.floats(0.1, 10.0),
    negative=st.booleans(),
)
def test_powers_match_torch(k, x, negative):
    if negative and float(k).is_integer():
        x = -x
    compare(lambda a: a**k, [x])


@given(st.lists(st.floats(-3, 3), min_size=1, max_size=8))
def test_sum_values_matches_torch(xs):
    def torch_sum(*ts):
        total = ts[0] * 0.0
        for t in ts:
            total = total + t
        return total

    compare(lambda *vs: sum_values(vs), xs, torch_sum)


@given(
    st.integers(1, 6).flatmap(
        lambda n: st.lists(st.floats(-3, 3), min_size=2 * n + 1, max_size=2 * n + 1)
    )
)
def test_dot_matches_torch(xs):
    n = len(xs) // 2

    def torch_dot(*ts):
        total = ts[-1]
        for w, x in zip(ts[:n], ts[n : 2 * n], strict=True):
            total = total + w * x
        return total

    compare(lambda *vs: dot(vs[:n], vs[n : 2 * n], vs[-1]), xs, torch_dot)


@pytest.mark.parametrize("x", [-1000.0, -30.0, 30.0, 1000.0])
def test_saturating_functions_match_torch_far_out(x):
    for name in ("tanh", "sigmoid"):
        compare(UNARY[name][0], [x])


TORCH_GRAPH_OPS = {name: fn for name, (_, fn) in GRAPH_OPS.items()}
TORCH_GRAPH_OPS["sum"] = lambda a, b, c: a + b + c
TORCH_GRAPH_OPS["dot"] = lambda w1, w2, x1, x2: 0.25 + w1 * x1 + w2 * x2


@given(programs())
def test_random_graphs_match_torch(program):
    numbers, _ = program
    leaves = [Value(x) for x in numbers]
    root, nodes = run_program(program, leaves)
    assume(all(abs(v.data) < 1e6 for v in nodes))
    root.backward()
    tensors = [tensor(x) for x in numbers]
    t_root, t_nodes = run_program(program, tensors, TORCH_GRAPH_OPS)
    t_root.backward()
    for v, t in zip(nodes, t_nodes, strict=True):
        assert close(v.data, t.item())
    for leaf, t in zip(leaves, tensors, strict=True):
        t_grad = 0.0 if t.grad is None else t.grad.item()  # None: the output never used it
        assert close(leaf.grad, t_grad), (program, leaf.grad, t_grad)


def test_the_lecture_neuron_matches_torch():
    values = [2.0, 0.0, -3.0, 1.0, 6.8813735870195432]

    def neuron(x1, x2, w1, w2, b):
        return (x1 * w1 + x2 * w2 + b).tanh()

    compare(neuron, values)
    ours = [Value(v) for v in values]
    neuron(*ours).backward()
    assert [round(v.grad, 4) for v in ours[:4]] == [-1.5, 0.5, 1.0, 0.0]  # x1 x2 w1 w2


def test_moons_demo_loss_and_grads_match_torch_for_three_steps():
    np = pytest.importorskip("numpy")
    datasets = pytest.importorskip("sklearn.datasets")
    np.random.seed(1337)
    X, y = datasets.make_moons(n_samples=100, noise=0.1)
    X, y = X.tolist(), (y * 2 - 1).tolist()
    model = MLP(2, [16, 16, 1], activation="relu", rng=random.Random(1337))
    weights = [
        torch.tensor(
            [[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64, requires_grad=True
        )
        for layer in model.layers
    ]
    biases = [
        torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64, requires_grad=True)
        for layer in model.layers
    ]
    tX = torch.tensor(X, dtype=torch.float64)
    ty = torch.tensor(y, dtype=torch.float64)

    for k in range(3):
        scores = [model(list(map(Value, row))) for row in X]
        hinge = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
        total = sum(hinge) * (1.0 / len(hinge)) + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        total.backward()

        h = tX
        for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
            h = h @ W.T + b
            if i < len(weights) - 1:
                h = torch.relu(h)
        t_total = torch.relu(1 - ty * h[:, 0]).sum() * (1.0 / len(y)) + 1e-4 * sum(
            (p * p).sum() for p in weights + biases
        )
        for p in weights + biases:
            p.grad = None
        t_total.backward()

        assert total.data == pytest.approx(t_total.item(), rel=1e-12)
        for layer, W, b in zip(model.layers, weights, biases, strict=True):
            ours_w = [[w.grad for w in n.w] for n in layer.neurons]
            ours_b = [n.b.grad for n in layer.neurons]
            assert np.allclose(ours_w, W.grad.numpy(), rtol=1e-9, atol=1e-12)
            assert np.allclose(ours_b, b.grad.numpy(), rtol=1e-9, atol=1e-12)

        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        with torch.no_grad():
            for p in weights + biases:
                p -= learning_rate * p.grad
