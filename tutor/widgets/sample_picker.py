"""A dialog that picks one training sample by number, for the lab's ``i`` (inspect)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from engine.data import Dataset
from tutor.textual_compat import InOrderInput, is_live

__all__ = ["SamplePicker"]


class SamplePicker(ModalScreen[int | None]):
    """Pick a training sample by number (↑/↓ step through them); Enter dismisses
    with its index (0-based), escape with None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Previous", key_display="↑"),
        Binding("down", "move(1)", "Next", key_display="↓"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, dataset: Dataset, index: int = 0) -> None:
        super().__init__()
        self.dataset = dataset
        self.index = min(max(index, 0), len(dataset.y_train) - 1)

    def compose(self) -> ComposeResult:
        n = len(self.dataset.y_train)
        with Vertical(id="picker"):
            yield Static(f"Inspect the forward pass of training sample (1–{n}):")
            yield InOrderInput(str(self.index + 1), id="picker-index", compact=True, type="integer")
            yield Static(id="picker-sample")
            yield Static("Enter opens the graph explorer · escape cancels", classes="picker-hint")

    def on_mount(self) -> None:
        self.query_one("#picker", Vertical).border_title = "inspect"
        self._describe()

    @property
    def _answering(self) -> bool:
        """Whether the picker is the screen on top and its widgets are there: keys
        typed quickly can outrun its closing."""
        return is_live(self) and self.app.screen is self

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self._answering

    def _chosen(self) -> int | None:
        text = self.query_one(Input).value.strip()
        if not text.isdigit() or not 1 <= int(text) <= len(self.dataset.y_train):
            return None
        return int(text) - 1

    def _describe(self) -> None:
        index = self._chosen()
        note = self.query_one("#picker-sample", Static)
        if index is None:
            note.update(f"Type a number from 1 to {len(self.dataset.y_train)}.")
            return
        x = ", ".join(f"{v:.3f}" for v in self.dataset.X_train[index])
        note.update(f"x = ({x})   label {self.dataset.y_train[index]:+g}")

    @on(Input.Changed)
    @on(Input.Submitted)
    def _typed(self, event: Input.Changed | Input.Submitted) -> None:
        if not self._answering:
            return
        if isinstance(event, Input.Changed):
            self._describe()
            return
        index = self._chosen()
        if index is None:
            self.app.bell()
        else:
            self.dismiss(index)

    def action_move(self, delta: int) -> None:
        n = len(self.dataset.y_train)
        index = self._chosen()
        self.index = ((self.index if index is None else index) + delta) % n
        self.query_one(Input).value = str(self.index + 1)

    def action_cancel(self) -> None:
        self.dismiss(None)
