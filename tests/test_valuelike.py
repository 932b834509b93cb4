"""lessons.explain on graphs that are not engine Values: the lecture's own Value
class (``_prev`` a set, ``_backward`` closures), objects with unknown ops, and
broken graphs."""

from __future__ import annotations

import math

import pytest
from explain_support import LectureValue, lecture_with

from lessons.explain import (
    BackpropStepper,
    CannotReplayError,
    Graph,
    evaluate,
    node_detail,
    numerical_slope,
    to_dot,
)

LECTURE_GRADS = {"L": 1.0, "f": 4.0, "d": -2.0, "c": -2.0, "e": -2.0, "a": 6.0, "b": -4.0}


def test_the_lecture_class_has_none_of_the_engines_extras():
    n = lecture_with(LectureValue)
    for extra in ("_local", "_serial", "_exponent"):
        assert not hasattr(n["L"], extra)
    assert isinstance(n["L"]._prev, set)


def test_graph_names_details_and_rules_of_a_lecture_graph():
    n = lecture_with(LectureValue)
    graph = Graph(n["L"])
    assert len(graph) == 7 and len(graph.edges) == 6 and graph.nodes[-1] is n["L"]
    # every operand before the nodes that use it, whatever order the sets iterate in
    for operand, node, _ in graph.edges:
        assert graph.index(operand) < graph.index(node)
    assert graph.operands(n["L"]) == tuple(n["L"]._prev)  # _prev read in its own order
    detail = graph.detail(n["L"])
    assert detail.formula in ("L = d * f", "L = f * d")
    rules = {r.name: (r.symbol_text, r.number_text) for r in detail.operands}
    assert rules == {"d": ("∂L/∂d = f", "= -2.0"), "f": ("∂L/∂f = d", "= 4.0")}
    (e_or_c,) = [r for r in graph.detail(n["d"]).operands if r.name == "e"]
    assert (e_or_c.symbol_text, e_or_c.local) == ("∂d/∂e = 1", 1.0)
    assert graph.detail(n["a"]).formula == "" and graph.name(n["a"]) == "a"


def test_stepper_on_a_lecture_graph_gives_the_lecture_grads():
    n = lecture_with(LectureValue)
    steps = BackpropStepper(n["L"]).run_all()
    assert [s.node for s in steps[1:]] == [n["L"], n["d"], n["e"]]
    assert {name: v.grad for name, v in n.items()} == LECTURE_GRADS
    graph = Graph(n["L"])
    assert graph.grad_text(n["e"]) == "∂L/∂e = ∂L/∂d · ∂d/∂e = -2.0 × 1.0 = -2.0"


def test_slopes_and_evaluate_on_a_lecture_graph():
    n = lecture_with(LectureValue)
    assert evaluate(n["L"]) == -8.0
    assert evaluate(n["L"], {n["a"]: 3.0}) == -2.0
    assert math.isclose(numerical_slope(n["L"], n["b"]), -4.0, abs_tol=1e-6)
    assert n["b"].data == -3.0  # nothing moved


def _readme(value_class):
    """micrograd's README example: reuse, powers, ReLU, division."""
    a = value_class(-4.0, label="a")
    b = value_class(2.0, label="b")
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g, a, b


def test_micrograd_readme_example_stepped_like_its_own_backward():
    g, a, b = _readme(LectureValue)
    g.backward()  # the learner's own closures
    theirs = (a.grad, b.grad)
    graph = Graph(g)
    power = next(v for v in graph.nodes if v._op == "**3")
    (rule,) = graph.detail(power).operands  # the exponent read from the learner's "**3"
    assert rule.rule == "3·b^2" and rule.local == 12.0
    BackpropStepper(graph).run_all()
    assert f"{g.data:.4f}" == "24.7041"
    assert (f"{a.grad:.4f}", f"{b.grad:.4f}") == ("138.8338", "645.5773")
    assert math.isclose(a.grad, theirs[0], rel_tol=1e-12)
    assert math.isclose(b.grad, theirs[1], rel_tol=1e-12)
    assert math.isclose(numerical_slope(g, a), a.grad, rel_tol=1e-5)
    assert evaluate(g) == g.data
    assert to_dot(g).count("shape=record") == len(graph)
    assert len(list(graph.tree().rows())) == len(graph.edges) + 1


class Cube(LectureValue):
    """A learner's own op, which the engine does not have."""

    def cube(self):
        out = Cube(self.data**3, (self,), "cube")
        out._backward = lambda: None
        return out


def test_an_op_the_engine_does_not_have_gets_no_rule_and_no_error():
    x = Cube(2.0, label="x")
    y = x.cube()
    y.label = "y"
    detail = node_detail(y)
    (rule,) = detail.operands
    assert detail.formula == "y = cube(x)"
    assert rule.rule is None and rule.symbol_text == "∂y/∂x" and rule.local is None
    assert rule.number_text == "= ?" and rule.chain_text == "∂y/∂x = ∂y/∂y · ∂y/∂x = 0.0 × ? = ?"
    with pytest.raises(CannotReplayError, match="cube"):
        evaluate(y)
    with pytest.raises(CannotReplayError, match="cube"):
        BackpropStepper(y)
    assert x.grad == 0.0 and y.grad == 0.0  # refused before touching a grad
    assert isinstance(CannotReplayError("x"), ValueError)


def test_a_plus_a_with_a_set_has_one_operand_and_no_rule():
    a = LectureValue(3.0, label="a")
    b = a + a  # micrograd's set keeps a once
    b.label = "b"
    graph = Graph(b)
    assert graph.operands(b) == (a,)
    assert graph.formula(b) == "b = +(a)" and graph.rule(b, 0) is None
    with pytest.raises(CannotReplayError):
        BackpropStepper(graph)


def test_what_is_not_a_value_is_refused_clearly():
    with pytest.raises(TypeError, match="Graph needs a Value, not float"):
        Graph(1.5)
    odd = LectureValue(1.0)
    odd._prev = {2.0}
    with pytest.raises(TypeError, match="not a Value"):
        Graph(odd)


def test_a_cycle_in_a_live_graph_is_refused():
    a = LectureValue(1.0)
    b = a + 1
    a._prev = {b}
    with pytest.raises(ValueError, match="cycle"):
        Graph(b)


def test_objects_that_compare_by_value_are_still_told_apart():
    class Equal(LectureValue):
        def __eq__(self, other):
            return True

        __hash__ = None  # unhashable, as a class with __eq__ alone is

    x, y = Equal(1.0, label="x"), Equal(1.0, label="y")
    s = Equal(2.0, (), "ReLU")
    s._prev = [x]  # unhashable nodes cannot sit in a set
    t = Equal(2.0, (), "+")
    t._prev = [s, y]
    t.label = "t"
    graph = Graph(t)
    assert [graph.name(v) for v in graph.nodes] == ["x", "ReLU#1", "y", "t"]
    assert graph.rule_text(t, 1) == "∂t/∂y = 1"
