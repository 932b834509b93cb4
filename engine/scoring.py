"""Scores without a graph: a model's score for many points, and the decision grid.

Building Values for every point of a plot only to throw them away is slow and
wastes memory. ``predict`` scores many points through an engine ``MLP`` at once,
replaying the tape of one point's forward pass over all of them
(``engine.tape``), and a few points with the same float arithmetic the Values
use (``engine.ops``); any other model is simply called. Every way gives exactly
``model(point).data``.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from engine import ops
from engine.config import is_number as _is_number
from engine.config import is_whole as _is_whole
from engine.nn import MLP, Layer, Module, Neuron
from engine.ops import dot
from engine.tape import Tape, numpy_available
from engine.value import Value

__all__ = [
    "DecisionGrid",
    "NeuronMaps",
    "decision_grid",
    "neuron_outputs",
    "plane_limits",
    "predict",
]


# -- scores without a graph ----------------------------------------------------


def _linear(t: float) -> float:
    return t


# A neuron's activation by name, as plain float functions: the same arithmetic as
# the Value ops (engine.ops), so a score here is exactly model(point).data.
_FLOAT_ACTIVATIONS: dict[str, Callable[[float], float]] = {
    "tanh": ops.tanh,
    "relu": ops.relu,
    "sigmoid": ops.sigmoid,
    "linear": _linear,
}


def _is_plain_mlp(model: object) -> bool:
    """An engine MLP whose arithmetic we know (no subclass changed how it computes)."""
    return type(model) is MLP and all(
        type(layer) is Layer and all(type(n) is Neuron for n in layer.neurons)
        for layer in model.layers
    )


def _scorer(model: Module) -> Callable[[Sequence[float]], float]:
    """A function giving ``model(point).data`` without building a graph.

    Building Values for every point of a plot only to throw them away is slow
    and wastes memory. For an engine MLP the weights are read once, here, and
    the same float arithmetic is done directly with the ops the Values use:
    ``dot`` (``b + w1*x1 + w2*x2 + ...``), then the activation. Other models
    are simply called.
    """
    if not _is_plain_mlp(model):

        def call_model(x: Sequence[float]) -> float:
            out = model(list(x))
            if not isinstance(out, Value):
                raise ValueError("the model must give one score (a single Value) per point")
            return out.data

        return call_model

    layers = [
        [
            (tuple(w.data for w in n.w), n.b.data, _FLOAT_ACTIVATIONS[n.activation])
            for n in layer.neurons
        ]
        for layer in model.layers
    ]

    nin = len(model.layers[0].neurons[0].w)

    def score(x: Sequence[float]) -> float:
        if len(x) != nin:
            raise ValueError(f"this model takes {nin} inputs, not {len(x)}")
        for layer in layers:
            out = []
            for w, b, activate in layer:
                out.append(activate(dot(w, x, b)))
            x = out
        return x[0]

    return score


_MANY_POINTS = 32  # from about this many points on, a tape scores them faster
_forward_tapes: weakref.WeakKeyDictionary[MLP, tuple[tuple, Tape]] = weakref.WeakKeyDictionary()
_forward_tapes_lock = threading.Lock()


def _shape_of(model: MLP) -> tuple[tuple[int, str], ...]:
    """What decides the graph an engine MLP builds: each neuron's inputs and activation."""
    return tuple((len(n.w), n.activation) for layer in model.layers for n in layer.neurons)


def _forward_tape(model: MLP) -> Tape:
    """The tape of one point's forward pass through ``model``, recorded once per
    shape of the model (its weights are read at every replay)."""
    shape = _shape_of(model)
    with _forward_tapes_lock:
        found = _forward_tapes.get(model)
    if found is not None and found[0] == shape:
        return found[1]
    point = [Value(0.0) for _ in range(shape[0][0])]
    tape = Tape.record(model(point), model.parameters(), point)
    with _forward_tapes_lock:
        _forward_tapes[model] = (shape, tape)
    return tape


