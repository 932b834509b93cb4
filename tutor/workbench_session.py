"""What the workbench screen needs from the "Build micrograd" course, without Textual.

The screen (``tutor/screens/workbench.py``) only talks to the small interface here:

* :class:`Exercise` — one exercise as data: number, id, title, Markdown prose, the
  workspace file it edits, graded hints, its stub section and reference solution,
  and the question asked before it;
* :class:`Checker` — ``check(workspace, exercise, cancel) -> Verdict``, run in a
  thread; it must return soon after ``cancel`` is set;
* :class:`Verdict` — passed or not, the named mistake, where the learner's code
  raised, what it printed, and their graph as a JSON snapshot with the ids of the
  nodes whose grad differs from the correct engine's (or, for a training exercise,
  the loss curves their code gave).

The course core (``lessons.workbench``) provides the exercises and checks, through
the adapter in ``tutor.workbench_course``. The rest of this module is file handling
the screen must get right: a watch on the file (any editor may change it), saving,
keeping old files aside, resetting one exercise's section, and where the learner
left off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from lessons.explain.snapshot import SnapshotError, SnapshotNode, load_snapshot
from lessons.workbench.exercise_model import Question
from lessons.workbench.progress import is_passed, mark_passed

__all__ = [
    "Checker",
    "Course",
    "ErrorPlace",
    "Exercise",
    "FileState",
    "FileWatch",
    "Question",
    "Verdict",
    "WorkbenchProgress",
    "cap_output",
    "keep_aside",
    "keep_text_aside",
    "kept_notice",
    "replace_section",
    "save_text",
    "shown_path",
    "snapshot_children",
    "snapshot_graph",
]

OUTPUT_CAP = 2000
"""The most of the learner's printed output the verdict shows."""


def cap_output(text: str, cap: int = OUTPUT_CAP) -> str:
    """The start of what the learner's code printed, and how much more there was."""
    if len(text) <= cap:
        return text
    return f"{text[:cap]}\n… ({len(text) - cap} more characters not shown)"


@dataclass(frozen=True)
class Exercise:
    number: int
    id: str
    title: str
    prose: str
    """Markdown."""
    file: str
    """The workspace file it edits, relative to the workspace (``mygrad/engine.py``)."""
    hints: tuple[str, ...] = ()
    """From a nudge to nearly the answer; shown one at a time."""
    stub: str = ""
    """The exercise's section of the stub file, markers included (for a reset)."""
    solution: str = ""
    """The reference solution of the section, shown once the exercise passes."""
    question: Question | None = None
    """Asked before the exercise (``lessons.workbench.Question``): its answer is kept."""
    requires: tuple[tuple[int, str], ...] = ()
    """(number, id) of the exercises that must pass before this one opens: the
    milestone's lab needs the learner's Value and network, exercises 1 to 15."""
    lab: bool = False
    """Whether a key opens the training lab on the learner's engine (the milestone)."""


@dataclass(frozen=True)
class ErrorPlace:
    """Where the learner's code raised."""

    kind: str
    message: str
    file: str | None = None
    line: int | None = None
    code: str | None = None

    def text(self) -> str:
        """``mygrad/engine.py, line 12: NameError: name 'slef' is not defined``."""
        where = ""
        if self.file:
            where = f"{self.file}, line {self.line}: " if self.line else f"{self.file}: "
        message = f"{self.kind}: {self.message}" if self.message else self.kind
        return where + message


@dataclass(frozen=True)
class Verdict:
    passed: bool
    summary: str
    """One line: what the check found."""
    mistake: str | None = None
    """The named mistake, when the catalogue knows it (``grads overwritten …``)."""
    explanation: str = ""
    """Why that is wrong and where to look; Markdown-free text."""
    error: ErrorPlace | None = None
    output: str = ""
    """What the learner's code printed, capped at OUTPUT_CAP."""
    graph: Mapping | None = None
    """The learner's graph: ``{"format": 1, "root": id, "nodes": [...]}``."""
    differing: frozenset = frozenset()
    """Ids of the nodes in ``graph`` whose grad differs from the correct engine's."""
    expected_grads: Mapping = field(default_factory=dict)
    """id -> the correct grad, for the nodes in ``differing``."""
    curves: tuple[tuple[str, tuple[float, ...]], ...] = ()
    """On a pass, numbers to draw side by side: (heading, one number per step) each,
    such as the loss with ``zero_grad()`` and without."""
    curves_note: str = ""
    """What to see in the curves."""
    timed_out: bool = False
    cancelled: bool = False
    seconds: float = 0.0


class Checker(Protocol):
    def check(self, workspace: Path, exercise: Exercise, cancel: threading.Event) -> Verdict: ...


class Course(Protocol):
    title: str
    exercises: Sequence[Exercise]

    def init_workspace(self, workspace: Path) -> list[Path]:
        """Write the stub files that are missing (never overwrite); returns those written."""
        ...

    def checker(self) -> Checker: ...


