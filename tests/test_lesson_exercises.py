"""Every exercise accepts the right answer and rejects wrong ones.

The right answers are worked out here, independently of the lessons: with
plain floats and math, finite differences, or the engine used in a way the
lesson does not. Nothing is copied from a lesson's check.
"""

from __future__ import annotations

import functools
import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

import lessons
from engine.data import lecture_examples
from engine.losses import mse_loss
from engine.nn import MLP
from engine.train import TrainingRun
from lessons.explain import BackpropStepper
from lessons.expr import build
from lessons.model import BackpropWalk, Train
from tutor.train_driver import named_dataset

# -- independent arithmetic --------------------------------------------------------------


def slope(fn: Callable[..., float], args: tuple[float, ...], i: int, h: float = 1e-6) -> float:
    """∂fn/∂args[i] by the central difference, with plain floats."""
    up, down = list(args), list(args)
    up[i] += h
    down[i] -= h
    return (fn(*up) - fn(*down)) / (2 * h)


def f1(x):
    return 3 * x**2 - 4 * x + 5


def lecture_L(a, b, c, f):
    return (a * b + c) * f


L_ARGS = (2.0, -3.0, 10.0, -2.0)


def neuron(x1, x2, w1, w2, b):
    return math.tanh(x1 * w1 + x2 * w2 + b)


N_ARGS = (2.0, 0.0, -3.0, 1.0, 6.8813735870195432)
N = 2.0 * -3.0 + 0.0 * 1.0 + 6.8813735870195432


def text(x: float, digits: int = 4) -> str:
    return f"{x:.{digits}f}"


def flat_point() -> float:
    """Where f1's slope is 0, by bisection on finite differences."""
    lo, hi = -10.0, 10.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if slope(f1, (mid,), 0) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def nudged_L(direction: float) -> float:
    grads = [slope(lecture_L, L_ARGS, i) for i in range(4)]
    moved = [v + direction * 0.01 * g for v, g in zip(L_ARGS, grads, strict=True)]
    return lecture_L(*moved)


def wrong_order_a_grad() -> float:
    """a = 2, x = a + 1, y = 3x, L = x + y, visiting x before y: x holds only
    L's share (1) when it passes its grad to a (local 1)."""
    share_from_L = slope(lambda x, y: x + y, (3.0, 9.0), 0)
    local = slope(lambda a: a + 1.0, (2.0,), 0)
    return share_from_L * local


def params_of_mlp(nin: int, nouts: list[int]) -> int:
    sizes = [nin, *nouts]
    return sum((sizes[k] + 1) * sizes[k + 1] for k in range(len(nouts)))


def best_h(choices: tuple[float, ...]) -> float:
    exact = 6 * 3.0 - 4
    return min(choices, key=lambda h: abs((f1(3.0 + h) - f1(3.0)) / h - exact))


def losses_without_zero_grad() -> list[float]:
    """The lecture's 20-step loop with the zero_grad line left out, written out
    here rather than taken from the lesson."""
    data = lecture_examples()
    model = MLP(3, [4, 4, 1], activation="tanh", rng=random.Random(1337))
    out = []
    for _ in range(20):
        loss = mse_loss([model(x) for x in data.X_train], data.y_train)
        out.append(loss.data)
        loss.backward()  # never reset: grads pile up
        for p in model.parameters():
            p.data -= 0.1 * p.grad
    return out


def bounces() -> bool:
    losses = losses_without_zero_grad()
    return all(map(math.isfinite, losses)) and any(
        later > earlier for earlier, later in itertools.pairwise(losses)
    )


# -- answers for the actions ---------------------------------------------------------------


def run_for(step: Train) -> TrainingRun:
    """A fresh run of the step's settings on its data, as the training lab makes it."""
    return TrainingRun(step.config, dataset=named_dataset(step.dataset)[1])


def walked(step: BackpropWalk, *, finish: bool = True, tamper: bool = False):
    stepper = BackpropStepper(build(step.source).output)
    if finish:
        stepper.run_all()
    else:
        stepper.step()
    if tamper:
        stepper.root._prev[0].grad += 1.0
    return stepper


