"""Training on a worker thread, steered by the training lab's screen.

A ``TrainDriver`` owns one ``TrainingRun``. A single thread (the screen's
thread worker) calls :meth:`TrainDriver.drive`: it makes the run, takes steps
back to back while playing, scores the points of the decision-boundary picture
now and then, and answers requests (one step, a forward pass to inspect). The
screen sends commands from the UI thread and collects what happened with
:meth:`TrainDriver.take_news` when it is told there is some.

Why one thread does everything that reads the model: scores or a forward pass
computed while a step is changing the weights would mix two different models.
Why news is collected rather than sent step by step: the UI redraws a few
times a second at most, and a message per step would only queue up behind it.

No Textual here, so the loop can be tested and reasoned about on its own.
"""

from __future__ import annotations

import copy
import queue
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from engine.data import Dataset, lecture_examples
from engine.nn import MLP
from engine.scoring import NeuronMaps, neuron_outputs
from engine.train import StepReport, TrainConfig, TrainingRun, predict
from engine.value import Value
from tutor.dataset_cache import DatasetCache, settings_dataset

if TYPE_CHECKING:
    from lessons.workbench.training_match import MatchState

__all__ = [
    "Inspection",
    "Mesh",
    "NeuronScores",
    "News",
    "NewsDesk",
    "RunStatus",
    "Scores",
    "StepFigures",
    "TrainDriver",
    "failure_reason",
    "forward_graph",
    "label_parameters",
    "named_dataset",
]


class RunStatus(StrEnum):
    """Where a run is; equal to the engine's ``TrainingRun.status`` strings."""

    PREPARING = "preparing"  # the lab's own, until the training thread has news
    READY = "ready"  # made, no step taken
    RUNNING = "running"  # steps taken, more to come
    FINISHED = "finished"
    DIVERGED = "diverged"
    CANCELLED = "cancelled"
    FAILED = "failed"  # the run could not be made, or the training thread failed
    ERROR = "error"  # the learner's engine raised an error or reached a limit mid-run

    @property
    def active(self) -> bool:
        """Whether the run can still take steps."""
        return self in _ACTIVE

    @property
    def ended(self) -> bool:
        """Whether the run can take no more steps (a new one is needed)."""
        return self in _ENDED


_ACTIVE = (RunStatus.READY, RunStatus.RUNNING)
_ENDED = (
    RunStatus.FINISHED,
    RunStatus.DIVERGED,
    RunStatus.CANCELLED,
    RunStatus.FAILED,
    RunStatus.ERROR,
)


@dataclass(frozen=True)
class StepFigures:
    """One step, as the charts need it."""

    report: StepReport  # its test_loss: the same loss on the test set, None without one
    at: float  # time.monotonic() when the step ended, for steps per second


@dataclass(frozen=True)
class Mesh:
    """A grid of ``cols`` × ``rows`` points spread evenly from ``(x0, y0)`` to
    ``(x1, y1)``, corners included: where the boundary picture scores the model."""

    x0: float
    x1: float
    y0: float
    y1: float
    cols: int
    rows: int

    def xs(self) -> list[float]:
        return _spread(self.x0, self.x1, self.cols)

    def ys(self) -> list[float]:
        return _spread(self.y0, self.y1, self.rows)

    def points(self) -> list[tuple[float, float]]:
        """Row by row from the bottom (``y0``), each row from the left (``x0``)."""
        xs = self.xs()
        return [(x, y) for y in self.ys() for x in xs]


def _spread(start: float, stop: float, n: int) -> list[float]:
    if n == 1:
        return [(start + stop) / 2]
    return [start + (stop - start) * i / (n - 1) for i in range(n)]


@dataclass(frozen=True)
class Scores:
    """The model's scores for the points asked for with ``watch_points``."""

    tag: object  # what the points were asked for with (a Mesh, or the samples)
    values: tuple[float, ...]
    steps_done: int  # the model after this many steps


@dataclass(frozen=True)
class NeuronScores:
    """Every hidden neuron's output over ``mesh`` (``mesh.points()`` order), for
    the lab's panel of what each neuron sees."""

    mesh: Mesh
    maps: NeuronMaps
    steps_done: int


