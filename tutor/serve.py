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
import shlex
import sys
from typing import TextIO

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


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    low_bandwidth: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Serve the tutor until ctrl+c; returns the exit code (2: textual-serve missing)."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        from textual_serve.server import Server
    except ImportError:
        print(f"micrograd-tutor: error: serve needs textual-serve: {INSTALL_HINT}", file=err)
        return 2
    if not is_loopback(host):
        warning = EXPOSURE_WARNING.format(host=host, port=port)
        print(f"micrograd-tutor: warning: {warning}", file=err)
    report_sandbox(out, err)
    server = Server(
        tutor_command(low_bandwidth=low_bandwidth),
        host=host,
        port=port,
        title="micrograd-tutor",
    )
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
