"""The process-wide settings the tutor changes for speed, all in one place.

Python's cycle collector and its GIL switch interval belong to the whole process,
not to a screen: whoever changes them must put them back. Three moments do:

* start-up (``micrograd-tutor``): :func:`hold_collector` before the app is made,
  :func:`restore_collector` after it ends, whatever happens;
* the first frame (the app): :func:`release_collector`;
* the training lab: :func:`freeze_long_lived_objects` once its first run is
  ready, and :func:`switch_quickly` while it is open; its training thread runs
  at a lower priority (:func:`lower_thread_priority`).

Besides these, the engine pauses the collector for the length of every training
step, on the training thread (``engine.collector.paused_collector``), and puts it
back as it found it: a collector held off here stays off.

No Textual here.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading

__all__ = [
    "LOW_BANDWIDTH_CLASS",
    "SWITCH_INTERVAL",
    "QuickSwitching",
    "freeze_long_lived_objects",
    "hold_collector",
    "lower_thread_priority",
    "release_collector",
    "restore_collector",
    "switch_quickly",
]

LOW_BANDWIDTH_CLASS = "-low-bandwidth"
"""On the app over a slow link (``--low-bandwidth``): what redraws on its own slows down."""

SWITCH_INTERVAL = 0.001
"""Seconds a thread may hold the GIL while another waits (Python's default is 0.005)."""


TRAINING_NICENESS = 10
"""How much lower than the UI a training thread runs (``nice``'s scale, 0 to 19)."""


def lower_thread_priority(niceness: int = TRAINING_NICENESS) -> bool:
    """Run the calling thread at a lower priority than the rest of the process.

    For a class on one server (``serve``), where every tab is a tutor: ten tabs
    training would otherwise take the cores from the tabs where a learner is
    typing. Linux gives each thread its own nice value (a thread id is a
    process id to ``setpriority``); elsewhere that call would lower the whole
    process, UI too, so nothing is done. Raising a nice value needs no
    privilege; the thread keeps it until it ends. Whether it was lowered.
    """
    if not sys.platform.startswith("linux"):
        return False
    thread = threading.get_native_id()
    with contextlib.suppress(OSError):
        current = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(19, current + niceness))
        return True
    return False


def hold_collector() -> None:
    """No cycle collection until the first frame.

    Start-up makes a few hundred thousand objects that live as long as the app,
    and the cycle collector would scan them again and again while they are made:
    about a tenth of the time to the first screen.
    """
    gc.disable()


def release_collector() -> None:
    """The first screen is painted. If start-up ran without the cycle collector,
    turn it on, first moving everything made so far, nearly all of it alive until
    the app ends, where the collector never scans."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def restore_collector() -> None:
    """The app has ended (or never started): the collector is on again."""
    gc.enable()


_frozen = False


def freeze_long_lived_objects() -> None:
    """Once per process, when the first training run is ready (the app,
    scikit-learn and the data are loaded by then): collect, then move every
    object alive to the permanent generation, which the cycle collector no
    longer scans.

    Each training step makes thousands of short-lived Values, so the collector
    runs very often, and each of its full passes scanned the app's ~150,000
    long-lived objects: about a third of the training time, in pauses of up to
    ~200 ms that also held up the keys. Nothing is disabled: new objects are
    collected as before.
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


_holders = 0  # QuickSwitching holds not yet released
_interval_before = sys.getswitchinterval()


class QuickSwitching:
    """A hold on the short GIL switch interval, from :func:`switch_quickly`.

    Python hands the GIL between threads every 5 ms by default, and the UI waits
    for it at every turn of its event loop, many turns per key; a shorter interval
    answers keys quickly while a training thread computes. The interval is
    :data:`SWITCH_INTERVAL` while any hold is kept, and Python's own again once
    the last is released (a new lab can open before the old one is gone).
    """

    def __init__(self) -> None:
        global _holders, _interval_before
        if _holders == 0:
            _interval_before = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL)
        _holders += 1
        self._held = True

    def release(self) -> None:
        """Give the hold back; again does nothing."""
        global _holders
        if not self._held:
            return
        self._held = False
        _holders -= 1
        if _holders == 0:
            sys.setswitchinterval(_interval_before)


def switch_quickly() -> QuickSwitching:
    """Keep the short GIL switch interval until the hold is released."""
    return QuickSwitching()
