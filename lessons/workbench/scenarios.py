"""The checks of "Build micrograd", as small programs over whatever ``Value`` they are given.

Each check is a plain function ``build(Value)`` that makes a few Values, maybe calls
``backward()``, and returns its ``locals()``. The child runs it with the learner's
``Value`` (``lessons.workbench.probes``); the tutor runs the same function with its own
``engine.Value`` to know the right answers (``lessons.workbench.checks``), unless the
check names fixed ``expect``-ed answers or an ``engine`` version of itself (the checks
that call ``_backward()`` by hand, which ``engine.Value`` does not have).

The checks of exercises 12 on (``lessons.workbench.scenarios_nn``, in ``CHECKS`` too) are
``build(nn)`` instead, marked ``nn=True``: ``nn`` is the learner's ``mygrad.nn`` module
in the child (``nn.Value``, ``nn.Neuron(3)``, ...), and in the tutor a stand-in over
``engine.nn`` built the lecture's way (tanh everywhere).

``observe`` lists what is read afterwards, as ``name`` or ``name.attribute`` paths
(``"a.grad"``): never evaluated, only looked up. The checks use only the public face of a
micrograd ``Value`` -- ``Value(data)``, ``.data``, ``.grad``, ``._prev``, ``._op``,
``.label``, the operators, ``tanh() exp() relu() backward()`` and, in exercises 3 and 4,
``_backward()`` -- so any correct solution passes, whether ``_prev`` is a set or a tuple.

This module imports only the standard library: it is loaded in the child too.
"""

from __future__ import annotations

import math

from lessons.workbench.check_model import Check, registrar

__all__ = ["CHECKS", "Check", "checks_for"]


_VALUE_CHECKS: list[Check] = []
_check = registrar(_VALUE_CHECKS)


def checks_for(exercise: int) -> tuple[Check, ...]:
    return tuple(c for c in CHECKS if c.exercise == exercise)


# fmt: off
# -- exercise 1: a Value --------------------------------------------------------


@_check(1, "v.data", "v.grad", "prev_count", "v._op", "v.label",
        expect={"v.data": 3.5, "v.grad": 0.0, "prev_count": 0, "v._op": "", "v.label": ""},
        say={"prev_count": "len(v._prev), the number of Values v was made from"})
def new_value(Value):
    v = Value(3.5)
    prev_count = len(v._prev)
    return locals()


@_check(1, "a.label", expect={"a.label": "a"})
def value_label(Value):
    a = Value(2.0, label="a")
    return locals()


@_check(1, "prev_is_a_and_b", "c._op", expect={"prev_is_a_and_b": True, "c._op": "*"},
        say={"prev_is_a_and_b": "c._prev should hold exactly a and b, the Values c is made of"})
def value_children(Value):
    a = Value(2.0)
    b = Value(-3.0)
    c = Value(-6.0, (a, b), "*")
    prev_is_a_and_b = sorted(map(id, c._prev)) == sorted([id(a), id(b)])
    return locals()


@_check(1, "shows_data", "not_default",
        expect={"shows_data": True, "not_default": True},
        say={"shows_data": "repr(v) should show v's data, 3.5",
             "not_default": "repr(v) should be your own, not Python's '<... object at 0x...>'"})
def value_repr(Value):
    v = Value(3.5)
    text = repr(v)
    shows_data = "3.5" in text
    not_default = "object at 0x" not in text
    return locals()


# -- exercise 2: + and *, forward -------------------------------------------------

_CHILDREN = {
    "made_of_a_and_b": "c._prev should hold a and b",
    "prev_count": "len(c._prev), the number of Values c remembers",
}


@_check(2, "c.data", "c._op", "made_of_a_and_b", "prev_count", "c.grad", say=_CHILDREN)
def add_forward(Value):
    a = Value(2.0)
    b = Value(-3.0)
    c = a + b
    made_of_a_and_b = sorted(map(id, c._prev)) == sorted([id(a), id(b)])
    prev_count = len(c._prev)
    return locals()


@_check(2, "c.data", "c._op", "made_of_a_and_b", "prev_count", "c.grad", say=_CHILDREN)
def mul_forward(Value):
    a = Value(2.0)
    b = Value(-3.0)
    c = a * b
    made_of_a_and_b = sorted(map(id, c._prev)) == sorted([id(a), id(b)])
    prev_count = len(c._prev)
    return locals()


@_check(2, "e.data", "d.data", graph="d")
def lecture_d(Value):
    a = Value(2.0)
    b = Value(-3.0)
    c = Value(10.0)
    e = a * b
    d = e + c
    return locals()


