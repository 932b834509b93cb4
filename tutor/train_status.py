"""The training lab's status line, as text: how the run on show is doing.

The line is made of parts, each with a rank; on a narrow terminal the highest
ranks are left out first, so "step 40/100  train 95%" stays when "337 params"
goes. No Textual here.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.train import TrainingRun
from tutor.train_driver import RunStatus

__all__ = ["fit", "status_parts", "steps_per_second"]

RATE_OVER = 2.0
"""Seconds of the latest steps that the rate is measured over."""


def _mark(status: RunStatus, playing: bool) -> str:
    if status.active:
        if playing:
            return "▶ training"
        return "‖ ready" if status == RunStatus.READY else "‖ paused"
    return {
        RunStatus.PREPARING: "… preparing the data",
        RunStatus.FINISHED: "✓ finished",
        RunStatus.DIVERGED: "✗ diverged",
        RunStatus.CANCELLED: "■ stopped",
        RunStatus.FAILED: "✗ could not start",
        RunStatus.ERROR: "✗ stopped by your engine",
    }[status]


def _duration(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def steps_per_second(times: Sequence[float]) -> float | None:
    """The rate of the steps that ended at ``times`` (``time.monotonic()``),
    over the last :data:`RATE_OVER` seconds; None until it can be told."""
    if not times:
        return None
    recent = [t for t in times if t >= times[-1] - RATE_OVER]
    if len(recent) < 2 or recent[-1] == recent[0]:
        return None
    return (len(recent) - 1) / (recent[-1] - recent[0])


def status_parts(
    status: RunStatus,
    run: TrainingRun | None,
    *,
    playing: bool,
    seconds: float = 0.0,
    rate: float | None = None,
    goal_met: bool = False,
    engine: str = "",
) -> list[tuple[int, str]]:
    """The status line's parts, each as (rank, text); ``engine`` names the engine
    that trains, when it is not the tutor's."""
    parts = [(0, _mark(status, playing))]
    if engine:
        parts.append((2, f"engine: {engine}"))
    if run is None:
        return parts
    parts.append((0, f"step {run.steps_done}/{run.config.steps}"))
    if status == RunStatus.FINISHED:
        parts.append((3, f"in {_duration(seconds)}"))
    if run.history:
        last = run.history[-1]
        parts.append((1, f"loss {last.loss:.4g}"))
        parts.append((0, f"train {last.train_accuracy:.0%}"))
        if last.test_accuracy is not None:
            parts.append((0, f"test {last.test_accuracy:.0%}"))
    if playing and rate is not None:
        parts.append((2, f"{rate:.1f} steps/s"))
    parts.append((4, f"{run.parameter_count} params"))
    if goal_met:
        parts.append((1, "goal ✓"))
    return parts


def fit(parts: list[tuple[int, str]], room: int) -> str:
    """The parts in ``room`` columns: the last of the highest rank goes first,
    until they fit (the first part always stays)."""
    parts = list(parts)
    while len(parts) > 1 and len("  ".join(text for _, text in parts)) > room:
        worst = max(rank for rank, _ in parts)
        last_worst = max(i for i, (rank, _) in enumerate(parts) if rank == worst)
        del parts[last_worst]
    return "  ".join(text for _, text in parts)
