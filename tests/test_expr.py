"""lessons.expr: a learner's text becomes a labelled Value graph, and never reaches eval.

The refusals are in test_expr_refusals, the syntax explanations in test_expr_syntax, names an
exercise gives in test_expr_given, and the fuzzing in test_expr_fuzz.
"""

from __future__ import annotations

import ast
import builtins
import math
import re
from pathlib import Path

import pytest

import lessons.expr
from engine.value import Value, topological_order
from lessons.expr import (
    MAX_CHARS,
    MAX_DEPTH,
    MAX_OPERATIONS,
    MAX_STATEMENTS,
    ExpressionError,
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


def test_the_source_of_lessons_expr_has_no_eval_exec_or_compile_call():
    folder = Path(lessons.expr.__file__).parent
    files = sorted(folder.glob("*.py"))
    assert {path.name for path in files} >= {"builder.py", "checker.py", "syntax.py"}
    for path in files:
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"(^|[^.\w])(eval|exec|compile)\(", code), path.name


def test_no_file_of_the_builder_is_longer_than_600_lines():
    for path in Path(lessons.expr.__file__).parent.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path.name


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
