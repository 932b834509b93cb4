"""The mistakes learners make writing nn.py (exercises 12 to 15): Module, Neuron, Layer
and MLP, each recognised by what the checks of ``lessons.workbench.scenarios_nn`` see."""

from __future__ import annotations

import math

from lessons.workbench.mistake_model import Mistake, Sign

__all__ = ["NN_MISTAKES"]

# The neuron of the nn checks: w = [0.5, -0.3, 0.8], b = 0.1, on x = [2.0, 3.0, -1.0].
_ACT = 0.5 * 2.0 - 0.3 * 3.0 + 0.8 * -1.0 + 0.1  # w·x + b = -0.6
_BIAS_FIRST = math.tanh(-0.3 * 2.0 + 0.8 * 3.0 + 0.1 * -1.0 + 0.5)  # b took 0.5

NN_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "method-not-called",
        12,
        "self.parameters without ()",
        tuple(
            Sign(check, {"error": "TypeError", "error~": "'method' object is not iterable"})
            for check in ("module-zero-grad", "neuron-zero-grad", "mlp-zero-grad")
        ),
        "for p in self.parameters: walks the method itself, not the list it gives. A "
        "method gives its result only when it is called: for p in self.parameters():.",
    ),
    Mistake(
        "zero-grad-zeroes-data",
        12,
        "zero_grad() zeroes the data too",
        (Sign("module-zero-grad", {"a.data": 0.0}), Sign("module-zero-grad", {"b.data": 0.0})),
        "After zero_grad() the data are 0 as well: your zero_grad() resets p.data, not "
        "only p.grad. The data are the weights, everything training has learned so far; "
        "the grads are only this step's directions. Set p.grad = 0 and leave p.data be.",
    ),
    Mistake(
        "zero-grad-does-not-reset",
        12,
        "zero_grad() does not reset the grads",
        (
            Sign("module-zero-grad", {"a.grad": -3.0}),
            Sign("module-zero-grad", {"b.grad": 2.0}),
            Sign("neuron-zero-grad", {"grads_left": 4.0}),
            Sign("mlp-zero-grad", {"grads_left": 41.0}),
            Sign("mlp-zero-grad", {"grads_left": 25.0}),
        ),
        "After zero_grad() grads are still there: it must set the grad of the Values "
        "themselves, every one that self.parameters() lists, with "
        "for p in self.parameters(): p.grad = 0. Look for the ways that change nothing: "
        "p = 0 only gives the loop's name a new value, p.grad == 0 only compares, a copy "
        "of p is not p, and an MLP's parameters are in all of its layers, not only the "
        "first.",
    ),
    Mistake(
        "list-plus-a-value",
        13,
        "self.w + self.b adds a Value to a list",
        (Sign("neuron-parameters", {"error": "TypeError", "error~": "list"}),),
        "self.w + self.b asks Python to add a Value to a list. A list cannot, so Python "
        "asks your Value's __radd__, which wraps the list as a number and fails inside "
        "your engine. Make the bias a list of one, so that the two lists join: "
        "self.w + [self.b].",
    ),
    Mistake(
        "parameters-not-values",
        13,
        "a weight or the bias is a plain number, not a Value",
        (Sign("neuron-parameters", {"has_lists": False, "all_values": False}),),
        "Neuron(3).parameters() holds plain numbers: a weight or the bias was made as "
        "random.uniform(-1, 1) alone. A float has no grad, so backward() cannot reach "
        "it and training cannot change it. Wrap each one: Value(random.uniform(-1, 1)).",
    ),
    Mistake(
        "parameters-not-flat",
        13,
        "parameters() is a list of lists",
        (
            Sign("neuron-parameters", {"has_lists": True}),
            Sign("layer-parameters", {"has_lists": True}),
            Sign("mlp-parameters", {"has_lists": True}),
        ),
        "parameters() gave lists inside the list, not the Values themselves. zero_grad() "
        "and the training step walk it setting p.grad and p.data, which a list does not "
        "have. Make it one flat list: in Neuron self.w + [self.b]; in Layer "
        "[p for neuron in self.neurons for p in neuron.parameters()]; in MLP the same "
        "over self.layers.",
    ),
    Mistake(
        "bias-left-out",
        13,
        "the bias is left out of parameters()",
        (
            Sign("neuron-parameters", {"count": 3.0}),
            Sign("layer-parameters", {"count": 6.0, "other_count": 6.0}),
            Sign("mlp-parameters", {"count": 32.0}),
        ),
        "parameters() leaves the bias out: Neuron(3) has 3 weights and a bias, 4 "
        "parameters. Training adjusts only what parameters() lists, and the bias must "
        "learn like every weight: return self.w + [self.b].",
    ),
    Mistake(
        "not-a-module",
        13,
        "Neuron, Layer or MLP is not a Module",
        (
            Sign("neuron-zero-grad", {"error": "AttributeError", "error~": "zero_grad"}),
            Sign("mlp-zero-grad", {"error": "AttributeError", "error~": "zero_grad"}),
        ),
        "Your class has no zero_grad(): it does not inherit from Module (the lecture "
        "first writes class Neuron: on its own). Write class Neuron(Module):, and the "
        "same for Layer and MLP, so that all of them get zero_grad() from Module.",
    ),
    Mistake(
        "weight-repeated",
        13,
        "one weight Value repeated",
        (Sign("neuron-draws", {"distinct": 2}),),
        "Your neuron's weights are one and the same Value, listed nin times: "
        "[Value(...)] * nin repeats the object, it does not make new ones. Every weight "
        "would then get every weight's gradient and move as one. Make each its own: "
        "[Value(random.uniform(-1, 1)) for _ in range(nin)].",
    ),
    Mistake(
        "bias-not-added",
        13,
        "the bias is not added in",
        (Sign("neuron-on-values", {"b.grad": 0.0, "o.data": math.tanh(_ACT - 0.1)}),),
        "The bias never reaches the output: b.grad is 0.0 and o is tanh(w·x) without b. "
        "Start the sum from it: act = sum((wi * xi for wi, xi in zip(self.w, x)), "
        "self.b), or add self.b to the sum.",
    ),
    Mistake(
        "relu-instead-of-tanh",
        13,
        "the neuron squashes with relu, not tanh",
        (Sign("neuron-on-values", {"o.data": 0.0, "b.grad": 0.0, "w1.grad": 0.0}),),
        "w·x + b is -0.6 here and your neuron gives 0.0, with every grad 0.0: it clips "
        "at 0, as relu does. The lecture's Neuron, which these checks and the training "
        "follow, squashes with tanh: out = act.tanh().",
    ),
    Mistake(
        "no-activation",
        13,
        "the neuron has no tanh",
        (Sign("neuron-on-values", {"o.data": _ACT}), Sign("neuron-on-numbers", {"o.data": _ACT})),
        "Your neuron gives w·x + b itself (-0.6 here), never squashed: the lecture's "
        "neuron returns act.tanh(). Without an activation every layer is a linear "
        "function of the last, and a network of any depth is only one linear function.",
    ),
    Mistake(
        "bias-first",
        13,
        "parameters() puts the bias first",
        (
            Sign("neuron-on-values", {"o.data": _BIAS_FIRST}),
            Sign("neuron-on-numbers", {"o.data": _BIAS_FIRST}),
        ),
        "The check set the parameters to 0.5, -0.3, 0.8 and 0.1 in the order "
        "n.parameters() lists them, meaning the three weights and then the bias, and "
        "your neuron took 0.5 as its bias: your parameters() lists the bias first. Keep "
        "the lecture's order, the weights and then the bias: return self.w + [self.b].",
    ),
    Mistake(
        "parameters-lists-modules",
        14,
        "parameters() lists the neurons or layers, not their Values",
        (
            Sign("layer-parameters", {"all_values": False, "count": 2}),
            Sign("mlp-parameters", {"all_values": False, "count": 3}),
        ),
        "Layer(3, 2).parameters() gave its 2 Neurons (or MLP's, its layers), not their "
        "Values. zero_grad() and the training step set p.grad and p.data on each item, "
        "which a Neuron does not have. Gather each one's own parameters into one flat "
        "list: [p for neuron in self.neurons for p in neuron.parameters()]; in MLP the "
        "same over self.layers.",
    ),
    Mistake(
        "layer-nin-nout-mixed",
        14,
        "the layer mixes up nin and nout",
        (
            Sign("layer-parameters", {"count": 6.0, "other_count": 12.0}),
            Sign("layer-parameters", {"count": 12.0, "other_count": 6.0}),
            Sign("layer-parameters", {"count": 9.0, "other_count": 8.0}),
        ),
        "Layer(nin, nout) holds nout neurons, and each takes all nin inputs, so it has "
        "nin weights: Layer(3, 2) is 2 neurons of 3 weights and a bias, 8 parameters. "
        "Make them with [Neuron(nin) for _ in range(nout)]. (With the wrong number of "
        "weights nothing fails at once: zip() quietly pairs only as many inputs as there "
        "are weights.)",
    ),
    Mistake(
        "same-neuron-repeated",
        14,
        "the layer repeats one Neuron",
        (Sign("layer-parameters", {"distinct": 4.0}),),
        "Your Layer(3, 2) holds one Neuron twice: [Neuron(nin)] * nout makes one neuron "
        "and lists it nout times, so every neuron has the same weights and learns the "
        "same thing. Make a new one each time: [Neuron(nin) for _ in range(nout)].",
    ),
    Mistake(
        "comprehension-order",
        14,
        "a comprehension's two for clauses in the wrong order",
        tuple(
            Sign(check, {"error": "NameError", "named-late": True})
            for check in ("layer-parameters", "mlp-parameters")
        ),
        "A comprehension with two for clauses lists them in the order of the loops it "
        "stands for, the outer one first: [p for neuron in self.neurons for p in "
        "neuron.parameters()] is\n"
        "    for neuron in self.neurons:\n"
        "        for p in neuron.parameters():\n"
        "            (p goes into the list)\n"
        "Written the other way round, the first for uses a name that only the second one "
        "makes, and Python stops with a NameError.",
    ),
    Mistake(
        "layer-always-list",
        14,
        "a layer of one neuron gives a list",
        (Sign("layer-of-one", {"is_value": False, "is_list_of_one": True}),),
        "Layer(3, 1) gave a list of one Value. The lecture's layer gives the Value itself "
        "when it has a single neuron, return outs[0] if len(outs) == 1 else outs, so "
        "that a network's one output goes straight into the loss: (yout - ygt)**2 needs "
        "a Value, not a list.",
    ),
    Mistake(
        "layer-sizes-not-chained",
        15,
        "the layers' sizes do not follow on",
        (Sign("mlp-parameters", {"count": 52}),),
        "MLP(3, [4, 4, 1]) should have 41 parameters and yours has 52: each layer must take "
        "as many inputs as the layer before it gives out. With sz = [nin] + nouts, layer i "
        "is Layer(sz[i], sz[i + 1]), for i in range(len(nouts)).",
    ),
    Mistake(
        "mlp-returns-early",
        15,
        "the MLP returns after its first layer",
        (Sign("mlp-sizes", {"outputs": 3}),),
        "MLP(2, [3, 2]) gave 3 outputs, its first layer's: the return is inside the for "
        "loop. Feed each layer's output to the next (x = layer(x)) and return x after the "
        "loop.",
    ),
    Mistake(
        "mlp-output-not-kept",
        15,
        "the MLP gives back a list, not its output Value",
        (
            Sign(
                "mlp-forward-and-backward",
                {"error": "AttributeError", "error~": "'list' object has no attribute"},
            ),
        ),
        "n([2.0, 3.0, -1.0]) gave a list, where the last layer's one neuron should give "
        "its Value. If __call__ calls layer(x) without keeping what it gives, x stays the "
        "input list and that is what comes back: write x = layer(x) in the loop, and "
        "return x after it.",
    ),
    Mistake(
        "mlp-parameters-last-layer",
        15,
        "the MLP lists only its last layer's parameters",
        (Sign("mlp-parameters", {"count": 5}),),
        "MLP(3, [4, 4, 1]).parameters() gave 5, the last layer's alone, of 41. Training "
        "moves only what parameters() lists: gather every layer's, "
        "[p for layer in self.layers for p in layer.parameters()].",
    ),
)
