"""Where a training step's numbers first stopped being numbers.

When a run diverges, the trainer knows only how the story ended: the loss
became ``inf``, say. ``find_blowup`` takes that step again from Values, on the
parameters the step started from, and reads it in the order it is computed --
layer by layer through the network, then the loss, then backward -- so the
first value that is not a finite float names the operation that made it, the
neuron it belongs to, and the parameter most to blame. That is the story a
learner can act on: "layer 2, neuron 5's weighted sum gave inf, because its
weight 3 had grown to 2.4e+155".

Taking a step again costs one Values pass; it happens once, when a run has
already stopped, so the tape's speed is not needed here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from engine.losses import l2_penalty
from engine.nn import MLP, Module
from engine.ops import MathError
from engine.value import Value, topological_order

__all__ = ["Blowup", "candidate_rates", "find_blowup", "parameter_names"]

FORWARD, LOSS, BACKWARD, UPDATE = "forward", "loss", "backward", "update"

_OP_WORDS = {
    "dot": "weighted sum (w·x + b)",
    "ReLU": "ReLU",
    "tanh": "tanh",
    "sigmoid": "sigmoid",
    "exp": "exp",
    "log": "log",
    "*": "product (*)",
    "+": "sum (+)",
    "sum": "sum",
}


@dataclass(frozen=True)
class Blowup:
    """What went wrong first in a step, in words: ``stage`` is one of forward,
    loss, backward, update; ``op`` the operation whose result was not a finite
    number (its symbol in the graph: "dot", "ReLU", "*", ...); ``where`` the
    neuron or part of the loss it belongs to; ``culprit`` the parameter most to
    blame with its value (or "" when none stands out)."""

    step: int
    stage: str
    op: str
    where: str
    value: str  # "inf", "-inf", "nan", "too large for a float", or a math error's words
    culprit: str = ""

    def describe(self) -> str:
        """One or two sentences for the learner."""
        op = _OP_WORDS.get(self.op, self.op)
        if self.stage == UPDATE:
            text = f"The update of {self.where} was {self.value}"
        elif self.stage == BACKWARD and self.op == "parameter":
            text = f"Backward, the gradient of {self.where} became {self.value}"
        elif self.stage == BACKWARD:
            text = f"Backward, the gradient of the {op} in {self.where} became {self.value}"
        elif not self.op:  # a math error, which says what it was
            text = f"It started in {self.where}: {self.value}"
        else:
            text = f"It started in {self.where}: its {op} gave {self.value}"
        return text + (f", {self.culprit}." if self.culprit else ".")


def parameter_names(model: Module) -> dict[int, str]:
    """id(parameter) -> "layer 1, neuron 3, weight 2" (or "…, bias") for an MLP."""
    names: dict[int, str] = {}
    if not isinstance(model, MLP):
        return names
    for li, layer in enumerate(model.layers, 1):
        for ni, neuron in enumerate(layer.neurons, 1):
            for wi, w in enumerate(neuron.w, 1):
                names[id(w)] = f"layer {li}, neuron {ni}, weight {wi}"
            names[id(neuron.b)] = f"layer {li}, neuron {ni}, bias"
    return names


def _kind(x: float) -> str:
    if math.isnan(x):
        return "nan"
    return "inf" if x > 0 else "-inf"


def _largest(params: Sequence[Value], names: dict[int, str], values: Sequence[float]) -> str:
    """The parameter with the largest magnitude, as "because its weight … had grown to …"."""
    finite = [(abs(v), i) for i, v in enumerate(values) if math.isfinite(v)]
    if not finite or not names:
        return ""
    size, i = max(finite)
    if size < 1e3:  # nothing has grown much: no parameter to blame
        return ""
    return f"where {names.get(id(params[i]), 'a parameter')} had grown to {values[i]:.2g}"


def find_blowup(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[float],
    data_loss: Callable[[Sequence[Value], Sequence[float]], Value],
    alpha: float,
    learning_rate: float,
    step: int,
) -> Blowup | None:
    """Take the step again from Values on ``model``'s parameters as they are now
    (the ones the step started from) and say where its numbers first went bad;
    None if the step comes out finite this time. The gradients on the parameters
    are left as this pass made them."""
    params = model.parameters()
    names = parameter_names(model)
    culprit = _largest(params, names, [p.data for p in params])
    layers = model.layers if isinstance(model, MLP) else None
    places: dict[int, str] = {}  # id(node) -> its neuron, for the backward pass
    part = "the model"  # where a math error would come from
    try:
        if layers is None:
            scores = [model(x) for x in X]
            for score in scores:
                if (bad := _first_bad_node(score)) is not None:
                    return Blowup(step, FORWARD, bad._op, part, _kind(bad.data), culprit)
        else:
            rows: list[list[Value]] = [[Value(v) for v in x] for x in X]
            for li, layer in enumerate(layers, 1):
                found = _layer_blowup(layer, li, rows, step, culprit, places, names)
                if isinstance(found, Blowup):
                    return found
                rows = found
            scores = [row[0] for row in rows]
        part = "the loss"
        loss = data_loss(scores, y)
        if (bad := _first_bad_node(loss)) is not None:
            return Blowup(step, LOSS, bad._op, part, _kind(bad.data), culprit)
        if alpha:
            part = "the L2 penalty (alpha · Σ p²)"
            penalty = l2_penalty(params, alpha)
            if not math.isfinite(penalty.data):
                return Blowup(step, LOSS, "*", part, "inf", culprit)
            loss = loss + penalty
    except MathError as error:  # e.g. exp() overflowing in a custom model
        stage = FORWARD if part == "the model" else LOSS
        return Blowup(step, stage, "", part, str(error), culprit)
    for p in params:
        p.grad = 0.0
    loss.backward()
    for node in reversed(topological_order(loss)):  # the order backward visits them
        if not math.isfinite(node.grad):
            where = places.get(id(node)) or names.get(id(node)) or "the loss"
            kind = _kind(node.grad)
            return Blowup(step, BACKWARD, node._op or "parameter", where, kind, culprit)
    for p in params:
        g = p.grad
        if not math.isfinite(p.data - learning_rate * g):
            name = names.get(id(p), "a parameter")
            return Blowup(
                step,
                UPDATE,
                "",
                name,
                "too large for a float",
                f"its gradient {g:.3g} times the learning rate {learning_rate:g}",
            )
    return None


def _layer_blowup(
    layer,
    li: int,
    rows: list[list[Value]],
    step: int,
    culprit: str,
    places: dict[int, str],
    names: dict[int, str],
) -> Blowup | list[list[Value]]:
    """The layer's outputs for every point, or the first of its neurons to go bad
    (``places`` learns which neuron each new node belongs to)."""
    out_rows: list[list[Value]] = []
    for row in rows:
        outs = []
        for ni, neuron in enumerate(layer.neurons, 1):
            where = f"layer {li}, neuron {ni}"
            try:
                out = neuron(row)
            except MathError as error:
                return Blowup(step, FORWARD, "", where, str(error), culprit)
            # A neuron is two nodes: its weighted sum, then (unless linear) its activation.
            nodes = (out._prev[0], out) if out._op != "dot" else (out,)
            for node in nodes:
                places[id(node)] = where
                if not math.isfinite(node.data):
                    mine = neuron.parameters()
                    own = _largest(mine, names, [p.data for p in mine]).replace(
                        f"{where}, ", "its "
                    )
                    kind = _kind(node.data)
                    return Blowup(step, FORWARD, node._op, where, kind, own or culprit)
            outs.append(out)
        out_rows.append(outs)
    return out_rows


def _first_bad_node(root: Value) -> Value | None:
    for node in topological_order(root):
        if not math.isfinite(node.data):
            return node
    return None


def candidate_rates(learning_rate: float) -> list[float]:
    """Smaller learning rates worth trying after ``learning_rate`` blew up, largest
    first: a tenth and a hundredth of it, and the usual round rates below it."""
    ladder = {learning_rate / 10, learning_rate / 100, 3.0, 1.0, 0.3, 0.1, 0.03, 0.01}
    return sorted((r for r in ladder if r < learning_rate and r > 0), reverse=True)
