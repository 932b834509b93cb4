"""The "Build micrograd" workbench: the learner's own ``mygrad`` package, checked on save.

The learner's code never runs in the tutor's process: ``run_probe`` runs each check in a
child Python with limits (see ``lessons.workbench.runner`` and ``lessons.workbench.child``).
"""

from lessons.workbench.runner import DEFAULT_LIMITS, ChildResult, LearnerError, Limits, run_probe

__all__ = ["DEFAULT_LIMITS", "ChildResult", "LearnerError", "Limits", "run_probe"]
