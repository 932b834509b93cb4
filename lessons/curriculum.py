"""What there is to learn: courses, each an ordered tuple of items, each of steps.

    from lessons import default_curriculum

    curriculum = default_curriculum()
    course, lesson = curriculum.find("3")            # or "backprop-by-hand"
    course.steps_done(progress, lesson)              # how far the learner has got

A course's items are anything with a ``number``, an ``id``, a ``title`` and
``steps``: the first course's are the lessons (``lessons.model.Lesson``); a
course of coding exercises brings its own kind. Lookups and "how much is done"
are answered here, once, for every screen and command that asks.

Progress is kept by key (``lessons.progress``): the first course's keys are its
lessons' ids, as they always were, so existing progress files keep their
meaning; every other course's keys are ``"<course id>/<item id>"``, so a second
course can reuse numbers and names without touching the first one's progress.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

__all__ = ["Course", "CourseItem", "CourseTally", "Curriculum", "Entry", "ProgressReader"]

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SEPARATOR = "/"  # between a course's id and an item's, in lookups and progress keys


class CourseItem(Protocol):
    """One thing to work through in a course: a lesson, a coding exercise."""

    @property
    def number(self) -> int: ...
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def steps(self) -> Sequence[object]: ...


class ProgressReader(Protocol):
    """What the curriculum reads of a learner's progress (``ProgressStore`` has it)."""

    @property
    def position(self) -> tuple[str, int] | None: ...
    def completed_steps(self, lesson: str) -> frozenset[int]: ...
    def lesson_done(self, lesson: str) -> bool: ...


ItemT = TypeVar("ItemT", bound=CourseItem)


@dataclass(frozen=True)
class CourseTally:
    """How far one learner has got through a course."""

    items_done: int
    items: int
    steps_done: int
    steps: int


@dataclass(frozen=True, repr=False)
class Course(Generic[ItemT]):
    """An ordered tuple of items, found by number or id, and keyed for progress.

    ``keyed_by_id`` is for the first course only: its progress keys are the bare
    item ids, which is what progress files have always held. ``noun`` names an
    item in messages ("no lesson 13", "at exercise 2").
    """

    id: str
    title: str
    items: tuple[ItemT, ...]
    noun: str = "lesson"
    keyed_by_id: bool = False
    _by_id: dict[str, ItemT] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not _SLUG.match(self.id):
            raise ValueError(f"a course id is lower-case words joined by dashes, not {self.id!r}")
        object.__setattr__(self, "items", tuple(sorted(self.items, key=lambda i: i.number)))
        for attribute in ("number", "id"):
            seen: dict[object, str] = {}
            for item in self.items:
                value = getattr(item, attribute)
                if value in seen:
                    raise ValueError(
                        f"two {self.noun}s of {self.id!r} have the {attribute} {value!r}: "
                        f"{seen[value]!r} and {item.title!r}"
                    )
                seen[value] = item.title
        for item in self.items:
            if not _SLUG.match(item.id):
                raise ValueError(f"{self.noun} id {item.id!r} is not lower-case words and dashes")
            if not item.steps:
                raise ValueError(f"{self.noun} {item.id!r} has no steps")
        object.__setattr__(self, "_by_id", {item.id: item for item in self.items})

    def __repr__(self) -> str:
        return f"<Course {self.id!r}: {len(self.items)} {self.noun}s>"

    def __iter__(self) -> Iterator[ItemT]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    # -- finding ----------------------------------------------------------------------

    def get(self, number_or_id: int | str) -> ItemT | None:
        """The item with this id ("backprop-by-hand") or number (3, "3"), if any."""
        key = number_or_id.strip() if isinstance(number_or_id, str) else number_or_id
        if isinstance(key, str) and key in self._by_id:
            return self._by_id[key]
        if isinstance(key, str) and key.isdigit():
            key = int(key)
        if isinstance(key, int) and not isinstance(key, bool):
            return next((item for item in self.items if item.number == key), None)
        return None

    def find(self, number_or_id: int | str) -> ItemT:
        """Like ``get``, but raises ``LookupError`` naming what there is."""
        item = self.get(number_or_id)
        if item is None:
            raise LookupError(f"no {self.noun} {number_or_id!r}: {self.describe_items()}")
        return item

    def describe_items(self) -> str:
        """What there is to ask for: ``lessons are 1-13, or by name: derivative-as-slope, …``."""
        if not self.items:
            return f"there are no {self.noun}s"
        numbers = f"{self.items[0].number}-{self.items[-1].number}"
        names = ", ".join(item.id for item in self.items)
        return f"{self.noun}s are {numbers}, or by name: {names}"

    def after(self, item: ItemT) -> ItemT | None:
        """The item that follows ``item`` in this course; None after the last."""
        later = [other for other in self.items if other.number > item.number]
        return later[0] if later else None

    # -- progress ---------------------------------------------------------------------

    def key(self, item: ItemT) -> str:
        """The name ``item``'s progress is kept under."""
        return item.id if self.keyed_by_id else f"{self.id}{SEPARATOR}{item.id}"

    def item_for_key(self, key: str) -> ItemT | None:
        """The item whose progress is kept under ``key``; None if not one of ours."""
        if not self.keyed_by_id:
            prefix = f"{self.id}{SEPARATOR}"
            if not key.startswith(prefix):
                return None
            key = key[len(prefix) :]
        return self._by_id.get(key)

    def steps_done(self, progress: ProgressReader, item: ItemT) -> int:
        """How many of ``item``'s steps are done (steps beyond its end do not count)."""
        return len(progress.completed_steps(self.key(item)) & set(range(len(item.steps))))

    def all_steps_done(self, progress: ProgressReader, item: ItemT) -> bool:
        return self.steps_done(progress, item) == len(item.steps)

    def item_done(self, progress: ProgressReader, item: ItemT) -> bool:
        """Whether ``item`` was completed (marked so when its last step was done)."""
        return progress.lesson_done(self.key(item))

    def tally(self, progress: ProgressReader) -> CourseTally:
        """Items and steps done in the whole course."""
        return CourseTally(
            items_done=sum(self.item_done(progress, item) for item in self.items),
            items=len(self.items),
            steps_done=sum(self.steps_done(progress, item) for item in self.items),
            steps=sum(len(item.steps) for item in self.items),
        )


