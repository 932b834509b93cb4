"""The "Build micrograd" workbench: the learner's own ``mygrad`` package, checked on save.

    from lessons.workbench import check_workspace, init_workspace, default_workspace

    folder = default_workspace()              # or default_workspace("ana"), or any folder
    init_workspace(folder)                    # the stubs; never overwrites a file
    report = check_workspace(folder, upto=5)  # exercises 1..5, in order, in a child Python
    if not report.passed:
        print(report.failure.failure.message)  # the mistake, named; the first differing node

The course is data (``exercises``: prose, tasks, hints, questions; ``scenarios``: the
checks): the learner's ``Value`` in ``mygrad/engine.py`` (exercises 1-11), then their
``Module``, ``Neuron``, ``Layer`` and ``MLP`` in ``mygrad/nn.py``, trained (12-16).
The learner's code never runs in the tutor's process: ``run_probe`` runs each
check in a child Python with limits (see ``lessons.workbench.runner`` and
``lessons.workbench.child``), where ``lessons.workbench.probes`` observes it; the tutor
judges the observations (``checks``, ``mistakes``, ``compare``). A shared tutor calls
``require_sandbox()``: then each child runs inside bubblewrap (``sandbox``), or not at all.
"""

from __future__ import annotations

import importlib
from typing import Any

# Each name loads its module on first use: the curriculum lists the exercises at
# start-up, and the runner, the checks and the mistakes are wanted only at a check.
_EXPORTS = {
    "LAST": "lessons.workbench.checks",
    "PROBED": "lessons.workbench.checks",
    "MILESTONE": "lessons.workbench.milestone",
    "check_milestone": "lessons.workbench.milestone",
    "CheckFailure": "lessons.workbench.checks",
    "ExerciseResult": "lessons.workbench.checks",
    "Report": "lessons.workbench.checks",
    "check_workspace": "lessons.workbench.checks",
    "EngineVerdict": "lessons.workbench.training_match",
    "compare_with_engine": "lessons.workbench.training_match",
    "GraphComparison": "lessons.workbench.compare",
    "NodeDifference": "lessons.workbench.compare",
    "compare_graphs": "lessons.workbench.compare",
    "COURSE_ID": "lessons.workbench.exercises",
    "COURSE_TITLE": "lessons.workbench.exercises",
    "Curve": "lessons.workbench.exercises",
    "EXERCISES": "lessons.workbench.exercises",
    "Exercise": "lessons.workbench.exercises",
    "Question": "lessons.workbench.exercises",
    "get_exercise": "lessons.workbench.exercises",
    "DEFAULT_LIMITS": "lessons.workbench.runner",
    "ChildResult": "lessons.workbench.runner",
    "LearnerError": "lessons.workbench.runner",
    "Limits": "lessons.workbench.runner",
    "require_sandbox": "lessons.workbench.runner",
    "run_probe": "lessons.workbench.runner",
    "SandboxStatus": "lessons.workbench.sandbox",
    "WorkspaceStatus": "lessons.workbench.workspace",
    "default_workspace": "lessons.workbench.workspace",
    "init_workspace": "lessons.workbench.workspace",
    "refresh_stubs": "lessons.workbench.workspace",
    "workspace_status": "lessons.workbench.workspace",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lessons.workbench' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "COURSE_ID",
    "COURSE_TITLE",
    "DEFAULT_LIMITS",
    "EXERCISES",
    "LAST",
    "MILESTONE",
    "PROBED",
    "CheckFailure",
    "ChildResult",
    "Curve",
    "EngineVerdict",
    "Exercise",
    "ExerciseResult",
    "GraphComparison",
    "LearnerError",
    "Limits",
    "NodeDifference",
    "Question",
    "Report",
    "SandboxStatus",
    "WorkspaceStatus",
    "check_milestone",
    "check_workspace",
    "compare_graphs",
    "compare_with_engine",
    "default_workspace",
    "get_exercise",
    "init_workspace",
    "refresh_stubs",
    "require_sandbox",
    "run_probe",
    "workspace_status",
]
