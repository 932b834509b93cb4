"""Training on the learner's own engine in a child Python (``lessons.workbench.training``)
against the tutor's engine on the same run (``lessons.workbench.training_match``), and
the runner's part in it: commands, idle time, the quiet timeout, the print cap.

Each test's child run is shared by its assertions; the networks are small (40 moons,
one hidden layer of 6), so a run takes a fraction of a second."""

from __future__ import annotations

import queue
import re
import threading
import time

import pytest
from training_support import (
    SMALL,
    in_neuron_call,
    learner_workspace,
    planted_nn,
    train_in_child,
    with_calls,
)
from workbench_helpers import REFERENCE_ENGINE, plant

from engine.train import TrainConfig, predict
from lessons.progress import ProgressStore
from lessons.workbench import exercises as course
from lessons.workbench import progress as workbench_progress
from lessons.workbench import training_match
from lessons.workbench.exercises import Exercise
from lessons.workbench.results import Limits
from lessons.workbench.training_match import (
    TOLERANCE,
    TRAINING_LIMITS,
    compare_with_engine,
    stopped_text,
    unfit_text,
)

POINTS = [(-1.0, 0.5), (0.0, 0.0), (1.5, -0.5), (2.0, 1.0)]

HANG = in_neuron_call(
    "        _calls.append(1)\n"
    "        if len(_calls) > 1500:\n"
    "            while True:\n"
    "                pass\n"
)


@pytest.fixture(scope="module")
def reference_workspace(tmp_path_factory):
    return learner_workspace(tmp_path_factory.mktemp("mine"))


@pytest.mark.parametrize(
    "config",
    [
        SMALL.replace(alpha=1e-3),  # hinge, full batch, L2
        SMALL.replace(loss="mse", batch_size=10, test_fraction=0.25, learning_rate=0.3),
    ],
    ids=["hinge-full-batch", "mse-batches-of-10"],
)
def test_a_correct_engine_trains_step_for_step_as_the_tutors(reference_workspace, config):
    trained = train_in_child(reference_workspace, config, points=POINTS)
    assert trained.done.status == "ok", trained.done.message
    assert trained.done.result == {"status": "finished", "steps_done": 12}
    state = trained.match.state()
    assert state.matched and state.steps == 12, state.text
    assert "matches the tutor's" in state.text and "over 12 steps" in state.text
    tutors = trained.builtin.run.history
    for yours, theirs in zip(trained.reports, tutors, strict=True):
        assert yours.loss == pytest.approx(theirs.loss, rel=TOLERANCE, abs=TOLERANCE)
        assert yours.grad_norm == pytest.approx(theirs.grad_norm, rel=TOLERANCE, abs=TOLERANCE)
        assert yours.learning_rate == theirs.learning_rate
        assert yours.train_accuracy == theirs.train_accuracy
        assert yours.test_accuracy == theirs.test_accuracy
    steps = [e for e in trained.events if e["kind"] == "step"]
    assert (steps[0]["test_loss"] is None) == (config.test_fraction == 0)
    # The boundary's points are scored by the learner's network, after the last step too.
    last = [e for e in trained.events if e["kind"] == "scores"][-1]
    assert last["steps_done"] == 12 and last["tag"] == 1
    expected = predict(trained.builtin.run.model, POINTS)
    assert last["values"] == pytest.approx(expected, abs=1e-9)


def test_a_wrong_local_rule_parts_at_the_first_step_in_the_gradients(tmp_path):
    # *'s rule with a node's own data: the lecture's best-known slip
    engine = plant(
        REFERENCE_ENGINE,
        ("self.grad += other.data * out.grad", "self.grad += self.data * out.grad"),
    )
    trained = train_in_child(learner_workspace(tmp_path, engine=engine), SMALL.replace(steps=3))
    parting = trained.match.state().parting
    assert parting is not None and (parting.step, parting.what) == (0, "grad_norm")
    text = parting.text()
    assert text.startswith("Your engine and the tutor's part at step 1: gradient length ")
    assert "backward pass differs" in text and "local rules" in text
    assert trained.done.status == "ok"  # the learner's run goes on: its charts show it


