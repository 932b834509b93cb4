"""The child side of a workbench check: runs in its own Python, never in the tutor's.

``lessons.workbench.runner`` starts this file as a script with ``python -I -B -u``.
Before any learner code runs it

1. reads its orders (one JSON document) from stdin, then points stdin at /dev/null;
2. moves the result channel (a pipe the parent passed with ``pass_fds``) to a high,
   random fd and closes the original, so ``os.write(3, ...)`` and friends miss it;
3. sets its own ``resource`` limits: CPU seconds, address space, file size, open
   files, no core files, and no new processes (``RLIMIT_NPROC`` = 0);
4. installs an audit hook that refuses new processes, sockets, changing limits,
   ``ctypes`` lookups of process/network functions, killing other processes, and
   writing files outside the workspace and its own temporary folder;
5. imports the probe module and calls ``run(probe, args)``; the learner's package is
   found first on ``sys.path``, compiled fresh from source (no ``.pyc`` is read or written).

It answers in JSON lines on the result channel, each carrying a nonce the parent chose:
a ``hello`` line once the limits are set, ``event`` lines sent with :func:`emit`, and a
final line with the probe's result or the learner's error. A probe that takes orders
while it runs (the training lab's pause, step and stop) reads them with :func:`commands`
from a pipe of their own; while it waits for one, an ``idle`` line tells the parent,
whose time limits do not run meanwhile. Then it leaves with
``os._exit``, so the learner's ``atexit`` handlers and finalisers never run after it.

What this is not: a sandbox. The learner's code shares this process with the harness,
so a determined program can still find the channel, read the nonce out of memory, undo
an audit hook's effect through ``ctypes``, or, as root, ignore ``RLIMIT_NPROC``. The
limits and the hook stop the accidents a learner makes (a loop that never ends, a graph
that eats the memory, a stray ``print`` flood, ``sys.exit()``); the parent's wall-clock
timeout, process-group kill and capped reads keep the tutor safe from the rest.

``RLIMIT_NPROC`` counts threads too, so (except as root) a check cannot start a thread.

Only the standard library is imported before the limits are set, and everything the
harness needs is imported before the workspace goes on ``sys.path``, so a learner's
``json.py`` cannot stand in for ours.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import json
import linecache
import os
import select
import signal
import sys
import tempfile
import traceback

try:
    import resource
except ImportError:  # not POSIX: the parent's timeout still holds
    resource = None

__all__ = ["commands", "emit"]

RECURSION_LIMIT = 1000
CONFIG_CAP = 16 << 20
MESSAGE_CAP = 2000
CODE_CAP = 300
FRAMES_KEPT = 40  # of a deep traceback: the first 10 and the last 30 workspace frames

_channel: _Channel | None = None
_commands: _Commands | None = None


def emit(event: dict) -> None:
    """Send a progress event (a JSON-able dict) to the tutor; a no-op outside a check."""
    if _channel is not None:
        _channel.send({"event": event})


def commands(wait: bool = False) -> list[dict] | None:
    """The tutor's commands (JSON objects) sent since the last call, oldest first.

    ``wait``: when none has come, block until one does, telling the tutor that this
    child is idle meanwhile, so that its wall clock and quiet timeout stand still (a
    paused training run may wait for hours). None when there will be no more: the
    tutor gave no command pipe, or has closed it.
    """
    if _commands is None:
        return None
    return _commands.take(wait)


class _Channel:
    """JSON lines on the result fd, each stamped with the parent's nonce."""

    def __init__(self, fd: int, nonce: str):
        self._fd = fd
        self._nonce = nonce
        self._write = os.write
        self._dumps = json.dumps
        self.closed = False

    def send(self, message: dict) -> bool:
        if self.closed:
            return False
        data = self._dumps({"nonce": self._nonce, **message}).encode()
        # A leading newline ends any partial line someone else left on the pipe.
        data = b"\n" + data + b"\n"
        try:
            while data:
                data = data[self._write(self._fd, data) :]
        except OSError:
            self.closed = True
            return False
        return True


