"""ASCII mode: no character outside ASCII reaches the screen, and the text still reads.

The screen tests look at what Textual would send to the terminal (its SVG
screenshot, which holds every layer: toasts, the command palette, modal screens)
and fail on any character that is not ASCII, naming it with the line it is on.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from lessons.progress import ProgressStore
from lessons.registry import all_lessons, default_curriculum
from tutor.app import TutorApp
from tutor.ascii_mode import ascii_key_display, ascii_line
from tutor.screens.lesson import LessonScreen
from tutor.terminal import ascii_text, locale_charset, wants_ascii

SIZE = (80, 24)
LECTURE = "a = 2.0; b = -3.0; c = 10.0; e = a*b; d = e + c; f = -2.0; L = d*f"


def spelled(text: str) -> str:
    return "".join(segment.text for segment in ascii_line([Segment(text)]))


# -- spelling one line ------------------------------------------------------------------


def test_math_gets_its_ascii_spelling_where_the_line_has_room():
    assert spelled("f(x) = 3x² − 4x + 5      ") == "f(x) = 3x^2 - 4x + 5     "
    assert spelled("∂L/∂c = ∂L/∂d · ∂d/∂c") == "dL/dc = dL/dd * dd/dc"
    assert spelled("(e²ⁿ − 1)     ") == "(e^(2n) - 1)  "
    assert spelled("go to lesson …   ") == "go to lesson ... "
    assert spelled("0 → 1 → 2     ") == "0 -> 1 -> 2   "


def test_a_long_spelling_takes_its_room_from_the_next_run_of_spaces_only():
    # The arrow borrows from the two spaces after "b"; the column of "|" does not move.
    assert spelled("a → b  | c") == "a -> b | c"
    # No run of two spaces after it (a full line): one character, so nothing moves.
    assert spelled("x → y | z") == "x > y | z"
    # A run keeps at least one space, so words never run together.
    assert spelled("x² y") == "x2 y"


def test_lines_and_blocks_become_ascii_boxes_and_bars():
    assert spelled("╭─ graph ─╮") == "+- graph -+"
    assert spelled("│├── ▼ d  —│") == "|+-- v d  -|"
    assert spelled("███░░░░░░░ 3/10") == "###....... 3/10"
    assert spelled("▊▔▔▔▎") == "|---|"


def test_styles_stay_on_their_cells_and_controls_pass_through():
    bold = Style(bold=True)
    control = Segment("", None, [(1,)])  # type: ignore[list-item]
    segments = [Segment("a ", None), Segment("∂L", bold), control, Segment("  ", None)]
    out = ascii_line(segments)
    assert [(segment.text, segment.style) for segment in out] == [
        ("a ", None),
        ("dL", bold),
        ("", None),
        ("  ", None),
    ]
    assert out[2].control == [(1,)]


def test_an_ascii_line_is_returned_as_it_is():
    segments = [Segment("plain", Style(bold=True)), Segment(" text")]
    assert ascii_line(segments) is segments


TUTOR_GLYPHS = "∂−—×·→←↑↓…²³ⁿ≤≥≈±∞✓✗•▼▶◀─│╭╮╰╯├└┌█░▁▔▊⣿⠁🔎漢é\u0301ﬁ\u00a0"


@given(st.text(alphabet=st.sampled_from(TUTOR_GLYPHS + "ab1 |-"), max_size=60))
def test_every_line_comes_out_ascii_in_exactly_as_many_cells(text):
    out = spelled(text)
    assert out.isascii()
    assert cell_len(out) == cell_len(text)


def test_key_names_replace_arrows():
    assert ascii_key_display("↑ ↓") == "up down"
    assert ascii_key_display("shift+← ⏎") == "shift+left enter"
    assert ascii_text("Neuron → Layer → MLP, ∂L/∂a ≥ 0") == "Neuron -> Layer -> MLP, dL/da >= 0"


# -- when ASCII mode comes on by itself -------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "utf8_mode", "ascii"),
    [
        ({"LANG": "en_US.UTF-8"}, False, False),
        ({"LANG": "C.UTF-8"}, False, False),
        ({"LANG": "zh_CN.GB18030"}, False, False),
        ({"LANG": "C"}, False, True),
        ({"LC_ALL": "POSIX"}, True, True),
        ({}, False, True),  # no locale at all is the C locale
        ({"LC_ALL": "C", "LANG": "en_US.UTF-8"}, True, True),  # LC_ALL wins
        ({"LC_CTYPE": "en_US.UTF-8", "LANG": "C"}, False, False),  # then LC_CTYPE
        ({"LANG": "en_US.ISO-8859-1"}, False, True),
        ({"LANG": "de_DE"}, False, True),  # no character set named: de_DE's own, Latin-1
        # Python found LANG=C, set LC_CTYPE=C.UTF-8 itself and went into UTF-8 mode:
        ({"LC_CTYPE": "C.UTF-8", "LANG": "C"}, True, True),
        # ... but a learner's own LC_CTYPE=C.UTF-8 (no UTF-8 mode then) counts.
        ({"LC_CTYPE": "C.UTF-8", "LANG": "C"}, False, False),
        ({"LC_CTYPE": "C.UTF-8", "LANG": "en_US.UTF-8"}, True, False),
    ],
)
def test_the_locale_decides_when_nothing_else_does(environ, utf8_mode, ascii):
    assert wants_ascii(None, environ, utf8_mode=utf8_mode, output_encoding="utf-8") is ascii


def test_the_flag_beats_the_variable_which_beats_the_locale():
    utf8 = {"LANG": "en_US.UTF-8"}
    c = {"LANG": "C"}
    assert wants_ascii(None, {**utf8, "MICROGRAD_TUTOR_ASCII": "1"}, utf8_mode=False)
    assert not wants_ascii(None, {**c, "MICROGRAD_TUTOR_ASCII": "off"}, utf8_mode=False)
    assert wants_ascii(None, {**c, "MICROGRAD_TUTOR_ASCII": "maybe"}, utf8_mode=False)
    assert not wants_ascii(False, {**c, "MICROGRAD_TUTOR_ASCII": "1"}, utf8_mode=False)
    assert wants_ascii(True, {**utf8, "MICROGRAD_TUTOR_ASCII": "0"}, utf8_mode=False)


def test_an_output_stream_that_cannot_carry_lines_means_ascii():
    utf8 = {"LANG": "en_US.UTF-8"}
    assert wants_ascii(None, utf8, utf8_mode=False, output_encoding="latin-1")
    assert not wants_ascii(None, utf8, utf8_mode=False, output_encoding="utf-8")


def test_the_charset_is_read_as_the_c_library_reads_it():
    assert locale_charset({"LANG": "en_US.utf8@latin"}, utf8_mode=False) == "UTF-8"
    assert locale_charset({"LANG": "ja_JP"}, utf8_mode=False) == "eucJP"
    assert locale_charset({"LC_ALL": "", "LANG": "C"}, utf8_mode=False) == ""


# -- whole screens -------------------------------------------------------------------------


def screen_lines(svg: str) -> list[str]:
    """The screen's lines, read back from a Textual SVG screenshot. Rich writes one
    <text> per run of a style, placed by x, leaving blank runs out; it escapes & < >
    and quotes, and writes every space as &#160; (any other character as it is)."""
    rows: dict[str, str] = {}
    pattern = r'<text [^>]*?x="([\d.]+)" y="([\d.]+)" textLength="([\d.]+)"[^>]*>([^<]*)</text>'
    for x, y, length, escaped in re.findall(pattern, svg):
        text = html.unescape(escaped.replace("&#160;", " "))
        if not cell_len(text):
            continue  # nothing to place (an empty run)
        column = round(float(x) / (float(length) / cell_len(text)))
        rows[y] = rows.get(y, "").ljust(column) + text
    return list(rows.values())


