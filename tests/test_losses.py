"""engine.losses against hand computation and micrograd's exact arithmetic."""

import math

import pytest

from engine.losses import accuracy, hinge_loss, l2_penalty, mse_loss
from engine.value import Value


def values(*xs):
    return [Value(x) for x in xs]


def test_hinge_loss_by_hand():
    scores = values(2.0, 0.5, -0.3)
    ys = [1.0, 1.0, -1.0]
    loss = hinge_loss(scores, ys)
    # relu(1 - 2) = 0, relu(1 - 0.5) = 0.5, relu(1 - 0.3) = 0.7; mean = 1.2 / 3
    assert loss.data == pytest.approx(0.4, abs=1e-15)
    loss.backward()
    # d/dscore = -y/n where the margin is short, 0 where it is met
    assert [s.grad for s in scores] == pytest.approx([0.0, -1 / 3, 1 / 3], abs=1e-15)


def test_hinge_loss_matches_micrograds_chain_to_the_last_bit():
    raw = [0.731, -1.29, 0.05, 2.5, -0.61, 0.333333]
    ys = [1.0, -1.0, -1.0, 1.0, 1.0, -1.0]
    # micrograd's demo: sum() of the relu'd margins (a chain of +), times 1/n
    chained = values(*raw)
    losses = [(1 + -y * s).relu() for y, s in zip(ys, chained, strict=True)]
    expected = sum(losses) * (1.0 / len(losses))
    ours = hinge_loss(values(*raw), ys)
    assert ours.data == expected.data
    # ...with one sum node instead of the chain
    total = ours._prev[0]
    assert total._op == "sum" and len(total._prev) == len(raw)


def test_mse_loss_by_hand():
    scores = values(0.5, -2.0)
    loss = mse_loss(scores, [1.0, -1.0])
    # ((0.5 - 1)**2 + (-2 + 1)**2) / 2 = (0.25 + 1) / 2
    assert loss.data == pytest.approx(0.625, abs=1e-15)
    loss.backward()
    # d/dscore = 2 * (score - y) / n
    assert [s.grad for s in scores] == pytest.approx([-0.5, -1.0], abs=1e-15)


def test_mse_loss_is_the_lectures_sum_over_n():
    raw = [0.8, -0.7, 0.1, 0.95]
    ys = [1.0, -1.0, -1.0, 1.0]
    lecture = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, values(*raw), strict=True))
    assert mse_loss(values(*raw), ys).data == lecture.data * (1.0 / 4)


def test_l2_penalty_by_hand():
    params = values(1.0, -2.0, 3.0)
    penalty = l2_penalty(params, alpha=0.1)
    assert penalty.data == pytest.approx(0.1 * 14, abs=1e-15)
    penalty.backward()
    assert [p.grad for p in params] == pytest.approx([0.2, -0.4, 0.6], abs=1e-15)


def test_l2_penalty_default_alpha_is_micrograds():
    params = values(3.0, 4.0)
    assert l2_penalty(params).data == pytest.approx(1e-4 * 25, rel=1e-15)
    # micrograd: alpha * sum(p*p for p in params)
    assert l2_penalty(params).data == (1e-4 * sum(p * p for p in params)).data


def test_l2_penalty_with_alpha_zero_is_zero():
    assert l2_penalty(values(5.0, -7.0), 0.0).data == 0.0


@pytest.mark.parametrize("alpha", [-1e-4, math.nan, math.inf])
def test_l2_penalty_rejects_bad_alpha(alpha):
    with pytest.raises(ValueError, match="alpha"):
        l2_penalty(values(1.0), alpha)


def test_accuracy_is_sign_agreement():
    # 0.0 counts as "class -1", as micrograd's (score > 0) does
    scores = values(0.5, -0.1, 0.0, 2.0)
    assert accuracy(scores, [1.0, -1.0, 1.0, -1.0]) == 0.5
    assert accuracy([0.5, -0.1, 0.0, 2.0], [1.0, -1.0, -1.0, 1.0]) == 1.0
    assert accuracy([-3.0], [1.0]) == 0.0


def test_losses_accept_plain_number_scores():
    assert hinge_loss([0.5], [1.0]).data == 0.5
    assert mse_loss([3.0], [1.0]).data == 4.0


@pytest.mark.parametrize("fn", [hinge_loss, mse_loss, accuracy])
def test_scores_and_targets_must_pair_up(fn):
    with pytest.raises(ValueError, match="2 scores but 3"):
        fn(values(1.0, 2.0), [1.0, -1.0, 1.0])
    with pytest.raises(ValueError, match="at least one score"):
        fn([], [])


@pytest.mark.parametrize("fn", [hinge_loss, mse_loss])
def test_targets_given_as_values_give_the_same_loss_and_grads(fn):
    # the trainer's tape marks the targets as inputs: -y becomes y * -1, the same number
    numbers, targets = [0.7, -0.2, 1.5], [1.0, -1.0, -1.0]
    plain, given = values(*numbers), values(*numbers)
    by_number, by_value = fn(plain, targets), fn(given, values(*targets))
    by_number.backward()
    by_value.backward()
    assert by_value.data == by_number.data
    assert [s.grad for s in given] == [s.grad for s in plain]
