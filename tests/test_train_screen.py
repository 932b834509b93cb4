"""The training lab's screen driven by keys, at 80×24 unless said otherwise.

Its parts have tests of their own: test_train_settings (the form's text),
test_train_driver (the training thread), test_pacer (when it draws),
test_sample_picker and test_train_charts.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from pathlib import Path

import pytest
from textual import events, on
from textual.app import App
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from engine.data import lecture_examples
from engine.train import TrainConfig, TrainingRun, predict
from lessons.model import Goal
from tutor.screens.train import Charts, TrainScreen
from tutor.widgets.footer import CompactFooter
from tutor.widgets.graph_tree import GraphTree
from tutor.widgets.header import TutorHeader
from tutor.widgets.sample_picker import SamplePicker
from tutor.widgets.train_charts import AccuracyPlot, BoundaryPlot, LossPlot, SampleScores
from tutor.widgets.train_form import TrainForm

# The lab trains while keys are pressed: see conftest.quick_keys.
pytestmark = pytest.mark.usefixtures("quick_keys")

STYLESHEET = Path(__file__).resolve().parent.parent / "tutor" / "tutor.tcss"
SIZE = (80, 24)
SMALL = TrainConfig(samples=40, steps=20)  # quick to train, still moons
TINY = TrainConfig(samples=20, hidden=(4,), steps=100_000)  # steps in no time, for ever
QUICK = TINY.replace(steps=15)  # ... and done in no time


# -- the screen ------------------------------------------------------------------------


class LabApp(App[None]):
    """A bare app with one screen below the lab, so escape has somewhere to go."""

    CSS_PATH = STYLESHEET

    def __init__(self, lab: TrainScreen) -> None:
        super().__init__()
        self.lab = lab
        self.results: list[object] = []
        self.goals: list[TrainScreen.GoalReached] = []
        self.notes: list[tuple[str, str]] = []

    def on_mount(self) -> None:
        self.push_screen(Screen(id="below"))
        self.push_screen(self.lab, self.results.append)

    def notify(self, message: str, **kwargs) -> None:
        self.notes.append((message, kwargs.get("severity", "information")))
        super().notify(message, **kwargs)

    @on(TrainScreen.GoalReached)
    def _goal(self, message: TrainScreen.GoalReached) -> None:
        self.goals.append(message)


async def settle(pilot, condition, timeout: float = 60.0) -> None:
    """Let the app run until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the lab")
        await pilot.pause(0.02)


def screen_text(widget) -> str:
    """What a widget shows, as plain text."""
    lines = (widget.render_line(y) for y in range(widget.size.height))
    return "\n".join("".join(segment.text for segment in line) for line in lines)


def status_line(lab: TrainScreen) -> str:
    return str(lab.query_one("#train-status", Static).render())


async def ready(pilot, lab: TrainScreen) -> TrainingRun:
    """The lab's run made, and its status line past "preparing": the status is drawn at
    the lab's next frame, a timer's tick after the run arrives."""
    await settle(pilot, lambda: lab.run is not None and "preparing" not in status_line(lab))
    await pilot.pause()
    return lab.run


async def test_play_pause_step_and_reset():
    lab = TrainScreen(SMALL.replace(steps=100_000))
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        assert isinstance(app.focused, Charts)
        assert "ready" in status_line(lab)
        await pilot.press("space")
        await settle(pilot, lambda: run.steps_done >= 3)
        assert "training" in status_line(lab)
        await pilot.press("space")
        assert "paused" in status_line(lab)  # at once, before the thread has stopped
        await settle(pilot, lambda: not lab.driver._playing)
        await pilot.pause(0.2)
        paused_at = run.steps_done
        await pilot.pause(0.3)
        assert run.steps_done == paused_at
        await pilot.press("full_stop")
        await settle(pilot, lambda: run.steps_done == paused_at + 1)
        await pilot.pause(0.2)
        assert run.steps_done == paused_at + 1
        await settle(pilot, lambda: f"step {paused_at + 1}/100000" in status_line(lab))
        assert len(lab.history) == paused_at + 1
        await pilot.press("r")
        await settle(pilot, lambda: lab.run is not None and lab.run is not run)
        new_run = lab.run
        assert new_run.steps_done == 0 and len(lab.history) == 0
        assert run.status == "cancelled"
        # Same seed, same first weights: a reset starts exactly where the first run did.
        assert [p.data for p in new_run.model.parameters()] == [
            p.data for p in TrainingRun(SMALL).model.parameters()
        ]
        await settle(pilot, lambda: "step 0/100000" in status_line(lab))


