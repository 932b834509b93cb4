"""Where each learner is: completed steps and lessons, attempts, the last position.

Progress lives in one small JSON file, ``progress.json``, in
``$MICROGRAD_TUTOR_HOME`` when that is set (tests, teachers sharing a machine)
or else in platformdirs' user data directory. The store is careful because a
learner's progress is the one thing the tutor must not lose:

* Every save writes a temporary file in the same directory and renames it
  over the old one, so a crash mid-write leaves the old file whole.
* Every save re-reads the file under a lock and merges: completed steps and
  lessons are united, attempts take the larger count, the position is this
  tutor's. Two tutors running at once therefore lose neither's work.
* A damaged file is moved aside (``progress.json.corrupt-<time>``), never
  deleted; a location that cannot be written is used read-only. Either way
  the learner is told once, through ``take_notice()``, and nothing raises.

Several learners can share one home (a classroom on one server, one account):
each named learner's progress lives apart, in ``learners/<name>/`` under it
(see :func:`learner_home`).

The file looks like this (schema 1)::

    {"schema": 1,
     "lessons": {"backprop-by-hand": {"completed_steps": [0, 1, 2],
                                      "completed": false,
                                      "attempts": {"2": 3},
                                      "last_step": 2}},
     "position": {"lesson": "backprop-by-hand", "step": 2},
     "saved_at": "2025-01-31T12:00:00+00:00"}
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

try:  # POSIX; elsewhere two tutors may race, and the merge still limits the damage
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "LEARNERS",
    "MAX_BYTES",
    "MAX_NAME",
    "SCHEMA",
    "ProgressStore",
    "default_home",
    "learner_home",
    "learner_homes",
    "learner_slug",
]

SCHEMA = 1
MAX_BYTES = 1_000_000  # a real progress file is a few kilobytes
FILENAME = "progress.json"
ENV_HOME = "MICROGRAD_TUTOR_HOME"
LEARNERS = "learners"
MAX_NAME = 40


def default_home() -> Path:
    """``$MICROGRAD_TUTOR_HOME`` if set, else the user data directory."""
    override = os.environ.get(ENV_HOME)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("micrograd-tutor", appauthor=False))


def learner_slug(name: str) -> str | None:
    """The folder name for a learner's name: lower case, letters and digits joined
    by dashes ("Ana María" → "ana-maría"), at most MAX_NAME characters; None when
    the name has no letter or digit. Nothing else survives, so no name can reach
    outside the learners' folder ("../x" → "x")."""
    words: list[str] = []
    word = ""
    for char in unicodedata.normalize("NFKC", name).casefold():
        if char.isalnum():
            word += char
        elif word:
            words.append(word)
            word = ""
    if word:
        words.append(word)
    slug = "-".join(words)[:MAX_NAME].strip("-")
    return slug or None


def _learners_folder(home: Path | str | None) -> Path:
    return (Path(home) if home is not None else default_home()) / LEARNERS


def learner_homes(home: Path | str | None = None) -> list[Path]:
    """The folders of the named learners who keep progress under ``home``
    (default_home() when not given), by name."""
    folder = _learners_folder(home)
    try:
        return sorted(entry for entry in folder.iterdir() if (entry / FILENAME).is_file())
    except OSError:  # no learners yet, or a folder that cannot be read
        return []


def learner_home(name: str, home: Path | str | None = None) -> Path:
    """The folder of one named learner's progress, under ``home`` (default_home()
    when not given). Raises ValueError for a name with no letter or digit."""
    slug = learner_slug(name)
    if slug is None:
        raise ValueError(f"{name!r} has no letter or digit to name a learner by")
    return _learners_folder(home) / slug


@dataclass
class LessonProgress:
    completed_steps: set[int] = field(default_factory=set)
    completed: bool = False
    attempts: dict[int, int] = field(default_factory=dict)
    last_step: int | None = None


@dataclass
class _State:
    lessons: dict[str, LessonProgress] = field(default_factory=dict)
    position: tuple[str, int] | None = None


class _Damaged(Exception):
    """The file exists but is not progress we can use (the message says why)."""


class _Newer(Exception):
    """The file was written by a newer tutor with a schema we do not know."""

    def __init__(self, schema: int, state: _State) -> None:
        super().__init__(schema)
        self.schema = schema
        self.state = state