# -- exercise 3: local rules, called by hand ---------------------------------------


@_check(3, "a.grad", "b.grad", expect={"a.grad": 5.0, "b.grad": 5.0})
def add_rule(Value):
    a = Value(2.0)
    b = Value(-3.0)
    out = a + b
    out.grad = 5.0
    out._backward()
    return locals()


@_check(3, "a.grad", "b.grad", expect={"a.grad": -15.0, "b.grad": 10.0})
def mul_rule(Value):
    a = Value(2.0)
    b = Value(-3.0)
    out = a * b
    out.grad = 5.0
    out._backward()
    return locals()


def lecture_L(Value):
    a = Value(2.0)
    b = Value(-3.0)
    c = Value(10.0)
    f = Value(-2.0)
    e = a * b
    d = e + c
    L = d * f
    L.backward()
    return locals()


_L_NODES = ("L.data", "L.grad", "f.grad", "d.grad", "c.grad", "e.grad", "a.grad", "b.grad")


@_check(3, *_L_NODES, engine=lecture_L, graph="L")
def lecture_L_by_hand(Value):
    a = Value(2.0)
    b = Value(-3.0)
    c = Value(10.0)
    f = Value(-2.0)
    e = a * b
    d = e + c
    L = d * f
    L.grad = 1.0
    L._backward()
    d._backward()
    e._backward()
    return locals()


# -- exercise 4: tanh ---------------------------------------------------------------

_T = math.tanh(0.5)


@_check(4, "t.data", "x.grad", expect={"t.data": _T, "x.grad": 5.0 * (1 - _T**2)})
def tanh_rule(Value):
    x = Value(0.5)
    t = x.tanh()
    t.grad = 5.0
    t._backward()
    return locals()


def neuron(Value):
    x1 = Value(2.0)
    x2 = Value(0.0)
    w1 = Value(-3.0)
    w2 = Value(1.0)
    b = Value(6.8813735870195432)
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    o = n.tanh()
    o.backward()
    return locals()


_NEURON = ("o.data", "n.grad", "b.grad", "x1.grad", "w1.grad", "x2.grad", "w2.grad")


@_check(4, *_NEURON, engine=neuron, graph="o")
def neuron_by_hand(Value):
    x1 = Value(2.0)
    x2 = Value(0.0)
    w1 = Value(-3.0)
    w2 = Value(1.0)
    b = Value(6.8813735870195432)
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    o = n.tanh()
    o.grad = 1.0
    o._backward()
    n._backward()
    x1w1x2w2._backward()
    x1w1._backward()
    x2w2._backward()
    return locals()


# -- exercise 5: backward() ------------------------------------------------------------

_check(5, *_L_NODES, graph="L")(lecture_L)
_check(5, *_NEURON, graph="o")(neuron)


@_check(5, "a.grad")
def backward_of_a_leaf(Value):
    a = Value(3.0)
    a.backward()
    return locals()


# -- exercise 6: a Value used twice ------------------------------------------------------


@_check(6, "b.data", "a.grad", graph="b")
def reuse_add(Value):
    a = Value(3.0)
    b = a + a
    b.backward()
    return locals()


@_check(6, "b.data", "a.grad", graph="b")
def reuse_mul(Value):
    a = Value(3.0)
    b = a * a
    b.backward()
    return locals()


@_check(6, "f.data", "a.grad", "b.grad", graph="f")
def reuse_lecture(Value):
    a = Value(-2.0)
    b = Value(3.0)
    d = a * b
    e = a + b
    f = d * e
    f.backward()
    return locals()


@_check(6, "y.data", "x.grad", graph="y")
def reuse_tanh(Value):
    x = Value(0.5)
    t = x.tanh()
    y = t * x
    y.backward()
    return locals()


@_check(6, "c.data", "b.grad", "a.grad", graph="c")
def reuse_chain(Value):
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    return locals()


@_check(6, "d.data", "c.grad", "b.grad", "a.grad", graph="d")
def reuse_inner_node(Value):
    a = Value(3.0)
    b = a * a
    c = b + a
    d = b * c
    d.backward()
    return locals()


@_check(6, "c.grad", "a.grad", "b.grad")
def backward_twice(Value):
    a = Value(2.0)
    b = Value(-3.0)
    c = a * b
    c.backward()
    c.backward()
    return locals()


# -- exercise 7: plain numbers on either side ----------------------------------------------


@_check(7, "b.data", "a.grad")
def add_a_number(Value):
    a = Value(3.0)
    b = a + 1
    b.backward()
    return locals()


