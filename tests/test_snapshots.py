"""Snapshots of the key screens at 80×24: the lessons list, a lesson mid-exercise, lesson
6's tanh step and lesson 5's code step, help,
and the playground without colour (NO_COLOR) and in ASCII mode (--ascii), and the
name a shared tutor asks for first.

Randomness is seeded and the cursor does not blink, so a snapshot changes only
when what the learner sees changes. Update on purpose with
``pytest tests/test_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import random

import pytest
from textual.widgets import Input

from lessons.progress import ProgressStore
from lessons.registry import default_curriculum
from tutor.app import TutorApp

SIZE = (80, 24)
LECTURE = "a = 2.0; b = -3.0; c = 10.0; e = a*b; d = e + c; f = -2.0; L = d*f"


@pytest.fixture(autouse=True)
def seeded():
    random.seed(1337)


@pytest.fixture
def store(tmp_path) -> ProgressStore:
    return ProgressStore(tmp_path / "home")


def still_cursors(app: TutorApp) -> None:
    for box in app.screen.query(Input):
        box.cursor_blink = False


def test_lessons_list(snap_compare, store):
    store.complete_lesson("derivative-as-slope")
    for step in range(6):
        store.complete_step("derivative-as-slope", step)
    for step in range(3):
        store.complete_step("values-and-graphs", step)
    store.set_position("values-and-graphs", 3)
    app = TutorApp(store, default_curriculum())

    async def open_the_list(pilot):
        await pilot.press("escape", "escape")  # out of any answer box, then to the list
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_the_list)


def test_lesson_after_a_wrong_answer_and_a_hint(snap_compare, store):
    app = TutorApp(store, default_curriculum(), lesson="3")

    async def answer_wrong_then_ask(pilot):
        await pilot.press("n", *"-2", "enter", "h")
        await pilot.pause()
        still_cursors(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=answer_wrong_then_ask)


def test_lesson_6_the_local_derivative_of_tanh(snap_compare, store):
    """The neuron's tanh step: 1 − o² on screen whole, beside the program."""
    store.set_position("neuron", 3)
    app = TutorApp(store, default_curriculum())

    async def still(pilot):
        await pilot.pause()
        still_cursors(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=still)


def test_lesson_5_reading_backward_in_the_engine(snap_compare, store):
    """A code step: the code opens on the line "Look for" quotes, marked ❱; what to look
    for is in the text beside; the question's choices below it."""
    store.set_position("reused-nodes", 4)
    app = TutorApp(store, default_curriculum())

    async def still(pilot):
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=still)


def test_help(snap_compare, store):
    app = TutorApp(store, default_curriculum(), lesson="1")

    async def open_help(pilot):
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_help)


def test_playground_stepping_backward_with_no_color(snap_compare, store, monkeypatch):
    """NO_COLOR: greys only. The node a step handles and the grads it changed must
    still stand out (a grey bar; bold and underlined)."""
    monkeypatch.setenv("NO_COLOR", "1")  # Textual reads it when the app is made
    app = TutorApp(store, default_curriculum(), playground=LECTURE)
    assert app.no_color
    assert snap_compare(app, press=["s", "s", "s"], terminal_size=SIZE)


def test_playground_after_backward_in_ascii(snap_compare, store):
    """ASCII mode (--ascii): borders, tree guides and the math in plain ASCII."""
    app = TutorApp(store, default_curriculum(), playground=LECTURE, ascii_only=True)
    assert snap_compare(app, press=["b", "down", "down", "down"], terminal_size=SIZE)


def test_a_shared_tutor_asking_who_is_learning(snap_compare, store):
    """serve: every tab asks for a name first; a name with no letter is refused inline."""
    app = TutorApp(store, default_curriculum(), ask_learner=True)

    async def refuse_a_name(pilot):
        await pilot.pause()  # the app has drawn its first screen
        still_cursors(pilot.app)
        await pilot.press(*"../", "enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=refuse_a_name)
