"""lessons.expr with names an exercise gives: ``inputs`` and a hidden ``prelude`` come first,
and every error still speaks of the learner's own lines."""

from __future__ import annotations

import pytest

from lessons.expr import ExpressionError, build, format_error

PRELUDE = "x1 = 2.0\nw1 = -3.0\nb = 6.8813735870195432\nx1w1 = x1*w1\nn = x1w1 + b"


def refusal(source: str, **given) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        build(source, **given)
    return info.value


def test_inputs_are_leaves_before_the_learners_names():
    program = build("y = 3*x - 1", inputs={"x": 2.0})
    assert list(program.values) == ["x", "y"]
    assert program.leaves == ("x",) and program.computed == ("y",)
    assert program.values["x"].label == "x" and program.output.data == 5.0
    program.output.backward()
    assert program.values["x"].grad == 3.0


def test_a_bare_expression_of_an_input():
    assert build("6*x - 4", inputs={"x": 0.5}).output.data == -1.0
    assert build("x", inputs={"x": 0.5}).output is not None


def test_the_prelude_is_built_first_into_the_same_graph():
    program = build("e = (2*n).exp(); o = (e - 1)/(e + 1)", prelude=PRELUDE)
    assert list(program.values) == ["x1", "w1", "b", "x1w1", "n", "e", "o"]
    assert program.leaves == ("x1", "w1", "b")
    assert program.output is program.values["o"]
    assert program.output.data == pytest.approx(0.7071, abs=1e-4)


def test_errors_point_into_the_learners_text_not_the_prelude():
    err = refusal("e = (2*n).exp()\no = (e - 1)/(e +", prelude=PRELUDE)
    assert (err.line, err.col) == (2, 13) and "this `(` is never closed" in err.message
    err = refusal("o = m + 1", prelude=PRELUDE)
    assert (err.line, err.col) == (1, 5) and err.message.startswith("`m` is not defined yet")
    err = refusal("e = (2*n).exp(", prelude=PRELUDE)
    assert (err.line, err.col) == (1, 14)
    source = "o = n / (n - n)"
    err = refusal(source, prelude=PRELUDE)
    assert (err.line, err.col) == (1, 7) and "divides by zero" in err.message
    assert format_error(source, err).splitlines()[1] == "  o = n / (n - n)"


def test_a_given_name_is_given_and_the_learners_own_lines_count_from_one():
    err = refusal("e = (2*n).exp(); n = 3", prelude=PRELUDE)
    assert err.message.startswith("`n` already has a value (the exercise gives it)")
    assert (err.line, err.col) == (1, 18)
    err = refusal("x = 1", inputs={"x": 2.0})
    assert err.message.startswith("`x` already has a value (the exercise gives it)")
    err = refusal("e = 1\ne = 2", prelude=PRELUDE)
    assert err.message.startswith("`e` already has a value (from line 1)")
    assert (err.line, err.col) == (2, 1)
    err = refusal("o = q * n\nq = 1", prelude=PRELUDE)
    assert "gets its value on line 2" in err.message


def test_a_name_from_the_prelude_may_not_be_aliased_either():
    assert "`m = n` only gives `n` a second name" in refusal("m = n", prelude=PRELUDE).message


def test_the_learners_text_alone_counts_against_the_limits():
    prelude = "\n".join(f"p{i} = {i}" for i in range(150))
    learner = "\n".join(f"q{i} = {i}" for i in range(150))
    assert len(build(learner, prelude=prelude).values) == 300


def test_a_prelude_that_does_not_build_is_the_lessons_mistake():
    with pytest.raises(ValueError, match="the prelude does not build: line 1, column 5"):
        build("y = 1", prelude="a = q")
    with pytest.raises(ValueError, match="prelude"):
        build("y = 1", prelude="a = (")


@pytest.mark.parametrize(
    ("inputs", "error"),
    [
        ({"2x": 1.0}, ValueError),
        ({"if": 1.0}, ValueError),
        ({"tanh": 1.0}, ValueError),
        ({"x": True}, TypeError),
        ({"x": "2"}, TypeError),
        ({"x": float("nan")}, ValueError),
    ],
)
def test_inputs_must_be_names_and_finite_numbers(inputs, error):
    with pytest.raises(error):
        build("y = 1", inputs=inputs)
