"""Neurons, layers and multi-layer perceptrons made of Values, as in micrograd.

Weights are drawn with ``rng.uniform(-1, 1)`` one at a time, neuron by neuron,
and biases start at 0 -- micrograd's order -- so ``random.seed(1337)`` gives
the same network as micrograd's demo.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from engine.value import Value, _dot

__all__ = ["ACTIVATIONS", "MLP", "Layer", "Module", "Neuron"]

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")


class Module:
    """Anything with parameters that gradient descent can train."""

    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        """Reset every parameter's grad to 0 before the next backward pass
        (gradients add up across passes otherwise)."""
        for p in self.parameters():
            p.grad = 0.0


def _choose_activation(activation: str | None, nonlin: bool | None) -> str:
    """``activation`` by name (tanh when neither is given), or micrograd's ``nonlin``:
    True means ReLU, False means no activation at all."""
    if nonlin is not None:
        implied = "relu" if nonlin else "linear"
        if activation is not None and activation != implied:
            raise ValueError(
                f"activation={activation!r} and nonlin={nonlin!r} disagree: give only one"
            )
        return implied
    if activation is None:
        return "tanh"
    if activation not in ACTIVATIONS:
        hint = " (micrograd's True/False is nonlin=...)" if isinstance(activation, bool) else ""
        raise ValueError(
            f"unknown activation {activation!r}: choose one of {', '.join(ACTIVATIONS)}{hint}"
        )
    return activation


class Neuron(Module):
    """``activation(w1*x1 + ... + wn*xn + b)``: one weighted sum, one squash.

    ``activation`` is one of ``ACTIVATIONS`` (tanh when not given); micrograd's
    ``nonlin=True`` (ReLU) and ``nonlin=False`` (linear) work too.
    """

    def __init__(
        self,
        nin: int,
        activation: str | None = None,
        rng: random.Random | None = None,
        *,
        nonlin: bool | None = None,
    ) -> None:
        if nin < 1:
            raise ValueError(f"a neuron needs at least 1 input, not {nin}")
        self.activation = _choose_activation(activation, nonlin)
        rng = rng if rng is not None else random
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)

    def __call__(self, x: Sequence[Value | float]) -> Value:
        x = [xi if isinstance(xi, Value) else Value(xi) for xi in x]
        if len(x) != len(self.w):
            raise ValueError(f"this neuron takes {len(self.w)} inputs, not {len(x)}")
        return self._fire(x, [xi.data for xi in x])

    def _fire(self, x: Sequence[Value], xdata: Sequence[float]) -> Value:
        """The neuron on inputs that are Values already, their data already read
        (a layer reads them once for all of its neurons)."""
        act = _dot(self.w, x, xdata, self.b)
        if self.activation == "linear":
            return act
        return getattr(act, self.activation)()

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)} inputs, {self.activation})"


class Layer(Module):
    """``nout`` neurons that all read the same inputs."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | None = None,
        rng: random.Random | None = None,
        *,
        nonlin: bool | None = None,
    ) -> None:
        if nout < 1:
            raise ValueError(f"a layer needs at least 1 neuron, not {nout}")
        activation = _choose_activation(activation, nonlin)
        self.neurons = [Neuron(nin, activation, rng) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        # Plain numbers become Values once, so every neuron reads the same input nodes.
        x = [xi if isinstance(xi, Value) else Value(xi) for xi in x]
        if len(x) != len(self.neurons[0].w):
            raise ValueError(f"this layer takes {len(self.neurons[0].w)} inputs, not {len(x)}")
        xdata = [xi.data for xi in x]
        out = [n._fire(x, xdata) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        n = self.neurons[0]
        return f"Layer({len(n.w)} -> {len(self.neurons)}, {n.activation})"


class MLP(Module):
    """Layers in a row; hidden layers use ``activation``, the last one
    ``output_activation``: linear, as in micrograd, unless told otherwise (the
    lecture's network squashes its output with tanh too: ``output_activation="tanh"``).
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "tanh",
        rng: random.Random | None = None,
        *,
        output_activation: str = "linear",
    ) -> None:
        if not nouts:
            raise ValueError("an MLP needs at least one layer size, like [16, 16, 1]")
        activation = _choose_activation(activation, None)
        output_activation = _choose_activation(output_activation, None)
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < last else output_activation, rng)
            for i in range(len(nouts))
        ]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
            if isinstance(x, Value):
                x = [x]
        return x[0] if len(x) == 1 else x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(map(repr, self.layers))}]"
