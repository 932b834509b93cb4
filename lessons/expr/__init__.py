"""The expression builder: a learner's text becomes a labelled Value graph,
through the project's own interpreter over a whitelist of Python's syntax tree.
Learner text never reaches ``eval`` or ``exec``.

    from lessons.expr import build

    program = build("a = 2.0; b = -3.0; L = a*b")
    program.output.backward()
"""

from lessons.expr.builder import (
    FUNCTIONS,
    MAX_CHARS,
    MAX_DEPTH,
    MAX_OPERATIONS,
    MAX_STATEMENTS,
    ExpressionError,
    Program,
    build,
    format_error,
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
