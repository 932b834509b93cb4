"""Exercises 12-16 of "Build micrograd" (issue #14): the learner's nn.py. The reference
passes (the lecture's code too: test_workbench_course.py); the stub says "not written
yet"; each catalogued mistake, planted in the reference nn.py, is named at its exercise;
the training loop's two loss curves say what exercise 16's text says they do.

The probes run in this process, on our own files, one run shared by many asserts.
"""

from __future__ import annotations

import itertools

import pytest
from workbench_helpers import (
    REFERENCE_ENGINE,
    REFERENCE_NN,
    assert_named,
    judge_in_process,
    make_workspace,
    observe_in_process,
    plant,
    reference_workspace,
)

from lessons.workbench import checks
from lessons.workbench.checks import PROBED, judge, judge_check
from lessons.workbench.compare import compare_graphs
from lessons.workbench.exercises import get_exercise
from lessons.workbench.mistakes import MISTAKES
from lessons.workbench.workspace import OLD_STUBS, refresh_stubs, stub_text, workspace_status

NN_EXERCISES = range(12, 17)
ZERO_GRAD = "            p.grad = 0.0\n"
NEURON_PARAMETERS = "        return self.w + [self.b]\n"
LAYER_PARAMETERS = "        return [p for neuron in self.neurons for p in neuron.parameters()]\n"
LAYER_NEURONS = "[Neuron(nin) for _ in range(nout)]"
MLP_PARAMETERS = "        return [p for layer in self.layers for p in layer.parameters()]\n"

# mistake id -> the substitutions in the reference nn.py that make it
NN_PLANTS: dict[str, list[tuple[str, str]]] = {
    "zero-grad-zeroes-data": [(ZERO_GRAD, ZERO_GRAD + "            p.data = 0.0\n")],
    "zero-grad-does-not-reset": [(ZERO_GRAD, "            p.grad == 0.0\n")],
    "method-not-called": [("for p in self.parameters():", "for p in self.parameters:")],
    "list-plus-a-value": [(NEURON_PARAMETERS, "        return self.w + self.b\n")],
    "parameters-not-values": [
        ("self.b = Value(random.uniform(-1, 1))", "self.b = random.uniform(-1, 1)")
    ],
    "parameters-not-flat": [(NEURON_PARAMETERS, "        return [self.w, self.b]\n")],
    "bias-left-out": [(NEURON_PARAMETERS, "        return self.w\n")],
    "not-a-module": [("class Neuron(Module):", "class Neuron:")],
    "no-activation": [("        out = act.tanh()\n", "        out = act\n")],
    "bias-first": [(NEURON_PARAMETERS, "        return [self.b] + self.w\n")],
    "same-neuron-repeated": [("[Neuron(nin) for _ in range(nout)]", "[Neuron(nin)] * nout")],
    "layer-always-list": [("return outs[0] if len(outs) == 1 else outs", "return outs")],
    "weight-repeated": [
        (
            "[Value(random.uniform(-1, 1)) for _ in range(nin)]",
            "[Value(random.uniform(-1, 1))] * nin",
        )
    ],
    "bias-not-added": [("zip(self.w, x)), self.b)", "zip(self.w, x)))")],
    "relu-instead-of-tanh": [("        out = act.tanh()\n", "        out = act.relu()\n")],
    "layer-sizes-not-chained": [("Layer(sz[i], sz[i + 1])", "Layer(sz[i], sz[i])")],
    "mlp-returns-early": [
        (
            "            x = layer(x)\n        return x\n",
            "            x = layer(x)\n            return x\n",
        )
    ],
    "parameters-lists-modules": [(LAYER_PARAMETERS, "        return self.neurons\n")],
    "layer-nin-nout-mixed": [
        ("[Neuron(nin) for _ in range(nout)]", "[Neuron(nout) for _ in range(nout)]")
    ],
    "mlp-output-not-kept": [("            x = layer(x)\n", "            layer(x)\n")],
    "comprehension-order": [
        (
            "return [p for neuron in self.neurons for p in neuron.parameters()]",
            "return [p for p in neuron.parameters() for neuron in self.neurons]",
        )
    ],
    "mlp-parameters-last-layer": [
        (
            "return [p for layer in self.layers for p in layer.parameters()]",
            "return self.layers[-1].parameters()",
        )
    ],
}

