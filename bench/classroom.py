"""A class on one server: N browser tabs on ``micrograd-tutor serve``, measured.

    .venv/bin/python bench/classroom.py                 # N = 5, 15, 30; 1 in 3 training
    .venv/bin/python bench/classroom.py --tabs 30 --training 10
    .venv/bin/python bench/classroom.py --tabs 30 --training 10 --keys 40
    .venv/bin/python bench/classroom.py --tabs 2 --url http://HOST:8000   # a running serve

Each tab is a small emulator of what a browser does on textual-serve's page: it opens
the websocket (``/ws?width=80&height=24``), reads the tutor's output, answers the
name prompt, and then presses keys. No browser is needed, and nothing but loopback.

With ``--url`` the tabs go to a server already running there instead (``serve --host
0.0.0.0``, say): each reads the page at the URL and connects where the page says, with
the page's Origin, as a browser does; tutors' memory is then not measured.

For each N the server starts afresh with an empty data home, and all N tabs connect
at once (as a class does when the teacher says "open the page"). Then:

* **first screen**: from opening the websocket to the name prompt on screen;
* **name → lesson**: from Enter on the name to lesson 1's title on screen;
* **training**: ``--training`` of the tabs open the training lab from the command
  palette and train on the moons demo, reset and played again ``--think`` seconds
  (on average, drawn as the gaps) after a run of 100 steps ends; the runs finished
  per training tab are counted;
* **a key answered**: the other tabs press n and p in turn on lesson 1, one key every
  ``--gap`` seconds on average (each gap drawn between half and one and a half times
  it, so that the tabs do not press in step); a key is answered when the tutor's first
  output after it arrives (an idle tutor writes nothing else, and a lesson draws a
  new step in one go, so that output is the new step). Median and worst over all
  keys of all tabs;
* **when they start**: once every tab is on lesson 1, each starts (its first key, or
  the palette for the lab) at a moment of its own within the first gap, as learners
  do; ``--together`` starts them all at the same instant instead, a stress test of
  its own: ten labs opening in the same 50 ms, beside twenty keys;
* **memory**: the resident memory of every tutor process, while idle (before the
  training starts) and at the fullest moment while the class works; the mean
  per tutor, and the largest.

Two paces: a class at work (the defaults: a step every 3 s, which is quick for reading
a step and answering it, and a new run 3 s after the last, which is quick for looking
at its charts) and ``--gap 0.5 --think 0``, a stress test: every tab changing step
twice a second and every lab training without a break.

Goals on 2 cores (#17): 30 tabs, 10 training: a key answered in at most 300 ms
median and 1 s worst; 30 tabs connecting at once: each first screen within 8 s;
at most 60 MB per idle tutor.

The project's modules are compiled to bytecode first, as installing them does: where
``PYTHONDONTWRITEBYTECODE`` is set (many container images set it) and nothing has
compiled them, every tutor would compile them again as it starts, some 0.25 s of CPU
more per tutor (30 at once: first screens ~3 s later on 2 cores).

The figures depend on the machine: run it where nothing else is busy.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
NAME_PROMPT = b"name"  # the first screen asks "Your name"
LESSON_TITLE = b"Derivative as a slope"
CTRL_P = "\x10"


@dataclass
class Tab:
    index: int
    training: bool
    first_screen: float | None = None
    name_to_lesson: float | None = None
    key_times: list[float] = field(default_factory=list)
    runs: int = 0  # training runs of 100 steps finished
    error: str = ""
    screen: bytearray = field(default_factory=bytearray)
    output: asyncio.Event = field(default_factory=asyncio.Event)
    random: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.random = random.Random(self.index)  # the same pauses at every run

    def text(self) -> bytes:
        return ANSI.sub(b"", bytes(self.screen)).replace(b"\xc2\xa0", b" ")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def read_output(websocket: aiohttp.ClientWebSocketResponse, tab: Tab) -> None:
    async for message in websocket:
        if message.type == aiohttp.WSMsgType.BINARY:
            tab.screen += message.data
            if len(tab.screen) > 400_000:  # keep what a marker search needs, no more
                del tab.screen[:200_000]
            tab.output.set()
        elif message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            break


async def wait_for(tab: Tab, marker: bytes, timeout: float) -> float:
    """Seconds until ``marker`` is on the tab's screen (as text, escapes removed)."""
    start = time.perf_counter()
    while marker not in tab.text():
        left = timeout - (time.perf_counter() - start)
        if left <= 0:
            raise TimeoutError(f"no {marker.decode()!r} within {timeout:.0f} s")
        tab.output.clear()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(tab.output.wait(), left)
    return time.perf_counter() - start


