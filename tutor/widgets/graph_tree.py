"""The computation graph drawn as a tree rooted at the output.

Each row is one node of the graph with its label, its op, its data and its
grad in aligned columns::

    ▼ L          *  data     -8.0000  grad      1.0000
    ├── ▼ d      +  data      4.0000  grad     -2.0000

A node used by several others is expanded the first time it appears and shown
as a one-line reference (marked ``↑``) everywhere else, so a graph with heavy
reuse (a neural net's weights) does not explode into copies.

The tree never stores numbers: every row is formatted from the live ``Value``
when it is drawn, so a backward pass only has to ask for a repaint.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from engine.value import Value
from lessons.explain import Graph
from tutor.ascii_mode import ASCII_TREE_LINES, in_ascii_mode
from tutor.textual_compat import SizeFollower

__all__ = ["DIFFERS", "NUMBER_WIDTH", "UNKNOWN_GRAD", "GraphRow", "GraphTree", "format_cell"]

NUMBER_WIDTH = 11
"""The most a number takes: ``-99999.9999`` or ``-1.798e+308``. The columns are only
as wide as the numbers on show need, and every number is right-aligned in them."""

WIDE_GUIDES = 4
NARROW_GUIDES = 2
"""Cells of indentation per level; narrow views use the smaller, so grads stay in view."""

UNKNOWN_GRAD = "—"
"""Shown instead of a grad that no backward pass has filled in yet. A 0 there
would claim "the output does not depend on this node", which is usually false."""

EXPAND_ALL_UP_TO = 60
"""Graphs with at most this many rows open fully; bigger ones open only their first levels."""

OPEN_LEVELS = 2
"""How many levels (the output and its operands) a big graph shows expanded."""

DIFFERS = "✗"
"""Ends the row of a node whose grad differs from the correct engine's (the workbench)."""

TITLE = "graph, from the output back"
TITLE_WITHOUT_CAPTIONS = "graph: name op data grad"
SHORT_TITLE = "name op data grad"  # where even that would be cut


def _columns_width(op_width: int, number_width: int, captions: bool) -> int:
    """Cells a row needs right of the name (see ``GraphTree._row``)."""
    if captions:
        return 2 + op_width + 2 + len("data ") + number_width + len("  grad ") + number_width
    return 1 + op_width + 1 + number_width + 1 + number_width


_TOGGLE = Style.from_meta({"toggle": True})  # what Tree looks for when the fold icon is clicked


def format_cell(x: float | None) -> str:
    """Four decimals, or compact scientific notation where four decimals would
    mislead: huge numbers, and tiny non-zero ones that would print as 0.0000.
    ``?`` for no number at all (a snapshot's null: the node held something else)."""
    if x is None:
        return "?"
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0.0000"  # never "-0.0000"
    if abs(x) >= 1e5 or abs(x) < 5e-5:
        return f"{x:.3e}"
    return f"{x:.4f}"


@dataclass(frozen=True)
class GraphRow:
    """What one row of the tree shows: a Value, its name, how deep the row
    sits, and whether it is a reference to a node expanded elsewhere."""

    value: Value
    name: str
    depth: int
    is_reference: bool = False


