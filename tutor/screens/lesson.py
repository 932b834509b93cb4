"""One lesson: the step's prose beside its interactive panel, one step at a time."""

from __future__ import annotations

import asyncio
import re
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Markdown, Static

from lessons.checks import reach
from lessons.curriculum import Course
from lessons.model import Lesson, Step
from lessons.progress import ProgressStore
from tutor.ascii_mode import in_ascii_mode
from tutor.messages import OpenLesson, ShowLessons
from tutor.textual_compat import StyledOnce, is_live
from tutor.widgets.footer import CompactFooter
from tutor.widgets.header import TutorHeader
from tutor.widgets.lesson_text import LessonText, ProseScroll
from tutor.widgets.step_panels import (
    AnswerInput,
    ChoiceList,
    ExerciseBox,
    MeasurePanel,
    StepPanel,
    has_panel,
    panel_for,
)

_FENCE = re.compile(r"^\s*(```+|~~~+)(.*)$")


def label_bare_fences(markdown: str) -> str:
    """Give code blocks without a language the language "text".

    Textual guesses the language of an unlabelled block by trying every lexer
    Pygments has, which costs more than half a second; and a lesson's
    pseudo-code (× and −) is not Python anyway.
    """
    lines = markdown.split("\n")
    closing: str | None = None
    for number, line in enumerate(lines):
        match = _FENCE.match(line)
        if match is None:
            continue
        fence, info = match.groups()
        if closing is None:
            closing = fence
            if not info.strip():
                lines[number] = line + "text"
        elif fence.startswith(closing) and not info.strip():
            closing = None
    return "\n".join(lines)


def step_markdown(step: Step) -> str:
    """What the reading column shows of a step: its title and text, and for a code
    step what to look for in the code beside."""
    text = f"## {step.title}\n\n{step.text.rstrip()}"
    look_for = getattr(step, "look_for", "")
    if look_for:
        text += f"\n\n**Look for** (❱ in the code):\n\n{look_for.strip()}"
    return text


WIDE_PANEL_KINDS = frozenset({"expression", "backprop", "code"})
"""Steps whose panel takes three fifths of the width: the graph explorer needs room for
its number columns, the code pane for its lines."""


def _panel_classes(step: Step) -> set[str]:
    """The panel area's classes for a step: none at all when the step is text alone."""
    if not has_panel(step):
        return {"-none"}
    return {"-wide"} if step.kind in WIDE_PANEL_KINDS else set()


