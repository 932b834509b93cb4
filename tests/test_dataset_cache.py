"""The lab's datasets kept in the data home: read back exactly, and never trusted
when damaged, foreign or not a plain file (the dataset is then made afresh)."""

from __future__ import annotations

import json
import os

import pytest

from engine.data import make_dataset
from engine.train import TrainConfig
from tests.apps import make_app
from tests.test_train_screen import settle
from tutor import dataset_cache
from tutor.dataset_cache import DatasetCache

CONFIG = TrainConfig(samples=40, noise=0.15, seed=7, test_fraction=0.25)


@pytest.fixture
def made(monkeypatch) -> list[TrainConfig]:
    """Every dataset the cache had to make (rather than read back)."""
    calls: list[TrainConfig] = []

    def counting(name, samples, noise, seed, test_fraction):
        calls.append((name, samples, noise, seed, test_fraction))
        return make_dataset(name, samples, noise, seed, test_fraction)

    monkeypatch.setattr(dataset_cache, "make_dataset", counting)
    return calls


def expected(config: TrainConfig = CONFIG):
    return make_dataset(
        config.dataset, config.samples, config.noise, config.seed, config.test_fraction
    )


def kept_file(folder):
    (path,) = [p for p in folder.iterdir() if not p.name.startswith(".")]
    return path


def test_a_kept_dataset_is_read_back_exactly_without_making_it_again(tmp_path, made):
    cache = DatasetCache(tmp_path / "datasets")
    first = cache.dataset(CONFIG)
    again = DatasetCache(tmp_path / "datasets").dataset(CONFIG)  # another tutor
    assert first == expected() == again
    assert len(made) == 1


def test_the_same_settings_written_differently_share_one_dataset(tmp_path, made):
    cache = DatasetCache(tmp_path)
    cache.dataset(TrainConfig(noise=0.1, test_fraction=0.0))
    assert cache.dataset(TrainConfig(noise=0.1, test_fraction=0)) == expected(TrainConfig())
    assert len(made) == 1


def test_other_settings_or_another_scikit_learn_make_their_own(tmp_path, made, monkeypatch):
    cache = DatasetCache(tmp_path)
    cache.dataset(CONFIG)
    other = TrainConfig(samples=40, noise=0.15, seed=8, test_fraction=0.25)
    assert cache.dataset(other) == expected(other)
    circles = TrainConfig(dataset="circles", samples=40, seed=7)
    assert cache.dataset(circles) == expected(circles)
    assert len(made) == 3
    monkeypatch.setattr(dataset_cache, "_sklearn_release", lambda: "99.0")
    assert cache.dataset(CONFIG) == expected()  # a new release may draw other points
    assert len(made) == 4


def damage(path, kind: str) -> None:
    kept = json.loads(path.read_text())
    if kind == "garbage":
        path.write_text("[" * 100_000)
    elif kind == "not json":
        path.write_bytes(b"\xff\xfe not json")
    elif kind == "another key":
        kept["key"]["seed"] = 8
        path.write_text(json.dumps(kept))
    elif kind == "a point short":
        kept["X_train"].pop()
        kept["y_train"].pop()
        path.write_text(json.dumps(kept))
    elif kind == "not finite":
        kept["X_test"][0][0] = float("nan")
        path.write_text(json.dumps(kept))
    elif kind == "label 0":
        kept["y_train"][0] = 0.0
        path.write_text(json.dumps(kept))
    elif kind == "a list":
        path.write_text("[]")
    elif kind == "huge":
        path.write_text(json.dumps(kept) + " " * dataset_cache.MAX_CACHED_BYTES)


@pytest.mark.parametrize(
    "kind",
    [
        "garbage",
        "not json",
        "another key",
        "a point short",
        "not finite",
        "label 0",
        "a list",
        "huge",
    ],
)
def test_a_damaged_kept_dataset_is_passed_over_and_replaced(tmp_path, made, kind):
    cache = DatasetCache(tmp_path)
    cache.dataset(CONFIG)
    damage(kept_file(tmp_path), kind)
    assert cache.dataset(CONFIG) == expected()
    assert len(made) == 2
    assert cache.dataset(CONFIG) == expected()  # the good one is kept again
    assert len(made) == 2