async def test_the_charts_follow_the_run():
    lab = TrainScreen(SMALL.replace(test_fraction=0.25), play=True)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        await settle(pilot, lambda: run.status == "finished")
        await pilot.pause(0.3)
        loss = lab.query_one(LossPlot)
        assert loss.display
        assert lab.history.steps == list(range(1, 21))
        assert lab.history.loss == [r.loss for r in run.history]
        assert len(lab.history.test_loss) == 20
        assert lab.history.test_accuracy[-1] == 100 * run.history[-1].test_accuracy
        await pilot.press("2")
        assert lab.query_one(AccuracyPlot).display and not loss.display
        await pilot.press("3")
        boundary = lab.query_one(BoundaryPlot)
        assert boundary.display
        await settle(pilot, lambda: boundary.scores is not None)
        mesh = boundary.mesh
        assert boundary.scores.tag == mesh
        assert boundary.scores.values == tuple(predict(run.model, mesh.points()))
        test = f"test {run.history[-1].test_accuracy:.0%}"
        await settle(pilot, lambda: test in status_line(lab))
        await pilot.press("right")
        assert lab.chart == "loss"


@pytest.mark.parametrize("no_color", [False, True])
async def test_the_boundary_reads_without_colour(no_color, monkeypatch):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")  # Textual reads it when the app is made
    lab = TrainScreen(SMALL, play=True)
    app = LabApp(lab)
    assert app.no_color == no_color
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        await pilot.press("3")
        await settle(pilot, lambda: run.status == "finished")
        boundary = lab.query_one(BoundaryPlot)
        await settle(
            pilot, lambda: boundary.scores is not None and boundary.scores.steps_done == 20
        )
        await pilot.pause(0.6)
        text = "\n".join(
            "".join(seg.text for seg in boundary.render_line(y))
            for y in range(boundary.size.height)
        )
        assert "● +1" in text and "■ −1" in text  # the legend
        assert text.count("●") > 10 and text.count("■") > 10  # the two classes
        if no_color:  # the shading is in characters, denser where the model is surer
            assert ".:+ says +1" in text and sum(map(text.count, ".:+")) > 20  # legend, +1 side
        else:  # ... else in colours: both sides, at several levels
            colours = {
                segment.style.bgcolor
                for y in range(boundary.size.height)
                for segment in boundary.render_line(y)
            }
            assert len(colours) > 4


async def test_invalid_settings_are_refused_beside_their_field():
    lab = TrainScreen(SMALL)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        form = lab.query_one(TrainForm)
        await pilot.press("f")  # f goes to the form's first field, the dataset
        assert app.focused is lab.query_one("#field-dataset", Select)
        await pilot.press("tab")
        samples = lab.query_one("#field-samples", Input)
        assert app.focused is samples
        samples.value = "5"
        await pilot.pause()
        note = lab.query_one("#note-samples", Static)
        assert note.has_class("-error") and note.display
        assert "20 to 1000" in str(note.render())
        await pilot.press("enter")
        await pilot.pause()
        assert lab.query_one(TrainForm).config == SMALL  # refused: nothing applied
        rate = lab.query_one("#field-learning_rate", Input)
        rate.value = "fast"
        await pilot.pause()
        assert "learning rate" in str(lab.query_one("#note-learning_rate", Static).render())
        await pilot.press("escape")  # back to the charts, not out of the lab
        assert isinstance(app.focused, Charts)
        assert app.screen is lab
        await pilot.press("r")
        await settle(pilot, lambda: lab.run is not None and lab.run is not run)
        assert lab.run.config == SMALL  # the last valid settings
        assert any("refused" in message for message, _ in app.notes)
        assert form.problems  # still shown until corrected


async def test_f_shows_focuses_and_hides_the_form():
    lab = TrainScreen(SMALL)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, lab)
        form = lab.query_one(TrainForm)
        lab.query_one("#field-activation").focus()  # a pick list: f is not typed into it
        await pilot.press("f")
        assert lab.has_class("-form-hidden") and not form.display
        assert isinstance(app.focused, Charts)
        await pilot.press("f")
        await pilot.pause()
        assert form.display and app.focused is lab.query_one("#field-dataset")
        await pilot.press("escape")
        assert isinstance(app.focused, Charts) and form.display


