"""Losses: one number that says how wrong a model is.

Each loss is built from Values, so ``loss.backward()`` tells every parameter
which way to move to make the loss smaller. Sums use ``sum_values``: one
node instead of a long chain of ``+``, adding left to right exactly as
micrograd's ``sum(...)`` does, so the numbers match micrograd to the last bit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from engine import ops
from engine.value import Value, sum_values

__all__ = ["accuracy", "hinge_loss", "l2_penalty", "loss_of_numbers", "mse_loss"]


def _pairs(
    scores: Sequence[Value | float], ys: Sequence[Value | float]
) -> list[tuple[Value, Value | float]]:
    """Scores as Values; targets as numbers, or as the Values given (the trainer's
    tape marks them as inputs, so that a new batch brings new targets)."""
    scores, ys = list(scores), list(ys)
    if len(scores) != len(ys):
        raise ValueError(
            f"got {len(scores)} scores but {len(ys)} targets; they must pair up one to one"
        )
    if not scores:
        raise ValueError("a loss needs at least one score")
    return [
        (s if isinstance(s, Value) else Value(s), y if isinstance(y, Value) else float(y))
        for s, y in zip(scores, ys, strict=True)
    ]


def hinge_loss(scores: Sequence[Value | float], ys: Sequence[Value | float]) -> Value:
    """The SVM "max-margin" loss of micrograd's demo: the mean of ``relu(1 - y*score)``.

    With targets of +1 and -1, a point costs nothing once its score has the
    right sign *and* is at least 1 away from zero; otherwise it costs how far
    short it falls. Only the points that are wrong or too close push back.
    """
    pairs = _pairs(scores, ys)
    # Written as micrograd writes it: 1 + (-y)*score.
    losses = [(1 + -y * s).relu() for s, y in pairs]
    # Times 1/n rather than divided by n: micrograd's arithmetic, to the last bit.
    return sum_values(losses) * (1.0 / len(losses))


def mse_loss(scores: Sequence[Value | float], ys: Sequence[Value | float]) -> Value:
    """Mean squared error: the mean of ``(score - y)**2``.

    The lecture's loss is the *sum* of the squares; the mean is the same
    shape with gradients n times smaller, so it does not grow with the data.
    """
    pairs = _pairs(scores, ys)
    return sum_values([(s - y) ** 2 for s, y in pairs]) * (1.0 / len(pairs))


def l2_penalty(params: Iterable[Value], alpha: float = 1e-4) -> Value:
    """L2 regularisation, ``alpha * sum(p*p)``: a pull of every weight towards 0.

    Large weights make a jagged decision boundary; this small extra cost keeps
    them modest. ``1e-4`` is micrograd's demo value.
    """
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)):
        raise TypeError(f"alpha must be a number, not {type(alpha).__name__}")
    if not (math.isfinite(alpha) and alpha >= 0):
        raise ValueError(f"alpha must be a finite number of at least 0, not {alpha!r}")
    return alpha * sum_values([p * p for p in params])


def loss_of_numbers(
    loss: str,
    scores: Sequence[float],
    ys: Sequence[float],
    params: Iterable[float] = (),
    alpha: float = 0.0,
) -> float:
    """The number ``loss`` ("hinge" or "mse") gives for plain-number scores, plus
    ``alpha * sum(p*p)`` over ``params`` (numbers too) when alpha is not 0: what
    ``hinge_loss(scores, ys) + l2_penalty(...)`` computes, to the last bit, with
    no Value made.

    For a loss only looked at, never differentiated (the test set's): a graph of
    a thousand points costs milliseconds, these few float operations a tenth of it.
    Each line does the operations of the Value version, in its order (``engine.ops``).
    """
    if len(scores) != len(ys):
        raise ValueError(
            f"got {len(scores)} scores but {len(ys)} targets; they must pair up one to one"
        )
    if not scores:
        raise ValueError("a loss needs at least one score")
    if loss == "hinge":
        terms = [ops.relu(ops.add(1.0, ops.mul(-y, s))) for s, y in zip(scores, ys)]  # noqa: B905
    elif loss == "mse":
        terms = [ops.power(ops.add(s, -y), 2) for s, y in zip(scores, ys)]  # noqa: B905
    else:
        raise ValueError(f"the loss must be hinge or mse, not {loss!r}")
    total = ops.mul(ops.sum_of(terms), 1.0 / len(terms))
    if alpha:
        total = ops.add(total, ops.mul(alpha, ops.sum_of([ops.mul(p, p) for p in params])))
    return total


def accuracy(scores: Sequence[Value | float], ys: Sequence[float]) -> float:
    """The share of points whose score has the same sign as their label (0 to 1).

    A score above 0 means "class +1"; anything else (0 included) means
    "class -1", as in micrograd's ``(yi > 0) == (scorei.data > 0)``.
    """
    scores, ys = list(scores), list(ys)
    if len(scores) != len(ys):
        raise ValueError(
            f"got {len(scores)} scores but {len(ys)} labels; they must pair up one to one"
        )
    if not scores:
        raise ValueError("accuracy needs at least one score")
    right = 0
    for s, y in zip(scores, ys, strict=True):
        score = s.data if isinstance(s, Value) else s
        right += (y > 0) == (score > 0)
    return right / len(scores)
