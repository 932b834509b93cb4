"""Where each learner is: completed steps and lessons, attempts, the last position.

Progress lives in one small JSON file, ``progress.json``, in
``$MICROGRAD_TUTOR_HOME`` when that is set (tests, teachers sharing a machine)
or else in platformdirs' user data directory. The store is careful because a
learner's progress is the one thing the tutor must not lose:

* Every save writes a temporary file in the same directory and renames it
  over the old one, so a crash mid-write leaves the old file whole.
* Every save re-reads the file under a lock and merges: completed steps and
  lessons are united, attempts take the larger count, and of each lesson's
  last step and of the position the one set later is kept. Two tutors running
  at once therefore lose neither's work (``lessons.progress_format.merge``).
* A damaged file is moved aside (``progress.json.corrupt-<time>``), never
  deleted; a location that cannot be written is used read-only. Either way
  the learner is told once, through ``take_notice()``, and nothing raises.
  A symbolic link, a pipe or a device where the file should be counts as
  damaged: the file and its lock are never opened through a link, and
  never waited on.

Several learners can share one home (a classroom on one server, one account):
each named learner's progress lives apart, in ``learners/<name>/`` under it
(see :func:`learner_home`).

The file looks like this (schema 1)::

    {"schema": 1,
     "lessons": {"backprop-by-hand": {"completed_steps": [0, 1, 2],
                                      "completed": false,
                                      "attempts": {"2": 3},
                                      "last_step": 2,
                                      "last_step_at": 1738324800.0}},
     "position": {"lesson": "backprop-by-hand", "step": 2},
     "position_at": 1738324800.0,
     "saved_at": "2025-01-31T12:00:00+00:00"}
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from lessons.progress_format import (
    SCHEMA,
    Damaged,
    LessonProgress,
    Newer,
    ProgressState,
    dump,
    load,
    merge,
)

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

MAX_BYTES = 1_000_000  # a real progress file is a few kilobytes
FILENAME = "progress.json"
# How the file and its lock are opened: never through a symbolic link, never
# waiting on a pipe (where the system has these flags).
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NO_WAIT = getattr(os, "O_NONBLOCK", 0)
_CLOSE_ON_EXEC = getattr(os, "O_CLOEXEC", 0)
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
        # A folder's progress file of any kind counts (a damaged one is reported when
        # read); a link to a folder elsewhere does not.
        return sorted(
            entry
            for entry in folder.iterdir()
            if not entry.is_symlink() and entry.is_dir() and os.path.lexists(entry / FILENAME)
        )
    except OSError:  # no learners yet, or a folder that cannot be read
        return []


def learner_home(name: str, home: Path | str | None = None) -> Path:
    """The folder of one named learner's progress, under ``home`` (default_home()
    when not given). Raises ValueError for a name with no letter or digit."""
    slug = learner_slug(name)
    if slug is None:
        raise ValueError(f"{name!r} has no letter or digit to name a learner by")
    return _learners_folder(home) / slug


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
        self._state = ProgressState()
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
        now = self._now()
        entry = self._entry(lesson)
        entry.last_step, entry.last_step_at = step, now
        self._state.position, self._state.position_at = (lesson, step), now
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
                except Newer as newer:
                    self._stop_saving(self._newer_notice(newer.schema))
                    return False
                except Damaged as damage:
                    # Someone else's write went wrong: keep it aside and write ours whole.
                    self._move_aside(str(damage))
                    if not self.saving:
                        return False
                    on_disk = ProgressState()
                for slug in self._resets:
                    on_disk.lessons.pop(slug, None)
                merged = merge(on_disk, self._state)
                _write_atomically(self.path, dump(merged))
        except OSError as error:
            self._stop_saving(self._unwritable_notice(error))
            return False
        self._state = merged
        self._resets.clear()
        return True

    # -- internals ----------------------------------------------------------

    def _now(self) -> float:
        """The time of a change: the clock, but always after every change this store
        has seen (its own, and the other tutors' it merged), even on a coarse clock."""
        seen = [entry.last_step_at for entry in self._state.lessons.values()]
        latest = max([self._state.position_at, *seen])
        return max(time.time(), latest + 1e-6)

    def _entry(self, lesson: str) -> LessonProgress:
        return self._state.lessons.setdefault(lesson, LessonProgress())

    def _load(self) -> None:
        try:
            self.home.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self._stop_saving(self._unwritable_notice(error))
        if self.path.is_dir() and not self.path.is_symlink():
            self._stop_saving(
                f"{self.path} is a folder, not a file, so your progress "
                "cannot be kept there. This session will not be saved."
            )
            return
        try:
            with self._locked():
                try:
                    self._state = self._read()
                except Newer as newer:
                    self._state = newer.state
                    self._stop_saving(self._newer_notice(newer.schema))
                except Damaged as damage:
                    self._move_aside(str(damage))
                    self._state = ProgressState()
        except OSError as error:
            self._stop_saving(self._unwritable_notice(error))
            return
        if self.saving:
            self._probe_writable()

    def _read(self) -> ProgressState:
        """The progress in the file now (empty if there is none).

        Raises Damaged or Newer; OSError only for a file that vanished
        or a folder that cannot be listed, which callers treat as unwritable.
        A symbolic link, a pipe or a device is never read (nor followed,
        nor waited on): it is Damaged, and gets moved aside.
        """
        try:
            fd = os.open(self.path, os.O_RDONLY | _NO_FOLLOW | _NO_WAIT | _CLOSE_ON_EXEC)
        except FileNotFoundError:
            return ProgressState()
        except OSError as error:
            if error.errno == errno.ELOOP or self.path.is_symlink():
                raise Damaged("it is a link to somewhere else, not a file") from error
            raise Damaged(f"it could not be read ({error.strerror or error})") from error
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise Damaged("it is not a plain file (a pipe or a device, say)")
            if info.st_size > MAX_BYTES:
                raise Damaged(f"it is {info.st_size:,} bytes, far too large for progress")
            file = os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise
        with file:
            try:
                raw = file.read(MAX_BYTES + 1)
            except OSError as error:
                raise Damaged(f"it could not be read ({error.strerror or error})") from error
        return load(raw)

    def _move_aside(self, why: str) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{FILENAME}.corrupt-{stamp}")
        n = 1
        while os.path.lexists(target):
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
        lock = self.path.with_name(FILENAME + ".lock")
        flags = os.O_WRONLY | os.O_CREAT | _NO_FOLLOW | _NO_WAIT | _CLOSE_ON_EXEC
        try:
            # Never through a link: it would create or lock a file outside the home.
            fd = os.open(lock, flags, 0o600)
        except OSError:
            yield
            return
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                yield  # a pipe or a device put there: not a lock to wait on
                return
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:
                yield
                return
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def _index(step: int) -> int:
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise ValueError(f"a step index is a whole number from 0, not {step!r}")
    return step


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
