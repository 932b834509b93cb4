"""engine.nn: shapes, micrograd's weights and outputs, activations, errors, and
micrograd's moons demo reproduced through the engine with a plain training loop."""

from __future__ import annotations

import math
import random

import pytest

from engine.nn import ACTIVATIONS, MLP, Layer, Module, Neuron
from engine.value import Value, sum_values


def micrograd_nn():
    return pytest.importorskip("micrograd.nn")


# -- shapes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, count",
    [
        (lambda: Neuron(3), 4),
        (lambda: Layer(3, 4), 16),
        (lambda: MLP(3, [4, 4, 1]), 41),
        (lambda: MLP(2, [16, 16, 1]), 337),
        (lambda: MLP(2, [16, 16, 1], activation="relu"), 337),
    ],
)
def test_parameter_counts(make, count):
    params = make().parameters()
    assert len(params) == count
    assert len({id(p) for p in params}) == count
    assert all(isinstance(p, Value) and p._prev == () for p in params)


def test_module_has_no_parameters():
    assert Module().parameters() == []
    Module().zero_grad()


def test_weights_are_uniform_and_biases_start_at_zero():
    n = Neuron(50, rng=random.Random(7))
    assert all(-1 <= w.data <= 1 for w in n.w)
    assert len({w.data for w in n.w}) == 50
    assert n.b.data == 0.0


def test_layer_of_one_neuron_returns_a_value_and_of_many_a_list():
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Value)
    out = Layer(2, 3)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3
    assert isinstance(MLP(2, [3, 1])([1.0, 2.0]), Value)
    assert len(MLP(2, [3, 2])([1.0, 2.0])) == 2


def test_a_layer_turns_plain_numbers_into_one_set_of_input_nodes():
    layer = Layer(2, 3, activation="linear")
    outs = layer([1.0, 2.0])
    inputs = [out._prev[2:4] for out in outs]  # dot operands: w1 w2 x1 x2 b
    assert inputs[0] == inputs[1] == inputs[2]
    assert [x.data for x in inputs[0]] == [1.0, 2.0]


# -- micrograd's weights and numbers -----------------------------------------------------------


def test_seed_1337_gives_micrograds_demo_weights():
    mnn = micrograd_nn()
    random.seed(1337)
    theirs = [p.data for p in mnn.MLP(2, [16, 16, 1]).parameters()]
    random.seed(1337)
    ours_global = [p.data for p in MLP(2, [16, 16, 1], activation="relu").parameters()]
    ours_own = [p.data for p in MLP(2, [16, 16, 1], rng=random.Random(1337)).parameters()]
    assert ours_global == ours_own == [float(x) for x in theirs]


def test_outputs_and_grads_equal_micrograds():
    mnn = micrograd_nn()
    random.seed(1337)
    theirs = mnn.MLP(3, [4, 4, 1])
    ours = MLP(3, [4, 4, 1], activation="relu", rng=random.Random(1337))
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    for model in (theirs, ours):
        out = sum((model(x) * model(x) for x in xs), model(xs[0]))
        out.backward()
        model.out = out.data  # type: ignore[attr-defined]
    assert ours.out == theirs.out  # type: ignore[attr-defined]
    assert [p.grad for p in ours.parameters()] == pytest.approx(
        [p.grad for p in theirs.parameters()], rel=1e-12, abs=1e-12
    )


def test_micrograds_nonlin_keyword_works():
    assert Neuron(3, nonlin=True).activation == "relu"
    assert Neuron(3, nonlin=False).activation == "linear"
    assert Neuron(3, activation="relu", nonlin=True).activation == "relu"
    layer = Layer(3, 2, nonlin=False)
    assert [n.activation for n in layer.neurons] == ["linear", "linear"]
    assert [n.activation for n in Layer(3, 2, nonlin=True).neurons] == ["relu", "relu"]


def test_micrograd_style_layers_compute_what_micrograd_does():
    mnn = micrograd_nn()
    for nonlin in (True, False):
        random.seed(5)
        theirs = mnn.Layer(3, 4, nonlin=nonlin)
        random.seed(5)
        ours = Layer(3, 4, nonlin=nonlin)
        x = [0.5, -1.5, 2.0]
        assert [v.data for v in ours(x)] == [float(v.data) for v in theirs(x)]


# -- activations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "activation, formula",
    [
        ("tanh", math.tanh),
        ("relu", lambda z: max(z, 0.0)),
        ("sigmoid", lambda z: 1 / (1 + math.exp(-z))),
        ("linear", lambda z: z),
    ],
)
@pytest.mark.parametrize("bias", [0.75, -2.5])
def test_each_activation(activation, formula, bias):
    n = Neuron(2, activation)
    n.w[0].data, n.w[1].data, n.b.data = 0.5, -1.0, bias
    out = n([2.0, 0.25])
    z = bias + 0.5 * 2.0 + -1.0 * 0.25
    assert out.data == pytest.approx(formula(z), rel=1e-12, abs=1e-15)
    assert out._op == {"relu": "ReLU", "linear": "dot"}.get(activation, activation)