class GraphTree(SizeFollower, Tree[GraphRow]):
    """A read-only tree view of a computation graph, one aligned row per node.

    The parent decides what the rows mean right now with :meth:`show_state`
    (which grads are known, which node a backward step is processing, which
    grads that step changed); the tree only draws.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Off the Footer like the arrow keys, to leave room there for the graph's own keys.
        Binding(
            "space",
            "toggle_node",
            "Fold",
            show=False,
            tooltip="Expand or collapse the node under the cursor",
        ),
        Binding(
            "enter",
            "select_cursor",
            "Go to",
            show=False,
            tooltip="On a reference (↑), go to the row where that node is expanded",
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "graph-tree--op",
        "graph-tree--number",
        "graph-tree--unknown",
        "graph-tree--caption",
        "graph-tree--constant",
        "graph-tree--reference",
        "graph-tree--processing",
        "graph-tree--changed",
        "graph-tree--differs",
    }

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__("", name=name, id=id, classes=classes)
        self.border_title = TITLE
        self.auto_expand = False  # enter shows a node's detail; space folds
        self.graph: Graph | None = None
        self._home: dict[Value, TreeNode[GraphRow]] = {}
        self._known: Collection[Value] = frozenset()
        self._processing: Value | None = None
        self._changed: Collection[Value] = frozenset()
        self._differs: Collection[Value] = frozenset()
        self._name_width = 0
        self._number_width = NUMBER_WIDTH
        self._captions = True
        self._op_width = 1

    def on_mount(self) -> None:
        if in_ascii_mode(self):
            # Textual picks bold or double guides for some rows; in ASCII they are all one.
            self.LINES = dict.fromkeys(Tree.LINES, ASCII_TREE_LINES)

    # -- building

    def show_graph(self, graph: Graph) -> None:
        """Replace the tree with ``graph``, rooted at its output."""
        self.graph = graph
        self._home = {}
        self._known = frozenset()
        self._processing = None
        self._changed = frozenset()
        self._differs = frozenset()
        self.clear()
        shape = graph.tree()
        self.root.data = GraphRow(shape.value, graph.name(shape.value), 0)
        self.root.allow_expand = bool(shape.children)
        self._home[shape.value] = self.root
        big = len(graph.edges) + 1 > EXPAND_ALL_UP_TO  # the tree has a row per edge, plus one
        # An explicit stack, not recursion: a graph can be thousands of levels deep.
        stack = [(self.root, shape)]
        while stack:
            parent, node = stack.pop()
            depth = parent.data.depth + 1
            for child in node.children:
                row = GraphRow(child.value, graph.name(child.value), depth, child.is_reference)
                expandable = bool(child.children) and not child.is_reference
                added = parent.add(
                    row.name,
                    row,
                    expand=expandable and (not big or depth < OPEN_LEVELS),
                    allow_expand=expandable,
                )
                if not child.is_reference:
                    self._home[child.value] = added
                if expandable:
                    stack.append((added, child))
        self.root.expand()
        self._op_width = max(cell_len(v._op) for v in graph.nodes)
        self._update_columns()
        self.move_cursor(self.root)

    # -- state from the parent

    def show_state(
        self,
        known: Collection[Value],
        processing: Value | None = None,
        changed: Collection[Value] = (),
    ) -> None:
        """Redraw every row: grads of ``known`` nodes are shown (the others as
        ``—``), ``processing`` is the node a backward step just handled and
        ``changed`` the nodes whose grads it updated."""
        self._known = known
        self._processing = processing
        self._changed = frozenset(changed)
        self._update_columns()
        self._repaint_all()

    def mark_differing(self, values: Collection[Value]) -> None:
        """Mark ``values`` as having a grad that differs from the correct one (the
        workbench: a learner's own engine). The row ends in ``✗``, so it reads
        without colour too."""
        self._differs = frozenset(values)
        self._update_columns()
        self._repaint_all()

    def reveal(self, value: Value) -> None:
        """Expand the way to ``value``'s row and put the cursor on it."""
        node = self._home.get(value)
        if node is None:
            return
        parent = node.parent
        while parent is not None:
            if not parent.is_expanded:
                parent.expand()
            parent = parent.parent
        _ = self.last_line  # lays the lines out again, so that the node knows its line
        self.move_cursor(node, animate=False)

    def row_text(self, node: TreeNode[GraphRow]) -> str:
        """A row as plain text, without the tree guides (for tests and screen readers)."""
        return self._row(node).plain.strip()

    # -- drawing

    def _row(self, node: TreeNode[GraphRow]) -> Text:
        """The name, then op, data and grad, padded into columns."""
        row = node.data
        assert row is not None
        value = row.value
        component = self.get_component_rich_style
        text = Text(row.name)
        if not value.label and not value._prev:  # a constant such as the -1 in -a
            text.stylize(component("graph-tree--constant", partial=True))
        if value in self._changed:
            text.stylize(component("graph-tree--changed", partial=True))
        if row.is_reference:
            text.append(" ↑")
            text.stylize(component("graph-tree--reference", partial=True))
        # Pad the name so that the op and the numbers line up whatever the depth.
        used = row.depth * self.guide_depth + (2 if node.allow_expand else 0)
        text.pad_right(max(0, self._name_width - used - text.cell_len))
        caption = component("graph-tree--caption", partial=True)
        number = component("graph-tree--number", partial=True)
        op_style = component("graph-tree--op", partial=True)
        width = self._number_width
        if self._captions:
            text.append(f"  {value._op:<{self._op_width}}  ", op_style)
            text.append("data ", caption)
            text.append(format_cell(value.data).rjust(width), number)
            text.append("  grad ", caption)
        else:
            text.append(f" {value._op:<{self._op_width}} ", op_style)
            text.append(format_cell(value.data).rjust(width), number)
            text.append(" ")
        if value in self._known:
            grad = format_cell(value.grad)
            if value in self._changed:  # a step just changed it: mark the number itself
                text.append(" " * (width - len(grad)), number)
                text.append(grad, component("graph-tree--changed", partial=True))
            else:
                text.append(grad.rjust(width), number)
        else:
            unknown = component("graph-tree--unknown", partial=True)
            text.append(UNKNOWN_GRAD.rjust(width), unknown)
        if value in self._differs:
            text.append(f" {DIFFERS}", component("graph-tree--differs", partial=True))
        return text

    def render_label(self, node: TreeNode[GraphRow], base_style: Style, style: Style) -> Text:
        if node.data is None:
            return super().render_label(node, base_style, style)
        row = self._row(node)
        row.stylize(style)
        value = node.data.value
        if value is self._processing:
            row.stylize(self.get_component_rich_style("graph-tree--processing", partial=True))
        if not node.allow_expand:
            return row
        # The fold icon carries Tree's "toggle" meta so that a click on it folds the node.
        icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
        return Text.assemble((icon, base_style + _TOGGLE), row)

    def _update_columns(self) -> None:
        """Size the columns for the rows visible now: the numbers line up just
        right of the widest name, and a narrow view indents less so that the
        grads still fit beside the names."""
        rows = []
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.data is None:
                continue
            rows.append((node.data, 2 if node.allow_expand else 0))
            if node.is_expanded:
                stack.extend(node.children)
        if not rows:
            return
        numbers = [format_cell(row.value.data) for row, _ in rows]
        numbers += [format_cell(row.value.grad) for row, _ in rows if row.value in self._known]
        number_width = max(len(UNKNOWN_GRAD), *map(len, numbers))

        def name_width(guide_depth: int) -> int:
            return max(
                row.depth * guide_depth + icon + cell_len(row.name) + 2 * row.is_reference
                for row, icon in rows
            )

        # The roomiest layout that fits: wide indents, then narrow ones, then
        # narrow ones without the "data"/"grad" captions (the border names the columns).
        room = self.scrollable_content_region.width
        layouts = [(WIDE_GUIDES, True), (NARROW_GUIDES, True), (NARROW_GUIDES, False)]
        for guide_depth, captions in layouts:
            rest = _columns_width(self._op_width, number_width, captions)
            rest += 1 + len(DIFFERS) if self._differs else 0
            if not room or name_width(guide_depth) + rest <= room:
                break
        if guide_depth != self.guide_depth:
            self.guide_depth = guide_depth
        columns = (name_width(guide_depth), number_width, captions)
        if columns != (self._name_width, self._number_width, self._captions):
            self._name_width, self._number_width, self._captions = columns
            self._repaint_all()
        self._fit_title()

    def _fit_title(self) -> None:
        """The longest title the border has room for (its corners and a space each side):
        without the captions in the rows, the title names the columns."""
        titles = (TITLE, "graph") if self._captions else (TITLE_WITHOUT_CAPTIONS, SHORT_TITLE)
        width = self.outer_size.width
        fits = [title for title in titles if not width or len(title) + 4 <= width]
        self.border_title = fits[0] if fits else titles[-1]

    def follow_size(self) -> None:
        self._update_columns()
        self._fit_title()  # also before there are rows to size the columns for

    def _repaint_all(self) -> None:
        # Every row's path starts at the root, so a root update invalidates every cached row.
        self.root.refresh()
        self.refresh()

    def _on_tree_node_expanded(self, _event: Tree.NodeExpanded[GraphRow]) -> None:
        self._update_columns()

    def _on_tree_node_collapsed(self, _event: Tree.NodeCollapsed[GraphRow]) -> None:
        self._update_columns()
