"""Lesson 10: a loss, gradient descent on the lecture's four examples, and zero_grad."""

import functools
import itertools
import math
import random

from engine.data import lecture_examples
from engine.losses import mse_loss
from engine.nn import MLP
from engine.train import TrainConfig
from lessons import checks
from lessons.graphs import LECTURE_L
from lessons.model import CodeReading, Exercise, Goal, Lesson, Predict, Prose, Train

CONFIG = TrainConfig(
    hidden=(4, 4),
    activation="tanh",
    loss="mse",
    learning_rate=0.1,
    schedule="constant",
    alpha=0.0,
    steps=20,
)

GOAL = Goal("loss", at_most=0.01)  # every score within about 0.1 of its target

ONE_SCORE = """\
score = 0.5
target = 1.0
loss = (score - target)**2"""

WITHOUT_ZERO_GRAD = (
    "It falls just the same",
    "It stops falling steadily and bounces",
    "It becomes infinite at once",
)


def _backward_twice(name: str) -> float:
    values = checks.build(LECTURE_L).values
    values["L"].backward()
    values["L"].backward()  # no reset in between: the grads add up
    return values[name].grad


@functools.cache
def _losses(zero_grad: bool) -> tuple[float, ...]:
    """The loss at each of CONFIG's 20 steps, with or without zero_grad."""
    data = lecture_examples()
    model = MLP(
        3, [*CONFIG.hidden, 1], activation=CONFIG.activation, rng=random.Random(CONFIG.seed)
    )
    params = model.parameters()
    losses = []
    for _ in range(CONFIG.steps):
        loss = mse_loss([model(x) for x in data.X_train], data.y_train)
        losses.append(loss.data)
        if zero_grad:
            model.zero_grad()
        loss.backward()
        for p in params:
            p.data -= CONFIG.learning_rate * p.grad
    return tuple(losses)


def _what_forgetting_does() -> str:
    losses = _losses(zero_grad=False)
    if not all(math.isfinite(x) for x in losses):
        return WITHOUT_ZERO_GRAD[2]
    rises = sum(b > a for a, b in itertools.pairwise(losses))
    return WITHOUT_ZERO_GRAD[1] if rises else WITHOUT_ZERO_GRAD[0]


def _the_numbers() -> str:
    good, bad = _losses(zero_grad=True), _losses(zero_grad=False)
    rises = sum(b > a for a, b in itertools.pairwise(bad))
    return (
        f"Yes. After 20 steps the loss is {checks.fmt(good[-1])} with zero_grad, "
        f"and {checks.fmt(bad[-1])} without — it went up {rises} times on the way."
    )


