"""engine.train: micrograd's demo reproduced, schedules, batches, splits, divergence,
cancelling from another thread, config problems and the decision grid."""

import math
import random
import threading

import pytest

from engine.config import SETTINGS
from engine.data import Dataset, lecture_examples, make_moons
from engine.losses import accuracy
from engine.nn import MLP, Module
from engine.train import (
    DecisionGrid,
    StepReport,
    TrainConfig,
    TrainingRun,
    decision_grid,
    predict,
)
from engine.value import Value

# A small, quick recipe for tests that are not about micrograd's numbers.
SMALL = TrainConfig(samples=40, hidden=(4,), steps=5)


@pytest.fixture(scope="module")
def demo_run():
    run = TrainingRun()
    assert run.status == "ready"
    final = run.run()
    assert final == "finished"
    return run


def test_demo_reproduces_micrograd(demo_run):
    h = demo_run.history
    assert len(h) == demo_run.steps_done == 100
    assert [r.step for r in h] == list(range(100))
    assert h[0].loss == pytest.approx(0.8958441028683222, abs=1e-6)
    assert h[0].train_accuracy == 0.5
    assert h[99].loss == pytest.approx(0.010978370135492717, abs=1e-6)
    assert h[99].train_accuracy == 1.0
    first_perfect = next(r.step for r in h if r.train_accuracy == 1.0)
    assert first_perfect == 40
    assert all(r.test_accuracy is None for r in h)
    assert demo_run.parameter_count == 337
    assert demo_run.status == "finished"
    assert "100 steps" in demo_run.message
    assert demo_run.engine == "tape replay" and demo_run.recordings == 1


def test_demo_from_values_is_the_replayed_demo_to_the_last_bit(demo_run):
    """The default replays a tape; building Values every step, micrograd's way,
    gives every report and weight exactly the same."""
    built = TrainingRun(TrainConfig(replay=False))
    assert built.run() == "finished" and built.engine == "Values"
    assert built.history == demo_run.history
    assert [p.data for p in built.model.parameters()] == [
        p.data for p in demo_run.model.parameters()
    ]


def test_demo_learning_rate_decays_linearly(demo_run):
    # micrograd: learning_rate = 1.0 - 0.9*k/100
    assert [r.learning_rate for r in demo_run.history] == [1.0 - 0.9 * k / 100 for k in range(100)]
    assert demo_run.history[0].learning_rate == 1.0
    assert demo_run.history[99].learning_rate == pytest.approx(0.109)


def test_demo_grad_norm_is_the_length_of_the_gradient(demo_run):
    grads = [p.grad for p in demo_run.model.parameters()]  # left by the last step
    assert demo_run.history[-1].grad_norm == pytest.approx(math.sqrt(sum(g * g for g in grads)))
    assert all(r.grad_norm > 0 for r in demo_run.history)


def test_finished_run_refuses_another_step(demo_run):
    with pytest.raises(RuntimeError, match="finished"):
        demo_run.step()
    assert demo_run.run() == "finished"
    assert len(demo_run.history) == 100


def test_learning_rate_at():
    linear = TrainConfig(learning_rate=0.5, steps=10)
    assert [linear.learning_rate_at(k) for k in (0, 5, 9)] == pytest.approx([0.5, 0.275, 0.095])
    constant = linear.replace(schedule="constant")
    assert [constant.learning_rate_at(k) for k in (0, 5, 9)] == [0.5, 0.5, 0.5]


def test_step_is_plain_gradient_descent_with_a_constant_rate():
    run = TrainingRun(SMALL.replace(schedule="constant", learning_rate=0.3, steps=3))
    params = run.model.parameters()
    for k in range(3):
        before = [p.data for p in params]
        report = run.step()
        assert report.step == k and report.learning_rate == 0.3
        assert [p.data for p in params] == [
            b - 0.3 * p.grad for b, p in zip(before, params, strict=True)
        ]
    assert run.status == "finished"