def non_ascii_lines(svg: str) -> list[str]:
    """The lines on screen that hold a character outside ASCII (there should be none)."""
    found = [line for line in screen_lines(svg) if not line.isascii()]
    outside_text = re.sub(r"<text [^>]*>[^<]*</text>", "", svg)
    if not outside_text.isascii():
        found.append(f"(outside the text) {sorted(set(outside_text) - set(map(chr, range(128))))}")
    return found


def screen_text(svg: str) -> str:
    return "\n".join(screen_lines(svg))


def make_app(tmp_path: Path, ascii_only: bool = True, **start) -> TutorApp:
    store = ProgressStore(tmp_path / "home")
    store.complete_lesson("derivative-as-slope")
    store.complete_step("values-and-graphs", 0)
    return TutorApp(store, default_curriculum(), ascii_only=ascii_only, **start)


async def lessons_list(pilot):
    await pilot.press("escape", "escape")


async def lesson_with_feedback_and_a_hint(pilot):
    await pilot.press("n", *"-2", "enter", "h")


async def slope_table(pilot):
    await pilot.press("n")


async def choice_question(pilot):
    await pilot.app.screen.show_step(3)


async def backward_then_a_leaf(pilot):
    await pilot.press("b", "down", "down", "down")


async def stepping_backward(pilot):
    await pilot.press("s", "s", "s")


