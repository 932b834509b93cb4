"""Running the learner's code for a check: always in a child Python, never in the tutor's.

    from lessons.workbench.runner import run_probe

    done = run_probe(workspace, "value_add", args={"a": 2.0, "b": 3.0})
    if done.status == "ok":
        print(done.result)
    else:
        print(done.message)          # one plain sentence for the learner
        if done.error:                # their exception, located in their files
            print(done.error.file, done.error.line, done.error.code)

Each call starts ``python -I -B -u lessons/workbench/child.py`` in a new session (its own
process group), with the workspace as its working directory and a small environment.
The child sets its own limits (see ``child.py``), imports the learner's package from the
workspace and calls ``run(probe, args)`` of ``probe_module``.

The parent here

- never imports, compiles or evaluates anything from the workspace: it only reads bytes
  from pipes and parses JSON;
- kills the whole process group at the wall-clock limit, when ``cancel`` is set, and
  after a normal exit (for anything the child left behind);
- keeps at most ``Limits.output_bytes`` of the learner's stdout and stderr (merged, in
  order) and drains and counts the rest, so a print flood costs no memory;
- takes the answer only from its own channel: a pipe passed with ``pass_fds``, read as
  JSON lines, each line capped in size and accepted only with the nonce this call chose.
  Lines before the last are ``hello`` (the limits the child set) and ``event`` (progress,
  passed to ``on_event``); the final line holds the result or the learner's error;
- given ``commands`` (a queue), writes each command put there as a JSON line to a pipe
  the child reads with ``child.commands()``; while the child says it is waiting for
  one (an ``idle`` line), neither the wall clock nor ``Limits.quiet_seconds`` runs.

The child's limits and audit hook are defence in depth against a learner's accidents, not a
sandbox (``child.py`` says what they cannot stop); what keeps the tutor safe is that the
learner's code runs in another process, which this module times, caps and kills.

A shared tutor (``serve``, ``--ask-learner``) runs as the account that serves the class,
so it calls ``require_sandbox()``: from then on every child runs inside bubblewrap
(``lessons.workbench.sandbox``), after a self-test of the sandbox in this process, and
if the sandbox is not available there learner code is refused for the whole process.

POSIX only (Linux, macOS): it relies on ``pass_fds``, sessions and ``killpg``.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import queue
import secrets
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import lessons
from lessons.workbench.child_run import ChildRun
from lessons.workbench.failures import (
    error_message,
    seconds_text,
    signalled,
    size_text,
)
from lessons.workbench.results import DEFAULT_LIMITS, ChildResult, LearnerError, Limits

__all__ = [
    "DEFAULT_LIMITS",
    "SHARED_TUTOR_REASON",
    "ChildResult",
    "LearnerError",
    "Limits",
    "refuse_learner_code",
    "refused_because",
    "require_sandbox",
    "run_probe",
]

SHARED_TUTOR_REASON = (
    "This tutor is shared (a classroom server), so it does not run the code you write: "
    "it would run as the account that serves the class, not as you. Run "
    "`micrograd-tutor workbench` in your own account instead (over SSH, say): there "
    "your code runs as you, and the tutor checks it on every save."
)
"""``refuse_learner_code``'s reason when it is given none; a shared tutor whose sandbox
does not work gives the sandbox's own (``SandboxStatus.refusal``), which names the cause."""

_refusal: str | None = None  # set once for the process: fail closed, never reopened
_sandbox_required = False  # set once for the process: every child inside bubblewrap

CHILD_SCRIPT = Path(__file__).resolve().with_name("child.py")
PROJECT_ROOT = Path(lessons.__file__).resolve().parent.parent


_log = logging.getLogger(__name__)
_notes_said: set[str] = set()


def refuse_learner_code(reason: str = SHARED_TUTOR_REASON) -> None:
    """From now on, in this process, run no learner code at all: every ``run_probe``
    answers ``status="refused"`` with ``reason``. A tutor that serves several people
    (``micrograd-tutor serve``, ``--ask-learner``) calls it before any screen opens,
    since a child it started would run as the serving account. There is no way back."""
    global _refusal
    _refusal = reason