LESSON = Lesson(
    id="gradient-descent",
    number=10,
    title="Loss and gradient descent",
    summary="Squared error on the lecture's four examples, 20 steps downhill, and zero_grad.",
    steps=(
        Prose(
            title="One number for how wrong",
            text="""\
The lecture's four examples: three inputs each, and a target of +1 or
−1.

```
[2, 3, −1]    →  1
[3, −1, 0.5]  → −1
[0.5, 1, 1]   → −1
[1, 1, −1]    →  1
```

The **loss** sums up how wrong the network is in one number. Squared
error: for each example (score − target)², then the mean.

Training is lesson 4's step, repeated, *against* the gradient:

```
p.data -= learning_rate * p.grad
```
""",
        ),
        Predict(
            title="Which way to push",
            source=ONE_SCORE,
            text="""\
One example: the network says 0.5, the target is 1.
""",
            exercise=Exercise(
                prompt="What is ∂loss/∂score (score.grad)?",
                check=checks.number(
                    lambda: checks.grads(ONE_SCORE)["score"].grad,
                    misses=[(0.25, "0.25 is the loss itself, (0.5 − 1)².")],
                    wrong="d(s − t)²/ds = 2(s − t).",
                ),
                hints=("The local of x**2 is 2x, and x = score − target = −0.5.",),
                explanation="""\
−1: raising the score lowers the loss. Gradient descent subtracts
learning_rate × grad, so the score goes up, towards 1.""",
            ),
        ),
        CodeReading(
            title="The loss in the engine",
            target="engine.losses:mse_loss",
            text="""\
The engine's squared error. It is made of Values, so `backward()` runs
through it into every weight.
""",
            look_for="""\
- `(s - y) ** 2` for each pair of score and target.
- `* (1.0 / len(pairs))`: the mean. (The lecture
  used the sum; the mean keeps the size of the loss independent of
  the number of examples.)""",
            exercise=Exercise(
                prompt="Scores 0.5 and −0.5, targets 1 and −1: what is mse_loss?",
                check=checks.number(
                    lambda: mse_loss([0.5, -0.5], [1.0, -1.0]).data,
                    misses=[(0.5, "0.5 is the sum of the squares. Take the mean.")],
                    wrong="Each error is 0.5, so each square is 0.25.",
                ),
                hints=("(0.5 − 1)² = 0.25 and (−0.5 + 1)² = 0.25.",),
                explanation="0.25: the mean of 0.25 and 0.25.",
            ),
        ),
        Train(
            title="Twenty steps downhill",
            config=CONFIG,
            dataset="lecture",
            goal=GOAL,
            text="""\
MLP(3, [4, 4, 1]) with tanh, on the four examples: 20 steps at
learning rate 0.1, each one

1. scores = model on every example;
2. loss = mean squared error;
3. zero_grad, then backward;
4. every parameter -= 0.1 × its grad.

Goal: a loss of at most 0.01, which puts every score within about 0.1
of its target. Watch the loss fall.
""",
            exercise=Exercise(
                prompt="Run the training and reach the goal.",
                check=checks.reach(GOAL),
                hints=("Start the run and let it finish its 20 steps.",),
                explanation="""\
The loss falls towards 0 and the scores approach +1, −1, −1, +1. That
is a neural network learning: forward, backward, a small step.""",
                answer_kind="action",
            ),
        ),
        Predict(
            title="The forgotten zero_grad",
            source=LECTURE_L,
            text="""\
`backward()` *adds* into every grad (lesson 5). So what happens if you
call it again without resetting?

Lesson 3's graph: after one backward(), f.grad = 4 and a.grad = 6.
""",
            exercise=Exercise(
                prompt="Call L.backward() a second time. What is f.grad now?",
                check=checks.number(
                    lambda: _backward_twice("f"),
                    misses=[(4.0, "4 is after one call. The second call adds to it.")],
                    wrong="Nothing reset f.grad, and backward() uses +=.",
                ),
                hints=("The second pass adds d × L.grad = 4 again.",),
                explanation="""\
8: doubled. Deeper down it is worse: d still holds its old −2, adds
−2 more and passes on −4, so e collects −6 and a.grad becomes 24 —
four times the truth. Old grads poison new ones unless zero_grad()
resets them before every backward().""",
            ),
        ),
        Predict(
            title="Training without zero_grad",
            text="""\
Take the same 20 steps, but delete `model.zero_grad()`. Each step's
grads are then the sum of *all* the steps so far: the model keeps
moving in directions it needed long ago.

The tutor will run both loops when you answer.
""",
            exercise=Exercise(
                prompt="What does the loss do without zero_grad?",
                check=checks.choice(
                    WITHOUT_ZERO_GRAD,
                    _what_forgetting_does,
                    right=_the_numbers,
                    wrong={
                        WITHOUT_ZERO_GRAD[0]: "The grads are not the same: they pile up "
                        "from step to step.",
                        WITHOUT_ZERO_GRAD[2]: "Not with this small rate: the old grads "
                        "pull it back and forth rather than away.",
                    },
                ),
                hints=(
                    "Old grads keep pushing the weights in old directions.",
                    "Overshoot, then overshoot back.",
                ),
                explanation="""\
The piled-up grads make each step overshoot, so the loss bounces
instead of settling. The lecture made this very mistake — with a tiny
problem it even seemed to work. zero_grad() before backward() fixes it.""",
                answer_kind="choice",
                choices=WITHOUT_ZERO_GRAD,
            ),
        ),
        CodeReading(
            title="zero_grad",
            target="engine.nn:Module.zero_grad",
            text="""\
The fix, in full.
""",
            look_for="""\
- `p.grad = 0.0` for every parameter — set, not added.
- Only parameters: the inputs' grads are never used to update
  anything, so it does not matter that they pile up.""",
        ),
    ),
)
