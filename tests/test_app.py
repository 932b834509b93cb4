"""The app as a whole at 80×24: quitting, the lessons list, help, the palette, sizes, colour."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from apps import make_app
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable, Header, Input, Static

from lessons.progress import ProgressStore
from lessons.registry import all_lessons, default_curriculum
from lessons.workbench.exercises import EXERCISES
from tutor.app import TutorApp
from tutor.messages import OpenLesson, ShowLessons
from tutor.screens.help import HelpScreen
from tutor.screens.learner import LearnerScreen
from tutor.screens.lesson import LessonScreen
from tutor.screens.lessons_list import LessonsScreen, LessonTable
from tutor.screens.too_small import TooSmallScreen
from tutor.widgets import step_panels
from tutor.widgets.too_small import TooSmallNotice

SIZE = (80, 24)
STYLESHEET = Path(__file__).resolve().parent.parent / "tutor" / "tutor.tcss"


async def test_ctrl_q_quits_with_exit_code_0_and_saves(home, monkeypatch):
    app = make_app(home, lesson="2")
    saves: list[bool] = []
    original = TutorApp.save_progress
    monkeypatch.setattr(TutorApp, "save_progress", lambda self: saves.append(original(self)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    assert saves == [True]
    assert ProgressStore(home).position == ("values-and-graphs", 1)


async def test_the_header_says_micrograd_tutor_on_every_screen(home):
    app = make_app(home)
    seen = []
    async with app.run_test(size=SIZE) as pilot:
        for keys in ((), ("escape",), ("question_mark",), ("escape", "g")):
            await pilot.press(*keys)
            await pilot.pause()
            header = app.screen.query_one(Header)
            title = str(app.format_title(header.screen_title, header.screen_sub_title))
            assert title.startswith("micrograd-tutor — "), (type(app.screen).__name__, title)
            seen.append(type(app.screen).__name__)
    assert seen == ["LessonScreen", "LessonsScreen", "HelpScreen", "ExplorerScreen"]


async def test_lessons_list_shows_progress_and_opens_any_lesson(home):
    store = ProgressStore(home)
    store.complete_lesson("derivative-as-slope")
    store.complete_step("values-and-graphs", 0)
    store.set_position("values-and-graphs", 1)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("escape")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonsScreen)
        table = screen.query_one(LessonTable)
        assert table.row_count == len(all_lessons()) + 1 + len(EXERCISES)  # then Build micrograd's
        assert table.get_row_at(0)[0] == "✓" and table.get_row_at(1)[0] == ""
        assert table.get_row_at(1)[3].endswith(f"1/{len(all_lessons()[1].steps)}")
        assert "1 of" in screen.sub_title
        assert table.cursor_row == 1  # the list opens on the lesson being worked on

        await pilot.press("down", "down", "enter")  # jump anywhere
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.number == 4

        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("c")  # continue: the last position, now lesson 4
        await pilot.pause()
        assert (app.screen.lesson.number, app.screen.step_index) == (4, 0)


async def test_the_lessons_list_shows_build_micrograd_and_opens_an_exercise(home):
    from lessons.workbench.progress import mark_passed
    from tutor.screens.workbench import WorkbenchScreen

    store = ProgressStore(home)
    mark_passed(store, "value")
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        table = app.screen.query_one(LessonTable)
        heading = len(all_lessons())
        assert "Build micrograd" in str(table.get_row_at(heading)[2])
        assert table.get_row_at(heading)[3].endswith(f"1/{len(EXERCISES)}")
        assert table.get_row_at(heading + 1)[0] == "✓"  # exercise 1 passed
        assert table.get_row_at(heading + 2)[0] == ""
        table.move_cursor(row=heading + 5)  # exercise 5, backward()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WorkbenchScreen)
        assert screen.exercises[screen.index].id == "backward"
        assert (home / "workbench" / "mygrad" / "engine.py").exists()


async def test_screens_ask_and_the_app_moves(home):
    """Attributes down, messages up: the lesson asks for the list by a message, and a
    message from the list opens a lesson, which is handed the learner's progress."""
    received = []
    app = make_app(home, lesson="1")
    async with app.run_test(size=SIZE, message_hook=received.append) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonsScreen)
        assert any(isinstance(message, ShowLessons) for message in received)
        app.screen.post_message(OpenLesson("moons", 2))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        assert (screen.lesson.id, screen.step_index) == ("moons", 2)
        assert screen.progress is app.progress and screen.course is app.curriculum.first
        assert app.progress.position == ("moons", 2)
        app.screen.post_message(OpenLesson("no-such-lesson"))
        await pilot.pause()
        assert app.screen is screen  # the app says there is none, and stays


