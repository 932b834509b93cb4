"""The checks of exercises 12-16: the learner's Module, Neuron, Layer and MLP, and training.

Each check is ``build(nn)``: ``nn`` is the learner's ``mygrad.nn`` module in the child,
so the code reads as the lecture's with ``nn.`` in front (``nn.Neuron(3)``,
``nn.Value(2.0)``). The tutor runs the same code on a stand-in over ``engine.nn``
(``lessons.workbench.checks``). Their random starting weights differ, so a check that
compares numbers first sets every parameter from fixed numbers through
``parameters()``, which also shows whether the weights come before the bias. The checks
about the random draws themselves observe facts with fixed ``expect``-ed answers (the
engine's biases start at 0, the lecture's are drawn).

``lessons.workbench.scenarios`` adds them to ``CHECKS``. Standard library only.
"""

from __future__ import annotations

import random

from lessons.workbench.check_model import Check, registrar

__all__ = ["NN_CHECKS"]

NN_CHECKS: list[Check] = []
_nn_check = registrar(NN_CHECKS, nn=True)


# fmt: off
# -- exercise 12: Module ------------------------------------------------------------


@_nn_check(12, "count", expect={"count": 0},
           say={"count": "len(m.parameters()), for a Module on its own"})
def module_has_no_parameters(nn):
    m = nn.Module()
    count = len(m.parameters())
    return locals()


@_nn_check(12, "a.grad", "b.grad", "a.data", "b.data",
           expect={"a.grad": 0.0, "b.grad": 0.0, "a.data": 2.0, "b.data": -3.0},
           say={"a.data": "zero_grad() must leave the data alone: a.data",
                "b.data": "zero_grad() must leave the data alone: b.data"})
def module_zero_grad(nn):
    a = nn.Value(2.0)
    b = nn.Value(-3.0)

    class Pair(nn.Module):
        def parameters(self):
            return [a, b]

    c = a * b
    c.backward()
    Pair().zero_grad()
    return locals()


# -- exercise 13: Neuron -------------------------------------------------------------


_FLAT = {"all_values": "every parameter should be a Value",
         "has_lists": "parameters() should not hold lists"}


@_nn_check(13, "has_lists", "count", "all_values",
           expect={"has_lists": False, "count": 4, "all_values": True},
           say={**_FLAT, "count": "len(n.parameters()) for Neuron(3): 3 weights and a bias"})
def neuron_parameters(nn):
    n = nn.Neuron(3)
    params = n.parameters()
    has_lists = any(isinstance(p, list) for p in params)
    count = len(params)
    all_values = all(isinstance(p, nn.Value) for p in params)
    return locals()


@_nn_check(13, "distinct", "in_range", "not_all_equal", "different_neurons",
           expect={"distinct": 4, "in_range": True, "not_all_equal": True,
                   "different_neurons": True},
           say={"distinct": "how many different Value objects n.parameters() holds "
                            "(each weight its own Value)",
                "in_range": "every starting number should be drawn from "
                            "random.uniform(-1, 1)",
                "not_all_equal": "the starting weights should not all be the same number",
                "different_neurons": "two Neurons should start from different weights"})
def neuron_draws(nn):
    n = nn.Neuron(3)
    m = nn.Neuron(3)
    params = n.parameters()
    distinct = len({id(p) for p in params})
    numbers = [p.data for p in params]
    in_range = all(-1 <= x <= 1 for x in numbers)
    not_all_equal = len(set(numbers)) > 1
    different_neurons = numbers != [p.data for p in m.parameters()]
    return locals()


def _lecture_neuron(nn):
    """The lecture's neuron, written out (engine.nn's makes one dot node instead)."""
    w1, w2, w3, b = (nn.Value(v) for v in [0.5, -0.3, 0.8, 0.1])
    x1 = nn.Value(2.0, label="x1")
    x2 = nn.Value(3.0, label="x2")
    x3 = nn.Value(-1.0, label="x3")
    _act = sum((wi * xi for wi, xi in zip([w1, w2, w3], [x1, x2, x3])), b)
    o = _act.tanh()
    o.backward()
    return locals()


@_nn_check(13, "o.data", "w1.grad", "w2.grad", "w3.grad", "b.grad", "x1.grad",
           engine=_lecture_neuron, graph="o")
def neuron_on_values(nn):
    n = nn.Neuron(3)
    w1, w2, w3, b = n.parameters()
    w1.data, w2.data, w3.data, b.data = 0.5, -0.3, 0.8, 0.1
    x1 = nn.Value(2.0, label="x1")
    x2 = nn.Value(3.0, label="x2")
    x3 = nn.Value(-1.0, label="x3")
    o = n([x1, x2, x3])
    o.backward()
    return locals()


@_nn_check(13, "o.data")
def neuron_on_numbers(nn):
    n = nn.Neuron(3)
    for p, v in zip(n.parameters(), [0.5, -0.3, 0.8, 0.1]):
        p.data = v
    o = n([2.0, 3.0, -1.0])
    return locals()


@_nn_check(13, "grads_left", expect={"grads_left": 0},
           say={"grads_left": "how many of the neuron's grads are not 0 after zero_grad()"})
def neuron_zero_grad(nn):
    n = nn.Neuron(3)
    o = n([2.0, 3.0, -1.0])
    o.backward()
    n.zero_grad()
    grads_left = sum(1 for p in n.parameters() if p.grad != 0)
    return locals()


