"""Teaching tools over a computation graph: trees, local rules as text,
step-by-step backprop, numerical slopes and Graphviz DOT.

    from lessons.explain import Graph, BackpropStepper

    graph = Graph(L)
    for depth, row in graph.tree().rows():
        ...

Nothing here draws anything; the tutor's widgets show what these compute.
"""

from lessons.explain.graph import (
    BackpropStep,
    BackpropStepper,
    Contribution,
    GradChange,
    Graph,
    NodeDetail,
    OperandRule,
    SlopeUndefinedError,
    TreeNode,
    display_name,
    evaluate,
    format_number,
    node_detail,
    numerical_slope,
    to_dot,
    zero_grads,
)

__all__ = [
    "BackpropStep",
    "BackpropStepper",
    "Contribution",
    "GradChange",
    "Graph",
    "NodeDetail",
    "OperandRule",
    "SlopeUndefinedError",
    "TreeNode",
    "display_name",
    "evaluate",
    "format_number",
    "node_detail",
    "numerical_slope",
    "to_dot",
    "zero_grads",
]
