"""The learner's engine against the tutor's, on the same training run: the tutor's side.

    from lessons.workbench.training_match import compare_with_engine

    verdict = compare_with_engine(workspace)   # 10 steps on the moons, in a child Python
    print(verdict.passed, verdict.message)

The learner's ``MLP`` trains in a child Python (``lessons.workbench.training``, through
``run_probe``); here, in the tutor, the tutor's engine trains the same network on the same
data: ``engine.nn.MLP(2, [*hidden, 1], activation="tanh", output_activation="tanh")``
(the lecture's network, tanh on every layer) with weights from ``random.Random(seed)``,
in an ``engine.train.TrainingRun`` with the same config. Its first weights are sent to
the child, so both runs start from the same numbers; its batches come from the same
seeded generator as the child's. :class:`EngineMatch` compares the two step by step
(loss and gradient length, to :data:`TOLERANCE`) and names the first step where they
part, with what that suggests; :func:`stopped_text` and :func:`unfit_text` put the
ends of a run that did not finish into the learner's words.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from engine.data import Dataset, make_dataset
from engine.nn import MLP
from engine.train import StepReport, TrainConfig, TrainingRun
from lessons.workbench.failures import seconds_text, size_text
from lessons.workbench.results import ChildResult, Limits

__all__ = [
    "PROBE_MODULE",
    "TOLERANCE",
    "TRAINING_LIMITS",
    "VERIFY_STEPS",
    "BuiltInSteps",
    "EngineMatch",
    "EngineVerdict",
    "MatchState",
    "Parting",
    "builtin_model",
    "compare_with_engine",
    "learner_config",
    "step_report",
    "stopped_text",
    "training_args",
    "unfit_text",
]

PROBE_MODULE = "lessons.workbench.training"

TRAINING_LIMITS = Limits(
    cpu_seconds=600,
    wall_seconds=900.0,
    quiet_seconds=30.0,
    output_stop_bytes=1 << 20,
)
"""A training run's limits. A lecture-style engine takes about 0.2 to 0.3 s a step on
micrograd's demo (337 parameters, 100 points), so its 100 steps take well under a
minute, and 10 minutes of processor time leave room for a few thousand steps or a
bigger network. The wall clock (15 minutes) counts only working time, not a pause. Any
one step may take 30 s: a step that takes longer is a loop that never ends, or a network
too big for a scalar engine. Past 1 MB of printing, a print inside the engine is running
thousands of times a step: the run stops rather than drown the tutor in output.
Memory stays at the first half's 1 GB: the demo's step needs about 150 MB."""

TOLERANCE = 1e-9
"""How close the learner's loss and gradient length must stay to the tutor's, relative
to their size (absolute below 1). A correct engine rounds differently from the tutor's
only in the last bits: its sums add in another order, its tanh may come from exp."""

VERIFY_STEPS = 10


def learner_config(config: TrainConfig) -> TrainConfig:
    """``config`` as a run on the learner's engine has it: tanh, the learner's Neuron's
    only activation."""
    return config.replace(activation="tanh")


def builtin_model(config: TrainConfig, n_features: int = 2) -> MLP:
    """The tutor's twin of the learner's network: tanh on every layer, the output too."""
    return MLP(
        n_features,
        [*config.hidden, 1],
        activation="tanh",
        output_activation="tanh",
        rng=random.Random(config.seed),
    )


class BuiltInSteps:
    """The tutor's engine on the same run, stepped only as far as it is asked about."""

    def __init__(self, config: TrainConfig, dataset: Dataset) -> None:
        model = builtin_model(config, dataset.n_features)
        self.initial = tuple(p.data for p in model.parameters())
        self.run = TrainingRun(config, dataset=dataset, model=model)
        self.seconds = 0.0  # spent stepping

    def report(self, step: int) -> StepReport | None:
        """The report of ``step`` (0-based); None if the tutor's run ended before it."""
        run = self.run
        while len(run.history) <= step and run.status in ("ready", "running"):
            began = time.perf_counter()
            run.step()
            self.seconds += time.perf_counter() - began
        return run.history[step] if step < len(run.history) else None

    @property
    def seconds_per_step(self) -> float | None:
        steps = len(self.run.history)
        return self.seconds / steps if steps else None


