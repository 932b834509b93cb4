"""Every place the tutor leans on Textual's internals, in one module.

Textual is pinned exactly (``pyproject.toml``); these helpers and subclasses read
private attributes or override private methods of that version. When the pin
moves, ``tests/test_textual_compat.py`` fails and names this module: re-check
each item here against the new Textual before moving the pin.
"""

from __future__ import annotations

from textual.dom import DOMNode
from textual.screen import Screen

__all__ = ["CHECKED_TEXTUAL_VERSION", "is_base_screen", "is_live"]

# The Textual release every item below was checked against.
CHECKED_TEXTUAL_VERSION = "8.2.8"


def is_live(node: DOMNode) -> bool:
    """Whether ``node`` is mounted and not on its way out.

    Timers, workers' messages and ``call_after_refresh`` callbacks can arrive after a
    screen or widget has begun to close; a query then finds nothing and raises.
    Textual marks a closing node with the private ``_closing`` / ``_pruning`` flags.
    """
    return node.is_attached and not (node._closing or node._pruning)


def is_base_screen(screen: Screen) -> bool:
    """Whether ``screen`` is the app's default screen (Textual names it ``_default``):
    the bottom of the stack, with nothing under it to go back to."""
    return screen.id == "_default"
