"""Exercises 12-17 of "Build micrograd": the learner's nn.py, and their network learning.

The lecture's second half, on the learner's own Value: ``Module`` with ``parameters()``
and ``zero_grad()``, then ``Neuron``, ``Layer`` and ``MLP`` as Karpathy writes them,
and the training loop on his four examples, run by the tutor, with and without
``zero_grad()``. The checks are ``lessons.workbench.scenarios_nn``. Exercise 17, the
course's milestone, has none: the learner's engine trains on the moons beside the
tutor's (``lessons.workbench.milestone``), in the training lab or on a check.
"""

from __future__ import annotations

from lessons.workbench.exercise_model import Curve, Exercise, Question

__all__ = ["LAB_KEY", "NN_EXERCISES", "NN_SUMMARIES"]

NN = "mygrad/nn.py"

# One line each, for the lessons list and the command palette (fits 80 columns).
NN_SUMMARIES = {
    "module": "Module: parameters() lists what training tunes; zero_grad() resets it.",
    "neuron": "A Neuron: random weights and a bias, tanh(w·x + b), its parameters.",
    "layer": "A Layer of Neurons on the same inputs; one neuron gives a single Value.",
    "mlp": "An MLP: layers of sizes [nin] + nouts, 41 parameters in one flat list.",
    "training": "The lecture's training loop on your MLP, and zero_grad() forgotten.",
    "moons": "Milestone: your engine trains on the moons in the lab, as the tutor's does.",
}

LAB_KEY = "l"
"""The workbench's key that opens the training lab on the learner's engine (exercise 17)."""