def training_args(
    config: TrainConfig,
    dataset: Dataset,
    initial: tuple[float, ...],
    *,
    play: bool,
    points: list[tuple[float, ...]] | None = None,
    tag: object = None,
    score_interval: float = 0.5,
    score_share: float = 0.2,
) -> dict:
    """The child's orders (``lessons.workbench.training``'s ``args``) for ``config``."""
    return {
        "X": [list(p) for p in dataset.X_train],
        "y": list(dataset.y_train),
        "X_test": [list(p) for p in dataset.X_test],
        "y_test": list(dataset.y_test),
        "hidden": list(config.hidden),
        "parameters": list(initial),
        "loss": config.loss,
        "alpha": config.alpha,
        "rates": [config.learning_rate_at(k) for k in range(config.steps)],
        "batch_size": config.batch_size,
        "seed": config.seed,
        "play": play,
        "points": None if points is None else [list(p) for p in points],
        "tag": tag,
        "score_interval": score_interval,
        "score_share": score_share,
    }


def step_report(event: dict) -> StepReport | None:
    """The ``StepReport`` of a child's "step" event; None when it is not one."""
    try:
        test = event.get("test_accuracy")
        test_loss = event.get("test_loss")
        return StepReport(
            step=int(event["step"]),
            loss=float(event["loss"]),
            train_accuracy=float(event["train_accuracy"]),
            test_accuracy=None if test is None else float(test),
            learning_rate=float(event["learning_rate"]),
            grad_norm=float(event["grad_norm"]),
            test_loss=None if test_loss is None else float(test_loss),
        )
    except (KeyError, TypeError, ValueError):
        return None


# -- comparing ---------------------------------------------------------------------------

_FIGURES = {"loss": "loss", "grad_norm": "gradient length"}


@dataclass(frozen=True)
class Parting:
    """The first step (0-based) where the two runs differ, and in what."""

    step: int
    what: str  # "loss", "grad_norm", "yours blew up", "the tutor's blew up"
    yours: float | None = None
    tutors: float | None = None

    def text(self) -> str:
        at = f"step {self.step + 1}"
        if self.what == "yours blew up":
            return (
                f"Your engine's numbers blew up at {at}, the tutor's did not (its loss was "
                f"{self.tutors:.6g}): look for a rule that makes a grad far too big."
            )
        if self.what == "the tutor's blew up":
            return (
                f"The tutor's numbers blew up at {at}, yours did not (your loss was "
                f"{self.yours:.6g}): your engine computes something else here."
            )
        figure = _FIGURES.get(self.what, self.what)
        head = (
            f"Your engine and the tutor's part at {at}: {figure} {self.yours:.10g} (yours), "
            f"{self.tutors:.10g} (the tutor's)."
        )
        return f"{head} {self._suggestion()}"

    def _suggestion(self) -> str:
        size = max(1.0, abs(self.tutors or 0.0))
        if abs((self.yours or 0.0) - (self.tutors or 0.0)) <= 1e-6 * size:
            return (
                "So small a difference is rounding, not a wrong rule: your engine adds in "
                "another order than the tutor's (or builds tanh from exp), and a bumpy run "
                "lets last-bit differences grow. micrograd's recipe keeps them below "
                f"{TOLERANCE:g}."
            )
        if self.what == "loss" and self.step == 0:
            return (
                "Same weights, another loss: the forward pass differs. Look at a neuron's "
                "sum (w·x + b) and its tanh, how Layer and MLP pass values on, and the "
                "order of parameters(): weights then bias, neuron by neuron, layer by layer."
            )
        if self.what == "grad_norm" and self.step == 0:
            return (
                "Same loss, other gradients: the backward pass differs. Look at the local "
                "rules (*, tanh, relu, **), at = where += belongs, and at the order "
                "backward() visits the nodes in."
            )
        if self.what == "grad_norm":
            return (
                "The earlier steps agreed and the loss still does, but the gradients grow "
                "apart: do they pile up from one step to the next? zero_grad() must set "
                "every parameter's grad back to 0."
            )
        return (
            "The gradients agreed until here, yet the loss parts: does your Value keep "
            "its data where the update puts it (p.data)?"
        )


@dataclass(frozen=True)
class MatchState:
    """How the comparison stands: steps compared and equal, and the parting if any."""

    steps: int
    parting: Parting | None = None
    blew_up_together: bool = False

    @property
    def matched(self) -> bool:
        return self.parting is None

    @property
    def text(self) -> str:
        if self.parting is not None:
            return self.parting.text()
        if self.steps == 0:
            return "Your engine and the tutor's start from the same weights."
        steps = "1 step" if self.steps == 1 else f"{self.steps} steps"
        together = " (and both blew up at the next)" if self.blew_up_together else ""
        return (
            f"Your engine matches the tutor's: the same losses to {TOLERANCE:g} "
            f"over {steps}{together}."
        )