@dataclass(frozen=True)
class Inspection:
    """A forward pass through a copy of the model, for the graph explorer."""

    index: int  # which training sample (0-based)
    root: Value  # the model's score for it: a graph of its own, labelled by place
    steps_done: int


@dataclass
class News:
    """What happened since the screen last asked."""

    run: TrainingRun | None = None  # the run, once, when it is ready
    failed: str = ""  # why the run could not be made (status is then FAILED)
    steps: list[StepFigures] = field(default_factory=list)
    scores: Scores | None = None  # the latest only
    neurons: NeuronScores | None = None  # the latest only
    inspection: Inspection | None = None
    applied: TrainConfig | None = None  # a change of training settings took effect
    refused: str = ""  # ... or could not, and why
    status: RunStatus = RunStatus.READY
    message: str = ""
    playing: bool = False
    seconds: float = 0.0  # time the run has spent training (steps and scoring) so far
    match: MatchState | None = None  # a run on the learner's engine: how it compares


DATASETS = {"lecture": ("the lecture's examples", lecture_examples)}
"""Named datasets a lesson may train on instead of one made from the settings."""


def named_dataset(dataset: str | Dataset) -> tuple[str, Dataset | None]:
    """(a note for the form, the Dataset) for ``"moons"`` (None: made from the
    settings, whichever dataset they name), a name in :data:`DATASETS`, or a ``Dataset``."""
    if isinstance(dataset, Dataset):
        return f"the dataset {dataset.name!r}", dataset
    if dataset == "moons":
        return "", None
    if dataset in DATASETS:
        note, make = DATASETS[dataset]
        return note, make()
    raise ValueError(f"unknown dataset {dataset!r}: moons, or one of {', '.join(DATASETS)}")


def label_parameters(model: MLP) -> None:
    """Name every parameter by its place: ``L1.N3.w2`` is layer 1, neuron 3,
    weight 2 (all counted from 1), ``L1.N3.b`` its bias. Labels change no number."""
    for i, layer in enumerate(model.layers, 1):
        for j, neuron in enumerate(layer.neurons, 1):
            for k, w in enumerate(neuron.w, 1):
                w.label = w.label or f"L{i}.N{j}.w{k}"
            neuron.b.label = neuron.b.label or f"L{i}.N{j}.b"


def forward_graph(model: MLP, x: Sequence[float]) -> Value:
    """``model(x)`` on a copy of ``model``, with the inputs (``x1``, ``x2``),
    the parameters and every neuron's output (``L1.N3``) labelled.

    The copy keeps the graph apart from training: a backward pass in the
    explorer cannot touch the grads of the run, nor a later step its numbers.
    """
    snapshot = copy.deepcopy(model)
    label_parameters(snapshot)
    values: list[Value] = [Value(xi, f"x{k}") for k, xi in enumerate(x, 1)]
    # MLP.__call__'s loop, one layer at a time, so each neuron's output can be named.
    for i, layer in enumerate(snapshot.layers, 1):
        out = layer(values)
        values = [out] if isinstance(out, Value) else list(out)
        for j, v in enumerate(values, 1):
            v.label = f"L{i}.N{j}"
    if len(values) != 1:
        raise ValueError("the model must give one score per point")
    values[0].label = "score"
    return values[0]


def failure_reason(error: BaseException) -> str:
    """Why a run could not be made, in words: a refused setting says it itself; an
    error with no words of its own (``MemoryError()``) is named by its kind."""
    if isinstance(error, ValueError) and str(error):
        return str(error)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


