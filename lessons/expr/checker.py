"""The checker: a whitelist of Python's syntax tree.

It walks the tree before anything is computed and refuses, at the first problem in reading
order, everything outside the little language. A ``visit_`` method exists for each kind of
node the language knows; every other kind is refused by ``generic_visit`` with a message
from ``messages``.
"""

from __future__ import annotations

import ast
import builtins
import math

from lessons.expr import messages
from lessons.expr.errors import ExpressionError
from lessons.expr.language import FUNCTIONS, MAX_DEPTH, MAX_STATEMENTS
from lessons.expr.source import Source

__all__ = ["Checker"]

# What a visit returns for an expression: its parts, each with how much deeper it nests (a
# chain like `a + b + c` leans left and stays flat).
Parts = list[tuple[ast.expr, int]]

BINARY = {"Add": "+", "Sub": "-", "Mult": "*", "Div": "/", "Pow": "**"}


def _is_plain_number(node: ast.expr) -> bool:
    """A number literal, perhaps with signs in front: what an exponent may be."""
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    )


class Checker(ast.NodeVisitor):
    """Checks the statements of one text. ``defined`` maps each name that has a value to the
    line that gave it, or to None for a name the exercise gives."""

    def __init__(self, source: Source, defined: dict[str, int | None]) -> None:
        self.source = source
        self.defined = defined
        self.statements: list[ast.stmt] = []
        self.index = 0

    def refuse(self, message: str, position: tuple[int, int]) -> ExpressionError:
        return self.source.error(message, position)

    def check(self, statements: list[ast.stmt]) -> None:
        if not statements:
            raise self.refuse(messages.EMPTY, (1, 0))
        if len(statements) > MAX_STATEMENTS:
            start = self.source.start(statements[MAX_STATEMENTS])
            raise self.refuse(messages.too_many_statements(len(statements)), start)
        self.statements = statements
        for index, statement in enumerate(statements):
            self.index = index  # for "defined later" hints
            self.visit(statement)

    def expression(self, expression: ast.expr) -> None:
        """Check ``expression`` and its parts, with an explicit stack rather than recursion so
        that no input can exhaust Python's call stack. The depth limit is kept here, and only
        here."""
        stack = [(expression, 0)]
        while stack:
            node, depth = stack.pop()
            parts: Parts = self.visit(node)
            for part, nesting in reversed(parts):
                if depth + nesting > MAX_DEPTH:
                    raise self.refuse(messages.TOO_DEEP, self.source.operation(node))
                stack.append((part, depth + nesting))

    def generic_visit(self, node: ast.AST) -> Parts:
        kind = type(node).__name__
        source = self.source
        if isinstance(node, ast.stmt):
            word = messages.STATEMENT_WORDS.get(kind, kind)
            raise self.refuse(messages.statement(word), source.start(node))
        message, after = messages.REFUSED_EXPRESSIONS.get(kind, (None, None))
        if message is None:
            raise self.refuse(messages.not_in_language(source.segment(node)), source.start(node))
        part = getattr(node, after) if after else None
        if isinstance(part, list):
            part = part[0] if part else None
        raise self.refuse(message, source.after(part) if part else source.start(node))

    # -- statements --------------------------------------------------------------------------

    def visit_Expr(self, statement: ast.Expr) -> None:
        self.expression(statement.value)

    def visit_Assign(self, statement: ast.Assign) -> None:
        name = self.target(statement)
        self.not_alias(name, statement.value)
        self.expression(statement.value)
        self.defined[name] = statement.lineno

    def visit_AugAssign(self, statement: ast.AugAssign) -> None:
        kind = type(statement.op).__name__
        symbol = BINARY.get(kind) or messages.REFUSED_OPERATORS.get(kind, ("?",))[0]
        target = self.source.segment(statement.target)
        raise self.refuse(messages.in_place(symbol, target), self.source.after(statement.target))

    def visit_AnnAssign(self, statement: ast.AnnAssign) -> None:
        raise self.refuse(messages.ANNOTATION, self.source.after(statement.target))

    def target(self, statement: ast.Assign) -> str:
        start = self.source.start
        if len(statement.targets) > 1:
            raise self.refuse(messages.ONE_EQUALS, start(statement.targets[1]))
        target = statement.targets[0]
        if isinstance(target, (ast.Tuple, ast.List)):
            raise self.refuse(messages.SEVERAL_NAMES, start(target))
        if not isinstance(target, ast.Name):
            raise self.refuse(messages.ONE_NAME, start(target))
        name = target.id
        if name in FUNCTIONS:
            raise self.refuse(messages.function_as_name(name), start(target))
        if name in self.defined:
            raise self.refuse(messages.already_defined(name, self.defined[name]), start(target))
        return name

    def not_alias(self, name: str, value: ast.expr) -> None:
        # `b = a` would label a's own node `b`: one node cannot carry two names.
        while isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.UAdd):
            value = value.operand
        if isinstance(value, ast.Name) and value.id in self.defined:
            raise self.refuse(messages.alias(name, value.id), self.source.start(value))

    # -- expressions -------------------------------------------------------------------------

    def visit_Constant(self, node: ast.Constant) -> Parts:
        value, start = node.value, self.source.start(node)
        if isinstance(value, bool) or value is None:
            raise self.refuse(messages.not_a_number(str(value)), start)
        text = self.source.segment(node)
        if isinstance(value, complex):
            raise self.refuse(messages.imaginary(text), start)
        if not isinstance(value, (int, float)):
            raise self.refuse(messages.write_a_number(text), start)
        try:
            finite = math.isfinite(float(value))
        except OverflowError:
            finite = False
        if not finite:
            raise self.refuse(messages.number_too_large(text), start)
        return []

    def visit_Name(self, node: ast.Name) -> Parts:
        if node.id in self.defined:
            return []
        name = messages.short(node.id)
        position = self.source.start(node)
        if node.id in FUNCTIONS:
            raise self.refuse(messages.function_without_call(name), position)
        later = next(
            (
                statement.lineno
                for statement in self.statements[self.index + 1 :]
                if isinstance(statement, ast.Assign)
                and isinstance(statement.targets[0], ast.Name)
                and statement.targets[0].id == node.id
            ),
            None,
        )
        if later is not None:
            raise self.refuse(messages.defined_later(name, later == node.lineno, later), position)
        if hasattr(builtins, node.id):
            raise self.refuse(messages.python_builtin(name), position)
        raise self.refuse(messages.undefined(name), position)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Parts:
        kind = type(node.op).__name__
        if kind in messages.REFUSED_OPERATORS:
            symbol, advice = messages.REFUSED_OPERATORS[kind]
            raise self.refuse(messages.refused_operator(symbol, advice), self.source.start(node))
        return [(node.operand, 1)]

    def visit_BinOp(self, node: ast.BinOp) -> Parts:
        kind = type(node.op).__name__
        if kind not in BINARY:
            symbol, advice = messages.REFUSED_OPERATORS.get(kind, ("?", messages.OPERATIONS))
            message = messages.refused_operator(symbol, advice)
            raise self.refuse(message, self.source.after(node.left))
        if kind == "Pow" and not _is_plain_number(node.right):
            raise self.exponent_error(node.right)
        return [(node.left, 0), (node.right, 1)]

    def visit_Call(self, node: ast.Call) -> Parts:
        function, start = node.func, self.source.start
        if isinstance(function, ast.Name) and function.id in FUNCTIONS:
            self.arguments(node, function.id)
            return [(node.args[0], 1)]
        if isinstance(function, ast.Attribute) and function.attr in FUNCTIONS:
            name, receiver = function.attr, function.value
            if node.args or node.keywords:
                if (
                    isinstance(receiver, ast.Name)
                    and receiver.id not in self.defined
                    and len(node.args) == 1
                    and not node.keywords
                ):  # math.exp(x), np.tanh(x)
                    raise self.refuse(messages.module_prefix(receiver.id, name), start(receiver))
                first = (node.args or node.keywords)[0]
                raise self.refuse(messages.method_takes_nothing(name), start(first))
            return [(receiver, 1)]
        if isinstance(function, ast.Attribute):
            raise self.attribute_error(function)
        if isinstance(function, ast.Name):
            name = messages.short(function.id)
            if function.id in self.defined:
                raise self.refuse(messages.calling_a_value(name), start(function))
            if function.id == "Value":
                raise self.refuse(self.value_constructor(node), start(function))
            raise self.refuse(messages.unknown_function(name, function.id), start(function))
        text = self.source.segment(function)
        raise self.refuse(messages.not_a_function(text), self.source.after(function))

    def value_constructor(self, call: ast.Call) -> str:
        """What to write instead of ``Value(2.0)``: the number, named as the statement
        that holds it names it (``a = 2.0``), or ``x = 2.0`` elsewhere."""
        statement = self.statements[self.index]
        name = None
        if (
            isinstance(statement, ast.Assign)
            and statement.value is call
            and isinstance(statement.targets[0], ast.Name)
        ):
            name = messages.short(statement.targets[0].id)
        number = None
        if call.args and isinstance(call.args[0], (ast.Constant, ast.UnaryOp)):
            number = messages.short(self.source.segment(call.args[0]))
        return messages.value_constructor(name, number)

    def arguments(self, node: ast.Call, name: str) -> None:
        start = self.source.start
        if node.keywords:
            given = node.keywords[0]
            if given.arg is None:
                raise self.refuse(messages.double_star_argument(name), start(given))
            value = self.source.segment(given.value)
            raise self.refuse(messages.keyword_argument(name, given.arg, value), start(given))
        if not node.args:
            raise self.refuse(messages.no_argument(name), start(node.func))
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise self.refuse(messages.star_argument(name), start(argument))
        if len(node.args) > 1:
            raise self.refuse(messages.extra_arguments(name), start(node.args[1]))

    def visit_Attribute(self, node: ast.Attribute) -> Parts:
        raise self.attribute_error(node)

    def exponent_error(self, exponent: ast.expr) -> ExpressionError:
        text = self.source.segment(exponent)
        if isinstance(exponent, ast.Name):
            why = f"`{text}` is a Value" if exponent.id in self.defined else f"`{text}` is a name"
        elif isinstance(exponent, (ast.BinOp, ast.Call, ast.UnaryOp)):
            why = f"`{text}` is a calculation"
        else:
            why = f"`{text}` is not a number"
        return self.refuse(messages.exponent(why), self.source.start(exponent))

    def attribute_error(self, node: ast.Attribute) -> ExpressionError:
        while isinstance(node.value, ast.Attribute):  # `a.b.c`: `.b` comes first in reading
            node = node.value
        dot = self.source.after(node.value)
        position = self.source.next_token((dot[0], dot[1] + 1))
        return self.refuse(messages.attribute(node.attr), position)

    # -- expressions with a message of their own ---------------------------------------------

    def visit_NamedExpr(self, node: ast.NamedExpr) -> Parts:
        target = self.source.segment(node.target)
        raise self.refuse(messages.walrus(target), self.source.after(node.target))

    def visit_Compare(self, node: ast.Compare) -> Parts:
        symbol = messages.COMPARISONS.get(type(node.ops[0]).__name__, "==")
        if symbol == "==" and isinstance(node.left, ast.Name) and len(node.ops) == 1:
            message = messages.equality(node.left.id, self.source.segment(node.comparators[0]))
        else:
            message = messages.comparison(symbol)
        raise self.refuse(message, self.source.after(node.left))

    def visit_BoolOp(self, node: ast.BoolOp) -> Parts:
        word = "and" if isinstance(node.op, ast.And) else "or"
        raise self.refuse(messages.boolean_operator(word), self.source.after(node.values[0]))
