"""What keeps ``serve``'s tutors to their class: websockets only from the tutor's own
page, and every tab's tutor ending with its server.

**Origin.** A browser lets any page open a websocket to any address, and says in the
``Origin`` header which page did it. Without a check, a page open in the teacher's
browser (an advert, a link followed) could start tutors on ``localhost`` and type in
them. :func:`origin_guarded` wraps textual-serve's ``/ws`` handler so that an
``Origin`` other than the tutor's own page is refused with 403.

**Dying with the server.** textual-serve starts each tutor as a child; if the server
is killed outright (SIGKILL, the OOM killer) nothing tells the children, and they
ran on with nobody to serve. :func:`tie_to_server` runs in each tutor: on Linux the
kernel sends it SIGHUP when its parent dies (``PR_SET_PDEATHSIG``), and everywhere a
thread watches for the parent to change; either way the tutor saves and leaves as on
a hang-up (``TutorApp.hang_up``).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = [
    "SERVER_PID_VARIABLE",
    "allowed_origins",
    "origin_allowed",
    "origin_guarded",
    "tie_to_server",
]

SERVER_PID_VARIABLE = "MICROGRAD_TUTOR_SERVER_PID"
"""Set by ``serve`` for its tabs' tutors: the process each must not outlive."""

PARENT_POLL_SECONDS = 0.5
ORPHAN_GRACE_SECONDS = 10.0  # after the hang-up signal, before the watch just ends us
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
HANG_UP = getattr(signal, "SIGHUP", signal.SIGTERM)  # Windows has no SIGHUP

Origin = tuple[str, str, int]  # scheme, host (lowercase, IPv6 without brackets), port


def _origin(url: str) -> Origin | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.casefold()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return scheme, parts.hostname.casefold(), port or (443 if scheme == "https" else 80)


def _this_machine(host: str) -> set[str]:
    """The names and addresses a browser may use for this machine on ``host``'s socket."""
    names = {"localhost", "127.0.0.1", "::1"}
    bound = host.strip().strip("[]").casefold()
    with contextlib.suppress(ValueError):
        if not ipaddress.ip_address(bound).is_unspecified:
            return names | {bound}  # one address: that one, and loopback
    if bound:
        names.add(bound)
        return names
    # Every interface: the machine's names and the addresses they resolve to.
    for name in {socket.gethostname(), socket.getfqdn()}:
        names.add(name.casefold())
        with contextlib.suppress(OSError, UnicodeError):
            names.update(address.casefold() for address in socket.gethostbyname_ex(name)[2])
    return names


def allowed_origins(public_url: str, host: str, port: int) -> frozenset[Origin]:
    """The pages whose websockets are the tutor's own: the public URL's, and this
    machine's names on the port served (a student may type the address, the teacher
    ``localhost``). Never another port: that is another site, to a browser."""
    allowed = {origin} if (origin := _origin(public_url)) else set()
    for name in _this_machine("" if host.strip() in ("0.0.0.0", "::", "[::]") else host):
        allowed.add(("http", name, port))
    return frozenset(allowed)


def origin_allowed(origin: str | None, allowed: Iterable[Origin]) -> bool:
    """Whether a websocket upgrade with this ``Origin`` header may drive a tutor.

    No header at all is allowed: browsers always send one on a websocket handshake
    (RFC 6455 §4.1, and it cannot be removed by a page's script), so a request without
    it is from a program, such as ``bench/classroom.py`` or curl, which could send any
    Origin it liked; refusing it would protect nothing. ``null`` (a sandboxed frame, a
    local file) and anything unparsable are refused."""
    if origin is None:
        return True
    parsed = _origin(origin)
    return parsed is not None and parsed in set(allowed)


def origin_guarded(server_class: type) -> type:
    """A subclass of textual-serve's ``Server`` whose ``/ws`` refuses foreign pages.

    Made from the class given (not imported here), so serve's tests can give a stand-in."""

    class GuardedServer(server_class):
        def __init__(self, command: str, *, allowed_origins: Iterable[Origin], **options):
            super().__init__(command, **options)
            self.allowed_origins = frozenset(allowed_origins)

        async def handle_websocket(self, request):  # textual-serve's route calls this
            from aiohttp import web

            origin = request.headers.get("Origin")
            if not origin_allowed(origin, self.allowed_origins):
                print(f"micrograd-tutor: refused a websocket from {origin!r}", file=sys.stderr)
                raise web.HTTPForbidden(text=f"websockets from {origin!r} are not allowed\n")
            return await super().handle_websocket(request)

    GuardedServer.__name__ = GuardedServer.__qualname__ = f"Guarded{server_class.__name__}"
    return GuardedServer


def tie_to_server(environ: dict[str, str] | None = None) -> bool:
    """In a tutor that ``serve`` started: end (as on a hang-up) when the server ends.

    Returns whether this process is tied (``SERVER_PID_VARIABLE`` names its parent).
    The kernel's death signal goes to the child when the *thread* that forked it
    ends; textual-serve forks from its event loop, the server's main thread, which
    lives as long as the server does."""
    environ = os.environ if environ is None else environ
    try:
        # Taken out: a program this tutor starts is not the server's child.
        server = int(environ.pop(SERVER_PID_VARIABLE, ""))
    except ValueError:
        return False
    if server <= 1 or os.getppid() != server:
        if server > 1 and not _alive(server):
            os._exit(128 + HANG_UP)  # the server died before we got here
        return False  # started some other way: nothing to tie to
    _ask_for_death_signal()
    if os.getppid() != server:  # it died between the check and the prctl
        os._exit(128 + HANG_UP)
    threading.Thread(target=_watch_parent, args=(server,), name="server-watch", daemon=True).start()
    return True


def _ask_for_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes  # here: only a tab's tutor on Linux pays for it

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(HANG_UP), 0, 0, 0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch_parent(server: int) -> None:
    """The portable half: when the parent changes (we were re-parented to init or a
    subreaper), hang up on ourselves; if that does not end us, end."""
    while os.getppid() == server:
        time.sleep(PARENT_POLL_SECONDS)
    with contextlib.suppress(OSError):
        os.kill(os.getpid(), HANG_UP)
    time.sleep(ORPHAN_GRACE_SECONDS)
    os._exit(128 + HANG_UP)
