"""engine.tape and TrainConfig(replay=...): a step replayed from the tape gives the
reports and weights of the step built from Values, to the last bit, for every
setting (hypothesis picks them), in NumPy and in plain Python; random graphs
replayed on new numbers equal the graphs built from them; the tape is recorded
again when the graph changes; the cycle collector stays out of a step."""

from __future__ import annotations

import gc
import math
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from explain_support import programs, same
from hypothesis import given, settings
from hypothesis import strategies as st

import engine.tape as tape_module
from engine.collector import paused_collector
from engine.data import Dataset
from engine.losses import l2_penalty, mse_loss
from engine.nn import MLP, Module
from engine.ops import FloatOverflowError, MathError
from engine.tape import Tape
from engine.train import TrainConfig, TrainingRun, decision_grid, predict
from engine.value import Value, dot

ROOT = Path(__file__).resolve().parent.parent


def trained(config: TrainConfig, **given) -> TrainingRun:
    run = TrainingRun(config, **given)
    run.run()
    return run


def assert_same_run(a: TrainingRun, b: TrainingRun) -> None:
    """The same reports, ending and weights (and grads), bit for bit."""
    assert a.history == b.history
    assert (a.status, a.message, a.steps_done) == (b.status, b.message, b.steps_done)
    assert [p.data for p in a.model.parameters()] == [p.data for p in b.model.parameters()]
    assert [p.grad for p in a.model.parameters()] == [p.grad for p in b.model.parameters()]


settings_of_a_run = st.builds(
    TrainConfig,
    samples=st.integers(20, 36),
    noise=st.sampled_from([0.1, 0.3]),
    test_fraction=st.sampled_from([0.0, 0.25]),
    seed=st.integers(0, 50),
    hidden=st.lists(st.integers(1, 4), min_size=0, max_size=2).map(tuple),
    activation=st.sampled_from(["tanh", "relu", "sigmoid", "linear"]),
    loss=st.sampled_from(["hinge", "mse"]),
    # the large rates make some runs blow up: that must happen the same way too
    learning_rate=st.sampled_from([0.05, 0.5, 2.0, 1e3, 1e8]),
    schedule=st.sampled_from(["linear", "constant"]),
    alpha=st.sampled_from([0.0, 1e-4, 0.1]),
    batch_size=st.sampled_from([None, 1, 5, 12]),
    steps=st.integers(1, 4),
)


@settings(max_examples=30)
@given(config=settings_of_a_run)
def test_replay_and_values_give_the_same_run_for_any_settings(config):
    replayed = trained(config.replace(replay=True))
    built = trained(config.replace(replay=False))
    assert (replayed.engine, built.engine) == ("tape replay", "Values")
    assert_same_run(replayed, built)


def test_the_demo_recipe_is_the_same_both_ways_and_blows_up_the_same_way():
    cfg = TrainConfig(samples=40, steps=12)
    assert_same_run(trained(cfg), trained(cfg.replace(replay=False)))
    for blowing_up in (cfg.replace(learning_rate=1e6), cfg.replace(loss="mse", learning_rate=1e5)):
        replayed, built = trained(blowing_up), trained(blowing_up.replace(replay=False))
        assert replayed.status == "diverged"
        assert_same_run(replayed, built)


def test_the_plain_python_replay_gives_the_same_run(monkeypatch):
    monkeypatch.setattr(tape_module, "_load_numpy", lambda: None)
    for cfg in (
        TrainConfig(samples=24, hidden=(3, 2), activation="tanh", loss="mse", steps=3),
        TrainConfig(samples=30, hidden=(4,), batch_size=5, test_fraction=0.2, steps=3),
        TrainConfig(samples=24, hidden=(3,), loss="mse", learning_rate=1e6, steps=6),
    ):
        replayed = trained(cfg)
        assert replayed.engine == "tape replay" and replayed.recordings == 1
        assert_same_run(replayed, trained(cfg.replace(replay=False)))


def test_a_math_error_in_a_replay_is_the_one_the_values_meet():
    # step 0 (recorded) is fine and moves the weight from 1e-110 to 2e200; at step 1
    # (replayed) the score 2e300 squared overflows a float inside the mse loss
    data = Dataset("huge", [(1e100,)], [1.0])
    cfg = TrainConfig(loss="mse", alpha=0.0, learning_rate=1e100, schedule="constant", steps=3)
    runs = []
    for replay in (True, False):
        model = MLP(1, [1], activation="linear", rng=random.Random(0))
        model.layers[0].neurons[0].w[0].data = 1e-110
        runs.append(trained(cfg.replace(replay=replay), dataset=data, model=model))
    replayed, built = runs
    assert replayed.recordings == 1 and replayed.steps_done == 1
    assert "blew up at step 1" in replayed.message and "** 2 overflows a float" in replayed.message
    assert_same_run(replayed, built)


# -- recording again when the graph changes ------------------------------------------


