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
from lessons.workbench.milestone import MILESTONE

__all__ = [
    "ENGINE_READY_AFTER",
    "MILESTONE",
    "engine_ready",
    "exercise_key",
    "is_passed",
    "mark_passed",
    "next_exercise",
    "passed_exercises",
    "record_engine_match",
    "record_report",
]

ENGINE_READY_AFTER = 15
"""The training lab offers the learner's own engine once every exercise up to this one
has passed: their Value, then Module, Neuron, Layer and MLP."""


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


def engine_ready(store: ProgressStore) -> bool:
    """Whether the learner's ``mygrad`` can train in the lab: every exercise numbered up
    to :data:`ENGINE_READY_AFTER` that the course has has passed (and it has some)."""
    needed = [e for e in EXERCISES if e.number <= ENGINE_READY_AFTER]
    return bool(needed) and all(is_passed(store, e.id) for e in needed)


def record_engine_match(store: ProgressStore) -> bool:
    """The learner's engine trained on the moons step for step as the tutor's: record the
    milestone exercise as passed. Returns whether this newly passed it (False when the
    course has no such exercise, or it had passed already)."""
    milestone = next((e for e in EXERCISES if e.number == MILESTONE), None)
    if milestone is None or is_passed(store, milestone.id):
        return False
    mark_passed(store, milestone.id)
    return True
