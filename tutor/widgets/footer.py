"""The footer every screen shows: Textual's compact footer, built more cheaply."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

from tutor.textual_compat import FooterKey


class CompactFooter(Footer):
    """``Footer(compact=True)`` whose keys are compact from the moment they are made.

    Textual's footer tells each new key that it is compact only after the key has
    been styled, so every key is styled twice; and the footer makes its keys anew
    whenever the keys on offer change, a dozen times while a screen opens. That
    doubled styling was about a tenth of a second of the tutor's start-up.
    """

    def __init__(self, *, show_command_palette: bool = True) -> None:
        super().__init__(show_command_palette=show_command_palette, compact=True)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.add_class("-compact", update=False)
            yield widget