def test_a_zero_grad_that_resets_nothing_parts_at_the_second_step(tmp_path):
    nn = planted_nn(("            p.grad = 0.0", "            pass"))
    trained = train_in_child(learner_workspace(tmp_path, nn=nn), SMALL.replace(steps=3))
    parting = trained.match.state().parting
    assert parting is not None and (parting.step, parting.what) == (1, "grad_norm")
    assert trained.reports[1].loss == trained.builtin.run.history[1].loss  # same until then
    assert "zero_grad() must set every parameter's grad back to 0" in parting.text()


def test_a_network_that_cannot_take_the_run_is_told_why(tmp_path):
    no_bias = planted_nn(("return self.w + [self.b]", "return self.w"))
    trained = train_in_child(learner_workspace(tmp_path / "a", nn=no_bias))
    assert trained.done.result["status"] == "unfit"
    text = unfit_text(trained.done.result, trained.config)
    assert text.startswith("Your MLP(2, [6, 1]) has 18 parameters; the tutor's has 25.")
    assert "are the biases left out of parameters()?" in text

    lists = planted_nn(("return outs[0] if len(outs) == 1 else outs", "return outs"))
    trained = train_in_child(learner_workspace(tmp_path / "b", nn=lists))
    text = unfit_text(trained.done.result, trained.config)
    assert "gives a list of 1 for one point, not a single Value" in text
    assert [e["kind"] for e in trained.events] == []  # no "ready": nothing trained


def test_exercise_17s_verdict_a_short_comparison_on_the_moons(reference_workspace, tmp_path):
    config = TrainConfig(samples=40, hidden=(4,))
    verdict = compare_with_engine(reference_workspace, config=config)
    assert verdict.passed and verdict.steps == 10, verdict.message
    assert verdict.message.startswith("Your engine trains on the moons as the tutor's does")

    stub = learner_workspace(tmp_path, nn="class Module:\n    pass\n")  # no MLP yet
    verdict = compare_with_engine(stub, config=config)
    assert not verdict.passed and verdict.steps == 0
    assert verdict.message.startswith("Your engine stopped while making your network. ")
    assert "ImportError" in verdict.message and "MLP" in verdict.message


def test_a_right_but_slow_engine_passes_and_is_told_where_to_look(reference_workspace, monkeypatch):
    config = TrainConfig(samples=40, hidden=(4,))
    verdict = compare_with_engine(reference_workspace, config=config)
    assert verdict.passed and "a step" not in verdict.message  # quick: no word of speed
    assert training_match.slow_text(1.9) == "" and "2.5 s a step" in training_match.slow_text(2.5)
    monkeypatch.setattr(training_match, "SLOW_STEP", 0.0)  # any engine is slow now
    verdict = compare_with_engine(reference_workspace, config=config)
    assert verdict.passed
    assert re.search(r"It took \d+ ms a step, where a lecture-style engine", verdict.message)
    assert "Is visited, in backward(), a list?" in verdict.message


def test_an_engine_that_hangs_is_stopped_by_the_quiet_timeout(tmp_path):
    workspace = learner_workspace(tmp_path, nn=with_calls(planted_nn(HANG)))
    limits = Limits(cpu_seconds=30, wall_seconds=30.0, quiet_seconds=1.0)
    began = time.monotonic()
    trained = train_in_child(workspace, SMALL.replace(steps=100), limits=limits)
    assert time.monotonic() - began < 10
    done = trained.done
    assert (done.status, done.stopped_by) == ("timeout", "quiet")
    text = stopped_text(done, limits, steps_done=len(trained.reports), started=True, per_step=0.004)
    assert text.startswith(
        f"Your engine took more than 1 second for one step (the tutor's takes 4 ms a step "
        f"here) and was stopped at step {len(trained.reports) + 1}."
    )
    assert 3 <= len(trained.reports) < 10