class EngineMatch:
    """The learner's steps, as they come, against the tutor's engine's (one thread)."""

    def __init__(self, builtin: BuiltInSteps, tolerance: float = TOLERANCE) -> None:
        self.builtin = builtin
        self.tolerance = tolerance
        self._steps = 0
        self._parting: Parting | None = None
        self._together = False

    def state(self) -> MatchState:
        return MatchState(self._steps, self._parting, self._together)

    def take(self, report: StepReport) -> None:
        """The learner's run took step ``report.step``."""
        if self._parting is not None:
            return
        theirs = self.builtin.report(report.step)
        if theirs is None:
            self._parting = Parting(report.step, "the tutor's blew up", yours=report.loss)
            return
        for what in ("loss", "grad_norm"):
            yours, tutors = getattr(report, what), getattr(theirs, what)
            if abs(yours - tutors) > self.tolerance * max(1.0, abs(tutors)):
                self._parting = Parting(report.step, what, yours, tutors)
                return
        self._steps += 1

    def take_blow_up(self, step: int) -> None:
        """The learner's run blew up at ``step``."""
        if self._parting is not None:
            return
        theirs = self.builtin.report(step)
        if theirs is None:
            self._together = True
        else:
            self._parting = Parting(step, "yours blew up", tutors=theirs.loss)


# -- in the learner's words ----------------------------------------------------------------


def unfit_text(result: dict, config: TrainConfig, n_features: int = 2) -> str:
    """Why the learner's network cannot take this run (the child's "unfit" result)."""
    nouts = [*config.hidden, 1]
    mlp = f"MLP({n_features}, {nouts})"
    why = result.get("why")
    if why == "count":
        yours, tutors = result.get("yours"), result.get("tutors")
        text = f"Your {mlp} has {yours} parameters; the tutor's has {tutors}."
        if isinstance(tutors, int) and yours == tutors - sum(nouts):
            return f"{text} One per neuron is missing: are the biases left out of parameters()?"
        return (
            f"{text} parameters() must give every weight and bias: weights then bias, "
            "neuron by neuron, layer by layer."
        )
    if why == "item":
        return (
            f"Item {result.get('index')} of your {mlp}'s parameters() is a "
            f"{result.get('type')}, not a Value: parameters() must be one flat list "
            "(a Layer's joins its neurons' lists, an MLP's its layers')."
        )
    if why == "not-a-list":
        return f"Your {mlp}'s parameters() gave a {result.get('type')}, not a list of Values."
    if why == "repeated":
        return f"Your {mlp}'s parameters() lists a Value twice: each must come once."
    if why == "output":
        length = result.get("length")
        of = f" of {length}" if isinstance(length, int) else ""
        return (
            f"Your {mlp} gives a {result.get('type')}{of} for one point, not a single "
            "Value: a Layer of one neuron should give that neuron's Value "
            "(outs[0] if len(outs) == 1 else outs)."
        )
    return f"Your {mlp} cannot take this run ({why})."


def stopped_text(
    done: ChildResult,
    limits: Limits,
    *,
    steps_done: int,
    started: bool,
    per_step: float | None = None,
) -> str:
    """What to tell the learner of a run on their engine that stopped without finishing:
    ``done`` is the runner's answer, ``steps_done`` the steps reported before, ``started``
    whether the network was made, ``per_step`` the tutor's engine's seconds per step."""
    at = f"at step {steps_done + 1}" if started else "while making your network"
    if done.status == "error" and done.error is not None and done.error.kind == "MemoryError":
        return (
            f"Your engine needed more than {size_text(limits.memory_bytes)} of memory {at} "
            "and was stopped: one step's graph is too big. A batch size, fewer samples or "
            "smaller layers make it smaller."
        )
    if done.status == "error" and done.error is not None:
        error = done.error
        if error.file and error.line and error.traceback:
            function = error.traceback[-1][2]
            where = f"{error.file}, line {error.line}, in {function}()"
            code = f": {error.code}" if error.code else ""
            return f"Your engine stopped {at}: {error.kind}: {error.message} ({where}{code})"
        return f"Your engine stopped {at}. {done.message}"
    if done.stopped_by == "quiet":
        tutors = f" (the tutor's takes {_duration(per_step)} a step here)" if per_step else ""
        return (
            f"Your engine took more than {seconds_text(limits.quiet_seconds or 0)} for one "
            f"step{tutors} and was stopped {at}. Is there a loop that never ends, in "
            "backward() perhaps, or a lookup in a long list (node in visited, when "
            "visited is a list and not a set)? A big network on many points may need a "
            "batch size."
        )
    if done.stopped_by == "wall" or (done.status == "timeout" and not done.stopped_by):
        budget = (
            f"{seconds_text(limits.wall_seconds)} of training"
            if done.stopped_by == "wall"
            else f"{seconds_text(limits.cpu_seconds)} of processor time"
        )
        return (
            f"Your engine's run used up its {budget} {at} and was stopped: fewer steps, "
            "a batch size or a smaller network fit in it."
        )
    if done.stopped_by == "output":
        first = next((line for line in done.output.splitlines() if line.strip()), "")
        said = f" Its first line: {first[:60]!r}." if first else ""
        return (
            f"Your engine printed more than {size_text(limits.output_stop_bytes or 0)} and "
            f"was stopped {at}: a print inside Value or the network runs thousands of "
            f"times a step.{said} Take it out and start again."
        )
    return f"Your engine's run stopped {at}: {done.message}"


