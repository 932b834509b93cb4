"""Time from launching ``micrograd-tutor`` to its first painted screen, in a pseudo-terminal.

    .venv/bin/python bench/startup.py            # 5 runs of the tutor and of a bare Textual app
    .venv/bin/python bench/startup.py --runs 9

Each run forks a child on a fresh 80×24 pseudo-terminal, starts the tutor with
an empty progress folder, and reads its output until the header's title
appears: that is the first frame a learner sees. Then it presses ctrl+q and
checks the exit code. The same is done for a bare Textual app with a Header,
so the figure can be read against what Textual itself costs on this machine;
the two take turns, run by run, so that a machine whose speed drifts (a shared
VM) affects both alike. Goal: a median of at most 0.6 s on a 2-core machine.

Python caches compiled modules (``__pycache__``) after the first start, so
every start after the first one skips compiling. The timed runs follow one
untimed run that fills that cache, as on a learner's machine.
``PYTHONDONTWRITEBYTECODE`` (set in some sandboxes and containers) stops
that cache being written; it is removed from the child's environment.
``--no-bytecode-cache`` measures the other extreme, a start that compiles
every module it imports (Textual's too) from source:

    .venv/bin/python bench/startup.py --no-bytecode-cache
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = b"micrograd-tutor"
TIMEOUT = 20.0
# Window-title (OSC) sequences may carry the title before anything is painted: skip them.
OSC = re.compile(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")

BARE_APP = """
from textual.app import App
from textual.widgets import Header, Footer
class Bare(App):
    TITLE = "micrograd-tutor"
    def compose(self):
        yield Header()
        yield Footer()
Bare().run()
"""


def _cpu_seconds(pid: int) -> float | None:
    """CPU time the child has used so far (Linux), which other load on the machine barely moves."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_to_first_frame(argv: list[str], env: dict[str, str]) -> tuple[float, float | None, int]:
    """Seconds until MARKER is painted, CPU seconds used by then, and the exit code after ctrl+q."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the program, on the pseudo-terminal
        os.execve(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen = b""
    elapsed = None
    try:
        while time.perf_counter() - start < TIMEOUT:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if MARKER in OSC.sub(b"", seen):
                elapsed = time.perf_counter() - start
                cpu = _cpu_seconds(pid)
                break
        if elapsed is None:
            raise RuntimeError(f"no frame within {TIMEOUT} s: {seen[-300:]!r}")
        os.write(fd, b"\x11")  # ctrl+q
        return elapsed, cpu, _wait(pid, fd)
    finally:
        os.close(fd)


def _wait(pid: int, fd: int) -> int:
    """Drain the terminal until the child exits; its exit code."""
    deadline = time.perf_counter() + TIMEOUT
    while time.perf_counter() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            with contextlib.suppress(OSError):
                os.read(fd, 65536)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return -9


def start_once(name: str, argv: list[str], *, bytecode_cache: bool) -> tuple[float, float | None]:
    """One start on a fresh pseudo-terminal with an empty progress folder."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, TERM="xterm-256color", MICROGRAD_TUTOR_HOME=home)
        env.pop("NO_COLOR", None)
        if bytecode_cache:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        else:  # an empty cache that stays empty: every module is compiled
            env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=home)
        elapsed, cpu, code = time_to_first_frame(argv, env)
    if code != 0:
        raise RuntimeError(f"{name} exited with {code} after ctrl+q")
    return elapsed, cpu


def measure(programs: dict[str, list[str]], runs: int, *, bytecode_cache: bool) -> list[float]:
    """The median time of each program. The programs take turns, run by run, so
    that a machine that slows down or speeds up meanwhile affects them alike."""
    times: dict[str, list[float]] = {name: [] for name in programs}
    cpus: dict[str, list[float]] = {name: [] for name in programs}
    for run in range(runs + 1):
        for name, argv in programs.items():
            elapsed, cpu = start_once(name, argv, bytecode_cache=bytecode_cache)
            if run == 0:
                continue  # the warm-up: it fills the bytecode cache and the OS's file cache
            times[name].append(elapsed)
            if cpu is not None:
                cpus[name].append(cpu)
    medians = []
    for name in programs:
        median = statistics.median(times[name])
        figures = " ".join(f"{t:.3f}" for t in times[name])
        cpu_note = f"   (CPU {statistics.median(cpus[name]):.2f} s)" if cpus[name] else ""
        print(f"{name:<16} median {median:.3f} s{cpu_note}   runs: {figures}")
        medians.append(median)
    return medians


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="compile every module on every start (PYTHONDONTWRITEBYTECODE=1)",
    )
    args = parser.parse_args()
    python = sys.executable
    cache = "without" if args.no_bytecode_cache else "with"
    print(
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {args.runs} runs each, "
        f"taking turns, after a warm-up, {cache} the bytecode cache"
    )
    cached = not args.no_bytecode_cache
    programs = {
        "bare Textual": [python, "-c", BARE_APP],
        "micrograd-tutor": [python, "-m", "tutor"],
    }
    bare, tutor = measure(programs, args.runs, bytecode_cache=cached)
    print(f"tutor − bare     {tutor - bare:+.3f} s   (goal: tutor ≤ 0.600 s)")
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