class NewsDesk:
    """News for the lab's screen, gathered by a training thread and taken by the UI.

    The training thread adds to ``_news`` under ``_lock`` and calls :meth:`_tell`; the
    screen is notified once until it calls :meth:`take_news`. Both drivers (the tutor's
    engine and the learner's) hand over their news this way.
    """

    def __init__(self, notify: Callable[[], object], news: News) -> None:
        self._notify = notify
        self._lock = threading.Lock()
        self._news = news
        self._told_at: float | None = None  # when the screen was told of news not yet taken
        self._last_told = 0.0

    def take_news(self) -> News:
        """Everything that happened since the last call (UI thread)."""
        with self._lock:
            news = self._news
            # The next news starts from the state just handed over.
            self._news = News(
                status=news.status,
                message=news.message,
                playing=news.playing,
                seconds=news.seconds,
                match=news.match,
            )
            self._told_at = None
        return news

    def _tell(self) -> None:
        with self._lock:
            if self._told_at is not None:
                return  # the screen already knows there is news
            self._told_at = self._last_told = time.monotonic()
        self._notify()


class TrainDriver(NewsDesk):
    """Runs one training run on the thread that calls :meth:`drive`.

    Commands (``play``, ``pause``, ``step_once``, ``watch_points``, ``inspect``,
    ``change_training``, ``stop``) may come from any thread; they are queued and
    carried out between steps. ``notify()`` is called from the training thread
    when news is waiting and the screen has not been told yet; the screen then
    calls ``take_news()``.
    """

    MIN_SCORE_INTERVAL = 0.5
    """Score the watched points at most twice a second while training..."""

    SCORE_SHARE = 0.1
    """... and let scoring take at most about this share of the time."""

    SLOW_DOWN_AFTER = 0.5
    """Seconds of news left untaken after which the trainer yields to the UI."""

    TELL_STEPS_EVERY = 0.1
    """Seconds between two notices of new steps, at least (each costs the UI a message)."""

    RATE_SEARCH_SECONDS = 2.0
    """How long a diverged run may spend trying smaller learning rates."""

    def __init__(
        self,
        config: TrainConfig,
        dataset: Dataset | None = None,
        *,
        notify: Callable[[], object] = lambda: None,
        play: bool = False,
        weight_seed: int | None = None,
        cache: DatasetCache | None = None,
    ) -> None:
        super().__init__(notify, News())
        self.config = config
        self.dataset = dataset
        self.cache = cache
        """Where the settings' dataset may be kept and read back (None: made afresh)."""
        self.weight_seed = weight_seed
        """Where the first weights come from; None: from the config's seed, with the data."""
        self._neuron_mesh: Mesh | None = None
        self._neurons_scored: tuple[Mesh, int] | None = None
        self._followed: int | None = None  # the training sample whose pass is followed
        self._inspected = -1  # steps done when it was last made
        self._next_inspect_at = 0.0
        self._commands: queue.SimpleQueue[tuple[str, object]] = queue.SimpleQueue()
        self._stopped = threading.Event()
        self._playing = play
        self._points: tuple[object, list[tuple[float, ...]]] | None = None
        self._scored: tuple[object, int] | None = None  # (tag, steps_done) of the last scores
        self._next_score_at = 0.0
        self._published: tuple[str, str, bool] | None = None  # the state last handed over
        self._seconds = 0.0
        self.run: TrainingRun | None = None  # set by the training thread once made

    # -- commands (any thread)

    def play(self) -> None:
        self._commands.put(("play", None))

    def pause(self) -> None:
        """Stop playing; a long step under way is dropped at once, not finished."""
        self._commands.put(("pause", None))
        run = self.run
        if run is not None:
            run.interrupt()

    def step_once(self) -> None:
        """Pause, then take exactly one step."""
        self._commands.put(("step", None))

    def watch_points(self, points: Sequence[Sequence[float]] | None, tag: object = None) -> None:
        """Keep scoring ``points`` as the model changes (None: stop scoring)."""
        watched = None if points is None else (tag, [tuple(p) for p in points])
        self._commands.put(("points", watched))

    def watch_neurons(self, mesh: Mesh | None) -> None:
        """Keep computing every hidden neuron's output over ``mesh`` (None: stop)."""
        self._commands.put(("neurons", mesh))

    def inspect(self, index: int | None) -> None:
        """Make a forward pass for training sample ``index`` (0-based) on a copy of
        the model, and again whenever steps have changed the model, until told
        ``inspect(None)``: the explorer showing it follows the training."""
        self._commands.put(("inspect", index))

    def change_training(self, **changes: object) -> None:
        """Change training settings (learning rate, schedule, alpha, batch size,
        steps) from the next step on."""
        self._commands.put(("change", changes))

    def stop(self) -> None:
        """End the loop (and the run) soon; safe from any thread."""
        self._stopped.set()
        run = self.run
        if run is not None:
            run.cancel()
        self._commands.put(("stop", None))

    # -- the training thread

    def drive(self, cancelled: Callable[[], bool] = lambda: False) -> str:
        """Make the run and serve commands until stopped; returns the run's status."""
        try:
            stopped = self._stopped.is_set
            dataset = self.dataset or settings_dataset(
                self.config, self.cache, lambda: cancelled() or stopped()
            )
            run = TrainingRun(self.config, dataset=dataset, model=self._first_model())
        except Exception as error:  # e.g. scikit-learn missing: say so rather than hang
            reason = failure_reason(error)
            with self._lock:
                self._news.failed = reason
                self._news.status, self._news.message = RunStatus.FAILED, reason
            self._tell()
            return RunStatus.FAILED
        self.run = run
        with self._lock:
            self._news.run = run
        self._publish(run)
        try:
            while not (cancelled() or self._stopped.is_set()):
                active = run.status in _ACTIVE
                self._serve_commands(run, wait=not (self._playing and active))
                if self._stopped.is_set() or cancelled():
                    break
                if self._playing and run.status in _ACTIVE:
                    self._yield_if_behind()
                    self._take_step(run)
                self._score_if_due(run)
                self._inspect_if_due(run)
                self._publish(run)
        finally:
            run.cancel()  # no-op once finished or diverged
            self._publish(run)
        return run.status

    def _first_model(self) -> MLP | None:
        """The model to start from when its weights have a seed of their own (None:
        the run makes it from the config's seed, as the data)."""
        if self.weight_seed is None:
            return None
        cfg = self.config
        cfg.validate()  # a refused setting says so before the model is made
        n_features = 2 if self.dataset is None else self.dataset.n_features
        rng = random.Random(self.weight_seed)
        return MLP(n_features, [*cfg.hidden, 1], activation=cfg.activation, rng=rng)

    def _serve_commands(self, run: TrainingRun, *, wait: bool) -> None:
        try:  # idle: wait a little for a command (and look at `cancelled` again soon)
            command, argument = self._commands.get(timeout=0.1 if wait else 0)
        except queue.Empty:
            return
        while True:
            self._carry_out(run, command, argument)
            try:
                command, argument = self._commands.get_nowait()
            except queue.Empty:
                return

    def _carry_out(self, run: TrainingRun, command: str, argument: object) -> None:
        if command == "play":
            self._playing = run.status in _ACTIVE
        elif command == "pause":
            self._playing = False
        elif command == "step":
            self._playing = False
            if run.status in _ACTIVE:
                self._take_step(run)
        elif command == "points":
            self._points = argument  # type: ignore[assignment]
            self._scored = None
        elif command == "neurons":
            self._neuron_mesh = argument  # type: ignore[assignment]
            self._neurons_scored = None
        elif command == "inspect":
            index = self._followed = argument  # type: ignore[assignment]
            if index is None:
                return
            if not (isinstance(index, int) and 0 <= index < len(run.dataset.X_train)):
                with self._lock:
                    self._news.refused = f"There is no training sample {index!r} to inspect."
                self._followed = None
                return
            self._inspect(run)
        elif command == "change":
            self._change(run, argument)  # type: ignore[arg-type]

    def _change(self, run: TrainingRun, changes: dict[str, object]) -> None:
        refused = ""
        steps = changes.get("steps", run.config.steps)
        if run.status not in _ACTIVE:
            refused = f"This run has {run.status}: press r to start a new one with these settings."
        elif isinstance(steps, int) and steps <= run.steps_done:
            refused = (
                f"This run has already taken {run.steps_done} steps, so it cannot stop at "
                f"{steps}: press r to start a new run with it."
            )
        else:
            # Each step reads the run's config afresh, so the next step uses these.
            run.config = run.config.replace(**changes)
        with self._lock:
            if refused:
                self._news.refused = refused
            else:
                self._news.applied = run.config

    def _take_step(self, run: TrainingRun) -> None:
        if run.status == RunStatus.READY:  # a first step may be long: say it has begun
            self._publish(run, RunStatus.RUNNING)
        began = time.monotonic()
        report = run.step()
        self._seconds += time.monotonic() - began
        if report is None:  # diverged (status and message say why), or stopped
            self._playing = False
            if run.status == RunStatus.DIVERGED:
                self._publish(run)  # say so at once; then look for a rate that works
                run.find_working_rate(self.RATE_SEARCH_SECONDS, should_stop=self._stopped.is_set)
            return
        figures = StepFigures(report, time.monotonic())
        with self._lock:
            self._news.steps.append(figures)
        if run.status not in _ACTIVE:
            self._playing = False

    def _score_if_due(self, run: TrainingRun) -> None:
        """Score the watched points (and the neurons' mesh) for the model as it is
        now, if a step landed since they were last scored and it is time to."""
        mesh = self._neuron_mesh if isinstance(run.model, MLP) else None
        points_due = self._points is not None and self._scored != (
            self._points[0],
            run.steps_done,
        )
        neurons_due = mesh is not None and self._neurons_scored != (mesh, run.steps_done)
        if not (points_due or neurons_due):
            return  # scored on this very model already
        now = time.monotonic()
        if self._playing and run.status in _ACTIVE and now < self._next_score_at:
            return
        scores = neurons = None
        if points_due and self._points is not None:
            tag, points = self._points
            scores = Scores(tag, tuple(predict(run.model, points)), run.steps_done)
            self._scored = (tag, run.steps_done)
        if neurons_due and mesh is not None:
            maps = neuron_outputs(run.model, mesh.points())
            neurons = NeuronScores(mesh, maps, run.steps_done)
            self._neurons_scored = (mesh, run.steps_done)
        cost = time.monotonic() - now
        self._seconds += cost
        self._next_score_at = now + max(self.MIN_SCORE_INTERVAL, cost / self.SCORE_SHARE)
        with self._lock:
            if scores is not None:
                self._news.scores = scores
            if neurons is not None:
                self._news.neurons = neurons

    def _inspect(self, run: TrainingRun) -> None:
        index = self._followed
        assert index is not None
        root = forward_graph(run.model, run.dataset.X_train[index])
        self._inspected = run.steps_done
        self._next_inspect_at = time.monotonic() + self.MIN_SCORE_INTERVAL
        with self._lock:
            self._news.inspection = Inspection(index, root, run.steps_done)

    def _inspect_if_due(self, run: TrainingRun) -> None:
        """The followed sample's pass again, once steps have landed (while playing,
        at most as often as the boundary is scored: the explorer redraws a tree)."""
        if self._followed is None or self._inspected == run.steps_done:
            return
        if self._playing and time.monotonic() < self._next_inspect_at:
            return
        self._inspect(run)

    def _yield_if_behind(self) -> None:
        """When the screen has not taken the news for a while, it is short of
        time (the GIL is shared): pause a moment so it can catch up."""
        told_at = self._told_at
        if told_at is not None and time.monotonic() - told_at > self.SLOW_DOWN_AFTER:
            time.sleep(0.02)

    def _publish(self, run: TrainingRun, status: RunStatus | None = None) -> None:
        state = (status or RunStatus(run.status), run.message, self._playing)
        now = time.monotonic()
        with self._lock:
            news = self._news
            news.status, news.message, news.playing = state
            news.seconds = self._seconds
            # Answers to the screen's requests and changes of state go at once;
            # plain steps wait a little, since the screen draws only so often.
            urgent = state != self._published or bool(
                news.run or news.failed or news.scores or news.neurons or news.inspection
            )
            urgent = urgent or bool(news.applied or news.refused)
            steps_due = bool(news.steps) and now - self._last_told >= self.TELL_STEPS_EVERY
            self._published = state
        if urgent or steps_due:
            self._tell()
