"""Checking answers: lenient reading, engine-computed truth, feedback that teaches.

Each helper here returns a *check*: a function from the learner's answer to
a ``Feedback``. The right answer is worked out with the engine when the check
runs (build the graph, call ``backward()``, read the grad), so a lesson can
never drift from what the engine really does.

Nothing here uses ``eval``: numbers are read with a regular expression and
``float``, fractions are split on ``/``, expressions go through
``lessons.expr.build``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from engine.value import MathError, Value
from lessons.expr import ExpressionError, Program
from lessons.expr import build as build_program
from lessons.functions import function_slope, function_value
from lessons.model import Feedback, Goal

__all__ = [
    "TINY_H",
    "Check",
    "build",
    "choice",
    "expression",
    "fmt",
    "function_of_x",
    "function_slope",
    "function_value",
    "grads",
    "number",
    "observe",
    "parse_number",
    "reach",
    "walk_done",
]

Check = Callable[[Any], Feedback]
Truth = float | Callable[[], float]

TYPE_A_NUMBER = "Type a number, like -2.5 (fractions such as 2/3 work too)."

TINY_H = (
    "0 is what the ratio shows when h is so tiny that f(x + h) rounds to exactly f(x): "
    "that is rounding, not the slope. Read a row with h near 0.0001."
)
"""Said about an answer of 0 to "what does the slope approach?": the ratio of a far
too small h (1e-18, say), where the nudge is lost in a float's last digit."""

# Minus signs people paste from documents, and spaces of every width.
_NORMALISE = str.maketrans(
    {
        "\u2212": "-",  # − minus sign
        "\u2013": "-",  # – en dash
        "\u2012": "-",  # ‒ figure dash
        "\ufe63": "-",  # ﹣ small hyphen-minus
        "\uff0d": "-",  # － full-width hyphen-minus
        "\u00a0": None,
        "\u2009": None,
        "\u202f": None,
        " ": None,
        "\t": None,
    }
)
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def parse_number(answer: object) -> float | None:
    """A finite number from what the learner typed, or None.

    Accepts ``-4``, ``−4`` (Unicode minus), ``6.0``, `` 0.5 ``, ``1e-3``
    and a fraction ``a/b`` such as ``2/3`` or ``-1/2``.
    """
    if isinstance(answer, bool):
        return None
    if isinstance(answer, (int, float)):
        return float(answer) if math.isfinite(answer) else None
    if not isinstance(answer, str) or len(answer) > 100:
        return None
    text = answer.translate(_NORMALISE)
    if text.count("/") == 1:
        top, bottom = (_decimal(part) for part in text.split("/"))
        if top is None or bottom is None or bottom == 0:
            return None
        value = top / bottom
        return value if math.isfinite(value) else None
    return _decimal(text)


