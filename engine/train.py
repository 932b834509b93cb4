"""Training a model by gradient descent, one step at a time.

A ``TrainingRun`` repeats micrograd's demo loop::

    scores = [model(x) for x in X]              # forward
    loss = data_loss(scores, y) + l2_penalty     # how wrong, plus a pull towards small weights
    model.zero_grad()                            # forget the last step's gradients
    loss.backward()                              # which way is downhill for every parameter
    p.data -= learning_rate * p.grad             # take a small step downhill

It reports each step, stops by itself when the numbers blow up, and can be
driven from a worker thread while another thread reads its reports.
"""

from __future__ import annotations

import dataclasses
import math
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from engine import ops
from engine.config import LOSSES, SCHEDULES, SETTINGS, setting_problem, training_set_size
from engine.config import is_number as _is_number
from engine.config import is_whole as _is_whole
from engine.data import Dataset, make_moons
from engine.losses import accuracy, hinge_loss, l2_penalty, mse_loss
from engine.nn import MLP, Layer, Module, Neuron
from engine.ops import dot
from engine.value import Value

__all__ = [
    "LOSSES",
    "SCHEDULES",
    "STATUSES",
    "DecisionGrid",
    "StepReport",
    "TrainConfig",
    "TrainingRun",
    "decision_grid",
    "predict",
    "rate_too_large",
]

STATUSES = ("ready", "running", "finished", "diverged", "cancelled")

_LOSS_FUNCTIONS = {"hinge": hinge_loss, "mse": mse_loss}


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run. The defaults are micrograd's demo:
    100 moons with noise 0.1, an MLP with two hidden layers of 16 ReLU neurons,
    the hinge loss plus ``1e-4 * sum(p*p)``, and 100 full-batch steps with the
    learning rate falling linearly from 1.0 towards 0.1.

    Making a config never fails; ``problems_by_field()`` says what is wrong with
    each field in plain words, checked by the rows of ``engine.config.SETTINGS``;
    ``problems()`` lists the same reasons, and ``validate()`` raises them as one
    ``ValueError``.
    """

    samples: int = 100
    noise: float = 0.1
    test_fraction: float = 0.0
    seed: int = 1337
    hidden: tuple[int, ...] = (16, 16)
    activation: str = "relu"
    loss: str = "hinge"
    learning_rate: float = 1.0
    schedule: str = "linear"
    alpha: float = 1e-4
    batch_size: int | None = None
    steps: int = 100

    def __post_init__(self) -> None:
        if isinstance(self.hidden, list):  # hidden=[16, 16] is too natural to refuse
            object.__setattr__(self, "hidden", tuple(self.hidden))

    def problems_by_field(self, n_train: int | None = None) -> dict[str, str]:
        """What is wrong with this config: field name → one plain-English sentence,
        for the fields that have a problem, in the order of ``SETTINGS``.

        ``n_train`` is the size of the training set when the data does not come
        from ``samples`` and ``test_fraction`` (the batch size must fit in it).
        """
        if n_train is None:
            n_train = training_set_size(self.samples, self.test_fraction)
        found = {}
        for setting in SETTINGS:
            problem = setting_problem(setting, getattr(self, setting.name), n_train)
            if problem is not None:
                found[setting.name] = problem
        return found

    def problems(self, n_train: int | None = None) -> list[str]:
        """What is wrong with this config, one plain-English sentence per problem."""
        return list(self.problems_by_field(n_train).values())

    def validate(self) -> None:
        """Raise ``ValueError`` listing every problem, if there are any."""
        found = self.problems()
        if found:
            raise ValueError(" ".join(found))

    def replace(self, **changes: object) -> TrainConfig:
        """A copy with some fields changed: ``config.replace(learning_rate=0.1)``."""
        return dataclasses.replace(self, **changes)

    def learning_rate_at(self, step: int) -> float:
        """The learning rate used at ``step`` (0-based).

        "linear" falls from ``learning_rate`` towards a tenth of it, as
        micrograd's ``1.0 - 0.9*k/100``: big steps first, careful steps last.
        """
        if self.schedule == "linear":
            return self.learning_rate * (1.0 - 0.9 * step / self.steps)
        return self.learning_rate


@dataclass(frozen=True)
class StepReport:
    """What happened in one step.

    ``loss`` and both accuracies describe the model as it was when the step
    began (the forward pass the gradients came from), as micrograd's demo
    prints them; the update with ``learning_rate`` came after.
    """

    step: int  # 0-based
    loss: float  # data loss + L2 penalty, on the batch
    train_accuracy: float  # on the whole training set, 0..1
    test_accuracy: float | None  # None without a test set
    learning_rate: float
    grad_norm: float  # length of the gradient: sqrt of the sum of p.grad**2


# -- scores without a graph ----------------------------------------------------


def _linear(t: float) -> float:
    return t


# A neuron's activation by name, as plain float functions: the same arithmetic as
# the Value ops (engine.ops), so a score here is exactly model(point).data.
_FLOAT_ACTIVATIONS: dict[str, Callable[[float], float]] = {
    "tanh": ops.tanh,
    "relu": ops.relu,
    "sigmoid": ops.sigmoid,
    "linear": _linear,
}


def _is_plain_mlp(model: object) -> bool:
    """An engine MLP whose arithmetic we know (no subclass changed how it computes)."""
    return type(model) is MLP and all(
        type(layer) is Layer and all(type(n) is Neuron for n in layer.neurons)
        for layer in model.layers
    )


def _scorer(model: Module) -> Callable[[Sequence[float]], float]:
    """A function giving ``model(point).data`` without building a graph.

    Building Values for every point of a plot only to throw them away is slow
    and wastes memory. For an engine MLP the weights are read once, here, and
    the same float arithmetic is done directly with the ops the Values use:
    ``dot`` (``b + w1*x1 + w2*x2 + ...``), then the activation. Other models
    are simply called.
    """
    if not _is_plain_mlp(model):

        def call_model(x: Sequence[float]) -> float:
            out = model(list(x))
            if not isinstance(out, Value):
                raise ValueError("the model must give one score (a single Value) per point")
            return out.data

        return call_model

    layers = [
        [
            (tuple(w.data for w in n.w), n.b.data, _FLOAT_ACTIVATIONS[n.activation])
            for n in layer.neurons
        ]
        for layer in model.layers
    ]

    nin = len(model.layers[0].neurons[0].w)

    def score(x: Sequence[float]) -> float:
        if len(x) != nin:
            raise ValueError(f"this model takes {nin} inputs, not {len(x)}")
        for layer in layers:
            out = []
            for w, b, activate in layer:
                out.append(activate(dot(w, x, b)))
            x = out
        return x[0]

    return score


def predict(model: Module, points: Sequence[Sequence[float]]) -> list[float]:
    """The model's score for each point, as plain floats (no graph is kept)."""
    score = _scorer(model)
    return [score(p) for p in points]


