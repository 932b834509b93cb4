"""Stopping a training step partway, from another thread.

A big step spends seconds in loops over millions of nodes: building the Values,
ordering them, the backward pass, recording and replaying a tape. A learner who
pauses, quits or closes the tab must not wait for all of it. The loops of a step
call :func:`check` every few thousand nodes; inside ``with checking(should_stop)``
it raises :class:`StepInterrupted` as soon as ``should_stop()`` says True, and
the trainer drops the half-built step (no parameter has changed yet).

Why a check set per thread rather than an argument: the same loops run outside
training too (a tape replayed to score points, a learner's own backward pass),
where nothing asks to stop and ``check`` is a cheap no-op.

``engine.value`` stays as a learner reads it: the step's backward pass here is
``Value.backward`` itself, with a check every so many nodes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from operator import attrgetter
from typing import TypeVar

from engine.value import Value

__all__ = [
    "EVERY",
    "StepInterrupted",
    "backward",
    "check",
    "checking",
    "discard",
    "each",
    "topological_order",
]

EVERY = 4096
"""Nodes between two checks: about a millisecond of work, so a check costs nothing."""

_serial = attrgetter("_serial")
T = TypeVar("T")
_here = threading.local()


class StepInterrupted(Exception):
    """A step was stopped partway because it was asked to."""


@contextmanager
def checking(should_stop: Callable[[], bool]) -> Iterator[None]:
    """Make :func:`check` on this thread ask ``should_stop()`` until the block ends."""
    outer = getattr(_here, "should_stop", None)
    _here.should_stop = should_stop
    try:
        yield
    finally:
        _here.should_stop = outer


def check() -> None:
    """Raise ``StepInterrupted`` if this thread's step has been asked to stop."""
    should_stop = getattr(_here, "should_stop", None)
    if should_stop is not None and should_stop():
        raise StepInterrupted


def discard(garbage: object) -> None:
    """Let go of a stopped step's graph on a thread of its own: freeing millions of
    nodes takes a second or more, and whoever stopped the step (a learner quitting)
    should not wait for it. The thread is a daemon, so it never holds up an exit."""
    threading.Thread(target=_let_go, args=(garbage,), name="discard", daemon=True).start()


def _let_go(garbage: object) -> None:
    del garbage  # the last reference: the graph is freed here, on this thread


def each(items: Iterable[T]) -> Iterator[T]:
    """``items``, with a check before each one (a point of a batch, say)."""
    for item in items:
        check()
        yield item


def topological_order(root: Value, leaves: bool = True) -> list[Value]:
    """``engine.value.topological_order``, checking every ``EVERY`` nodes."""
    seen = {root}
    stack = [root]
    countdown = EVERY
    while stack:
        countdown -= 1
        if not countdown:
            check()
            countdown = EVERY
        for operand in stack.pop()._prev:
            if operand not in seen:
                seen.add(operand)
                stack.append(operand)
    nodes = seen if leaves else [v for v in seen if v._prev]
    return sorted(nodes, key=_serial)


def backward(root: Value) -> None:
    """``root.backward()``, the same additions in the same order, checking every
    ``EVERY`` nodes."""
    root.grad = 1.0
    order = topological_order(root, leaves=False)
    for end in range(len(order), 0, -EVERY):
        check()
        for node in reversed(order[max(0, end - EVERY) : end]):
            g = node.grad
            if g:
                for operand, local in zip(node._prev, node._local):  # noqa: B905
                    operand.grad += local * g
