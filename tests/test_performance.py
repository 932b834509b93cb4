"""The process-wide settings the tutor changes for speed, and puts back."""

from __future__ import annotations

import gc
import os
import sys
import threading

import pytest

from tutor import performance


@pytest.fixture
def interval():
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.004)
    yield 0.004
    sys.setswitchinterval(before)


def test_the_switch_interval_is_short_while_any_hold_is_kept(interval):
    first = performance.switch_quickly()
    assert sys.getswitchinterval() == pytest.approx(performance.SWITCH_INTERVAL)
    second = performance.switch_quickly()  # a new lab opens before the old one is gone
    first.release()
    first.release()  # again: nothing
    assert sys.getswitchinterval() == pytest.approx(performance.SWITCH_INTERVAL)
    second.release()
    assert sys.getswitchinterval() == pytest.approx(interval)


def test_the_collector_is_held_released_with_a_freeze_and_restored(monkeypatch):
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    try:
        performance.hold_collector()
        assert not gc.isenabled()
        performance.release_collector()
        assert gc.isenabled() and frozen == [True]
        performance.release_collector()  # already on: nothing to freeze
        assert frozen == [True]
        performance.hold_collector()
        performance.restore_collector()
        assert gc.isenabled() and frozen == [True]
    finally:
        gc.enable()


def test_long_lived_objects_are_frozen_once_per_process(monkeypatch):
    calls = []
    monkeypatch.setattr(performance, "_frozen", False)
    monkeypatch.setattr(gc, "collect", lambda: calls.append("collect"))
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    performance.freeze_long_lived_objects()
    performance.freeze_long_lived_objects()
    assert calls == ["collect", "freeze"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux")
def test_a_training_thread_runs_below_the_ui_and_the_rest_of_the_process_does_not():
    main = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen: dict[str, int | bool] = {}

    def training() -> None:
        seen["lowered"] = performance.lower_thread_priority()
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    thread = threading.Thread(target=training)
    thread.start()
    thread.join()
    assert seen["lowered"] is True
    assert seen["nice"] == min(19, main + performance.TRAINING_NICENESS)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main