NN_EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        12,
        "module",
        "Module and zero_grad",
        """\
Your Value backpropagates through any expression. The rest of the lecture builds a
neural network out of it, in a few small classes that share one base, micrograd's
`Module`.

A module is anything with *parameters*: the Values that training adjusts, its
weights and biases. `parameters()` lists them. A plain `Module` has none, so it
returns an empty list; each class you write next lists its own.

`zero_grad()` is the other half. Gradients accumulate: every `_backward` adds its
share with `+=`, so a second `backward()` adds to whatever the first one left. A
training step must therefore begin by setting every parameter's grad back to 0 --
the line the lecture forgot at first (exercise 16 shows what that does). Written
once in `Module`, on top of `parameters()`, every network inherits it.
""",
        """\
In `mygrad/nn.py`, write `Module.parameters()` to return `[]`, and
`Module.zero_grad()` to set `p.grad = 0` for every `p` in `self.parameters()`.
""",
        (
            "`zero_grad` need not know which parameters there are: it asks "
            "`self.parameters()`, which every subclass answers for itself.",
            "Set the attribute on the Value itself, `p.grad = 0`. Giving the loop "
            "variable a new value (`p = 0`) changes nothing outside the loop, and "
            "`p.grad == 0` only compares.",
            "```python\ndef zero_grad(self):\n    for p in self.parameters():\n"
            "        p.grad = 0\n\ndef parameters(self):\n    return []\n```",
        ),
        Question(
            "Predict: a = Value(2.0); b = Value(-3.0); c = a * b; then c.backward() "
            "twice. What is a.grad?",
            "-6.0: each backward() adds b.data * c.grad = -3.0 to a.grad, and nothing "
            "took the first -3.0 away. That is what zero_grad() is for.",
            -6.0,
        ),
        file=NN,
    ),
    Exercise(
        13,
        "neuron",
        "Neuron",
        """\
A neuron, the lecture's way: one weight per input and a bias, and it fires
`tanh(w1*x1 + ... + wn*xn + b)`. You built exactly that by hand in exercise 4, every
number typed in; `Neuron(nin)` makes its own.

- `__init__(nin)`: `nin` weights and one bias, each a `Value` drawn with
  `random.uniform(-1, 1)`, so that training starts from somewhere new each time;
- `__call__(x)`: `x` is a list of `nin` inputs, plain numbers or Values. Pair each
  weight with its input (`zip`), multiply, add the products and the bias up, and
  squash with `tanh()`. Python turns `n(x)` into `n.__call__(x)`;
- `parameters()`: the weights, then the bias, in one list.

The lecture adds up with `sum(..., self.b)`: `sum` takes a start value, and starting
from the bias adds it in too. The checks set your parameters to fixed numbers
through `parameters()` before they compare anything, so that order matters.
""",
        """\
Write `Neuron.__init__`, `__call__` and `parameters()`. Keep `class Neuron(Module)`:
that is where its `zero_grad()` comes from.
""",
        (
            "`[Value(random.uniform(-1, 1)) for _ in range(nin)]` makes a new Value for "
            "each weight; the bias is one more.",
            "`zip(self.w, x)` pairs each weight with its input; `wi * xi` works when "
            "`xi` is a plain number too (exercise 7).",
            "```python\ndef __init__(self, nin):\n"
            "    self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]\n"
            "    self.b = Value(random.uniform(-1, 1))\n\n"
            "def __call__(self, x):\n"
            "    act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)\n"
            "    return act.tanh()\n\n"
            "def parameters(self):\n    return self.w + [self.b]\n```",
        ),
        Question(
            "Predict: how many parameters does Neuron(3) have?",
            "4: three weights, one for each input, and the bias.",
            4.0,
        ),
        file=NN,
    ),
    Exercise(
        14,
        "layer",
        "Layer",
        """\
A layer is a row of neurons that all read the same inputs, each with weights of its
own. `Layer(nin, nout)` holds `nout` Neurons of `nin` inputs; calling it calls every
neuron on the same `x` and gives their outputs as a list: the next layer's inputs.

The lecture adds one convenience: a layer of a single neuron gives that neuron's
output itself, a Value, not a list of one. A network's last layer is often like
that, and its output is then a number that goes straight into a loss.

Its `parameters()` are all its neurons' parameters in one flat list: a list of
Values, not a list of lists, because `zero_grad()` and the training step walk it
and set `p.grad` and `p.data` on each item.
""",
        """\
Write `Layer.__init__`, `__call__` and `parameters()`.
""",
        (
            "`[Neuron(nin) for _ in range(nout)]` makes nout different neurons; "
            "`[Neuron(nin)] * nout` would be the same neuron nout times.",
            "`outs = [n(x) for n in self.neurons]`, and `outs[0]` when there is only one. "
            "For one flat list, a comprehension with two `for`s: "
            "`[p for neuron in ... for p in neuron.parameters()]`.",
            "```python\ndef __init__(self, nin, nout):\n"
            "    self.neurons = [Neuron(nin) for _ in range(nout)]\n\n"
            "def __call__(self, x):\n    outs = [n(x) for n in self.neurons]\n"
            "    return outs[0] if len(outs) == 1 else outs\n\n"
            "def parameters(self):\n"
            "    return [p for neuron in self.neurons for p in neuron.parameters()]\n```",
        ),
        file=NN,
    ),
    Exercise(
        15,
        "mlp",
        "MLP",
        """\
A multi-layer perceptron is layers in a row, each one's outputs the next one's
inputs. `MLP(nin, nouts)` takes the number of inputs and a list of layer sizes; the
lecture's network is `MLP(3, [4, 4, 1])`: 3 inputs, two hidden layers of 4 neurons,
and one output neuron.

The sizes chain. With `sz = [nin] + nouts`, here `[3, 4, 4, 1]`, layer `i` goes from
`sz[i]` inputs to `sz[i+1]` neurons. Calling the MLP passes `x` through each layer in
turn. Every neuron squashes with tanh, the output too, as in the lecture
(micrograd's own MLP leaves its last layer linear).

`parameters()` is once more one flat list, every layer's parameters one after
another: all the numbers that training will tune.
""",
        """\
Write `MLP.__init__`, `__call__` and `parameters()`.
""",
        (
            "`sz = [nin] + nouts`; there are `len(nouts)` layers, the `i`-th "
            "`Layer(sz[i], sz[i + 1])`.",
            "In `__call__`, `x = layer(x)` for each layer in order, then `return x`.",
            "```python\ndef __init__(self, nin, nouts):\n    sz = [nin] + nouts\n"
            "    self.layers = [Layer(sz[i], sz[i + 1]) for i in range(len(nouts))]\n\n"
            "def __call__(self, x):\n    for layer in self.layers:\n        x = layer(x)\n"
            "    return x\n\n"
            "def parameters(self):\n"
            "    return [p for layer in self.layers for p in layer.parameters()]\n```",
        ),
        Question(
            "Predict: how many parameters does MLP(3, [4, 4, 1]) have?",
            "41: 4 neurons of 3 weights and a bias (16), 4 of 4 and a bias (20), and one "
            "of 4 and a bias (5).",
            41.0,
        ),
        file=NN,
    ),
    Exercise(
        16,
        "training",
        "Training, and zero_grad forgotten",
        """\
The lecture's payoff: your network learns. Four examples of three inputs, and the
output wanted for each:

    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5],
          [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]

The loss measures how far the network is from them, in one number: the sum of the
squared errors, `sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))`. It is 0
only when every prediction is right. Then gradient descent, 20 times over:

1. forward: `ypred = [n(x) for x in xs]`, and the loss;
2. `n.zero_grad()`, then `loss.backward()`: each parameter's grad says which way
   that parameter raises the loss;
3. nudge every parameter a little the other way: `p.data += -0.1 * p.grad`.

The tutor runs this loop on your `MLP(3, [4, 4, 1])`, from the same 41 starting
numbers every time, and the loss must fall. Then it runs it again without
`zero_grad()`, the bug the lecture itself had at first.
""",
        """\
Nothing new to write once exercises 12 to 15 pass. Answer the question first, then
read the two loss curves in the result: with `zero_grad()` and without.
""",
        (
            "When a loss differs, the result names the first step where it does. "
            "The loop uses everything so far: your MLP, `parameters()`, `zero_grad()`, "
            "and your Value's `-`, `**`, `sum()` and `backward()`.",
            "`sum()` starts from `0 + ...`, which needs `__radd__`; `yout - ygt` needs "
            "`__sub__` with a plain number; `**2` needs `__pow__` (exercises 7 and 8).",
            "The loop is in the result, exactly as the tutor runs it. To watch it "
            "yourself, copy it into a file of your own beside `mygrad/`, with "
            "`from mygrad import nn` at the top, and `print(k, loss.data)` in the loop.",
        ),
        Question(
            "Predict: the same 20 steps from the same start, without n.zero_grad(). "
            "What does the loss do?",
            "Without zero_grad() each backward() adds this step's gradient to all the "
            "earlier ones still in p.grad, so every step moves by the sum of all the "
            "gradients so far. While they point the same way that is a bigger learning "
            "rate, momentum by accident, and the loss falls faster. But the old gradients "
            "never leave: the steps go on even where the loss is nearly 0, overshoot, and "
            "the loss jumps back up; here it ends at 8.0.",
            choices=(
                "The same as with it: backward() starts the grads afresh each time.",
                "It stops falling after the first step: the old grads cancel the new.",
                "It falls faster at first, then jumps back up and ends high.",
                "An error: backward() refuses to run on grads that are not 0.",
            ),
            correct="It falls faster at first, then jumps back up and ends high.",
        ),
        file=NN,
        curves=(
            Curve("training-loop", "losses", "with zero_grad()"),
            Curve("training-without-zero-grad", "losses", "without"),
        ),
        curves_note="""\
Steps 0 and 1 are the same: the grads start at 0. From step 2 on, the grads of every
earlier step are still in p.grad and push as well. At first that is faster (step 3:
0.017 against 0.17), momentum by accident. But the old grads never leave: even with
the loss nearly 0 (steps 7 to 11) the parameters keep moving as fast as ever, so the
loss jumps (steps 12 and 16) and ends at 8.0, every output stuck at -1. zero_grad()
gives each step only its own gradient, which shrinks as the loss does.
""",
    ),
    Exercise(
        17,
        "moons",
        "Your engine trains on the moons",
        """\
The course's milestone. Everything you wrote, your Value and your MLP, now trains a
real classifier: micrograd's demo, two interleaving half-moons of points, and a
network that learns the curve between them. In the training lab the loss, the
accuracy and the decision boundary are drawn from your engine's numbers, step by step.

The tutor trains its own engine beside yours on the same run: the same points, the
same first weights (set through your `parameters()`), the same loss and update, in
your Values. A correct engine computes the same numbers, so the two losses agree to
1e-9 at every step; only the last bits of rounding may differ. The lab says so under
the charts, or names the first step where the two part, and what that suggests.
Your network is the lecture's, tanh on every neuron, so the lab trains it with tanh.

The lab needs exercises 1 to 15: your Value, and Module, Neuron, Layer and MLP. Until
they pass, this exercise is locked.
""",
        f"""\
Nothing new to write. Press `{LAB_KEY}` (outside the editor) to open the training lab
on your engine ("engine: mine"), and let it train on the moons to the end: once every
step matches the tutor's, exercise 17 passes. Each save checks it too, in 10 steps of
yours beside 10 of the tutor's.
""",
        (
            "When the two part, the lab and the check name the step and the figure: a "
            "loss that differs at step 1 is the forward pass (a neuron's sum, its tanh); "
            "a gradient length at step 1 is a local rule; a later step is zero_grad().",
            "The run uses the moons' two inputs, so your MLP is MLP(2, [16, 16, 1]) "
            "there; the lab's hinge loss calls relu(), and `p * p` (exercise 6's reuse) "
            "in its regularisation.",
            "In the lab, f opens the settings: fewer samples or smaller layers make a "
            "step of your engine quicker, and a run of 10 steps or more on the moons "
            "that matches throughout passes.",
        ),
        file=NN,
    ),
)
