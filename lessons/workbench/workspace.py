"""The learner's workspace: a folder with their own ``mygrad`` package in it.

    workspace/
        mygrad/__init__.py   from mygrad.engine import Value
        mygrad/engine.py     their Value (exercises 1-11)
        mygrad/nn.py         Module, Neuron, Layer, MLP (the course's next part)

The account's workspace is ``default_home()/workbench``; a named learner's is
``learner_home(name)/workbench``; ``--dir DIR`` puts one anywhere. ``init_workspace``
writes the stubs and never overwrites a file that exists: the learner's work is theirs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lessons.progress import default_home, learner_home

__all__ = [
    "FILES",
    "REFERENCE",
    "STUBS",
    "WORKSPACE",
    "WorkspaceStatus",
    "default_workspace",
    "init_workspace",
    "stub_text",
    "workspace_status",
]

WORKSPACE = "workbench"  # the folder's name under the learner's data folder
STUBS = Path(__file__).resolve().with_name("stubs")
REFERENCE = Path(__file__).resolve().with_name("reference")
FILES = ("mygrad/__init__.py", "mygrad/engine.py", "mygrad/nn.py")
ENGINE_FILE = "mygrad/engine.py"


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
        files[name] = "stub" if text == stub_text(name) else "edited"
    return WorkspaceStatus(root, os.path.isdir(root), files)
