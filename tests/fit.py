"""What "cut off" means on a Textual screen, checked from the compositor's map.

``cut_off(screen)`` lists every place where the learner cannot see all of a
widget's text and has no way to: text clipped sideways (a line wider than its
widget, a table column squeezed to "…", a border title cut short), content
taller than a widget that cannot scroll, and a scrolling widget whose overflow
has no visible scrollbar or cannot be reached with the keyboard. A widget that
scrolls, shows its scrollbar and takes focus (so ↑/↓ and tab reach it) is not
cut off, however much it holds.
"""

from __future__ import annotations

from collections import Counter

from rich.cells import cell_len
from textual.screen import Screen
from textual.visual import Visual
from textual.widget import Widget
from textual.widgets import Footer, Static

# Characters that a wider rendering may draw differently without losing any text.
_LAYOUT = set(" \u00a0▊▎▔▁│─╭╮╰╯┌┐└┘├┤┬┴┼╶╴╸╺━")


def _chars(strips) -> Counter:
    return Counter(ch for strip in strips for ch in strip.text if ch not in _LAYOUT)


def _scrolls(widget: Widget, vertical: bool) -> bool:
    """Whether ``widget`` scrolls in this direction and has something to scroll to."""
    styles = widget.styles
    overflow = styles.overflow_y if vertical else styles.overflow_x
    if not widget.is_scrollable or overflow == "hidden":
        return False
    return (widget.max_scroll_y if vertical else widget.max_scroll_x) > 0


def _scroll_problem(widget: Widget, vertical: bool) -> str | None:
    """Why ``widget``'s overflow in this direction cannot be read, or None if it can."""
    styles = widget.styles
    if vertical:
        cue = widget.show_vertical_scrollbar and styles.scrollbar_size_vertical > 0
    else:
        cue = widget.show_horizontal_scrollbar and styles.scrollbar_size_horizontal > 0
    direction = "taller" if vertical else "wider"
    if not cue:
        return f"content {direction} than it, and no scrollbar shows it"
    if not (widget.focusable or widget.has_focus):
        return f"content {direction} than it, and no key reaches its scrollbar"
    return None


def _scrolling_ancestor(widget: Widget, vertical: bool) -> Widget | None:
    for ancestor in widget.ancestors:
        if isinstance(ancestor, Widget) and _scrolls(ancestor, vertical):
            return ancestor
        if isinstance(ancestor, Screen):
            return None
    return None


def _name(widget: Widget) -> str:
    parts = [type(widget).__name__]
    if widget.id:
        parts.append(f"#{widget.id}")
    return "".join(parts)


def _text_problems(widget: Widget) -> list[str]:
    """Text a widget renders narrower than it would like, losing characters."""
    size = widget.content_region.size
    if not isinstance(widget, Static) or size.width <= 0 or size.height <= 0:
        return []
    try:
        visual = widget._render()
    except Exception:  # a widget that cannot render outside its own paint has nothing to say
        return []
    style = widget.visual_style
    shown = Visual.to_strips(widget, visual, size.width, None, style)
    whole = Visual.to_strips(widget, visual, max(size.width, 400), None, style)
    problems = []
    lost = _chars(whole) - _chars(shown)
    if lost:
        sample = "".join(sorted(lost.elements()))[:20]
        problems.append(f"text cut at {size.width} columns (lost {sample!r})")
    if len(shown) > size.height and not _scrolls(widget, vertical=True):
        problems.append(f"{len(shown)} lines of text in {size.height} rows")
    return problems


def _title_problems(widget: Widget) -> list[str]:
    problems = []
    room = widget.outer_size.width - 4  # the corners and a space each side
    for which in ("border_title", "border_subtitle"):
        title = getattr(widget, which, None)
        if not title or not widget.styles.border_top[0]:
            continue
        plain = str(title)
        if cell_len(plain) > room:
            problems.append(f"{which.replace('_', ' ')} {plain!r} cut to {room} columns")
    return problems


def cut_off(screen: Screen, *, skip: tuple[type[Widget], ...] = (Footer,)) -> list[str]:
    """Every text on ``screen`` the learner cannot see all of (see the module's words).

    Widgets of the ``skip`` types, and everything inside them, are not checked."""
    problems: list[str] = []
    full = screen._compositor.full_map
    for widget, geometry in full.items():
        if widget is screen or not widget.display or geometry.region.area == 0:
            continue
        if any(isinstance(node, skip) for node in (widget, *widget.ancestors)):
            continue
        where = _name(widget)
        region, clip = geometry.region, geometry.clip
        if clip.intersection(region) != region:
            for vertical in (True, False):
                outside = (
                    region.y < clip.y or region.bottom > clip.bottom
                    if vertical
                    else region.x < clip.x or region.right > clip.right
                )
                if not outside:
                    continue
                ancestor = _scrolling_ancestor(widget, vertical)
                if ancestor is None:
                    problems.append(f"{where}: cut off by its container, which cannot scroll")
                    continue
                why = _scroll_problem(ancestor, vertical)
                if why:
                    problems.append(f"{_name(ancestor)}: {why}")
        for vertical in (True, False):
            if _scrolls(widget, vertical):
                why = _scroll_problem(widget, vertical)
                if why:
                    problems.append(f"{where}: {why}")
        problems.extend(f"{where}: {p}" for p in _text_problems(widget))
        problems.extend(f"{where}: {p}" for p in _title_problems(widget))
    return sorted(set(problems))