@functools.cache
def finished_run(lesson: int, index: int):
    """The step's training run, run to its end (shared with the training tests)."""
    step = lessons.get_lesson(lesson).steps[index]
    assert isinstance(step, Train)
    run = run_for(step)
    run.run()
    return run


# -- the table -----------------------------------------------------------------------------

Answer = object  # text, or a function of the step that makes the answer object


@dataclass
class Case:
    right: list[Answer]
    wrong: list[Answer]
    slow: bool = False
    wrong_messages: dict[str, str] = field(default_factory=dict)


def run_of(lesson: int, index: int) -> Callable:
    return lambda step: finished_run(lesson, index)


def report_of(lesson: int, index: int, which: int) -> Callable:
    return lambda step: finished_run(lesson, index).history[which]


def fresh_run(step: Train):
    return run_for(step)


def unfinished_walk(step):
    return walked(step, finish=False)


def tampered_walk(step):
    return walked(step, tamper=True)


WALK = Case(right=[walked, "done", " Done "], wrong=[unfinished_walk, tampered_walk, "nope"])
N_EXP_RIGHT = [
    "e = (2*n).exp()\no = (e - 1)/(e + 1)",
    "o = (exp(2*n) - 1)/(exp(2*n) + 1)",
    "t = exp(-2*n)\no = (1 - t)/(1 + t)",
    "o = 1 - 2/((2*n).exp() + 1)",
    "e = (2*n).exp(); o = (e - 1)/(e + 1)",
]

