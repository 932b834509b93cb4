"""Lesson 7: build tanh out of exp, +, − and /; the grads do not change."""

import math

from engine.value import Value, topological_order
from lessons import checks
from lessons.graphs import NEURON, NEURON_EXP, NEURON_N
from lessons.model import CodeReading, Exercise, ExpressionStep, Feedback, Lesson, Predict, Prose


# Wrong values of o that come from one slip, each with what the slip was. The values
# are of the formula written with exp, at the lesson's n; e2 = exp(2n), e1 = exp(n).
def _slips(n: float) -> list[tuple[float, str]]:
    e2, e1 = math.exp(2 * n), math.exp(n)
    return [
        (
            (e1 - 1) / (e1 + 1),
            "The 2 is missing: that is (eⁿ − 1)/(eⁿ + 1), which is tanh(n/2). "
            "Use e = (2*n).exp(), the exp of 2n.",
        ),
        (
            (e2 + 1) / (e2 - 1),
            "It is upside down: (e + 1)/(e − 1). Put e − 1 on top and e + 1 below.",
        ),
        (
            (1 - e2) / (1 + e2),
            "The sign is flipped: (1 − e)/(1 + e). The top is e − 1.",
        ),
        (
            e2 - 1 / e2 + 1,
            "The brackets are missing: / is done before − and +, so e - 1/e + 1 is "
            "e − (1/e) + 1. Write (e - 1)/(e + 1).",
        ),
        (
            (e2 - 1) / e2 + 1,
            "The brackets are missing around e + 1: (e - 1)/e + 1 divides by e alone. "
            "Write (e - 1)/(e + 1).",
        ),
        (
            e2 - 1 / (e2 + 1),
            "The brackets are missing around e - 1: e - 1/(e + 1) divides only the 1. "
            "Write (e - 1)/(e + 1).",
        ),
    ]


def _judge_tanh(program) -> Feedback:
    """Is the learner's o tanh(n), built without tanh, with tanh's grads?"""
    o, n = program.output, program.values["n"]
    nodes = topological_order(o)
    ops = {node._op for node in nodes}
    if "tanh" in ops:
        return Feedback(False, "Use exp, not tanh: the point is to build tanh from pieces.")
    if n not in nodes:
        return Feedback(False, "o must be computed from n.")
    if "exp" not in ops:
        return Feedback(False, "Use exp: tanh(n) = (e^(2n) − 1)/(e^(2n) + 1).")
    expected = math.tanh(n.data)
    if not math.isclose(o.data, expected, rel_tol=1e-9, abs_tol=1e-12):
        said = f"Your o is {checks.fmt(o.data)}, but tanh(n) = {checks.fmt(expected)}"
        for value, slip in _slips(n.data):
            if math.isclose(o.data, value, rel_tol=1e-9, abs_tol=1e-12):
                return Feedback(False, f"{said}. {slip}")
        return Feedback(False, f"{said}. Build it as (e − 1)/(e + 1) with e = exp(2n).")
    o.backward()
    reference = checks.grads(NEURON)
    for name in ("w1", "x1", "n"):
        mine, theirs = program.values[name].grad, reference[name].grad
        if not math.isclose(mine, theirs, rel_tol=1e-6, abs_tol=1e-9):
            return Feedback(
                False,
                f"o has the right value, but {name}.grad is {checks.fmt(mine)}, not "
                f"{checks.fmt(theirs)}: o must change with n the way tanh does.",
            )
    return Feedback(True, "Yes: the same o, and backward() gives the same grads.")


def _exp_version_grad(name: str):
    return lambda: checks.grads(NEURON_EXP)[name].grad


def _local_of_reciprocal() -> float:
    return (Value(4.0) ** -1)._local[0]


