"""The header at the top of a screen, safe to lose while keys are still arriving."""

from __future__ import annotations

from textual.events import Mount
from textual.widgets import Header

__all__ = ["TutorHeader"]


class TutorHeader(Header):
    """Textual's ``Header``, whose title survives its screen closing under it.

    Textual's header shows the title through watchers of the app's and the
    screen's titles, and its first showing is queued on the app when the header
    mounts. Keys that open a screen and leave it again before the app gets to
    that (a burst of keys, a slow link) make it look for its title widget after
    the screen has removed it, and Textual's header then raises ``NoMatches``.
    This one shows the title at once, and not at all on a screen being closed.
    """

    def _on_mount(self, event: Mount) -> None:
        event.prevent_default()  # instead of Header's own, not as well
        for reactable in (self.app, self.screen):
            self.watch(reactable, "title", self._show_title)
            self.watch(reactable, "sub_title", self._show_title)

    def _show_title(self) -> None:
        if not self.is_attached or self._closing or self._pruning:
            return
        shown = self.query("HeaderTitle")
        if shown:
            shown.first().update(self.format_title())  # type: ignore[attr-defined]
