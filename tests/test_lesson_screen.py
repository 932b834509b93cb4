"""The lesson screen, driven by keys only at 80×24: answers, hints, steps, progress."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from apps import make_app
from rich.console import Console
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Markdown, Static

from lessons.progress import ProgressStore
from lessons.registry import all_lessons, get_lesson
from tutor.app import TutorApp
from tutor.screens.lesson import WIDE_PANEL_KINDS, LessonScreen, label_bare_fences
from tutor.train_settings import format_value
from tutor.widgets.footer import CompactFooter
from tutor.widgets.graph_explorer import GraphExplorer
from tutor.widgets.step_panels import (
    ChoiceList,
    CodePanel,
    ExerciseBox,
    SlopePanel,
    TrainPanel,
    has_panel,
)

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


async def test_slope_table_follows_x_and_h(home):
    app = make_app(home, lesson="derivative-as-slope")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        panel = app.screen.query_one(SlopePanel)
        step = panel.step
        table = text_of(panel.query_one("#slope-table"))
        assert f"{step.slope(1.0):.6f}" in table
        x_box = panel.query_one("#slope-x", Input)
        assert app.focused is box(app).answer_widget  # where the learner types the answer
        x_box.focus()
        await pilot.press("up")  # x + 0.5
        await pilot.pause()
        assert float(x_box.value) == step.x + 0.5
        table = text_of(panel.query_one("#slope-table"))
        assert f"{step.slope(1.0, step.x + 0.5):.6f}" in table
        await pilot.press("tab", "down")  # h ÷ 10: a row for the learner's own h
        await pilot.pause()
        h = float(panel.query_one("#slope-h", Input).value)
        assert h == pytest.approx(step.hs[-1] / 10)
        assert f"{step.slope(h, step.x + 0.5):.6f}" in text_of(panel.query_one("#slope-table"))
        x_box.value = "oops"
        await pilot.pause()
        assert "Type a number for x" in text_of(panel.query_one("#slope-table"))
        x_box.value = str(step.x + 0.5)  # the x of the table before the typo: shown again
        await pilot.pause()
        assert f"{step.slope(h, step.x + 0.5):.6f}" in text_of(panel.query_one("#slope-table"))


async def test_the_slope_panel_names_the_function_as_the_text_does(home):
    """Lesson 8 measures L(b) and o(n): the panel says L, b, o and n, not f and x."""
    lesson = get_lesson("gradient-check")
    app = make_app(home, lesson=lesson.id)
    async with app.run_test(size=(120, 40)) as pilot:
        for index, (name, variable) in [(1, ("L", "b")), (3, ("o", "n"))]:
            assert lesson.steps[index].title in ("Check b.grad", "Measure tanh")
            await app.screen.show_step(index)
            await pilot.pause()
            panel = app.screen.query_one(SlopePanel)
            caption = text_of(panel.query_one(".panel-caption"))
            labels = " ".join(text_of(label) for label in panel.query(".slope-label"))
            table = text_of(panel.query_one("#slope-table"))
            assert caption.startswith(f"{name}({variable}) = ")
            assert f"{variable} =" in labels and "x =" not in labels
            assert f"({name}({variable}+h)−{name}({variable}))/h" in table
            assert "f(x" not in caption + table
            panel.query_one("#slope-x").focus()
            await pilot.pause()
            keys = {b.binding.description for b in app.screen.active_bindings.values()}
            assert {f"{variable} + 0.5", f"{variable} − 0.5"} <= keys
            assert "x + 0.5" not in keys


async def test_a_choice_is_picked_with_its_number(home):
    lesson = get_lesson("values-and-graphs")
    index = next(i for i, s in enumerate(lesson.steps) if s.exercise and s.exercise.choices)
    exercise = lesson.steps[index].exercise
    right = next(n for n, c in enumerate(exercise.choices, 1) if exercise.check(c).ok)
    wrong = next(n for n, c in enumerate(exercise.choices, 1) if not exercise.check(c).ok)
    ProgressStore(home).set_position(lesson.id, index)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, ChoiceList)
        await pilot.press(str(wrong))
        await pilot.pause()
        assert feedback(app).startswith("✗") and not box(app).solved
        await pilot.press(str(right))
        await pilot.pause()
        assert box(app).solved
        assert app.progress.attempts(lesson.id, index) == 2


async def test_code_steps_show_the_installed_engine_source(home):
    lesson = get_lesson("chain-rule")
    index = next(i for i, s in enumerate(lesson.steps) if s.kind == "code")
    ProgressStore(home).set_position(lesson.id, index)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(CodePanel)
        code = text_of(panel.query_one("#code"))
        first_line = panel.step.source().strip().splitlines()[0]
        assert first_line.split("(")[0] in code
        # What to look for is read beside, in the step's text, as a list of its own.
        prose = app.screen.query_one("#prose-text", Markdown).source
        assert "**Look for** (❱ in the code):\n\n- " in prose


async def test_the_line_a_code_step_is_about_is_marked_and_scrolled_to(home):
    """Lesson 5's line to find is some 20 lines into backward(): the code opens on it."""
    lesson = get_lesson("reused-nodes")
    index = next(i for i, s in enumerate(lesson.steps) if s.title == "backward() adds")
    ProgressStore(home).set_position(lesson.id, index)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        scroll = app.screen.query_one("#code-scroll")
        assert scroll.scroll_y > 0
        code = app.screen.query_one("#code")
        top, rows = int(scroll.scroll_y), scroll.scrollable_content_region.height
        visible = [code.render_line(y).text for y in range(top, top + rows)]
        marked = [line for line in visible if "❱" in line]
        assert any("operand.grad +=" in line for line in marked), visible


