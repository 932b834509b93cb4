"""The curriculum: lessons as data, with checked exercises, hints and saved progress.

    from lessons import ProgressStore, default_curriculum

    curriculum = default_curriculum()
    for lesson in curriculum.first:
        print(lesson.number, lesson.title)
    course, lesson = curriculum.find("backprop-by-hand")
    print(course.steps_done(ProgressStore(), lesson), "of", len(lesson.steps), "steps done")

Lessons import the engine, never the user interface: the tutor shows them,
but they can be loaded, checked and tested on their own.
"""

from lessons.curriculum import Course, CourseTally, Curriculum, Entry
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
from lessons.registry import all_lessons, default_curriculum, get_lesson, lessons_course

__all__ = [
    "ANSWER_KINDS",
    "STEP_KINDS",
    "BackpropWalk",
    "CodeReading",
    "Course",
    "CourseTally",
    "Curriculum",
    "Entry",
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
    "default_curriculum",
    "get_lesson",
    "learner_home",
    "learner_homes",
    "learner_slug",
    "lessons_course",
]
