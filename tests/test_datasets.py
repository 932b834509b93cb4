"""The lab's five datasets, the dataset setting everywhere it is set (config, form,
command line, experiment files), and the test loss the engine reports."""

from __future__ import annotations

import math
import statistics

import pytest
from textual.widgets import Select, Static

from engine.data import (
    BLOB_CENTRES,
    DATASETS,
    SPIRAL_RADIUS,
    SPIRAL_TURNS,
    XOR_GAP,
    blob_spread,
    make_dataset,
    make_moons,
    split_sizes,
)
from engine.losses import hinge_loss, l2_penalty, loss_of_numbers, mse_loss
from engine.scoring import predict
from engine.train import TrainConfig, TrainingRun
from engine.value import Value
from lessons.experiments import ExperimentError, experiment_text, parse_experiment
from tests.test_train_screen import LabApp, ready, settle
from tutor import cli
from tutor.screens.train import TrainScreen
from tutor.widgets.train_charts import BoundaryPlot


def everything(data):
    return data.X_train + data.X_test, data.y_train + data.y_test


# -- the datasets ----------------------------------------------------------------------


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("n", [20, 101, 1000])
def test_each_dataset_has_two_features_two_balanced_classes_and_a_modest_scale(name, n):
    data = make_dataset(name, n, 0.1, 7)
    points, labels = everything(data)
    assert data.name == name and data.n_features == 2 and len(points) == n
    assert set(labels) == {1.0, -1.0}
    assert labels.count(1.0) == n - n // 2  # the odd point, if any, goes to +1
    assert all(-3 < v < 3 for p in points for v in p)  # where moons are, about


@pytest.mark.parametrize("name", DATASETS)
def test_the_same_seed_gives_the_same_points_and_another_seed_others(name):
    assert make_dataset(name, 80, 0.2, 5, 0.25) == make_dataset(name, 80, 0.2, 5, 0.25)
    assert make_dataset(name, 80, 0.2, 5).X_train != make_dataset(name, 80, 0.2, 6).X_train


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("fraction", [0.0, 0.2, 0.5])
def test_the_test_split_follows_the_moons_rules(name, fraction):
    data = make_dataset(name, 90, 0.1, 3, fraction)
    assert (len(data.X_train), len(data.X_test)) == split_sizes(90, fraction)
    whole = make_dataset(name, 90, 0.1, 3)
    assert sorted(everything(data)[0]) == sorted(whole.X_train)  # the same points, shared out


def test_the_moons_are_still_micrograds():
    assert make_dataset("moons", 100, 0.1, 1337) == make_moons(100, 0.1, 1337)
    assert TrainingRun(TrainConfig()).dataset == make_moons()


def test_without_noise_each_dataset_is_its_shape():
    for (x, y), label in zip(*everything(make_dataset("circles", 200, 0.0, 1)), strict=True):
        assert math.hypot(x, y) == pytest.approx(0.5 if label > 0 else 1.0)
    for (x, y), label in zip(*everything(make_dataset("xor", 200, 0.0, 1)), strict=True):
        assert (x * y > 0) == (label > 0) and min(abs(x), abs(y)) >= XOR_GAP
    for (x, y), label in zip(*everything(make_dataset("spiral", 200, 0.0, 1)), strict=True):
        r = math.hypot(x, y)
        if r < 0.05:
            continue  # both arms start at the centre
        turned = 0.0 if label > 0 else math.pi
        expected = SPIRAL_TURNS * 2 * math.pi * r / SPIRAL_RADIUS + turned
        off = (math.atan2(x, y) - expected) % (2 * math.pi)
        assert min(off, 2 * math.pi - off) < 1e-9 and r <= SPIRAL_RADIUS
    points, labels = everything(make_dataset("blobs", 400, 0.0, 1))
    for label, centre in zip((1.0, -1.0), BLOB_CENTRES, strict=True):
        mine = [p for p, y in zip(points, labels, strict=True) if y == label]
        for axis in (0, 1):
            values = [p[axis] for p in mine]
            assert statistics.mean(values) == pytest.approx(centre[axis], abs=0.1)
            assert statistics.stdev(values) == pytest.approx(blob_spread(0.0), rel=0.2)


@pytest.mark.parametrize("name", ["moons", "circles", "xor", "spiral"])
def test_noise_jitters_the_same_points_by_its_standard_deviation(name):
    calm = everything(make_dataset(name, 1000, 0.0, 4))
    noisy = everything(make_dataset(name, 1000, 0.2, 4))
    assert calm[1] == noisy[1]
    shifts = [
        b - a for p, q in zip(calm[0], noisy[0], strict=True) for a, b in zip(p, q, strict=True)
    ]
    assert statistics.stdev(shifts) == pytest.approx(0.2, rel=0.1)


def test_noise_spreads_the_blobs():
    def spread(noise: float) -> float:
        data = make_dataset("blobs", 1000, noise, 4)
        return statistics.stdev(p[0] for p, y in zip(*everything(data), strict=True) if y > 0)

    assert spread(0.0) < spread(0.1) < spread(0.5)
    assert spread(0.5) == pytest.approx(blob_spread(0.5), rel=0.1)


def test_an_unknown_dataset_is_refused_in_plain_words():
    with pytest.raises(ValueError, match="one of moons, circles, xor, blobs, spiral, not 'swirl'"):
        make_dataset("swirl")
    assert TrainConfig(dataset="swirl").problems_by_field() == {
        "dataset": "The dataset must be one of moons, circles, xor, blobs, spiral, not 'swirl'."
    }
    with pytest.raises(ValueError, match="The dataset must be one of"):
        TrainingRun(TrainConfig(dataset=3))  # type: ignore[arg-type]


