"""The learner's text: checked before parsing, parsed, and able to turn the parser's
positions back into the line and column the learner sees."""

from __future__ import annotations

import ast
import functools
import warnings

from lessons.expr import messages, syntax
from lessons.expr.errors import ExpressionError, Position, normalise
from lessons.expr.language import MAX_CHARS

__all__ = ["Source"]


class Source:
    """One text the builder reads: the learner's, or an exercise's hidden prelude."""

    def __init__(self, text: str) -> None:
        if len(text) > MAX_CHARS:
            head = normalise(text[:MAX_CHARS])
            line = head.count("\n") + 1
            col = len(head) - (head.rfind("\n") + 1)
            raise ExpressionError(messages.too_long(len(text)), line, col + 1)
        self.lines = normalise(text).split("\n")
        syntax.scan(self.lines)
        # The language has no blocks, so indentation means nothing: leading spaces are taken
        # off before parsing (pasted code is often indented) and added back in positions.
        self.indents = [len(line) - len(line.lstrip(" \t\f")) for line in self.lines]
        self.parsed = "\n".join(line.lstrip(" \t\f") for line in self.lines)

    def error(self, message: str, position: Position) -> ExpressionError:
        return ExpressionError.at(message, position)

    def parse(self) -> list[ast.stmt]:
        try:
            with warnings.catch_warnings():
                # Python warns about things like `1 is 1`; those are refused with a message.
                warnings.simplefilter("ignore")
                tree = ast.parse(self.parsed)
        except SyntaxError as err:  # IndentationError is one too
            raise self.syntax_error(err) from None
        except (RecursionError, MemoryError):
            # Python's parser gives up on very deep nesting before our own check sees it.
            raise self.error(messages.TOO_DEEP, (1, 0)) from None
        except ValueError:  # e.g. a character the parser cannot encode
            raise self.error(messages.UNREADABLE, (1, 0)) from None
        return tree.body

    def syntax_error(self, err: SyntaxError) -> ExpressionError:
        """Our own reading of the tokens says what is wrong; only if it finds nothing does
        the parser's position mark the spot."""
        found = syntax.explain(self.lines)
        if found:
            return self.error(*found)
        n = min(max(err.lineno or 1, 1), len(self.lines))
        width = len(self.lines[n - 1]) - self.indents[n - 1]
        col = self.indents[n - 1] + min(max((err.offset or 1) - 1, 0), width)
        return self.error(messages.UNREADABLE_HERE, (n, col))

    # -- positions ---------------------------------------------------------------------------

    def position(self, lineno: int, byte_col: int) -> Position:
        """Where a parser position (1-based line, UTF-8 byte offset in the de-indented line)
        is in the learner's text."""
        line = self.lines[lineno - 1][self.indents[lineno - 1] :]
        chars = len(line.encode("utf-8")[:byte_col].decode("utf-8", "ignore"))
        return lineno, self.indents[lineno - 1] + chars

    def start(self, node: ast.AST) -> Position:
        return self.position(node.lineno, node.col_offset)

    def operation(self, node: ast.expr) -> Position:
        """Where the learner wrote the operation of ``node``: the operator of `a * b`, the
        name of `tanh(x)` or of `x.tanh()`, the sign of `-x`."""
        if isinstance(node, ast.BinOp):
            return self.after(node.left)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            dot = self.after(node.func.value)
            return self.next_token((dot[0], dot[1] + 1))
        return self.start(node)

    def after(self, node: ast.AST) -> Position:
        """The first token after ``node``, past any closing brackets: an operator, a dot,
        an opening bracket -- whatever the learner wrote next."""
        return self.next_token(self.position(node.end_lineno, node.end_col_offset))

    def next_token(self, position: Position) -> Position:
        n, col = position
        while n <= len(self.lines):
            code = syntax.code_of(self.lines[n - 1])
            while col < len(code):
                if not (code[col].isspace() or code[col] in ")\\"):
                    return n, col
                col += 1
            n, col = n + 1, 0
        return position

    def segment(self, node: ast.AST, limit: int = 40) -> str:
        """The learner's text of ``node`` on one line, shortened if long.

        Read from the lines as bytes (the parser's offsets count UTF-8 bytes), split once:
        ``ast.get_source_segment`` splits the whole text again at every call, which made a
        text of many statements cost time quadratic in its length."""
        first, last = node.lineno, node.end_lineno  # type: ignore[attr-defined]
        start, end = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]
        if last is None or end is None:
            return ""
        words: list[str] = []
        shown = 0
        for n in range(first, last + 1):
            line = self._encoded_lines[n - 1]
            piece = line[start if n == first else 0 : end if n == last else len(line)]
            new = piece.decode("utf-8", "replace").split()
            words += new
            shown += sum(map(len, new)) + len(new)
            if shown > limit:  # enough to shorten: the rest would be cut off anyway
                break
        return messages.short(" ".join(words), limit)

    @functools.cached_property
    def _encoded_lines(self) -> list[bytes]:
        return [line.encode("utf-8") for line in self.parsed.split("\n")]
