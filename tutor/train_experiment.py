"""The training lab's ``s``: save the lab's setup as an experiment file.

The file (``lessons.experiments``) holds the form's settings, and the title,
question and locks of the experiment the lab was opened with, if any, so a
teacher can tune a setup in the lab, save it and hand it out. Where it goes is
the explorer's rule for ``x``: alone at a terminal, ``experiment-N.toml`` in the
folder the tutor was started in (never over a file that is there); in a shared
tutor (serve), the learner's own folder, where the last :data:`KEPT` are kept,
and in a browser the file is offered for download too.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

from lessons.experiments import Experiment, experiment_text
from tutor.graph_export import EXPORTS_FOLDER
from tutor.widgets.train_form import TrainForm

__all__ = ["KEPT", "ExperimentSaving", "save_experiment"]

KEPT = 5
"""Experiment files kept in a learner's exports folder in a shared tutor."""

_NUMBERED = re.compile(r"experiment-([0-9]{1,9})\.toml")


def _numbers(folder: Path) -> list[int]:
    return sorted(
        int(match.group(1)) for entry in os.listdir(folder) if (match := _NUMBERED.fullmatch(entry))
    )


def save_experiment(folder: Path, experiment: Experiment, *, keep: int | None = None) -> Path:
    """Write ``experiment-N.toml`` (N one more than any there) into ``folder``;
    with ``keep``, then remove the oldest beyond it. Never overwrites, never
    writes through a link planted under the name; raises OSError."""
    folder.mkdir(parents=True, exist_ok=True)
    if folder.is_symlink() or not folder.is_dir():
        raise OSError(f"{folder} is not a folder of its own")
    numbers = _numbers(folder)
    path = folder / f"experiment-{(numbers[-1] if numbers else 0) + 1}.toml"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with open(os.open(path, flags, 0o644), "w", encoding="utf-8") as file:
        file.write(experiment_text(experiment))
    if keep is not None:
        for old in _numbers(folder)[: max(0, len(numbers) + 1 - keep)]:
            (folder / f"experiment-{old}.toml").unlink(missing_ok=True)
    return path


class ExperimentSaving:
    """Mixed into ``TrainScreen``: makes its settings form, with the experiment's
    title, question and locks, and saves the setup (``s``). Its ``experiment``
    (or None), ``config``, ``goal``, dataset and engines are read."""

    experiment: Experiment | None
    weight_seed: int | None

    def settings_form(self) -> TrainForm:
        """The lab's form, for the settings the lab opens with."""
        dataset = self._dataset
        experiment = self.experiment
        return TrainForm(
            self.config,
            fixed_data=self._dataset_note,
            n_train=None if dataset is None else len(dataset.y_train),
            goal=self.goal.describe() if self.goal else "",
            engines=self.engines,
            engine=self.engine,
            locked=experiment.locked if experiment else frozenset(),
            heading=(experiment.title, experiment.question) if experiment else ("", ""),
            id="train-form",
        )

    def current_experiment(self) -> Experiment:
        """The lab's setup now: the form's last valid settings, with the experiment's
        title, question and locks (its locked fields keep their values), and the
        seed of the first weights if ``w`` drew them."""
        form = self.query_one(TrainForm)
        form.check()
        base = self.experiment or Experiment(title="My experiment")
        return dataclasses.replace(base.with_config(form.config), weight_seed=self.weight_seed)

    def action_save_experiment(self) -> None:
        app = self.app
        shared = getattr(app, "shared", False) or app.is_web
        try:
            if shared:
                folder = Path(app.progress.home) / EXPORTS_FOLDER  # type: ignore[attr-defined]
                path = save_experiment(folder, self.current_experiment(), keep=KEPT)
            else:
                path = save_experiment(Path.cwd(), self.current_experiment())
        except OSError as error:
            self.notify(
                f"Could not save the experiment: {error}", severity="error", timeout=6, markup=False
            )
            return
        if app.is_web:
            app.deliver_text(path, mime_type="application/toml", name="experiment")
            where = f"your browser downloads it (the server keeps your last {KEPT})"
        elif shared:
            where = f"in your folder {path.parent} (the last {KEPT} are kept)"
        else:
            where = f"in {path.parent} (the folder the tutor was started in)"
        self.notify(
            f"Saved {path.name} {where}. Open it again with: micrograd-tutor train "
            f"--experiment {path.name}",
            title="Experiment saved",
            timeout=8,
            markup=False,
        )
