"""How the training lab behaves in a real terminal: speed, output, memory, keys.

Runs the tutor in a pseudo-terminal at 80×24 and at 120×40, trains
micrograd's demo recipe (100 full-batch steps on 100 moons) and reports:

* **training time**: the lab's own figure ("finished in X s": time the
  training thread spent on steps and boundary scoring) and the wall time seen
  from outside, from the first status line showing a step to "finished";
* **output**: bytes written to the terminal per second while training: over
  the demo's 100 steps (with the tape they take a fraction of a second, so
  this is mostly the first and last frames), and **steady**: over
  ``--window`` seconds (5) of a long run that keeps training, from half a
  second after its first step, which is what a learner's link carries while
  they watch (goals, issue 16: ≤ 25 KB/s at 80×24, ≤ 60 KB/s at 120×40 with
  the neuron panel open; ≤ 12 KB/s with ``--low-bandwidth``);
* **memory**: the peak resident set size of the tutor process (VmHWM);
* **keys**: while a longer run trains, space (pause) is pressed again and
  again; the latency is the time from writing the key to the word "paused"
  arriving from the terminal, so it includes the app's redraw.

    .venv/bin/python bench/train_screen.py                 # both sizes
    .venv/bin/python bench/train_screen.py --sizes 80x24 --no-gc-freeze
    .venv/bin/python bench/train_screen.py --switch-interval 0.005  # Python's default
    .venv/bin/python bench/train_screen.py --micrograd     # also time micrograd 0.1.0
    .venv/bin/python bench/train_screen.py --neurons       # with the neuron panel open (n)
    .venv/bin/python bench/train_screen.py --neurons --low-bandwidth
    .venv/bin/python bench/train_screen.py --samples 1000 --hidden 32,32  # a larger setup

The tutor is started with ``python -m tutor train --play`` when the command
line has that subcommand, otherwise with this file's own launcher (``--child``),
which opens the same screen in the same app. Goals (issue 6): training ≤ 5 s,
≤ 50 KB/s at 80×24, ≤ 250 MB, key latency ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b."
)
FINISHED = re.compile(r"finished\s+step (\d+)/(\d+)\s+in ([0-9.]+) (m?s)")
STEP = re.compile(r"step (\d+)/(\d+)")


# -- the child: the tutor with the lab open and training ----------------------------------


def run_child(
    steps: int,
    gc_freeze: bool,
    switch_interval: float | None,
    neurons: bool = False,
    samples: int = 100,
    hidden: tuple[int, ...] = (16, 16),
    low_bandwidth: bool = False,
) -> None:
    """Open the training lab over the tutor's own app, training at once.

    The two knobs undo what the lab does for speed, to measure what it buys:
    no ``gc.freeze()``, and another GIL switch interval. ``neurons`` opens the
    panel of what each neuron sees from the start (as ``n`` does).
    """
    sys.path.insert(0, str(ROOT))  # this checkout, whatever is installed
    import tutor.screens.train as lab
    from engine.train import TrainConfig
    from lessons.progress import ProgressStore
    from lessons.registry import default_curriculum
    from tutor import performance
    from tutor.app import TutorApp

    if not gc_freeze:
        performance._frozen = True  # the lab then believes it has frozen already
    if switch_interval is not None:
        performance.SWITCH_INTERVAL = switch_interval

    class LabApp(TutorApp):
        CSS_PATH = ROOT / "tutor" / "tutor.tcss"  # relative paths start beside this file

        def on_mount(self) -> None:
            super().on_mount()
            screen = lab.TrainScreen(
                TrainConfig(steps=steps, samples=samples, hidden=hidden), play=True
            )
            self.push_screen(screen)
            if neurons:
                screen.call_after_refresh(screen.action_neurons)

    LabApp(ProgressStore(), default_curriculum(), low_bandwidth=low_bandwidth).run()


def cli_has_train() -> bool:
    """Whether ``python -m tutor train`` exists yet."""
    done = subprocess.run(
        [sys.executable, "-m", "tutor", "train", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode == 0 and "--play" in done.stdout


def tutor_command(steps: int, args: argparse.Namespace, use_cli: bool) -> list[str]:
    size = ["--samples", str(args.samples), "--hidden", args.hidden]
    if args.low_bandwidth:
        size.append("--low-bandwidth")
    if use_cli and not (args.no_gc_freeze or args.neurons) and args.switch_interval is None:
        return [sys.executable, "-m", "tutor", "train", "--play", "--steps", str(steps), *size]
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--steps", str(steps)]
    if args.no_gc_freeze:
        command.append("--no-gc-freeze")
    if args.switch_interval is not None:
        command += ["--switch-interval", str(args.switch_interval)]
    if args.neurons:
        command.append("--neurons")
    return [*command, *size]


# -- the parent: a pseudo-terminal and a stopwatch --------------------------------------


@dataclass
class Terminal:
    """A child process on a pseudo-terminal of a given size, and what it wrote."""

    pid: int
    fd: int
    started: float
    text: str = ""  # everything written, escapes removed
    chunks: list[tuple[float, int]] = field(default_factory=list)  # (time, bytes)

    @classmethod
    def spawn(cls, command: list[str], columns: int, rows: int, home: str) -> Terminal:
        env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
        env["MICROGRAD_TUTOR_HOME"] = home  # never touch the learner's own progress
        env.pop("NO_COLOR", None)
        started = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal, then become the tutor
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
            os.chdir(ROOT)
            os.execvpe(command[0], command, env)
        return cls(pid, fd, started)

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return b""
        self.chunks.append((time.monotonic(), len(data)))
        self.text += ANSI.sub(b"", data).decode("utf-8", "replace")
        return data

    def wait_for(
        self, pattern: re.Pattern[str], timeout: float, since: int = 0
    ) -> re.Match[str] | None:
        """Read until ``pattern`` shows in the text written after offset ``since``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = pattern.search(self.text, since)
            if found:
                return found
            self.read(0.01)
        return pattern.search(self.text, since)

    def send(self, keys: bytes) -> float:
        os.write(self.fd, keys)
        return time.monotonic()

    def bytes_between(self, start: float, end: float) -> int:
        return sum(n for t, n in self.chunks if start <= t <= end)

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        try:
            self.send(b"\x11")  # ctrl+q: the tutor saves and quits
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                self.read(0.05)
                done, _ = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    return
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        finally:
            os.close(self.fd)


