"""lessons.expr under fuzzing: any text gives a Program or an ExpressionError, and a built
graph means what Python's operators on Values mean."""

from __future__ import annotations

import math
import operator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.value import MathError, Value
from lessons.expr import MAX_CHARS, ExpressionError, Program, build, format_error


def refusal(source: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        build(source)
    return info.value


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
