"""What the first course says is true of the engine, and its feedback names the mistake.

Each test here pins one sentence a learner read as wrong (issue #18) to the engine or
the check it speaks about: if the engine changes, the words must change with it.
"""

from __future__ import annotations

import inspect
import random
import re

from engine.nn import Neuron
from engine.value import Value
from lessons import checks
from lessons.content import (
    l01_derivative_as_slope,
    l02_values_and_graphs,
    l06_neuron,
    l07_tanh_from_exp,
    l08_gradient_check,
)
from lessons.explain.graph import Graph
from lessons.registry import default_curriculum, get_lesson
from tutor.screens.lessons_list import LessonsScreen
from tutor.widgets.step_panels import marked_lines


def step(lesson: str, title: str):
    found = [s for s in get_lesson(lesson).steps if s.title == title]
    assert len(found) == 1, (lesson, title)
    return found[0]


def said(lesson: str, title: str, answer: str) -> str:
    feedback = step(lesson, title).exercise.check(answer)
    assert not feedback.ok, answer
    return feedback.message


# -- lesson 1 (and 8): a tiny h ------------------------------------------------------


def test_an_h_so_tiny_that_rounding_gives_0_is_named_not_called_the_smallest_h():
    slope = l01_derivative_as_slope.LESSON.steps[1]
    assert slope.slope(1e-18) == 0.0  # what the table shows for the learner's h = 1e-18
    for lesson, title in (
        ("derivative-as-slope", "Measure the slope at 3"),
        ("derivative-as-slope", "And at −3"),
        ("gradient-check", "Check b.grad"),
        ("gradient-check", "Measure tanh"),
    ):
        message = said(lesson, title, "0")
        assert checks.TINY_H in message and "rounding" in message
        assert "smallest h" not in said(lesson, title, "3.5")
        # A hint is read beside the learner's own table, which may hold h = 1e-18.
        assert not any("smallest h" in hint for hint in step(lesson, title).exercise.hints)


# -- lesson 2: what _op is for ---------------------------------------------------------


def test_backward_never_reads_op_it_uses_the_locals_recorded_at_creation():
    from engine import value

    assert "_op" not in inspect.getsource(value.Value.backward)
    e = Value(2.0) * Value(-3.0)
    assert e._op == "*" and e._local == (-3.0, 2.0)
    text = step("values-and-graphs", "What e remembers").text
    assert "does not need it" in text and "_local" in text
    assert "so that `backward()` knows" not in text


def test_lesson_2_says_grads_show_as_a_dash_before_backward():
    text = step("values-and-graphs", "Explore d = a*b + c").text
    assert "shows —" in text and "still 0" not in text
    assert l02_values_and_graphs.SOURCE in step("values-and-graphs", "Nudge c").source


# -- lesson 6: 1 − o² ------------------------------------------------------------------


def test_lesson_6_writes_1_minus_o_squared_whole_and_names_1_minus_o():
    tanh_step = step("neuron", "Through tanh")
    assert "= 1 − o²" in tanh_step.text
    o = checks.build(l06_neuron.NEURON).values["o"].data
    message = said("neuron", "Through tanh", f"{1 - o:.4f}")  # what "1 − o" gave: 0.2929
    assert "0.2929 is 1 − o" in message and "square o" in message
    assert tanh_step.exercise.check("0.5").ok


# -- lesson 7: a missing 2 and its kin -------------------------------------------------


def test_lesson_7_names_the_slip_in_a_tanh_built_from_exp():
    def told(o_line: str, e_line: str = "e = (2*n).exp()") -> str:
        return said("tanh-from-exp", "Build it yourself", f"{e_line}; {o_line}")

    assert "The 2 is missing" in told("o = (e - 1)/(e + 1)", "e = n.exp()")
    assert "upside down" in told("o = (e + 1)/(e - 1)")
    assert "sign is flipped" in told("o = (1 - e)/(1 + e)")
    assert "brackets are missing" in told("o = e - 1/e + 1")
    assert "Check the signs" not in told("o = (e - 1)/(e + 1)", "e = n.exp()")
    n = l07_tanh_from_exp.LESSON  # the right one is still right
    assert n.steps[2].exercise.check("e = (2*n).exp(); o = (e - 1)/(e + 1)").ok


def test_lesson_7_teaches_the_power_rule_before_it_asks_it():
    power = step("tanh-from-exp", "Division is multiplication")
    assert "power rule" in power.text and "k · bᵏ⁻¹" in power.text
    assert "lowers the power" in said("tanh-from-exp", "Division is multiplication", "-0.25")
    assert "the graph above" not in step("tanh-from-exp", "Build it yourself").text


# -- lesson 8: the best h ----------------------------------------------------------------


