"""Every message the builder shows a learner, in one place.

Each message says what is wrong in plain words and what to write instead. None of them
repeats Python's own wording, which changes from one version to the next.
"""

from __future__ import annotations

from lessons.expr.language import FUNCTIONS, MAX_CHARS, MAX_DEPTH, MAX_OPERATIONS, MAX_STATEMENTS

EMPTY = "Type an expression, like `a = 2.0; b = a * 3`"
LANGUAGE = "numbers, names, + - * / ** and the functions tanh, exp, relu, log and sigmoid"
METHODS = "the methods are .tanh() .exp() .relu() .log() and .sigmoid()"
OPERATIONS = "the operations are + - * / and **"
INNER_NAME = "give an inner part a name on an earlier line, like `t = ...`, and use `t`"
TOO_DEEP = f"this is nested more than {MAX_DEPTH} levels deep — {INNER_NAME}"
UNREADABLE = "this text cannot be read — retype it with ordinary characters"
QUOTES = "text in quotes is not a number — a Value holds a number; remove the quotes"
F_STRING = "f-strings make text, not Values — write the expression itself, without quotes"
NUL = (
    "the text contains a NUL character, which is invisible — delete it "
    "(it usually comes from pasting binary data)"
)
ONE_NAME = "the left side of `=` must be one new name, like `c = a + b`"

# -- before parsing: characters, brackets and signs --------------------------------------------

