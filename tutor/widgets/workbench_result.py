"""The workbench's result pane: it runs the checks and shows what the last one said.

A check runs in a thread worker (the learner's code in a child Python, through the
``Checker``); starting a new one cancels the one still running, and only the newest
check's verdict reaches the screen, as :class:`ResultPane.CheckFinished`. The pane
draws a verdict when the screen hands it one (attributes down, messages up).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message

from tutor.textual_compat import is_live
from tutor.widgets.workbench_panels import LearnerGraph, VerdictView
from tutor.workbench_session import Checker, Exercise, Verdict

__all__ = ["ResultPane"]


class ResultPane(Vertical):
    """The verdict in words above the learner's graph; the check worker."""

    class CheckFinished(Message):
        """The newest check's verdict (a cancelled one too: the check is over)."""

        def __init__(self, exercise: Exercise, verdict: Verdict, counts: bool) -> None:
            super().__init__()
            self.exercise = exercise
            self.verdict = verdict
            self.counts = counts
            """Whether a failure counts towards opening the solution."""

    class _Done(Message):
        """From the worker, to the pane only: one check's verdict, maybe stale."""

        def __init__(self, token: int, exercise: Exercise, verdict: Verdict) -> None:
            super().__init__()
            self.token = token
            self.exercise = exercise
            self.verdict = verdict

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._token = 0
        self._cancel: threading.Event | None = None
        self._counts = True
        self.started = 0.0
        """When the newest check started (``time.monotonic``)."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="wb-verdict-scroll"):
            yield VerdictView(id="wb-verdict")
        yield LearnerGraph(id="wb-graph")

    def show(self, verdict: Verdict | None, exercise: Exercise, *, curves: bool = True) -> bool:
        """Draw ``verdict`` (its curves too, unless ``curves`` is False); False when it
        has no graph to show."""
        self.query_one(VerdictView).show(verdict, exercise, curves=curves)
        return self.query_one(LearnerGraph).show_snapshot(
            verdict.graph if verdict else None, verdict.differing if verdict else ()
        )

    def start(self, checker: Checker, workspace: Path, exercise: Exercise, *, counts: bool) -> None:
        """Check ``exercise`` in ``workspace`` now; a check still running is cancelled."""
        if self._cancel is not None:
            self._cancel.set()
        self._cancel = threading.Event()
        self._token += 1
        self._counts = counts
        self.started = time.monotonic()
        self._check(checker, workspace, self._token, exercise, self._cancel)

    @work(thread=True, exclusive=True, exit_on_error=False, group="check")
    def _check(
        self,
        checker: Checker,
        workspace: Path,
        token: int,
        exercise: Exercise,
        cancel: threading.Event,
    ) -> None:
        try:
            verdict = checker.check(workspace, exercise, cancel)
        except Exception as error:  # a checker's own failure is a message, not a crash
            verdict = Verdict(False, f"The check itself failed: {type(error).__name__}: {error}")
        self.post_message(self._Done(token, exercise, verdict))

    @on(_Done)
    def _done(self, message: _Done) -> None:
        message.stop()
        if message.token != self._token or not is_live(self):
            return  # a newer save is being checked
        self.post_message(self.CheckFinished(message.exercise, message.verdict, self._counts))

    def on_unmount(self) -> None:
        if self._cancel is not None:
            self._cancel.set()  # a check still running stops with the screen
