"""A graph as plain JSON data, written in one process and explored in another.

A learner's own Values live in a child process running their code; what
crosses over is a snapshot in this format (format 1)::

    {"format": 1,
     "root": 0,
     "nodes": [
       {"id": 0, "data": -8.0, "grad": 1.0, "op": "*", "label": "L", "children": [1, 5]},
       {"id": 1, "data": 4.0, "grad": -2.0, "op": "+", "label": "d", "children": [2, 4]},
       ...]}

Every node reachable from ``root`` is listed once. ``children`` are ids, in
the order the node's ``_prev`` iterates; ``op`` is whatever text the node
held (``""`` for a leaf); ``label`` is optional; ``data`` and ``grad`` are
numbers, or null when the node held something else (NaN and Infinity use
Python json's tokens); a power node may carry ``"exponent"`` (a number or
null). Keys this module does not know are ignored.

``load_snapshot`` checks all of it and raises ``SnapshotError`` (a
``ValueError``) on anything else, so a bad snapshot never reaches the UI. It
returns the root ``SnapshotNode``, which every tool in ``lessons.explain``
accepts. ``snapshot(root)`` writes the format from any Value-like graph. Only
the standard library is used, so the child process can write it too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from lessons.explain.nodes import (
    as_float,
    exponent_from_op_text,
    exponent_of,
    label_of,
    op_of,
    walk,
)

__all__ = [
    "FORMAT",
    "MAX_BYTES",
    "MAX_NODES",
    "SnapshotError",
    "SnapshotNode",
    "load_snapshot",
    "snapshot",
]

FORMAT = 1
MAX_NODES = 200_000  # twice the deepest graph the tools are tested on
MAX_EDGES = 2_000_000
MAX_BYTES = 64 * 2**20  # of JSON text
MAX_TEXT = 1_000  # characters in an op or a label


class SnapshotError(ValueError):
    """The snapshot is not format 1 as ``lessons.explain.snapshot`` describes it."""


class SnapshotNode:
    """One node of a loaded snapshot: Value-like (``data``, ``grad``, ``_prev``,
    ``_op``, ``label``), with its power exponent as a number and its ``id`` in
    the snapshot. ``grad`` may be changed (the stepper does); nothing else should."""

    __slots__ = (
        "__weakref__",
        "_exponent",
        "_op",
        "_prev",
        "_serial",
        "data",
        "grad",
        "id",
        "label",
    )

    def __init__(
        self,
        id: int,
        data: float | None,
        grad: float | None,
        op: str,
        label: str,
        exponent: float | None,
    ) -> None:
        self.id = id
        self.data = data
        self.grad = grad
        self._op = op
        self.label = label
        self._exponent = exponent
        self._prev: tuple[SnapshotNode, ...] = ()

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        numbers = f"data={self.data}, grad={self.grad}"
        return f"SnapshotNode(id={self.id}, {numbers}, op={self._op!r}{label})"


# -- writing -------------------------------------------------------------------------


def _json_number(x: object) -> int | float | None:
    if isinstance(x, int) and not isinstance(x, bool):
        return x if abs(x) < 2**53 else as_float(x)
    return as_float(x)


def snapshot(root: Any) -> dict[str, Any]:
    """The graph that ends at ``root`` (an ``engine.Value`` or any Value-like
    node) in format 1, ready for ``json.dumps``. Nodes are listed operands
    first, in the order ``Graph`` lists them, so a loaded snapshot of an engine
    graph gets the same node ids and names as the graph itself."""
    nodes, operands = walk(root)
    position = {id(v): i for i, v in enumerate(nodes)}
    rows = []
    for i, v in enumerate(nodes):
        op = op_of(v)
        row: dict[str, Any] = {
            "id": i,
            "data": as_float(v.data),
            "grad": as_float(v.grad),
            "op": op,
            "label": label_of(v),
            "children": [position[id(p)] for p in operands[id(v)]],
        }
        if op.startswith("**"):
            row["exponent"] = _json_number(exponent_of(v))
        rows.append(row)
    return {"format": FORMAT, "root": position[id(root)], "nodes": rows}


# -- reading -------------------------------------------------------------------------


def _number(node: Mapping, key: str, where: str) -> float | None:
    x = node.get(key)
    if x is None:
        return None
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise SnapshotError(f"{where}: {key!r} must be a number or null, not {type(x).__name__}")
    try:
        return float(x)
    except OverflowError:
        raise SnapshotError(f"{where}: {key!r} is too large for a float") from None


def _text(node: Mapping, key: str, where: str, *, required: bool) -> str:
    if key not in node and not required:
        return ""
    x = node.get(key)
    if x is None and not required:
        return ""
    if not isinstance(x, str):
        raise SnapshotError(f"{where}: {key!r} must be a string, not {type(x).__name__}")
    if len(x) > MAX_TEXT:
        raise SnapshotError(f"{where}: {key!r} is longer than {MAX_TEXT} characters")
    return x


def _is_id(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _parse(source: str | bytes | bytearray) -> Any:
    if len(source) > MAX_BYTES:
        raise SnapshotError(f"the snapshot is larger than {MAX_BYTES} bytes")
    try:
        return json.loads(source)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and bad UTF-8 are ValueErrors
        raise SnapshotError(f"the snapshot is not JSON: {exc}") from None


def load_snapshot(source: str | bytes | bytearray | Mapping[str, Any]) -> SnapshotNode:
    """The root node of a format-1 snapshot, given as JSON text or already
    parsed. Raises ``SnapshotError`` for anything that is not exactly the
    format: missing or mistyped fields, an unknown child id, a cycle, a
    duplicate id, or more than ``MAX_NODES`` nodes."""
    data = _parse(source) if isinstance(source, (str, bytes, bytearray)) else source
    if not isinstance(data, Mapping):
        raise SnapshotError(f"a snapshot is a JSON object, not {type(data).__name__}")
    fmt = data.get("format")
    if not _is_id(fmt) or fmt != FORMAT:
        raise SnapshotError(f"unknown snapshot format {fmt!r}: this tutor reads format {FORMAT}")
    rows = data.get("nodes")
    if not isinstance(rows, list) or not rows:
        raise SnapshotError("'nodes' must be a non-empty list")
    if len(rows) > MAX_NODES:
        raise SnapshotError(f"the snapshot has {len(rows)} nodes; at most {MAX_NODES} are shown")

    by_id: dict[int, SnapshotNode] = {}
    children: dict[int, list[int]] = {}
    edges = 0
    for position, row in enumerate(rows):
        where = f"node {position}"
        if not isinstance(row, Mapping):
            raise SnapshotError(f"{where} must be an object, not {type(row).__name__}")
        node_id = row.get("id")
        if not _is_id(node_id):
            raise SnapshotError(f"{where}: 'id' must be an integer, not {node_id!r}")
        where = f"node id {node_id}"
        if node_id in by_id:
            raise SnapshotError(f"{where} is listed twice")
        kids = row.get("children")
        if not isinstance(kids, list) or not all(_is_id(k) for k in kids):
            raise SnapshotError(f"{where}: 'children' must be a list of node ids")
        edges += len(kids)
        if edges > MAX_EDGES:
            raise SnapshotError(f"the snapshot has more than {MAX_EDGES} edges")
        op = _text(row, "op", where, required=True)
        exponent = _number(row, "exponent", where)
        if exponent is None and op.startswith("**"):
            exponent = exponent_from_op_text(op)  # the learner's text is all there is
        by_id[node_id] = SnapshotNode(
            node_id,
            _number(row, "data", where),
            _number(row, "grad", where),
            op,
            _text(row, "label", where, required=False),
            exponent,
        )
        children[node_id] = kids

    root_id = data.get("root")
    if not _is_id(root_id) or root_id not in by_id:
        raise SnapshotError(f"'root' must be the id of a listed node, not {root_id!r}")
    for node_id, kids in children.items():
        for kid in kids:
            if kid not in by_id:
                raise SnapshotError(f"node id {node_id} has an unknown child id {kid}")
        by_id[node_id]._prev = tuple(by_id[k] for k in kids)

    _refuse_cycles(by_id[root_id])
    _keep_the_file_order(rows, by_id, root_id)
    return by_id[root_id]


def _refuse_cycles(root: SnapshotNode) -> None:
    """A depth-first walk, as a loop: a node met again while its own operands
    are still being walked is its own ancestor."""
    state: dict[int, bool] = {}  # id -> finished?
    stack: list[tuple[SnapshotNode, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        if finished:
            state[node.id] = True
            continue
        seen = state.get(node.id)
        if seen is not None:
            if not seen:
                raise SnapshotError(f"node id {node.id} is its own ancestor: a graph has no cycles")
            continue
        state[node.id] = False
        stack.append((node, True))
        for kid in reversed(node._prev):
            if not state.get(kid.id, False):
                stack.append((kid, False))


def _keep_the_file_order(rows: list, by_id: dict[int, SnapshotNode], root_id: int) -> None:
    """When the file lists every operand before the nodes that use it (as
    ``snapshot`` writes it), that order is kept as the nodes' serial numbers, so
    the graph tools show the same order (and ids, and names) as the graph that
    was written. Otherwise they order the nodes themselves."""
    position = {row["id"]: i for i, row in enumerate(rows)}
    if all(position[kid.id] < position[n.id] for n in by_id.values() for kid in n._prev):
        for node_id, node in by_id.items():
            node._serial = position[node_id]
