"""The training lab's settings as text, for its form and for ``micrograd-tutor train``.

Every setting is a ``TrainConfig`` field, checked by its row of the engine's
``SETTINGS`` table (kind, range, choices, the reason for a refusal). This module
adds what a learner sees of it (a label, a line of help, a command-line flag,
the names of the choices) and turns the text a learner types ("16,16", "full",
"20%") into values and back. The engine decides what is valid and to which
field a reason belongs; this module only reads text.

Settings fall in two groups:

* data and model (dataset, samples, noise, test split, seed, hidden layers,
  activation, loss) make a new dataset or a new network, so they apply on reset;
* training (learning rate, schedule, L2 alpha, batch size, steps, engine)
  change only how the next steps are taken, so they apply at once, between two
  steps.

Which engine trains is not a setting of the run but a choice of the lab's:
:class:`EngineChoice` says whether the learner's own (their ``mygrad``, once the
workbench's exercises 1 to 15 pass) may, and where it is.

No Textual here: the command line uses it before the app starts.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

from engine.config import BATCH, SETTINGS, SIZES, Setting, training_set_size
from engine.cost import MICROGRAD, cost_problem
from engine.train import TrainConfig
from lessons.experiments import (
    Experiment,
    ExperimentError,
    find_experiment,
    shipped_experiments,
    shipped_names,
)

__all__ = [
    "ENGINES",
    "FIELDS",
    "LIVE",
    "MINE",
    "MINE_ACTIVATION",
    "RESET",
    "TUTORS",
    "EngineChoice",
    "Field",
    "add_arguments",
    "config_from_arguments",
    "experiment_from_arguments",
    "experiments_listing",
    "format_value",
    "live_changes",
    "mine_cost_problems",
    "parse_value",
]

RESET = "reset"  # applies to the next run: a new dataset or a new network
LIVE = "live"  # applies between two steps of the run under way

_SETTINGS = {setting.name: setting for setting in SETTINGS}

TUTORS = "tutor"  # the tutor's engine (engine/)
MINE = "mine"  # the learner's own mygrad, from the workbench
ENGINES = ((TUTORS, "the tutor's"), (MINE, "mine (mygrad)"))
"""The engines the lab can train on: (value, the name shown)."""

MINE_ACTIVATION = "tanh"
"""The only activation of the learner's Neuron, as the lecture writes it."""


@dataclass(frozen=True)
class EngineChoice:
    """Whether the lab offers the learner's own engine, and where their code is.

    ``ready``: the workbench's exercises 1 to 15 pass (``lessons.workbench.progress.
    engine_ready``); ``refused``: why learner code cannot run in this tutor at all (a
    shared tutor), or None."""

    workspace: Path | None = None
    ready: bool = False
    refused: str | None = None

    @property
    def offered(self) -> bool:
        """Whether the lab shows the choice at all."""
        return self.ready and self.workspace is not None

    @property
    def usable(self) -> bool:
        """Whether a run on the learner's engine can start."""
        return self.offered and self.refused is None

    def why_not(self) -> str:
        """Why the learner's engine cannot train here, in one sentence ("" if it can)."""
        if self.refused is not None:
            return (
                "Your engine cannot train in a shared tutor: it would run as the account "
                "that serves the class. Use micrograd-tutor in your own account."
            )
        if not self.offered:
            return (
                "Your engine can train here once exercises 1 to 15 of Build micrograd "
                "pass (micrograd-tutor workbench)."
            )
        return ""


@dataclass(frozen=True)
class Field:
    """One setting as the learner sees it: the engine's row for the
    ``TrainConfig`` field, how it is shown, when it applies."""

    setting: Setting  # kind, range, choices and the reason for a refusal
    label: str  # a short name for the form
    group: str  # RESET or LIVE
    help: str  # one line for a tooltip and for --help
    option: str  # the command-line flag
    names: Mapping[object, str] = dataclass_field(default_factory=dict)  # choice → name shown
    percent: bool = False  # "20%" is read as 0.2

    @property
    def name(self) -> str:
        """The ``TrainConfig`` attribute."""
        return self.setting.name

    @property
    def choices(self) -> tuple[tuple[str, object], ...]:
        """(shown, value) for a pick list; none for a field that is typed."""
        return tuple((self.names.get(v, v), v) for v in self.setting.choices)

    @property
    def shown_choices(self) -> tuple[str, ...]:
        return tuple(shown for shown, _ in self.choices)


def _field(name: str, label: str, group: str, help: str, option: str, **more: object) -> Field:
    """A field for the row ``name`` of the engine's table; ``help`` may name its
    ``{low}`` and ``{high}``."""
    setting = _SETTINGS[name]
    shown = help.format(low=setting.low, high=setting.high)
    return Field(setting, label, group, shown, option, **more)  # type: ignore[arg-type]