async def test_data_settings_wait_for_reset_and_training_settings_apply_at_once():
    lab = TrainScreen(SMALL.replace(schedule="constant"))
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        seed = lab.query_one("#field-seed", Input)
        seed.focus()
        seed.value = "7"
        await pilot.press("enter")
        note = lab.query_one("#note-seed", Static)
        assert "press r to apply" in str(note.render())
        assert run.config.seed == SMALL.seed
        rate = lab.query_one("#field-learning_rate", Input)
        rate.focus()
        rate.value = "0.05"
        await pilot.press("enter")
        await settle(pilot, lambda: run.config.learning_rate == 0.05)
        await pilot.press("escape")
        await pilot.press("full_stop")
        await settle(pilot, lambda: run.steps_done == 1)
        assert run.history[0].learning_rate == 0.05
        await settle(
            pilot, lambda: str(lab.query_one("#note-learning_rate", Static).render()) == ""
        )
        await pilot.press("r")
        await settle(pilot, lambda: lab.run is not run and lab.run is not None)
        assert lab.run.config == SMALL.replace(schedule="constant", seed=7, learning_rate=0.05)
        await pilot.pause()
        assert str(lab.query_one("#note-seed", Static).render()) == ""


async def test_divergence_stops_with_a_notice_and_the_lab_stays():
    lab = TrainScreen(SMALL.replace(learning_rate=1e6), play=True)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        await settle(pilot, lambda: lab.status == "diverged")
        await pilot.pause(0.3)
        assert run.status == "diverged"
        assert app.screen is lab
        notice = lab.query_one("#train-notice", Static)
        assert notice.display and "too large" in str(notice.render())
        assert "It started in layer " in str(notice.render())  # where it went bad
        assert "diverged" in status_line(lab)
        assert any(severity == "error" and "too large" in m for m, severity in app.notes)
        # Meanwhile the training thread tries smaller rates on this run, and names one.
        await settle(pilot, lambda: "set it to " in str(notice.render()), timeout=10)
        assert not lab.playing
        await pilot.press("full_stop")  # nothing to step: said so, nothing breaks
        assert any("has ended" in m for m, _ in app.notes)
        await pilot.press("r")
        await settle(pilot, lambda: lab.run is not run and lab.run is not None)
        assert lab.status == "ready" and not notice.display


async def test_leaving_the_lab_ends_the_training_thread():
    lab = TrainScreen(SMALL.replace(steps=100_000), play=True)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        await settle(pilot, lambda: run.steps_done >= 2)
        workers = [w for w in app.workers if w.group == "training"]
        assert len(workers) == 1 and workers[0].is_running
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen.id == "below")
        await settle(pilot, lambda: workers[0].is_finished, timeout=10)
        assert run.status == "cancelled"
        with pytest.raises(RuntimeError, match="cancelled"):
            run.step()  # no step can come after
        assert app.results == [run]  # the run on show goes back to whoever opened the lab


async def test_the_default_recipe_reaches_100_percent_on_screen():
    lab = TrainScreen(play=True)  # micrograd's demo: 100 moons, 16-16 ReLU, hinge, 100 steps
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        assert run.parameter_count == 337
        await settle(pilot, lambda: lab.status == "finished", timeout=240)
        await pilot.pause(0.3)
        line = status_line(lab)
        assert "finished" in line and "step 100/100" in line
        assert "train 100%" in line and "337 params" in line
        assert run.history[-1].train_accuracy == 1.0
        assert run.history[0].loss == pytest.approx(0.8958441028683222, abs=1e-9)


async def test_a_goal_is_announced_and_the_run_goes_back():
    goal = Goal("train_accuracy", 0.8)
    lab = TrainScreen(SMALL, goal, play=True)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        assert "train accuracy ≥ 80%" in str(lab.query_one("#form-goal", Static).render())
        await settle(pilot, lambda: app.goals)
        assert app.goals[0].run is run and goal.met(app.goals[0].report)
        await settle(pilot, lambda: "goal ✓" in status_line(lab))
        await pilot.press("r")  # a new run that has not reached it does not take its place
        await settle(pilot, lambda: lab.run is not run and lab.run is not None)
        await pilot.press("escape")
        await settle(pilot, lambda: app.results)
        assert app.results == [run]


async def test_the_lectures_examples_show_their_scores():
    config = TrainConfig(
        hidden=(4, 4), activation="tanh", loss="mse", learning_rate=0.1, schedule="constant"
    )
    lab = TrainScreen(config.replace(alpha=0.0, steps=20), dataset="lecture", play=True)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        assert run.dataset == lecture_examples()
        assert lab.query_one("#field-samples", Input).disabled
        await settle(pilot, lambda: lab.status == "finished")
        await pilot.press("3")
        table = lab.query_one(SampleScores)
        await settle(pilot, lambda: table.scores is not None and table.scores.steps_done == 20)
        assert table.scores.values == tuple(predict(run.model, run.dataset.X_train))
        # The table is drawn at the next frame: until then its lines still say "—".
        await settle(pilot, lambda: "—" not in screen_text(table))
        text = screen_text(table)
        assert "target" in text and text.count("✓ right") == 4


