"""Lesson 11: micrograd's demo — moons, hinge loss, L2, a decaying rate, a test set."""

from engine.losses import hinge_loss, l2_penalty
from engine.train import TrainConfig
from engine.value import Value
from lessons import checks
from lessons.model import CodeReading, Exercise, Goal, Lesson, Predict, Prose, Train

# micrograd's demo recipe, with a quarter of the points held out for testing.
CONFIG = TrainConfig(test_fraction=0.25)
GOAL = Goal("test_accuracy", 0.95)

BOUNDARY = ("Where the score is 0", "Where the loss is 0", "Where the score is 1")


LESSON = Lesson(
    id="moons",
    number=11,
    title="Training on moons",
    summary="Hinge loss, L2, a decaying learning rate and a test set: reach 95% on unseen points.",
    steps=(
        Prose(
            title="Two moons",
            text="""\
micrograd's demo: 100 points in two interleaving half-moons, labelled
+1 and −1. No straight line separates them, so the network must learn
a curved boundary.

The model is MLP(2, [16, 16, 1]) with ReLU: 337 parameters.

A quarter of the points are held back as a **test set**. The model
never trains on them. Train accuracy can be reached by memorising;
test accuracy says whether it learned the *shape*.
""",
        ),
        CodeReading(
            title="The hinge loss",
            target="engine.losses:hinge_loss",
            text="""\
Instead of squared error, the demo uses the "max-margin" loss. A point
with label y and score s costs relu(1 − y·s).
""",
            look_for="""\
- `(1 + -y * s).relu()`: zero once y·s ≥ 1 — the right sign *and* a
  margin of at least 1.
- Points already far on the right side cost nothing and push back
  nothing: only the doubtful ones shape the boundary.""",
            exercise=Exercise(
                prompt="Label +1, score 0.3: what does this point cost?",
                check=checks.number(
                    lambda: hinge_loss([Value(0.3)], [1.0]).data,
                    misses=[
                        (0.0, "The sign is right, but the hinge wants a margin: a score of 1."),
                        (1.3, "1 − y·s with y = +1 and s = 0.3: mind the sign."),
                        (0.3, "0.3 is the score itself; the cost is relu(1 − y·s)."),
                        (-0.7, "That is y·s − 1: the hinge is 1 − y·s, the other way round."),
                    ],
                    wrong="relu(1 − y·s) with y = 1 and s = 0.3.",
                ),
                hints=("1 − 1 × 0.3.",),
                explanation="""\
relu(1 − 1 × 0.3) = 0.7: the right side of the boundary, but too close
to it. A score of 1 or more would cost 0.""",
            ),
        ),
        CodeReading(
            title="L2 regularisation",
            target="engine.losses:l2_penalty",
            text="""\
The demo adds a small cost for large weights.
""",
            look_for="""\
- `alpha * sum_values([p * p for p in params])`: each parameter's
  square, times a small alpha (1e-4 in the demo).
- Its gradient, 2·alpha·p, pulls every weight a little towards 0:
  smoother boundaries, less memorising.""",
            exercise=Exercise(
                prompt="alpha = 1e-4 and two parameters, 3 and −4: what is the penalty?",
                check=checks.number(
                    lambda: l2_penalty([Value(3.0), Value(-4.0)], 1e-4).data,
                    tol=1e-7,
                    misses=[
                        (-1e-4, "Squares are never negative: (−4)² = 16."),
                        (25.0, "25 is the sum of the squares; the penalty is alpha times it."),
                        (-7e-4, "(−4)² is +16, not −16: a square is never negative."),
                        (7e-4, "Square each parameter first: 3² + (−4)², not 3 + 4."),
                    ],
                    wrong="alpha × (3² + (−4)²).",
                ),
                hints=("3² + (−4)² = 25.", "1e-4 × 25."),
                explanation=(
                    "1e-4 × (9 + 16) = 0.0025: small next to the data loss, but always there."
                ),
            ),
        ),
        CodeReading(
            title="A decaying learning rate",
            target="engine.train:TrainConfig.learning_rate_at",
            text="""\
Big steps at first, careful steps at the end: the demo's rate falls
from 1.0 towards 0.1.
""",
            look_for="""\
- `1.0 - 0.9 * step / self.steps`: micrograd's `1.0 - 0.9*k/100`,
  times the starting rate.""",
            exercise=Exercise(
                prompt="Starting rate 1.0, 100 steps: what is the rate at step 50?",
                check=checks.number(
                    lambda: CONFIG.learning_rate_at(50),
                    misses=[
                        (0.5, "Not half: the rate falls by 0.9 over the run, not by 1."),
                        (0.45, "0.45 is how far it has fallen by step 50; the rate is 1.0 − 0.45."),
                    ],
                    wrong="1.0 × (1 − 0.9 × 50/100).",
                ),
                hints=("0.9 × 50/100 = 0.45.",),
                explanation="1.0 × (1 − 0.45) = 0.55: halfway down from 1.0 to 0.1.",
            ),
        ),
        Train(
            title="Train it",
            config=CONFIG,
            goal=GOAL,
            text="""\
The demo's recipe: 100 full-batch steps, hinge loss plus L2, the
decaying rate. Each step builds a graph over 75 training points,
runs backward() through it and updates 337 parameters.

The plot colours the plane by the sign of the score; the line between
the colours is the **decision boundary**. Watch it bend around the
moons.

Goal: test accuracy of at least 95%.
""",
            exercise=Exercise(
                prompt="Run the training and reach 95% test accuracy.",
                check=checks.reach(GOAL),
                hints=(
                    "Start the run and let it finish all 100 steps.",
                    "If you changed settings, reset them to the lesson's.",
                ),
                explanation="""\
The boundary now curls around both moons, and points the model never
saw land on the right side. This is everything micrograd does — with
one Value class and a page of nn.""",
                answer_kind="action",
            ),
        ),
        Predict(
            title="Reading the boundary",
            text="""\
The model gives every point of the plane a score. Positive means +1,
negative means −1.
""",
            exercise=Exercise(
                prompt="Where is the decision boundary?",
                check=checks.choice(
                    BOUNDARY,
                    BOUNDARY[0],
                    wrong={
                        BOUNDARY[1]: "The loss belongs to training points, not to the plane.",
                        BOUNDARY[2]: "A score of 1 is the hinge's margin, not the boundary.",
                    },
                ),
                hints=("Which score is neither positive nor negative?",),
                explanation="""\
Where the score is 0: one side says +1, the other −1. The hinge loss
keeps training points at least 1 away from it, in score.""",
                answer_kind="choice",
                choices=BOUNDARY,
            ),
        ),
    ),
)
