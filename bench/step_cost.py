"""The memory a training step needs, measured, against ``engine.cost``'s estimate.

    .venv/bin/python bench/step_cost.py          # about a minute

Each setting trains 2 steps in a fresh child Python (the first step of the tape
path records the tape, the heaviest moment); the child reports the kernel's
high-water mark of its resident memory (``VmHWM``) less what it held before the
first step. The per-node and per-edge bytes of ``engine.cost`` are then fitted to
those peaks by least squares, for the Values path and the tape path, and printed
beside the ones in use.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.cost import BYTES, TAPE, VALUES, describe_bytes, step_cost  # noqa: E402

SETTINGS = [
    (1000, (4, 4)),
    (1000, (8, 8, 8, 8)),
    (1000, (32, 32)),
    (500, (64, 64)),
    (200, (128, 128)),
    (100, (128, 128, 128)),
]

CHILD = """
import json, sys
from engine.train import TrainConfig, TrainingRun

def memory(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024

samples, hidden, replay = json.loads(sys.argv[1])
run = TrainingRun(TrainConfig(samples=samples, hidden=tuple(hidden), replay=replay, steps=2))
before = memory("VmRSS")
run.step()
run.step()
print(memory("VmHWM") - before)
"""


def measure(samples: int, hidden: tuple[int, ...], tape: bool) -> int:
    argument = json.dumps([samples, list(hidden), tape])
    done = subprocess.run(
        [sys.executable, "-c", CHILD, argument],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return int(done.stdout)


def fit(rows: list[tuple[int, int, int]]) -> tuple[float, float]:
    """Least squares of bytes = a * nodes + b * edges."""
    nn = sum(n * n for n, _, _ in rows)
    ne = sum(n * e for n, e, _ in rows)
    ee = sum(e * e for _, e, _ in rows)
    nb = sum(n * b for n, _, b in rows)
    eb = sum(e * b for _, e, b in rows)
    det = nn * ee - ne * ne
    return (nb * ee - eb * ne) / det, (eb * nn - nb * ne) / det


def main() -> int:
    for style in (VALUES, TAPE):
        tape, used = style == TAPE, BYTES[style]
        name = "tape replay" if tape else "Values"
        print(f"\n{name} (in use: {used[0]} B a node, {used[1]} B an edge)")
        rows = []
        for samples, hidden in SETTINGS:
            cost = step_cost(hidden, samples, style=style)
            peak = measure(samples, hidden, tape)
            rows.append((cost.nodes, cost.edges, peak))
            shown = ",".join(map(str, hidden))
            print(
                f"  {samples:5} × {shown:12} {cost.nodes / 1e6:5.2f} M nodes "
                f"{cost.edges / 1e6:5.2f} M edges  measured {describe_bytes(peak):>7}  "
                f"estimated {describe_bytes(cost.bytes):>7}  ({cost.bytes / peak:.2f}×)"
            )
        a, b = fit(rows)
        print(f"  fitted: {a:.0f} B a node, {b:.1f} B an edge")
    return 0


if __name__ == "__main__":
    sys.exit(main())