ONLY_THE_FIRST_LAYER = """
    def zero_grad(self):
        for p in self.layers[0].parameters():
            p.grad = 0.0
"""

FORS_REVERSED = "        return [p for p in l.parameters() for l in self.layers]\n"

# the same mistakes, made another way: (mistake id, the exercise it shows at, substitutions)
NN_VARIANTS = [
    ("zero-grad-does-not-reset", 12, [("for p in self.parameters():\n" + ZERO_GRAD,
                                       "for p in self.parameters():\n            p = 0.0\n")]),
    ("zero-grad-does-not-reset", 12, [("for p in self.parameters():",
                                       "for p in [Value(q.data) for q in self.parameters()]:")]),
    ("zero-grad-does-not-reset", 15, [(MLP_PARAMETERS, MLP_PARAMETERS + ONLY_THE_FIRST_LAYER)]),
    ("parameters-not-flat", 14, [(LAYER_PARAMETERS,
                                  "        return [n.parameters() for n in self.neurons]\n")]),
    ("parameters-not-flat", 15, [(MLP_PARAMETERS,
                                  "        return [l.parameters() for l in self.layers]\n")]),
    ("bias-left-out", 14, [(LAYER_PARAMETERS,
                            "        return [p for n in self.neurons for p in n.w]\n")]),
    ("not-a-module", 15, [("class MLP(Module):", "class MLP:")]),
    ("comprehension-order", 15, [(MLP_PARAMETERS, FORS_REVERSED)]),
    ("layer-nin-nout-mixed", 14, [(LAYER_NEURONS, "[Neuron(nin) for _ in range(nin)]")]),
    ("layer-nin-nout-mixed", 14, [(LAYER_NEURONS, "[Neuron(nout) for _ in range(nin)]")]),
    ("parameters-not-values", 13, [("[Value(random.uniform(-1, 1)) for _ in range(nin)]",
                                    "[random.uniform(-1, 1) for _ in range(nin)]")]),
    ("parameters-lists-modules", 15, [(MLP_PARAMETERS, "        return self.layers\n")]),
]  # fmt: skip

NN_MISTAKES = [m for m in MISTAKES if m.id in NN_PLANTS]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[int, list]:
    return observe_in_process(reference_workspace(tmp_path_factory.mktemp("reference")))


def _seen(observed: dict[int, list], check_id: str) -> dict:
    return next(s for seen in observed.values() for s in seen if s["id"] == check_id)


def test_every_nn_mistake_has_a_plant():
    assert {m.id for m in MISTAKES if m.exercise >= 12} == set(NN_PLANTS)


def test_the_reference_passes_every_exercise_up_to_16(reference):
    results = judge(reference)
    assert [(r.number, r.passed) for r in results] == [(n, True) for n in range(1, PROBED + 1)]
    assert PROBED >= 16


def test_a_stub_nn_is_not_written_yet_from_exercise_12(tmp_path):
    observed = observe_in_process(make_workspace(tmp_path, REFERENCE_ENGINE), upto=16)
    results = judge(observed, 16)
    assert [r.passed for r in results] == [True] * 11 + [False]
    failure = results[-1].failure
    assert (failure.summary, failure.not_written) == ("not written yet", True)
    assert "mygrad/nn.py, line" in failure.message
    assert "exercise 12: write Module" in failure.message
    for number in NN_EXERCISES:  # each of them waits for its own stub (or an earlier one)
        assert checks.judge_exercise(number, observed[number]).failure.not_written


@pytest.mark.parametrize("mistake", NN_MISTAKES, ids=lambda m: m.id)
def test_each_planted_nn_mistake_is_named_at_its_exercise(tmp_path, mistake):
    nn = plant(REFERENCE_NN, *NN_PLANTS[mistake.id])
    result = judge_in_process(reference_workspace(tmp_path, nn), upto=16)[-1]
    assert_named(result, mistake)


@pytest.mark.parametrize(
    ("mistake", "number", "substitutions"),
    NN_VARIANTS,
    ids=[f"{m}-{n}-{i}" for i, (m, n, _) in enumerate(NN_VARIANTS)],
)
def test_the_same_nn_mistake_made_another_way(tmp_path, mistake, number, substitutions):
    nn = plant(REFERENCE_NN, *substitutions)
    result = judge_in_process(reference_workspace(tmp_path, nn), upto=16)[-1]
    assert (result.number, result.failure.mistake) == (number, mistake), result.failure.message


