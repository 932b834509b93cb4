"""The child's working time, which the runner's wall-clock limit and quiet timeout count.

A probe that waits for the tutor's next command (a paused training run) says so on its
channel with an ``idle`` line, and again when it goes back to work; the time between is
left out, so a run paused for an hour is not stopped for taking too long.
"""

from __future__ import annotations

__all__ = ["ChildClock"]


class ChildClock:
    """The child's working time: what the wall-clock limit and the quiet timeout count.
    Time it spends waiting for a command (between its ``idle`` lines) is left out."""

    def __init__(self, now: float):
        self._started = now
        self._idle_since: float | None = None
        self._idle_total = 0.0
        self._heard_at = now

    def heard(self, message: dict | None, now: float) -> None:
        """A line of ours came from the child (None: a line that was not)."""
        if message is None:
            return
        self._heard_at = now
        idle = message.get("idle")
        if idle is True and self._idle_since is None:
            self._idle_since = now
        elif idle is False and self._idle_since is not None:
            self._idle_total += now - self._idle_since
            self._idle_since = None

    def working(self, now: float) -> float:
        idle = self._idle_total + (now - self._idle_since if self._idle_since is not None else 0)
        return now - self._started - idle

    def quiet(self, now: float) -> float:
        """How long the child has worked without a line of ours."""
        return 0.0 if self._idle_since is not None else now - self._heard_at
