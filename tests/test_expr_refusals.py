"""lessons.expr refuses what is outside its little language: one case per category, each
with its message and position (the cases are in expr_cases)."""

from __future__ import annotations

import pytest
from expr_cases import MATH_ERRORS, REFUSALS, SYNTAX_ERRORS

from lessons.expr import ExpressionError, build


def refusal(source: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        build(source)
    return info.value


@pytest.mark.parametrize(
    ("source", "words", "line", "col"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_refusal(source, words, line, col):
    err = refusal(source)
    assert words in err.message
    assert (err.line, err.col) == (line, col)


@pytest.mark.parametrize(
    ("source", "words", "line", "col"),
    [case[1:] for case in SYNTAX_ERRORS],
    ids=[case[0] for case in SYNTAX_ERRORS],
)
def test_syntax_error_explained(source, words, line, col):
    err = refusal(source)
    assert words in err.message
    assert (err.line, err.col) == (line, col)


@pytest.mark.parametrize(
    ("source", "words", "line", "col"),
    [case[1:] for case in MATH_ERRORS],
    ids=[case[0] for case in MATH_ERRORS],
)
def test_math_errors_become_expression_errors_at_the_operation(source, words, line, col):
    err = refusal(source)
    assert words in err.message
    assert (err.line, err.col) == (line, col)


@pytest.mark.parametrize(
    "source", ["", "   ", "\n\n\t\n", "# only a comment", "  # two\n# comments"]
)
def test_an_empty_box_asks_for_an_expression(source):
    err = refusal(source)
    assert err.message == "Type an expression, like `a = 2.0; b = a * 3`"
    assert (err.line, err.col) == (1, 1)


def test_the_error_is_a_value_error_with_position_in_its_text():
    err = refusal("d = q * 2")
    assert isinstance(err, ValueError)
    assert str(err).startswith("line 1, column 5: `q` is not defined yet")


def test_positions_count_characters_not_bytes_and_include_indentation():
    err = refusal("α = 2.0; β = α * q")
    assert (err.line, err.col) == (1, 18)
    err = refusal("a = 1\n    b = a // 2")
    assert (err.line, err.col) == (2, 11)
    err = refusal("a = 1\r\nb = q")
    assert (err.line, err.col) == (2, 5)
