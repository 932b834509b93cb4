"""What the "Build micrograd" workbench looks like (issue #13): at 80×24 the result
of the ``=`` instead of ``+=`` mistake, its graph with the wrong grads marked ✗;
at 120×40 the exercise, the editor and that result at once.

The check is real (a child Python runs the file), and the snapshot is taken once it
has finished. The workspace is under a fixed $HOME so the path shown is always
``~/…``; the cursor does not blink. Regenerate on purpose with
``pytest tests/test_snapshots_workbench.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import json
import random

import pytest

from lessons.progress import ProgressStore
from lessons.registry import default_curriculum
from lessons.workbench.workspace import REFERENCE
from tutor.app import TutorApp
from tutor.widgets.workbench_panels import CodeEditor

SOLVED = (REFERENCE / "mygrad" / "engine.py").read_text(encoding="utf-8")
OVERWRITING = SOLVED.replace(
    "            self.grad += out.grad\n            other.grad += out.grad",
    "            self.grad = out.grad\n            other.grad = out.grad",
)


@pytest.fixture
def app(tmp_path, monkeypatch) -> TutorApp:
    random.seed(1337)
    monkeypatch.setenv("HOME", str(tmp_path))
    home = tmp_path / "home"
    engine = home / "workbench" / "mygrad" / "engine.py"
    engine.parent.mkdir(parents=True)
    (engine.parent / "__init__.py").write_text("")
    engine.write_text(OVERWRITING)
    (home / "workbench.json").write_text(json.dumps({"current": "reuse"}))
    return TutorApp(ProgressStore(home), default_curriculum(), workbench=True)


async def checked(pilot) -> None:
    for _ in range(300):
        await pilot.pause(0.05)
        if not getattr(pilot.app.screen, "checking", True):
            break
    for editor in pilot.app.screen.query(CodeEditor):
        editor.cursor_blink = False
    await pilot.pause()


def test_workbench_80x24_the_overwriting_mistake(snap_compare, app):
    async def show_the_result(pilot):
        await checked(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=show_the_result)


def test_workbench_120x40_everything_at_once(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 40), run_before=checked)
