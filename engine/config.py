"""What a valid training setting is: one row of plain data per ``TrainConfig`` field.

``TrainConfig.problems_by_field()`` reads this table to check a config, so each
reason it gives belongs to one field; a form or a command line can read the same
rows to know a field's kind, its range and its choices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.data import DATASETS, split_sizes
from engine.nn import ACTIVATIONS

__all__ = [
    "BATCH",
    "CHOICE",
    "DATASETS",
    "LOSSES",
    "NUMBER",
    "SCHEDULES",
    "SETTINGS",
    "SIZES",
    "SWITCH",
    "WHOLE",
    "Setting",
    "is_number",
    "is_whole",
    "setting_problem",
    "training_set_size",
]

LOSSES = ("hinge", "mse")
SCHEDULES = ("linear", "constant")

# The kinds of setting.
WHOLE = "whole"  # an int from low to high
NUMBER = "number"  # a finite int or float from low to high
CHOICE = "choice"  # one of choices
SIZES = "sizes"  # a tuple of at most `most` whole numbers, each from low to high
BATCH = "batch"  # None (the whole training set), or a whole number from low to its size
SWITCH = "switch"  # True or False (its choices, in that order)


def is_whole(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


@dataclass(frozen=True)
class Setting:
    """One ``TrainConfig`` field: its kind, the values it takes, and the reason
    given for any other value (``str.format``-ed with ``value``, ``low``,
    ``high``, ``most``, ``choices``; ``limit`` for a batch)."""

    name: str
    kind: str
    problem: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False  # low itself is refused
    high_open: bool = False  # high itself is refused
    choices: tuple[str, ...] | tuple[bool, ...] = ()
    most: int | None = None  # SIZES: the most sizes there can be
    too_many: str = ""  # SIZES: the reason for more than `most`
    size_problem: str = ""  # SIZES: the reason for a size out of range
    zero_problem: str = ""  # SIZES: the reason for a size of 0, if it has one of its own

    def in_range(self, x: float) -> bool:
        low_ok = self.low is None or (x > self.low if self.low_open else x >= self.low)
        high_ok = self.high is None or (x < self.high if self.high_open else x <= self.high)
        return low_ok and high_ok


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "dataset",
        CHOICE,
        "The dataset must be one of {choices}, not {value!r}.",
        choices=DATASETS,
    ),
    Setting(
        "samples",
        WHOLE,
        "The number of samples must be a whole number from {low} to {high}, not {value!r}.",
        low=20,
        high=1000,
    ),
    Setting(
        "noise",
        NUMBER,
        "The noise must be a number from {low} to {high}, not {value!r}.",
        low=0,
        high=0.5,
    ),
    Setting(
        "test_fraction",
        NUMBER,
        "The test fraction must be at least {low} and below {high}, not {value!r}.",
        low=0,
        high=0.9,
        high_open=True,
    ),
    Setting(
        "seed",
        WHOLE,
        "The seed must be a whole number from {low} to {high}, not {value!r}.",
        low=0,
        high=2**32 - 1,
    ),
    Setting(
        "hidden",
        SIZES,
        "The hidden layers must be a list of layer sizes like (16, 16), not {value!r}.",
        low=1,
        high=256,
        most=8,
        too_many="There can be at most {most} hidden layers, not {count}.",
        size_problem=(
            "Each hidden layer needs from {low} to {high} neurons; {value!r} has a layer "
            "outside that."
        ),
        # An empty list is no hidden layer at all (one linear neuron): "0" reads the same
        # to a learner, so it is told how to ask for that.
        zero_problem=(
            "A layer of 0 neurons is not a layer. For no hidden layer at all (one linear "
            "neuron, a straight boundary), leave the hidden layers empty."
        ),
    ),
    Setting(
        "activation",
        CHOICE,
        "The activation must be one of {choices}, not {value!r}.",
        choices=tuple(ACTIVATIONS),
    ),
    Setting("loss", CHOICE, "The loss must be one of {choices}, not {value!r}.", choices=LOSSES),
    Setting(
        "learning_rate",
        NUMBER,
        "The learning rate must be a positive finite number, not {value!r}.",
        low=0,
        low_open=True,
    ),
    Setting(
        "schedule",
        CHOICE,
        "The learning-rate schedule must be one of {choices}, not {value!r}.",
        choices=SCHEDULES,
    ),
    Setting(
        "alpha",
        NUMBER,
        "The regularisation strength alpha must be a finite number of at least {low}, "
        "not {value!r}.",
        low=0,
    ),
    Setting(
        "batch_size",
        BATCH,
        "The batch size must be {limit}, or None to use the whole training set, not {value!r}.",
        low=1,
    ),
    Setting(
        "steps",
        WHOLE,
        "The number of steps must be a whole number from {low} to {high}, not {value!r}.",
        low=1,
        high=100_000,
    ),
    Setting(
        "replay",
        SWITCH,
        "Replay must be True (record a step once, replay it) or False (build Values "
        "every step), not {value!r}.",
        choices=(True, False),
    ),
)


def setting_problem(setting: Setting, value: object, n_train: int | None = None) -> str | None:
    """Why ``value`` is refused for ``setting``, or None when it is fine.

    ``n_train`` is the size of the training set, for a batch (None: unknown).
    """
    fits: bool
    if setting.kind == WHOLE:
        fits = is_whole(value) and setting.in_range(value)  # type: ignore[arg-type]
    elif setting.kind == NUMBER:
        fits = is_number(value) and setting.in_range(value)  # type: ignore[arg-type]
    elif setting.kind == CHOICE:
        fits = value in setting.choices
    elif setting.kind == SWITCH:
        fits = isinstance(value, bool)
    elif setting.kind == SIZES:
        return _sizes_problem(setting, value)
    elif setting.kind == BATCH:
        return _batch_problem(setting, value, n_train)
    else:
        raise ValueError(f"unknown kind of setting {setting.kind!r}")
    return None if fits else _say(setting.problem, setting, value)


def _say(template: str, setting: Setting, value: object, **more: object) -> str:
    return template.format(
        value=value,
        low=setting.low,
        high=setting.high,
        most=setting.most,
        choices=", ".join(map(str, setting.choices)),
        **more,
    )


def _sizes_problem(setting: Setting, value: object) -> str | None:
    if not (isinstance(value, tuple) and all(is_whole(n) for n in value)):
        return _say(setting.problem, setting, value)
    if setting.most is not None and len(value) > setting.most:
        return _say(setting.too_many, setting, value, count=len(value))
    if setting.zero_problem and value and not any(value):  # (0,) or (0, 0): asked for none
        return _say(setting.zero_problem, setting, value)
    if not all(setting.in_range(n) for n in value):
        return _say(setting.size_problem, setting, value)
    return None


def _batch_problem(setting: Setting, value: object, n_train: int | None) -> str | None:
    if value is None:
        return None
    low = setting.low
    if n_train is None:  # the data size is itself wrong: check what can be checked
        if is_whole(value) and value >= low:  # type: ignore[operator]
            return None
        limit = f"a whole number of at least {low}"
    else:
        if is_whole(value) and low <= value <= n_train:  # type: ignore[operator]
            return None
        limit = f"a whole number from {low} to {n_train} (the size of the training set)"
    return _say(setting.problem, setting, value, limit=limit)


def training_set_size(samples: object, test_fraction: object) -> int | None:
    """How many points a config's dataset trains on, or None when its data settings are wrong."""
    if is_whole(samples) and is_number(test_fraction):
        return split_sizes(samples, test_fraction)[0]  # type: ignore[arg-type]
    return None
