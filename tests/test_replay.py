"""lessons.explain: evaluate and numerical_slope re-run the recorded graph."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from explain_support import (
    leaf_floats,
    lecture,
    programs,
    same,
    smooth_near_here,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine.value import (
    DivisionByZeroError,
    FloatOverflowError,
    MathError,
    UndefinedMathError,
    Value,
)
from lessons.explain import (
    Graph,
    SlopeUndefinedError,
    evaluate,
    node_detail,
    numerical_slope,
)

# -- evaluate and numerical_slope -------------------------------------------------------


def test_evaluate_with_overrides_leaves_the_graph_alone():
    n = lecture()
    n["L"].backward()
    before = {name: (v.data, v.grad) for name, v in n.items()}
    assert evaluate(n["L"]) == -8.0
    assert evaluate(n["L"], {n["a"]: 3.0}) == -2.0
    # The lecture's step: every input nudged by 0.01 × its grad raises L to about -7.29.
    nudged = {v: v.data + 0.01 * v.grad for v in (n["a"], n["b"], n["c"], n["f"])}
    assert math.isclose(evaluate(n["L"], nudged), -7.286496, abs_tol=1e-9)
    assert {name: (v.data, v.grad) for name, v in n.items()} == before


def test_evaluate_rejects_overrides_that_are_not_leaves_of_the_graph():
    n = lecture()
    with pytest.raises(ValueError, match="only leaves"):
        evaluate(n["L"], {n["d"]: 1.0})
    with pytest.raises(ValueError, match="only leaves"):
        evaluate(n["d"], {n["L"]: 1.0})
    assert evaluate(n["d"], {n["f"]: 1.0}) == 4.0  # d does not use f


def test_evaluate_raises_the_same_errors_as_building_the_graph():
    x = Value(1.0, label="x")
    cases = [
        (x.log(), -1.0, lambda v: v.log(), UndefinedMathError),
        (x**0.5, -8.0, lambda v: v**0.5, UndefinedMathError),
        (x**-1, 0.0, lambda v: v**-1, DivisionByZeroError),
        (x.exp(), 1000.0, lambda v: v.exp(), FloatOverflowError),
    ]
    for root, bad, build, error in cases:
        with pytest.raises(error) as built:
            build(Value(bad))
        with pytest.raises(error) as evaluated:
            evaluate(root, {x: bad})
        assert str(evaluated.value) == str(built.value)


def test_evaluate_reads_unusual_exponents_and_refuses_unknown_ops():
    x = Value(4.0, label="x")
    assert evaluate(x ** Fraction(1, 2), {x: 9.0}) == 3.0
    assert evaluate(x**True, {x: 9.0}) == 9.0
    assert node_detail(x ** Fraction(1, 2)).operands[0].rule == "1/2·x^(-0.5)"
    odd = Value._node(8.0, (x,), "cube", (48.0,))
    odd.label = "y"
    (rule,) = node_detail(odd).operands
    assert rule.rule is None and rule.symbol_text == "∂y/∂x" and rule.number_text == "= 48.0"
    with pytest.raises(ValueError, match="cube"):
        evaluate(odd)


@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(programs(), st.lists(leaf_floats, min_size=4, max_size=4))
def test_evaluate_equals_building_the_graph_again(program, new_values):
    root, leaves = program.build()
    assert evaluate(root) == root.data
    new_values = new_values[: len(leaves)]
    overrides = dict(zip(leaves, new_values, strict=True))
    try:
        rebuilt, _ = program.build(new_values)
    except MathError as exc:
        with pytest.raises(type(exc)):
            evaluate(root, overrides)
        return
    assert same(evaluate(root, overrides), rebuilt.data)


def test_numerical_slope_in_the_lecture():
    n = lecture()
    assert math.isclose(numerical_slope(n["L"], n["b"]), -4.0, abs_tol=1e-6)
    assert math.isclose(numerical_slope(n["L"], n["c"]), -2.0, abs_tol=1e-6)
    assert math.isclose(numerical_slope(n["d"], n["c"]), 1.0, abs_tol=1e-6)
    assert math.isclose(numerical_slope(n["L"], n["a"], h=1e-3), 6.0, abs_tol=1e-9)
    assert n["b"].data == -3.0 and n["L"].data == -8.0  # nothing was moved


@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(programs())
def test_numerical_slope_matches_backward(program):
    root, _ = program.build()
    assume(smooth_near_here(root))
    root.backward()
    graph = Graph(root)
    for leaf in graph.leaves:
        assume(abs(leaf.grad) < 1e3)
    for leaf in graph.leaves:
        slope = numerical_slope(root, leaf)
        assert math.isclose(slope, leaf.grad, rel_tol=1e-4, abs_tol=1e-5), (leaf, slope)


def test_numerical_slope_where_the_nudge_leaves_the_domain():
    x = Value(1e-7, label="x")
    y = x.log()
    with pytest.raises(SlopeUndefinedError, match="log is undefined") as caught:
        numerical_slope(y, x)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value.__cause__, UndefinedMathError)
    zero = Value(0.0, label="z")
    with pytest.raises(SlopeUndefinedError, match="has no real value"):
        numerical_slope(zero**0.5, zero)


def test_numerical_slope_checks_its_arguments():
    n = lecture()
    with pytest.raises(ValueError, match="not Value"):
        numerical_slope(n["L"], n["d"])
    assert numerical_slope(n["d"], n["f"]) == 0.0  # d does not use f
    with pytest.raises(ValueError, match="positive"):
        numerical_slope(n["L"], n["a"], h=0.0)
