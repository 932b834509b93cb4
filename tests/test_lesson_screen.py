"""The lesson screen, driven by keys only at 80×24: answers, hints, steps, progress."""

from __future__ import annotations

from apps import make_app
from lesson_screen_support import SIZE, answer, box, feedback, shown
from textual import events
from textual.widgets import Input

from lessons.progress import ProgressStore
from lessons.registry import all_lessons, get_lesson
from tutor.app import TutorApp
from tutor.screens.lesson import WIDE_PANEL_KINDS, LessonScreen, label_bare_fences
from tutor.widgets.graph_explorer import GraphExplorer
from tutor.widgets.step_panels import (
    SlopePanel,
    has_panel,
)

# Lesson 3 asks for the lecture's grads of L = (a*b + c) * f (REFERENCE.md).
LECTURE_GRADS = ("4", "-2", "6", "-4")


async def test_lesson_3_walked_by_keys_end_to_end(home):
    """Wrong answer, hint, right answer, every step, the walk, and progress on disk."""
    lesson = get_lesson("backprop-by-hand")
    assert lesson.number == 3
    last = len(lesson.steps) - 1
    assert lesson.steps[0].kind == "prose" and lesson.steps[last].kind == "backprop"
    first = lesson.steps[1].exercise
    app = make_app(home, lesson="3")
    notes: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        original_notify = app.notify
        app.notify = lambda message, **kw: (
            notes.append(f"{kw.get('title', '')}: {message}") or (original_notify(message, **kw))
        )
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen) and screen.step_index == 0

        await pilot.press("n")  # the opening prose is done once read and left with n
        await pilot.pause()
        assert screen.step_index == 1
        assert app.progress.step_done(lesson.id, 0)
        assert isinstance(app.focused, Input)  # ready to type the answer

        await answer(pilot, "-2")  # f's own value: a tempting wrong answer
        assert feedback(app) == f"✗ {first.check('-2').message}"
        assert not box(app).solved
        assert app.progress.attempts(lesson.id, 1) == 1
        assert not app.progress.step_done(lesson.id, 1)

        await pilot.press("h")  # h still means hint while typing a number
        await pilot.pause()
        hints = shown(app, "hints")
        assert hints == f"Hint 1 of {len(first.hints)}: {first.hints[0]}"

        await answer(pilot, "4")  # the wrong answer was selected: typing replaces it
        assert feedback(app) == f"✓ {first.check('4').message}"
        assert box(app).solved
        assert shown(app, "explanation") == first.explanation
        assert app.progress.step_done(lesson.id, 1)
        assert app.progress.attempts(lesson.id, 1) == 2

        for step in range(2, last):
            await pilot.press("n")
            await pilot.pause()
            assert screen.step_index == step
            exercise = lesson.steps[step].exercise
            right = next(grad for grad in LECTURE_GRADS if exercise.check(grad).ok)
            await answer(pilot, right)
            assert box(app).solved, (step, feedback(app))

        await pilot.press("n")
        await pilot.pause()
        assert screen.step_index == last
        assert app.screen.query_one(GraphExplorer).has_focus_within  # its keys work at once
        assert not app.progress.lesson_done(lesson.id)
        await pilot.press("b")  # the explorer's backward pass finishes the walk
        await pilot.pause()
        assert box(app).solved
        assert app.progress.lesson_done(lesson.id)
        total = len(lesson.steps)
        assert "✓" in screen.sub_title and f"{total}/{total} done" in screen.sub_title
        # Said above the text, not in a toast that would cover it (and outlive it).
        crumb = str(screen.query_one("#lesson-crumb").content)
        assert "Lesson complete" in crumb and "n: lesson 4" in crumb
        assert not any("complete" in note for note in notes)

        await pilot.press("n")  # on the last step n opens the next lesson
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.number == 4

    saved = ProgressStore(home)
    assert saved.lesson_done(lesson.id)
    assert saved.completed_steps(lesson.id) == frozenset(range(total))
    assert saved.attempts(lesson.id, 1) == 2
    assert saved.position == (get_lesson(4).id, 0)


async def test_h_reveals_hints_one_at_a_time_then_greys_out(home):
    app = make_app(home, lesson="3")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert screen.check_action("hint", ()) is True
        hints = screen.step.exercise.hints
        for count in range(1, len(hints) + 1):
            await pilot.press("h")
            await pilot.pause()
            assert f"Hint {count} of {len(hints)}" in shown(app, "hints")
        assert screen.check_action("hint", ()) is None  # shown greyed: none left
        await pilot.press("h")
        await pilot.pause()
        assert shown(app, "hints").count("Hint") == len(hints)


async def test_p_and_arrows_move_between_steps_and_set_the_position(home):
    app = make_app(home, lesson="backprop-by-hand")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.check_action("previous", ()) is None  # nothing before step 1
        await pilot.press("right")
        await pilot.pause()
        assert screen.step_index == 1
        await pilot.press("escape", "p")  # leave the answer box, then back
        await pilot.pause()
        assert screen.step_index == 0
        await pilot.press("right", "escape", "right")
        await pilot.pause()
        assert screen.step_index == 2
        assert app.progress.position == ("backprop-by-hand", 2)
        assert not app.progress.step_done("backprop-by-hand", 1)  # skipped, not answered


