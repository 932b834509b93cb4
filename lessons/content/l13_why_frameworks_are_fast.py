"""Lesson 13: a step built from Values, timed; its graph never changes shape; so record
it once as a tape and replay it: the same numbers, many times faster."""

from lessons import checks, speed
from lessons.model import Exercise, Lesson, Measure, Predict, Prose

# What a neuron of the demo network could leave on the tape, and what each answer
# would mean for a neuron that is on (weighted sum above 0) and one that is off.
NEURON_CHOICES = (
    "*, *, +, + and ReLU",
    "dot and ReLU",
    "dot, and ReLU only if it is on",
    "one node: the whole neuron",
)
NEURON_RECORDS = {
    NEURON_CHOICES[0]: (("*", "*", "+", "+", "ReLU"), ("*", "*", "+", "+", "ReLU")),
    NEURON_CHOICES[1]: (("dot", "ReLU"), ("dot", "ReLU")),
    NEURON_CHOICES[2]: (("dot", "ReLU"), ("dot",)),
}


def recorded_choice() -> str:
    """The choice that says what the engine's tape really records for a neuron."""
    found = (speed.neuron_ops(on=True), speed.neuron_ops(on=False))
    for choice, records in NEURON_RECORDS.items():
        if records == found:
            return choice
    if all(len(ops) == 1 for ops in found):
        return NEURON_CHOICES[3]
    raise ValueError(f"no choice describes the tape's {found[0]}")


LESSON = Lesson(
    id="why-frameworks-are-fast",
    number=13,
    title="Why frameworks are fast",
    summary="Time a step, see its graph never change, record it once as a tape and replay it.",
    steps=(
        Measure(
            title="A step, built from Values",
            target="lessons.speed:values_step",
            action="time 10 steps",
            text="""\
How long does one training step take?

The step of lesson 11: micrograd's demo, 100 moons through two
hidden layers of 16 ReLU neurons (337 parameters), the hinge loss
plus L2. Each step builds the graph from Values, calls `backward()`
and moves every weight, as lesson 10 showed.

Press **r** to time ten of them on this machine, now. Other programs
running here slow it down: the median is the fairest figure.
""",
        ),
        Measure(
            title="The same shape, every step",
            target="lessons.speed:graph_shapes",
            action="build two steps' graphs",
            text="""\
Most of a step is bookkeeping: making thousands of Value objects,
linking them, walking them backwards, freeing them.

Yet step after step the graph is the same: the same ops on the same
operands; only the numbers in it change. A ReLU that switches off is
still a ReLU node, passing back a gradient of 0.

Press **r** to build the graphs of two steps in a row (one update
apart) and compare them, node by node.
""",
        ),
        Measure(
            title="The tape",
            target="lessons.speed:tape_print",
            action="record a step's tape",
            text="""\
So write the shape down once, as a **tape**: a list of slots for
numbers, and one line per node saying its op and which slots it reads.

```
p  the parameters
x  the inputs: points and labels
c  the constants (the 1 of 1 − y·s)
n  the nodes, oldest first
```

A replay puts new numbers in p and x, runs down the lines (forward)
and back up them (backward). No Value is made.

The labels are inputs too, so −y is a node on the tape (y × −1): 100
more `*` than the graphs before.
""",
        ),
        Predict(
            title="One neuron on the tape",
            text="""\
A neuron of the demo network reads 2 inputs: w1·x1 + w2·x2 + b, then
ReLU. Lesson 9 showed how this engine builds that sum.

Which lines does the tape hold for one neuron on one point?
""",
            exercise=Exercise(
                prompt="Which nodes does the tape record for one neuron?",
                check=checks.choice(
                    NEURON_CHOICES,
                    recorded_choice,
                    wrong={
                        NEURON_CHOICES[0]: "That is micrograd's neuron, a * per weight and a "
                        "+ per term. This engine's weighted sum is one dot node (lesson 9), "
                        "and the tape records the nodes the graph has.",
                        NEURON_CHOICES[2]: "The tape records the op, not the branch taken: "
                        "ReLU is on it whether the neuron is on or off, and each replay "
                        "decides again from its input. Else a neuron switching on would "
                        "need a new tape.",
                        NEURON_CHOICES[3]: "The tape has a line per node, and a neuron is "
                        "two nodes here: its weighted sum and its ReLU.",
                    },
                ),
                hints=(
                    "Look again at the tape's first lines: n0, then n1.",
                    "n1 reads n0, and every neuron of the first layer ends in the same op.",
                ),
                explanation="""\
dot and ReLU: two lines, n0 = dot(p0, p1, x0, x1, p2) and
n1 = ReLU(n0), for every neuron on every point, whether it fires or
not. A tanh network records dot and tanh the same way.""",
                answer_kind="choice",
                choices=NEURON_CHOICES,
            ),
        ),
        Measure(
            title="Replay it",
            target="lessons.speed:replay_step",
            action="train both ways",
            text="""\
Now train the demo both ways, taking turns: built from Values, and
replayed from the tape, where NumPy runs each group of alike nodes
(every dot of a layer, say) at once.

A replay does the same float operations in the same order as the
Values, so the losses should not be close: they should be equal.

Press **r**. The first replayed step records the tape, so it is
timed apart.
""",
        ),
        Prose(
            title="How frameworks do it",
            text="""\
PyTorch's autograd works like `Value`: it records a graph as the
operations run, anew at every step, and `backward()` walks it. But a
PyTorch node is a whole tensor operation, a layer for the whole batch,
so its bookkeeping is paid once for thousands of numbers.

`torch.compile` and JAX's `jit` do what the tape does: trace the
function once, keep the record, and compile it, so later calls replay
it on new numbers. The record holds while the shapes and the code path
stay the same. New shapes mean a new trace; a branch on the data
cannot be traced as a branch (PyTorch breaks the graph there, JAX asks
for `lax.cond`). ReLU is no such branch: it is one op.

That is the end of this course: you have worked backprop out by hand,
read the engine and trained its networks. To write it all yourself,
from an empty Value class to a network that trains, take the second
course, Build micrograd: w in the lessons list.
""",
        ),
    ),
)
