"""The training lab: train an MLP on the moons and watch it learn, live.

Training runs on a thread worker (a :class:`TrainDriver`) that never touches a
widget; it tells the screen when there is news, and the screen takes it and
redraws on the schedule of a :class:`~tutor.pacer.FramePacer`: the curves at
most 5 times a second, the decision boundary at most twice (the worker scores
its mesh no more often). Keys are answered between two redraws, so the lab
stays quick while it trains.

Keys typed faster than the app draws, the worker's news, timers and callbacks
can reach the lab before its widgets are mounted or after it has begun to
close: they come in by a few doors (the worker's news, ``_later``, the
bindings' ``check_action``, escape, the tabs) that each ask ``live`` first.

Keys: space play/pause, ``.`` one step, ``r`` reset with the form's settings (same
first weights), ``w`` and ``n`` (``tutor.screens.train_neurons``), ``i`` inspect a
sample's forward pass in the graph explorer, ``f`` the form, ``1`` ``2`` ``3`` (or ←/→)
the charts, ``s`` save (``tutor.train_experiment``), escape back.

The form may offer the learner's own engine (``tutor.train_engines``); a line then says
how its run compares with the tutor's, and the milestone posts ``EngineMatched``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Select, Tab, Tabs
from textual.worker import Worker, WorkerState, get_current_worker

from engine.data import Dataset
from engine.train import StepReport, TrainConfig, TrainingRun
from lessons.model import Goal
from lessons.workbench.training_match import learner_config
from tutor import performance
from tutor.messages import EngineMatched
from tutor.pacer import REDRAW_TICK, FramePacer, chart_interval, frame_tick
from tutor.screens.train_goal import GoalLab
from tutor.screens.train_inspect import InspectSamples
from tutor.screens.train_neurons import NEURON_BINDINGS, NeuronsLab
from tutor.textual_compat import StyledOnce, is_base_screen, is_live
from tutor.train_driver import News, RunStatus, TrainDriver, failure_reason, named_dataset
from tutor.train_engines import ending_said, engine_name, match_line, milestone_reached
from tutor.train_experiment import ExperimentSaving
from tutor.train_settings import MINE, TUTORS, EngineChoice, live_changes
from tutor.train_status import fit, status_parts, steps_per_second
from tutor.widgets.footer import CompactFooter
from tutor.widgets.header import TutorHeader
from tutor.widgets.train_charts import (
    AccuracyPlot,
    BoundaryPlot,
    Chart,
    LossPlot,
    SampleScores,
    TrainingHistory,
)
from tutor.widgets.train_form import TrainForm
from tutor.widgets.train_lines import TrainLines

if TYPE_CHECKING:
    from lessons.experiments import Experiment
    from lessons.workbench.training_match import MatchState
    from tutor.learner_train_driver import LearnerTrainDriver

__all__ = ["TrainScreen"]

WIDE_AT = (110, 32)
"""From this many columns and rows every chart shows at once; below, one at a time in tabs."""

NUMBERED_TABS_FROM = 70
"""Columns from which the chart tabs show their keys (1 2 3) beside their names."""

CHART_AFTER_STATUS = 1 / 30
"""Seconds from a frame's status line to its chart: two frames at Textual's 60 a second."""

CHARTS = ("loss", "accuracy", "boundary")

ENDINGS: dict[RunStatus, tuple[str, SeverityLevel, float | None, str]] = {
    RunStatus.DIVERGED: ("Training diverged", "error", 10, "\nPress r to start again."),
    RunStatus.FINISHED: ("Training finished", "information", 4, ""),
    RunStatus.FAILED: ("Could not start the run", "error", None, ""),
    RunStatus.ERROR: ("Your engine stopped", "error", None, ""),
}
"""How the lab tells of a run's end: title, severity, seconds on show, what to add."""


class Charts(Container, can_focus=True):
    """Where the charts are; it holds the focus while the form does not, so the
    lab's single-key bindings reach the screen."""