def test_reports_describe_the_model_before_its_update():
    run = TrainingRun(SMALL.replace(test_fraction=0.25))
    X, y = run.dataset.X_train, run.dataset.y_train
    for _ in range(3):
        train = accuracy(predict(run.model, X), y)
        test = accuracy(predict(run.model, run.dataset.X_test), run.dataset.y_test)
        report = run.step()
        assert report.train_accuracy == train
        assert report.test_accuracy == test


def test_test_split_in_a_run():
    run = TrainingRun(SMALL.replace(test_fraction=0.25))
    ds = run.dataset
    assert (len(ds.X_train), len(ds.X_test)) == (30, 10)
    assert not set(ds.X_train) & set(ds.X_test)
    run.run()
    assert all(0.0 <= r.test_accuracy <= 1.0 for r in run.history)


def test_minibatches_are_deterministic_and_leave_global_random_alone():
    cfg = SMALL.replace(batch_size=8, steps=6)
    random.seed(99)
    before = random.getstate()
    first = TrainingRun(cfg)
    first.run()
    assert random.getstate() == before
    second = TrainingRun(cfg)
    second.run()
    assert first.history == second.history
    other = TrainingRun(cfg.replace(seed=7))
    other.run()
    assert other.history != first.history


def test_minibatch_loss_is_on_the_batch_and_accuracy_on_the_whole_set():
    run = TrainingRun(SMALL.replace(batch_size=8, alpha=0.0, steps=1))
    X, y = run.dataset.X_train, run.dataset.y_train
    picked = random.Random(SMALL.seed).sample(range(len(y)), 8)  # the run's own generator
    scores = predict(run.model, [X[i] for i in picked])
    expected_loss = sum(max(0.0, 1 - y[i] * s) for i, s in zip(picked, scores, strict=True)) / 8
    expected_accuracy = accuracy(predict(run.model, X), y)
    report = run.step()
    assert report.loss == pytest.approx(expected_loss)
    assert report.train_accuracy == expected_accuracy


def test_batch_as_big_as_the_training_set_is_the_full_batch():
    full = TrainingRun(SMALL)
    full.run()
    same = TrainingRun(SMALL.replace(batch_size=40))
    same.run()
    assert same.history == full.history


def test_lecture_examples_with_mse_reach_the_targets():
    cfg = TrainConfig(
        hidden=(4, 4),
        activation="tanh",
        loss="mse",
        learning_rate=0.1,
        schedule="constant",
        alpha=0.0,
        steps=20,
    )
    run = TrainingRun(cfg, dataset=lecture_examples())
    assert run.parameter_count == 41  # MLP(3, [4, 4, 1]): 4*4 + 4*5 + 5
    assert run.run() == "finished"
    first, last = run.history[0].loss, run.history[-1].loss
    assert last < first / 100
    predictions = predict(run.model, run.dataset.X_train)
    assert predictions == pytest.approx([1.0, -1.0, -1.0, 1.0], abs=0.1)


def test_divergence_is_reported_not_raised():
    run = TrainingRun(TrainConfig(learning_rate=1e6))
    assert run.run() == "diverged"
    assert "learning rate 1e+06 is too large" in run.message
    assert "try 1.0 or less" in run.message
    assert f"at step {run.steps_done}" in run.message
    assert len(run.history) == run.steps_done
    assert all(math.isfinite(r.loss) for r in run.history)
    # the parameters are left as they were before the step that failed
    assert all(math.isfinite(p.data) for p in run.model.parameters())
    with pytest.raises(RuntimeError, match="diverged"):
        run.step()


def _linear_model(weights):
    """MLP(1, [1] * n) with no activations and the given weights, biases 0."""
    model = MLP(1, [1] * len(weights), activation="linear", rng=random.Random(0))
    for layer, w in zip(model.layers, weights, strict=True):
        layer.neurons[0].w[0].data = w
    return model


