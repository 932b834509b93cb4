"""Training on the learner's own engine, steered by the training lab like a TrainDriver.

A :class:`LearnerTrainDriver` offers the lab what a ``TrainDriver`` offers (commands,
``take_news``, ``drive`` on the screen's thread worker), but the network that trains is
the learner's ``MLP`` from their ``mygrad`` package, in a child Python
(``lessons.workbench.training`` through ``run_probe``, with
``lessons.workbench.training_match.TRAINING_LIMITS``). Its step reports and the scores
of the boundary's points stream back as events; play, pause, one step and the points to
score go to the child as commands, carried out between two steps; stopping kills the
child at once, mid-step if need be. Once the run has ended the child stays, idle, to score
the points the boundary asks for when the lab is resized, until the lab stops it.

Beside it, on this thread, the tutor's engine trains the same network from the same
weights (``BuiltInSteps``), a step at a time as the learner's reports come in, and
``News.match`` says how the two compare. What only the tutor's engine can do (a
sample's forward pass in the graph explorer, new training settings mid-run) is refused
with a word.

No Textual here.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from engine.cost import MICROGRAD, cost_problem
from engine.data import Dataset, make_dataset
from engine.train import StepReport, TrainConfig, rate_too_large
from lessons.workbench.results import ChildResult, Limits
from lessons.workbench.runner import run_probe
from lessons.workbench.training_match import (
    PROBE_MODULE,
    TRAINING_LIMITS,
    BuiltInSteps,
    EngineMatch,
    learner_config,
    step_report,
    stopped_text,
    training_args,
    unfit_text,
)
from tutor.dataset_cache import DatasetCache, settings_dataset
from tutor.train_driver import News, NewsDesk, RunStatus, Scores, StepFigures, failure_reason

__all__ = ["INSPECT_REFUSED", "LIVE_REFUSED", "LearnerRun", "LearnerTrainDriver"]

INSPECT_REFUSED = (
    "The graph explorer reads the tutor's engine: a forward pass through your engine "
    "stays in its own Python. Switch the engine to the tutor's (f, then r) to inspect."
)
LIVE_REFUSED = (
    "Your engine's run takes its training settings when it starts: press r to start "
    "a new run with these."
)


class LearnerRun:
    """What the lab reads of a run on the learner's engine, as of a ``TrainingRun``:
    ``config``, ``dataset``, ``history``, ``steps_done``, ``parameter_count``,
    ``status`` and ``message``. Changed only by the driver's thread."""

    engine = "yours (mygrad)"

    def __init__(self, config: TrainConfig, dataset: Dataset, parameter_count: int) -> None:
        self.config = config
        self.dataset = dataset
        self.parameter_count = parameter_count
        self.history: list[StepReport] = []
        self.steps_done = 0
        self.status = RunStatus.READY.value
        self.message = ""


