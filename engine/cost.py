"""What a training step costs, known before it is taken.

A step builds one graph over its batch: for every point, a ``dot`` node per neuron
(its weights, its inputs and its bias are the node's operands) and an activation
node, then the loss over the batch and the L2 penalty over the parameters. The
sizes of the layers and of the batch decide how many nodes and operand edges that
is, without building any of it; the memory a step needs follows from those two
counts, at so many bytes a node and so many an edge, measured on this engine
(``bench/step_cost.py`` measures them again).

Why it matters: the graph of a big setting does not fit in memory
(8 hidden layers of 256 over 1000 points is close to a billion edges), and a
setting like that is better refused before it starts, with one that fits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from engine.config import SETTINGS, training_set_size

__all__ = [
    "ENGINE_STYLES",
    "MAX_STEP_BYTES",
    "MICROGRAD",
    "TAPE",
    "VALUES",
    "StepCost",
    "cost_problem",
    "describe_bytes",
    "step_cost",
]

MAX_STEP_BYTES = 500 * 10**6
"""The most memory one step may need: 1000 points through hidden layers of 32,32
need about 130 MB, and a class of learners shares one machine."""

VALUES, TAPE, MICROGRAD = "values", "tape", "micrograd"
ENGINE_STYLES = (VALUES, TAPE, MICROGRAD)
"""How a step is taken: building this engine's Values, recording them as a tape (the
heavier first step of ``replay=True``), or a micrograd-style engine like the one a
learner builds, with one Value per ``+`` and ``*`` and a ``_backward`` closure each."""

# Bytes a step holds per node and per operand edge of its graph (the Value, its
# operand and local-derivative tuples, the floats), fitted to the peak resident
# memory of steps from 0.1 to 7 million edges on CPython 3.11 (bench/step_cost.py).
# Recording a tape holds the Values and, besides them, the tape's own arrays. A
# micrograd-style engine makes two Values (a product and a sum) for each weight of
# a neuron where this one has two edges of one dot node: about 700 bytes an edge here.
BYTES = {VALUES: (310, 16), TAPE: (230, 47), MICROGRAD: (0, 700)}  # (per node, per edge)


@dataclass(frozen=True)
class StepCost:
    """One step's graph (``nodes``, ``edges``) and the memory it needs, in bytes."""

    nodes: int
    edges: int
    bytes: int

    def fits(self, limit: int = MAX_STEP_BYTES) -> bool:
        return self.bytes <= limit


def step_cost(
    hidden: Sequence[int],
    batch: int,
    *,
    n_features: int = 2,
    activation: str = "relu",
    loss: str = "hinge",
    alpha: float = 1e-4,
    style: str = TAPE,
) -> StepCost:
    """The cost of one step of an ``MLP(n_features, [*hidden, 1])`` over ``batch``
    points taken in ``style`` (one of ``ENGINE_STYLES``): its nodes and edges as
    ``engine.train`` builds them (for a tape, the graph it is recorded from, whose
    targets are nodes too), and the memory the step needs."""
    tape = style == TAPE
    sizes = [n_features, *hidden, 1]
    per_point_nodes = n_features  # the point's inputs
    per_point_edges = 0
    parameters = 0
    for i, (n_in, n_out) in enumerate(pairwise(sizes)):
        activated = i < len(hidden) and activation != "linear"  # the output is linear
        per_point_nodes += n_out * (1 + activated)
        per_point_edges += n_out * (2 * n_in + 1 + activated)
        parameters += n_out * (n_in + 1)
    # A point's loss: hinge is relu(1 + -y*score), mse is (score + -y)**2; with a tape
    # the target is a node, and -y is y * -1.
    loss_nodes = {"hinge": 5, "mse": 3}.get(loss, 5) + 2 * tape
    per_point_nodes += loss_nodes
    per_point_edges += loss_nodes
    nodes = parameters + batch * per_point_nodes + 3  # + the sum, 1/n and its product
    edges = batch * per_point_edges + batch + 2
    if alpha:  # alpha * sum(p*p), added to the loss
        nodes += parameters + 4
        edges += 3 * parameters + 4
    per_node, per_edge = BYTES[style]
    return StepCost(nodes, edges, per_node * nodes + per_edge * edges)


