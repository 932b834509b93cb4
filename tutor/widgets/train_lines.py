"""The lines under the training lab's charts: how the learner's engine compares with
the tutor's (on a run of theirs), a notice of how the run ended, and the status line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

__all__ = ["TrainLines"]


class TrainLines(Vertical):
    """Attributes down: the screen calls :meth:`show` with the text of each line;
    a line is repainted only when its text changes, and an empty one takes no room."""

    DEFAULT_CSS = """
    TrainLines {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[str, str, str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="train-engines")
        yield Static(id="train-notice")
        yield Static(id="train-status")

    def show(self, status: str, notice: str = "", match: str = "", match_kind: str = "") -> None:
        """``status`` (one line), ``notice`` (why the run stopped), ``match`` (how the
        learner's engine compares) with its CSS class ``match_kind``."""
        before = self._shown or ("", "", "", "")
        self._shown = (status, notice, match, match_kind)
        if status != before[0]:
            # A fixed-size line: no layout pass needed, only a repaint of it.
            self.query_one("#train-status", Static).update(status, layout=False)
        if notice != before[1]:
            widget = self.query_one("#train-notice", Static)
            widget.update(notice)
            widget.set_class(bool(notice), "-shown")
        if (match, match_kind) != before[2:]:
            widget = self.query_one("#train-engines", Static)
            widget.update(match)
            widget.set_classes({"-shown", match_kind} if match else set())