# -- the file on disk ------------------------------------------------------------------


@dataclass(frozen=True)
class FileState:
    """What the file looked like: enough to tell when any editor changed it."""

    exists: bool
    mtime_ns: int = 0
    size: int = 0
    digest: str = ""

    @classmethod
    def of(cls, path: Path) -> FileState:
        try:
            stat = path.stat()
            data = path.read_bytes()
        except OSError:
            return cls(False)
        return cls(True, stat.st_mtime_ns, stat.st_size, hashlib.sha256(data).hexdigest())


class FileWatch:
    """Polled by a timer: ``changed()`` says whether the file's content is new since
    the last look. Only a changed mtime or size makes it read and hash the file, and
    a touch that leaves the content as it was is no change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.state = FileState.of(path)

    def remember(self, state: FileState | None = None) -> None:
        """The content on disk now is known (just loaded or saved)."""
        self.state = state if state is not None else FileState.of(self.path)

    def changed(self) -> bool:
        try:
            stat = self.path.stat()
        except OSError:
            if self.state.exists:
                self.state = FileState(False)
                return True
            return False
        if (
            self.state.exists
            and stat.st_mtime_ns == self.state.mtime_ns
            and stat.st_size == self.state.size
        ):
            return False
        new = FileState.of(self.path)
        old, self.state = self.state, new
        return new.exists != old.exists or new.digest != old.digest


def read_text(path: Path) -> str:
    """The file as text; bytes that are not UTF-8 become U+FFFD rather than an error."""
    return path.read_bytes().decode("utf-8", errors="replace")


def save_text(path: Path, text: str) -> None:
    """Write through a temporary file renamed over the old one: a crash mid-write
    leaves the old file whole. Raises OSError (read-only folder, disk full)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        with contextlib.suppress(OSError):
            os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _aside_name(path: Path, why: str, now: datetime | None) -> Path:
    """``<name>.<why>-<time>`` beside ``path``, a name no file has yet."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{why}-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.{why}-{stamp}-{n}")
    return target


def keep_aside(path: Path, why: str, now: datetime | None = None) -> Path:
    """Copy ``path`` to ``<name>.<why>-<time>`` beside it, never over another file."""
    target = _aside_name(path, why, now)
    data = path.read_bytes()
    with open(target, "xb") as handle:
        handle.write(data)
    return target


def keep_text_aside(path: Path, text: str, why: str, now: datetime | None = None) -> Path:
    """Write ``text`` to ``<name>.<why>-<time>`` beside ``path`` (which need not exist),
    never over another file. Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    target = _aside_name(path, why, now)
    save_text(target, text)
    return target


def _marker_lines(lines: list[str], number: int) -> tuple[int, int] | None:
    """The lines of ``# >>> exercise N`` and ``# <<< exercise N``, if both are there once."""
    starts = [i for i, line in enumerate(lines) if _is_marker(line, ">>>", number)]
    ends = [i for i, line in enumerate(lines) if _is_marker(line, "<<<", number)]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        return None
    return starts[0], ends[0]


def _is_marker(line: str, arrow: str, number: int) -> bool:
    words = line.strip().split()
    return words[:4] == ["#", arrow, "exercise", f"{number}:"] or words[:4] == [
        "#",
        arrow,
        "exercise",
        str(number),
    ]


def replace_section(text: str, number: int, section: str) -> str | None:
    """``text`` with exercise ``number``'s marked section replaced by ``section``
    (which carries its own markers); None when the markers are not found once each."""
    lines = text.splitlines(keepends=True)
    found = _marker_lines(lines, number)
    if found is None:
        return None
    start, end = found
    if not section.endswith("\n"):
        section += "\n"
    return "".join([*lines[:start], section, *lines[end + 1 :]])


def shown_path(path: Path) -> str:
    """``~/…`` for a folder under the home directory: shorter, and what a learner types."""
    try:
        return f"~/{path.resolve().relative_to(Path.home().resolve())}"
    except (ValueError, RuntimeError, OSError):
        return str(path)


# -- where the learner left off --------------------------------------------------------


