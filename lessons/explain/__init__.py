"""Teaching tools over a computation graph: trees, local rules as text,
step-by-step backprop, numerical slopes, Graphviz DOT, and snapshots.

    from lessons.explain import Graph, BackpropStepper

    graph = Graph(L)
    for depth, row in graph.tree().rows():
        ...

The graph may be made of ``engine.Value``s, of any Value-like objects (a
learner's own micrograd), or loaded from a snapshot written in another
process (``load_snapshot``). ``lessons.explain.snapshot.snapshot`` writes
one; it is not exported here, where its name would hide its module.
Nothing here draws anything; the tutor's widgets show what these compute.
"""

from lessons.explain.graph import (
    Contribution,
    Graph,
    NodeDetail,
    OperandRule,
    SlopeUndefinedError,
    display_name,
    evaluate,
    node_detail,
    numerical_slope,
    to_dot,
    zero_grads,
)
from lessons.explain.nodes import CannotReplayError
from lessons.explain.rules import format_number
from lessons.explain.snapshot import SnapshotError, SnapshotNode, load_snapshot
from lessons.explain.stepper import BackpropStep, BackpropStepper, GradChange
from lessons.explain.tree import TreeNode

__all__ = [
    "BackpropStep",
    "BackpropStepper",
    "CannotReplayError",
    "Contribution",
    "GradChange",
    "Graph",
    "NodeDetail",
    "OperandRule",
    "SlopeUndefinedError",
    "SnapshotError",
    "SnapshotNode",
    "TreeNode",
    "display_name",
    "evaluate",
    "format_number",
    "load_snapshot",
    "node_detail",
    "numerical_slope",
    "to_dot",
    "zero_grads",
]