def describe_bytes(size: float) -> str:
    """``"16 GB"``, ``"130 MB"``: a size in the words a learner reads (powers of 1000)."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            shown = size / scale
            return f"{shown:.0f} {unit}" if shown >= 10 else f"{shown:.1f} {unit}"
    return f"{math.ceil(size)} bytes"


# -- a setting too big, and what would fit ---------------------------------------------

_TYPICAL_POINTS = 100  # micrograd's demo: a network too big even for these is the problem


def cost_problem(config: Any, n_train: int, style: str | None = None) -> tuple[str, str] | None:
    """(the field to blame, why) when a step of ``config`` (a ``TrainConfig`` whose
    fields are otherwise fine) over a training set of ``n_train`` points would need
    more than ``MAX_STEP_BYTES``; None when it fits. ``style`` defaults to the one
    ``config.replay`` asks for.

    The blame goes to the data (the batch size, or the samples) when the network
    would fit over a typical batch, else to the hidden layers; either way the reason
    says what would fit.
    """
    style = style or (TAPE if config.replay else VALUES)
    hidden = tuple(config.hidden)
    batch = n_train if config.batch_size is None else min(config.batch_size, n_train)

    def cost(layers: tuple[int, ...], points: int) -> StepCost:
        return step_cost(
            layers,
            points,
            activation=config.activation,
            loss=config.loss,
            alpha=config.alpha,
            style=style,
        )

    needed = cost(hidden, batch)
    if needed.fits():
        return None
    field = "hidden"
    if cost(hidden, min(batch, _TYPICAL_POINTS)).fits():
        field = "samples" if config.batch_size is None else "batch_size"
    what = f"{_layers_text(hidden)} over {batch} points"
    if style == MICROGRAD:
        what += " on your engine"
    options = []
    most = _most_points(cost, hidden)
    if field == "batch_size" and most >= 1:
        options.append(f"a batch of up to {most} points fits with these layers")
    elif most >= 1:
        samples = _most_samples(most, config.test_fraction)
        if samples is not None:
            options.append(f"up to {samples} samples fit with these layers")
        else:  # fewer points than the fewest samples: a batch of them, then
            options.append(f"a batch size of up to {most} fits with these layers")
    smaller = _smaller_layers(cost, hidden, batch)
    if smaller is not None:
        options.append(f"hidden layers {','.join(map(str, smaller))} fit over {batch} points")
    reason = (
        f"{what[0].upper()}{what[1:]} need about {describe_bytes(needed.bytes)} of memory "
        f"a step (a graph of {_count_text(needed.edges)} edges), more than the "
        f"{describe_bytes(MAX_STEP_BYTES)} a step may use"
    )
    return field, reason + (": " + "; or ".join(options) + "." if options else ".")


def _count_text(n: int) -> str:
    return f"{n / 1e6:,.0f} million" if n >= 10**7 else f"{n:,}"


def _layers_text(hidden: tuple[int, ...]) -> str:
    if len(set(hidden)) == 1:
        layers = "layer" if len(hidden) == 1 else "layers"
        return f"{len(hidden)} hidden {layers} of {hidden[0]}"
    return f"hidden layers {','.join(map(str, hidden))}"


def _most_points(cost: Any, hidden: tuple[int, ...]) -> int:
    """The largest batch a step of ``hidden`` fits with (0: none): the cost grows
    by the same amount with each point."""
    empty, one = cost(hidden, 0).bytes, cost(hidden, 1).bytes
    return max(0, (MAX_STEP_BYTES - empty) // (one - empty))


def _most_samples(points: int, test_fraction: float) -> int | None:
    """The most samples (within their range) whose training set has at most
    ``points`` points, or None when even the fewest samples have more."""
    samples = next(s for s in SETTINGS if s.name == "samples")
    low, high = int(samples.low), int(samples.high)
    if (training_set_size(low, test_fraction) or 0) > points:
        return None
    while low < high:  # the training set grows with the samples
        middle = (low + high + 1) // 2
        if (training_set_size(middle, test_fraction) or 0) <= points:
            low = middle
        else:
            high = middle - 1
    return low


def _smaller_layers(cost: Any, hidden: tuple[int, ...], batch: int) -> tuple[int, ...] | None:
    """As many hidden layers, all of the widest power of two that fits over
    ``batch`` points, or fewer layers if none does; None for no hidden layer."""
    for depth in range(len(hidden), 0, -1):
        width = 1 << (max(hidden).bit_length() - 1)
        while width >= 1:
            layers = (width,) * depth
            if layers != hidden and cost(layers, batch).fits():
                return layers
            width //= 2
    return None
