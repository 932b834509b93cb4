"""The playground: the graph explorer on a whole screen, for any expression."""

from __future__ import annotations

import re
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen

from engine import Value
from tutor.textual_compat import is_base_screen
from tutor.widgets.footer import CompactFooter
from tutor.widgets.graph_explorer import GraphExplorer
from tutor.widgets.header import TutorHeader

__all__ = ["ExplorerScreen"]


class ExplorerScreen(Screen[None]):
    """A full-screen :class:`GraphExplorer` around ``source``."""

    TITLE = "Playground"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Leave the playground"),
    ]

    def __init__(
        self,
        source: str,
        *,
        root: Value | None = None,
        title: str = "",
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        self.source = source
        self.root = root
        self.title_given = title
        """What the graph is, for the header (shortened where the header is narrow)."""
        if title:
            self.sub_title = title

    @classmethod
    def for_value(cls, root: Value, *, title: str = "") -> ExplorerScreen:
        """The explorer on a graph made in code, such as the training lab's forward
        pass through a network: read-only, since there is no text to edit."""
        return cls("", root=root, title=title)

    def compose(self) -> ComposeResult:
        yield TutorHeader()
        yield GraphExplorer(self.source, root=self.root, id="explorer")
        yield CompactFooter()

    def on_mount(self) -> None:
        self.query_one(GraphExplorer).focus()

    def on_resize(self, event: events.Resize) -> None:
        self._fit_title(event.size.width)

    def _fit_title(self, width: int) -> None:
        """A long title loses its bracketed part, then all but its first words, rather
        than being cut off mid-word by the header."""
        title = self.title_given
        if not title:
            return
        # The header centres its text between an icon and a clock's space (9 columns each).
        room = width - 18 - len(f"{self.app.title} — {self.TITLE} · ")
        shorter = re.sub(r"\s*\([^)]*\)", "", title)
        fits = [t for t in (title, shorter, shorter.split(" after ")[0]) if len(t) <= room]
        self.sub_title = fits[0] if fits else shorter.split(" after ")[0]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            # Leaving makes sense only when there is a screen of ours underneath,
            # not when the playground is the whole app (micrograd-tutor playground "...").
            stack = self.app.screen_stack
            return len(stack) > 1 and not is_base_screen(stack[-2])
        return True

    def action_back(self) -> None:
        self.dismiss(None)
