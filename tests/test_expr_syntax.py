"""lessons.expr explains text the parser cannot read from its own tokens, never from
Python's wording: the same text gets the same message under every Python."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from expr_cases import MATH_ERRORS, REFUSALS, SYNTAX_ERRORS

import lessons.expr.source
from lessons.expr import ExpressionError, build
from lessons.expr.syntax import explain

ROOT = Path(__file__).resolve().parent.parent

# Builds every case of expr_cases and prints what it says. `lessons/__init__` needs the
# project's dependencies, which another Python may not have; the builder needs only the
# standard library, so the package is stood in for by an empty one.
OUTCOMES = r"""
import json, sys, types
root = sys.argv[1]
package = types.ModuleType("lessons")
package.__path__ = [root + "/lessons"]
sys.modules["lessons"] = package
sys.path[:0] = [root, root + "/tests"]
from expr_cases import MATH_ERRORS, REFUSALS, SYNTAX_ERRORS
from lessons.expr import ExpressionError, build
outcomes = []
for name, source, *_ in REFUSALS + SYNTAX_ERRORS + MATH_ERRORS:
    try:
        build(source)
        outcomes.append([name, "built"])
    except ExpressionError as err:
        outcomes.append([name, err.message, err.line, err.col])
print(json.dumps(outcomes))
"""


def outcomes_under(python: list[str], env: dict[str, str]) -> list:
    result = subprocess.run(
        [*python, "-c", OUTCOMES, str(ROOT)], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def find_python(minor: int) -> tuple[list[str], dict[str, str]]:
    """The command for Python 3.``minor`` on PATH, and the environment it runs in; skips
    the test, saying why, when there is none that runs."""
    name = f"python3.{minor}"
    exe = shutil.which(name)
    if exe is None:
        pytest.skip(f"{name} is not on PATH")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    probe = [exe, "-c", "import sys; print(sys.version_info[:2])"]
    result = subprocess.run(probe, capture_output=True, text=True, env=env, timeout=60)
    if result.returncode != 0 and shutil.which("pyenv"):
        # A pyenv shim runs only the versions pyenv has been told to use: name this one.
        listed = subprocess.run(["pyenv", "versions", "--bare"], capture_output=True, text=True)
        versions = [v for v in listed.stdout.split() if v.startswith(f"3.{minor}.")]
        if versions:
            env["PYENV_VERSION"] = versions[-1]
            result = subprocess.run(probe, capture_output=True, text=True, env=env, timeout=60)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["it does not run"])[0]
        pytest.skip(f"{name} on PATH does not run: {reason}")
    if result.stdout.strip() != f"(3, {minor})":
        pytest.skip(f"{name} on PATH is Python {result.stdout.strip()}")
    return [exe], env


@pytest.fixture(scope="module")
def here() -> list:
    return outcomes_under([sys.executable], {**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("minor", [10, 11, 12, 13], ids=lambda minor: f"python3.{minor}")
def test_every_case_says_the_same_under_each_python_on_path(minor, here):
    python, env = find_python(minor)
    there = outcomes_under(python, env)
    assert len(there) == len(here) == len(REFUSALS) + len(SYNTAX_ERRORS) + len(MATH_ERRORS)
    assert [theirs for theirs in there if theirs not in here] == []
    assert there == here


@pytest.mark.parametrize(
    ("source", "words", "line", "col"),
    [case[1:] for case in SYNTAX_ERRORS],
    ids=[case[0] for case in SYNTAX_ERRORS],
)
def test_the_explanation_never_reads_pythons_message_or_position(
    monkeypatch, source, words, line, col
):
    def refuse(*args, **kwargs):
        raise SyntaxError("some other wording", ("<unknown>", 1, 1, "", 1, 2))

    monkeypatch.setattr(lessons.expr.source.ast, "parse", refuse)
    with pytest.raises(ExpressionError) as info:
        build(source)
    assert words in info.value.message
    assert (info.value.line, info.value.col) == (line, col)


@pytest.mark.parametrize(
    "source",
    [
        "a = 1",
        "a = [x for x in y if x]",
        "f = lambda x, y=2: x if y else -x",
        "a[1:2, ::3] = {1: 2, **b}",
        "a = b == c is not d not in e",
        "tanh(*k, x=1)\nx = 1if y else 2",
        "a = 0x_ff + 0o7 + 0b1 + 1_000.5e-3j + .5 + 2.5.real + 2..real",
        "a = 1 \\\n  + 2",
        "(a) = b = (c := 3)",
    ],
)
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
def test_text_python_can_read_has_nothing_for_the_explanation_to_find(source):
    ast.parse(source)
    assert explain(source.split("\n")) is None


def test_when_the_tokens_show_nothing_the_parsers_position_marks_the_spot():
    source = "a = 1 else 2"  # `else` without `if`: tokens alone cannot tell
    with pytest.raises(ExpressionError) as info:
        build(source)
    assert info.value.message.startswith("this cannot be read as an expression")
    assert info.value.line == 1
