"""engine: a small scalar autograd engine, a superset of karpathy/micrograd.

    from engine import Value          # the autograd scalar (engine.value)
    from engine.nn import MLP         # Neuron, Layer, MLP
    from engine import TrainingRun    # training a model one step at a time

It is only the library: ``value`` (Value, backward), ``ops`` (what each
operation computes and its local derivatives, written once), ``nn``,
``losses``, ``data``, ``train``, ``tape`` (a training step recorded once and
replayed fast, with NumPy if it is installed) and ``scoring`` (many points
scored at once, the decision grid). The teaching tools built on it (graph
trees, rule texts, step-by-step backprop) live in ``lessons.explain``.
Nothing here imports a UI library; scikit-learn is imported only when a
dataset of its (moons, circles, blobs) is made, and NumPy only when a tape is first replayed.
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
    from engine.data import (
        DATASETS,
        Dataset,
        lecture_examples,
        make_dataset,
        make_moons,
        split_sizes,
    )
    from engine.losses import accuracy, hinge_loss, l2_penalty, mse_loss
    from engine.nn import ACTIVATIONS, MLP, Layer, Module, Neuron
    from engine.scoring import DecisionGrid, NeuronMaps, decision_grid, neuron_outputs, predict
    from engine.tape import Tape
    from engine.train import ENGINES, StepReport, TrainConfig, TrainingRun

_EXPORTS = {
    "DATASETS": "engine.data",
    "Dataset": "engine.data",
    "make_dataset": "engine.data",
    "lecture_examples": "engine.data",
    "make_moons": "engine.data",
    "split_sizes": "engine.data",
    "accuracy": "engine.losses",
    "hinge_loss": "engine.losses",
    "l2_penalty": "engine.losses",
    "mse_loss": "engine.losses",
    "ACTIVATIONS": "engine.nn",
    "Layer": "engine.nn",
    "MLP": "engine.nn",
    "Module": "engine.nn",
    "Neuron": "engine.nn",
    "Tape": "engine.tape",
    "ENGINES": "engine.train",
    "DecisionGrid": "engine.scoring",
    "StepReport": "engine.train",
    "TrainConfig": "engine.train",
    "TrainingRun": "engine.train",
    "NeuronMaps": "engine.scoring",
    "decision_grid": "engine.scoring",
    "neuron_outputs": "engine.scoring",
    "predict": "engine.scoring",
}


def __getattr__(name: str) -> Any:
    # PEP 562: `from engine import Value` does not pay for the models, the losses
    # or the trainer, which keeps the tutor's start quick.
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
    "DATASETS",
    "ENGINES",
    "MLP",
    "Dataset",
    "DecisionGrid",
    "DivisionByZeroError",
    "FloatOverflowError",
    "Layer",
    "MathError",
    "Module",
    "Neuron",
    "NeuronMaps",
    "StepReport",
    "Tape",
    "TrainConfig",
    "TrainingRun",
    "UndefinedMathError",
    "Value",
    "accuracy",
    "decision_grid",
    "dot",
    "hinge_loss",
    "l2_penalty",
    "lecture_examples",
    "make_dataset",
    "make_moons",
    "mse_loss",
    "neuron_outputs",
    "predict",
    "split_sizes",
    "sum_values",
    "topological_order",
]
