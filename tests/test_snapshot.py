"""lessons.explain.snapshot: a graph written as JSON in one process and explored
in another -- round trips, the learner's own ops, and everything the loader refuses."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from explain_support import REPO, LectureValue, expression, lecture_with, programs, same, shape_of
from hypothesis import HealthCheck, given, settings

from engine.value import Value
from lessons.explain import (
    BackpropStepper,
    CannotReplayError,
    Graph,
    SnapshotError,
    SnapshotNode,
    evaluate,
    load_snapshot,
    numerical_slope,
)
from lessons.explain import snapshot as snapshot_module
from lessons.explain.snapshot import snapshot

# The lecture's graph in the format the learner's child process writes: root
# first, a "+" node with an explicit null exponent, labels on every node.
LECTURE_JSON = """
{"format": 1,
 "root": 0,
 "nodes": [
   {"id": 0, "data": -8.0, "grad": 1.0, "op": "*", "label": "L", "children": [1, 5]},
   {"id": 1, "data": 4.0, "grad": -2.0, "op": "+", "label": "d", "children": [2, 4],
    "exponent": null},
   {"id": 2, "data": -6.0, "grad": -2.0, "op": "*", "label": "e", "children": [3, 6]},
   {"id": 3, "data": 2.0, "grad": 6.0, "op": "", "label": "a", "children": []},
   {"id": 4, "data": 10.0, "grad": -2.0, "op": "", "label": "c", "children": []},
   {"id": 5, "data": -2.0, "grad": 4.0, "op": "", "label": "f", "children": []},
   {"id": 6, "data": -3.0, "grad": -4.0, "op": "", "label": "b", "children": []}]}
