"""A screen that covers everything while the terminal is below the minimum size."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.screen import ModalScreen

from tutor.widgets.too_small import TooSmallNotice


class TooSmallScreen(ModalScreen[None]):
    """Covers the screen below it until the app pops it on the next big-enough resize.

    Modal, so the keys of the hidden screen cannot act on a layout the learner
    cannot see; ctrl+q still quits because it is a priority binding of the app.
    The app's other keys (the command palette, help) are off while it shows.
    """

    APP_ACTIONS: ClassVar[frozenset[str]] = frozenset({"quit", "help_quit"})
    """The app's actions still open while this covers it: quitting, and ctrl+c's hint."""

    def compose(self) -> ComposeResult:
        yield TooSmallNotice()

    def on_mount(self) -> None:
        self.query_one(TooSmallNotice).show_size(self.app.size)

    def on_resize(self, event: events.Resize) -> None:
        self.query_one(TooSmallNotice).show_size(event.size)
