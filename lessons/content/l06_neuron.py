"""Lesson 6: the lecture's neuron, o = tanh(x1*w1 + x2*w2 + b), forward and back."""

from engine.value import Value
from lessons import checks
from lessons.graphs import NEURON
from lessons.model import (
    BackpropWalk,
    CodeReading,
    Exercise,
    ExpressionStep,
    Lesson,
    Predict,
    Prose,
)


def value(name: str):
    return lambda: checks.build(NEURON).values[name].data


def grad(name: str):
    return lambda: checks.grads(NEURON)[name].grad


def _tanh_local_at_zero() -> float:
    return Value(0.0).tanh()._local[0]


LESSON = Lesson(
    id="neuron",
    number=6,
    title="A neuron with tanh",
    summary="Weights, a bias and a squashing function: the lecture's neuron, forward and back.",
    steps=(
        Prose(
            title="A neuron",
            text="""\
A neuron takes inputs x1, x2, multiplies each by a **weight**, adds a
**bias**, and squashes the sum:

```
n = x1*w1 + x2*w2 + b
o = tanh(n)
```

tanh squashes any number into the range −1 to 1: large n gives about
1, very negative n about −1, and near 0 it is almost a straight line.

The weights and the bias are what training will adjust. Their grads
say which way to adjust them.
""",
        ),
        ExpressionStep(
            title="The lecture's neuron",
            source=NEURON,
            text="""\
x1 = 2, x2 = 0, w1 = −3, w2 = 1, and a bias of 6.8813735870195432 —
picked so that the numbers come out round.

Explore the nodes from the inputs up to o.
""",
        ),
        Predict(
            title="The weighted sum",
            source=NEURON,
            text="""\
First the part before the squash.
""",
            exercise=Exercise(
                prompt="What is n? (4 decimals)",
                check=checks.number(
                    value("n"),
                    misses=[(value("o"), "That is o = tanh(n). n is the sum before tanh.")],
                    wrong="n = x1*w1 + x2*w2 + b.",
                ),
                hints=("x1*w1 = 2 × −3 = −6 and x2*w2 = 0.", "n = −6 + 0 + 6.8814."),
                explanation="n = −6 + 0 + 6.8814 = 0.8814, and o = tanh(0.8814) = 0.7071.",
            ),
        ),
        Predict(
            title="Through tanh",
            source=NEURON,
            text="""\
The local derivative of tanh is

```
dtanh/dn = 1 − tanh(n)²
         = 1 − o²
```

and o = 0.7071.
""",
            exercise=Exercise(
                prompt="What is ∂o/∂n (n.grad)?",
                check=checks.number(
                    grad("n"),
                    misses=[
                        (value("o"), "That is o itself. The local is 1 − o²."),
                        (
                            lambda: 1 - checks.build(NEURON).values["o"].data,
                            "0.2929 is 1 − o. The local is 1 − o²: square o first.",
                        ),
                    ],
                    wrong="Compute 1 − o² with o = 0.7071.",
                ),
                hints=("o² = 0.7071² = 0.5.",),
                explanation="""\
n.grad = 1 − 0.5 = 0.5. The lecture chose the bias so that o² is
exactly one half.""",
            ),
        ),
        Predict(
            title="A weight's grad",
            source=NEURON,
            text="""\
From n, `+` routes 0.5 down to x1w1 and x2w2 (and to b). Then `*`
swaps.
""",
            exercise=Exercise(
                prompt="What is ∂o/∂w1 (w1.grad)?",
                check=checks.number(
                    grad("w1"),
                    misses=[
                        (grad("x1"), "−1.5 is x1.grad. For w1, * swaps: the local is x1."),
                        (grad("n"), "0.5 is x1w1.grad. One more step: x1w1 = x1*w1."),
                    ],
                    wrong="w1.grad = x1w1.grad × x1.",
                ),
                hints=("x1w1.grad = 0.5.", "w1.grad = 0.5 × x1 = 0.5 × 2."),
                explanation="""\
w1.grad = 0.5 × 2 = 1.0, and x1.grad = 0.5 × w1 = −1.5. Raising w1
would raise o.""",
            ),
        ),
        Predict(
            title="A weight that cannot learn",
            source=NEURON,
            text="""\
Now w2, the weight on the second input.
""",
            exercise=Exercise(
                prompt="What is ∂o/∂w2 (w2.grad)?",
                check=checks.number(
                    grad("w2"),
                    misses=[
                        (grad("x2"), "0.5 is x2.grad. For w2, the local is x2's value."),
                        (value("w2"), "1 is w2's value. The local for w2 is x2."),
                    ],
                    wrong="w2.grad = x2w2.grad × x2. What is x2?",
                ),
                hints=("x2 = 0.",),
                explanation="""\
0: x2 is 0, so wiggling w2 does not change x2*w2 at all. A weight
whose input is 0 learns nothing from this example — and x2.grad = 0.5
× w2 = 0.5.""",
            ),
        ),
        BackpropWalk(
            title="backward() through the neuron",
            source=NEURON,
            text="""\
Step through it and compare: o 1, n 0.5, b 0.5, x1 −1.5, w1 1, x2 0.5,
w2 0.
""",
            exercise=Exercise(
                prompt="Step through backward() to the end.",
                check=checks.walk_done(NEURON),
                hints=("Press the step key until every node is done.",),
                explanation="""\
These are the lecture's numbers. PyTorch, given the same neuron, finds
the same grads.""",
                answer_kind="action",
            ),
        ),
        CodeReading(
            title="tanh in the engine",
            target="engine.ops:d_tanh",
            text="""\
tanh's local derivative, from the engine's table of operations.
""",
            look_for="""\
- `1.0 - t * t`: the local derivative 1 − tanh², computed from the
  output t — the 0.5 you found.""",
            exercise=Exercise(
                prompt="At n = 0, what local derivative does tanh record?",
                check=checks.number(
                    _tanh_local_at_zero,
                    misses=[(0.0, "0 is tanh(0), the value. The local is 1 − t*t.")],
                    wrong="t = tanh(0) = 0; compute 1 − t*t.",
                ),
                hints=("tanh(0) = 0.",),
                explanation="""\
1: near 0 tanh is almost the straight line o = n. Far from 0 the
local drops towards 0 — a saturated neuron passes back almost nothing.""",
            ),
        ),
    ),
)
