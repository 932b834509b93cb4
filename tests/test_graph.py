"""lessons.explain.graph: names and ids, details and rule texts, the tree view, DOT."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys

import pytest
from explain_support import (
    REPO,
    expression,
    lecture,
    programs,
    shape_of,
)
from hypothesis import HealthCheck, given, settings

from engine.value import (
    Value,
    dot,
    sum_values,
)
from lessons.explain import (
    BackpropStepper,
    Graph,
    display_name,
    evaluate,
    format_number,
    node_detail,
    numerical_slope,
    to_dot,
    zero_grads,
)


@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(programs())
def test_rule_numbers_are_the_nodes_recorded_locals(program):
    root, _ = program.build()
    graph = Graph(root)
    for v in graph.nodes:
        detail = graph.detail(v)
        assert [r.local for r in detail.operands] == list(v._local)
        assert [r.operand for r in detail.operands] == list(v._prev)
        for rule in detail.operands:
            assert rule.number_text == f"= {format_number(rule.local)}"
            assert rule.symbol_text.startswith("∂")
            assert rule.rule is not None


# -- rule texts ---------------------------------------------------------------------


def _rules(node: Value) -> list[str | None]:
    return [r.rule for r in node_detail(node).operands]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda a, b: a + b, ["1", "1"]),
        (lambda a, b: a * b, ["b", "a"]),
        (lambda a, b: a**2, ["2·a"]),
        (lambda a, b: a**3, ["3·a^2"]),
        (lambda a, b: a**-1, ["-1·a^(-2)"]),
        (lambda a, b: a**0.5, ["0.5·a^(-0.5)"]),
        (lambda a, b: a**1, ["1"]),
        (lambda a, b: a**0, ["0"]),
        (lambda a, b: a.exp(), ["exp(a)"]),
        (lambda a, b: a.log(), ["1/a"]),
        (lambda a, b: a.tanh(), ["1 − tanh(a)²"]),
        (lambda a, b: a.sigmoid(), ["σ(a)(1 − σ(a))"]),
        (lambda a, b: a.relu(), ["1 if a > 0 else 0"]),
        (lambda a, b: sum_values([a, b, a]), ["1", "1", "1"]),
        (lambda a, b: -a, ["-1.0", "a"]),
        (lambda a, b: 2 * a, ["a", "2.0"]),
    ],
)
def test_rule_text_for_every_op(make, expected):
    a = Value(4.0, label="a")
    b = Value(0.5, label="b")
    y = make(a, b)
    y.label = "y"
    detail = node_detail(y)
    assert _rules(y) == expected
    for rule, text in zip(detail.operands, expected, strict=True):
        operand = rule.name if rule.name.isidentifier() else f"({rule.name})"
        assert rule.symbol_text == f"∂y/∂{operand} = {text}"
        assert rule.number_text == f"= {format_number(rule.local)}"


def test_the_lecture_detail_of_L_and_d():
    n = lecture()
    graph = Graph(n["L"])
    detail_L = graph.detail(n["L"])
    d_rule, f_rule = detail_L.operands
    assert f"{d_rule.symbol_text} {d_rule.number_text}" == "∂L/∂d = f = -2.0"
    assert f"{f_rule.symbol_text} {f_rule.number_text}" == "∂L/∂f = d = 4.0"
    assert detail_L.formula == "L = d * f" and detail_L.op == "*" and detail_L.data == -8.0

    detail_d = graph.detail(n["d"])
    assert (detail_d.name, detail_d.label, detail_d.node_id) == ("d", "d", graph.node_id(n["d"]))
    e_rule, c_rule = detail_d.operands
    assert (e_rule.symbol_text, e_rule.number_text, e_rule.local) == ("∂d/∂e = 1", "= 1.0", 1.0)
    assert e_rule.chain_text == "∂L/∂e = ∂L/∂d · ∂d/∂e = 0.0 × 1.0 = 0.0"  # before backward

    n["L"].backward()
    assert e_rule.chain_text == "∂L/∂e = ∂L/∂d · ∂d/∂e = -2.0 × 1.0 = -2.0"
    assert c_rule.contribution_text == "∂L/∂d · ∂d/∂c = -2.0 × 1.0 = -2.0"
    assert detail_d.grad == 0.0  # the detail was made before backward ...
    assert graph.detail(n["d"]).grad == -2.0  # ... a new one sees the new grad
    assert graph.detail(n["d"]).grad_text == "∂L/∂d = ∂L/∂L · ∂L/∂d = 1.0 × -2.0 = -2.0"
    assert graph.grad_text(n["L"]).startswith("∂L/∂L = 1.0")

    leaf = graph.detail(n["a"])
    assert leaf.operands == () and leaf.formula == "" and leaf.op == ""


def test_node_detail_without_a_root_treats_the_node_as_the_output():
    n = lecture()
    detail = node_detail(n["d"])
    assert detail.grad_text.startswith("∂d/∂d = 1.0")
    assert detail.operands[0].chain_text == "∂d/∂e = ∂d/∂d · ∂d/∂e = 0.0 × 1.0 = 0.0"
    with pytest.raises(ValueError, match="not part of this graph"):
        node_detail(n["L"], n["d"])


def test_the_lecture_neuron_with_tanh_and_with_a_dot_node():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    BackpropStepper(o).run_all()
    assert math.isclose(o.data, 0.7071, abs_tol=1e-4)
    (rule,) = node_detail(o, o).operands
    assert rule.symbol_text == "∂o/∂n = 1 − tanh(n)²" and rule.number_text == "= 0.5"
    expected = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}
    for v, want in zip((x1, w1, x2, w2), expected.values(), strict=True):
        assert math.isclose(v.grad, want, abs_tol=1e-12)

    # The same neuron as one dot node: one rule per operand, w_i ↔ x_i.
    m = dot([w1, w2], [x1, x2], b)
    m.label = "m"
    p = m.tanh()
    graph = Graph(p)
    detail = graph.detail(m)
    assert detail.formula == "m = w1·x1 + w2·x2 + b"
    assert [r.symbol_text for r in detail.operands] == [
        "∂m/∂w1 = x1",
        "∂m/∂w2 = x2",
        "∂m/∂x1 = w1",
        "∂m/∂x2 = w2",
        "∂m/∂b = 1",
    ]
    assert [r.local for r in detail.operands] == [2.0, 0.0, -3.0, 1.0, 1.0]
    BackpropStepper(graph).run_all()
    for v, want in zip((x1, w1, x2, w2), expected.values(), strict=True):
        assert math.isclose(v.grad, want, abs_tol=1e-12)


def test_tanh_rebuilt_from_exp_gives_the_same_grads():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    BackpropStepper(o).run_all()
    assert math.isclose(o.data, 0.7071067811865476, rel_tol=1e-12)
    for v, want in ((x1, -1.5), (w1, 1.0), (x2, 0.5), (w2, 0.0)):
        assert math.isclose(v.grad, want, abs_tol=1e-9)


def test_micrograd_readme_example_through_the_stepper():
    a = Value(-4.0, label="a")
    b = Value(2.0, label="b")
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
    stepper = BackpropStepper(g)
    stepper.run_all()
    assert f"{g.data:.4f}" == "24.7041"
    assert (f"{a.grad:.4f}", f"{b.grad:.4f}") == ("138.8338", "645.5773")


def test_many_operand_sum_node():
    xs = [Value(float(i), label=f"x{i}") for i in range(4)]
    s = sum_values(xs)
    s.label = "s"
    graph = Graph(s)
    detail = graph.detail(s)
    assert detail.formula == "s = x0 + x1 + x2 + x3"
    assert [r.symbol_text for r in detail.operands] == [f"∂s/∂x{i} = 1" for i in range(4)]
    assert len(graph.tree().children) == 4
    assert to_dot(s).count('-> "n4sum"') == 4


# -- names and ids ---------------------------------------------------------------------


def test_display_names_of_constants_and_unlabelled_nodes():
    x = Value(1.5, label="x")
    y = -x  # x * -1.0, the -1.0 is a constant leaf
    graph = Graph(y)
    constant = y._prev[1]
    assert graph.name(constant) == "-1.0" == display_name(constant)
    assert graph.name(y) == f"*#{graph.index(y)}" == "*#2"
    assert display_name(y) == "*" and display_name(y, graph) == "*#2"
    assert display_name(x) == "x"
    assert graph.detail(y).operands[1].symbol_text == "∂(*#2)/∂(-1.0) = x"
    assert graph.detail(y).formula == "*#2 = x * -1.0"
    constant.data = 2.0  # a name that is a number follows the number
    assert graph.name(constant) == "2.0"


def test_format_number():
    assert [format_number(x) for x in (-2.0, 0.5, 6.0, 1e-7, 0.7071067811865476, 1e20)] == [
        "-2.0",
        "0.5",
        "6.0",
        "1e-07",
        "0.707107",
        "1e+20",
    ]
    assert format_number(math.inf) == "inf" and format_number(math.nan) == "nan"


def test_ids_and_names_are_the_same_for_two_builds():
    first_root = expression()
    second_root = expression()  # both alive: every id() differs
    first, second = shape_of(first_root), shape_of(second_root)
    assert first == second
    assert first[0][0][0] == "n0" and len(first[0]) == len(Graph(first_root).nodes)


SCRIPT = """
import sys
sys.path.insert(0, {repo!r})
from tests.explain_support import expression, shape_of
print(repr(shape_of(expression())))
"""


def test_ids_and_dot_text_are_the_same_across_runs(tmp_path):
    script = tmp_path / "snapshot.py"
    script.write_text(SCRIPT.format(repo=str(REPO)))
    outputs = []
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, env=env, check=True
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == repr(shape_of(expression())) + "\n"


# -- the tree view -----------------------------------------------------------------


def test_tree_of_a_diamond_expands_each_node_once():
    a = Value(2.0, label="a")
    b = a * 2
    b.label = "b"
    c = a + 1
    c.label = "c"
    d = b * c
    d.label = "d"
    graph = Graph(d)
    rows = [(depth, graph.name(t.value), t.is_reference) for depth, t in graph.tree().rows()]
    assert rows == [
        (0, "d", False),
        (1, "b", False),
        (2, "a", False),
        (2, "2.0", False),
        (1, "c", False),
        (2, "a", True),
        (2, "1.0", False),
    ]
    reference = graph.tree().children[1].children[0]
    assert reference.is_reference and reference.children == ()


def test_tree_references_a_shared_subexpression_without_its_children():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    e = a * b
    e.label = "e"
    f = e + e
    tree = Graph(f).tree()
    first, second = tree.children
    assert not first.is_reference and [t.value for t in first.children] == [a, b]
    assert second.is_reference and second.value is e and second.children == ()


@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(programs())
def test_tree_has_a_row_per_edge_and_expands_every_node_once(program):
    root, _ = program.build()
    graph = Graph(root)
    rows = list(graph.tree().rows())
    assert len(rows) == len(graph.edges) + 1
    expanded = [t.value for _, t in rows if not t.is_reference]
    assert len(expanded) == len(set(expanded)) == len(graph.nodes)
    for _, t in rows:
        assert len(t.children) == (0 if t.is_reference else len(t.value._prev))
        assert [c.value for c in t.children] == ([] if t.is_reference else list(t.value._prev))


def test_a_chain_100000_deep_needs_no_recursion():
    x = Value(0.5, label="x")
    v = x
    for _ in range(100_000):
        v = v.tanh()
    graph = Graph(v)
    assert len(graph.nodes) == 100_001
    tree = graph.tree()
    depth, deepest = max(tree.rows(), key=lambda row: row[0])
    assert depth == 100_000 and deepest.value is x
    assert repr(tree).startswith("TreeNode(Value(")

    stepper = BackpropStepper(graph)
    stepper.run_all()
    stepped = x.grad
    zero_grads(v)
    v.backward()
    assert stepped == x.grad and x.grad > 0

    assert evaluate(v) == v.data
    assert math.isclose(numerical_slope(v, x), x.grad, rel_tol=1e-4)
    assert node_detail(deepest.value, v).grad_text.startswith("∂(tanh#100000)/∂x = ")
    assert to_dot(v).count(" -> ") == 2 * 100_000
    del tree, graph, stepper  # freeing 100,000 nested rows must not crash either


# -- DOT export ----------------------------------------------------------------------

QUOTED = r'"((?:[^"\\]|\\.)*)"'
NODE_LINE = re.compile(rf"^\t{QUOTED} \[label={QUOTED}(?: shape=(record))?\]$")
EDGE_LINE = re.compile(rf"^\t{QUOTED} -> {QUOTED}$")


def _dot_string(raw: str) -> str:
    """A DOT quoted string's text: Graphviz turns \\" into " and keeps \\\\ as it is."""
    return re.sub(r"\\(.)", lambda m: '"' if m.group(1) == '"' else m.group(0), raw)