def test_divergence_from_an_engine_math_error():
    # the score is 5e199, and (score - 1)**2 overflows a float inside the step
    data = Dataset("huge", [(1e200,)], [1.0])
    cfg = TrainConfig(loss="mse", alpha=0.0)
    run = TrainingRun(cfg, dataset=data, model=_linear_model([0.5]))
    assert run.step() is None
    assert run.status == "diverged"
    assert "blew up at step 0" in run.message and "overflows a float" in run.message


def test_divergence_from_an_infinite_gradient():
    # score = 1e200 * (1e-300 * 1e200) = 1e100, a finite loss, but
    # d(loss)/d(first weight) = 1e200 * 1e200 is inf
    data = Dataset("huge", [(1e200,)], [-1.0])
    run = TrainingRun(TrainConfig(alpha=0.0), dataset=data, model=_linear_model([1e-300, 1e200]))
    assert run.step() is None
    assert run.status == "diverged"
    assert run.message.startswith("The gradients became inf at step 0")


def test_divergence_from_an_overflowing_update():
    # the gradient -1e300 is finite; the update 1e10 * 1e300 is not
    data = Dataset("huge", [(1e300,)], [1.0])
    cfg = TrainConfig(learning_rate=1e10, schedule="constant", alpha=0.0)
    run = TrainingRun(cfg, dataset=data, model=_linear_model([-1e-300]))
    assert run.step() is None
    assert "parameters became too large" in run.message
    assert run.model.layers[0].neurons[0].w[0].data == -1e-300  # left unchanged


def test_on_step_sees_every_report():
    seen = []
    run = TrainingRun(SMALL)
    assert run.run(on_step=seen.append) == "finished"
    assert seen == run.history
    assert all(isinstance(r, StepReport) for r in seen)


def test_should_stop_pauses_and_run_resumes():
    run = TrainingRun(SMALL)
    assert run.run(should_stop=lambda: run.steps_done >= 3) == "running"
    assert run.steps_done == 3
    assert run.run() == "finished"
    assert [r.step for r in run.history] == [0, 1, 2, 3, 4]


def test_cancel_from_another_thread_stops_the_loop():
    run = TrainingRun(SMALL.replace(steps=100_000))
    started = threading.Event()
    result = []

    def on_step(report):
        if report.step == 2:
            started.set()

    worker = threading.Thread(target=lambda: result.append(run.run(on_step=on_step)))
    worker.start()
    assert started.wait(timeout=10)
    run.cancel()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert result == ["cancelled"]
    assert run.status == "cancelled"
    assert 3 <= run.steps_done < 100_000
    assert len(run.history) == run.steps_done
    assert f"after {run.steps_done} of 100000 steps" in run.message
    with pytest.raises(RuntimeError, match="cancelled"):
        run.step()


def test_cancel_before_the_start_and_after_the_end():
    early = TrainingRun(SMALL)
    early.cancel()
    assert early.run() == "cancelled"
    assert early.history == []
    done = TrainingRun(SMALL)
    done.run()
    done.cancel()
    assert done.status == "finished"


# -- config problems


