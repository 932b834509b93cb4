"""The "Build micrograd" course (``lessons.workbench``) as the workbench screen sees it.

A thin adapter: the course's exercises become ``tutor.workbench_session.Exercise``,
its ``check_workspace`` becomes a :class:`Checker` whose verdict carries the named
mistake, the learner's error and their graph with the nodes that differ from the
engine's; on a pass, their graph of the exercise's main check (its first check with a
graph, asked of ``lessons.workbench.probes``' ``graph`` probe in the same child-process
way). No Textual here.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from lessons.workbench import EXERCISES, check_workspace, init_workspace
from lessons.workbench.checks import Report, error_words
from lessons.workbench.exercises import COURSE_ID, COURSE_TITLE, get_exercise
from lessons.workbench.milestone import MILESTONE
from lessons.workbench.mistakes import MISTAKES
from lessons.workbench.progress import ENGINE_READY_AFTER
from lessons.workbench.scenarios import Check, checks_for
from lessons.workbench.workspace import REFERENCE, refresh_stubs, stub_text
from tutor.workbench_session import ErrorPlace, Exercise, Verdict, WorkbenchProgress, cap_output

__all__ = [
    "BuildMicrograd",
    "CourseChecker",
    "learners_course",
    "main_check",
    "refreshed_notice",
    "verdict_from_report",
]

_MISTAKE_TITLES = {mistake.id: mistake.title for mistake in MISTAKES}


def _exercise(course_exercise, solution: str) -> Exercise:
    prose = f"{course_exercise.prose.rstrip()}\n\n**What to write.** {course_exercise.task}"
    milestone = course_exercise.number == MILESTONE
    needed = [e for e in EXERCISES if e.number <= ENGINE_READY_AFTER] if milestone else []
    return Exercise(
        number=course_exercise.number,
        id=course_exercise.id,
        title=course_exercise.title,
        prose=prose,
        file=course_exercise.file,
        hints=tuple(course_exercise.hints),
        stub=stub_text(course_exercise.file),
        solution=solution,
        question=course_exercise.question,
        requires=tuple((e.number, e.id) for e in needed),
        lab=milestone,
    )


class BuildMicrograd:
    """The course: its exercises, its workspace, its checks."""

    id = COURSE_ID
    title = COURSE_TITLE
    resets_sections = False
    """The exercises share methods in one file, so a reset puts the whole file back."""

    def __init__(self) -> None:
        self.exercises = tuple(
            _exercise(e, _reference(e.file)) for e in sorted(EXERCISES, key=lambda e: e.number)
        )

    def init_workspace(self, workspace: Path) -> list[Path]:
        return init_workspace(workspace)

    def reset_text(self, exercise: Exercise, text: str) -> tuple[str, bool]:
        return stub_text(exercise.file), False

    def checker(self) -> CourseChecker:
        return CourseChecker()


def learners_course(
    store, folder: Path | None = None, exercise: str | None = None
) -> tuple[BuildMicrograd, Path, WorkbenchProgress, str | None, str | None]:
    """The course for the learner whose ``ProgressStore`` is ``store``, their
    workspace (``folder``, default ``workbench`` in their progress folder; made if
    missing), their ``WorkbenchProgress`` at ``exercise`` when one is asked for, why
    the workspace could not be made (None when it could), and what the learner should
    know about it (an older course's stub replaced), or None."""
    course = BuildMicrograd()
    home = Path(store.home)
    workspace = (folder or home / "workbench").expanduser()
    problem = notice = None
    try:
        course.init_workspace(workspace)
        notice = refreshed_notice(refresh_stubs(workspace))
    except OSError as error:
        problem = f"The workspace {workspace} could not be made: {error}"
    progress = WorkbenchProgress(home / "workbench.json", store=store)
    if exercise is not None and any(each.id == exercise for each in course.exercises):
        progress.current = exercise  # where the list or the palette asked to go
    return course, workspace, progress, problem, notice


def refreshed_notice(names: list[str]) -> str | None:
    """What to say about files ``refresh_stubs`` replaced: never edited, so nothing lost."""
    if not names:
        return None
    said = []
    for name in names:
        numbers = [e.number for e in EXERCISES if e.file == name]
        which = f"exercises {numbers[0]}-{numbers[-1]}" if numbers else "the course"
        said.append(f"{name} now holds the stubs of {which}")
    return (
        f"Your {'; '.join(said)}. It was still the older course's note, never edited, "
        "so nothing of yours was lost."
    )


def _reference(file: str) -> str:
    try:
        return (REFERENCE / file).read_text(encoding="utf-8")
    except OSError:
        return ""


class CourseChecker:
    """Checks exercises 1 to N in order (a later exercise builds on the earlier ones).
    ``limits``: the runner's (``lessons.workbench.Limits``), its defaults when None."""

    def __init__(self, limits=None) -> None:
        self.limits = limits

    def check(self, workspace: Path, exercise: Exercise, cancel: threading.Event) -> Verdict:
        report = check_workspace(workspace, exercise.number, limits=self.limits, cancel=cancel)
        if cancel.is_set():
            return Verdict(False, "Check cancelled.", cancelled=True, seconds=report.seconds)
        verdict = verdict_from_report(report, exercise.number)
        main = main_check(exercise.number)
        if not verdict.passed or main is None or verdict.curves:
            return verdict
        graph, seconds = self._graph_of(workspace, main, cancel)
        if cancel.is_set():
            return Verdict(False, "Check cancelled.", cancelled=True, seconds=report.seconds)
        if graph is None:
            return replace(verdict, seconds=verdict.seconds + seconds)
        return replace(
            verdict,
            explanation=f"Your graph below is this check's:\n{_indent(main.code)}",
            graph=graph,
            seconds=verdict.seconds + seconds,
        )

    def _graph_of(
        self, workspace: Path, check: Check, cancel: threading.Event
    ) -> tuple[dict | None, float]:
        """The learner's graph of ``check``, run in a child Python like every check;
        None when the child could not give one (the pass stands without it)."""
        from lessons.workbench.runner import DEFAULT_LIMITS, run_probe

        done = run_probe(
            Path(workspace),
            "graph",
            args={"check": check.id},
            limits=self.limits or DEFAULT_LIMITS,
            cancel=cancel,
        )
        graph = (done.result or {}).get("graph") if done.status == "ok" else None
        return (graph if isinstance(graph, dict) else None), done.seconds


def main_check(number: int) -> Check | None:
    """The check whose graph a pass of exercise ``number`` shows: its first one with a
    graph; None for an exercise without (exercise 1 makes single Values)."""
    return next((check for check in checks_for(number) if check.graph), None)


def _indent(code: str) -> str:
    return "\n".join("    " + line for line in code.splitlines())


def _said_once(text: str, error: dict, failure) -> str:
    """``text`` without the words of ``error`` that the result shows on a line of its
    own (the file, the line number, the exception and the code)."""
    text = text.replace(f"raised {error_words(error)}.", "raised the error above.")
    if failure.check:  # a check's own words: its title is the exception's, keep them
        return text
    # The run stopped before any check (the import failed): the runner's sentence
    # leads with the place and ends with the exception, both on the error's line.
    kind, words, line = error.get("kind") or "Error", error.get("message"), error.get("line")
    said = f"{kind}: {words}" if words else str(kind)
    where = f"{error['file']}, line {line}: " if line else f"{error['file']}: "
    for repeated in (where, f" ({said})", said):
        text = text.replace(repeated, "")
    return text.strip()


def _curves(report: Report, number: int) -> tuple[tuple, str]:
    """The exercise's curves (``lessons.workbench.Curve``) as the learner's code drew
    them; none when one of them was not observed as a list of numbers."""
    exercise = get_exercise(number)
    if exercise is None or not exercise.curves:
        return (), ""
    curves = []
    for curve in exercise.curves:
        numbers = report.values(curve.check).get(curve.path)
        if not isinstance(numbers, list) or not all(isinstance(x, float) for x in numbers):
            return (), ""
        curves.append((curve.title, tuple(numbers)))
    return tuple(curves), " ".join(exercise.curves_note.split())


def verdict_from_report(report: Report, number: int) -> Verdict:
    if report.passed:
        done = (
            "every check passes."
            if number == 1
            else f"every check of exercises 1 to {number} passes (each builds on the last)."
        )
        curves, note = _curves(report, number)
        said = report.results[-1].note if report.results else ""
        return Verdict(
            True,
            done,
            explanation=said,
            output=cap_output(report.output),
            curves=curves,
            curves_note=note,
            seconds=report.seconds,
        )
    if report.refused:
        return Verdict(False, "Checks cannot run in this shared tutor.", explanation=report.refused)
    result = report.failure
    failure = result.failure if result is not None else None
    if failure is None:  # the runner stopped before any exercise was judged
        return Verdict(
            False,
            "The check could not finish.",
            output=cap_output(report.output),
            timed_out=report.runner_status == "timeout",
            seconds=report.seconds,
        )
    summary, message = failure.summary, failure.message
    if message.startswith(summary):
        message = message[len(summary) :].lstrip("\n")
    error = None
    if failure.error and not failure.not_written:  # a stub's raise is said in words already
        e = failure.error
        if e.get("file"):  # the result shows the place and its line; say them once
            summary, message = _said_once(summary, e, failure), _said_once(message, e, failure)
        error = ErrorPlace(
            kind=str(e.get("kind") or "Error"),
            message=str(e.get("message") or ""),
            file=e.get("file"),
            line=e.get("line"),
            code=e.get("code"),
        )
    graph, differing, expected = None, frozenset(), {}
    comparison = failure.comparison
    if comparison is not None:
        graph = comparison.learner
        differing = frozenset(d.node for d in comparison.differences)
        expected = {
            d.node: d.expected
            for d in comparison.differences
            if d.field == "grad" and d.expected is not None
        }
    mistake = _MISTAKE_TITLES.get(failure.mistake or "")
    if mistake is None and failure.not_written:
        mistake = "not written yet"
    if result.number != number:  # a named mistake is said beside "Not yet" already
        first = f"Exercise {result.number} fails first"
        summary = f"{first}." if mistake == summary else f"{first}: {summary}"
    return Verdict(
        False,
        summary,
        mistake=mistake,
        explanation=message,
        error=error,
        output=cap_output(report.output),
        graph=graph,
        differing=differing,
        expected_grads=expected,
        timed_out=report.runner_status == "timeout",
        seconds=report.seconds,
    )
