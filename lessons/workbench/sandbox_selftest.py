"""The sandbox's self-test, run by ``lessons.workbench.sandbox`` inside bubblewrap.

Our own code, not a learner's, and run without the child's audit hook: it asks the
sandbox itself (the mounts, the namespaces) whether it holds. Started as a script with
``python -I -B``, it reads its orders (one JSON document) from stdin::

    {"fd": 5,                                  # where to write the answer (pass_fds)
     "must_write": [paths],                    # the workspace, the fresh /tmp
     "must_not_write": [paths],                # beside the workspace, the data home, ...
     "must_not_read": [paths],                 # another learner's files, progress files
     "must_not_list": {folder: [names seen]},  # nothing in it but these names
     "tcp": port, "unix": path, "abstract": name}  # listeners the parent opened

and writes one JSON line to that fd, what it managed that it should not have::

    {"wrote": [paths], "read": [paths], "listed": {folder: [names]},
     "connected": ["127.0.0.1:4100", ...], "could_not_write": [paths]}

It reads before it writes, so a file it made cannot pass for one it found. The answer
coming back on the fd is itself a check: the result channel survives the sandbox.
Only the standard library is used.
"""

from __future__ import annotations

import json
import os
import socket
import sys

_WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC


def _try_write(path: str) -> bool:
    try:
        fd = os.open(path, _WRITE, 0o600)
    except OSError:
        return False
    try:
        os.write(fd, b"sandbox self-test\n")
    finally:
        os.close(fd)
    return True


def _try_read(path: str) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        os.read(fd, 16)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def _try_connect(family: int, address) -> bool:
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.settimeout(2.0)
            sock.connect(address)
    except OSError:
        return False
    return True


def main() -> None:
    order = json.loads(sys.stdin.buffer.read(1 << 20))
    found: dict = {"read": [], "listed": {}, "could_not_write": [], "wrote": [], "connected": []}
    for path in order.get("must_not_read", []):
        if _try_read(path):
            found["read"].append(path)
    for folder, allowed in order.get("must_not_list", {}).items():
        try:
            extra = sorted(set(os.listdir(folder)) - set(allowed))
        except OSError:
            extra = []
        if extra:
            found["listed"][folder] = extra
    for path in order.get("must_write", []):
        if not _try_write(path):
            found["could_not_write"].append(path)
        elif os.path.exists(path):
            os.remove(path)
    for path in order.get("must_not_write", []):
        if _try_write(path):
            found["wrote"].append(path)
    sockets = []
    if order.get("tcp"):
        sockets.append((socket.AF_INET, ("127.0.0.1", order["tcp"]), f"127.0.0.1:{order['tcp']}"))
    if order.get("unix"):
        sockets.append((socket.AF_UNIX, order["unix"], f"the Unix socket {order['unix']}"))
    if order.get("abstract"):
        name = order["abstract"]
        sockets.append((socket.AF_UNIX, "\0" + name, f"the abstract Unix socket @{name}"))
    for family, address, words in sockets:
        if _try_connect(family, address):
            found["connected"].append(words)
    data = (json.dumps(found) + "\n").encode()
    fd = order["fd"]
    while data:
        data = data[os.write(fd, data) :]


if __name__ == "__main__":
    main()