# -- decision boundary ----------------------------------------------------------


@dataclass(frozen=True)
class DecisionGrid:
    """A model's scores on a grid of points: ``scores[i][j]`` is the score at
    ``(xs[j], ys[i])`` -- one row per y, like micrograd's ``Z``. A positive
    score means class +1, so the boundary is where the scores cross 0."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    scores: tuple[tuple[float, ...], ...]
    step: float


_MAX_GRID_POINTS = 1_000_000


def _arange(start: float, stop: float, step: float) -> tuple[float, ...]:
    """The same numbers as ``np.arange(start, stop, step)``, in plain Python."""
    n = math.ceil((stop - start) / step)
    if n <= 0:
        return ()
    if n == 1:
        return (start,)
    # NumPy computes start + step once, then fills start + i*delta with the
    # delta that first step actually came to.
    second = start + step
    delta = second - start
    return (start, second, *(start + i * delta for i in range(2, n)))


def decision_grid(
    model: Module,
    X: Sequence[Sequence[float]],
    step: float = 0.25,
    margin: float = 1.0,
    *,
    resolution: int | None = None,
) -> DecisionGrid:
    """Score the model on a mesh covering the 2-D points ``X`` plus ``margin``
    on every side, spaced ``step`` apart -- micrograd's decision-boundary plot,
    ``np.arange(x_min, x_max, h)`` on both axes.

    ``resolution``, if given, replaces ``step``: the spacing is chosen so that
    the mesh has about that many points in all (handy for a plot of a given size).
    """
    points = [tuple(float(v) for v in p) for p in X]
    if not points:
        raise ValueError("a decision grid needs at least one point to cover")
    if any(len(p) != 2 for p in points):
        raise ValueError("a decision grid needs points with exactly 2 features (x and y)")
    if not (_is_number(margin) and margin > 0):
        raise ValueError(f"the margin must be a positive number, not {margin!r}")
    x_min = min(p[0] for p in points) - margin
    x_max = max(p[0] for p in points) + margin
    y_min = min(p[1] for p in points) - margin
    y_max = max(p[1] for p in points) + margin
    if resolution is not None:
        if not (_is_whole(resolution) and 1 <= resolution <= _MAX_GRID_POINTS):
            raise ValueError(
                f"the resolution must be a whole number of grid points from 1 to "
                f"{_MAX_GRID_POINTS}, not {resolution!r}"
            )
        step = math.sqrt((x_max - x_min) * (y_max - y_min) / resolution)
    if not (_is_number(step) and step > 0):
        raise ValueError(f"the grid step must be a positive number, not {step!r}")
    cells = math.ceil((x_max - x_min) / step) * math.ceil((y_max - y_min) / step)
    if cells > _MAX_GRID_POINTS:
        raise ValueError(
            f"a step of {step!r} would make {cells} grid points (at most "
            f"{_MAX_GRID_POINTS}); use a larger step"
        )
    xs = _arange(x_min, x_max, step)
    ys = _arange(y_min, y_max, step)
    score = _scorer(model)
    scores = tuple(tuple(score((x, y)) for x in xs) for y in ys)
    return DecisionGrid(xs=xs, ys=ys, scores=scores, step=step)


# -- the training loop ------------------------------------------------------------


def rate_too_large(what_happened: str, learning_rate: float) -> str:
    """Why a run diverged, in the words the lab shows: what happened, and a smaller rate."""
    smaller = "1.0" if learning_rate > 1 else f"{learning_rate / 10:g}"
    return (
        f"{what_happened}: the learning rate {learning_rate!r} is too large — "
        f"try {smaller} or less."
    )


class TrainingRun:
    """One training run: a dataset, a model, and the steps taken so far.

    ``TrainingRun(config)`` makes the moons from the config and a fresh
    ``MLP(2, [*hidden, 1])`` with weights from ``random.Random(config.seed)``
    (the default config reproduces micrograd's demo step for step). Pass
    ``dataset`` and/or ``model`` to train something else.

    ``status`` goes "ready" -> "running" -> "finished" after ``config.steps``
    steps, or ends as "diverged" (the numbers blew up; ``message`` says why)
    or "cancelled" (``cancel()`` was called). Once it has ended, ``step()``
    raises ``RuntimeError``; make a new ``TrainingRun`` to start again.

    Threads: one thread drives ``step()``/``run()``; any thread may call
    ``cancel()``, read ``status``, ``message`` and ``history`` (reports are
    frozen and only ever appended), or call ``decision_grid()``.
    """

    def __init__(
        self,
        config: TrainConfig | None = None,
        dataset: Dataset | None = None,
        model: Module | None = None,
    ) -> None:
        self.config = config if config is not None else TrainConfig()
        found = self.config.problems(n_train=None if dataset is None else len(dataset.y_train))
        if found:
            raise ValueError(" ".join(found))
        cfg = self.config
        if dataset is None:
            dataset = make_moons(cfg.samples, cfg.noise, cfg.seed, cfg.test_fraction)
        self.dataset = dataset
        if model is None:
            model = MLP(
                dataset.n_features,
                [*cfg.hidden, 1],
                activation=cfg.activation,
                rng=random.Random(cfg.seed),
            )
        elif isinstance(model, MLP):
            n_inputs = len(model.layers[0].neurons[0].w)
            if n_inputs != dataset.n_features:
                raise ValueError(
                    f"the model takes {n_inputs} inputs but the points of "
                    f"{dataset.name!r} have {dataset.n_features} features"
                )
            if len(model.layers[-1].neurons) != 1:
                raise ValueError("the model must end in a layer of 1 neuron: one score per point")
        self.model = model
        self.history: list[StepReport] = []
        self.steps_done = 0
        self.message = ""
        self._params = model.parameters()
        self._data_loss = _LOSS_FUNCTIONS[cfg.loss]
        # Minibatches come from a generator of the run's own, never from global
        # random state, so the same seed always trains the same way.
        self._batch_rng = random.Random(cfg.seed)
        self._status = "ready"
        self._step_lock = threading.Lock()  # one step (or grid) at a time
        self._state_lock = threading.Lock()  # guards status changes

    @property
    def status(self) -> str:
        """One of "ready", "running", "finished", "diverged", "cancelled"."""
        return self._status

    @property
    def parameter_count(self) -> int:
        """How many numbers training adjusts (337 for micrograd's demo network)."""
        return len(self._params)

    def step(self) -> StepReport | None:
        """Take one step of gradient descent and return its report.

        Returns None if the numbers blew up during this step: ``status`` is
        then "diverged", ``message`` says why, and the parameters are left as
        they were before the step. Raises ``RuntimeError`` if the run has
        already ended (finished, diverged or cancelled), so a caller that
        keeps stepping by mistake finds out at once.
        """
        with self._step_lock:
            if not self._begin_step():
                raise RuntimeError(
                    f"this training run is {self._status}; make a new TrainingRun to train again"
                )
            return self._take_step()

    def run(
        self,
        on_step: Callable[[StepReport], object] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> str:
        """Take steps until the run ends, and return the final ``status``.

        ``on_step(report)`` is called after every step. ``should_stop()`` is
        asked before every step; when it says True the loop returns and the
        run stays "ready"/"running", so calling ``run()`` again resumes it
        (a pause). ``cancel()`` ends the run for good.
        """
        while should_stop is None or not should_stop():
            with self._step_lock:
                if not self._begin_step():
                    break
                report = self._take_step()
            if report is None:
                break
            if on_step is not None:  # outside the lock: it may ask for a decision grid
                on_step(report)
        return self._status

    def cancel(self) -> None:
        """End the run between steps; safe to call from any thread.

        A step already under way finishes (its report is kept); no new one starts.
        Does nothing if the run has already ended.
        """
        with self._state_lock:
            if self._status in ("ready", "running"):
                self._status = "cancelled"
                self.message = self._cancelled_message()

    def decision_grid(
        self, step: float = 0.25, margin: float = 1.0, *, resolution: int | None = None
    ) -> DecisionGrid:
        """The model's scores over a mesh covering all the points (training and
        test). Waits for a step under way, so every score comes from the same weights."""
        points = self.dataset.X_train + self.dataset.X_test
        with self._step_lock:
            return decision_grid(self.model, points, step, margin, resolution=resolution)

    # -- inside a step

    def _begin_step(self) -> bool:
        with self._state_lock:
            if self._status not in ("ready", "running"):
                return False
            self._status = "running"
            return True

    def _take_step(self) -> StepReport | None:
        cfg = self.config
        k = self.steps_done
        lr = cfg.learning_rate_at(k)
        X, y = self.dataset.X_train, self.dataset.y_train
        full_batch = cfg.batch_size is None or cfg.batch_size >= len(y)
        if full_batch:
            Xb, yb = X, y
        else:
            picked = self._batch_rng.sample(range(len(y)), cfg.batch_size)
            Xb, yb = [X[i] for i in picked], [y[i] for i in picked]
        try:
            scores = [self.model(x) for x in Xb]
            loss = self._data_loss(scores, yb)
            if cfg.alpha:
                loss = loss + l2_penalty(self._params, cfg.alpha)
            if not math.isfinite(loss.data):
                return self._diverge(f"The loss became {loss.data} at step {k}")
            self.model.zero_grad()
            loss.backward()
            grad_norm = math.hypot(*(p.grad for p in self._params))
            if not math.isfinite(grad_norm):
                blown = "inf" if math.isinf(grad_norm) else "nan"
                return self._diverge(f"The gradients became {blown} at step {k}")
            if full_batch:
                train_accuracy = accuracy(scores, yb)
            else:
                train_accuracy = accuracy(predict(self.model, X), y)
            test_accuracy = None
            if self.dataset.X_test:
                test_accuracy = accuracy(
                    predict(self.model, self.dataset.X_test), self.dataset.y_test
                )
            # The update itself can overflow (a huge rate times a large gradient).
            updated = [p.data - lr * p.grad for p in self._params]
            if not all(map(math.isfinite, updated)):
                return self._diverge(f"The parameters became too large for a float at step {k}")
        except ArithmeticError as error:  # engine.value.MathError, e.g. exp() overflowing
            return self._diverge(f"The numbers blew up at step {k} ({error})")
        for p, new_data in zip(self._params, updated, strict=True):
            p.data = new_data
        report = StepReport(
            step=k,
            loss=loss.data,
            train_accuracy=train_accuracy,
            test_accuracy=test_accuracy,
            learning_rate=lr,
            grad_norm=grad_norm,
        )
        with self._state_lock:
            self.history.append(report)
            self.steps_done = k + 1
            if self._status == "cancelled":
                self.message = self._cancelled_message()
            elif self.steps_done >= cfg.steps:
                self._status = "finished"
                self.message = f"Finished all {cfg.steps} steps."
        return report

    def _diverge(self, what_happened: str) -> None:
        lr = self.config.learning_rate
        with self._state_lock:
            if self._status == "running":
                self._status = "diverged"
                self.message = rate_too_large(what_happened, lr)
        return None

    def _cancelled_message(self) -> str:
        return f"Training was stopped after {self.steps_done} of {self.config.steps} steps."
