"""lessons.expr: a learner's text becomes a labelled Value graph, and never reaches eval."""

from __future__ import annotations

import ast
import builtins
import math
import operator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.value import MathError, Value, topological_order
from lessons.expr import (
    MAX_CHARS,
    MAX_DEPTH,
    MAX_OPERATIONS,
    MAX_STATEMENTS,
    ExpressionError,
    Program,
    build,
    format_error,
)

LECTURE = "a = 2.0; b = -3.0; c = 10.0; e = a*b; d = e + c; f = -2.0; L = d * f"


def refusal(source: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        build(source)
    return info.value


# -- what it builds ---------------------------------------------------------------------------


def test_the_lecture_graph_and_its_gradients():
    program = build(LECTURE)
    v = program.values
    assert program.output is v["L"]
    assert v["L"].data == -8.0
    assert (v["e"].data, v["d"].data) == (-6.0, 4.0)
    program.output.backward()
    grads = {name: value.grad for name, value in v.items()}
    assert grads == {"a": 6.0, "b": -4.0, "c": -2.0, "e": -2.0, "d": -2.0, "f": 4.0, "L": 1.0}


def test_values_are_labelled_in_order_of_definition_with_leaves_and_computed():
    program = build(LECTURE)
    assert list(program.values) == ["a", "b", "c", "e", "d", "f", "L"]
    assert all(value.label == name for name, value in program.values.items())
    assert program.leaves == ("a", "b", "c", "f")
    assert program.computed == ("e", "d", "L")


def test_the_graph_is_built_from_the_named_values():
    v = build(LECTURE).values
    assert v["e"]._op == "*" and v["e"]._prev == (v["a"], v["b"])
    assert v["d"]._op == "+" and v["d"]._prev == (v["e"], v["c"])
    assert v["L"]._prev == (v["d"], v["f"])


def test_a_negative_number_on_its_own_is_a_leaf():
    b = build("b = -3.0").values["b"]
    assert (b.data, b._op, b._prev) == (-3.0, "", ())


def test_tanh_rebuilt_from_exp_equals_tanh():
    # (e**(2x) - 1) / (e**(2x) + 1) is tanh(x). The text, with x = 0.5, gives
    # tanh(0.5); with x = 1.0 the same lines give tanh(1.0).
    for x_value in (0.5, 1.0):
        program = build(f"x = {x_value}; y = (2*x).exp(); z = (y - 1)/(y + 1)")
        z, x = program.output, program.values["x"]
        assert z.data == pytest.approx(math.tanh(x_value), abs=1e-15)
        z.backward()
        direct = build(f"x = {x_value}; z = x.tanh()")
        direct.output.backward()
        assert x.grad == pytest.approx(direct.values["x"].grad, abs=1e-12)
        assert x.grad == pytest.approx(1 - math.tanh(x_value) ** 2, abs=1e-12)


def test_micrograd_readme_example_written_without_augmented_assignment():
    source = """
        a = -4.0
        b = 2.0
        c = a + b
        d = a * b + b**3
        c2 = c + (c + 1)
        c3 = c2 + (1 + c2 + (-a))
        d2 = d + (d * 2 + (b + a).relu())
        d3 = d2 + (3 * d2 + (b - a).relu())
        e = c3 - d3
        f = e**2
        g = f / 2.0
        g2 = g + 10.0 / f
    """
    program = build(source)
    program.output.backward()
    a, b = program.values["a"], program.values["b"]
    assert program.output.data == pytest.approx(24.7041, abs=1e-4)
    assert a.grad == pytest.approx(138.8338, abs=1e-4)
    assert b.grad == pytest.approx(645.5773, abs=1e-4)


def test_numbers_inside_expressions_become_constant_leaves_as_written():
    v = build("a = 3.0; p = a * -2; q = 2 * a; r = 2 - a").values
    p, q = v["p"], v["q"]
    assert p._op == "*" and p._prev[0] is v["a"] and p._prev[1].data == -2.0
    assert p._prev[1].label == "" and p._prev[1]._op == ""
    assert q._prev[0].data == 2.0 and q._prev[1] is v["a"]  # the number stays first
    assert v["r"].data == -1.0 and v["r"]._op == "+"


def test_two_numbers_still_make_a_node():
    program = build("c = 2 * 3")
    assert program.values["c"].data == 6.0
    assert program.computed == ("c",) and program.leaves == ()


def test_signs_and_brackets_around_numbers_make_leaves():
    program = build("a = +2; b = -(3); c = (4.5); d = - - 1e-3")
    assert program.leaves == ("a", "b", "c", "d")
    assert [v.data for v in program.values.values()] == [2.0, -3.0, 4.5, 1e-3]


def test_negating_a_value_is_a_times_minus_one_node():
    v = build("a = 2.0; n = -a").values
    assert v["n"]._op == "*" and v["n"]._prev[0] is v["a"] and v["n"]._prev[1].data == -1.0


def test_exponents_are_recorded_as_written():
    v = build("x = 4.0; s = x ** 2; r = x ** -1; h = x ** 0.5").values
    assert (v["s"]._op, v["s"].data) == ("**2", 16.0)
    assert (v["r"]._op, v["r"].data) == ("**-1", 0.25)
    assert (v["h"]._op, v["h"].data) == ("**0.5", 2.0)


@pytest.mark.parametrize("name", ["tanh", "exp", "relu", "log", "sigmoid"])
def test_functions_and_methods_are_the_same_operation(name):
    as_function = build(f"x = 0.7; y = {name}(x)").output
    as_method = build(f"x = 0.7; y = x.{name}()").output
    expected = getattr(Value(0.7), name)()
    assert as_function._op == as_method._op == expected._op
    assert as_function.data == as_method.data == expected.data


def test_a_function_of_a_plain_number():
    assert build("t = tanh(2.0)").output.data == math.tanh(2.0)
    assert build("t = (0.0).exp()").output.data == 1.0


def test_a_bare_expression_is_the_unlabelled_output():
    program = build("a = 2.0\na * 3")
    assert program.output.data == 6.0 and program.output.label == ""
    assert list(program.values) == ["a"]
    assert build("7").output.data == 7.0


def test_the_output_of_a_bare_name_is_that_value():
    program = build("a = 2.0; b = a * a; b")
    assert program.output is program.values["b"]


def test_line_breaks_semicolons_comments_and_indentation():
    source = "# the lecture\r\n  a = 2.0  # an input\n\tb = a *\\\n 3;\n\nc = (b +\n     1);"
    program = build(source)
    assert program.values["c"].data == 7.0


def test_precedence_follows_python():
    assert build("a = 2.0; b = 1 + a * 3 ** 2").output.data == 19.0
    assert build("a = 2.0; b = -a ** 2").output.data == -4.0


def test_names_may_use_letters_beyond_ascii():
    program = build("α = 2.0; β = α * 3")
    assert program.values["β"].data == 6.0 and program.values["β"].label == "β"


def test_the_graph_has_no_nodes_beyond_the_program():
    program = build("x = 1.0; y = x * x + 1")
    nodes = topological_order(program.output)
    assert {id(n) for n in nodes} >= {id(v) for v in program.values.values()}
    assert len(nodes) == 4  # x, x*x, the constant 1, and +


# -- refusals: one per category, with message and position ------------------------------------

REFUSALS = [
    # (category, source, words in the message, line, column)
    (
        "undefined name",
        "d = q * 2",
        "`q` is not defined yet — define it on an earlier line, like `q = 1.0`",
        1,
        5,
    ),
    ("defined later", "d = q * 2\nq = 1.0", "gets its value on line 2", 1, 5),
    ("defined later on the line", "d = q * 2; q = 1", "later on this line", 1, 5),
    ("python builtin", "b = print", "`print` is not defined — it belongs to Python", 1, 5),
    ("dunder builtin", "__import__", "belongs to Python", 1, 1),
    ("function used as a name", "x = 1.0; y = tanh", "`tanh` is a function — call it", 1, 14),
    ("floor division", "a = 1\nb = a // 2", "`//` is not an operation a Value has — use `/`", 2, 7),
    ("modulo", "a = 1; a % 2", "`%` is not an operation a Value has", 1, 10),
    ("matrix product", "a = 1; a @ a", "`@` is not an operation a Value has — to multiply", 1, 10),
    ("xor for power", "a = 1; a ^ 2", "for a power, use `**`", 1, 10),
    ("shift", "a = 1; a << 2", "`<<` is not an operation a Value has", 1, 10),
    ("not", "a = 1; not a", "`not` is not an operation a Value has", 1, 8),
    ("invert", "a = 1; ~a", "`~` is not an operation a Value has — for a negative, use `-`", 1, 8),
    ("dunder attribute", "a = 1; a.__class__", "`__class__` reaches into Python's insides", 1, 10),
    ("dunder attribute chain", "a = 1; a.__class__.__bases__", "`__class__` reaches", 1, 10),
    ("dunder method call", "a = 1; a.__init__()", "`__init__` reaches", 1, 10),
    (
        "unknown method",
        "x = 1; x.foo()",
        "`.foo` is not something a Value has — the methods are",
        1,
        10,
    ),
    (
        "method without brackets",
        "x = 1; y = x.tanh",
        "`.tanh` needs brackets to run, like `x.tanh()`",
        1,
        14,
    ),
    ("data attribute", "x = 1; y = x.data", "`.data` is shown by the tutor", 1, 14),
    ("backward", "x = 1; x.backward()", "`backward()` is run by the tutor", 1, 10),
    ("import", "import os", "imports are not allowed here", 1, 1),
    ("from import", "from math import exp", "imports are not allowed here", 1, 1),
    ("def", "def f(): pass", "`def` is not part of this little language", 1, 1),
    ("class", "class A: pass", "`class` is not part of this little language", 1, 1),
    ("for loop", "for x in y: pass", "`for` blocks are not part", 1, 1),
    ("while loop", "while 1: pass", "`while` blocks are not part", 1, 1),
    ("with", "with a: pass", "`with` blocks are not part", 1, 1),
    ("del", "a = 1\ndel a", "`del` is not part of this little language", 2, 1),
    ("pass", "pass", "`pass` is not part", 1, 1),
    ("assert", "assert 1", "`assert` is not part", 1, 1),
    ("raise", "raise x", "`raise` is not part", 1, 1),
    ("global", "global a", "`global` is not part", 1, 1),
    ("await", "await x", "`await` is not part", 1, 1),
    ("yield", "yield x", "`yield` is not part", 1, 1),
    ("lambda", "f = lambda x: x", "`lambda` makes a function, not a Value", 1, 5),
    ("list comprehension", "a = [x for x in y]", "comprehensions", 1, 8),
    ("generator", "a = sum(x for x in y)", "`sum(...)` is not available", 1, 5),
    ("generator inside a function", "a = tanh(x for x in y)", "comprehensions", 1, 12),
    ("dict comprehension", "a = {x: x for x in y}", "comprehensions", 1, 11),
    ("subscript", "a = 1; a[0]", "square brackets `[...]` pick items", 1, 9),
    ("list", "a = [1, 2]", "lists and other collections", 1, 5),
    ("dict", "a = {1: 2}", "lists and other collections", 1, 5),
    ("tuple", "a = 1, 2", "a comma makes a tuple", 1, 6),
    (
        "keyword argument",
        "a = 1; b = tanh(x=a)",
        "`tanh` takes just a value, without `x=` — write `tanh(a)`",
        1,
        17,
    ),
    ("double-star argument", "a = tanh(**k)", "`**` cannot be used here", 1, 10),
    ("star argument", "a = tanh(*k)", "`*` cannot spread values here", 1, 10),
    ("two arguments", "a = 1; b = tanh(a, a)", "`tanh` takes one value", 1, 20),
    ("no argument", "a = tanh()", "`tanh()` needs a value in its brackets", 1, 5),
    (
        "method with an argument",
        "x = 1; x.tanh(2)",
        "`.tanh()` takes nothing in its brackets",
        1,
        15,
    ),
    ("module prefix", "x = 1; math.exp(x)", "`math.` is not needed — write `exp(...)`", 1, 8),
    (
        "unknown function",
        "x = 1; sqrt(x)",
        "`sqrt(...)` is not available — the functions are tanh",
        1,
        8,
    ),
    ("calling a value", "a = 1; a(2)", "`a` is a Value, not a function — to multiply", 1, 8),
    ("calling a number", "a = 1; 2(a)", "`2` is not a function — to multiply, put `*`", 1, 9),
    ("f-string", 'a = f"{b}"', "f-strings make text, not Values", 1, 5),
    ("string", "a = '2'", "text in quotes is not a number", 1, 5),
    ("prefixed string", "a = rb'2'", "text in quotes is not a number", 1, 5),
    ("walrus", "a = (b := 2)", "`:=` is not available", 1, 8),
    ("augmented assignment", "a = 1; a += 1", "`+=` changes `a` in place", 1, 10),
    ("tuple assignment", "a, b = 1, 2", "give each name its own statement", 1, 1),
    ("chained assignment", "a = b = 1", "one `=` per statement", 1, 5),
    (
        "attribute assignment",
        "a = 1\na.data = 5",
        "the left side of `=` must be one new name",
        2,
        1,
    ),
    ("annotation", "a: float = 1", "a type annotation is not needed", 1, 2),
    ("equality", "a = 1; a == 2", "to give `a` a value, use one `=`: `a = 2`", 1, 10),
    ("comparison", "a = 1; b = 2; a < b", "`<` compares values and gives True or False", 1, 17),
    ("boolean operator", "a = 1; b = a and a", "`and` works on True and False", 1, 14),
    ("conditional", "a = 1; b = 1 if a else 2", "`... if ... else ...` is not part", 1, 14),
    ("starred", "*b", "`*` needs a value on its left", 1, 1),
    ("boolean", "a = True", "`True` is not a number", 1, 5),
    ("none", "a = None", "`None` is not a number", 1, 5),
    ("imaginary", "a = 2j", "`2j` is an imaginary number", 1, 5),
    ("ellipsis", "a = ...", "`...` is not a number", 1, 5),
    ("number too large", "a = 1e999", "`1e999` is too large for a float", 1, 5),
    ("integer too large", "a = 1" + "0" * 400, "is too large for a float", 1, 5),
    (
        "value as exponent",
        "x = 2; y = 3; z = x ** y",
        "the exponent must be a plain number like 2 or 0.5 — `y` is a Value",
        1,
        24,
    ),
    ("calculated exponent", "x = 2; z = x ** (1/2)", "`1/2` is a calculation", 1, 18),
    (
        "huge exponent tower",
        "x = 9**9**9**9",
        "the exponent must be a plain number like 2 or 0.5 — `9**9**9` is a calculation",
        1,
        8,
    ),
    ("reassignment", "a = 1\na = a + 1", "`a` already has a value (from line 1)", 2, 1),
    ("alias", "a = 1; b = a", "`b = a` only gives `a` a second name", 1, 12),
    ("function name as a name", "tanh = 1", "`tanh` is the name of a function", 1, 1),
    ("typographic minus", "a = −2", "typographic minus sign — type the plain `-`", 1, 5),
    ("times sign", "a = 2 × 3", "type `*` to multiply", 1, 7),
    ("non-breaking space", "a =\u00a02", "non-breaking space", 1, 4),
    ("NUL byte", "a = 1\0", "NUL character", 1, 6),
    ("NUL byte in a comment", "a = 1  # \0", "NUL character", 1, 10),
    ("control character", "a = 1\x1b[0m", "invisible or unusual character (U+001B)", 1, 6),
    ("surrogate", "a = 1 # \ud800", "(U+D800)", 1, 9),
    ("byte order mark", "\ufeffa = 1", "(U+FEFF)", 1, 1),
]


@pytest.mark.parametrize(
    ("source", "words", "line", "col"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_refusal(source, words, line, col):
    err = refusal(source)
    assert words in err.message
    assert (err.line, err.col) == (line, col)


SYNTAX_ERRORS = [
    ("missing operand", "a *", "`a *` needs something after `*`", 1, 3),
    ("missing operand after a name", "a = 1; c = a *", "`a *` needs something after `*`", 1, 14),
    ("missing power", "x = 2; y = x **", "`x **` needs something after `**`", 1, 14),
    (
        "missing operand before a bracket",
        "a = 1; b = (a -)",
        "`a -` needs something after `-`",
        1,
        15,
    ),
    (
        "missing operand across lines",
        "a = 1; b = (a *\n)",
        "`a *` needs something after `*`",
        1,
        15,
    ),
    ("missing value after =", "a =", "`a =` needs something after `=`", 1, 3),
    ("missing left operand", "a = / 2", "`/` needs a value on its left", 1, 5),
    ("unclosed bracket", "a = tanh(2.0", "this `(` is never closed — add a `)`", 1, 9),
    ("stray closing bracket", "a = 2.0)", "this `)` has no `(` before it", 1, 8),
    (
        "mismatched brackets",
        "a = (2.0]",
        "this `]` does not match the `(` on line 1, column 5",
        1,
        9,
    ),
    ("assigning to a number", "1 = a", "the left side of `=` must be one new name", 1, 1),
    ("assigning to an expression", "a + b = c", "the left side of `=` must be one new name", 1, 1),
    (
        "side by side",
        "a = 1; b = a a",
        "two values side by side — put an operator between them",
        1,
        14,
    ),
    ("function without brackets", "x = tanh 2", "`tanh` needs its value in brackets", 1, 10),
    (
        "number run into a name",
        "a = 2a",
        "`2a` runs a number into a name — put `*` between them, like `2 * a`",
        1,
        5,
    ),
    ("method on an integer", "x = 2.exp()", "write `exp(2.0)` or `(2.0).exp()`", 1, 5),
    ("dot without a method", "x = 1; y = x.", "a `.` needs a method after it", 1, 13),
    (
        "reserved word as a name",
        "lambda = 0.1",
        "`lambda` is a word Python keeps for itself — pick another name, like `lam`",
        1,
        1,
    ),
    ("True as a name", "True = 1", "`True` is a word Python keeps for itself", 1, 1),
    ("if with =", "a = 1\nif a = 2", "`if` blocks are not part", 2, 1),
    ("if block", "a = 1\nif a:\n  b = 2", "`if` blocks are not part", 2, 1),
    ("backslash at the end", "a = 1 \\", "a `\\` joins a line to the next one", 1, 7),
    ("unknown symbol", "a = 1; a $ a", "`$` is not part of an expression", 1, 10),
    ("extra semicolon", "a = 1;;", "remove this extra `;`", 1, 7),
    ("question mark", "a = 1; a ? 2", "`?` is not part of an expression", 1, 10),
    ("invalid character", "a = 1 ∑ 2", "`∑` is not part of an expression — delete it", 1, 7),
]


@pytest.mark.parametrize(
    ("source", "words", "line", "col"),
    [case[1:] for case in SYNTAX_ERRORS],
    ids=[case[0] for case in SYNTAX_ERRORS],
)
def test_syntax_error_explained(source, words, line, col):
    err = refusal(source)
    assert words in err.message
    assert (err.line, err.col) == (line, col)


MATH_ERRORS = [
    ("exp overflow", "x = exp(1000.0)", "exp(1000.0) is too large for a float", 1, 5),
    (
        "exp overflow as a method",
        "x = 1000.0; y = x.exp()",
        "exp(1000.0) is too large for a float",
        1,
        19,
    ),
    (
        "log of a negative",
        "a = -1; b = log(a)",
        "log(-1.0) is undefined — log needs a number greater than 0",
        1,
        13,
    ),
    ("log of zero", "a = 0; b = a.log()", "log(0.0) is undefined", 1, 14),
    (
        "fractional power of a negative",
        "a = -8; b = a ** 0.5",
        "(-8.0) ** 0.5 has no real value",
        1,
        15,
    ),
    ("division by zero", "a = 0; b = 1 / a", "1 / 0.0 divides by zero", 1, 14),
    ("division by a zero number", "a = 2; b = a / 0", "2.0 / 0 divides by zero", 1, 14),
    (
        "negative power of zero",
        "a = 0; b = a ** -1",
        "divides by zero (a negative power of 0)",
        1,
        14,
    ),
    ("power overflow", "a = 10; b = a ** 400", "10.0 ** 400 is too large for a float", 1, 15),
    ("product overflow", "a = 1e200; b = a * a", "1e+200 * 1e+200 is too large for a float", 1, 18),
    ("sum overflow", "a = 1.7e308; b = a + a", "is too large for a float", 1, 20),
    ("quotient overflow", "a = 1e-310; b = 1 / a", "1 / 1e-310 is too large for a float", 1, 19),
    ("error in a later line", "a = 1\nb = a - 1\nc = a / b", "1.0 / 0.0 divides by zero", 3, 7),
]


@pytest.mark.parametrize(
    ("source", "words", "line", "col"),
    [case[1:] for case in MATH_ERRORS],
    ids=[case[0] for case in MATH_ERRORS],
)
def test_math_errors_become_expression_errors_at_the_operation(source, words, line, col):
    err = refusal(source)
    assert words in err.message
    assert (err.line, err.col) == (line, col)


@pytest.mark.parametrize(
    "source", ["", "   ", "\n\n\t\n", "# only a comment", "  # two\n# comments"]
)
def test_an_empty_box_asks_for_an_expression(source):
    err = refusal(source)
    assert err.message == "Type an expression, like `a = 2.0; b = a * 3`"
    assert (err.line, err.col) == (1, 1)


def test_the_error_is_a_value_error_with_position_in_its_text():
    err = refusal("d = q * 2")
    assert isinstance(err, ValueError)
    assert str(err).startswith("line 1, column 5: `q` is not defined yet")


def test_positions_count_characters_not_bytes_and_include_indentation():
    err = refusal("α = 2.0; β = α * q")
    assert (err.line, err.col) == (1, 18)
    err = refusal("a = 1\n    b = a // 2")
    assert (err.line, err.col) == (2, 11)
    err = refusal("a = 1\r\nb = q")
    assert (err.line, err.col) == (2, 5)


# -- limits -----------------------------------------------------------------------------------


def test_text_up_to_the_limit_is_read():
    source = "a = 1.0" + " " * (MAX_CHARS - len("a = 1.0"))
    assert len(source) == MAX_CHARS
    assert build(source).output.data == 1.0


@pytest.mark.parametrize("size", [MAX_CHARS + 1, 3_000_000])
def test_longer_text_is_refused_before_it_is_read(size):
    source = ("a = 1.0\n" * (size // 8 + 1))[:size]
    err = refusal(source)
    assert f"the text is {size:,} characters long and the limit is 4,000" in err.message
    assert (err.line, err.col) == (501, 1)  # just past the 4,000th character


def test_statements_up_to_the_limit_and_one_more():
    lines = [f"x{i} = {i}" for i in range(MAX_STATEMENTS)]
    assert len(build("\n".join(lines)).values) == MAX_STATEMENTS
    err = refusal("\n".join([*lines, "y = 1"]))
    assert "there are 201 statements and the limit is 200" in err.message
    assert (err.line, err.col) == (201, 1)


def test_operations_up_to_the_limit_and_one_more():
    at_limit = "a=1\nb=a" + "+a" * MAX_OPERATIONS
    assert build(at_limit).output.data == MAX_OPERATIONS + 1
    err = refusal(at_limit + "+a")
    assert "this is operation number 1,001 and the limit is 1,000" in err.message
    assert (err.line, err.col) == (2, len("b=a") + 2 * MAX_OPERATIONS + 1)


def test_operations_are_counted_across_statements():
    lines = ["a = 1"] + [f"b{i} = a" + "*a" * 10 for i in range(MAX_OPERATIONS // 10)]
    build("\n".join(lines))
    err = refusal("\n".join([*lines, "c = -a"]))
    assert "operation number 1,001" in err.message
    assert (err.line, err.col) == (len(lines) + 1, 5)


def test_brackets_up_to_the_depth_limit_and_one_more():
    assert build("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH).output.data == 1.0
    err = refusal("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1))
    assert "brackets are nested more than 50 deep" in err.message
    assert (err.line, err.col) == (1, 51)


def test_thousands_of_nested_brackets():
    err = refusal("(" * 3999)
    assert "nested more than 50 deep" in err.message and (err.line, err.col) == (1, 51)
    err = refusal(")" * 3999)
    assert "has no `(` before it" in err.message and (err.line, err.col) == (1, 1)


def test_a_brackets_in_a_comment_do_not_count():
    assert build("a = 1  # " + "(" * 3000).output.data == 1.0


def test_nesting_without_brackets_is_limited_too():
    chain = "x = 0.5\ny = x" + ".tanh()" * MAX_DEPTH
    build(chain)
    err = refusal(chain + ".tanh()")
    assert "nested more than 50 levels deep" in err.message
    assert (err.line, err.col) == (2, 7)  # the innermost call, the first `.tanh`


def test_runs_of_signs_are_limited():
    assert build("-" * MAX_DEPTH + "1").output.data == 1.0
    err = refusal("-" * 3990 + "1")
    assert "more than 50 signs in a row" in err.message and (err.line, err.col) == (1, 51)


def test_signs_and_brackets_nesting_together():
    err = refusal("x = 1\n" + ("-" * 50 + "(") * 50 + "x" + ")" * 50)
    assert "nested more than 50 levels deep" in err.message


@pytest.mark.parametrize(
    "source",
    [
        "not " * 990 + "1",
        "lambda:" * 570 + "1",
        "a" + ".b" * 1990,
        "a" + "()" * 1990,
        "2**" * 1300 + "2",
        "a = 1\nb = a" + "+a" * 1990,
        "1" + "0" * 3990,
        "[" * 50 + "]" * 50,
    ],
    ids=["not", "lambda", "attributes", "calls", "powers", "sum", "digits", "lists"],
)
def test_hostile_shapes_at_the_length_limit_are_refused(source):
    assert len(source) <= MAX_CHARS
    refusal(source)


# -- safety -----------------------------------------------------------------------------------


def test_building_never_calls_eval_or_exec_and_compiles_only_to_a_syntax_tree(monkeypatch):
    real_compile = builtins.compile
    compiled = []

    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec must never run")

    def parse_only(source, filename, mode, flags=0, *args, **kwargs):
        assert flags & ast.PyCF_ONLY_AST, "compile() may only be used to parse"
        compiled.append(source)
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "compile", parse_only)
    assert build(LECTURE).output.data == -8.0
    with pytest.raises(ExpressionError):
        build("__import__('os').system('echo hi')")
    assert compiled  # the text was parsed, never run


def test_the_source_of_engine_expr_has_no_eval_exec_or_compile_call():
    import re
    from pathlib import Path

    import lessons.expr.builder

    code = Path(lessons.expr.builder.__file__).read_text(encoding="utf-8")
    assert not re.search(r"(^|[^.\w])(eval|exec|compile)\(", code)


# -- format_error -----------------------------------------------------------------------------


def test_format_error_puts_a_caret_under_the_column():
    source = "a = 1\nb = a // 2"
    text = format_error(source, refusal(source))
    assert text.splitlines() == [
        "line 2, column 7: `//` is not an operation a Value has — use `/`",
        "  b = a // 2",
        "        ^",
    ]


def test_format_error_keeps_the_caret_in_line_with_tabs_and_nul():
    source = "\ta = 1\0"
    lines = format_error(source, refusal(source)).splitlines()
    assert lines[1].index("�") == lines[2].index("^")


def test_format_error_shows_a_window_of_a_long_line():
    source = "a = 1; " + "a + " * 400 + "q"
    err = refusal(source)
    lines = format_error(source, err).splitlines()
    assert len(lines[1]) < 100
    assert lines[1][lines[2].index("^")] == "q"


def test_format_error_for_an_empty_box_is_the_message():
    assert format_error("", refusal("")) == (
        "line 1, column 1: Type an expression, like `a = 2.0; b = a * 3`"
    )


# -- fuzzing: any text gives a Program or an ExpressionError, never anything else -------------


def check_outcome(source: str) -> Program | ExpressionError:
    """Build ``source``; whatever happens must be a well-formed Program or ExpressionError."""
    try:
        program = build(source)
    except ExpressionError as err:
        lines = source[: MAX_CHARS + 1].replace("\r\n", "\n").replace("\r", "\n").split("\n")
        assert err.message
        assert 1 <= err.line <= len(lines)
        assert 1 <= err.col <= len(lines[err.line - 1]) + 1
        assert err.message in format_error(source, err)
        return err
    assert isinstance(program.output, Value) and math.isfinite(program.output.data)
    assert program.leaves == tuple(n for n, v in program.values.items() if v._op == "")
    assert program.computed == tuple(n for n, v in program.values.items() if v._op != "")
    for name, value in program.values.items():
        assert value.label == name and math.isfinite(value.data)
    return program


GRAMMAR = [
    "a", "b", "x1", "L", "2", "-3.0", "1e-3", "0.5", "10", " ", " ", "\n", ";",
    "+", "-", "*", "/", "**", "(", ")", "=", " = ", "a = ", "b = a * ", "x1 = ",
    ".tanh()", ".exp()", ".relu()", ".log()", ".sigmoid()",
    "tanh(", "exp(", "relu(", "log(", "sigmoid(", "# note\n",
]  # fmt: skip
JUNK = [
    "//", "%", "@", "^", "~", "[", "]", "{", "}", ",", ":", ":=", "==", "<", "!", "$", "?",
    "lambda", "lambda:", "import os", "from", "__class__", ".__dict__", "__import__", "'",
    '"', 'f"', "\\", "\0", "\t", "\r", "\x1b", "#", "if ", "for x in ", "def ", "+=", "2j",
    "0x", "...", "True", "None", "print", "await ", "yield ", "not ", "and", "is", "*",
    "9**9**9**9", "9" * 400, "1e999", "(" * 60, ")" * 60, "-" * 60, ".tanh()" * 60, "2.",
    "−", "×", "\u00a0", "\ufeff", "é", "α", "∑", "a.b", ".data", "x=", "=>", "\x0c",
]  # fmt: skip

token_soup = st.lists(
    st.one_of(st.sampled_from(GRAMMAR), st.sampled_from(JUNK), st.text(max_size=3)),
    max_size=80,
).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_fuzz_arbitrary_text(source):
    check_outcome(source)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=60))
def test_fuzz_any_characters_including_surrogates(source):
    check_outcome(source)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(token_soup)
def test_fuzz_token_soup_from_the_grammar_and_junk(source):
    check_outcome(source)


# -- fuzzing against Value itself: the text means what Python's operators on Values mean ------

NAMES = {"a": 0.5, "b": -1.5, "c": 2.0}


def expressions() -> st.SearchStrategy:
    leaves = st.one_of(
        st.sampled_from(sorted(NAMES)).map(lambda n: ("name", n)),
        st.sampled_from(["2", "0.5", "3.0", "1e-3", "-1.5", "4"]).map(lambda t: ("number", t)),
    )

    def extend(inner):
        return st.one_of(
            st.tuples(st.just("binary"), inner, st.sampled_from("+-*/"), inner),
            st.tuples(st.just("power"), inner, st.sampled_from(["2", "3", "-1", "0.5", "-2"])),
            st.tuples(
                st.just("call"),
                st.sampled_from(sorted(["tanh", "exp", "relu", "log", "sigmoid"])),
                inner,
                st.booleans(),
            ),
            st.tuples(st.just("negate"), inner),
        )

    return st.recursive(leaves, extend, max_leaves=10)


def render(tree) -> str:
    kind = tree[0]
    if kind in ("name", "number"):
        return tree[1]
    if kind == "binary":
        return f"({render(tree[1])} {tree[2]} {render(tree[3])})"
    if kind == "power":
        return f"({render(tree[1])}) ** {tree[2]}"
    if kind == "call":
        _, name, inner, as_method = tree
        return f"({render(inner)}).{name}()" if as_method else f"{name}({render(inner)})"
    return f"-({render(tree[1])})"


class NotFinite(Exception):
    pass


def reference(tree, values: dict[str, Value]):
    """The same expression with Python's own operators on Values (numbers stay plain until
    an operation needs them, and two plain numbers make a node, as in lessons.expr)."""
    kind = tree[0]
    if kind == "name":
        return values[tree[1]]
    if kind == "number":
        return float(tree[1]) if "." in tree[1] or "e" in tree[1] else int(tree[1])
    if kind == "negate":
        inner = reference(tree[1], values)
        out = -inner
    elif kind == "power":
        base = reference(tree[1], values)
        base = base if isinstance(base, Value) else Value(base)
        exponent = float(tree[2]) if "." in tree[2] else int(tree[2])
        out = base**exponent
    elif kind == "call":
        inner = reference(tree[2], values)
        out = getattr(inner if isinstance(inner, Value) else Value(inner), tree[1])()
    else:
        left, right = reference(tree[1], values), reference(tree[3], values)
        if not isinstance(left, Value) and not isinstance(right, Value):
            left = Value(left)
        symbol = tree[2]
        out = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}[
            symbol
        ](left, right)
    if isinstance(out, Value) and not math.isfinite(out.data):
        raise NotFinite
    return out


@settings(max_examples=300, deadline=None)
@given(expressions())
def test_fuzz_built_graphs_match_the_same_operations_on_values(tree):
    source = "; ".join(f"{n} = {v}" for n, v in NAMES.items()) + "; " + render(tree)
    expected_values = {n: Value(v, label=n) for n, v in NAMES.items()}
    try:
        expected = reference(tree, expected_values)
    except (MathError, NotFinite):
        refusal(source)
        return
    program = build(source)
    expected = expected if isinstance(expected, Value) else Value(expected)
    assert program.output.data == expected.data
    program.output.backward()
    expected.backward()
    for name in NAMES:
        got, want = program.values[name].grad, expected_values[name].grad
        assert got == want or (math.isnan(got) and math.isnan(want))
