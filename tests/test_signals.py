"""A lost connection: SIGHUP, SIGTERM or SIGINT ends a tutor running in a real terminal cleanly.

Each test starts ``python -m tutor`` in a pseudo-terminal, moves one step, sends the
signal, and then checks the exit code (128 + the signal's number, as a shell reports
it), that the terminal was given back (the alternate screen left), and that the
progress file holds the step the learner was on.
"""

from __future__ import annotations

import json
import os
import select
import signal
import struct
import sys
import time
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")
fcntl = pytest.importorskip("fcntl")
termios = pytest.importorskip("termios")

ROOT = Path(__file__).resolve().parent.parent
LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"
PATIENCE = 60.0  # seconds; a generous bound for a slow machine, never a measurement


class Terminal:
    """A tutor process on the far side of a pseudo-terminal, and everything it wrote."""

    def __init__(self, home: Path, *args: str) -> None:
        env = dict(
            os.environ,
            MICROGRAD_TUTOR_HOME=str(home),
            TERM="xterm-256color",
            COLUMNS="80",
            LINES="24",
        )
        env.pop("NO_COLOR", None)
        self.output = bytearray()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the tutor
            try:
                os.chdir(ROOT)
                os.execve(sys.executable, [sys.executable, "-m", "tutor", *args], env)
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.open = True

    def read_until(self, text: bytes) -> None:
        deadline = time.monotonic() + PATIENCE
        while text not in self.output:
            assert time.monotonic() < deadline, f"never saw {text!r}"
            self._read(0.1)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed its side
            return False
        self.output.extend(chunk)
        return bool(chunk)

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def hang_up(self) -> None:
        """What a dropped SSH connection does: the terminal's master side goes away."""
        os.close(self.fd)
        self.open = False

    def wait(self) -> int:
        """The exit code, reading (when the terminal is still there) until the end."""
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            if self.open and not self._read(0.05):
                self.open = False
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            if not self.open:
                time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        pytest.fail("the tutor did not exit after the signal")

    def close(self) -> None:
        if self.open:
            os.close(self.fd)
            self.open = False


def start_on_lesson_2_step_2(home: Path) -> Terminal:
    terminal = Terminal(home, "--lesson", "2")
    terminal.read_until(b"step 1 of")
    terminal.type(b"n")
    terminal.read_until(b"step 2 of")
    return terminal


def saved_position(home: Path) -> dict:
    return json.loads((home / "progress.json").read_text(encoding="utf-8"))["position"]


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_ends_the_tutor_cleanly_with_progress_saved(home, name):
    signum = getattr(signal, name, None)
    if signum is None:
        pytest.skip(f"no {name} here")
    terminal = start_on_lesson_2_step_2(home)
    try:
        os.kill(terminal.pid, signum)
        code = terminal.wait()
    finally:
        terminal.close()
    assert code == 128 + signum
    assert LEAVE_ALTERNATE_SCREEN in terminal.output  # the terminal is usable again
    assert b"Traceback" not in terminal.output
    assert saved_position(home) == {"lesson": "values-and-graphs", "step": 1}


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP here")
def test_a_dropped_connection_ends_the_tutor_even_with_no_terminal_left(home):
    """The SSH client is gone before the hang-up arrives: nothing can be drawn any more."""
    terminal = start_on_lesson_2_step_2(home)
    terminal.hang_up()
    os.kill(terminal.pid, signal.SIGHUP)
    assert terminal.wait() == 128 + signal.SIGHUP
    assert saved_position(home) == {"lesson": "values-and-graphs", "step": 1}


def test_sigint_during_a_long_training_step_ends_the_lab_cleanly(home):
    """A step of the Values path at the largest setup the cost bound allows (~3 s a
    step here) is interrupted: the lab leaves with the signal's code, no traceback."""
    terminal = Terminal(
        home, "train", "--samples", "692", "--hidden", "128,128", "--graph", "values", "--play"
    )
    try:
        terminal.read_until(b"training")
        os.kill(terminal.pid, signal.SIGINT)
        code = terminal.wait()
    finally:
        terminal.close()
    assert code == 128 + signal.SIGINT
    assert LEAVE_ALTERNATE_SCREEN in terminal.output
    assert b"Traceback" not in terminal.output
    assert b"failed" not in terminal.output
