"""Lesson 5: a value used twice gets two shares of gradient; order matters."""

from lessons import checks
from lessons.model import BackpropWalk, CodeReading, Exercise, Lesson, Predict, Prose

TWICE = """\
a = 3.0
b = a + a"""

TWO_PATHS = """\
a = -2.0
b = 3.0
d = a*b
e = a + b
f = d*e"""

ORDER = """\
a = 2.0
x = a + 1.0
y = x*3.0
L = x + y"""

WHY_ADD = (
    "A value used twice gets gradient from each use",
    "Adding is faster than setting",
    "It resets the gradient for the next pass",
)


def grad(source: str, name: str):
    return lambda: checks.grads(source)[name].grad


def _a_grad_in_wrong_order() -> float:
    """a.grad if backward visited x before y had passed its share to x.

    The right order (reverse topological) is L, y, x. Here we run the same
    rule, operand.grad += local * node.grad, in the order L, x, y.
    """
    values = checks.build(ORDER).values
    values["L"].grad = 1.0
    for node in (values["L"], values["x"], values["y"]):
        for operand, local in zip(node._prev, node._local, strict=True):
            operand.grad += local * node.grad
    return values["a"].grad


LESSON = Lesson(
    id="reused-nodes",
    number=5,
    title="Reused nodes and +=",
    summary="A value used twice collects gradient from both uses, and order makes that work.",
    steps=(
        Prose(
            title="Using a value twice",
            text="""\
So far every value was used once. Now:

```
b = a + a
```

Nudge a by h. *Both* operands of `+` move, so b moves by 2h.

The graph has two edges from a into b. During `backward()`, each edge
hands a its own share of the gradient. What happens to the two shares?
""",
        ),
        Predict(
            title="b = a + a",
            source=TWICE,
            text="""\
Each edge from a to b carries local derivative 1 (`+` routes).
""",
            exercise=Exercise(
                prompt="After b.backward(), what is a.grad?",
                check=checks.number(
                    grad(TWICE, "a"),
                    misses=[(1.0, "1 is one use's share. a is used twice.")],
                    wrong="Nudge a by h: how far does a + a move?",
                ),
                hints=("Nudge a by h: both operands move by h.",),
                explanation="""\
a.grad = 1 + 1 = 2. backward() adds each share (+=). If it set the
grad (=) instead, the second share would overwrite the first and a.grad
would be 1 — a bug the lecture hits and fixes.""",
            ),
        ),
        BackpropWalk(
            title="Watch the shares add up",
            source=TWICE,
            text="""\
Step through it. When b passes its grad back, a receives it twice:
a.grad goes 0 → 1 → 2.
""",
            exercise=Exercise(
                prompt="Step through backward() to the end.",
                check=checks.walk_done(TWICE),
                hints=("Press the step key until every node is done.",),
                explanation="""\
Two additions into the same a.grad. This is why grads must start at 0
before a backward pass: they are sums.""",
                answer_kind="action",
            ),
        ),
        Predict(
            title="Two paths",
            source=TWO_PATHS,
            text="""\
The lecture's second example: a reaches f along two paths, through
d = a*b and through e = a + b.

a.grad is the sum of what each path brings.
""",
            exercise=Exercise(
                prompt="What is ∂f/∂a (a.grad)?",
                check=checks.number(
                    grad(TWO_PATHS, "a"),
                    misses=[
                        (3.0, "3 is only the path through d. Add the path through e."),
                        (-6.0, "−6 is only the path through e. Add the path through d."),
                        (grad(TWO_PATHS, "b"), "That is b.grad. a's paths go through d and e."),
                    ],
                    wrong="Find each path's share, then add them.",
                ),
                hints=(
                    "d.grad = e = 1 and e.grad = d = −6 (* swaps).",
                    "Through d: d.grad × b = 1 × 3. Through e: e.grad × 1 = −6.",
                ),
                explanation="""\
a.grad = 3 + (−6) = −3, and b.grad = −2 + (−6) = −8. With = instead
of +=, whichever path came last would win.""",
            ),
        ),
        CodeReading(
            title="backward() adds",
            target="engine.value:Value.backward",
            text="""\
The engine's backward(). Find the line that hands out gradient.
""",
            look_for="""\
- `operand.grad += local * g`: **add**, never set.
- `reversed(topological_order(self, leaves=False))`: the nodes from the
  output back, each only after every node that uses it (next step: why).""",
            exercise=Exercise(
                prompt="Why += rather than =?",
                check=checks.choice(
                    WHY_ADD,
                    WHY_ADD[0],
                    wrong={
                        WHY_ADD[1]: "Speed has nothing to do with it: = would give wrong "
                        "grads whenever a value is used twice.",
                        WHY_ADD[2]: "+= keeps what is already there; resetting is zero_grad's job.",
                    },
                ),
                hints=("Think of b = a + a.",),
                explanation="""\
Each use of a value hands it one share; the grad is their sum. The
cost: grads from an earlier backward() also stay, so they must be
zeroed before the next pass (lesson 10).""",
                answer_kind="choice",
                choices=WHY_ADD,
            ),
        ),
        Predict(
            title="Why an order at all",
            source=ORDER,
            text="""\
A node may pass its grad on only when it has received **all** of it.

Here x is used twice: by L directly, and by y = x*3. Its full grad is
1 + 3 = 4, so a.grad should be 4.

Suppose backward visited x *before* y had added its share to x.
""",
            exercise=Exercise(
                prompt="In that wrong order, what would a.grad come out as?",
                check=checks.number(
                    _a_grad_in_wrong_order,
                    misses=[
                        (
                            grad(ORDER, "a"),
                            "4 is the right answer — in the right order. "
                            "Here x passes its grad on too early.",
                        ),
                    ],
                    wrong="When x passes its grad on, only L has given it a share so far.",
                ),
                hints=(
                    "Visiting x first: x.grad holds only L's share, 1.",
                    "x passes 1 × 1 to a. y adds 3 to x later — too late for a.",
                ),
                explanation="""\
a.grad = 1 instead of 4: x passed on a grad that was not finished.
Reverse topological order puts every node after all the nodes that
use it, so each grad is complete before it is passed on.""",
            ),
        ),
        CodeReading(
            title="The topological order",
            target="engine.value:topological_order",
            text="""\
The engine's list of a graph's nodes, each after its operands. Read
backwards, it gives each node after all the nodes that use it: the
order backward() needs.
""",
            look_for="""\
- `stack`: an explicit stack, not recursion. micrograd's recursive
  version crashes on graphs deeper than about 1000 nodes.
- `seen`: a reused node is listed once, like x in the last graph.""",
        ),
    ),
)
