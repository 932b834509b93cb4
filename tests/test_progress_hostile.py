"""Progress files made to break the tutor: each is moved aside with a notice, never
followed through a link, never waited on; two tutors lose neither's last step."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from lessons.progress import ProgressStore, learner_homes

POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX pipes and links")


def _aside(home: Path) -> list[Path]:
    return sorted(home.glob("progress.json.corrupt-*"))


def _steps_file(steps: str) -> bytes:
    return b'{"schema": 1, "lessons": {"neuron": {"completed_steps": [' + steps.encode() + b"]}}}"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"[" * 400_000 + b"]" * 400_000, id="nested-400000-deep"),
        pytest.param(b'{"schema": 1, "lessons": {' * 100_000, id="nested-objects"),
        pytest.param(_steps_file('"\u00b2"'), id="superscript-two"),
        pytest.param(_steps_file('"\u0663"'), id="arabic-indic-three"),
        pytest.param(_steps_file('"' + "7" * 4_400 + '"'), id="4400-digit-string"),
        pytest.param(_steps_file("7" * 4_400), id="4400-digit-number"),
        pytest.param(_steps_file("7" * 4_000), id="4000-digit-number"),
        pytest.param(b'{"schema": 1, "lessons": {"a": {"attempts": {"\xc2\xb2": 1}}}}', id="²-key"),
        pytest.param(b'{"schema": 1, "lessons": {"\\ud800": {"completed": true}}}', id="surrogate"),
        pytest.param(
            b'{"schema": 1, "lessons": {}, "position": {"lesson": "\\udfff", "step": 0}}',
            id="surrogate-position",
        ),
        pytest.param(b'{"completed": {}, "current": "\\ud800:1"}', id="surrogate-schema-0"),
        pytest.param(b'{"schema": ' + b"9" * 4_000 + b', "lessons": {}}', id="huge-schema"),
        pytest.param(
            b'{"schema": 1, "lessons": {"a": {"last_step": 1, "last_step_at": NaN}}}',
            id="nan-time",
        ),
    ],
)
def test_a_hostile_file_is_moved_aside_and_the_next_save_works(tmp_path, content):
    (tmp_path / "progress.json").write_bytes(content)
    store = ProgressStore(tmp_path)
    notice = store.take_notice() or ""
    (aside,) = _aside(tmp_path)
    assert aside.read_bytes() == content  # kept exactly
    assert "damaged" in notice and aside.name in notice
    assert len(notice) < 400  # the reason is short, whatever the file held
    assert store.saving
    store.complete_step("neuron", 1)
    store.set_position("neuron", 1)  # every save used to fail after a surrogate loaded
    again = ProgressStore(tmp_path)
    assert again.take_notice() is None
    assert again.completed_steps("neuron") == {1}


@POSIX
def test_a_pipe_for_a_file_is_moved_aside_without_waiting_on_it(tmp_path):
    os.mkfifo(tmp_path / "progress.json")
    stores: list[ProgressStore] = []
    opening = threading.Thread(target=lambda: stores.append(ProgressStore(tmp_path)), daemon=True)
    opening.start()
    opening.join(timeout=5)
    assert stores, "opening the progress store waited on a pipe"
    assert "not a plain file" in (stores[0].take_notice() or "")
    assert len(_aside(tmp_path)) == 1
    stores[0].complete_step("neuron", 0)
    assert (tmp_path / "progress.json").is_file()


@POSIX
def test_a_pipe_for_the_lock_is_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "progress.json.lock")
    done = threading.Event()

    def save() -> None:
        ProgressStore(tmp_path).complete_step("neuron", 0)
        done.set()

    threading.Thread(target=save, daemon=True).start()
    assert done.wait(timeout=5), "saving waited on a pipe for a lock"
    assert ProgressStore(tmp_path).completed_steps("neuron") == {0}


@POSIX
def test_a_linked_file_is_moved_aside_and_what_it_points_at_left_alone(tmp_path):
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere.json"
    home.mkdir()
    elsewhere.write_text('{"schema": 1, "lessons": {"neuron": {"completed": true}}}')
    before = elsewhere.read_bytes()
    (home / "progress.json").symlink_to(elsewhere)
    store = ProgressStore(home)
    assert "link" in (store.take_notice() or "")
    assert not store.lesson_done("neuron")  # never read through the link
    store.complete_step("chain-rule", 0)
    assert elsewhere.read_bytes() == before
    assert not (home / "progress.json").is_symlink()
    (aside,) = _aside(home)
    assert aside.is_symlink()  # the link itself was moved, not what it points at


@POSIX
@pytest.mark.parametrize("target_exists", [False, True])
def test_a_linked_lock_creates_and_touches_nothing_outside_the_home(tmp_path, target_exists):
    home, outside = tmp_path / "home", tmp_path / "outside"
    home.mkdir()
    if target_exists:
        outside.write_text("someone else's file")
    (home / "progress.json.lock").symlink_to(outside)
    store = ProgressStore(home)
    store.complete_step("neuron", 0)
    assert ProgressStore(home).completed_steps("neuron") == {0}
    if target_exists:
        assert outside.read_text() == "someone else's file"
    else:
        assert not outside.exists()


@POSIX
def test_learners_lists_a_damaged_learner_and_no_linked_folder(tmp_path):
    learners = tmp_path / "learners"
    (learners / "ana").mkdir(parents=True)
    os.mkfifo(learners / "ana" / "progress.json")
    (tmp_path / "someone").mkdir()
    (tmp_path / "someone" / "progress.json").write_text('{"schema": 1, "lessons": {}}')
    (learners / "linked").symlink_to(tmp_path / "someone")
    assert learner_homes(tmp_path) == [learners / "ana"]


# -- two tutors at once, one learner -------------------------------------------------


def test_a_stale_tutor_never_puts_back_an_older_step(tmp_path):
    """Found with two tutors open for one learner: the one left behind at step 0
    saved (an answer in another lesson) and the learner's step 1 went back to 0."""
    ahead = ProgressStore(tmp_path)
    ahead.set_position("neuron", 0)
    behind = ProgressStore(tmp_path)  # has neuron at step 0
    ahead.set_position("neuron", 1)
    behind.record_attempt("chain-rule", 2)  # saves its whole (stale) view
    on_disk = ProgressStore(tmp_path)
    assert on_disk.last_step("neuron") == 1
    assert on_disk.position == ("neuron", 1)
    assert on_disk.attempts("chain-rule", 2) == 1

    # Whoever moves last is where the learner is; neither loses the other's steps.
    behind.set_position("chain-rule", 3)
    ahead.complete_step("neuron", 1)  # a save from the tutor now left behind
    on_disk = ProgressStore(tmp_path)
    assert on_disk.position == ("chain-rule", 3)
    assert on_disk.last_step("neuron") == 1 and on_disk.last_step("chain-rule") == 3
    assert on_disk.completed_steps("neuron") == {1}
    assert ahead.position == ("chain-rule", 3)  # each sees the other's after a save


def test_a_file_from_before_change_times_merges_as_older(tmp_path):
    (tmp_path / "progress.json").write_text(
        json.dumps(
            {
                "schema": 1,
                "lessons": {"neuron": {"completed_steps": [0], "last_step": 4}},
                "position": {"lesson": "neuron", "step": 4},
            }
        )
    )
    store = ProgressStore(tmp_path)
    assert store.last_step("neuron") == 4 and store.take_notice() is None
    store.set_position("neuron", 2)
    assert ProgressStore(tmp_path).position == ("neuron", 2)
