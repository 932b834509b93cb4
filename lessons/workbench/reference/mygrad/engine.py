"""A scalar that remembers how it was computed, and can backpropagate through it.

The course's own solution to exercises 1-11 of "Build micrograd": micrograd's design,
from the lecture, with the children kept in a tuple (so a graph always draws the same
way) and a topological order found with a loop (so a deep graph cannot overflow
Python's call stack).
"""

import math


class Value:
    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0
        # A leaf has no inputs to pass its gradient to; each operation below gives its
        # output a _backward of its own.
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    # -- primitive operations: compute the output, and record its local rule

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            # d(a+b)/da = d(a+b)/db = 1: addition routes the gradient to both sides.
            # += because a Value used twice (a + a) gets a share from each use.
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            # d(a*b)/da = b and d(a*b)/db = a: each side gets the other's data.
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only int or float exponents"
        out = Value(self.data**other, (self,), f"**{other}")

        def _backward():
            # the power rule: d(x**k)/dx = k * x**(k-1)
            self.grad += other * self.data ** (other - 1) * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            # d(tanh x)/dx = 1 - tanh(x)**2, and tanh(x) is t, the output
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            # d(e**x)/dx = e**x, which is out.data
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "ReLU")

        def _backward():
            # the slope is 1 where the output is positive, 0 elsewhere
            self.grad += (out.data > 0) * out.grad

        out._backward = _backward
        return out

    # -- derived operations: one line each over the primitives

    def __neg__(self):  # -a = a * -1
        return self * -1

    def __radd__(self, other):  # 1 + a: int does not know Value, so Python asks a
        return self + other

    def __sub__(self, other):  # a - b = a + (-b)
        return self + (-other)

    def __rsub__(self, other):  # 1 - a = 1 + (-a)
        return other + (-self)

    def __rmul__(self, other):  # 2 * a = a * 2
        return self * other

    def __truediv__(self, other):  # a / b = a * b**-1
        return self * other**-1

    def __rtruediv__(self, other):  # 2 / a = 2 * a**-1
        return other * self**-1

    # -- backpropagation

    def backward(self):
        # A node may pass its gradient on only once every node that uses it has added
        # its share: so visit the nodes in reverse topological order (each node after
        # all the nodes made from it). The order is built with a loop and a stack,
        # not recursion, so a graph 100,000 deep is fine.
        topo = []
        visited = set()
        stack = [(self, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                topo.append(node)
            elif node not in visited:
                visited.add(node)
                stack.append((node, True))
                for child in node._prev:
                    stack.append((child, False))

        self.grad = 1.0  # dself/dself: the seed of the chain rule
        for node in reversed(topo):
            node._backward()
