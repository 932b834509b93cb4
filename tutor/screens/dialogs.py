"""Small modal dialogs: a question with a few answers, each on its own key."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tutor.widgets.footer import CompactFooter

__all__ = ["ChoiceDialog", "TextDialog"]


class ChoiceDialog(ModalScreen[str | None]):
    """``question`` and answers ``[(key, label), ...]``; dismisses with the key
    pressed, or None on escape. Keys are letters, so they read the same everywhere."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "answer(None)", "Cancel", tooltip="Close without doing anything"),
    ]

    def __init__(self, title: str, question: str, answers: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.answers = answers

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog-box") as box:
            box.border_title = self.title_text
            yield Static(Text(self.question), id="dialog-question")
            for key, label in self.answers:
                line = Text.assemble((f" {key} ", "bold reverse"), " ", label)
                yield Static(line, classes="dialog-answer")
            yield Static(Text("escape: cancel"), classes="dialog-answer")
        yield CompactFooter()

    def on_mount(self) -> None:
        self.query_one("#dialog-box").focus()

    def on_key(self, event: events.Key) -> None:
        # The answers change from dialog to dialog, so they are keys, not BINDINGS;
        # the dialog lists them itself.
        if any(event.key == key for key, _ in self.answers):
            event.stop()
            self.dismiss(event.key)

    def action_answer(self, key: str | None) -> None:
        self.dismiss(key)


class TextDialog(ModalScreen[None]):
    """A read-only page of text (a solution), scrolled by keyboard, closed with escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Back to the workbench"),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, title: str, body: Text) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog-box", classes="-wide") as box:
            box.border_title = self.title_text
            box.border_subtitle = "↑↓ scroll · escape closes"
            yield Static(self.body, id="dialog-text")
        yield CompactFooter()

    def on_mount(self) -> None:
        self.query_one("#dialog-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)
