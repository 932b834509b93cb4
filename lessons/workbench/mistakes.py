"""The mistakes learners make writing micrograd, each recognised by the numbers it leaves.

A mistake shows in a particular check (``lessons.workbench.scenarios``) as particular
numbers: ``=`` instead of ``+=`` makes ``b = a + a`` give ``a.grad`` 1.0; ``*``'s rule
using ``self`` for ``self`` makes ``a.grad`` come out as ``a.data * out.grad``. Each
``Sign`` (``lessons.workbench.mistake_model``) says which check and which observations
give it away; the first mistake with a matching sign is the one the learner is told
about, in words about their code rather than about the check. This module holds the
engine's (exercises 1 to 11), ``mistakes_nn`` those of nn.py.

Adding a mistake: an entry here or in ``mistakes_nn``, and in
``tests/test_workbench_mistakes.py`` (or ``test_workbench_nn.py``) the change to the
reference solution that makes it.
"""

from __future__ import annotations

import math

from lessons.workbench.mistake_model import Mistake, Sign
from lessons.workbench.mistakes_nn import NN_MISTAKES

__all__ = ["MISTAKES", "Mistake", "Sign", "find_mistake"]

_NOT_A_NUMBER = "must be real number, not Value"  # math.tanh(self) and the like
_T = math.tanh(0.5)
_E2 = math.exp(2.0)