def _record_fields(label: str) -> list[str]:
    """Split ``{ f1 | f2 | f3 }`` into its fields, failing on any unescaped special."""
    assert label.startswith("{ ") and label.endswith(" }"), label
    fields, current, chars = [], [], iter(label[2:-2])
    for ch in chars:
        if ch == "\\":
            current.append(next(chars))
        elif ch == "|":
            fields.append("".join(current))
            current = []
        else:
            assert ch not in "{}<>", f"unescaped {ch!r} in {label!r}"
            current.append(ch)
    fields.append("".join(current))
    return fields


def parse_dot(text: str) -> tuple[dict[str, tuple[str, str | None]], list[tuple[str, str]]]:
    lines = text.split("\n")
    assert lines[:2] == ["digraph {", "\tgraph [rankdir=LR]"]
    assert lines[-2:] == ["}", ""]
    nodes, edges = {}, []
    for line in lines[2:-2]:
        if match := NODE_LINE.match(line):
            name, label, shape = match.groups()
            nodes[_dot_string(name)] = (_dot_string(label), shape)
        elif match := EDGE_LINE.match(line):
            edges.append((_dot_string(match[1]), _dot_string(match[2])))
        else:
            raise AssertionError(f"not a DOT statement we write: {line!r}")
    for src, dst in edges:
        assert src in nodes and dst in nodes, (src, dst)
    return nodes, edges


