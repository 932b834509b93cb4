"""Tape replay against building Values every step, and against micrograd 0.1.0.

Everything timed runs in one process, interleaved in blocks of ``--block`` steps
(10): a machine that gets busier or quieter slows every contender alike, and each
contender runs as it does in the lab, warm -- step by step, a Values step pushes
the tape's arrays out of the CPU's caches, which alone makes a tape step at the
demo ~1.8x slower (``--block 1`` shows it):

1. micrograd's demo recipe (``TrainConfig()``: 100 moons, MLP 2-16-16-1 ReLU,
   hinge + 1e-4 L2, full batch), 100 steps: ``replay=True`` against
   ``replay=False``, and against ``replay=False`` with the cycle collector left
   on during the step (the pause of ``engine.collector`` switched off): the
   Values path's mean step against its median, with and without the pause;
   micrograd 0.1.0 takes a few of its ~1.5 s steps between them.
2. 1000 samples x hidden 32,32, the same three ways for a few steps, then the
   tape alone on to 100 steps (steps per second, on the wall clock), and the
   decision grid of the lab's size through the tape against point by point.
3. Peak memory of a 1000 x 32,32 run, in child processes: the resident set
   (the kernel's high-water mark) and the Python heap with NumPy's arrays
   (``tracemalloc``).

Every pair of runs must give the same reports to the last bit, or the bench
exits with status 1. Times are CPU time per step (``time.process_time``) unless
marked "wall".

    .venv/bin/python bench/tape.py           # about 3 minutes
    .venv/bin/python bench/tape.py --quick   # about 40 seconds
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine.scoring  # noqa: E402
import engine.train  # noqa: E402
from engine.train import TrainConfig, TrainingRun, decision_grid, predict  # noqa: E402

DEMO = TrainConfig()
BIG = TrainConfig(samples=1000, hidden=(32, 32))


class Contender:
    """One way of training, its run and the CPU seconds of each step."""

    def __init__(self, name: str, config: TrainConfig, *, collector_paused: bool = True):
        self.name = name
        self.run = TrainingRun(config)
        self.collector_paused = collector_paused
        self.seconds: list[float] = []
        self.wall: list[float] = []

    def step(self) -> None:
        paused = engine.train.paused_collector
        if not self.collector_paused:
            engine.train.paused_collector = contextlib.nullcontext  # the collector as it is
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            self.run.step()
            self.seconds.append(time.process_time() - cpu)
            self.wall.append(time.perf_counter() - wall)
        finally:
            engine.train.paused_collector = paused


class Micrograd:
    """micrograd 0.1.0 on the same data and weights, through the demo's own loop."""

    def __init__(self, data) -> None:
        import random

        from micrograd.engine import Value
        from micrograd.nn import MLP

        random.seed(1337)
        self.model, self.value = MLP(2, [16, 16, 1]), Value
        self.X = [list(p) for p in data.X_train]
        self.y = list(data.y_train)
        self.seconds: list[float] = []
        self.losses: list[float] = []

    def step(self, k: int) -> None:
        from engine_vs_micrograd import demo_step  # the notebook's loop, written once

        cpu = time.process_time()
        loss, _ = demo_step(self.value, self.model, self.X, self.y, k)
        self.seconds.append(time.process_time() - cpu)
        self.losses.append(loss.data)


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:9.2f} ms"


def spread(values: list[float]) -> str:
    """Median, then the middle half and the range: where most steps fall."""
    if len(values) < 4:
        return f"{ms(statistics.median(values))}   (n={len(values)})"
    q1, _, q3 = statistics.quantiles(values, n=4)
    return (
        f"{ms(statistics.median(values))}  mean {ms(statistics.mean(values))}  "
        f"quartiles {q1 * 1e3:.2f}-{q3 * 1e3:.2f} ms  max {max(values) * 1e3:.1f} ms  "
        f"(n={len(values)})"
    )


