"""The expression builder's cost grows linearly with the text, whatever the text.

Timing would make a flaky test on a busy machine, so the cost is counted instead: the
Python lines run while building (``sys.settrace``), the same on every run. Doubling a text
up to the length cap must not much more than double them; a quadratic step quadruples them.
``bench/expr_scaling.py`` times every known input grown in every way; these are the ones
that were once worse than linear, and one of each shape."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest

from lessons.expr import MAX_CHARS, ExpressionError, build

LINEAR = 2.6  # lines run for a text twice as long, at most this many times as many


def lines_run(source: str) -> int:
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        build(source)
    except ExpressionError:
        pass
    finally:
        sys.settrace(None)
    return count


def _statements(n: int) -> str:
    # Every constant's text was cut out of the whole text again (ast.get_source_segment).
    # 200 statements at the length cap: the most there may be.
    line = "1" * 19
    return "\n".join([line] * (n // (len(line) + 1)))


GROWING: dict[str, Callable[[int], str]] = {
    "`(` letters `) b` (issue #17)": lambda n: "(" + "a" * (n - 4) + ") b",
    "leading zeros (issue #17)": lambda n: "0" * n,
    "leading zeros then 1": lambda n: "0" * (n - 1) + "1",
    "digits then a letter": lambda n: "1" * (n - 1) + "a",
    "many numbered statements": _statements,
    "statements side by side": lambda n: "a = 1; 2(a)\n" * (n // 12),
    "a sum left open": lambda n: "a=1\nb=a" + "+a" * ((n - 8) // 2) + "+",
    "names side by side": lambda n: "a " * (n // 2),
    "dots and names": lambda n: "a" + ".a" * ((n - 2) // 2) + ".",
}


@pytest.mark.parametrize("name", list(GROWING))
def test_twice_the_text_costs_about_twice_as_much(name):
    make = GROWING[name]
    half, full = lines_run(make(MAX_CHARS // 2)), lines_run(make(MAX_CHARS))
    assert full <= LINEAR * half, f"{name}: {half:,} lines run at half the cap, {full:,} at it"