async def test_a_key_that_reaches_a_lesson_before_its_widgets_does_nothing(home):
    """Keys run from the app's task: over a slow link a burst can press n on a lesson
    screen that is still mounting. It must not crash, and the screen then works."""
    app = make_app(home, lesson="backprop-by-hand")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        course, lesson = app.curriculum.find("backprop-by-hand")
        screen = LessonScreen(course, lesson, app.progress, 0)
        app.push_screen(screen)  # not awaited: the screen is on top, its widgets not yet
        assert app.screen is screen
        await app.run_action("screen.next")
        await pilot.pause()
        assert screen.step_index == 0
        await pilot.press("right")  # step 1 is prose: nothing to type into
        await pilot.pause()
        assert screen.step_index == 1


async def test_every_step_gets_the_layout_of_its_kind_going_forwards_and_back(home):
    """The columns follow the step: a panel beside the text when the step has one,
    the whole width for text alone, whichever step came before."""
    lesson = get_lesson("gradient-descent")
    kinds = [(step.kind, has_panel(step)) for step in lesson.steps]
    # The walk crosses layouts both ways, including a question with a program and one without.
    assert {("predict", True), ("predict", False), ("code", True), ("prose", False)} <= set(kinds)
    app = make_app(home, lesson=lesson.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        order = [*range(len(kinds)), *reversed(range(len(kinds) - 1))]
        for index in order:
            await screen.show_step(index)
            await pilot.pause()
            kind, panel = kinds[index]
            area, reading = screen.query_one("#panel-area"), screen.query_one("#reading")
            assert area.display is panel
            if not panel:
                assert reading.region.width == SIZE[0], index
            elif kind in WIDE_PANEL_KINDS:  # three fifths for the graph or the code
                assert (reading.region.width, area.region.width) == (32, 48), index
            else:
                assert (reading.region.width, area.region.width) == (40, 40), index
            assert len(screen.query("#step-panel")) == int(panel)


async def test_the_learner_resumes_where_they_were(home):
    first = make_app(home, lesson="3")
    async with first.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n", "n")
        await pilot.pause()
        assert first.screen.step_index == 3
        await pilot.press("ctrl+q")
    again = make_app(home)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, LessonScreen)
        assert (again.screen.lesson.number, again.screen.step_index) == (3, 3)


async def test_a_solved_step_stays_solved_when_revisited(home):
    ProgressStore(home).complete_step("backprop-by-hand", 1)
    app = make_app(home, lesson="3")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert box(app).solved
        assert box(app).answer_widget.disabled
        assert feedback(app).startswith("✓")
        assert app.screen.check_action("hint", ()) is None


def burst(app: TutorApp, *keys: str) -> None:
    """Keys that arrive together, as over SSH or from a browser: all queued at once."""
    named = {"backspace": "\x7f", "enter": "\r", "left": None, "home": None}
    for key in keys:
        app.post_message(events.Key(key, named.get(key, key)))


async def test_keys_that_arrive_together_are_taken_in_order(home):
    """⌫ 5 ⏎ typed fast over "4" answers 5: Textual would run ⌫ and ⏎ (bindings)
    after typing the 5, and submit "4"."""
    app = make_app(home, lesson="chain-rule")
    async with app.run_test(size=SIZE) as pilot:
        await app.screen.show_step(2)  # x.grad, which is 4
        await pilot.pause(0.2)
        answer_box = box(app).answer_widget
        assert app.focused is answer_box
        await pilot.press("4")
        burst(app, "backspace", "5", "enter")
        await pilot.pause(0.3)
        assert not box(app).solved and "5 is not it" in feedback(app)
        # After a wrong answer it is selected: ⌫ 4 ⏎ clears it, types 4 and submits 4.
        burst(app, "backspace", "4", "enter")
        await pilot.pause(0.3)
        assert box(app).solved


async def test_an_editing_key_and_the_next_character_arrive_in_order(home):
    app = make_app(home, lesson="derivative-as-slope")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        x_box = app.screen.query_one(SlopePanel).query_one("#slope-x", Input)
        x_box.focus()
        await pilot.pause()
        x_box.cursor_position = len(x_box.value)
        before = x_box.value
        burst(app, "home", "-")  # the minus goes in front, not after the number
        await pilot.pause(0.3)
        assert x_box.value == "-" + before


async def test_next_on_the_last_step_of_the_last_lesson_stays(home):
    last = all_lessons()[-1]
    ProgressStore(home).set_position(last.id, len(last.steps) - 1)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.set_focus(None)  # whatever the step focused, n now reaches the screen
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.lesson.id == last.id
        assert "last lesson" in str(app.screen.query_one("#lesson-crumb").content)


def test_bare_code_fences_get_a_language_and_labelled_ones_keep_theirs():
    text = "a\n```\nx = 1\n```\nb\n```python\ny = 2\n```\n"
    assert label_bare_fences(text) == "a\n```text\nx = 1\n```\nb\n```python\ny = 2\n```\n"


async def test_the_last_step_names_the_exercises_skipped_with_n(home):
    """n moves past an unanswered exercise without a word; the last step says which."""
    lesson = all_lessons()[0]
    last = len(lesson.steps) - 1
    skipped = [i for i, step in enumerate(lesson.steps[:last]) if step.exercise is not None]
    assert len(skipped) >= 2, "lesson 1 has exercises to skip"
    store = ProgressStore(home)
    store.complete_step(lesson.id, skipped[0])
    store.set_position(lesson.id, last)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        crumb = str(app.screen.query_one("#lesson-crumb").content)
        left = [str(i + 1) for i in skipped[1:]]
        assert f"Not answered yet: step{'s' if len(left) > 1 else ''} " in crumb
        assert all(number in crumb for number in left), crumb
        assert f" {skipped[0] + 1} " not in crumb.split("yet:")[1]  # the answered one is not
