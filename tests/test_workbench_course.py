"""The "Build micrograd" course as data, and the authoring guarantees: the stubs fail every
exercise, and both the course's reference solution and the lecture's own code pass them all.

The probes run in this process here, on our own files; ``test_workbench_cli.py`` runs
them through the real child-process runner.
"""

from __future__ import annotations

import ast
import json
import math
import re

import pytest
from workbench_helpers import (
    LECTURE,
    LECTURE_NN,
    RECURSIVE_TOPO,
    REFERENCE_ENGINE,
    REFERENCE_NN,
    judge_in_process,
    loop_topo_of_reference,
    make_workspace,
    observe_in_process,
    plant,
    reference_workspace,
)

from lessons.workbench import checks, probes
from lessons.workbench.checks import LAST, PROBED, judge, judge_exercise
from lessons.workbench.exercises import EXERCISES, get_exercise
from lessons.workbench.milestone import MILESTONE
from lessons.workbench.scenarios import CHECKS, checks_for
from lessons.workbench.workspace import STUBS

# -- the course as data ---------------------------------------------------------------


def test_exercises_numbered_in_order_with_unique_ids():
    assert [e.number for e in EXERCISES] == list(range(1, len(EXERCISES) + 1))
    assert len({e.id for e in EXERCISES}) == len(EXERCISES)
    assert LAST == EXERCISES[-1].number == MILESTONE == 17
    assert get_exercise(5).id == "backward" and get_exercise("reuse").number == 6
    assert [get_exercise(n).id for n in range(12, 18)] == [
        "module", "neuron", "layer", "mlp", "training", "moons",
    ]  # fmt: skip
    assert {get_exercise(n).file for n in range(12, 18)} == {"mygrad/nn.py"}
    assert get_exercise(str(LAST + 1)) is None


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_every_exercise_has_prose_a_task_graded_hints_and_checks(exercise):
    assert len(exercise.prose.split()) > 40
    assert exercise.task.strip()
    assert 2 <= len(exercise.hints) <= 3
    if exercise.number == MILESTONE:  # passed by a training run beside the tutor's engine
        assert not exercise.checks and exercise.number == LAST == PROBED + 1
    else:
        assert exercise.checks, "an exercise without checks cannot be passed"
    question = exercise.question
    if question is not None:
        assert question.prompt.endswith("?") and question.answer
        assert (question.correct is not None) == bool(question.choices)
        assert question.correct is None or question.correct in question.choices
        assert not (question.choices and question.number is not None)
    for curve in exercise.curves:
        assert curve.check in {c.id for c in exercise.checks}
        assert curve.path in next(c for c in exercise.checks if c.id == curve.check).observe
    assert bool(exercise.curves) == bool(exercise.curves_note)


def test_check_ids_are_unique_and_their_code_reads_like_the_lecture():
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids))
    lecture = next(c for c in CHECKS if c.id == "lecture-L")
    assert lecture.code.splitlines()[0] == "a = Value(2.0)"
    assert lecture.code.splitlines()[-1] == "L.backward()"
    for check in CHECKS:
        ast.parse(check.code)  # the code shown to the learner is whole Python
        assert "return locals()" not in check.code


def test_checks_use_only_micrograds_public_face():
    allowed = {"data", "grad", "_prev", "_op", "label", "tanh", "exp", "relu", "backward"}
    # and from exercise 12, the lecture's nn: its classes, parameters() and zero_grad()
    nn = {"Value", "Module", "Neuron", "Layer", "MLP", "parameters", "zero_grad"}
    python = {"Random", "uniform", "append"}  # the checks' own fixed starting numbers
    for check in CHECKS:
        used = {
            node.attr for node in ast.walk(ast.parse(check.code)) if isinstance(node, ast.Attribute)
        }
        extra = used - allowed - ({"_backward"} if check.exercise in (3, 4) else set())
        if check.nn:
            extra -= nn | python
        assert extra == set(), (check.id, extra)
        assert check.nn == (check.exercise >= 12)


