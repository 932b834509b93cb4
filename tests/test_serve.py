"""``micrograd-tutor serve``: the tutor in browsers, on this machine unless told otherwise."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from lessons.workbench import sandbox
from lessons.workbench.sandbox import SandboxStatus
from tutor import cli, serve, serve_guard

ROOT = Path(__file__).resolve().parent.parent
PATIENCE = 60.0  # seconds; a bound for a slow machine, never a measurement


READY = SandboxStatus(True, version="bubblewrap 0.8.0")


@pytest.fixture
def servers(monkeypatch) -> list[dict]:
    """textual-serve's Server, recorded instead of listening; the sandbox's self-test
    says it is ready (tests of its own change that)."""
    made: list[dict] = []
    monkeypatch.setattr(sandbox, "self_test", lambda: READY)

    class FakeServer:
        def __init__(self, command: str, **options: object) -> None:
            made.append({"command": command, **options})

        def serve(self) -> None:
            made[-1]["served"] = True

    pytest.importorskip("textual_serve.server")
    monkeypatch.setattr("textual_serve.server.Server", FakeServer)
    return made


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("classroom.example.org", False),
    ],
)
def test_only_loopback_addresses_count_as_this_machine(host, loopback):
    assert serve.is_loopback(host) is loopback


def test_serve_defaults_to_this_machine_only_and_runs_this_tutor(home, servers, capsys):
    assert cli.main(["serve"]) == 0
    [server] = servers
    assert (server["host"], server["port"], server["served"]) == ("127.0.0.1", 8000, True)
    # A browser draws every character: no ASCII fallback, whatever the server's locale.
    # Every tab runs as this account, so each asks who is learning.
    assert server["command"].split()[-4:] == ["-m", "tutor", "--no-ascii", "--ask-learner"]
    out, err = capsys.readouterr()
    assert err == ""
    assert out == (
        "micrograd-tutor: workbench sandbox: ready (bubblewrap 0.8.0)\n"
        "micrograd-tutor: Open http://127.0.0.1:8000 in a browser\n"
    )
    assert server["public_url"] == "http://127.0.0.1:8000"


def test_serve_says_in_one_line_when_learners_code_cannot_run(home, servers, monkeypatch, capsys):
    missing = SandboxStatus(
        False, problem="bwrap (bubblewrap) is not installed", advice=sandbox.INSTALL_ADVICE
    )
    monkeypatch.setattr(sandbox, "self_test", lambda: missing)
    assert cli.main(["serve"]) == 0  # the course is still served; its checks refuse
    assert servers[0]["served"]
    out, err = capsys.readouterr()
    assert out == "micrograd-tutor: Open http://127.0.0.1:8000 in a browser\n"
    assert err.count("\n") == 1
    assert err.startswith("micrograd-tutor: warning: workbench sandbox: not available: bwrap")
    assert "micrograd-tutor workbench" in err and "apt install bubblewrap" in err


def test_serve_runs_the_real_self_test_before_serving(home, monkeypatch, capsys):
    pytest.importorskip("textual_serve.server")
    served: list[bool] = []

    class FakeServer:
        def __init__(self, *args: object, **options: object) -> None:
            pass

        def serve(self) -> None:
            served.append(True)

    monkeypatch.setattr("textual_serve.server.Server", FakeServer)
    monkeypatch.setenv(sandbox.ENV_BWRAP, str(home / "no-bwrap"))
    assert cli.main(["serve"]) == 0 and served == [True]
    assert f"not available: there is no bwrap at {home / 'no-bwrap'}" in capsys.readouterr().err


def test_serving_beyond_this_machine_warns_on_stderr(home, servers, capsys):
    assert cli.main(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 0
    assert (servers[0]["host"], servers[0]["port"]) == ("0.0.0.0", 8123)
    err = capsys.readouterr().err
    assert err.startswith("micrograd-tutor: warning:") and "0.0.0.0:8123" in err
    assert "no password" in err


def test_low_bandwidth_reaches_every_served_tutor(home, servers, monkeypatch):
    assert cli.main(["--low-bandwidth", "serve"]) == 0
    monkeypatch.setenv("MICROGRAD_TUTOR_LOW_BANDWIDTH", "1")
    assert cli.main(["serve"]) == 0
    ending = "-m tutor --no-ascii --ask-learner --low-bandwidth"
    assert [s["command"].endswith(ending) for s in servers] == [True, True]


def test_serve_help_warns_about_exposing_it(home, capsys):
    assert cli.main(["serve", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "127.0.0.1" in out and "WARNING" in out and "no password" in out
    assert "asks the learner's name" in out


def test_without_textual_serve_one_line_says_how_to_install_it(home, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # import now fails
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert cli.main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "micrograd-tutor[serve]" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv", [["serve", "--port", "0"], ["serve", "--port", "http"], ["--lesson", "2", "serve"]]
)
def test_a_bad_serve_command_line_gets_one_line_and_exit_code_2(argv, home, servers, capsys):
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert servers == []


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    deadline = time.monotonic() + PATIENCE
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serve_answers_a_browser_on_a_loopback_port(home):
    pytest.importorskip("textual_serve")
    port = free_loopback_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tutor", "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = fetch(f"http://127.0.0.1:{port}/")
    finally:
        server.send_signal(signal.SIGTERM)  # textual-serve's own clean stop
        try:
            out, err = server.communicate(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            server.kill()
            out, err = server.communicate()
    assert "<div>micrograd-tutor</div>" in page  # the name on the start button
    assert f"ws://127.0.0.1:{port}/ws" in page  # where the page connects for its tutor
    assert "Traceback" not in err
    assert f"127.0.0.1:{port}" in out
    assert "micrograd-tutor: workbench sandbox: ready" in out or "workbench sandbox: not" in err


# -- the public URL, the Origin check, the tie to the server ------------------------


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("0.0.0.0", 8000, f"http://{socket.gethostname()}:8000"),
        ("::", 80, f"http://{socket.gethostname()}"),
        ("192.168.1.20", 8123, "http://192.168.1.20:8123"),
        ("classroom.example.org", 8000, "http://classroom.example.org:8000"),
        ("::1", 8000, "http://[::1]:8000"),
    ],
)
def test_the_public_url_defaults_to_an_address_a_browser_can_reach(host, port, url):
    assert serve.default_public_url(host, port) == url


def test_bound_to_every_interface_the_page_names_this_machine(home, servers, capsys):
    assert cli.main(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 0
    url = f"http://{socket.gethostname()}:8123"
    assert servers[0]["public_url"] == url
    assert f"micrograd-tutor: Students open {url} in a browser\n" in capsys.readouterr().out


def test_a_public_url_given_reaches_the_page_and_the_banner(home, servers, capsys):
    argv = ["serve", "--host", "0.0.0.0", "--public-url", "https://class.example.org/tutor/"]
    assert cli.main(argv) == 0
    assert servers[0]["public_url"] == "https://class.example.org/tutor"  # paths join to it
    assert "Students open https://class.example.org/tutor in a browser" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("classroom:8000", "http:// or https://"),
        ("ftp://classroom", "http:// or https://"),
        ("http://", "needs a host"),
        ("http://teacher:secret@classroom", "needs a host"),
        ("http://classroom:99999", "port"),
        ("http://classroom:80a", "port"),
        ("http://classroom/?next=1", "no ? or #"),
        ("http://class room", "not a URL"),
        ('http://classroom/"><script>', "not a URL"),
        ("", "not a URL"),
    ],
)
def test_a_bad_public_url_gets_one_line_saying_what_is_wrong(home, servers, capsys, url, says):
    assert cli.main(["serve", "--public-url", url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--public-url" in err and says in err
    assert servers == []
    assert serve.serve(public_url=url, err=sys.stderr) == 2  # the function checks it too


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (None, True),  # not a browser (see serve_guard.origin_allowed)
        ("http://vm:8000", True),
        ("HTTP://VM:8000", True),
        ("http://localhost:8000", True),
        ("http://127.0.0.1:8000", True),
        ("http://[::1]:8000", True),
        ("http://vm:8001", False),
        ("https://vm:8000", False),
        ("http://vm.evil.example:8000", False),
        ("http://evil.example", False),
        ("null", False),
        ("", False),
        ("http://vm:notaport", False),
    ],
)
def test_only_the_tutors_own_pages_may_open_its_websocket(origin, allowed):
    origins = serve_guard.allowed_origins("http://vm:8000", "127.0.0.1", 8000)
    assert serve_guard.origin_allowed(origin, origins) is allowed


def test_bound_to_every_interface_this_machines_names_are_its_own_pages():
    origins = serve_guard.allowed_origins("http://vm:8000", "0.0.0.0", 8000)
    assert ("http", socket.gethostname().casefold(), 8000) in origins
    assert ("http", "0.0.0.0", 8000) not in origins
    behind_a_proxy = serve_guard.allowed_origins("https://class.example.org/tutor", "::", 8000)
    assert serve_guard.origin_allowed("https://class.example.org", behind_a_proxy)


def test_each_tab_is_told_its_server_and_takes_the_shells_place(home, servers):
    assert cli.main(["serve"]) == 0
    command = servers[0]["command"].split()
    assert command[:3] == ["exec", "env", f"{serve_guard.SERVER_PID_VARIABLE}={os.getpid()}"]


def test_a_tutor_not_started_by_its_server_ties_itself_to_nothing():
    assert serve_guard.tie_to_server({}) is False
    # A live process that is not our parent (this one): the tutor runs on, untied, and
    # forgets the variable, which a program it starts must not inherit.
    for pid in (str(os.getpid()), "1", "not a pid"):
        environ = {serve_guard.SERVER_PID_VARIABLE: pid}
        assert serve_guard.tie_to_server(environ) is False and environ == {}