def test_a_memory_grab_and_a_print_flood_are_stopped_with_words(tmp_path):
    grab = with_calls(
        planted_nn(
            in_neuron_call(
                "        _calls.append(1)\n"
                "        if len(_calls) > 700:\n"
                "            _calls.append(bytearray(2 << 30))\n"
            )
        )
    )
    trained = train_in_child(learner_workspace(tmp_path / "a", nn=grab))
    done = trained.done
    assert done.status == "error" and done.error.kind == "MemoryError"
    text = stopped_text(done, TRAINING_LIMITS, steps_done=len(trained.reports), started=True)
    assert text.startswith(
        f"Your engine needed more than 1 GB of memory at step {len(trained.reports) + 1}"
    )

    flood = planted_nn(in_neuron_call("        print('x' * 1000)\n"))
    trained = train_in_child(learner_workspace(tmp_path / "b", nn=flood), SMALL.replace(steps=50))
    done = trained.done
    assert (done.status, done.stopped_by) == ("killed", "output")
    assert len(done.output) < 70_000  # kept: the usual 64 KB
    text = stopped_text(done, TRAINING_LIMITS, steps_done=len(trained.reports), started=True)
    assert text.startswith("Your engine printed more than 1 MB and was stopped at step ")
    assert "Its first line: 'xxxx" in text


def test_a_paused_run_waits_for_play_and_its_clocks_stand_still_meanwhile(reference_workspace):
    commands: queue.SimpleQueue = queue.SimpleQueue()
    limits = Limits(cpu_seconds=30, wall_seconds=1.2, quiet_seconds=1.0)
    ready, finished = threading.Event(), threading.Event()

    def on_event(event: dict) -> None:
        if event["kind"] == "ready":
            ready.set()
        elif event["kind"] == "step" and event["step"] == 11:
            finished.set()

    def steer() -> None:
        ready.wait(10)
        time.sleep(1.5)  # longer than the wall clock and the quiet timeout allow
        commands.put({"do": "step"})
        time.sleep(0.3)
        commands.put({"do": "play"})
        finished.wait(10)
        time.sleep(0.3)  # ended, the network stays, idle, to score points
        commands.put({"do": "points", "points": POINTS, "tag": 2})
        time.sleep(0.2)
        commands.put({"do": "stop"})

    steering = threading.Thread(target=steer)
    steering.start()
    trained = train_in_child(
        reference_workspace, limits=limits, commands=commands, play=False, on_event=on_event
    )
    steering.join()
    assert trained.done.status == "ok", trained.done.message
    assert trained.done.result == {"status": "finished", "steps_done": 12}
    assert trained.done.seconds > 2.0 and trained.match.state().matched
    last = trained.events[-1]
    assert (last["kind"], last["tag"], last["steps_done"]) == ("scores", 2, 12)


# -- when the lab offers the learner's engine ------------------------------------------------


def _fake_course(monkeypatch, numbers):
    exercises = tuple(
        Exercise(number=n, id=f"ex{n}", title=f"Exercise {n}", prose="", task="", hints=())
        for n in numbers
    )
    monkeypatch.setattr(workbench_progress, "EXERCISES", exercises)
    return exercises


def test_the_engine_is_ready_when_every_exercise_up_to_15_has_passed(tmp_path, monkeypatch):
    store = ProgressStore(tmp_path)
    assert not workbench_progress.engine_ready(store)
    for exercise in course.EXERCISES:
        if exercise.number <= 15:
            workbench_progress.mark_passed(store, exercise.id)
    assert workbench_progress.engine_ready(store)  # the course as it is today

    exercises = _fake_course(monkeypatch, range(1, 18))
    store = ProgressStore(tmp_path / "fake")
    for exercise in exercises[:14]:
        workbench_progress.mark_passed(store, exercise.id)
    assert not workbench_progress.engine_ready(store)  # 15 is missing
    workbench_progress.mark_passed(store, "ex15")
    assert workbench_progress.engine_ready(store)  # 16 and 17 are not needed


def test_the_milestone_is_recorded_once_and_only_when_the_course_has_it(tmp_path, monkeypatch):
    _fake_course(monkeypatch, range(1, 12))
    store = ProgressStore(tmp_path)
    assert not workbench_progress.record_engine_match(store)
    _fake_course(monkeypatch, range(1, 18))
    assert workbench_progress.record_engine_match(store)
    assert workbench_progress.is_passed(store, "ex17")
    assert not workbench_progress.record_engine_match(store)  # passed already