def test_a_new_batch_of_the_same_size_replays_the_tape_another_size_records_again():
    cfg = TrainConfig(samples=30, hidden=(3,), batch_size=5, steps=30)
    replayed, built = TrainingRun(cfg), TrainingRun(cfg.replace(replay=False))
    changes = [
        ({}, 1),  # minibatches of 5: new points every step, the same tape
        ({"batch_size": 7}, 2),
        ({"alpha": 0.0}, 3),  # no L2 term: another graph
        ({"learning_rate": 0.3, "schedule": "constant"}, 3),  # numbers, not shape
        ({"alpha": 1e-3}, 4),
        ({"alpha": 1e-3, "replay": False}, 4),  # a step from Values keeps the tape
        ({"alpha": 1e-3, "loss": "mse", "replay": True}, 5),
        ({"batch_size": None}, 6),
    ]
    for change, recordings in changes:
        replayed.config = replayed.config.replace(**change)
        built.config = built.config.replace(**{**change, "replay": False})
        for run in (replayed, built):
            for _ in range(2 if change else 3):
                run.step()
        assert replayed.recordings == recordings, change
    assert built.recordings == 0
    assert_same_run(replayed, built)


def test_a_model_the_tape_cannot_know_is_trained_from_values():
    class Doubled(Module):
        """A model whose graph could depend on the numbers: never taped."""

        def __init__(self):
            self.inner = MLP(2, [3, 1], rng=random.Random(0))

        def __call__(self, x):
            return self.inner(x) * 2

        def parameters(self):
            return self.inner.parameters()

    run = TrainingRun(TrainConfig(samples=20, steps=2), model=Doubled())
    assert run.engine == "Values"
    assert run.run() == "finished" and run.recordings == 0


# -- the tape itself -----------------------------------------------------------------


@settings(max_examples=60)
@given(program=programs(), new=st.lists(st.floats(-3, 3), min_size=4, max_size=4))
def test_a_replay_on_new_numbers_is_the_graph_built_from_them(program, new):
    root, leaves = program.build()
    tape = Tape.record(root, leaves)
    new = new[: len(leaves)]
    try:
        built, new_leaves = program.build(new)
    except MathError as error:
        for numpy in (True, False):
            with pytest.raises(type(error)) as raised:
                tape.replay(new, numpy=numpy)
            # a division is the power ** -1 it is made of: the same error, said so
            if not any(op in ("/", "rtruediv") for op, _ in program.steps):
                assert str(raised.value) == str(error)
        return
    built.backward()
    for numpy in (True, False):
        replay = tape.replay(new, numpy=numpy)
        assert same(replay.root, built.data)
        assert all(map(same, replay.grads, [v.grad for v in new_leaves]))


@settings(max_examples=40)
@given(
    nin=st.integers(1, 6),
    hidden=st.lists(st.integers(1, 6), max_size=2),
    activation=st.sampled_from(["tanh", "relu", "sigmoid", "linear"]),
    batch=st.integers(1, 7),
    seed=st.integers(0, 10**6),
)
def test_a_step_of_any_mlp_and_batch_replays_exactly(nin, hidden, activation, batch, seed):
    """The NumPy replay groups nodes and broadcasts repeated blocks: any layer width
    and batch size must still give every number exactly."""
    rng = random.Random(seed)
    model = MLP(nin, [*hidden, 1], activation=activation, rng=rng)
    params = model.parameters()

    def step(numbers, ys):
        points = [[Value(x) for x in row] for row in numbers]
        targets = [Value(y) for y in ys]
        scores = [model(x) for x in points]
        loss = mse_loss(scores, targets) + l2_penalty(params, 1e-3)
        return loss, [v for x in points for v in x] + targets, scores

    def numbers():
        rows = [[rng.uniform(-2, 2) for _ in range(nin)] for _ in range(batch)]
        return rows, [rng.choice([-1.0, 1.0]) for _ in range(batch)]

    loss, inputs, scores = step(*numbers())
    tape = Tape.record(loss, params, inputs, scores)
    rows, ys = numbers()  # a new batch of the same size
    loss, inputs, scores = step(rows, ys)
    model.zero_grad()
    loss.backward()
    for numpy in (True, False):
        replay = tape.replay([p.data for p in params], [v.data for v in inputs], numpy=numpy)
        assert replay.root == loss.data
        assert replay.outputs == [s.data for s in scores]
        assert replay.grads == [p.grad for p in params]
    points = [[rng.uniform(-3, 3) for _ in range(nin)] for _ in range(40)]
    assert predict(model, points) == [model(p).data for p in points]


def test_the_first_error_is_the_oldest_nodes_even_when_a_lower_level_fails_too():
    x, y = Value(1.0), Value(1.0)
    early = (x * 1.0 + 0.0).exp()  # made first, three levels up
    late = y.log()  # made later, one level up
    tape = Tape.record(early + late, [x, y])
    for numpy in (True, False):
        with pytest.raises(FloatOverflowError, match=r"exp\(1000.0\) overflows a float"):
            tape.replay([1000.0, -1.0], numpy=numpy)