async def pick_from_the_palette(pilot, search: str) -> None:
    """ctrl+p, type ``search``, let the matches come, and take the first with enter."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*search)
    await pilot.pause(0.5)
    await pilot.press("enter")
    await pilot.pause()


async def test_ctrl_p_offers_go_to_lesson_commands(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await pick_from_the_palette(pilot, "lesson 5")
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.lesson.number == 5


async def name_the_learner(pilot, name: str) -> None:
    box = pilot.app.screen.query_one("#learner-name", Input)
    box.value = ""
    await pilot.press(*name, "enter")
    await pilot.pause()


def problem_shown(app: TutorApp) -> str:
    return str(app.screen.query_one("#learner-problem", Static).render())


async def test_a_shared_tutor_asks_who_is_learning_and_keeps_each_apart(home):
    """serve's tabs all run as one account: each learner's progress under their name."""
    app = TutorApp(ProgressStore(home), default_curriculum(), ask_learner=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LearnerScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert "Type a name" in problem_shown(app)
        await name_the_learner(pilot, "../")
        assert "letter or a digit" in problem_shown(app)
        assert isinstance(app.screen, LearnerScreen)
        await name_the_learner(pilot, "Ana")
        assert isinstance(app.screen, LessonScreen)
        assert (app.screen.lesson.number, app.screen.step_index) == (1, 0)
        await pilot.press("n", "n")
        await pilot.pause()
    assert ProgressStore(home / "learners" / "ana").position == ("derivative-as-slope", 2)
    assert not (home / "progress.json").exists()

    app = TutorApp(ProgressStore(home), default_curriculum(), ask_learner=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await name_the_learner(pilot, " ana ")  # the same learner, typed loosely
        assert (app.screen.lesson.number, app.screen.step_index) == (1, 2)
        assert app.progress.home == home / "learners" / "ana"

    app = TutorApp(ProgressStore(home), default_curriculum(), ask_learner=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#learner-name", Input)
        box.value = "Bob"
        await box.action_submit()
        await box.action_submit()  # Enter twice in one burst: Bob is named once
        await pilot.pause()
        assert [type(screen).__name__ for screen in app.screen_stack] == [
            "LearnerScreen",
            "LessonScreen",
        ]
        assert (app.screen.lesson.number, app.screen.step_index) == (1, 0)


async def test_before_a_name_nothing_is_saved_and_no_lesson_is_offered(home):
    app = TutorApp(ProgressStore(home), default_curriculum(), ask_learner=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pick_from_the_palette(pilot, "lesson 5")
        assert not isinstance(app.screen, LessonScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    assert not (home / "progress.json").exists() and not (home / "learners").exists()


def open_the_palette(app: TutorApp) -> None:
    app.action_command_palette()


def open_the_theme_palette(app: TutorApp) -> None:
    app.search_themes()  # what the palette's "Change theme" command does


def open_a_list_of_commands(app: TutorApp) -> None:
    app.search_commands([("Show the lessons", app.show_lessons)])


@pytest.mark.parametrize(
    "open_palette",
    [open_the_palette, open_the_theme_palette, open_a_list_of_commands],
    ids=lambda open_palette: open_palette.__name__,
)
async def test_commands_that_arrive_as_the_palette_closes_are_dropped(home, open_palette):
    """Seen under load in the key fuzz, first in the palette and then in the theme
    palette it opens: the search finished after the palette's widgets had gone but while
    it was still the active screen, and showing the results failed on the missing list."""
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        open_palette(app)
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await palette.query_one(CommandList).remove()  # as closing does
        palette._list_visible = not palette._list_visible  # what late results set
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)


async def test_help_lists_every_key_grouped_by_screen(home):
    app = make_app(home, lesson="1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        groups = {title: rows for title, rows in screen._groups()}
        assert list(groups) == [
            "Lesson",  # the screen help was opened on comes first
            "Everywhere",
            "Lessons list",
            "Graph explorer",
            "Training lab",
            "Build micrograd (workbench)",
            "This help",
        ]
        from tutor.screens.workbench import WorkbenchScreen

        for title, owner in (
            ("Lesson", LessonScreen),
            ("Lessons list", LessonsScreen),
            ("Build micrograd (workbench)", WorkbenchScreen),
        ):
            for binding in Binding.make_bindings(owner.BINDINGS):
                key = app.get_key_display(binding)
                listed = [keys.split() for keys, _ in groups[title]]
                digits = key.isdigit() and ["1…9"] in listed  # 1 to 9 share a row
                assert digits or any(key in keys for keys in listed), (title, key)
        shown = " ".join(g.border_title for g in screen.query(".help-group"))
        assert all(title in shown for title in groups)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)


async def test_help_asked_for_in_the_lab_opens_on_the_labs_keys(home):
    from engine.train import TrainConfig
    from tutor.screens.train import TrainScreen

    app = make_app(home, train=(TrainConfig(samples=20, steps=5), False))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TrainScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        groups = app.screen.query(".help-group")
        assert groups.first().border_title == "Training lab"
        lab = {keys for keys, _ in dict(app.screen._groups())["Training lab"]}
        for binding in Binding.make_bindings(TrainScreen.BINDINGS):
            key = app.get_key_display(binding)
            assert any(key in keys.split() for keys in lab), key
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TrainScreen)


def test_every_binding_has_a_description():
    owners = [
        TutorApp,
        LessonsScreen,
        LessonTable,
        LessonScreen,
        HelpScreen,
        step_panels.NumberKeysInput,
        step_panels.AnswerInput,
        step_panels.ExerciseBox,
        step_panels.ChoiceList,
        step_panels.SlopeXInput,
        step_panels.SlopeHInput,
    ]
    for owner in owners:
        for binding in Binding.make_bindings(owner.BINDINGS):
            assert binding.description.strip(), (owner.__name__, binding.key)


@pytest.mark.parametrize("size", [(59, 24), (80, 19), (40, 10)])
async def test_too_small_a_terminal_gets_a_notice_then_recovers(home, size):
    app = make_app(home, lesson="3")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        notice = str(app.screen.query_one(TooSmallNotice).render())
        assert notice == (f"terminal too small — need at least 60×20 (now {size[0]}×{size[1]})")
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.number == 3
        await pilot.resize_terminal(50, 30)
        await pilot.pause()
        assert "(now 50×30)" in str(app.screen.query_one(TooSmallNotice).render())


async def test_the_progress_store_notice_is_shown_once_at_startup(home):
    home.mkdir(parents=True)
    (home / "progress.json").write_text("{ this is not json", encoding="utf-8")
    store = ProgressStore(home)
    assert store.notice is not None
    app = TutorApp(store, default_curriculum())
    notes: list[tuple[str, str]] = []
    original = app.notify
    app.notify = lambda message, **kw: (
        notes.append((message, kw.get("severity"))) or (original(message, **kw))
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert [severity for message, severity in notes if "damaged" in message] == ["warning"]
    assert store.take_notice() is None


async def test_no_color_paints_in_greys_only(home, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(home, lesson="3")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"-2", "enter")
        await pilot.pause()
        svg = app.export_screenshot()
    assert app.no_color
    # The three window buttons and the default text colour belong to the SVG's frame.
    frame = {"#ff5f57", "#febc2e", "#28c840", "#c5c8c6"}
    colours = set(re.findall(r'(?:fill|color)[:=]\s*"?#([0-9a-fA-F]{6})', svg))
    for colour in colours - {c.lstrip("#") for c in frame}:
        red, green, blue = colour[0:2], colour[2:4], colour[4:6]
        assert red == green == blue, colour


def test_the_stylesheet_uses_theme_colours_only():
    """Theme variables downgrade cleanly to 16 colours; literal truecolour would not."""
    css = re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(encoding="utf-8"), flags=re.S)
    declarations = re.findall(r"([a-z-]+)\s*:\s*([^;{}]+);", css)
    colour_words = ("color", "background", "border", "outline", "tint", "scrollbar")
    for prop, value in declarations:
        if any(word in prop for word in colour_words):
            assert not re.search(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(", value), (prop, value)


def test_the_stylesheet_ends_with_the_explorer_section():
    lines = STYLESHEET.read_text(encoding="utf-8").splitlines()
    marker = "/* ==== graph explorer (explorer helper) ==== */"
    assert lines.count(marker) == 1


async def test_lessons_list_is_not_built_until_it_is_shown(home):
    """Start-up builds only the screen the learner asked for."""
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert [type(s) for s in app.screen_stack] == [LessonScreen]
        assert not app.screen.query(DataTable)


STARTUP_PROBE = """
import asyncio, sys, tempfile
from lessons.progress import ProgressStore
from lessons.registry import default_curriculum
from tutor.app import TutorApp

async def start():
    app = TutorApp(ProgressStore(tempfile.mkdtemp()), default_curriculum())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

asyncio.run(start())
heavy = ("sklearn", "plotext", "textual_plotext", "numpy", "scipy", "torch", "micrograd")
print(" ".join(sorted({name.split(".")[0] for name in sys.modules} & set(heavy))))
"""


def test_start_up_imports_no_training_or_plotting_libraries():
    """scikit-learn and plotext cost seconds: they load only when training is opened."""
    result = subprocess.run(
        [sys.executable, "-c", STARTUP_PROBE],
        cwd=STYLESHEET.parent.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


async def test_lesson_build_slash_an_exercise_opens_the_workbench_there(home):
    from tutor.screens.workbench import WorkbenchScreen

    app = make_app(home, lesson="build/backward")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WorkbenchScreen)
        assert screen.exercises[screen.index].id == "backward"
        await pilot.press("escape")  # out of the text pane, then to the list below
        await pilot.pause()
