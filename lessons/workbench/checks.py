"""Verdicts on the learner's micrograd: what the child saw in, a message out.

    from lessons.workbench.checks import check_workspace

    report = check_workspace(workspace, upto=5)   # runs exercises 1..5 in a child Python
    for result in report.results:                 # in order, up to the first failure
        print(result.number, result.passed, result.failure and result.failure.message)

Nothing here runs the learner's code: ``check_workspace`` asks ``run_probe`` for the
observations of ``lessons.workbench.probes`` and judges them. The right answers come
from the tutor's own ``engine.Value`` running the same checks; a failing check is
explained by the catalogue of known mistakes (``lessons.workbench.mistakes``), and when
its graph was snapshotted, by the first node whose numbers differ from the engine's.
The probes check exercises 1 to :data:`PROBED`; the course's last, its milestone, is a
training run beside the tutor's engine (``lessons.workbench.milestone``), which
``check_workspace`` adds once every probed exercise passes.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from lessons.workbench.compare import GraphComparison, close, compare_graphs, fmt
from lessons.workbench.exercises import EXERCISES
from lessons.workbench.mistakes import find_mistake
from lessons.workbench.scenarios import CHECKS, Check, checks_for

__all__ = [
    "LAST",
    "PROBED",
    "CheckFailure",
    "ExerciseResult",
    "Report",
    "check_workspace",
    "engine_nn",
    "expected",
    "judge",
    "judge_check",
    "judge_exercise",
    "milestone_result",
]

PROBED = max(check.exercise for check in CHECKS)
"""The last exercise the probes check (the training loop); after it, the milestone."""
LAST = EXERCISES[-1].number
"""The course's last exercise: its milestone, the learner's engine on the moons."""
_NOT_WRITTEN = re.compile(r"^exercise (\d+)\b")


@dataclass(frozen=True)
class CheckFailure:
    exercise: int
    check: str  # the check's id, "" when the check could not run at all
    code: str  # the check's code, as the learner reads it
    summary: str  # one line
    message: str  # the whole explanation, plain text
    mistake: str | None = None  # the id of the known mistake, when one was recognised
    error: dict | None = None  # the learner's exception: kind, message, file, line, code
    comparison: GraphComparison | None = None  # their graph against the engine's
    not_written: bool = False  # a stub still raises NotImplementedError("exercise N: ...")


@dataclass(frozen=True)
class ExerciseResult:
    number: int
    passed: bool
    failure: CheckFailure | None = None
    note: str = ""  # what a pass says beyond passing (the milestone: how the runs agreed)


@dataclass(frozen=True)
class Report:
    upto: int
    results: tuple[ExerciseResult, ...]  # 1, 2, ... up to and including the first failure
    output: str = ""  # what the learner's code printed (capped)
    seconds: float = 0.0
    runner_status: str = "ok"
    refused: str = ""  # why no code ran at all (a shared tutor), when none did
    observed: Mapping[int, list] = field(default_factory=dict, repr=False)
    """What the child saw, per exercise (the check observations, as JSON): the numbers a
    passing exercise draws, such as exercise 16's loss curves."""

    def values(self, check_id: str) -> Mapping[str, object]:
        """One check's observed values ({} when it was not observed)."""
        for seen in self.observed.values():
            for each in seen:
                if isinstance(each, dict) and each.get("id") == check_id:
                    values = each.get("values")
                    return values if isinstance(values, dict) else {}
        return {}

    @property
    def passed(self) -> bool:
        return len(self.results) == self.upto and all(r.passed for r in self.results)

    @property
    def failure(self) -> ExerciseResult | None:
        return next((r for r in self.results if not r.passed), None)

    @property
    def passed_numbers(self) -> tuple[int, ...]:
        return tuple(r.number for r in self.results if r.passed)


# -- the right answers ---------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    values: Mapping[str, object]
    graph: dict | None = None
    nodes: tuple = field(default=(), repr=False)  # the engine's Values, in snapshot order


