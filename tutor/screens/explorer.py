"""The playground: the graph explorer on a whole screen, for any expression."""

from __future__ import annotations

from typing import ClassVar

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            # Leaving makes sense only when there is a screen of ours underneath,
            # not when the playground is the whole app (micrograd-tutor playground "...").
            stack = self.app.screen_stack
            return len(stack) > 1 and not is_base_screen(stack[-2])
        return True

    def action_back(self) -> None:
        self.dismiss(None)
