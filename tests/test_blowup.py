"""engine.blowup: a diverged run says which step, which op first gave inf/NaN, in which
neuron, which parameter had grown, and a smaller learning rate that trains this run."""

from __future__ import annotations

import math
import random

import pytest

from engine import MLP, Value
from engine.blowup import Blowup, candidate_rates, find_blowup, parameter_names
from engine.data import Dataset
from engine.losses import hinge_loss, mse_loss
from engine.nn import Module
from engine.train import TrainConfig, TrainingRun


def linear_chain(weights: list[float]) -> MLP:
    """MLP(1, [1] * n) with no activations, the given weights, biases 0."""
    model = MLP(1, [1] * len(weights), activation="linear", rng=random.Random(0))
    for layer, w in zip(model.layers, weights, strict=True):
        layer.neurons[0].w[0].data = w
        layer.neurons[0].b.data = 0.0
    return model


def test_every_parameter_of_an_mlp_is_named_by_layer_neuron_and_weight():
    model = MLP(2, [3, 1], rng=random.Random(1))
    names = parameter_names(model)
    assert len(names) == len(model.parameters()) == 13
    second = model.layers[0].neurons[1]
    assert names[id(second.w[1])] == "layer 1, neuron 2, weight 2"
    assert names[id(second.b)] == "layer 1, neuron 2, bias"
    assert names[id(model.layers[1].neurons[0].w[2])] == "layer 2, neuron 1, weight 3"


def test_a_weighted_sum_that_overflows_names_its_neuron_and_its_grown_weight():
    model = MLP(1, [2, 1], activation="relu", rng=random.Random(0))
    big = model.layers[0].neurons[1]
    big.w[0].data = 1e300
    found = find_blowup(model, [(1e10,)], [1.0], hinge_loss, 0.0, 0.1, step=4)
    assert found == Blowup(
        4, "forward", "dot", "layer 1, neuron 2", "inf", "where its weight 1 had grown to 1e+300"
    )
    text = found.describe()
    assert text.startswith("It started in layer 1, neuron 2: its weighted sum (w·x + b) gave inf")


def test_the_first_layer_to_go_bad_is_named_not_a_later_one():
    # Layer 2 would overflow for every point; layer 1 already does for the second point.
    model = MLP(1, [1, 1], activation="linear", rng=random.Random(0))
    model.layers[0].neurons[0].w[0].data = 1e200
    model.layers[1].neurons[0].w[0].data = 1e200
    found = find_blowup(model, [(1.0,), (1e200,)], [1.0, -1.0], hinge_loss, 0.0, 0.1, step=0)
    assert (found.stage, found.where, found.value) == ("forward", "layer 1, neuron 1", "inf")


def test_an_overflow_in_the_loss_itself_is_named_as_the_loss():
    # The score 1e200 is finite; (score - y)**2 is not.
    model = linear_chain([1.0])
    with pytest.raises(ArithmeticError):
        (Value(1e200) - 1.0) ** 2  # the engine says so at once, and find_blowup too:
    found = find_blowup(model, [(1e200,)], [1.0], mse_loss, 0.0, 0.1, step=2)
    assert (found.stage, found.where) == ("loss", "the loss")
    assert "overflows a float" in found.value
    assert found.describe().startswith("It started in the loss: 1e+200 ** 2 overflows a float")


def test_a_penalty_that_overflows_is_the_l2_term():
    model = linear_chain([1e200])
    found = find_blowup(model, [(1e-300,)], [1.0], hinge_loss, 1e-4, 0.1, step=0)
    assert found.stage == "loss" and found.where.startswith("the L2 penalty")
    assert "layer 1, neuron 1, weight 1 had grown to 1e+200" in found.culprit


def test_a_gradient_that_overflows_is_found_backward_at_its_parameter():
    # score = 1e200 * 1e-300 * 1e200 = 1e100 is finite, but d(loss)/d(first weight)
    # = x * w2 = 1e200 * 1e200 is not.
    model = linear_chain([1e-300, 1e200])
    found = find_blowup(model, [(1e200,)], [-1.0], hinge_loss, 0.0, 0.1, step=3)
    assert found.stage == "backward" and found.value == "inf"
    assert found.where == "layer 1, neuron 1, weight 1"
    assert found.describe().startswith("Backward, the gradient of layer 1, neuron 1, weight 1")


