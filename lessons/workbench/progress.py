"""Which exercises of "Build micrograd" the learner has passed, kept in their progress.

The course is one more entry in the learner's ``progress.json`` (``lessons.progress``):
the course's id, ``build-micrograd``, with exercise N as step N - 1, and the course
completed once every exercise has passed. That file's care comes with it: atomic
writes, merging between two tutors, a damaged file moved aside with a notice, never a
traceback. An exercise stays passed once passed; ``check_workspace`` says what passes now.
"""

from __future__ import annotations

from lessons.progress import ProgressStore
from lessons.workbench.checks import LAST, Report
from lessons.workbench.exercises import COURSE_ID

__all__ = ["next_exercise", "passed_exercises", "record_report"]


def passed_exercises(store: ProgressStore) -> frozenset[int]:
    """The numbers of the exercises passed so far."""
    return frozenset(step + 1 for step in store.completed_steps(COURSE_ID) if step < LAST)


def next_exercise(store: ProgressStore) -> int | None:
    """The first exercise not passed yet; None when all are."""
    passed = passed_exercises(store)
    return next((n for n in range(1, LAST + 1) if n not in passed), None)


def record_report(store: ProgressStore, report: Report) -> frozenset[int]:
    """Record the exercises ``report`` found passing; returns those newly passed."""
    new = frozenset(report.passed_numbers) - passed_exercises(store)
    for number in sorted(new):
        store.complete_step(COURSE_ID, number - 1)
    if report.passed and report.upto == LAST and not store.lesson_done(COURSE_ID):
        store.complete_lesson(COURSE_ID)
    return new