def test_the_lecture_numbers_are_what_the_engine_gives():
    want = checks.expected("lecture-L").values
    assert want == {
        "L.data": -8.0, "L.grad": 1.0, "f.grad": 4.0, "d.grad": -2.0,
        "c.grad": -2.0, "e.grad": -2.0, "a.grad": 6.0, "b.grad": -4.0,
    }  # fmt: skip
    neuron = checks.expected("neuron").values
    assert math.isclose(neuron["o.data"], 0.7071, abs_tol=1e-4)
    assert neuron["x1.grad"] == pytest.approx(-1.5) and neuron["w1.grad"] == pytest.approx(1.0)
    assert neuron["x2.grad"] == pytest.approx(0.5) and neuron["w2.grad"] == pytest.approx(0.0)
    assert checks.expected("lecture-d").values["d.data"] == 4.0
    assert checks.expected("reuse-add").values["a.grad"] == 2.0
    assert checks.expected("reuse-chain").values["a.grad"] == 4.0
    assert checks.expected("tanh-from-exp").values == pytest.approx(neuron)


def test_stub_todos_name_exercises_that_exist():
    text = (STUBS / "mygrad" / "engine.py").read_text()
    todos = {int(n) for n in re.findall(r"TODO \(exercise (\d+)\)", text)}
    raised = {int(n) for n in re.findall(r'NotImplementedError\("exercise (\d+)', text)}
    assert todos <= set(range(1, 12)) and raised <= todos
    assert '__init__(self, data, _children=(), _op="", label="")' in text
    nn = (STUBS / "mygrad" / "nn.py").read_text()
    todos = {int(n) for n in re.findall(r"TODO \(exercise (\d+)\)", nn)}
    raised = {int(n) for n in re.findall(r'NotImplementedError\("exercise (\d+)', nn)}
    assert todos == raised == {12, 13, 14, 15}
    assert "import random" in nn and "from mygrad.engine import Value" in nn
    for name in ("Neuron", "Layer", "MLP"):
        assert f"class {name}(Module):" in nn


# -- authoring guarantees -------------------------------------------------------------


def test_the_stubs_fail_every_exercise_each_on_its_own(tmp_path):
    observed = observe_in_process(make_workspace(tmp_path))
    for number in range(1, PROBED + 1):
        result = judge_exercise(number, observed[number])
        assert not result.passed, number
        assert result.failure.not_written, (number, result.failure.message)
    first = judge(observed)[0].failure
    assert first.summary == "not written yet"
    assert "mygrad/engine.py, line" in first.message
    assert "exercise 1: write Value.__init__" in first.message


def test_the_reference_solution_passes_every_exercise(tmp_path):
    results = judge_in_process(reference_workspace(tmp_path))
    assert [(r.number, r.passed) for r in results] == [(n, True) for n in range(1, PROBED + 1)], [
        r.failure.message for r in results if r.failure
    ]


def test_the_lectures_code_passes_every_exercise(tmp_path):
    workspace = make_workspace(tmp_path, LECTURE.read_text(), LECTURE_NN.read_text())
    results = judge_in_process(workspace)
    assert all(r.passed for r in results) and len(results) == PROBED, [
        r.failure.message for r in results if r.failure
    ]


def test_the_lectures_recursive_backward_passes_up_to_10_and_fails_the_deep_graph(tmp_path):
    engine = plant(REFERENCE_ENGINE, (loop_topo_of_reference(), RECURSIVE_TOPO))
    results = judge_in_process(make_workspace(tmp_path, engine))
    assert [r.passed for r in results] == [True] * 10 + [False]
    assert results[-1].failure.mistake == "recursion-depth"


def test_an_exercise_passes_only_when_the_ones_before_it_do(tmp_path):
    broken = plant(REFERENCE_ENGINE, ("self.grad += other.data * out.grad", "pass"))
    results = judge_in_process(make_workspace(tmp_path, broken), upto=5)
    assert [(r.number, r.passed) for r in results] == [(1, True), (2, True), (3, False)]


