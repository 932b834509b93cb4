"""Every key, grouped by screen, read from the bindings themselves so it never goes stale."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color, ColorParseError
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tutor.ascii_mode import ascii_key_display, in_ascii_mode
from tutor.screens.explorer import ExplorerScreen
from tutor.screens.lesson import LessonScreen
from tutor.screens.lessons_list import LessonsScreen, LessonTable
from tutor.screens.workbench import WorkbenchScreen
from tutor.widgets.footer import CompactFooter
from tutor.widgets.graph_explorer import GraphExplorer
from tutor.widgets.header import TutorHeader
from tutor.widgets.sample_picker import SamplePicker
from tutor.widgets.step_panels import (
    AnswerInput,
    ChoiceList,
    ExerciseBox,
    NumberKeysInput,
    SlopeHInput,
    SlopeXInput,
)
from tutor.widgets.workbench_panels import CodeEditor

# Keys Textual itself provides, which no BINDINGS list of ours spells out.
EVERYWHERE_EXTRA = [
    ("^p", "Command palette: go to lesson …, playground"),
    ("tab", "Move to the next pane or box (shift+tab: back)"),
]
LESSONS_EXTRA = [("↑ ↓", "Choose a lesson")]
LESSON_EXTRA = [
    ("↑ ↓", "Elsewhere: scroll the text or the code, or move in the graph (the footer says)"),
]
WORKBENCH_EXTRA = [("↑ ↓ pgup pgdn", "Scroll the exercise text or the result")]
LAB_EXTRA = [
    ("1 2 3 ← →", "Pick a chart (loss, accuracy, boundary) when there is room for one only"),
    ("tab", "Into the settings form; Enter applies a change (data and model: on reset)"),
    ("w", "New first weights, from a new seed (the header shows it); r repeats them"),
    ("[ ]", "With the neurons open (n): pick the neuron drawn large, with its weights"),
]


class HelpScreen(Screen[None]):
    """A page of keys; the bindings' own descriptions are the text.

    ``everywhere`` is the app's own bindings, handed down by the app."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Back to where you were"),
        Binding("question_mark", "close", "Close", key_display="?", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(
        self, everywhere: Sequence[BindingType] = (), *, opened_from: type | None = None
    ) -> None:
        """``opened_from`` is the kind of screen help was asked for on: its keys come
        first, so they are on show without scrolling."""
        super().__init__()
        self.everywhere = list(everywhere)
        self.opened_from = opened_from

    def compose(self) -> ComposeResult:
        yield TutorHeader()
        with VerticalScroll(id="help-scroll"), Grid(id="help-grid"):
            for title, rows in self._groups():
                group = Static(self._table(rows), classes="help-group")
                group.border_title = title
                yield group
        yield CompactFooter()

    def on_mount(self) -> None:
        self.sub_title = "Keys"
        self.query_one("#help-scroll").focus()

    def _groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        from tutor.screens.train import TrainScreen  # the lab pulls in plotting: load it late
        from tutor.screens.train_explorer import TrainingExplorer

        groups: list[tuple[type | None, str, list[tuple[str, str]]]] = [
            (None, "Everywhere", self._rows(self.everywhere) + EVERYWHERE_EXTRA),
            (
                LessonsScreen,
                "Lessons list",
                LESSONS_EXTRA + self._rows(LessonTable, LessonsScreen),
            ),
            (
                LessonScreen,
                "Lesson",
                self._rows(
                    LessonScreen,
                    NumberKeysInput,
                    AnswerInput,
                    ChoiceList,
                    ExerciseBox,
                    SlopeXInput,
                    SlopeHInput,
                )
                + LESSON_EXTRA,
            ),
            (ExplorerScreen, "Graph explorer", self._rows(GraphExplorer, ExplorerScreen)),
            (
                TrainScreen,
                "Training lab",
                # The chart keys' own descriptions are single words: LAB_EXTRA says them.
                self._rows([b for b in Binding.make_bindings(TrainScreen.BINDINGS) if b.show])
                + LAB_EXTRA
                + self._rows(SamplePicker, TrainingExplorer),
            ),
            (
                WorkbenchScreen,
                "Build micrograd (workbench)",
                self._rows(WorkbenchScreen, CodeEditor) + WORKBENCH_EXTRA,
            ),
            (None, "This help", self._rows(HelpScreen)),
        ]
        # The keys of the screen help was opened on come first.
        first = [g for g in groups if g[0] is not None and g[0] is self.opened_from]
        rest = [g for g in groups if g not in first]
        return [(title, rows) for _, title, rows in first + rest]

    def _rows(self, *owners: type | list[BindingType]) -> list[tuple[str, str]]:
        """(keys, what they do) for every binding of each class (or list of bindings);
        keys that do the same thing share a row."""
        rows: dict[tuple[int, str], tuple[list[str], list[str]]] = {}
        for owner in owners:
            bindings = owner if isinstance(owner, list) else owner.__dict__.get("BINDINGS", [])
            for binding in Binding.make_bindings(bindings):
                if binding.system:
                    continue
                # pick(1) … pick(9) are one row; the longest text (the tooltip) describes it.
                action = binding.action.split("(")[0]
                keys, texts = rows.setdefault((id(owner), action), ([], []))
                key = self.app.get_key_display(binding)
                if key not in keys:
                    keys.append(key)
                texts.append(binding.tooltip or binding.description)
        # The same keys for the same action on two owners (the lesson screen's 1…9 and
        # the exercise box's) are one row too, told by the longer text.
        merged: dict[tuple[str, str], str] = {}
        for (_, action), (keys, texts) in rows.items():
            text = max(texts, key=len)
            shown = merged.setdefault((_key_list(keys), action), text)
            if len(text) > len(shown):
                merged[(_key_list(keys), action)] = text
        return _drop_repeats([(keys, text) for (keys, _), text in merged.items()])

    def _table(self, rows: list[tuple[str, str]]) -> Table:
        # Two columns, so a long description wraps under itself, not under the keys.
        # Through Textual's Color: the ANSI themes name colours ("ansi_green") that Rich
        # cannot parse; mashed keys found that (ctrl+p, Theme, textual-ansi, ?).
        try:
            accent = Color.parse(self.app.theme_variables.get("accent", "")).rich_color
        except ColorParseError:
            accent = None
        table = Table.grid(padding=(0, 2))
        table.add_column(style=Style(bold=True, color=accent), no_wrap=True)
        table.add_column(ratio=1)
        named = in_ascii_mode(self)  # the arrows written here, as the Footer names them
        for keys, text in rows:
            table.add_row(ascii_key_display(keys) if named else keys, text)
        return table

    def action_close(self) -> None:
        self.dismiss()


def _key_list(keys: list[str]) -> str:
    """``n →``; a run of digits reads better as ``1…9``."""
    if len(keys) > 2 and all(key.isdigit() for key in keys):
        return f"{keys[0]}…{keys[-1]}"
    return " ".join(keys)


def _drop_repeats(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The same key and text from two classes (a widget and its subclass) shows once."""
    seen: set[tuple[str, str]] = set()
    unique = []
    for row in rows:
        if row not in seen:
            seen.add(row)
            unique.append(row)
    return unique
