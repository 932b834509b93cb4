"""The workbench's panes: the exercise text, the code editor, the verdict, the learner's graph.

They only draw what the screen gives them (attributes down); the editor and the
graph post Textual's own messages (``TextArea.Changed``), which the screen handles.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Collection, Mapping
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static, TextArea
from textual.widgets.text_area import LanguageDoesNotExist

from tutor.textual_compat import InOrderKeys
from tutor.widgets.graph_explorer import GraphExplorer
from tutor.workbench_session import Exercise, Verdict, snapshot_graph

__all__ = [
    "CodeEditor",
    "ExerciseText",
    "LearnerGraph",
    "VerdictView",
    "WorkbenchStatus",
    "answer_text",
    "curves_text",
    "python_highlighting",
    "question_text",
    "verdict_text",
]

PASS_MARK = "✓"
FAIL_MARK = "✗"


def python_highlighting() -> str | None:
    """``"python"`` when tree-sitter and its Python grammar are installed, else None
    (the editor then shows plain text: everything works, only without colours)."""
    for module in ("tree_sitter", "tree_sitter_python"):
        try:
            if importlib.util.find_spec(module) is None:
                return None
        except (ImportError, ValueError):
            return None
    return "python"


class CodeEditor(InOrderKeys, TextArea):
    """Textual's code editor on the learner's file, with its undo and redo in the footer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+z", "undo", "Undo", tooltip="Undo the last edit (TextArea's own undo)"),
        Binding("ctrl+y", "redo", "Redo", show=False, tooltip="Redo what undo took back"),
    ]

    @classmethod
    def for_python(cls, text: str, *, id: str | None = None) -> CodeEditor:
        """A Python editor, highlighted when tree-sitter is there, plain text when not."""
        language = python_highlighting()
        try:
            editor = cls.code_editor(text, language=language, id=id, soft_wrap=False)
        except LanguageDoesNotExist:  # tree-sitter present, but not its Python grammar
            editor = cls.code_editor(text, language=None, id=id, soft_wrap=False)
        assert isinstance(editor, CodeEditor)
        return editor

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls TextArea's own handler after this one unless the default is
        # prevented; it would move the focus on escape: the screen's binding decides.
        if event.key == "escape":
            event.prevent_default()
            return
        # Enter keeps the line's indentation, one level more after a colon: Python
        # typed in a terminal editor without it is a fight with the space bar.
        if event.key == "enter" and not self.read_only and self.selection.is_empty:
            row, column = self.cursor_location
            before = self.document.get_line(row)[:column]
            indent = before[: len(before) - len(before.lstrip(" "))]
            if before.rstrip().endswith(":"):
                indent += " " * self.indent_width
            event.stop()
            event.prevent_default()
            self.insert("\n" + indent)

    def action_delete_left(self) -> None:
        """Backspace in the indentation takes one level back, not one space."""
        row, column = self.cursor_location
        before = self.document.get_line(row)[:column]
        if self.selection.is_empty and column and not before.strip(" "):
            width = self.indent_width
            self.delete((row, (column - 1) // width * width), (row, column))
            return
        super().action_delete_left()

    def replace_all(self, text: str) -> None:
        """Replace the whole text as one edit, so that ctrl+z brings the old text back
        (``load_text`` would forget the undo history)."""
        if text == self.text:
            return
        row, column = self.cursor_location
        self.replace(text, (0, 0), self.document.end, maintain_selection_offset=False)
        last = self.document.line_count - 1
        row = min(row, last)
        self.cursor_location = (row, min(column, len(self.document.get_line(row))))


class ExerciseText(VerticalScroll):
    """The exercise: where it is in the course, its prose, and the hints shown so far."""

    def compose(self) -> ComposeResult:
        yield Static(id="wb-crumb")
        yield Markdown(id="wb-prose")
        yield Static(id="wb-question")
        yield Static(id="wb-hints")
        yield Static(id="wb-where")

    def show(
        self,
        exercise: Exercise,
        total: int,
        *,
        passed: bool,
        hints_shown: int,
        workspace: str,
        answer: Mapping | None = None,
        locked: str = "",
    ) -> None:
        """``answer``: the learner's answer to the exercise's question, ``{"text",
        "right"}`` (``WorkbenchProgress.answer``), None before they answer; ``locked``:
        why the exercise cannot be done yet, said first ("" when it can)."""
        mark = f"  {PASS_MARK} passed" if passed else ""
        crumb = Text(f"Exercise {exercise.number} of {total}: ", style="bold")
        crumb.append(exercise.title)
        crumb.append(mark, style="bold")
        self.query_one("#wb-crumb", Static).update(crumb)
        prose = f"**Locked.** {locked}\n\n{exercise.prose}" if locked else exercise.prose
        self.query_one("#wb-prose", Markdown).update(prose)
        question = self.query_one("#wb-question", Static)
        question.display = exercise.question is not None
        if exercise.question is not None:
            question.update(question_text(exercise.question, answer))
        hints = Text()
        for number, hint in enumerate(exercise.hints[:hints_shown], start=1):
            hints.append(f"Hint {number} of {len(exercise.hints)}: ", style="bold")
            hints.append(_plain(hint) + "\n")
        self.query_one("#wb-hints", Static).update(hints)
        where = Text(f"You edit {exercise.file} in {workspace}; o opens it in your $EDITOR.")
        self.query_one("#wb-where", Static).update(where)


def _plain(markdown: str) -> str:
    return markdown.replace("`", "")


def question_text(question, answer: Mapping | None) -> Text:
    """The question before the exercise: how to answer it, or what the learner said."""
    text = Text()
    text.append("Before you start: ", style="bold")
    text.append(question.prompt)
    text.append("\n")
    if answer is None:
        text.append(" a ", style="bold reverse")
        text.append(" answers it (escape leaves the editor first).")
        return text
    right = answer.get("right")
    text.append(answer_text(question, str(answer.get("text", "")), right))
    return text


def answer_text(question, given: str, right: bool | None) -> Text:
    """The learner's answer to ``question``, judged (``right``, None for a "why"), and
    the explanation; ✓/✗ and words, so it reads without colour."""
    text = Text()
    choices = tuple(question.choices)
    if given in choices:
        given = f"{choices.index(given) + 1}. {given}"
    if right is None:
        text.append("You said: ", style="bold")
        text.append(f"{given}\n")
        text.append("Compare with: ", style="bold")
    elif right:
        text.append(f"{PASS_MARK} Right: ", style="bold")
        text.append(f"{given}\n")
    else:
        text.append(f"{FAIL_MARK} Not quite. ", style="bold")
        text.append(f"You said: {given}\n")
        if question.correct in choices:
            text.append("The answer: ", style="bold")
            text.append(f"{choices.index(question.correct) + 1}. {question.correct}\n")
    text.append(question.answer)
    return text


CURVE_BAR = 16
"""The widest bar of a curve, in cells."""

_EIGHTHS = " ▏▎▍▌▋▊▉"


def _bar(value: float, top: float) -> str:
    if not top > 0 or not value > 0:
        return ""
    eighths = round(min(value / top, 1.0) * CURVE_BAR * 8)
    whole, part = divmod(eighths, 8)
    return "█" * whole + (_EIGHTHS[part] if part else "")


def curves_text(curves, note: str = "") -> Text:
    """Curves side by side, one row per step: the number and a bar (to the same scale
    for every curve), so they read without colour and in ASCII (bars become #)."""
    text = Text()
    if not curves:
        return text
    longest = max(len(numbers) for _, numbers in curves)
    top = max((x for _, numbers in curves for x in numbers if x == x), default=0.0)
    width = 8 + CURVE_BAR
    text.append("The loss at each step, from the same starting numbers:\n")
    heading = "step  " + "  ".join(f"{title:<{width}}" for title, _ in curves)
    text.append(heading.rstrip(), style="bold")
    text.append("\n")
    for step in range(longest):
        cells = []
        for _, numbers in curves:
            if step < len(numbers):
                x = numbers[step]
                cells.append(f"{x:7.4f} {_bar(x, top):<{CURVE_BAR}}")
            else:
                cells.append(" " * width)
        text.append(f"{step:>4}  " + "  ".join(cells).rstrip() + "\n")
    if note:
        text.append(f"\n{note}")
    return text


def verdict_text(
    verdict: Verdict | None, exercise: Exercise | None = None, *, curves: bool = True
) -> Text:
    """The verdict in words: ✓/✗ and "passed"/"not yet", so it reads without colour.
    ``curves``: draw the verdict's curves; False keeps them back until the learner has
    answered the exercise's question (they would give the answer away)."""
    text = Text()
    if verdict is None:
        text.append("Not checked yet: ctrl+s in the editor saves and checks.")
        return text
    if verdict.cancelled:
        text.append("Check cancelled: a newer save is being checked.")
        return text
    if verdict.passed:
        text.append(f"{PASS_MARK} Passed", style="bold")
        number = f" exercise {exercise.number}" if exercise else ""
        text.append(f"{number}: {verdict.summary}")
    else:
        text.append(f"{FAIL_MARK} Not yet", style="bold")
        if verdict.mistake:
            text.append(": ")
            text.append(verdict.mistake, style="bold")
        # The summary is a line of the explanation, or the error's own words: each is
        # said once (an error in the check's code was said three times over).
        said = (verdict.mistake or "").casefold()
        error = verdict.error.text() if verdict.error is not None else ""
        summary = verdict.summary
        if summary.casefold() != said and summary not in verdict.explanation + error:
            text.append(f"\n{summary}")
    if verdict.error is not None and (
        verdict.error.file or verdict.error.text() not in verdict.explanation
    ):
        text.append("\n")
        text.append(verdict.error.text(), style="bold")
        if verdict.error.code:
            text.append(f"\n    {verdict.error.code}")
    if verdict.explanation:
        text.append(f"\n{verdict.explanation}")
    if verdict.differing:
        count = len(verdict.differing)
        nodes = "node" if count == 1 else "nodes"
        text.append(f"\n{count} {nodes} marked {FAIL_MARK} in your graph differ from the engine's")
        if verdict.expected_grads and verdict.graph:
            text.append(": ")
            text.append(_expected(verdict.graph, verdict.expected_grads))
        text.append(".")
    if verdict.curves and curves:
        text.append("\n\n")
        text.append(curves_text(verdict.curves, verdict.curves_note))
    elif verdict.curves:
        text.append("\n\nThe curves show once you have answered the question: ")
        text.append(" a ", style="bold reverse")
        text.append(" asks it.")
    if verdict.output:
        text.append("\nYour code printed:\n", style="bold")
        text.append(verdict.output.rstrip("\n"))
    return text


def _expected(graph: Mapping, expected: Mapping) -> str:
    names = {}
    for node in graph.get("nodes", ()):
        names[node.get("id")] = (node.get("label") or node.get("op") or node.get("id"), node)
    parts = []
    for key in sorted(expected, key=lambda k: str(names.get(k, (k,))[0])):
        name, node = names.get(key, (key, {}))
        parts.append(f"{name}.grad is {node.get('grad')}, should be {expected[key]:.6g}")
    return "; ".join(parts)


class WorkbenchStatus(Static):
    """The line under the panes: where in the course, saved or not, the last verdict."""

    def show(
        self,
        position: str,
        *,
        dirty: bool,
        checking_for: float | None,
        verdict: Verdict | None,
        point_to_result: bool,
    ) -> None:
        """``checking_for``: seconds a check has run, None when none runs;
        ``point_to_result``: the result is out of sight, say which key shows it."""
        checking = checking_for is not None
        status = Text(f"{position} {'● unsaved' if dirty else 'saved'} · ")
        if checking_for is not None:
            status.append(f"checking… {checking_for:.1f} s", style="bold")
        elif verdict is None or verdict.cancelled:
            status.append("not checked yet")
        elif verdict.passed:
            status.append(f"{PASS_MARK} passed", style="bold")
        else:
            status.append(f"{FAIL_MARK} not yet", style="bold")
            if verdict.mistake:
                status.append(f": {verdict.mistake}")
        if point_to_result and verdict is not None:
            status.append(" · ^r result")
        self.update(status)
        self.set_class(bool(verdict and verdict.passed and not checking), "-passed")
        self.set_class(bool(verdict and not verdict.passed and not checking), "-failed")


class VerdictView(Static):
    """What the last check said."""

    def show(
        self, verdict: Verdict | None, exercise: Exercise | None, *, curves: bool = True
    ) -> None:
        self.update(verdict_text(verdict, exercise, curves=curves))
        self.set_class(verdict is not None and verdict.passed, "-passed")
        self.set_class(verdict is not None and not verdict.passed, "-failed")


class LearnerGraph(GraphExplorer):
    """The graph explorer on the learner's own graph: their data and grads, read-only.

    Backward, step and zero are off: they would run the tutor's engine over the
    learner's numbers and hide what the learner's engine computed. Export is off
    too, so that x means reset everywhere on the workbench."""

    _OFF: ClassVar[frozenset[str]] = frozenset({"backward", "step", "zero_grads", "edit", "export"})

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", editable=False, id=id)

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # GraphExplorer's would build an expression from ""
        self.add_class("-no-graph")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self._OFF:
            return False
        return super().check_action(action, parameters)

    def show_snapshot(self, snapshot: Mapping | None, differing: Collection[str] = ()) -> bool:
        """Show the learner's graph with the ``differing`` node ids marked; False when
        there is no graph to show (the check found none, or it cannot be read)."""
        if snapshot is None:
            self.graph = None
            self.add_class("-no-graph")
            return False
        try:
            root, made = snapshot_graph(snapshot)
        except ValueError:
            self.graph = None
            self.add_class("-no-graph")
            return False
        self.show_value(root, grads_known=True)
        tree = self.query_one("#graph-tree")
        tree.mark_differing([made[key] for key in differing if key in made])  # type: ignore[attr-defined]
        return True
