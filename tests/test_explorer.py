"""The graph explorer, driven by its keys in the real app at 80×24."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from textual import events, on
from textual.app import App, ComposeResult
from textual.widgets import Footer, TextArea

from engine.nn import MLP
from engine.value import Value
from lessons import default_curriculum
from lessons.progress import ProgressStore
from tutor.app import TutorApp
from tutor.screens.explorer import ExplorerScreen
from tutor.widgets.graph_explorer import GraphExplorer, next_export_paths
from tutor.widgets.graph_tree import GraphTree, format_cell
from tutor.widgets.node_detail import NodeDetail

# The lecture's example, L = (a*b + c) * f, and the grads it derives by hand.
LECTURE = "a = 2.0; b = -3.0; c = 10.0; e = a*b; d = e + c; f = -2.0; L = d*f"
LECTURE_GRADS = {"L": 1.0, "f": 4.0, "d": -2.0, "c": -2.0, "e": -2.0, "a": 6.0, "b": -4.0}
SIZE = (80, 24)
STYLESHEET = Path(__file__).resolve().parent.parent / "tutor" / "tutor.tcss"


class RecordingApp(TutorApp):
    """The real app, noting the explorer's messages as they bubble up to it."""

    CSS_PATH = STYLESHEET  # a relative path would be looked up beside this test file

    def __init__(self, home: Path, source: str) -> None:
        super().__init__(ProgressStore(home), default_curriculum(), playground=source)
        self.finished = 0
        self.built: list[object] = []
        self.notes: list[tuple[str, str]] = []

    def notify(self, message: str, **kwargs) -> None:
        self.notes.append((message, kwargs.get("severity", "information")))
        super().notify(message, **kwargs)

    @on(GraphExplorer.BackwardFinished)
    def _count_finish(self) -> None:
        self.finished += 1

    @on(GraphExplorer.GraphBuilt)
    def _note_build(self, message: GraphExplorer.GraphBuilt) -> None:
        self.built.append(message.program)


@pytest.fixture
def make_app(tmp_path):
    def make(source: str = LECTURE) -> RecordingApp:
        return RecordingApp(tmp_path / "home", source)

    return make


def explorer_of(app: App) -> GraphExplorer:
    return app.screen.query_one(GraphExplorer)


def screen_rows(explorer: GraphExplorer) -> dict[str, str]:
    """Each visible row of the tree as drawn on screen, keyed by node name, spaces squeezed."""
    tree = explorer.query_one(GraphTree)
    rows = {}
    for y in range(tree.size.height):
        line = " ".join(tree.render_line(y).text.split())
        node = tree.get_node_at_line(y + int(tree.scroll_offset.y))
        if node is not None and node.data is not None and not node.data.is_reference:
            rows[node.data.name] = line
    return rows


def grads(explorer: GraphExplorer) -> dict[str, float]:
    assert explorer.program is not None
    return {name: v.grad for name, v in explorer.program.values.items()}


async def test_rows_show_label_op_data_and_a_dash_before_any_backward(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ExplorerScreen)
        rows = screen_rows(explorer_of(app))
        assert set(rows) == set(LECTURE_GRADS)
        assert rows["L"].endswith("L * data -8.0000 grad —")
        assert rows["a"].endswith("a data 2.0000 grad —")
        assert all(row.endswith("grad —") for row in rows.values())