def test_set_or_tuple_children_and_any_names_pass(tmp_path):
    """A different, correct solution: _prev a set, ops named differently, data kept as floats."""
    engine = plant(
        REFERENCE_ENGINE,
        ("self._prev = tuple(_children)", "self._prev = set(_children)"),
        ("self.data = data", "self.data = float(data)"),
        ('"ReLU"', '"relu"'),
        ('"tanh")', '"tanh-op")'),
    )
    results = judge_in_process(make_workspace(tmp_path, engine, REFERENCE_NN))
    assert all(r.passed for r in results) and len(results) == PROBED


# -- observations -----------------------------------------------------------------------


def test_an_error_in_a_check_is_placed_in_the_learners_file_and_the_check(tmp_path):
    engine = plant(REFERENCE_ENGINE, ("        return self + other\n", "        return 1 / 0\n"))
    observed = observe_in_process(make_workspace(tmp_path, engine), upto=7)
    seen = next(s for s in observed[7] if s["id"] == "number-plus-value")
    assert seen["error"]["kind"] == "ZeroDivisionError"
    assert seen["error"]["file"] == "mygrad/engine.py"
    assert seen["error"]["code"] == "return 1 / 0"
    assert seen["error"]["check_line"] == "b = 1 + a"
    failure = judge_exercise(7, observed[7]).failure
    assert failure.summary == "ZeroDivisionError: division by zero"
    assert "Running `b = 1 + a` raised ZeroDivisionError" in failure.message
    assert "(mygrad/engine.py, line" in failure.message


def test_observations_are_json_whatever_the_learner_stores(tmp_path):
    engine = plant(REFERENCE_ENGINE, ("self.grad = 0.0", "self.grad = [0]"))
    observed = observe_in_process(make_workspace(tmp_path, engine), upto=1)
    json.dumps(observed)  # lists, objects, NaN: all sent as JSON
    failure = judge_exercise(1, observed[1]).failure
    assert "v.grad is a list ([0.0]), should be 0.0." in failure.message


def test_a_wrong_value_is_said_with_the_checks_own_words(tmp_path):
    engine = plant(
        REFERENCE_ENGINE, ('return f"Value(data={self.data}, grad={self.grad})"', "return 'V'")
    )
    failure = judge_in_process(make_workspace(tmp_path, engine), upto=1)[0].failure
    assert failure.check == "value-repr"
    assert failure.summary == "repr(v) should show v's data, 3.5; in your code it is not so."
    assert "In this check:\n    v = Value(3.5)\n    text = repr(v)" in failure.message


def test_jsonable_keeps_numbers_and_names_the_rest():
    assert probes.jsonable(3) == 3.0 and probes.jsonable(True) is True
    assert math.isnan(probes.jsonable(float("nan")))
    assert probes.jsonable("x" * 500) == "x" * 200
    assert probes.jsonable(10**400) == {"type": "int", "repr": repr(10**400)[:200]}

    class Loud:
        def __repr__(self):
            raise RuntimeError

    assert probes.jsonable(Loud()) == {"type": "Loud", "repr": "<repr raised RuntimeError>"}


def test_every_check_is_observed_for_every_exercise(tmp_path):
    observed = observe_in_process(make_workspace(tmp_path, REFERENCE_ENGINE))
    for number in range(1, PROBED + 1):
        assert [s["id"] for s in observed[number]] == [c.id for c in checks_for(number)]


def test_only_the_probes_import_the_learners_code():
    """The tutor's side judges what the child saw; it never imports their mygrad. The
    probes do, in the child: the checks' (probes.py) and the training lab's (training.py)."""
    folder = STUBS.parent
    importers = sorted(
        path.name
        for path in folder.glob("*.py")
        if re.search(r"^\s*(from|import) mygrad", path.read_text(), re.M)
    )
    assert importers == ["probes.py", "training.py"]


def test_every_exercise_has_a_summary_of_one_line_for_the_lists():
    from lessons.workbench.exercises import EXERCISES, SUMMARIES

    assert set(SUMMARIES) == {exercise.id for exercise in EXERCISES}
    for exercise in EXERCISES:
        assert "\n" not in exercise.summary and len(exercise.summary) <= 76
