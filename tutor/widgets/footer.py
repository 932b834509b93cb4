"""The footer every screen shows: Textual's compact footer, built more cheaply."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from tutor.textual_compat import FooterKey


class CompactFooter(Footer):
    """``Footer(compact=True)`` whose keys are compact from the moment they are made,
    and remade only when the keys on offer have changed.

    Textual's footer tells each new key that it is compact only after the key has
    been styled, so every key is styled twice; and the footer makes its keys anew
    whenever the screen says its bindings may have changed: a dozen times while a
    screen opens, and again at every change of focus, mostly to the same keys. That
    doubled styling was about a tenth of a second of the tutor's start-up, and the
    remaking about a third of the time a lesson step takes to draw.

    When the keys would not fit the terminal's width, the last of the screen's own
    keys are left out (never escape, quit, help or the palette): Textual's footer
    would otherwise draw them under the palette key, cut. Help (?) lists them all.
    """

    def __init__(self, *, show_command_palette: bool = True) -> None:
        super().__init__(show_command_palette=show_command_palette, compact=True)
        self._shown: tuple[object, ...] | None = None
        """What the keys on show were made from; None before the first."""
        self._remake_pending = False

    def compose(self) -> ComposeResult:
        self._shown = self._keys_on_offer() if self._bindings_ready else None
        widgets = list(super().compose())
        for widget in _fitting(widgets, self.app.size.width):
            if isinstance(widget, FooterKey):
                widget.add_class("-compact", update=False)
            yield widget

    def on_resize(self) -> None:
        if self._shown is not None and self._keys_on_offer() != self._shown:
            self.call_after_refresh(self._remake_if_changed)

    def _keys_on_offer(self) -> tuple[object, ...]:
        """Everything a footer key is made from: the shown bindings, whether each is
        enabled, and their tooltips (and the palette's, which Textual adds)."""
        keys = [
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show or binding.key == self.app.COMMAND_PALETTE_BINDING
        ]
        return (self.app.size.width, *keys)  # the width decides which keys fit

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._remake_pending:
            self._remake_pending = True  # many changes before a refresh: one remake
            self.call_after_refresh(self._remake_if_changed)

    async def _remake_if_changed(self) -> None:
        self._remake_pending = False
        if not self.is_attached or self._keys_on_offer() == self._shown:
            return
        await self.recompose()


ALWAYS_SHOWN = frozenset({"escape", "ctrl+q", "question_mark"})
"""Keys the footer never leaves out for want of room (and the palette's)."""


def _key_width(key: FooterKey) -> int:
    """Cells a compact footer key takes: its key, a space, its description, a space."""
    return len(key.key_display) + 1 + (len(key.description) + 1 if key.description else 0)


def _fitting(widgets: list, width: int) -> list:
    """``widgets`` without the last droppable keys, until the rest fit in ``width``."""
    keys = [w for w in widgets if isinstance(w, FooterKey)]
    used = sum(_key_width(key) for key in keys) + 1  # the palette key's separator
    droppable = [
        key for key in keys if key.key not in ALWAYS_SHOWN and not key.has_class("-command-palette")
    ]
    dropped: set[int] = set()
    while used > width and droppable:
        key = droppable.pop()
        dropped.add(id(key))
        used -= _key_width(key)
    return [w for w in widgets if id(w) not in dropped]
