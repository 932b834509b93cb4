"""engine: a small scalar autograd engine, a superset of karpathy/micrograd.

    from engine import Value          # the autograd scalar
    from engine.nn import MLP         # Neuron, Layer, MLP
    from engine import build          # learners' text -> a labelled Value graph, safely
    from engine import Graph          # trees, local rules and step-by-step backprop
    from engine import TrainingRun    # training a model one step at a time

Nothing here imports a UI library; scikit-learn is imported only when a
moons dataset is made.
"""

from engine.data import Dataset, lecture_examples, make_moons, split_sizes
from engine.expr import ExpressionError, Program, build, format_error
from engine.graph import (
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
from engine.losses import accuracy, hinge_loss, l2_penalty, mse_loss
from engine.nn import ACTIVATIONS, MLP, Layer, Module, Neuron
from engine.train import (
    DecisionGrid,
    StepReport,
    TrainConfig,
    TrainingRun,
    decision_grid,
    predict,
)
from engine.value import (
    DivisionByZeroError,
    FloatOverflowError,
    MathError,
    UndefinedMathError,
    Value,
    dot,
    sum_values,
    topological_order,
)

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "BackpropStep",
    "BackpropStepper",
    "Contribution",
    "Dataset",
    "DecisionGrid",
    "DivisionByZeroError",
    "ExpressionError",
    "FloatOverflowError",
    "GradChange",
    "Graph",
    "Layer",
    "MathError",
    "Module",
    "Neuron",
    "NodeDetail",
    "OperandRule",
    "Program",
    "SlopeUndefinedError",
    "StepReport",
    "TrainConfig",
    "TrainingRun",
    "TreeNode",
    "UndefinedMathError",
    "Value",
    "accuracy",
    "build",
    "decision_grid",
    "display_name",
    "dot",
    "evaluate",
    "format_error",
    "format_number",
    "hinge_loss",
    "l2_penalty",
    "lecture_examples",
    "make_moons",
    "mse_loss",
    "node_detail",
    "numerical_slope",
    "predict",
    "split_sizes",
    "sum_values",
    "to_dot",
    "topological_order",
    "zero_grads",
]