@dataclass(frozen=True, repr=False)
class Entry(Generic[ItemT]):
    """One item in its course: what the curriculum's lookups answer.

    It unpacks as ``course, item = curriculum.find(...)``."""

    course: Course[ItemT]
    item: ItemT

    def __repr__(self) -> str:
        return f"<Entry {self.key!r} of {self.course.id!r}>"

    def __iter__(self) -> Iterator[object]:
        return iter((self.course, self.item))

    @property
    def key(self) -> str:
        """The name the item's progress is kept under."""
        return self.course.key(self.item)


class Curriculum:
    """Every course the tutor teaches; the first one is where bare names point.

    ``find("3")`` and ``find("moons")`` look in the first course,
    ``find("build/3")`` in the course ``build``.
    """

    def __init__(self, courses: Sequence[Course]) -> None:
        if not courses:
            raise ValueError("a curriculum needs at least one course")
        self.courses: tuple[Course, ...] = tuple(courses)
        ids = [course.id for course in self.courses]
        for course_id in ids:
            if ids.count(course_id) > 1:
                raise ValueError(f"two courses have the id {course_id!r}")
        owners: dict[str, str] = {}
        for course in self.courses:
            for item in course.items:
                key = course.key(item)
                if key in owners:
                    raise ValueError(f"courses {owners[key]!r} and {course.id!r} share {key!r}")
                owners[key] = course.id

    @property
    def first(self) -> Course:
        return self.courses[0]

    def course(self, course_id: str) -> Course:
        for course in self.courses:
            if course.id == course_id:
                return course
        names = ", ".join(course.id for course in self.courses)
        raise LookupError(f"no course {course_id!r}: the courses are {names}")

    def get(self, key: int | str) -> Entry | None:
        try:
            return self.find(key)
        except LookupError:
            return None

    def find(self, key: int | str) -> Entry:
        """The item a learner or a command names: ``3``, ``"moons"``, ``"build/2"``.

        Raises ``LookupError`` naming what exists when there is no such item."""
        course = self.first
        if isinstance(key, str) and SEPARATOR in key:
            course_id, _, key = key.strip().partition(SEPARATOR)
            course = self.course(course_id)
        return Entry(course, course.find(key))

    def locate(self, progress_key: str) -> Entry | None:
        """The item whose progress is kept under ``progress_key``, if it still exists."""
        for course in self.courses:
            item = course.item_for_key(progress_key)
            if item is not None:
                return Entry(course, item)
        return None

    def after(self, entry: Entry) -> Entry | None:
        """The next item in the same course."""
        following = entry.course.after(entry.item)
        return None if following is None else Entry(entry.course, following)

    def start(self) -> Entry:
        """Where a new learner begins: the first item of the first course."""
        return Entry(self.first, self.first.items[0])

    def resume(self, progress: ProgressReader) -> tuple[Entry, int] | None:
        """Where the learner left off, if that item and step still exist."""
        position = progress.position
        if position is None:
            return None
        entry = self.locate(position[0])
        if entry is None:
            return None
        return entry, min(position[1], len(entry.item.steps) - 1)

    def progress_keys(self) -> list[str]:
        """Every item's progress key, course by course."""
        return [course.key(item) for course in self.courses for item in course.items]
