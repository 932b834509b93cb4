"""Bytes a training run writes to the terminal, with and without ``--low-bandwidth``.

Runs ``python -m tutor [--low-bandwidth] train --play`` in a pseudo-terminal
(by default at 80×24) and reports the bytes per second written from the first
training step to "finished", with the pseudo-terminal machinery of
``bench/train_screen.py``. Goal (issue 7): at most 12 KB/s at 80×24 with
``--low-bandwidth``.

    .venv/bin/python bench/low_bandwidth.py
    .venv/bin/python bench/low_bandwidth.py --sizes 80x24,120x40 --steps 400 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_screen import measure_training  # a sibling script, not a package

GOAL_KB_PER_SECOND = 12.0


def command(steps: int, low_bandwidth: bool) -> list[str]:
    flag = ["--low-bandwidth"] if low_bandwidth else []
    return [sys.executable, "-m", "tutor", *flag, "train", "--play", "--steps", str(steps)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="80x24", help="terminal sizes, like 80x24,120x40")
    parser.add_argument("--steps", type=int, default=300, help="training steps per run")
    parser.add_argument("--repeat", type=int, default=2, help="runs per size and mode")
    args = parser.parse_args()
    worst = 0.0
    print(f"{'size':>7}  {'mode':>13}  {'KB/s (median)':>13}  {'runs':>24}  {'train (wall)':>12}")
    with tempfile.TemporaryDirectory() as home:
        for size in args.sizes.split(","):
            columns, rows = (int(n) for n in size.lower().split("x"))
            for low in (False, True):
                runs = [
                    measure_training(command(args.steps, low), columns, rows, home)
                    for _ in range(args.repeat)
                ]
                rates = [run.kb_per_second for run in runs]
                walls = statistics.median(run.wall_seconds for run in runs)
                mode = "low-bandwidth" if low else "normal"
                listed = ", ".join(f"{rate:.1f}" for rate in rates)
                print(
                    f"{size:>7}  {mode:>13}  {statistics.median(rates):>13.1f}  "
                    f"{listed:>24}  {walls:>11.2f}s"
                )
                if low and (columns, rows) == (80, 24):
                    worst = max(worst, *rates)
    if worst:
        verdict = "meets" if worst <= GOAL_KB_PER_SECOND else "MISSES"
        print(f"\nlow-bandwidth at 80×24: at most {worst:.1f} KB/s: {verdict} the goal (≤ 12 KB/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
