"""Build a labelled graph of Values from a learner's text, without ever running the text.

The tutor lets learners type expressions like the lecture's::

    a = 2.0; b = -3.0; c = 10.0; e = a*b; d = e + c; f = -2.0; L = d * f

Handing that text to ``eval`` would hand Python itself to whoever types in the box (and a
teacher may serve the tutor to a whole class), so the text goes through three small steps:

1. A quick scan (``syntax.scan``) refuses what the parser should never see: too much text,
   NUL bytes and other invisible characters, quotes, and brackets nested too deep or never
   closed.
2. ``ast.parse`` reads the text into a syntax tree -- it only reads, nothing runs -- and a
   checker (``checker.Checker``) walks the tree. It knows a short list of node kinds and
   refuses every other one with a message that says what to write instead. If the parser
   cannot read the text at all, ``syntax.explain`` finds out why from the tokens.
3. An interpreter of our own (``interpreter.Interpreter``) walks the checked tree and calls
   Value's operations.

The language: statements on separate lines or separated by ``;``; ``name = expression`` and
bare expressions; numbers (``2``, ``-3.0``, ``1e-3``); names defined earlier; ``+ - * / **``
(the exponent a plain number); unary ``-`` and ``+``; brackets; and ``tanh exp relu log
sigmoid``, as methods (``x.tanh()``) or as functions (``tanh(x)``).

Each name is one node of the graph, so a name gets its value once; a name given a plain
number (``b = -3.0``) is a leaf, anything else is computed.
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Mapping
from dataclasses import dataclass

from engine.value import Value
from lessons.expr.checker import Checker
from lessons.expr.errors import ExpressionError
from lessons.expr.interpreter import Interpreter
from lessons.expr.language import FUNCTIONS
from lessons.expr.source import Source

__all__ = ["Program", "build"]


@dataclass(frozen=True, eq=False)
class Program:
    """What ``build`` made: every assigned name's Value (in order of definition, each
    labelled with its name), the Value of the last statement, and which names are leaves
    (given a plain number) and which are computed from others."""

    values: dict[str, Value]
    output: Value
    leaves: tuple[str, ...]
    computed: tuple[str, ...]


def build(source: str, *, inputs: Mapping[str, float] | None = None, prelude: str = "") -> Program:
    """Build the Value graph that ``source`` describes, or raise ``ExpressionError``.

    An exercise may give the learner some names first: ``inputs`` binds names to numbers
    (each a leaf), and ``prelude`` is hidden text of the same language, built before
    ``source``. The Program holds their values too, but errors speak only of the learner's
    text: its own lines and columns, and "the exercise gives it" for a given name.
    """
    if not isinstance(source, str):
        raise TypeError(f"build() takes the text of an expression, not {type(source).__name__}")
    learner = Source(source)
    statements = learner.parse()
    interpreter = Interpreter()
    defined: dict[str, int | None] = {}
    for name, number in (inputs or {}).items():
        _check_input(name, number)
        interpreter.given(name, float(number))
        defined[name] = None
    if prelude:
        _run_prelude(prelude, interpreter, defined)
    Checker(learner, defined).check(statements)
    output = interpreter.run(learner, statements)
    return Program(
        interpreter.values, output, tuple(interpreter.leaves), tuple(interpreter.computed)
    )


def _check_input(name: object, number: object) -> None:
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"an input needs a name the language can use, not {name!r}")
    if name in FUNCTIONS:
        raise ValueError(f"{name!r} is a function of the language, not a name for an input")
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        raise TypeError(f"input {name!r} must be a number, not {type(number).__name__}")
    if not math.isfinite(number):
        raise ValueError(f"input {name!r} must be a finite number, not {number!r}")


def _run_prelude(prelude: str, interpreter: Interpreter, defined: dict[str, int | None]) -> None:
    """Build the exercise's hidden text into the graph; every name it defines is given."""
    try:
        text = Source(prelude)
        statements = text.parse()
        Checker(text, defined).check(statements)
        interpreter.run(text, statements)
    except ExpressionError as err:
        # The prelude is the lesson's own text: if it does not build, the lesson is wrong.
        raise ValueError(f"the prelude does not build: {err}") from None
    for name in defined:
        defined[name] = None
