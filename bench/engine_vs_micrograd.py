"""This repo's engine against micrograd 0.1.0, on micrograd's own moons demo.

Both engines run the demo recipe (MLP 2-16-16-1 with ReLU, SVM max-margin loss
plus 1e-4 * L2, a full batch of 100 points, lr = 1.0 - 0.9*k/100) in one process,
through the same driver loop below, with Python's default garbage-collector
settings. Printed: CPU time per step (median, mean, min) and the speed-up, the
losses side by side (they must agree), and memory: the peak during a step, and
what a finished step holds early and late in the run (it must not grow).

    .venv/bin/pip install -e '.[bench]'                    # micrograd==0.1.0
    .venv/bin/python bench/engine_vs_micrograd.py          # under a minute
    .venv/bin/python bench/engine_vs_micrograd.py --quick  # about 15 seconds

micrograd takes about 1.6 s a step, so it runs only the first --micrograd-steps
steps (default 10). Ours runs all --steps (default 100) twice, once before
micrograd and once after, so a machine that gets busier or quieter during the
bench shows up as two different medians instead of silently skewing the ratio.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field

# The figures of micrograd's demo notebook, which both engines must reproduce.
DEMO_LOSS = {0: 0.8958441028683222, 99: 0.010978370135492717}
DEMO_FIRST_100_PERCENT = 40


@dataclass
class Engine:
    name: str
    value: type  # the engine's Value class
    make_model: Callable[[], object]  # MLP(2, [16, 16, 1]), ReLU, the weights of seed 1337


@dataclass
class Run:
    seconds: list[float] = field(default_factory=list)  # CPU time of each step
    losses: list[float] = field(default_factory=list)
    accuracies: list[float] = field(default_factory=list)
    resident: dict[int, int | None] = field(default_factory=dict)  # steps done -> RSS bytes
    peaks: list[int] = field(default_factory=list)  # tracemalloc: peak during each step
    held: list[int] = field(default_factory=list)  # tracemalloc: allocated after each step


def moons() -> tuple[list[list[float]], list[int]]:
    """The demo's data: make_moons(100, noise=0.1) after np.random.seed(1337), as plain
    Python numbers so that neither engine computes with numpy scalars."""
    import numpy as np
    from sklearn.datasets import make_moons

    np.random.seed(1337)
    X, y = make_moons(n_samples=100, noise=0.1)
    return X.tolist(), (y * 2 - 1).tolist()


def demo_step(Value, model, X, y, k):
    """One step of micrograd's demo notebook, for either engine: the loss, zero_grad,
    backward and the SGD update. Returns the loss (the caller keeps it until the next
    step, as the notebook does) and the accuracy."""
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores, strict=True)]
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return total_loss, sum(accuracy) / len(accuracy)


def resident_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None  # not Linux


def train(engine: Engine, data, steps: int, *, trace_memory: bool = False) -> Run:
    """``steps`` steps from a fresh model: CPU time per step, or, with ``trace_memory``,
    memory per step (tracemalloc slows everything down, so never both at once)."""
    X, y = data
    model = engine.make_model()
    run = Run()
    total_loss = None
    gc.collect()  # every run starts from the same clean heap; the collector is left alone after
    if trace_memory:
        tracemalloc.start()
    for k in range(steps):
        if trace_memory:
            tracemalloc.reset_peak()
        start = time.process_time()
        total_loss, acc = demo_step(engine.value, model, X, y, k)  # frees the last step's graph
        run.seconds.append(time.process_time() - start)
        run.losses.append(total_loss.data)
        run.accuracies.append(acc)
        if trace_memory:
            held, peak = tracemalloc.get_traced_memory()
            run.held.append(held)
            run.peaks.append(peak)
        elif k + 1 in (10, steps):
            run.resident[k + 1] = resident_bytes()
    if trace_memory:
        tracemalloc.stop()
    return run


def engines() -> tuple[Engine, Engine]:
    try:
        import micrograd.engine
        import micrograd.nn
    except ImportError:
        sys.exit("micrograd is not installed: .venv/bin/pip install -e '.[bench]'")
    import engine.nn
    import engine.value

    def micrograd_model():
        random.seed(1337)  # as the notebook does
        return micrograd.nn.MLP(2, [16, 16, 1])

    def our_model():
        return engine.nn.MLP(2, [16, 16, 1], activation="relu", rng=random.Random(1337))

    return (
        Engine("micrograd 0.1.0", micrograd.engine.Value, micrograd_model),
        Engine("this engine", engine.value.Value, our_model),
    )


def mb(n: int | None) -> str:
    return "n/a" if n is None else f"{n / 2**20:.1f} MB"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=100, help="steps for this engine")
    parser.add_argument("--micrograd-steps", type=int, default=10, help="steps for micrograd")
    parser.add_argument("--quick", action="store_true", help="30 and 3 steps: a smoke test")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() once the imports are done, for both engines (not the default: "
        "what an application can do for its long-lived objects)",
    )
    args = parser.parse_args(argv)
    steps, mg_steps = (30, 3) if args.quick else (args.steps, args.micrograd_steps)
    if steps < 10 or not 1 <= mg_steps <= steps:
        parser.error("need --steps >= 10 and 1 <= --micrograd-steps <= --steps")

    theirs, ours = engines()
    data = moons()
    if args.gc_freeze:
        gc.collect()
        gc.freeze()
    print(f"{ours.name} vs {theirs.name}: micrograd's moons demo, one process, one driver loop")
    print(
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; gc {'on' if gc.isenabled() else 'OFF'}, thresholds "
        f"{gc.get_threshold()}{', frozen after imports' if args.gc_freeze else ''}, both engines"
    )
    print(f"{ours.name}: {sys.modules[ours.value.__module__].__file__}")
    print(f"timing: {ours.name} {steps} steps, {theirs.name} {mg_steps}, {ours.name} {steps} again")
    first = train(ours, data, steps)
    mg = train(theirs, data, mg_steps)
    second = train(ours, data, steps)
    print(f"memory: tracemalloc, in separate runs without timing ({theirs.name}: 1 step)")
    mg_memory = train(theirs, data, 1, trace_memory=True)
    our_memory = train(ours, data, steps, trace_memory=True)

    same = f"0-{mg_steps - 1}"
    ours_same = first.seconds[:mg_steps] + second.seconds[:mg_steps]
    rows = [
        (theirs.name, same, mg.seconds),
        (f"{ours.name}, both runs", same, ours_same),
        (f"{ours.name}, run 1", f"0-{steps - 1}", first.seconds),
        (f"{ours.name}, run 2", f"0-{steps - 1}", second.seconds),
    ]
    print(f"\n{'CPU time per step':30}{'steps':>7}{'median':>11}{'mean':>11}{'min':>11}")
    for name, span, secs in rows:
        cells = (statistics.median(secs), statistics.mean(secs), min(secs))
        print(f"{name:30}{span:>7}" + "".join(f"{s * 1e3:8.1f} ms" for s in cells))

    mg_median, mg_mean = statistics.median(mg.seconds), statistics.mean(mg.seconds)
    all_ours = first.seconds + second.seconds
    print(f"\nspeed-up, median step, the same steps {same}:  ", end="")
    print(f"{mg_median / statistics.median(ours_same):5.1f}x")
    print(f"speed-up, mean step, the same steps {same}:    ", end="")
    print(f"{mg_mean / statistics.mean(ours_same):5.1f}x")
    print(f"speed-up, median step, ours over steps 0-{steps - 1}: ", end="")
    print(f"{mg_median / statistics.median(all_ours):5.1f}x")

    gap = max(abs(a - b) for a, b in zip(mg.losses, first.losses, strict=False))
    print(f"\n{'loss':30}{theirs.name:>24}{ours.name:>24}")
    for k in sorted({0, mg_steps - 1}):
        print(f"{f'step {k}':30}{mg.losses[k]!r:>24}{first.losses[k]!r:>24}")
    print(f"largest difference over steps {same}: {gap:.1e}")
    repeatable = first.losses == second.losses == our_memory.losses
    print(f"{ours.name} gives the same losses in all three of its runs: {repeatable}")
    for k in (0, 99):
        if k < steps:
            print(
                f"{ours.name}, step {k}: loss {first.losses[k]!r} (demo {DEMO_LOSS[k]!r}), "
                f"accuracy {first.accuracies[k]:.0%}"
            )
    if steps >= 100:
        full = first.accuracies.index(1.0) if 1.0 in first.accuracies else None
        print(f"{ours.name}: first 100% accuracy at step {full} (demo {DEMO_FIRST_100_PERCENT})")

    early = 10
    print(f"\n{'memory (tracemalloc)':30}{'peak in a step':>16}", end="")
    print(f"{f'held after step {early}':>22}{f'held after step {steps}':>22}")
    print(f"{theirs.name:30}{mb(max(mg_memory.peaks)):>16}")
    print(
        f"{ours.name:30}{mb(max(our_memory.peaks)):>16}"
        f"{mb(our_memory.held[early - 1]):>22}{mb(our_memory.held[-1]):>22}"
    )
    print(
        f"process resident set size during {ours.name} run 2: {mb(second.resident[early])} "
        f"after step {early}, {mb(second.resident[steps])} after step {steps}"
    )

    problems = []
    if gap > 1e-9:
        problems.append(f"the engines' losses differ by {gap:.1e}")
    if not repeatable:
        problems.append(f"{ours.name} gave different losses in different runs")
    for k, expected in DEMO_LOSS.items():
        if k < steps and abs(first.losses[k] - expected) > 1e-9:
            problems.append(f"step {k} loss {first.losses[k]!r} is not the demo's {expected!r}")
    if our_memory.held[-1] > 1.1 * our_memory.held[early - 1] + 2**16:
        problems.append(f"{ours.name} holds more memory after step {steps} than after {early}")
    print("\nchecks: " + ("; ".join(problems) if problems else "all passed"))
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