async def quiet(tab: Tab, seconds: float) -> None:
    """Wait until the tab's tutor has written nothing for ``seconds``."""
    while True:
        tab.output.clear()
        try:
            await asyncio.wait_for(tab.output.wait(), seconds)
        except asyncio.TimeoutError:
            return


async def run_tab(
    session: aiohttp.ClientSession,
    page: str,
    tab: Tab,
    *,
    keys: int,
    gap: float,
    think: float,
    together: bool,
    started: asyncio.Event,
    go: asyncio.Event,
) -> None:
    opened = time.perf_counter()
    try:
        url, origin = await websocket_of(session, page)
        async with session.ws_connect(url, origin=origin, max_msg_size=0) as websocket:
            reader = asyncio.create_task(read_output(websocket, tab))

            async def send(text: str) -> None:
                await websocket.send_str(json.dumps(["stdin", text]))

            await websocket.send_str(json.dumps(["focus"]))
            await wait_for(tab, NAME_PROMPT, 120)
            tab.first_screen = time.perf_counter() - opened
            await quiet(tab, 0.3)
            tab.screen.clear()
            named = time.perf_counter()
            await send(f"learner{tab.index}\r")
            await wait_for(tab, LESSON_TITLE, 120)
            tab.name_to_lesson = time.perf_counter() - named
            await quiet(tab, 0.5)
            started.set()
            await go.wait()
            # Learners start at their own moment within the first gap, as they go on;
            # with --together every tab's first key (or palette) goes at the same instant.
            await asyncio.sleep(0.0 if together else tab.random.uniform(0, gap))
            if tab.training:
                await train(tab, send, keys * gap, think)
            else:
                await press_keys(tab, send, keys, gap)
            reader.cancel()
    except Exception as error:  # a tab that fails is reported, the others go on
        tab.error = f"{type(error).__name__}: {error}"
        started.set()


async def websocket_of(session: aiohttp.ClientSession, page: str) -> tuple[str, str]:
    """Where the page at ``page`` connects its terminal, and the Origin a browser sends."""
    async with session.get(page) as response:
        html = await response.text()
    found = re.search(r"wss?://[^\"'\s]+/ws", html)
    if found is None:
        raise RuntimeError(f"the page at {page} names no websocket")
    origin = page.split("/", 3)
    return f"{found.group(0)}?width=80&height=24", "/".join(origin[:3])


def jittered(tab: Tab, mean: float) -> float:
    """A pause of ``mean`` seconds on average, between half and one and a half times it."""
    return mean * tab.random.uniform(0.5, 1.5)


async def train(tab: Tab, send, seconds: float, think: float) -> None:
    # Each step waits for what it looks at, as a learner does: on a busy server the
    # palette can take longer than a second to show, and letters typed before it are
    # the lesson's keys.
    tab.screen.clear()
    await send(CTRL_P)
    await wait_for(tab, b"Search for commands", 60)
    await asyncio.sleep(1.0)
    await send("Training lab")
    await asyncio.sleep(1.0)
    tab.screen.clear()
    await send("\r")
    await wait_for(tab, b"params", 60)  # the lab's status line: "ready  step 0/100  337 params"
    await asyncio.sleep(2.0)
    end = time.perf_counter() + seconds
    # A demo run of 100 steps takes well under a second on the tape: a training tab
    # keeps the lab busy by resetting (r) and playing (space) as soon as a run ends.
    while time.perf_counter() < end:
        tab.screen.clear()
        await send(" ")
        await wait_for(tab, b"finished", 60)
        tab.runs += 1
        await asyncio.sleep(jittered(tab, think))  # the learner looks at the result
        await send("r")
        await asyncio.sleep(0.2)


async def press_keys(tab: Tab, send, keys: int, gap: float) -> None:
    for number in range(keys):
        await quiet(tab, 0.05)
        tab.output.clear()
        pressed = time.perf_counter()
        await send("n" if number % 2 == 0 else "p")
        try:
            await asyncio.wait_for(tab.output.wait(), 10)
            tab.key_times.append(time.perf_counter() - pressed)
        except asyncio.TimeoutError:
            tab.key_times.append(10.0)
        await asyncio.sleep(jittered(tab, gap))


def _status(pid: str) -> dict[str, str]:
    try:
        lines = (Path("/proc") / pid / "status").read_text().splitlines()
    except OSError:
        return {}
    return {key: value.strip() for key, _, value in (line.partition(":") for line in lines)}


def tutors_of(server: subprocess.Popen) -> dict[str, dict[str, str]]:
    """The tutors under the server, pid → /proc status (textual-serve starts each one
    through a shell, so a tutor is a child or a grandchild of the server)."""
    found = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"-m\x00tutor\x00" not in cmdline or b"--ask-learner" not in cmdline:
            continue
        status = _status(entry.name)
        parent = status.get("PPid", "")
        if str(server.pid) in (parent, _status(parent).get("PPid", "")):
            found[entry.name] = status
    return found


TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu(pid: int | str) -> float:
    """CPU seconds process ``pid`` has used so far (0 once it is gone)."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # utime and stime are the 14th and 15th fields, the 12th and 13th after the name
    return (int(fields[11]) + int(fields[12])) / TICKS


def tutor_cpu(server: subprocess.Popen) -> dict[str, tuple[float, int]]:
    """CPU seconds each tutor under the server has used so far, and its threads."""
    found = {}
    for pid, status in tutors_of(server).items():
        if Path("/proc", pid).exists():
            found[pid] = (process_cpu(pid), int(status.get("Threads", "1")))
    return found


def tutor_memory(server: subprocess.Popen) -> list[int]:
    """Resident bytes of each tutor under the server."""
    return [
        int(status.get("VmRSS", "0 kB").split()[0]) * 1024 for status in tutors_of(server).values()
    ]


def start_server(port: int, home: Path) -> subprocess.Popen:
    environment = dict(os.environ, MICROGRAD_TUTOR_HOME=str(home), PYTHONPATH=str(ROOT))
    server = subprocess.Popen(
        [sys.executable, "-m", "tutor", "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return server
        time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start within 30 s")


def stop_server(server: subprocess.Popen) -> None:
    """Stop the server, then wait for its tutors to end: each saves its learner's
    progress on the way out, and the data home must not be removed under them."""
    tutors = list(tutors_of(server))
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGINT)
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(Path("/proc", pid).exists() for pid in tutors):
        time.sleep(0.1)


async def classroom(
    tabs: int,
    training: int,
    keys: int,
    gap: float,
    think: float,
    url: str | None = None,
    together: bool = False,
) -> dict[str, object]:
    port = free_port()
    # A tutor still saving when the home goes (one that outlived the wait) must not
    # turn the figures into a traceback.
    with tempfile.TemporaryDirectory(prefix="classroom-", ignore_cleanup_errors=True) as home:
        server = start_server(port, Path(home)) if url is None else None
        page = url or f"http://127.0.0.1:{port}/"
        started_cpu: dict[str, tuple[float, int]] = {}
        ended_cpu: dict[str, tuple[float, int]] = {}
        try:
            room = [Tab(index, training=index < training) for index in range(tabs)]
            events = [asyncio.Event() for _ in room]
            go = asyncio.Event()
            timeout = aiohttp.ClientTimeout(total=None)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                tasks = [
                    asyncio.create_task(
                        run_tab(
                            session,
                            page,
                            tab,
                            keys=keys,
                            gap=gap,
                            think=think,
                            together=together,
                            started=ready,
                            go=go,
                        )
                    )
                    for tab, ready in zip(room, events, strict=True)
                ]
                await asyncio.gather(*(ready.wait() for ready in events))
                await asyncio.sleep(2.0)
                idle = tutor_memory(server) if server else []
                started_cpu = tutor_cpu(server) if server else {}
                relay = -process_cpu(server.pid) if server else 0.0
                emulator, working = -time.process_time(), -time.perf_counter()
                go.set()
                busy: list[int] = []

                async def sample() -> None:  # the fullest moment while the class works
                    nonlocal busy
                    while server:
                        await asyncio.sleep(1.0)
                        now = await asyncio.to_thread(tutor_memory, server)
                        if sum(now) > sum(busy):
                            busy = now
                        # A tutor ends when its tab closes: its last CPU figure is kept.
                        for pid, (seconds, threads) in tutor_cpu(server).items():
                            before = ended_cpu.get(pid, (0.0, 0))[1]
                            ended_cpu[pid] = (seconds, max(threads, before))

                sampler = asyncio.create_task(sample())
                await asyncio.gather(*tasks)
                sampler.cancel()
                relay += process_cpu(server.pid) if server else 0.0
                emulator += time.process_time()
                working += time.perf_counter()
        finally:
            if server:
                stop_server(server)
    figures = summary(room, idle, busy, started_cpu, ended_cpu)
    figures.update(relay_cpu=relay, emulator_cpu=emulator, working=working)
    return figures


def summary(
    room: list[Tab],
    idle: list[int],
    busy: list[int],
    started_cpu: dict[str, tuple[float, int]],
    ended_cpu: dict[str, tuple[float, int]],
) -> dict[str, object]:
    """The figures of one class. CPU: each tutor's seconds to its tab's first lesson
    (start-up and naming), then while the class works; a tutor that opened the lab
    is told apart by its training thread (more threads than it started with)."""
    work = {"lab": [], "lesson": []}
    for pid, (seconds, threads) in ended_cpu.items():
        if pid in started_cpu:
            start, threads_at_start = started_cpu[pid]
            work["lab" if threads > threads_at_start else "lesson"].append(seconds - start)
    first = [tab.first_screen for tab in room if tab.first_screen is not None]
    named = [tab.name_to_lesson for tab in room if tab.name_to_lesson is not None]
    keys = [seconds for tab in room for seconds in tab.key_times]
    return {
        "first": first,
        "named": named,
        "keys": keys,
        "early_keys": [seconds for tab in room for seconds in tab.key_times[:5]],
        "later_keys": [seconds for tab in room for seconds in tab.key_times[5:]],
        "idle_mb": statistics.mean(idle) / 2**20 if idle else float("nan"),
        "busy_mb": statistics.mean(busy) / 2**20 if busy else float("nan"),
        "largest_mb": max(busy) / 2**20 if busy else float("nan"),
        "tutors": len(idle),
        "start_cpu": [seconds for seconds, _ in started_cpu.values()],
        "lesson_cpu": work["lesson"],
        "lab_cpu": work["lab"],
        "runs": [tab.runs for tab in room if tab.training],
        "errors": [f"tab {tab.index}: {tab.error}" for tab in room if tab.error],
    }


def spread(values: list[float], unit: float = 1.0, digits: int = 2) -> str:
    if not values:
        return "—"
    ordered = sorted(values)
    middle = statistics.median(ordered) * unit
    p90 = ordered[round(0.9 * (len(ordered) - 1))] * unit
    worst = ordered[-1] * unit
    return f"{middle:.{digits}f} median, {p90:.{digits}f} p90, {worst:.{digits}f} worst"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tabs", type=int, nargs="*", default=[5, 15, 30])
    parser.add_argument(
        "--training", type=int, default=None, help="tabs training (default: a third)"
    )
    parser.add_argument("--keys", type=int, default=30, help="keys each other tab presses")
    parser.add_argument("--gap", type=float, default=3.0, help="mean seconds between keys")
    parser.add_argument(
        "--think", type=float, default=3.0, help="mean seconds from a run's end to the next"
    )
    parser.add_argument("--url", help="a serve already running there, instead of one of our own")
    parser.add_argument(
        "--together",
        action="store_true",
        help="every tab starts at the same instant (10 labs opening at once, say)",
    )
    arguments = parser.parse_args()
    for package in ("engine", "lessons", "tutor"):
        compileall.compile_dir(ROOT / package, quiet=1)
    print(
        f"{os.cpu_count()} cores; {arguments.keys} keys a tab, {arguments.gap} s apart on "
        f"average; a new run {arguments.think} s after a run ends"
    )
    for tabs in arguments.tabs:
        training = arguments.training if arguments.training is not None else tabs // 3
        room = (
            tabs,
            min(training, tabs),
            arguments.keys,
            arguments.gap,
            arguments.think,
            arguments.url,
            arguments.together,
        )
        figures = asyncio.run(classroom(*room))
        print(f"\n{tabs} tabs, {training} training ({figures['tutors']} tutors found)")
        print(f"  first screen    {spread(figures['first'])} s")
        print(f"  name → lesson   {spread(figures['named'])} s")
        print(f"  a key answered  {spread(figures['keys'], 1000, 0)} ms")
        print(f"    first 5 keys  {spread(figures['early_keys'], 1000, 0)} ms")
        print(f"    the others    {spread(figures['later_keys'], 1000, 0)} ms")
        if figures["start_cpu"]:
            lesson, lab = figures["lesson_cpu"], figures["lab_cpu"]
            print(
                f"  CPU a tutor     {statistics.mean(figures['start_cpu']):.2f} s to start "
                f"and name; then {statistics.mean(lesson) if lesson else 0:.2f} s in a "
                f"lesson ({len(lesson)} tutors), {statistics.mean(lab) if lab else 0:.2f} s "
                f"in the lab ({len(lab)})"
            )
        print(
            f"  CPU besides     {figures['relay_cpu']:.1f} s the server (textual-serve), "
            f"{figures['emulator_cpu']:.1f} s these tabs, in {figures['working']:.0f} s of work"
        )
        if figures["runs"]:
            runs = figures["runs"]
            print(f"  training        {min(runs)}–{max(runs)} runs of 100 steps per training tab")
        print(
            f"  memory a tutor  {figures['idle_mb']:.0f} MB idle, "
            f"{figures['busy_mb']:.0f} MB while working (largest {figures['largest_mb']:.0f} MB)"
        )
        for error in figures["errors"]:
            print(f"  ! {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