class WorkbenchProgress:
    """``workbench.json`` beside the lessons' progress: the current exercise, and per
    exercise whether it passed, how many checks failed, how many hints are shown and
    the answer to its question.

    It never raises: a damaged file is moved aside and an unwritable folder means
    progress lasts only as long as the tutor (``problem`` says why).

    With ``store`` (the lessons' ``ProgressStore``) a pass is also recorded there, as
    ``lessons.workbench.progress`` keeps it, so the command line's ``workbench``, the
    lessons list and ``learners`` agree with the app on what has passed."""

    def __init__(
        self,
        path: Path,
        *,
        store=None,
    ) -> None:
        self.path = path
        self.store = store
        self.problem: str | None = None
        self.current: str | None = None
        self.exercises: dict[str, dict] = {}
        self.kept: list[dict] = []
        """Unsaved edits written aside when the tutor closed: ``{"file", "at"}`` each,
        to be told the next time the workbench opens."""
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as error:
            self.problem = f"Your workbench progress could not be read ({error})."
            with contextlib.suppress(OSError):
                keep_aside(self.path, "corrupt")
            return
        if not isinstance(data, dict):
            return
        current = data.get("current")
        self.current = current if isinstance(current, str) else None
        exercises = data.get("exercises")
        if isinstance(exercises, dict):
            self.exercises = {
                key: dict(value)
                for key, value in exercises.items()
                if isinstance(key, str) and isinstance(value, dict)
            }
        kept = data.get("kept_unsaved")
        if isinstance(kept, list):
            self.kept = [
                dict(each)
                for each in kept
                if isinstance(each, dict) and isinstance(each.get("file"), str)
            ]

    def _entry(self, exercise: str) -> dict:
        return self.exercises.setdefault(exercise, {})

    def passed(self, exercise: str) -> bool:
        if self.exercises.get(exercise, {}).get("passed") is True:
            return True
        return self.store is not None and is_passed(self.store, exercise)

    def failed_checks(self, exercise: str) -> int:
        return _count(self.exercises.get(exercise, {}).get("failed_checks"))

    def hints_shown(self, exercise: str) -> int:
        return _count(self.exercises.get(exercise, {}).get("hints_shown"))

    def record(self, exercise: str, passed: bool) -> None:
        entry = self._entry(exercise)
        if passed:
            entry["passed"] = True
            if self.store is not None:
                mark_passed(self.store, exercise)
                self.store.save()
        else:
            entry["failed_checks"] = self.failed_checks(exercise) + 1
        self.save()

    def answer(self, exercise: str) -> dict | None:
        """The learner's answer to the exercise's question, ``{"text", "right"}``
        (``right`` None for a "why"), or None before they answer."""
        answer = self.exercises.get(exercise, {}).get("answer")
        if not isinstance(answer, dict) or not isinstance(answer.get("text"), str):
            return None
        right = answer.get("right")
        return {"text": answer["text"], "right": right if isinstance(right, bool) else None}

    def record_answer(self, exercise: str, text: str, right: bool | None) -> None:
        """Kept once: a prediction is the first answer, not the best of several."""
        if self.answer(exercise) is None:
            self._entry(exercise)["answer"] = {"text": text, "right": right}
            self.save()

    def show_hint(self, exercise: str, count: int) -> None:
        self._entry(exercise)["hints_shown"] = count
        self.save()

    def set_current(self, exercise: str) -> None:
        self.current = exercise
        self.save()

    def note_kept(self, file: str, at: datetime) -> None:
        """Unsaved edits were written to ``file`` (relative to the workspace) at ``at``."""
        self.kept.append({"file": file, "at": at.isoformat(timespec="seconds")})
        self.save()

    def take_kept(self) -> list[dict]:
        """The edits kept aside since the last look, forgotten once taken."""
        kept, self.kept = self.kept, []
        if kept:
            self.save()
        return kept

    def save(self) -> bool:
        data: dict = {"format": 1, "current": self.current, "exercises": self.exercises}
        if self.kept:
            data["kept_unsaved"] = self.kept
        text = json.dumps(data, indent=1)
        try:
            save_text(self.path, text + "\n")
        except OSError as error:
            self.problem = f"Workbench progress cannot be saved in {self.path.parent} ({error})."
            return False
        return True


def kept_notice(kept: Mapping) -> str:
    """What to tell the learner about unsaved edits kept aside (``WorkbenchProgress.kept``)."""
    try:
        when = datetime.fromisoformat(str(kept.get("at")))
        since = f" from {when.day} {when:%b %H:%M}"
    except ValueError:
        since = ""
    return (
        f"Your unsaved edits{since} are in {kept.get('file')} in your workspace: "
        "the tutor closed before they were saved."
    )


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


# -- the learner's graph ---------------------------------------------------------------


def snapshot_children(node: Mapping) -> list:
    """A snapshot node's children. Lecture-style code keeps them in a set, where
    ``a + a`` has one child: a ``+`` or ``*`` with one child had it twice."""
    children = list(node.get("children") or ())
    if len(children) == 1 and node.get("op") in ("+", "*"):
        children *= 2
    return children


def snapshot_graph(snapshot: Mapping) -> tuple[SnapshotNode, dict[int, SnapshotNode]]:
    """The learner's graph loaded with ``lessons.explain.snapshot`` (their data and
    grads), and id -> node. Raises ValueError (``SnapshotError``) on a bad snapshot."""
    if not isinstance(snapshot, Mapping) or not isinstance(snapshot.get("nodes"), list):
        raise SnapshotError("not a graph snapshot")
    nodes = [
        {**node, "children": snapshot_children(node)} if isinstance(node, Mapping) else node
        for node in snapshot["nodes"]
    ]
    root = load_snapshot({**snapshot, "nodes": nodes})
    made: dict[int, SnapshotNode] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if node.id not in made:
            made[node.id] = node
            stack.extend(node._prev)
    return root, made
