"""Shared by the workbench tests: workspaces made from the reference solution, the
lecture's code or the stubs, with mistakes planted by text substitution, and the
probes run on them in this process (our own files) or through the real runner."""

from __future__ import annotations

import importlib
import shutil
import sys
from pathlib import Path

from lessons.workbench import probes
from lessons.workbench.checks import PROBED, judge
from lessons.workbench.workspace import FILES, REFERENCE, STUBS

HERE = Path(__file__).resolve().parent
LECTURE = HERE / "workbench_fixtures" / "lecture_engine.txt"
LECTURE_NN = HERE / "workbench_fixtures" / "lecture_nn.txt"
REFERENCE_ENGINE = (REFERENCE / "mygrad" / "engine.py").read_text(encoding="utf-8")
REFERENCE_NN = (REFERENCE / "mygrad" / "nn.py").read_text(encoding="utf-8")

# The lecture's own recursive topological sort, for the reference's loop.
RECURSIVE_TOPO = """\
        topo = []
        visited = set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)

        build_topo(self)
"""


def loop_topo_of_reference() -> str:
    start = REFERENCE_ENGINE.index("        topo = []")
    end = REFERENCE_ENGINE.index("        self.grad = 1.0  # dself/dself")
    return REFERENCE_ENGINE[start:end]


def plant(source: str, *substitutions: tuple[str, str], count: int = 1) -> str:
    """``source`` with each (old, new) replaced; fails loudly if ``old`` is not there."""
    for old, new in substitutions:
        assert old in source, f"not in the source: {old!r}"
        source = source.replace(old, new, count if count else -1)
    return source


def make_workspace(folder: Path, engine: str | None = None, nn: str | None = None) -> Path:
    """A workspace in ``folder``: the stubs, with ``engine`` as mygrad/engine.py and
    ``nn`` as mygrad/nn.py."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STUBS / name, target)
    if engine is not None:
        (folder / "mygrad" / "engine.py").write_text(engine, encoding="utf-8")
    if nn is not None:
        (folder / "mygrad" / "nn.py").write_text(nn, encoding="utf-8")
    return folder


def reference_workspace(folder: Path, nn: str | None = None) -> Path:
    """The course's reference solution, nn.py as ``nn`` when given."""
    return make_workspace(folder, REFERENCE_ENGINE, REFERENCE_NN if nn is None else nn)


def _forget_mygrad() -> None:
    for name in [m for m in sys.modules if m == "mygrad" or m.startswith("mygrad.")]:
        del sys.modules[name]


def observe_in_process(workspace: Path, upto: int = PROBED) -> dict[int, list]:
    """The probe's observations of exercises 1..upto, run here, as the child would."""
    _forget_mygrad()
    sys.path.insert(0, str(workspace))
    importlib.invalidate_caches()
    old = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        found = probes.run("exercises", {"upto": upto})
    finally:
        sys.dont_write_bytecode = old
        sys.path.remove(str(workspace))
        _forget_mygrad()
    return {int(k): v for k, v in found["exercises"].items()}


def judge_in_process(workspace: Path, upto: int = PROBED):
    return judge(observe_in_process(workspace, upto), upto)


def assert_named(result, mistake) -> None:
    """``result`` (an ExerciseResult) fails at ``mistake``'s exercise, naming it: its
    title as the summary, its message first, and the check's code quoted."""
    assert not result.passed, f"{mistake.id} was not caught at all"
    failure = result.failure
    assert (result.number, failure.mistake) == (mistake.exercise, mistake.id), failure.message
    assert failure.message.startswith(mistake.message)
    assert failure.summary == mistake.title
    assert "In this check:\n    " in failure.message