CASES: dict[tuple[str, str], Case] = {
    # 1. derivative as a slope
    ("derivative-as-slope", "Measure the slope at 3"): Case(
        [text(slope(f1, (3.0,), 0)), "14", "14.0003", "14.00"], ["20", "-14", "17"]
    ),
    ("derivative-as-slope", "And at −3"): Case(
        [text(slope(f1, (-3.0,), 0)), "−22", "-21.9997"], ["44", "22", "-25"]
    ),
    ("derivative-as-slope", "Where is it flat?"): Case(
        [text(flat_point()), "2/3", " 0.667 ", "4/6"], ["0", "0.6", "1/0", "3/2"]
    ),
    ("derivative-as-slope", "The slope as a formula"): Case(
        ["6*x - 4", "slope = 6*x - 4", "-4 + 6*x", "2*(3*x - 2)", "a = 6*x\na - 4"],
        [
            "14",
            "3*x**2 - 4*x + 5",
            "6*x + 4",
            "x = 3\n6*x - 4",
            "s = 1; x = 3; 6*x - 4",
            "6*x -",
            "6x - 4",
            "",
        ],
    ),
    # 2. values and graphs
    ("values-and-graphs", "Follow the numbers"): Case([text(2.0 * -3.0 + 10.0), "4"], ["-6", "x"]),
    ("values-and-graphs", "What d remembers"): Case(
        ["e and c", "1", "a", "E AND C"], ["a, b and c", "a and b", "2", "c and e"]
    ),
    ("values-and-graphs", "What e remembers"): Case(["*", "2"], ["+", "nothing: e is an input"]),
    ("values-and-graphs", "Nudge c"): Case(
        [text(slope(lambda c: 2.0 * -3.0 + c, (10.0,), 0))], ["0.0001", "2", "10"]
    ),
    ("values-and-graphs", "Nudge b"): Case(
        [text(slope(lambda b: 2.0 * b + 10.0, (-3.0,), 0))], ["-3", "1", "-2"]
    ),
    # 3. backprop by hand
    ("backprop-by-hand", "f.grad"): Case([text(slope(lecture_L, L_ARGS, 3))], ["-2", "1", "-4"]),
    ("backprop-by-hand", "d.grad"): Case(
        [text(slope(lambda d, f: d * f, (4.0, -2.0), 0))], ["4", "2", "1"]
    ),
    ("backprop-by-hand", "c.grad"): Case([text(slope(lecture_L, L_ARGS, 2))], ["1", "10", "2"]),
    ("backprop-by-hand", "a.grad"): Case([text(slope(lecture_L, L_ARGS, 0))], ["-4", "-2", "-6"]),
    ("backprop-by-hand", "b.grad"): Case([text(slope(lecture_L, L_ARGS, 1))], ["6", "2", "4"]),
    ("backprop-by-hand", "Check with backward()"): WALK,
    # 4. the chain rule
    ("chain-rule", "Where * records its rule"): Case(
        [text(slope(lambda a: a * -3.0, (2.0,), 0))], ["2", "-6", "3"]
    ),
    ("chain-rule", "Chain it"): Case(
        [text(slope(lambda x, y, z: (x + y) * z, (3.0, -1.0, 4.0), 0))], ["1", "2", "3", "8"]
    ),
    ("chain-rule", "One step uphill"): Case(
        [text(nudged_L(+1.0), 2), text(nudged_L(+1.0), 4)], ["-8", "-7.5", "-8.71"]
    ),
    ("chain-rule", "Step the other way"): Case(
        ["L goes down" if nudged_L(-1.0) < -8.0 else "L goes up"], ["L goes up", "L stays at −8"]
    ),
    # 5. reused nodes
    ("reused-nodes", "b = a + a"): Case([text(slope(lambda a: a + a, (3.0,), 0))], ["1", "6"]),
    ("reused-nodes", "Watch the shares add up"): WALK,
    ("reused-nodes", "Two paths"): Case(
        [text(slope(lambda a, b: (a * b) * (a + b), (-2.0, 3.0), 0))], ["3", "-6", "-8"]
    ),
    ("reused-nodes", "backward() adds"): Case(
        ["A value used twice gets gradient from each use"],
        ["Adding is faster than setting", "It resets the gradient for the next pass"],
    ),
    ("reused-nodes", "Why an order at all"): Case([text(wrong_order_a_grad())], ["4", "3", "0"]),
    # 6. the neuron
    ("neuron", "The weighted sum"): Case([text(N)], ["0.7071", "-6", "6.8814"]),
    ("neuron", "Through tanh"): Case(
        [text(slope(math.tanh, (N,), 0)), "1/2"], ["0.7071", "1", "0.2929"]
    ),
    ("neuron", "A weight's grad"): Case([text(slope(neuron, N_ARGS, 2))], ["-1.5", "0.5", "2"]),
    ("neuron", "A weight that cannot learn"): Case(
        [text(slope(neuron, N_ARGS, 3))], ["0.5", "1", "-1.5"]
    ),
    ("neuron", "backward() through the neuron"): WALK,
    ("neuron", "tanh in the engine"): Case([text(slope(math.tanh, (0.0,), 0))], ["0", "0.5"]),
    # 7. tanh rebuilt from exp
    ("tanh-from-exp", "Build it yourself"): Case(
        N_EXP_RIGHT,
        [
            "o = n.tanh()",
            "o = tanh(n)",
            "o = 0.7071067811865476",
            "e = (2*n).exp()\no = (e + 1)/(e - 1)",
            "o = exp(2*n)*0 + 0.7071067811865476",
            "o = (n*2).exp()",
            "o = (",
            "",
        ],
    ),
    ("tanh-from-exp", "Same grads?"): Case([text(slope(neuron, N_ARGS, 2))], ["-1.5", "0.5"]),
    ("tanh-from-exp", "Division is multiplication"): Case(
        [text(slope(lambda b: 1 / b, (4.0,), 0)), "-1/16"], ["0.25", "0.0625", "-0.25"]
    ),
    # 8. checking gradients numerically
    ("gradient-check", "Check b.grad"): Case(
        [text(slope(lecture_L, L_ARGS, 1))], ["-8", "4", "-2"]
    ),
    ("gradient-check", "A broken rule"): Case([text(1 - math.tanh(N))], ["0.5", "0.7071"]),
    ("gradient-check", "Measure tanh"): Case(
        [text(slope(math.tanh, (N,), 0))], [text(1 - math.tanh(N)), "0.7071"]
    ),
    # The best h among every row of the table (lesson 8's HS), not only among the choices.
    ("gradient-check", "How small should h be?"): Case(
        [f"h = {best_h((0.1, 1e-3, 1e-5, 1e-8, 1e-11, 1e-13, 1e-15)):g}".replace("e-0", "e-")],
        ["h = 0.1", "h = 1e-5", "h = 1e-15"],
    ),
    # 9. neuron, layer, MLP
    ("neuron-layer-mlp", "Neuron"): Case([str(params_of_mlp(3, [1]))], ["3", "5"]),
    ("neuron-layer-mlp", "Layer"): Case([str(params_of_mlp(3, [4]))], ["12", "7", "15"]),
    ("neuron-layer-mlp", "MLP"): Case([str(params_of_mlp(3, [4, 4, 1])), "41.0"], ["32", "9"]),
    # micrograd's nn.py (REFERENCE.md) leaves the output layer linear.
    ("neuron-layer-mlp", "The last layer"): Case(["linear"], ["tanh", "relu"]),
    # 10. loss and gradient descent
    ("gradient-descent", "Which way to push"): Case(
        [text(slope(lambda s: (s - 1.0) ** 2, (0.5,), 0))], ["0.25", "1", "-0.5"]
    ),
    ("gradient-descent", "The loss in the engine"): Case(
        [text(((0.5 - 1) ** 2 + (-0.5 + 1) ** 2) / 2)], ["0.5", "1"]
    ),
    ("gradient-descent", "Twenty steps downhill"): Case([run_of(10, 3)], [fresh_run, "done"]),
    ("gradient-descent", "The forgotten zero_grad"): Case(
        [text(2 * slope(lecture_L, L_ARGS, 3))], ["4", "0", "16"]
    ),
    ("gradient-descent", "Training without zero_grad"): Case(
        ["It stops falling steadily and bounces" if bounces() else "It falls just the same"],
        ["It falls just the same", "It becomes infinite at once"],
    ),
    # 11. moons
    ("moons", "The hinge loss"): Case([text(max(0.0, 1 - 1.0 * 0.3))], ["0", "1.3", "0.3"]),
    ("moons", "L2 regularisation"): Case(
        [f"{1e-4 * (3.0**2 + (-4.0) ** 2):.6f}", "2.5e-3", "1/400"], ["0.0001", "25", "0.0007"]
    ),
    ("moons", "A decaying learning rate"): Case([text(1.0 - 0.9 * 50 / 100)], ["0.5", "0.1"]),
    ("moons", "Train it"): Case([run_of(11, 4)], [fresh_run, "done"], slow=True),
    ("moons", "Reading the boundary"): Case(
        ["Where the score is 0"], ["Where the loss is 0", "Where the score is 1"]
    ),
    # 12. experiments: which choice is right is verified by running them, in
    # test_lesson_12_experiments_turn_out_as_predicted
    ("experiments", "A huge learning rate"): Case(
        ["The loss blows up: it diverges"], ["It learns much faster", "It learns about the same"]
    ),
    # A diverged run has no report of its last step: only the run itself shows it.
    ("experiments", "Run it: learning rate 1e6"): Case(
        [run_of(12, 1)], [fresh_run, report_of(12, 1, -1), "done"]
    ),
    ("experiments", "No activation"): Case(
        ["It stalls below 95%"], ["It still reaches 100%", "It diverges"]
    ),
    ("experiments", "Run it: linear"): Case(
        [run_of(12, 3), report_of(12, 3, -1)], [fresh_run, report_of(12, 3, 0), "done"], slow=True
    ),
    ("experiments", "A tiny network"): Case(
        ["It stalls below 95%"], ["It still reaches 100%", "It diverges"]
    ),
    ("experiments", "Run it: 2 neurons"): Case(
        [run_of(12, 5), report_of(12, 5, -1)], [fresh_run, report_of(12, 5, -2), "done"]
    ),
    ("experiments", "Heavy regularisation"): Case(
        ["Accuracy drops below 95%"], ["Accuracy stays at 100%", "It diverges"]
    ),
    ("experiments", "Run it: alpha = 0.1"): Case(
        [run_of(12, 7), report_of(12, 7, -1)], [fresh_run, report_of(12, 7, 0)], slow=True
    ),
    # 13. why frameworks are fast: what the tape records for a neuron, read from a tape
    ("why-frameworks-are-fast", "One neuron on the tape"): Case(
        ["dot and ReLU", "2", "b"],
        ["*, *, +, + and ReLU", "dot, and ReLU only if it is on", "one node: the whole neuron"],
    ),
}

