"""What ``progress.json`` holds, read and written: the records, the schemas, the merge.

``lessons.progress`` keeps the file (where it lives, the lock, the atomic
replace, moving a damaged one aside); this module only turns its text into
records and back, and merges two tutors' records. Anything it cannot use
raises ``Damaged`` with the reason in words for the learner's notice: a file
is read once at start, by the learner's own tutor, so every check is here and
none can raise anything else (a deep nest, a step written as "²", a number of
4,400 digits, a lone surrogate that would fail at the next save).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone

__all__ = [
    "MAX_NUMBER",
    "SCHEMA",
    "Damaged",
    "LessonProgress",
    "Newer",
    "ProgressState",
    "dump",
    "load",
    "merge",
]

SCHEMA = 1
# Far beyond any lesson's steps or a learner's attempts; a larger number is damage.
MAX_NUMBER = 10**9


@dataclass
class LessonProgress:
    completed_steps: set[int] = field(default_factory=set)
    completed: bool = False
    attempts: dict[int, int] = field(default_factory=dict)
    last_step: int | None = None
    last_step_at: float = 0.0
    """When ``last_step`` was set (seconds since the epoch; 0 when not known):
    of two tutors' last steps the later one is kept."""


@dataclass
class ProgressState:
    lessons: dict[str, LessonProgress] = field(default_factory=dict)
    position: tuple[str, int] | None = None
    position_at: float = 0.0
    """When ``position`` was set, as ``LessonProgress.last_step_at``."""


class Damaged(Exception):
    """The file exists but is not progress we can use (the message says why)."""


class Newer(Exception):
    """The file was written by a newer tutor with a schema we do not know."""

    def __init__(self, schema: int, state: ProgressState) -> None:
        super().__init__(schema)
        self.schema = schema
        self.state = state


# -- writing --------------------------------------------------------------------