FIELDS: tuple[Field, ...] = (
    _field(
        "dataset",
        "dataset",
        RESET,
        "the points to classify, as in TensorFlow Playground",
        "--dataset",
        names={"xor": "XOR", "blobs": "two blobs"},
    ),
    _field("samples", "samples", RESET, "how many points: {low} to {high}", "--samples"),
    _field("noise", "noise", RESET, "how much the points are jittered: {low} to {high}", "--noise"),
    _field(
        "test_fraction",
        "test split",
        RESET,
        "the share of points kept for testing, never trained on: {low} to {high}, or 20%",
        "--test-split",
        percent=True,
    ),
    _field("seed", "seed", RESET, "the random seed of the points and the first weights", "--seed"),
    _field(
        "hidden",
        "hidden",
        RESET,
        "the sizes of the hidden layers, like 16,16 (empty: none, one linear neuron)",
        "--hidden",
    ),
    _field(
        "activation",
        "activation",
        RESET,
        "the squashing function of the hidden neurons",
        "--activation",
    ),
    _field(
        "loss",
        "loss",
        RESET,
        "hinge (micrograd's max-margin loss) or squared error",
        "--loss",
        names={"mse": "squared error"},
    ),
    _field(
        "learning_rate",
        "learn rate",
        LIVE,
        "how big a step downhill: above {low}",
        "--learning-rate",
    ),
    _field(
        "schedule",
        "schedule",
        LIVE,
        "linear decay falls to a tenth of the rate by the last step",
        "--schedule",
        names={"linear": "linear decay"},
    ),
    _field(
        "alpha", "L2 alpha", LIVE, "the pull of every weight towards 0: {low} or more", "--alpha"
    ),
    _field(
        "batch_size", "batch", LIVE, "points per step: full (all of them) or a number", "--batch"
    ),
    _field("steps", "steps", LIVE, "how many steps the run takes: {low} to {high}", "--steps"),
    _field(
        "replay",
        "graph",
        LIVE,
        "how the tutor's engine runs a step. tape: record the step's graph once and replay "
        "it (fast); values: build the Values every step; the same numbers either way",
        "--graph",
        names={True: "tape", False: "values"},
    ),
)

_BY_NAME = {field.name: field for field in FIELDS}
_WHOLE = re.compile(r"^[+-]?\d+$")
_FULL_BATCH = ("", "full", "all", "none")


