"""The training lab's neuron panel (``n``, ``[ ]``) and its first weights (``r``, ``w``).

``n`` opens a :class:`~tutor.widgets.neuron_panel.NeuronPanel` beside the boundary
when there is room for every chart, else in place of the chart on show; the
training thread then computes each hidden neuron's output over the panel's mesh
whenever it scores the boundary (``TrainDriver.watch_neurons``).

The first weights come from a seed: the form's (the same as the data's) until
``w`` draws a new one, which ``r`` keeps, so a reset repeats the run exactly and
only ``w`` changes where it starts. The header says which seed it is.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType

from engine.train import TrainConfig
from tutor.train_driver import News, TrainDriver
from tutor.train_engines import make_driver
from tutor.train_settings import MINE
from tutor.widgets.neuron_panel import NeuronPanel

if TYPE_CHECKING:
    from tutor.learner_train_driver import LearnerTrainDriver

__all__ = [
    "NEURONS_REFUSED",
    "NEURON_BINDINGS",
    "WEIGHTS_REFUSED",
    "NeuronsLab",
]

NEURON_BINDINGS: list[BindingType] = [
    Binding("w", "new_weights", "New weights", show=False),
    Binding("n", "neurons", "Neurons", tooltip="What each hidden neuron sees (again: close)"),
    Binding("left_square_bracket", "pick_neuron(-1)", "Previous neuron", show=False),
    Binding("right_square_bracket", "pick_neuron(1)", "Next neuron", show=False),
]
"""The lab's keys for this part (``TrainScreen.BINDINGS`` holds them: Textual reads
bindings from widget classes only)."""

NEURONS_REFUSED = (
    "The neuron maps need the tutor's engine: your network runs in a process of its own."
)
WEIGHTS_REFUSED = "New weights need the tutor's engine: your network makes its own."


class NeuronsLab:
    """Mixed into ``TrainScreen``: its ``driver``, ``run``, ``engine`` and pacer are read."""

    neurons_open = False
    weight_seed: int | None = None
    """The seed of the first weights, once ``w`` has drawn one (None: the form's seed)."""

    def _neuron_panel_widget(self) -> NeuronPanel:
        panel = NeuronPanel(id="chart-neurons")
        panel.border_title = "what each neuron sees"
        return panel

    def _neuron_panel(self) -> NeuronPanel:
        return self.query_one(NeuronPanel)

    def on_neuron_panel_resized(self) -> None:
        """A new size is a new mesh to compute the neurons over."""
        self._pacer.mark_stale("neurons")
        self._later(self._watch_neurons)
        self._schedule_redraw()

    def _shows_neurons(self, chart: str) -> bool | None:
        """Whether ``chart`` is on show with the panel open (None: the panel is
        shut, the lab's own rule decides)."""
        if not self.neurons_open:
            return False if chart == "neurons" else None
        if chart == "neurons":
            return True
        return None if self.has_class("-wide") else False  # narrow: the panel alone

    def action_neurons(self) -> None:
        """Open or close the panel of what each hidden neuron sees."""
        self.neurons_open = not self.neurons_open
        self.set_class(self.neurons_open, "-neurons")
        panel = self._neuron_panel()
        panel.note = NEURONS_REFUSED if self.engine == MINE else ""
        panel.replot()
        self._pacer.mark_stale("neurons", "loss", "accuracy", "boundary")
        self._later(self._watch_points)
        self._later(self._watch_neurons)
        self._schedule_redraw()

    def action_pick_neuron(self, delta: int) -> None:
        if self.neurons_open:
            self._neuron_panel().pick(delta)

    def _watch_neurons(self) -> None:
        """Tell the training thread which mesh to compute the neurons over: the
        panel's while it is open, none otherwise."""
        driver = self.driver
        if driver is None or self.run is None or not hasattr(driver, "watch_neurons"):
            return
        driver.watch_neurons(self._neuron_panel().mesh if self.neurons_open else None)

    def _take_neuron_news(self, news: News) -> None:
        if news.neurons is not None:
            self._neuron_panel().scores = news.neurons
            self._pacer.mark_stale("neurons")

    def _neurons_ready(self) -> None:
        """A new run is ready: maps over its data."""
        self._neuron_panel().show_dataset(self.run.dataset if self.run else None)
        self._later(self._watch_neurons)

    def _make_driver(
        self, engine: str, config: TrainConfig, *, play: bool
    ) -> TrainDriver | LearnerTrainDriver:
        """The driver of a new run; the tutor's starts from :attr:`weight_seed`'s weights."""
        seed = self.weight_seed if engine != MINE else None
        driver = make_driver(
            engine,
            config,
            self._dataset,
            self.engines,
            notify=self._news_ready,
            play=play,
            weight_seed=seed,
            cache=getattr(self.app, "dataset_cache", None),  # the tutor's app keeps one
        )
        self._show_weight_seed(config)
        self._neuron_panel().show_dataset(None)
        return driver

    def _show_weight_seed(self, config: TrainConfig) -> None:
        seed = self.weight_seed if self.weight_seed is not None else config.seed
        self.sub_title = f"first weights: seed {seed}"

    def action_new_weights(self) -> None:
        """A new run from new first weights, drawn with a new seed."""
        if self.engine == MINE:
            self.notify(WEIGHTS_REFUSED, severity="warning", timeout=6)
            return
        old = self.weight_seed
        while self.weight_seed == old:
            self.weight_seed = random.SystemRandom().randrange(1, 100_000)
        self.notify(f"New first weights, from seed {self.weight_seed}.", timeout=3)
        self.action_reset()