def test_a_relu_that_is_off_when_recorded_passes_its_gradient_when_on():
    w, x = Value(-1.0), Value(2.0)
    tape = Tape.record((w * x).relu() * 3.0, [w], [x])
    assert tape.replay([-1.0], [2.0]).grads == [0.0]
    assert tape.replay([1.0], [2.0]).grads == [6.0]
    assert tape.replay([1.0], [2.0], numpy=False).grads == [6.0]


def test_outputs_and_the_short_print():
    w = [Value(0.5), Value(-0.25)]
    x = [Value(1.0), Value(2.0)]
    hidden = dot(w, x, 0.1).tanh()
    tape = Tape.record(hidden * hidden, w, x, outputs=[hidden])
    replay = tape.replay([0.5, -0.25], [1.0, 2.0])
    assert replay.outputs == [hidden.data] and replay.root == (hidden * hidden).data
    text = str(tape)
    assert text.splitlines()[0] == (
        "tape: 2 parameters, 2 inputs, 1 constants, 3 nodes, 8 operand slots"
    )
    assert "n0 = dot(p0, p1, x0, x1, c0)" in text and "n1 = tanh(n0)" in text


def test_what_a_tape_refuses():
    a = Value(1.0)
    b = a * 2.0
    with pytest.raises(ValueError, match="must be leaves"):
        Tape.record(b * b, [b])
    with pytest.raises(ValueError, match="given twice"):
        Tape.record(a * a, [a], [a])
    with pytest.raises(ValueError, match="output must be a node"):
        Tape.record(b, [a], outputs=[Value(3.0)])
    with pytest.raises(ValueError, match="takes 1 parameters and 0 inputs, not 2 and 0"):
        Tape.record(b, [a]).replay([1.0, 2.0])


# -- scores through the tape ---------------------------------------------------------


@pytest.mark.parametrize("numpy", [True, False])
def test_many_scores_and_the_grid_come_through_the_tape_unchanged(monkeypatch, numpy):
    if not numpy:
        monkeypatch.setattr(tape_module, "_load_numpy", lambda: None)
    model = MLP(2, [6, 4, 1], activation="tanh", rng=random.Random(5))
    points = [(random.Random(i).uniform(-2, 2), i / 50 - 1) for i in range(100)]
    assert predict(model, points) == [model(list(p)).data for p in points]
    grid = decision_grid(model, points, resolution=400)
    assert grid.scores[3][5] == model([grid.xs[5], grid.ys[3]]).data
    with pytest.raises(ValueError, match="takes 2 inputs, not 3"):
        predict(model, [(0.0, 1.0, 2.0)] * 40)


# -- the cycle collector -------------------------------------------------------------


def test_the_collector_is_paused_inside_and_put_back_after():
    assert gc.isenabled()
    with paused_collector():
        assert not gc.isenabled()
        with paused_collector():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner pause does not end the outer one
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_collector():
            pass
        assert not gc.isenabled()  # off before, off after
    finally:
        gc.enable()


def test_pauses_from_two_threads_overlap():
    inside, release = threading.Event(), threading.Event()

    def other():
        with paused_collector():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(5)
    with paused_collector():
        pass
    assert not gc.isenabled()  # the other thread's pause is still on
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_a_step_from_values_runs_without_the_collector():
    seen = []

    class Watching(Module):
        def __init__(self):
            self.inner = MLP(2, [2, 1], rng=random.Random(0))

        def __call__(self, x):
            seen.append(gc.isenabled())
            return self.inner(x)

        def parameters(self):
            return self.inner.parameters()

    TrainingRun(TrainConfig(samples=20, steps=1), model=Watching()).run()
    assert seen and not any(seen)
    assert gc.isenabled()


# -- without NumPy ---------------------------------------------------------------------

WITHOUT_NUMPY = """
import sys
sys.modules["numpy"] = None  # as if it were not installed: importing it fails
from engine.data import lecture_examples
from engine.tape import numpy_available
from engine.train import TrainConfig, TrainingRun, predict
assert not numpy_available()
cfg = TrainConfig(hidden=(4, 4), activation="tanh", loss="mse", learning_rate=0.1, steps=4)
runs = [TrainingRun(cfg.replace(replay=r), dataset=lecture_examples()) for r in (True, False)]
for run in runs:
    run.run()
assert runs[0].history == runs[1].history and runs[0].recordings == 1
points = [(i / 10, 1 - i / 20, 0.5) for i in range(40)]
assert predict(runs[0].model, points) == [runs[0].model(list(p)).data for p in points]
print("ok")
"""


def test_without_numpy_the_tape_replays_in_plain_python():
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_NUMPY], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_an_infinite_local_times_a_zero_gradient_adds_nothing():
    # backward() skips a node whose grad is 0; the NumPy replay masks those shares
    # when a local is inf or NaN (0 * inf would be NaN)
    w, x = Value(1.0), Value(1.0)
    blocked = (w * x).relu() * 0.0  # passes 0 back
    tape = Tape.record(blocked + w, [w], [x])
    for numpy in (True, False):
        assert tape.replay([1.0], [math.inf], numpy=numpy).grads == [1.0]