class TrainScreen(
    InspectSamples, NeuronsLab, GoalLab, ExperimentSaving, StyledOnce, Screen[object]
):
    """Train a network on a dataset of the settings (or a lesson's) with live charts.

    ``TrainScreen(config, goal)``: ``config`` defaults to micrograd's demo
    recipe; ``goal`` (a lessons ``Goal``) is shown, and announced when met.
    ``dataset`` is ``"moons"`` (made from the settings: ``config.dataset``, the moons
    unless it says otherwise), ``"lecture"`` or a ``Dataset``. ``play=True`` starts
    training at once. ``engines`` says whether the learner's own engine may train;
    ``engine`` (TUTORS or MINE) trains the first run.

    The screen dismisses with the run that met the goal, else the run on
    show if it took any step, else None: a lesson checks it with its
    exercise. :class:`TrainScreen.GoalReached` is posted when the goal is met.
    """

    TITLE = "Training lab"

    BINDINGS: ClassVar[list[BindingType]] = [
        # One binding for both, so the Footer stays as it is (redrawing it costs a layout).
        Binding("space", "play_pause", "Play/Pause", tooltip="Train step after step, or stop"),
        Binding("full_stop", "step", "Step", key_display=".", tooltip="Take one step"),
        Binding("r", "reset", "Reset", tooltip="A new run, the same first weights"),
        *NEURON_BINDINGS,
        Binding("i", "inspect", "Inspect", tooltip="A sample's forward pass in the graph explorer"),
        Binding("f", "form", "Form", tooltip="Go to the settings (again: hide them)"),
        Binding("s", "save_experiment", "Save", tooltip="Save the setup as an experiment file"),
        Binding("1", "chart('loss')", "Loss", show=False),
        Binding("2", "chart('accuracy')", "Accuracy", show=False),
        Binding("3", "chart('boundary')", "Boundary", show=False),
        Binding("left", "next_chart(-1)", "Previous chart", show=False),
        Binding("right", "next_chart(1)", "Next chart", show=False),
        Binding("escape", "back", "Back", tooltip="Leave the lab (training stops)"),
    ]

    AUTO_FOCUS = "#charts"

    # `var`, not `reactive`: a change must not repaint the whole screen (watchers
    # and CSS classes redraw what needs it).
    chart: var[str] = var("loss")
    """The chart on show when there is room for one only."""

    playing: var[bool] = var(False)

    class NewsReady(Message):
        """The training thread has news; the screen takes it with ``take_news()``."""

    class GoalReached(Message):
        """The run on show met the goal."""

        def __init__(self, run: TrainingRun, report: StepReport) -> None:
            super().__init__()
            self.run = run
            self.report = report

    def __init__(
        self,
        config: TrainConfig | None = None,
        goal: Goal | None = None,
        *,
        dataset: str | Dataset = "moons",
        play: bool = False,
        engines: EngineChoice | None = None,
        engine: str = TUTORS,
        experiment: Experiment | None = None,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        # Classes set before mounting cost nothing; each one set later restyles the screen.
        super().__init__(name=name, id=id, classes="-chart-loss")  # the default chart
        self.experiment = experiment  # its config replaces `config`; the form shows its locks
        self.config = experiment.config if experiment else config or TrainConfig()
        # The first weights the experiment was saved with (``w``), if they had a seed of their own.
        self.weight_seed = experiment.weight_seed if experiment else None
        self.goal = goal
        self._dataset_note, self._dataset = named_dataset(dataset)
        self._play_at_start = play
        self.engines = engines if engines is not None else EngineChoice()
        self.engine = engine  # that trains the run on show
        self.match: MatchState | None = None  # ... how it compares, when it is the learner's
        self.history = TrainingHistory()
        self.driver: TrainDriver | LearnerTrainDriver | None = None
        self.run: TrainingRun | None = None
        self.status = RunStatus.PREPARING
        self.message = ""
        self.seconds = 0.0  # spent training the run on show
        self._goal_run: TrainingRun | None = None  # the run that met the goal
        self._step_times: deque[float] = deque(maxlen=64)
        self._pacer = FramePacer((*CHARTS, "neurons"), tick=REDRAW_TICK)
        self._switching: performance.QuickSwitching | None = None
        self._milestone_told = False
        self._redraw_timer: Timer | None = None
        self._replot_timer: Timer | None = None
        self._open = False  # from mounting (its widgets are there) until the lab is left

    @property
    def live(self) -> bool:
        """Whether the lab can still be drawn on and answer: its widgets are
        mounted, it has not been left, and Textual is not removing it."""
        return self._open and is_live(self)

    def _later(self, callback: Callable[[], object], delay: float | None = None) -> Timer | None:
        """``callback()`` after the next refresh (``delay`` None), soon (0) or in
        ``delay`` seconds, if the lab is still live then: the lab defers work only so."""

        def if_live() -> None:
            if self.live:
                callback()

        if delay is None:
            self.call_after_refresh(if_live)
        elif delay <= 0:
            self.call_later(if_live)  # (a timer of 0 s divides by zero in Textual)
        else:
            return self.set_timer(delay, if_live, name="train-lab")
        return None

    # -- layout

    @property
    def plane(self) -> bool:
        """Whether the points are 2-D, so the decision boundary can be drawn."""
        return self._dataset is None or self._dataset.n_features == 2

    def compose(self) -> ComposeResult:
        yield TutorHeader()
        with Horizontal(id="train-body"):
            yield self.settings_form()
            with Vertical(id="train-main"):
                last = "Boundary" if self.plane else "Scores"
                tabs = Tabs(
                    Tab("1 Loss", id="tab-loss"),
                    Tab("2 Accuracy", id="tab-accuracy"),
                    Tab(f"3 {last}", id="tab-boundary"),
                    id="chart-tabs",
                )
                tabs.can_focus = False  # 1 2 3 and ←/→ pick charts; Tab goes to the form
                yield tabs
                with Charts(id="charts"):
                    yield LossPlot(self.history, id="chart-loss", classes="chart")
                    yield AccuracyPlot(self.history, id="chart-accuracy", classes="chart")
                    if self.plane:
                        yield BoundaryPlot(id="chart-boundary", classes="chart")
                    else:
                        yield SampleScores(id="chart-boundary", classes="chart")
                    yield self._neuron_panel_widget()
        yield TrainLines()
        yield CompactFooter()

    def on_mount(self) -> None:
        self._open = True
        boundary = "decision boundary" if self.plane else "scores of the examples"
        titles = {"loss": "loss", "accuracy": "accuracy", "boundary": boundary}
        for name, title in titles.items():
            self.query_one(f"#chart-{name}").border_title = title
        self.query_one(TrainForm).border_title = "settings"
        self.watch_chart(self.chart)
        self._switching = performance.switch_quickly()  # keys answer quickly while it trains
        self._start(self.config, play=self._play_at_start, engine=self.engine)

    def on_resize(self, event: events.Resize) -> None:
        wide = event.size.width >= WIDE_AT[0] and event.size.height >= WIDE_AT[1]
        self.set_class(wide, "-wide")
        # Under 70 columns "1 Loss  2 Accuracy  3 Boundary" is cut: the keys 1 2 3 still work.
        for n, tab in enumerate(self.query(Tab).results(), 1):
            name = str(tab.label).split(" ")[-1]
            tab.label = name if event.size.width < NUMBERED_TABS_FROM else f"{n} {name}"
        self._later(self._watch_points)

    def watch_chart(self, chart: str) -> None:
        shown = (self.classes - {f"-chart-{name}" for name in CHARTS}) | {f"-chart-{chart}"}
        if shown != self.classes:
            self.set_classes(shown)  # one restyle of the screen, not one per class
        tabs = self.query_one(Tabs)
        if tabs.active != f"tab-{chart}":
            tabs.active = f"tab-{chart}"
        self._later(self._watch_points)
        self._schedule_redraw()

    def watch_playing(self) -> None:
        self._show_status()  # at once: a key deserves an answer before the next redraw

    @on(Tabs.TabActivated, "#chart-tabs")
    def _tab_picked(self, event: Tabs.TabActivated) -> None:
        event.stop()
        if self.live:  # a click can come while the tabs are being removed
            self.chart = event.tab.id.removeprefix("tab-") if event.tab.id else "loss"

    def _shows(self, chart: str) -> bool:
        shown = self._shows_neurons(chart)
        return shown if shown is not None else self.has_class("-wide") or self.chart == chart

    # -- running

    def _start(self, config: TrainConfig, *, play: bool, engine: str) -> None:
        """Make a new run with ``config`` on ``engine`` on a new training thread."""
        if self.driver is not None:
            self.driver.stop()
        if engine == MINE and not self.engines.usable:
            self.notify(self.engines.why_not(), severity="warning", timeout=8)
            engine = TUTORS
        if engine == MINE:
            config = learner_config(config)
        self.config, self.engine, self.match = config, engine, None
        self._milestone_told = False
        self.driver = self._make_driver(engine, config, play=play)
        self.playing = play
        self.run = None
        self.status, self.message, self.seconds = RunStatus.PREPARING, "", 0.0
        self.history = TrainingHistory()
        self._step_times.clear()
        for plot in self.query(".chart").results():
            if hasattr(plot, "history"):
                plot.history = self.history
        self._pacer.mark_stale(*CHARTS)
        self.query_one("#chart-boundary").show_dataset(None)
        self._train(self.driver)
        self._schedule_redraw()

    @work(thread=True, exclusive=True, exit_on_error=False, group="training")
    def _train(self, driver: TrainDriver | LearnerTrainDriver) -> None:
        worker = get_current_worker()
        performance.lower_thread_priority()  # keys first, here and in every other tab of a class
        driver.drive(lambda: worker.is_cancelled)

    def _news_ready(self) -> None:
        """Called on the training thread: wake the screen up, nothing more."""
        self.post_message(self.NewsReady())

    @on(NewsReady)
    @on(Worker.StateChanged)
    def _worker_news(self, message: NewsReady | Worker.StateChanged) -> None:
        """The one door for what the training thread says; it can outlive the lab."""
        if not self.live or self.driver is None:
            return
        if isinstance(message, self.NewsReady):
            self._take_news(self.driver.take_news())
        elif message.worker.group == "training" and message.state == WorkerState.ERROR:
            # A bug, not a divergence: the lab must not say "training" for ever.
            self.status = RunStatus.FAILED
            self.message = f"The training thread failed: {failure_reason(message.worker.error)}"
            self.playing = False
            self.notify(self.message, severity="error", timeout=10)
            self._show_status()

    def _take_news(self, news: News) -> None:
        if news.run is not None:
            self._run_ready(news.run)
        if news.steps:
            self.history.add(news.steps)
            self._step_times.extend(f.at for f in news.steps)
            self._pacer.mark_stale("loss", "accuracy")
            self._check_goal()
        if news.scores is not None:
            self.query_one("#chart-boundary").scores = news.scores
            self._pacer.mark_stale("boundary")
        self._take_neuron_news(news)
        if news.applied is not None:
            self.query_one(TrainForm).show_run_config(news.applied)
            self.notify("Applied from the next step on.", timeout=2)
        if news.refused:
            self.notify(news.refused, severity="warning", timeout=6)
        if news.inspection is not None:
            self._open_inspection(news)
        self.match = news.match
        self._status_changed(news)
        self._schedule_redraw()

    def _run_ready(self, run: TrainingRun) -> None:
        performance.freeze_long_lived_objects()
        self.run = run
        self.query_one("#chart-boundary").show_dataset(run.dataset)
        self.query_one(TrainForm).show_run_config(run.config, self.engine)
        self.refresh_bindings()  # i needs a run: once a run of the learner's has started
        self._later(self._watch_points)
        self._neurons_ready()

    def _status_changed(self, news: News) -> None:
        before = self.status
        self.status, self.message = news.status, news.message
        self.seconds = news.seconds
        # Playing is the learner's wish (the keys set it at once, before the
        # training thread hears of it); only the end of the run overrides it.
        if not self.status.active:
            self.playing = False
        told = ending_said(self.status, self.engine, self.match)
        if before != self.status and self.status in ENDINGS and not told:
            title, severity, timeout, after = ENDINGS[self.status]
            self.notify(self.message + after, title=title, severity=severity, timeout=timeout)
        on_moons = self._dataset is None and self.config.dataset == "moons"
        if not self._milestone_told and milestone_reached(self.status, self.match, on_moons):
            self._milestone_told = True
            assert self.match is not None
            self.post_message(EngineMatched(self.match.steps))

    def _watch_points(self) -> None:
        """Tell the training thread which points to keep scoring: the boundary's
        mesh while the boundary is on show, nothing otherwise."""
        if self.driver is None or self.run is None:
            return
        chart = self.query_one("#chart-boundary")
        if not self._shows("boundary"):
            self.driver.watch_points(None)
        elif isinstance(chart, BoundaryPlot):
            mesh = chart.mesh
            self.driver.watch_points(None if mesh is None else mesh.points(), mesh)
        else:
            self.driver.watch_points(self.run.dataset.X_train, "samples")

    @on(BoundaryPlot.Resized)
    def _boundary_resized(self) -> None:
        self._pacer.mark_stale("boundary")
        self._later(self._watch_points)
        self._schedule_redraw()

    # -- drawing

    def _schedule_redraw(self) -> None:
        low_bandwidth = self.app.has_class(performance.LOW_BANDWIDTH_CLASS)
        self._pacer.tick = frame_tick(low_bandwidth=low_bandwidth)
        delay = self._pacer.request()
        if delay is not None:
            self._redraw_timer = self._later(self._redraw, delay)

    def _interval(self, chart: str) -> float:
        """The least time between two drawings of ``chart``; none when paused."""
        curve = chart in ("loss", "accuracy")
        return chart_interval(
            chart,
            playing=self.playing,
            render_seconds=self.query_one(f"#chart-{chart}", Chart).render_seconds if curve else 0,
            low_bandwidth=self.app.has_class(performance.LOW_BANDWIDTH_CLASS),
        )

    def _redraw(self) -> None:
        """Update the status line, then draw at most one chart: a key pressed
        during a frame waits for it, so no frame draws everything at once."""
        self._redraw_timer = None
        frame = self._pacer.frame(self._shows, self._interval)
        self._show_status()
        if frame.chart is not None:
            # In a frame of its own: Textual repaints the rectangle around all the
            # changes of a frame, and the one around a chart and the status line
            # is most of the screen (at 120×40 that doubled the cost of a frame).
            replot = partial(self._replot, frame.chart)
            self._replot_timer = self._later(replot, CHART_AFTER_STATUS)
        if frame.again:
            self._schedule_redraw()

    def _replot(self, chart: str) -> None:
        self._replot_timer = None
        self.query_one(f"#chart-{chart}").replot()

    def _show_status(self) -> None:
        rate = steps_per_second(self._step_times) if self.playing else None
        goal_met = self.goal is not None and self._goal_run is not None
        parts = status_parts(
            self.status,
            self.run,
            playing=self.playing,
            seconds=self.seconds,
            rate=rate,
            goal_met=goal_met,
            engine=engine_name(self.engine),
        )
        shown = self.status in (RunStatus.DIVERGED, RunStatus.FAILED, RunStatus.ERROR)
        notice = f"{self.message} Press r to start again." if shown else ""
        match = match_line(self.match if self.engine == MINE else None, active=self.status.active)
        self.query_one(TrainLines).show(fit(parts, self.size.width - 2), notice, *match)

    # -- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The door for every key the bindings carry: none before the widgets are
        mounted, nor after the lab has been left (a second escape in a burst)."""
        if not self.live:
            return False
        if action == "back":
            # As in the playground: leave only to a screen of ours, not out of the app.
            stack = self.app.screen_stack
            return stack[-1] is self and len(stack) > 1 and not is_base_screen(stack[-2])
        if action == "inspect":
            return self.run is not None
        return True

    def action_play_pause(self) -> None:
        if self.playing:
            self.action_pause()
        else:
            self.action_play()

    def action_play(self) -> None:
        if self.status.ended:
            self._reset(play=True)  # space after the end starts a new run
            return
        if self.driver is not None:
            self.playing = True
            self.driver.play()

    def action_pause(self) -> None:
        if self.driver is not None:
            self.playing = False
            self.driver.pause()

    def action_step(self) -> None:
        if self.status.ended:
            self.notify("This run has ended: r starts a new one.", timeout=3)
            return
        if self.driver is not None:
            self.playing = False
            self.driver.step_once()

    def action_reset(self) -> None:
        self._reset(play=False)

    def _reset(self, *, play: bool) -> None:
        form = self.query_one(TrainForm)
        if not form.check():
            self.notify(
                "Some settings are refused (see the form); the last valid ones are used.",
                severity="warning",
                timeout=5,
            )
        self._start(form.config, play=play, engine=form.engine)

    def action_form(self) -> None:
        form = self.query_one(TrainForm)
        if self.has_class("-form-hidden"):
            self.remove_class("-form-hidden")
            self._later(form.focus_first_field)
        elif self.focused is not None and form in self.focused.ancestors:
            self.add_class("-form-hidden")
            self.query_one(Charts).focus()
        else:
            form.focus_first_field()
        self._later(self._watch_points)

    def action_chart(self, chart: str) -> None:
        self.chart = chart

    def action_next_chart(self, delta: int) -> None:
        self.chart = CHARTS[(CHARTS.index(self.chart) + delta) % len(CHARTS)]

    def action_back(self) -> None:
        self._leave()
        self.dismiss(self.result())

    def key_escape(self, event: events.Key) -> None:
        """Escape in the form goes back to the charts rather than out of the lab."""
        if not self.live:
            return
        form = self.query_one(TrainForm)
        if any(select.expanded for select in form.query(Select)):
            return  # escape closes the open pick list first
        if self.focused is not None and form in self.focused.ancestors:
            event.stop()
            self.query_one(Charts).focus()

    def _leave(self) -> None:
        """End the training thread (the step under way finishes) and stop
        drawing; whatever is still queued for the lab is then ignored."""
        if not self._open:
            return
        self._open = False
        for timer in (self._redraw_timer, self._replot_timer):
            if timer is not None:
                timer.stop()
        self._redraw_timer = self._replot_timer = None
        self._pacer.cancel()
        if self.driver is not None:
            self.driver.stop()
        self.workers.cancel_group(self, "training")
        if self._switching is not None:
            self._switching.release()

    def on_unmount(self) -> None:
        """However the lab is left (escape, or the app moving elsewhere)."""
        self._leave()

    @on(TrainForm.Submitted)
    def _form_submitted(self, event: TrainForm.Submitted) -> None:
        """Training settings apply between two steps; data and model settings
        wait for r (the form says so beside each one)."""
        run_config = self.run.config if self.run is not None else self.config
        changes = live_changes(event.config, run_config)
        if changes and self.driver is not None:
            self.driver.change_training(**changes)
