"""A tutor driven the way a browser drives it: any size the client reports is
bounded, and the first screen takes typing at once."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import threading
import time
from pathlib import Path

import pytest
from apps import make_app
from textual import events
from textual.geometry import Size

from tutor.screens.too_small import TooSmallScreen
from tutor.serve import tutor_command
from tutor.textual_compat import MAX_TERMINAL_SIZE, bounded_size


@pytest.mark.parametrize(
    ("width", "height", "bounded"),
    [
        (20_000, 20_000, MAX_TERMINAL_SIZE),
        (-1, 10**12, Size(1, MAX_TERMINAL_SIZE.height)),
        (0, 0, Size(1, 1)),
        (120.7, 40.2, Size(120, 40)),
        (float("inf"), float("-inf"), Size(MAX_TERMINAL_SIZE.width, 1)),
        (float("nan"), "40", Size(80, 24)),
        (None, True, Size(80, 24)),
        (100, 30, Size(100, 30)),
    ],
)
def test_any_reported_size_is_bounded(width, height, bounded):
    assert bounded_size(width, height) == bounded


@pytest.mark.parametrize(("width", "height"), [(20_000, 20_000), (-1, 10**12), ("wide", None)])
async def test_a_hostile_resize_lays_out_no_larger_than_the_bound(home, width, height):
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        # What the web driver posts for ["resize", {"width": ..., "height": ...}].
        app.post_message(events.Resize(Size(width, height), Size(width, height)))
        await pilot.pause()
        assert app.size.width <= MAX_TERMINAL_SIZE.width
        assert app.size.height <= MAX_TERMINAL_SIZE.height
        assert min(app.size) >= 1
        for screen in app.screen_stack:
            assert screen.size.width <= MAX_TERMINAL_SIZE.width
            assert screen.size.height <= MAX_TERMINAL_SIZE.height
        # Back to a normal size, the tutor is as it was.
        await pilot.resize_terminal(80, 24)
        assert app.size == Size(80, 24)
        assert not isinstance(app.screen, TooSmallScreen)


# -- a tutor as textual-serve runs it for a browser tab --------------------------------

ROOT = Path(__file__).resolve().parent.parent
PATIENCE = 15.0  # seconds for anything to show on a busy machine


class WebTab:
    """One browser tab's tutor: the command ``serve`` gives textual-serve, the
    environment textual-serve gives it (``textual_serve.app_service``), and its
    packet protocol on stdin (``D`` for keys, ``M`` for meta such as a resize)."""

    def __init__(self, home: Path) -> None:
        env = dict(
            os.environ,
            TEXTUAL_DRIVER="textual.drivers.web_driver:WebDriver",
            TEXTUAL_FPS="60",
            TEXTUAL_COLOR_SYSTEM="truecolor",
            TERM_PROGRAM="textual",
            COLUMNS="80",
            ROWS="24",
            MICROGRAD_TUTOR_HOME=str(home),
        )
        self.process = subprocess.Popen(
            shlex.split(tutor_command()),
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.output = bytearray()
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while chunk := os.read(self.process.stdout.fileno(), 1 << 16):
            with self._lock:
                self.output += chunk

    def send(self, kind: bytes, payload: bytes) -> None:
        self.process.stdin.write(kind + len(payload).to_bytes(4, "big") + payload)
        self.process.stdin.flush()

    def meta(self, **message: object) -> None:
        self.send(b"M", json.dumps(message).encode())

    def keys(self, text: str) -> None:
        self.send(b"D", text.encode())

    def wait_for(self, text: bytes) -> bool:
        """Whether the tab draws ``text`` (since the last wait) within PATIENCE."""
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            with self._lock:
                if text in self.output:
                    del self.output[:]
                    return True
            time.sleep(0.05)
        return False

    def resident_mb(self) -> float | None:
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None  # not Linux: the size checks above still hold
        return int(status.split("VmRSS:")[1].split()[0]) / 1024

    def close(self) -> tuple[int, str]:
        try:
            self.process.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.process.returncode, self.process.stderr.read().decode(errors="replace")


@pytest.fixture(scope="module")
def web_tab(tmp_path_factory):
    """One tab, driven as a hostile browser and then as a learner; what it showed."""
    home = tmp_path_factory.mktemp("web") / "home"
    tab = WebTab(home)
    seen: dict[str, object] = {"home": home}
    try:
        tab.meta(type="resize", width=80, height=24)
        assert tab.wait_for(b"Your name"), "the tab never showed its first screen"
        seen["memory_at_start"] = tab.resident_mb()
        tab.meta(type="resize", width=20_000, height=20_000)
        tab.meta(type="resize", width=-1, height=10**12)
        time.sleep(0.6)  # unbounded, this was 1 GB by now
        seen["memory_after_hostile_sizes"] = tab.resident_mb()
        tab.meta(type="resize", width=80, height=24)
        # No click, no focus message from the browser: the learner just types.
        tab.keys("ada\r")
        seen["greeted"] = tab.wait_for(b"Hello, ada")
        tab.keys("\x11")  # ctrl+q
    finally:
        seen["exit"], seen["stderr"] = tab.close()
    return seen


def test_a_hostile_browser_size_costs_the_tab_no_memory(web_tab):
    before, after = web_tab["memory_at_start"], web_tab["memory_after_hostile_sizes"]
    if before is None:
        pytest.skip("no /proc to read a process's memory from")
    assert after - before < 30, f"{before:.0f} MB → {after:.0f} MB"


def test_the_name_box_takes_typing_before_any_click(web_tab):
    assert web_tab["greeted"], "the name typed went nowhere"
    assert (web_tab["home"] / "learners" / "ada" / "progress.json").is_file()
    assert web_tab["exit"] == 0
    assert "Traceback" not in web_tab["stderr"]
