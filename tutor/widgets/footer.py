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
    """

    def __init__(self, *, show_command_palette: bool = True) -> None:
        super().__init__(show_command_palette=show_command_palette, compact=True)
        self._shown: tuple[object, ...] | None = None
        """What the keys on show were made from; None before the first."""
        self._remake_pending = False

    def compose(self) -> ComposeResult:
        self._shown = self._keys_on_offer() if self._bindings_ready else None
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.add_class("-compact", update=False)
            yield widget

    def _keys_on_offer(self) -> tuple[object, ...]:
        """Everything a footer key is made from: the shown bindings, whether each is
        enabled, and their tooltips (and the palette's, which Textual adds)."""
        return tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show or binding.key == self.app.COMMAND_PALETTE_BINDING
        )

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
