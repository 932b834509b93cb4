"""Graphviz DOT text for a graph, in the style of micrograd's ``draw_dot``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessons.explain.nodes import op_of

if TYPE_CHECKING:
    from lessons.explain.graph import Graph

__all__ = ["graph_to_dot"]


def _dot_escape(text: str) -> str:
    """Make text safe inside a DOT double-quoted string. DOT's only escape there
    is ``\\"``: every other backslash reaches Graphviz as it is."""
    return text.replace('"', '\\"')


_RECORD_SPECIAL = str.maketrans(
    {"{": "\\{", "}": "\\}", "|": "\\|", "<": "\\<", ">": "\\>", "\n": " ", "\r": " "}
)


def _record_escape(text: str) -> str:
    """Make text one plain field of a record label, whatever the learner typed:
    a record reads ``\\{`` as a plain ``{`` (and so on), and ``\\\\`` as one
    backslash, which also stops ``\\N`` or ``\\n`` in a label from meaning
    anything to Graphviz."""
    return text.replace("\\", "\\\\").translate(_RECORD_SPECIAL)


def _fixed(x: object) -> str:
    try:
        return f"{x:.4f}"
    except (TypeError, ValueError):
        return "?"  # a snapshot's null


def graph_to_dot(graph: Graph) -> str:
    """See ``Graph.to_dot``."""
    lines = ["digraph {", "\tgraph [rankdir=LR]"]
    for v in graph.nodes:
        vid = graph.node_id(v)
        label = (
            f"{{ {_record_escape(graph.name(v))} | data {_fixed(v.data)} | grad {_fixed(v.grad)} }}"
        )
        lines.append(f'\t"{vid}" [label="{_dot_escape(label)}" shape=record]')
        if op := op_of(v):
            op_id = _dot_escape(vid + op)
            lines.append(f'\t"{op_id}" [label="{_dot_escape(op)}"]')
            lines.append(f'\t"{op_id}" -> "{vid}"')
    for operand, node, _ in graph.edges:
        op_id = _dot_escape(graph.node_id(node) + op_of(node))
        lines.append(f'\t"{graph.node_id(operand)}" -> "{op_id}"')
    lines.append("}")
    return "\n".join(lines) + "\n"
