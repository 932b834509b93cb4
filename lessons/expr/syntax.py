"""Reading the learner's text before and after Python's parser has seen it.

``scan`` runs first and refuses, with a position, what must never reach the parser or would
only confuse it: NUL bytes and other invisible characters, quotes, brackets that do not pair
up or nest too deep, and long runs of signs.

``explain`` runs only when the parser has refused the text. It does not read the parser's
complaint, whose wording changes from one Python to the next: it splits the text into tokens
itself and walks them once, left to right, until it finds the first spot where a statement of
the little language cannot go on -- an operator with nothing after it, two values side by
side, a number run into a name -- and says what to write there. Every step is linear in the
length of the text, so no input can make the explanation slow.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from lessons.expr import messages
from lessons.expr.errors import ExpressionError, Position
from lessons.expr.language import FUNCTIONS, MAX_DEPTH

__all__ = ["explain", "scan"]

CLOSING = {"(": ")", "[": "]", "{": "}"}
OPENING = {")": "(", "]": "[", "}": "{"}
_STRING_PREFIXES = {"r", "u", "b", "br", "rb", "f", "fr", "rf"}


def code_of(line: str) -> str:
    """A line without its comment (there are no strings, so `#` starts one)."""
    return line.split("#", 1)[0]


# -- before parsing --------------------------------------------------------------------------


def scan(lines: list[str]) -> None:
    """Refuse, with a position, what must not reach the parser or would only confuse it."""
    opened: list[tuple[str, Position]] = []
    for n, line in enumerate(lines, 1):
        signs = 0
        in_comment = False
        for col, ch in enumerate(line):
            if ch == "\0":
                raise ExpressionError.at(messages.NUL, (n, col))
            if not (" " <= ch <= "~" or ch in "\t\f"):
                problem = _unusual(ch, in_comment)
                if problem:
                    raise ExpressionError.at(problem, (n, col))
            if in_comment:
                continue
            if ch == "#":
                in_comment = True
            elif ch in "'\"":
                raise _quotes(line, n, col)
            elif ch in CLOSING:
                opened.append((ch, (n, col)))
                if len(opened) > MAX_DEPTH:
                    raise ExpressionError.at(messages.brackets_too_deep(), (n, col))
            elif ch in OPENING:
                if not opened:
                    raise ExpressionError.at(messages.unopened(ch, OPENING[ch]), (n, col))
                opening, (line_no, col_no) = opened.pop()
                if CLOSING[opening] != ch:
                    message = messages.mismatched(
                        ch, opening, line_no, col_no + 1, CLOSING[opening]
                    )
                    raise ExpressionError.at(message, (n, col))
            if ch in "-+~":
                signs += 1
                if signs > MAX_DEPTH:
                    raise ExpressionError.at(messages.too_many_signs(), (n, col))
            elif not ch.isspace():
                signs = 0
    if opened:
        opening, position = opened[-1]
        raise ExpressionError.at(messages.unclosed(opening, CLOSING[opening]), position)


def _unusual(ch: str, in_comment: bool) -> str | None:
    """A message for a character outside printable ASCII, or None if it may stay."""
    code = f"U+{ord(ch):04X}"
    if ch.isascii() or unicodedata.category(ch).startswith("C"):
        return messages.invisible(code)
    if in_comment:
        return None
    if ch in messages.LOOKALIKES:
        return messages.LOOKALIKES[ch]
    if unicodedata.category(ch).startswith("Z"):
        return messages.unusual_space(code)
    return None  # a letter such as α may be part of a name; the tokens judge the rest


# `a = Value(2.0, label="a")`: the label in quotes is the first thing the tokens meet.
_VALUE_CALL = re.compile(r"(?:^|;)\s*(?:(\w+)\s*=\s*)?Value\(\s*([-+]?[\d.]+(?:[eE][-+]?\d+)?)?")


def _quotes(line: str, n: int, col: int) -> ExpressionError:
    for call in _VALUE_CALL.finditer(line[:col]):
        if ")" not in line[call.end() : col]:  # the quotes are inside this Value(...)
            at = call.start() + call.group(0).index("Value(")
            message = messages.value_constructor(call.group(1), call.group(2))
            return ExpressionError.at(message, (n, at))
    start = col
    while start > 0 and line[start - 1].isalpha():
        start -= 1
    prefix = line[start:col].lower()
    starts_token = start == 0 or not (line[start - 1].isalnum() or line[start - 1] == "_")
    if prefix not in _STRING_PREFIXES or not starts_token:
        start, prefix = col, ""
    message = messages.F_STRING if "f" in prefix else messages.QUOTES
    return ExpressionError.at(message, (n, start))


# -- tokens ----------------------------------------------------------------------------------

_SYMBOLS = "**= //= >>= <<= ... ** // << >> <= >= == != -> := += -= *= /= %= @= &= |= ^="
# Longest first, so that `**=` is read before `**`, and `**` before `*`.
_OPERATORS: dict[str, list[str]] = {}
for _symbol in sorted([*_SYMBOLS.split(), *"+-*/%@&|^~<>()[]{},:;.="], key=len, reverse=True):
    _OPERATORS.setdefault(_symbol[0], []).append(_symbol)
# A number may touch one of these words, as in `1if x else 2`; any other letter after a
# number is a mistake.
_WORDS_AFTER_NUMBERS = {"and", "else", "for", "if", "in", "is", "not", "or"}
_DIGITS = "0123456789_"
_BASES = {"x": "0123456789abcdefABCDEF_", "o": "01234567_", "b": "01_"}


@dataclass(frozen=True)
class Token:
    kind: str  # "name", "number", "op", or "end": the end of a line outside brackets
    text: str
    at: Position


class _BadToken(Exception):
    def __init__(self, message: str, at: Position) -> None:
        self.message = message
        self.at = at


def _in_name(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch == "_"
    return ("a" + ch).isidentifier()


def _starts_name(ch: str) -> bool:
    return ch == "_" or ch.isidentifier()


def _run(code: str, i: int, allowed: str) -> int:
    while i < len(code) and code[i] in allowed:
        i += 1
    return i


def _grouped(digits: str) -> bool:
    """Digits with single `_` between them, as Python writes `1_000`."""
    return not digits.startswith("_") and not digits.endswith("_") and "__" not in digits


def _read_number(code: str, i: int) -> tuple[int, str | None]:
    """Where the number starting at ``i`` ends, and what is wrong with it: None; "zeros"
    for a whole number with leading zeros; "name" when letters follow it, as in `2a`; or
    "bad" when its digits are wrong, as in `1__0` or `0x`."""
    if code[i] == "0" and code[i + 1 : i + 2].lower() in _BASES:
        end = _run(code, i + 2, _BASES[code[i + 1].lower()])
        digits = code[i + 2 : end].removeprefix("_")
        ok = bool(digits) and _grouped(digits)
        return _end_of_number(code, end, ok)
    end = _run(code, i, _DIGITS)
    whole = code[i:end]
    ok = _grouped(whole) if whole else True
    plain = bool(whole)
    if code[end : end + 1] == ".":
        fraction_end = _run(code, end + 1, _DIGITS)
        fraction = code[end + 1 : fraction_end]
        ok = ok and (not fraction or _grouped(fraction))
        end, plain = fraction_end, False
    if code[end : end + 1] in ("e", "E"):
        digits_start = end + 1 + (code[end + 1 : end + 2] in ("+", "-"))
        exponent_end = _run(code, digits_start, _DIGITS)
        if exponent_end > digits_start and _grouped(code[digits_start:exponent_end]):
            end, plain = exponent_end, False
    if code[end : end + 1] in ("j", "J"):
        end, plain = end + 1, False
    end, problem = _end_of_number(code, end, ok)
    if problem is None and plain and whole[0] == "0" and whole.strip("0_"):
        problem = "zeros"
    return end, problem


def _end_of_number(code: str, end: int, ok: bool) -> tuple[int, str | None]:
    if not ok:
        return end, "bad"
    if end < len(code) and _in_name(code[end]):
        word_end = end
        while word_end < len(code) and _in_name(code[word_end]):
            word_end += 1
        if code[end:word_end] not in _WORDS_AFTER_NUMBERS:
            return end, "name"
    return end, None


def _number_message(code: str, start: int, end: int, problem: str) -> str:
    """What is wrong with the number at ``start`` of ``code``, which the reader stopped
    reading at ``end``."""
    if problem == "zeros":
        return messages.leading_zeros(code[start:end])
    if problem == "bad":
        while end < len(code) and (_in_name(code[end]) or code[end] == "."):
            end += 1
        return messages.unreadable_number(code[start:end])
    name_end = end
    while name_end < len(code) and _in_name(code[name_end]):
        name_end += 1
    number, name = code[start:end], code[end:name_end]
    whole = number.removesuffix(".")
    if number.endswith(".") and all(ch in _DIGITS for ch in whole) and name in FUNCTIONS:
        return messages.decimal_point(whole, name)
    if name[0] == "_" or (name[0].isascii() and name[0].isalpha()):
        return messages.number_into_name(number + name, number, name)
    return messages.unreadable_number(number + name)


def tokens(lines: list[str]) -> Iterator[Token]:
    """The tokens of the text, with an "end" token where a line ends outside brackets and
    one more at the end. Raises ``_BadToken`` where a token cannot be read."""
    depth = 0
    for n, line in enumerate(lines, 1):
        code = code_of(line)
        i = 0
        joined = False
        while i < len(code):
            ch = code[i]
            if ch in " \t\f":
                i += 1
            elif ch == "\\":
                if code[i + 1 :] or n == len(lines):
                    raise _BadToken(messages.BACKSLASH, (n, i))
                joined = True
                i += 1
            elif ch.isdigit() or (ch == "." and code[i + 1 : i + 2].isdigit()):
                end, problem = _read_number(code, i)
                if problem:
                    raise _BadToken(_number_message(code, i, end, problem), (n, i))
                yield Token("number", code[i:end], (n, i))
                i = end
            elif _starts_name(ch):
                end = i + 1
                while end < len(code) and _in_name(code[end]):
                    end += 1
                yield Token("name", code[i:end], (n, i))
                i = end
            elif ch in _OPERATORS and (
                operator := next((op for op in _OPERATORS[ch] if code.startswith(op, i)), None)
            ):
                depth += operator in CLOSING
                depth -= operator in OPENING
                yield Token("op", operator, (n, i))
                i += len(operator)
            elif ch.isascii():
                raise _BadToken(messages.not_in_expression(ch), (n, i))
            else:
                raise _BadToken(messages.stray_character(ch), (n, i))
        if depth == 0 and not joined:
            yield Token("end", "", (n, len(code)))
    yield Token("end", "", (len(lines), len(lines[-1])))


# -- after the parser refused the text -------------------------------------------------------

_BINARY = {"+", "-", "*", "/", "**", "//", "%", "@", "&", "|", "^", "<<", ">>"}
_BINARY |= {"<", ">", "<=", ">=", "==", "!="}
_NEEDS_LEFT = {"*", "/", "**", "//"}
_ASSIGNMENTS = {"=", "+=", "-=", "*=", "/=", "//=", "%=", "@=", "&=", "|=", "^=", ">>=", "<<="}
_ASSIGNMENTS |= {"**="}
_WORD_OPERATORS = {"and", "or", "if", "else", "in", "is", "for"}
_VALUES = {"True", "False", "None"}


class _Found(Exception):
    def __init__(self, message: str, at: Position) -> None:
        self.message = message
        self.at = at


def explain(lines: list[str]) -> tuple[str, Position] | None:
    """The first problem in reading order that stops the text from being read, in words
    that say what to do, and where it is; None if the tokens show nothing wrong."""
    try:
        _Walk(lines).statements()
    except (_BadToken, _Found) as problem:
        return problem.message, problem.at
    return None


@dataclass
class _Bracket:
    token: Token
    kind: str  # "call", "subscript" or "group"


class _Walk:
    """One pass over the tokens, statement by statement, knowing at each token whether a
    value or an operator comes next."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.stream = tokens(lines)
        self.ahead: Token | None = None

    def next(self) -> Token:
        if self.ahead is not None:
            token, self.ahead = self.ahead, None
            return token
        return next(self.stream)

    def peek(self) -> Token:
        if self.ahead is None:
            self.ahead = next(self.stream)
        return self.ahead

    def statements(self) -> None:
        while True:
            try:
                first = self.next()
            except StopIteration:
                return
            if first.kind == "end":
                continue
            if first.text == ";":
                raise _Found(messages.EXTRA_SEMICOLON, first.at)
            if first.kind == "name":
                second = self.peek()
                if keyword.iskeyword(first.text) and second.text == "=":
                    raise _Found(messages.reserved_word(first.text), first.at)
                if first.text in messages.BLOCK_WORDS:
                    raise _Found(messages.statement(first.text), first.at)
            self.statement(first)

    def statement(self, token: Token) -> None:
        """Walk one statement from its first token to its `;` or line end."""
        self.start = self.segment = token.at
        self.target_ok = True
        self.brackets: list[_Bracket] = []
        self.last_operator: Token | None = None
        self.previous: Token | None = None
        self.optional = False  # a closing bracket or the end may come instead of a value
        expect_value = True
        while True:
            ends = token.kind == "end" or (token.text == ";" and not self.brackets)
            if ends:
                if expect_value and not self.optional:
                    self.missing_value(token)
                return
            expect_value = self.value(token) if expect_value else self.operator(token)
            self.previous = token
            token = self.next()

    # -- where a value should come ---------------------------------------------------------

    def value(self, token: Token) -> bool:
        """Read ``token`` where a value should start; True if a value is still to come."""
        optional, self.optional = self.optional, False
        text = token.text
        if token.kind == "number":
            self.not_target(token)
            return False
        if token.kind == "name":
            if text in _VALUES:
                self.not_target(token)
                return False
            if text in ("not", "await", "yield"):
                self.operand_of(token)
                self.optional = text == "yield"
                return True
            if text == "lambda":
                self.skip_lambda(token)
                return True
            if keyword.iskeyword(text):
                if self.last_operator:
                    self.missing_value(token)
                raise _Found(messages.keyword_here(text), token.at)
            return False
        if text in CLOSING:
            self.open(token, "group")
            self.optional = True
            return True
        if text in OPENING:
            if optional:
                self.close(token)
                return False
            self.missing_value(token)
        if text in ("-", "+", "~"):
            self.operand_of(token)
            return True
        if text in ("*", "**") and self.previous and self.previous.text in ("(", "[", "{", ","):
            self.operand_of(token)
            return True
        if text in _NEEDS_LEFT:
            raise _Found(messages.needs_left_value(text), token.at)
        if text == "...":
            return False
        if text == ":" and self.brackets and self.brackets[-1].kind == "subscript":
            self.optional = True
            return True
        if text in _BINARY or text in (":", "->", ":="):
            raise _Found(messages.not_in_expression(text), token.at)
        if text == ".":
            raise _Found(messages.DOT_WITHOUT_VALUE, token.at)
        if self.last_operator:
            self.missing_value(token)
        if text in _ASSIGNMENTS and self.previous is None:
            raise _Found(messages.ONE_NAME, token.at)
        raise _Found(messages.UNREADABLE_HERE, token.at)

    def operand_of(self, token: Token) -> None:
        """``token`` is an operator that needs a value after it."""
        self.last_operator = token
        self.not_target(token)

    def skip_lambda(self, token: Token) -> None:
        self.not_target(token)
        depth = 0
        while True:
            part = self.next()
            if part.kind == "end" or (depth == 0 and part.text in (";", *OPENING)):
                raise _Found(messages.UNREADABLE_HERE, token.at)
            depth += part.text in CLOSING
            depth -= part.text in OPENING
            if depth == 0 and part.text == ":":
                self.last_operator = part
                return

    def missing_value(self, token: Token) -> None:
        operator = self.last_operator
        if operator is None:
            raise _Found(messages.UNREADABLE_HERE, token.at)
        n, col = operator.at
        start = self.unfinished_start(operator)
        from_col = start[1] if start[0] == n else 0
        unfinished = code_of(self.lines[n - 1])[from_col : col + len(operator.text)].strip()
        raise _Found(messages.needs_right_value(unfinished, operator.text), operator.at)

    def unfinished_start(self, operator: Token) -> Position:
        """Where the expression that ``operator`` leaves unfinished starts: inside the
        innermost open bracket, or after the statement's `name =` (unless it is that `=`)."""
        if self.brackets:
            n, col = self.brackets[-1].token.at
            return n, col + 1
        return self.start if operator.text in _ASSIGNMENTS else self.segment

    # -- where an operator should come -----------------------------------------------------

    def operator(self, token: Token) -> bool:
        """Read ``token`` after a value; True if a value must come next."""
        text = token.text
        if token.kind == "name" and text == "not" and self.peek().text == "in":
            self.next()
            self.operand_of(token)
            return True
        if token.kind == "name" and text in _WORD_OPERATORS:
            self.operand_of(token)
            return True
        if token.kind in ("name", "number") or text in ("{", "..."):
            previous = self.previous
            if previous and previous.kind == "name" and previous.text in FUNCTIONS:
                raise _Found(messages.needs_brackets(previous.text), token.at)
            if keyword.iskeyword(text) and text not in _VALUES | {"not", "lambda"}:
                raise _Found(messages.keyword_here(text), token.at)
            raise _Found(messages.SIDE_BY_SIDE, token.at)
        if text in _BINARY:
            self.operand_of(token)
            return True
        if text == ".":
            after = self.peek()
            if after.kind != "name":
                raise _Found(messages.DOT_WITHOUT_METHOD, token.at)
            self.next()
            return False
        if text in ("(", "["):
            self.open(token, "call" if text == "(" else "subscript")
            self.optional = text == "("
            return True
        if text in OPENING:
            self.close(token)
            return False
        if text == ",":
            self.last_operator = None
            self.optional = True
            return True
        if text == ":":
            self.operand_of(token)
            self.optional = bool(self.brackets)
            return True
        if text in _ASSIGNMENTS or text == ":=":
            self.assignment(token)
            return True
        raise _Found(messages.not_in_expression(text), token.at)

    def assignment(self, token: Token) -> None:
        if token.text == ":=":
            self.operand_of(token)
            return
        if self.brackets:
            if token.text == "=" and self.brackets[-1].kind == "call":  # a keyword argument
                self.last_operator = token
                return
            raise _Found(messages.EQUALS_IN_BRACKETS, token.at)
        if not self.target_ok:
            raise _Found(messages.ONE_NAME, self.segment)
        self.last_operator = token
        after = self.peek()
        self.segment = after.at
        self.target_ok = True

    # -- brackets and targets --------------------------------------------------------------

    def open(self, token: Token, kind: str) -> None:
        self.brackets.append(_Bracket(token, kind))
        self.last_operator = None

    def close(self, token: Token) -> None:
        bracket = self.brackets.pop()
        self.last_operator = None
        if bracket.kind == "call" and not self.brackets:
            self.target_ok = False  # `f(x) = 1`; `f(x).a = 1` would be fine, and is refused later

    def not_target(self, token: Token) -> None:
        """``token`` makes what comes before a later `=` something that cannot be assigned,
        unless it is inside square brackets (`a[0] = 1` can be)."""
        if not any(bracket.kind == "subscript" for bracket in self.brackets):
            self.target_ok = False
