"""Shared by the tests of training on the learner's engine: workspaces of the course's
reference Value with the lecture's network, mistakes planted in either, and the child's
training run driven from here with its events collected."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workbench_helpers import REFERENCE_ENGINE, make_workspace, plant

from engine.data import make_moons
from engine.train import TrainConfig
from lessons.workbench.results import ChildResult, Limits
from lessons.workbench.runner import run_probe
from lessons.workbench.training_match import (
    PROBE_MODULE,
    TRAINING_LIMITS,
    BuiltInSteps,
    EngineMatch,
    learner_config,
    step_report,
    training_args,
)
from lessons.workbench.workspace import REFERENCE

# The learner's nn.py: the course's reference solution of exercises 12-15 (the lecture's
# network plus Module and zero_grad).
LECTURE_NN = (REFERENCE / "mygrad" / "nn.py").read_text(encoding="utf-8")

NEURON_CALL = "    def __call__(self, x):\n"  # the first __call__ of nn.py: Neuron's


def in_neuron_call(code: str) -> tuple[str, str]:
    """A substitution that runs ``code`` (lines indented for a method body) first in
    every call of a Neuron; ``_calls``, a list at module level, is there to count them."""
    return NEURON_CALL, NEURON_CALL + code


def with_calls(nn: str) -> str:
    return nn.replace("import random\n", "import random\n_calls = []\n", 1)


SMALL = TrainConfig(samples=40, hidden=(6,), steps=12)  # moons, quick in any engine


def learner_workspace(folder: Path, *, engine: str = REFERENCE_ENGINE, nn: str = LECTURE_NN):
    """A workspace with ``engine`` as mygrad/engine.py and ``nn`` as mygrad/nn.py."""
    make_workspace(folder, engine)
    (folder / "mygrad" / "nn.py").write_text(nn, encoding="utf-8")
    return folder


def planted_nn(*substitutions: tuple[str, str]) -> str:
    return plant(LECTURE_NN, *substitutions)


@dataclass
class Trained:
    """A run of the child's training probe, with what it said and the tutor's twin run."""

    done: ChildResult
    events: list[dict]
    builtin: BuiltInSteps
    match: EngineMatch
    config: TrainConfig
    reports: list = field(default_factory=list)


def train_in_child(
    workspace: Path,
    config: TrainConfig = SMALL,
    *,
    limits: Limits = TRAINING_LIMITS,
    points=None,
    commands=None,
    play: bool = True,
    on_event=None,
) -> Trained:
    config = learner_config(config)
    dataset = make_moons(config.samples, config.noise, config.seed, config.test_fraction)
    builtin = BuiltInSteps(config, dataset)
    match = EngineMatch(builtin)
    events: list[dict] = []
    reports = []

    def take(event: dict) -> None:
        events.append(event)
        if event.get("kind") == "step":
            reports.append(step_report(event))
            match.take(reports[-1])
        elif event.get("kind") == "diverged":
            match.take_blow_up(event["step"])
        if on_event is not None:
            on_event(event)

    args = training_args(config, dataset, builtin.initial, play=play, points=points, tag=1)
    done = run_probe(
        workspace,
        "train",
        args=args,
        limits=limits,
        probe_module=PROBE_MODULE,
        on_event=take,
        commands=commands,
    )
    return Trained(done, events, builtin, match, config, reports)
