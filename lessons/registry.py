"""Finding the lessons: every module in ``lessons.content`` that defines ``LESSON``.

Adding a lesson means adding one file, ``lessons/content/lNN_slug.py``, with
``LESSON = Lesson(...)`` in it. Lessons are ordered by their ``number``; two
lessons with the same number or id are a mistake, reported at load.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from lessons.model import Lesson

__all__ = ["all_lessons", "get_lesson"]


@functools.cache
def _load() -> tuple[Lesson, ...]:
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
    _refuse_duplicates(found)
    return tuple(sorted(found, key=lambda lesson: lesson.number))


def _refuse_duplicates(lessons: list[Lesson]) -> None:
    for attribute in ("number", "id"):
        seen: dict[object, str] = {}
        for lesson in lessons:
            key = getattr(lesson, attribute)
            if key in seen:
                raise ValueError(
                    f"two lessons have the {attribute} {key!r}: {seen[key]!r} and {lesson.title!r}"
                )
            seen[key] = lesson.title


def all_lessons() -> list[Lesson]:
    """Every lesson, in order."""
    return list(_load())


def get_lesson(number_or_slug: int | str) -> Lesson:
    """A lesson by its number (``3`` or ``"3"``) or its id (``"backprop-by-hand"``).

    Raises ``LookupError`` naming what exists when there is no such lesson.
    """
    lessons = _load()
    key = number_or_slug
    if isinstance(key, str) and key.strip().isdigit():
        key = int(key)
    for lesson in lessons:
        if (isinstance(key, int) and lesson.number == key) or lesson.id == key:
            return lesson
    raise LookupError(
        f"no lesson {number_or_slug!r}: lessons are numbered "
        f"{lessons[0].number}-{lessons[-1].number}"
        if lessons
        else "there are no lessons"
    )
