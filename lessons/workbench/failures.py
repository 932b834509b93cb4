"""The learner's words for a check that did not give an answer: their exception,
a refused system call, a signal, a limit reached. Plain sentences, no jargon
beyond the exception's name, which the learner will meet again in Python."""

from __future__ import annotations

import signal

from lessons.workbench.results import LearnerError, Limits

__all__ = ["RECURSION_LIMIT", "error_message", "seconds_text", "signalled", "size_text"]

RECURSION_LIMIT = 1000  # set by the child; named here for the learner's message


_SYNTAX_KINDS = {"SyntaxError", "IndentationError", "TabError"}


def error_message(error: LearnerError, final: dict, limits: Limits) -> str:
    details = final.get("error", {})
    where = f"{error.file}, line {error.line}: " if error.file and error.line else ""
    refused = [str(what) for what in final.get("refused") or []]
    if error.kind == "PermissionError" and error.message.startswith("workbench:") and refused:
        return _refusal_message(refused[-1])
    if error.kind in _SYNTAX_KINDS:
        return f"{where}Python cannot read this line ({error.kind}: {error.message})."
    if error.kind == "RecursionError":
        return (
            f"{where}Your code went more than {RECURSION_LIMIT} calls deep and was stopped "
            "(RecursionError). Does a function call itself without end, or does a recursive "
            "walk meet a very deep graph?"
        )
    if error.kind == "MemoryError":
        return (
            f"Your code tried to use more than {size_text(limits.memory_bytes)} of memory "
            "and was stopped."
        )
    if error.kind == "SystemExit":
        code = details.get("exit_code")
        said = f" (with code {code})" if code not in (None, 0) else ""
        return f"Your code called sys.exit(){said}; the check needs it to return instead."
    if error.kind == "KeyboardInterrupt":
        return "Your code raised KeyboardInterrupt; the check needs it to return instead."
    if details.get("file_too_large"):
        return (
            f"{where}Your code tried to write a file bigger than {size_text(limits.file_bytes)} "
            "and was stopped."
        )
    return f"{where}{error.kind}: {error.message}" if error.message else f"{where}{error.kind}"


def _refusal_message(what: str) -> str:
    if what == "socket":
        return "Your code tried to use the network, which a check does not allow."
    if what.startswith("writing ") or "outside" in what:
        return (
            "Your code tried to change files outside your workspace, which a check does not allow."
        )
    if what.startswith("resource."):
        return "Your code tried to change the check's limits, which a check does not allow."
    if what.startswith("ctypes "):
        return (
            f"Your code tried to call a system function through ctypes ({what[7:]}), "
            "which a check does not allow."
        )
    if what in ("os.kill", "os.killpg"):
        return "Your code tried to signal another process, which a check does not allow."
    return f"Your code tried to start another process ({what}), which a check does not allow."


_SIGNAL_WORDS = {
    "SIGSEGV": "a segmentation fault (it touched memory it may not)",
    "SIGBUS": "a bus error (a bad memory access)",
    "SIGABRT": "an abort",
    "SIGFPE": "an arithmetic fault",
    "SIGILL": "an illegal instruction",
    "SIGTERM": "a request to terminate",
    "SIGPIPE": "a broken pipe",
}


def signalled(number: int, limits: Limits) -> tuple[str, None, None, str]:
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    if name == "SIGXCPU":
        return (
            "timeout",
            None,
            None,
            f"Your code used more than {seconds_text(limits.cpu_seconds)} of processor time "
            "and was stopped. Is there a loop that never ends?",
        )
    if name == "SIGKILL":
        return (
            "crashed",
            None,
            None,
            "Python running your code was killed by the system (SIGKILL), "
            "often because the computer ran out of memory.",
        )
    if name == "SIGXFSZ":
        return (
            "crashed",
            None,
            None,
            f"Your code wrote a file bigger than {size_text(limits.file_bytes)} and was stopped.",
        )
    words = _SIGNAL_WORDS.get(name, "a signal")
    return "crashed", None, None, f"Python running your code crashed with {words} ({name})."


def size_text(n: int) -> str:
    for unit, shift in (("GB", 30), ("MB", 20), ("KB", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return f"{n >> shift} {unit}"
    return f"{n:,} bytes"


def seconds_text(s: float) -> str:
    return f"{s:g} second" + ("" if s == 1 else "s")
