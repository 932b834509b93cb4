"""Every step of every lesson fits the terminal: 80×24, the size the tutor is made for, and
60×20, the least it works at. Nothing may be cut off without a way to read it: a line
wider than its pane, a table squeezed to "…", a title cut short, text taller than a box
that cannot scroll, or a box that scrolls but shows no scrollbar or takes no key
(``fit.cut_off`` says exactly what counts).

Each step is drawn at its tallest: solved, with every hint shown, so the exercise box
holds its prompt, feedback, hints and explanation at once. One app per size walks the
whole course; nothing is painted (the layout is what is checked, and painting would
double the time).
"""

from __future__ import annotations

import pytest
from apps import make_app
from fit import cut_off
from textual.app import App, ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown, Static
from waits import settle

from lessons.progress import ProgressStore
from lessons.registry import all_lessons
from tutor.messages import OpenLesson
from tutor.widgets.step_panels import ExerciseBox, OverflowScroll


@pytest.fixture
def layout_only(monkeypatch):
    """Lay screens out without painting them (and forget what was to be painted)."""

    def forget(screen: Screen) -> None:
        screen._dirty_widgets.clear()
        screen._compositor._dirty_regions.clear()

    monkeypatch.setattr(Screen, "_compositor_refresh", forget)


@pytest.fixture
def tallest_exercises(monkeypatch):
    """Every exercise box opens with all its hints shown (solved ones, from progress)."""
    original = ExerciseBox.__init__

    def with_every_hint(self, exercise, **options) -> None:
        original(self, exercise, **options)
        self.set_reactive(ExerciseBox.hints_shown, len(exercise.hints))

    monkeypatch.setattr(ExerciseBox, "__init__", with_every_hint)


def everything_done(home) -> None:
    store = ProgressStore(home)
    for lesson in all_lessons():
        for index in range(len(lesson.steps)):
            store.complete_step(lesson.id, index)
        store.complete_lesson(lesson.id)
    store.set_position(all_lessons()[0].id, 0)


@pytest.mark.parametrize(
    "size",
    [
        pytest.param((80, 24), id="80x24"),
        pytest.param((60, 20), id="60x20", marks=pytest.mark.slow),
    ],
)
async def test_every_step_of_every_lesson_fits(home, size, layout_only, tallest_exercises):
    everything_done(home)
    app = make_app(home)
    problems: list[str] = []
    steps = 0
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for lesson in all_lessons():
            if lesson.number > 1:
                app.post_message(OpenLesson(lesson.id))  # it opens on its first step
                await settle(pilot)
            for index, step in enumerate(lesson.steps):
                if index:
                    await app.screen.show_step(index)
                    await settle(pilot)
                assert app.screen.step_index == index
                steps += 1
                where = f"lesson {lesson.number}, step {index + 1} ({step.kind}, {step.title!r})"
                problems += [f"{where}: {problem}" for problem in cut_off(app.screen)]
    assert steps == sum(len(lesson.steps) for lesson in all_lessons())
    assert not problems, "\n".join(problems)


# -- the checker itself: it finds each way of cutting text off, and passes what scrolls --


LONG_LINE = "operand.grad += local * node.grad  # and a comment that runs on and on"


class Clipped(App[None]):
    """One of each way to cut text off, and one box that scrolls properly."""

    CSS = """
    #fence { width: 20; height: auto; }
    #fixed { width: 20; height: 2; }
    #box { width: 20; height: 3; overflow-y: auto; }
    #ok { width: 20; height: 3; scrollbar-size-vertical: 1; }
    #squeezed { width: 12; height: 3; }
    #titled { width: 12; height: 3; border: round white; }
    """

    def compose(self) -> ComposeResult:
        yield Markdown(f"```text\n{LONG_LINE}\n```", id="fence")  # scrolls sideways, unseen
        yield Static("one two three four five six seven eight nine ten", id="fixed")
        with Vertical(id="box"):  # scrolls, but no key can reach it
            for n in range(6):
                yield Static(f"line {n}")
        with OverflowScroll(id="ok"):  # scrolls, shows its bar, and takes focus
            for n in range(6):
                yield Static(f"row {n}")
        from rich.table import Table

        table = Table(box=None)
        table.add_column("h", no_wrap=True)
        table.add_column("(f(x+h)−f(x))/h", no_wrap=True)
        table.add_row("0.0001", "14.000300")
        yield Static(table, id="squeezed")
        titled = Static("x", id="titled")
        titled.border_title = "graph: name op data grad"
        yield titled


async def test_the_checker_finds_every_kind_of_cut_and_passes_a_proper_scroller():
    app = Clipped()
    async with app.run_test(size=(40, 30)) as pilot:
        await settle(pilot)
        problems = "\n".join(cut_off(app.screen))
    assert "MarkdownFence: content wider than it, and no scrollbar shows it" in problems
    assert "Static#fixed: " in problems and "lines of text in 2 rows" in problems
    assert "Vertical#box: content taller than it, and no key reaches its scrollbar" in problems
    assert "Static#squeezed: text cut at 12 columns" in problems
    assert "Static#titled: border title 'graph: name op data grad' cut" in problems
    assert "#ok" not in problems
    assert len(problems.splitlines()) == 5, problems


async def test_a_scroller_that_can_be_read_is_not_cut_off():
    class Readable(App[None]):
        def compose(self) -> ComposeResult:
            with VerticalScroll():  # focusable, with its scrollbar
                for n in range(50):
                    yield Static(f"line {n}")

    app = Readable()
    async with app.run_test(size=(40, 10)) as pilot:
        await settle(pilot)
        assert cut_off(app.screen) == []