class _Commands:
    """JSON lines from the parent on a pipe of their own, read between two steps."""

    def __init__(self, fd: int, channel: _Channel):
        self._fd = fd
        self._channel = channel
        self._buffer = b""
        # poll, not select: the fd is hidden high, maybe past select's 1024
        self._poll = select.poll()
        self._poll.register(fd, select.POLLIN)
        self._read = os.read
        self._loads = json.loads
        self.closed = False

    def take(self, wait: bool) -> list[dict] | None:
        self._read_some(block=False)
        if wait and b"\n" not in self._buffer and not self.closed:
            self._channel.send({"idle": True})
            try:
                while b"\n" not in self._buffer and not self.closed:
                    self._read_some(block=True)
            finally:
                self._channel.send({"idle": False})
        *lines, self._buffer = self._buffer.split(b"\n")
        found = []
        for line in lines:
            with contextlib.suppress(ValueError, RecursionError):
                command = self._loads(line)
                if isinstance(command, dict):
                    found.append(command)
        return None if self.closed and not found else found

    def _read_some(self, *, block: bool) -> None:
        while not self.closed:
            try:
                if not self._poll.poll(None if block else 0):
                    return
                chunk = self._read(self._fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                self.closed = True
            self._buffer += chunk
            if block:
                return


def _main() -> None:
    global _channel, _commands
    exit_now = os._exit
    order = _read_order()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    workspace = order["workspace"]
    channel_fd = _hide_fd(order["result_fd"])
    _channel = channel = _Channel(channel_fd, order["nonce"])
    if order.get("command_fd") is not None:
        _commands = _Commands(_hide_fd(order["command_fd"], avoid=channel_fd), channel)

    applied, note = _apply_limits(order["limits"])
    channel.send({"hello": {"limits_applied": applied, "note": note}})

    sys.dont_write_bytecode = True
    sys.setrecursionlimit(RECURSION_LIMIT)
    temp_dir = tempfile.gettempdir()  # the parent's private one for this run, from TMPDIR
    project_root = order["project_root"]
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if p not in ("", here, project_root)]
    sys.path.insert(0, project_root)
    probe_module = order["probe_module"]
    # The tutor's packages come from the project root, whatever the workspace holds.
    importlib.import_module(probe_module.split(".")[0])
    _alias_this_module()
    _preload()

    sys.path.insert(0, workspace)
    # Read no .pyc at all for what is imported from here on: a learner's save within the
    # same second and at the same size would otherwise run the old bytecode.
    sys.pycache_prefix = os.path.join(temp_dir, f"workbench-no-pycache-{os.getpid()}")
    refused: list[str] = []
    sys.addaudithook(_make_hook(workspace, temp_dir, refused))

    reserve = bytearray(4 << 20)  # freed on MemoryError, so the report can still be made
    try:
        module = importlib.import_module(probe_module)
        result = module.run(order["probe"], order["args"])
        if not isinstance(result, dict):
            raise TypeError(f"the probe returned {type(result).__name__}, not a dict")
        message = {"status": "ok", "result": result}
        try:
            channel._dumps(message)
        except (TypeError, ValueError) as error:
            raise TypeError(f"the probe's result is not JSON: {error}") from None
    except BaseException as error:  # the learner's code may raise anything, SystemExit too
        del reserve
        message = {"status": "error", "error": _describe(error, workspace)}
    message["refused"] = list(dict.fromkeys(refused))
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):
            stream.flush()
    channel.send(message)
    exit_now(0)


def _read_order() -> dict:
    data = sys.stdin.buffer.read(CONFIG_CAP)
    return json.loads(data)