def test_an_update_too_large_for_a_float_names_the_parameter_and_its_gradient():
    model = linear_chain([1.0])
    found = find_blowup(model, [(1e10,)], [-1.0], hinge_loss, 0.0, 1e300, step=0)
    assert (found.stage, found.where) == ("update", "layer 1, neuron 1, weight 1")
    assert "gradient 1e+10 times the learning rate 1e+300" in found.culprit


def test_a_step_that_is_finite_after_all_has_no_blowup():
    model = MLP(2, [4, 1], rng=random.Random(0))
    assert find_blowup(model, [(0.5, -0.5)], [1.0], hinge_loss, 1e-4, 0.1, step=0) is None


class Exploding(Module):
    """Not an MLP: exp of its one weight times the input."""

    def __init__(self) -> None:
        self.w = Value(800.0)

    def __call__(self, x):
        return (self.w * x[0]).exp()

    def parameters(self):
        return [self.w]


def test_any_module_gets_at_least_the_error_it_met():
    found = find_blowup(Exploding(), [(2.0,)], [1.0], hinge_loss, 0.0, 0.1, step=0)
    assert (found.stage, found.where) == ("forward", "the model")
    assert "exp(1600.0) overflows a float" in found.value


class Huge(Exploding):
    def __call__(self, x):
        return self.w * x[0]


def test_a_module_whose_score_overflows_quietly_is_caught_too():
    model = Huge()
    model.w.data = 1e300
    found = find_blowup(model, [(1e300,)], [1.0], hinge_loss, 0.0, 0.1, step=1)
    assert (found.stage, found.op, found.where, found.value) == ("forward", "*", "the model", "inf")


def test_a_diverged_run_says_where_and_then_a_rate_that_trains_this_run():
    run = TrainingRun(TrainConfig(learning_rate=1e6))
    assert run.run() == "diverged"
    blowup = run.blowup
    assert blowup is not None and blowup.step == run.steps_done
    assert blowup.where.startswith("layer ") and blowup.op == "dot"
    assert blowup.describe() in run.message
    assert "try 1.0 or less" in run.message
    found = run.find_working_rate(budget=30)
    assert found.startswith("set it to ") and found in run.message
    assert "try 1.0 or less" not in run.message
    rate = float(found.removeprefix("set it to ").split(":")[0])
    assert rate < 1e6
    # The rate it names does train the same run from the same first weights.
    again = TrainingRun(TrainConfig(learning_rate=rate))
    assert again.run() == "finished"
    assert math.isfinite(again.history[-1].loss)


def test_no_time_to_look_leaves_the_advice_as_it_was():
    run = TrainingRun(TrainConfig(learning_rate=1e6))
    run.run()
    before = run.message
    assert run.find_working_rate(budget=0) == ""
    assert run.message == before
    assert TrainingRun(TrainConfig(steps=1)).find_working_rate() == ""  # it did not diverge


def test_a_run_on_data_of_its_own_tries_rates_on_that_data():
    data = Dataset("line", [(0.1 * i, -0.1 * i) for i in range(-5, 6)], [1.0] * 5 + [-1.0] * 6)
    cfg = TrainConfig(learning_rate=1e8, schedule="constant", steps=30, hidden=(4,))
    run = TrainingRun(cfg, dataset=data)
    assert run.run() == "diverged"
    assert run.find_working_rate(budget=30).startswith("set it to ")


def test_smaller_rates_are_tried_largest_first():
    assert candidate_rates(1e6) == [1e5, 1e4, 3.0, 1.0, 0.3, 0.1, 0.03, 0.01]
    assert candidate_rates(0.5) == [0.3, 0.1, 0.05, 0.03, 0.01, 0.005]
    assert all(rate < 2.0 for rate in candidate_rates(2.0))
