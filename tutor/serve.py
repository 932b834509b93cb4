"""``micrograd-tutor serve``: the tutor in web browsers, for a classroom.

textual-serve runs a small web server; every browser tab that opens the page
gets its own tutor process, drawn in the page over a websocket. It is an
optional extra (``pip install 'micrograd-tutor[serve]'``), imported only here.

Anyone who can reach the port gets a tutor running as *you*, on *your*
machine, with no password: the server listens on this machine only
(127.0.0.1) unless told otherwise, and says so loudly when it is told.

The code learners write in the workbench runs only inside bubblewrap there
(``lessons.workbench.sandbox``): ``serve`` runs the sandbox's self-test as it
starts and says in one line whether learners' code can run, or why not and
what to do. Each tab runs the self-test again before it runs any learner code.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import socket
import sys
from typing import TextIO
from urllib.parse import urlsplit

from tutor.serve_guard import SERVER_PID_VARIABLE, allowed_origins, origin_guarded

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
INSTALL_HINT = "pip install 'micrograd-tutor[serve]'"

EXPOSURE_WARNING = (
    "anyone who can reach {host}:{port} can use a tutor running as you on this "
    "machine, with no password. Serve beyond this machine only on a network you trust."
)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (127.x, ::1, localhost)."""
    if host.strip().casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may well resolve to a public address


ALL_INTERFACES = frozenset({"", "0.0.0.0", "::", "[::]"})
URL_FORBIDDEN = frozenset("\"'<>\\ `{}|^")


def default_public_url(host: str, port: int) -> str:
    """Where students point their browsers: the machine's host name when serving on
    every interface (``0.0.0.0`` is no address a browser can reach), else ``host``."""
    name = socket.gethostname() if host.strip() in ALL_INTERFACES else host.strip()
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"  # an IPv6 address in a URL
    return f"http://{name}" if port == 80 else f"http://{name}:{port}"


def check_public_url(text: str) -> str:
    """``text`` as textual-serve joins paths to it (no trailing slash), or ValueError
    saying what is wrong: an http or https URL with a host, and nothing after a path."""
    url = text.strip()
    if not url or any(ch in URL_FORBIDDEN or not ch.isprintable() for ch in url):
        raise ValueError(f"{text!r} is not a URL (spaces, quotes and <> cannot be in one)")
    parts = urlsplit(url)
    if parts.scheme.casefold() not in ("http", "https"):
        raise ValueError(f"{text!r} must start with http:// or https://")
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked
    except ValueError:
        raise ValueError(f"{text!r} has a port that is not a number from 1 to 65535") from None
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise ValueError(f"{text!r} needs a host, e.g. http://classroom.local:8000")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise ValueError(f"{text!r} must end at its path (no ? or #)")
    return url.rstrip("/")


def tutor_command(*, low_bandwidth: bool = False) -> str:
    """The shell command textual-serve runs for each browser: this Python, this tutor.

    A browser draws every character, so the tutor never falls back to ASCII there,
    whatever the locale the server runs in (a container's is often C). Every tab
    runs as the one account that serves, so each asks who is learning, and keeps
    that learner's progress apart."""
    args = [sys.executable, "-m", "tutor", "--no-ascii", "--ask-learner"]
    if low_bandwidth:
        args.append("--low-bandwidth")
    return shlex.join(args)


def server_command(server_pid: int, *, low_bandwidth: bool = False) -> str:
    """The command line textual-serve hands to a shell for each tab. On POSIX the
    tutor takes the shell's place (``exec``, then ``env`` execs it too), so its parent
    is the server itself, whose pid it is given, and it dies with it
    (``tutor.serve_guard.tie_to_server``)."""
    command = tutor_command(low_bandwidth=low_bandwidth)
    if os.name != "posix":
        return command  # cmd.exe has no exec: the tutor's stdin closing must do
    return f"exec env {SERVER_PID_VARIABLE}={server_pid} {command}"


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    public_url: str | None = None,
    low_bandwidth: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Serve the tutor until ctrl+c; returns the exit code (2: textual-serve missing, or
    ``public_url`` is no http(s) URL with a host)."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        from textual_serve.server import Server
    except ImportError:
        print(f"micrograd-tutor: error: serve needs textual-serve: {INSTALL_HINT}", file=err)
        return 2
    try:
        url = default_public_url(host, port) if public_url is None else check_public_url(public_url)
    except ValueError as error:
        print(f"micrograd-tutor: error: argument --public-url: {error}", file=err)
        return 2
    if not is_loopback(host):
        warning = EXPOSURE_WARNING.format(host=host, port=port)
        print(f"micrograd-tutor: warning: {warning}", file=err)
    report_sandbox(out, err)
    server = origin_guarded(Server)(
        server_command(os.getpid(), low_bandwidth=low_bandwidth),
        host=host,
        port=port,
        title="micrograd-tutor",
        public_url=url,
        allowed_origins=allowed_origins(url, host, port),
    )
    who = "Open" if is_loopback(host) else "Students open"
    print(f"micrograd-tutor: {who} {url} in a browser", file=out, flush=True)
    try:
        server.serve()
    except OSError as error:  # the port is taken, or the address is not this machine's
        print(f"micrograd-tutor: error: cannot serve on {host}:{port}: {error}", file=err)
        return 1
    return 0


def report_sandbox(out: TextIO, err: TextIO) -> bool:
    """Run the workbench sandbox's self-test and say the result in one line: on ``out``
    when learners' code can run, as a warning on ``err`` when it cannot."""
    from lessons.workbench import sandbox

    state = sandbox.self_test()
    if state.ready:
        print(f"micrograd-tutor: {state.line()}", file=out, flush=True)
    else:
        print(f"micrograd-tutor: warning: {state.line()}", file=err, flush=True)
    return state.ready
