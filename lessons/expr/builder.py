"""Build a labelled graph of Values from a learner's text, without ever running the text.

The tutor lets learners type expressions like the lecture's::

    a = 2.0; b = -3.0; c = 10.0; e = a*b; d = e + c; f = -2.0; L = d * f

Handing that text to ``eval`` would hand Python itself to whoever types in the box (and a
teacher may serve the tutor to a whole class), so the text goes through three small steps:

1. A quick scan refuses what the parser should never see: too much text, NUL bytes and other
   invisible characters, quotes, and brackets nested too deep or never closed.
2. ``ast.parse`` reads the text into a syntax tree -- it only reads, nothing runs -- and a
   checker walks the tree. It knows a short list of node kinds and refuses every other one
   with a message that says what to write instead.
3. An interpreter of our own walks the checked tree and calls Value's operations.

The language: statements on separate lines or separated by ``;``; ``name = expression`` and
bare expressions; numbers (``2``, ``-3.0``, ``1e-3``); names defined earlier; ``+ - * / **``
(the exponent a plain number); unary ``-`` and ``+``; brackets; and ``tanh exp relu log
sigmoid``, as methods (``x.tanh()``) or as functions (``tanh(x)``).

Each name is one node of the graph, so a name gets its value once; a name given a plain
number (``b = -3.0``) is a leaf, anything else is computed.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import math
import operator
import re
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from engine.value import (
    DivisionByZeroError,
    FloatOverflowError,
    MathError,
    UndefinedMathError,
    Value,
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

MAX_CHARS = 4_000
MAX_STATEMENTS = 200
MAX_OPERATIONS = 1_000
MAX_DEPTH = 50

FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "tanh": Value.tanh,
    "exp": Value.exp,
    "relu": Value.relu,
    "log": Value.log,
    "sigmoid": Value.sigmoid,
}

# While an expression is worked out, a part is either a plain number (a literal, perhaps with
# a sign) or a Value. Numbers stay plain until an operation needs them, so that `b = -3.0` is
# a leaf holding -3.0 rather than a `*` node, and `x ** 2` has the plain exponent it needs.
Number = int | float
Part = Number | Value

EMPTY = "Type an expression, like `a = 2.0; b = a * 3`"
LANGUAGE = "numbers, names, + - * / ** and the functions tanh, exp, relu, log and sigmoid"
METHODS = "the methods are .tanh() .exp() .relu() .log() and .sigmoid()"
TOO_DEEP = (
    f"this is nested more than {MAX_DEPTH} levels deep — give an inner part a name on an "
    "earlier line, like `t = ...`, and use `t`"
)


class ExpressionError(ValueError):
    """The text is not something the tutor can build. ``line`` and ``col`` (both 1-based)
    point at the offending spot, and ``message`` says in plain words what to do."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(f"line {line}, column {col}: {message}")
        self.message = message
        self.line = line
        self.col = col


@dataclass(frozen=True, eq=False)
class Program:
    """What ``build`` made: every assigned name's Value (in order of definition, each
    labelled with its name), the Value of the last statement, and which names are leaves
    (given a plain number) and which are computed from others."""

    values: dict[str, Value]
    output: Value
    leaves: tuple[str, ...]
    computed: tuple[str, ...]


def build(source: str) -> Program:
    """Build the Value graph that ``source`` describes, or raise ``ExpressionError``."""
    if not isinstance(source, str):
        raise TypeError(f"build() takes the text of an expression, not {type(source).__name__}")
    text = _Text(source)
    statements = text.parse()
    _Checker(text, statements).check()
    return _Interpreter(text).run(statements)


def format_error(source: str, err: ExpressionError) -> str:
    """The error's message, then the line it is on with a caret under the column."""
    header = f"line {err.line}, column {err.col}: {err.message}"
    lines = _normalise(source[: MAX_CHARS + 1]).split("\n")
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


def _normalise(source: str) -> str:
    return source.replace("\r\n", "\n").replace("\r", "\n")


# -- step 1: the learner's text, a scan before parsing, and positions --------------------------

Position = tuple[int, int]  # (line from 1, column from 0) in the learner's own text

_CLOSING = {"(": ")", "[": "]", "{": "}"}
_OPENING = {")": "(", "]": "[", "}": "{"}
_LOOKALIKES = {
    "−": "`−` is a typographic minus sign — type the plain `-` key instead",
    "–": "`–` is a dash — type the plain `-` key for minus",
    "—": "`—` is a dash — type the plain `-` key for minus",
    "×": "`×` is a printed times sign — type `*` to multiply",
    "·": "`·` is a printed dot — type `*` to multiply",
    "÷": "`÷` is a printed division sign — type `/` to divide",
    "²": "`²` is a printed square — write `**2`, like `x**2`",
    "³": "`³` is a printed cube — write `**3`, like `x**3`",
    "\u00a0": "this is a non-breaking space — replace it with an ordinary space",
    "‘": "text in quotes is not a number — remove the quotes",
    "’": "text in quotes is not a number — remove the quotes",
    "“": "text in quotes is not a number — remove the quotes",
    "”": "text in quotes is not a number — remove the quotes",
}
_STRING_PREFIXES = {"r", "u", "b", "br", "rb", "f", "fr", "rf"}


