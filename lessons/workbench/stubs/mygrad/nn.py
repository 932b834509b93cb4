"""Your neural network, made of your own Values: Module, Neuron, Layer and MLP.

Write it exercise by exercise (12 to 15), where the TODOs say; in exercise 16 the
tutor trains your MLP with the lecture's loop. After each save the tutor checks your
work; in a terminal, `micrograd-tutor workbench verify` checks every exercise.
Each method raises NotImplementedError until you replace that line with your code.
"""

import random  # random.uniform(-1, 1) for the starting weights (exercise 13)

from mygrad.engine import Value


class Module:
    def zero_grad(self):
        # TODO (exercise 12): each of self.parameters() gets grad 0
        raise NotImplementedError("exercise 12: write Module.zero_grad")

    def parameters(self):
        # TODO (exercise 12): a plain Module has none: an empty list
        raise NotImplementedError("exercise 12: write Module.parameters")


class Neuron(Module):
    def __init__(self, nin):
        # TODO (exercise 13): nin weights and a bias, each one
        # Value(random.uniform(-1, 1))
        raise NotImplementedError("exercise 13: write Neuron.__init__")

    def __call__(self, x):
        # TODO (exercise 13): tanh(w . x + b); x is a list of nin
        # numbers or Values
        raise NotImplementedError("exercise 13: write Neuron.__call__")

    def parameters(self):
        # TODO (exercise 13): the weights, then the bias, in one list
        raise NotImplementedError("exercise 13: write Neuron.parameters")


class Layer(Module):
    def __init__(self, nin, nout):
        # TODO (exercise 14): nout Neurons, each with nin inputs
        raise NotImplementedError("exercise 14: write Layer.__init__")

    def __call__(self, x):
        # TODO (exercise 14): every neuron on the same x, a list of
        # their outputs (the one output itself for a single neuron)
        raise NotImplementedError("exercise 14: write Layer.__call__")

    def parameters(self):
        # TODO (exercise 14): all the neurons' parameters, in one flat list
        raise NotImplementedError("exercise 14: write Layer.parameters")


class MLP(Module):
    def __init__(self, nin, nouts):
        # TODO (exercise 15): layers of sizes [nin] + nouts, each
        # from one size to the next
        raise NotImplementedError("exercise 15: write MLP.__init__")

    def __call__(self, x):
        # TODO (exercise 15): x through every layer in turn
        raise NotImplementedError("exercise 15: write MLP.__call__")

    def parameters(self):
        # TODO (exercise 15): all the layers' parameters, in one flat list
        raise NotImplementedError("exercise 15: write MLP.parameters")


# Exercise 16 has nothing new to write here: the tutor trains your
# MLP(3, [4, 4, 1]) on the lecture's four examples, then once more
# without zero_grad(), to show what it is for.
