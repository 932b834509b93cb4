"""The interpreter: works out a checked program with Value's own operations."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable

from engine.value import (
    DivisionByZeroError,
    FloatOverflowError,
    MathError,
    UndefinedMathError,
    Value,
)
from lessons.expr import messages
from lessons.expr.language import FUNCTIONS, MAX_OPERATIONS, Part
from lessons.expr.source import Source

__all__ = ["Interpreter"]

_BINARY: dict[type, tuple[str, Callable[[Part, Part], Value]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.Pow: ("**", operator.pow),
}


def _parts(node: ast.expr) -> list[ast.expr]:
    """The sub-expressions a checked node needs worked out first, in reading order."""
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.Call):
        return [node.args[0]] if isinstance(node.func, ast.Name) else [node.func.value]
    return []


def _number_text(part: Part) -> str:
    """A number as the messages show it: `(-2.0)` in brackets so `(-2.0) ** 0.5` reads right."""
    number = part.data if isinstance(part, Value) else part
    text = repr(number)
    return f"({text})" if number < 0 else text


class Interpreter:
    """Runs checked statements, one text after another, into one graph: ``values`` holds
    every name's Value in order of definition, ``leaves`` the names given a plain number
    and ``computed`` the others."""

    def __init__(self) -> None:
        self.values: dict[str, Value] = {}
        self.leaves: list[str] = []
        self.computed: list[str] = []

    def given(self, name: str, number: float) -> None:
        self.values[name] = Value(number, label=name)
        self.leaves.append(name)

    def run(self, source: Source, statements: list[ast.stmt]) -> Value:
        """Run ``statements`` of ``source`` and return the Value of the last one."""
        self.source = source
        self.operations = 0
        output = None
        for statement in statements:
            result = self.evaluate(statement.value)
            if isinstance(statement, ast.Assign):
                name = statement.targets[0].id
                if isinstance(result, Value):
                    result.label = name
                    self.computed.append(name)
                else:  # a plain number: an input of the graph
                    result = Value(result, label=name)
                    self.leaves.append(name)
                self.values[name] = result
            elif not isinstance(result, Value):
                result = Value(result)
            output = result
        return output

    def evaluate(self, expression: ast.expr) -> Part:
        # Parts before the node that needs them, with an explicit stack (no recursion).
        results: dict[ast.expr, Part] = {}
        stack = [(expression, False)]
        while stack:
            node, parts_done = stack.pop()
            if parts_done:
                results[node] = self.apply(node, [results.pop(part) for part in _parts(node)])
            else:
                stack.append((node, True))
                stack.extend((part, False) for part in reversed(_parts(node)))
        return results[expression]

    def apply(self, node: ast.expr, parts: list[Part]) -> Part:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self.values[node.id]
        if isinstance(node, ast.UnaryOp):
            (x,) = parts
            if isinstance(node.op, ast.UAdd):
                return x
            if not isinstance(x, Value):
                return -x  # a sign in front of a number stays part of the number
            self.count(node)
            return -x
        if isinstance(node, ast.BinOp):
            return self.binary(node, *parts)
        return self.call(node, parts[0])

    def count(self, node: ast.expr) -> None:
        self.operations += 1
        if self.operations > MAX_OPERATIONS:
            message = messages.too_many_operations(self.operations)
            raise self.source.error(message, self.source.operation(node))

    def binary(self, node: ast.BinOp, left: Part, right: Part) -> Value:
        self.count(node)
        symbol, operation = _BINARY[type(node.op)]
        shown = f"{_number_text(left)} {symbol} {_number_text(right)}"
        if not isinstance(left, Value) and not isinstance(right, Value):
            left = Value(left)  # `2 * 3` is still a node, with 2 as a constant leaf
        try:
            out = operation(left, right)
        except DivisionByZeroError:
            problem = messages.division_by_zero(shown, power=symbol == "**")
        except UndefinedMathError:
            problem = messages.no_real_value(shown)
        except FloatOverflowError:
            problem = messages.overflow(shown)
        except MathError as err:
            problem = f"{shown}: {err}"
        else:
            if math.isfinite(out.data):
                return out
            # + and * follow IEEE floats: they give inf instead of raising.
            problem = messages.overflow(shown)
        raise self.source.error(problem, self.source.operation(node))

    def call(self, node: ast.Call, x: Part) -> Value:
        self.count(node)
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        x = x if isinstance(x, Value) else Value(x)
        shown = f"{name}({x.data!r})"
        try:
            out = FUNCTIONS[name](x)
        except UndefinedMathError:
            problem = messages.undefined_function_value(shown, name)
        except FloatOverflowError:
            advice = " — exp stays finite only up to about exp(709)" if name == "exp" else ""
            problem = messages.overflow(shown, advice)
        except MathError as err:
            problem = f"{shown}: {err}"
        else:
            if math.isfinite(out.data):
                return out
            problem = messages.overflow(shown, "")
        raise self.source.error(problem, self.source.operation(node))
