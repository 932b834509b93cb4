"""The graph explorer the training lab's ``i`` opens on a sample's forward pass
(``tutor.screens.train_inspect``), kept up to date as the lab trains."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType

from tutor.screens.explorer import ExplorerScreen
from tutor.widgets.graph_explorer import GraphExplorer
from tutor.widgets.graph_tree import GraphTree

if TYPE_CHECKING:
    from engine.value import Value
    from tutor.screens.train import TrainScreen

__all__ = ["TrainingExplorer"]


class TrainingExplorer(ExplorerScreen):
    """The explorer on a sample's forward pass, kept up to date as the lab trains."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("full_stop", "train_step", "Train a step", key_display="."),
        Binding("t", "train", "Train/Pause", tooltip="Train on (the graph follows), or pause"),
    ]

    def __init__(self, lab: TrainScreen, root: Value, *, title: str) -> None:
        super().__init__("", root=root, title=title)
        self.lab = lab

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("train_step", "train") and not self.lab.live:
            return False
        return super().check_action(action, parameters)

    def action_train_step(self) -> None:
        self.lab.action_step()

    def action_train(self) -> None:
        self.lab.action_play_pause()

    def follow(self, root: Value, title: str) -> None:
        """Show the pass made after more steps: the same graph with new numbers."""
        explorer = self.query_one(GraphExplorer)
        tree = self.query_one(GraphTree)
        row = tree.cursor_node.data if tree.cursor_node is not None else None
        old = explorer.graph.nodes
        at = next((i for i, v in enumerate(old) if row is not None and v is row.value), None)
        explorer.show_value(root)
        new = explorer.graph.nodes
        if at is not None and len(new) == len(old):  # the same shape, node for node
            tree.reveal(new[at])
        self.root = root
        self.title_given = title
        self._fit_title(self.size.width)