def _duration(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


# -- exercise 17 -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EngineVerdict:
    """Whether the learner's engine trains as the tutor's does, and the words for it."""

    passed: bool
    message: str
    steps: int  # steps compared and equal
    parting: Parting | None = None


def compare_with_engine(
    workspace: Path,
    *,
    steps: int = VERIFY_STEPS,
    config: TrainConfig | None = None,
    limits: Limits = TRAINING_LIMITS,
    cancel: threading.Event | None = None,
) -> EngineVerdict:
    """Train the learner's ``MLP`` on the moons for ``steps`` steps (micrograd's demo
    recipe with tanh, unless ``config`` says otherwise) in a child Python, beside the
    tutor's engine on the same run; passed when every step agrees to :data:`TOLERANCE`."""
    from lessons.workbench.runner import run_probe

    config = learner_config(config if config is not None else TrainConfig()).replace(steps=steps)
    dataset = make_dataset(
        config.dataset, config.samples, config.noise, config.seed, config.test_fraction
    )
    builtin = BuiltInSteps(config, dataset)
    match = EngineMatch(builtin)
    seen = {"steps": 0, "ready": False}
    clock = {"ready": 0.0, "step": 0.0}  # when the network was made, and the last step

    def on_event(event: dict) -> None:
        kind = event.get("kind")
        if kind == "ready":
            seen["ready"] = True
            clock["ready"] = time.monotonic()
        elif kind == "step":
            report = step_report(event)
            if report is not None:
                seen["steps"] = report.step + 1
                clock["step"] = time.monotonic()
                match.take(report)
        elif kind == "diverged":
            match.take_blow_up(int(event.get("step", seen["steps"])))

    args = training_args(config, dataset, builtin.initial, play=True)
    done = run_probe(
        Path(workspace),
        "train",
        args=args,
        limits=limits,
        probe_module=PROBE_MODULE,
        cancel=cancel,
        on_event=on_event,
    )
    state = match.state()
    result = done.result or {}
    if done.status == "ok" and result.get("status") == "unfit":
        return EngineVerdict(False, unfit_text(result, config, dataset.n_features), 0)
    if state.parting is not None:
        return EngineVerdict(False, state.parting.text(), state.steps, state.parting)
    if done.status != "ok":
        text = stopped_text(
            done,
            limits,
            steps_done=seen["steps"],
            started=seen["ready"],
            per_step=builtin.seconds_per_step,
        )
        return EngineVerdict(False, text, state.steps)
    if result.get("status") == "diverged" and state.blew_up_together:
        return EngineVerdict(True, state.text, state.steps)
    if result.get("status") != "finished" or state.steps < steps:
        return EngineVerdict(
            False, f"Your engine's run ended after {state.steps} of {steps} steps.", state.steps
        )
    per_step = (clock["step"] - clock["ready"]) / state.steps if clock["ready"] else 0.0
    return EngineVerdict(
        True,
        f"Your engine trains on the moons as the tutor's does: the same losses to "
        f"{TOLERANCE:g} at every one of {steps} steps." + slow_text(per_step),
        state.steps,
    )


SLOW_STEP = 2.0
"""Seconds per step of micrograd's demo above which a passing engine is told it is slow:
a lecture-style engine takes 0.2 to 0.3 s; ten times that is something walked over and
over, most often a list where a set belongs."""


def slow_text(per_step: float) -> str:
    """A word for an engine that is right but slow: empty below :data:`SLOW_STEP`."""
    if per_step < SLOW_STEP:
        return ""
    return (
        f" It took {_duration(per_step)} a step, where a lecture-style engine takes "
        "about 0.3 s: something is walked over and over. Is visited, in backward(), a "
        "list? node in visited looks at every item of a list, each time; a set answers "
        "at once. Training a real network takes thousands of steps."
    )
