"""The notice shown instead of a layout that would not fit the terminal."""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import Static

# Below this every screen would cut something essential off; 80×24 is the size
# the layouts are designed for, this is the least they still work at.
MIN_WIDTH = 60
MIN_HEIGHT = 20


def is_too_small(size: Size) -> bool:
    return size.width < MIN_WIDTH or size.height < MIN_HEIGHT


def too_small_message(size: Size) -> str:
    return (
        f"terminal too small — need at least {MIN_WIDTH}×{MIN_HEIGHT} "
        f"(now {size.width}×{size.height})"
    )


class TooSmallNotice(Static):
    """One line saying how big the terminal must be, and how big it is now."""

    def show_size(self, size: Size) -> None:
        self.update(too_small_message(size))
