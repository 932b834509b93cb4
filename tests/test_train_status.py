"""The training lab's status line, as text."""

from __future__ import annotations

import pytest

from engine.train import TrainConfig, TrainingRun
from tutor.train_driver import RunStatus
from tutor.train_status import fit, status_parts, steps_per_second


@pytest.fixture(scope="module")
def run() -> TrainingRun:
    run = TrainingRun(TrainConfig(samples=20, hidden=(4,), steps=3, test_fraction=0.25))
    run.run()
    return run


def test_the_mark_says_what_the_run_is_doing():
    def mark(status: RunStatus, playing: bool = False) -> str:
        return fit(status_parts(status, None, playing=playing), 80)

    assert mark(RunStatus.READY) == "‖ ready"
    assert mark(RunStatus.RUNNING) == "‖ paused"
    assert mark(RunStatus.RUNNING, playing=True) == "▶ training"
    assert mark(RunStatus.PREPARING) == "… preparing the data"
    assert mark(RunStatus.DIVERGED) == "✗ diverged"
    assert mark(RunStatus.FAILED) == "✗ could not start"


def test_a_finished_run_shows_its_figures_and_narrow_lines_drop_the_least_needed(run):
    last = run.history[-1]
    parts = status_parts(RunStatus.FINISHED, run, playing=False, seconds=0.25, goal_met=True)
    line = fit(parts, 200)
    assert line.startswith("✓ finished  step 3/3  in 250 ms  loss ")
    assert f"train {last.train_accuracy:.0%}  test {last.test_accuracy:.0%}" in line
    assert line.endswith(f"{run.parameter_count} params  goal ✓")
    narrow = fit(parts, 40)
    assert len(narrow) <= 40 and "params" not in narrow and "step 3/3" in narrow
    assert fit(parts, 1) == "✓ finished"  # the mark always stays


def test_steps_per_second_over_the_latest_steps():
    assert steps_per_second([]) is None
    assert steps_per_second([5.0]) is None
    assert steps_per_second([0.0, 5.0, 5.5, 6.0]) == pytest.approx(2.0)  # 0.0 is too old
