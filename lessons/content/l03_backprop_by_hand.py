"""Lesson 3: predict every grad of the lecture's L, then let backward() check you."""

from lessons import checks
from lessons.graphs import LECTURE_L
from lessons.model import BackpropWalk, Exercise, Lesson, Predict, Prose


def grad(name: str):
    """∂L/∂name, computed by the engine when the check runs."""
    return lambda: checks.grads(LECTURE_L)[name].grad


def data(name: str):
    return lambda: checks.build(LECTURE_L).values[name].data


LESSON = Lesson(
    id="backprop-by-hand",
    number=3,
    title="Backprop by hand",
    summary="Fill in every grad of L = (a*b + c)*f yourself, then check with backward().",
    steps=(
        Prose(
            title="Going backward",
            text="""\
The lecture's graph, with a = 2, b = −3, c = 10 and f = −2:

```
e = a*b      # −6
d = e + c    #  4
L = d*f      # −8
```

A node's **grad** is ∂L/∂node: how much L moves per unit nudge of that
node. You will find every one, starting at L and walking back.

The first is free: nudge L by h and L moves by h, so

```
L.grad = 1
```
""",
        ),
        Predict(
            title="f.grad",
            source=LECTURE_L,
            text="""\
Start just below L. L = d*f, so f is one of the two operands of `*`.

Nudge f by h: how far does L move?
""",
            exercise=Exercise(
                prompt="What is ∂L/∂f (f.grad)?",
                check=checks.number(
                    grad("f"),
                    misses=[
                        (
                            data("f"),
                            "−2 is f's own value. In a product, f's grad is the other operand.",
                        )
                    ],
                    wrong="L = d*f: when f moves by h, L moves by d·h.",
                ),
                hints=("In L = d*f, the other operand of f is d.", "d = 4."),
                explanation="""\
f.grad = d × L.grad = 4 × 1 = 4. For a product, each operand's local
derivative is the other operand: * swaps.""",
            ),
        ),
        Predict(
            title="d.grad",
            source=LECTURE_L,
            text="""\
Same node, other operand.
""",
            exercise=Exercise(
                prompt="What is ∂L/∂d (d.grad)?",
                check=checks.number(
                    grad("d"),
                    misses=[(grad("f"), "4 is f.grad — d's value. For d, the other operand is f.")],
                    wrong="L = d*f: when d moves by h, L moves by f·h.",
                ),
                hints=("* swaps: d's grad is f's value (times L.grad = 1).",),
                explanation="d.grad = f × L.grad = −2 × 1 = −2.",
            ),
        ),
        Predict(
            title="c.grad",
            source=LECTURE_L,
            text="""\
Now one level deeper: d = e + c. You know d.grad = −2.

The **chain rule**: ∂L/∂c = ∂L/∂d · ∂d/∂c. The second factor is the
*local* derivative — how d moves with c, ignoring everything else.
""",
            exercise=Exercise(
                prompt="What is ∂L/∂c (c.grad)?",
                check=checks.number(
                    grad("c"),
                    misses=[
                        (1.0, "1 is ∂d/∂c, the local derivative. Multiply it by ∂L/∂d."),
                        (data("c"), "10 is c's value. For +, the local derivative is 1."),
                    ],
                    wrong="∂d/∂c = 1 for d = e + c. Chain it with d.grad.",
                ),
                hints=(
                    "For d = e + c, nudging c by h moves d by h: ∂d/∂c = 1.",
                    "∂L/∂c = d.grad × 1.",
                ),
                explanation="""\
c.grad = d.grad × 1 = −2, and e.grad = −2 the same way. + routes the
gradient unchanged to every operand: it is a distributor.""",
            ),
        ),
        Predict(
            title="a.grad",
            source=LECTURE_L,
            text="""\
One more level: e = a*b, and e.grad = −2 (from the step before: `+`
passed d's grad straight through).
""",
            exercise=Exercise(
                prompt="What is ∂L/∂a (a.grad)?",
                check=checks.number(
                    grad("a"),
                    misses=[
                        (grad("e"), "−2 is e.grad. Go one more step: e = a*b."),
                        (grad("b"), "−4 is ∂L/∂b. For a, * swaps: the local is b."),
                        (data("b"), "−3 is ∂e/∂a, the local derivative. Multiply by e.grad."),
                    ],
                    wrong="∂L/∂a = ∂L/∂e · ∂e/∂a, and ∂e/∂a = b.",
                ),
                hints=("∂e/∂a = b = −3 (* swaps).", "a.grad = e.grad × b = −2 × −3."),
                explanation="""\
a.grad = −2 × −3 = 6. Every grad is the grad above it times a local
derivative: that is the whole of backpropagation.""",
            ),
        ),
        Predict(
            title="b.grad",
            source=LECTURE_L,
            text="""\
The last one.
""",
            exercise=Exercise(
                prompt="What is ∂L/∂b (b.grad)?",
                check=checks.number(
                    grad("b"),
                    misses=[
                        (grad("a"), "6 is ∂L/∂a. For b, * swaps: the local is a."),
                        (data("a"), "2 is ∂e/∂b, the local derivative. Multiply by e.grad."),
                    ],
                    wrong="∂L/∂b = e.grad · ∂e/∂b, and ∂e/∂b = a.",
                ),
                hints=("∂e/∂b = a = 2.", "b.grad = e.grad × a = −2 × 2."),
                explanation="""\
b.grad = −2 × 2 = −4. So: L 1, f 4, d −2, c −2, e −2, a 6, b −4.""",
            ),
        ),
        BackpropWalk(
            title="Check with backward()",
            source=LECTURE_L,
            text="""\
Now let `backward()` do it, one node at a time. At each step a node
passes its grad to each operand op:

```
op.grad += local * node.grad
```

Compare each number with yours.
""",
            exercise=Exercise(
                prompt="Step through backward() to the end.",
                check=checks.walk_done(LECTURE_L),
                hints=("Press the step key until every node is done.",),
                explanation="""\
backward() found exactly your numbers, with one rule applied in order.
It never needed the whole formula for L — only each node's local
derivative and the grad arriving from above.""",
                answer_kind="action",
            ),
        ),
    ),
)
