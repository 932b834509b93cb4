"""Experiments as files: a whole training-lab setup in a small TOML file.

A teacher hands out "make this work with only 2 hidden neurons" as a file: the
settings of the run (every ``TrainConfig`` field the engine's ``SETTINGS`` table
checks, the dataset first), a title and a question the lab shows, and which
fields are ``locked`` (shown, not changeable). A file looks like::

    format = 1
    title = "Too few neurons"
    question = "Can 2 hidden neurons separate the spiral?"
    locked = ["dataset", "hidden"]
    dataset = "spiral"
    hidden = [2]
    learning_rate = 1.0
    batch_size = "full"

Only ``format`` must be there; every setting left out keeps micrograd's demo
value (``TrainConfig()``), ``title`` defaults to the file's name. ``weight_seed``
(optional) is the seed of the first weights when they have one of their own (the
lab's ``w``); without it they come from ``seed``, as the data does. The values are
checked by the same rows of ``engine.config`` as the form and the command line,
so a refusal reads the same everywhere; here it also names the key and its line.
A bad file never raises anything but :class:`ExperimentError`, whose message is
for the learner.

Reading uses ``tomllib`` (``tomli`` before Python 3.11); writing is our own, as
the values are flat scalars and lists: :func:`experiment_text` and
:func:`parse_experiment` round-trip exactly.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from engine.config import BATCH, SETTINGS, SIZES, setting_problem, training_set_size
from engine.train import TrainConfig

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "FORMAT",
    "MAX_BYTES",
    "Experiment",
    "ExperimentError",
    "experiment_keys",
    "experiment_text",
    "find_experiment",
    "load_experiment",
    "parse_experiment",
    "shipped_experiments",
    "shipped_names",
]

FORMAT = 1
"""The version of the file format this tutor reads and writes."""

MAX_BYTES = 64 * 1024
"""The largest experiment file read: a real one is under 1 KB."""

FULL_BATCH = "full"
"""How a file says "the whole training set" for batch_size (TOML has no None)."""

_INFO_KEYS = ("format", "title", "question", "locked", "weight_seed")

MAX_SEED = 2**32 - 1
"""The largest seed a file may hold, for the weights as for the data."""
_SETTINGS = {setting.name: setting for setting in SETTINGS}
_CONFIG_FIELDS = {f.name for f in dataclasses.fields(TrainConfig)}


def experiment_keys() -> tuple[str, ...]:
    """The settings a file may hold, in the order they are written: the
    ``SETTINGS`` rows (``dataset`` first), one per ``TrainConfig`` field."""
    return tuple(s.name for s in SETTINGS if s.name in _CONFIG_FIELDS)


class ExperimentError(ValueError):
    """An experiment file that cannot be used; the message says why, for a learner
    (the file, and the key and line when there is one)."""


@dataclass(frozen=True)
class Experiment:
    """A lab setup: the config, which of its fields the learner may not change,
    and what the lab shows about it."""

    config: TrainConfig = field(default_factory=TrainConfig)
    title: str = ""
    question: str = ""
    locked: frozenset[str] = frozenset()
    name: str = ""  # the file's stem, or the shipped experiment's name
    weight_seed: int | None = None
    """The first weights' own seed (the lab's ``w``); None: the config's ``seed``."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "locked", frozenset(self.locked))

    def with_config(self, config: TrainConfig) -> Experiment:
        """The same experiment on ``config``, its locked fields kept as they were."""
        kept = {name: getattr(self.config, name) for name in self.locked if name in _CONFIG_FIELDS}
        return dataclasses.replace(self, config=config.replace(**kept))


# -- reading -------------------------------------------------------------------------


def _line_of(text: str, key: str) -> int | None:
    """The line ``key = ...`` (or the section ``[key]``) is on: the file is flat."""
    name = re.escape(key)
    match = re.search(rf"^[ \t]*(?:{name}[ \t]*=|\[+[ \t]*{name}[ \t]*[\].])", text, re.MULTILINE)
    return None if match is None else text.count("\n", 0, match.start()) + 1


def _where(source: str, text: str, key: str) -> str:
    line = _line_of(text, key)
    return f"{source}, line {line}, {key}" if line else f"{source}, {key}"