def same_runs(a: Contender, b: Contender) -> bool:
    pa = [p.data for p in a.run.model.parameters()]
    pb = [p.data for p in b.run.model.parameters()]
    return a.run.history == b.run.history and pa == pb


def table(title: str, contenders: list[Contender]) -> None:
    """Each contender's steps; the tape's from step 1 (step 0 records it)."""
    print(f"\n{title}")
    for c in contenders:
        seconds = c.seconds[1:] if c.run.engine == "tape replay" else c.seconds
        mean_over_median = statistics.mean(seconds) / statistics.median(seconds)
        print(f"  {c.name:38} {spread(seconds)}  mean/median {mean_over_median:.2f}")


def interleaved(contenders: list[Contender], steps: int, block: int) -> None:
    """``steps`` steps of each contender, ``block`` at a time, taking turns."""
    for begin in range(0, steps, block):
        for c in contenders:
            for _ in range(min(block, steps - begin)):
                c.step()


def demo(steps: int, micrograd_steps: int, block: int) -> bool:
    tape = Contender("tape replay", DEMO)
    values = Contender("Values (collector paused)", DEMO.replace(replay=False))
    values_gc = Contender(
        "Values (collector on)", DEMO.replace(replay=False), collector_paused=False
    )
    theirs = Micrograd(tape.run.dataset) if micrograd_steps else None
    gc.collect()
    for k in range(micrograd_steps):  # micrograd's few steps in turn with ours
        for c in (tape, values, values_gc):
            c.step()
        theirs.step(k)
    interleaved([tape, values, values_gc], steps - micrograd_steps, block)
    table(
        f"1. demo recipe, {steps} steps, CPU time per step "
        "(tape: steps 1 on; step 0 records the tape)",
        [tape, values, values_gc],
    )
    tape_median = statistics.median(tape.seconds[1:])
    print(f"  tape step 0 (records the tape, lays it out): {ms(tape.seconds[0])}")
    print(
        f"  tape vs Values, median step: {statistics.median(values.seconds) / tape_median:.1f}x "
        f"(collector on: {statistics.median(values_gc.seconds) / tape_median:.1f}x; goal 10x)"
    )
    ok = same_runs(tape, values) and same_runs(tape, values_gc)
    print(f"  the three give the same reports and weights, bit for bit: {ok}")
    if theirs is not None:
        mg = statistics.median(theirs.seconds)
        print(f"  micrograd 0.1.0, steps 0-{micrograd_steps - 1}: {spread(theirs.seconds)}")
        print(f"  tape vs micrograd, median step: {mg / tape_median:.0f}x (goal 800x)")
        ours = [r.loss for r in tape.run.history[:micrograd_steps]]
        gap = max(abs(a - b) for a, b in zip(ours, theirs.losses, strict=True))
        print(f"  largest loss difference from micrograd over those steps: {gap:.1e}")
        ok = ok and gap < 1e-9
    return ok


