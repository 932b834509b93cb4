"""Which exercises of "Build micrograd" the learner has passed, kept in their progress.

The course is the curriculum's second (``lessons.registry``): each exercise is kept in
the learner's ``progress.json`` (``lessons.progress``) under its key ``build/<id>``, as
one step, completed once it passes. That file's care comes with it: atomic writes,
merging between two tutors, a damaged file moved aside with a notice, never a
traceback. An exercise stays passed once passed; ``check_workspace`` says what passes now.
"""

from __future__ import annotations

from lessons.curriculum import SEPARATOR
from lessons.progress import ProgressStore
from lessons.workbench.checks import Report
from lessons.workbench.exercises import COURSE_ID, EXERCISES, get_exercise

__all__ = [
    "exercise_key",
    "is_passed",
    "mark_passed",
    "next_exercise",
    "passed_exercises",
    "record_report",
]


def exercise_key(exercise_id: str) -> str:
    """The name an exercise's progress is kept under: ``build/backward``."""
    return f"{COURSE_ID}{SEPARATOR}{exercise_id}"


def is_passed(store: ProgressStore, exercise_id: str) -> bool:
    return store.lesson_done(exercise_key(exercise_id))


def mark_passed(store: ProgressStore, exercise_id: str) -> None:
    key = exercise_key(exercise_id)
    store.complete_step(key, 0)
    store.complete_lesson(key)


def passed_exercises(store: ProgressStore) -> frozenset[int]:
    """The numbers of the exercises passed so far."""
    return frozenset(e.number for e in EXERCISES if is_passed(store, e.id))


def next_exercise(store: ProgressStore) -> int | None:
    """The first exercise not passed yet; None when all are."""
    passed = passed_exercises(store)
    return next((e.number for e in EXERCISES if e.number not in passed), None)


def record_report(store: ProgressStore, report: Report) -> frozenset[int]:
    """Record the exercises ``report`` found passing; returns those newly passed."""
    new = frozenset(report.passed_numbers) - passed_exercises(store)
    for number in sorted(new):
        mark_passed(store, get_exercise(number).id)
    return new
