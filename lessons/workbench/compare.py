"""The learner's graph beside the engine's, node by node: which nodes differ, and why.

Both graphs are snapshots in the explorer's format (``lessons.workbench.probes.snapshot``).
The learner's comes from the child as JSON and is read defensively; the engine's is made
here, from ``engine.Value``, with the nodes themselves at hand for their local derivatives.

Nodes are matched from the root down, child by child: first by label (the probe labels
every Value by its variable's name), then by data, then the last one left. Nodes with no
counterpart (a derived op written another way) are simply not compared. The first
difference is what the learner is told about:

* a ``data`` difference, looking from the inputs forward: that node's forward step is
  wrong (its inputs are right);
* otherwise a ``grad`` difference, looking from the output backward, as ``backward()``
  does: every node that uses it has the right grad, so the wrong number came from their
  local rules, which are spelled out with the engine's numbers.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["GraphComparison", "NodeDifference", "compare_graphs", "fmt", "read_snapshot"]


def fmt(x: object) -> str:
    """A number the way a learner writes it: -2.0, 0.7071, 135.0."""
    if not isinstance(x, (int, float)) or isinstance(x, bool):
        return "None" if x is None else repr(x)
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return repr(x)
    if x.is_integer() and abs(x) < 1e15:
        return f"{x:.1f}"
    return f"{x:.6g}"


def close(a: object, b: object) -> bool:
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b)):
        return False
    if math.isnan(a) and math.isnan(b):
        return True
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


@dataclass(frozen=True)
class NodeDifference:
    node: int  # the learner's node id
    engine_node: int
    field: str  # "data" or "grad"
    theirs: float | None
    expected: float | None
    name: str  # how the learner knows the node: its label, or "the + node"
    op: str  # the learner's op string


@dataclass(frozen=True)
class GraphComparison:
    learner: dict
    engine: dict
    matched: Mapping[int, int]  # learner node id -> engine node id
    differences: tuple[NodeDifference, ...]  # the first is the one explained
    explanation: str  # "" when the graphs agree

    @property
    def first(self) -> NodeDifference | None:
        return self.differences[0] if self.differences else None

    def differs(self, node: int) -> bool:
        """Whether the learner's node ``node`` has a number that differs (for marking it)."""
        return any(d.node == node for d in self.differences)


def read_snapshot(snapshot: object) -> list[dict] | None:
    """The nodes of a snapshot that came from elsewhere, checked; None when malformed."""
    if not isinstance(snapshot, dict) or snapshot.get("format") != 1:
        return None
    nodes = snapshot.get("nodes")
    if not isinstance(nodes, list) or not nodes or snapshot.get("root") != 0:
        return None
    count = len(nodes)
    for i, node in enumerate(nodes):
        if not isinstance(node, dict) or node.get("id") != i:
            return None
        children = node.get("children")
        if not isinstance(children, list) or not all(
            isinstance(c, int) and not isinstance(c, bool) and 0 <= c < count for c in children
        ):
            return None
    return nodes


def compare_graphs(
    learner: dict, engine: dict, engine_values: Sequence | None = None
) -> GraphComparison | None:
    """Match ``learner`` to ``engine`` and find the nodes whose numbers differ.

    ``engine_values`` are the engine's ``Value`` objects in snapshot order; with them the
    explanation names the local rule and its numbers. None when a snapshot is malformed.
    """
    mine, theirs = read_snapshot(learner), read_snapshot(engine)
    if mine is None or theirs is None:
        return None
    matched = _match(mine, theirs)
    order = _topological(mine)
    differences = [
        _difference(mine, theirs, node, matched[node], "data")
        for node in order
        if node in matched and not _same(mine[node]["data"], theirs[matched[node]]["data"])
    ]
    if not differences:
        differences = [
            _difference(mine, theirs, node, matched[node], "grad")
            for node in reversed(order)
            if node in matched and not _same(mine[node]["grad"], theirs[matched[node]]["grad"])
        ]
    explanation = ""
    if differences:
        explanation = _explain(differences[0], mine, theirs, matched, engine_values)
    return GraphComparison(learner, engine, matched, tuple(differences), explanation)


