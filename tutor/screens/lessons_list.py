"""Every lesson with its progress: jump to any of them, or continue where you were."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from lessons.model import Lesson
from tutor.widgets.footer import CompactFooter
from tutor.widgets.header import TutorHeader

if TYPE_CHECKING:
    from tutor.app import TutorApp

BAR_WIDTH = 10


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
    """The table of contents, and the screen underneath every other one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "continue", "Continue", tooltip="Continue where you left off"),
        Binding("g", "playground", "Playground", tooltip="Explore a graph of your own"),
        Binding(
            "w", "workbench", "Build micrograd", tooltip="The second course: write your own engine"
        ),
    ]

    app: TutorApp  # type: ignore[assignment]

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
        for lesson in self.app.lessons:
            table.add_row(*self._cells(lesson), key=lesson.id)
        self.refresh_progress()
        position = self.app.resume_position()
        if position is not None:
            table.move_cursor(row=table.get_row_index(position[0].id))

    def on_screen_resume(self) -> None:
        self.refresh_progress()

    def refresh_progress(self) -> None:
        """Redraw marks, bars and the header from the progress store."""
        table = self.query_one(LessonTable)
        for lesson in self.app.lessons:
            mark, _, _, bar = self._cells(lesson)
            table.update_cell(lesson.id, "mark", mark)
            table.update_cell(lesson.id, "progress", bar)
        completed = sum(self.app.progress.lesson_done(lesson.id) for lesson in self.app.lessons)
        self.sub_title = f"Lessons · {completed} of {len(self.app.lessons)} complete"
        position = self.app.resume_position()
        hint = self.query_one("#continue-hint", Static)
        if position is None:
            hint.update("Press c to start with lesson 1.")
        else:
            lesson, step = position
            where = f"lesson {lesson.number}, step {step + 1} — {lesson.title}"
            hint.update(Text(f"Press c to continue: {where}"))

    def _cells(self, lesson: Lesson) -> tuple[str, str, str, str]:
        progress = self.app.progress
        total = len(lesson.steps)
        done = len(progress.completed_steps(lesson.id) & set(range(total)))
        mark = "✓" if progress.lesson_done(lesson.id) else ""
        return mark, str(lesson.number), lesson.title, progress_bar(done, total)

    @on(DataTable.RowHighlighted, "#lesson-table")
    def _show_summary(self, event: DataTable.RowHighlighted) -> None:
        lesson = self.app.find_lesson(str(event.row_key.value))
        if lesson is not None:
            self.query_one("#lesson-summary", Static).update(Text(lesson.summary))

    @on(DataTable.RowSelected, "#lesson-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.open_lesson(str(event.row_key.value))

    def action_continue(self) -> None:
        self.app.resume()

    def action_playground(self) -> None:
        self.app.open_playground()

    def action_workbench(self) -> None:
        from tutor.screens.workbench import OpenWorkbench

        self.post_message(OpenWorkbench())