def test_a_run_trains_on_its_configs_dataset():
    config = TrainConfig(dataset="spiral", samples=60, noise=0.05, seed=9, test_fraction=0.2)
    assert TrainingRun(config).dataset == make_dataset("spiral", 60, 0.05, 9, 0.2)


def test_xor_and_blobs_are_learnt_by_micrograds_recipe():
    for name in ("xor", "blobs"):
        run = TrainingRun(TrainConfig(dataset=name, test_fraction=0.2))
        run.run()
        assert run.history[-1].train_accuracy == 1.0, name


# -- the test loss ---------------------------------------------------------------------


def test_the_test_loss_is_the_training_loss_measured_on_the_test_points():
    config = TrainConfig(dataset="circles", samples=50, steps=5, test_fraction=0.3)
    run = TrainingRun(config)
    for _ in range(5):
        weights = [p.data for p in run.model.parameters()]
        expected = hinge_loss(predict(run.model, run.dataset.X_test), run.dataset.y_test)
        l2 = l2_penalty([Value(w) for w in weights], config.alpha)
        report = run.step()
        assert report is not None and report.test_loss == (expected + l2).data


def test_without_a_test_set_there_is_no_test_loss():
    run = TrainingRun(TrainConfig(samples=30, steps=3))
    run.run()
    assert [r.test_loss for r in run.history] == [None] * 3


@pytest.mark.parametrize("loss", ["hinge", "mse"])
@pytest.mark.parametrize("batch", [None, 8])
def test_the_test_loss_is_the_same_on_the_tape_as_on_values(loss, batch):
    config = TrainConfig(
        dataset="spiral", samples=40, steps=6, test_fraction=0.25, loss=loss, batch_size=batch
    )
    runs = [TrainingRun(config.replace(replay=replay)) for replay in (True, False)]
    for run in runs:
        run.run()
    assert runs[0].engine != runs[1].engine
    assert runs[0].history == runs[1].history  # test_loss included, to the last bit
    assert all(r.test_loss is not None and math.isfinite(r.test_loss) for r in runs[0].history)


def test_the_loss_in_plain_numbers_is_the_values_to_the_last_bit():
    data = make_dataset("xor", 300, 0.3, 2)
    scores = [3 * x - y + 0.1 for x, y in data.X_train]
    weights = [0.3, -1.7, 2.5e-3]
    for name, loss in (("hinge", hinge_loss), ("mse", mse_loss)):
        assert loss_of_numbers(name, scores, data.y_train) == loss(scores, data.y_train).data
        with_l2 = loss(scores, data.y_train) + l2_penalty([Value(w) for w in weights], 1e-3)
        assert loss_of_numbers(name, scores, data.y_train, weights, 1e-3) == with_l2.data


# -- the setting, where it is set -------------------------------------------------------


def test_train_dataset_opens_the_lab_on_it(home, launched):
    assert cli.main(["train", "--dataset", "spiral", "--samples", "40"]) == 0
    config = launched[0]._start_train[0]
    assert (config.dataset, config.samples) == ("spiral", 40)
    assert cli.main(["train", "--dataset", "two blobs"]) == 0  # the name the form shows
    assert launched[1]._start_train[0].dataset == "blobs"


def test_train_refuses_an_unknown_dataset_naming_the_choices(home, launched, capsys):
    assert cli.main(["train", "--dataset", "swirl"]) == 2
    err = capsys.readouterr().err
    assert "--dataset: The dataset must be one of moons, circles, xor, blobs, spiral" in err
    assert "Traceback" not in err and not launched


SPIRAL_FILE = """format = 1
title = "The spiral"
question = "Can two hidden layers untwist it?"
locked = ["dataset"]
dataset = "spiral"
test_fraction = 0.2
hidden = [16, 16, 16]
"""


def test_an_experiment_carries_its_dataset_and_round_trips(tmp_path, home, launched):
    experiment = parse_experiment(SPIRAL_FILE, name="spiral")
    assert experiment.config.dataset == "spiral" and experiment.locked == {"dataset"}
    text = experiment_text(experiment)
    assert 'dataset = "spiral"' in text.splitlines()[5]  # the first setting
    assert parse_experiment(text, name="spiral") == experiment
    path = tmp_path / "spiral.toml"
    path.write_text(text, encoding="utf-8")
    assert cli.main(["train", "--experiment", str(path)]) == 0
    assert launched[0]._start_train[0].dataset == "spiral"
    assert cli.main(["train", "--experiment", str(path), "--dataset", "moons"]) == 2  # locked


def test_an_experiment_with_an_unknown_dataset_is_refused_by_its_key_and_line():
    with pytest.raises(ExperimentError, match=r"line 5, dataset: The dataset must be one of"):
        parse_experiment(SPIRAL_FILE.replace('"spiral"', '"galaxy"'), "galaxy.toml")


async def test_the_forms_dataset_is_trained_on_r():
    lab = TrainScreen(TrainConfig(samples=40, steps=20))
    app = LabApp(lab)
    async with app.run_test(size=(80, 24)) as pilot:
        run = await ready(pilot, lab)
        assert run.dataset.name == "moons"
        lab.query_one("#field-dataset", Select).value = "spiral"
        await pilot.pause()
        assert "press r to apply" in str(lab.query_one("#note-dataset", Static).render())
        assert lab.run is run and run.config.dataset == "moons"  # waits for r
        await pilot.press("r")
        await settle(pilot, lambda: lab.run is not None and lab.run is not run)
        assert lab.run.config.dataset == "spiral"
        assert lab.run.dataset == make_dataset("spiral", 40, 0.1, 1337)
        await pilot.pause()
        assert lab.query_one(BoundaryPlot).dataset is lab.run.dataset
