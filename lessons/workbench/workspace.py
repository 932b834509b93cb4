"""The learner's workspace: a folder with their own ``mygrad`` package in it.

    workspace/
        mygrad/__init__.py   from mygrad.engine import Value
        mygrad/engine.py     their Value (exercises 1-11)
        mygrad/nn.py         Module, Neuron, Layer, MLP (exercises 12-16)

The account's workspace is ``default_home()/workbench``; a named learner's is
``learner_home(name)/workbench``; ``--dir DIR`` puts one anywhere. ``init_workspace``
writes the stubs and never overwrites a file that exists: the learner's work is theirs.
The one exception is ``refresh_stubs``: a file still exactly as an older version of
the course wrote it (``OLD_STUBS``, never edited, so nothing of the learner's is in it)
becomes the stub of today's course.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lessons.progress import default_home, learner_home

__all__ = [
    "FILES",
    "OLD_STUBS",
    "REFERENCE",
    "STUBS",
    "WORKSPACE",
    "WorkspaceStatus",
    "default_workspace",
    "init_workspace",
    "refresh_stubs",
    "stub_text",
    "workspace_status",
]

WORKSPACE = "workbench"  # the folder's name under the learner's data folder
STUBS = Path(__file__).resolve().with_name("stubs")
REFERENCE = Path(__file__).resolve().with_name("reference")
FILES = ("mygrad/__init__.py", "mygrad/engine.py", "mygrad/nn.py")
ENGINE_FILE = "mygrad/engine.py"

OLD_STUBS: dict[str, tuple[str, ...]] = {
    # Before exercises 12-16 existed, nn.py was a note that they would come.
    "mygrad/nn.py": (
        '"""Your neural-network pieces: Module, Neuron, Layer and MLP.\n\n'
        "They come in the course's next part, once your Value can backpropagate (after\n"
        'exercise 11). Nothing to write here yet.\n"""\n',
    ),
}


def default_workspace(learner: str | None = None) -> Path:
    """The workspace of ``learner`` (a name), or of the account when None."""
    home = learner_home(learner) if learner is not None else default_home()
    return home / WORKSPACE


def stub_text(name: str) -> str:
    """The stub of one of ``FILES``, as ``init_workspace`` writes it."""
    return (STUBS / name).read_text(encoding="utf-8")


def init_workspace(directory: Path | str) -> list[Path]:
    """Write the stub files into ``directory`` (made if needed); returns those written.

    A file that exists is kept as it is, whatever it holds. Raises OSError when the
    folder cannot be made or written.
    """
    root = Path(directory).expanduser()
    written = []
    for name in FILES:
        target = root / name
        if target.exists() or target.is_symlink():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        text = stub_text(name)
        try:
            # "x": fails instead of overwriting a file that appeared since we looked
            with target.open("x", encoding="utf-8", newline="\n") as file:
                file.write(text)
        except FileExistsError:
            continue
        written.append(target)
    return written


def refresh_stubs(directory: Path | str) -> list[str]:
    """Replace each file of the workspace that is still an old version's stub, unedited
    (``OLD_STUBS``), with today's stub; returns the names of those replaced. A file with
    anything else in it is never touched. Raises OSError when one cannot be written."""
    root = Path(directory).expanduser()
    replaced = []
    for name, old in OLD_STUBS.items():
        target = root / name
        try:
            if target.is_symlink() or target.read_text(encoding="utf-8") not in old:
                continue
        except (OSError, UnicodeDecodeError):
            continue
        temp = target.with_name(f".{target.name}.refresh")
        try:
            temp.write_text(stub_text(name), encoding="utf-8", newline="\n")
            temp.replace(target)  # whole, or not at all
        finally:
            temp.unlink(missing_ok=True)
        replaced.append(name)
    return replaced


@dataclass(frozen=True)
class WorkspaceStatus:
    path: Path
    exists: bool  # the folder is there
    files: dict[str, str]  # each of FILES: "missing", "stub" (as written) or "edited"

    @property
    def ready(self) -> bool:
        """Can it be checked: is there a mygrad package with an engine?"""
        return self.files.get(ENGINE_FILE) in ("stub", "edited") and self.files.get(
            "mygrad/__init__.py"
        ) in ("stub", "edited")

    @property
    def missing(self) -> list[str]:
        return [name for name, state in self.files.items() if state == "missing"]

    @property
    def engine(self) -> Path:
        return self.path / ENGINE_FILE


def workspace_status(directory: Path | str) -> WorkspaceStatus:
    """What is in ``directory``: which files are there, and which are still the stubs."""
    root = Path(directory).expanduser()
    files = {}
    for name in FILES:
        target = root / name
        try:
            text = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            files[name] = "missing"
            continue
        except (OSError, UnicodeDecodeError):
            files[name] = "edited" if target.is_file() else "missing"
            continue
        unedited = text == stub_text(name) or text in OLD_STUBS.get(name, ())
        files[name] = "stub" if unedited else "edited"
    return WorkspaceStatus(root, os.path.isdir(root), files)