LOOKALIKES = {
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


def too_long(length: int) -> str:
    return (
        f"the text is {length:,} characters long and the limit is {MAX_CHARS:,} "
        "— keep it to a few short lines, like `a = 2.0; b = a * 3`"
    )


def invisible(code: str) -> str:
    return (
        f"the text contains an invisible or unusual character ({code}) — delete it, or retype "
        "this line"
    )


def unusual_space(code: str) -> str:
    return f"this is an unusual space ({code}) — replace it with an ordinary space"


def brackets_too_deep() -> str:
    return f"brackets are nested more than {MAX_DEPTH} deep here — {INNER_NAME}"


def too_many_signs() -> str:
    return (
        f"more than {MAX_DEPTH} signs in a row nest the expression too deeply — remove the "
        "extra ones (two minus signs cancel out)"
    )


def unopened(closing: str, opening: str) -> str:
    return (
        f"this `{closing}` has no `{opening}` before it — remove it, or add the `{opening}` "
        "where the bracket should start"
    )


def mismatched(closing: str, opening: str, line: int, col: int, wanted: str) -> str:
    return (
        f"this `{closing}` does not match the `{opening}` on line {line}, column {col} — "
        f"close that one with `{wanted}`"
    )


def unclosed(opening: str, closing: str) -> str:
    return f"this `{opening}` is never closed — add a `{closing}` where it should end"


# -- syntax: what the parser could not read ----------------------------------------------------

BACKSLASH = (
    "a `\\` joins a line to the next one and must come last, with a line after it — remove the `\\`"
)
SIDE_BY_SIDE = (
    "two values side by side — put an operator between them, like `a * b`, or a `;` between "
    "two statements"
)
EXTRA_SEMICOLON = "remove this extra `;` — a `;` goes between two statements"
DOT_WITHOUT_METHOD = "a `.` needs a method after it, like `x.tanh()` — " + METHODS
DOT_WITHOUT_VALUE = "a `.` needs a value before it, like `x.tanh()` — " + METHODS
EQUALS_IN_BRACKETS = (
    "`=` gives a name its value in a statement of its own, like `a = 2.0`, so it cannot go "
    "inside brackets (and `==` compares, which is not part of this little language)"
)
UNREADABLE_HERE = (
    "this cannot be read as an expression — check the spot marked here; each statement "
    "looks like `name = expression`, like `c = a * b + 1`"
)


def short(text: str, limit: int = 30) -> str:
    """``text`` cut to ``limit`` characters, ending in `…` if it was longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def not_in_expression(symbol: str) -> str:
    return f"`{symbol}` is not part of an expression — you can use {LANGUAGE}"


def stray_character(ch: str) -> str:
    return f"`{ch}` is not part of an expression — delete it"


def needs_left_value(symbol: str) -> str:
    return f"`{symbol}` needs a value on its left, like `a {symbol} b`"


def needs_right_value(unfinished: str, symbol: str) -> str:
    unfinished = unfinished if len(unfinished) <= 30 else "…" + unfinished[-29:]
    return (
        f"`{unfinished}` needs something after `{symbol}` — add a number or a name, like "
        f"`{unfinished} 2`"
    )


def needs_brackets(function: str) -> str:
    return f"`{function}` needs its value in brackets, like `{function}(x)`"


def reserved_word(word: str) -> str:
    instead = "lam" if word == "lambda" else f"{word.lower()}_"
    return f"`{word}` is a word Python keeps for itself — pick another name, like `{instead}`"


def keyword_here(word: str) -> str:
    return f"`{word}` is a word Python keeps for itself and cannot go here — you can use {LANGUAGE}"


def decimal_point(number: str, method: str) -> str:
    return (
        f"after a number Python reads `.` as a decimal point — write `{method}({number}.0)` "
        f"or `({number}.0).{method}()`"
    )


def number_into_name(token: str, number: str, name: str) -> str:
    return (
        f"`{short(token)}` runs a number into a name — put `*` between them, like "
        f"`{short(number)} * {short(name)}` (and a name must start with a letter)"
    )


def leading_zeros(token: str) -> str:
    plain = token.replace("_", "").lstrip("0") or "0"
    return (
        f"`{short(token)}` starts with 0, which a whole number cannot do in Python — "
        f"write `{short(plain)}`"
    )


def unreadable_number(token: str) -> str:
    return f"`{short(token)}` is not a number Python can read — write it like `2`, `-3.0` or `1e-3`"


# -- statements --------------------------------------------------------------------------------

# Statements other than `name = ...` and bare expressions, by the word they start with.
STATEMENT_WORDS = {
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
# The words that start a statement the parser refuses to read further when it goes wrong.
BLOCK_WORDS = set(STATEMENT_WORDS.values()) - {"match"} | {"elif", "else", "except", "finally"}


def statement(word: str) -> str:
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


def too_many_statements(count: int) -> str:
    return (
        f"there are {count:,} statements and the limit is {MAX_STATEMENTS} — a shorter "
        "program shows the same ideas"
    )


def in_place(symbol: str, target: str) -> str:
    return (
        f"`{symbol}=` changes `{target}` in place, but here each name is one node of the graph "
        f"— give the new value a new name, like `{target}2 = {target} {symbol} ...`"
    )


ANNOTATION = "a type annotation is not needed — write just `name = value`, like `a = 2.0`"
ONE_EQUALS = "one `=` per statement — give each name its own statement, and each its own value"
SEVERAL_NAMES = (
    "give each name its own statement, like `a = 1.0` and then `b = 2.0` — several names "
    "cannot share one `=`"
)


def function_as_name(name: str) -> str:
    return f"`{name}` is the name of a function — pick another name for this value, like `{name}1`"


def already_defined(name: str, line: int | None) -> str:
    where = "the exercise gives it" if line is None else f"from line {line}"
    return (
        f"`{name}` already has a value ({where}) — each name is one node of the graph, so give "
        f"this value a new name, like `{name}2`"
    )


def alias(name: str, other: str) -> str:
    return (
        f"`{name} = {other}` only gives `{other}` a second name, and a node has one name in the "
        f"graph — use `{other}` wherever you need it"
    )


# -- expressions outside the language ----------------------------------------------------------

# Operators a Value does not have: the symbol the learner typed, and what to use instead.
REFUSED_OPERATORS = {
    "FloorDiv": ("//", "use `/`"),
    "Mod": ("%", OPERATIONS),
    "MatMult": ("@", "to multiply, use `*`"),
    "BitXor": ("^", "for a power, use `**`, like `x**2`"),
    "BitAnd": ("&", OPERATIONS),
    "BitOr": ("|", OPERATIONS),
    "LShift": ("<<", OPERATIONS),
    "RShift": (">>", OPERATIONS),
    "Not": ("not", "it works on True and False; " + OPERATIONS),
    "Invert": ("~", "for a negative, use `-`"),
}
COMPARISONS = {
    "Eq": "==",
    "NotEq": "!=",
    "Lt": "<",
    "LtE": "<=",
    "Gt": ">",
    "GtE": ">=",
    "Is": "is",
    "IsNot": "is not",
    "In": "in",
    "NotIn": "not in",
}
COMPREHENSIONS = (
    "comprehensions (`... for ... in ...`) are not part of this little language — write each "
    "value as its own statement"
)
COLLECTIONS = (
    "lists and other collections are not part of this little language — give each value its "
    "own name, like `x1 = 2.0`"
)
# Kinds of expression that are refused whatever they contain: the message, and where the
# caret goes -- at the start of the node, or after one of its fields (the first, for a list).
REFUSED_EXPRESSIONS = {
    "Lambda": ("`lambda` makes a function, not a Value — write the expression itself", None),
    "ListComp": (COMPREHENSIONS, "elt"),
    "SetComp": (COMPREHENSIONS, "elt"),
    "GeneratorExp": (COMPREHENSIONS, "elt"),
    "DictComp": (COMPREHENSIONS, "value"),
    "Subscript": (
        "square brackets `[...]` pick items from a list, and a Value is one number — use its "
        "name on its own, like `x`",
        "value",
    ),
    "IfExp": (
        "`... if ... else ...` is not part of this little language — to keep only positive "
        "values, `relu(x)` may be what you need",
        "body",
    ),
    "Tuple": (
        "a comma makes a tuple, and a Value is one number — write one value per statement "
        "(a `;` separates statements)",
        "elts",
    ),
    "List": (COLLECTIONS, None),
    "Set": (COLLECTIONS, None),
    "Dict": (COLLECTIONS, None),
    "Starred": (needs_left_value("*"), None),
    "JoinedStr": (QUOTES, None),
    "Await": (f"`await` is not part of this little language — you can use {LANGUAGE}", None),
    "Yield": (f"`yield` is not part of this little language — you can use {LANGUAGE}", None),
    "YieldFrom": (
        f"`yield from` is not part of this little language — you can use {LANGUAGE}",
        None,
    ),
}
PYTHON_HINTS = {
    "sqrt": " — for a square root, write `x ** 0.5`",
    "pow": " — for a power, write `x ** k`",
    "max": " — for max(0, x), write `relu(x)`",
    "abs": "",
}


def not_in_language(text: str) -> str:
    return f"`{text}` is not part of this little language — you can use {LANGUAGE}"


def refused_operator(symbol: str, advice: str) -> str:
    return f"`{symbol}` is not an operation a Value has — {advice}"


def walrus(target: str) -> str:
    return (
        f"`:=` is not available — give the value its name in a statement of its own, like "
        f"`{target} = ...`"
    )


def equality(name: str, value: str) -> str:
    return (
        f"`==` compares two values and gives True or False — to give `{name}` a value, use one "
        f"`=`: `{name} = {value}`"
    )


def comparison(symbol: str) -> str:
    return (
        f"`{symbol}` compares values and gives True or False, not a Value — you can use {LANGUAGE}"
    )


def boolean_operator(word: str) -> str:
    return f"`{word}` works on True and False, not on Values — you can use {LANGUAGE}"


def not_a_number(text: str) -> str:
    return f"`{text}` is not a number — a Value needs a number, like 1.0 or 0.0"


def imaginary(text: str) -> str:
    return f"`{text}` is an imaginary number — a Value holds a real number, like 2.0"


def write_a_number(text: str) -> str:
    return f"`{text}` is not a number — write a number, like 2.0"


def number_too_large(text: str) -> str:
    return (
        f"`{text}` is too large for a float (the largest is about 1.8e308) — use a smaller number"
    )


def function_without_call(name: str) -> str:
    return f"`{name}` is a function — call it on a value, like `{name}(x)` or `x.{name}()`"


def defined_later(name: str, same_line: bool, line: int) -> str:
    where = "later on this line" if same_line else f"on line {line}"
    return (
        f"`{name}` is not defined yet — it gets its value {where}; move that statement above "
        "this one"
    )


def python_builtin(name: str) -> str:
    return (
        f"`{name}` is not defined — it belongs to Python, not to this little language, which "
        f"has {LANGUAGE}"
    )


def undefined(name: str) -> str:
    return (
        f"`{name}` is not defined yet — give it a value before this statement, like "
        f"`{name} = 1.0` and then `;` or a new line"
    )


def value_constructor(name: str | None, number: str | None) -> str:
    """``a = Value(2.0)``: every number here is a Value already, and the statement's
    name is its label. ``name`` is None where the call is inside an expression,
    ``number`` None where its argument is not a plain number."""
    number = number or "2.0"
    instead = f"write `{name} = {number}`" if name else f"write just the number, like `{number}`"
    return (
        "`Value(...)` is not needed here — every number is already a Value, named by "
        f"its statement: {instead}"
    )


def module_prefix(module: str, function: str) -> str:
    return f"`{module}.` is not needed — write `{function}(...)`, or `x.{function}()` on a value x"


def method_takes_nothing(name: str) -> str:
    return (
        f"`.{name}()` takes nothing in its brackets — it works on the value before the dot, "
        f"like `x.{name}()`"
    )


def calling_a_value(name: str) -> str:
    return f"`{name}` is a Value, not a function — to multiply, put `*` between: `{name} * (...)`"


def unknown_function(name: str, python_name: str) -> str:
    functions = ", ".join(list(FUNCTIONS)[:-1]) + f" and {list(FUNCTIONS)[-1]}"
    return (
        f"`{name}(...)` is not available — the functions are {functions}"
        f"{PYTHON_HINTS.get(python_name, '')}"
    )


def not_a_function(text: str) -> str:
    return f"`{text}` is not a function — to multiply, put `*` before the bracket"


def double_star_argument(function: str) -> str:
    return f"`**` cannot be used here — write `{function}(x)` with one value"


def keyword_argument(function: str, keyword: str, value: str) -> str:
    return f"`{function}` takes just a value, without `{keyword}=` — write `{function}({value})`"


def no_argument(function: str) -> str:
    return f"`{function}()` needs a value in its brackets, like `{function}(x)`"


def star_argument(function: str) -> str:
    return f"`*` cannot spread values here — `{function}` takes one value, like `{function}(x)`"


def extra_arguments(function: str) -> str:
    return f"`{function}` takes one value, like `{function}(x)` — remove the extra ones"


def exponent(why: str) -> str:
    return f"the exponent must be a plain number like 2 or 0.5 — {why}"


def attribute(name: str) -> str:
    if name in FUNCTIONS:
        return f"`.{name}` needs brackets to run, like `x.{name}()`"
    if name.startswith("__"):
        return f"`{name}` reaches into Python's insides, which is not allowed here — {METHODS}"
    if name in ("data", "grad", "label"):
        return (
            f"`.{name}` is shown by the tutor and cannot be used in an expression — write the "
            "name itself, like `x`"
        )
    if name in ("backward", "zero_grad"):
        return f"`{name}()` is run by the tutor after building the graph — leave it out"
    return f"`.{name}` is not something a Value has — {METHODS}"


# -- while computing ---------------------------------------------------------------------------


def too_many_operations(count: int) -> str:
    return (
        f"this is operation number {count:,} and the limit is {MAX_OPERATIONS:,} — a smaller "
        "expression shows the same ideas"
    )


def division_by_zero(shown: str, power: bool) -> str:
    why = " (a negative power of 0)" if power else ""
    return f"{shown} divides by zero{why} — change the numbers so nothing is divided by 0"


def no_real_value(shown: str) -> str:
    return (
        f"{shown} has no real value — a negative number has no real fractional power; use a "
        "whole-number exponent or a positive base"
    )


def overflow(shown: str, advice: str = " — use smaller numbers") -> str:
    return f"{shown} is too large for a float{advice}"


def undefined_function_value(shown: str, function: str) -> str:
    advice = " — log needs a number greater than 0" if function == "log" else ""
    return f"{shown} is undefined{advice}"
