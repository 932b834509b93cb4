"""Datasets made once per data home, not once per tutor.

scikit-learn makes the lab's datasets, and importing it is most of what opening the
lab costs: about a second of CPU and some 75 MB more memory for the rest of the
tutor's life. On a class's server thirty tutors would each pay that for the same
hundred points. So the first tutor to need a dataset keeps it in the data home
(``cache/datasets`` under ``$MICROGRAD_TUTOR_HOME``, shared by the learners of a
``serve``), and every other tutor reads it back, a few kilobytes of JSON, without
importing scikit-learn at all. Tutors that want the same dataset at the same moment
(a class told to open the lab) wait for the one that is making it, rather than
each making it too.

A kept dataset is trusted only when it is exactly what was asked for: the same
settings and scikit-learn release, the right numbers of training and test points,
finite coordinates, labels of -1 or +1. Anything else (a damaged or foreign file, a
symlink, a FIFO, a folder that cannot be written) is passed over and the dataset is
made as if there were no cache: the cache can make the lab quicker, never wrong.
No Textual here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import stat
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from engine.data import Dataset, make_dataset, split_sizes
from engine.train import TrainConfig

__all__ = ["MAX_CACHED_BYTES", "DatasetCache", "settings_dataset"]

MAX_CACHED_BYTES = 4_000_000
"""A kept dataset larger than this is not read (the largest the lab allows is far smaller)."""

WAIT_FOR_ANOTHER = 30.0
"""Seconds a tutor waits for another that is making the same dataset; a claim older
than this is taken to be left by a tutor that ended mid-way."""

FORMAT = 1
"""Bumped when what a kept file holds changes: older files are then passed over."""


def _sklearn_release() -> str:
    """scikit-learn's version, read without importing it (a new release may make
    other points from the same seed)."""
    try:
        return metadata.version("scikit-learn")
    except metadata.PackageNotFoundError:
        return ""


class DatasetCache:
    """The datasets kept in ``folder``; :meth:`dataset` reads one or makes and keeps it."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def dataset(self, config: TrainConfig, stopped: Callable[[], bool] = lambda: False) -> Dataset:
        """The dataset ``config``'s settings describe (as ``make_dataset`` makes it).
        While another tutor is making it, wait for theirs, until ``stopped()``."""
        key = self._key(config)
        path = self.folder / f"{config.dataset}-{_digest(key)}.json"
        kept = _read(path, key, config)
        if kept is not None:
            return kept
        claim = path.with_name(f".{path.stem}.making")
        claimed = _claim(self.folder, claim)
        if not claimed:
            kept = _wait_for_another(path, key, config, claim, stopped)
            if kept is not None:
                return kept
        try:
            made = make_dataset(
                config.dataset, config.samples, config.noise, config.seed, config.test_fraction
            )
            _write(self.folder, path, key, made)
        finally:
            if claimed:
                with contextlib.suppress(OSError):
                    claim.unlink()
        return made

    @staticmethod
    def _key(config: TrainConfig) -> dict[str, object]:
        return {
            "format": FORMAT,
            "name": config.dataset,
            # 0 and 0.0 are the same setting (the lab's form gives one, a preset the other)
            "samples": int(config.samples),
            "noise": float(config.noise),
            "seed": int(config.seed),
            "test_fraction": float(config.test_fraction),
            "scikit-learn": _sklearn_release(),
        }


def settings_dataset(
    config: TrainConfig, cache: DatasetCache | None, stopped: Callable[[], bool]
) -> Dataset | None:
    """The dataset ``config``'s settings describe, through ``cache``; None without a
    cache, or when the settings have problems (nothing is made before they are said:
    the run made from ``config`` then says them)."""
    if cache is None or config.problems():
        return None
    return cache.dataset(config, stopped)


def _claim(folder: Path, claim: Path) -> bool:
    """Say that this tutor is making the dataset (False: another already said so, or
    the folder cannot be written)."""
    try:
        if folder.is_symlink() or folder.parent.is_symlink():
            return False
        folder.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        os.close(os.open(claim, flags, 0o600))
    except OSError:
        return False
    return True


def _wait_for_another(
    path: Path,
    key: dict[str, object],
    config: TrainConfig,
    claim: Path,
    stopped: Callable[[], bool],
) -> Dataset | None:
    """The dataset another tutor is making, once kept; None if its claim goes or is
    stale (older than :data:`WAIT_FOR_ANOTHER`) first, or if ``stopped()``."""
    while not stopped():
        try:
            age = time.time() - os.lstat(claim).st_mtime
        except OSError:
            age = None  # the claim is gone: the other tutor has kept it, or failed
        kept = _read(path, key, config)
        if kept is not None or age is None or age > WAIT_FOR_ANOTHER:
            return kept
        time.sleep(0.05)
    return None


def _digest(key: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:24]


def _read(path: Path, key: dict[str, object], config: TrainConfig) -> Dataset | None:
    """The dataset kept at ``path`` if it is the one ``key`` names, whole; else None."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None  # not kept yet, a symlink, or not readable
    try:
        with os.fdopen(descriptor, "rb") as file:
            found = os.fstat(file.fileno())
            if not stat.S_ISREG(found.st_mode) or found.st_size > MAX_CACHED_BYTES:
                return None  # a FIFO or a device would block; a huge file is not ours
            kept = json.loads(file.read(MAX_CACHED_BYTES + 1))
        if not isinstance(kept, dict) or kept.get("key") != key:
            return None
        n_train, n_test = split_sizes(config.samples, config.test_fraction)
        parts = {name: kept.get(name) for name in ("X_train", "y_train", "X_test", "y_test")}
        if not (_points(parts["X_train"], n_train) and _points(parts["X_test"], n_test)):
            return None
        if not (_labels(parts["y_train"], n_train) and _labels(parts["y_test"], n_test)):
            return None
        return Dataset(config.dataset, **parts)
    except (OSError, ValueError, TypeError, RecursionError, MemoryError):
        return None


def _points(rows: object, count: int) -> bool:
    return (
        isinstance(rows, list)
        and len(rows) == count
        and all(
            isinstance(row, list)
            and len(row) == 2
            and all(type(v) is float and math.isfinite(v) for v in row)
            for row in rows
        )
    )


def _labels(labels: object, count: int) -> bool:
    return (
        isinstance(labels, list)
        and len(labels) == count
        and all(type(v) is float and v in (-1.0, 1.0) for v in labels)
    )


def _write(folder: Path, path: Path, key: dict[str, object], dataset: Dataset) -> None:
    """Keep ``dataset`` at ``path``, whole or not at all (another tutor may be reading);
    a folder that cannot be written leaves the dataset unkept, and says nothing."""
    kept = {
        "key": key,
        "X_train": [list(row) for row in dataset.X_train],
        "y_train": list(dataset.y_train),
        "X_test": [list(row) for row in dataset.X_test],
        "y_test": list(dataset.y_test),
    }
    temporary = None
    try:
        if folder.is_symlink() or folder.parent.is_symlink():
            return  # as with progress files: nothing is written through a link
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=folder, prefix=".keeping-", suffix=".json", delete=False
        ) as file:
            temporary = file.name
            json.dump(kept, file)
        os.replace(temporary, path)
        temporary = None
    except OSError:
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
