"""The Textual app: it holds the curriculum and the progress store, and moves between screens.

Everything a learner sees lives in ``tutor/screens`` and ``tutor/widgets``; the
app hands each screen what it shows (attributes down) and answers the messages
screens post (``tutor.messages``): "open this lesson", "back to the list".
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandListItem, CommandPalette, SimpleProvider
from textual.content import Content
from textual.filter import LineFilter
from textual.screen import Screen
from textual.theme import ThemeProvider
from textual.widget import AwaitMount

from engine.train import TrainConfig
from lessons.curriculum import Curriculum, Entry
from lessons.experiments import Experiment
from lessons.progress import ProgressStore, learner_home
from lessons.workbench.exercises import COURSE_ID as WORKBENCH_COURSE
from tutor import performance
from tutor.ascii_mode import ASCII_CLASS, ASCII_FILTER, ascii_key_display
from tutor.commands import TutorCommands
from tutor.dataset_cache import DatasetCache
from tutor.messages import (
    ContinueLearning,
    EngineMatched,
    LearnerNamed,
    OpenLab,
    OpenLesson,
    OpenPlayground,
    OpenWorkbench,
    ShowLessons,
)
from tutor.textual_compat import CompatApp, TutorCommandPalette
from tutor.train_settings import EngineChoice
from tutor.widgets.too_small import is_too_small

if TYPE_CHECKING:
    from tutor.screens.lesson import LessonScreen

# The lecture's running example: L = (a*b + c) * f.
PLAYGROUND_EXAMPLE = "a = 2.0; b = -3.0; c = 10.0; e = a*b; d = e + c; f = -2.0; L = d*f"

# A closed SSH session sends SIGHUP, a system shutting down or `kill` sends SIGTERM,
# `kill -INT` or a script's ctrl+c sends SIGINT (in the tutor's own terminal ctrl+c is
# a key, not a signal).
HANG_UP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGHUP", "SIGTERM", "SIGINT") if hasattr(signal, name)
)
# After a hang-up, how long a clean shutdown may take before the process just ends.
HANG_UP_GRACE_SECONDS = 3.0


class TutorApp(CompatApp):
    """micrograd-tutor: lessons on backpropagation, a graph explorer, a help screen."""

    TITLE = "micrograd-tutor"
    CSS_PATH = "tutor.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {TutorCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Every key, by screen"),
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="Save progress and quit"),
    ]

    def __init__(
        self,
        progress: ProgressStore,
        curriculum: Curriculum,
        *,
        lesson: str | None = None,
        playground: str | None = None,
        train: tuple[TrainConfig, bool]
        | tuple[TrainConfig, bool, str]
        | tuple[TrainConfig, bool, str, Experiment | None]
        | None = None,
        low_bandwidth: bool = False,
        ascii_only: bool = False,
        ask_learner: bool = False,
        workbench: bool | Path = False,
    ) -> None:
        super().__init__()
        self._start_workbench = workbench
        """Open the "Build micrograd" workbench first: True for its workspace in the
        default folder, or a Path to the folder."""
        self.progress = progress
        self.dataset_cache = DatasetCache(Path(progress.home) / "cache" / "datasets")
        """The lab's datasets, kept in the data home for every tutor that shares it
        (a class's ``serve``: one tutor imports scikit-learn, the others read its points)."""
        self.waiting_for_learner = ask_learner
        """Several learners share this tutor (serve): ask a name first, and save
        nothing until then; that learner's progress is then under ``progress.home``."""
        self.shared = ask_learner
        """Several learners share this tutor's account and folder: what a learner
        saves (exports) goes into their own folder, never the current one."""
        if ask_learner:
            # A shared tutor runs as the account that serves it: the code a learner writes
            # in the workbench runs only inside the sandbox, and not at all where the
            # sandbox does not work (fail closed, for the whole process).
            from lessons.workbench.runner import require_sandbox

            require_sandbox()
        self.curriculum = curriculum
        self._start_lesson = lesson
        self._start_playground = playground
        self._start_train = train
        self.low_bandwidth = low_bandwidth
        """A slow link: no animation, no blinking cursor, charts redrawn at most twice a second.

        Screens that redraw on their own (the training lab) see it as the app's
        ``performance.LOW_BANDWIDTH_CLASS`` and slow down."""
        if self.low_bandwidth:
            # Every animation frame and cursor blink is bytes down the wire.
            self.animation_level = "none"
            self.add_class(performance.LOW_BANDWIDTH_CLASS)
        self.ascii_only = ascii_only
        """Draw with ASCII characters only, for a terminal without line drawing
        (see ``tutor.ascii_mode``): the stylesheet's ``-ascii`` rules, and a filter
        that spells every line of the screen in ASCII."""
        self.set_class(ascii_only, ASCII_CLASS)
        self.signal_code: int | None = None
        """The signal that ended the tutor (SIGHUP, SIGTERM), if one did."""

    def get_default_screen(self) -> Screen:
        """The first screen is the one the learner asked for; the lessons list is
        made only when it is first shown, which keeps start-up quick."""
        if self.waiting_for_learner:
            from tutor.screens.learner import LearnerScreen

            return LearnerScreen()
        return self._start_screen()

    def _start_exercise(self) -> str | None:
        """The Build micrograd exercise ``--lesson`` named (``build/backward``), if it did."""
        entry = self.curriculum.get(self._start_lesson) if self._start_lesson else None
        return entry.item.id if entry is not None and _is_exercise(entry) else None

    def _start_screen(self) -> Screen:
        if (
            self._start_playground is not None
            or self._start_train is not None
            or self._start_workbench is not False
            or self._start_exercise() is not None
        ):
            # Under the playground or the lab lies the lessons list, so escape leads somewhere.
            from tutor.screens.lessons_list import LessonsScreen

            return LessonsScreen(self.curriculum, self.progress)
        if self._start_lesson is not None:
            entry = self.curriculum.get(self._start_lesson)
            if entry is not None:
                return self._lesson_screen(entry, None)
        return self._lesson_screen(*self._resume_position())

    def on_mount(self) -> None:
        if not self.is_headless:
            self._catch_hang_ups()
        if not self.waiting_for_learner:
            self._open_start()
        self._fit_to(self.size)
        self.call_after_refresh(self._started)

    def _open_start(self) -> None:
        """What the command line asked to open over the first screen, and any news
        about the progress file."""
        if self._start_playground is not None:
            self.push_screen(self._playground_screen(self._start_playground))
        elif self._start_train is not None:
            self.open_lab(*self._start_train)
        elif self._start_workbench is not False or self._start_exercise() is not None:
            folder = self._start_workbench
            self.open_workbench(
                folder if isinstance(folder, Path) else None, exercise=self._start_exercise()
            )
        notice = self.progress.take_notice()
        if notice:
            self.notify(notice, title="About your progress", severity="warning", timeout=20)

    def learn_as(self, name: str) -> None:
        """From now on this is ``name``'s tutor: their progress, and where they left off.

        The name's screen stays at the bottom of the stack, out of reach."""
        self.progress = ProgressStore(learner_home(name, self.progress.home))
        self.waiting_for_learner = False
        returning = self.progress.position is not None
        self.push_screen(self._start_screen())
        self._open_start()
        greeting = f"Welcome back, {name}." if returning else f"Hello, {name}."
        self.notify(f"{greeting} Your progress is saved under this name.", timeout=6)
        self._fit_to(self.size)

    def _started(self) -> None:
        """The first screen is painted. If start-up ran without the cycle collector
        (``micrograd-tutor`` turns it off), turn it on, first moving everything made so
        far, nearly all of it alive until the app ends, where the collector never scans."""
        performance.release_collector()

    def format_title(self, title: str, sub_title: str) -> Content:
        """Every header starts with micrograd-tutor; a screen's own title (Playground,
        Training lab) comes after it."""
        if title != self.title:
            sub_title = f"{title} · {sub_title}" if sub_title else title
        return super().format_title(self.title, sub_title)

    def get_line_filters(self) -> Sequence[LineFilter]:
        filters = super().get_line_filters()
        return [*filters, ASCII_FILTER] if self.ascii_only else filters

    def get_key_display(self, binding: Binding) -> str:
        display = super().get_key_display(binding)
        return ascii_key_display(display) if self.ascii_only else display

    # -- what screens ask for (tutor.messages) -------------------------------------------

    @on(OpenLesson)
    def _open_lesson_asked(self, message: OpenLesson) -> None:
        self.open_lesson(message.lesson, message.step)

    @on(ShowLessons)
    def _lessons_asked(self) -> None:
        self.show_lessons()

    @on(ContinueLearning)
    def _continue_asked(self) -> None:
        self.resume()

    @on(OpenPlayground)
    def _playground_asked(self, message: OpenPlayground) -> None:
        self.open_playground(message.source)

    @on(OpenWorkbench)
    def _workbench_asked(self, message: OpenWorkbench) -> None:
        self.open_workbench(exercise=message.exercise)

    @on(OpenLab)
    def _lab_asked(self, message: OpenLab) -> None:
        from tutor.train_settings import MINE

        choice = self.engine_choice()
        if message.engine == MINE and not choice.usable:  # say why, rather than open
            self.notify(choice.why_not(), severity="warning", timeout=10, markup=False)
            return
        self.open_lab(engine=message.engine)

    @on(EngineMatched)
    def _engine_matched(self, message: EngineMatched) -> None:
        from lessons.workbench.progress import MILESTONE, record_engine_match

        if record_engine_match(self.progress):
            self.notify(
                f"Your engine trained on the moons step for step as the tutor's, over "
                f"{message.steps} steps: exercise {MILESTONE} of Build micrograd passes.",
                title="✓ Build micrograd's milestone",
                timeout=10,
            )

    @on(LearnerNamed)
    def _learner_named(self, message: LearnerNamed) -> None:
        if self.waiting_for_learner:  # a tutor is named once
            self.learn_as(message.name)

    # -- moving between screens ----------------------------------------------------------

    def show_lessons(self) -> None:
        """Back to the lessons list."""
        self._unwind_to_lessons()
        self._fit_to(self.size)

    def _unwind_to_lessons(self) -> None:
        """Pop screens until the lessons list is on top, making the list the first time.

        The screen the app started on stays at the bottom of the stack, under the list.
        """
        from tutor.screens.lessons_list import LessonsScreen

        lists = [screen for screen in self.screen_stack if isinstance(screen, LessonsScreen)]
        keep = self.screen_stack.index(lists[0]) + 1 if lists else 1
        while len(self.screen_stack) > keep:
            self.pop_screen()
        if not lists:
            self.push_screen(LessonsScreen(self.curriculum, self.progress))

    def open_lesson(self, number_or_slug: str | int, step: int | None = None) -> None:
        """Open a lesson at ``step``, or where the learner last was in it."""
        entry = self.curriculum.get(number_or_slug)
        if entry is None:
            self.notify(f"There is no lesson {number_or_slug}.", severity="error")
            return
        if _is_exercise(entry):
            self.open_workbench(exercise=entry.item.id)
            return
        self._unwind_to_lessons()
        self.push_screen(self._lesson_screen(entry, step))
        self._fit_to(self.size)

    def _lesson_screen(self, entry: Entry, step: int | None) -> LessonScreen:
        if step is None:
            step = self.progress.last_step(entry.key) or 0
        # Loaded when the first lesson opens, not before the first screen: a class's
        # tutors all start at once, and the name prompt needs none of it.
        from tutor.screens.lesson import LessonScreen

        return LessonScreen(entry.course, entry.item, self.progress, step)

    def _resume_position(self) -> tuple[Entry, int]:
        return self.curriculum.resume(self.progress) or (self.curriculum.start(), 0)

    def resume(self) -> None:
        """Open the step the learner last had open."""
        entry, step = self._resume_position()
        self.open_lesson(entry.key, step)

    def open_lab(
        self,
        config: TrainConfig | None = None,
        play: bool = False,
        engine: str = "tutor",
        experiment: Experiment | None = None,
    ) -> None:
        """The training lab, over the lessons list; its plotting loads only now.
        ``engine`` "mine" trains the learner's own engine (when it may: see
        :meth:`engine_choice`); ``experiment`` locks some of its settings."""
        from tutor.screens.train import TrainScreen

        engines = self.engine_choice()
        lab = TrainScreen(config, play=play, engines=engines, engine=engine, experiment=experiment)
        self.push_screen(lab)
        self._fit_to(self.size)

    def engine_choice(self) -> EngineChoice:
        """Whether the lab may train the learner's own engine: their workspace (the
        workbench's), whether exercises 1 to 15 pass, and whether this tutor refuses
        learner code (a shared one does)."""
        from lessons.workbench.progress import engine_ready
        from lessons.workbench.runner import refused_because

        folder = self._start_workbench if isinstance(self._start_workbench, Path) else None
        workspace = folder or Path(self.progress.home) / "workbench"
        return EngineChoice(workspace, engine_ready(self.progress), refused_because())

    def open_workbench(self, folder: Path | None = None, *, exercise: str | None = None) -> None:
        """The "Build micrograd" workbench over the lessons list, at ``exercise``
        (an id) or where the learner last was."""
        from tutor.screens.workbench import WorkbenchScreen

        if folder is None and isinstance(self._start_workbench, Path):
            folder = self._start_workbench  # --dir, for the whole session
        self._unwind_to_lessons()
        self.push_screen(WorkbenchScreen.for_progress(self.progress, folder, exercise=exercise))
        self._fit_to(self.size)

    def open_playground(self, source: str | None = None) -> None:
        self._unwind_to_lessons()
        self.push_screen(self._playground_screen(source))
        self._fit_to(self.size)

    @staticmethod
    def _playground_screen(source: str | None) -> Screen:
        """The playground on ``source``; on the lecture's expression when there is none."""
        from tutor.screens.explorer import ExplorerScreen

        return ExplorerScreen(source or PLAYGROUND_EXAMPLE)

    def action_command_palette(self) -> None:
        # Textual asks whether the top screen has the palette's class, which it gets only
        # once mounted: a second ctrl+p in the same burst would open a second palette.
        # No id either: a palette still closing keeps its id, and a new one would clash.
        if self.use_command_palette and not any(
            isinstance(screen, CommandPalette) for screen in self.screen_stack
        ):
            self.push_screen(TutorCommandPalette())

    def search_themes(self) -> None:
        # The palette's "Change theme" command opens a second palette: it needs the same
        # repairs as the first (the key fuzz crashed a plain one under load).
        self.push_screen(
            TutorCommandPalette(providers=[ThemeProvider], placeholder="Search for themes…")
        )

    def search_commands(
        self, commands: Sequence[CommandListItem], placeholder: str = "Search for commands…"
    ) -> AwaitMount:
        return self.push_screen(
            TutorCommandPalette(
                providers=[SimpleProvider(self.screen, commands)], placeholder=placeholder
            )
        )

    def action_help(self) -> None:
        from tutor.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.BINDINGS, opened_from=type(self.screen)))

    # -- saving and quitting -------------------------------------------------------------

    def save_progress(self) -> bool:
        """Write progress now; the one place every way of leaving goes through.

        Before a learner is named there is nothing of theirs to save. A screen with
        the learner's own unsaved work (the workbench's editor) writes it aside."""
        for screen in self.screen_stack:
            keep = getattr(screen, "keep_unsaved_work", None)
            if callable(keep):
                keep()
        return True if self.waiting_for_learner else self.progress.save()

    async def action_quit(self) -> None:
        self.save_progress()
        self.exit(return_code=0)

    def _catch_hang_ups(self) -> None:
        """Leave cleanly, progress saved, when the connection drops or we are told to stop.

        Without this a hang-up kills the process mid-frame: the terminal is left in
        application mode and whatever was not yet written is lost. The handlers go
        with the event loop when the app ends.
        """
        loop = asyncio.get_running_loop()
        for signum in HANG_UP_SIGNALS:
            # On Windows, or off the main thread, the default action stays.
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self.hang_up, signum)

    def hang_up(self, signum: int) -> None:
        """Save and exit with the shell's code for "ended by signal ``signum``" (128 + n)."""
        if self.signal_code is not None:
            return  # a second signal while the first is being handled
        self.signal_code = signum
        self.save_progress()
        code = 128 + signum
        if not self.is_headless:
            _silence_a_dead_terminal()
            # Progress is on disk now. If shutting down stalls (output to a terminal that
            # vanished mid-write), end anyway: a tutor must never linger without a learner.
            watchdog = threading.Timer(HANG_UP_GRACE_SECONDS, os._exit, args=(code,))
            watchdog.daemon = True
            watchdog.start()
        self.exit(return_code=code)

    # -- a slow link ---------------------------------------------------------------------

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """On a slow link a blinking cursor is two redraws a second for nothing; so it
        is on a class's server, where every tab's blinks are drawn, sent on and relayed
        (8.5 ms of CPU a second a tutor against 1.5 steady: a fifth of what a lesson's
        tab cost the bench's class, a sixth of a core for 20 tabs)."""
        if (self.low_bandwidth or self.shared) and hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False  # type: ignore[attr-defined]

    # -- too small a terminal -------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._fit_to(event.size)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the too-small notice covers everything, the app's keys but quitting do
        nothing: the palette or the help would open over the notice, at a size where
        neither fits."""
        from tutor.screens.too_small import TooSmallScreen

        if (
            action not in TooSmallScreen.APP_ACTIONS
            and self.screen_stack
            and isinstance(self.screen, TooSmallScreen)
        ):
            return False
        return super().check_action(action, parameters)

    def _fit_to(self, size) -> None:
        """Cover everything with a notice while the terminal is below the minimum."""
        from tutor.screens.too_small import TooSmallScreen

        if not self.screen_stack:
            return  # the first resize comes before any screen exists
        covered = isinstance(self.screen, TooSmallScreen)
        if is_too_small(size) and not covered:
            self.push_screen(TooSmallScreen())
        elif covered and not is_too_small(size):
            self.pop_screen()


def _silence_a_dead_terminal() -> None:
    """Point output at /dev/null when the terminal has gone (a dropped connection).

    Writing to a hung-up terminal fails, and Textual's output thread stops at the
    first failure; the goodbye escape codes would then wait for it forever. A
    terminal that is still there (``kill -HUP`` by hand) is left alone, so it is
    put back in order as usual.
    """
    for fd in (1, 2):
        try:
            if not os.isatty(fd):
                continue
            os.write(fd, b"")  # writes nothing, but fails once the terminal hung up
        except OSError:
            with contextlib.suppress(OSError):
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, fd)
                os.close(null)


def _is_exercise(entry: Entry) -> bool:
    """Whether ``entry`` is one of Build micrograd's exercises, which the workbench opens."""
    return entry.course.id == WORKBENCH_COURSE