def test_dot_for_the_lecture_graph():
    n = lecture()
    n["L"].backward()
    graph = Graph(n["L"])
    text = to_dot(n["L"])
    nodes, edges = parse_dot(text)
    ids = {name: graph.node_id(v) for name, v in n.items()}
    assert nodes[ids["a"]] == ("{ a | data 2.0000 | grad 6.0000 }", "record")
    assert nodes[ids["L"]] == ("{ L | data -8.0000 | grad 1.0000 }", "record")
    e_op, d_op, L_op = ids["e"] + "*", ids["d"] + "+", ids["L"] + "*"
    assert nodes[e_op] == ("*", None) and nodes[d_op] == ("+", None) and nodes[L_op] == ("*", None)
    assert edges.count((e_op, ids["e"])) == 1
    assert {src for src, dst in edges if dst == e_op} == {ids["a"], ids["b"]}
    assert {src for src, dst in edges if dst == d_op} == {ids["e"], ids["c"]}
    assert {src for src, dst in edges if dst == L_op} == {ids["d"], ids["f"]}
    assert len([v for v in nodes.values() if v[1] == "record"]) == 7
    assert len(edges) == 3 + 6  # op node -> result, plus one per operand
    assert f'"{ids["a"]}" [label="{{ a | data 2.0000 | grad 6.0000 }}" shape=record]' in text