def big(steps: int, values_steps: int, block: int) -> bool:
    tape = Contender("tape replay", BIG)
    values = Contender("Values (collector paused)", BIG.replace(replay=False))
    values_gc = Contender(
        "Values (collector on)", BIG.replace(replay=False), collector_paused=False
    )
    gc.collect()
    tape.step()  # step 0 records the tape
    interleaved([tape, values, values_gc], values_steps, block)
    while len(tape.seconds) < steps:
        tape.step()
    table(
        f"2. 1000 samples x 32,32: CPU time per step (Values: {values_steps} steps; "
        f"tape: steps 1-{steps - 1})",
        [tape, values, values_gc],
    )
    tape_median = statistics.median(tape.seconds[1:])
    print(f"  tape step 0 (records the tape, lays it out): {ms(tape.seconds[0])}")
    print(
        f"  tape vs Values, median step: {statistics.median(values.seconds) / tape_median:.1f}x "
        f"(collector on: {statistics.median(values_gc.seconds) / tape_median:.1f}x; goal 20x)"
    )
    wall = statistics.median(tape.wall[1:])
    print(f"  tape, wall clock: {1 / wall:.1f} steps/s at the median (goal 20)")
    history = tape.run.history
    same = (
        history[:values_steps] == values.run.history == values_gc.run.history
        and len(history) == steps
    )
    print(f"  the same reports over the steps all three took, bit for bit: {same}")

    # The lab's decision boundary: ~2,000 grid points through the tape, against the
    # point-by-point scorer (engine.scoring._scorer) on the same model.
    model, points = tape.run.model, tape.run.dataset.X_train
    timings = {"tape": [], "point by point": []}
    for _ in range(5):
        cpu = time.process_time()
        grid = decision_grid(model, points, resolution=2000)
        timings["tape"].append(time.process_time() - cpu)
        flat = [(x, y) for y in grid.ys for x in grid.xs]
        score = engine.scoring._scorer(model)
        cpu = time.process_time()
        one_by_one = [score(p) for p in flat]
        timings["point by point"].append(time.process_time() - cpu)
    n = len(grid.xs) * len(grid.ys)
    print(f"  decision grid of {n} points at 32,32:")
    for name, seconds in timings.items():
        print(f"    {name:16} {spread(seconds)}")
    same_grid = [s for row in grid.scores for s in row] == one_by_one == predict(model, flat)
    print(f"    the same scores: {same_grid}")
    return same and same_grid


MEMORY_CHILD = """
import json, resource, sys, tracemalloc
sys.path.insert(0, sys.argv[1])
from engine.train import TrainConfig, TrainingRun

def peak_resident():
    # VmHWM, this process's own high-water mark; getrusage's ru_maxrss would start
    # from the parent's, which it keeps across fork and exec on Linux
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

replay, steps, trace = sys.argv[2] == "tape", int(sys.argv[3]), sys.argv[4] == "trace"
run = TrainingRun(TrainConfig(samples=1000, hidden=(32, 32), replay=replay))
before = peak_resident()
if trace:
    tracemalloc.start()
for _ in range(steps):
    run.step()
peak = tracemalloc.get_traced_memory()[1] if trace else None
print(json.dumps({"before": before, "after": peak_resident(), "traced_peak": peak}))
"""


def memory(steps: int) -> bool:
    print(f"\n3. peak memory of a 1000 x 32,32 run, {steps} steps, in a child process")
    ok = True
    for engine_name in ("tape", "values"):
        found = {}
        for trace in ("plain", "trace"):
            done = subprocess.run(
                [sys.executable, "-c", MEMORY_CHILD, str(ROOT), engine_name, str(steps), trace],
                capture_output=True,
                text=True,
                check=True,
            )
            found[trace] = json.loads(done.stdout)
        plain, traced = found["plain"], found["trace"]
        print(
            f"  {engine_name:7} resident set: {plain['before'] / 2**20:6.1f} MB after the "
            f"imports and the data, peak {plain['after'] / 2**20:6.1f} MB; "
            f"tracemalloc peak during the steps {traced['traced_peak'] / 2**20:6.1f} MB"
        )
        if engine_name == "tape":
            ok = plain["after"] <= 300 * 2**20
            print(f"  tape run's peak resident set within 300 MB: {ok}")
    return ok


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps: a smoke test")
    parser.add_argument("--micrograd-steps", type=int, default=3)
    parser.add_argument("--block", type=int, default=10, help="steps per turn")
    args = parser.parse_args(argv)
    print(
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
        f"gc thresholds {gc.get_threshold()}"
    )
    try:
        import micrograd  # noqa: F401
    except ImportError:
        print("micrograd is not installed (.venv/bin/pip install -e '.[bench]'): skipped")
        args.micrograd_steps = 0
    block = max(1, args.block)
    if args.quick:
        ok = demo(30, min(args.micrograd_steps, 1), block) & big(12, 3, 3) & memory(3)
    else:
        ok = demo(100, args.micrograd_steps, block) & big(100, 8, 4) & memory(10)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
