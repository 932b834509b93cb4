"""One child process of a workbench check: started, fed, read with caps, and killed.

``lessons.workbench.runner.run_probe`` decides what runs and judges what came back;
``ChildRun`` does the process work in between: it writes the orders to the child's
stdin, reads its output (keeping at most ``Limits.output_bytes``, counting the rest) and
its result channel (lines capped at ``RESULT_LINE_CAP``), forwards commands, and kills
the whole process group at the wall-clock or quiet limit, on ``cancel``, and after a
normal exit (for anything the child left behind).
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import queue
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from lessons.workbench.clock import ChildClock
from lessons.workbench.failures import size_text
from lessons.workbench.results import Limits

__all__ = ["RESULT_LINE_CAP", "ChildRun"]

RESULT_LINE_CAP = 4 << 20  # one line of the result channel; longer lines are dropped

_POLL_SECONDS = 0.05  # how often the wait looks at cancel and the clock
_DRAIN_SECONDS = 0.2  # how long to read leftovers once the child has gone


class ChildRun:
    """One child process: feed it, read it with caps, and kill its group when done."""

    def __init__(
        self,
        argv: list[str],
        *,
        stdin: bytes,
        cwd: Path,
        env: dict[str, str] | None,
        result_fds: tuple[int, int] | None,
        limits: Limits,
        cancel: threading.Event | None,
        on_output: Callable[[str], None] | None,
        on_line: Callable[[bytes], dict | None] | None,
        commands: tuple[queue.SimpleQueue, tuple[int, int]] | None = None,
    ):
        self.limits = limits
        self.cancel = cancel
        self.on_output = on_output
        self.on_line = on_line
        self.kept = bytearray()
        self.cut = 0
        self.line_too_long = False
        self.ended = "exit"  # or "timeout", "quiet", "output", "cancel"
        self.returncode: int | None = None
        self.seconds = 0.0
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._line = bytearray()
        self._skipping_line = False
        self._started = time.monotonic()
        self.clock = ChildClock(self._started)
        read_fd, write_fd = result_fds or (None, None)
        self._commands, (command_read, self._command_fd) = commands or (None, (None, None))
        passed = tuple(fd for fd in (write_fd, command_read) if fd is not None)
        self._pending = b""  # commands not yet written
        try:
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                cwd=cwd,
                env=env,
                pass_fds=passed,
                start_new_session=True,
            )
        except BaseException:
            for fd in (*(result_fds or ()), *(commands[1] if commands else ())):
                os.close(fd)
            raise
        for fd in passed:
            os.close(fd)
        self._stdin = stdin
        self._fds = {"out": self.proc.stdout.fileno()}
        if read_fd is not None:
            self._fds["channel"] = read_fd
        self._own_fds = [fd for fd in (read_fd, self._command_fd) if fd is not None]
        if self._command_fd is not None:
            os.set_blocking(self._command_fd, False)

    def wait(self) -> None:
        try:
            self._wait()
        finally:
            self._kill_group()
            self.returncode = self.proc.wait()
            self.seconds = time.monotonic() - self._started
            self._close()
            tail = self._decoder.decode(b"", final=True)
            if tail and self.on_output is not None:
                self.on_output(tail)

    def _wait(self) -> None:
        selector = selectors.DefaultSelector()
        stdin_fd = self.proc.stdin.fileno()
        os.set_blocking(stdin_fd, False)
        selector.register(stdin_fd, selectors.EVENT_WRITE, "in")
        for name, fd in self._fds.items():
            selector.register(fd, selectors.EVENT_READ, name)
        limits = self.limits
        exited_at = None
        try:
            while True:
                now = time.monotonic()
                if self.cancel is not None and self.cancel.is_set():
                    self.ended = "cancel"
                    return
                self._send_commands()
                if exited_at is None and self._exited():
                    exited_at = now
                    self._kill_group()  # whatever it left behind holds our pipes open
                if exited_at is not None and (
                    not selector.get_map() or now - exited_at > _DRAIN_SECONDS
                ):
                    return
                if exited_at is None:
                    stop = self._limit_reached(now)
                    if stop:
                        self.ended = stop
                        self._kill_group()
                        self._drain(selector, _DRAIN_SECONDS)
                        return
                left = limits.wall_seconds - self.clock.working(now)
                left = _POLL_SECONDS if exited_at is not None else left
                self._step(selector, max(min(_POLL_SECONDS, left), 0.0))
        finally:
            selector.close()

    def _limit_reached(self, now: float) -> str | None:
        """Which of the parent's limits the child has reached, if one: "timeout" (the
        wall clock), "quiet" or "output"."""
        limits = self.limits
        if self.clock.working(now) >= limits.wall_seconds:
            return "timeout"
        if limits.quiet_seconds is not None and self.clock.quiet(now) >= limits.quiet_seconds:
            return "quiet"
        printed = len(self.kept) + self.cut
        if limits.output_stop_bytes is not None and printed > limits.output_stop_bytes:
            return "output"
        return None

    def _send_commands(self) -> None:
        if self._commands is None:
            return
        with contextlib.suppress(queue.Empty):
            while True:
                self._pending += json.dumps(self._commands.get_nowait()).encode() + b"\n"
        while self._pending and self._command_fd is not None:
            try:
                written = os.write(self._command_fd, self._pending)
            except BlockingIOError:
                return  # the child is busy: the rest goes at a later look
            except OSError:  # the child has gone: nobody is left to read them
                written = len(self._pending)
            self._pending = self._pending[written:]

    def _step(self, selector: selectors.BaseSelector, timeout: float) -> None:
        if not selector.get_map():
            time.sleep(timeout)
            return
        for key, _ in selector.select(timeout):
            if key.data == "in":
                self._feed(selector, key.fd)
            else:
                self._read(selector, key.fd, key.data)

    def _drain(self, selector: selectors.BaseSelector, seconds: float) -> None:
        until = time.monotonic() + seconds
        while selector.get_map() and time.monotonic() < until:
            self._step(selector, _POLL_SECONDS)

    def _feed(self, selector: selectors.BaseSelector, fd: int) -> None:
        try:
            written = os.write(fd, self._stdin[:65536])
        except BlockingIOError:
            return
        except OSError:  # the child is gone or closed stdin: nothing more to say to it
            written = len(self._stdin)
        self._stdin = self._stdin[written:]
        if not self._stdin:
            selector.unregister(fd)
            self.proc.stdin.close()

    def _read(self, selector: selectors.BaseSelector, fd: int, name: str) -> None:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            selector.unregister(fd)
            return
        if name == "out":
            self._take_output(chunk)
        else:
            self._take_channel(chunk)

    def _take_output(self, chunk: bytes) -> None:
        room = max(self.limits.output_bytes - len(self.kept), 0)
        kept = chunk[:room]
        self.cut += len(chunk) - len(kept)
        if kept:
            self.kept += kept
            if self.on_output is not None:
                text = self._decoder.decode(kept)
                if text:
                    self.on_output(text)

    def _take_channel(self, chunk: bytes) -> None:
        *lines, rest = chunk.split(b"\n")
        for piece in lines:
            if not self._skipping_line and len(self._line) + len(piece) <= RESULT_LINE_CAP:
                self._line += piece
                line, self._line = bytes(self._line), bytearray()
                if self.on_line is not None:
                    self.clock.heard(self.on_line(line), time.monotonic())
            else:
                self.line_too_long = True
                self._line = bytearray()
            self._skipping_line = False
        if self._skipping_line:
            return
        if len(self._line) + len(rest) > RESULT_LINE_CAP:
            self.line_too_long = True
            self._skipping_line = True
            self._line = bytearray()
        else:
            self._line += rest

    def _exited(self) -> bool:
        """Has the child ended? Asked without reaping it, so its group id stays ours to kill."""
        if not hasattr(os, "waitid"):
            return self.proc.poll() is not None
        try:
            return (
                os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
            )
        except ChildProcessError:
            return True

    def _kill_group(self) -> None:
        if self.proc.returncode is not None:
            return  # reaped: its group id may belong to someone else by now
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()

    def _close(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        for fd in self._own_fds:
            with contextlib.suppress(OSError):
                os.close(fd)

    def output_text(self) -> str:
        text = self.kept.decode("utf-8", errors="replace")
        if self.cut:
            text += (
                f"\n[… output cut: {self.cut:,} more bytes after the first "
                f"{size_text(self.limits.output_bytes)} were not kept]\n"
            )
        return text