def test_dot_escapes_whatever_a_learner_types():
    nasty = 'a|b {c} <d> "e" \\N \\" end\\'
    x = Value(1.0, label=nasty)
    y = x * 2
    y.label = "line\nbreak"
    nodes, edges = parse_dot(to_dot(y))
    for node_id, want in (("n0", nasty), ("n2", "line break")):
        label, shape = nodes[node_id]
        fields = _record_fields(label)
        assert shape == "record" and len(fields) == 3
        assert fields[0] == want + " "
        assert fields[1].startswith(" data ") and fields[2].startswith(" grad ")
    assert ("n0", "n2*") in edges


def test_dot_many_operand_node_is_one_op_node():
    w = [Value(0.5, label="w1"), Value(-1.0, label="w2")]
    xs = [Value(2.0, label="x1"), Value(3.0, label="x2")]
    n = dot(w, xs, 0.1)
    nodes, edges = parse_dot(to_dot(n))
    op_nodes = [k for k, (_, shape) in nodes.items() if shape is None]
    assert op_nodes == ["n5dot"]
    assert sorted(src for src, dst in edges if dst == "n5dot") == ["n0", "n1", "n2", "n3", "n4"]
    assert nodes["n4"][0].startswith("{ 0.1 | ")  # the bias, a constant, shows its number
