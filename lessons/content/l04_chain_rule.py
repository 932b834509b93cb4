"""Lesson 4: local derivatives, the chain rule, and one step uphill."""

from engine.value import Value
from lessons import checks
from lessons.graphs import LECTURE_L
from lessons.model import CodeReading, Exercise, ExpressionStep, Lesson, Predict, Prose

LEAVES = ("a", "b", "c", "f")
STEP = 0.01

CHAIN = """\
x = 3.0
y = -1.0
z = 4.0
q = x + y
out = q*z"""

NUDGED = """\
a = 2.06
b = -3.04
c = 9.98
e = a*b
d = e + c
f = -1.96
L = d*f"""

DIRECTIONS = ("L goes up", "L goes down", "L stays at −8")


def _local_of_a_in_product() -> float:
    e = Value(2.0) * Value(-3.0)
    return e._local[0]  # what __mul__ recorded for its first operand


def _chain_grad_x() -> float:
    return checks.grads(CHAIN)["x"].grad


def _nudged_L(direction: float) -> float:
    """L after moving every input by direction × 0.01 × its grad."""
    values = checks.grads(LECTURE_L)
    lines = []
    for line in LECTURE_L.splitlines():
        name = line.split("=")[0].strip()
        if name in LEAVES:
            leaf = values[name]
            line = f"{name} = {leaf.data + direction * STEP * leaf.grad!r}"
        lines.append(line)
    return checks.build("\n".join(lines)).output.data


def _downhill() -> str:
    before = checks.build(LECTURE_L).output.data
    after = _nudged_L(-1.0)
    if after > before:
        return DIRECTIONS[0]
    return DIRECTIONS[1] if after < before else DIRECTIONS[2]


LESSON = Lesson(
    id="chain-rule",
    number=4,
    title="The chain rule",
    summary="Each node knows only its local derivative; multiplying them gives every grad.",
    steps=(
        Prose(
            title="What each node knows",
            text="""\
In lesson 3 every grad came from one recipe:

```
grad = grad above × local derivative
```

The **local derivative** is how a node moves with one operand, knowing
nothing about the rest of the graph. There are only two to learn so far:

- `a + b`: 1 for both. `+` **routes** the gradient unchanged.
- `a * b`: b for a, and a for b. `*` **swaps**.

Multiplying local derivatives along the path is the **chain rule**: if
a car is twice as fast as a bike and the bike is four times as fast as
a walker, the car is 2 × 4 = 8 times as fast as the walker.
""",
        ),
        CodeReading(
            title="Where * records its rule",
            target="engine.ops:d_mul",
            text="""\
This is the engine's rule for multiplication, from its table of
operations. `Value.__mul__` records these two local derivatives right
when the node is made.
""",
            look_for="""\
- `(b, a)`: the locals, **swapped** — a's local is b.
- No gradient is computed here. backward() will later multiply each
  local by the grad arriving from above.""",
            exercise=Exercise(
                prompt="For e = a*b with a = 2 and b = −3, what local derivative does "
                "__mul__ record for a?",
                check=checks.number(
                    _local_of_a_in_product,
                    misses=[(2.0, "2 is a itself. * swaps: a's local is b's value.")],
                    wrong="Read the tuple it returns: (b, a).",
                ),
                hints=(
                    "The first local belongs to a, the first operand.",
                    "The first local is b.",
                ),
                explanation="""\
−3, the value of b: ∂(a*b)/∂a = b. The engine stores it in _local so
that backward() is nothing but multiplication and addition.""",
            ),
        ),
        Predict(
            title="Chain it",
            source=CHAIN,
            text="""\
A fresh graph: q = x + y, then out = q*z, with x = 3, y = −1, z = 4.

Go back one node at a time: out.grad = 1, then q.grad, then x.grad.
""",
            exercise=Exercise(
                prompt="What is ∂out/∂x (x.grad)?",
                check=checks.number(
                    _chain_grad_x,
                    misses=[
                        (1.0, "1 is ∂q/∂x, the local. Multiply by q.grad."),
                        (2.0, "2 is q's value, which is z.grad. For x, go through q."),
                        (3.0, "3 is x's value. Go back from out through q."),
                    ],
                    wrong="q.grad = z (* swaps), then + routes it to x.",
                ),
                hints=(
                    "out = q*z, so q.grad = z = 4.",
                    "q = x + y routes q.grad to x unchanged.",
                ),
                explanation="""\
x.grad = q.grad × 1 = 4 × 1 = 4. The path is out → q → x, and the
locals along it are z (for *) and 1 (for +).""",
            ),
        ),
        Predict(
            title="One step uphill",
            source=LECTURE_L,
            text="""\
Why do we want grads at all? Because each says which way to move an
input to raise L.

Back to L = −8, with grads a 6, b −4, c −2, f 4. Move every input a
little *with* its grad:

```
a += 0.01 * a.grad   # and b, c, f
```

then recompute L.
""",
            exercise=Exercise(
                prompt="What is L after the nudge? (2 decimals)",
                check=checks.number(
                    lambda: _nudged_L(+1.0),
                    tol=0.01,
                    misses=[(-8.0, "−8 is L before the nudge. Recompute with the new inputs.")],
                    wrong="New inputs: a 2.06, b −3.04, c 9.98, f −1.96. Recompute e, d, L.",
                ),
                hints=(
                    "a = 2 + 0.06, b = −3 − 0.04, c = 10 − 0.02, f = −2 + 0.04.",
                    "e = 2.06 × −3.04 = −6.2624, d = e + 9.98.",
                    "L = d × −1.96.",
                ),
                explanation="""\
L ≈ −7.29: up from −8, as promised. Every input moved the way its grad
said raises L. That is the whole idea of training, run in reverse.""",
            ),
        ),
        ExpressionStep(
            title="Play with the nudged graph",
            source=NUDGED,
            editable=True,
            text="""\
Here is the nudged graph. Edit the numbers and watch L.

Try moving only a by +0.1: L should rise by about 0.1 × a.grad = 0.6.
""",
        ),
        Predict(
            title="Step the other way",
            source=LECTURE_L,
            text="""\
Now move every input *against* its grad:

```
a -= 0.01 * a.grad   # and b, c, f
```
""",
            exercise=Exercise(
                prompt="What happens to L?",
                check=checks.choice(
                    DIRECTIONS,
                    _downhill,
                    wrong={
                        "L goes up": "Moving with the grads raised L. This is the opposite.",
                        "L stays at −8": "Every input moved, and each has a non-zero grad.",
                    },
                ),
                hints=("With the grads, L rose from −8 to −7.29.",),
                explanation="""\
L goes down. Stepping against the gradient is gradient descent: to
make a loss smaller, move every parameter a little against its grad.""",
                answer_kind="choice",
                choices=DIRECTIONS,
            ),
        ),
    ),
)