@dataclass
class Figures:
    size: str
    lab_seconds: float = float("nan")
    wall_seconds: float = float("nan")
    startup_seconds: float = float("nan")
    kb_per_second: float = float("nan")
    steady_kb_per_second: float = float("nan")
    peak_mb: float = float("nan")
    pause_ms: list[float] = field(default_factory=list)
    resume_ms: list[float] = field(default_factory=list)


def measure_training(command: list[str], columns: int, rows: int, home: str) -> Figures:
    figures = Figures(f"{columns}×{rows}")
    term = Terminal.spawn(command, columns, rows, home)
    try:
        first = term.wait_for(STEP, timeout=60)
        if first is None:
            raise RuntimeError(f"the lab never showed a step:\n{term.text[-2000:]}")
        shown_at = term.chunks[-1][0]
        figures.startup_seconds = shown_at - term.started
        done = term.wait_for(FINISHED, timeout=120)
        if done is None:
            raise RuntimeError(f"the run never finished:\n{term.text[-2000:]}")
        finished_at = term.chunks[-1][0]
        figures.lab_seconds = float(done.group(3)) / (1000 if done.group(4) == "ms" else 1)
        # The first status line may already show a few steps: count them in.
        n_first, total = int(first.group(1)), int(first.group(2))
        span = finished_at - shown_at
        if span > 0:  # (over --low-bandwidth the first status line may be the last)
            figures.wall_seconds = span * total / max(total - n_first, 1)
            figures.kb_per_second = term.bytes_between(shown_at, finished_at) / span / 1000
        figures.peak_mb = term.peak_rss_mb()
    finally:
        term.close()
    return figures


def measure_output(command: list[str], columns: int, rows: int, home: str, window: float) -> float:
    """KB/s written while a long run trains: over ``window`` seconds, from half a
    second after the first step is on screen (the first full frames are drawn)."""
    term = Terminal.spawn(command, columns, rows, home)
    try:
        if term.wait_for(re.compile(r"training\s+step [1-9]"), timeout=60) is None:
            raise RuntimeError(f"the lab never started training:\n{term.text[-2000:]}")
        start = time.monotonic() + 0.5
        end = start + window
        while time.monotonic() < end:
            term.read(0.05)
        if "finished" in term.text:
            raise RuntimeError("the long run finished inside the window")
        return term.bytes_between(start, end) / window / 1000
    finally:
        term.close()


def measure_keys(
    command: list[str], columns: int, rows: int, home: str, presses: int
) -> tuple[list[float], list[float], float]:
    """Pause and resume a long run again and again; milliseconds until the status changes."""
    term = Terminal.spawn(command, columns, rows, home)
    pauses: list[float] = []
    resumes: list[float] = []
    try:
        if term.wait_for(re.compile(r"training\s+step [1-9]"), timeout=60) is None:
            raise RuntimeError(f"the lab never started training:\n{term.text[-2000:]}")
        for _ in range(presses):
            time.sleep(0.3)  # let it train a while between presses
            term.read(0)
            since = len(term.text)
            sent = term.send(b" ")
            if term.wait_for(re.compile("paused"), timeout=5, since=since) is None:
                raise RuntimeError("space did not pause the run")
            pauses.append((term.chunks[-1][0] - sent) * 1000)
            time.sleep(0.1)
            term.read(0)
            since = len(term.text)
            sent = term.send(b" ")
            if term.wait_for(re.compile("training"), timeout=5, since=since) is None:
                raise RuntimeError("space did not resume the run")
            resumes.append((term.chunks[-1][0] - sent) * 1000)
        peak = term.peak_rss_mb()
    finally:
        term.close()
    return pauses, resumes, peak


