"""The training lab's ``i``: a training sample's forward pass, in the graph explorer.

The lab pauses, the learner picks a sample (``SamplePicker``), the training thread makes
the pass on a copy of the model (``TrainDriver.inspect``), and its news opens the
explorer. A run on the learner's own engine cannot: its model lives in another Python.

The explorer then follows the training: ``.`` takes a step of the lab's run and ``t``
trains on or pauses, and after steps the training thread makes the pass again, which
the open explorer shows in place of the old one (the cursor stays on the same node),
until the explorer is left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tutor.learner_train_driver import INSPECT_REFUSED
from tutor.train_driver import News
from tutor.train_settings import MINE
from tutor.widgets.sample_picker import SamplePicker

if TYPE_CHECKING:
    from tutor.screens.train_explorer import TrainingExplorer

__all__ = ["InspectSamples"]


class InspectSamples:
    """Mixed into ``TrainScreen``: its ``run``, ``driver`` and ``engine`` are read."""

    _inspect_index = 0
    _explorer: TrainingExplorer | None = None

    def action_inspect(self) -> None:
        if self.run is None or self.driver is None:
            return
        if self.engine == MINE:
            self.notify(INSPECT_REFUSED, severity="warning", timeout=6)
            return
        self.action_pause()

        def picked(index: int | None) -> None:
            if index is not None and self.driver is not None:
                self._inspect_index = index
                self.driver.inspect(index)

        self.app.push_screen(SamplePicker(self.run.dataset, self._inspect_index), picked)

    def _open_inspection(self, news: News) -> None:
        inspection = news.inspection
        assert inspection is not None
        x = self.run.dataset.X_train[inspection.index] if self.run else ()
        point = ", ".join(f"{v:.2f}" for v in x)
        steps = inspection.steps_done
        title = f"sample {inspection.index + 1} ({point}) after {steps} step{'s' * (steps != 1)}"
        explorer = self._explorer
        if explorer is not None and self.app.screen is explorer:
            explorer.follow(inspection.root, title)
            return
        if self.app.screen is not self:
            # The learner has gone elsewhere meanwhile: no explorer over it, no more passes.
            if self.driver is not None:
                self.driver.inspect(None)
            return

        def left(_: object) -> None:
            self._explorer = None
            if self.driver is not None:
                self.driver.inspect(None)  # the pass is not wanted any more

        # The explorer's modules load only now: most labs never open it (30 ms a lab).
        from tutor.screens.train_explorer import TrainingExplorer

        self._explorer = TrainingExplorer(self, inspection.root, title=title)
        self.app.push_screen(self._explorer, left)
