"""The curriculum: lessons as data, with checked exercises, hints and saved progress.

    from lessons import all_lessons, get_lesson, ProgressStore

    for lesson in all_lessons():
        print(lesson.number, lesson.title)

Lessons import the engine, never the user interface: the tutor shows them,
but they can be loaded, checked and tested on their own.
"""

from lessons.model import (
    ANSWER_KINDS,
    STEP_KINDS,
    BackpropWalk,
    CodeReading,
    Exercise,
    ExpressionStep,
    Feedback,
    Goal,
    Lesson,
    Predict,
    Prose,
    Slope,
    Step,
    Train,
)
from lessons.progress import ProgressStore, learner_home, learner_homes, learner_slug
from lessons.registry import all_lessons, get_lesson

__all__ = [
    "ANSWER_KINDS",
    "STEP_KINDS",
    "BackpropWalk",
    "CodeReading",
    "Exercise",
    "ExpressionStep",
    "Feedback",
    "Goal",
    "Lesson",
    "Predict",
    "ProgressStore",
    "Prose",
    "Slope",
    "Step",
    "Train",
    "all_lessons",
    "get_lesson",
    "learner_home",
    "learner_homes",
    "learner_slug",
]