def predict(model: Module, points: Sequence[Sequence[float]]) -> list[float]:
    """The model's score for each point, as plain floats (no graph is kept).

    Many points through an engine MLP are scored all at once, by replaying the
    tape of one point's forward pass over all of them (``engine.tape``): the
    same numbers as ``model(point).data``, many times faster.
    """
    if len(points) >= _MANY_POINTS and _is_plain_mlp(model) and numpy_available():
        nin = len(model.layers[0].neurons[0].w)
        for p in points:
            if len(p) != nin:
                raise ValueError(f"this model takes {nin} inputs, not {len(p)}")
        parameters = [p.data for p in model.parameters()]
        columns = list(zip(*points, strict=True))  # one per input, one number per point
        return _forward_tape(model).forward_many(parameters, columns)
    score = _scorer(model)
    return [score(p) for p in points]


# -- what each hidden neuron computes ---------------------------------------------


@dataclass(frozen=True)
class NeuronMaps:
    """Every hidden neuron's output at many points, and its weights.

    ``outputs[l][n][k]`` is the output of neuron ``n`` of hidden layer ``l``
    (0-based) at point ``k``; ``weights[l][n]`` and ``biases[l][n]`` are its
    parameters, read at the same moment (so a picture of them all shows one model).
    """

    outputs: tuple[tuple[tuple[float, ...], ...], ...]
    weights: tuple[tuple[tuple[float, ...], ...], ...]
    biases: tuple[tuple[float, ...], ...]


def _numpy_activations() -> dict[str, Callable]:
    np = _numpy()
    return {
        "tanh": np.tanh,
        "relu": lambda a: np.where(a > 0, a, 0.0),  # NaN gives 0.0, as ops.relu
        "sigmoid": lambda a: 0.5 * (1.0 + np.tanh(0.5 * a)),  # no overflow warnings
        "linear": lambda a: a,
    }


def _numpy():
    import numpy

    return numpy


def neuron_outputs(model: MLP, points: Sequence[Sequence[float]]) -> NeuronMaps:
    """What every hidden neuron of an engine MLP gives at each of ``points``
    (the output layer, the model's score, is :func:`predict`'s), floats only.

    It is for pictures of what each neuron "sees": one layer at a time over all
    the points at once, with NumPy when it is installed (a sum in another order
    can differ from the Value's in the last bit), else with the ops the Values use.
    """
    if not _is_plain_mlp(model):
        raise ValueError("neuron maps need an engine MLP (its neurons are read one by one)")
    nin = len(model.layers[0].neurons[0].w)
    for p in points:
        if len(p) != nin:
            raise ValueError(f"this model takes {nin} inputs, not {len(p)}")
    hidden = model.layers[:-1]
    weights = tuple(tuple(tuple(w.data for w in n.w) for n in layer.neurons) for layer in hidden)
    biases = tuple(tuple(n.b.data for n in layer.neurons) for layer in hidden)
    kinds = [[n.activation for n in layer.neurons] for layer in hidden]
    outputs: list[tuple[tuple[float, ...], ...]] = []
    if numpy_available() and points:
        np = _numpy()
        activate = _numpy_activations()
        x = np.asarray(points, dtype=float)  # one row per point
        with np.errstate(all="ignore"):  # inf and NaN show as they are
            for w, b, acts in zip(weights, biases, kinds, strict=True):
                z = x @ np.asarray(w, dtype=float).T + np.asarray(b, dtype=float)
                x = np.column_stack([activate[a](z[:, j]) for j, a in enumerate(acts)])
                outputs.append(tuple(tuple(column.tolist()) for column in x.T))
    else:
        rows = [tuple(p) for p in points]
        for w, b, acts in zip(weights, biases, kinds, strict=True):
            funcs = [_FLOAT_ACTIVATIONS[a] for a in acts]
            rows = [
                tuple(f(dot(wn, row, bn)) for wn, bn, f in zip(w, b, funcs, strict=True))
                for row in rows
            ]
            outputs.append(tuple(zip(*rows, strict=True)) if rows else tuple(() for _ in w))
    return NeuronMaps(tuple(outputs), weights, biases)


