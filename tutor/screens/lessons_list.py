"""Every lesson with its progress: jump to any of them, or continue where you were."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from lessons.curriculum import Course, Curriculum
from lessons.model import Lesson
from lessons.progress import ProgressStore
from tutor.messages import ContinueLearning, OpenLesson, OpenPlayground, OpenWorkbench
from tutor.widgets.footer import CompactFooter
from tutor.widgets.header import TutorHeader

BAR_WIDTH = 10
HEADING = "course:"  # the row key of a course's own row, before its items


def progress_bar(done: int, total: int) -> str:
    """``███░░░░░░░ 3/10``: a bar that reads the same without colour."""
    filled = round(BAR_WIDTH * done / total) if total else 0
    return "█" * filled + "░" * (BAR_WIDTH - filled) + f" {done}/{total}"


class LessonTable(DataTable):
    """The lessons, one row each; enter (or a click) opens the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", tooltip="Open the highlighted lesson"),
    ]


class LessonsScreen(Screen[None]):
    """The table of contents, and the screen underneath every other one.

    It lists every course of the curriculum with the learner's ``progress``: the
    lessons, then each further course (Build micrograd's exercises) under a row
    of its own. Opening one is asked of the app."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "continue", "Continue", tooltip="Continue where you left off"),
        Binding("g", "playground", "Playground", tooltip="Explore a graph of your own"),
        Binding(
            "w", "workbench", "Build micrograd", tooltip="The second course: write your own engine"
        ),
    ]

    def __init__(self, curriculum: Curriculum, progress: ProgressStore) -> None:
        super().__init__()
        self.curriculum = curriculum
        self.course = curriculum.first
        self.progress = progress

    def compose(self) -> ComposeResult:
        yield TutorHeader()
        with Vertical(id="lessons-body"):
            yield LessonTable(id="lesson-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="lesson-summary")
            yield Static(id="continue-hint")
        yield CompactFooter()

    def on_mount(self) -> None:
        table = self.query_one(LessonTable)
        table.add_column("✓", key="mark", width=1)
        table.add_column("#", key="number", width=2)
        table.add_column("Lesson", key="title")
        table.add_column("Progress", key="progress", width=BAR_WIDTH + 6)
        for lesson in self.course:
            table.add_row(*self._cells(lesson), key=self.course.key(lesson))
        for course in self.curriculum.courses[1:]:
            table.add_row(*self._heading(course), key=HEADING + course.id)
            for item in course:
                table.add_row(*self._item_cells(course, item), key=course.key(item))
        self.refresh_progress()
        position = self.curriculum.resume(self.progress)
        if position is not None and position[0].course is self.course:
            table.move_cursor(row=table.get_row_index(position[0].key))

    def on_screen_resume(self) -> None:
        self.refresh_progress()

    def refresh_progress(self) -> None:
        """Redraw marks, bars and the header from the progress store."""
        table = self.query_one(LessonTable)
        for lesson in self.course:
            mark, _, _, bar = self._cells(lesson)
            key = self.course.key(lesson)
            table.update_cell(key, "mark", mark)
            table.update_cell(key, "progress", bar)
        for course in self.curriculum.courses[1:]:
            table.update_cell(HEADING + course.id, "progress", self._heading(course)[3])
            for item in course:
                key = course.key(item)
                table.update_cell(key, "mark", self._item_cells(course, item)[0])
        tally = self.course.tally(self.progress)
        self.sub_title = f"Lessons · {tally.items_done} of {tally.items} complete"
        position = self.curriculum.resume(self.progress)
        hint = self.query_one("#continue-hint", Static)
        if position is None:
            hint.update("Press c to start with lesson 1.")
        else:
            (course, lesson), step = position
            where = f"{course.noun} {lesson.number}, step {step + 1} — {lesson.title}"
            hint.update(Text(f"Press c to continue: {where}"))

    def _cells(self, lesson: Lesson) -> tuple[str, str, str, str]:
        done = self.course.steps_done(self.progress, lesson)
        mark = "✓" if self.course.item_done(self.progress, lesson) else ""
        return mark, str(lesson.number), lesson.title, progress_bar(done, len(lesson.steps))

    def _heading(self, course: Course) -> tuple[str, str, Text, str]:
        tally = course.tally(self.progress)
        title = Text(f"{course.title}: write your own engine", style="bold")
        return "", "", title, progress_bar(tally.items_done, tally.items)

    def _item_cells(self, course: Course, item: object) -> tuple[str, str, Text, str]:
        mark = "✓" if course.item_done(self.progress, item) else ""
        return mark, str(item.number), Text(f"  {item.title}"), ""  # under its course

    @on(DataTable.RowHighlighted, "#lesson-table")
    def _show_summary(self, event: DataTable.RowHighlighted) -> None:
        key = str(event.row_key.value)
        summary = "Write your own micrograd, checked by the tutor on every save (w)."
        if not key.startswith(HEADING):
            entry = self.curriculum.locate(key)
            summary = entry.item.summary if entry is not None else ""
        self.query_one("#lesson-summary", Static).update(Text(summary))

    @on(DataTable.RowSelected, "#lesson-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)
        if key.startswith(HEADING):
            self.post_message(OpenWorkbench())
        else:
            self.post_message(OpenLesson(key))

    def action_continue(self) -> None:
        self.post_message(ContinueLearning())

    def action_playground(self) -> None:
        self.post_message(OpenPlayground())

    def action_workbench(self) -> None:
        self.post_message(OpenWorkbench())
