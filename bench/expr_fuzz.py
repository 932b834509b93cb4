"""How long lessons.expr.build takes on its worst inputs (the issue asks for < 0.1 s each).

    .venv/bin/python bench/expr_fuzz.py [random samples per kind, default 20000]

Each input is timed three times and the best time kept, so that a garbage-collection pause
or the scheduler does not count as the builder's own time. Prints one line per crafted
worst case, then the slowest of many random inputs.
"""

from __future__ import annotations

import random
import string
import sys
import time

from lessons.expr import MAX_CHARS, ExpressionError, build

LIMIT_SECONDS = 0.1

GRAMMAR = [
    "a", "b", "x1", "2", "-3.0", "1e-3", "0.5", " ", "\n", ";", "+", "-", "*", "/", "**",
    "(", ")", "=", "a = ", "b = a * ", ".tanh()", ".exp()", "tanh(", "log(", "sigmoid(",
]  # fmt: skip
JUNK = [
    "//", "%", "@", "[", "]", "{", ",", ":=", "==", "lambda:", "import os", ".__class__", "'",
    'f"', "\\", "\0", "\t", "#", "if ", "+=", "2j", "9**9**9**9", "9" * 400, "1e999", "(" * 60,
    "-" * 60, "−", "\u00a0", "α",
]  # fmt: skip

WORST_CASES = {
    "10 MB of text": "a = 1.0\n" * 1_250_000,
    "4,000 `(`": "(" * MAX_CHARS,
    "4,000 `)`": ")" * MAX_CHARS,
    "3,999 `-` then 1": "-" * (MAX_CHARS - 1) + "1",
    "3,990-digit integer": "1" + "0" * 3989,
    "9**9**9**9": "x = 9**9**9**9",
    "1,000 additions (the limit)": "a=1\nb=a" + "+a" * 1000,
    "1,000 products (the limit)": "a=1.0001\nb=a" + "*a" * 1000,
    "1,990 additions (over)": "a=1\nb=a" + "+a" * 1990,
    "200 statements x 5 ops": "a=0.5\n" + "\n".join(f"b{i}=a*a+a*a-a" for i in range(199)),
    "201 statements": "\n".join(f"x{i}={i}" for i in range(201)),
    "50 nested brackets": "(" * 50 + "1" + ")" * 50,
    "50 nested tanh": "x=0.5\ny=x" + ".tanh()" * 50,
    "nested signs and brackets": "x=1\n" + ("-" * 49 + "(") * 50 + "x" + ")" * 50,
    "`not` chain": "not " * 990 + "1",
    "`lambda:` chain": "lambda:" * 570 + "1",
    "attribute chain": "a" + ".b" * 1995,
    "call chain": "a" + "()" * 1995,
    "power chain": "2**" * 1300 + "2",
    "syntax error at the end": "a=1\nb=a" + "+a" * 1990 + "*",
    "4,000-letter name": "x" * MAX_CHARS,
    "math error after 999 ops": "a=1\nb=a" + "+a" * 998 + "\nc=b.log()-(a-1).log()",
    # Syntax errors whose explanation once took quadratic time (issue #17).
    "`(` 3,996 letters `) b`": "(" + "a" * (MAX_CHARS - 4) + ") b",
    "3,999 zeros then 1": "0" * (MAX_CHARS - 1) + "1",
    "3,999 digits then a letter": "1" * (MAX_CHARS - 1) + "a",
    "3,996-digit number, 2 names": "x = " + "1" * (MAX_CHARS - 8) + "a b",
    "1,000-term sum left open": "a=1\nb=a" + "+a" * 995 + "+",
    "4,000 `.` and names": "a" + ".a" * ((MAX_CHARS - 2) // 2) + ".",
    "1,990 names side by side": "a " * 1999,
    "1,333 `1 =`": "1 =" * 1333,
    # Quadratic until each node's text was cut from lines split once (bench/expr_scaling.py).
    "200 statements of 19 digits": "\n".join(["1" * 19] * 200),
}


def best_of_three(source: str) -> tuple[float, str]:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        try:
            build(source)
            outcome = "built"
        except ExpressionError as err:
            outcome = f"refused at {err.line}:{err.col}"
        best = min(best, time.perf_counter() - start)
    return best, outcome


def random_soup(rng: random.Random) -> str:
    pieces = GRAMMAR * 3 + JUNK
    return "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 400)))[:MAX_CHARS]


def random_text(rng: random.Random) -> str:
    alphabet = string.printable + "\0\x1bαé−×\u00a0\ufeff"
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, MAX_CHARS)))


def main() -> None:
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    print(f"{'input':32} {'chars':>10} {'best of 3':>10}  outcome")
    timed = []
    for name, source in WORST_CASES.items():
        seconds, outcome = best_of_three(source)
        timed.append((seconds, name))
        print(f"{name:32} {len(source):>10,} {seconds * 1000:>8.2f}ms  {outcome}")
    worst = ", ".join(f"{name} {seconds * 1000:.2f}ms" for seconds, name in sorted(timed)[-3:])
    print(f"worst crafted inputs: {worst}")
    slowest = max(timed)[0]
    rng = random.Random(1337)
    for kind, make in (("token soup", random_soup), ("random text", random_text)):
        times = sorted(best_of_three(make(rng))[0] for _ in range(samples))
        slowest = max(slowest, times[-1])
        print(
            f"{kind} x {samples:,}: median {times[len(times) // 2] * 1000:.2f}ms, "
            f"99th percentile {times[int(len(times) * 0.99)] * 1000:.2f}ms, "
            f"max {times[-1] * 1000:.2f}ms"
        )
    verdict = "within" if slowest < LIMIT_SECONDS else "OVER"
    print(f"slowest input: {slowest * 1000:.2f}ms ({verdict} the {LIMIT_SECONDS:.1f} s bound)")


if __name__ == "__main__":
    main()