def test_default_config_is_micrograds_recipe_and_has_no_problems():
    cfg = TrainConfig()
    assert (cfg.samples, cfg.noise, cfg.seed, cfg.hidden) == (100, 0.1, 1337, (16, 16))
    assert (cfg.activation, cfg.loss, cfg.learning_rate, cfg.schedule) == (
        "relu",
        "hinge",
        1.0,
        "linear",
    )
    assert (cfg.alpha, cfg.batch_size, cfg.steps, cfg.test_fraction) == (1e-4, None, 100, 0.0)
    assert cfg.replay is True  # the same numbers as building Values, faster
    assert cfg.problems() == []
    cfg.validate()


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"learning_rate": 0}, "learning rate must be a positive finite number"),
        ({"learning_rate": -1.0}, "learning rate"),
        ({"learning_rate": math.inf}, "learning rate"),
        ({"learning_rate": math.nan}, "learning rate"),
        ({"learning_rate": "fast"}, "learning rate"),
        ({"hidden": (16, 0)}, "from 1 to 256 neurons"),
        ({"hidden": (257,)}, "from 1 to 256 neurons"),
        ({"hidden": (4,) * 9}, "at most 8 hidden layers"),
        ({"hidden": (4.5,)}, "list of layer sizes"),
        ({"hidden": 16}, "list of layer sizes"),
        ({"activation": "softmax"}, "activation must be one of tanh, relu, sigmoid, linear"),
        ({"loss": "cross-entropy"}, "loss must be one of hinge, mse"),
        ({"schedule": "cosine"}, "schedule must be one of linear, constant"),
        ({"alpha": -0.1}, "alpha"),
        ({"alpha": math.nan}, "alpha"),
        ({"batch_size": 0}, "batch size must be a whole number from 1 to 100"),
        ({"batch_size": 101}, "batch size"),
        ({"batch_size": 8.0}, "batch size"),
        ({"test_fraction": 0.5, "batch_size": 60}, "from 1 to 50 .the size of the training set"),
        ({"steps": 0}, "number of steps"),
        ({"steps": 100_001}, "number of steps"),
        ({"samples": 19}, "number of samples must be a whole number from 20 to 1000"),
        ({"samples": 1001}, "number of samples"),
        ({"noise": 0.6}, "noise must be a number from 0 to 0.5"),
        ({"noise": -0.1}, "noise"),
        ({"test_fraction": 0.9}, "test fraction must be at least 0 and below 0.9"),
        ({"test_fraction": -0.1}, "test fraction"),
        ({"seed": -1}, "seed"),
        ({"seed": True}, "seed"),
    ],
)
def test_each_bad_field_is_a_problem_in_plain_words(changes, words):
    cfg = TrainConfig().replace(**changes)
    problems = cfg.problems()
    assert len(problems) == 1
    assert problems[0][0].isupper() and problems[0].endswith(".")
    with pytest.raises(ValueError, match=words):
        cfg.validate()
    with pytest.raises(ValueError, match=words):
        TrainingRun(cfg)


def test_every_config_field_has_one_row_in_the_settings_table():
    assert [s.name for s in SETTINGS] == list(TrainConfig.__dataclass_fields__)


def test_each_problem_belongs_to_its_field():
    cfg = TrainConfig(samples=5, learning_rate="fast", hidden=(4,) * 9)
    found = cfg.problems_by_field()
    assert list(found) == ["samples", "hidden", "learning_rate"]  # in the table's order
    assert "from 20 to 1000" in found["samples"]
    assert "at most 8 hidden layers" in found["hidden"]
    assert "learning rate" in found["learning_rate"]
    assert cfg.problems() == list(found.values())


def test_a_batch_too_big_for_the_data_is_the_batch_sizes_problem():
    found = TrainConfig(samples=20, batch_size=30).problems_by_field()
    assert list(found) == ["batch_size"] and "from 1 to 20" in found["batch_size"]
    assert "from 1 to 4" in TrainConfig(batch_size=5).problems_by_field(n_train=4)["batch_size"]


def test_all_problems_are_listed_at_once():
    cfg = TrainConfig(learning_rate=0, steps=0, activation="nope")
    assert len(cfg.problems()) == 3


def test_good_alternatives_have_no_problems():
    cfg = TrainConfig(
        samples=20,
        noise=0,
        test_fraction=0.5,
        seed=0,
        hidden=[],
        activation="sigmoid",
        loss="mse",
        learning_rate=5,
        schedule="constant",
        alpha=0,
        batch_size=10,
        steps=1,
    )
    assert cfg.problems() == []
    assert cfg.hidden == ()


def test_hidden_given_as_a_list_becomes_a_tuple():
    assert TrainConfig(hidden=[8, 8]).hidden == (8, 8)


def test_batch_size_is_checked_against_a_given_dataset():
    with pytest.raises(ValueError, match="from 1 to 4"):
        TrainingRun(TrainConfig(batch_size=5), dataset=lecture_examples())


def test_a_model_that_does_not_fit_the_data_is_refused():
    with pytest.raises(ValueError, match="takes 3 inputs"):
        TrainingRun(SMALL, model=MLP(3, [4, 1]))
    with pytest.raises(ValueError, match="1 neuron"):
        TrainingRun(SMALL, model=MLP(2, [4, 2]))


