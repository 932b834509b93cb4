"""The graph explorer: an expression's graph, its gradients, and backprop one step at a time.

It puts a :class:`GraphTree` (the graph rooted at the output) beside or above a
:class:`NodeDetail` (the selected node's rules, chain rule and slope check),
and an inline editor for the expression. The keys are the lesson:

* ``b`` zeroes the grads and runs the whole backward pass,
* ``s`` runs it one node at a time, highlighting what each step changes,
* ``z`` zeroes the grads,
* ``e`` edits the expression (the old graph stays until the new one builds),
* ``x`` writes the graph as Graphviz DOT plus an SVG screenshot into the current directory
  (the folder the tutor was started in), and says where; a shared tutor (serve) writes
  into the learner's own folder instead, a few at most (``tutor.graph_export``), and
  in a browser offers them for download.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static, TextArea, Tree

from engine.value import Value
from lessons.explain import BackpropStep, BackpropStepper, Graph
from lessons.expr import ExpressionError, Program, build, format_error
from tutor.graph_export import EXPORTS_KEPT, save_learner_export
from tutor.textual_compat import InOrderKeys, SizeFollower
from tutor.widgets.graph_tree import GraphRow, GraphTree
from tutor.widgets.node_detail import BackwardState, NodeDetail

__all__ = ["WIDE_AT", "GraphExplorer", "next_export_paths"]

WIDE_AT = 100
"""From this many columns the tree and the detail sit side by side; below, stacked."""


class SourceEditor(InOrderKeys, TextArea):
    """The playground's expression, edited: keys that come together are taken in order."""


def next_export_paths(folder: Path, stem: str = "graph") -> tuple[Path, Path]:
    """The first ``graph-N.dot`` and ``graph-N.svg`` in ``folder`` that overwrite nothing."""
    n = 1
    while (folder / f"{stem}-{n}.dot").exists() or (folder / f"{stem}-{n}.svg").exists():
        n += 1
    return folder / f"{stem}-{n}.dot", folder / f"{stem}-{n}.svg"