LESSON = Lesson(
    id="tanh-from-exp",
    number=7,
    title="tanh rebuilt from exp",
    summary="Spell tanh out with exp, +, − and /: the same output, the same grads.",
    steps=(
        Prose(
            title="One op or five",
            text="""\
tanh can be written with exp:

```
tanh(n) = (e²ⁿ − 1) / (e²ⁿ + 1)
```

So the neuron could use one `tanh` node, or an `exp` node followed by
`−`, `+` and `/`. Does backprop care?

No. An operation can be as big or as small as you like, as long as it
knows its local derivative. The chain rule stitches the pieces
together and the grads come out the same.
""",
        ),
        ExpressionStep(
            title="The neuron, with exp",
            source=NEURON_EXP,
            text="""\
The lecture's neuron again, tanh spelled out:

```
e = (2*n).exp()
o = (e - 1)/(e + 1)
```

Look inside: `e - 1` is `e + (−1)`, and the division is a `*` by a
`**-1`. More nodes; o is still 0.7071.

A node the program did not name is called by its op and its place
in the graph: `+#13` is node 13, an addition (`e + (−1)`), and
`**-1#16` is node 16, the power −1 of `e + 1`.
""",
        ),
        Predict(
            title="Build it yourself",
            source=NEURON_N,
            text="""\
n is defined for you (its program is beside this text). Write the
statements that define o from n using `exp` — not `tanh` — so that o
equals tanh(n).

You may use `.exp()` or `exp(...)`, `+ - * /` and new names. Put
several statements on one line with `;` between them.
""",
            exercise=Exercise(
                prompt="Define o from n with exp, so that o = tanh(n).",
                check=checks.expression(_judge_tanh, prelude=NEURON_N),
                hints=(
                    "Start with e = (2*n).exp() and a ; after it.",
                    "e = (2*n).exp(); o = (e - 1)/(e + 1)",
                ),
                explanation="""\
Your o is built from exp, +, * and **-1, yet backward() gives the same
grads as the single tanh node: each small op knows its local
derivative, and the chain rule multiplies them.""",
                answer_kind="expression",
                placeholder="e = (2*n).exp(); o = ...",
            ),
        ),
        Predict(
            title="Same grads?",
            source=NEURON_EXP,
            text="""\
backward() on the exp version passes through many more nodes.
""",
            exercise=Exercise(
                prompt="In the exp version, what is w1.grad?",
                check=checks.number(
                    _exp_version_grad("w1"),
                    misses=[(_exp_version_grad("x1"), "That is x1.grad. For w1, the local is x1.")],
                    wrong="o is the same function of n as before, so every grad below n is too.",
                ),
                hints=("In lesson 6, with tanh, w1.grad was 1.0.",),
                explanation="""\
1.0, the same as with tanh: the function from w1 to o has not changed,
only how finely it is cut into nodes.""",
            ),
        ),
        CodeReading(
            title="Division is multiplication",
            target="engine.value:Value.__truediv__",
            text="""\
The engine has no division rule of its own: a / b is a · b⁻¹, and b⁻¹
is a power.

A power has the **power rule**:

```
d(bᵏ)/db = k · bᵏ⁻¹
```

For b² that is 2b; for b⁻¹ it is −1 · b⁻². `**` records that as its
local derivative.
""",
            look_for="""\
- `self * other**-1`: a / b is a times b to the power −1. Only `*`
  and `**` need local derivatives.
- Dividing by zero is refused with a clear error instead.""",
            exercise=Exercise(
                prompt="For b = 4, what local derivative does b**-1 record?",
                check=checks.number(
                    _local_of_reciprocal,
                    tol=1e-4,
                    misses=[
                        (0.25, "0.25 is 4**-1, the value. The local is k·b^(k−1)."),
                        (
                            -0.25,
                            "−0.25 is −1 · 4⁻¹: the power rule also lowers the power by one, "
                            "to k − 1 = −2.",
                        ),
                    ],
                    wrong="The power rule: d(b^k)/db = k·b^(k−1), with k = −1 and b = 4.",
                ),
                hints=("k·b^(k−1) = −1 · 4^(−2).", "4^(−2) = 1/16."),
                explanation="""\
−1/16 = −0.0625: the power rule with k = −1. Raising b shrinks 1/b,
so the local is negative.""",
            ),
        ),
        CodeReading(
            title="exp is its own derivative",
            target="engine.ops:d_exp",
            text="""\
The local derivative of exp, which the tanh rebuild relies on.
""",
            look_for="""\
- `(out,)`: the local derivative of eˣ is eˣ itself, so the output is
  recorded as its own local.""",
        ),
    ),
)
