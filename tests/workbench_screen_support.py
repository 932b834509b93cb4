"""What the workbench screen's tests share: the app, the learner's file, waiting for a check."""

from __future__ import annotations

import json
import time
from pathlib import Path

from lessons.progress import ProgressStore
from lessons.registry import default_curriculum
from lessons.workbench.workspace import REFERENCE, stub_text
from tutor.app import TutorApp
from tutor.screens.workbench import WorkbenchScreen
from tutor.widgets.graph_tree import GraphTree
from tutor.widgets.workbench_panels import VerdictView

SIZE = (80, 24)
ENGINE = "mygrad/engine.py"

SOLVED = (REFERENCE / "mygrad" / "engine.py").read_text(encoding="utf-8")
STUB = stub_text(ENGINE)
# The mistake everyone makes once: the second use of a node overwrites the first's grad.
OVERWRITING = SOLVED.replace(
    "            self.grad += out.grad\n            other.grad += out.grad",
    "            self.grad = out.grad\n            other.grad = out.grad",
)
assert OVERWRITING != SOLVED


def make_app(home: Path, current: str | None = None) -> TutorApp:
    if current is not None:
        home.mkdir(parents=True, exist_ok=True)
        (home / "workbench.json").write_text(json.dumps({"current": current}))
    return TutorApp(ProgressStore(home), default_curriculum(), workbench=True)


def write_engine(home: Path, text: str) -> Path:
    path = home / "workbench" / ENGINE
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.parent / "__init__.py").write_text("")
    path.write_text(text)
    return path


async def settle(pilot, timeout: float = 15.0) -> WorkbenchScreen:
    """Wait until the screen's check has finished and its verdict is drawn."""
    screen = pilot.app.screen
    deadline = time.monotonic() + timeout
    await pilot.pause()
    while time.monotonic() < deadline:
        if isinstance(screen, WorkbenchScreen) and not screen.checking:
            break
        await pilot.pause(0.05)
    await pilot.pause()
    return screen


def verdict_text(screen: WorkbenchScreen) -> str:
    return str(screen.query_one(VerdictView).render())


def tree_rows(screen: WorkbenchScreen) -> list[str]:
    tree = screen.query_one(GraphTree)
    rows = []
    stack = [tree.root]
    while stack:
        node = stack.pop()
        rows.append(tree.row_text(node))
        stack.extend(reversed(node.children))
    return rows
