"""When the training lab draws, decided apart from drawing.

A frame comes at most every ``tick`` seconds, however often there is news. Each
frame updates the status line and draws at most one chart: of the charts on show
whose data changed, the one waiting longest among those whose least interval
has passed. A key pressed during a frame waits for it, so no frame draws
everything at once. Every millisecond the UI draws is a millisecond the
training thread waits for the GIL, so drawing less often trains faster.

No Textual here and no clock of its own: the lab passes ``time.monotonic``,
the tests a fake one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = [
    "BOUNDARY_EVERY",
    "CURVES_EVERY",
    "LOW_BANDWIDTH_EVERY",
    "LOW_BANDWIDTH_NEURONS_EVERY",
    "LOW_BANDWIDTH_TICK",
    "NEURONS_EVERY",
    "REDRAW_TICK",
    "UI_SHARE",
    "Frame",
    "FramePacer",
    "chart_interval",
    "frame_tick",
]

CURVES_EVERY = 1 / 5
"""Seconds between two drawings of a curve chart, at least (the issue allows 8
a second; 5 look as live and leave the training more time)."""

UI_SHARE = 0.2
"""At most about this share of the time goes to drawing curves: on a big
terminal, where a chart costs more to draw, the curves are redrawn less often."""

BOUNDARY_EVERY = 1 / 2
"""Seconds between two redraws of the decision boundary, at least."""

LOW_BANDWIDTH_EVERY = 1 / 2
"""Seconds between two redraws of any chart, at least, over a slow link."""

NEURONS_EVERY = 1.0
"""Seconds between two drawings of the neuron panel, at least: its maps are many
colours, and at 80×24 every drawing is most of what goes down the wire."""

LOW_BANDWIDTH_NEURONS_EVERY = 2.0
"""... and over a slow link (``--low-bandwidth``)."""

REDRAW_TICK = 1 / 10
"""Seconds between two frames, at least: each updates the status line and at
most one chart."""

LOW_BANDWIDTH_TICK = 1 / 2
"""... over a slow link: the status line's step count and loss then change twice
a second, not ten times."""


def frame_tick(*, low_bandwidth: bool) -> float:
    """The least time between two frames."""
    return LOW_BANDWIDTH_TICK if low_bandwidth else REDRAW_TICK


def chart_interval(
    chart: str, *, playing: bool, render_seconds: float, low_bandwidth: bool
) -> float:
    """The least time between two drawings of a chart; none when paused.

    ``chart``: "boundary" (its scores come no more often), "neurons" (the panel,
    likewise), or a curve, whose last drawing took ``render_seconds``.
    """
    if not playing:
        return 0.0
    if chart == "neurons":
        return LOW_BANDWIDTH_NEURONS_EVERY if low_bandwidth else NEURONS_EVERY
    if chart == "boundary":
        interval = BOUNDARY_EVERY
    else:
        # Textual puts the lines on the screen at about the cost of drawing them.
        interval = min(max(CURVES_EVERY, 2 * render_seconds / UI_SHARE), 1.0)
    if low_bandwidth:
        # Over a slow link every redraw is bytes down the wire.
        interval = max(interval, LOW_BANDWIDTH_EVERY)
    return interval


@dataclass(frozen=True)
class Frame:
    """What one frame draws besides the status line."""

    chart: str | None  # the chart to draw, if any
    again: bool  # whether charts on show still wait: ask for another frame


class FramePacer:
    """Frames at most every ``tick`` seconds, and which chart each one draws.

    The lab marks charts stale when their data change, asks for a frame with
    :meth:`request` (it waits the seconds returned, then calls :meth:`frame`).
    """

    def __init__(
        self, charts: Iterable[str], *, tick: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.tick = tick
        self._clock = clock
        self._last_frame = -math.inf
        self._last_drawn = dict.fromkeys(charts, -math.inf)
        self._stale: set[str] = set()
        self.pending = False  # a frame has been asked for and has not begun

    def mark_stale(self, *charts: str) -> None:
        """These charts' data changed since they were drawn."""
        self._stale.update(charts)

    def is_stale(self, chart: str) -> bool:
        return chart in self._stale

    def request(self) -> float | None:
        """Ask for a frame: the seconds to wait before it begins (0: at once), or
        None when one is already asked for."""
        if self.pending:
            return None
        self.pending = True
        return max(0.0, self._last_frame + self.tick - self._clock())

    def frame(self, shows: Callable[[str], bool], interval: Callable[[str], float]) -> Frame:
        """Begin a frame now. ``shows(chart)``: whether it is on show;
        ``interval(chart)``: the least seconds between two of its drawings."""
        self.pending = False
        now = self._clock()
        self._last_frame = now
        waiting = [name for name in self._last_drawn if name in self._stale and shows(name)]
        due = [name for name in waiting if now - self._last_drawn[name] >= interval(name)]
        if not due:
            return Frame(None, again=bool(waiting))
        chart = min(due, key=self._last_drawn.__getitem__)  # the longest waiting
        self._last_drawn[chart] = now
        self._stale.discard(chart)
        waiting.remove(chart)
        return Frame(chart, again=bool(waiting))

    def cancel(self) -> None:
        """Forget the frame asked for (its timer was stopped)."""
        self.pending = False
