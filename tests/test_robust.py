"""Robustness: mashed keys, any terminal size, broken progress files, a slow link.

The fuzzing is seeded, so a failure names the place and the keys that broke it,
and the same keys break it again.
"""

from __future__ import annotations

import os
import random
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from apps import make_app
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from waits import resize, settle

from lessons.progress import MAX_BYTES, ProgressStore
from tutor.app import TutorApp
from tutor.screens.help import HelpScreen
from tutor.screens.lesson import LessonScreen
from tutor.screens.lessons_list import LessonsScreen
from tutor.screens.too_small import TooSmallScreen
from tutor.textual_compat import TutorCommandPalette
from tutor.widgets.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallNotice

SIZE = (80, 24)
SEED = 20250131
FUZZ_KEYS = 2_000  # in all, shared between the places below

LETTERS = list("abcdefghijklmnopqrstuvwxyz")
DIGITS = list("0123456789")
SPECIAL = [
    *("up", "down", "left", "right", "tab", "shift+tab", "enter", "escape"),
    *("space", "backspace", "delete", "home", "end", "pageup", "pagedown"),
    *("question_mark", "full_stop", "minus", "comma"),
]
# Every ctrl+letter but ctrl+q (quit, tested on its own); ctrl+i and ctrl+m are tab and enter.
CTRL = [f"ctrl+{letter}" for letter in LETTERS if letter not in "qim"]
KEYS = LETTERS + DIGITS + SPECIAL + CTRL
# What a terminal sends with each key, as Textual's own key events carry it.
CHARACTERS = {
    **{key: key for key in LETTERS + DIGITS},
    **{"space": " ", "question_mark": "?", "full_stop": ".", "minus": "-", "comma": ","},
    **{"enter": "\r", "tab": "\t", "escape": "\x1b", "backspace": "\x7f"},
    **{f"ctrl+{letter}": chr(ord(letter) - ord("a") + 1) for letter in LETTERS},
}


async def type_keys(pilot: Pilot, keys: list[str]) -> None:
    """Send ``keys`` one after another, each handled before the next arrives.

    ``pilot.press`` also waits for the CPU to go idle after every key (20 ms at
    least, a second while the lab trains), which would make 3,000 keys take minutes;
    waiting for the screen's queued messages is enough to keep the keys in order.
    """
    for key in keys:
        pilot.app.post_message(events.Key(key, CHARACTERS.get(key)))
        await pilot._wait_for_screen()
    await settle(pilot)


Place = Callable[[TutorApp, Pilot], Awaitable[None]]


def lesson_step(number: int, step: int) -> Place:
    async def go(app: TutorApp, pilot: Pilot) -> None:
        app.open_lesson(number, step)

    go.__name__ = f"lesson {number} step {step + 1}"
    return go


async def lessons_list(app: TutorApp, pilot: Pilot) -> None:
    app.show_lessons()


async def playground(app: TutorApp, pilot: Pilot) -> None:
    app.open_playground()


async def playground_editor(app: TutorApp, pilot: Pilot) -> None:
    app.open_playground()
    await settle(pilot)
    await pilot.press("e")  # typing goes into the expression editor


async def help_screen(app: TutorApp, pilot: Pilot) -> None:
    app.show_lessons()
    app.action_help()


async def training_lab(app: TutorApp, pilot: Pilot) -> None:
    from engine.train import TrainConfig

    app.show_lessons()
    # Small settings: space, r and . train it, and the keys go on while it does.
    app.open_lab(TrainConfig(samples=30, hidden=(4,), steps=15), play=True)


async def learner_name(app: TutorApp, pilot: Pilot) -> None:
    from tutor.screens.learner import LearnerScreen

    # As a tutor that serve starts: nothing saved and no lessons until a name is given.
    app.show_lessons()
    app.waiting_for_learner = True
    app.push_screen(LearnerScreen())


async def workbench(app: TutorApp, pilot: Pilot) -> None:
    app.open_workbench()  # the exercise's text first, letters are keys there


async def workbench_editor(app: TutorApp, pilot: Pilot) -> None:
    app.open_workbench()
    await settle(pilot)
    await pilot.press("ctrl+t")  # into the editor: letters type, ctrl+s saves and checks