@functools.cache
def expected(check_id: str) -> Expected:
    """What the tutor's engine observes on a check (or its fixed answers)."""
    from engine import Value as EngineValue
    from lessons.workbench.probes import _label_by_name, _lookup, jsonable, snapshot_nodes

    check = _CHECKS[check_id]
    names = None
    if check.expect is None or check.graph is not None:
        names = (check.engine or check.build)(engine_nn() if check.nn else EngineValue)
    if check.expect is not None:
        values = dict(check.expect)
    else:
        values = {path: jsonable(_lookup(names, path)) for path in check.observe}
    if check.graph is None:
        return Expected(values)
    _label_by_name(names, EngineValue)
    graph, nodes = snapshot_nodes(names[check.graph])
    return Expected(values, graph, tuple(nodes))


_CHECKS = {check.id: check for check in CHECKS}


@functools.cache
def engine_nn() -> SimpleNamespace:
    """What the checks of exercises 12 on call ``nn``, over the tutor's engine: the
    lecture's network, tanh on every neuron, the last layer too."""
    from engine import Value as EngineValue
    from engine import nn

    return SimpleNamespace(
        Value=EngineValue,
        Module=nn.Module,
        Neuron=lambda nin: nn.Neuron(nin, "tanh"),
        Layer=lambda nin, nout: nn.Layer(nin, nout, "tanh"),
        MLP=lambda nin, nouts: nn.MLP(nin, nouts, activation="tanh", output_activation="tanh"),
    )


# -- judging ---------------------------------------------------------------------------


def _same(got: object, want: object) -> bool:
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        return close(got, float(want))
    if isinstance(want, list):
        return (
            isinstance(got, list)
            and len(got) == len(want)
            and all(_same(g, w) for g, w in zip(got, want, strict=True))
        )
    return type(got) is type(want) and got == want


def _shown(value: object) -> str:
    if isinstance(value, dict) and "type" in value:
        return f"a {value['type']} ({value.get('repr', '')})"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        return f"a list ([{', '.join(map(fmt, value))}])" if value else "an empty list"
    if type(value) is int:
        return str(value)
    return fmt(value)


def _wrong_line(path: str, meaning: str | None, got: object, want: object) -> str:
    if isinstance(want, list) and isinstance(got, list) and len(got) == len(want):
        at = next(i for i, (g, w) in enumerate(zip(got, want, strict=True)) if not _same(g, w))
        subject = f"{meaning}: " if meaning else ""
        return (
            f"{subject}{path}[{at}] is {_shown(got[at])}, should be {_shown(want[at])} "
            f"(the first of the {len(want)} that differs)."
        )
    if meaning and isinstance(want, bool) and isinstance(got, bool):
        return f"{meaning}; in your code it is not so."  # says itself what it should be
    subject = f"{meaning}: it is" if meaning else f"{path} is"
    return f"{subject} {_shown(got)}, should be {_shown(want)}."


def error_words(error: dict) -> str:
    """How a check's message names the error it raised: ``NameError: name 'dat' is not
    defined (mygrad/engine.py, line 14: self.data = dat)``. A screen that shows the
    error's place on a line of its own can put its own words in their stead."""
    kind, text = str(error.get("kind", "Exception")), str(error.get("message", ""))
    return (f"{kind}: {text}" if text else kind) + _where(error)


def _where(error: dict) -> str:
    if error.get("file") and error.get("line"):
        code = f": {error['code']}" if error.get("code") else ""
        return f" ({error['file']}, line {error['line']}{code})"
    return ""


