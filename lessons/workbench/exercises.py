"""The exercises of "Build micrograd": the learner's own Value and backprop, then their nn.

Data, as the lessons are: each exercise has its idea in the lecture's terms, what to
write and where, graded hints (the last one nearly the code), an optional question to
answer before starting, and its checks (``lessons.workbench.scenarios``), which the
tutor runs on every save. The learner writes ``mygrad/engine.py`` in their workspace
(exercises 1-11, here), then ``mygrad/nn.py`` (12 on, ``lessons.workbench.exercises_nn``).
"""

from __future__ import annotations

from dataclasses import replace

from lessons.workbench.exercise_model import Curve, Exercise, Question

__all__ = [
    "COURSE_ID",
    "COURSE_TITLE",
    "EXERCISES",
    "Curve",
    "Exercise",
    "Question",
    "get_exercise",
]

COURSE_ID = "build"
COURSE_TITLE = "Build micrograd"


# One line each, for the lessons list and the command palette (fits 80 columns).
SUMMARIES = {
    "value": "A Value keeps its number, its grad, its children and the op that made it.",
    "add-and-mul": "+ and * make new Values that remember where they came from.",
    "local-rules": "Each op's _backward: + passes the grad on, * swaps the operands.",
    "tanh": "tanh and its local rule 1 − t², checked on the lecture's neuron.",
    "backward": "backward(): a topological order, walked from the output back.",
    "reuse": "A Value used twice collects both shares: += in every _backward.",
    "plain-numbers": "a + 1, 2 * a and 1 + a: plain numbers on either side.",
    "derived-ops": "** with the power rule; negation, - and / built from what you have.",
    "exp": "exp and its rule; tanh rebuilt from exp gives the same o and grads.",
    "relu": "relu: the slope is 1 where the input is positive, 0 elsewhere.",
    "deep-graphs": "A topological sort without recursion survives a graph 5,000 deep.",
}


def get_exercise(key: int | str) -> Exercise | None:
    """An exercise by number (1, "1") or id ("backward")."""
    text = str(key).strip()
    return next((e for e in EXERCISES if text in (str(e.number), e.id)), None)


