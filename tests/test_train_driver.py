"""The training lab's training thread: a TrainDriver driven from another thread,
and the labelled copy of the model the explorer inspects."""

from __future__ import annotations

import threading
import time

import pytest

from engine.train import TrainConfig, TrainingRun, predict
from engine.value import Value
from tutor.train_driver import (
    Mesh,
    News,
    RunStatus,
    TrainDriver,
    forward_graph,
    label_parameters,
)

SMALL = TrainConfig(samples=40, steps=20)  # quick to train, still moons


class Driven:
    """A TrainDriver on a thread of its own; its news is waited for (it tells when
    there is some), never polled."""

    def __init__(self, config: TrainConfig, *, play: bool = False) -> None:
        self._told = threading.Event()
        self.driver = TrainDriver(config, notify=self._told.set, play=play)
        self.thread = threading.Thread(target=self.driver.drive, daemon=True)
        self.thread.start()

    def news_until(self, condition, timeout: float = 30.0) -> News:
        """Take the news until ``condition(news)`` holds; return that news."""
        deadline = time.monotonic() + timeout
        while True:
            self._told.clear()  # before taking: news told meanwhile wakes the wait below
            news = self.driver.take_news()
            if condition(news):
                return news
            if not self._told.wait(deadline - time.monotonic()):
                raise AssertionError("timed out waiting for the driver's news")

    def run(self) -> TrainingRun:
        """The run, once the thread has made it."""
        return self.news_until(lambda news: news.run is not None).run

    def stop(self) -> None:
        self.driver.stop()
        self.thread.join(5)
        assert not self.thread.is_alive()


def test_the_driver_trains_to_the_end_and_reports_every_step():
    driven = Driven(SMALL, play=True)
    steps = []

    def ended(news: News) -> bool:
        steps.extend(news.steps)
        return news.status.ended

    news = driven.news_until(ended)
    driven.stop()
    assert news.status == RunStatus.FINISHED
    assert [f.report.step for f in steps] == list(range(20))
    assert steps[-1].report == driven.driver.run.history[-1]
    assert all(f.report.test_loss is None for f in steps)  # no test split
    assert news.seconds > 0


def test_the_driver_measures_the_test_loss_on_the_same_model():
    driven = Driven(SMALL.replace(test_fraction=0.25, alpha=0.0))
    run = driven.run()
    from engine.losses import hinge_loss

    expected = hinge_loss(predict(run.model, run.dataset.X_test), run.dataset.y_test).data
    driven.driver.step_once()
    (figures,) = driven.news_until(lambda news: news.steps).steps
    assert figures.report.test_loss == pytest.approx(expected)
    driven.stop()


def test_watched_points_are_scored_on_the_current_model():
    driven = Driven(SMALL)
    run = driven.run()
    mesh = Mesh(-1.0, 2.0, -1.0, 1.0, 4, 3)
    driven.driver.watch_points(mesh.points(), mesh)
    scores = driven.news_until(lambda news: news.scores is not None).scores
    assert scores.tag == mesh
    assert scores.values == tuple(predict(run.model, mesh.points()))
    assert len(scores.values) == 12
    driven.stop()


def test_training_settings_change_between_steps():
    driven = Driven(SMALL.replace(schedule="constant"))
    run = driven.run()
    driven.driver.change_training(learning_rate=0.25, steps=30)
    driven.driver.step_once()
    applied = []

    def stepped(news: News) -> bool:
        applied.append(news.applied)  # the change may come in news of its own
        return bool(news.steps)

    driven.news_until(stepped)
    assert run.history[0].learning_rate == 0.25
    assert run.config.steps == 30
    assert run.config in applied
    driven.driver.change_training(steps=1)  # it has taken 1 step already
    refused = driven.news_until(lambda news: news.refused).refused
    assert "already taken 1 steps" in refused
    driven.stop()


def test_a_diverging_run_stops_playing():
    driven = Driven(SMALL.replace(learning_rate=1e6), play=True)
    news = driven.news_until(lambda news: news.status == RunStatus.DIVERGED)
    assert not news.playing
    assert "too large" in news.message
    driven.stop()


def test_stopping_ends_the_thread_and_the_run():
    driven = Driven(SMALL.replace(steps=100_000), play=True)
    driven.news_until(lambda news: news.steps)
    driven.stop()
    assert driven.driver.run.status == RunStatus.CANCELLED


def test_the_inspected_forward_pass_is_a_labelled_copy():
    run = TrainingRun(SMALL)
    x = run.dataset.X_train[3]
    root = forward_graph(run.model, x)
    assert root.data == pytest.approx(predict(run.model, [x])[0])
    assert root.label == "score"
    labels = _labels(root)
    assert {"x1", "x2", "L1.N1.w1", "L1.N16.b", "L2.N3.w16", "L3.N1.b", "L1.N1", "L2.N16"} <= labels
    # A copy: the run's own parameters stay unlabelled and untouched by a backward pass.
    root.backward()
    assert all(p.label == "" and p.grad == 0.0 for p in run.model.parameters())


def test_parameters_are_labelled_by_place():
    run = TrainingRun(SMALL.replace(hidden=(3,)))
    label_parameters(run.model)
    assert [p.label for p in run.model.layers[0].neurons[1].parameters()] == [
        "L1.N2.w1",
        "L1.N2.w2",
        "L1.N2.b",
    ]


def _labels(root: Value) -> set[str]:
    from engine.value import topological_order

    return {v.label for v in topological_order(root) if v.label}