# -- exercise 14: Layer ----------------------------------------------------------------


@_nn_check(14, "has_lists", "count", "all_values", "distinct", "other_count",
           expect={"has_lists": False, "count": 8, "all_values": True, "distinct": 8,
                   "other_count": 9},
           say={**_FLAT, "count": "len(layer.parameters()) for Layer(3, 2): 2 neurons of 4",
                "distinct": "how many different Value objects layer.parameters() holds",
                "other_count": "len(nn.Layer(2, 3).parameters()): 3 neurons of 3"})
def layer_parameters(nn):
    layer = nn.Layer(3, 2)
    params = layer.parameters()
    has_lists = any(isinstance(p, list) for p in params)
    count = len(params)
    all_values = all(isinstance(p, nn.Value) for p in params)
    distinct = len({id(p) for p in params})
    other_count = len(nn.Layer(2, 3).parameters())
    return locals()


@_nn_check(14, "count", "o1.data", "o2.data",
           say={"count": "len(outs), one output for each of the 2 neurons"})
def layer_outputs(nn):
    layer = nn.Layer(3, 2)
    numbers = [0.5, -0.3, 0.8, 0.1, -0.2, 0.4, 0.3, -0.4]
    for p, v in zip(layer.parameters(), numbers):
        p.data = v
    outs = layer([2.0, 3.0, -1.0])
    count = len(outs)
    o1, o2 = outs
    return locals()


@_nn_check(14, "is_value", "is_list_of_one",
           expect={"is_value": True, "is_list_of_one": False},
           say={"is_value": "a Layer of one neuron should give that neuron's Value itself",
                "is_list_of_one": "a Layer of one neuron should not give a list of one"})
def layer_of_one(nn):
    layer = nn.Layer(3, 1)
    out = layer([2.0, 3.0, -1.0])
    is_value = isinstance(out, nn.Value)
    is_list_of_one = isinstance(out, list) and len(out) == 1
    return locals()


# -- exercise 15: MLP --------------------------------------------------------------------


@_nn_check(15, "has_lists", "count", "all_values",
           expect={"has_lists": False, "count": 41, "all_values": True},
           say={**_FLAT, "count": "len(n.parameters()) for MLP(3, [4, 4, 1]): 16 + 20 + 5"})
def mlp_parameters(nn):
    n = nn.MLP(3, [4, 4, 1])
    params = n.parameters()
    has_lists = any(isinstance(p, list) for p in params)
    count = len(params)
    all_values = all(isinstance(p, nn.Value) for p in params)
    return locals()


@_nn_check(15, "count", "outputs", expect={"count": 17, "outputs": 2},
           say={"count": "len(small.parameters()) for MLP(2, [3, 2]): 3 neurons of 3, "
                         "then 2 of 4",
                "outputs": "len(outs): MLP(2, [3, 2]) ends in a layer of 2"})
def mlp_sizes(nn):
    small = nn.MLP(2, [3, 2])
    count = len(small.parameters())
    outs = small([1.0, -1.0])
    outputs = len(outs)
    return locals()


@_nn_check(15, "y.data", "first.grad", "last.grad")
def mlp_forward_and_backward(nn):
    n = nn.MLP(3, [4, 4, 1])
    start = random.Random(15)
    for p in n.parameters():
        p.data = start.uniform(-1, 1)
    y = n([2.0, 3.0, -1.0])
    y.backward()
    first = n.parameters()[0]
    last = n.parameters()[-1]
    return locals()


@_nn_check(15, "grads_left", expect={"grads_left": 0},
           say={"grads_left": "how many of the 41 grads are not 0 after n.zero_grad()"})
def mlp_zero_grad(nn):
    n = nn.MLP(3, [4, 4, 1])
    y = n([2.0, 3.0, -1.0])
    y.backward()
    n.zero_grad()
    grads_left = sum(1 for p in n.parameters() if p.grad != 0)
    return locals()


# -- exercise 16: the training loop ---------------------------------------------------------

_LOSSES = {"losses": "the loss at each of the 20 steps",
           "fell": "the loss should fall: losses[-1] < losses[0]"}


@_nn_check(16, "losses", "fell", say=_LOSSES)
def training_loop(nn):
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    n = nn.MLP(3, [4, 4, 1])
    start = random.Random(3)
    for p in n.parameters():
        p.data = start.uniform(-1, 1)
    losses = []
    for k in range(20):
        ypred = [n(x) for x in xs]
        loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))
        n.zero_grad()
        loss.backward()
        for p in n.parameters():
            p.data += -0.1 * p.grad
        losses.append(loss.data)
    fell = losses[-1] < losses[0]
    return locals()


@_nn_check(16, "losses", say=_LOSSES)
def training_without_zero_grad(nn):
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    n = nn.MLP(3, [4, 4, 1])
    start = random.Random(3)
    for p in n.parameters():
        p.data = start.uniform(-1, 1)
    losses = []
    for k in range(20):
        ypred = [n(x) for x in xs]
        loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))
        # n.zero_grad()   <- forgotten
        loss.backward()
        for p in n.parameters():
            p.data += -0.1 * p.grad
        losses.append(loss.data)
    return locals()
# fmt: on