def _same(a: object, b: object) -> bool:
    return close(a, b) or (a is None and b is None)


def _match(mine: list[dict], theirs: list[dict]) -> dict[int, int]:
    matched = {0: 0}
    used = {0}
    queue = deque([(0, 0)])
    while queue:
        node, counterpart = queue.popleft()
        free = [c for c in dict.fromkeys(theirs[counterpart]["children"]) if c not in used]
        left = [c for c in dict.fromkeys(mine[node]["children"]) if c not in matched]
        pairs = []
        for key in (_label_key, _data_key):
            for child in list(left):
                want = key(mine[child])
                if want is None:
                    continue
                found = next((c for c in free if key(theirs[c]) == want), None)
                if found is not None:
                    pairs.append((child, found))
                    left.remove(child)
                    free.remove(found)
        if len(left) == 1 and len(free) == 1:
            pairs.append((left[0], free[0]))
        for child, found in pairs:
            matched[child] = found
            used.add(found)
            queue.append((child, found))
    return matched


def _label_key(node: dict) -> str | None:
    label = node.get("label")
    return label if isinstance(label, str) and label else None


def _data_key(node: dict) -> tuple | None:
    data = node.get("data")
    if not isinstance(data, float) or math.isnan(data):
        return None
    return (round(data, 9), bool(node["children"]))