async def test_focus_starts_in_the_answer_box_while_the_exercise_is_open(home):
    """A code step with a question, and a slope step: the learner types the answer."""
    for lesson_id, title in (
        ("chain-rule", "Where * records its rule"),
        ("gradient-check", "Measure tanh"),
    ):
        lesson = get_lesson(lesson_id)
        index = next(i for i, s in enumerate(lesson.steps) if s.title == title)
        ProgressStore(home).set_position(lesson.id, index)
        app = make_app(home)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.focused is box(app).answer_widget, (title, app.focused)


async def test_a_digit_picks_a_choice_wherever_focus_is(home):
    lesson = get_lesson("chain-rule")
    index = next(i for i, s in enumerate(lesson.steps) if s.title == "Step the other way")
    exercise = lesson.steps[index].exercise
    right = next(n for n, c in enumerate(exercise.choices, 1) if exercise.check(c).ok)
    ProgressStore(home).set_position(lesson.id, index)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#prose").focus()  # away from the list of choices
        await pilot.pause()
        await pilot.press(str(right))
        await pilot.pause()
        assert box(app).solved, feedback(app)


async def test_up_and_down_in_an_answer_box_scroll_the_text_and_say_so(home):
    lesson = get_lesson("neuron-layer-mlp")
    index = next(i for i, s in enumerate(lesson.steps) if s.title == "Neuron")
    ProgressStore(home).set_position(lesson.id, index)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        prose = app.screen.query_one("#prose")
        assert isinstance(app.focused, Input) and prose.max_scroll_y > 0
        footer = app.screen.query_one(CompactFooter)
        assert "Scroll text" in [item.description for item in footer.items]
        await pilot.press("down", "down")
        await pilot.pause()
        assert prose.scroll_y == 2
        await pilot.press("up")
        await pilot.pause()
        assert prose.scroll_y == 1


async def test_an_explanation_taller_than_its_box_scrolls_by_keyboard(home):
    """After the right answer the box is focused when it holds more than it shows."""
    lesson = get_lesson("gradient-check")
    index = next(i for i, s in enumerate(lesson.steps) if s.title == "How small should h be?")
    exercise = lesson.steps[index].exercise
    right = next(n for n, c in enumerate(exercise.choices, 1) if exercise.check(c).ok)
    ProgressStore(home).set_position(lesson.id, index)
    app = make_app(home)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        await pilot.press(str(right))
        await pilot.pause()
        exercise_box = box(app)
        assert exercise_box.solved and exercise_box.overflows
        assert app.focused is exercise_box and exercise_box.show_vertical_scrollbar
        await pilot.press("down")
        await pilot.pause()
        assert exercise_box.scroll_y == 1


