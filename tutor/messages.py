"""What screens (and the command palette) ask of the app: messages up.

A screen never moves the app to another screen itself; it posts one of these,
which bubbles up to ``TutorApp``, and the app decides. What screens need to
show (the curriculum, the learner's progress) comes down to them when they are
made.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

__all__ = [
    "ContinueLearning",
    "EngineMatched",
    "LearnerNamed",
    "OpenLab",
    "OpenLesson",
    "OpenPlayground",
    "OpenWorkbench",
    "ShowLessons",
]


@dataclass
class OpenLesson(Message):
    """Open an item of the curriculum at ``step``, or where the learner last was in it.

    ``lesson`` is anything ``Curriculum.find`` takes: ``3``, ``"moons"``, ``"build/2"``,
    or an item's progress key."""

    lesson: str | int
    step: int | None = None


@dataclass
class ShowLessons(Message):
    """Back to the lessons list."""


@dataclass
class ContinueLearning(Message):
    """Open the step the learner last had open (the first one the first time)."""


@dataclass
class OpenPlayground(Message):
    """The graph explorer on ``source``, or on the lecture's example."""

    source: str | None = None


@dataclass
class OpenLab(Message):
    """The training lab, on micrograd's demo recipe; ``engine`` "mine" trains on the
    learner's own engine from the start (when it may)."""

    engine: str = "tutor"


@dataclass
class OpenWorkbench(Message):
    """The "Build micrograd" workbench, where the learner writes their own engine:
    at ``exercise`` (its id), or where the learner last was."""

    exercise: str | None = None


@dataclass
class LearnerNamed(Message):
    """The learner said who they are: from now on, this is their tutor."""

    name: str


@dataclass
class EngineMatched(Message):
    """The learner's own engine trained on the moons in the lab, step for step as the
    tutor's (``steps`` of them): Build micrograd's milestone."""

    steps: int