def _decimal(text: str) -> float | None:
    if not _DECIMAL.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def fmt(x: float) -> str:
    """A number as the lessons write it: at most 4 decimals, a real minus sign."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x != 0 and (abs(x) >= 1e6 or abs(x) < 1e-4):
        text = f"{x:.3g}"
    else:
        text = f"{x:.4f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace("-", "−")


def _value(truth: Truth) -> float:
    return float(truth()) if callable(truth) else float(truth)


# -- numbers ------------------------------------------------------------------


def number(
    truth: Truth,
    *,
    tol: float = 1e-3,
    wrong: str = "",
    misses: Iterable[tuple[Truth, str]] = (),
    right: str = "",
) -> Check:
    """Accept a number within ``tol`` of ``truth`` (a number, or a function
    that computes it with the engine).

    ``misses`` pairs a tempting wrong answer with what to say about it
    ("−4 is ∂L/∂b: remember * swaps"); ``wrong`` is said about any other
    wrong answer and should point at the idea, not the number.
    """
    misses = tuple(misses)

    def check(answer: object) -> Feedback:
        value = parse_number(answer)
        if value is None:
            return Feedback(False, TYPE_A_NUMBER)
        expected = _value(truth)
        if abs(value - expected) <= tol:
            return Feedback(True, right or f"Yes: {fmt(expected)}.")
        for miss, message in misses:
            if abs(value - _value(miss)) <= tol:
                return Feedback(False, f"Not quite. {message}")
        if expected != 0 and abs(value + expected) <= tol:
            return Feedback(False, _join("Right size, wrong sign.", wrong))
        if abs(value - expected) <= 10 * tol:
            return Feedback(False, f"Close, but not within {fmt(tol)}: use more decimals.")
        return Feedback(False, _join(f"Not quite: {fmt(value)} is not it.", wrong))

    return check


def _join(first: str, second: str) -> str:
    return f"{first} {second}" if second else first


# -- choices ------------------------------------------------------------------


def _normal(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".")


def choice(
    choices: Iterable[str],
    correct: str | Callable[[], str],
    *,
    wrong: Mapping[str, str] | None = None,
    right: str | Callable[[], str] = "",
) -> Check:
    """Accept the ``correct`` one of ``choices`` (or a function naming it).

    The answer may be the choice's text (case and spacing do not matter),
    its number from 1, or its letter from a. ``wrong`` maps a wrong choice
    to what to say about it; ``right`` (text, or a function making it) is
    said on success.
    """
    options = tuple(choices)
    wrong = dict(wrong or {})
    for name in wrong:
        if name not in options:
            raise ValueError(f"{name!r} is not one of the choices {options!r}")
    if isinstance(correct, str) and correct not in options:
        raise ValueError(f"the correct answer {correct!r} is not one of the choices")

    def check(answer: object) -> Feedback:
        picked = _pick(options, answer)
        if picked is None:
            return Feedback(False, "Pick one of the choices.")
        expected = correct() if callable(correct) else correct
        if picked == expected:
            said = right() if callable(right) else right
            return Feedback(True, said or f"Yes: {expected}.")
        return Feedback(False, wrong.get(picked, f"Not {picked!r}. Think again."))

    return check


def _pick(options: tuple[str, ...], answer: object) -> str | None:
    if isinstance(answer, int) and not isinstance(answer, bool):
        return options[answer - 1] if 1 <= answer <= len(options) else None
    if not isinstance(answer, str):
        return None
    text = _normal(answer)
    for option in options:
        if _normal(option) == text:
            return option
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1]
    if len(text) == 1 and "a" <= text <= "z" and ord(text) - ord("a") < len(options):
        return options[ord(text) - ord("a")]
    return None


# -- expressions --------------------------------------------------------------


def build(source: str, **given: Any) -> Program:
    """``lessons.expr.build``: the Program (values by name, output). ``inputs=`` and
    ``prelude=`` give names before the learner's text, as an exercise does."""
    return build_program(source, **given)


def grads(source: str) -> dict[str, Value]:
    """Build ``source``, run ``backward()`` from its output, and return the
    values by name, each with its ``data`` and ``grad`` filled in."""
    program = build(source)
    program.output.backward()
    return dict(program.values)


_DEFINES_X = re.compile(r"(^|;)\s*x\s*=(?!=)", re.MULTILINE)


def function_of_x(
    target: Callable[[float], float],
    xs: Iterable[float],
    *,
    tol: float = 1e-6,
    wrong: str = "",
) -> Check:
    """Accept an expression in ``x`` whose value equals ``target(x)`` at every
    one of ``xs``. The tutor supplies ``x``; the learner writes only the
    expression (``6*x - 4``) or a few lines ending in it."""
    points = tuple(float(x) for x in xs)

    def check(answer: object) -> Feedback:
        if not isinstance(answer, str) or not answer.strip():
            return Feedback(False, "Type an expression in x, like 2*x + 1.")
        if _DEFINES_X.search(answer):
            return Feedback(
                False, "x is given (the tutor tries several values): write only the expression."
            )
        for x in points:
            try:
                got = function_value(answer, x)
            except ExpressionError as error:
                return Feedback(False, _where(error) + error.message)
            expected = target(x)
            if not math.isclose(got, expected, rel_tol=tol, abs_tol=tol):
                return Feedback(
                    False,
                    _join(f"At x = {fmt(x)} yours gives {fmt(got)}, not {fmt(expected)}.", wrong),
                )
        return Feedback(True, "Yes: it matches at every x the tutor tried.")

    return check


def _where(error: ExpressionError) -> str:
    return f"Line {error.line}, column {error.col}: "