def test_activations_list():
    assert ACTIVATIONS == ("tanh", "relu", "sigmoid", "linear")


def test_mlp_hidden_layers_use_the_activation_and_the_last_is_linear():
    default = MLP(3, [4, 4, 1])
    assert [n.activation for layer in default.layers for n in layer.neurons] == ["tanh"] * 8 + [
        "linear"
    ]
    relu = MLP(2, [3, 2], activation="relu")
    assert [layer.neurons[0].activation for layer in relu.layers] == ["relu", "linear"]
    assert relu([1.0, -1.0])[0]._op == "dot"
    assert Neuron(2).activation == "tanh" and Layer(2, 2).neurons[0].activation == "tanh"


def test_zero_grad_resets_every_parameter():
    model = MLP(3, [4, 4, 1], rng=random.Random(1))
    out = model([1.0, -2.0, 0.5])
    out.backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_reprs():
    model = MLP(2, [16, 16, 1], activation="relu")
    assert repr(model.layers[0].neurons[0]) == "Neuron(2 inputs, relu)"
    assert repr(model.layers[1]) == "Layer(16 -> 16, relu)"
    assert repr(model) == (
        "MLP of [Layer(2 -> 16, relu), Layer(16 -> 16, relu), Layer(16 -> 1, linear)]"
    )


# -- bad arguments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Neuron(0), "a neuron needs at least 1 input, not 0"),
        (lambda: Layer(2, 0), "a layer needs at least 1 neuron, not 0"),
        (lambda: MLP(2, []), "an MLP needs at least one layer size"),
        (lambda: Neuron(2, "softmax"), "unknown activation 'softmax': choose one of tanh, relu"),
        (lambda: MLP(2, [3, 1], activation="RELU"), "unknown activation 'RELU'"),
        (lambda: Neuron(2, True), "nonlin="),
        (lambda: Neuron(2, "tanh", nonlin=True), "disagree"),
        (lambda: Layer(2, 3, "sigmoid", nonlin=False), "disagree"),
        (lambda: Neuron(2)([1.0, 2.0, 3.0]), "this neuron takes 2 inputs, not 3"),
        (lambda: Layer(2, 3)([1.0]), "this layer takes 2 inputs, not 1"),
        (lambda: MLP(2, [3, 1])([1.0, 2.0, 3.0]), "this layer takes 2 inputs, not 3"),
    ],
)
def test_bad_arguments_say_what_is_wrong(make, message):
    with pytest.raises(ValueError) as caught:
        make()
    assert message in str(caught.value)


def test_a_bad_activation_does_not_use_up_random_numbers():
    rng = random.Random(3)
    with pytest.raises(ValueError):
        Neuron(4, "softplus", rng)
    assert rng.random() == random.Random(3).random()


# -- training ------------------------------------------------------------------------------------


def test_the_lectures_four_examples_are_learned_in_20_steps():
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    model = MLP(3, [4, 4, 1], rng=random.Random(1337))
    losses = []
    for _ in range(20):
        preds = [model(x) for x in xs]
        loss = sum((p - y) ** 2 for p, y in zip(preds, ys, strict=True))
        losses.append(loss.data)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.1 * p.grad
    assert losses[-1] < 0.05 * losses[0]
    assert all(abs(p.data - y) < 0.1 for p, y in zip(preds, ys, strict=True))


def test_micrograds_moons_demo_is_reproduced():
    """The demo notebook's recipe and figures, with a plain loop (a few seconds)."""
    np = pytest.importorskip("numpy")
    datasets = pytest.importorskip("sklearn.datasets")
    np.random.seed(1337)
    X, y = datasets.make_moons(n_samples=100, noise=0.1)
    X, y = X.tolist(), (y * 2 - 1).tolist()
    model = MLP(2, [16, 16, 1], activation="relu", rng=random.Random(1337))
    assert len(model.parameters()) == 337

    losses, accuracies = [], []
    for k in range(100):
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(model, inputs))
        hinge = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
        # sum_values adds in the same order as the notebook's sum(): the same floats
        data_loss = sum_values(hinge) * (1.0 / len(hinge))
        total = data_loss + 1e-4 * sum_values(p * p for p in model.parameters())
        right = [(yi > 0) == (si.data > 0) for yi, si in zip(y, scores, strict=True)]
        losses.append(total.data)
        accuracies.append(sum(right) / len(right))
        model.zero_grad()
        total.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad

    assert losses[0] == pytest.approx(0.8958441028683222, abs=1e-12)
    assert accuracies[0] == 0.5
    assert losses[99] == pytest.approx(0.010978370135492717, abs=1e-6)
    assert accuracies[99] == 1.0
    assert accuracies.index(1.0) == 40


def test_the_lectures_network_squashes_its_output_too():
    model = MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh")
    assert [layer.neurons[0].activation for layer in model.layers] == ["tanh"] * 3
    assert -1.0 < model([50.0, -50.0, 50.0]).data < 1.0
    assert MLP(3, [4, 1]).layers[-1].neurons[0].activation == "linear"
    with pytest.raises(ValueError, match="unknown activation"):
        MLP(3, [4, 1], output_activation="softmax")
