"""Your micrograd: a Value that remembers how it was computed, and backpropagates.

Write it exercise by exercise, where the TODOs say. After each save the tutor checks
your work; in a terminal, `micrograd-tutor workbench verify` checks every exercise.
Each method raises NotImplementedError until you replace that line with your code.
"""

import math  # for tanh (exercise 4) and exp (exercise 9)


class Value:
    def __init__(self, data, _children=(), _op="", label=""):
        # A leaf has no inputs to pass its gradient to. Each operation below gives its
        # output a _backward of its own (exercise 3).
        self._backward = lambda: None
        # TODO (exercise 1): keep data; start grad at 0.0; keep the children in _prev
        # (a set or a tuple), the operation that made this Value in _op, and label.
        raise NotImplementedError("exercise 1: write Value.__init__")

    def __repr__(self):
        # TODO (exercise 1): show the data, like Value(data=2.0)
        raise NotImplementedError("exercise 1: write __repr__")

    def __add__(self, other):
        # TODO (exercise 7): let other be a plain number too
        # TODO (exercise 2): out = a new Value with the sum, children (self, other), op "+"
        # TODO (exercise 3): give out a _backward that applies +'s local rule
        raise NotImplementedError("exercise 2: write __add__")

    def __mul__(self, other):
        # TODO (exercise 7): let other be a plain number too
        # TODO (exercise 2): out = a new Value with the product, children (self, other), op "*"
        # TODO (exercise 3): give out a _backward that applies *'s local rule
        raise NotImplementedError("exercise 2: write __mul__")

    def tanh(self):
        # TODO (exercise 4): t = tanh(self.data); out with op "tanh"; and its _backward
        raise NotImplementedError("exercise 4: write tanh()")

    def backward(self):
        # TODO (exercise 5): order the graph topologically, seed self.grad = 1.0,
        # then call each node's _backward from the output back to the inputs.
        # TODO (exercise 11): build that order with a loop instead of recursion.
        raise NotImplementedError("exercise 5: write backward()")

    def __radd__(self, other):
        # TODO (exercise 7): 1 + a
        raise NotImplementedError("exercise 7: write __radd__")

    def __rmul__(self, other):
        # TODO (exercise 7): 2 * a
        raise NotImplementedError("exercise 7: write __rmul__")

    def __pow__(self, other):
        # TODO (exercise 8): self ** other for a plain number other, and the power rule
        raise NotImplementedError("exercise 8: write __pow__")

    def __neg__(self):
        # TODO (exercise 8): -a, from an operation you already have
        raise NotImplementedError("exercise 8: write __neg__")

    def __sub__(self, other):
        # TODO (exercise 8): a - b, from operations you already have
        raise NotImplementedError("exercise 8: write __sub__")

    def __truediv__(self, other):
        # TODO (exercise 8): a / b, from operations you already have
        raise NotImplementedError("exercise 8: write __truediv__")

    def exp(self):
        # TODO (exercise 9): e ** self.data, op "exp", and its _backward
        raise NotImplementedError("exercise 9: write exp()")

    def relu(self):
        # TODO (exercise 10): max(0, self.data), op "ReLU", and its _backward
        raise NotImplementedError("exercise 10: write relu()")
