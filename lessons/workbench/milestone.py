"""Exercise 17, the course's milestone, as a check: the learner's engine on the moons.

    from lessons.workbench.milestone import check_milestone

    verdict = check_milestone(workspace)   # an EngineVerdict: passed, and the words for it

Exercises 1 to 16 are checked by the probes (``lessons.workbench.checks``); the
milestone has no probe of its own. Its check is a training run: the learner's ``MLP``
on the moons beside the tutor's engine, seeded identically
(``lessons.workbench.training_match.compare_with_engine``), passed when every step's
loss agrees to 1e-9, failed with the first step where they part. The training lab's
"engine: mine" passes it too (``lessons.workbench.progress.record_engine_match``).
``lessons.workbench.checks`` puts the verdict with the others, in :func:`failure_words`.
"""

from __future__ import annotations

import threading
from pathlib import Path

__all__ = ["CHECK_ID", "CODE", "MILESTONE", "check_milestone", "failure_words"]

MILESTONE = 17
"""The exercise that passes when the learner's engine trains on the moons as the tutor's."""

CHECK_ID = "moons-beside-the-tutors"
"""What a failure of the milestone names as its check."""

CODE = (
    "# your MLP(2, [16, 16, 1]), tanh, on micrograd's moons, from the tutor's first weights\n"
    "# 10 steps of the tutor's hinge loss and update, in your Values; the tutor's engine\n"
    "# takes the same 10 steps, and every loss must agree to 1e-9"
)
"""The check, as the learner reads it where a failure quotes it."""


def check_milestone(workspace: Path, *, limits=None, cancel: threading.Event | None = None):
    """Exercise 17's ``EngineVerdict`` on ``workspace``: blocks while a child Python
    trains (call it from a worker thread). ``limits``: the training run's, its own when None."""
    from lessons.workbench.training_match import TRAINING_LIMITS, compare_with_engine

    return compare_with_engine(Path(workspace), limits=limits or TRAINING_LIMITS, cancel=cancel)


def failure_words(verdict) -> tuple[str, str]:
    """A failed ``EngineVerdict`` as the course's other exercises say theirs: a summary
    of one line, and the message, which starts with it on a line of its own."""
    summary, rest = _split(verdict.message, ": " if verdict.parting is not None else ". ")
    return summary, f"{summary}\n{rest}" if rest else summary


def _split(text: str, mark: str) -> tuple[str, str]:
    """``text``'s head up to ``mark`` (a full stop kept), for one line, and the rest,
    capitalised: "...part at step 3: loss ..." gives "...part at step 3" and "Loss ..."."""
    head, found, rest = text.partition(mark)
    if not found or not rest:
        return text, ""
    return head + mark.strip(" :"), rest[:1].upper() + rest[1:]
