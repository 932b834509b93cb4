"""The expression builder: a learner's text becomes a labelled Value graph,
through the project's own interpreter over a whitelist of Python's syntax tree.
Learner text never reaches ``eval`` or ``exec``.

    from lessons.expr import build

    program = build("a = 2.0; b = -3.0; L = a*b")
    program.output.backward()

    # An exercise can give names first; errors still point into the learner's own text.
    build("y = 3*x - 1", inputs={"x": 2.0})
    build("o = n.tanh()", prelude="n = 0.5")

The modules, in the order the text meets them: ``source`` (limits, positions),
``syntax`` (the scan before parsing, and what went wrong when the parser refused),
``checker`` (the whitelist), ``interpreter`` (Value's operations); ``messages`` holds
every message, ``language`` the limits and functions, ``builder`` puts them together.
"""

from lessons.expr.builder import Program, build
from lessons.expr.errors import ExpressionError, format_error
from lessons.expr.language import (
    FUNCTIONS,
    MAX_CHARS,
    MAX_DEPTH,
    MAX_OPERATIONS,
    MAX_STATEMENTS,
)

__all__ = [
    "FUNCTIONS",
    "MAX_CHARS",
    "MAX_DEPTH",
    "MAX_OPERATIONS",
    "MAX_STATEMENTS",
    "ExpressionError",
    "Program",
    "build",
    "format_error",
]