class _Text:
    """The learner's text: checked before parsing, de-indented for the parser, and able to
    turn the parser's positions back into the line and column the learner sees."""

    def __init__(self, source: str) -> None:
        if len(source) > MAX_CHARS:
            head = _normalise(source[:MAX_CHARS])
            line = head.count("\n") + 1
            col = len(head) - (head.rfind("\n") + 1)
            raise ExpressionError(
                f"the text is {len(source):,} characters long and the limit is {MAX_CHARS:,} "
                "— keep it to a few short lines, like `a = 2.0; b = a * 3`",
                line,
                col + 1,
            )
        self.lines = _normalise(source).split("\n")
        self.depth_at_start = self._scan()
        # The language has no blocks, so indentation means nothing: leading spaces are taken
        # off before parsing (pasted code is often indented) and added back in positions.
        self.indents = [len(line) - len(line.lstrip(" \t\f")) for line in self.lines]
        self.parsed = "\n".join(line.lstrip(" \t\f") for line in self.lines)

    def error(self, message: str, position: Position) -> ExpressionError:
        line, col = position
        return ExpressionError(message, line, col + 1)

    # -- the scan ----------------------------------------------------------------------------

    def _scan(self) -> list[int]:
        """Refuse, with a position, what must not reach the parser or would only confuse it.
        Returns the bracket depth at the start of each line."""
        opened: list[tuple[str, Position]] = []
        depth_at_start = []
        for n, line in enumerate(self.lines, 1):
            depth_at_start.append(len(opened))
            signs = 0
            in_comment = False
            for col, ch in enumerate(line):
                if ch == "\0":
                    raise self.error(
                        "the text contains a NUL character, which is invisible — delete it "
                        "(it usually comes from pasting binary data)",
                        (n, col),
                    )
                if not (" " <= ch <= "~" or ch in "\t\f"):
                    problem = self._unusual(ch, in_comment)
                    if problem:
                        raise self.error(problem, (n, col))
                if in_comment:
                    continue
                if ch == "#":
                    in_comment = True
                elif ch in "'\"":
                    raise self._quotes(n, col)
                elif ch in _CLOSING:
                    opened.append((ch, (n, col)))
                    if len(opened) > MAX_DEPTH:
                        raise self.error(
                            f"brackets are nested more than {MAX_DEPTH} deep here — give an "
                            "inner part a name on an earlier line, like `t = ...`, and use `t`",
                            (n, col),
                        )
                elif ch in _OPENING:
                    if not opened:
                        raise self.error(
                            f"this `{ch}` has no `{_OPENING[ch]}` before it — remove it, or "
                            f"add the `{_OPENING[ch]}` where the bracket should start",
                            (n, col),
                        )
                    opening, (line_no, col_no) = opened.pop()
                    if _CLOSING[opening] != ch:
                        raise self.error(
                            f"this `{ch}` does not match the `{opening}` on line {line_no}, "
                            f"column {col_no + 1} — close that one with `{_CLOSING[opening]}`",
                            (n, col),
                        )
                if ch in "-+~":
                    signs += 1
                    if signs > MAX_DEPTH:
                        raise self.error(
                            f"more than {MAX_DEPTH} signs in a row nest the expression too "
                            "deeply — remove the extra ones (two minus signs cancel out)",
                            (n, col),
                        )
                elif not ch.isspace():
                    signs = 0
        if opened:
            opening, position = opened[-1]
            raise self.error(
                f"this `{opening}` is never closed — add a `{_CLOSING[opening]}` where it "
                "should end",
                position,
            )
        return depth_at_start

    @staticmethod
    def _unusual(ch: str, in_comment: bool) -> str | None:
        """A message for a character outside printable ASCII, or None if it may stay."""
        code = f"U+{ord(ch):04X}"
        if ch.isascii() or unicodedata.category(ch).startswith("C"):
            return (
                f"the text contains an invisible or unusual character ({code}) — delete it, "
                "or retype this line"
            )
        if in_comment:
            return None
        if ch in _LOOKALIKES:
            return _LOOKALIKES[ch]
        if unicodedata.category(ch).startswith("Z"):
            return f"this is an unusual space ({code}) — replace it with an ordinary space"
        return None  # a letter such as α may be part of a name; the parser judges the rest

    def _quotes(self, n: int, col: int) -> ExpressionError:
        line = self.lines[n - 1]
        start = col
        while start > 0 and line[start - 1].isalpha():
            start -= 1
        prefix = line[start:col].lower()
        starts_token = start == 0 or not (line[start - 1].isalnum() or line[start - 1] == "_")
        if prefix not in _STRING_PREFIXES or not starts_token:
            start, prefix = col, ""
        if "f" in prefix:
            return self.error(
                "f-strings make text, not Values — write the expression itself, without quotes",
                (n, start),
            )
        return self.error(
            "text in quotes is not a number — a Value holds a number; remove the quotes",
            (n, start),
        )

    # -- parsing -----------------------------------------------------------------------------

    def parse(self) -> list[ast.stmt]:
        try:
            with warnings.catch_warnings():
                # Python warns about things like `1 is 1`; those are refused with a message.
                warnings.simplefilter("ignore")
                tree = ast.parse(self.parsed)
        except SyntaxError as err:  # IndentationError is one too
            raise self._syntax_error(err) from None
        except (RecursionError, MemoryError):
            # Python's parser gives up on very deep nesting before our own check sees it.
            raise self.error(TOO_DEEP, (1, 0)) from None
        except ValueError:  # e.g. a character the parser cannot encode
            raise self.error(
                "this text cannot be read — retype it with ordinary characters", (1, 0)
            ) from None
        return tree.body

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

    def code(self, n: int) -> str:
        """Line ``n`` without its comment (there are no strings, so `#` starts one)."""
        return self.lines[n - 1].split("#", 1)[0]

    def next_token(self, position: Position) -> Position:
        n, col = position
        while n <= len(self.lines):
            code = self.code(n)
            while col < len(code):
                if not (code[col].isspace() or code[col] in ")\\"):
                    return n, col
                col += 1
            n, col = n + 1, 0
        return position

    def previous_token(self, position: Position) -> tuple[str, Position] | None:
        """The last character before ``position`` that is not a space, looking back over
        line breaks only where the statement goes on (inside brackets or after a `\\`)."""
        n, col = position
        while True:
            code = self.code(n)[:col].rstrip()
            if code:
                return code[-1], (n, len(code) - 1)
            continues = n > 1 and (
                self.depth_at_start[n - 1] > 0 or self.code(n - 1).rstrip().endswith("\\")
            )
            if not continues:
                return None
            n, col = n - 1, len(self.code(n - 1))

    def segment(self, node: ast.AST, limit: int = 40) -> str:
        """The learner's text of ``node`` on one line, shortened if long."""
        text = " ".join((ast.get_source_segment(self.parsed, node) or "").split())
        return text if len(text) <= limit else text[: limit - 1] + "…"

    # -- friendly syntax errors --------------------------------------------------------------

    def _syntax_error(self, err: SyntaxError) -> ExpressionError:
        n = min(max(err.lineno or 1, 1), len(self.lines))
        width = len(self.lines[n - 1]) - self.indents[n - 1]
        col = self.indents[n - 1] + min(max((err.offset or 1) - 1, 0), width)
        message, position = self._explain(err.msg or "", (n, col))
        return self.error(message, position)

    def _explain(self, python_says: str, position: Position) -> tuple[str, Position]:
        """Python's complaint about a syntax error, put in words that say what to do."""
        n, col = position
        code = self.code(n)
        here = code[col : col + 2].strip()

        reserved = re.match(r"\s*([A-Za-z_]\w*)\s*=(?!=)", code)
        if reserved and keyword.iskeyword(reserved.group(1)):
            word = reserved.group(1)
            instead = "lam" if word == "lambda" else f"{word.lower()}_"
            return (
                f"`{word}` is a word Python keeps for itself — pick another name, like `{instead}`",
                (n, reserved.start(1)),
            )
        for line_no in range(1, n + 1):
            first = re.match(r"\s*([A-Za-z_]+)\b", self.code(line_no))
            if first and first.group(1) in _BLOCK_WORDS:
                return _statement_message(first.group(1)), (line_no, first.start(1))
        if python_says.startswith(("cannot assign", "cannot delete")):
            return "the left side of `=` must be one new name, like `c = a + b`", position
        if "literal" in python_says:
            return self._number_into_name(n, col)
        if python_says.startswith(("invalid character", "invalid non-printable")):
            return f"`{code[col : col + 1]}` is not part of an expression — delete it", position
        if "\\" in code and re.search("continuation|EOF|end of file", python_says):
            return (
                "a `\\` joins a line to the next one and must come last, with a line after "
                "it — remove the `\\`",
                (n, code.index("\\")),
            )
        if here[:1] in tuple("$?!`:<>&|^@%"):
            return f"`{here[:1]}` is not part of an expression — you can use {LANGUAGE}", position

        previous = self.previous_token(position)
        before, before_at = previous if previous else ("", position)
        operator_text = before
        if (
            before in ("*", "/")
            and before_at[1] > 0
            and self.code(before_at[0])[before_at[1] - 1] == before
        ):
            operator_text = before * 2  # `**` or `//`
            before_at = (before_at[0], before_at[1] - 1)
        starts_operand = here[:1].isalnum() or here[:1] in ("_", "(", ".")
        if here[:1] in ("*", "/") and (not before or before in "=(,;+-*/"):
            symbol = "**" if here == "**" else "//" if here == "//" else here[:1]
            return f"`{symbol}` needs a value on its left, like `a {symbol} b`", position
        if before and before in "+-*/%@=" and not starts_operand:
            return self._missing_operand(operator_text, before_at)
        if (before.isalnum() or before in ("_", ")", "]")) and starts_operand:
            word = re.search(r"([A-Za-z_]\w*)\s*$", self.code(before_at[0])[: before_at[1] + 1])
            if word and word.group(1) in FUNCTIONS:
                name = word.group(1)
                return f"`{name}` needs its value in brackets, like `{name}(x)`", position
            return (
                "two values side by side — put an operator between them, like `a * b`, or a "
                "`;` between two statements",
                position,
            )
        if before == ".":
            return "a `.` needs a method after it, like `x.tanh()` — " + METHODS, before_at
        if here[:1] == ";" and before in ("", ";"):
            return "remove this extra `;` — a `;` goes between two statements", position
        return (
            "this cannot be read as an expression — check the spot marked here; each "
            "statement looks like `name = expression`, like `c = a * b + 1`",
            position,
        )

    def _missing_operand(self, symbol: str, at: Position) -> tuple[str, Position]:
        n, col = at
        statement = self.code(n)[: col + len(symbol)].rsplit(";", 1)[-1]
        # Quote only the unfinished part: `c = tanh(a *` reads better as `a *`.
        depth = 0
        for i in range(len(statement) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(statement[i], 0)
            if depth < 0:
                statement = statement[i + 1 :]
                break
        statement = statement.strip()
        if symbol != "=":
            statement = re.sub(r"^[^\W\d]\w*\s*=(?!=)\s*", "", statement) or statement
        if len(statement) > 30:
            statement = "…" + statement[-29:]
        return (
            f"`{statement}` needs something after `{symbol}` — add a number or a name, like "
            f"`{statement} 2`",
            at,
        )

    def _number_into_name(self, n: int, col: int) -> tuple[str, Position]:
        code = self.code(n)
        start = col
        while start > 0 and (code[start - 1].isalnum() or code[start - 1] in "._"):
            start -= 1
        token = re.match(r"[\w.]*", code[start:]).group()
        method = re.fullmatch(r"(\d[\d_]*)\.([A-Za-z_]\w*)(.*)", token)
        if method and method.group(2) in FUNCTIONS:
            number, name = method.group(1), method.group(2)
            return (
                f"after a number Python reads `.` as a decimal point — write `{name}({number}.0)`"
                f" or `({number}.0).{name}()`",
                (n, start),
            )
        parts = re.fullmatch(r"([\d_.]*\d[\d_.]*)([A-Za-z_]\w*)", token)
        if parts:
            number, name = parts.groups()
            return (
                f"`{token}` runs a number into a name — put `*` between them, like "
                f"`{number} * {name}` (and a name must start with a letter)",
                (n, start),
            )
        return f"`{token}` is not a number Python can read — write it like `2`, `-3.0` or `1e-3`", (
            n,
            start,
        )


# -- step 2: the checker, a whitelist of syntax ------------------------------------------------

_BINARY: dict[type, tuple[str, Callable[[Part, Part], Value]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.Pow: ("**", operator.pow),
}
_REFUSED_OPERATORS = {
    ast.FloorDiv: ("//", "use `/`"),
    ast.Mod: ("%", "the operations are + - * / and **"),
    ast.MatMult: ("@", "to multiply, use `*`"),
    ast.BitXor: ("^", "for a power, use `**`, like `x**2`"),
    ast.BitAnd: ("&", "the operations are + - * / and **"),
    ast.BitOr: ("|", "the operations are + - * / and **"),
    ast.LShift: ("<<", "the operations are + - * / and **"),
    ast.RShift: (">>", "the operations are + - * / and **"),
    ast.Not: ("not", "it works on True and False; the operations are + - * / and **"),
    ast.Invert: ("~", "for a negative, use `-`"),
}
_COMPARISONS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
# Statements other than `name = ...` and bare expressions, by the word they start with.
_STATEMENT_WORDS = {
    "Import": "import",
    "ImportFrom": "from",
    "FunctionDef": "def",
    "AsyncFunctionDef": "async",
    "ClassDef": "class",
    "If": "if",
    "For": "for",
    "AsyncFor": "async",
    "While": "while",
    "With": "with",
    "AsyncWith": "async",
    "Try": "try",
    "TryStar": "try",
    "Match": "match",
    "Return": "return",
    "Delete": "del",
    "Pass": "pass",
    "Break": "break",
    "Continue": "continue",
    "Global": "global",
    "Nonlocal": "nonlocal",
    "Raise": "raise",
    "Assert": "assert",
}
_BLOCK_WORDS = set(_STATEMENT_WORDS.values()) - {"match"} | {"elif", "else", "except", "finally"}
_PYTHON_HINTS = {
    "sqrt": " — for a square root, write `x ** 0.5`",
    "pow": " — for a power, write `x ** k`",
    "max": " — for max(0, x), write `relu(x)`",
    "abs": "",
}


def _statement_message(word: str) -> str:
    if word in ("import", "from"):
        return (
            "imports are not allowed here — tanh, exp, relu, log and sigmoid are already "
            "available, and nothing else is needed"
        )
    if word in ("def", "async", "class"):
        return (
            f"`{word}` is not part of this little language, which only builds Values — write "
            "the calculation out line by line, like `y = x * 2 + 1`"
        )
    if word in ("if", "elif", "else", "for", "while", "with", "try", "except", "finally", "match"):
        return (
            f"`{word}` blocks are not part of this little language — write each step as its "
            "own line, like `b = a * 2`"
        )
    return (
        f"`{word}` is not part of this little language — each line is `name = expression` "
        "or just an expression"
    )


def _short(name: str) -> str:
    return name if len(name) <= 30 else name[:29] + "…"


def _is_plain_number(node: ast.expr) -> bool:
    """A number literal, perhaps with signs in front: what an exponent may be."""
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    )


class _Checker:
    """Walks the syntax tree before anything is computed and refuses, at the first problem
    in reading order, everything outside the little language."""

    def __init__(self, text: _Text, statements: list[ast.stmt]) -> None:
        self.text = text
        self.statements = statements
        self.defined: dict[str, int] = {}  # name -> the line that gave it its value
        self.index = 0

    def check(self) -> None:
        if not self.statements:
            raise self.text.error(EMPTY, (1, 0))
        if len(self.statements) > MAX_STATEMENTS:
            raise self.text.error(
                f"there are {len(self.statements):,} statements and the limit is "
                f"{MAX_STATEMENTS} — a shorter program shows the same ideas",
                self.text.start(self.statements[MAX_STATEMENTS]),
            )
        for index, statement in enumerate(self.statements):
            self.index = index  # for "defined later" hints
            self.check_statement(statement)

    def check_statement(self, statement: ast.stmt) -> None:
        if isinstance(statement, ast.Expr):
            self.check_expression(statement.value)
        elif isinstance(statement, ast.Assign):
            name = self.check_target(statement)
            self.check_not_alias(name, statement.value)
            self.check_expression(statement.value)
            self.defined[name] = statement.lineno
        elif isinstance(statement, ast.AugAssign):
            target = self.text.segment(statement.target)
            kind = type(statement.op)
            symbol = (_BINARY.get(kind) or _REFUSED_OPERATORS.get(kind) or ("?",))[0]
            raise self.text.error(
                f"`{symbol}=` changes `{target}` in place, but here each name is one node of "
                f"the graph — give the new value a new name, like `{target}2 = {target} "
                f"{symbol} ...`",
                self.text.after(statement.target),
            )
        elif isinstance(statement, ast.AnnAssign):
            raise self.text.error(
                "a type annotation is not needed — write just `name = value`, like `a = 2.0`",
                self.text.after(statement.target),
            )
        else:
            word = _STATEMENT_WORDS.get(type(statement).__name__, type(statement).__name__)
            raise self.text.error(_statement_message(word), self.text.start(statement))

    def check_target(self, statement: ast.Assign) -> str:
        if len(statement.targets) > 1:
            raise self.text.error(
                "one `=` per statement — give each name its own statement, and each its own value",
                self.text.start(statement.targets[1]),
            )
        target = statement.targets[0]
        if isinstance(target, (ast.Tuple, ast.List)):
            raise self.text.error(
                "give each name its own statement, like `a = 1.0` and then `b = 2.0` — "
                "several names cannot share one `=`",
                self.text.start(target),
            )
        if not isinstance(target, ast.Name):
            raise self.text.error(
                "the left side of `=` must be one new name, like `c = a + b`",
                self.text.start(target),
            )
        name = target.id
        if name in FUNCTIONS:
            raise self.text.error(
                f"`{name}` is the name of a function — pick another name for this value, "
                f"like `{name}1`",
                self.text.start(target),
            )
        if name in self.defined:
            raise self.text.error(
                f"`{name}` already has a value (from line {self.defined[name]}) — each name "
                f"is one node of the graph, so give this value a new name, like `{name}2`",
                self.text.start(target),
            )
        return name

    def check_not_alias(self, name: str, value: ast.expr) -> None:
        # `b = a` would label a's own node `b`: one node cannot carry two names.
        while isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.UAdd):
            value = value.operand
        if isinstance(value, ast.Name) and value.id in self.defined:
            raise self.text.error(
                f"`{name} = {value.id}` only gives `{value.id}` a second name, and a node "
                f"has one name in the graph — use `{value.id}` wherever you need it",
                self.text.start(value),
            )

    def check_expression(self, expression: ast.expr) -> None:
        # An explicit stack rather than recursion: no input can exhaust Python's call stack.
        stack = [(expression, 0)]
        while stack:
            node, depth = stack.pop()
            parts = self.check_node(node)
            for part, nesting in reversed(parts):
                if depth + nesting > MAX_DEPTH:
                    raise self.text.error(TOO_DEEP, self.text.operation(node))
                stack.append((part, depth + nesting))

    def check_node(self, node: ast.expr) -> list[tuple[ast.expr, int]]:
        """Refuse ``node`` or return its parts, each with how much deeper it nests (a chain
        like `a + b + c` leans left and stays flat)."""
        if isinstance(node, ast.Constant):
            self.check_number(node)
            return []
        if isinstance(node, ast.Name):
            self.check_name(node)
            return []
        if isinstance(node, ast.UnaryOp):
            if type(node.op) in _REFUSED_OPERATORS:
                symbol, advice = _REFUSED_OPERATORS[type(node.op)]
                raise self.text.error(
                    f"`{symbol}` is not an operation a Value has — {advice}",
                    self.text.start(node),
                )
            return [(node.operand, 1)]
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                symbol, advice = _REFUSED_OPERATORS.get(
                    type(node.op), ("?", "the operations are + - * / and **")
                )
                raise self.text.error(
                    f"`{symbol}` is not an operation a Value has — {advice}",
                    self.text.after(node.left),
                )
            if isinstance(node.op, ast.Pow) and not _is_plain_number(node.right):
                raise self.exponent_error(node.right)
            return [(node.left, 0), (node.right, 1)]
        if isinstance(node, ast.Call):
            return self.check_call(node)
        if isinstance(node, ast.Attribute):
            raise self.attribute_error(node)
        raise self.refuse(node)

    def check_number(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool) or value is None:
            raise self.text.error(
                f"`{value}` is not a number — a Value needs a number, like 1.0 or 0.0",
                self.text.start(node),
            )
        if isinstance(value, complex):
            raise self.text.error(
                f"`{self.text.segment(node)}` is an imaginary number — a Value holds a real "
                "number, like 2.0",
                self.text.start(node),
            )
        if not isinstance(value, (int, float)):
            raise self.text.error(
                f"`{self.text.segment(node)}` is not a number — write a number, like 2.0",
                self.text.start(node),
            )
        try:
            finite = math.isfinite(float(value))
        except OverflowError:
            finite = False
        if not finite:
            raise self.text.error(
                f"`{self.text.segment(node)}` is too large for a float (the largest is about "
                "1.8e308) — use a smaller number",
                self.text.start(node),
            )

    def check_name(self, node: ast.Name) -> None:
        if node.id in self.defined:
            return
        name = _short(node.id)
        position = self.text.start(node)
        if name in FUNCTIONS:
            raise self.text.error(
                f"`{name}` is a function — call it on a value, like `{name}(x)` or `x.{name}()`",
                position,
            )
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
            where = "later on this line" if later == node.lineno else f"on line {later}"
            raise self.text.error(
                f"`{name}` is not defined yet — it gets its value {where}; move that "
                "statement above this one",
                position,
            )
        if hasattr(builtins, node.id):
            raise self.text.error(
                f"`{name}` is not defined — it belongs to Python, not to this little "
                f"language, which has {LANGUAGE}",
                position,
            )
        raise self.text.error(
            f"`{name}` is not defined yet — define it on an earlier line, like `{name} = 1.0`",
            position,
        )

    def check_call(self, node: ast.Call) -> list[tuple[ast.expr, int]]:
        function = node.func
        if isinstance(function, ast.Name) and function.id in FUNCTIONS:
            self.check_arguments(node, function.id)
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
                    raise self.text.error(
                        f"`{receiver.id}.` is not needed — write `{name}(...)`, or "
                        f"`x.{name}()` on a value x",
                        self.text.start(receiver),
                    )
                first = (node.args or node.keywords)[0]
                raise self.text.error(
                    f"`.{name}()` takes nothing in its brackets — it works on the value "
                    f"before the dot, like `x.{name}()`",
                    self.text.start(first),
                )
            return [(receiver, 1)]
        if isinstance(function, ast.Attribute):
            raise self.attribute_error(function)
        if isinstance(function, ast.Name):
            name = _short(function.id)
            if function.id in self.defined:
                raise self.text.error(
                    f"`{name}` is a Value, not a function — to multiply, put `*` between: "
                    f"`{name} * (...)`",
                    self.text.start(function),
                )
            raise self.text.error(
                f"`{name}(...)` is not available — the functions are tanh, exp, relu, log "
                f"and sigmoid{_PYTHON_HINTS.get(function.id, '')}",
                self.text.start(function),
            )
        raise self.text.error(
            f"`{self.text.segment(function)}` is not a function — to multiply, put `*` "
            "before the bracket",
            self.text.after(function),
        )

    def check_arguments(self, node: ast.Call, name: str) -> None:
        if node.keywords:
            given = node.keywords[0]
            if given.arg is None:
                advice = f"`**` cannot be used here — write `{name}(x)` with one value"
            else:
                value = self.text.segment(given.value)
                advice = (
                    f"`{name}` takes just a value, without `{given.arg}=` — write `{name}({value})`"
                )
            raise self.text.error(advice, self.text.start(given))
        if not node.args:
            raise self.text.error(
                f"`{name}()` needs a value in its brackets, like `{name}(x)`",
                self.text.start(node.func),
            )
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise self.text.error(
                    f"`*` cannot spread values here — `{name}` takes one value, like `{name}(x)`",
                    self.text.start(argument),
                )
        if len(node.args) > 1:
            raise self.text.error(
                f"`{name}` takes one value, like `{name}(x)` — remove the extra ones",
                self.text.start(node.args[1]),
            )

    def exponent_error(self, exponent: ast.expr) -> ExpressionError:
        text = self.text.segment(exponent)
        if isinstance(exponent, ast.Name):
            why = f"`{text}` is a Value" if exponent.id in self.defined else f"`{text}` is a name"
        elif isinstance(exponent, (ast.BinOp, ast.Call, ast.UnaryOp)):
            why = f"`{text}` is a calculation"
        else:
            why = f"`{text}` is not a number"
        return self.text.error(
            f"the exponent must be a plain number like 2 or 0.5 — {why}",
            self.text.start(exponent),
        )

    def attribute_error(self, node: ast.Attribute) -> ExpressionError:
        while isinstance(node.value, ast.Attribute):  # `a.b.c`: `.b` comes first in reading
            node = node.value
        dot = self.text.after(node.value)
        position = self.text.next_token((dot[0], dot[1] + 1))
        name = node.attr
        if name in FUNCTIONS:
            message = f"`.{name}` needs brackets to run, like `x.{name}()`"
        elif name.startswith("__"):
            message = (
                f"`{name}` reaches into Python's insides, which is not allowed here — {METHODS}"
            )
        elif name in ("data", "grad", "label"):
            message = (
                f"`.{name}` is shown by the tutor and cannot be used in an expression — "
                "write the name itself, like `x`"
            )
        elif name in ("backward", "zero_grad"):
            message = f"`{name}()` is run by the tutor after building the graph — leave it out"
        else:
            message = f"`.{name}` is not something a Value has — {METHODS}"
        return self.text.error(message, position)

    def refuse(self, node: ast.expr) -> ExpressionError:
        """The message and position for an expression outside the little language."""
        text = self.text
        kind = type(node).__name__
        if isinstance(node, ast.Lambda):
            return text.error(
                "`lambda` makes a function, not a Value — write the expression itself",
                text.start(node),
            )
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            element = node.value if isinstance(node, ast.DictComp) else node.elt
            return text.error(
                "comprehensions (`... for ... in ...`) are not part of this little language — "
                "write each value as its own statement",
                text.after(element),  # the `for`
            )
        if isinstance(node, ast.Subscript):
            return text.error(
                "square brackets `[...]` pick items from a list, and a Value is one number — "
                "use its name on its own, like `x`",
                text.after(node.value),
            )
        if isinstance(node, ast.NamedExpr):
            target = text.segment(node.target)
            return text.error(
                f"`:=` is not available — give the value its name in a statement of its own, "
                f"like `{target} = ...`",
                text.after(node.target),
            )
        if isinstance(node, ast.Compare):
            symbol = _COMPARISONS.get(type(node.ops[0]), "==")
            if symbol == "==" and isinstance(node.left, ast.Name) and len(node.ops) == 1:
                name, value = node.left.id, text.segment(node.comparators[0])
                message = (
                    f"`==` compares two values and gives True or False — to give `{name}` a "
                    f"value, use one `=`: `{name} = {value}`"
                )
            else:
                message = (
                    f"`{symbol}` compares values and gives True or False, not a Value — you "
                    f"can use {LANGUAGE}"
                )
            return text.error(message, text.after(node.left))
        if isinstance(node, ast.BoolOp):
            word = "and" if isinstance(node.op, ast.And) else "or"
            return text.error(
                f"`{word}` works on True and False, not on Values — you can use {LANGUAGE}",
                text.after(node.values[0]),
            )
        if isinstance(node, ast.IfExp):
            return text.error(
                "`... if ... else ...` is not part of this little language — to keep only "
                "positive values, `relu(x)` may be what you need",
                text.after(node.body),
            )
        if isinstance(node, ast.Tuple):
            return text.error(
                "a comma makes a tuple, and a Value is one number — write one value per "
                "statement (a `;` separates statements)",
                text.after(node.elts[0]) if node.elts else text.start(node),
            )
        if isinstance(node, (ast.List, ast.Set, ast.Dict)):
            return text.error(
                "lists and other collections are not part of this little language — give "
                "each value its own name, like `x1 = 2.0`",
                text.start(node),
            )
        if isinstance(node, ast.Starred):
            return text.error("`*` needs a value on its left, like `a * b`", text.start(node))
        if isinstance(node, (ast.JoinedStr, ast.Constant)):
            return text.error(
                "text in quotes is not a number — a Value holds a number; remove the quotes",
                text.start(node),
            )
        word = {"Await": "await", "Yield": "yield", "YieldFrom": "yield from"}.get(kind)
        what = f"`{word}`" if word else f"`{text.segment(node)}`"
        return text.error(
            f"{what} is not part of this little language — you can use {LANGUAGE}",
            text.start(node),
        )