EXERCISES = [
    (lesson, step)
    for lesson in lessons.all_lessons()
    for step in lesson.steps
    if step.exercise is not None
]


def test_the_table_covers_every_exercise_exactly():
    keys = [(lesson.id, step.title) for lesson, step in EXERCISES]
    assert len(keys) == len(set(keys)), "two exercises in one lesson share a title"
    assert set(keys) == set(CASES)


def _answer(answer: Answer, step):
    return answer(step) if callable(answer) else answer


def _cases(slow: bool):
    return [
        pytest.param(lesson, step, id=f"{lesson.number}:{step.title}")
        for lesson, step in EXERCISES
        if CASES[(lesson.id, step.title)].slow == slow
    ]


def _check_case(lesson, step):
    case = CASES[(lesson.id, step.title)]
    check = step.exercise.check
    assert case.right and case.wrong
    for right in case.right:
        feedback = check(_answer(right, step))
        assert feedback.ok, f"rejected {right!r}: {feedback.message}"
        assert feedback.message
    for wrong in case.wrong:
        feedback = check(_answer(wrong, step))
        assert not feedback.ok, f"accepted {wrong!r}"
        assert feedback.message and feedback.message != "The tutor could not check that answer."


@pytest.mark.parametrize(("lesson", "step"), _cases(slow=False))
def test_each_exercise_accepts_the_right_answer_and_rejects_wrong_ones(lesson, step):
    _check_case(lesson, step)