def parse_experiment(text: str, source: str = "the experiment", *, name: str = "") -> Experiment:
    """The experiment in ``text``; raises ExperimentError naming ``source`` (the
    file), the key and its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ExperimentError(f"{source} is not valid TOML: {error}.") from None

    def refuse(key: str, reason: str) -> ExperimentError:
        return ExperimentError(f"{_where(source, text, key)}: {reason}")

    keys = experiment_keys()
    for key, value in data.items():
        if isinstance(value, dict):
            raise refuse(
                key,
                f"sections like [{key}] are not part of an experiment file: write each "
                "setting as key = value, before any section.",
            )
    unknown = [key for key in data if key not in _INFO_KEYS and key not in keys]
    if unknown:
        raise refuse(
            unknown[0],
            f"unknown key {unknown[0]!r}. The keys are {', '.join(_INFO_KEYS)} and "
            f"the settings {', '.join(keys)}.",
        )
    if "format" not in data:
        raise ExperimentError(
            f"{source}: the key 'format' is missing; write format = {FORMAT} on its first "
            "line. Every other key is optional (a setting left out keeps micrograd's demo "
            "value)."
        )
    if data["format"] != FORMAT or isinstance(data["format"], bool):
        raise refuse(
            "format", f"this tutor reads format {FORMAT} files, not format {data['format']!r}."
        )
    for key in ("title", "question"):
        if key in data and not isinstance(data[key], str):
            raise refuse(key, f"the {key} must be text in quotes, not {data[key]!r}.")
    locked = data.get("locked", [])
    if not (isinstance(locked, list) and all(isinstance(k, str) for k in locked)):
        raise refuse(
            "locked", f'locked must be a list of setting names like ["hidden"], not {locked!r}.'
        )
    for key in locked:
        if key not in keys:
            raise refuse("locked", f"{key!r} is not a setting; the settings are {', '.join(keys)}.")
        if key not in data:
            raise refuse(
                "locked", f"{key!r} is locked, so the file must set it: write {key} = ... too."
            )
    weight_seed = data.get("weight_seed")
    if weight_seed is not None and not (
        isinstance(weight_seed, int)
        and not isinstance(weight_seed, bool)
        and 0 <= weight_seed <= MAX_SEED
    ):
        raise refuse(
            "weight_seed",
            f"the seed of the first weights must be a whole number from 0 to {MAX_SEED}, "
            f"not {weight_seed!r}; leave the key out to take them from seed.",
        )
    values = {key: data[key] for key in keys if key in data}
    config = _config(values, refuse)
    title = data.get("title", "") or name
    return Experiment(config, title, data.get("question", ""), frozenset(locked), name, weight_seed)


def _config(values: dict[str, object], refuse) -> TrainConfig:
    """A TrainConfig of the file's values, each checked by the engine's row for it."""
    changes: dict[str, object] = {}
    for key, value in values.items():
        setting = _SETTINGS[key]
        if setting.kind == SIZES and isinstance(value, list):
            value = tuple(value)
        if setting.kind == BATCH and value == FULL_BATCH:
            value = None
        changes[key] = value
    config = TrainConfig().replace(**changes)
    n_train = training_set_size(config.samples, config.test_fraction)
    for key in changes:
        problem = setting_problem(_SETTINGS[key], changes[key], n_train)
        if problem is not None:
            raise refuse(key, problem)
    leftover = config.problems_by_field()
    if leftover:
        key, problem = next(iter(leftover.items()))
        raise refuse(key, problem)
    return config


def load_experiment(path: str | Path) -> Experiment:
    """The experiment in the file at ``path``. Refuses, with ExperimentError, what
    is not a regular file (a folder, a FIFO: never waits on one), a file over
    MAX_BYTES (by its size, before reading), one that is not UTF-8 text, and every
    bad key."""
    path = Path(path)
    source = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ExperimentError(f"{source}: there is no such file.") from None
    except OSError as error:
        raise ExperimentError(f"{source}: cannot be read ({error.strerror}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise ExperimentError(f"{source} is a folder, not an experiment file.")
    if not stat.S_ISREG(info.st_mode):
        raise ExperimentError(f"{source} is not a regular file (a pipe or a device?).")
    if info.st_size > MAX_BYTES:
        raise ExperimentError(
            f"{source} is {_size(info.st_size)}; an experiment file is at most "
            f"{MAX_BYTES // 1024} KB (a real one is under 1 KB)."
        )
    try:
        # O_NONBLOCK: if the file was swapped for a FIFO since stat, opening does not wait.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise ExperimentError(f"{source}: cannot be read ({error.strerror}).") from None
    if len(raw) > MAX_BYTES:
        raise ExperimentError(f"{source} is larger than {MAX_BYTES // 1024} KB.")
    return parse_experiment(_text(raw, source), source, name=path.stem)


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.0f} KB"


def _text(raw: bytes, source: str) -> str:
    if b"\0" in raw:
        raise ExperimentError(f"{source} is a binary file, not a TOML text file.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ExperimentError(
            f"{source}, line {line}: not UTF-8 text; save the file as UTF-8."
        ) from None


# -- the shipped experiments ---------------------------------------------------------


def shipped_names() -> tuple[str, ...]:
    """The names of the experiments that come with the tutor, without reading them."""
    folder = resources.files("lessons") / "experiments"
    return tuple(
        sorted(e.name.removesuffix(".toml") for e in folder.iterdir() if e.name.endswith(".toml"))
    )


def shipped_experiments() -> dict[str, Experiment]:
    """The experiments that come with the tutor (lesson 12's questions), by name."""
    folder = resources.files("lessons") / "experiments"
    found = {}
    for stem in shipped_names():
        source = f"the shipped experiment {stem}"
        text = (folder / f"{stem}.toml").read_text("utf-8")
        found[stem] = parse_experiment(text, source, name=stem)
    return found


def find_experiment(name_or_path: str) -> Experiment:
    """A shipped experiment by its name, else the file at that path."""
    names = shipped_names()
    if name_or_path in names:
        return shipped_experiments()[name_or_path]
    path = Path(name_or_path)
    if not path.exists() and path.suffix != ".toml":
        raise ExperimentError(
            f"{name_or_path}: no such file, nor a shipped experiment (those are: "
            f"{', '.join(names)})."
        )
    return load_experiment(path)


# -- writing -------------------------------------------------------------------------


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} has no place in an experiment")
        return repr(value)  # shortest text that reads back as the same float; has . or e
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} to an experiment file")


def _toml_string(text: str) -> str:
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def experiment_text(experiment: Experiment) -> str:
    """The file for ``experiment``: every key written (``weight_seed`` when the
    weights have a seed of their own), so it reads back equal."""
    lines = [f"format = {FORMAT}"]
    lines.append(f"title = {_toml_string(experiment.title)}")
    lines.append(f"question = {_toml_string(experiment.question)}")
    keys = experiment_keys()
    locked = [key for key in keys if key in experiment.locked]
    lines.append(f"locked = {_toml_value(locked)}")
    if experiment.weight_seed is not None:
        lines.append(f"weight_seed = {_toml_value(experiment.weight_seed)}")
    lines.append("")
    config = experiment.config
    for key in keys:
        value = getattr(config, key)
        if value is None and _SETTINGS[key].kind == BATCH:
            value = FULL_BATCH
        lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"
