"""How the tutor writes an op's local derivative and formula, in operand names.

The engine's op table (``engine.ops``) holds the arithmetic; this module holds
the teaching text, keyed by the same op symbols: ``∂(a*b)/∂a`` is written
``b``, ``∂(tanh n)/∂n`` is ``1 − tanh(n)²``. An op with no text here, or a node
with the wrong number of operands for its op, simply gets no rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Real

from engine.ops import POWER, find_op

__all__ = ["RULES", "format_number", "formula_text", "rule_text", "wrap"]


def format_number(x: float | None) -> str:
    """A number as the tutor prints it: six significant figures, and whole
    numbers keep their ``.0`` so they still read as floats (``-2.0``). Something
    that is not a number (a snapshot's null) prints as ``?``."""
    try:
        text = f"{x:.6g}"
    except (TypeError, ValueError):
        return "?"
    if text.lstrip("-").isdigit():
        text += ".0"
    return text


def wrap(name: str) -> str:
    """Parenthesise a name that is not a plain identifier (a number such as
    ``-1.0``, or ``*#3``) so that ``∂L/∂(-1.0)`` and ``1/(+#4)`` stay readable."""
    return name if name.isidentifier() else f"({name})"


def _power_text(k: float) -> str:
    """An exponent after ``^``: bare when a whole non-negative number, else in parentheses."""
    if k.is_integer():
        return str(int(k)) if k >= 0 else f"({int(k)})"
    return f"({k!r})"


def _dot_rule(names: Sequence[str], i: int) -> str:
    n = (len(names) - 1) // 2  # operands w1..wn, x1..xn, b
    if i < n:
        return names[n + i]
    if i < 2 * n:
        return names[i - n]
    return "1"


# ∂node/∂(operand i), given the operands' names. Powers are apart: they need k.
RULES: dict[str, Callable[[Sequence[str], int], str]] = {
    "+": lambda names, i: "1",
    "sum": lambda names, i: "1",
    "*": lambda names, i: names[1 - i],
    "dot": _dot_rule,
    "exp": lambda names, i: f"exp({names[i]})",
    "log": lambda names, i: f"1/{wrap(names[i])}",
    "tanh": lambda names, i: f"1 − tanh({names[i]})²",
    "sigmoid": lambda names, i: f"σ({names[i]})(1 − σ({names[i]}))",
    "ReLU": lambda names, i: f"1 if {wrap(names[i])} > 0 else 0",
}


def _power_rule(op_text: str, x: str, exponent: Real) -> str:
    k_text, k = op_text[2:], float(exponent)  # k as written in the op, for display
    if k == 0:
        return "0"
    if k == 1:
        return "1"
    if k - 1 == 1:
        return f"{k_text}·{wrap(x)}"
    return f"{k_text}·{wrap(x)}^{_power_text(k - 1)}"


def rule_text(
    op_text: str, names: Sequence[str], index: int, exponent: Real | None = None
) -> str | None:
    """The local derivative ∂node/∂(operand ``index``) in operand names, or None
    for an op with no rule here (or a node that cannot be that op)."""
    op = find_op(op_text)
    if op is None or not op.accepts(len(names)):
        return None
    if op is POWER:
        return None if exponent is None else _power_rule(op_text, names[index], exponent)
    rule = RULES.get(op.symbol)
    return None if rule is None else rule(names, index)


def formula_text(op_text: str, names: Sequence[str]) -> str:
    """The right-hand side of a node's formula: ``e + c``, ``tanh(n)``,
    ``w1·x1 + w2·x2 + b``; any other op is written as a function call."""
    op = find_op(op_text)
    if op is not None and op.accepts(len(names)):
        if op.symbol in ("+", "*"):
            return f"{names[0]} {op_text} {names[1]}"
        if op is POWER:
            return f"{wrap(names[0])} ** {op_text[2:]}"
        if op.symbol == "sum":
            return " + ".join(names)
        if op.symbol == "dot":
            n = (len(names) - 1) // 2
            terms = [f"{wrap(names[i])}·{wrap(names[n + i])}" for i in range(n)]
            return " + ".join([*terms, names[-1]])
    # one-operand functions: exp, log, tanh, sigmoid, ReLU, and any other op
    return f"{op_text}({', '.join(names)})"
