"""What the playground looks like at 80×24, before and after a backward pass.

Regenerate after a deliberate change with ``pytest --snapshot-update`` and look
at the report before accepting it.
"""

from __future__ import annotations

from pathlib import Path

from lessons import default_curriculum
from lessons.progress import ProgressStore
from tutor.app import TutorApp

LECTURE = "a = 2.0; b = -3.0; c = 10.0; e = a*b; d = e + c; f = -2.0; L = d*f"
STYLESHEET = Path(__file__).resolve().parent.parent / "tutor" / "tutor.tcss"


class PlaygroundApp(TutorApp):
    CSS_PATH = STYLESHEET  # a relative path would be looked up beside this test file


def playground(tmp_path: Path) -> PlaygroundApp:
    return PlaygroundApp(ProgressStore(tmp_path / "home"), default_curriculum(), playground=LECTURE)


def test_playground_before_backward(snap_compare, tmp_path):
    assert snap_compare(playground(tmp_path), terminal_size=(80, 24))


def test_playground_after_backward_on_a_leaf(snap_compare, tmp_path):
    # b runs backward; the cursor then moves down to the leaf a to show its slope check.
    press = ["b", "down", "down", "down"]
    assert snap_compare(playground(tmp_path), press=press, terminal_size=(80, 24))


def test_playground_in_the_middle_of_a_step_by_step_walk(snap_compare, tmp_path):
    assert snap_compare(playground(tmp_path), press=["s", "s", "s"], terminal_size=(80, 24))
