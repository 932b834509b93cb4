"""The curriculum: lessons as data, with checked exercises, hints and saved progress.

    from lessons import ProgressStore, default_curriculum

    curriculum = default_curriculum()
    for lesson in curriculum.first:
        print(lesson.number, lesson.title)
    course, lesson = curriculum.find("backprop-by-hand")
    print(course.steps_done(ProgressStore(), lesson), "of", len(lesson.steps), "steps done")

The teaching layer, between the engine and the app: the courses as data
(``curriculum``, ``content/``, ``model``, ``checks``, ``progress``), the graph
tools the explorer shows (``explain``), the expression builder learners type
into (``expr``), and the "Build micrograd" workbench (``workbench``). It
imports the engine, never the user interface: the tutor shows it, but it can
be loaded, checked and tested on its own.
"""

from lessons.curriculum import Course, CourseTally, Curriculum, Entry
from lessons.experiments import Experiment, ExperimentError, find_experiment, load_experiment
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
    Measure,
    Measured,
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
    "Experiment",
    "ExperimentError",
    "ExpressionStep",
    "Feedback",
    "Goal",
    "Lesson",
    "Measure",
    "Measured",
    "Predict",
    "ProgressStore",
    "Prose",
    "Slope",
    "Step",
    "Train",
    "all_lessons",
    "default_curriculum",
    "find_experiment",
    "get_lesson",
    "learner_home",
    "learner_homes",
    "learner_slug",
    "lessons_course",
    "load_experiment",
]
