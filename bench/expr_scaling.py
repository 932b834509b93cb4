"""Whether any input to lessons.expr.build costs more than linear time in its length.

    .venv/bin/python bench/expr_scaling.py [--quick]

Every input we know of -- the crafted worst cases of ``bench/expr_fuzz.py``, the issue's
and each refusal, syntax error and math error in ``tests/expr_cases.py`` -- is grown to the
length cap (``MAX_CHARS``) in several ways: the whole text repeated on new lines or on the
same line, every character repeated, and each single character stretched into a run where
it stands (that is how `(` then 3,996 letters `) b` and 4,000 leading zeros were found).
Each grown text is timed at half the cap and at the cap (best of three), and the ratio of
the two times says how the cost grows: near 2 is linear, near 4 quadratic. Prints the inputs
that grow fastest and the slowest at the cap; exits 1 if one is worse than linear (a ratio
above 3 on a time above 5 ms) or slower than the 0.1 s bound.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from expr_cases import MATH_ERRORS, REFUSALS, SYNTAX_ERRORS
from expr_fuzz import WORST_CASES

from lessons.expr import MAX_CHARS, ExpressionError, build

LIMIT_SECONDS = 0.1
WORSE_THAN_LINEAR = 3.0  # time at the cap / time at half of it
NOISE_SECONDS = 0.005  # below this a ratio is timer noise, not growth

ISSUE_CASES = {
    "`(` 3,996 letters `) b`": "(" + "a" * (MAX_CHARS - 4) + ") b",
    "4,000 leading zeros": "0" * MAX_CHARS,
}


SEED_CHARS = 200  # a longer input is cut to this, so that growing it doubles it


def seeds() -> dict[str, str]:
    found = dict(ISSUE_CASES)
    for name, text in WORST_CASES.items():
        found.setdefault(name, text)
    for table in (REFUSALS, SYNTAX_ERRORS, MATH_ERRORS):
        for name, source, *_ in table:
            found.setdefault(name, source)
    return {name: text[:SEED_CHARS] for name, text in found.items()}


def grown(source: str, length: int, quick: bool) -> Iterator[tuple[str, str]]:
    """``source`` made about ``length`` characters long, in each way it can grow."""
    if not source:
        return
    times = max(1, length // (len(source) + 1))
    yield "repeated on new lines", "\n".join([source] * times)[:length]
    yield "repeated on one line", (source * times)[:length]
    each = max(1, length // len(source))
    yield "every character repeated", "".join(ch * each for ch in source)[:length]
    positions = range(len(source)) if not quick else range(0, len(source), 3)
    run = max(1, length - len(source))
    for i in positions:
        ch = source[i]
        yield f"`{ch!r}` at {i} stretched", source[:i] + ch * run + source[i + 1 :]


def best_of(source: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        with contextlib.suppress(ExpressionError):
            build(source)
        best = min(best, time.perf_counter() - start)
    return best


def growth(at_half: float, at_cap: float, half: str, full: str) -> float:
    """How much the time grew for twice the text (2 linear, 4 quadratic), whatever the two
    lengths were exactly."""
    return at_cap / max(at_half, 1e-6) * len(half) / max(len(full), 1) * 2


def main() -> int:
    quick = "--quick" in sys.argv
    results = []  # (ratio, seconds at the cap, case, way, chars)
    for name, source in seeds().items():
        seen = set()
        for (way, half), (_, full) in zip(
            grown(source, MAX_CHARS // 2, quick), grown(source, MAX_CHARS, quick), strict=True
        ):
            if full in seen:
                continue
            seen.add(full)
            at_half, at_cap = best_of(half), best_of(full)
            ratio = growth(at_half, at_cap, half, full)
            if ratio > WORSE_THAN_LINEAR and at_cap >= NOISE_SECONDS:
                # Time it again, longer, before believing it: the machine may have been busy.
                at_half, at_cap = best_of(half, 9), best_of(full, 9)
                ratio = growth(at_half, at_cap, half, full)
            results.append((ratio, at_cap, name, way, len(full)))
    sizes = f"{MAX_CHARS // 2:,} and {MAX_CHARS:,} chars"
    print(f"{len(results):,} grown inputs, each timed at {sizes}")
    print(f"\n{'fastest growing':62} {'chars':>6} {'at cap':>9} {'ratio':>6}")
    significant = [r for r in results if r[1] >= NOISE_SECONDS] or results
    for ratio, seconds, name, way, chars in sorted(significant, reverse=True)[:8]:
        print(f"{name + ': ' + way:62.62} {chars:>6,} {seconds * 1000:>7.2f}ms {ratio:>6.2f}")
    print(f"\n{'slowest at the cap':62} {'chars':>6} {'at cap':>9} {'ratio':>6}")
    for ratio, seconds, name, way, chars in sorted(results, key=lambda r: r[1])[-5:][::-1]:
        print(f"{name + ': ' + way:62.62} {chars:>6,} {seconds * 1000:>7.2f}ms {ratio:>6.2f}")
    worst_ratio = max(significant)
    slowest = max(results, key=lambda r: r[1])
    bad = worst_ratio[0] > WORSE_THAN_LINEAR and worst_ratio[1] >= NOISE_SECONDS
    verdict = "WORSE THAN LINEAR" if bad else "linear"
    print(
        f"\ngrowth: {verdict} (largest ratio {worst_ratio[0]:.2f}, limit {WORSE_THAN_LINEAR}); "
        f"slowest input {slowest[1] * 1000:.2f}ms "
        f"({'within' if slowest[1] < LIMIT_SECONDS else 'OVER'} the {LIMIT_SECONDS} s bound)"
    )
    return 1 if bad or slowest[1] >= LIMIT_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