def _topological(nodes: list[dict]) -> list[int]:
    """Node ids, each after all its children (a loop, and safe against cycles)."""
    order: list[int] = []
    state = [0] * len(nodes)  # 0 new, 1 on the way, 2 done
    stack = [(0, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            state[node] = 2
            order.append(node)
        elif state[node] == 0:
            state[node] = 1
            stack.append((node, True))
            stack.extend((c, False) for c in nodes[node]["children"] if state[c] == 0)
    return order


def _difference(mine: list, theirs: list, node: int, engine_node: int, field: str):
    return NodeDifference(
        node,
        engine_node,
        field,
        mine[node][field],
        theirs[engine_node][field],
        _name(mine, node),
        str(mine[node].get("op", "")),
    )


def _name(nodes: list[dict], node: int) -> str:
    label = nodes[node].get("label")
    if isinstance(label, str) and label:
        return label
    op = nodes[node].get("op")
    if not nodes[node]["children"]:
        return f"the leaf {fmt(nodes[node]['data'])}"
    return f"the {op or 'unnamed'} node"


def _formula(nodes: list[dict], node: int) -> str:
    """``d = e + c``, ``o = tanh(n)``, ``b = a**2``: how a node was made."""
    kids = [_name(nodes, c) for c in nodes[node]["children"]]
    op = str(nodes[node].get("op", ""))
    head = _name(nodes, node)
    if not kids:
        return head
    if op in ("+", "*") and len(kids) == 2:
        return f"{head} = {kids[0]} {op} {kids[1]}"
    if op in ("+", "*") and len(kids) == 1:  # a + a with a set of children
        return f"{head} = {kids[0]} {op} {kids[0]}"
    if op.startswith("**") and len(kids) == 1:
        return f"{head} = {kids[0]}{op}"
    return f"{head} = {op or '?'}({', '.join(kids)})"


def _explain(first: NodeDifference, mine, theirs, matched, engine_values) -> str:
    name = first.name
    if first.field == "data":
        return _explain_data(first, mine, theirs, matched)
    if first.node == 0:
        return (
            f"The first node that differs is the output {name}: its grad is "
            f"{fmt(first.theirs)}, but backward() must start by setting it to 1.0 "
            f"(d{name}/d{name} = 1), the seed every other grad is a multiple of."
        )
    head = (
        f"The first node that differs, going backward from the output, is {name}: "
        f"its grad is {fmt(first.theirs)}, the engine's is {fmt(first.expected)}."
    )
    shares = _shares(first.engine_node, theirs, engine_values)
    if not shares:
        return head
    back = {e: node for node, e in matched.items()}
    parts = []
    for parent, locals_ in shares:
        grad = theirs[parent]["grad"]
        who = _formula(mine, back[parent]) if parent in back else _formula(theirs, parent)
        local = sum(locals_)
        share = local * grad if grad is not None else None
        one = [d * grad for d in locals_] if grad is not None else []
        parts.append((who, _rule(theirs[parent], local), local, grad, share, one, len(locals_)))
    if len(parts) == 1:
        who, rule, local, grad, share, _, uses = parts[0]
        used = "once, by" if uses == 1 else f"{_times(uses)} by the same node,"
        text = (
            f"{head} {name} is used {used} {who}, whose grad {fmt(grad)} is right. {rule}"
            + (f", once for each use: {fmt(local)} in all" if uses > 1 else "")
            + f", so {name} should get {fmt(local)} * {fmt(grad)} = {fmt(share)}."
        )
    else:
        listed = "; ".join(
            f"{who} gives {fmt(local)} * {fmt(grad)} = {fmt(share)} ({rule})"
            for who, rule, local, grad, share, *_ in parts
        )
        text = (
            f"{head} {name} is used by {len(parts)} nodes, whose grads are right, and its "
            f"grad is the sum of their shares: {listed}. Together {fmt(first.expected)}."
        )
    uses = sum(part[-1] for part in parts)
    if uses > 1 and any(close(first.theirs, s) for part in parts for s in part[5]):
        text += (
            " Yours equals one share alone: the others were overwritten "
            "(= instead of += in a _backward?)."
        )
    elif uses > 1 and not close(first.theirs, 0.0):
        text += (
            " If those rules look right in your code, a _backward ran too early or twice:"
            " that is what the reverse topological order prevents."
        )
    if close(first.theirs, 0.0):
        text += " Yours is 0.0: no share arrived at all. Was that _backward ever called?"
    return text


def _explain_data(first: NodeDifference, mine, theirs, matched) -> str:
    numbers = f"its data is {fmt(first.theirs)}, the engine's is {fmt(first.expected)}"
    if all(child in matched for child in mine[first.node]["children"]):
        return (
            f"The first node that differs is {_formula(mine, first.node)} (op {first.op!r}): "
            f"{numbers}. Its inputs are right, so the forward calculation of "
            f"{first.op or 'that operation'!r} is wrong."
        )
    # Below this node the graphs are built differently: nothing is known about its inputs.
    where = f"the output {first.name}" if first.node == 0 else first.name
    their_op = str(theirs[first.engine_node].get("op", ""))
    if their_op.casefold() != first.op.casefold():
        return (
            f"The first node that differs is {where}, made by {first.op or 'no operation'!r} "
            f"in yours and by {their_op or 'no operation'!r} in the engine's: {numbers}. "
            "Is an operation missing there, or a different one in its place?"
        )
    return (
        f"The first node that differs is {where} (op {first.op!r}): {numbers}. The graph "
        "below it is built differently from the engine's, so look at how it is made."
    )


def _times(n: int) -> str:
    return {2: "twice", 3: "three times"}.get(n, f"{n} times")


def _shares(engine_node: int, theirs: list[dict], engine_values) -> list[tuple[int, list]]:
    """(engine parent id, its local derivative for each use) for every node using this one."""
    if engine_values is None:
        return []
    found = []
    for parent, node in enumerate(theirs):
        locals_ = getattr(engine_values[parent], "_local", ())
        uses = [
            derivative
            for child, derivative in zip(node["children"], locals_, strict=False)
            if child == engine_node
        ]
        if uses:
            found.append((parent, uses))
    return found


def _rule(node: dict, local: float) -> str:
    op = str(node.get("op", ""))
    if op == "+":
        return "`+` passes its grad on unchanged (local derivative 1)"
    if op == "*":
        return f"`*` gives each side the other side's data (here {fmt(local)})"
    if op == "tanh":
        return f"tanh's local derivative is 1 - t**2 = {fmt(local)}, with t its output"
    if op == "exp":
        return f"exp's local derivative is e**x, its own output, {fmt(local)}"
    if op.startswith("**"):
        return f"the power rule gives k * x**(k-1) = {fmt(local)}"
    if op == "ReLU":
        return f"relu passes the grad on only where its output is positive (here {fmt(local)})"
    return f"its local derivative is {fmt(local)}"
