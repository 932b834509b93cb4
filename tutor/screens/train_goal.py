"""The training lab's goal: told once when the run on show meets it, and reported on leaving."""

from __future__ import annotations

from engine.train import TrainingRun

__all__ = ["GoalLab"]


class GoalLab:
    """Mixed into ``TrainScreen``: its ``goal``, ``run`` and ``_goal_run`` are read."""

    def _check_goal(self) -> None:
        run = self.run
        if self.goal is None or run is None or self._goal_run is run or not run.history:
            return
        report = run.history[-1]
        if self.goal.met(report):
            self._goal_run = run
            self.notify(
                f"{self.goal.describe()} at step {report.step + 1}. Escape takes you back.",
                title="✓ Goal reached",
                timeout=8,
            )
            self.post_message(self.GoalReached(run, report))

    def result(self) -> TrainingRun | None:
        """What leaving reports: the run that met the goal, else the run on show."""
        if self._goal_run is not None:
            return self._goal_run
        if self.run is not None and self.run.history:
            return self.run
        return None
