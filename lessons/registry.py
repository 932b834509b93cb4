"""Finding the lessons: every module in ``lessons.content`` that defines ``LESSON``.

Adding a lesson means adding one file, ``lessons/content/lNN_slug.py``, with
``LESSON = Lesson(...)`` in it. Lessons are ordered by their ``number``; two
lessons with the same number or id are a mistake, reported at load.

The lessons make the curriculum's first course (``lessons.curriculum``).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from lessons.curriculum import Course, Curriculum
from lessons.model import Lesson

__all__ = [
    "LESSONS_COURSE_ID",
    "all_lessons",
    "build_course",
    "default_curriculum",
    "get_lesson",
    "lessons_course",
]

LESSONS_COURSE_ID = "backprop"
LESSONS_COURSE_TITLE = "Backpropagation, step by step"


@functools.cache
def _load() -> Course[Lesson]:
    from lessons import content

    found: list[Lesson] = []
    for info in pkgutil.iter_modules(content.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{content.__name__}.{info.name}")
        lesson = getattr(module, "LESSON", None)
        if not isinstance(lesson, Lesson):
            raise TypeError(f"{module.__name__} must define LESSON = Lesson(...)")
        found.append(lesson)
    return _course(found)


def _course(lessons: list[Lesson]) -> Course[Lesson]:
    """The lessons as a course; two with the same number or id are refused, by name.

    Its progress is kept under the bare lesson ids, as it always was."""
    return Course(
        LESSONS_COURSE_ID, LESSONS_COURSE_TITLE, tuple(lessons), noun="lesson", keyed_by_id=True
    )


def lessons_course() -> Course[Lesson]:
    """The lessons, as the curriculum's first course."""
    return _load()


@functools.cache
def build_course() -> Course:
    """ "Build micrograd": the exercises in which the learner writes their own engine."""
    from lessons.workbench.exercises import COURSE_ID, COURSE_TITLE, EXERCISES

    return Course(COURSE_ID, COURSE_TITLE, EXERCISES, noun="exercise")


def default_curriculum() -> Curriculum:
    """Every course the tutor teaches: the lessons first, then "Build micrograd"."""
    return Curriculum([_load(), build_course()])


def all_lessons() -> list[Lesson]:
    """Every lesson, in order."""
    return list(_load().items)


def get_lesson(number_or_slug: int | str) -> Lesson:
    """A lesson by its number (``3`` or ``"3"``) or its id (``"backprop-by-hand"``).

    Raises ``LookupError`` naming what exists when there is no such lesson.
    """
    return _load().find(number_or_slug)