def judge_check(check: Check, seen: dict | None) -> CheckFailure | None:
    """None when ``seen`` (the child's observation of ``check``) is right, else why not."""
    number, code = check.exercise, check.code
    if seen is None:
        text = "This check did not run."
        return CheckFailure(number, check.id, code, text, text)
    error = seen.get("error")
    if isinstance(error, dict):
        return _error_failure(check, seen, error)
    problems = seen.get("observe_errors") or {}
    if problems:
        path, problem = next(iter(problems.items()))
        return _error_failure(check, seen, problem, reading=path)
    want = expected(check.id).values
    got = seen.get("values") or {}
    wrong = [(path, got.get(path), value) for path, value in want.items()]
    wrong = [(path, g, w) for path, g, w in wrong if not _same(g, w)]
    if not wrong:
        return None
    lines = [_wrong_line(path, check.say.get(path), g, w) for path, g, w in wrong]
    comparison = None
    if check.graph is not None and seen.get("graph") is not None:
        wanted = expected(check.id)
        comparison = compare_graphs(seen["graph"], wanted.graph, wanted.nodes)
    mistake = find_mistake(seen)
    parts = [mistake.message] if mistake else []
    parts.append("\n".join(lines))
    parts.append("In this check:\n" + _indent(code))
    if comparison is not None and comparison.explanation:
        parts.append(comparison.explanation)
    summary = mistake.title if mistake else lines[0]
    return CheckFailure(
        number,
        check.id,
        code,
        summary,
        "\n\n".join(parts),
        mistake=mistake.id if mistake else None,
        comparison=comparison,
    )


def _error_failure(check: Check, seen: dict, error: dict, reading: str | None = None):
    kind, text = str(error.get("kind", "Exception")), str(error.get("message", ""))
    code = check.code
    stub = _NOT_WRITTEN.match(text) if kind == "NotImplementedError" else None
    if stub:
        which = int(stub.group(1))
        at = f"{error['file']}, line {error['line']}" if error.get("file") else "your code"
        if which == check.exercise:
            summary = "not written yet"
            message = (
                f"Not written yet: {at} still raises NotImplementedError({text!r}). "
                "Replace that line with your code."
            )
        else:
            summary = f"needs exercise {which}, not written yet"
            message = (
                f"This check needs exercise {which}'s code: {at} still raises "
                f"NotImplementedError({text!r})."
            )
        return CheckFailure(
            check.exercise, check.id, code, summary, message, error=error, not_written=True
        )
    mistake = find_mistake(seen)
    said = f"{kind}: {text}" if text else kind
    raised = f"raised {error_words(error)}."
    if reading is not None:
        headline = f"Reading {reading} {raised}"
    elif error.get("check_line"):
        headline = f"Running `{error['check_line']}` {raised}"
    else:
        headline = f"This check {raised}"
    parts = [mistake.message] if mistake else []
    parts += [headline, "In this check:\n" + _indent(code)]
    return CheckFailure(
        check.exercise,
        check.id,
        code,
        mistake.title if mistake else said,
        "\n\n".join(parts),
        mistake=mistake.id if mistake else None,
        error=error,
    )


def _indent(code: str) -> str:
    return "\n".join("    " + line for line in code.splitlines())


def judge_exercise(number: int, seen: list[dict] | None) -> ExerciseResult:
    """Exercise ``number``'s verdict from the child's observations of its checks."""
    by_id = {s.get("id"): s for s in seen or [] if isinstance(s, dict)}
    for check in checks_for(number):
        failure = judge_check(check, by_id.get(check.id))
        if failure is not None:
            return ExerciseResult(number, False, failure)
    return ExerciseResult(number, True)


def judge(
    observed: Mapping[int, list],
    upto: int = PROBED,
    *,
    stopped: str = "",
    error: dict | None = None,
) -> tuple[ExerciseResult, ...]:
    """Exercises 1..upto in order, up to the first failure. ``stopped`` is why the run
    ended early (the runner's sentence): it is the failure of the first exercise that
    has no observations."""
    results = []
    for number in range(1, upto + 1):
        if number not in observed:
            text = stopped or "The check stopped before this exercise."
            summary = text.splitlines()[0]
            failure = CheckFailure(number, "", "", summary, text, error=error)
            results.append(ExerciseResult(number, False, failure))
            break
        result = judge_exercise(number, observed[number])
        results.append(result)
        if not result.passed:
            break
    return tuple(results)


