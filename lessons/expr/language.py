"""The little language itself: its limits and its functions."""

from __future__ import annotations

from collections.abc import Callable

from engine.value import Value

__all__ = ["FUNCTIONS", "MAX_CHARS", "MAX_DEPTH", "MAX_OPERATIONS", "MAX_STATEMENTS", "Part"]

MAX_CHARS = 4_000
MAX_STATEMENTS = 200
MAX_OPERATIONS = 1_000
MAX_DEPTH = 50

FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "tanh": Value.tanh,
    "exp": Value.exp,
    "relu": Value.relu,
    "log": Value.log,
    "sigmoid": Value.sigmoid,
}

# While an expression is worked out, a part is either a plain number (a literal, perhaps with
# a sign) or a Value. Numbers stay plain until an operation needs them, so that `b = -3.0` is
# a leaf holding -3.0 rather than a `*` node, and `x ** 2` has the plain exponent it needs.
Part = int | float | Value