def require_sandbox() -> None:
    """From now on, in this process, run learner code only inside the sandbox
    (``lessons.workbench.sandbox``): a shared tutor calls it before any screen opens.
    The first ``run_probe`` runs the sandbox's self-test; if bwrap is missing or the
    test fails, learner code is refused for the process (``refuse_learner_code``) with
    the reason. There is no way back."""
    global _sandbox_required
    _sandbox_required = True


def _refuse_unless_sandboxed() -> None:
    """Where a sandbox is required and does not work here, refuse from now on."""
    from lessons.workbench import sandbox

    state = sandbox.status()
    if not state.ready:
        refuse_learner_code(state.refusal())


def _in_sandbox(
    argv: list[str], workspace: Path, env: dict[str, str]
) -> tuple[list[str], dict[str, str]]:
    """The child's command and environment, inside bubblewrap when a sandbox is required."""
    if not _sandbox_required:
        return argv, env
    from lessons.workbench import sandbox

    return sandbox.wrap(argv, workspace, env)


def refused_because() -> str | None:
    """The reason learner code is refused in this process, if it is."""
    return _refusal


def run_probe(
    workspace: Path,
    probe: str,
    *,
    args: dict | None = None,
    limits: Limits = DEFAULT_LIMITS,
    probe_module: str = "lessons.workbench.probes",
    cancel: threading.Event | None = None,
    on_output: Callable[[str], None] | None = None,
    on_event: Callable[[dict], None] | None = None,
    commands: queue.SimpleQueue | None = None,
) -> ChildResult:
    """Run ``probe_module.run(probe, args)`` in a limited child Python over ``workspace``.

    Blocks until the child answers, fails, times out or ``cancel`` is set; call it from
    a thread worker. ``on_output`` gets the learner's output as it comes (only the part
    that is kept), ``on_event`` the probe's progress events; both run in this thread.
    ``commands``: dicts put there from any thread go to the child, for a probe that
    reads them with ``lessons.workbench.child.commands``.
    """
    if _sandbox_required and _refusal is None:
        _refuse_unless_sandboxed()
    if _refusal is not None:
        return ChildResult(
            status="refused",
            result=None,
            error=None,
            output="",
            output_cut=0,
            seconds=0.0,
            limits_applied=False,
            message=_refusal,
        )
    workspace = Path(workspace).resolve()
    if not workspace.is_dir():
        raise FileNotFoundError(f"no workspace folder at {workspace}")
    nonce = secrets.token_hex(16)
    read_fd, write_fd = os.pipe()
    command_fds = os.pipe() if commands is not None else None
    order = {
        "workspace": str(workspace),
        "project_root": str(PROJECT_ROOT),
        "probe_module": probe_module,
        "probe": probe,
        "args": args or {},
        "limits": asdict(limits),
        "nonce": nonce,
        "result_fd": write_fd,
        "command_fd": command_fds[0] if command_fds else None,
    }
    try:
        order_bytes = json.dumps(order).encode()
    except BaseException:
        for fd in (read_fd, write_fd, *(command_fds or ())):
            os.close(fd)
        raise

    channel = _Channel(nonce, on_event)
    # The child's own temporary folder: it may write there and in the workspace, nowhere else.
    temp_dir = tempfile.mkdtemp(prefix="workbench-")
    try:
        argv, env = _in_sandbox(
            [sys.executable, "-I", "-B", "-u", "-X", "utf8", str(CHILD_SCRIPT)],
            workspace,
            _child_env(temp_dir),
        )
        run = ChildRun(
            argv,
            stdin=order_bytes,
            cwd=workspace,
            env=env,
            result_fds=(read_fd, write_fd),
            limits=limits,
            cancel=cancel,
            on_output=on_output,
            on_line=channel.take,
            commands=(commands, command_fds) if command_fds else None,
        )
        run.wait()
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)
    return _result(run, channel, limits)