def test_a_symlink_or_a_fifo_is_not_read(tmp_path, made):
    cache = DatasetCache(tmp_path / "datasets")
    cache.dataset(CONFIG)
    path = kept_file(tmp_path / "datasets")
    elsewhere = tmp_path / "elsewhere.json"
    path.rename(elsewhere)
    path.symlink_to(elsewhere)  # a link to a good file is still not followed
    assert cache.dataset(CONFIG) == expected()
    assert len(made) == 2
    assert not path.is_symlink()  # replaced by a file of its own; the target untouched
    assert json.loads(elsewhere.read_text())["key"] == json.loads(path.read_text())["key"]
    path.unlink()
    os.mkfifo(path)  # would block a plain open() for ever
    assert cache.dataset(CONFIG) == expected()
    assert len(made) == 3


def test_nothing_is_written_through_a_symlinked_cache_folder(tmp_path, made):
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "cache").symlink_to(outside)
    cache = DatasetCache(tmp_path / "home" / "cache" / "datasets")
    assert cache.dataset(CONFIG) == expected()
    assert list(outside.iterdir()) == []


def test_a_folder_that_cannot_be_written_still_gives_the_dataset(tmp_path, made):
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    cache = DatasetCache(blocked / "datasets")
    assert cache.dataset(CONFIG) == expected()
    assert cache.dataset(CONFIG) == expected()
    assert len(made) == 2
    assert blocked.read_text() == "not a folder"


async def test_the_tutors_lab_keeps_its_dataset_in_the_data_home(home):
    from tutor.screens.train import TrainScreen
    from tutor.train_driver import RunStatus

    config = TrainConfig(samples=30, steps=5)
    app = make_app(home, train=(config, False))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: getattr(app.screen, "status", None) == RunStatus.READY)
        assert isinstance(app.screen, TrainScreen)
        assert app.screen.run is not None and app.screen.run.dataset == expected(config)
    (path,) = (home / "cache" / "datasets").iterdir()
    assert json.loads(path.read_text())["key"]["samples"] == 30


def test_a_tutor_waits_for_another_making_the_same_dataset(tmp_path, made):
    """A class opening the lab at once: one tutor makes the points, the rest read them."""
    import threading

    cache = DatasetCache(tmp_path)
    key = cache._key(CONFIG)
    path = tmp_path / f"moons-{dataset_cache._digest(key)}.json"
    claim = path.with_name(f".{path.stem}.making")
    claim.touch()  # another tutor is making it
    got = []
    waiting = threading.Thread(target=lambda: got.append(cache.dataset(CONFIG)))
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive() and not made  # waiting, not making its own
    dataset_cache._write(tmp_path, path, key, expected())  # the other tutor keeps it
    claim.unlink()
    waiting.join(10)
    assert not waiting.is_alive()
    assert got == [expected()] and not made


def test_a_stale_claim_or_a_stop_does_not_keep_a_tutor_waiting(tmp_path, made):
    import threading

    cache = DatasetCache(tmp_path)
    key = cache._key(CONFIG)
    path = tmp_path / f"moons-{dataset_cache._digest(key)}.json"
    claim = path.with_name(f".{path.stem}.making")
    claim.touch()
    assert cache.dataset(CONFIG, stopped=lambda: True) == expected()  # the lab was left
    assert len(made) == 1
    path.unlink()
    old = claim.stat().st_mtime - dataset_cache.WAIT_FOR_ANOTHER - 5
    os.utime(claim, (old, old))  # left by a tutor that ended while making it
    got = []
    making = threading.Thread(target=lambda: got.append(cache.dataset(CONFIG)))
    making.start()
    making.join(10)
    assert not making.is_alive()
    assert got == [expected()] and len(made) == 2


def test_the_claim_goes_once_the_dataset_is_kept(tmp_path, made):
    DatasetCache(tmp_path).dataset(CONFIG)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