@_check(7, "b.data", "a.grad")
def multiply_by_a_number(Value):
    a = Value(3.0)
    b = a * 2
    b.backward()
    return locals()


@_check(7, "b.data", "a.grad")
def number_plus_value(Value):
    a = Value(3.0)
    b = 1 + a
    b.backward()
    return locals()


@_check(7, "b.data", "a.grad")
def number_times_value(Value):
    a = Value(3.0)
    b = 2 * a
    b.backward()
    return locals()


@_check(7, "s.data", "a.grad", "b.grad")
def sum_of_values(Value):
    a = Value(3.0)
    b = Value(4.0)
    s = sum([a, b])
    s.backward()
    return locals()


# -- exercise 8: **, -, /, derived from the primitives ---------------------------------------


@_check(8, "b.data", "a.grad", graph="b")
def power_of_two(Value):
    a = Value(3.0)
    b = a**2
    b.backward()
    return locals()


@_check(8, "b.data", "a.grad")
def power_minus_one(Value):
    a = Value(2.0)
    b = a**-1
    b.backward()
    return locals()


@_check(8, "b.data", "a.grad")
def square_root(Value):
    a = Value(4.0)
    b = a**0.5
    b.backward()
    return locals()


@_check(8, "b.data", "a.grad", graph="b")
def power_reused(Value):
    a = Value(3.0)
    b = a**2 + a
    b.backward()
    return locals()


@_check(8, "b.data", "a.grad")
def negate(Value):
    a = Value(3.0)
    b = -a
    b.backward()
    return locals()


@_check(8, "c.data", "a.grad", "b.grad", graph="c")
def subtract(Value):
    a = Value(5.0)
    b = Value(3.0)
    c = a - b
    c.backward()
    return locals()


@_check(8, "c.data", "a.grad")
def subtract_a_number(Value):
    a = Value(5.0)
    c = a - 1
    c.backward()
    return locals()


@_check(8, "c.data", "a.grad", "b.grad", graph="c")
def divide(Value):
    a = Value(6.0)
    b = Value(3.0)
    c = a / b
    c.backward()
    return locals()


@_check(8, "c.data", "a.grad")
def divide_by_a_number(Value):
    a = Value(6.0)
    c = a / 4
    c.backward()
    return locals()


# -- exercise 9: exp, and tanh rebuilt from it ----------------------------------------------


@_check(9, "y.data", "x.grad", graph="y")
def exp(Value):
    x = Value(2.0)
    y = x.exp()
    y.backward()
    return locals()


@_check(9, "y.data", "x.grad", graph="y")
def exp_times_three(Value):
    x = Value(2.0)
    y = x.exp() * 3
    y.backward()
    return locals()


@_check(9, "y.data", "x.grad", graph="y")
def exp_reused(Value):
    x = Value(2.0)
    y = x.exp() * x
    y.backward()
    return locals()


@_check(9, *_NEURON, graph="o")
def tanh_from_exp(Value):
    x1 = Value(2.0)
    x2 = Value(0.0)
    w1 = Value(-3.0)
    w2 = Value(1.0)
    b = Value(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    o.backward()
    return locals()


# -- exercise 10: relu ----------------------------------------------------------------------


@_check(10, "y.data", "x.grad")
def relu_positive(Value):
    x = Value(3.0)
    y = x.relu()
    y.backward()
    return locals()


@_check(10, "y.data", "x.grad")
def relu_negative(Value):
    x = Value(-2.0)
    y = x.relu()
    y.backward()
    return locals()


@_check(10, "y.data", "x.grad")
def relu_at_zero(Value):
    x = Value(0.0)
    y = x.relu()
    y.backward()
    return locals()


@_check(10, "y.data", "x.grad", graph="y")
def relu_reused(Value):
    x = Value(3.0)
    y = x.relu() + x.relu()
    y.backward()
    return locals()


@_check(10, "y.data", "x.grad", "w.grad", "b.grad", graph="y")
def relu_neuron(Value):
    x = Value(2.0)
    w = Value(-0.5)
    b = Value(2.0)
    n = x * w + b
    y = n.relu() * 3
    y.backward()
    return locals()


# -- exercise 11: a graph 5,000 deep ----------------------------------------------------------


@_check(11, "y.data", "x.grad")
def deep_chain(Value):
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y + 1
    y.backward()
    return locals()
# fmt: on


# Exercises 12 on: the learner's Module, Neuron, Layer and MLP, and training.
from lessons.workbench.scenarios_nn import NN_CHECKS  # noqa: E402

CHECKS: list[Check] = [*_VALUE_CHECKS, *NN_CHECKS]
