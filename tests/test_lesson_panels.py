"""The lesson screen's panels at 80×24, by keys only: the slope table, choices, code
steps, training steps (and the lab a training step opens), and where focus goes beside
them: the answer box, and the text it scrolls."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from apps import make_app
from lesson_screen_support import SIZE, answer, app_at, box, feedback, text_of
from textual.screen import Screen
from textual.widgets import Input, Markdown

from lessons.registry import get_lesson
from tutor.train_settings import format_value
from tutor.widgets.footer import CompactFooter
from tutor.widgets.step_panels import ChoiceList, CodePanel, SlopePanel, TrainPanel


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
    app, index = app_at(home, lesson, lambda s: s.exercise and s.exercise.choices)
    exercise = lesson.steps[index].exercise
    right = next(n for n, c in enumerate(exercise.choices, 1) if exercise.check(c).ok)
    wrong = next(n for n, c in enumerate(exercise.choices, 1) if not exercise.check(c).ok)
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
    app, _ = app_at(home, lesson, lambda s: s.kind == "code")
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
    app, _ = app_at(home, lesson, "backward() adds")
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
        app, _ = app_at(home, lesson, title)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.focused is box(app).answer_widget, (title, app.focused)


async def test_a_digit_picks_a_choice_wherever_focus_is(home):
    lesson = get_lesson("chain-rule")
    app, index = app_at(home, lesson, "Step the other way")
    exercise = lesson.steps[index].exercise
    right = next(n for n, c in enumerate(exercise.choices, 1) if exercise.check(c).ok)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#prose").focus()  # away from the list of choices
        await pilot.pause()
        await pilot.press(str(right))
        await pilot.pause()
        assert box(app).solved, feedback(app)


async def test_up_and_down_in_an_answer_box_scroll_the_text_and_say_so(home):
    lesson = get_lesson("neuron-layer-mlp")
    app, _ = app_at(home, lesson, "Neuron")
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
    app, index = app_at(home, lesson, "How small should h be?")
    exercise = lesson.steps[index].exercise
    right = next(n for n, c in enumerate(exercise.choices, 1) if exercise.check(c).ok)
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
    app, index = app_at(home, lesson, lambda s: s.kind == "train")
    step = lesson.steps[index]
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
    app, index = app_at(home, lesson, lambda s: s.kind == "train")
    step = lesson.steps[index]
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
