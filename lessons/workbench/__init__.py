"""The "Build micrograd" workbench: the learner's own ``mygrad`` package, checked on save.

    from lessons.workbench import check_workspace, init_workspace, default_workspace

    folder = default_workspace()              # or default_workspace("ana"), or any folder
    init_workspace(folder)                    # the stubs; never overwrites a file
    report = check_workspace(folder, upto=5)  # exercises 1..5, in order, in a child Python
    if not report.passed:
        print(report.failure.failure.message)  # the mistake, named; the first differing node

The course is data (``exercises``: prose, tasks, hints, questions; ``scenarios``: the
checks). The learner's code never runs in the tutor's process: ``run_probe`` runs each
check in a child Python with limits (see ``lessons.workbench.runner`` and
``lessons.workbench.child``), where ``lessons.workbench.probes`` observes it; the tutor
judges the observations (``checks``, ``mistakes``, ``compare``).
"""

from lessons.workbench.checks import LAST, CheckFailure, ExerciseResult, Report, check_workspace
from lessons.workbench.compare import GraphComparison, NodeDifference, compare_graphs
from lessons.workbench.exercises import (
    COURSE_ID,
    COURSE_TITLE,
    EXERCISES,
    Exercise,
    Question,
    get_exercise,
)
from lessons.workbench.runner import DEFAULT_LIMITS, ChildResult, LearnerError, Limits, run_probe
from lessons.workbench.workspace import (
    WorkspaceStatus,
    default_workspace,
    init_workspace,
    workspace_status,
)

__all__ = [
    "COURSE_ID",
    "COURSE_TITLE",
    "DEFAULT_LIMITS",
    "EXERCISES",
    "LAST",
    "CheckFailure",
    "ChildResult",
    "Exercise",
    "ExerciseResult",
    "GraphComparison",
    "LearnerError",
    "Limits",
    "NodeDifference",
    "Question",
    "Report",
    "WorkspaceStatus",
    "check_workspace",
    "compare_graphs",
    "default_workspace",
    "get_exercise",
    "init_workspace",
    "run_probe",
    "workspace_status",
]
