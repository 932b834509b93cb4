"""The footer every screen shows: the keys on offer, drawn as one line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

__all__ = ["ALWAYS_SHOWN", "CompactFooter", "FooterItem"]


@dataclass(frozen=True)
class FooterItem:
    """One key the footer offers."""

    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str
    palette: bool = False
    """The command palette's key, drawn at the right end."""

    @property
    def width(self) -> int:
        """Cells it takes: its key, a space and its description (and a space after)."""
        return cell_len(self.display) + (1 + cell_len(self.description) if self.description else 0)


ALWAYS_SHOWN = frozenset({"escape", "ctrl+q", "question_mark"})
"""Keys the footer never leaves out for want of room (nor the palette's)."""


class CompactFooter(Widget, can_focus=False):
    """What ``Footer(compact=True)`` shows, drawn by one widget instead of one per key.

    Textual's footer makes a widget for every key, and makes them all anew whenever
    the screen says its bindings may have changed (at every change of step and of
    focus): each time they are styled, laid out and drawn, and the screen laid out
    again, about a fifth of the CPU a lesson step took to draw. This footer only
    draws its line again, and only when the keys on offer have changed.

    A key is pressed by clicking it (a disabled one rings the bell), shows its
    tooltip under the mouse, and is highlighted there. When the keys would not fit
    the width, the last of the screen's own keys are left out (never escape, quit,
    help or the palette); help (?) lists them all.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "footer-key--key",
        "footer-key--description",
        "footer-key--hover",
        "footer-key--separator",
    }
    DEFAULT_CSS = """
    CompactFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .footer-key--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        .footer-key--separator {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, show_command_palette: bool = True) -> None:
        super().__init__()
        self.show_command_palette = show_command_palette
        self.items: tuple[FooterItem, ...] = ()
        """The keys on show, the palette's last."""
        self._spans: list[tuple[int, int, FooterItem]] = []
        """Where each key is drawn: its first cell and the cell after its last."""
        self._hovered: FooterItem | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        if self.screen.is_current:
            self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        # With the terminal's focus gone, focus is taken from the focused widget for a
        # while: its keys would go and come back. Textual's footer waits too.
        if not self.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        self._show(self.keys_on_offer())

    def on_resize(self) -> None:
        self._show(self.keys_on_offer())

    def _show(self, items: tuple[FooterItem, ...]) -> None:
        if items != self.items:
            self.items = items
            self.refresh()

    def keys_on_offer(self) -> tuple[FooterItem, ...]:
        """The screen's keys that are shown, one per action as Textual's footer has
        them, fitted to the width, and the palette's key."""
        app = self.app
        bindings = self.screen.active_bindings
        items: list[FooterItem] = []
        actions: set[str] = set()
        for _node, binding, enabled, tooltip in bindings.values():
            if binding.show and binding.action not in actions:
                actions.add(binding.action)
                display = app.get_key_display(binding)
                items.append(
                    FooterItem(binding.key, display, binding.description, enabled, tooltip)
                )
        palette: FooterItem | None = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = bindings.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, _tooltip = found
                tip = binding.tooltip or binding.description
                display = app.get_key_display(binding)
                palette = FooterItem(binding.key, display, binding.description, enabled, tip, True)
        # One cell to spare at the right, and the palette's key with its separator.
        room = (self.size.width or app.size.width) - 1
        if palette is not None:
            room -= palette.width + 1
        kept = _fitting(items, room)
        return (*kept, palette) if palette is not None else tuple(kept)

    def render(self) -> Text:
        width = self.size.width
        key_style = self.get_component_rich_style("footer-key--key")
        description_style = self.get_component_rich_style("footer-key--description")
        hover_style = self.get_component_rich_style("footer-key--hover")
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, FooterItem]] = []

        def draw(item: FooterItem) -> None:
            start = line.cell_len
            line.append(item.display, key_style)
            if item.description:
                line.append(" " + item.description, description_style)
            if item == self._hovered:
                line.stylize(hover_style, start)
            if not item.enabled:
                line.stylize(Style(dim=True), start)
            spans.append((start, line.cell_len, item))

        palette = None
        for item in self.items:
            if item.palette:
                palette = item
                continue
            if spans:
                line.append(" ")
            draw(item)
        if palette is not None:
            # At the right end, after its separator, with one cell to spare.
            line.pad_right(max(0, width - palette.width - 2 - line.cell_len))
            line.append("▏", self.get_component_rich_style("footer-key--separator"))
            draw(palette)
        self._spans = spans
        return line

    def _item_at(self, x: int) -> FooterItem | None:
        return next((item for start, end, item in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        item = self._item_at(event.x)
        if item != self._hovered:
            self._hovered = item
            self.tooltip = item.tooltip if item is not None and item.tooltip else None
            self.refresh()

    def on_leave(self) -> None:
        if self._hovered is not None:
            self._hovered = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        item = self._item_at(event.x)
        if item is None:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()


def _fitting(items: list[FooterItem], width: int) -> list[FooterItem]:
    """``items`` without the last droppable keys, until the rest fit in ``width``."""
    used = sum(item.width + 1 for item in items)
    droppable = [item for item in items if item.key not in ALWAYS_SHOWN]
    dropped: set[int] = set()
    while used > width and droppable:
        item = droppable.pop()
        dropped.add(id(item))
        used -= item.width + 1
    return [item for item in items if id(item) not in dropped]
