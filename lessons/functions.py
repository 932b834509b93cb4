"""A function of x written in the expression language, evaluated by the engine.

Slope steps (``lessons.model.Slope``) and the checks (``lessons.checks``) both
need these, and neither imports the other for them.
"""

from __future__ import annotations

__all__ = ["function_slope", "function_value"]


def _program(function: str, x: float):
    # The builder loads only when a function is first evaluated.
    from lessons.expr import build

    return build(f"x = {float(x)!r}\ny = {function}")


def function_value(function: str, x: float) -> float:
    """The value of an expression in ``x`` (right-hand side only) at ``x``."""
    return _program(function, x).output.data


def function_slope(function: str, x: float) -> float:
    """The derivative of an expression in ``x`` at ``x``, by ``backward()``."""
    program = _program(function, x)
    program.output.backward()
    return program.values["x"].grad