class ProgressStore:
    """One learner's progress, saved after every change.

    ``notice`` holds a message for the learner when something went wrong
    with the file (damaged, read-only, from a newer version); the tutor shows
    it once, taking it with ``take_notice()``. ``saving`` is False when
    progress cannot be written and lives only in memory.
    """

    def __init__(self, home: Path | str | None = None) -> None:
        self.home = Path(home) if home is not None else default_home()
        self.path = self.home / FILENAME
        self.notice: str | None = None
        self.saving = True
        self._state = _State()
        self._resets: set[str] = set()  # lessons reset since the last save
        self._load()

    # -- reading ------------------------------------------------------------

    def take_notice(self) -> str | None:
        """The pending message for the learner, once; None when all is well."""
        notice, self.notice = self.notice, None
        return notice

    @property
    def position(self) -> tuple[str, int] | None:
        """(lesson slug, step index) where the learner last was, or None."""
        return self._state.position

    def completed_steps(self, lesson: str) -> frozenset[int]:
        entry = self._state.lessons.get(lesson)
        return frozenset(entry.completed_steps) if entry else frozenset()

    def step_done(self, lesson: str, step: int) -> bool:
        return step in self.completed_steps(lesson)

    def lesson_done(self, lesson: str) -> bool:
        entry = self._state.lessons.get(lesson)
        return bool(entry and entry.completed)

    def completed_lessons(self) -> frozenset[str]:
        return frozenset(slug for slug, e in self._state.lessons.items() if e.completed)

    def attempts(self, lesson: str, step: int) -> int:
        entry = self._state.lessons.get(lesson)
        return entry.attempts.get(step, 0) if entry else 0

    def last_step(self, lesson: str) -> int | None:
        """The step the learner last had open in this lesson (to resume it)."""
        entry = self._state.lessons.get(lesson)
        return entry.last_step if entry else None

    # -- changing (each change is saved at once) -----------------------------

    def record_attempt(self, lesson: str, step: int) -> int:
        """Count one more answer to the exercise; returns the new count."""
        entry = self._entry(lesson)
        entry.attempts[step] = entry.attempts.get(step, 0) + 1
        self.save()
        return self.attempts(lesson, step)

    def complete_step(self, lesson: str, step: int) -> None:
        self._entry(lesson).completed_steps.add(_index(step))
        self.save()

    def complete_lesson(self, lesson: str) -> None:
        self._entry(lesson).completed = True
        self.save()

    def set_position(self, lesson: str, step: int) -> None:
        step = _index(step)
        self._entry(lesson).last_step = step
        self._state.position = (lesson, step)
        self.save()

    def reset_lesson(self, lesson: str) -> None:
        """Forget a lesson's progress (to do it again), here and in the file."""
        self._state.lessons.pop(lesson, None)
        self._resets.add(lesson)
        self.save()

    def save(self) -> bool:
        """Merge with the file and write it; False when progress cannot be saved."""
        if not self.saving:
            return False
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            with self._locked():
                try:
                    on_disk = self._read()
                except _Newer as newer:
                    self._stop_saving(self._newer_notice(newer.schema))
                    return False
                except _Damaged as damage:
                    # Someone else's write went wrong: keep it aside and write ours whole.
                    self._move_aside(str(damage))
                    if not self.saving:
                        return False
                    on_disk = _State()
                for slug in self._resets:
                    on_disk.lessons.pop(slug, None)
                merged = _merge(on_disk, self._state)
                _write_atomically(self.path, _dump(merged))
        except OSError as error:
            self._stop_saving(self._unwritable_notice(error))
            return False
        self._state = merged
        self._resets.clear()
        return True

    # -- internals ----------------------------------------------------------

    def _entry(self, lesson: str) -> LessonProgress:
        return self._state.lessons.setdefault(lesson, LessonProgress())

    def _load(self) -> None:
        try:
            self.home.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self._stop_saving(self._unwritable_notice(error))
        if self.path.is_dir():
            self._stop_saving(
                f"{self.path} is a folder, not a file, so your progress "
                "cannot be kept there. This session will not be saved."
            )
            return
        try:
            with self._locked():
                try:
                    self._state = self._read()
                except _Newer as newer:
                    self._state = newer.state
                    self._stop_saving(self._newer_notice(newer.schema))
                except _Damaged as damage:
                    self._move_aside(str(damage))
                    self._state = _State()
        except OSError as error:
            self._stop_saving(self._unwritable_notice(error))
            return
        if self.saving:
            self._probe_writable()

    def _read(self) -> _State:
        """The progress in the file now (empty if there is none).

        Raises _Damaged or _Newer; OSError only for a file that vanished
        or a folder that cannot be listed, which callers treat as unwritable.
        """
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return _State()
        if size > MAX_BYTES:
            raise _Damaged(f"it is {size:,} bytes, far too large for progress")
        try:
            with self.path.open("rb") as file:
                raw = file.read(MAX_BYTES + 1)
        except FileNotFoundError:
            return _State()
        except OSError as error:
            raise _Damaged(f"it could not be read ({error.strerror or error})") from error
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise _Damaged("it is not valid JSON") from error
        return _parse(data)

    def _move_aside(self, why: str) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{FILENAME}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{FILENAME}.corrupt-{stamp}-{n}")
        try:
            os.replace(self.path, target)
        except FileNotFoundError:
            return
        except OSError as error:
            # We cannot move it, so we must not write over it either.
            message = (
                f"Your progress file {self.path} could not be used ({why}) and "
                f"could not be moved aside ({error.strerror or error}). It was left as it is"
            )
            if self.saving:
                self._stop_saving(message + "; this session will not be saved.")
            else:
                self._tell(message + ".")
            return
        self._tell(
            f"Your progress file was damaged ({why}). It was kept as "
            f"{target.name} next to it, and you are starting fresh."
        )

    def _probe_writable(self) -> None:
        """Find out now, not at the first save, whether we can write here."""
        try:
            fd, tmp = tempfile.mkstemp(prefix=".probe-", dir=self.home)
            os.close(fd)
            os.unlink(tmp)
        except OSError as error:
            self._stop_saving(self._unwritable_notice(error))

    def _stop_saving(self, message: str) -> None:
        if self.saving:
            self.saving = False
            self._tell(message)

    def _tell(self, message: str) -> None:
        self.notice = message if not self.notice else f"{self.notice}\n\n{message}"

    def _unwritable_notice(self, error: OSError) -> str:
        reason = error.strerror or str(error)
        return (
            f"Progress cannot be saved in {self.home} ({reason}). "
            "You can keep learning; this session will not be saved. "
            f"Set {ENV_HOME} to a folder you can write to."
        )

    def _newer_notice(self, schema: int) -> str:
        return (
            f"Your progress file {self.path} comes from a newer version of "
            f"micrograd-tutor (schema {schema}). It is left untouched, and "
            "this session will not be saved."
        )

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive lock on progress.json.lock while reading and writing.

        Where no lock can be had (no fcntl, or a read-only folder) we go on
        without one: reading is still safe because writes are atomic renames.
        """
        if fcntl is None:
            yield
            return
        try:
            handle = open(self.path.with_name(FILENAME + ".lock"), "a")  # noqa: SIM115
        except OSError:
            yield
            return
        with handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            except OSError:
                yield
                return
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _index(step: int) -> int:
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise ValueError(f"a step index is a whole number from 0, not {step!r}")
    return step


# -- the file format ------------------------------------------------------------


def _dump(state: _State) -> str:
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
        lessons[slug] = record
    data: dict = {"schema": SCHEMA, "lessons": lessons}
    if state.position is not None:
        data["position"] = {"lesson": state.position[0], "step": state.position[1]}
    data["saved_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def _parse(data: object) -> _State:
    """A state from decoded JSON of any schema we know; _Damaged otherwise."""
    if not isinstance(data, dict):
        raise _Damaged("it does not hold a progress record")
    if "schema" not in data:
        return _parse_schema_0(data)
    schema = data["schema"]
    if isinstance(schema, bool) or not isinstance(schema, int):
        raise _Damaged(f"its schema version {schema!r} is not a number")
    if schema == 0:
        return _parse_schema_0(data)
    if schema > SCHEMA:
        try:
            state = _parse_schema_1(data)  # show what we can understand of it
        except _Damaged:
            state = _State()
        raise _Newer(schema, state)
    if schema != SCHEMA:
        raise _Damaged(f"its schema version {schema} is unknown")
    return _parse_schema_1(data)


def _parse_schema_1(data: dict) -> _State:
    lessons_data = data.get("lessons", {})
    if not isinstance(lessons_data, dict):
        raise _Damaged("its 'lessons' is not a mapping")
    state = _State()
    for slug, record in lessons_data.items():
        if not isinstance(record, dict):
            raise _Damaged(f"the record for {slug!r} is not a mapping")
        entry = LessonProgress()
        entry.completed_steps = set(_indices(record.get("completed_steps", []), slug))
        completed = record.get("completed", False)
        if not isinstance(completed, bool):
            raise _Damaged(f"'completed' for {slug!r} is not true or false")
        entry.completed = completed
        attempts = record.get("attempts", {})
        if not isinstance(attempts, dict):
            raise _Damaged(f"'attempts' for {slug!r} is not a mapping")
        for key, count in attempts.items():
            step = _int(key, slug)
            entry.attempts[step] = _int(count, slug)
        last = record.get("last_step")
        entry.last_step = None if last is None else _int(last, slug)
        state.lessons[slug] = entry
    position = data.get("position")
    if position is not None:
        if not isinstance(position, dict) or not isinstance(position.get("lesson"), str):
            raise _Damaged("its 'position' is not a lesson and a step")
        state.position = (position["lesson"], _int(position.get("step"), "position"))
    return state


def _parse_schema_0(data: dict) -> _State:
    """The first prototype's format, before there was a schema number::

    {"completed": {"backprop-by-hand": [0, 1]},
     "finished": ["derivative-as-slope"],
     "current": "backprop-by-hand:1"}

    It had no attempts; everything else carries over.
    """
    if not {"completed", "finished", "current"} & data.keys():
        raise _Damaged("it does not hold a progress record")
    state = _State()
    completed = data.get("completed", {})
    finished = data.get("finished", [])
    if not isinstance(completed, dict) or not isinstance(finished, list):
        raise _Damaged("its old-format records have the wrong shape")
    for slug, steps in completed.items():
        state.lessons.setdefault(slug, LessonProgress()).completed_steps = set(
            _indices(steps, slug)
        )
    for slug in finished:
        if not isinstance(slug, str):
            raise _Damaged("its list of finished lessons holds a non-name")
        state.lessons.setdefault(slug, LessonProgress()).completed = True
    current = data.get("current")
    if current is not None:
        if not isinstance(current, str) or ":" not in current:
            raise _Damaged("its 'current' position is not 'lesson:step'")
        slug, _, step = current.rpartition(":")
        state.position = (slug, _int(step, "current"))
        state.lessons.setdefault(slug, LessonProgress()).last_step = state.position[1]
    return state


def _int(value: object, where: str) -> int:
    if isinstance(value, bool):
        raise _Damaged(f"a number for {where!r} is true/false")
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, int) and value >= 0:
        return value
    raise _Damaged(f"{value!r} for {where!r} is not a whole number")


def _indices(values: object, slug: str) -> list[int]:
    if not isinstance(values, list):
        raise _Damaged(f"the completed steps of {slug!r} are not a list")
    return [_int(v, slug) for v in values]


def _merge(disk: _State, mine: _State) -> _State:
    """Both tutors' work: united completions, the larger attempt counts,
    and this tutor's position (it is the one the learner is looking at)."""
    merged = _State()
    for slug in disk.lessons.keys() | mine.lessons.keys():
        a = disk.lessons.get(slug, LessonProgress())
        b = mine.lessons.get(slug, LessonProgress())
        attempts = dict(a.attempts)
        for step, count in b.attempts.items():
            attempts[step] = max(count, attempts.get(step, 0))
        merged.lessons[slug] = LessonProgress(
            completed_steps=a.completed_steps | b.completed_steps,
            completed=a.completed or b.completed,
            attempts=attempts,
            last_step=b.last_step if b.last_step is not None else a.last_step,
        )
    merged.position = mine.position if mine.position is not None else disk.position
    return merged


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, flush it to disk, rename it over."""
    fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(folder: Path) -> None:
    """Make the rename itself durable (POSIX); harmless to skip elsewhere."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
