"""Which engine trains the lab's run, and what the lab says of the learner's.

The tutor's engine trains in a :class:`~tutor.train_driver.TrainDriver`; the learner's
own ``mygrad`` in a :class:`~tutor.learner_train_driver.LearnerTrainDriver`, which the
lab steers the same way. No Textual here.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.data import Dataset
from engine.train import TrainConfig
from lessons.workbench.training_match import VERIFY_STEPS, MatchState
from tutor.dataset_cache import DatasetCache
from tutor.learner_train_driver import LearnerRun, LearnerTrainDriver
from tutor.train_driver import RunStatus, TrainDriver
from tutor.train_settings import MINE, EngineChoice

__all__ = ["ending_said", "engine_name", "make_driver", "match_line", "milestone_reached"]


def make_driver(
    engine: str,
    config: TrainConfig,
    dataset: Dataset | None,
    engines: EngineChoice,
    *,
    notify: Callable[[], object],
    play: bool,
    weight_seed: int | None = None,
    cache: DatasetCache | None = None,
) -> TrainDriver | LearnerTrainDriver:
    """The driver of a run of ``config`` on ``engine`` (MINE: the learner's, which
    ``engines`` must allow); ``weight_seed`` (the tutor's only) seeds the first weights;
    ``cache`` keeps the settings' dataset for the next tutor."""
    if engine == MINE:
        assert engines.usable and engines.workspace is not None
        return LearnerTrainDriver(
            config, dataset, workspace=engines.workspace, notify=notify, play=play, cache=cache
        )
    return TrainDriver(
        config, dataset, notify=notify, play=play, weight_seed=weight_seed, cache=cache
    )


def engine_name(engine: str) -> str:
    """What the status line calls the engine ("" for the tutor's, which goes unsaid)."""
    return LearnerRun.engine if engine == MINE else ""


def match_line(match: MatchState | None, *, active: bool = True) -> tuple[str, str]:
    """The lab's line on a run of the learner's engine against the tutor's, and its
    CSS class: "-matched" while they agree, "-parted" once they do not. A run that
    ended before its first step has nothing to compare (``active`` False)."""
    if match is None or not (active or match.steps or match.parting):
        return "", ""
    mark = "✓ " if match.matched and match.steps else "" if match.matched else "✗ "
    return mark + match.text, "-matched" if match.matched else "-parted"


def milestone_reached(status: RunStatus, match: MatchState | None, on_moons: bool) -> bool:
    """Whether a run of the learner's engine earns Build micrograd's milestone: it
    finished on the moons, step for step with the tutor's, for at least as many steps
    as ``workbench verify`` compares."""
    return (
        on_moons
        and status == RunStatus.FINISHED
        and match is not None
        and match.matched
        and match.steps >= VERIFY_STEPS
    )


def ending_said(status: RunStatus, engine: str, match: MatchState | None) -> bool:
    """Whether the lab's lines already say how a finished run ended, so that no
    "Training finished" toast goes over them: a run of the learner's engine ends on
    its match line (the same losses as the tutor's, or where they part), which the
    toast would cover for seconds."""
    return status == RunStatus.FINISHED and engine == MINE and any(match_line(match, active=False))
