"""engine: a small scalar autograd engine, a superset of karpathy/micrograd.

    from engine import Value          # the autograd scalar
    from engine.nn import MLP         # Neuron, Layer, MLP
    from engine import build          # learners' text -> a labelled Value graph, safely
    from engine import Graph          # trees, local rules and step-by-step backprop
    from engine import TrainingRun    # training a model one step at a time

Nothing here imports a UI library; scikit-learn is imported only when a
moons dataset is made.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The autograd scalar itself is always wanted; everything else loads on first use.
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

if TYPE_CHECKING:
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

_EXPORTS = {
    "Dataset": "engine.data",
    "lecture_examples": "engine.data",
    "make_moons": "engine.data",
    "split_sizes": "engine.data",
    "ExpressionError": "engine.expr",
    "Program": "engine.expr",
    "build": "engine.expr",
    "format_error": "engine.expr",
    "BackpropStep": "engine.graph",
    "BackpropStepper": "engine.graph",
    "Contribution": "engine.graph",
    "GradChange": "engine.graph",
    "Graph": "engine.graph",
    "NodeDetail": "engine.graph",
    "OperandRule": "engine.graph",
    "SlopeUndefinedError": "engine.graph",
    "TreeNode": "engine.graph",
    "display_name": "engine.graph",
    "evaluate": "engine.graph",
    "format_number": "engine.graph",
    "node_detail": "engine.graph",
    "numerical_slope": "engine.graph",
    "to_dot": "engine.graph",
    "zero_grads": "engine.graph",
    "accuracy": "engine.losses",
    "hinge_loss": "engine.losses",
    "l2_penalty": "engine.losses",
    "mse_loss": "engine.losses",
    "ACTIVATIONS": "engine.nn",
    "Layer": "engine.nn",
    "MLP": "engine.nn",
    "Module": "engine.nn",
    "Neuron": "engine.nn",
    "DecisionGrid": "engine.train",
    "StepReport": "engine.train",
    "TrainConfig": "engine.train",
    "TrainingRun": "engine.train",
    "decision_grid": "engine.train",
    "predict": "engine.train",
}


def __getattr__(name: str) -> Any:
    # PEP 562: `from engine import Value` does not pay for the expression builder,
    # the graph tools or the trainer, which keeps the tutor's start quick.
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
