"""The footer: one widget that draws the keys on offer, presses them when clicked,
and follows focus and the terminal's width."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.widgets import Input

from tutor.widgets.footer import CompactFooter


class KeysApp(App[None]):
    AUTO_FOCUS = None  # the app's own keys on show; the box takes focus when a test says

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "count('next')", "Next", tooltip="The next step"),
        Binding("right", "count('next')", "Next", show=False),
        Binding("h", "count('hint')", "Hint"),
        Binding("x", "count('never')", "Export"),
        Binding("escape", "count('escape')", "Back"),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str] = []
        self.bells = 0

    def compose(self) -> ComposeResult:
        yield Input(id="box")
        yield CompactFooter()

    def action_count(self, what: str) -> None:
        self.pressed.append(what)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "count" and parameters == ("never",):
            return None  # shown, but disabled
        return True

    def bell(self) -> None:
        self.bells += 1


def footer_of(app: App) -> CompactFooter:
    return app.screen.query_one(CompactFooter)


def line_of(app: App) -> str:
    return footer_of(app).render().plain


async def test_the_keys_are_drawn_once_each_with_the_palette_at_the_right():
    app = KeysApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = line_of(app)
        assert "^q Quit n Next h Hint x Export esc Back " in line
        assert line.count("Next") == 1  # n and → are one action: one key
        assert line.rstrip().endswith("▏^p palette")
        assert len(line) == 79  # one cell spare at the right, as Textual draws it


async def test_clicking_a_key_presses_it_and_a_disabled_key_rings_the_bell():
    app = KeysApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = line_of(app)
        footer = footer_of(app)
        await pilot.click(footer, offset=(line.index("Hint"), 0))
        await pilot.click(footer, offset=(line.index("Export"), 0))
        await pilot.pause()
        assert app.pressed == ["hint"]
        assert app.bells == 1
        await pilot.click(footer, offset=(line.index("palette"), 0))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


async def test_the_key_under_the_mouse_shows_its_tooltip():
    app = KeysApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = footer_of(app)
        await pilot.hover(footer, offset=(line_of(app).index("Next"), 0))
        await pilot.pause()
        assert footer.tooltip == "The next step"
        await pilot.hover(footer, offset=(line_of(app).index("Hint"), 0))
        await pilot.pause()
        assert footer.tooltip is None  # a key without one


async def test_the_keys_follow_focus():
    """In a text box, h and n are typed, not pressed: the footer stops offering them."""
    app = KeysApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "h Hint" in line_of(app)
        app.set_focus(app.query_one("#box"))
        await pilot.pause()
        assert "h Hint" not in line_of(app) and "n Next" not in line_of(app)
        assert "esc Back" in line_of(app)


async def test_keys_that_do_not_fit_are_left_out_but_escape_and_quit_stay():
    app = KeysApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.resize_terminal(40, 24)
        await pilot.pause()
        line = line_of(app)
        assert len(line) < 40
        assert "esc Back" in line and "^q Quit" in line and line.rstrip().endswith("^p palette")
        assert "Export" not in line  # the last of the app's own keys goes first
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert "x Export" in line_of(app)