# -- decision boundary ----------------------------------------------------------


@dataclass(frozen=True)
class DecisionGrid:
    """A model's scores on a grid of points: ``scores[i][j]`` is the score at
    ``(xs[j], ys[i])`` -- one row per y, like micrograd's ``Z``. A positive
    score means class +1, so the boundary is where the scores cross 0."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    scores: tuple[tuple[float, ...], ...]
    step: float


_MAX_GRID_POINTS = 1_000_000


def _arange(start: float, stop: float, step: float) -> tuple[float, ...]:
    """The same numbers as ``np.arange(start, stop, step)``, in plain Python."""
    n = math.ceil((stop - start) / step)
    if n <= 0:
        return ()
    if n == 1:
        return (start,)
    # NumPy computes start + step once, then fills start + i*delta with the
    # delta that first step actually came to.
    second = start + step
    delta = second - start
    return (start, second, *(start + i * delta for i in range(2, n)))


def plane_limits(
    points: Sequence[Sequence[float]], margin: float
) -> tuple[float, float, float, float]:
    """``(x_min, x_max, y_min, y_max)`` of 2-D ``points``, ``margin`` beyond them on
    every side: the plane a decision-boundary plot covers."""
    return (
        min(p[0] for p in points) - margin,
        max(p[0] for p in points) + margin,
        min(p[1] for p in points) - margin,
        max(p[1] for p in points) + margin,
    )


def decision_grid(
    model: Module,
    X: Sequence[Sequence[float]],
    step: float = 0.25,
    margin: float = 1.0,
    *,
    resolution: int | None = None,
) -> DecisionGrid:
    """Score the model on a mesh covering the 2-D points ``X`` plus ``margin``
    on every side, spaced ``step`` apart -- micrograd's decision-boundary plot,
    ``np.arange(x_min, x_max, h)`` on both axes.

    ``resolution``, if given, replaces ``step``: the spacing is chosen so that
    the mesh has about that many points in all (handy for a plot of a given size).
    """
    points = [tuple(float(v) for v in p) for p in X]
    if not points:
        raise ValueError("a decision grid needs at least one point to cover")
    if any(len(p) != 2 for p in points):
        raise ValueError("a decision grid needs points with exactly 2 features (x and y)")
    if not (_is_number(margin) and margin > 0):
        raise ValueError(f"the margin must be a positive number, not {margin!r}")
    x_min, x_max, y_min, y_max = plane_limits(points, margin)
    if resolution is not None:
        if not (_is_whole(resolution) and 1 <= resolution <= _MAX_GRID_POINTS):
            raise ValueError(
                f"the resolution must be a whole number of grid points from 1 to "
                f"{_MAX_GRID_POINTS}, not {resolution!r}"
            )
        step = math.sqrt((x_max - x_min) * (y_max - y_min) / resolution)
    if not (_is_number(step) and step > 0):
        raise ValueError(f"the grid step must be a positive number, not {step!r}")
    cells = math.ceil((x_max - x_min) / step) * math.ceil((y_max - y_min) / step)
    if cells > _MAX_GRID_POINTS:
        raise ValueError(
            f"a step of {step!r} would make {cells} grid points (at most "
            f"{_MAX_GRID_POINTS}); use a larger step"
        )
    xs = _arange(x_min, x_max, step)
    ys = _arange(y_min, y_max, step)
    flat = predict(model, [(x, y) for y in ys for x in xs])
    width = len(xs)
    scores = tuple(tuple(flat[i * width : (i + 1) * width]) for i in range(len(ys)))
    return DecisionGrid(xs=xs, ys=ys, scores=scores, step=step)