_VALUE_EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        1,
        "value",
        "Value",
        """\
A neural network is a big mathematical expression, and backpropagation needs to
remember how that expression was built. micrograd's answer is one small class:
a `Value` wraps a single number, `data`, and remembers the Values it was made from.

In the lecture it starts as `Value(data, _children=(), _op='', label='')`:

- `data`: the number itself;
- `grad`: how much the final output changes when this value is nudged, dL/dthis.
  Nobody has computed that yet, so it starts at `0.0`;
- `_prev`: the Values this one was made from, its children in the graph (the
  lecture keeps them in a set; a tuple works as well and keeps their order);
- `_op`: the operation that made it, like `'+'`, or `''` for an input;
- `label`: a name, for drawing the graph.
""",
        """\
In `mygrad/engine.py`, write `Value.__init__` to keep those five attributes, and
`__repr__` so that `Value(3.5)` prints as something readable such as
`Value(data=3.5)`. Keep the line `self._backward = lambda: None` that is already there.
""",
        (
            "Every argument of `__init__` becomes an attribute; `grad` is not an argument.",
            "`_children` arrives as a tuple such as `(a, b)`; store it as `set(_children)` "
            "(like the lecture) or `tuple(_children)`.",
            "`self.data = data`, `self.grad = 0.0`, `self._prev = set(_children)`, "
            "`self._op = _op`, `self.label = label`; and `return f'Value(data={self.data})'`.",
        ),
    ),
    Exercise(
        2,
        "add-and-mul",
        "+ and *, forward",
        """\
Python calls `a.__add__(b)` for `a + b` and `a.__mul__(b)` for `a * b`. Each returns
a *new* Value holding the result, made from `(self, other)` with its op recorded, so
that the expression builds its own graph as it is computed.

The lecture's first expression: `a = Value(2.0)`, `b = Value(-3.0)`,
`c = Value(10.0)`, `d = a*b + c`, which is `4.0`. Its graph has `e = a*b` (op `*`,
children a and b) and `d = e + c` (op `+`, children e and c).
""",
        """\
Write `__add__` and `__mul__`: the forward pass only, returning
`Value(result, (self, other), op)`. The local rules come next.
""",
        (
            "The children are the two operands, `(self, other)`; the op is `'+'` or `'*'`.",
            "Read the operands' numbers with `self.data` and `other.data`.",
            "`out = Value(self.data + other.data, (self, other), '+')`, then `return out` "
            "(and the same with `*`).",
        ),
    ),
    Exercise(
        3,
        "local-rules",
        "Local rules by hand",
        """\
Backpropagation is the chain rule applied one node at a time. A node knows only its
own *local* derivative -- how much it moves when one of its inputs moves -- and it
gets `out.grad`, dL/dout, from above. Each input's share is the product:
`local derivative * out.grad`.

- `+` has local derivative 1 for both sides: it routes the gradient to both inputs
  unchanged.
- `*` gives each side *the other side's* data: d(a*b)/da = b, d(a*b)/db = a.

In micrograd each operation stores its rule as a small function, `out._backward`,
made when the operation runs, so it can reach `self`, `other` and `out`. With
L = (a*b + c)*f, a = 2, b = -3, c = 10, f = -2: set `L.grad = 1.0` and call
`L._backward()`, `d._backward()`, `e._backward()` in that order, and you get the
lecture's grads: L 1, f 4, d -2, c -2, e -2, a 6, b -4.
""",
        """\
In `__add__` and `__mul__`, before returning, define `def _backward():` that adds each
input's share to its `grad`, and store it with `out._backward = _backward`.
""",
        (
            "Inside `_backward`, `out.grad` is dL/dout; multiply it by the local derivative.",
            "For `+`: both `self` and `other` get `1.0 * out.grad`. For `*`: `self` gets "
            "`other.data * out.grad` and `other` gets `self.data * out.grad`.",
            "```python\ndef _backward():\n    self.grad += other.data * out.grad\n"
            "    other.grad += self.data * out.grad\nout._backward = _backward\n```",
        ),
        Question(
            "Predict before you write: L = d * f with d = 4.0 and f = -2.0. What is dL/dd?",
            "-2.0: d(d*f)/dd is f. Multiplication gives each side the other side's value.",
            -2.0,
        ),
    ),
    Exercise(
        4,
        "tanh",
        "tanh",
        """\
A neuron computes `n = x1*w1 + x2*w2 + b` and squashes it with `tanh`. An operation
does not have to be elementary: any function whose local derivative we know can be
a node. For tanh, d(tanh x)/dx = 1 - tanh(x)^2: the derivative is written with the
*output* t = tanh(x).

The lecture's neuron: x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.8813735870195432 gives
o = tanh(n) = 0.7071, do/dn = 1 - o^2 = 0.5, and by hand the grads x1 -1.5, w1 1.0,
x2 0.5, w2 0.0.
""",
        """\
Write `tanh()`: `t = math.tanh(self.data)` (or the lecture's formula with `math.exp`),
`out = Value(t, (self,), 'tanh')`, and its `_backward`.
""",
        (
            "tanh has one input, so its children are `(self,)` -- note the comma.",
            "The local derivative is `1 - t**2`, where `t` is the output you computed.",
            "```python\ndef _backward():\n    self.grad += (1 - t**2) * out.grad\n"
            "out._backward = _backward\n```",
        ),
    ),
    Exercise(
        5,
        "backward",
        "backward()",
        """\
Calling every `_backward()` by hand works, but only in the right order: a node may
pass its gradient on only once it has received all of it. That order is a
*topological order* of the graph -- every node after all the nodes it is made from --
walked in reverse, from the output back to the inputs.

The lecture builds it with a small recursive function: visit a node's children
first, then append the node. `backward()` then sets `self.grad = 1.0` (dL/dL = 1,
the seed) and calls `_backward()` on each node of the reversed order.
""",
        """\
Write `backward()`: build the topological order of the graph that ends at `self`,
set `self.grad = 1.0`, and call `node._backward()` for each node in reverse order.
""",
        (
            "Keep a `visited` set so a node that appears twice is listed once.",
            "A node goes into the list *after* its children: recurse into `v._prev` first, "
            "then `topo.append(v)`.",
            "```python\ntopo, visited = [], set()\ndef build_topo(v):\n    if v not in visited:\n"
            "        visited.add(v)\n        for child in v._prev:\n            build_topo(child)\n"
            "        topo.append(v)\nbuild_topo(self)\nself.grad = 1.0\n"
            "for node in reversed(topo):\n    node._backward()\n```",
        ),
        Question(
            "In one line: why does backward() need the nodes in reverse topological order?",
            "A node may pass its grad on only after every node that uses it has added its "
            "share, and in reverse topological order all of a node's users come before it.",
        ),
    ),
    Exercise(
        6,
        "reuse",
        "A Value used twice",
        """\
The lecture's bug: `a = Value(3.0); b = a + a; b.backward()` should give a.grad = 2,
since b = 2a. A Value used twice gets a share of gradient from each use -- the
multivariable chain rule says they add up. If a `_backward` writes
`self.grad = ...`, the second share overwrites the first, and a.grad comes out 1.

So every rule must *accumulate*, with `+=`. This is also why the grads start at 0,
why they must be zeroed before each backward pass when training, and why calling
`backward()` twice adds them up a second time. And it is where the topological
order earns its keep: with `a = 1; b = a + a; c = b + b`, b may pass its grad on only
once both of c's uses have added theirs (a.grad = 4; micrograd issue #64).
""",
        """\
Make every `_backward` you have written (+, *, tanh) add into `grad` with `+=`, and
make sure `backward()` sets the output's grad to 1.0 rather than adding to it.
""",
        (
            "Look for `.grad =` inside your `_backward` functions.",
            "`backward()` seeds with `self.grad = 1.0`; every rule uses `+=`.",
            "`self.grad += out.grad` and `other.grad += out.grad` in `+`; the same `+=` in "
            "`*` and `tanh`.",
        ),
        Question(
            "Predict: a = Value(3.0); b = a + a; b.backward(). What is a.grad?",
            "2.0: b = 2a, so db/da = 2, one share of 1.0 from each use of a.",
            2.0,
        ),
    ),
    Exercise(
        7,
        "plain-numbers",
        "Plain numbers",
        """\
`a + 1` fails so far, because `1` has no `.data`. Wrap it: if `other` is not a Value,
make it `Value(other)`, a leaf.

`1 + a` is another matter: Python first asks `int.__add__(1, a)`, which does not know
your Value and says `NotImplemented`; then it asks the right-hand side,
`a.__radd__(1)`. The same for `2 * a` and `__rmul__`. Both ops do not care about
order, so the reflected versions can simply call the forward ones. `sum()` needs
`__radd__` too: it starts from `0 + first_value`.
""",
        """\
In `__add__` and `__mul__`, wrap a plain `other` in a Value. Write `__radd__` and
`__rmul__`.
""",
        (
            "`isinstance(other, Value)` tells a Value from a number.",
            "`__radd__(self, other)` is called for `other + self`.",
            "`other = other if isinstance(other, Value) else Value(other)`; "
            "`def __radd__(self, other): return self + other` (and `self * other`).",
        ),
    ),
    Exercise(
        8,
        "derived-ops",
        "**, -, /",
        """\
`**` with a plain-number exponent k is a new primitive, with the power rule
d(x^k)/dx = k * x^(k-1). The rest need no new rule at all; the lecture writes them
from what exists:

- `-a` is `a * -1`;
- `a - b` is `a + (-b)`;
- `a / b` is `a * b**-1`.

Their gradients then come out right by themselves, from `+`, `*` and `**`.
""",
        """\
Write `__pow__` (the exponent a plain int or float; its op such as `f'**{other}'`)
with its `_backward`, then `__neg__`, `__sub__` and `__truediv__` as one-liners.
""",
        (
            "The power's children are `(self,)`: the exponent is a plain number, not a node.",
            "`self.grad += other * self.data**(other - 1) * out.grad`.",
            "`return self * -1`, `return self + (-other)`, `return self * other**-1`.",
        ),
        Question(
            "Predict: a = Value(5.0); b = Value(3.0); c = a - b; c.backward(). b.grad?",
            "-1.0: c = a + (-b), and negation multiplies the gradient by -1.",
            -1.0,
        ),
    ),
    Exercise(
        9,
        "exp",
        "exp, and tanh from it",
        """\
`exp` is its own derivative: d(e^x)/dx = e^x, which is the output, `out.data`.

With exp the lecture rebuilds tanh from smaller pieces: tanh(n) = (e^2n - 1)/(e^2n + 1).
Writing the neuron's `o` as `e = (2*n).exp(); o = (e - 1)/(e + 1)` gives a bigger
graph -- and exactly the same o = 0.7071 and the same grads. How fine the operations
are is up to you, as long as each knows its local derivative.
""",
        """\
Write `exp()`: `out = Value(math.exp(self.data), (self,), 'exp')` and its `_backward`.
""",
        (
            "The local derivative of exp is the output itself.",
            "`out.data` is e^x: reuse it.",
            "`self.grad += out.data * out.grad`.",
        ),
    ),
    Exercise(
        10,
        "relu",
        "relu",
        """\
The lecture's neuron squashes with tanh; micrograd's own MLP uses ReLU in its hidden
layers, max(0, x). Its slope is 1 where the input is positive and 0 elsewhere
(micrograd takes 0 at exactly 0). So gradient flows through an active ReLU
unchanged and stops dead at an inactive one: a neuron whose ReLU is off for every
example learns nothing, which you will meet again when training.
""",
        """\
Write `relu()`: `out = Value(0 if self.data < 0 else self.data, (self,), 'ReLU')` and
its `_backward`.
""",
        (
            "The slope depends on whether the output is positive.",
            "`(out.data > 0)` is True or False, which multiply as 1 and 0.",
            "`self.grad += (out.data > 0) * out.grad`.",
        ),
    ),
    Exercise(
        11,
        "deep-graphs",
        "A graph 5,000 deep",
        """\
Beyond the lecture. The recursive `build_topo` calls itself once per level of the
graph, and Python stops a program about 1,000 calls deep (RecursionError). A loop
summing 5,000 terms makes a graph 5,000 deep, and micrograd itself fails on it
(issue #90).

The same order can be built with a loop: keep your own stack of nodes to visit,
and mark whether a node's children are done. A node is appended to the order only
when it comes off the stack the second time.
""",
        """\
Rewrite the topological sort in `backward()` with a `while` loop over a list used
as a stack, instead of recursion.
""",
        (
            "Push `(node, False)` to mean 'visit its children', `(node, True)` for "
            "'its children are done, append it'.",
            "When you pop `(node, False)` for a new node: mark it visited, push `(node, True)`, "
            "then push `(child, False)` for each child.",
            "```python\ntopo, visited, stack = [], set(), [(self, False)]\nwhile stack:\n"
            "    node, done = stack.pop()\n    if done:\n        topo.append(node)\n"
            "    elif node not in visited:\n        visited.add(node)\n"
            "        stack.append((node, True))\n        for child in node._prev:\n"
            "            stack.append((child, False))\n```",
        ),
        Question(
            "Predict: about how many levels deep can a recursive build_topo go before "
            "Python stops it?",
            "About 1,000: Python's default recursion limit (sys.getrecursionlimit()).",
            1000.0,
            tolerance=100.0,
        ),
    ),
)

# Exercises 12 on, in mygrad/nn.py: Module, Neuron, Layer, MLP, and training.
from lessons.workbench.exercises_nn import NN_EXERCISES, NN_SUMMARIES  # noqa: E402

SUMMARIES.update(NN_SUMMARIES)
EXERCISES: tuple[Exercise, ...] = tuple(
    replace(exercise, one_line=SUMMARIES[exercise.id])
    for exercise in _VALUE_EXERCISES + NN_EXERCISES
)
