"""Training a model by gradient descent, one step at a time.

A ``TrainingRun`` repeats micrograd's demo loop::

    scores = [model(x) for x in X]              # forward
    loss = data_loss(scores, y) + l2_penalty     # how wrong, plus a pull towards small weights
    model.zero_grad()                            # forget the last step's gradients
    loss.backward()                              # which way is downhill for every parameter
    p.data -= learning_rate * p.grad             # take a small step downhill

It reports each step, stops by itself when the numbers blow up, and can be
driven from a worker thread while another thread reads its reports.

Two ways to take a step, with the same numbers to the last bit:
``TrainConfig(replay=False)`` builds the Values every step, as above;
``replay=True`` (the default) builds them once, records the graph as a tape
(``engine.tape``) and replays the tape at every step after, over arrays.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from engine import interrupt
from engine.blowup import Blowup, candidate_rates, find_blowup
from engine.collector import paused_collector
from engine.config import LOSSES, SCHEDULES, SETTINGS, setting_problem, training_set_size
from engine.cost import cost_problem
from engine.data import Dataset, make_dataset
from engine.losses import accuracy, hinge_loss, l2_penalty, loss_of_numbers, mse_loss
from engine.nn import MLP, Module
from engine.scoring import DecisionGrid, _is_plain_mlp, _shape_of, decision_grid, predict
from engine.tape import Tape
from engine.value import Value

__all__ = [
    "ENGINES",
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

VALUES, TAPE = "Values", "tape replay"
ENGINES = (VALUES, TAPE)
"""What ``TrainingRun.engine`` says a step is taken with."""


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run. The defaults are micrograd's demo:
    100 moons with noise 0.1, an MLP with two hidden layers of 16 ReLU neurons,
    the hinge loss plus ``1e-4 * sum(p*p)``, and 100 full-batch steps with the
    learning rate falling linearly from 1.0 towards 0.1. ``dataset`` names one of
    ``engine.data.DATASETS``, made from ``samples``, ``noise`` and ``seed``.

    ``replay`` says how a step is taken, not what it computes: True records the
    step's graph once and replays it (``engine.tape``), False builds Values every
    step. Both give the same reports and weights, to the last bit.

    Making a config never fails; ``problems_by_field()`` says what is wrong with
    each field in plain words, checked by the rows of ``engine.config.SETTINGS``;
    ``problems()`` lists the same reasons, and ``validate()`` raises them as one
    ``ValueError``.
    """

    dataset: str = "moons"
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
    replay: bool = True

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
        if not found and n_train is not None:  # a setting too big to take a step of
            too_big = cost_problem(self, n_train)
            if too_big is not None:
                found[too_big[0]] = too_big[1]
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

    ``test_loss`` is ``loss`` measured on the test set instead of the batch: the
    same data loss over the test points, plus the same L2 penalty (the very same
    number as in ``loss``, as the weights are the same). So the two differ only
    by the points they are measured on: a test loss that rises while the
    training loss falls is overfitting, never the L2 term.
    """

    step: int  # 0-based
    loss: float  # data loss + L2 penalty, on the batch
    train_accuracy: float  # on the whole training set, 0..1
    test_accuracy: float | None  # None without a test set
    learning_rate: float
    grad_norm: float  # length of the gradient: sqrt of the sum of p.grad**2
    test_loss: float | None = None  # the same loss on the test set; None without one


# -- the training loop ------------------------------------------------------------


def rate_too_large(
    what_happened: str, learning_rate: float, where: str = "", advice: str = ""
) -> str:
    """Why a run diverged, in the words the lab shows: what happened, where it
    started (``Blowup.describe()``, when known), and a smaller rate (``advice``:
    one found to work, else a tenth of it or 1.0)."""
    smaller = "1.0" if learning_rate > 1 else f"{learning_rate / 10:g}"
    where = f" {where}" if where else ""
    advice = advice or f"try {smaller} or less."
    return f"{what_happened}.{where} The learning rate {learning_rate:g} is too large — {advice}"


class TrainingRun:
    """One training run: a dataset, a model, and the steps taken so far.

    ``TrainingRun(config)`` makes the config's dataset (the moons by default) and a fresh
    ``MLP(2, [*hidden, 1])`` with weights from ``random.Random(config.seed)``
    (the default config reproduces micrograd's demo step for step). Pass
    ``dataset`` and/or ``model`` to train something else.

    ``engine`` says how the next step is taken: "tape replay" with
    ``config.replay`` and an engine ``MLP`` (a model whose graph is known not to
    change with the numbers), else "Values" -- any other ``Module`` is trained
    by building Values, whatever ``replay`` says. The tape is recorded at the
    first step and again whenever the graph would change: another batch size,
    loss or alpha (``recordings`` counts them). The cycle collector is paused
    during every step (``engine.collector``).

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
            dataset = make_dataset(cfg.dataset, cfg.samples, cfg.noise, cfg.seed, cfg.test_fraction)
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
        self._tapeable = _is_plain_mlp(model)
        self._tape: Tape | None = None
        self._tape_key: tuple | None = None
        self.recordings = 0  # tapes recorded so far
        self.history: list[StepReport] = []
        self.steps_done = 0
        self.message = ""
        self.blowup: Blowup | None = None  # where a diverged step first went bad
        self._diverged = ("", "")  # what happened, and where it started
        self._params = model.parameters()
        self._first_weights = [p.data for p in self._params]  # for trying other rates
        # Minibatches come from a generator of the run's own, never from global
        # random state, so the same seed always trains the same way.
        self._batch_rng = random.Random(cfg.seed)
        self._status = "ready"
        self._step_lock = threading.Lock()  # one step (or grid) at a time
        self._state_lock = threading.Lock()  # guards status changes
        self._in_step = self._interrupted = False  # a step under way; asked to stop it

    @property
    def status(self) -> str:
        """One of "ready", "running", "finished", "diverged", "cancelled"."""
        return self._status

    @property
    def engine(self) -> str:
        """How the next step is taken: "tape replay" or "Values" (``ENGINES``)."""
        return TAPE if self.config.replay and self._tapeable else VALUES

    @property
    def tape(self) -> Tape | None:
        """The tape the last replayed step ran (None before one, or on Values)."""
        return self._tape

    @property
    def parameter_count(self) -> int:
        """How many numbers training adjusts (337 for micrograd's demo network)."""
        return len(self._params)

    def step(self) -> StepReport | None:
        """Take one step of gradient descent and return its report.

        Returns None if the numbers blew up during this step: ``status`` is
        then "diverged", ``message`` says why, and the parameters are left as
        they were before the step. Returns None too, the parameters untouched,
        when ``cancel()`` or ``interrupt()`` stopped the step partway. Raises
        ``RuntimeError`` if the run has already ended (finished, diverged or
        cancelled), so a caller that keeps stepping by mistake finds out at once.
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
        """End the run; safe to call from any thread.

        A step under way stops within moments and is dropped (``step()`` returns
        None); no new one starts. Does nothing if the run has already ended.
        """
        with self._state_lock:
            if self._status in ("ready", "running"):
                self._status = "cancelled"
                self.message = self._cancelled_message()

    def interrupt(self) -> None:
        """Stop a step under way and drop it, leaving the run as it was before the
        step (a pause: the next ``step()`` takes it again); safe from any thread.
        Does nothing between steps."""
        with self._state_lock:
            self._interrupted = self._in_step

    def find_working_rate(
        self, budget: float = 2.0, should_stop: Callable[[], bool] = lambda: False
    ) -> str:
        """After the run diverged: try a few smaller learning rates on the same
        data from the same first weights (``blowup.candidate_rates``), for at most
        ``budget`` seconds, and add what worked to ``message`` (and return it;
        "" when nothing worked in time, or the model is not an engine MLP)."""
        if self._status != "diverged" or not self._tapeable:
            return ""
        deadline = time.monotonic() + budget
        blew_at = self.steps_done

        def stop() -> bool:
            return should_stop() or time.monotonic() > deadline

        for rate in candidate_rates(self.config.learning_rate):
            if stop():
                break
            model = copy.deepcopy(self.model)
            for p, w in zip(model.parameters(), self._first_weights, strict=True):
                p.data, p.grad = w, 0.0
            trial = TrainingRun(self.config.replace(learning_rate=rate), self.dataset, model)
            if trial.run(should_stop=stop) == "finished":
                found = f"set it to {rate:g}: that trains all {trial.steps_done} steps of this run."
            elif trial.status != "diverged" and trial.steps_done > 2 * blew_at + 10:
                found = (
                    f"set it to {rate:g}: that trains {trial.steps_done} steps of this run "
                    "without blowing up."
                )
            else:
                continue
            what_happened, where = self._diverged
            with self._state_lock:
                self.message = rate_too_large(
                    what_happened, self.config.learning_rate, where, found
                )
            return found
        return ""

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
            self._in_step, self._interrupted = True, False
            return True

    def _take_step(self) -> StepReport | None:
        try:
            with paused_collector(), interrupt.checking(self._should_stop_step):
                return self._step_now()
        except interrupt.StepInterrupted as stopped:  # no parameter has changed yet
            interrupt.discard(stopped.__traceback__)  # its frames hold the graph
            with self._state_lock:
                if self._status == "running" and not self.steps_done:
                    self._status = "ready"
            return None
        finally:
            self._in_step = False

    def _should_stop_step(self) -> bool:
        return self._interrupted or self._status == "cancelled"

    def _step_now(self) -> StepReport | None:
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
            if self.engine == TAPE:
                loss, scores, grads = self._replayed_pass(Xb, yb)
            else:
                loss, scores, grads = self._values_pass(Xb, yb)
            if grads is None:
                return self._diverge(f"The loss became {loss} at step {k}", Xb, yb, k)
            grad_norm = math.hypot(*grads)
            if not math.isfinite(grad_norm):
                blown = "inf" if math.isinf(grad_norm) else "nan"
                return self._diverge(f"The gradients became {blown} at step {k}", Xb, yb, k)
            if full_batch:
                train_accuracy = accuracy(scores, yb)
            else:
                train_accuracy = accuracy(predict(self.model, X), y)
            test_accuracy = test_loss = None
            if self.dataset.X_test:
                test_accuracy, test_loss = self._on_test_set()
            # The update itself can overflow (a huge rate times a large gradient).
            updated = [p.data - lr * g for p, g in zip(self._params, grads, strict=True)]
            if not all(map(math.isfinite, updated)):
                too_large = f"The parameters became too large for a float at step {k}"
                return self._diverge(too_large, Xb, yb, k)
        except ArithmeticError as error:  # engine.value.MathError, e.g. exp() overflowing
            return self._diverge(f"The numbers blew up at step {k} ({error})", Xb, yb, k)
        for p, new_data in zip(self._params, updated, strict=True):
            p.data = new_data
        report = StepReport(
            step=k,
            loss=loss,
            train_accuracy=train_accuracy,
            test_accuracy=test_accuracy,
            learning_rate=lr,
            grad_norm=grad_norm,
            test_loss=test_loss,
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

    def _on_test_set(self) -> tuple[float, float]:
        """The accuracy and the loss on the test set, of the model the step's
        gradients came from: scored without a graph, the loss in plain numbers
        (``loss_of_numbers``), so both ways of taking a step give the same."""
        cfg, data = self.config, self.dataset
        scores = predict(self.model, data.X_test)
        weights = [p.data for p in self._params]
        loss = loss_of_numbers(cfg.loss, scores, data.y_test, weights, cfg.alpha)
        return accuracy(scores, data.y_test), loss

    def _values_pass(
        self, Xb: Sequence[Sequence[float]], yb: Sequence[float]
    ) -> tuple[float, list[float], list[float] | None]:
        """The loss, the scores and every parameter's gradient, from Values built
        now; no gradients (None) when the loss is not a finite number."""
        scores = [self.model(x) for x in interrupt.each(Xb)]
        loss = _LOSS_FUNCTIONS[self.config.loss](scores, yb)
        if self.config.alpha:
            loss = loss + l2_penalty(self._params, self.config.alpha)
        if not math.isfinite(loss.data):
            return loss.data, [], None
        self.model.zero_grad()
        interrupt.backward(loss)  # loss.backward(), which a pause can stop partway
        return loss.data, [s.data for s in scores], [p.grad for p in self._params]

    def _replayed_pass(
        self, Xb: Sequence[Sequence[float]], yb: Sequence[float]
    ) -> tuple[float, list[float], list[float] | None]:
        """The same as ``_values_pass``, from the tape, and the same grads left
        on the parameters."""
        tape = self._tape_for(Xb, yb)
        inputs = [v for x in Xb for v in x] + list(yb)
        replay = tape.replay([p.data for p in self._params], inputs)
        if not math.isfinite(replay.root):
            return replay.root, [], None
        for p, g in zip(self._params, replay.grads, strict=True):
            p.grad = g
        return replay.root, replay.outputs, replay.grads

    def _tape_for(self, Xb: Sequence[Sequence[float]], yb: Sequence[float]) -> Tape:
        """The tape of a step on a batch like this one, recorded now if the last
        one does not fit: the first step, or another batch size, loss or alpha.
        Recording builds the step's Values once; a math error it meets is the
        step's own (the same numbers would meet it in the Values)."""
        cfg = self.config
        key = (len(Xb), cfg.loss, cfg.alpha, _shape_of(self.model))  # type: ignore[arg-type]
        if self._tape is None or self._tape_key != key:
            self._tape = self._tape_key = None
            points = [[Value(v) for v in x] for x in Xb]
            # Targets as Values too, so that a new batch is new numbers in the tape's
            # inputs. The loss then computes -y as y * -1: the same number exactly.
            targets = [Value(t) for t in yb]
            scores = [self.model(x) for x in interrupt.each(points)]
            loss = _LOSS_FUNCTIONS[cfg.loss](scores, targets)
            if cfg.alpha:
                loss = loss + l2_penalty(self._params, cfg.alpha)
            inputs = [v for x in points for v in x] + targets
            self._tape = Tape.record(loss, self._params, inputs, scores)
            self._tape_key = key
            self.recordings += 1
        return self._tape

    def _diverge(
        self, what_happened: str, Xb: Sequence[Sequence[float]], yb: Sequence[float], k: int
    ) -> None:
        cfg = self.config
        lr = cfg.learning_rate_at(k)
        try:  # the step again from Values, read in order, says where it went bad
            blowup = find_blowup(self.model, Xb, yb, _LOSS_FUNCTIONS[cfg.loss], cfg.alpha, lr, k)
        except (ArithmeticError, interrupt.StepInterrupted):
            blowup = None  # stopped, or it went bad another way: say what we know
        with self._state_lock:
            if self._status == "running":
                self._status = "diverged"
                self.blowup = blowup
                where = blowup.describe() if blowup else ""
                self._diverged = (what_happened, where)
                self.message = rate_too_large(what_happened, cfg.learning_rate, where)
        return None

    def _cancelled_message(self) -> str:
        return f"Training was stopped after {self.steps_done} of {self.config.steps} steps."
