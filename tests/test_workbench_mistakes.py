"""Every mistake in the catalogue, planted in the reference solution, is named with its
message at the exercise where it shows; and a wrong grad is traced to the first node
that differs from the engine's, with the rule that gave the wrong number."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from workbench_helpers import (
    RECURSIVE_TOPO,
    REFERENCE_ENGINE,
    assert_named,
    judge_in_process,
    loop_topo_of_reference,
    make_workspace,
    observe_in_process,
    plant,
)

from lessons.workbench import checks
from lessons.workbench.compare import compare_graphs, read_snapshot
from lessons.workbench.mistakes import MISTAKES
from lessons.workbench.probes import snapshot

ADD_RULE = "            self.grad += out.grad\n            other.grad += out.grad\n"
MUL_RULE = (
    "            self.grad += other.data * out.grad\n"
    "            other.grad += self.data * out.grad\n"
)
ADD_OUT = '        out = Value(self.data + other.data, (self, other), "+")\n'
MUL_OUT = '        out = Value(self.data * other.data, (self, other), "*")\n'
SEED = "        self.grad = 1.0  # dself/dself: the seed of the chain rule\n"
LOOP = "        for node in reversed(topo):\n            node._backward()\n"
RADD = (
    "    def __radd__(self, other):  # 1 + a: int does not know Value, so Python asks a\n"
    "        return self + other\n"
)
RMUL = "    def __rmul__(self, other):  # 2 * a = a * 2\n        return self * other\n"
NAIVE_BACKWARD = """\
    def backward(self):
        self.grad = 1.0
        self._backprop()

    def _backprop(self):
        self._backward()
        for child in self._prev:
            child._backprop()
"""

# Division as an op of its own, the local rule of the denominator without its minus sign.
HAND_DIVISION = """\
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += 1 / other.data * out.grad
            other.grad += self.data / other.data**2 * out.grad

        out._backward = _backward
        return out