class LearnerTrainDriver(NewsDesk):
    """Runs one training run on the learner's engine in ``workspace``, from the thread
    that calls :meth:`drive`. Commands may come from any thread."""

    def __init__(
        self,
        config: TrainConfig,
        dataset: Dataset | None = None,
        *,
        workspace: Path,
        notify: Callable[[], object] = lambda: None,
        play: bool = False,
        limits: Limits | None = None,
        cache: DatasetCache | None = None,
    ) -> None:
        super().__init__(notify, News(status=RunStatus.PREPARING))
        self.config = learner_config(config)
        self.dataset = dataset
        self.cache = cache  # where the settings' dataset may be kept (None: made afresh)
        self.workspace = Path(workspace)
        self.limits = limits if limits is not None else TRAINING_LIMITS
        self._playing = play
        self._commands: queue.SimpleQueue[dict] = queue.SimpleQueue()
        self._cancel = threading.Event()
        self._tags: dict[int, object] = {}
        self._next_tag = 0
        self._busy_from: float | None = time.monotonic() if play else None
        self._seconds = 0.0
        self._ready = False
        self._match: EngineMatch | None = None
        self._cancelled: Callable[[], bool] = lambda: False
        self.run: LearnerRun | None = None

    # -- commands (any thread)

    def play(self) -> None:
        self._set_playing(True)
        self._commands.put({"do": "play"})

    def pause(self) -> None:
        self._set_playing(False)
        self._commands.put({"do": "pause"})

    def step_once(self) -> None:
        """Pause, then take exactly one step."""
        self._set_playing(False)
        self._busy_from = time.monotonic()
        self._commands.put({"do": "step"})

    def watch_points(self, points: Sequence[Sequence[float]] | None, tag: object = None) -> None:
        """Keep scoring ``points`` with the learner's network (None: stop scoring)."""
        with self._lock:
            self._next_tag += 1
            number = self._next_tag
            self._tags = {number: tag}  # scores for older points are not wanted any more
        shown = None if points is None else [list(map(float, p)) for p in points]
        self._commands.put({"do": "points", "points": shown, "tag": number})

    def inspect(self, index: int | None) -> None:
        if index is not None:  # (None: stop following, which there is nothing to)
            self._refuse(INSPECT_REFUSED)

    def change_training(self, **changes: object) -> None:
        self._refuse(LIVE_REFUSED)

    def stop(self) -> None:
        """End the run now: the child is killed, mid-step if need be."""
        self._cancel.set()

    # -- the training thread

    def drive(self, cancelled: Callable[[], bool] = lambda: False) -> str:
        """Make the run, train it in a child Python until it ends or is stopped, and
        return its status."""
        config = self.config
        try:
            stopped = self._cancel.is_set
            dataset = (
                self.dataset
                or settings_dataset(config, self.cache, lambda: cancelled() or stopped())
                or make_dataset(
                    config.dataset, config.samples, config.noise, config.seed, config.test_fraction
                )
            )
            # The learner's Values take far more memory than the tutor's: their step is
            # bounded as the tutor's is, by what their engine would need.
            too_big = cost_problem(config, len(dataset.y_train), MICROGRAD)
            if too_big is not None:
                return self._end(RunStatus.FAILED, too_big[1], failed=True)
            builtin = BuiltInSteps(config, dataset)
        except Exception as error:  # e.g. scikit-learn missing, a refused config
            return self._end(RunStatus.FAILED, failure_reason(error), failed=True)
        if not self.workspace.is_dir():
            return self._end(
                RunStatus.FAILED,
                f"Your workspace {self.workspace} is not there: open the workbench "
                "(w in the lessons list) to make it.",
                failed=True,
            )
        self._match = EngineMatch(builtin)
        self.run = run = LearnerRun(config, dataset, len(builtin.initial))
        self._cancelled = cancelled
        args = training_args(config, dataset, builtin.initial, play=self._playing)
        done = run_probe(
            self.workspace,
            "train",
            args=args,
            limits=self.limits,
            probe_module=PROBE_MODULE,
            cancel=self._cancel,
            on_event=self._on_event,
            commands=self._commands,
        )
        return self._finish(run, builtin, done)

    def _on_event(self, event: dict) -> None:
        if self._cancelled():
            self._cancel.set()
        run = self.run
        assert run is not None and self._match is not None
        kind = event.get("kind")
        now = time.monotonic()
        with self._lock:
            news = self._news
            if kind == "ready":
                self._ready = True
                news.run = run
            elif kind == "step":
                report = step_report(event)
                if report is None:
                    return
                figures = StepFigures(report, now)
                if self._busy_from is not None:
                    self._seconds += now - self._busy_from
                self._busy_from = now if self._playing else None
                run.history.append(report)
                run.steps_done = report.step + 1
                run.status = RunStatus.RUNNING.value
                if run.steps_done >= run.config.steps:
                    run.status = RunStatus.FINISHED.value
                    run.message = f"Finished all {run.config.steps} steps."
                    self._playing = False
                news.steps.append(figures)
            elif kind == "scores":
                tag = self._tags.get(event.get("tag"), _UNWANTED)
                values = event.get("values")
                if tag is not _UNWANTED and isinstance(values, list):
                    steps_done = int(event.get("steps_done", run.steps_done))
                    news.scores = Scores(tag, tuple(map(float, values)), steps_done)
            elif kind == "diverged":
                run.status = RunStatus.DIVERGED.value
                self._playing = False
        # The tutor's engine steps outside the lock: the screen may take news meanwhile.
        if kind == "step" and report is not None:
            self._match.take(report)
        elif kind == "diverged":
            self._match.take_blow_up(int(event.get("step", run.steps_done)))
            parted = self._match.state().parting is not None
            run.message = _diverged_message(event, run.config.learning_rate, parted=parted)
        self._publish()

    def _finish(self, run: LearnerRun, builtin: BuiltInSteps, done: ChildResult) -> str:
        result = done.result or {}
        if done.status == "ok" and result.get("status") == "unfit":
            text = unfit_text(result, self.config, run.dataset.n_features)
            return self._end(RunStatus.FAILED, text, failed=True)
        if done.status == "ok":
            ended = result.get("status")
            if ended == "diverged" or run.status == RunStatus.DIVERGED:
                return self._end(RunStatus.DIVERGED, run.message)
            if ended == "finished":
                return self._end(RunStatus.FINISHED, f"Finished all {run.config.steps} steps.")
            return self._end(RunStatus.CANCELLED, self._stopped_message(run))
        if done.status == "killed" and not done.stopped_by:
            if run.status in (RunStatus.FINISHED, RunStatus.DIVERGED):
                return self._end(RunStatus(run.status), run.message)  # kept to score points
            return self._end(RunStatus.CANCELLED, self._stopped_message(run))
        if done.status == "refused":
            return self._end(RunStatus.FAILED, done.message, failed=True)
        text = stopped_text(
            done,
            self.limits,
            steps_done=run.steps_done,
            started=self._ready,
            per_step=builtin.seconds_per_step,
        )
        if not self._ready:
            return self._end(RunStatus.FAILED, text, failed=True)
        return self._end(RunStatus.ERROR, text)

    @staticmethod
    def _stopped_message(run: LearnerRun) -> str:
        return f"Training was stopped after {run.steps_done} of {run.config.steps} steps."

    def _end(self, status: RunStatus, message: str, *, failed: bool = False) -> str:
        self._playing = False
        run = self.run
        if run is not None:
            run.status, run.message = status.value, message
        if failed:
            with self._lock:
                self._news.failed = message
        self._publish(status, message)
        return status

    # -- telling the screen

    def _set_playing(self, playing: bool) -> None:
        if playing and not self._playing:
            self._busy_from = time.monotonic()
        self._playing = playing

    def _refuse(self, reason: str) -> None:
        with self._lock:
            self._news.refused = reason
        self._tell()

    def _publish(self, status: RunStatus | None = None, message: str | None = None) -> None:
        run = self.run
        with self._lock:
            news = self._news
            if status is None:
                status = RunStatus(run.status) if run is not None and self._ready else news.status
                message = run.message if run is not None else news.message
            news.status, news.message = status, message or ""
            news.playing = self._playing and status.active
            news.seconds = self._seconds
            if self._match is not None:
                news.match = self._match.state()
        self._tell()


_UNWANTED = object()


def _diverged_message(event: dict, learning_rate: float, *, parted: bool) -> str:
    """Why the learner's run blew up: the learning rate, unless the tutor's engine on
    the same run parted from it before (or did not blow up): then their engine."""
    what = str(event.get("what") or "The numbers blew up")
    where = event.get("where")
    if isinstance(where, dict) and where.get("file"):
        what += f" (in {where['file']}, line {where.get('line')})"
    if parted:
        return (
            f"{what}. The tutor's engine, on the same run, did not blow up: look at your "
            "engine's rules (the line above says where the two part), not the learning rate."
        )
    return rate_too_large(what, learning_rate)