@pytest.mark.parametrize(("lesson", "step"), _cases(slow=True))
def test_each_training_exercise_accepts_a_finished_run(lesson, step):
    _check_case(lesson, step)


# -- what the feedback says ----------------------------------------------------------------


def test_a_tempting_wrong_grad_gets_a_message_about_the_idea():
    a_grad = lessons.get_lesson("backprop-by-hand").steps[4].exercise
    message = a_grad.check("-4").message
    assert message.startswith("Not quite.") and "∂L/∂b" in message and "swaps" in message
    assert "wrong sign" in a_grad.check("-6").message


def test_an_expression_in_x_is_told_that_x_is_given():
    ex = lessons.get_lesson(1).steps[5].exercise
    assert "x is given" in ex.check("x = 2/3; 6*x - 4").message
    assert ex.check("6*x - 4 +").message.startswith("Line 1, column")
    assert ex.check("6*x + 4").message.startswith("At x = −3 yours gives −14, not −22.")


def test_errors_in_an_exercise_with_given_lines_point_at_the_learners_own_lines():
    """Lesson 7 defines n for the learner in lines they never see: a message names
    their own lines, and calls a name from the hidden lines given, not "from line 9"."""
    ex = lessons.get_lesson("tanh-from-exp").steps[2].exercise
    assert ex.answer_kind == "expression"
    given = ex.check("e = (2*n).exp(); n = 3").message
    assert given.startswith("Line 1, column 18: `n` already has a value (the exercise gives it)")
    own = ex.check("e = (2*n).exp()\ne = 1").message
    assert own.startswith("Line 2, column 1: `e` already has a value (from line 1)")
    assert ex.check("e = (2*n).exp(").message.startswith("Line 1, column 14:")