def _hide_fd(fd: int, avoid: int | None = None) -> int:
    """Move ``fd`` to a random high number below the open-files limit (not ``avoid``, an
    fd hidden before), close the original."""
    try:
        ceiling = resource.getrlimit(resource.RLIMIT_NOFILE)[0] if resource else 1024
    except (OSError, ValueError):
        ceiling = 1024
    if ceiling in (-1, getattr(resource, "RLIM_INFINITY", -1)) or ceiling > 4096:
        ceiling = 4096
    low = max(ceiling // 2, 128)
    if ceiling <= low:
        return fd
    target = avoid
    while target in (avoid, fd):
        target = low + int.from_bytes(os.urandom(2), "big") % (ceiling - low)
    os.dup2(fd, target, inheritable=False)
    os.close(fd)
    return target


def _apply_limits(limits: dict) -> tuple[bool, str]:
    if resource is None:
        return (
            False,
            "Python's resource module is not available here, so only the time limit holds.",
        )
    cpu = int(limits["cpu_seconds"])
    wanted = [
        ("RLIMIT_CPU", (cpu, cpu + 1), "CPU time"),
        ("RLIMIT_AS", (limits["memory_bytes"],) * 2, "memory"),
        ("RLIMIT_FSIZE", (limits["file_bytes"],) * 2, "file size"),
        ("RLIMIT_NOFILE", (limits["open_files"],) * 2, "open files"),
        ("RLIMIT_CORE", (0, 0), "core files"),
        ("RLIMIT_NPROC", (0, 0), "new processes"),
    ]
    missing = []
    for name, value, words in wanted:
        number = getattr(resource, name, None)
        try:
            if number is None:
                raise ValueError(name)
            resource.setrlimit(number, value)
        except (OSError, ValueError):
            missing.append(words)
    # Past the file-size limit a write raises OSError(EFBIG) instead of killing us.
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    notes = []
    if missing:
        notes.append("These limits could not be set here: " + ", ".join(missing) + ".")
    if "new processes" not in missing and hasattr(os, "geteuid") and os.geteuid() == 0:
        notes.append(
            "Running as root, the limit on new processes does not bind; "
            "only the audit hook refuses them."
        )
    return not missing, " ".join(notes)


def _alias_this_module() -> None:
    """Let probes ``from lessons.workbench.child import emit`` reach this running harness."""
    this = sys.modules[__name__]
    if __name__ == "__main__":
        try:
            importlib.import_module("lessons.workbench")
        except ImportError:
            return
        sys.modules["lessons.workbench.child"] = this
        sys.modules["lessons.workbench"].child = this


def _preload() -> None:
    """Import now, as trusted code, what the hook would refuse to let anyone import later."""
    try:
        import _posixsubprocess
    except ImportError:
        return

    def fork_exec(*args, **kwargs):
        raise PermissionError("workbench: starting programs is not allowed in a check")

    _posixsubprocess.fork_exec = fork_exec


_PROCESS_EVENTS = {
    "os.fork": "os.fork()",
    "os.forkpty": "os.forkpty()",
    "os.system": "os.system()",
    "os.exec": "os.exec*()",
    "os.posix_spawn": "os.posix_spawn()",
    "os.spawn": "os.spawn*()",
    "os.startfile": "os.startfile()",
    "subprocess.Popen": "subprocess",
    "pty.spawn": "pty.spawn()",
}
_NETWORK_EVENTS = {"socket.__new__", "socket.getaddrinfo", "socket.gethostbyname"}
_LIMIT_EVENTS = {"resource.setrlimit", "resource.prlimit"}
_CTYPES_REFUSED = {
    "fork",
    "vfork",
    "clone",
    "clone3",
    "system",
    "popen",
    "posix_spawn",
    "posix_spawnp",
    "execv",
    "execve",
    "execvp",
    "execvpe",
    "execl",
    "execle",
    "execlp",
    "socket",
    "kill",
    "killpg",
    "setrlimit",
    "prlimit",
    "prlimit64",
    "syscall",
    "setsid",
    "ptrace",
}
_PATH_EVENTS = {
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.rename": (0, 1),
    "os.truncate": (0,),
    "os.mkdir": (0,),
    "os.symlink": (1,),
    "os.link": (1,),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.utime": (0,),
    "shutil.rmtree": (0,),
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


def _make_hook(workspace: str, temp_dir: str, refused: list[str]):
    """An audit hook: defence in depth against accidents, not a sandbox (see the module doc)."""
    roots = tuple(os.path.realpath(p) for p in (workspace, temp_dir))
    me = os.getpid()
    busy = []

    def inside(path) -> bool:
        if isinstance(path, int) or path is None:
            return True
        try:
            text = os.fsdecode(os.fspath(path))
        except TypeError:
            return True
        if text == os.devnull:
            return True
        full = os.path.realpath(text)
        return any(full == root or full.startswith(root + os.sep) for root in roots)

    def refuse(what: str, words: str):
        refused.append(what)
        raise PermissionError(f"workbench: {words} is not allowed in a check ({what})")

    def hook(event: str, args: tuple) -> None:
        if busy:
            return
        if event in _PROCESS_EVENTS:
            refuse(_PROCESS_EVENTS[event], "starting another program or process")
        elif event in _NETWORK_EVENTS:
            refuse("socket", "using the network")
        elif event in _LIMIT_EVENTS:
            refuse(event, "changing the check's limits")
        elif event == "import" and args and args[0] == "_posixsubprocess":
            refuse("subprocess", "starting another program or process")
        elif event == "ctypes.dlsym" and len(args) > 1:
            name = args[1]
            if isinstance(name, bytes):
                name = name.decode(errors="replace")
            if isinstance(name, str) and name in _CTYPES_REFUSED:
                refuse(f"ctypes {name}", "calling system functions through ctypes")
        elif event in ("os.kill", "os.killpg") and args and args[0] not in (me, -me, 0):
            refuse(event, "signalling other processes")
        elif event == "open" and len(args) >= 3:
            path, mode, flags = args[0], args[1], args[2]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & _WRITE_FLAGS
            )
            if writing:
                busy.append(1)
                try:
                    ok = inside(path)
                finally:
                    busy.pop()
                if not ok:
                    refuse(f"writing {path}", "writing files outside your workspace")
        elif event in _PATH_EVENTS:
            busy.append(1)
            try:
                ok = all(inside(args[i]) for i in _PATH_EVENTS[event] if i < len(args))
            finally:
                busy.pop()
            if not ok:
                refuse(f"{event} outside the workspace", "changing files outside your workspace")

    return hook


def _describe(error: BaseException, workspace: str) -> dict:
    """The learner's error as plain data: kind, text, and where in their files it happened."""
    root = os.path.realpath(workspace)
    seen: dict[str, str | None] = {}

    def relative(filename: str) -> str | None:
        if filename not in seen:
            # "<frozen importlib._bootstrap>" and "<string>" are nobody's files
            full = os.path.realpath(filename) if filename and os.path.isabs(filename) else ""
            seen[filename] = (
                os.path.relpath(full, root).replace(os.sep, "/")
                if full.startswith(root + os.sep)
                else None
            )
        return seen[filename]

    frames = []
    for frame, line in traceback.walk_tb(error.__traceback__):
        name = relative(frame.f_code.co_filename)
        if name is not None:
            frames.append((frame.f_code.co_filename, name, line, frame.f_code.co_name))
    error.__traceback__ = None  # frames hold the learner's locals, maybe a gigabyte of them

    file = line = code = None
    if isinstance(error, SyntaxError) and error.filename and relative(error.filename):
        file, line = relative(error.filename), error.lineno
        code = (error.text or "").strip() or None
        text = error.msg or ""
    else:
        text = _text_of(error)
        if frames:
            full, file, line, _ = frames[-1]
            code = linecache.getline(full, line).strip() or None
    kept = [(name, line_, function) for _, name, line_, function in frames]
    if len(kept) > FRAMES_KEPT:
        kept = kept[:10] + kept[-(FRAMES_KEPT - 10) :]
    described = {
        "kind": type(error).__name__,
        "message": text[:MESSAGE_CAP],
        "file": file,
        "line": line,
        "code": code[:CODE_CAP] if code else None,
        "traceback": kept,
    }
    if isinstance(error, SystemExit):
        described["exit_code"] = error.code if isinstance(error.code, int) else None
    if isinstance(error, OSError):
        described["errno"] = error.errno
        if error.errno == errno.EFBIG:
            described["file_too_large"] = True
    return described


def _text_of(error: BaseException) -> str:
    try:
        return str(error)
    except BaseException:
        return f"<{type(error).__name__} whose message could not be shown>"


if __name__ == "__main__":
    try:
        _main()
    except BaseException:  # the harness itself failed: say so on stderr, exit non-zero
        try:
            traceback.print_exc()
            sys.stderr.flush()
        finally:
            os._exit(70)