"""


def _round_trip(root):
    return load_snapshot(json.dumps(snapshot(root)))


def test_the_lecture_as_the_child_process_writes_it():
    L = load_snapshot(LECTURE_JSON)
    assert isinstance(L, SnapshotNode) and (L.id, L.data, L.label) == (0, -8.0, "L")
    graph = Graph(L)
    names = [graph.name(v) for v in graph.nodes]
    assert names == ["a", "b", "e", "c", "d", "f", "L"]  # operands first, as micrograd lists them
    assert graph.detail(L).formula == "L = d * f"
    d = graph.operands(L)[0]
    assert [r.symbol_text for r in graph.detail(d).operands] == ["∂d/∂e = 1", "∂d/∂c = 1"]
    assert graph.grad_text(d) == "∂L/∂d = ∂L/∂L · ∂L/∂d = 1.0 × -2.0 = -2.0"  # the file's grads
    assert math.isclose(numerical_slope(L, graph.nodes[0]), 6.0, abs_tol=1e-6)
    BackpropStepper(graph).run_all()
    assert {graph.name(v): v.grad for v in graph.nodes} == {
        "L": 1.0,
        "f": 4.0,
        "d": -2.0,
        "c": -2.0,
        "e": -2.0,
        "a": 6.0,
        "b": -4.0,
    }


def test_a_round_trip_shows_exactly_what_the_engine_graph_shows():
    ours = shape_of(expression())
    theirs = shape_of(_round_trip(expression()))
    assert theirs == ours  # ids, names, edges, tree rows, rule texts and DOT with every grad


@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(programs())
def test_a_round_trip_re_runs_and_steps_like_the_engine(program):
    root, _ = program.build()
    loaded = _round_trip(root)
    ours, theirs = Graph(root), Graph(loaded)
    assert [ours.name(v) for v in ours.nodes] == [theirs.name(v) for v in theirs.nodes]
    assert evaluate(loaded) == root.data
    for v, w in zip(ours.nodes, theirs.nodes, strict=True):
        assert all(same(x, y) for x, y in zip(v._local, theirs.locals(w), strict=True))
    root.backward()
    BackpropStepper(theirs).run_all()
    assert all(same(v.grad, w.grad) for v, w in zip(ours.nodes, theirs.nodes, strict=True))


def test_a_lecture_class_graph_round_trips_with_its_exponents():
    n = lecture_with(LectureValue)
    y = n["L"] ** 2
    y.label = "y"
    written = snapshot(y)
    (power,) = [row for row in written["nodes"] if row["op"] == "**2"]
    assert power["exponent"] == 2.0 and power["label"] == "y"
    assert written["root"] == power["id"]
    loaded = load_snapshot(json.dumps(written))
    assert loaded._exponent == 2.0 and Graph(loaded).rule(loaded, 0) == "2·L"
    BackpropStepper(loaded).run_all()
    assert loaded._prev[0].grad == -16.0


def test_an_engine_power_writes_its_exponent_as_the_number_it_is():
    x = Value(4.0, label="x")
    rows = snapshot(x**-1 + x**0.5 + x**True)["nodes"]
    assert sorted((r["op"], r["exponent"]) for r in rows if r["op"].startswith("**")) == [
        ("**-1", -1),
        ("**0.5", 0.5),
        ("**True", 1.0),
    ]
    assert all("exponent" not in r for r in rows if not r["op"].startswith("**"))


def test_the_learners_own_ops_and_numbers():
    text = """{"format": 1, "root": 9, "nodes": [
      {"id": 1, "data": 3.0, "grad": 0.0, "op": "", "children": []},
      {"id": 2, "data": 9.0, "grad": 0.0, "op": "**2", "children": [1]},
      {"id": 3, "data": 6.0, "grad": 0.0, "op": "+", "children": [1, 1]},
      {"id": 4, "data": NaN, "grad": Infinity, "op": "ReLU", "children": [3]},
      {"id": 5, "data": null, "grad": null, "op": "cube", "children": [1]},
      {"id": 9, "data": 15.0, "grad": 0.0, "op": "+", "label": "out", "children": [2, 3]},
      {"id": 7, "data": 1.0, "grad": 0.0, "op": "", "children": [], "extra": "ignored"}]}"""
    out = load_snapshot(text)
    graph = Graph(out)
    assert len(graph) == 4  # 4, 5 and 7 are not reachable from the root
    power, twice = graph.operands(out)
    assert power._exponent == 2.0 and graph.rule(power, 0) == "2·(3.0)"
    assert graph.operands(twice) == (twice._prev[0],) * 2
    assert [i for _, node, i in graph.edges if node is twice] == [0, 1]
    BackpropStepper(graph).run_all()
    assert twice._prev[0].grad == 2.0 * 3.0 + 2.0  # through the square, and twice through +

    odd = load_snapshot(text.replace('"root": 9', '"root": 4'))
    assert math.isnan(odd.data) and odd.grad == math.inf
    assert Graph(odd).detail(odd).data != Graph(odd).detail(odd).data  # NaN
    cube = load_snapshot(text.replace('"root": 9', '"root": 5'))
    (rule,) = Graph(cube).detail(cube).operands
    assert rule.rule is None and rule.number_text == "= ?" and Graph(cube).name(cube) == "cube#1"
    assert "data ? | grad ?" in Graph(cube).to_dot()
    with pytest.raises(CannotReplayError, match="cube"):
        evaluate(cube)
    with pytest.raises(CannotReplayError):
        BackpropStepper(cube)


def test_a_leaf_without_a_number_cannot_be_re_run():
    text = """{"format": 1, "root": 0, "nodes": [
      {"id": 0, "data": 2.0, "grad": 0.0, "op": "tanh", "children": [1]},
      {"id": 1, "data": null, "grad": 0.0, "op": "", "label": "x", "children": []}]}"""
    root = load_snapshot(text)
    with pytest.raises(CannotReplayError, match="x holds no number"):
        evaluate(root)
    assert Graph(root).detail(root).operands[0].local is None
    with pytest.raises(CannotReplayError, match="tanh"):
        BackpropStepper(root)


def test_a_snapshot_can_be_given_already_parsed_or_as_bytes():
    written = snapshot(expression())
    assert Graph(load_snapshot(written)).nodes[-1].data == expression().data
    assert load_snapshot(json.dumps(written).encode()).data == expression().data


def test_a_deep_chain_is_written_and_read_without_recursion():
    x = Value(0.5, label="x")
    v = x
    for _ in range(100_000):
        v = v.tanh()
    root = _round_trip(v)
    graph = Graph(root)
    assert len(graph) == 100_001 and graph.nodes[0].label == "x"
    assert evaluate(root) == v.data


def test_a_snapshot_written_in_another_process():
    script = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from engine.value import Value\n"
        "from lessons.explain.snapshot import snapshot\n"
        "a, b = Value(2.0, label='a'), Value(-3.0, label='b')\n"
        "L = (a * b).tanh()\n"
        "L.label = 'L'\n"
        "L.backward()\n"
        "print(json.dumps(snapshot(L)))\n"
    )
    run = [sys.executable, "-c", script]
    done = subprocess.run(run, capture_output=True, text=True, check=True)
    L = load_snapshot(done.stdout)
    a = Graph(L).nodes[0]
    assert (L.label, a.label) == ("L", "a")
    assert math.isclose(a.grad, -3.0 * (1 - math.tanh(-6.0) ** 2))
    assert math.isclose(numerical_slope(L, a), a.grad, rel_tol=1e-5)


# -- what the loader refuses ---------------------------------------------------------------


def _doc(**changes) -> dict:
    doc = json.loads(LECTURE_JSON)
    doc.update(changes)
    return doc


def _with_node(i: int, **changes) -> dict:
    doc = json.loads(LECTURE_JSON)
    doc["nodes"][i].update(changes)
    return doc


BAD = [
    ("{not json", "not JSON"),
    ("[" * 100_000, "not JSON"),
    ("[1, 2]", "JSON object, not list"),
    (_doc(format=2), "unknown snapshot format 2"),
    (_doc(format=True), "unknown snapshot format True"),
    ({"root": 0, "nodes": []}, "unknown snapshot format None"),
    (_doc(nodes=[]), "'nodes' must be a non-empty list"),
    (_doc(nodes={"0": {}}), "'nodes' must be a non-empty list"),
    (_doc(nodes=[1]), "node 0 must be an object, not int"),
    (_with_node(3, id="3"), "node 3: 'id' must be an integer"),
    (_with_node(3, id=True), "node 3: 'id' must be an integer"),
    (_with_node(3, id=0), "node id 0 is listed twice"),
    (_with_node(0, children=[1, "5"]), "node id 0: 'children' must be a list of node ids"),
    (_with_node(0, children=None), "node id 0: 'children' must be a list of node ids"),
    (_with_node(0, children=[1, 42]), "node id 0 has an unknown child id 42"),
    (_with_node(0, data="8"), "node id 0: 'data' must be a number or null, not str"),
    (_with_node(0, grad=True), "node id 0: 'grad' must be a number or null, not bool"),
    (_with_node(0, data=10**400), "node id 0: 'data' is too large for a float"),
    (_with_node(1, exponent="2"), "node id 1: 'exponent' must be a number or null"),
    (_with_node(0, op=None), "node id 0: 'op' must be a string, not NoneType"),
    (_with_node(0, label=7), "node id 0: 'label' must be a string, not int"),
    (_with_node(0, label="x" * 1001), "'label' is longer than 1000 characters"),
    (_doc(root=99), "'root' must be the id of a listed node, not 99"),
    (_doc(root="0"), "'root' must be the id of a listed node"),
    (_with_node(3, children=[0]), "is its own ancestor"),
    (_with_node(0, children=[0]), "node id 0 is its own ancestor"),
]


@pytest.mark.parametrize(("source", "message"), BAD, ids=[m for _, m in BAD])
def test_a_bad_snapshot_is_a_clear_value_error(source, message):
    data = source if isinstance(source, str) else json.dumps(source)
    with pytest.raises(SnapshotError, match=message.replace("(", r"\(")) as caught:
        load_snapshot(data)
    assert isinstance(caught.value, ValueError)
    if not isinstance(source, str):
        with pytest.raises(SnapshotError, match=message.replace("(", r"\(")):
            load_snapshot(source)  # the same checks on parsed data


def test_a_snapshot_is_size_bounded(monkeypatch):
    monkeypatch.setattr(snapshot_module, "MAX_NODES", 6)
    with pytest.raises(SnapshotError, match="7 nodes; at most 6"):
        load_snapshot(LECTURE_JSON)
    monkeypatch.setattr(snapshot_module, "MAX_BYTES", 100)
    with pytest.raises(SnapshotError, match="larger than 100 bytes"):
        load_snapshot(LECTURE_JSON)
    monkeypatch.setattr(snapshot_module, "MAX_NODES", 7)
    monkeypatch.setattr(snapshot_module, "MAX_EDGES", 5)
    with pytest.raises(SnapshotError, match="more than 5 edges"):
        load_snapshot(json.loads(LECTURE_JSON))