class LessonScreen(StyledOnce, Screen[None]):
    """Steps of one lesson of ``course``; every move and every answer is recorded in
    ``progress``. Leaving the lesson, or moving on to the next, is asked of the app."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next", "Next", tooltip="Next step (on the last step: the next lesson)"),
        Binding("right", "next", "Next", show=False),
        Binding("p", "previous", "Back", tooltip="Previous step"),
        Binding("left", "previous", "Back", show=False),
        Binding("h", "hint", "Hint", tooltip="Reveal the next hint, one at a time"),
        Binding(
            "t",
            "train",
            "Training lab",
            tooltip="Open the training lab on this preset (training steps)",
        ),
        Binding("r", "measure", "Run", tooltip="Run this step's measurement (measure steps)"),
        Binding("escape", "lessons", "List", tooltip="Back to the list of lessons"),
        # Wherever focus is (but in a box that takes digits), a digit picks a choice.
        *[
            Binding(
                str(n),
                f"pick({n})",
                "Choose by number",
                show=False,
                tooltip="Pick that choice, wherever focus is (but in a box that takes digits)",
            )
            for n in range(1, 10)
        ],
    ]

    def __init__(
        self, course: Course[Lesson], lesson: Lesson, progress: ProgressStore, step: int = 0
    ) -> None:
        step = min(max(step, 0), len(lesson.steps) - 1)
        super().__init__()
        self.course = course
        self.lesson = lesson
        self.progress = progress
        self.key = course.key(lesson)
        """The name this lesson's progress is kept under."""
        self.step_index = step
        # Keys can arrive faster than a step is drawn: one step is drawn at a time.
        self._drawing = asyncio.Lock()
        # Bindings run from the app's task, so a key can reach this screen while its
        # widgets are still being mounted: until they are, the step keys do nothing.
        self._mounted = False
        self._box: ExerciseBox | None = None

    @property
    def step(self) -> Step:
        return self.lesson.steps[self.step_index]

    @property
    def is_last_step(self) -> bool:
        return self.step_index == len(self.lesson.steps) - 1

    def compose(self) -> ComposeResult:
        yield TutorHeader()
        with Horizontal(id="lesson-body"):
            with Vertical(id="reading"), ProseScroll(id="prose"):
                yield Static(id="lesson-crumb")
                yield LessonText(id="prose-text")
            # Classes known before mounting cost nothing (set later, they restyle).
            yield Container(id="panel-area", classes=" ".join(_panel_classes(self.step)))
        # The palette key (ctrl+p) is on the lessons list and in help: here the
        # step's own keys need the whole width of an 80-column footer.
        yield CompactFooter(show_command_palette=False)

    async def on_mount(self) -> None:
        self._mounted = True
        await self.show_step(self.step_index)

    # -- showing a step ---------------------------------------------------------------

    async def show_step(self, index: int) -> None:
        """Replace the prose, exercise and panel with those of step ``index``."""
        async with self._drawing:
            if not self.is_attached:  # the learner has left the lesson meanwhile
                return
            try:
                with self.app.batch_update():
                    await self._draw_step(index)
            except NoMatches:
                # Keys outran the screen: it is being closed while this step was drawn.
                if is_live(self):
                    raise

    async def _draw_step(self, index: int) -> None:
        self.step_index = index
        step = self.step
        if self.progress.position != (self.key, index):  # each save is a disk write
            self.progress.set_position(self.key, index)
        done = self.progress.step_done(self.key, index)

        text = step_markdown(step)
        if step.kind == "prose" and step.exercise is None:
            text += "\n\n*Press n or → to continue.*"
        await self.query_one("#prose-text", Markdown).update(label_bare_fences(text))
        if not self.is_attached:
            return
        self.query_one("#prose", VerticalScroll).scroll_home(animate=False)

        self._box = None
        await self.query("#exercise, #step-panel").remove()
        # The columns are sized by classes of the panel's area, set while it is
        # empty: a class changed on the screen would restyle every widget on it
        # (half the CPU of a step change, which a class on one server feels).
        area = self.query_one("#panel-area")
        if area.classes != (layout := _panel_classes(step)):
            area.set_classes(layout)
        if step.exercise is not None:
            box = ExerciseBox(step.exercise, solved=done, id="exercise")
            await self.query_one("#reading").mount(box)
            self._box = box
        if not self.is_attached:
            return
        panel = panel_for(step)
        if panel is not None:
            await self.query_one("#panel-area").mount(panel)
        if not self.is_attached:
            return

        self._update_header()
        self.refresh_bindings()
        # After the refresh: removing the old step's focused widget moves focus on its own.
        self.call_after_refresh(self._focus_step, panel)

    def _focus_step(self, panel: StepPanel | None, *, answered: bool = False) -> None:
        """Focus where the learner types: the answer box while the exercise is open,
        else the panel's keys (slope, graph, code); after a right answer whose
        explanation is taller than its box, the box, so that ↑/↓ read it."""
        if panel is not None and not panel.is_attached:
            return  # keys moved on to another step before this one was focused
        box = self.exercise_box
        answer = box.answer_widget if box is not None else None
        if answer is not None and not answer.disabled:
            answer.focus()
        elif answered and box is not None and box.overflows:
            box.focus()
        elif panel is not None and panel.takes_focus:
            panel.focus_default()
        elif box is not None and box.overflows:
            box.focus()
        else:
            # Nothing to type into: the prose scrolls with ↑/↓ while n/p/h still reach us.
            self.query_one("#prose").focus()

    @property
    def exercise_box(self) -> ExerciseBox | None:
        """The step's exercise, if it has one (kept, not queried: the footer asks
        ``check_action`` about every key at every change of focus)."""
        box = self._box
        return box if box is not None and box.is_attached else None

    def _update_header(self) -> None:
        if not is_live(self):
            return  # a closing screen's header is already gone (Textual would query it)
        total = len(self.lesson.steps)
        done = self.course.steps_done(self.progress, self.lesson)
        # In ASCII both ✓ and · would be *, so the mark is spelled out there.
        done_mark = " (done)" if in_ascii_mode(self) else " ✓"
        complete = self.course.item_done(self.progress, self.lesson)
        mark = done_mark if complete else ""
        where = f"Lesson {self.lesson.number}{mark} · step {self.step_index + 1} of {total}"
        short = f"Lesson {self.lesson.number}{mark} · {self.step_index + 1}/{total}"
        # The header centres its title between an icon and a clock's space (9 columns
        # each): where the whole would not fit, less of it is said.
        room = self.size.width - 18 - len(f"{self.app.title} — ")
        self.sub_title = next(
            (text for text in (f"{where} · {done}/{total} done", where) if len(text) <= room),
            short,
        )
        self._update_crumb(complete)

    def _update_crumb(self, complete: bool, *, the_end: bool = False) -> None:
        """The line above the text: the lesson and, on its last step once it is
        complete (or when n is pressed there with no lesson after it), what comes
        next. Said here rather than in a toast, which would cover what is being read
        and outlive the lesson it is about."""
        crumb = Text(f"Lesson {self.lesson.number} · {self.lesson.title}")
        if self.is_last_step and (complete or the_end or self._steps_left()):
            following = self.course.after(self.lesson)
            crumb.append("\n")
            if complete:
                mark = "(done)" if in_ascii_mode(self) else "✓"
                crumb.append(f"{mark} Lesson complete. ", style="bold")
            else:
                left = self._steps_left()
                if left:
                    # n moves on from an unanswered step without a word: say it here.
                    crumb.append(f"Not answered yet: {_step_list(left)} (p goes back). ")
            if following is None:
                crumb.append("That was the last lesson of this course (esc: the list).")
            else:
                crumb.append(f"n: lesson {following.number}, {following.title}.")
        self.query_one("#lesson-crumb", Static).update(crumb)

    def _steps_left(self) -> list[int]:
        """The numbers (from 1) of the other steps of this lesson whose exercise is not done."""
        return [
            index + 1
            for index, step in enumerate(self.lesson.steps)
            if step.exercise is not None
            and index != self.step_index  # the one on screen says so itself
            and not self.progress.step_done(self.key, index)
        ]

    def on_resize(self, event: events.Resize) -> None:
        if self._mounted:
            self._update_header()

    # -- actions ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self._mounted and action in {"next", "previous", "hint", "train", "measure"}:
            return False
        if action == "previous":
            return None if self.step_index == 0 else True
        if action == "hint":
            box = self.exercise_box
            if box is None:
                return False
            return None if box.hints_left <= 0 else True
        if action == "train":
            return self.step.kind == "train"
        if action == "measure":
            return self.step.kind == "measure"
        if action == "pick":
            return self._choices() is not None
        return True

    def _choices(self) -> ChoiceList | None:
        """The open exercise's list of choices, if it has one."""
        box = self.exercise_box
        answer = box.answer_widget if box is not None else None
        if isinstance(answer, ChoiceList) and not answer.disabled:
            return answer
        return None

    def action_pick(self, number: int) -> None:
        choices = self._choices()
        if choices is not None:
            choices.action_pick(number)

    @on(AnswerInput.ScrollText)
    def _scroll_text(self, event: AnswerInput.ScrollText) -> None:
        event.stop()
        prose = self.query_one("#prose", VerticalScroll)
        if event.direction > 0:
            prose.scroll_down(animate=False)
        else:
            prose.scroll_up(animate=False)

    async def action_next(self) -> None:
        if self._completes_by_reading():
            self._complete_step()
        if not self.is_last_step:
            await self.show_step(self.step_index + 1)
            return
        following = self.course.after(self.lesson)
        if following is None:
            complete = self.course.item_done(self.progress, self.lesson)
            self._update_crumb(complete, the_end=True)
            return
        self.post_message(OpenLesson(self.course.key(following)))

    async def action_previous(self) -> None:
        if self.step_index > 0:
            await self.show_step(self.step_index - 1)

    def action_hint(self) -> None:
        box = self.exercise_box
        if box is not None and not box.reveal_hint():
            self.notify("No more hints for this one.")
        self.refresh_bindings()

    def action_lessons(self) -> None:
        self.post_message(ShowLessons())

    def action_train(self) -> None:
        from tutor.screens.train import TrainScreen  # the lab pulls in plotting: load it late

        step = self.step
        self.app.push_screen(
            TrainScreen(step.config, step.goal, dataset=step.dataset), self._training_finished
        )

    def action_measure(self) -> None:
        panels = self.query(MeasurePanel)
        if panels and not panels.first().measure():
            self.notify("Still measuring: one moment.")

    def _training_finished(self, result: object) -> None:
        """The training lab closed with its run (or last report), or None."""
        step = self.step
        if result is None or step.kind != "train":
            return
        box = self.exercise_box
        if box is not None:
            box.submit(result)
        elif step.goal is None or reach(step.goal)(result).ok:
            self._complete_step()

    # -- progress ---------------------------------------------------------------------

    def _completes_by_reading(self) -> bool:
        """Steps with nothing to check here are done once read and left with n."""
        return self.step.exercise is None

    def _complete_step(self) -> None:
        if not self.progress.step_done(self.key, self.step_index):
            self.progress.complete_step(self.key, self.step_index)
        course, lesson = self.course, self.lesson
        if course.all_steps_done(self.progress, lesson) and not course.item_done(
            self.progress, lesson
        ):
            self.progress.complete_lesson(self.key)
        self._update_header()

    @on(ExerciseBox.Answered)
    def _answered(self, event: ExerciseBox.Answered) -> None:
        self.progress.record_attempt(self.key, self.step_index)
        if event.feedback.ok:
            self._complete_step()
            panels = self.query(StepPanel)
            panel = panels.first() if panels else None
            # After the explanation is laid out: only then is it known whether it fits.
            self.call_after_refresh(self._focus_step, panel, answered=True)
        self.refresh_bindings()

    def on_graph_explorer_backward_finished(self) -> None:
        """A backward pass ran to the end in the explorer: that is what a walk asks for."""
        box = self.exercise_box
        if box is not None and box.exercise.answer_kind == "action" and not box.solved:
            box.submit("done")


def _step_list(numbers: list[int]) -> str:
    """``step 2``, ``steps 2 and 4``, ``steps 2, 3 and 5``."""
    if len(numbers) == 1:
        return f"step {numbers[0]}"
    return "steps " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"
