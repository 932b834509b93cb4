"""A long key-mashing soak: many seeds, many keys, every screen; prints what broke.

The test suite (tests/test_robust.py) types 3,000 keys, each handled before the
next arrives. This soak can also send them in bursts (``--burst N``): N keys
queued at once, as they arrive over a slow link or from a learner faster than
the app draws. A failure prints the seed, the place and the last keys sent, so
that it can be replayed.

    .venv/bin/python bench/soak.py                       # 5 seeds × 3,000 keys, one at a time
    .venv/bin/python bench/soak.py --seeds 20 --keys 10000 --burst 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import test_robust as fuzz  # noqa: E402  (the places and keys the tests use)
from textual import events  # noqa: E402


async def soak(seed: int, keys_per_place: int, burst: int) -> tuple[bool, str]:
    rng = random.Random(seed)
    home = Path(tempfile.mkdtemp())
    app = fuzz.make_app(home / "home")

    async def no_quit() -> None:
        pass

    app.action_quit = no_quit  # type: ignore[method-assign]
    sent: list[str] = []
    where = "start"
    try:
        async with app.run_test(size=fuzz.SIZE) as pilot:
            await pilot.pause()
            for place in fuzz.PLACES:
                where = place.__name__
                await place(app, pilot)
                await pilot.pause()
                for _ in range(0, keys_per_place, max(burst, 1)):
                    keys = [rng.choice(fuzz.KEYS) for _ in range(max(burst, 1))]
                    sent += keys
                    if burst > 1:
                        for key in keys:
                            app.post_message(events.Key(key, fuzz.CHARACTERS.get(key)))
                        await pilot.pause()
                    else:
                        await fuzz.type_keys(pilot, keys)
                    if not app.is_running:
                        raise RuntimeError("the app stopped")
            # Keys of the last burst can still be on their way (in the queue of a
            # widget on a screen that has gone); let them land before the check.
            await pilot.pause(0.5)
            await pilot.pause()
            await fuzz.still_answers(app, pilot)
            await app.workers.wait_for_complete()
    except Exception as error:
        last = traceback.format_exception_only(type(error), error)[-1].strip()
        frames = traceback.extract_tb(error.__traceback__)[-4:]
        at = "\n".join(f"      {f.filename}:{f.lineno} in {f.name}" for f in frames)
        return False, f"{where}: {last[:300]}\n    raised at:\n{at}\n    last keys: {sent[-40:]}"
    return True, f"{len(sent)} keys"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="how many seeds (1, 2, …)")
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--keys", type=int, default=3000, help="keys per seed, over all places")
    parser.add_argument("--burst", type=int, default=1, help="keys queued at once (1: none)")
    args = parser.parse_args()
    os.chdir(tempfile.mkdtemp())  # exports and screenshots land here
    per_place = -(-args.keys // len(fuzz.PLACES))
    failures = 0
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        started = time.perf_counter()
        ok, detail = asyncio.run(soak(seed, per_place, args.burst))
        failures += not ok
        verdict = "ok    " if ok else "FAILED"
        print(f"seed {seed:>4}  {verdict}  {time.perf_counter() - started:6.1f} s  {detail}")
    print(f"\n{failures} of {args.seeds} seeds failed (burst {args.burst})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