class GraphExplorer(SizeFollower, Widget):
    """An expression's computation graph, explored with the keyboard.

    ``program`` is the lessons.expr Program on show (None until one builds);
    ``load(source)`` replaces it. Posts :class:`GraphExplorer.GraphBuilt` when a
    new expression builds and :class:`GraphExplorer.BackwardFinished` when a
    backward pass over it has completed, by ``b`` or by the last ``s``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "b",
            "backward",
            "Backward",
            tooltip="Zero the grads, then run the whole backward pass (twice gives the same grads)",
        ),
        Binding(
            "s",
            "step",
            "Step",
            tooltip="One step of the backward pass: see which grads each node changes",
        ),
        Binding("z", "zero_grads", "Zero", tooltip="Zero every grad (shown as — until backward)"),
        Binding(
            "e", "edit", "Edit", tooltip="Edit the expression; the graph stays until it builds"
        ),
        Binding(
            "x",
            "export",
            "Export",
            tooltip="Save the graph as graph-N.dot and graph-N.svg (in a browser: download them)",
        ),
        Binding("ctrl+s", "build", "Build", tooltip="Build the edited expression"),
        Binding("escape", "cancel_edit", "Cancel", tooltip="Close the editor, keep the graph"),
    ]

    _GRAPH_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"backward", "step", "zero_grads", "edit", "export"}
    )
    _EDITOR_ACTIONS: ClassVar[frozenset[str]] = frozenset({"build", "cancel_edit"})

    class GraphBuilt(Message):
        """A new expression was built into a graph (also the first one, on mount)."""

        def __init__(self, explorer: GraphExplorer, program: Program) -> None:
            super().__init__()
            self.explorer = explorer
            self.program = program

        @property
        def control(self) -> GraphExplorer:
            return self.explorer

    class BackwardFinished(Message):
        """A backward pass reached every node: all grads are final."""

        def __init__(self, explorer: GraphExplorer) -> None:
            super().__init__()
            self.explorer = explorer

        @property
        def control(self) -> GraphExplorer:
            return self.explorer

    editing: reactive[bool] = reactive(False, bindings=True)
    """Whether the inline editor is open (the graph keys are off meanwhile)."""

    def __init__(
        self,
        source: str,
        *,
        editable: bool = True,
        root: Value | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``source`` is expression text to build; or give ``root``, a graph made in
        code (then ``source`` is ignored and there is nothing to edit)."""
        super().__init__(name=name, id=id, classes=classes)
        self.source = source
        self.editable = editable and root is None
        self._start_root = root
        self.program: Program | None = None
        self.graph: Graph | None = None
        self.state = BackwardState()
        self._stepper: BackpropStepper | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="graph-editor"):
            yield SourceEditor(
                self.source, id="graph-source", soft_wrap=True, show_line_numbers=True
            )
            yield Static(id="graph-error")
        with Container(id="graph-panes"):
            yield GraphTree(id="graph-tree")
            yield NodeDetail(id="graph-detail")

    # The editor's title, longest first: the one its border has room for is shown.
    EDITOR_TITLES: ClassVar[tuple[str, ...]] = (
        "expression — ctrl+s builds, escape cancels",
        "ctrl+s builds, escape cancels",
        "ctrl+s: build",
    )

    def on_mount(self) -> None:
        self._fit_editor_title()
        if self._start_root is not None:
            self.show_value(self._start_root)
        elif not self.load(self.source):
            self.add_class("-no-graph")

    # -- public API

    def load(self, source: str) -> bool:
        """Build ``source`` and show its graph. On an error the old graph stays,
        and the editor opens with the error under it; returns whether it built."""
        try:
            program = build(source)
        except ExpressionError as error:
            self._show_editor(source, error)
            return False
        self.source = source
        self.program = program
        self._show_graph(program.output, grads_known=False)
        self.post_message(self.GraphBuilt(self, program))
        return True

    def show_value(self, root: Value, *, grads_known: bool = False) -> None:
        """Show the graph that ends at ``root``, made in code rather than typed
        (the training lab's forward pass through a network). There is no text
        to edit, so ``e`` is off until ``load`` brings one. ``grads_known`` says
        the grads in it come from a finished backward pass and should be shown."""
        self.program = None
        self._show_graph(root, grads_known=grads_known)

    def _show_graph(self, root: Value, *, grads_known: bool) -> None:
        self.graph = Graph(root)
        self._stepper = None
        if grads_known:
            self.state = BackwardState(
                known=frozenset(self.graph.nodes), passed_back=frozenset(self.graph.computed)
            )
        else:
            self.state = BackwardState()
        self.remove_class("-no-graph")
        self._say("")
        self.query_one(GraphTree).show_graph(self.graph)
        self.editing = False
        self.refresh_bindings()
        self._refresh_views()

    def focus(self, scroll_visible: bool = True) -> GraphExplorer:
        """Focus the part that takes keys: the editor while it is open, else the tree."""
        target = self.query_one(TextArea) if self.editing else self.query_one(GraphTree)
        target.focus(scroll_visible)
        return self

    # -- reacting

    def watch_editing(self, editing: bool) -> None:
        self.set_class(editing, "-editing")

    def follow_size(self) -> None:
        self.set_class(self.size.width >= WIDE_AT, "-wide")
        self._fit_editor_title()

    def _fit_editor_title(self) -> None:
        room = self.size.width - 4  # the corners and a space each side
        titles = self.EDITOR_TITLES
        fits = [title for title in titles if not self.size.width or len(title) <= room]
        self.query_one("#graph-editor").border_title = fits[0] if fits else titles[-1]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self._EDITOR_ACTIONS:
            return self.editing
        if action in self._GRAPH_ACTIONS:
            if self.editing:
                return False
            if action == "edit":
                return self.editable and (self.program is not None or self.graph is None)
            return self.graph is not None
        return True

    @on(Tree.NodeHighlighted, "#graph-tree")
    def _node_highlighted(self, event: Tree.NodeHighlighted[GraphRow]) -> None:
        event.stop()
        self._refresh_detail()

    @on(Tree.NodeSelected, "#graph-tree")
    def _node_selected(self, event: Tree.NodeSelected[GraphRow]) -> None:
        """Enter on a reference (``a ↑``) jumps to the row where that node is expanded."""
        event.stop()
        row = event.node.data
        if row is not None and row.is_reference:
            self.query_one(GraphTree).reveal(row.value)

    # -- actions

    def action_backward(self) -> None:
        """Zero the grads and run the whole backward pass, so pressing b twice
        gives the same grads instead of doubling them."""
        if self.graph is None:
            return
        BackpropStepper(self.graph).run_all()  # a new stepper starts from zeroed grads
        self._stepper = None
        self.state = BackwardState(
            known=frozenset(self.graph.nodes), passed_back=frozenset(self.graph.computed)
        )
        self._refresh_views()
        self._say(self.DONE)
        self.post_message(self.BackwardFinished(self))

    # What the tree's bottom border says about the backward pass: in the border, not
    # in a toast, which would cover the node's detail while it is being read.
    DONE: ClassVar[str] = "backward done"
    ZEROED: ClassVar[str] = "grads zeroed"

    def _say(self, news: str) -> None:
        self.query_one(GraphTree).border_subtitle = news

    def action_step(self) -> None:
        """One step of backprop: the first seeds the output's grad with 1.0."""
        if self.graph is None:
            return
        if self._stepper is None or self._stepper.done:
            self._stepper = BackpropStepper(self.graph)  # a new walk starts from zeroed grads
            self.state = BackwardState(walking=True)
        step = self._stepper.step()
        done = self._stepper.done
        last = self._stepper.total_steps - 1  # the seed is step 0, as the detail counts
        self.state = BackwardState(
            known=self.state.known | {change.value for change in step.changes},
            passed_back=self.state.passed_back | {step.node},
            last_step=step,
            walking=not done,
        )
        self._refresh_views(step)
        self.query_one(GraphTree).reveal(step.node)
        if done:
            self._stepper = None
            self._say(self.DONE)
            self.post_message(self.BackwardFinished(self))
        else:
            self._say(f"step {step.number} of {last} · s: next")

    def action_zero_grads(self) -> None:
        if self.graph is None:
            return
        self.graph.zero_grads()
        self._stepper = None
        self.state = BackwardState(zeroed=True)
        self._refresh_views()
        self._say(self.ZEROED)

    def action_edit(self) -> None:
        if self.editable:
            self._show_editor(self.source, None)

    def action_build(self) -> None:
        if self.load(self.query_one(TextArea).text):
            self.query_one(GraphTree).focus()

    def action_cancel_edit(self) -> None:
        if self.program is None:
            return  # nothing to go back to: the editor stays until something builds
        self.editing = False
        self.query_one("#graph-error", Static).update("")
        self.query_one(GraphTree).focus()

    def action_export(self) -> None:
        """Write ``graph-N.dot`` and ``graph-N.svg``: into the current directory, or, in
        a shared tutor (serve), into the learner's own folder, and in a browser offer
        them for download."""
        if self.graph is None:
            return
        svg = self.app.export_screenshot(
            title=f"micrograd-tutor: {self.graph.name(self.graph.root)}"
        )
        shared = getattr(self.app, "shared", False) or self.app.is_web
        try:
            if shared:
                dot_path, svg_path = save_learner_export(
                    self.app.progress.home,  # type: ignore[attr-defined]
                    self.graph.to_dot(),
                    svg,
                )
            else:
                dot_path, svg_path = self._export_here(svg)
        except (OSError, ValueError) as error:
            self.notify(
                f"Could not export the graph: {error}", severity="error", timeout=6, markup=False
            )
            return
        saved = f"Saved {dot_path.name} and {svg_path.name}"
        if self.app.is_web:
            for path, mime_type in ((svg_path, "image/svg+xml"), (dot_path, "text/vnd.graphviz")):
                self.app.deliver_text(path, mime_type=mime_type, name="graph-export")
            message = (
                f"{saved}: your browser downloads them (the server keeps your last {EXPORTS_KEPT})"
            )
        elif shared:
            message = f"{saved} in your folder {dot_path.parent} (the last {EXPORTS_KEPT} are kept)"
        else:
            message = f"{saved} in {dot_path.parent} (the folder the tutor was started in)"
        self.notify(message, title="Graph exported", timeout=8, markup=False)
        self._say(f"saved {dot_path.stem}.dot/.svg")

    def _export_here(self, svg: str) -> tuple[Path, Path]:
        assert self.graph is not None
        dot_path, svg_path = next_export_paths(Path.cwd())
        # "x" mode: never overwrite a file that appeared since the names were chosen.
        with open(dot_path, "x", encoding="utf-8") as dot_file:
            dot_file.write(self.graph.to_dot())
        with open(svg_path, "x", encoding="utf-8") as svg_file:
            svg_file.write(svg)
        return dot_path, svg_path

    # -- drawing

    def _show_editor(self, source: str, error: ExpressionError | None) -> None:
        editor = self.query_one(TextArea)
        if editor.text != source:
            editor.load_text(source)
        message = self.query_one("#graph-error", Static)
        if error is None:
            message.update("")
        else:
            message.update(_error_text(source, error))
            editor.cursor_location = (max(error.line - 1, 0), max(error.col - 1, 0))
        self.editing = True
        editor.focus()

    def _refresh_views(self, step: BackpropStep | None = None) -> None:
        tree = self.query_one(GraphTree)
        changed = () if step is None else [c.value for c in step.changes if c.changed]
        processing = None if step is None or step.is_seed else step.node
        if step is not None and step.is_seed:
            changed = [step.node]
        tree.show_state(self.state.known, processing, changed)
        self._refresh_detail()

    def _refresh_detail(self) -> None:
        if self.graph is None:
            return
        tree = self.query_one(GraphTree)
        row = tree.cursor_node.data if tree.cursor_node is not None else None
        value: Value = row.value if row is not None else self.graph.root
        reference = row is not None and row.is_reference
        self.query_one(NodeDetail).show_node(self.graph, value, self.state, reference=reference)


def _error_text(source: str, error: ExpressionError) -> Text:
    """The builder's message, then the offending line with a caret under the column."""
    message, _, where = format_error(source, error).partition("\n")
    text = Text(message, style="bold")
    if where:
        text.append(f"\n{where}")
    return text
