"""Neurons, layers and a multi-layer perceptron, made of your Values.

The course's own solution to exercises 12-16 of "Build micrograd": the lecture's
classes, with micrograd's Module underneath them so that every one of them can
list its parameters and zero their grads.
"""

import random

from mygrad.engine import Value


class Module:
    def zero_grad(self):
        # Gradients accumulate (+= in every _backward), so each training step must
        # start from zero, or it would add this step's gradient to all the earlier ones.
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        return []


class Neuron(Module):
    def __init__(self, nin):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x):
        # w . x + b, squashed by tanh; sum() starts from the bias, a Value
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        out = act.tanh()
        return out

    def parameters(self):
        return self.w + [self.b]


class Layer(Module):
    def __init__(self, nin, nout):
        self.neurons = [Neuron(nin) for _ in range(nout)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        # a layer of one neuron gives its Value itself, so a network's output is a Value
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP(Module):
    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1]) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]
