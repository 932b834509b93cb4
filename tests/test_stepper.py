"""lessons.explain.stepper: backward() one node at a time, against backward() itself."""

from __future__ import annotations

import pytest
from explain_support import (
    lecture,
    programs,
    same,
)
from hypothesis import HealthCheck, given, settings

from engine.value import (
    Value,
    topological_order,
)
from lessons.explain import (
    BackpropStepper,
    Graph,
    node_detail,
    zero_grads,
)

# -- the lecture through the stepper ---------------------------------------------------


def test_lecture_numbers_through_the_stepper():
    n = lecture()
    stepper = BackpropStepper(n["L"])
    assert stepper.total_steps == 4 and stepper.next_node is n["L"]
    seed = stepper.step()
    assert seed.is_seed and seed.node is n["L"] and seed.number == 0
    assert seed.text == "Start at the output: L.grad = 1.0"
    (change,) = seed.changes
    assert (change.value, change.old_grad, change.new_grad) == (n["L"], 0.0, 1.0)
    assert change.text.startswith("∂L/∂L = 1.0")
    assert stepper.next_node is n["L"]  # L itself now passes its grad on
    steps = stepper.run_all()
    assert [s.node for s in steps] == [n["L"], n["d"], n["e"]]
    assert stepper.done and stepper.next_node is None and stepper.steps_done == 4
    grads = {name: v.grad for name, v in n.items()}
    assert grads == {"L": 1.0, "f": 4.0, "d": -2.0, "c": -2.0, "e": -2.0, "a": 6.0, "b": -4.0}
    assert steps[1].text == "d = e + c: pass ∂L/∂d = -2.0 back to its operands"
    e_change, c_change = steps[1].changes
    assert e_change.text == "∂L/∂e += ∂L/∂d · ∂d/∂e = -2.0 × 1.0 = -2.0   (e.grad 0.0 → -2.0)"
    assert (c_change.value, c_change.local, c_change.upstream, c_change.added) == (
        n["c"],
        1.0,
        -2.0,
        -2.0,
    )
    a_change, b_change = steps[2].changes
    assert (a_change.old_grad, a_change.added, a_change.new_grad) == (0.0, 6.0, 6.0)
    assert b_change.text.endswith("= -2.0 × 2.0 = -4.0   (b.grad 0.0 → -4.0)")
    with pytest.raises(RuntimeError, match="reset"):
        stepper.step()


def test_stepper_starts_from_zero_and_reset_walks_again():
    n = lecture()
    n["L"].backward()
    n["L"].backward()  # micrograd's trap: grads pile up (and compound through the graph)
    assert n["a"].grad == 24.0
    stepper = BackpropStepper(n["L"])
    assert all(v.grad == 0.0 for v in n.values())
    stepper.run_all()
    assert n["a"].grad == 6.0
    stepper.reset()
    assert all(v.grad == 0.0 for v in n.values()) and stepper.steps_done == 0
    assert stepper.next_node is n["L"]
    stepper.run_all()
    assert (n["a"].grad, n["b"].grad) == (6.0, -4.0)  # the same, not doubled


def test_stepper_on_a_single_leaf_only_seeds():
    a = Value(3.0, label="a")
    stepper = BackpropStepper(a)
    assert stepper.total_steps == 1
    stepper.step()
    assert stepper.done and a.grad == 1.0


def test_reuse_a_plus_a_shows_two_additions():
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    graph = Graph(b)
    assert graph.edges == ((a, b, 0), (a, b, 1))
    assert graph.users(a) == ((b, 0), (b, 1))
    stepper = BackpropStepper(graph)
    stepper.step()
    step = stepper.step()
    first, second = step.changes
    assert (first.value, first.old_grad, first.new_grad) == (a, 0.0, 1.0)
    assert (second.value, second.old_grad, second.new_grad) == (a, 1.0, 2.0)
    assert a.grad == 2.0
    assert (
        graph.grad_text(a) == "∂b/∂a = ∂b/∂b · ∂b/∂a + ∂b/∂b · ∂b/∂a = 1.0 × 1.0 + 1.0 × 1.0 = 2.0"
    )
    assert [(c.user, c.index, c.amount) for c in graph.contributions(a)] == [
        (b, 0, 1.0),
        (b, 1, 1.0),
    ]


def test_value_used_by_two_nodes_lists_both_contributions():
    a = Value(2.0, label="a")
    u = a * 3
    u.label = "u"
    w = a + 1
    w.label = "w"
    L = u * w
    L.label = "L"
    BackpropStepper(L).run_all()
    assert a.grad == 15.0  # w*3 + u*1
    text = node_detail(u, L).operands[0].chain_text
    assert text == "∂L/∂a = ∂L/∂u · ∂u/∂a + ∂L/∂w · ∂w/∂a = 3.0 × 3.0 + 6.0 × 1.0 = 15.0"


def test_a_node_with_zero_grad_passes_nothing_back():
    x = Value(-1.0, label="x")
    h = x * 2
    h.label = "h"
    r = h.relu()
    r.label = "r"
    out = r * 3
    out.label = "out"
    steps = BackpropStepper(out).run_all()
    out_step, relu_step, h_step = steps[1:]
    assert [c.added for c in out_step.changes] == [3.0, 0.0]  # d(r*3)/d3 = r = 0
    assert relu_step.node is r and relu_step.upstream == 3.0
    (dead,) = relu_step.changes
    assert dead.local == 0.0 and dead.added == 0.0 and not dead.changed
    assert h_step.node is h and h_step.upstream == 0.0
    assert h_step.text == "h = x * 2.0: ∂out/∂h is 0.0, so there is nothing to pass back"
    assert all(not c.changed for c in h_step.changes) and x.grad == 0.0


# -- stepper == backward, on random graphs ---------------------------------------------


@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(programs())
def test_stepper_gives_exactly_the_grads_of_backward(program):
    root, _ = program.build()
    graph = Graph(root)
    stepper = BackpropStepper(graph)
    assert list(stepper.order) == list(reversed(topological_order(root, leaves=False)))
    for step in stepper.run_all():
        if step.is_seed:
            continue
        for change in step.changes:
            assert same(change.upstream, step.node.grad)
            assert same(change.new_grad, change.old_grad + change.added)
            if change.upstream:
                assert same(change.added, change.local * change.upstream)
    stepped = [v.grad for v in graph.nodes]

    twin, _ = program.build()  # a fresh copy, never touched by the stepper
    twin.backward()
    assert all(
        same(x, y) for x, y in zip(stepped, [v.grad for v in Graph(twin).nodes], strict=True)
    )

    zero_grads(root)
    assert all(v.grad == 0.0 for v in graph.nodes)
    root.backward()
    assert all(same(x, v.grad) for x, v in zip(stepped, graph.nodes, strict=True))