def test_the_zero_grad_experiment_reports_the_numbers():
    step = lessons.get_lesson("gradient-descent").steps[5]
    feedback = step.exercise.check("It stops falling steadily and bounces")
    assert feedback.ok and "20 steps" in feedback.message and "went up" in feedback.message


def test_the_walk_says_how_many_steps_are_left():
    step = lessons.get_lesson("backprop-by-hand").steps[6]
    stepper = walked(step, finish=False)
    message = step.exercise.check(stepper).message
    assert f"({stepper.total_steps - 1} steps to go)" in message


def test_the_zero_grad_explanation_tells_the_truth_about_deeper_grads():
    """Lesson 10 says: after a second backward(), e.grad is −6 and a.grad 24."""
    from engine.value import Value

    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    e = a * b
    L = (e + c) * f
    L.backward()
    L.backward()
    assert (f.grad, e.grad, a.grad) == (8.0, -6.0, 24.0)
    explanation = lessons.get_lesson(10).steps[4].exercise.explanation
    assert "−6" in explanation and "24" in explanation


def test_a_diverged_run_does_not_reach_a_goal():
    step = lessons.get_lesson("gradient-descent").steps[3]
    diverged = finished_run(12, 1)
    assert diverged.status == "diverged"
    feedback = step.exercise.check(diverged)
    assert not feedback.ok and "diverged" in feedback.message


def test_a_report_alone_can_be_checked_against_a_goal():
    step = lessons.get_lesson("gradient-descent").steps[3]
    run = finished_run(10, 3)
    assert step.exercise.check(run.history[-1]).ok
    feedback = step.exercise.check(run.history[0])  # the loss before any step
    assert not feedback.ok and feedback.message.startswith("Loss is 0.773")
    assert feedback.message.endswith("the goal is loss ≤ 0.01.")


# -- what the training lessons say happens, happens -------------------------------------------


def test_lesson_10_training_brings_the_scores_to_the_targets():
    from engine.train import predict

    run = finished_run(10, 3)
    assert run.status == "finished" and run.parameter_count == 41
    losses = [report.loss for report in run.history]
    assert losses[-1] < losses[0] / 100 and losses[-1] <= 0.01
    scores = predict(run.model, run.dataset.X_train)
    assert scores == pytest.approx([1.0, -1.0, -1.0, 1.0], abs=0.1)


def test_lesson_11_preset_reaches_its_test_accuracy_goal():
    step = lessons.get_lesson("moons").steps[4]
    run = finished_run(11, 4)
    assert run.status == "finished"
    assert step.goal is not None and step.goal.met(run.history[-1])
    assert run.history[-1].test_accuracy >= 0.95
    # What the lesson's text says about the run.
    assert run.parameter_count == 337
    assert (len(run.dataset.X_train), len(run.dataset.X_test)) == (75, 25)
    assert len(run.history) == 100


def _choice_describing(step, outcome: str) -> str:
    (choice,) = [c for c in step.exercise.choices if outcome in c]
    return choice


def test_lesson_12_experiments_turn_out_as_predicted():
    from engine.train import TrainingRun
    from lessons.content.l12_experiments import BASE

    lesson = lessons.get_lesson("experiments")
    base = TrainingRun(BASE)  # the baseline the lesson compares against
    base.run()
    assert base.status == "finished" and base.history[-1].train_accuracy == 1.0
    assert base.parameter_count == 105

    for predict_at, train_at in ((0, 1), (2, 3), (4, 5), (6, 7)):
        predict, train = lesson.steps[predict_at], lesson.steps[train_at]
        assert isinstance(train, Train)
        run = finished_run(12, train_at)
        if run.status == "diverged":
            outcome = "diverges"
        else:
            assert run.status == "finished"
            last = run.history[-1]
            assert last.train_accuracy < 0.95 and last.test_accuracy < 0.95, train.title
            outcome = "below 95%"
        assert predict.exercise.check(_choice_describing(predict, outcome)).ok, predict.title
    assert finished_run(12, 1).status == "diverged"
    assert finished_run(12, 5).parameter_count == 9
