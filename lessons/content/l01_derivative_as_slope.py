"""Lesson 1: a derivative is a slope you can measure by nudging the input."""

from lessons import checks
from lessons.model import Exercise, Lesson, Predict, Prose, Slope

F = "3*x**2 - 4*x + 5"


def slope_at(x: float) -> float:
    """The exact slope of f at x, from the engine's backward()."""
    return checks.function_slope(F, x)


def flat_point() -> float:
    """Where the slope is 0, found with the engine: the slope of a parabola
    is a straight line, so two slopes fix it (no hand-written 2/3 here)."""
    s0, s1 = slope_at(0.0), slope_at(1.0)
    return -s0 / (s1 - s0)


LESSON = Lesson(
    id="derivative-as-slope",
    number=1,
    title="Derivative as a slope",
    summary="Nudge x a little and watch f move: that ratio is the derivative.",
    steps=(
        Prose(
            title="Nudge and watch",
            text="""\
Everything in this course rests on one idea:

**A derivative says how much the output moves when you nudge the input.**

Take the lecture's function:

```
f(x) = 3x² − 4x + 5
```

At x = 3 it gives 27 − 12 + 5 = 20.

Now nudge x by a tiny amount h. If f moves by about s·h, then s is the
*slope* of f at 3 — its derivative there. We never need calculus rules
to find it: we can measure it.
""",
        ),
        Slope(
            title="Measure the slope at 3",
            function=F,
            x=3.0,
            hs=(1.0, 0.1, 0.01, 0.001, 0.0001),
            text="""\
The table shows

```
(f(x + h) − f(x)) / h
```

for smaller and smaller h, at x = 3.

Rise over run, on a smaller and smaller piece of the curve. As h
shrinks, the ratio settles down on one number: the slope.

(↓ in the h box divides h by ten. Below about 1e-8 the ratio drifts
off again, and from 1e-16 on it is 0: a float keeps only about 16
digits. Lesson 8 comes back to this.)
""",
            exercise=Exercise(
                prompt="What number does the slope approach at x = 3?",
                check=checks.number(
                    lambda: slope_at(3.0),
                    tol=0.01,
                    misses=[
                        (
                            20.0,
                            "20 is f(3), the height of the curve. The slope is how fast it rises.",
                        ),
                        (0.0, checks.TINY_H),
                    ],
                    wrong="Read the ratio in the rows where h is small: 0.001 and 0.0001.",
                ),
                hints=(
                    "Look at the rows where h is small but not tiny: 0.001 and 0.0001.",
                    "With h = 0.0001 the ratio is 14.0003.",
                ),
                explanation="""\
The slope at 3 is 14: nudge x up by h and f goes up by about 14·h.
The extra 3h in each row (17 at h = 1, 14.3 at h = 0.1) comes from the
curve bending; it vanishes as h does.""",
            ),
        ),
        Slope(
            title="And at −3",
            function=F,
            x=-3.0,
            text="""\
Same function, now at x = −3, where f(−3) = 44.

A slope can be negative: then f goes *down* as x goes up.
""",
            exercise=Exercise(
                prompt="What is the slope at x = −3?",
                check=checks.number(
                    lambda: slope_at(-3.0),
                    tol=0.01,
                    misses=[
                        (44.0, "44 is f(−3), the height. The slope is the ratio in the table."),
                        (0.0, checks.TINY_H),
                    ],
                    wrong="Read the ratio in the rows where h is small: 0.001 and 0.0001.",
                ),
                hints=(
                    "The ratios are negative here. Which number do they approach?",
                    "With h = 0.0001 the ratio is −21.9997.",
                ),
                explanation="""\
−22: at x = −3 the curve falls steeply, 22 units of f per unit of x.""",
            ),
        ),
        Predict(
            title="Where is it flat?",
            text="""\
Between x = −3 (slope −22) and x = 3 (slope 14) the slope passes
through 0. There the curve is flat: the bottom of the bowl.

For this parabola the slope grows at a steady rate as x grows.
""",
            exercise=Exercise(
                prompt="At what x is the slope 0? (A fraction like 1/2 is fine.)",
                check=checks.number(
                    flat_point,
                    tol=1e-3,
                    misses=[(0.0, "At x = 0 the slope is −4: still going down.")],
                    wrong="Find how fast the slope grows per unit of x, then solve.",
                ),
                hints=(
                    "From −22 to 14 is 36, over 6 units of x: the slope grows 6 per unit.",
                    "So the slope is 6x − 4. When is that 0?",
                    "6x = 4.",
                ),
                explanation="""\
x = 2/3 ≈ 0.6667. The derivative of 3x² − 4x + 5 is 6x − 4, and
6·(2/3) − 4 = 0. Finding where a slope is 0 is how we find a minimum —
which is what training a network will do, with millions of inputs.""",
            ),
        ),
        Slope(
            title="See it flatten",
            function=F,
            x=2 / 3,
            hs=(0.1, 0.01, 0.001, 0.0001),
            text="""\
At x = 2/3 the ratios shrink with h and head for 0.

Nudging x here barely moves f: the bottom of the curve is flat.
""",
        ),
        Predict(
            title="The slope as a formula",
            text="""\
You measured the slope at three places. Now write it for *every* x.

The tutor supplies x and tries your expression at several values,
comparing it with the slope the engine computes.

Write it as Python arithmetic: `*` to multiply, `**` for powers
(3x² is `3*x**2`).
""",
            exercise=Exercise(
                prompt="Write the slope of f as an expression in x.",
                check=checks.function_of_x(
                    slope_at,
                    xs=(-3.0, 0.0, 2 / 3, 3.0, 10.5),
                    wrong="It should give −22 at x = −3 and 14 at x = 3.",
                ),
                hints=(
                    "The slope grows 6 per unit of x and is −4 at x = 0.",
                    "Try 6*x - 4.",
                ),
                explanation="""\
6*x − 4 is the derivative of 3x² − 4x + 5: the 3x² gives 6x, the −4x
gives −4, the 5 gives nothing (a constant does not move). backward()
will find numbers like this for us without a formula at all.""",
                answer_kind="expression",
                placeholder="an expression in x, like 2*x + 1",
            ),
        ),
    ),
)
