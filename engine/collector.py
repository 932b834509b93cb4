"""Keeping Python's cycle collector out of a training step.

A step makes thousands of Values and frees the last step's. None of them is in a
reference cycle -- a Value holds its operands, never the other way round -- so
reference counting frees each graph the moment it is dropped, and the cycle
collector has nothing to find in it. It still counts every container made and,
every 700, scans the young ones; every few steps it scans the whole heap (the
app, NumPy, scikit-learn: ~100,000 objects) -- a long pause that made the mean
step twice the median. So a training step runs with it paused::

    with paused_collector():
        ...  # one step

The collector belongs to the whole process, and other threads (the tutor's UI)
keep running during a step: they allocate as usual and are collected again once
the step is over. Pauses nest and may overlap from several threads: the first to
begin turns the collector off, if it was on; the last to end turns it on again,
if a pause turned it off. A collector that was already off stays off, and one
that another part of the program turns on during a step stays on.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_collector"]

_lock = threading.Lock()
_pauses = 0  # pauses under way, in any thread
_turned_off = False  # whether the first of them turned the collector off


@contextmanager
def paused_collector() -> Iterator[None]:
    """No cycle collection inside the ``with`` block (see the module's docstring)."""
    global _pauses, _turned_off
    with _lock:
        if _pauses == 0:
            _turned_off = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _turned_off:
                _turned_off = False
                gc.enable()