def test_lesson_8_offers_the_tables_best_h_and_says_why_1e5_loses():
    lesson = l08_gradient_check
    best_row = min(lesson.HS, key=lesson.forward_error)
    assert best_row == 1e-8
    how_small = step("gradient-check", "How small should h be?")
    assert how_small.hs == lesson.HS
    assert how_small.exercise.check(f"h = {best_row:g}".replace("e-0", "e-")).ok
    message = said("gradient-check", "How small should h be?", "h = 1e-5")
    assert "1e-8 row is closer" in message
    # The numbers quoted are the table's, at its six decimals.
    assert f"{how_small.slope(1e-5):.6f}" == "14.000030" and "14.000030" in message
    assert f"{how_small.slope(1e-15):.6f}" in said(
        "gradient-check", "How small should h be?", "h = 1e-15"
    )
    assert "forward difference" in step("gradient-check", "Trust, but check").text


def test_the_tutors_own_check_is_the_central_difference_it_is_said_to_be():
    from lessons.explain.graph import Graph

    source = inspect.getsource(Graph.numerical_slope)
    assert "(up - down) / (2 * h)" in source
    assert inspect.signature(Graph.numerical_slope).parameters["h"].default == 1e-6


# -- lesson 9: the dot node --------------------------------------------------------------


def test_a_neurons_weighted_sum_is_the_one_dot_node_lesson_9_describes():
    out = Neuron(2, activation="tanh", rng=random.Random(1))([1.0, 2.0])
    (weighted,) = out._prev
    assert out._op == "tanh" and weighted._op == "dot"
    assert len(weighted._prev) == 2 + 2 + 1  # w1 w2, x1 x2, b
    neuron_step = step("neuron-layer-mlp", "Neuron")
    assert "`dot`" in neuron_step.text and "_dot(" in neuron_step.look_for


# -- the last lesson: the end points to the course that exists -----------------------------


def test_the_last_lesson_ends_pointing_at_build_micrograd_by_its_title_and_key():
    last = default_curriculum().first.items[-1].steps[-1].text
    second = default_curriculum().courses[1]
    assert second.title in " ".join(last.split()) and "w in the lessons list" in last
    assert any(b.key == "w" for b in LessonsScreen.BINDINGS)
    assert "you have built" not in last
    twelve = get_lesson("experiments").steps[-1].exercise.explanation
    assert "end of this course" not in twelve and "last lesson" in twelve


# -- code steps: the marked lines ------------------------------------------------------------


def test_code_steps_mark_the_code_lines_their_look_for_quotes_not_docstrings():
    backward = step("reused-nodes", "backward() adds")
    source = backward.source()
    lines = source.split("\n")
    marked = marked_lines(source, backward.look_for)
    assert [lines[n].strip() for n in marked] == [
        "operand.grad += local * g",
        "for node in reversed(topological_order(self, leaves=False)):",
    ]
    order = step("reused-nodes", "The topological order")
    order_lines = order.source().split("\n")
    assert [
        order_lines[n].split("=")[0].strip() for n in marked_lines(order.source(), order.look_for)
    ] == [
        "stack",
        "seen",
    ]


def test_every_code_step_marks_at_least_one_line():
    for lesson in default_curriculum().first:
        for s in lesson.steps:
            if s.kind == "code":
                assert marked_lines(s.source(), s.look_for), (lesson.number, s.title)


# -- the explorer's language and the lab's hidden layers -----------------------------------


def test_value_of_a_number_is_answered_with_the_statement_to_write():
    from lessons.expr import ExpressionError, build

    for source, advice in (
        ("a = Value(2.0)", "write `a = 2.0`"),
        ('a = Value(2.0, label="a")', "write `a = 2.0`"),
        ("b = Value(-3.0) * 2", "write just the number, like `-3.0`"),
    ):
        try:
            build(source)
        except ExpressionError as error:
            assert advice in error.message, error.message
        else:
            raise AssertionError(f"{source!r} built")


def test_hidden_0_says_how_to_ask_for_no_hidden_layer():
    from engine.train import TrainConfig
    from tutor.train_settings import parse_value

    assert TrainConfig().replace(hidden=parse_value("hidden", "")).problems_by_field() == {}
    problem = TrainConfig().replace(hidden=parse_value("hidden", "0")).problems_by_field()
    assert "leave the hidden layers empty" in problem["hidden"]
    other = TrainConfig().replace(hidden=(16, 0)).problems_by_field()["hidden"]
    assert "from 1 to 256" in other


# -- lesson 7: the names of unnamed nodes ----------------------------------------------


def test_every_numbered_node_a_step_quotes_is_in_its_graph():
    """A step that explains a name like `+#13` quotes the name the explorer shows."""
    quoted = 0
    for lesson in default_curriculum().courses[0].items:
        for s in lesson.steps:
            names = set(re.findall(r"`([^`\s]+#\d+)`", s.text))
            if not names:
                continue
            quoted += len(names)
            graph = Graph(checks.build(s.source).output)
            assert names <= {graph.name(v) for v in graph.nodes}, (lesson.id, s.title)
    assert quoted >= 2  # lesson 7's +#13 and **-1#16