def test_a_mistyped_name_in_two_fors_is_not_called_the_wrong_order(tmp_path):
    typo = "        return [p for neuron in self.neurons for p in nueron.parameters()]\n"
    nn = plant(REFERENCE_NN, (LAYER_PARAMETERS, typo))
    result = judge_in_process(reference_workspace(tmp_path, nn), upto=16)[-1]
    assert result.number == 14 and result.failure.mistake is None
    assert "NameError: name 'nueron' is not defined" in result.failure.message


def test_the_neuron_check_draws_the_learners_graph_labelled_and_matched(reference):
    seen = _seen(reference, "neuron-on-values")
    labels = {node["label"] for node in seen["graph"]["nodes"]}
    assert {"o", "w1", "w2", "w3", "b", "x1", "x2", "x3"} <= labels
    wanted = checks.expected("neuron-on-values")
    comparison = compare_graphs(seen["graph"], wanted.graph, wanted.nodes)
    assert comparison.differences == ()
    assert len(comparison.matched) == len(seen["graph"]["nodes"])  # the lecture's shape


def test_a_missing_tanh_is_not_blamed_on_the_plus_nodes_inputs(tmp_path):
    nn = plant(REFERENCE_NN, *NN_PLANTS["no-activation"])
    observed = observe_in_process(reference_workspace(tmp_path, nn), upto=13)
    failure = judge_check(checks._CHECKS["neuron-on-values"], _seen(observed, "neuron-on-values"))
    text = failure.comparison.explanation
    assert "the output o" in text and "'tanh'" in text
    assert "Its inputs are right" not in text


def test_the_training_curves_are_what_exercise_16_says(reference):
    with_zero = checks.expected("training-loop").values["losses"]
    without = checks.expected("training-without-zero-grad").values["losses"]
    assert len(with_zero) == len(without) == 20
    assert all(b < a for a, b in itertools.pairwise(with_zero))  # falls, every step
    # the note's numbers: the same two first steps, faster at step 3, nearly 0 at 7-11,
    # jumps at 12 and 16, and stuck at 8.0
    assert without[:2] == pytest.approx(with_zero[:2]) and without[2] != with_zero[2]
    assert round(without[3], 3) == 0.017 and round(with_zero[3], 2) == 0.17
    assert all(loss < 1e-3 for loss in without[7:12])
    assert without[12] > 1 and without[16] > 1 and without[-1] == pytest.approx(8.0)
    note = get_exercise("training").curves_note
    note = " ".join(note.split())
    assert "step 3: 0.017 against 0.17" in note and "steps 7 to 11" in note
    assert "(steps 12 and 16)" in note and "ends at 8.0" in note
    # the learner's reference engine gives the same curves, which is how it passes
    assert _seen(reference, "training-without-zero-grad")["values"]["losses"] == pytest.approx(
        without, rel=1e-6, abs=1e-9
    )


def test_a_wrong_loss_is_told_at_its_first_differing_step(reference):
    seen = _seen(reference, "training-loop")
    losses = list(seen["values"]["losses"])
    losses[5] += 0.5
    losses[9] += 1.0
    failure = judge_check(checks._CHECKS["training-loop"], {**seen, "values": {
        **seen["values"], "losses": losses}})  # fmt: skip
    assert "the loss at each of the 20 steps: losses[5] is " in failure.message
    assert "(the first of the 20 that differs)" in failure.message
    assert "n.zero_grad()" in failure.message  # the loop, as the check runs it


def test_an_old_placeholder_nn_becomes_the_new_stub_and_nothing_else_does(tmp_path):
    old = OLD_STUBS["mygrad/nn.py"][0]
    workspace = make_workspace(tmp_path / "old", REFERENCE_ENGINE, old)
    assert workspace_status(workspace).files["mygrad/nn.py"] == "stub"
    assert refresh_stubs(workspace) == ["mygrad/nn.py"]
    assert (workspace / "mygrad" / "nn.py").read_text() == stub_text("mygrad/nn.py")
    assert refresh_stubs(workspace) == []
    edited = make_workspace(tmp_path / "edited", REFERENCE_ENGINE, old + "# mine\n")
    assert refresh_stubs(edited) == []
    assert (edited / "mygrad" / "nn.py").read_text() == old + "# mine\n"