def _child_env(temp_dir: str) -> dict[str, str]:
    env = {
        "TMPDIR": temp_dir,
        "PATH": os.environ.get("PATH", os.defpath),
        "LANG": "C.UTF-8",
        # numerical libraries start one thread per core unless told; the child may start none
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    for name in ("HOME", "SYSTEMROOT"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


class _Channel:
    """The parent's reading of the result channel: only lines with our nonce count."""

    def __init__(self, nonce: str, on_event: Callable[[dict], None] | None):
        self._nonce = nonce
        self._on_event = on_event
        self.hello: dict | None = None
        self.final: dict | None = None
        self.rejected = 0

    def take(self, line: bytes) -> dict | None:
        """Take one line; returns it (a dict) when it is ours, None when it is not."""
        if not line.strip():
            return None
        try:
            message = json.loads(line)
        except (ValueError, RecursionError):
            self.rejected += 1
            return None
        nonce = message.get("nonce") if isinstance(message, dict) else None
        if not isinstance(nonce, str) or not hmac.compare_digest(nonce, self._nonce):
            self.rejected += 1
            return None
        if self.final is not None:
            return message
        if "hello" in message and self.hello is None:
            self.hello = message["hello"] if isinstance(message["hello"], dict) else {}
        elif "event" in message:
            if self._on_event is not None and isinstance(message["event"], dict):
                self._on_event(message["event"])
        elif message.get("status") in ("ok", "error"):
            self.final = message
        return message


def _result(run: ChildRun, channel: _Channel, limits: Limits) -> ChildResult:
    hello = channel.hello or {}
    limits_applied = bool(hello.get("limits_applied", False))
    note = str(hello.get("note", "")) if channel.hello else ""
    if channel.hello is None and run.ended == "exit":
        note = "The checker stopped before it could set its limits."
    if note and note not in _notes_said:
        _notes_said.add(note)
        _log.warning("workbench runner: %s", note)

    status, result, error, message = _judge(run, channel, limits)
    stopped_by = {"timeout": "wall", "quiet": "quiet", "output": "output"}.get(run.ended, "")
    if status == "ok" and run.cut:
        message = (
            f"Your code printed more than {size_text(limits.output_bytes)}; "
            "only the first part of its output is shown."
        )
    return ChildResult(
        status=status,
        result=result,
        error=error,
        output=run.output_text(),
        output_cut=run.cut,
        seconds=run.seconds,
        limits_applied=limits_applied,
        message=message,
        limits_note=note,
        stopped_by=stopped_by,
    )


def _judge(
    run: ChildRun, channel: _Channel, limits: Limits
) -> tuple[str, dict | None, LearnerError | None, str]:
    if run.ended == "cancel":
        return "killed", None, None, "This check was stopped before it finished."
    if run.ended == "timeout":
        return (
            "timeout",
            None,
            None,
            f"Your code ran for more than {seconds_text(limits.wall_seconds)} and was stopped. "
            "Is there a loop that never ends? (A long training run may need fewer steps.)",
        )
    if run.ended == "quiet":
        return (
            "timeout",
            None,
            None,
            f"Your code worked for more than {seconds_text(limits.quiet_seconds or 0)} "
            "without a word of progress and was stopped. Is there a loop that never ends?",
        )
    if run.ended == "output":
        return (
            "killed",
            None,
            None,
            f"Your code printed more than {size_text(limits.output_stop_bytes or 0)} and was "
            "stopped. Is there a print in a loop?",
        )
    final = channel.final
    if final is not None and final["status"] == "ok" and isinstance(final.get("result"), dict):
        return "ok", final["result"], None, ""
    if final is not None and isinstance(final.get("error"), dict):
        error = _learner_error(final["error"])
        return "error", None, error, error_message(error, final, limits)
    code = run.returncode
    if code is not None and code < 0:
        return signalled(-code, limits)
    if run.line_too_long:
        return "no-result", None, None, "The check's answer was too large to send back."
    if channel.hello is None and code:
        return (
            "crashed",
            None,
            None,
            f"The checker could not start Python for your code (exit code {code}).",
        )
    return (
        "no-result",
        None,
        None,
        "Your code ended Python before the check could finish (did it call os._exit()?), "
        f"so there is no result to show (exit code {code}).",
    )


def _learner_error(data: dict) -> LearnerError:
    def text_or_none(value) -> str | None:
        return str(value) if value is not None else None

    line = data.get("line")
    frames = []
    for frame in data.get("traceback") or []:
        if isinstance(frame, list) and len(frame) == 3:
            frames.append((str(frame[0]), int(frame[1] or 0), str(frame[2])))
    return LearnerError(
        kind=str(data.get("kind", "Exception")),
        message=str(data.get("message", "")),
        file=text_or_none(data.get("file")),
        line=int(line) if isinstance(line, int) else None,
        code=text_or_none(data.get("code")),
        traceback=frames,
    )