async def test_a_run_that_cannot_be_made_says_why():
    # A batch of 10 out of the lecture's 4 examples: the engine refuses the run.
    lab = TrainScreen(TrainConfig(batch_size=10), dataset="lecture", play=True)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: lab.status == "failed")
        await settle(pilot, lambda: "could not start" in status_line(lab))
        notice = lab.query_one("#train-notice", Static)
        assert notice.display and "batch size" in str(notice.render())
        assert not lab.playing and lab.run is None
        assert "from 1 to 4" in str(lab.query_one("#note-batch_size", Static).render())


async def test_inspect_opens_the_forward_pass_of_a_sample():
    from tutor.screens.explorer import ExplorerScreen

    lab = TrainScreen(SMALL)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, lab)
        await pilot.press("i")
        assert isinstance(app.screen, SamplePicker)
        await pilot.press("down", "down", "enter")
        await settle(pilot, lambda: isinstance(app.screen, ExplorerScreen))
        assert not lab.playing
        explorer = app.screen
        sample = lab.run.dataset.X_train[2]
        assert explorer.root.data == lab.run.model(list(sample)).data
        assert "sample 3" in explorer.sub_title and "after 0 steps" in explorer.sub_title
        # The explorer follows the training: . takes a step, and the pass is made anew.
        await pilot.press("down", "down")  # the cursor on a node below the score
        tree = explorer.query_one(GraphTree)
        row = tree.cursor_line
        old_root = explorer.root
        await pilot.press("full_stop")
        await settle(pilot, lambda: explorer.root is not old_root)
        assert lab.run.steps_done == 1 and "after 1 step" in explorer.sub_title
        assert explorer.root.data == lab.run.model(list(sample)).data != old_root.data
        assert tree.cursor_line == row  # still on the same node
        await pilot.press("t")  # trains on; the explorer keeps up
        await settle(pilot, lambda: lab.run.status == "finished")
        await settle(pilot, lambda: "after 20 steps" in explorer.sub_title)
        assert explorer.root.data == lab.run.model(list(sample)).data
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is lab)
        await settle(pilot, lambda: lab.driver._followed is None)  # no more passes made


# -- keys faster than the lab draws ------------------------------------------------------

BURST_KEYS = [
    *("space", "full_stop", "r", "1", "2", "3", "left", "right"),
    *("f", "tab", "i", "down", "enter", "backspace", "5", "escape"),
]
KEY_CHARACTERS = {
    "space": " ",
    "full_stop": ".",
    "tab": "\t",
    "enter": "\r",
    "backspace": "\x7f",
    "escape": "\x1b",
}


def post_keys(app: App, keys: list[str]) -> None:
    """Queue ``keys`` all at once, as a fast typist or a slow link delivers them."""
    for key in keys:
        character = KEY_CHARACTERS.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


@pytest.mark.slow
@pytest.mark.parametrize("size", [SIZE, (120, 40)], ids=["80x24", "120x40"])
async def test_bursts_of_keys_with_escape_among_them_leave_the_lab_cleanly(size):
    """Keys queued faster than the lab draws (issue 7): the first can reach a lab
    whose widgets are not mounted yet, those after escape one that is closing."""
    rng = random.Random(f"20250607 {size}")
    switch_interval = sys.getswitchinterval()
    app = LabApp(TrainScreen(SMALL))
    async with app.run_test(size=size) as pilot:
        await ready(pilot, app.lab)
        labs = [app.lab]
        for _ in range(8):
            # Whatever the last burst left open goes without escape, as when the app
            # moves elsewhere (the palette jumps to a lesson).
            while len(app.screen_stack) > 2:
                app.pop_screen()
            lab = TrainScreen(QUICK, play=rng.random() < 0.5)
            labs.append(lab)
            app.push_screen(lab)
            for _ in range(rng.randrange(4)):  # the keys come at any moment of its opening
                await asyncio.sleep(rng.random() * 0.05)
            keys = [rng.choice(BURST_KEYS) for _ in range(rng.randrange(3, 15))]
            keys.insert(rng.randrange(len(keys) + 1), "escape")
            post_keys(app, keys)  # none waits for the one before
            await pilot.pause()
            assert app.is_running, keys
        while len(app.screen_stack) > 2:
            app.pop_screen()
        await pilot.pause()
        assert not any(lab.live for lab in labs)
        assert all(lab.driver is None or lab.driver._stopped.is_set() for lab in labs)
        # ... and the app still answers: a new lab opens, trains and goes back with its run.
        last = TrainScreen(SMALL, play=True)
        app.push_screen(last, app.results.append)
        run = await ready(pilot, last)
        await settle(pilot, lambda: last.status == "finished")
        await pilot.press("escape")
        await settle(pilot, lambda: app.results and app.results[-1] is run)
        assert app.screen.id == "below"
        await app.workers.wait_for_complete()
        # The labs quicken thread switching while one is open, and only then.
        assert sys.getswitchinterval() == switch_interval