# -- step 3: the interpreter -------------------------------------------------------------------


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


class _Interpreter:
    """Works out a checked program with Value's own operations."""

    def __init__(self, text: _Text) -> None:
        self.text = text
        self.values: dict[str, Value] = {}
        self.leaves: list[str] = []
        self.computed: list[str] = []
        self.operations = 0

    def run(self, statements: list[ast.stmt]) -> Program:
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
        return Program(self.values, output, tuple(self.leaves), tuple(self.computed))

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
            raise self.text.error(
                f"this is operation number {self.operations:,} and the limit is "
                f"{MAX_OPERATIONS:,} — a smaller expression shows the same ideas",
                self.text.operation(node),
            )

    def binary(self, node: ast.BinOp, left: Part, right: Part) -> Value:
        self.count(node)
        symbol, operation = _BINARY[type(node.op)]
        shown = f"{_number_text(left)} {symbol} {_number_text(right)}"
        if not isinstance(left, Value) and not isinstance(right, Value):
            left = Value(left)  # `2 * 3` is still a node, with 2 as a constant leaf
        try:
            out = operation(left, right)
        except DivisionByZeroError:
            why = " (a negative power of 0)" if symbol == "**" else ""
            problem = (
                f"{shown} divides by zero{why} — change the numbers so nothing is divided by 0"
            )
        except UndefinedMathError:
            problem = (
                f"{shown} has no real value — a negative number has no real fractional power; "
                "use a whole-number exponent or a positive base"
            )
        except FloatOverflowError:
            problem = f"{shown} is too large for a float — use smaller numbers"
        except MathError as err:
            problem = f"{shown}: {err}"
        else:
            if math.isfinite(out.data):
                return out
            # + and * follow IEEE floats: they give inf instead of raising.
            problem = f"{shown} is too large for a float — use smaller numbers"
        raise self.text.error(problem, self.text.operation(node))

    def call(self, node: ast.Call, x: Part) -> Value:
        self.count(node)
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        x = x if isinstance(x, Value) else Value(x)
        shown = f"{name}({x.data!r})"
        try:
            out = FUNCTIONS[name](x)
        except UndefinedMathError:
            advice = " — log needs a number greater than 0" if name == "log" else ""
            problem = f"{shown} is undefined{advice}"
        except FloatOverflowError:
            advice = " — exp stays finite only up to about exp(709)" if name == "exp" else ""
            problem = f"{shown} is too large for a float{advice}"
        except MathError as err:
            problem = f"{shown}: {err}"
        else:
            if math.isfinite(out.data):
                return out
            problem = f"{shown} is too large for a float"
        raise self.text.error(problem, self.text.operation(node))
