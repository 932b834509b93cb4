"""The training lab's ``i``: a training sample's forward pass, in the graph explorer.

The lab pauses, the learner picks a sample (``SamplePicker``), the training thread makes
the pass on a copy of the model (``TrainDriver.inspect``), and its news opens the
explorer. A run on the learner's own engine cannot: its model lives in another Python.
"""

from __future__ import annotations

from tutor.learner_train_driver import INSPECT_REFUSED
from tutor.train_driver import News
from tutor.train_settings import MINE
from tutor.widgets.sample_picker import SamplePicker

__all__ = ["InspectSamples"]


class InspectSamples:
    """Mixed into ``TrainScreen``: its ``run``, ``driver`` and ``engine`` are read."""

    _inspect_index = 0

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
        from tutor.screens.explorer import ExplorerScreen

        inspection = news.inspection
        assert inspection is not None
        if self.app.screen is not self:
            return  # the learner has gone elsewhere meanwhile: no explorer over it
        x = self.run.dataset.X_train[inspection.index] if self.run else ()
        point = ", ".join(f"{v:.2f}" for v in x)
        title = f"sample {inspection.index + 1} ({point}) after {inspection.steps_done} steps"
        self.app.push_screen(ExplorerScreen.for_value(inspection.root, title=title))
