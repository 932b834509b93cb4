"""Functions of x written in the expression language, worked out by the engine.

A slope step or a check gives ``x`` as an input and the text is only the expression in it,
such as ``3*x**2 - 4*x + 5``. Here, rather than in ``lessons.checks``, so that
``lessons.model`` and ``lessons.checks`` can both use them without importing each other.
"""

from __future__ import annotations

from lessons.expr import Program, build

__all__ = ["function_of", "function_slope", "function_value"]


def function_of(function: str, x: float) -> Program:
    """The graph of ``function`` with ``x`` given (``values["x"]`` is its leaf)."""
    return build(function, inputs={"x": float(x)})


def function_value(function: str, x: float) -> float:
    """The value of an expression in ``x`` at ``x``."""
    return function_of(function, x).output.data


def function_slope(function: str, x: float) -> float:
    """The derivative of an expression in ``x`` at ``x``, by ``backward()``."""
    program = function_of(function, x)
    program.output.backward()
    return program.values["x"].grad