# One of each kind of step and of answer box, and every other screen.
PLACES: list[Place] = [
    lessons_list,
    lesson_step(1, 0),  # prose
    lesson_step(1, 1),  # slope table, with a number to type
    lesson_step(2, 1),  # expression: the graph explorer
    lesson_step(2, 3),  # multiple choice
    lesson_step(3, 1),  # predict a number
    lesson_step(3, 6),  # backprop walk
    lesson_step(4, 1),  # the engine's source
    lesson_step(7, 2),  # type an expression
    lesson_step(10, 3),  # training preset (t opens the lab)
    playground,
    playground_editor,
    help_screen,
    training_lab,
    learner_name,
    workbench,
    workbench_editor,
]


async def still_answers(app: TutorApp, pilot: Pilot) -> None:
    """After anything at all, the app still moves between screens on request."""
    app.show_lessons()
    await settle(pilot)
    assert isinstance(app.screen, LessonsScreen), app.screen_stack
    await pilot.press("question_mark")
    await settle(pilot)
    assert isinstance(app.screen, HelpScreen)
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(app.screen, LessonsScreen)


@pytest.mark.slow
@pytest.mark.parametrize("place", PLACES, ids=lambda place: place.__name__)
async def test_random_keys_anywhere_break_nothing(home, place):
    """A share of the 2,000 seeded keys from each place; the keys may lead anywhere."""
    rng = random.Random(f"{SEED} {place.__name__}")
    keys = [rng.choice(KEYS) for _ in range(-(-FUZZ_KEYS // len(PLACES)))]
    app = make_app(home)
    quits: list[str] = []

    async def no_quit() -> None:  # the palette can reach "Quit"; leaving is not under test
        quits.append(type(app.screen).__name__)

    app.action_quit = no_quit  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await place(app, pilot)
        await settle(pilot)
        for start in range(0, len(keys), 20):
            await type_keys(pilot, keys[start : start + 20])
            assert app.is_running, f"stopped after {keys[: start + 20][-40:]}"
        await still_answers(app, pilot)
        await app.workers.wait_for_complete()
    assert app.return_code in (None, 0)


# -- sizes ------------------------------------------------------------------------------

SIZES = [(20, 6), (59, 19), (60, 20), (80, 24), (120, 40), (250, 80)]


SIZE_PLACES: list[Place] = [
    lessons_list,
    lesson_step(2, 1),
    lesson_step(1, 1),
    playground,
    help_screen,
    training_lab,
    learner_name,
    workbench,
]


@pytest.mark.slow
@pytest.mark.parametrize("place", SIZE_PLACES, ids=lambda place: place.__name__)
async def test_every_screen_survives_every_size_and_comes_back(home, place):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await place(app, pilot)
        await settle(pilot)
        screen = app.screen
        for width, height in [*SIZES, *reversed(SIZES[:-1])]:
            await resize(pilot, width, height)
            if width < MIN_WIDTH or height < MIN_HEIGHT:
                assert isinstance(app.screen, TooSmallScreen), (place.__name__, width, height)
                notice = str(app.screen.query_one(TooSmallNotice).render())
                assert f"(now {width}×{height})" in notice
            else:
                assert app.screen is screen, (place.__name__, width, height)
        await resize(pilot, *SIZE)
        assert app.screen is screen


async def test_the_too_small_notice_lets_no_palette_or_help_over_it(home):
    app = make_app(home)
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.press("ctrl+p", "question_mark", "ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen), app.screen_stack
        await resize(pilot, *SIZE)
        await pilot.press("ctrl+p")  # big enough again: the palette opens
        await settle(pilot)
        assert isinstance(app.screen, TutorCommandPalette)
        await pilot.press("escape")
        await resize(pilot, 40, 12)
        await pilot.press("ctrl+q")  # quitting still works under the notice
        await settle(pilot)
    assert app.return_code == 0


# -- broken progress files ---------------------------------------------------------------


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(SEED).randbytes(4096))


def _wrong_shape(path: Path) -> None:
    path.write_text('{"schema": 1, "lessons": [1, 2, 3]}', encoding="utf-8")


def _a_list(path: Path) -> None:
    path.write_text("[1, 2, 3]", encoding="utf-8")


def _huge(path: Path) -> None:
    with path.open("wb") as file:
        file.truncate(MAX_BYTES * 50)  # sparse: large on paper, nothing on the disk


BROKEN = {
    "random bytes": _random_bytes,
    "JSON of the wrong shape": _wrong_shape,
    "JSON that is a list": _a_list,
    "a huge file": _huge,
}


@pytest.mark.parametrize("name", list(BROKEN))
async def test_a_damaged_progress_file_is_kept_aside_and_told_once(home, name):
    home.mkdir(parents=True)
    progress = home / "progress.json"
    BROKEN[name](progress)
    original = progress.read_bytes()
    _, notes = await _run_and_answer(home)
    assert len([note for note in notes if "damaged" in note]) == 1, notes
    kept = list(home.glob("progress.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == original  # the old file is not lost
    assert ProgressStore(home).position == ("values-and-graphs", 1)  # new progress is saved


async def test_a_folder_where_the_file_should_be(home):
    (home / "progress.json").mkdir(parents=True)
    (home / "progress.json" / "keep-me").write_text("a learner's file", encoding="utf-8")
    _, notes = await _run_and_answer(home)
    assert len([note for note in notes if "folder" in note]) == 1, notes
    assert (home / "progress.json" / "keep-me").read_text(encoding="utf-8") == "a learner's file"


async def test_a_progress_folder_that_cannot_be_written(home, monkeypatch):
    """As "no permission" looks to the store, also when the tests run as root."""
    store = ProgressStore(home)
    store.complete_lesson("chain-rule")
    before = (home / "progress.json").read_bytes()

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("lessons.progress.tempfile.mkstemp", refused)
    _, notes = await _run_and_answer(home)
    assert len([note for note in notes if "cannot be saved" in note]) == 1, notes
    assert (home / "progress.json").read_bytes() == before  # the last good state
    monkeypatch.undo()
    assert ProgressStore(home).completed_lessons() == {"chain-rule"}


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX, not root")
async def test_a_progress_folder_without_permission(home):
    store = ProgressStore(home)
    store.complete_lesson("chain-rule")
    before = (home / "progress.json").read_bytes()
    home.chmod(0o500)  # readable, not writable
    try:
        _, notes = await _run_and_answer(home)
    finally:
        home.chmod(0o700)
    assert len([note for note in notes if "cannot be saved" in note]) == 1, notes
    assert (home / "progress.json").read_bytes() == before  # the last good state
    assert ProgressStore(home).completed_lessons() == {"chain-rule"}


async def _run_and_answer(home: Path) -> tuple[TutorApp, list[str]]:
    """Start the tutor, step forward in lesson 2, and return the notices it showed."""
    app = make_app(home, lesson="2")
    notes: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: notes.append(message) or notify(message, **kw)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, LessonScreen) and app.screen.step_index == 1
        await still_answers(app, pilot)
    return app, notes


# -- a slow link -------------------------------------------------------------------------


async def test_low_bandwidth_turns_off_animation_and_blinking(home):
    app = make_app(home, lesson="1", low_bandwidth=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_lesson(1, 1)  # the slope table: focus goes to a text box
        await settle(pilot)
        assert app.animation_level == "none"
        assert isinstance(app.focused, Input) and not app.focused.cursor_blink
        app.open_playground()
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.focused, TextArea) and not app.focused.cursor_blink


async def test_a_shared_tutors_cursor_does_not_blink(home):
    """Under serve every tab's blinks are drawn and sent: 30 tabs, 60 redraws a second."""
    app = make_app(home, ask_learner=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, Input) and not app.focused.cursor_blink  # the name
        app.focused.value = "Ana"
        await app.focused.action_submit()
        await settle(pilot)
        app.open_lesson(1, 1)
        await settle(pilot)
        assert isinstance(app.focused, Input) and not app.focused.cursor_blink
        assert app.animation_level == App().animation_level  # only the cursor is steadier


async def test_without_low_bandwidth_the_defaults_stay(home):
    app = make_app(home, lesson="1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_lesson(1, 1)
        await settle(pilot)
        assert not app.low_bandwidth
        assert app.animation_level == App().animation_level
        assert isinstance(app.focused, Input) and app.focused.cursor_blink


# -- terminals -------------------------------------------------------------------------


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light"])
async def test_help_opens_in_the_ansi_themes(home, theme):
    """The terminal's own 16 colours: a theme the palette offers (found by mashing keys)."""
    app = make_app(home, lesson="1")
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await still_answers(app, pilot)