def expression(
    judge: Callable[[Program], Feedback],
    *,
    prelude: str = "",
    inputs: Mapping[str, float] | None = None,
) -> Check:
    """Build the learner's program with the engine, then let ``judge`` decide.

    ``prelude`` is hidden lines built ahead of the learner's text and ``inputs``
    names given numbers (what the exercise provides); errors name the learner's
    own lines and columns. A syntax or math error becomes a 'not yet' that says
    where and why.
    """

    def check(answer: object) -> Feedback:
        if not isinstance(answer, str) or not answer.strip():
            return Feedback(False, "Type an expression, like y = 3*x - 1.")
        try:
            program = build(answer, inputs=inputs, prelude=prelude)
        except ExpressionError as error:
            return Feedback(False, _where(error) + error.message)
        except MathError as error:
            return Feedback(False, f"That cannot be computed: {error}.")
        return judge(program)

    return check


# -- actions --------------------------------------------------------------------


def walk_done(source: str) -> Check:
    """Done when the learner has stepped ``backward()`` to the end.

    The answer is the ``BackpropStepper`` the tutor drove: it must be done,
    and the grads it produced must equal a fresh ``backward()`` on ``source``
    (node by node, matched by name). The text ``"done"`` is accepted too.
    """

    def check(answer: object) -> Feedback:
        if isinstance(answer, str):
            if answer.strip().casefold() == "done":
                return Feedback(True, "Walk complete: every grad is filled in.")
            return Feedback(False, "Step through backward() to the end first.")
        if not hasattr(answer, "done"):
            return Feedback(False, "Step through backward() to the end first.")
        if not answer.done:
            left = getattr(answer, "total_steps", 0) - getattr(answer, "steps_done", 0)
            more = f" ({left} steps to go)" if left > 0 else ""
            return Feedback(False, f"Keep stepping until every node is done{more}.")
        root = getattr(answer, "root", None)
        if isinstance(root, Value):
            expected = grads(source)
            from engine.value import topological_order

            for node in topological_order(root):
                twin = expected.get(node.label) if node.label else None
                if twin is not None and not math.isclose(
                    node.grad, twin.grad, rel_tol=1e-9, abs_tol=1e-12
                ):
                    return Feedback(
                        False,
                        f"{node.label}.grad is {fmt(node.grad)} but backward() "
                        f"gives {fmt(twin.grad)}: reset and walk it again.",
                    )
        return Feedback(True, "Walk complete: the same grads as backward().")

    return check


def _latest_report(answer: object) -> Any:
    history = getattr(answer, "history", None)
    if isinstance(history, list):
        return history[-1] if history else None
    return answer


def reach(goal: Goal) -> Check:
    """Done when a training run's latest report meets ``goal``.

    The answer is the ``TrainingRun`` (its last report counts) or a
    ``StepReport``.
    """

    def check(answer: object) -> Feedback:
        if getattr(answer, "status", None) == "diverged":
            message = getattr(answer, "message", "") or "The numbers blew up."
            return Feedback(False, f"The run diverged. {message}")
        report = _latest_report(answer)
        if report is None or isinstance(report, str) or not hasattr(report, goal.metric):
            return Feedback(False, "Run the training first, then check the goal.")
        value = goal.value(report)
        if value is None:
            missing = "a test set" if goal.metric == "test_accuracy" else f"a finite {goal.metric}"
            return Feedback(False, f"This run has no {missing} to measure.")
        name = goal.metric.replace("_", " ")
        if goal.met(report):
            bound = goal.describe().removeprefix(name).strip()
            return Feedback(True, f"Goal reached: {name} {goal.format(value)} (the goal: {bound}).")
        return Feedback(
            False, f"{name.capitalize()} is {goal.format(value)}; the goal is {goal.describe()}."
        )

    return check


def observe(steps: int) -> Check:
    """Done when a training run of ``steps`` steps has ended by itself.

    For experiments whose point is what happens, not a score. The answer is
    the ``TrainingRun`` (finished or diverged), or the ``StepReport`` of its
    last step.
    """

    def check(answer: object) -> Feedback:
        status = getattr(answer, "status", None)
        if status == "diverged":
            message = getattr(answer, "message", "")
            return Feedback(True, f"It diverged. {message}".strip())
        report = _latest_report(answer)
        step = getattr(report, "step", None)
        ended = status == "finished" or (status is None and isinstance(step, int))
        if ended and isinstance(step, int) and step + 1 >= steps:
            return Feedback(
                True,
                f"Finished: loss {fmt(report.loss)}, train accuracy {report.train_accuracy:.0%}.",
            )
        return Feedback(False, f"Run the training to the end ({steps} steps) and watch.")

    return check