def dump(state: ProgressState) -> str:
    """The file's text for ``state`` (schema 1)."""
    lessons = {}
    for slug in sorted(state.lessons):
        entry = state.lessons[slug]
        record: dict = {
            "completed_steps": sorted(entry.completed_steps),
            "completed": entry.completed,
            "attempts": {str(k): v for k, v in sorted(entry.attempts.items())},
        }
        if entry.last_step is not None:
            record["last_step"] = entry.last_step
            if entry.last_step_at:
                record["last_step_at"] = entry.last_step_at
        lessons[slug] = record
    data: dict = {"schema": SCHEMA, "lessons": lessons}
    if state.position is not None:
        data["position"] = {"lesson": state.position[0], "step": state.position[1]}
        if state.position_at:
            data["position_at"] = state.position_at
    data["saved_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


# -- reading --------------------------------------------------------------------


def load(raw: bytes) -> ProgressState:
    """The progress in a file's bytes; raises ``Damaged`` or ``Newer``, nothing else."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError as error:
        raise Damaged("it is nested far too deeply to be progress") from error
    except (UnicodeDecodeError, ValueError) as error:  # also a number too long to read
        raise Damaged("it is not valid JSON") from error
    return _parse(data)


def _parse(data: object) -> ProgressState:
    """A state from decoded JSON of any schema we know; Damaged otherwise."""
    if not isinstance(data, dict):
        raise Damaged("it does not hold a progress record")
    if "schema" not in data:
        return _parse_schema_0(data)
    schema = data["schema"]
    if isinstance(schema, bool) or not isinstance(schema, int):
        raise Damaged(f"its schema version {_shown(schema)} is not a number")
    if schema == 0:
        return _parse_schema_0(data)
    if schema > MAX_NUMBER:
        raise Damaged("its schema version is far too large to be real")
    if schema > SCHEMA:
        try:
            state = _parse_schema_1(data)  # show what we can understand of it
        except Damaged:
            state = ProgressState()
        raise Newer(schema, state)
    if schema != SCHEMA:
        raise Damaged(f"its schema version {schema} is unknown")
    return _parse_schema_1(data)


def _parse_schema_1(data: dict) -> ProgressState:
    lessons_data = data.get("lessons", {})
    if not isinstance(lessons_data, dict):
        raise Damaged("its 'lessons' is not a mapping")
    state = ProgressState()
    for slug, record in lessons_data.items():
        slug = _name(slug, "a lesson's name")
        if not isinstance(record, dict):
            raise Damaged(f"the record for {slug!r} is not a mapping")
        entry = LessonProgress()
        entry.completed_steps = set(_indices(record.get("completed_steps", []), slug))
        completed = record.get("completed", False)
        if not isinstance(completed, bool):
            raise Damaged(f"'completed' for {slug!r} is not true or false")
        entry.completed = completed
        attempts = record.get("attempts", {})
        if not isinstance(attempts, dict):
            raise Damaged(f"'attempts' for {slug!r} is not a mapping")
        for key, count in attempts.items():
            entry.attempts[_int(key, slug)] = _int(count, slug)
        last = record.get("last_step")
        entry.last_step = None if last is None else _int(last, slug)
        entry.last_step_at = _time(record.get("last_step_at", 0.0), slug)
        state.lessons[slug] = entry
    position = data.get("position")
    if position is not None:
        if not isinstance(position, dict):
            raise Damaged("its 'position' is not a lesson and a step")
        lesson = _name(position.get("lesson"), "its 'position'")
        state.position = (lesson, _int(position.get("step"), "position"))
        state.position_at = _time(data.get("position_at", 0.0), "position_at")
    return state


def _parse_schema_0(data: dict) -> ProgressState:
    """The first prototype's format, before there was a schema number::

    {"completed": {"backprop-by-hand": [0, 1]},
     "finished": ["derivative-as-slope"],
     "current": "backprop-by-hand:1"}

    It had no attempts; everything else carries over.
    """
    if not {"completed", "finished", "current"} & data.keys():
        raise Damaged("it does not hold a progress record")
    state = ProgressState()
    completed = data.get("completed", {})
    finished = data.get("finished", [])
    if not isinstance(completed, dict) or not isinstance(finished, list):
        raise Damaged("its old-format records have the wrong shape")
    for slug, steps in completed.items():
        slug = _name(slug, "a lesson's name")
        state.lessons.setdefault(slug, LessonProgress()).completed_steps = set(
            _indices(steps, slug)
        )
    for slug in finished:
        slug = _name(slug, "its list of finished lessons")
        state.lessons.setdefault(slug, LessonProgress()).completed = True
    current = data.get("current")
    if current is not None:
        current = _name(current, "its 'current' position")
        if ":" not in current:
            raise Damaged("its 'current' position is not 'lesson:step'")
        slug, _, step = current.rpartition(":")
        state.position = (slug, _int(step, "current"))
        state.lessons.setdefault(slug, LessonProgress()).last_step = state.position[1]
    return state


def _name(value: object, where: str) -> str:
    """A lesson's name as the file gives it: text that can be written back.

    JSON can spell a lone surrogate (``"\\ud800"``); it reads, and then every save fails
    to encode it."""
    if not isinstance(value, str):
        raise Damaged(f"{where} is {_shown(value)}, not a name")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise Damaged(f"{where} holds characters that cannot be written") from error
    return value


def _int(value: object, where: str) -> int:
    if isinstance(value, bool):
        raise Damaged(f"a number for {where!r} is true/false")
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)  # at most 10 digits: cheap, and then checked as a number
    if isinstance(value, int) and 0 <= value <= MAX_NUMBER:
        return value
    raise Damaged(f"{_shown(value)} for {where!r} is not a whole number up to {MAX_NUMBER:,}")


def _time(value: object, where: str) -> float:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and math.isfinite(value) and 0 <= value < 1e11:  # type: ignore[arg-type]
        return float(value)  # type: ignore[arg-type]  # (1e11 s: the year 5138)
    raise Damaged(f"{_shown(value)} for {where!r} is not a time")


def _indices(values: object, slug: str) -> list[int]:
    if not isinstance(values, list):
        raise Damaged(f"the completed steps of {slug!r} are not a list")
    return [_int(v, slug) for v in values]


def _shown(value: object) -> str:
    """``value`` for a notice, short and printable whatever it is."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        return "a number far too large"  # repr of a 4,000-digit int is slow and useless
    text = ascii(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- two tutors at once ----------------------------------------------------------


def merge(disk: ProgressState, mine: ProgressState) -> ProgressState:
    """Both tutors' work: united completions, the larger attempt counts, and of each
    last step and the position the one set later (ties: this tutor's), so a tutor
    that has not moved in a lesson never puts back an older step another one left."""
    merged = ProgressState()
    for slug in disk.lessons.keys() | mine.lessons.keys():
        a = disk.lessons.get(slug, LessonProgress())
        b = mine.lessons.get(slug, LessonProgress())
        attempts = dict(a.attempts)
        for step, count in b.attempts.items():
            attempts[step] = max(count, attempts.get(step, 0))
        later = _later_step(a, b)
        merged.lessons[slug] = LessonProgress(
            completed_steps=a.completed_steps | b.completed_steps,
            completed=a.completed or b.completed,
            attempts=attempts,
            last_step=later.last_step,
            last_step_at=later.last_step_at,
        )
    if mine.position is not None and (
        disk.position is None or mine.position_at >= disk.position_at
    ):
        merged.position, merged.position_at = mine.position, mine.position_at
    else:
        merged.position, merged.position_at = disk.position, disk.position_at
    return merged


def _later_step(disk: LessonProgress, mine: LessonProgress) -> LessonProgress:
    """Of two records of a lesson, the one whose last step was set later."""
    if mine.last_step is None:
        return disk
    if disk.last_step is None or mine.last_step_at >= disk.last_step_at:
        return mine
    return disk
