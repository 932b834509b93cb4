"""The curriculum: courses of items found by number or name, and how much of each is done."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from lessons import Course, Curriculum, ProgressStore, default_curriculum, lessons_course
from lessons.workbench.exercises import EXERCISES


@dataclass(frozen=True)
class Exercise:
    """A stand-in for the next course's items: anything with number, id, title, steps."""

    number: int
    id: str
    title: str
    steps: tuple[str, ...]


# A second course whose numbers and even one id are the first course's too.
BUILD = Course(
    "build",
    "Build micrograd",
    (
        Exercise(1, "value-class", "A Value class", ("write", "test")),
        Exercise(2, "backprop-by-hand", "Same id as lesson 3", ("write", "test", "time")),
    ),
    noun="exercise",
)


@pytest.fixture
def curriculum() -> Curriculum:
    return Curriculum([lessons_course(), BUILD])


@pytest.fixture
def store(tmp_path) -> ProgressStore:
    return ProgressStore(tmp_path / "home")


def test_the_default_curriculum_is_the_thirteen_lessons_then_build_micrograd():
    curriculum = default_curriculum()
    assert [course.id for course in curriculum.courses] == ["backprop", "build"]
    assert [e.number for e in curriculum.course("build")] == list(range(1, len(EXERCISES) + 1))
    assert curriculum.find("build/5").item.id == "backward"
    assert curriculum.find("build/backward").key == "build/backward"
    assert [lesson.number for lesson in curriculum.first] == list(range(1, 14))
    assert curriculum.start().item.id == "derivative-as-slope"


@pytest.mark.parametrize("key", [3, "3", " 3 ", "backprop-by-hand", "backprop/3"])
def test_an_item_is_found_by_number_or_name(curriculum, key):
    course, lesson = curriculum.find(key)
    assert (course.id, lesson.id, lesson.number) == ("backprop", "backprop-by-hand", 3)


def test_another_course_is_found_by_its_id_first(curriculum):
    assert curriculum.find("build/2").item.title == "Same id as lesson 3"
    assert curriculum.find("build/value-class").item.number == 1
    assert curriculum.find("2").item.id == "values-and-graphs"  # bare: the first course


@pytest.mark.parametrize("key", [0, 14, "nope", " ", "build/9", True])
def test_an_unknown_item_names_what_exists(curriculum, key):
    with pytest.raises(LookupError) as raised:
        curriculum.find(key)
    message = str(raised.value)
    assert repr(key) in message or repr(str(key).partition("/")[2]) in message
    if isinstance(key, str) and key.startswith("build/"):
        assert "exercises are 1-2" in message and "value-class" in message
    else:
        assert "lessons are 1-13" in message and "moons" in message
    assert curriculum.get(key) is None


def test_an_unknown_course_names_the_courses(curriculum):
    with pytest.raises(LookupError, match="no course 'nope': the courses are backprop, build"):
        curriculum.find("nope/1")


def test_after_stays_in_its_course(curriculum):
    assert curriculum.after(curriculum.find("build/1")).item.id == "backprop-by-hand"
    assert curriculum.after(curriculum.find("build/2")) is None
    assert curriculum.after(curriculum.find(11)).item.id == "experiments"
    assert curriculum.after(curriculum.find(12)).item.id == "why-frameworks-are-fast"
    assert curriculum.after(curriculum.find(13)) is None


def test_steps_done_per_item_and_per_course(curriculum, store):
    course, lesson = curriculum.find("backprop-by-hand")
    for step in (0, 1, 99):  # a step beyond the lesson's end (an old file) does not count
        store.complete_step(lesson.id, step)
    store.complete_lesson("derivative-as-slope")
    assert course.steps_done(store, lesson) == 2
    assert not course.all_steps_done(store, lesson)
    tally = course.tally(store)
    assert (tally.items_done, tally.items, tally.steps_done) == (1, 13, 2)
    assert tally.steps == sum(len(lesson.steps) for lesson in course)
    for step in range(len(lesson.steps)):
        store.complete_step(lesson.id, step)
    assert course.all_steps_done(store, lesson)


def test_two_courses_keep_their_progress_apart(curriculum, store):
    lessons, lesson = curriculum.find("backprop-by-hand")
    build, exercise = curriculum.find("build/backprop-by-hand")
    assert lessons.key(lesson) == "backprop-by-hand"  # as progress files always had it
    assert build.key(exercise) == "build/backprop-by-hand"
    store.complete_step(build.key(exercise), 0)
    store.complete_lesson(build.key(exercise))
    assert build.steps_done(store, exercise) == 1 and build.item_done(store, exercise)
    assert lessons.steps_done(store, lesson) == 0 and not lessons.item_done(store, lesson)
    assert len(set(curriculum.progress_keys())) == len(curriculum.progress_keys()) == 15


def test_the_position_is_found_in_whichever_course_it_is(curriculum, store):
    assert curriculum.resume(store) is None
    store.set_position("build/value-class", 5)
    entry, step = curriculum.resume(store)
    assert (entry.course.id, entry.item.id, step) == ("build", "value-class", 1)  # clamped
    store.set_position("a-lesson-since-removed", 0)
    assert curriculum.resume(store) is None


def test_an_existing_progress_file_means_the_same(tmp_path, curriculum):
    home = tmp_path / "home"
    home.mkdir()
    record = {
        "schema": 1,
        "lessons": {"chain-rule": {"completed_steps": [0, 1], "completed": False}},
        "position": {"lesson": "chain-rule", "step": 1},
    }
    (home / "progress.json").write_text(json.dumps(record), encoding="utf-8")
    store = ProgressStore(home)
    course, lesson = curriculum.find("chain-rule")
    assert course.steps_done(store, lesson) == 2
    entry, step = curriculum.resume(store)
    assert (entry.item.number, step) == (4, 1)


def test_courses_that_would_share_progress_are_refused():
    with pytest.raises(ValueError, match="two courses have the id 'build'"):
        Curriculum([BUILD, BUILD])
    clash = Course(
        "again", "Keyed by id too", (Exercise(1, "moons", "M", ("x",)),), keyed_by_id=True
    )
    with pytest.raises(ValueError, match="share 'moons'"):
        Curriculum([lessons_course(), clash])


def test_a_course_refuses_duplicates_and_bad_ids():
    twin = Exercise(1, "other", "Twin", ("x",))
    with pytest.raises(ValueError, match="number 1"):
        Course("c", "C", (BUILD.items[0], twin))
    with pytest.raises(ValueError, match="not lower-case"):
        Course("c", "C", (Exercise(1, "a/b", "Slash", ("x",)),))
    with pytest.raises(ValueError, match="course id"):
        Course("Build it", "C", ())
