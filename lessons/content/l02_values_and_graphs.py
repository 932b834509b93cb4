"""Lesson 2: a Value keeps its number and remembers how it was made."""

from lessons import checks
from lessons.model import Exercise, ExpressionStep, Lesson, Predict, Prose

SOURCE = """\
a = 2.0
b = -3.0
c = 10.0
e = a*b
d = e + c"""

PREV_CHOICES = ("e and c", "a, b and c", "a and b", "nothing: d is an input")
OP_CHOICES = ("+", "*", "nothing: e is an input")


def _values():
    return checks.build(SOURCE).values


def _prev_of_d() -> str:
    """Name d's operands, as the engine recorded them, the way the choices do."""
    names = [v.label for v in _values()["d"]._prev]
    if not names:
        return PREV_CHOICES[-1]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _op_of_e() -> str:
    return _values()["e"]._op or OP_CHOICES[-1]


def _grad(name: str) -> float:
    return checks.grads(SOURCE)[name].grad


LESSON = Lesson(
    id="values-and-graphs",
    number=2,
    title="Values and graphs",
    summary="A Value holds a number and remembers which Values and which operation made it.",
    steps=(
        Prose(
            title="A number that remembers",
            text="""\
Training a network means asking, for each of thousands of numbers, *how
does the loss move if this one moves?* To answer, every number must
remember where it came from.

That is micrograd's `Value`. It wraps one number, `data`, and keeps:

- `_prev` — the Values it was made from, its *operands*;
- `_op` — the operation that made it, like `+` or `*` (empty for an
  input);
- `grad` — filled in later, by `backward()`.

Each calculation leaves a **graph** behind: a map from every result
back to its inputs.
""",
        ),
        ExpressionStep(
            title="Explore d = a*b + c",
            source=SOURCE,
            text="""\
The lecture's first graph. We name the product `e` so that every node
has a name.

Move through the nodes with ↑/↓ (the detail below follows):

- a, b and c are **leaves**: inputs with no operands;
- e was made by `*` from a and b;
- d was made by `+` from e and c.

Every `grad` shows —: nothing has run `backward()` yet. (The engine
holds 0.0 until then; a 0 on screen would claim a grad was worked out.)
""",
        ),
        Predict(
            title="Follow the numbers",
            source=SOURCE,
            text="""\
Each node's `data` is worked out when the node is made, from its
operands' `data`.
""",
            exercise=Exercise(
                prompt="What is d.data?",
                check=checks.number(
                    lambda: _values()["d"].data,
                    misses=[(-6.0, "−6 is e = a*b. d adds c to it.")],
                    wrong="Work in order: e = a*b first, then d = e + c.",
                ),
                hints=("First e = a*b = 2 × (−3).", "Then d = e + c = −6 + 10."),
                explanation="d = −6 + 10 = 4. The forward pass is just arithmetic, in order.",
            ),
        ),
        Predict(
            title="What d remembers",
            source=SOURCE,
            text="""\
`_prev` holds only a node's *direct* operands: the Values it was made
from in one step. Through them, the whole graph can be reached.
""",
            exercise=Exercise(
                prompt="What does d._prev hold?",
                check=checks.choice(
                    PREV_CHOICES,
                    _prev_of_d,
                    wrong={
                        "a, b and c": "Those are all the inputs d depends on, but _prev "
                        "holds only the Values d was made from in one step.",
                        "a and b": "a and b made e. d was made from e and one more.",
                        "nothing: d is an input": "d was computed, so it has operands.",
                    },
                ),
                hints=("d = e + c. Which two Values did + receive?",),
                explanation="""\
d._prev is (e, c), in the order written. e's own _prev is (a, b). Walking
_prev from d reaches every node: that is how backward() will find them.""",
                answer_kind="choice",
                choices=PREV_CHOICES,
            ),
        ),
        Predict(
            title="What e remembers",
            source=SOURCE,
            text="""\
`_op` records the operation that made a node, for us to read: the
graph explorer shows it beside each node.

`backward()` does not need it. When `*` made e, it also stored e's
local derivatives (this engine keeps them in `_local`; micrograd keeps
a `_backward` function instead).
""",
            exercise=Exercise(
                prompt="What is e._op?",
                check=checks.choice(
                    OP_CHOICES,
                    _op_of_e,
                    wrong={
                        "+": "+ made d. e = a*b.",
                        "nothing: e is an input": "a, b and c are inputs; e was computed.",
                    },
                ),
                hints=("e = a*b.",),
                explanation="""\
e._op is "*". Inputs have an empty _op and an empty _prev: they were
not made from anything.""",
                answer_kind="choice",
                choices=OP_CHOICES,
            ),
        ),
        Predict(
            title="Nudge c",
            source=SOURCE,
            text="""\
Now the question of lesson 1, for a graph. Nudge c from 10 to
10.0001 (h = 0.0001) and recompute d.

```
slope = (d(c + h) − d(c)) / h
```
""",
            exercise=Exercise(
                prompt="What is the slope of d with respect to c?",
                check=checks.number(
                    lambda: _grad("c"),
                    tol=0.01,
                    misses=[(1e-4, "0.0001 is how far d moved. Divide by h to get the slope.")],
                    wrong="d = e + c: when c moves by h, how far does d move?",
                ),
                hints=(
                    "d = e + c, and e does not depend on c.",
                    "d moves by exactly h when c moves by h.",
                ),
                explanation="""\
1: d moves one-for-one with c. Addition passes a nudge straight
through — remember this, it matters for backprop.""",
            ),
        ),
        Predict(
            title="Nudge b",
            source=SOURCE,
            text="""\
Now nudge b instead, from −3 to −2.9999.

b reaches d through e = a*b.
""",
            exercise=Exercise(
                prompt="What is the slope of d with respect to b?",
                check=checks.number(
                    lambda: _grad("b"),
                    tol=0.01,
                    misses=[(-3.0, "−3 is b itself. When b moves by h, a*b moves by a·h.")],
                    wrong="When b moves by h, e = a*b moves by a·h.",
                ),
                hints=("e = a*b changes by a·h when b changes by h.", "a = 2."),
                explanation="""\
2, the value of a: in a product, nudging one operand moves the result
by the other operand times the nudge. Multiplication swaps.""",
            ),
        ),
    ),
)