ENGINE_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "grad-starts-at-one",
        1,
        "grad starts at 1.0, not 0.0",
        (Sign("new-value", {"v.grad": 1.0}),),
        "A new Value's grad starts at 1.0; it should start at 0.0. No gradient has flowed "
        "into a Value that was just made. The 1.0 belongs to backward(), which sets it on "
        "the output alone (dL/dL = 1); every other grad is added into with +=, so a start "
        "of 1.0 would be added to each of them.",
    ),
    Mistake(
        "op-returns-a-number",
        2,
        "the operator returns a number, not a Value",
        tuple(
            Sign(check, {"error": "AttributeError", "error~": "'float' object has no attribute"})
            for check in ("add-forward", "mul-forward")
        ),
        "c = a + b (or a * b) gave a plain number, not a Value: your operator returns "
        "the number itself, self.data + other.data. Wrap it in a Value that remembers where "
        "it came from, and return that: out = Value(self.data + other.data, (self, other), "
        "'+'), then return out (for *, the product and '*'). A number has no _prev, so "
        "backward() could not reach a or b.",
    ),
    Mistake(
        "op-returns-nothing",
        2,
        "the operator returns None",
        tuple(
            Sign(check, {"error": "AttributeError", "error~": "'NoneType' object has no attribute"})
            for check in ("add-forward", "mul-forward")
        ),
        "c = a + b (or a * b) is None: your operator makes its Value but does not return "
        "it. End it with return out.",
    ),
    Mistake(
        "op-forgets-its-inputs",
        2,
        "the operator's Value does not remember its inputs",
        (
            Sign("add-forward", {"made_of_a_and_b": False, "c._op": ""}),
            Sign("mul-forward", {"made_of_a_and_b": False, "c._op": ""}),
        ),
        "The Value your operator returns does not remember what it was made of: its _prev "
        "should hold self and other. Pass them, and the operation, when you make it: "
        "Value(self.data * other.data, (self, other), '*') for *, and the same with + for "
        "+. backward() reaches a and b only through c._prev.",
    ),
    Mistake(
        "op-forgets-other",
        2,
        "the operator's Value remembers only self",
        (
            Sign("add-forward", {"made_of_a_and_b": False, "c._op": "+", "prev_count": 1}),
            Sign("mul-forward", {"made_of_a_and_b": False, "c._op": "*", "prev_count": 1}),
        ),
        "c remembers one Value, not two: your operator passes (self,) as c's children, "
        "so backward() would never reach other. c is made of both: "
        "Value(self.data * other.data, (self, other), '*') for *, and the same with + "
        "for +.",
    ),
    Mistake(
        "value-wrapped-again",
        2,
        "a Value wrapped in another Value",
        (
            Sign("add-forward", {"made_of_a_and_b": False, "c._op": "+", "prev_count": 2}),
            Sign("mul-forward", {"made_of_a_and_b": False, "c._op": "*", "prev_count": 2}),
        ),
        "c is made from a copy of b, not from b itself: your operator wraps other in a new "
        "Value even when it is one already (other = Value(other)), so c._prev holds that "
        "wrapper, whose data is b, and backward() would never reach b. Wrap plain numbers "
        "only: other = other if isinstance(other, Value) else Value(other).",
    ),
    Mistake(
        "backward-not-set",
        3,
        "the op's _backward is never set",
        (
            Sign("add-rule", {"a.grad": 0.0, "b.grad": 0.0}),
            Sign("mul-rule", {"a.grad": 0.0, "b.grad": 0.0}),
        ),
        "out._backward() changed nothing: the grads stayed 0.0. Inside the op, define "
        "def _backward(): ... with the local rule, and then attach it to the output with "
        "out._backward = _backward (without the brackets: you store the function, you "
        "don't call it yet).",
    ),
    Mistake(
        "mul-own-operand",
        3,
        "*'s rule uses an operand's own data",
        (Sign("mul-rule", {"a.grad": 10.0}), Sign("mul-rule", {"b.grad": -15.0})),
        "In *'s rule each side gets the OTHER side's data: d(a*b)/da = b and "
        "d(a*b)/db = a. Your rule used an operand's own data (a.grad came out as "
        "a.data * out.grad, or b's as b.data * out.grad). Write "
        "self.grad += other.data * out.grad and other.grad += self.data * out.grad.",
    ),
    Mistake(
        "mul-missing-operand",
        3,
        "*'s rule leaves out the other operand",
        (Sign("mul-rule", {"a.grad": 5.0}), Sign("mul-rule", {"b.grad": 5.0})),
        "In *'s rule the grad that flows to one side is the other side's data times "
        "out.grad; yours passed out.grad on unchanged, as + does. For a*b: "
        "self.grad += other.data * out.grad, other.grad += self.data * out.grad.",
    ),
    Mistake(
        "no-chain-rule",
        3,
        "a local rule without out.grad",
        (
            # either line of a rule, or both
            Sign("mul-rule", {"a.grad": -3.0}),
            Sign("mul-rule", {"b.grad": 2.0}),
            Sign("add-rule", {"a.grad": 1.0}),
            Sign("add-rule", {"b.grad": 1.0}),
            Sign("tanh-rule", {"x.grad": 1 - _T**2}),
            Sign("exp-times-three", {"x.grad": _E2}),
            Sign("relu-neuron", {"x.grad": -0.5}),
            # ** without out.grad: 6 / 3 = 6 * 3**-1, whose grad 6 never reaches b
            Sign("divide", {"c.data": 2.0, "b.grad": -1 / 9, "root-op": "*"}),
        ),
        "Your rule gives the local derivative alone, without multiplying by out.grad. "
        "The chain rule: how much the final output moves with an input is (how much out "
        "moves with it) * (how much the final output moves with out), and that second "
        "factor is out.grad. Multiply each share by out.grad.",
    ),
    Mistake(
        "rule-forgets-other",
        3,
        "the rule updates only self",
        (
            Sign("add-rule", {"a.grad": 5.0, "b.grad": 0.0}),
            Sign("mul-rule", {"a.grad": -15.0, "b.grad": 0.0}),
        ),
        "Your rule gave self its share but left other's grad at 0.0. Both inputs of "
        "+ and * get a share: add a line for other.grad.",
    ),
    Mistake(
        "math-on-a-value",
        4,
        "the Value given where its number is needed",
        (
            Sign("tanh-rule", {"error": "TypeError", "error~": _NOT_A_NUMBER}),
            Sign("exp", {"error": "TypeError", "error~": _NOT_A_NUMBER}),
            Sign("relu-positive", {"error": "TypeError", "error~": _NOT_A_NUMBER}),
            Sign("relu-positive", {"error": "TypeError", "error~": "instances of 'Value' and"}),
        ),
        "math.tanh and math.exp work on plain numbers, and so does a comparison such "
        "as > 0 (your Value does not define it); self is a Value. Give them its number: "
        "math.tanh(self.data), math.exp(self.data), self.data > 0. The Value you return "
        "is made from that number, and remembers self.",
    ),
    Mistake(
        "rule-precedence",
        4,
        "the rule multiplies before it subtracts",
        (
            Sign("tanh-rule", {"x.grad": 1 - 5.0 * _T**2}),
            Sign("power-of-two", {"a.grad": 2 * 3.0**2 - 1}),
        ),
        "Python multiplies before it subtracts: 1 - t**2 * out.grad is "
        "1 - (t**2 * out.grad), and other * self.data**other - 1 is (other * "
        "self.data**other) - 1. Put the local derivative in brackets, then multiply by "
        "out.grad: (1 - t**2) * out.grad for tanh, other * self.data**(other - 1) * "
        "out.grad for **.",
    ),
    Mistake(
        "tanh-rule-passes-on",
        4,
        "tanh's rule passes out.grad on unchanged",
        (Sign("tanh-rule", {"x.grad": 5.0}),),
        "Your rule gives x all of out.grad, as if tanh's slope were 1 everywhere. Its "
        "local derivative is 1 - t**2, where t = tanh(x) is the output: for x = 0.5 "
        "that is 0.786. Multiply by it: self.grad += (1 - t**2) * out.grad.",
    ),
    Mistake(
        "tanh-rule-not-squared",
        4,
        "tanh's rule without the square",
        (
            Sign("tanh-rule", {"x.grad": 5.0 * (1 - _T)}),
            Sign("tanh-rule", {"x.grad": 5.0 * (1 - _T) ** 2}),
        ),
        "tanh's local derivative is 1 - t**2, one minus t squared: d(tanh x)/dx = "
        "1 - tanh(x)**2. Your rule used 1 - t, or (1 - t)**2, which squares the "
        "difference instead of t. Write self.grad += (1 - t**2) * out.grad.",
    ),
    Mistake(
        "tanh-rule-uses-x",
        4,
        "tanh's rule written with x instead of t",
        (Sign("tanh-rule", {"x.grad": 5.0 * (1 - 0.5**2)}),),
        "tanh's local derivative is 1 - t**2 where t = tanh(x) is the OUTPUT, not the "
        "input: d(tanh x)/dx = 1 - tanh(x)**2. Your rule used 1 - x**2. Keep t (or use "
        "out.data) in the rule: self.grad += (1 - t**2) * out.grad.",
    ),
    Mistake(
        "grad-not-seeded",
        5,
        "backward() does not seed grad = 1.0",
        (
            Sign("lecture-L", {"L.grad": 0.0, "a.grad": 0.0}),
            Sign("backward-of-a-leaf", {"a.grad": 0.0}),
        ),
        "Every grad stayed 0.0: backward() must first set self.grad = 1.0 (dL/dL = 1). "
        "That is the seed of the chain rule: every other grad is out.grad times local "
        "derivatives, so with 0.0 at the output, every grad is 0.0.",
    ),
    Mistake(
        "seed-too-late",
        5,
        "only the output's grad is set",
        (Sign("lecture-L", {"L.grad": 1.0, "f.grad": 0.0, "d.grad": 0.0, "a.grad": 0.0}),),
        "L.grad is 1.0 but every other grad stayed 0.0: the _backward()s ran before the "
        "seed was there, or not at all. In backward(), first set self.grad = 1.0, then "
        "call node._backward() for each node in reversed(topo). Each one passes on "
        "out.grad, so the seed has to be in place before the first of them runs.",
    ),
    Mistake(
        "tanh-forgets-its-input",
        5,
        "tanh's Value does not remember its input",
        (Sign("neuron", {"n.grad": 0.5, "b.grad": 0.0, "x1.grad": 0.0, "w1.grad": 0.0}),),
        "n.grad is right but nothing below n got a grad: backward() never reached n. Its "
        "topological order follows _prev, and the Value your tanh() returns has none. "
        "Make it remember its input: Value(t, (self,), 'tanh').",
    ),
    Mistake(
        "forward-order",
        5,
        "the topological order walked forwards",
        (Sign("lecture-L", {"L.grad": 1.0, "f.grad": 4.0, "a.grad": 0.0, "e.grad": 0.0}),),
        "Only the output's own inputs got grads (d and f); the rest stayed 0.0. Your "
        "backward() calls the _backward()s from the inputs forward, so each node passes "
        "its grad on before it has received it. Walk the topological order in reverse: "
        "for node in reversed(topo): node._backward().",
    ),
    Mistake(
        "assign-not-accumulate",
        6,
        "= instead of +=",
        (
            Sign("reuse-add", {"a.grad": 1.0}),
            Sign("reuse-mul", {"a.grad": 3.0}),
            Sign("reuse-tanh", {"x.grad": 0.5 * (1 - _T**2)}),
            Sign("power-reused", {"a.grad": 6.0}),
            Sign("exp-reused", {"x.grad": 2.0 * _E2}),
            Sign("relu-reused", {"x.grad": 1.0}),
            # only one of a rule's two lines with =: the share from the other op is lost
            Sign("reuse-lecture", {"a.grad": -6.0}),
            Sign("reuse-lecture", {"a.grad": 3.0}),
            Sign("reuse-inner-node", {"a.grad": 126.0}),
        ),
        "A Value used twice must collect a share of gradient from each use, but yours "
        "kept only the last one: a _backward writes self.grad = ... (or other.grad = "
        "...), which overwrites the share that arrived first. Write += in every "
        "_backward. (This is the lecture's bug at b = a + a: a.grad must be 2.0.)",
    ),
    Mistake(
        "no-topological-order",
        6,
        "backward() without a topological order",
        (
            Sign("reuse-chain", {"a.grad": 8.0}),
            Sign("reuse-inner-node", {"a.grad": 207.0}),
            Sign("reuse-inner-node", {"a.grad": 261.0}),
        ),
        "A node used twice passed its gradient on before every node using it had added "
        "its share (or passed it on twice). That is why backward() needs a topological "
        "order: list every node once, each after all the nodes it is made from, then "
        "call _backward() in reverse order of that list, once per node. A recursive "
        "walk that calls _backward() on the way down does not do that once a node "
        "that is not an input is reused (micrograd issue #64).",
    ),
    Mistake(
        "seed-adds",
        6,
        "backward() adds 1 to the output's grad",
        (Sign("backward-twice", {"c.grad": 2.0}),),
        "After c.backward() twice, c.grad is 2.0: your backward() adds 1 to the "
        "output's grad (self.grad += 1) instead of setting it (self.grad = 1.0). The "
        "output's grad is dc/dc, always exactly 1; it is the other grads that "
        "accumulate, which is why training zeroes them before every backward().",
    ),
    Mistake(
        "backward-resets",
        6,
        "backward() resets the grads",
        (Sign("backward-twice", {"a.grad": -3.0, "b.grad": 2.0}),),
        "After c.backward() twice, a.grad is still -3.0: your backward() sets the grads "
        "back to 0 before it starts. micrograd doesn't: gradients accumulate, so a "
        "second backward() adds them again (-6.0), and training calls zero_grad() "
        "before each backward() instead. Take the reset out of backward().",
    ),
    Mistake(
        "number-not-wrapped",
        7,
        "a plain number is not wrapped in a Value",
        (
            Sign("add-a-number", {"error": "AttributeError", "error~": "'data'"}),
            Sign("multiply-by-a-number", {"error": "AttributeError", "error~": "'data'"}),
        ),
        "a + 1 failed because your op reads other.data, and 1 is a plain int with no "
        "data. Wrap it first, in __add__ and __mul__: "
        "other = other if isinstance(other, Value) else Value(other).",
    ),
    Mistake(
        "reflected-op-calls-itself",
        7,
        "__radd__ or __rmul__ calls itself",
        (
            Sign("number-plus-value", {"error": "RecursionError"}),
            Sign("number-times-value", {"error": "RecursionError"}),
            Sign("sum-of-values", {"error": "RecursionError"}),
        ),
        "1 + a asks int first, which cannot add a Value, and then a.__radd__(1). If "
        "__radd__ returns other + self, that is 1 + a again, which asks __radd__ again, "
        "until Python stops it. Put the Value on the left, where your own __add__ "
        "handles it: return self + other (and return self * other in __rmul__).",
    ),
    Mistake(
        "radd-missing",
        7,
        "__radd__ is missing",
        (
            Sign("number-plus-value", {"error": "TypeError", "error~": "unsupported operand"}),
            Sign("sum-of-values", {"error": "TypeError", "error~": "unsupported operand"}),
        ),
        "1 + a failed: Python asks int's __add__ first, which does not know your Value, "
        "and then asks the right-hand side, a.__radd__(1). Define __radd__ (addition "
        "does not care about order: return self + other). sum() needs it too: it "
        "starts from 0 + your first Value.",
    ),
    Mistake(
        "rmul-missing",
        7,
        "__rmul__ is missing",
        (Sign("number-times-value", {"error": "TypeError", "error~": "unsupported operand"}),),
        "2 * a failed: Python asks int's __mul__ first, which does not know your Value, "
        "and then asks a.__rmul__(2). Define __rmul__: return self * other.",
    ),
    Mistake(
        "power-rule",
        8,
        "the power rule",
        (
            Sign("power-of-two", {"a.grad": 18.0}),
            Sign("power-of-two", {"a.grad": 3.0}),
            Sign("power-of-two", {"a.grad": 9.0}),
        ),
        "The power rule is d(x**k)/dx = k * x**(k-1): for a = 3 and k = 2 that is 6.0. "
        "Check both parts: the factor k in front, and the exponent k - 1. In __pow__: "
        "self.grad += other * self.data**(other - 1) * out.grad.",
    ),
    Mistake(
        "op-made-detached",
        8,
        "- or / makes a Value without its inputs",
        (
            Sign("negate", {"b.data": -3.0, "a.grad": 0.0}),
            Sign("subtract", {"c.data": 2.0, "a.grad": 0.0, "b.grad": 0.0, "root-op": ""}),
            Sign("divide", {"c.data": 2.0, "a.grad": 0.0, "b.grad": 0.0, "root-op": ""}),
        ),
        "The number is right, but backward() never reached the inputs: their grads stayed "
        "0.0. A Value made as Value(-self.data) or Value(self.data - other.data) has no "
        "inputs in its _prev and no _backward, so the graph ends there. Build them from "
        "the ops you have, which remember: -a = a * -1, a - b = a + (-b) and "
        "a / b = a * b**-1.",
    ),
    Mistake(
        "sub-sign",
        8,
        "the sign of __sub__",
        (
            Sign("subtract", {"c.data": -2.0}),
            Sign("subtract", {"c.data": 8.0}),
            Sign("subtract", {"b.grad": 1.0}),
        ),
        "a - b with a = 5 and b = 3 must be 2.0, with a.grad 1.0 and b.grad -1.0. "
        "Write it from the ops you have, keeping the order: a - b = a + (-b), so "
        "__sub__ returns self + (-other) (micrograd issue #57).",
    ),
    Mistake(
        "div-upside-down",
        8,
        "a / b computes b / a",
        (Sign("divide", {"c.data": 0.5}), Sign("divide-by-a-number", {"c.data": 4 / 6})),
        "a / b with a = 6 and b = 3 must be 2.0; yours gives 0.5, which is b / a. Keep "
        "the order: a / b = a * b**-1, so __truediv__ returns self * other**-1 (it is "
        "__rtruediv__, for 2 / a, that returns other * self**-1).",
    ),
    Mistake(
        "div-rule",
        8,
        "a rule of division written by hand",
        tuple(
            Sign("divide", {"c.data": 2.0, field: grad, "root-op!": "*"})
            for field, grad in (
                ("b.grad", 2 / 3),
                ("b.grad", -2.0),
                ("b.grad", 2.0),
                ("b.grad", -1 / 9),
                ("a.grad", 3.0),
                ("a.grad", 1.0),
            )
        ),
        "For c = a / b the local derivatives are dc/da = 1 / b and dc/db = -a / b**2: "
        "with a = 6 and b = 3, a.grad should be 0.333 and b.grad -0.667. Check the minus "
        "sign, the square and which operand each rule uses. Or write no rule at all: "
        "a / b = a * b**-1, and the rules of * and ** that you have give both.",
    ),
    Mistake(
        "exp-rule",
        9,
        "exp's rule is missing e**x",
        (
            Sign("exp", {"x.grad": 1.0}),
            Sign("exp", {"x.grad": 2.0}),
            Sign("exp", {"x.grad": math.exp(_E2)}),
        ),
        "exp's local derivative is e**x itself, which is exactly out.data: for x = 2 "
        "that is 7.389. Your rule left it out, used x, or took exp of out.data, which is "
        "e**x already. Write "
        "self.grad += out.data * out.grad.",
    ),
    Mistake(
        "relu-rule-always-one",
        10,
        "relu's rule passes the gradient on everywhere",
        (Sign("relu-negative", {"y.data": 0.0, "x.grad": 1.0}),),
        "For x = -2, relu gives 0 whatever x does nearby: its slope there is 0, so x.grad "
        "must stay 0.0. Your rule passed out.grad on where the input is negative too. The "
        "slope is 1 only where the output is positive: "
        "self.grad += (out.data > 0) * out.grad.",
    ),
    Mistake(
        "relu-rule-uses-data",
        10,
        "relu's rule multiplies by the data",
        (Sign("relu-positive", {"y.data": 3.0, "x.grad": 3.0}),),
        "relu's slope is 1 where its input is positive and 0 elsewhere; it is not the "
        "input itself. For x = 3, x.grad is 1.0 * out.grad = 1.0, not 3.0. Write "
        "self.grad += (out.data > 0) * out.grad.",
    ),
    Mistake(
        "relu-slope-at-zero",
        10,
        "relu's slope at exactly 0",
        (Sign("relu-at-zero", {"y.data": 0.0, "x.grad": 1.0}),),
        "At x = 0 exactly, relu's output is 0 and micrograd takes its slope as 0: the "
        "rule tests the output, out.data > 0, not self.data >= 0. Write "
        "self.grad += (out.data > 0) * out.grad.",
    ),
    Mistake(
        "recursion-depth",
        11,
        "a recursive topological sort on a deep graph",
        (Sign("deep-chain", {"error": "RecursionError"}),),
        "backward() went past Python's recursion limit on a graph 5,000 deep "
        "(RecursionError, as micrograd's own does: issue #90). A recursive build_topo "
        "calls itself once per level, and Python allows about 1,000. Build the same "
        "order with a loop and a list used as a stack.",
    ),
)

MISTAKES: tuple[Mistake, ...] = ENGINE_MISTAKES + NN_MISTAKES


def find_mistake(seen: dict) -> Mistake | None:
    """The known mistake that a failing check's observation points to, if any."""
    return next((m for m in MISTAKES if any(s.matches(seen) for s in m.signs)), None)