def check_workspace(
    workspace: Path,
    upto: int = LAST,
    *,
    limits=None,
    cancel: threading.Event | None = None,
    on_output: Callable[[str], None] | None = None,
    on_result: Callable[[ExerciseResult], None] | None = None,
) -> Report:
    """Check exercises 1..upto of the learner's ``mygrad`` in ``workspace``, in a child.

    Blocks (call it from a worker thread). ``on_result`` gets each exercise's verdict as
    soon as the child has observed it, in order, stopping at the first failure. Past
    :data:`PROBED`, once every exercise before passes, the milestone's training run
    (``lessons.workbench.milestone``) gives the last verdict.
    """
    from lessons.workbench.runner import DEFAULT_LIMITS, run_probe

    if not 1 <= upto <= LAST:
        raise ValueError(f"exercises are numbered 1 to {LAST}, not {upto}")
    observed: dict[int, list] = {}
    told: list[ExerciseResult] = []
    probed = min(upto, PROBED)

    def take(event: dict) -> None:
        number, seen = event.get("exercise"), event.get("checks")
        if not isinstance(number, int) or not isinstance(seen, list):
            return
        observed[number] = seen
        if on_result is None or (told and not told[-1].passed):
            return
        while len(told) + 1 in observed and (not told or told[-1].passed):
            told.append(judge_exercise(len(told) + 1, observed[len(told) + 1]))
            on_result(told[-1])

    done = run_probe(
        Path(workspace),
        "exercises",
        args={"upto": probed},
        limits=limits or DEFAULT_LIMITS,
        cancel=cancel,
        on_output=on_output,
        on_event=take,
    )
    if done.status == "refused":
        return Report(upto, (), runner_status="refused", refused=done.message)
    if done.status == "ok":
        found = (done.result or {}).get("exercises", {})
        observed.update({int(k): v for k, v in found.items() if str(k).isdigit()})
        stopped = ""
    else:
        stopped = _stopped(done, observed)
    error = None
    if done.error is not None:
        e = done.error
        error = {"kind": e.kind, "message": e.message, "file": e.file, "line": e.line}
        error["code"] = e.code
    results = judge(observed, probed, stopped=stopped, error=error)
    if on_result is not None:
        for result in results[len(told) :]:
            on_result(result)
    seconds = done.seconds
    passed = len(results) == PROBED and all(r.passed for r in results)
    if upto > PROBED and passed and not (cancel is not None and cancel.is_set()):
        results, seconds = _milestone(workspace, results, seconds, cancel, on_result)
    return Report(upto, results, done.output, seconds, done.status, observed=observed)


def _milestone(workspace, results, seconds, cancel, on_result):
    """``results`` with the milestone's verdict after them, and the seconds it took."""
    import time

    from lessons.workbench.milestone import check_milestone

    began = time.monotonic()
    result = milestone_result(check_milestone(Path(workspace), cancel=cancel))
    if on_result is not None:
        on_result(result)
    return (*results, result), seconds + time.monotonic() - began


def _stopped(done, observed: Mapping[int, list]) -> str:
    message = done.message or f"The check ended with status {done.status}."
    if done.status == "error" and not observed:
        return f"Your mygrad could not be imported. {message}"
    return message


def milestone_result(verdict) -> ExerciseResult:
    """The milestone's ``EngineVerdict`` (``lessons.workbench.milestone``) as the
    course's other exercises give theirs."""
    from lessons.workbench.milestone import CHECK_ID, CODE, MILESTONE, failure_words

    if verdict.passed:
        return ExerciseResult(MILESTONE, True, note=verdict.message)
    summary, message = failure_words(verdict)
    return ExerciseResult(
        MILESTONE, False, CheckFailure(MILESTONE, CHECK_ID, CODE, summary, message)
    )