async def test_numbers_line_up_in_columns(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = explorer_of(app).query_one(GraphTree)
        lines = [tree.render_line(y).text for y in range(len(LECTURE_GRADS))]
        assert len({line.index("data") for line in lines}) == 1
        assert len({line.index("grad") for line in lines}) == 1
        assert len({line.rstrip().rindex("—") for line in lines}) == 1


async def test_b_puts_the_lecture_grads_on_screen_and_twice_does_not_double(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        explorer = explorer_of(app)
        await pilot.press("b")
        await pilot.pause()
        assert grads(explorer) == LECTURE_GRADS
        rows = screen_rows(explorer)
        for name, grad in LECTURE_GRADS.items():
            assert rows[name].endswith(f"grad {format_cell(grad)}"), rows[name]
        assert app.finished == 1
        await pilot.press("b")
        await pilot.pause()
        assert grads(explorer) == LECTURE_GRADS  # zeroed first, so no accumulation
        assert app.finished == 2


async def test_steps_walk_the_graph_in_order_and_end_with_the_same_grads(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        explorer = explorer_of(app)
        detail = explorer.query_one(NodeDetail)
        visited = []
        for _ in range(4):  # the seed, then L, d and e pass their grads back
            assert app.finished == 0
            await pilot.press("s")
            await pilot.pause()
            step = explorer.state.last_step
            assert step is not None
            visited.append((step.node.label, step.is_seed))
            if step.node.label == "d" and not step.is_seed:
                # the step's arithmetic, and the cursor follows the node being processed
                assert "e.grad += ∂d/∂e × d.grad = 1.0 × -2.0 → -2.0" in detail.plain_text
                assert "c.grad += ∂d/∂c × d.grad = 1.0 × -2.0 → -2.0" in detail.plain_text
                assert detail.value is step.node
                rows = screen_rows(explorer)
                assert rows["e"].endswith("grad -2.0000")
                assert rows["a"].endswith("grad —")  # not reached yet
        assert visited == [("L", True), ("L", False), ("d", False), ("e", False)]
        assert grads(explorer) == LECTURE_GRADS
        assert app.finished == 1
        rows = screen_rows(explorer)
        assert rows["b"].endswith("grad -4.0000")


async def test_detail_shows_the_local_rule_in_symbols_and_numbers(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        detail = explorer_of(app).query_one(NodeDetail)
        assert detail.value is not None and detail.value.label == "L"
        assert "∂L/∂d = f = -2.0" in detail.plain_text
        assert "∂L/∂f = d = 4.0" in detail.plain_text
        assert "no backward pass yet" in detail.plain_text


async def test_a_leaf_shows_its_chain_rule_and_the_slope_check(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b", "down", "down", "down")  # L, d, e, a
        await pilot.pause()
        text = explorer_of(app).query_one(NodeDetail).plain_text
        assert "∂L/∂a = ∂L/∂e · ∂e/∂a = -2.0 × -3.0 = 6.0" in text
        assert "= 6.0000" in text
        assert "✓ agrees with the grad 6.0000" in text


async def test_a_typo_shows_the_error_where_it_is_and_keeps_the_old_graph(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        explorer = explorer_of(app)
        old = explorer.program
        await pilot.press("e")
        editor = explorer.query_one(TextArea)
        assert editor.has_focus and editor.text == LECTURE
        editor.text = "a = 2.0\nb = -3.0\nc = 1O.0\nL = a*b + c"
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(explorer.query_one("#graph-error").render())
        assert "line 3, column 5" in error
        assert "c = 1O.0\n      ^" in error  # the caret sits under the column
        assert editor.cursor_location == (2, 4)
        assert explorer.editing and explorer.program is old
        assert set(screen_rows(explorer)) == set(LECTURE_GRADS)
        assert len(app.built) == 1  # only the first build

        editor.text = "x = 3.0\ny = x*x + 2*x"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not explorer.editing
        assert explorer.program is not old and app.built[-1] is explorer.program
        rows = screen_rows(explorer)
        assert rows["y"].endswith("y + data 15.0000 grad —")
        assert explorer.query_one(GraphTree).has_focus
        await pilot.press("b")
        await pilot.pause()
        assert explorer.program.values["x"].grad == 8.0  # dy/dx = 2x + 2, x used twice


async def test_keys_that_arrive_together_edit_the_expression_in_order(make_app):
    """A burst (SSH, a browser): end and backspace happen where they came among the letters."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        explorer = explorer_of(app)
        await pilot.press("e")
        editor = explorer.query_one(TextArea)
        editor.text = "a = 2.0"
        editor.move_cursor((0, 0))
        await pilot.pause()
        for key, character in [("end", None), ("5", "5"), ("backspace", "\x7f"), ("1", "1")]:
            app.post_message(events.Key(key, character))
        await pilot.pause(0.3)
        assert editor.text == "a = 2.01"


async def test_a_reused_node_is_expanded_once_and_referenced_elsewhere(make_app):
    app = make_app("a = 3.0; b = a * a; c = b + a; d = c * b")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        explorer = explorer_of(app)
        tree = explorer.query_one(GraphTree)
        shown = [(n.data.name, n.data.is_reference) for n in _visible(tree)]
        assert shown == [
            ("d", False),
            ("c", False),
            ("b", False),
            ("a", False),
            ("a", True),
            ("a", True),
            ("b", True),
        ]
        await pilot.press("b", "end")  # the cursor on the last row: the reference b ↑
        await pilot.pause()
        assert tree.cursor_node.data.is_reference
        assert " ".join(tree.render_line(6).text.split()).endswith("b ↑ * data 9.0000 grad 21.0000")
        assert "used 2 times" in explorer.query_one(NodeDetail).plain_text
        await pilot.press("enter")  # jumps to the row where b is expanded
        await pilot.pause()
        assert tree.cursor_node.data.name == "b" and not tree.cursor_node.data.is_reference
        assert explorer.program.values["a"].grad == 135.0  # 3 uses: 21·3 + 21·3 + 9·1


def _visible(tree: GraphTree):
    return [tree.get_node_at_line(y) for y in range(tree.last_line + 1)]


async def test_escape_closes_the_editor_first_and_leaves_the_playground_next(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        explorer = explorer_of(app)
        await pilot.press("e")
        explorer.query_one(TextArea).text = "a = oops"
        await pilot.press("escape")
        await pilot.pause()
        assert not explorer.editing and explorer.program.output.label == "L"
        assert isinstance(app.screen, ExplorerScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExplorerScreen)


async def test_z_zeroes_the_grads_and_shows_the_dash_again(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        explorer = explorer_of(app)
        await pilot.press("b", "z")
        await pilot.pause()
        assert set(grads(explorer).values()) == {0.0}
        assert all(row.endswith("grad —") for row in screen_rows(explorer).values())
        assert "the grads were zeroed (z)" in explorer.query_one(NodeDetail).plain_text


async def test_x_writes_dot_and_svg_without_overwriting(make_app, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b", "x")
        await pilot.pause()
        assert sorted(p.name for p in out.iterdir()) == ["graph-1.dot", "graph-1.svg"]
        dot = (out / "graph-1.dot").read_text(encoding="utf-8")
        assert dot.startswith("digraph") and "grad 6.0000" in dot
        assert (out / "graph-1.svg").read_text(encoding="utf-8").lstrip().startswith("<svg")
        await pilot.press("x")
        await pilot.pause()
        assert {p.name for p in out.iterdir()} >= {"graph-2.dot", "graph-2.svg"}
        assert any("graph-2.dot" in note and "graph-2.svg" in note for note, _ in app.notes)


async def test_an_export_that_cannot_be_written_is_a_notification(make_app, tmp_path, monkeypatch):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        monkeypatch.setattr(Path, "cwd", classmethod(lambda cls: tmp_path / "missing"))
        await pilot.press("x")
        await pilot.pause()
        errors = [note for note, severity in app.notes if severity == "error"]
        assert len(errors) == 1 and "Could not export" in errors[0]


def test_export_names_skip_any_existing_file(tmp_path):
    (tmp_path / "graph-1.svg").write_text("")
    (tmp_path / "graph-2.dot").write_text("")
    assert next_export_paths(tmp_path) == (tmp_path / "graph-3.dot", tmp_path / "graph-3.svg")


@pytest.mark.parametrize(
    ("x", "shown"),
    [
        (-8.0, "-8.0000"),
        (0.0, "0.0000"),
        (-0.0, "0.0000"),
        (99999.99991, "99999.9999"),
        (123456.0, "1.235e+05"),
        (3e-7, "3.000e-07"),
        (-4e-5, "-4.000e-05"),
        (float("inf"), "inf"),
        (float("nan"), "nan"),
    ],
)
def test_numbers_get_four_decimals_or_compact_scientific(x, shown):
    assert format_cell(x) == shown
    assert len(shown) <= 11


class ExplorerOnly(App[None]):
    """A bare app around one explorer, for graphs that do not come from typed text."""

    CSS_PATH = STYLESHEET

    def __init__(self, source: str, *, editable: bool = True) -> None:
        super().__init__()
        self.source = source
        self.editable = editable

    def compose(self) -> ComposeResult:
        yield GraphExplorer(self.source, editable=self.editable)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(GraphExplorer).focus()


def _labelled_mlp_output() -> Value:
    model = MLP(2, [16, 16, 1], rng=random.Random(1337))
    for i, layer in enumerate(model.layers, 1):
        for j, neuron in enumerate(layer.neurons, 1):
            for k, w in enumerate(neuron.w, 1):
                w.label = f"L{i}.N{j}.w{k}"
            neuron.b.label = f"L{i}.N{j}.b"
    out = model([Value(0.5, "x1"), Value(-1.2, "x2")])
    out.label = "score"
    return out


async def test_a_network_graph_opens_collapsed_with_aligned_long_labels():
    app = ExplorerOnly("a = 1")
    async with app.run_test(size=SIZE) as pilot:
        explorer = app.query_one(GraphExplorer)
        out = _labelled_mlp_output()
        explorer.show_value(out)
        await pilot.pause()
        tree = explorer.query_one(GraphTree)
        assert tree.root.is_expanded
        deep = [n for n in tree.root.children if n.allow_expand]
        assert len(deep) == 16  # the 16 hidden units feeding the output
        assert all(n.is_expanded for n in deep)
        assert all(not c.is_expanded for n in deep for c in n.children)
        assert tree.last_line < 60
        await pilot.press("b")
        await pilot.pause()
        top = [tree.render_line(y).text for y in range(tree.size.height)]
        assert any("L3.N1.w1 " in line for line in top)
        await pilot.press("end")
        await pilot.pause()
        bottom = [tree.render_line(y).text for y in range(tree.size.height)]
        assert any("L3.N1.b " in line for line in bottom)
        assert len({line.index(" data ") for line in top + bottom}) == 1
        assert not app.query_one(GraphExplorer).check_action("edit", ())  # no text to edit


async def test_a_read_only_explorer_has_no_edit_key():
    app = ExplorerOnly(LECTURE, editable=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        explorer = app.query_one(GraphExplorer)
        assert not explorer.editing
        assert "edit" not in {
            b.binding.action
            for b in app.screen.active_bindings.values()
            if b.enabled and b.binding.show
        }


async def test_a_source_that_does_not_build_opens_the_editor_with_the_error():
    app = ExplorerOnly("a = 2\nb = a * q")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        explorer = app.query_one(GraphExplorer)
        assert explorer.program is None and explorer.editing
        assert "line 2, column 9" in str(explorer.query_one("#graph-error").render())
        await pilot.press("escape", "b")  # nothing to go back to, nothing to run
        assert explorer.editing


async def test_tree_and_detail_sit_side_by_side_when_wide():
    app = ExplorerOnly(LECTURE)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        explorer = app.query_one(GraphExplorer)
        tree, detail = explorer.query_one(GraphTree), explorer.query_one(NodeDetail)
        assert explorer.has_class("-wide")
        assert detail.region.x >= tree.region.right and detail.region.y == tree.region.y
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not explorer.has_class("-wide")
        assert detail.region.y >= tree.region.bottom