def time_engine_alone(samples: int = 100, hidden: str = "16,16") -> float:
    """Seconds for the same 100 steps without any UI, in a fresh process (set up
    as the lab does: data made and gc.freeze() called before the first step)."""
    code = (
        "import gc, time\n"
        "from engine.train import TrainConfig, TrainingRun\n"
        f"run = TrainingRun(TrainConfig(samples={samples}, hidden=({hidden},)))\n"
        "gc.collect(); gc.freeze()\n"
        "began = time.perf_counter()\n"
        "run.run()\n"
        "assert len(run.history) == 100\n"
        "print(time.perf_counter() - began)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(done.stdout)


def time_micrograd(steps: int = 3) -> float:
    """Seconds per step of micrograd 0.1.0's own demo loop on the same recipe."""
    import random

    import numpy as np
    from micrograd.engine import Value
    from micrograd.nn import MLP
    from sklearn.datasets import make_moons

    np.random.seed(1337)
    random.seed(1337)
    X, y = make_moons(n_samples=100, noise=0.1)
    y = y * 2 - 1
    model = MLP(2, [16, 16, 1])
    began = time.perf_counter()
    for k in range(steps):
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        loss = data_loss + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
    return (time.perf_counter() - began) / steps


def _spread_ms(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.0f} / {p90:.0f} / {ordered[-1]:.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--steps", type=int, default=100, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="80x24,120x40", help="terminal sizes, like 80x24,120x40")
    parser.add_argument(
        "--no-gc-freeze", action="store_true", help="keep the lab from calling gc.freeze()"
    )
    parser.add_argument(
        "--switch-interval", type=float, help="the GIL switch interval the lab sets (s)"
    )
    parser.add_argument("--presses", type=int, default=10, help="pause/resume pairs per size")
    parser.add_argument("--micrograd", action="store_true", help="also time micrograd 0.1.0")
    parser.add_argument(
        "--neurons", action="store_true", help="with the neuron panel open from the start (n)"
    )
    parser.add_argument("--samples", type=int, default=100, help="points to train on (100)")
    parser.add_argument("--hidden", default="16,16", help="hidden layer sizes (16,16)")
    parser.add_argument("--low-bandwidth", action="store_true", help="the lab as --low-bandwidth")
    parser.add_argument(
        "--window", type=float, default=5.0, help="seconds of steady training output measured (5)"
    )
    args = parser.parse_args()
    if args.child:
        hidden = tuple(int(n) for n in args.hidden.split(",") if n.strip())
        run_child(
            args.steps,
            not args.no_gc_freeze,
            args.switch_interval,
            args.neurons,
            args.samples,
            hidden,
            args.low_bandwidth,
        )
        return 0

    use_cli = cli_has_train()
    launcher = " ".join(tutor_command(100, args, use_cli)[1:])
    print(f"tutor started with: python {launcher}")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    rows = []
    with tempfile.TemporaryDirectory() as home:
        for size in args.sizes.split(","):
            columns, lines = (int(n) for n in size.lower().split("x"))
            figures = measure_training(tutor_command(100, args, use_cli), columns, lines, home)
            long_run = tutor_command(100_000, args, use_cli)
            figures.steady_kb_per_second = measure_output(
                long_run, columns, lines, home, args.window
            )
            pauses, resumes, peak = measure_keys(long_run, columns, lines, home, args.presses)
            figures.pause_ms, figures.resume_ms = pauses, resumes
            figures.peak_mb = max(figures.peak_mb, peak)
            rows.append(figures)

    print()
    print(
        f"{'size':>7}  {'start-up':>8}  {'train (lab)':>11}  {'train (wall)':>12}  "
        f"{'output':>10}  {'steady':>10}  {'peak RSS':>8}  {'pause key':>20}  {'resume key':>20}"
    )
    for f in rows:
        pause, resume = _spread_ms(f.pause_ms), _spread_ms(f.resume_ms)
        print(
            f"{f.size:>7}  {f.startup_seconds:>7.1f}s  {f.lab_seconds:>10.2f}s  "
            f"{f.wall_seconds:>11.2f}s  {f.kb_per_second:>6.1f} KB/s  "
            f"{f.steady_kb_per_second:>6.1f} KB/s  {f.peak_mb:>5.0f} MB  "
            f"{pause:>20}  {resume:>20}"
        )
    print(
        f"(keys: median / 90th percentile / worst of {args.presses} presses; "
        "pause is pressed while training;\n steady: output over "
        f"{args.window:g} s of a long run training)"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    alone = time_engine_alone(args.samples, args.hidden)
    print(f"the engine alone (no UI), same 100 steps: {alone:.2f} s")
    if args.micrograd:
        per_step = time_micrograd()
        print(
            f"micrograd 0.1.0: {per_step:.2f} s per step, "
            f"about {per_step * 100:.0f} s for 100 steps"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
