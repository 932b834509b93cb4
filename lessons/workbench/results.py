"""What a check in the child process is given and gives back: its limits, and its result."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "ChildResult", "LearnerError", "Limits"]


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 10
    memory_bytes: int = 1 << 30
    file_bytes: int = 8 << 20
    open_files: int = 64
    wall_seconds: float = 10.0  # of the child's working time: not while it waits for a command
    output_bytes: int = 64 * 1024  # of output kept; the rest is counted and dropped
    quiet_seconds: float | None = None  # the most it may work without a line on its channel
    output_stop_bytes: int | None = None  # stop it once it has printed this much in all


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class LearnerError:
    kind: str  # the exception's class name: "SyntaxError", "ModuleNotFoundError", "SystemExit"…
    message: str  # exception text
    file: str | None  # path relative to the workspace, when the error is in the learner's files
    line: int | None
    code: str | None  # the offending line of their code
    traceback: list[tuple[str, int, str]]  # (file, line, function) frames inside the workspace


@dataclass(frozen=True)
class ChildResult:
    status: str  # "ok" | "error" | "timeout" | "killed" | "crashed" | "no-result" | "refused"
    result: dict | None  # the JSON the probe returned, when status == "ok"
    error: LearnerError | None  # when the learner's code raised / failed to import
    output: str  # learner's stdout+stderr, capped (with a note when cut)
    output_cut: int  # bytes dropped
    seconds: float
    limits_applied: bool
    message: str  # one plain sentence for the learner when status != "ok"
    limits_note: str = ""  # which limits could not be set or do not bind here, if any
    stopped_by: str = ""  # the parent's limit that stopped it: "wall", "quiet" or "output"
