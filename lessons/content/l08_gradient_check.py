"""Lesson 8: finite differences against backward(), the way bugs in rules are caught."""

from lessons import checks
from lessons.graphs import NEURON
from lessons.model import CodeReading, Exercise, Lesson, Predict, Prose, Slope

L_OF_B = "(2*x + 10)*(-2.0)"  # L = (a*b + c)*f with a = 2, c = 10, f = −2, and b = x
N = 0.8813735870195432
F = "3*x**2 - 4*x + 5"
H_CHOICES = ("h = 0.1", "h = 1e-5", "h = 1e-8", "h = 1e-15")
HS = (0.1, 1e-3, 1e-5, 1e-8, 1e-11, 1e-13, 1e-15)


def _broken_tanh_grad() -> float:
    """∂o/∂n if tanh's local had been coded as 1 − t instead of 1 − t²."""
    o = checks.build(NEURON).output
    return 1.0 - o.data


def forward_error(h: float) -> float:
    """How far the forward difference at x = 3 lands from backward()'s slope."""
    exact = checks.function_slope(F, 3.0)
    f3 = checks.function_value(F, 3.0)
    return abs((checks.function_value(F, 3.0 + h) - f3) / h - exact)


def _best_h() -> str:
    """The choice of h whose forward difference lands closest to backward()'s slope:
    the table's best row is one of the choices (a test checks both)."""
    return min(H_CHOICES, key=lambda label: forward_error(float(label.split("=")[1])))


LESSON = Lesson(
    id="gradient-check",
    number=8,
    title="Checking gradients numerically",
    summary="Compare backward() with finite differences: a wrong local derivative shows up.",
    steps=(
        Prose(
            title="Trust, but check",
            text="""\
backward() is only as right as each op's local derivative. A typo in
one rule gives wrong grads, silently: training just goes badly.

The check is lesson 1's idea: nudge one input by a small h, re-run the
graph forward, and measure

```
(L(x + h) − L(x)) / h
```

If that disagrees with x.grad, some rule is wrong.

The tables here measure it that way, the **forward difference** of
lesson 1. Real checks prefer the **central difference**, which cancels
the curve's bend; the tutor's own check, at the end of this lesson,
uses it:

```
(L(x + h) − L(x − h)) / 2h
```
""",
        ),
        Slope(
            title="Check b.grad",
            function=L_OF_B,
            x=-3.0,
            name="L",
            variable="b",
            text="""\
Lesson 3's L as a function of b alone, with a = 2, c = 10, f = −2:

```
L(b) = (2b + 10) · (−2)
```

backward() said b.grad = −4. Measure it.
""",
            exercise=Exercise(
                prompt="What does the measured slope approach?",
                check=checks.number(
                    lambda: checks.function_slope(L_OF_B, -3.0),
                    tol=0.01,
                    misses=[
                        (-8.0, "−8 is L itself. The slope is the ratio in the table."),
                        (0.0, checks.TINY_H),
                    ],
                    wrong="Read the ratio in the rows where h is small: 0.001 and 0.0001.",
                ),
                hints=("L is a straight line in b here: every row agrees.",),
                explanation="""\
−4, exactly what backward() said. L is linear in b, so even h = 1
measures it perfectly.""",
            ),
        ),
        Predict(
            title="A broken rule",
            source=NEURON,
            text="""\
Suppose someone coded tanh's local derivative as `1 - t` instead of
`1 - t*t`. backward() would happily use it.

In lesson 6's neuron, o = tanh(n) = 0.7071.
""",
            exercise=Exercise(
                prompt="What would the broken backward() report for ∂o/∂n?",
                check=checks.number(
                    _broken_tanh_grad,
                    misses=[(0.5, "0.5 is the right grad, from 1 − t². The broken rule is 1 − t.")],
                    wrong="Compute 1 − t with t = o = 0.7071.",
                ),
                hints=("1 − 0.7071.",),
                explanation="""\
0.2929. Nothing crashes; every grad below n is simply 41% too small.
Only a check against the numbers can catch that.""",
            ),
        ),
        Slope(
            title="Measure tanh",
            function="x.tanh()",
            x=N,
            name="o",
            variable="n",
            text="""\
Now measure the true slope of tanh at n = 0.8814, with no rule at all:
just tanh(n + h) − tanh(n), divided by h.
""",
            exercise=Exercise(
                prompt="What does the measured slope approach?",
                check=checks.number(
                    lambda: checks.function_slope("x.tanh()", N),
                    tol=1e-3,
                    misses=[
                        (_broken_tanh_grad, "That is the broken rule's answer. Read the table."),
                        (0.0, checks.TINY_H),
                    ],
                    wrong="Read the ratio in the rows where h is small: 0.001 and 0.0001.",
                ),
                hints=("With h = 0.0001 the ratio is 0.49996.",),
                explanation="""\
0.5. The measurement says 0.5, the broken rule says 0.2929: caught.
Real libraries test every op this way; PyTorch calls it gradcheck.""",
            ),
        ),
        Slope(
            title="How small should h be?",
            function=F,
            x=3.0,
            hs=HS,
            text="""\
Back to lesson 1's f at x = 3, where the true slope is 14. Smaller h
should be better — until it is not.

A float has about 16 significant digits. f(3 + h) and f(3) are both
near 20; with h = 1e-15 they differ only in the last digit or two, and
rounding swamps the difference.

Compare each row with 14.
""",
            exercise=Exercise(
                prompt="Which h gives the most accurate slope?",
                check=checks.choice(
                    H_CHOICES,
                    _best_h,
                    wrong={
                        "h = 0.1": "Too big: the curve bends within 0.1, which adds 3h = 0.3 "
                        "(14.3 in the table).",
                        "h = 1e-5": "Close, but the 1e-8 row is closer to 14: at 1e-5 "
                        "the bend still adds 3h = 0.00003 (14.000030).",
                        "h = 1e-15": "Too small: the two values of f agree in almost "
                        "every digit, and rounding is all that is left (10.658141).",
                    },
                ),
                hints=(
                    "Compare each row with the true slope, 14.",
                    "The row that shows 14.000000.",
                ),
                explanation="""\
h = 1e-8. Two errors pull against each other: the bend adds about
3h, which shrinks with h, and rounding adds about 1e-16 × 20 / h,
which grows as h shrinks (0.0002 at 1e-11). They meet near
√(1e-16) = 1e-8, the best h for the forward difference.

The central difference cancels the bend, so it can use a larger h
and still be more accurate: gradient checks use about 1e-5 to 1e-6
with it (the tutor's own check, next, uses 1e-6).""",
                answer_kind="choice",
                choices=H_CHOICES,
            ),
        ),
        CodeReading(
            title="The tutor's own check",
            target="lessons.explain.graph:Graph.numerical_slope",
            text="""\
The tutor ships this check, beside the engine in `lessons/explain/`. It
re-runs the recorded graph with one leaf nudged both ways — the graph itself is not changed.
""",
            look_for="""\
- `x + h` and `x - h`: the graph re-run forward with the leaf nudged
  up and down.
- `(up - down) / (2 * h)`: the central difference.
- Nothing calls backward(): this is an independent measurement.""",
        ),
    ),
)
