"""The training lab's settings as text, for its form and for ``micrograd-tutor train``.

Every setting is a ``TrainConfig`` field. This module turns the text a learner
types ("16,16", "full", "20%") into values and back, and says which field each
of ``TrainConfig.problems()``'s reasons belongs to, so the form can show it
beside that field. The engine decides what is valid; this module only reads text.

Settings fall in two groups:

* data and model (samples, noise, test split, seed, hidden layers, activation,
  loss) make a new dataset or a new network, so they apply on reset;
* training (learning rate, schedule, L2 alpha, batch size, steps) change only
  how the next steps are taken, so they apply at once, between two steps.

No Textual here: the command line uses it before the app starts.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass

from engine.train import TrainConfig

__all__ = [
    "FIELDS",
    "LIVE",
    "RESET",
    "Field",
    "add_arguments",
    "config_from_arguments",
    "field_problems",
    "format_value",
    "parse_value",
]

RESET = "reset"  # applies to the next run: a new dataset or a new network
LIVE = "live"  # applies between two steps of the run under way


@dataclass(frozen=True)
class Field:
    """One setting: the ``TrainConfig`` field, how it is shown, when it applies."""

    name: str  # the TrainConfig attribute
    label: str  # a short name for the form
    group: str  # RESET or LIVE
    help: str  # one line for a tooltip and for --help
    option: str  # the command-line flag
    choices: tuple[tuple[str, str], ...] = ()  # (shown, value) for a pick list

    @property
    def shown_choices(self) -> tuple[str, ...]:
        return tuple(shown for shown, _ in self.choices)


FIELDS: tuple[Field, ...] = (
    Field("samples", "samples", RESET, "how many moons points: 20 to 1000", "--samples"),
    Field("noise", "noise", RESET, "how much the points are jittered: 0 to 0.5", "--noise"),
    Field(
        "test_fraction",
        "test split",
        RESET,
        "the share of points kept for testing, never trained on: 0 to 0.9, or 20%",
        "--test-split",
    ),
    Field("seed", "seed", RESET, "the random seed of the points and the first weights", "--seed"),
    Field(
        "hidden",
        "hidden",
        RESET,
        "the sizes of the hidden layers, like 16,16 (empty: no hidden layer)",
        "--hidden",
    ),
    Field(
        "activation",
        "activation",
        RESET,
        "the squashing function of the hidden neurons",
        "--activation",
        (("relu", "relu"), ("tanh", "tanh"), ("sigmoid", "sigmoid"), ("linear", "linear")),
    ),
    Field(
        "loss",
        "loss",
        RESET,
        "hinge (micrograd's max-margin loss) or squared error",
        "--loss",
        (("hinge", "hinge"), ("squared error", "mse")),
    ),
    Field(
        "learning_rate", "learn rate", LIVE, "how big a step downhill: above 0", "--learning-rate"
    ),
    Field(
        "schedule",
        "schedule",
        LIVE,
        "linear decay falls to a tenth of the rate by the last step",
        "--schedule",
        (("linear decay", "linear"), ("constant", "constant")),
    ),
    Field("alpha", "L2 alpha", LIVE, "the pull of every weight towards 0: 0 or more", "--alpha"),
    Field(
        "batch_size",
        "batch",
        LIVE,
        "points per step: full (all of them) or a number",
        "--batch",
    ),
    Field("steps", "steps", LIVE, "how many steps the run takes: 1 to 100000", "--steps"),
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
            if text.casefold() in (shown.casefold(), value.casefold()):
                return value
        return text
    if name == "hidden":
        inside = text.strip("()[] ")
        if not inside:
            return ()
        sizes = [_number(part) for part in re.split(r"[,\s]+", inside) if part]
        if all(isinstance(size, int) for size in sizes):
            return tuple(sizes)
        return text
    if name == "batch_size" and text.casefold() in _FULL_BATCH:
        return None
    if name == "test_fraction" and text.endswith("%"):
        share = _number(text[:-1])
        return share / 100 if isinstance(share, (int, float)) else text
    return _number(text)


def format_value(name: str, value: object) -> str:
    """How field ``name`` shows ``value``: the inverse of :func:`parse_value`."""
    field = _BY_NAME[name]
    if field.choices:
        return next((shown for shown, v in field.choices if v == value), str(value))
    if name == "hidden":
        return ",".join(str(size) for size in value)  # type: ignore[union-attr]
    if value is None:
        return "full"
    if isinstance(value, float):
        return f"{value:g}"  # 1.0 → "1", 0.0001 → "0.0001"
    return str(value)


def field_problems(
    applied: TrainConfig, values: dict[str, object], n_train: int | None = None
) -> tuple[TrainConfig, dict[str, list[str]], list[str]]:
    """Check the settings ``values`` (field name → value) on top of ``applied``.

    Returns the candidate config, the reasons each field is refused (a reason
    belongs to a field when putting that field back to its ``applied`` value
    makes the reason go away: a batch of 50 out of 40 samples is blamed on
    both), and any reasons that belong to no single field.
    ``applied`` must itself be valid, as the config of a run is.
    """
    candidate = applied.replace(**values)
    found = candidate.problems(n_train)
    by_field: dict[str, list[str]] = {}
    claimed: set[str] = set()
    for name in values:
        if values[name] == getattr(applied, name):
            continue
        without = set(candidate.replace(**{name: getattr(applied, name)}).problems(n_train))
        mine = [reason for reason in found if reason not in without]
        if mine:
            by_field[name] = mine
            claimed.update(mine)
    return candidate, by_field, [reason for reason in found if reason not in claimed]


# -- the command line -----------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add one option per setting (``--samples 200 --hidden 8,8 ...``) and ``--play``."""
    defaults = TrainConfig()
    for field in FIELDS:
        shown = format_value(field.name, getattr(defaults, field.name))
        help_text = field.help
        if field.choices:
            shown = getattr(defaults, field.name)  # the name to type, as listed
            help_text = f"{field.help}; one of: {', '.join(v for _, v in field.choices)}"
        parser.add_argument(
            field.option,
            dest=field.name,
            metavar="VALUE" if not field.choices else "NAME",
            help=f"{help_text} (default: {shown})".replace("%", "%%"),  # argparse formats help
        )
    parser.add_argument(
        "--play", action="store_true", help="start training as soon as the lab opens"
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
    candidate, by_field, other = field_problems(base, values)
    reasons = [
        f"{_BY_NAME[name].option}: {reason}" for name, found in by_field.items() for reason in found
    ]
    return candidate, reasons + other