# -- scores and the decision grid


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
def test_predict_equals_the_models_own_forward_pass(activation):
    model = MLP(2, [5, 3, 1], activation=activation, rng=random.Random(4))
    points = make_moons(n_samples=60, noise=0.3, seed=2).X_train
    assert predict(model, points) == [model(p).data for p in points]  # through a tape
    assert predict(model, points[:5]) == [model(p).data for p in points[:5]]  # one by one


def test_decision_grid_matches_micrograds_mesh_and_the_model():
    np = pytest.importorskip("numpy")
    run = TrainingRun(SMALL)
    X = run.dataset.X_train
    grid = decision_grid(run.model, X)
    assert isinstance(grid, DecisionGrid)
    x_min, x_max = min(p[0] for p in X) - 1, max(p[0] for p in X) + 1
    y_min, y_max = min(p[1] for p in X) - 1, max(p[1] for p in X) + 1
    assert grid.xs == tuple(np.arange(x_min, x_max, 0.25).tolist())
    assert grid.ys == tuple(np.arange(y_min, y_max, 0.25).tolist())
    assert grid.xs[-1] + 0.25 >= x_max and grid.ys[-1] + 0.25 >= y_max
    assert len(grid.scores) == len(grid.ys)
    assert all(len(row) == len(grid.xs) for row in grid.scores)
    for i, y in enumerate(grid.ys):
        for j, x in enumerate(grid.xs):
            assert grid.scores[i][j] == run.model([x, y]).data


def test_arange_agrees_with_numpy_on_awkward_ranges():
    np = pytest.importorskip("numpy")
    from engine.scoring import _arange

    rng = random.Random(11)
    for _ in range(300):
        start = rng.uniform(-5, 5)
        stop = start + rng.uniform(0, 8)
        step = rng.choice([0.25, 0.1, 0.3, rng.uniform(0.01, 2)])
        assert _arange(start, stop, step) == tuple(np.arange(start, stop, step).tolist())


def test_decision_grid_resolution_picks_the_step():
    X = [(0.0, 0.0), (2.0, 1.0)]  # with margin 1: 4 wide, 3 high
    grid = decision_grid(MLP(2, [1], rng=random.Random(0)), X, resolution=300)
    assert grid.step == pytest.approx(0.2)
    assert 300 <= len(grid.xs) * len(grid.ys) <= 340


def test_decision_grid_of_any_module():
    class Sum(Module):
        def __call__(self, x):
            return Value(x[0]) + Value(x[1])

    grid = decision_grid(Sum(), [(0.0, 0.0)], step=0.5)
    assert grid.scores[0][0] == -2.0  # (-1) + (-1)
    assert grid.scores[1][2] == grid.xs[2] + grid.ys[1]


@pytest.mark.parametrize(
    ("X", "kwargs", "words"),
    [
        ([], {}, "at least one point"),
        ([(1.0, 2.0, 3.0)], {}, "exactly 2 features"),
        ([(0.0, 0.0)], {"step": 0}, "step must be a positive number"),
        ([(0.0, 0.0)], {"margin": 0}, "margin"),
        ([(0.0, 0.0)], {"step": 1e-5}, "use a larger step"),
        ([(0.0, 0.0)], {"resolution": 0}, "resolution"),
    ],
)
def test_decision_grid_rejects_bad_arguments(X, kwargs, words):
    with pytest.raises(ValueError, match=words):
        decision_grid(MLP(2, [1], rng=random.Random(0)), X, **kwargs)


def test_run_decision_grid_covers_training_and_test_points():
    run = TrainingRun(SMALL.replace(test_fraction=0.5))
    points = run.dataset.X_train + run.dataset.X_test
    assert run.decision_grid(resolution=200) == decision_grid(run.model, points, resolution=200)
    assert min(run.decision_grid().xs) == min(p[0] for p in points) - 1
