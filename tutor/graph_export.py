"""Where the graph explorer's ``x`` puts its files when the tutor is shared (``serve``).

Alone at a terminal, the learner's own current folder is the place (the explorer
writes there). A shared tutor runs in the *server's* folder, as the account that
serves: there, every learner's exports go into their own folder in the data home,
and only the last :data:`EXPORTS_KEPT` are kept (the oldest goes first), none larger
than :data:`EXPORT_MAX_BYTES`, so forty presses of ``x`` cost a few files, not a disk.
In a browser the files are then offered for download too (``GraphExplorer``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = [
    "EXPORTS_FOLDER",
    "EXPORTS_KEPT",
    "EXPORT_MAX_BYTES",
    "ExportTooLarge",
    "save_learner_export",
]

EXPORTS_FOLDER = "exports"
EXPORTS_KEPT = 5
"""graph-N.dot/.svg pairs kept in a learner's exports folder."""
EXPORT_MAX_BYTES = 2 * 2**20
"""The most one exported file may hold (a screenshot of the largest screen allowed is
well under it; the bound is for a graph no lesson would build)."""

_NUMBERED = re.compile(r"graph-([0-9]{1,9})\.(dot|svg)")


class ExportTooLarge(ValueError):
    """The graph's files would be larger than EXPORT_MAX_BYTES."""


def _numbers(folder: Path) -> list[int]:
    found = set()
    for entry in os.listdir(folder):
        if match := _NUMBERED.fullmatch(entry):
            found.add(int(match.group(1)))
    return sorted(found)


def save_learner_export(
    home: Path, dot: str, svg: str, *, keep: int = EXPORTS_KEPT
) -> tuple[Path, Path]:
    """Write ``graph-N.dot`` and ``graph-N.svg`` (N one more than any there) into
    ``home``'s exports folder, then remove the oldest pairs beyond ``keep``.

    Raises ExportTooLarge, or OSError (also for an exports folder that is a link:
    a shared tutor writes only inside the learner's own folder)."""
    files = {"dot": dot.encode("utf-8"), "svg": svg.encode("utf-8")}
    largest = max(len(data) for data in files.values())
    if largest > EXPORT_MAX_BYTES:
        raise ExportTooLarge(
            f"the graph's files would be {largest / 2**20:.1f} MB, "
            f"more than the {EXPORT_MAX_BYTES / 2**20:.0f} MB a shared tutor keeps"
        )
    folder = home / EXPORTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    if folder.is_symlink() or not folder.is_dir():
        raise OSError(f"{folder} is not a folder of its own")
    numbers = _numbers(folder)
    number = (numbers[-1] if numbers else 0) + 1
    paths = {kind: folder / f"graph-{number}.{kind}" for kind in files}
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for kind, path in paths.items():
        # O_EXCL: never overwrite, nor write through a link planted under the name.
        descriptor = os.open(path, flags, 0o644)
        with open(descriptor, "wb") as file:
            file.write(files[kind])
    for old in [n for n in _numbers(folder) if n != number][: max(0, len(numbers) + 1 - keep)]:
        for kind in files:
            (folder / f"graph-{old}.{kind}").unlink(missing_ok=True)
    return paths["dot"], paths["svg"]
