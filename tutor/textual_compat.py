"""Every place the tutor leans on Textual's internals, in one module.

Textual is pinned exactly (``pyproject.toml``); these helpers and subclasses read
private attributes or override private methods of that version. When the pin
moves, ``tests/test_textual_compat.py`` fails and names this module: re-check
each item here against the new Textual before moving the pin.
"""

from __future__ import annotations

from typing import Any

from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.events import Mount
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Header
from textual.widgets._footer import FooterKey

__all__ = [
    "CHECKED_TEXTUAL_VERSION",
    "FooterKey",
    "SizeFollower",
    "TitleSafeHeader",
    "TutorCommandPalette",
    "is_base_screen",
    "is_live",
]

# The Textual release every item below was checked against.
CHECKED_TEXTUAL_VERSION = "8.2.8"


def is_live(node: DOMNode) -> bool:
    """Whether ``node`` is mounted and not on its way out.

    Timers, workers' messages and ``call_after_refresh`` callbacks can arrive after a
    screen or widget has begun to close; a query then finds nothing and raises.
    Textual marks a closing node with the private ``_closing`` / ``_pruning`` flags.
    """
    return node.is_attached and not (node._closing or node._pruning)


class SizeFollower:
    """A mixin, listed before the widget class: the widget lays its content out for its
    size, and hears of every size it gets. (Not a Widget itself: Textual takes a
    widget's CSS and component classes along the first Widget base only.)

    Subclasses put that work in ``follow_size()``, which runs once for each new size
    (counting the room its scrollbars leave). Textual tells a widget its size with a
    Resize event only when the widget's region differs from the map it compared with
    last; but a layout looks widgets up in that map as it goes (``find_widget``),
    which rebuilds it lazily, so a widget mounted meanwhile is already in the "old"
    map at its new size and never gets the event. On a busy machine that left the
    graph's columns and titles laid out for no width at all. Textual's private
    ``_size_updated`` is called for every size change, event or not.
    """

    _followed: tuple[Size, Size] | None = None

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        changed = super()._size_updated(  # type: ignore[misc]
            size, virtual_size, container_size, layout
        )
        if changed:
            self.call_later(self._follow)  # type: ignore[attr-defined]
        return changed

    def _follow(self: Any) -> None:
        if not self.is_attached:
            return
        key = (self.size, self.scrollable_content_region.size)
        if key != self._followed:
            self._followed = key
            self.follow_size()

    def follow_size(self) -> None:
        """Lay the content out for the widget's size now."""


def is_base_screen(screen: Screen) -> bool:
    """Whether ``screen`` is the app's default screen (Textual names it ``_default``):
    the bottom of the stack, with nothing under it to go back to."""
    return screen.id == "_default"


class TutorCommandPalette(CommandPalette):
    """Textual's command palette, minus two crashes found by mashing keys.

    * Page up or page down that arrive together with ctrl+p (a burst of keys over a
      slow link) reach the list before it has been laid out, and it looks up a line
      that does not exist yet. Such a key is dropped: there was nothing to page through.
    * Commands still being gathered when the palette closes are shown in it anyway,
      after its widgets have gone (the palette can still be the active screen while
      they go). They are dropped: nobody can see them any more.
    """

    def _action_command_list(self, action: str) -> None:
        try:
            super()._action_command_list(action)
        except KeyError:
            if not action.startswith("page_"):
                raise

    def _refresh_command_list(self, command_list, commands, clear_current) -> None:
        if self.is_active:
            super()._refresh_command_list(command_list, commands, clear_current)

    async def _watch__show_busy(self) -> None:
        if self.is_active:
            await super()._watch__show_busy()

    def _watch__list_visible(self) -> None:
        if self.query(CommandList):
            super()._watch__list_visible()


class TitleSafeHeader(Header):
    """Textual's ``Header``, whose title survives its screen closing under it.

    Textual's header shows the title through watchers of the app's and the
    screen's titles, and its first showing is queued on the app when the header
    mounts (``Header._on_mount``). Keys that open a screen and leave it again
    before the app gets to that (a burst of keys, a slow link) make it look for
    its title widget after the screen has removed it, and Textual's header then
    raises ``NoMatches``. This one shows the title at once, and not at all on a
    screen being closed.
    """

    def _on_mount(self, event: Mount) -> None:
        event.prevent_default()  # instead of Header's own, not as well
        for reactable in (self.app, self.screen):
            self.watch(reactable, "title", self._show_title)
            self.watch(reactable, "sub_title", self._show_title)

    def _show_title(self) -> None:
        if not is_live(self):
            return
        shown = self.query("HeaderTitle")
        if shown:
            shown.first().update(self.format_title())  # type: ignore[attr-defined]
