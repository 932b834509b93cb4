"""What the lesson screen's tests share: the size they run at, and how they read the
exercise box and answer it, and a tutor opened at a step."""

from __future__ import annotations

import io
from collections.abc import Callable

from apps import make_app
from rich.console import Console
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from lessons.model import Lesson, Step
from lessons.progress import ProgressStore
from tutor.app import TutorApp
from tutor.widgets.step_panels import ExerciseBox

SIZE = (80, 24)


def text_of(widget: Widget) -> str:
    """What a widget shows, as plain text (tables and code rendered as a terminal would)."""
    content = getattr(widget, "content", None)
    if content is None or isinstance(content, (str, Text)):
        return str(widget.render())
    console = Console(width=120, color_system=None, file=io.StringIO())
    with console.capture() as capture:
        console.print(content)
    return capture.get()


def shown(app: TutorApp, part: str) -> str:
    """The plain text an exercise box shows as its feedback, hints or explanation."""
    return str(app.screen.query_one(f"ExerciseBox #{part}", Static).content)


def feedback(app: TutorApp) -> str:
    return shown(app, "feedback")


def box(app: TutorApp) -> ExerciseBox:
    return app.screen.query_one(ExerciseBox)


async def answer(pilot, text: str) -> None:
    await pilot.press(*text, "enter")
    await pilot.pause()


def app_at(home, lesson: Lesson, where: str | Callable[[Step], bool]) -> tuple[TutorApp, int]:
    """A tutor that opens ``lesson`` at its first step with the title ``where`` (or for
    which ``where(step)`` holds), and that step's index."""
    wanted = (lambda step: step.title == where) if isinstance(where, str) else where
    index = next(i for i, step in enumerate(lesson.steps) if wanted(step))
    ProgressStore(home).set_position(lesson.id, index)
    return make_app(home), index
