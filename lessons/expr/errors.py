"""The error the builder raises, and how the tutor shows it under the learner's line."""

from __future__ import annotations

from lessons.expr.language import MAX_CHARS

__all__ = ["ExpressionError", "Position", "format_error", "normalise"]

Position = tuple[int, int]  # (line from 1, column from 0) in the learner's own text


class ExpressionError(ValueError):
    """The text is not something the tutor can build. ``line`` and ``col`` (both 1-based)
    point at the offending spot, and ``message`` says in plain words what to do."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(f"line {line}, column {col}: {message}")
        self.message = message
        self.line = line
        self.col = col

    @classmethod
    def at(cls, message: str, position: Position) -> ExpressionError:
        line, col = position
        return cls(message, line, col + 1)


def normalise(source: str) -> str:
    return source.replace("\r\n", "\n").replace("\r", "\n")


def format_error(source: str, err: ExpressionError) -> str:
    """The error's message, then the line it is on with a caret under the column."""
    header = f"line {err.line}, column {err.col}: {err.message}"
    lines = normalise(source[: MAX_CHARS + 1]).split("\n")
    if not 1 <= err.line <= len(lines) or not lines[err.line - 1].strip():
        return header
    line = lines[err.line - 1]
    col = min(max(err.col, 1), len(line) + 1) - 1
    # A long line is cut to a window around the caret so that the caret stays on screen.
    start = max(0, col - 60)
    shown = line[start : start + 80]
    before = "…" if start > 0 else ""
    after = "…" if start + 80 < len(line) else ""
    # One printable character per source character keeps the caret under the right one.
    shown = "".join(" " if ch == "\t" else ch if ch.isprintable() else "�" for ch in shown)
    caret = " " * (len(before) + col - start) + "^"
    return f"{header}\n  {before}{shown}{after}\n  {caret}"