async def editing(pilot):
    await pilot.press("e", "end", "plus", "ctrl+s")


async def help_page(pilot):
    await pilot.press("question_mark")


async def command_palette(pilot):
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)


async def a_notification(pilot):
    pilot.app.notify("Progress was not saved — the folder is read-only", severity="warning")


async def too_small(pilot):
    await pilot.resize_terminal(50, 18)


SCREENS = {
    "lessons list": ({}, lessons_list),
    "a lesson's text": ({"lesson": "1"}, None),
    "a wrong answer and a hint": ({"lesson": "3"}, lesson_with_feedback_and_a_hint),
    "the slope table": ({"lesson": "1"}, slope_table),
    "a choice": ({"lesson": "2"}, choice_question),
    "playground after backward": ({"playground": LECTURE}, backward_then_a_leaf),
    "playground stepping": ({"playground": LECTURE}, stepping_backward),
    "playground with an error": ({"playground": LECTURE}, editing),
    "help": ({"lesson": "1"}, help_page),
    "command palette": ({"lesson": "1"}, command_palette),
    "a notification": ({"lesson": "1"}, a_notification),
    "too small a terminal": ({"lesson": "1"}, too_small),
}


async def screenshot(app: TutorApp, action, size=SIZE) -> str:
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.pause()
        if action is not None:
            await action(pilot)
        await pilot.pause()
        return app.export_screenshot()


@pytest.mark.parametrize("name", SCREENS)
async def test_every_screen_is_drawn_in_ascii(name, tmp_path):
    start, action = SCREENS[name]
    assert non_ascii_lines(await screenshot(make_app(tmp_path, **start), action)) == []


@pytest.mark.parametrize("name", ["lessons list", "playground after backward", "help"])
async def test_without_ascii_mode_the_same_screens_draw_lines(name, tmp_path):
    """The check above can fail: the same screens, drawn normally, use line drawing."""
    start, action = SCREENS[name]
    svg = await screenshot(make_app(tmp_path, ascii_only=False, **start), action)
    assert any("─" in line or "│" in line for line in non_ascii_lines(svg))


async def test_the_wide_playground_and_its_tree_are_ascii(tmp_path):
    app = make_app(tmp_path, playground=LECTURE)
    svg = await screenshot(app, backward_then_a_leaf, size=(120, 36))
    assert non_ascii_lines(svg) == []
    text = screen_text(svg)
    assert "`-- f" in text and "+-- v d" in text  # the tree's guides, as `tree` draws them


@pytest.mark.parametrize("size", [SIZE, (130, 40)], ids=["narrow", "wide"])
async def test_the_training_lab_and_its_charts_are_ascii(size, tmp_path):
    from engine.train import TrainConfig

    app = make_app(tmp_path, train=(TrainConfig(steps=3), True))
    assert non_ascii_lines(await screenshot(app, None, size=size)) == []


async def test_keys_are_named_not_drawn(tmp_path):
    app = make_app(tmp_path, lesson="1")
    async with app.run_test(size=SIZE) as pilot:
        await slope_table(pilot)
        await pilot.pause()
        text = screen_text(app.export_screenshot())
        assert "up/down Scroll text" in text  # the Footer, for the answer box
        app.screen.query_one("#slope-x").focus()
        await pilot.pause()
        text = screen_text(app.export_screenshot())
        assert "up/down change x or h" in text
        assert "up x + 0.5" in text  # the Footer
        await pilot.press("escape")  # out of the box, where ? would be typed
        await help_page(pilot)
        await pilot.pause()
        text = screen_text(app.export_screenshot())
        # Help opens on the lesson's own keys, named.
        assert "n right  Next step" in text and "up/down  In an answer box" in text


@pytest.mark.parametrize("lesson", all_lessons(), ids=lambda lesson: lesson.id)
async def test_every_step_of_every_lesson_is_ascii(lesson, tmp_path):
    app = make_app(tmp_path, lesson=lesson.id)
    async with app.run_test(size=SIZE) as pilot:
        for index in range(len(lesson.steps)):
            screen = app.screen
            assert isinstance(screen, LessonScreen)
            await screen.show_step(index)
            await pilot.pause()
            problems = non_ascii_lines(app.export_screenshot())
            assert problems == [], f"step {index + 1}"


async def test_a_finished_lesson_says_done_in_its_header(tmp_path):
    """✓ and the · after it would both be * in ASCII: the header spells the mark out."""
    app = make_app(tmp_path, lesson="1")  # lesson 1 is complete in this store
    text = screen_text(await screenshot(app, None))
    assert "Lesson 1 (done) * step 1 of 6" in text
