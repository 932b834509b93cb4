"""The command palette's commands (ctrl+p): go to any lesson or exercise, continue, the
playground, the training lab, the workbench."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.message import Message

from tutor.messages import (
    ContinueLearning,
    OpenLab,
    OpenLesson,
    OpenPlayground,
    OpenWorkbench,
    ShowLessons,
)

if TYPE_CHECKING:
    from tutor.app import TutorApp


class TutorCommands(Provider):
    """Commands built from the curriculum the app has, so a new lesson file adds its own.

    Each command posts the message a screen would (``tutor.messages``) to the app."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app: TutorApp = self.app  # type: ignore[assignment]
        if app.waiting_for_learner:  # no lesson before the learner has said who they are
            return [("Help: every key", app.action_help, "All the keys, grouped by screen")]
        course = app.curriculum.first

        def ask(make: Callable[[], Message]) -> Callable[[], object]:
            return lambda: app.post_message(make())

        commands: list[tuple[str, Callable[[], object], str]] = [
            (
                f"Go to lesson {lesson.number}: {lesson.title}",
                ask(partial(OpenLesson, course.key(lesson))),
                lesson.summary,
            )
            for lesson in course
        ]
        for build in app.curriculum.courses[1:]:
            commands += [
                (
                    f"{build.title}, {build.noun} {item.number}: {item.title}",
                    ask(partial(OpenLesson, build.key(item))),
                    item.summary,
                )
                for item in build
            ]
        commands += [
            ("Continue where I left off", ask(ContinueLearning), "Open the step you last had open"),
            ("Lessons list", ask(ShowLessons), "Every lesson with your progress"),
            ("Playground", ask(OpenPlayground), "Build and explore a graph of your own"),
            (
                "Training lab",
                ask(OpenLab),
                "Train a network on the moons, a spiral and more, with live charts",
            ),
            (
                "Build micrograd: the workbench",
                ask(OpenWorkbench),
                "Write your own engine; the tutor checks it on every save",
            ),
            ("Help: every key", app.action_help, "All the keys, grouped by screen"),
        ]
        return commands

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, text=text, help=help_text)