async def test_the_learners_h_takes_its_place_in_the_table(home):
    """The table reads largest h first, the learner's own h among the others: a
    tiny h goes under 0.0001, 0.05 between 0.1 and 0.01."""
    app = make_app(home, lesson="derivative-as-slope")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        panel = app.screen.query_one(SlopePanel)
        for typed, after, before in [("0.05", "0.1", "0.01"), ("1e-18", "0.0001", None)]:
            panel.query_one("#slope-h", Input).value = typed
            await pilot.pause()
            rows = [
                line.split()[0]
                for line in text_of(panel.query_one("#slope-table")).splitlines()
                if line.strip() and line.split()[0][0].isdigit()
            ]
            mine = rows.index(typed)
            assert rows[mine - 1] == after
            assert (rows[mine + 1] if mine + 1 < len(rows) else None) == before


async def test_a_tiny_h_in_the_slope_table_is_said_to_be_rounding(home):
    app = make_app(home, lesson="derivative-as-slope")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        panel = app.screen.query_one(SlopePanel)
        panel.query_one("#slope-h", Input).value = "1e-18"
        await pilot.pause()
        table = text_of(panel.query_one("#slope-table"))
        assert "0.000000" in table  # the ratio the learner saw
        assert "too small for floats" in " ".join(table.split())
        await answer(pilot, "0")
        assert "rounding, not the slope" in feedback(app)


async def test_training_steps_show_the_preset_and_goal_and_no_fake_buttons(home):
    lesson = get_lesson("gradient-descent")
    index = next(i for i, s in enumerate(lesson.steps) if s.kind == "train")
    step = lesson.steps[index]
    ProgressStore(home).set_position(lesson.id, index)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(TrainPanel)
        preset = text_of(panel.query_one("#train-preset"))
        # The lab's names, so each row is found again in the form t opens.
        assert f"learn rate  {format_value('learning_rate', step.config.learning_rate)}" in preset
        assert "graph       tape" in preset and "True" not in preset
        # Lesson 10 trains on the lecture's four examples: no moons settings in its preset.
        assert step.dataset == "lecture" and "the 4 examples" in preset
        assert "samples" not in preset and "noise" not in preset and "test fraction" not in preset
        assert "dataset" not in preset and "moons" not in preset
        if step.goal is not None:
            assert step.goal.describe() in text_of(panel.query_one("#train-goal"))
        assert app.screen.check_action("train", ()) is True
        assert panel.query("#train-open")


class StandInLab(Screen[object]):
    """Takes the training lab's place: what it is given, and what it hands back."""

    def __init__(self, config: object, goal: object, *, dataset: object = "moons") -> None:
        super().__init__()
        self.config = config
        self.goal = goal
        self.dataset = dataset


async def test_t_opens_the_training_lab_and_its_run_is_checked(home, monkeypatch):
    from engine.train import StepReport

    # The real lab starts plotting and a dataset; this test is about the hand-over.
    monkeypatch.setattr("tutor.screens.train.TrainScreen", StandInLab)
    lesson = get_lesson("gradient-descent")
    index = next(i for i, s in enumerate(lesson.steps) if s.kind == "train")
    step = lesson.steps[index]
    ProgressStore(home).set_position(lesson.id, index)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lesson_screen = app.screen
        await pilot.press("t")
        await pilot.pause()
        lab = app.screen
        assert isinstance(lab, StandInLab)
        assert (lab.config, lab.goal) == (step.config, step.goal)
        assert lab.dataset == step.dataset == "lecture"  # lesson 10 trains on the 4 examples
        # What the lab hands back: the run it trained (a stand-in that met any goal).
        report = StepReport(
            step=19,
            loss=0.01,
            train_accuracy=1.0,
            test_accuracy=1.0,
            learning_rate=0.1,
            grad_norm=0.1,
        )
        lab.dismiss(SimpleNamespace(status="finished", message="", history=[report]))
        await pilot.pause()
        assert app.screen is lesson_screen
        assert box(app).solved, feedback(app)
        assert app.progress.step_done(lesson.id, index)


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