async def test_what_reaches_a_lab_after_it_has_closed_is_ignored():
    """News, timers, callbacks after a refresh and keys can all outlive the lab;
    each comes in by one of its few doors, finds it closed, and does nothing
    (without a NoMatches from its widgets being gone)."""
    lab = TrainScreen(TINY, play=True)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        run = await ready(pilot, lab)
        await settle(pilot, lambda: run.steps_done > 0)
        await pilot.press("escape")
        await settle(pilot, lambda: not lab.is_attached and app.screen.id == "below")
        assert not lab.live and lab.driver._stopped.is_set()
        assert lab._redraw_timer is None and lab._replot_timer is None  # stopped on leaving
        lab._worker_news(TrainScreen.NewsReady())  # the training thread's last word
        lab._boundary_resized()
        lab.on_resize(events.Resize(Size(100, 30), Size(100, 30)))
        called: list[str] = []
        lab._later(lambda: called.append("after a refresh"))
        lab._later(lambda: called.append("soon"), 0)
        lab._later(lambda: called.append("timer"), 0.01)
        lab.key_escape(events.Key("escape", "\x1b"))
        for action in ("back", "form", "play_pause", "step", "reset", "chart('boundary')"):
            # Keys reach actions through the screen's bindings; a second escape in
            # particular must not close the screen below.
            assert not await app.run_action(action, lab)
        await pilot.pause(0.1)
        assert called == []
        assert app.is_running and app.screen.id == "below"
        assert app.results == [run]


async def test_the_labs_header_shows_its_titles_and_outlives_its_widgets():
    lab = TrainScreen(SMALL)
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, lab)
        header = lab.query_one(TutorHeader)

        def title() -> str:
            return str(header.query_one("HeaderTitle", Static).render())

        assert "Training lab" in title()
        lab.sub_title = "moons"
        app.title = "Tutor"
        await pilot.pause()
        assert "Training lab" in title() and "moons" in title()
        await pilot.press("escape")
        await settle(pilot, lambda: not lab.is_attached)
        header._show_title()  # a title change reaching a header whose widgets are gone
        app.title = "Tutor again"
        await pilot.pause()
        assert app.is_running and app.screen.id == "below"


@pytest.mark.parametrize("slow_link", [False, True])
async def test_over_a_slow_link_the_charts_redraw_at_most_twice_a_second(slow_link):
    from tutor import performance

    lab = TrainScreen(SMALL.replace(steps=100_000))
    app = LabApp(lab)
    if slow_link:
        app.add_class(performance.LOW_BANDWIDTH_CLASS)  # as TutorApp(low_bandwidth=True) does
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, lab)
        await pilot.press("space")
        await settle(pilot, lambda: lab.playing)
        intervals = [lab._interval(chart) for chart in ("loss", "boundary")]
        await pilot.press("space")
    assert (min(intervals) >= 0.5) is slow_link


async def test_the_footer_leaves_out_keys_that_do_not_fit_and_brings_them_back():
    """At 80 columns the lab's keys would run under the palette key, cut: the last of
    its own keys are left out (help lists them); esc, quit and help always show."""

    def footer_keys() -> list[str]:
        return [item.key for item in app.screen.query_one(CompactFooter).items]

    lab = TrainScreen(SMALL)
    app = LabApp(lab)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot, lab)
        wide = footer_keys()
        assert {"i", "f", "s", "escape"} <= set(wide)
        await pilot.resize_terminal(80, 24)
        await settle(pilot, lambda: footer_keys() != wide)
        await pilot.pause()
        narrow = footer_keys()
        assert {"escape", "space"} <= set(narrow)
        assert "s" not in narrow and narrow == [key for key in wide if key in narrow]
        footer = app.screen.query_one(CompactFooter)
        line = footer.render()
        assert line.cell_len < footer.size.width  # one cell to spare, as Textual has it
        own = line.plain[: line.plain.index("▏")]
        assert own.rstrip().endswith(footer.items[-2].description)  # nothing drawn under
        assert line.plain.endswith("^p palette")  # the palette key, whole
        await pilot.resize_terminal(120, 30)
        await settle(pilot, lambda: footer_keys() == wide)