def _number(text: str) -> object:
    """``"100"`` → 100, ``"1e-4"`` → 0.0001; anything else stays text for the
    engine to refuse with its own reason (``"abc"`` is not a number of samples)."""
    text = text.strip()
    if _WHOLE.match(text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def parse_value(name: str, text: str) -> object:
    """The ``TrainConfig`` value for what was typed into field ``name``.

    Text that cannot mean a value is returned as it is, so that
    ``TrainConfig.problems()`` explains what is wrong with it.
    """
    field = _BY_NAME[name]
    text = text.strip()
    if field.choices:
        for shown, value in field.choices:
            if text.casefold() in (shown.casefold(), str(value).casefold()):
                return value
        return text
    if field.setting.kind == SIZES:
        # One pair of brackets may go round the sizes, and no other bracket anywhere:
        # "(((" is not "no hidden layer", it is a mistake.
        inside = text[1:-1] if text[:1] + text[-1:] in ("()", "[]") else text
        if any(bracket in inside for bracket in "()[]"):
            return text
        if not inside.strip():
            return ()
        sizes = [_number(part) for part in re.split(r"[,\s]+", inside) if part]
        if all(isinstance(size, int) for size in sizes):
            return tuple(sizes)
        return text
    if field.setting.kind == BATCH and text.casefold() in _FULL_BATCH:
        return None
    if field.percent and text.endswith("%"):
        share = _number(text[:-1])
        return share / 100 if isinstance(share, (int, float)) else text
    return _number(text)


def format_value(name: str, value: object) -> str:
    """How field ``name`` shows ``value``: the inverse of :func:`parse_value`."""
    field = _BY_NAME[name]
    if field.choices:
        return next((shown for shown, v in field.choices if v == value), str(value))
    if field.setting.kind == SIZES:
        return ",".join(str(size) for size in value)  # type: ignore[union-attr]
    if value is None:
        return "full"
    if isinstance(value, float):
        # 1.0 → "1", 0.0001 → "0.0001", 1e6 → "1e6" as a learner types it, not "1e+06"
        mantissa, e, exponent = f"{value:g}".partition("e")
        return f"{mantissa}e{int(exponent)}" if e else mantissa
    return str(value)


def live_changes(config: TrainConfig, run_config: TrainConfig) -> dict[str, object]:
    """The training settings (LIVE) in which ``config`` differs from the run's:
    what can change between two steps of the run under way."""
    return {
        field.name: getattr(config, field.name)
        for field in FIELDS
        if field.group == LIVE and getattr(config, field.name) != getattr(run_config, field.name)
    }


# -- the command line -----------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add one option per setting (``--samples 200 --hidden 8,8 ...``) and ``--play``."""
    defaults = TrainConfig()
    for field in FIELDS:
        shown = format_value(field.name, getattr(defaults, field.name))
        help_text = field.help
        if field.choices:
            # the word to type, as listed: a choice's value, or the name of a True/False
            typed = {v: v if isinstance(v, str) else name for name, v in field.choices}
            shown = typed[getattr(defaults, field.name)]
            help_text = f"{field.help}; one of: {', '.join(typed.values())}"
        parser.add_argument(
            field.option,
            dest=field.name,
            metavar="VALUE" if not field.choices else "NAME",
            help=f"{help_text} (default: {shown})".replace("%", "%%"),  # argparse formats help
        )
    parser.add_argument(
        "--play", action="store_true", help="start training as soon as the lab opens"
    )
    parser.add_argument(
        "--experiment",
        metavar="NAME|FILE.toml",
        help=(
            "open the lab on an experiment: a TOML file (the lab's s saves one) or a "
            f"shipped one ({', '.join(shipped_names())}); the options above change its "
            "settings, except the ones it locks"
        ),
    )
    parser.add_argument(
        "--list-experiments",
        action="store_true",
        help="print the shipped experiments, their questions and locks, and exit",
    )
    parser.add_argument(
        "--engine",
        choices=[value for value, _ in ENGINES],
        default=TUTORS,
        help=(
            "which engine trains: the tutor's, or yours from Build micrograd (mine: "
            "once its exercises 1 to 15 pass; tanh only, as your Neuron) (default: tutor)"
        ),
    )


def config_from_arguments(
    arguments: argparse.Namespace, base: TrainConfig | None = None
) -> tuple[TrainConfig, list[str]]:
    """The config the options ask for (unset ones keep ``base``, micrograd's demo
    by default), and every reason it is refused, each naming its option."""
    base = base if base is not None else TrainConfig()
    values = {
        field.name: parse_value(field.name, text)
        for field in FIELDS
        if (text := getattr(arguments, field.name, None)) is not None
    }
    candidate = base.replace(**values)
    found = candidate.problems_by_field()
    return candidate, [f"{_BY_NAME[name].option}: {reason}" for name, reason in found.items()]


def mine_cost_problems(config: TrainConfig, n_train: int | None = None) -> dict[str, str]:
    """The reason (by field) a step of ``config`` on the learner's engine would need
    too much memory, as ``problems_by_field`` gives it for the tutor's; {} when it fits
    (or the data settings are themselves wrong, which they say)."""
    if n_train is None:
        n_train = training_set_size(config.samples, config.test_fraction)
    found = None if n_train is None else cost_problem(config, n_train, MICROGRAD)
    return {} if found is None else {found[0]: found[1]}


def experiment_from_arguments(
    arguments: argparse.Namespace,
) -> tuple[Experiment | None, list[str]]:
    """The experiment ``--experiment`` names (None without it), and why it is refused:
    a bad file, or an option that would change a setting the experiment locks."""
    wanted = getattr(arguments, "experiment", None)
    if wanted is None:
        return None, []
    try:
        experiment = find_experiment(wanted)
    except ExperimentError as error:
        return None, [f"--experiment: {str(error).rstrip('.')}"]
    problems = [
        f"{field.option}: the experiment {experiment.name!r} locks {field.label} at "
        f"{format_value(field.name, getattr(experiment.config, field.name))}; it cannot be changed"
        for field in FIELDS
        if field.name in experiment.locked and getattr(arguments, field.name, None) is not None
    ]
    activation = experiment.config.activation
    mine = getattr(arguments, "engine", TUTORS) == MINE
    if mine and "activation" in experiment.locked and activation != MINE_ACTIVATION:
        problems.append(
            f"--engine mine: the experiment {experiment.name!r} locks the activation at "
            f"{activation}, and your Neuron is {MINE_ACTIVATION} only"
        )
    return experiment, problems


def experiments_listing(prog: str) -> str:
    """What ``train --list-experiments`` prints: each shipped experiment's name,
    title, question and locks."""
    lines = []
    for name, experiment in shipped_experiments().items():
        locked = ", ".join(_BY_NAME[key].label for key in sorted(experiment.locked))
        lines += [f"{name}: {experiment.title}", f"    {experiment.question}"]
        lines.append(f"    locked: {locked or 'nothing'}")
    lines.append(f"Open one with: {prog} train --experiment NAME")
    return "\n".join(lines) + "\n"