"""


def _backward_method() -> str:
    return REFERENCE_ENGINE[REFERENCE_ENGINE.index("    def backward(self):") :]


# mistake id -> the substitutions that make it in the reference solution
PLANTS: dict[str, list[tuple[str, str]]] = {
    "grad-starts-at-one": [("        self.grad = 0.0\n", "        self.grad = 1.0\n")],
    "op-returns-a-number": [(ADD_OUT, "        return self.data + other.data\n")],
    "op-returns-nothing": [(ADD_OUT, ADD_OUT + "        return\n")],
    "op-forgets-other": [(ADD_OUT, ADD_OUT.replace("(self, other)", "(self,)"))],
    "value-wrapped-again": [
        (
            "        other = other if isinstance(other, Value) else Value(other)\n" + ADD_OUT,
            "        other = Value(other)\n" + ADD_OUT,
        )
    ],
    "op-forgets-its-inputs": [(ADD_OUT, "        out = Value(self.data + other.data)\n")],
    "backward-not-set": [("        out._backward = _backward\n", "")],
    "mul-own-operand": [(MUL_RULE, MUL_RULE.replace("other.data *", "self.data *"))],
    "mul-missing-operand": [(MUL_RULE, MUL_RULE.replace("other.data * ", ""))],
    "no-chain-rule": [(MUL_RULE, MUL_RULE.replace(" * out.grad", ""))],
    "rule-forgets-other": [(ADD_RULE, "            self.grad += out.grad\n")],
    "tanh-rule-not-squared": [("(1 - t**2) * out.grad", "(1 - t) * out.grad")],
    "tanh-rule-uses-x": [("(1 - t**2) * out.grad", "(1 - self.data**2) * out.grad")],
    "grad-not-seeded": [(SEED, "")],
    "forward-order": [("for node in reversed(topo):", "for node in topo:")],
    "assign-not-accumulate": [(ADD_RULE, ADD_RULE.replace("+=", "="))],
    "no-topological-order": [(_backward_method(), NAIVE_BACKWARD)],
    "seed-adds": [(SEED, "        self.grad += 1.0\n")],
    "backward-resets": [(SEED, "        for node in topo:\n            node.grad = 0.0\n" + SEED)],
    "number-not-wrapped": [
        ("        other = other if isinstance(other, Value) else Value(other)\n", "")
    ],
    "radd-missing": [("    def __radd__(self, other):", "    def __not_radd__(self, other):")],
    "rmul-missing": [("    def __rmul__(self, other):", "    def __not_rmul__(self, other):")],
    "power-rule": [("other * self.data ** (other - 1)", "other * self.data**other")],
    "sub-sign": [("return self + (-other)", "return other + (-self)")],
    "relu-rule-always-one": [("(out.data > 0) * out.grad", "out.grad")],
    "relu-rule-uses-data": [("(out.data > 0) * out.grad", "self.data * out.grad")],
    "relu-slope-at-zero": [("(out.data > 0) * out.grad", "(self.data >= 0) * out.grad")],
    "seed-too-late": [(SEED + LOOP, LOOP + SEED)],
    "reflected-op-calls-itself": [(RADD, RADD.replace("self + other", "other + self"))],
    "math-on-a-value": [("t = math.tanh(self.data)", "t = math.tanh(self)")],
    "rule-precedence": [("(1 - t**2) * out.grad", "1 - t**2 * out.grad")],
    "tanh-rule-passes-on": [("(1 - t**2) * out.grad", "out.grad")],
    "tanh-forgets-its-input": [('out = Value(t, (self,), "tanh")', "out = Value(t)")],
    "op-made-detached": [("        return self * -1\n", "        return Value(-self.data)\n")],
    "div-upside-down": [("        return self * other**-1\n", "        return other * self**-1\n")],
    "div-rule": [("        return self * other**-1\n", HAND_DIVISION)],
    "exp-rule": [("self.grad += out.data * out.grad", "self.grad += out.grad")],
    "recursion-depth": [(loop_topo_of_reference(), RECURSIVE_TOPO)],
}

# the same mistakes, made elsewhere: (mistake id, the exercise it shows at, substitutions)
VARIANTS = [
    ("tanh-rule-not-squared", 4, [("(1 - t**2) * out.grad", "(1 - t) ** 2 * out.grad")]),
    ("no-chain-rule", 4, [("(1 - t**2) * out.grad", "(1 - t**2)")]),
    ("op-returns-a-number", 2, [(MUL_OUT, "        return self.data * other.data\n")]),
    ("op-forgets-other", 2, [(MUL_OUT, MUL_OUT.replace("(self, other)", "(self,)"))]),
    ("op-forgets-its-inputs", 2, [(MUL_OUT, "        out = Value(self.data * other.data)\n")]),
    ("assign-not-accumulate", 6, [(MUL_RULE, MUL_RULE.replace("+=", "="))]),
    ("assign-not-accumulate", 6, [("self.grad += (1 - t**2)", "self.grad = (1 - t**2)")]),
    ("assign-not-accumulate", 8, [("self.grad += other * self", "self.grad = other * self")]),
    ("assign-not-accumulate", 9, [("self.grad += out.data *", "self.grad = out.data *")]),
    (
        "no-topological-order",
        6,
        [
            (_backward_method(), NAIVE_BACKWARD),
            ("self._prev = tuple(_children)", "self._prev = set(_children)"),
        ],
    ),
    ("mul-own-operand", 3, [("other.grad += self.data * out", "other.grad += other.data * out")]),
    ("power-rule", 8, [("other * self.data ** (other - 1)", "self.data ** (other - 1)")]),
    ("sub-sign", 8, [("return self + (-other)", "return self + other")]),
    ("exp-rule", 9, [("self.grad += out.data * out.grad", "self.grad += self.data * out.grad")]),
    ("exp-rule", 9, [("out.data * out.grad", "math.exp(out.data) * out.grad")]),
    ("no-chain-rule", 8, [("(other - 1) * out.grad", "(other - 1)")]),
    ("math-on-a-value", 9, [("Value(math.exp(self.data)", "Value(math.exp(self)")]),
    ("math-on-a-value", 10, [("Value(self.data if self.data > 0 else 0.0", "Value(max(0, self)")]),
    (
        "rule-precedence",
        8,
        [
            (
                "other * self.data ** (other - 1) * out.grad",
                "other * self.data ** other - 1 * out.grad",
            )
        ],
    ),
    ("assign-not-accumulate", 6, [(ADD_RULE, ADD_RULE.replace("self.grad +=", "self.grad ="))]),
    ("assign-not-accumulate", 6, [(MUL_RULE, MUL_RULE.replace("self.grad +=", "self.grad ="))]),
    ("assign-not-accumulate", 10, [("self.grad += (out.data > 0)", "self.grad = (out.data > 0)")]),
    ("no-chain-rule", 3, [(MUL_RULE, MUL_RULE.replace("other.data * out.grad", "other.data"))]),
    ("no-chain-rule", 3, [(MUL_RULE, MUL_RULE.replace("self.data * out.grad", "self.data"))]),
    ("no-chain-rule", 9, [("self.grad += out.data * out.grad", "self.grad += out.data")]),
    ("no-chain-rule", 10, [("(out.data > 0) * out.grad", "(out.data > 0)")]),
    ("seed-too-late", 5, [(LOOP, "        return topo\n")]),
    ("reflected-op-calls-itself", 7, [(RMUL, RMUL.replace("self * other", "other * self"))]),
    ("op-made-detached", 8, [("return self + (-other)", "return Value(self.data - other.data)")]),
    ("op-made-detached", 8, [("return self * other**-1", "return Value(self.data / other.data)")]),
    ("div-upside-down", 8, [("return self * other**-1\n", "return self**-1 * other\n")]),
    (
        "div-rule",
        8,
        [
            (
                "        return self * other**-1\n",
                HAND_DIVISION.replace("/ other.data**2", "/ other.data"),
            )
        ],
    ),
    (
        "div-rule",
        8,
        [
            (
                "        return self * other**-1\n",
                HAND_DIVISION.replace("1 / other.data", "other.data"),
            )
        ],
    ),
]


def test_every_mistake_has_a_plant_and_a_unique_id():
    from test_workbench_nn import NN_PLANTS  # the mistakes in nn.py, planted in its reference

    ids = [m.id for m in MISTAKES]
    assert len(ids) == len(set(ids))
    assert set(PLANTS) | set(NN_PLANTS) == set(ids)
    assert not set(PLANTS) & set(NN_PLANTS)


def test_the_readme_counts_the_mistakes_the_catalogue_knows():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    said = re.search(r"The tutor knows (\d+) mistakes", readme)
    assert said is not None and int(said.group(1)) == len(MISTAKES)


def _caught(tmp_path, substitutions, upto=11):
    engine = plant(REFERENCE_ENGINE, *substitutions)
    results = judge_in_process(make_workspace(tmp_path, engine), upto)
    return results[-1]


@pytest.mark.parametrize("mistake", [m for m in MISTAKES if m.id in PLANTS], ids=lambda m: m.id)
def test_each_planted_mistake_is_named_at_its_exercise(tmp_path, mistake):
    result = _caught(tmp_path, PLANTS[mistake.id])
    assert_named(result, mistake)


@pytest.mark.parametrize(
    ("mistake", "number", "substitutions"), VARIANTS, ids=[f"{m}-{n}" for m, n, _ in VARIANTS]
)
def test_the_same_mistake_elsewhere_is_named_too(tmp_path, mistake, number, substitutions):
    result = _caught(tmp_path, substitutions)
    assert (result.number, result.failure.mistake) == (number, mistake), result.failure.message


def test_the_equals_mistake_says_which_number_and_shows_the_graph(tmp_path):
    result = _caught(tmp_path, PLANTS["assign-not-accumulate"])
    failure = result.failure
    assert failure.check == "reuse-add"
    assert "a.grad is 1.0, should be 2.0." in failure.message
    assert failure.comparison is not None
    # b = a + a: b's grad is right, a's is the first that differs, with one share of two
    assert failure.comparison.first.name == "a"
    assert "a is used twice by the same node, b = a + a" in failure.comparison.explanation
    assert "Yours equals one share alone" in failure.comparison.explanation
    assert "a should get 2.0 * 1.0 = 2.0" in failure.comparison.explanation


# -- the first node that differs --------------------------------------------------------


def _observation(tmp_path, substitutions, check_id, upto):
    engine = plant(REFERENCE_ENGINE, *substitutions)
    observed = observe_in_process(make_workspace(tmp_path, engine), upto)
    return next(s for s in observed[upto] if s["id"] == check_id)


def test_a_wrong_rule_of_plus_is_traced_to_the_node_below_it(tmp_path):
    """+'s rule forgets out.grad: in L = (a*b + c)*f, d's grad is right (it comes from *),
    and e, below d, is the first node that differs."""
    seen = _observation(
        tmp_path, [(ADD_RULE, ADD_RULE.replace("+= out.grad", "+= 1.0"))], "lecture-L", 5
    )
    failure = checks.judge_check(checks._CHECKS["lecture-L"], seen)
    first = failure.comparison.first
    assert (first.name, first.field, first.theirs, first.expected) == ("e", "grad", 1.0, -2.0)
    assert first.op == "*"
    text = failure.comparison.explanation
    assert "going backward from the output, is e: its grad is 1.0, the engine's is -2.0" in text
    assert "e is used once, by d = e + c, whose grad -2.0 is right" in text
    assert "`+` passes its grad on unchanged (local derivative 1)" in text
    assert "so e should get 1.0 * -2.0 = -2.0" in text
    assert text in failure.message
    # every node the UI should mark: e and c (wrong) and what they passed on (a, b)
    names = {d.name for d in failure.comparison.differences}
    assert names == {"e", "c", "a", "b"}
    marked = [n["id"] for n in seen["graph"]["nodes"] if failure.comparison.differs(n["id"])]
    assert len(marked) == 4


def test_a_node_used_twice_lists_every_share(tmp_path):
    """A backward without a topological order: b's grad ends right (21), but b passed it
    on too early, so a, used by b and by c, is the first node that differs."""
    seen = _observation(tmp_path, [(_backward_method(), NAIVE_BACKWARD)], "reuse-inner-node", 6)
    text = checks.judge_check(checks._CHECKS["reuse-inner-node"], seen).comparison.explanation
    assert "is a: its grad is 207.0, the engine's is 135.0" in text
    assert "a is used by 2 nodes" in text
    assert "b = a * a gives 6.0 * 21.0 = 126.0" in text
    assert "c = b + a gives 1.0 * 9.0 = 9.0" in text
    assert "Together 135.0." in text
    assert "ran too early or twice" in text


def test_a_wrong_forward_step_is_the_first_node_whose_data_differs(tmp_path):
    seen = _observation(
        tmp_path, [("self.data * other.data", "self.data + other.data")], "lecture-d", 2
    )
    failure = checks.judge_check(checks._CHECKS["lecture-d"], seen)
    first = failure.comparison.first
    assert (first.name, first.field, first.theirs, first.expected) == ("e", "data", -1.0, -6.0)
    assert "e = a * b (op '*'): its data is -1.0, the engine's is -6.0" in failure.message


def test_an_output_grad_that_is_not_one_is_the_seed(tmp_path):
    seen = _observation(tmp_path, [], "reuse-add", 6)
    seen["graph"]["nodes"][0]["grad"] = 2.0
    wanted = checks.expected("reuse-add")
    comparison = compare_graphs(seen["graph"], wanted.graph, wanted.nodes)
    assert comparison.first.name == "b"
    assert "backward() must start by setting it to 1.0" in comparison.explanation


# -- snapshots -----------------------------------------------------------------------------


class _V:
    """A minimal Value-like for snapshots: children in a list, set by hand."""

    def __init__(self, data, prev=(), op="", label=""):
        self.data, self.grad, self._prev, self._op, self.label = data, 0.0, prev, op, label


def test_snapshot_format_children_in_prev_order_and_odd_numbers():
    a, b = _V(2.0, label="a"), _V(float("nan"), label="b")
    c = _V("oops", (b, a, a), "*", "c")
    d = _V(8.0, (c,), "**3")
    d.grad = math.inf
    snap = snapshot(d)
    assert snap["format"] == 1 and snap["root"] == 0
    nodes = snap["nodes"]
    assert [n["id"] for n in nodes] == [0, 1, 2, 3]
    assert nodes[0] == {
        "id": 0, "data": 8.0, "grad": math.inf, "op": "**3", "label": "", "children": [1],
        "exponent": 3.0,
    }  # fmt: skip
    assert nodes[1]["data"] is None and nodes[1]["children"] == [2, 3, 3]
    assert math.isnan(nodes[2]["data"])
    assert read_snapshot(snap) == nodes


def test_snapshot_of_a_deep_graph_needs_no_recursion_and_is_bounded():
    node = _V(0.0)
    for _ in range(20_000):
        node = _V(0.0, [node], "+")
    assert len(snapshot(node, max_nodes=30_000)["nodes"]) == 20_001
    assert snapshot(node) is None  # more than MAX_NODES
    assert snapshot(None) is None


def test_a_malformed_snapshot_is_refused_not_trusted():
    good = snapshot(_V(1.0, [_V(2.0)], "tanh"))
    assert read_snapshot(good) is not None
    for bad in (
        None,
        {"format": 2, "root": 0, "nodes": good["nodes"]},
        {"format": 1, "root": 0, "nodes": []},
        {"format": 1, "root": 0, "nodes": [{"id": 0, "children": [5]}]},
        {"format": 1, "root": 0, "nodes": [{"id": 0, "children": [True]}]},
    ):
        assert read_snapshot(bad) is None
        assert compare_graphs(bad, good) is None


def test_graphs_that_agree_match_every_node_even_with_set_children(tmp_path):
    as_set = [("self._prev = tuple(_children)", "self._prev = set(_children)")]
    seen = _observation(tmp_path, as_set, "tanh-from-exp", 9)
    wanted = checks.expected("tanh-from-exp")
    comparison = compare_graphs(seen["graph"], wanted.graph, wanted.nodes)
    assert comparison.differences == () and comparison.explanation == ""
    assert len(comparison.matched) == len(seen["graph"]["nodes"])
