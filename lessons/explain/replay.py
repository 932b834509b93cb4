"""Re-running a recorded graph forward, with some leaves given other numbers.

The arithmetic is the engine's op table, the same functions that built an
engine graph, so a graph re-run with no changes gives back its own output, and
math with no answer raises the same errors (with the same messages) as
building the graph did.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lessons.explain.nodes import CannotReplayError, as_float, is_value_like, run_forward

if TYPE_CHECKING:
    from lessons.explain.graph import Graph

__all__ = ["replay"]


def replay(graph: Graph, overrides: Mapping[Any, float]) -> float:
    """``graph.root``'s data recomputed from the leaves, those in ``overrides``
    replaced by the numbers given. Nothing in the graph changes."""
    given: dict[int, float] = {}
    for leaf, x in overrides.items():
        if not is_value_like(leaf) or leaf._prev:
            raise ValueError(f"only leaves can be given new numbers, not {leaf!r}")
        given[id(leaf)] = float(x)
    values: dict[int, float] = {}
    for v in graph.nodes:
        key = id(v)
        operands = graph.operands(v)
        if operands:
            args = [values[id(p)] for p in operands]
            values[key] = run_forward(graph.op(v), args, graph.exponent(v))
        elif key in given:
            values[key] = given[key]
        else:
            x = as_float(v.data)
            if x is None:
                raise CannotReplayError(f"cannot re-run the graph: {graph.name(v)} holds no number")
            values[key] = x
    return values[id(graph.root)]
