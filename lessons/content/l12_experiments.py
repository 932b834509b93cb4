"""Lesson 12: change one setting at a time; predict, then run and see."""

from engine.train import TrainConfig
from lessons import checks
from lessons.model import Exercise, Lesson, Predict, Train

# Lesson 11's recipe on a smaller network for fewer steps, so that each
# experiment takes seconds. With these settings it reaches 100% on the
# training points (tests/test_lesson_exercises.py runs every experiment).
BASE = TrainConfig(hidden=(8, 8), test_fraction=0.25, steps=60)

HUGE_RATE = BASE.replace(learning_rate=1e6, steps=20)
LINEAR = BASE.replace(activation="linear")
TINY = BASE.replace(hidden=(2,))
HEAVY_L2 = BASE.replace(alpha=0.1)

RATE_CHOICES = (
    "It learns much faster",
    "It learns about the same",
    "The loss blows up: it diverges",
)
LINEAR_CHOICES = (
    "It still reaches 100%",
    "It stalls below 95%",
    "It diverges",
)
TINY_CHOICES = LINEAR_CHOICES
L2_CHOICES = (
    "Accuracy stays at 100%",
    "Accuracy drops below 95%",
    "It diverges",
)


def _experiment(prompt: str, choices, correct: str, wrong: dict, hints, explanation: str):
    return Exercise(
        prompt=prompt,
        check=checks.choice(choices, correct, wrong=wrong),
        hints=hints,
        explanation=explanation,
        answer_kind="choice",
        choices=choices,
    )


def _watch(config: TrainConfig, prompt: str, explanation: str) -> Exercise:
    return Exercise(
        prompt=prompt,
        check=checks.observe(config.steps),
        hints=("Start the run and let it end by itself.",),
        explanation=explanation,
        answer_kind="action",
    )


LESSON = Lesson(
    id="experiments",
    number=12,
    title="Experiments",
    summary="Change one setting at a time: predict what happens, then run it and see.",
    steps=(
        Predict(
            title="A huge learning rate",
            text="""\
Time to experiment like a researcher: change **one** thing, predict,
then run.

The baseline is lesson 11's recipe on a smaller network — two hidden
layers of 8 — for 60 steps. It reaches 100% training accuracy.

First experiment: learning rate 1,000,000 instead of 1.
""",
            exercise=_experiment(
                "With learning rate 1e6, what happens?",
                RATE_CHOICES,
                RATE_CHOICES[2],
                {
                    RATE_CHOICES[0]: "Each step moves every weight by 1e6 × its grad: far "
                    "past any minimum.",
                    RATE_CHOICES[1]: "The rate multiplies every step: a million times larger "
                    "is a different run.",
                },
                ("The gradient says which way is downhill only near where you stand.",),
                """\
A gradient is a local slope: it is only true for small steps. A huge
step lands somewhere the slope said nothing about — often higher —
and the next gradient is larger still.""",
            ),
        ),
        Train(
            title="Run it: learning rate 1e6",
            config=HUGE_RATE,
            text="""\
Watch the loss. The run stops by itself once the numbers no longer
fit in a float.
""",
            exercise=_watch(
                HUGE_RATE,
                "Run it and watch the loss.",
                """\
Within a few steps the loss is astronomically large, then infinite:
the run diverged. The art is a rate as large as possible, but no
larger.""",
            ),
        ),
        Predict(
            title="No activation",
            text="""\
Second experiment: back to rate 1, and replace ReLU with "linear" —
no squashing at all. Each layer is then only a weighted sum.
""",
            exercise=_experiment(
                "With linear activations, what happens?",
                LINEAR_CHOICES,
                LINEAR_CHOICES[1],
                {
                    LINEAR_CHOICES[0]: "A sum of weighted sums is still one weighted sum: "
                    "what shape is its boundary?",
                    LINEAR_CHOICES[2]: "The rate is back to 1, which this network handles.",
                },
                (
                    "Stack weighted sums: you get a weighted sum.",
                    "A weighted sum of x and y is 0 along a straight line.",
                ),
                """\
Without a non-linearity, any number of layers collapses into one
linear function, and its boundary is a straight line. No straight line
separates the moons. The activation is what lets networks bend.""",
            ),
        ),
        Train(
            title="Run it: linear",
            config=LINEAR,
            text="""\
Watch the decision boundary: it stays a straight line.
""",
            exercise=_watch(
                LINEAR,
                "Run it and look at the boundary.",
                """\
A straight boundary, well short of 100%. Try "tanh" in the settings
too: its boundary bends again.""",
            ),
        ),
        Predict(
            title="A tiny network",
            text="""\
Third experiment: ReLU again, but one hidden layer of just 2 neurons
(9 parameters instead of 105).
""",
            exercise=_experiment(
                "With one hidden layer of 2, what happens?",
                TINY_CHOICES,
                TINY_CHOICES[1],
                {
                    TINY_CHOICES[0]: "Two ReLU neurons can bend the boundary only twice.",
                    TINY_CHOICES[2]: "Nothing here makes the steps too large.",
                },
                ("Each ReLU neuron adds at most one bend to the boundary.",),
                """\
Two bends are not enough to wrap around a moon: the network is too
small for the shape. More neurons, more bends.""",
            ),
        ),
        Train(
            title="Run it: 2 neurons",
            config=TINY,
            text="""\
Watch where the boundary can and cannot bend.
""",
            exercise=_watch(
                TINY,
                "Run it and look at the boundary.",
                """\
A boundary with a couple of corners, short of the moons' curve. Try
hidden sizes like (4,), (8,) or (16, 16) in the settings and compare.""",
            ),
        ),
        Predict(
            title="Heavy regularisation",
            text="""\
Last experiment: the network of 8 and 8 again, with the L2 strength
alpha raised from 0.0001 to 0.1.
""",
            exercise=_experiment(
                "With alpha = 0.1, what happens?",
                L2_CHOICES,
                L2_CHOICES[1],
                {
                    L2_CHOICES[0]: "The penalty is now a thousand times stronger, "
                    "against the very weights that bend the boundary.",
                    L2_CHOICES[2]: "L2 pulls weights towards 0: it calms, not inflames.",
                },
                ("Strong L2 keeps every weight near 0.",),
                """\
The penalty outweighs the data: weights stay small, the boundary stays
simple, and accuracy suffers. A little L2 smooths; too much underfits.""",
            ),
        ),
        Train(
            title="Run it: alpha = 0.1",
            config=HEAVY_L2,
            text="""\
Watch the loss: it cannot fall far, because shrinking the data loss
needs larger weights, which the penalty charges for.
""",
            exercise=_watch(
                HEAVY_L2,
                "Run it and compare with the baseline.",
                """\
Well below 100%. You have now trained networks the way micrograd
does. The last lesson times that training, and makes it many times
faster with the same numbers.""",
            ),
        ),
    ),
)
