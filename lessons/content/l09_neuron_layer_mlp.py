"""Lesson 9: read engine.nn — a neuron, a layer of them, layers in a row."""

import random

from engine.nn import MLP, Layer, Neuron
from lessons import checks
from lessons.model import CodeReading, Exercise, Lesson, Predict, Prose

LAST_LAYER = ("tanh", "relu", "linear")


def _rng() -> random.Random:
    return random.Random(1337)  # its own generator: checking leaves global random alone


def _last_activation() -> str:
    return MLP(3, [4, 4, 1], rng=_rng()).layers[-1].neurons[0].activation


LESSON = Lesson(
    id="neuron-layer-mlp",
    number=9,
    title="Neuron → Layer → MLP",
    summary="Read engine.nn: neurons make a layer, layers make a network. Count its parameters.",
    steps=(
        Prose(
            title="From one neuron to a network",
            text="""\
Lesson 6's neuron, generalised, is the whole building block:

- a **Neuron** takes n inputs: n weights, one bias, an activation;
- a **Layer** is several neurons reading the same inputs;
- an **MLP** (multi-layer perceptron) is layers in a row, each
  reading the outputs of the one before.

Every weight and bias is a Value, so one `backward()` from the output
fills in a grad for each of them. Read the engine's `nn.py` next: it
is about a page.
""",
        ),
        CodeReading(
            title="Neuron",
            target="engine.nn:Neuron",
            text="""\
One neuron: its parameters, and what it computes when called.

The weighted sum w1·x1 + … + wn·xn + b is **one** node here, a `dot`
node, where micrograd builds it from n products and n sums. Its local
derivatives are what `*` and `+` would give: xi for wi, wi for xi and 1
for b. The grads are the same; the graph has fewer nodes (lesson 7: an
op can be as big as you like). The training lab's `i` shows `dot`
nodes in a network's forward pass.
""",
            look_for="""\
- `rng.uniform(-1, 1)`: one random weight per input, in `self.w`.
- `self.b = Value(0.0)`: the bias, starting at 0.
- `_dot(self.w, x, xdata, self.b)`: the weighted sum, one `dot` node.
- `getattr(act, self.activation)()`: then the activation squashes it.
- `def parameters`: the weights and the bias.""",
            exercise=Exercise(
                prompt="How many parameters does Neuron(3) have?",
                check=checks.number(
                    lambda: len(Neuron(3, rng=_rng()).parameters()),
                    tol=0,
                    misses=[(3, "3 weights, yes — plus one more parameter.")],
                    wrong="Count the weights (one per input) and the bias.",
                ),
                hints=("parameters() returns the weights and the bias.",),
                explanation="4: three weights and one bias.",
            ),
        ),
        CodeReading(
            title="Layer",
            target="engine.nn:Layer",
            text="""\
A layer: nout neurons, each with nin inputs.
""",
            look_for="""\
- `self.neurons`: a list of nout Neurons.
- `__call__`: every neuron reads the same x; one output per neuron
  (a single Value when there is one neuron).""",
            exercise=Exercise(
                prompt="How many parameters does Layer(3, 4) have?",
                check=checks.number(
                    lambda: len(Layer(3, 4, rng=_rng()).parameters()),
                    tol=0,
                    misses=[
                        (12, "12 counts the weights only. Each neuron has a bias too."),
                        (7, "Each of the 4 neurons has its own 3 weights and bias."),
                    ],
                    wrong="4 neurons, each with 3 weights and 1 bias.",
                ),
                hints=("Each neuron has 3 + 1 parameters.",),
                explanation="16: four neurons of 4 parameters each.",
            ),
        ),
        CodeReading(
            title="MLP",
            target="engine.nn:MLP",
            text="""\
The network: sizes [nin, *nouts], and a layer between each
neighbouring pair.
""",
            look_for="""\
- `sizes = [nin, *nouts]`: MLP(3, [4, 4, 1]) has layers 3→4, 4→4 and
  4→1.
- The last layer is built `"linear"`: no squashing on the output.""",
            exercise=Exercise(
                prompt="How many parameters does MLP(3, [4, 4, 1]) have?",
                check=checks.number(
                    lambda: len(MLP(3, [4, 4, 1], rng=_rng()).parameters()),
                    tol=0,
                    misses=[
                        (32, "32 counts the weights only: add one bias per neuron."),
                        (9, "9 is the number of neurons. Count their parameters."),
                    ],
                    wrong="Layers 3→4, 4→4, 4→1. Each neuron: inputs + 1.",
                ),
                hints=(
                    "Layer 3→4: 4 × (3 + 1) = 16.",
                    "Layer 4→4: 4 × (4 + 1) = 20. Layer 4→1: 1 × (4 + 1) = 5.",
                ),
                explanation="""\
41 = 16 + 20 + 5. Each is a Value with a grad: training adjusts all 41
at every step.""",
            ),
        ),
        Predict(
            title="The last layer",
            text="""\
The output of this network will be compared with targets of +1 and −1
(next lesson). The hidden layers squash with tanh here.
""",
            exercise=Exercise(
                prompt="Which activation does the last layer of MLP(3, [4, 4, 1]) use?",
                check=checks.choice(
                    LAST_LAYER,
                    _last_activation,
                    wrong={
                        "tanh": "The hidden layers use tanh. Look at how MLP builds the last one.",
                        "relu": "Look at MLP.__init__: the activation of the last layer.",
                    },
                ),
                hints=("In MLP.__init__, look at what the last layer (i = len(nouts) - 1) gets.",),
                explanation="""\
linear: the output is a raw score, free to be any number. The lecture's
version used tanh everywhere; micrograd's nn.py, and this engine,
leave the last layer linear so the loss decides what scores it wants.""",
                answer_kind="choice",
                choices=LAST_LAYER,
            ),
        ),
    ),
)
