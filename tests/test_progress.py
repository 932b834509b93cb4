"""Saved progress: round trip, damaged files, read-only places, two tutors at once."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessons.progress import (
    MAX_BYTES,
    MAX_NAME,
    SCHEMA,
    ProgressStore,
    default_home,
    learner_home,
    learner_slug,
)

ROOT = Path(__file__).resolve().parent.parent


def _file(home: Path) -> dict:
    return json.loads((home / "progress.json").read_text(encoding="utf-8"))


def _aside(home: Path) -> list[Path]:
    return sorted(home.glob("progress.json.corrupt-*"))


def _leftover_temporaries(home: Path) -> list[Path]:
    return [p for p in home.iterdir() if p.name.startswith((".progress-", ".probe-"))]


# -- where it lives -----------------------------------------------------------------


def test_home_comes_from_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("MICROGRAD_TUTOR_HOME", str(tmp_path / "teacher"))
    assert default_home() == tmp_path / "teacher"
    store = ProgressStore()
    assert store.path == tmp_path / "teacher" / "progress.json"
    store.complete_step("values-and-graphs", 0)
    assert (tmp_path / "teacher" / "progress.json").is_file()


def test_home_defaults_to_the_user_data_directory(monkeypatch):
    import platformdirs

    monkeypatch.delenv("MICROGRAD_TUTOR_HOME", raising=False)
    expected = Path(platformdirs.user_data_dir("micrograd-tutor", appauthor=False))
    assert default_home() == expected


# -- round trip ---------------------------------------------------------------------


def test_progress_round_trips_through_the_file(tmp_path):
    store = ProgressStore(tmp_path)
    assert store.position is None and store.take_notice() is None
    store.complete_step("backprop-by-hand", 0)
    store.complete_step("backprop-by-hand", 2)
    assert store.record_attempt("backprop-by-hand", 2) == 1
    assert store.record_attempt("backprop-by-hand", 2) == 2
    store.complete_lesson("derivative-as-slope")
    store.set_position("backprop-by-hand", 3)

    again = ProgressStore(tmp_path)
    assert again.take_notice() is None
    assert again.completed_steps("backprop-by-hand") == {0, 2}
    assert again.step_done("backprop-by-hand", 2)
    assert not again.step_done("backprop-by-hand", 1)
    assert again.attempts("backprop-by-hand", 2) == 2
    assert again.attempts("backprop-by-hand", 0) == 0
    assert again.lesson_done("derivative-as-slope")
    assert not again.lesson_done("backprop-by-hand")
    assert again.completed_lessons() == {"derivative-as-slope"}
    assert again.position == ("backprop-by-hand", 3)
    assert again.last_step("backprop-by-hand") == 3

    data = _file(tmp_path)
    assert data["schema"] == SCHEMA == 1
    assert data["lessons"]["backprop-by-hand"]["completed_steps"] == [0, 2]
    assert data["lessons"]["backprop-by-hand"]["attempts"] == {"2": 2}
    assert data["position"] == {"lesson": "backprop-by-hand", "step": 3}
    assert _leftover_temporaries(tmp_path) == []


def test_step_indices_must_be_whole_numbers(tmp_path):
    store = ProgressStore(tmp_path)
    for bad in (-1, 1.5, True, "2"):
        with pytest.raises(ValueError):
            store.complete_step("x", bad)  # type: ignore[arg-type]


def test_resetting_a_lesson_removes_it_from_the_file_too(tmp_path):
    store = ProgressStore(tmp_path)
    store.complete_step("chain-rule", 1)
    store.complete_lesson("chain-rule")
    store.complete_step("neuron", 0)
    store.reset_lesson("chain-rule")
    assert store.completed_steps("chain-rule") == set()
    again = ProgressStore(tmp_path)
    assert not again.lesson_done("chain-rule")
    assert again.completed_steps("chain-rule") == set()
    assert again.completed_steps("neuron") == {0}


# -- damaged files ------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"",
        b"[1, 2, 3]",
        b'{"schema": 1, "lessons": []}',
        b'{"schema": 1, "lessons": {"a": {"completed_steps": ["x"]}}}',
        b'{"schema": 1, "lessons": {"a": {"completed": "yes"}}}',
        b'{"schema": 1, "lessons": {}, "position": {"lesson": 3}}',
        b'{"schema": "one", "lessons": {}}',
        b'{"schema": -1, "lessons": {}}',
        b'{"hello": "world"}',
    ],
)
def test_a_damaged_file_is_moved_aside_and_the_learner_told_once(tmp_path, content):
    (tmp_path / "progress.json").write_bytes(content)
    store = ProgressStore(tmp_path)

    aside = _aside(tmp_path)
    assert len(aside) == 1
    assert aside[0].read_bytes() == content  # kept exactly, never deleted
    notice = store.take_notice()
    assert notice is not None and "damaged" in notice and aside[0].name in notice
    assert store.take_notice() is None  # once

    assert store.completed_steps("a") == set()
    assert store.saving
    store.complete_step("values-and-graphs", 1)
    assert ProgressStore(tmp_path).completed_steps("values-and-graphs") == {1}
    assert len(_aside(tmp_path)) == 1


def test_a_huge_file_is_treated_as_damaged_without_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    with path.open("wb") as file:
        file.truncate(3 * 2**30)  # a sparse 3 GB file: reading it all would be obvious
    opened = []
    real_fdopen = os.fdopen

    def watching_fdopen(fd, *args, **kwargs):
        opened.append(fd)  # the store reads only through a file object made here
        return real_fdopen(fd, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", watching_fdopen)
    store = ProgressStore(tmp_path)
    monkeypatch.undo()
    assert opened == []
    (aside,) = _aside(tmp_path)
    assert aside.stat().st_size == 3 * 2**30
    assert "too large" in (store.take_notice() or "")


def test_a_file_just_under_the_limit_is_read(tmp_path):
    record = {"schema": 1, "lessons": {"neuron": {"completed_steps": [0]}}}
    text = json.dumps(record)
    padded = text[:-1] + " " * (MAX_BYTES - len(text) - 1) + "}"
    (tmp_path / "progress.json").write_text(padded, encoding="utf-8")
    store = ProgressStore(tmp_path)
    assert store.take_notice() is None
    assert store.completed_steps("neuron") == {0}


def test_an_unreadable_file_is_moved_aside(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    path.write_text('{"schema": 1, "lessons": {}}', encoding="utf-8")
    real_open = os.open

    def refusing_open(where, *args, **kwargs):
        if Path(where) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(where))
        return real_open(where, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    store = ProgressStore(tmp_path)
    monkeypatch.undo()
    assert len(_aside(tmp_path)) == 1
    assert "could not be read" in (store.take_notice() or "")


def test_a_file_damaged_by_someone_else_between_saves_is_kept_and_replaced(tmp_path):
    store = ProgressStore(tmp_path)
    store.complete_step("neuron", 0)
    (tmp_path / "progress.json").write_text("{oops", encoding="utf-8")
    store.complete_step("neuron", 1)
    (aside,) = _aside(tmp_path)
    assert aside.read_text(encoding="utf-8") == "{oops"
    assert "damaged" in (store.take_notice() or "")
    assert ProgressStore(tmp_path).completed_steps("neuron") == {0, 1}


# -- places that cannot be written --------------------------------------------------


def _fail_writes(monkeypatch, err: int = errno.EROFS) -> None:
    """Make creating any file fail the way a read-only file system does."""

    def refuse(*args, **kwargs):
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)


def test_a_read_only_file_system_runs_without_saving_and_says_so(tmp_path, monkeypatch):
    store = ProgressStore(tmp_path)
    store.complete_step("neuron", 0)
    before = (tmp_path / "progress.json").read_bytes()

    _fail_writes(monkeypatch)
    store = ProgressStore(tmp_path)
    assert not store.saving
    notice = store.take_notice()
    assert notice is not None and "cannot be saved" in notice and str(tmp_path) in notice
    assert store.completed_steps("neuron") == {0}  # what was saved is still shown
    store.complete_step("neuron", 1)  # works in memory, no exception
    store.set_position("neuron", 1)
    assert store.completed_steps("neuron") == {0, 1}
    assert store.save() is False
    assert store.take_notice() is None  # told once, not at every step
    assert (tmp_path / "progress.json").read_bytes() == before


def test_a_location_that_becomes_read_only_later_is_reported_once(tmp_path, monkeypatch):
    store = ProgressStore(tmp_path)
    _fail_writes(monkeypatch, errno.EACCES)
    store.complete_step("neuron", 0)
    assert not store.saving
    assert "cannot be saved" in (store.take_notice() or "")
    store.complete_step("neuron", 1)
    assert store.take_notice() is None
    assert store.completed_steps("neuron") == {0, 1}


def test_a_read_only_directory_runs_without_saving(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    store = ProgressStore(home)
    store.complete_step("neuron", 0)
    home.chmod(0o555)
    try:
        probe = home / "probe"
        try:
            probe.touch()
        except PermissionError:
            pass
        else:  # root ignores permissions; the file-system test above covers this case
            probe.unlink()
            pytest.skip("this user can write to a read-only directory (root)")
        store = ProgressStore(home)
        assert not store.saving
        assert "cannot be saved" in (store.take_notice() or "")
        store.complete_step("neuron", 1)
        assert store.completed_steps("neuron") == {0, 1}
    finally:
        home.chmod(0o755)
    assert ProgressStore(home).completed_steps("neuron") == {0}


def test_a_home_inside_a_file_runs_without_saving(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    store = ProgressStore(blocker / "micrograd-tutor")
    assert not store.saving
    assert "cannot be saved" in (store.take_notice() or "")
    store.complete_step("neuron", 0)
    assert store.step_done("neuron", 0)
    assert blocker.read_text(encoding="utf-8") == "x"


def test_a_folder_where_the_file_should_be(tmp_path):
    (tmp_path / "progress.json").mkdir()
    (tmp_path / "progress.json" / "keep.txt").write_text("mine", encoding="utf-8")
    store = ProgressStore(tmp_path)
    assert not store.saving
    assert "folder" in (store.take_notice() or "")
    store.complete_step("neuron", 0)
    assert store.step_done("neuron", 0)
    assert (tmp_path / "progress.json" / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary(tmp_path, monkeypatch):
    store = ProgressStore(tmp_path)
    store.complete_step("neuron", 0)
    before = (tmp_path / "progress.json").read_bytes()

    def crash(*args, **kwargs):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(os, "replace", crash)
    store.complete_step("neuron", 1)
    assert (tmp_path / "progress.json").read_bytes() == before
    assert _leftover_temporaries(tmp_path) == []
    assert not store.saving and store.take_notice()


# -- schema versions ----------------------------------------------------------------


@pytest.mark.parametrize("marker", [{}, {"schema": 0}])
def test_an_old_schema_0_file_is_migrated(tmp_path, marker):
    old = {
        **marker,
        "completed": {"backprop-by-hand": [0, 1, 3], "derivative-as-slope": [0, 1, 2]},
        "finished": ["derivative-as-slope"],
        "current": "backprop-by-hand:3",
    }
    (tmp_path / "progress.json").write_text(json.dumps(old), encoding="utf-8")
    store = ProgressStore(tmp_path)
    assert store.take_notice() is None
    assert store.completed_steps("backprop-by-hand") == {0, 1, 3}
    assert store.lesson_done("derivative-as-slope")
    assert not store.lesson_done("backprop-by-hand")
    assert store.position == ("backprop-by-hand", 3)

    store.record_attempt("backprop-by-hand", 4)
    data = _file(tmp_path)
    assert data["schema"] == 1
    assert data["lessons"]["backprop-by-hand"]["completed_steps"] == [0, 1, 3]
    assert data["lessons"]["derivative-as-slope"]["completed"] is True
    assert _aside(tmp_path) == []


def test_a_newer_schema_is_never_overwritten(tmp_path):
    newer = {
        "schema": 2,
        "lessons": {"neuron": {"completed_steps": [0, 1], "completed": False, "stars": 3}},
        "position": {"lesson": "neuron", "step": 1},
        "badges": ["fast learner"],
    }
    text = json.dumps(newer)
    (tmp_path / "progress.json").write_text(text, encoding="utf-8")
    store = ProgressStore(tmp_path)
    notice = store.take_notice()
    assert notice is not None and "newer" in notice and "schema 2" in notice
    assert not store.saving
    assert store.completed_steps("neuron") == {0, 1}  # what can be understood is shown
    store.complete_step("neuron", 2)
    store.set_position("neuron", 2)
    assert (tmp_path / "progress.json").read_text(encoding="utf-8") == text
    assert _aside(tmp_path) == []


def test_a_newer_tutor_writing_meanwhile_stops_this_one_saving(tmp_path):
    store = ProgressStore(tmp_path)
    store.complete_step("neuron", 0)
    text = json.dumps({"schema": 7, "lessons": {}})
    (tmp_path / "progress.json").write_text(text, encoding="utf-8")
    store.complete_step("neuron", 1)
    assert not store.saving
    assert "newer" in (store.take_notice() or "")
    assert (tmp_path / "progress.json").read_text(encoding="utf-8") == text


# -- two tutors at once -------------------------------------------------------------


def test_attempt_counts_merge_by_the_larger_count(tmp_path):
    first = ProgressStore(tmp_path)
    first.record_attempt("neuron", 2)
    stale = json.loads((tmp_path / "progress.json").read_text(encoding="utf-8"))
    first.record_attempt("neuron", 2)
    first.record_attempt("neuron", 2)
    # Another tutor that last saw one attempt writes its view: the merge
    # keeps the larger count instead of the last one written.
    (tmp_path / "progress.json").write_text(json.dumps(stale), encoding="utf-8")
    first.complete_step("neuron", 2)
    assert ProgressStore(tmp_path).attempts("neuron", 2) == 3


def test_two_stores_merge_instead_of_overwriting(tmp_path):
    first = ProgressStore(tmp_path)
    second = ProgressStore(tmp_path)  # both loaded the same (empty) file
    first.complete_step("neuron", 0)
    first.record_attempt("neuron", 2)
    first.record_attempt("neuron", 2)
    first.set_position("neuron", 2)
    second.complete_step("neuron", 1)
    second.complete_lesson("chain-rule")
    second.record_attempt("neuron", 2)
    second.set_position("chain-rule", 4)

    merged = ProgressStore(tmp_path)
    assert merged.completed_steps("neuron") == {0, 1}
    assert merged.lesson_done("chain-rule")
    # second's first save brought in first's two attempts, so its third adds to them
    assert merged.attempts("neuron", 2) == 3
    assert merged.position == ("chain-rule", 4)  # the last writer's position
    # Each store also sees the other's work after its own save.
    assert second.completed_steps("neuron") == {0, 1}


_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from lessons.progress import ProgressStore

    home, parity, go = Path(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
    store = ProgressStore(home)       # loaded before the other one writes anything
    while not go.exists():
        time.sleep(0.001)
    for step in range(parity, 40, 2):
        store.complete_step("shared", step)
        store.record_attempt("shared", step)
    store.complete_lesson("only-" + str(parity))
    print("ok" if store.saving else "not saving")
    """
)


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    go = tmp_path / "go"
    home = tmp_path / "home"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(ROOT), str(home), str(parity), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for parity in (0, 1)
    ]
    go.touch()
    for writer in writers:
        out, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err
        assert out.strip() == "ok"
    store = ProgressStore(home)
    assert store.take_notice() is None
    assert store.completed_steps("shared") == set(range(40))
    assert all(store.attempts("shared", step) == 1 for step in range(40))
    assert store.completed_lessons() == {"only-0", "only-1"}
    assert _aside(home) == [] and _leftover_temporaries(home) == []


