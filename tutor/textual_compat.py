"""Every place the tutor leans on Textual's internals, in one module.

Textual is pinned exactly (``pyproject.toml``); these helpers and subclasses read
private attributes or override private methods of that version. When the pin
moves, ``tests/test_textual_compat.py`` fails and names this module: re-check
each item here against the new Textual before moving the pin.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any, cast
from weakref import WeakSet

from textual.app import App, ScreenStackError
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode, NoScreen
from textual.events import DescendantFocus, Key, Mount, Resize, ScreenResume
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Input

__all__ = [
    "CHECKED_TEXTUAL_VERSION",
    "MAX_TERMINAL_SIZE",
    "CompatApp",
    "FocusRestylesSelf",
    "InOrderInput",
    "InOrderKeys",
    "SizeFollower",
    "StyledOnce",
    "TitleSafeHeader",
    "TutorCommandPalette",
    "bounded_size",
    "is_base_screen",
    "is_live",
]

# The Textual release every item below was checked against.
CHECKED_TEXTUAL_VERSION = "8.2.8"

# The largest terminal the tutor lays out for. Textual trusts whatever size its
# driver reports, and the web driver takes it from the browser's websocket as sent:
# 20000×20000 cells took a tutor to 1.5 GB in 3 s. Larger is drawn at this size.
MAX_TERMINAL_SIZE = Size(500, 200)
# What a size that is not a number at all (a hostile or broken client) stands for.
FALLBACK_TERMINAL_SIZE = Size(80, 24)


class InOrderKeys:
    """For a widget that types: it takes a burst of keys in the order they came.

    Textual types a printable key the moment the focused widget receives it, but runs
    the widget's own key bindings (backspace, delete, the arrows, home, end, enter)
    only when the key has bubbled up to the app, several messages later. Keys that
    arrive together (typed fast over SSH, where a slow link delivers them in one
    packet, or sent by the browser in one message) then happen out of order: in an
    answer box ``4`` ⌫ ``5`` ⏎ submitted "4", and after a wrong answer ⌫ ``4`` ⏎ said
    "Type an answer first" and left 4 in the box; in the editor ``end`` ``X`` put the X
    at the start of the line. Here the widget's own bindings run as soon as their key
    arrives, as Textual would run them first anyway (the focused widget's come first;
    priority bindings have been tried before the widget sees the key).
    """

    async def _on_key(self, event: Key) -> None:
        if event.is_printable:
            return  # the widget types it, now
        widget = cast("Widget", self)
        for binding in widget._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await widget.app.run_action(binding.action, widget):
                event.stop()
                event.prevent_default()
                return


class InOrderInput(InOrderKeys, Input):
    """An ``Input`` that takes a burst of keys in the order they came (``InOrderKeys``)."""


def is_live(node: DOMNode) -> bool:
    """Whether ``node`` is mounted and not on its way out.

    Timers, workers' messages and ``call_after_refresh`` callbacks can arrive after a
    screen or widget has begun to close; a query then finds nothing and raises.
    Textual marks a closing node with the private ``_closing`` / ``_pruning`` flags.
    """
    return node.is_attached and not (node._closing or node._pruning)


def bounded_size(width: object, height: object, fallback: Size = FALLBACK_TERMINAL_SIZE) -> Size:
    """A terminal size the tutor can lay out: each side clamped to 1 … ``MAX_TERMINAL_SIZE``;
    a side that is not a finite number (``None``, a string, NaN) takes ``fallback``'s."""
    return Size(
        _bounded_side(width, MAX_TERMINAL_SIZE.width, fallback.width),
        _bounded_side(height, MAX_TERMINAL_SIZE.height, fallback.height),
    )


def _bounded_side(value: object, largest: int, fallback: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return fallback
    if isinstance(value, float) and math.isnan(value):
        return fallback
    return int(min(max(value, 1), largest))


class CompatApp(App[None]):
    """Textual's ``App`` with two repairs for a tutor in a browser (the web driver).

    **The terminal size is bounded**, whatever the driver reports. Every driver
    tells the app its size by posting it a ``Resize`` event (the web driver straight
    from the browser's message, ``Pilot.resize_terminal`` too), and ``App.size``
    reads the driver's private ``_size`` until the first one arrives. Both pass
    through here, so no screen is ever laid out larger than ``MAX_TERMINAL_SIZE``.

    **A screen shown while the app was blurred gets its ``AUTO_FOCUS`` when the app
    is focused.** The web driver starts the app blurred (the browser has not said
    it has focus yet), and Textual then skips a new screen's auto focus; when the
    first key arrives it focuses the app again but only gives back a widget that
    had focus at the blur. So the first screen's box had no focus, and the keys
    typed into it went nowhere. A screen that has had focus before keeps Textual's
    behaviour (nothing focused stays so: escape out of an answer box means it).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._screens_focused: WeakSet[Screen] = WeakSet()

    def post_message(self, message: Message) -> bool:
        if isinstance(message, Resize):
            fallback = self._size if self._size is not None else FALLBACK_TERMINAL_SIZE
            size = bounded_size(*_two_sides(message.size), fallback=fallback)
            message.size = message.virtual_size = message.container_size = size
        return super().post_message(message)

    @property
    def size(self) -> Size:
        return bounded_size(*_two_sides(super().size))

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        with contextlib.suppress(NoScreen):
            self._screens_focused.add(event.widget.screen)

    def watch_app_focus(self, focus: bool) -> None:
        # Called after Textual's own watcher, which gives back the widget it took.
        try:
            screen = self.screen
        except ScreenStackError:
            return
        if not focus or screen.focused is not None or screen in self._screens_focused:
            return
        selector = screen.AUTO_FOCUS if screen.AUTO_FOCUS is not None else self.AUTO_FOCUS
        if not selector:
            return
        for widget in screen.query(selector):
            if widget.focusable:
                screen.set_focus(widget)
                return


class FocusRestylesSelf:
    """A mixin, listed before the widget class: taking or losing focus restyles the
    widget alone. Textual's ``watch_has_focus`` restyles the widget with everything
    inside it, for rules such as ``Parent:focus Child``; only for a widget whose
    content no rule styles by its focus."""

    def watch_has_focus(self, _has_focus: bool) -> None:
        self.app.stylesheet.update_nodes([self], animate=True)  # type: ignore[attr-defined]


class StyledOnce:
    """A mixin, listed before ``Screen``: the screen is not styled a second time when
    it is first shown.

    Textual restyles every widget of a screen whenever it is shown (``ScreenResume``),
    for what may have changed while another screen was on top; the first time, every
    widget was styled as it was mounted, a moment before. For the training lab that
    second pass was an eighth of the CPU it took to open. Later showings restyle as
    Textual does. (A subclass's own ``on_screen_resume`` must call this one.)
    """

    _shown_once = False

    def on_screen_resume(self, event: ScreenResume) -> None:
        if not self._shown_once:
            self._shown_once = True
            event.refresh_styles = False


def _two_sides(size: object) -> tuple[object, object]:
    """A size's width and height, however it came (a ``Size``, a tuple, or junk)."""
    try:
        width, height = size  # type: ignore[misc]
    except (TypeError, ValueError):
        return None, None
    return width, height


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
