"""The tree view of a graph: the output at the top, each node's operands under it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lessons.explain.graph import Graph

__all__ = ["TreeNode", "build_tree"]


# Not frozen, unlike the other records here: a tree has one row per edge, and a
# frozen dataclass takes three times as long to make. Treat it as read-only.
@dataclass(slots=True, eq=False, repr=False)
class TreeNode:
    """One line of the tree view. A node that the output reaches by several
    paths is expanded where the walk meets it first; everywhere else it is a
    reference (``is_reference=True``) with no children."""

    value: Any  # the node: an engine Value or any Value-like object
    children: tuple[TreeNode, ...]
    is_reference: bool

    def rows(self) -> Iterator[tuple[int, TreeNode]]:
        """``(depth, tree node)`` for this node and everything under it, in
        display order (depth first, operands in the order written)."""
        stack: list[tuple[int, TreeNode]] = [(0, self)]
        while stack:
            depth, node = stack.pop()
            yield depth, node
            for child in reversed(node.children):
                stack.append((depth + 1, child))

    def __repr__(self) -> str:  # never recursive: a tree can be 100,000 levels deep
        kind = "reference to " if self.is_reference else ""
        return f"TreeNode({kind}{self.value!r}, {len(self.children)} children)"


def build_tree(graph: Graph) -> TreeNode:
    """See ``Graph.tree``."""
    # Pass 1: a pre-order walk with an explicit stack decides, for each row,
    # which value it shows and whether it is a reference.
    values: list[Any] = []
    is_reference: list[bool] = []
    expanded: set[int] = set()
    stack = [graph.root]
    while stack:
        v = stack.pop()
        values.append(v)
        seen = id(v) in expanded
        is_reference.append(seen)
        if not seen:
            expanded.add(id(v))
            stack.extend(reversed(graph.operands(v)))
    # Pass 2: build the rows from last to first. A row's subtree comes right
    # after it in pre-order, so by the time we reach it, its children are
    # the top entries of `built`, first child on top.
    built: list[TreeNode] = []
    for v, reference in zip(reversed(values), reversed(is_reference), strict=True):
        k = 0 if reference else len(graph.operands(v))
        if k:
            children = tuple(reversed(built[-k:]))
            del built[-k:]
        else:
            children = ()
        built.append(TreeNode(v, children, reference))
    (root,) = built
    return root