# -- several learners, one home ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Ana", "ana"),
        ("  Ana María ", "ana-maría"),
        ("ANA", "ana"),
        ("José_Pérez 2", "josé-pérez-2"),
        ("李雷", "李雷"),
        ("../../etc/passwd", "etc-passwd"),
        ("C:\\Users\\x", "c-users-x"),
        ("a" * 100, "a" * MAX_NAME),
        ("", None),
        ("  ", None),
        ("../", None),
        ("·—·", None),
    ],
)
def test_a_learner_name_becomes_one_safe_folder_name(name, slug):
    assert learner_slug(name) == slug


@given(st.text(max_size=80))
def test_no_name_reaches_outside_the_learners_folder(name):
    slug = learner_slug(name)
    if slug is None:
        with pytest.raises(ValueError):
            learner_home(name, "/home/class")
        return
    assert 0 < len(slug) <= MAX_NAME and "/" not in slug and "\\" not in slug
    assert slug not in (".", "..") and not slug.startswith("-")
    assert learner_home(name, "/home/class") == Path("/home/class/learners") / slug


def test_each_learner_keeps_their_own_progress_under_one_home(tmp_path):
    ana = ProgressStore(learner_home("Ana", tmp_path))
    ana.complete_step("chain-rule", 0)
    ana.set_position("chain-rule", 1)
    bob = ProgressStore(learner_home("bob", tmp_path))
    assert bob.position is None and not bob.step_done("chain-rule", 0)
    again = ProgressStore(learner_home(" ana ", tmp_path))  # the same learner, typed loosely
    assert again.position == ("chain-rule", 1)
    assert not (tmp_path / "progress.json").exists()  # the account's own file is untouched
