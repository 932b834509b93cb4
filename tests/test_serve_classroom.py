"""``micrograd-tutor serve`` as a class meets it: a real server on a loopback port,
and browser tabs emulated over textual-serve's websocket (as ``bench/classroom.py``).

The page points at the public URL; a websocket from a foreign page is refused; a
tab's export lands in the learner's folder, bounded, and is delivered to the tab;
a server killed outright takes its tutors with it, their progress saved.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tutor.graph_export import EXPORTS_FOLDER, EXPORTS_KEPT

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")

ROOT = Path(__file__).resolve().parent.parent
PATIENCE = 20.0  # seconds for anything to show on a busy machine; never a measurement
ANSI = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
PUBLIC_HOST = "classroom.test"  # resolves nowhere: only the page and Origin name it


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting for its reaper is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``micrograd-tutor serve`` on 127.0.0.1, telling pages it is ``http://classroom.test:PORT``."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = free_port()
        self.public_url = f"http://{PUBLIC_HOST}:{self.port}"
        command = ["serve", "--port", str(self.port), "--public-url", self.public_url]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tutor", *command],
            cwd=ROOT,
            env=dict(os.environ, MICROGRAD_TUTOR_HOME=str(home)),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its tutors too, for the clean-up below
        )
        deadline = time.monotonic() + PATIENCE
        while True:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            assert self.process.poll() is None, self.process.stdout.read().decode()
            assert time.monotonic() < deadline, "the server never listened"
            time.sleep(0.1)

    def tutors(self) -> list[int]:
        """The pids of the tutors this server started (its children, on Linux)."""
        found = []
        for entry in Path("/proc").glob("[0-9]*"):
            with contextlib.suppress(OSError):
                cmdline = (entry / "cmdline").read_bytes()
                session = (entry / "stat").read_text().rsplit(")", 1)[1].split()[3]
                if b"--ask-learner" in cmdline and int(session) == self.process.pid:
                    found.append(int(entry.name))
        return found

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process.stdout.close()


class Tab:
    """One browser tab on the server's websocket: what it drew, what it was sent."""

    def __init__(self, websocket) -> None:
        self.websocket = websocket
        self.screen = bytearray()
        self.texts: list[list] = []
        self.changed = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.websocket:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.screen += message.data
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.texts.append(json.loads(message.data))
            self.changed.set()

    def text(self) -> bytes:
        return ANSI.sub(b"", bytes(self.screen)).replace(b"\xc2\xa0", b" ")

    async def until(self, done, what: str) -> None:
        deadline = time.monotonic() + PATIENCE
        while not done():
            left = deadline - time.monotonic()
            assert left > 0, f"the tab never showed {what}"
            self.changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)

    async def shows(self, marker: bytes) -> None:
        await self.until(lambda: marker in self.text(), repr(marker))
        del self.screen[:]

    async def type(self, keys: str) -> None:
        await self.websocket.send_str(json.dumps(["stdin", keys]))

    async def name_learner(self, name: str) -> None:
        await self.shows(b"name")
        await asyncio.sleep(0.3)  # the name box is mounted and focused
        await self.type(f"{name}\r")
        await self.shows(f"Hello, {name}".encode())


@contextlib.asynccontextmanager
async def tab_on(server: Server, origin: str | None):
    url = f"ws://127.0.0.1:{server.port}/ws?width=100&height=30"
    async with aiohttp.ClientSession() as session:
        options = {} if origin is None else {"origin": origin}
        async with session.ws_connect(url, max_msg_size=0, **options) as websocket:
            tab = Tab(websocket)
            try:
                yield tab
            finally:
                tab.reader.cancel()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("classroom") / "home")
    yield running
    running.stop()


def test_the_page_loads_everything_from_the_public_url(server):
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/", timeout=PATIENCE) as page:
        html = page.read().decode()
    assert f"ws://{PUBLIC_HOST}:{server.port}/ws" in html
    assert f"http://{PUBLIC_HOST}:{server.port}/static/js/textual.js" in html
    assert "127.0.0.1" not in html and "0.0.0.0" not in html


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "null",  # a sandboxed frame or a local file
        f"https://{PUBLIC_HOST}:{{port}}",  # not the scheme the page is served with
        "http://127.0.0.1:1",  # this machine, but another port: another site
        f"http://{PUBLIC_HOST}.evil.example:{{port}}",
    ],
)
async def test_a_websocket_from_a_foreign_page_is_refused(server, origin):
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        async with tab_on(server, origin.format(port=server.port)):
            pass
    assert refused.value.status == 403


@pytest.mark.parametrize("origin", ["http://{public}:{port}", "http://localhost:{port}", None])
async def test_a_websocket_from_the_tutors_own_page_gets_a_tutor(server, origin):
    # None: no Origin at all is a program, not a browser (see tutor.serve_guard).
    origin = None if origin is None else origin.format(public=PUBLIC_HOST, port=server.port)
    async with tab_on(server, origin) as tab:
        await tab.shows(b"name")


async def test_an_export_goes_to_the_learners_folder_bounded_and_to_the_browser(server):
    presses = EXPORTS_KEPT + 2
    async with tab_on(server, server.public_url) as tab:
        await tab.name_learner("ada")
        await tab.type("\x10")  # ctrl+p: the command palette
        await asyncio.sleep(0.5)
        await tab.type("Playground")
        await asyncio.sleep(0.5)
        await tab.type("\r")
        await tab.shows(b"Playground")
        await asyncio.sleep(0.5)
        for press in range(1, presses + 1):
            await tab.type("x")
            await tab.until(lambda n=press: len(tab.texts) >= 2 * n, f"delivery {press}")
        deliveries = [key for kind, key in tab.texts if kind == "deliver_file_start"]
        assert len(deliveries) == 2 * presses
        download = f"http://127.0.0.1:{server.port}/download/{deliveries[-2]}"
        with urllib.request.urlopen(download, timeout=PATIENCE) as response:
            assert "attachment" in response.headers["Content-Disposition"]
            assert f"graph-{presses}.svg" in response.headers["Content-Disposition"]
            assert response.read().lstrip().startswith(b"<svg")
    exports = server.home / "learners" / "ada" / EXPORTS_FOLDER
    kept = range(presses - EXPORTS_KEPT + 1, presses + 1)
    assert sorted(p.name for p in exports.iterdir()) == sorted(
        f"graph-{n}.{kind}" for n in kept for kind in ("dot", "svg")
    )
    assert not list(ROOT.glob("graph-*.*"))  # nothing in the server's own folder


async def test_a_server_killed_outright_takes_its_tutors_with_it(tmp_path):
    server = Server(tmp_path / "home")
    try:
        async with tab_on(server, server.public_url) as tab:
            await tab.name_learner("bo")
            await tab.type("n")  # a step on in lesson 1
            await asyncio.sleep(1.0)
            tutors = server.tutors()
            assert len(tutors) == 1
            server.process.kill()  # SIGKILL: the server has no say in it
            server.process.wait()
            deadline = time.monotonic() + PATIENCE
            while (left := [pid for pid in tutors if running(pid)]) and (
                time.monotonic() < deadline
            ):
                await asyncio.sleep(0.1)
            assert left == [], "the tutor outlived its server"
    finally:
        server.stop()
    # The learner's step is kept under their name, for the next server.
    saved = json.loads((tmp_path / "home" / "learners" / "bo" / "progress.json").read_text())
    assert saved["position"] == {"lesson": "derivative-as-slope", "step": 1}
