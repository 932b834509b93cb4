"""``micrograd-tutor workbench``: the "Build micrograd" course from a terminal, no app.

    micrograd-tutor workbench              where the workspace is, and what to do next
    micrograd-tutor workbench init         write the stub files (never over existing ones)
    micrograd-tutor workbench verify       check every exercise in order, stop at the first
                                           that fails, and say why
    ... --dir DIR                          a workspace anywhere (default: the learner's)

Exit codes: 0 done (verify: every exercise passes), 1 an exercise fails, 2 bad usage
(no workspace to verify, an unknown option). ``tutor.cli`` adds the subcommand with
``add_arguments`` and calls ``run``; ``python -m lessons.workbench.cli`` works alone.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from lessons.progress import ProgressStore, learner_home
from lessons.workbench.checks import LAST, ExerciseResult, check_workspace
from lessons.workbench.exercises import EXERCISES, get_exercise
from lessons.workbench.progress import next_exercise, passed_exercises, record_report
from lessons.workbench.workspace import (
    default_workspace,
    init_workspace,
    refresh_stubs,
    workspace_status,
)

__all__ = ["ACTIONS", "add_arguments", "main", "run"]

ACTIONS = ("init", "verify")
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PROG = "micrograd-tutor"
_OUTPUT_LINES = 20  # of the learner's own prints, shown after a failure


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        nargs="?",
        choices=ACTIONS,
        metavar="ACTION",
        help="init: write the stub files; verify: check every exercise "
        "(no action: where the workspace is and what to do next)",
    )
    parser.add_argument(
        "--dir",
        metavar="DIR",
        type=Path,
        help="the workspace folder (default: 'workbench' in the learner's progress folder)",
    )


def run(
    action: str | None,
    directory: Path | None = None,
    *,
    learner: str | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Do ``action`` (None, "init" or "verify") on the workspace; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    chosen = directory is not None
    workspace = Path(directory).expanduser() if chosen else default_workspace(learner)
    command = _command(learner, workspace if chosen else None)
    if action == "init":
        return _init(workspace, command, out, err)
    if action == "verify":
        return _verify(workspace, learner, command, out, err)
    if action is None:
        return _status(workspace, learner, command, out, err)
    print(f"{PROG} workbench: error: unknown action {action!r} (init or verify)", file=err)
    return EXIT_USAGE


def _command(learner: str | None, directory: Path | None):
    """How to run an action on this workspace, as the learner would type it."""
    words = [PROG]
    if learner is not None:
        words += ["--learner", learner]
    words.append("workbench")

    def command(action: str) -> str:
        where = ["--dir", str(directory)] if directory is not None else []
        return shlex.join([*words, action, *where])

    return command


def _init(workspace: Path, command, out: TextIO, err: TextIO) -> int:
    try:
        written = init_workspace(workspace)
        refreshed = refresh_stubs(workspace)
    except OSError as error:
        reason = error.strerror or str(error)
        print(f"{PROG} workbench: error: cannot write {workspace} ({reason})", file=err)
        return EXIT_USAGE
    say = _printer(out)
    say(f"Your workspace is {workspace}")
    for name in workspace_status(workspace).files:
        done = (workspace / name) in written
        if name in refreshed:
            say(f"  wrote {name} (it was an older course's note, never edited)")
            continue
        say(f"  {'wrote' if done else 'kept '} {name}" + ("" if done else " (it exists already)"))
    say("Open mygrad/engine.py there and start with exercise 1, Value.")
    say(f"Check your work with: {command('verify')}")
    return EXIT_OK


def _verify(workspace: Path, learner: str | None, command, out: TextIO, err: TextIO):
    status = workspace_status(workspace)
    if not status.ready:
        what = "no workspace" if not status.exists else f"no {', '.join(status.missing)}"
        print(
            f"{PROG} workbench: error: {what} at {workspace}; make one with: {command('init')}",
            file=err,
        )
        return EXIT_USAGE
    say = _printer(out)
    _refresh(workspace, say, err)
    yes, no = _marks(out)

    def tell(result: ExerciseResult) -> None:
        title = get_exercise(result.number).title
        if result.passed:
            say(f"{yes} {result.number} {title}")
            return
        failure = result.failure
        say(f"{no} {result.number} {title}: {failure.summary}")
        message = failure.message
        if message == failure.summary or message.startswith(failure.summary + "\n"):
            message = message[len(failure.summary) :].lstrip("\n")  # said on the line above
        for line in message.splitlines():
            say(f"    {line}" if line else "")
        code = (failure.error or {}).get("code")
        if code and code not in failure.message:  # the line of theirs that raised
            say(f"    {failure.error['line']} | {code}" if failure.error.get("line") else code)

    report = check_workspace(workspace, LAST, on_result=tell)
    if not report.passed and report.output.strip():
        lines = report.output.rstrip().splitlines()
        say("")
        say("Your code printed:")
        for line in lines[:_OUTPUT_LINES]:
            say(f"    {line}")
        if len(lines) > _OUTPUT_LINES:
            say(f"    ... ({len(lines) - _OUTPUT_LINES} more lines)")
    store = _store(learner)
    record_report(store, report)
    _notice(store, err)
    count = len(report.passed_numbers)
    say("")
    if report.passed:
        say(f"All {LAST} exercises pass: your own micrograd backpropagates, and it learns.")
        return EXIT_OK
    failed = report.failure.number
    say(f"{count} of {LAST} exercises pass. Fix exercise {failed}, save, and run again:")
    say(f"    {command('verify')}")
    return EXIT_FAILED


def _status(workspace: Path, learner: str | None, command, out: TextIO, err: TextIO):
    say = _printer(out)
    status = workspace_status(workspace)
    if not status.exists:
        say(f"No workspace yet at {workspace}.")
        say(f"Make one with: {command('init')}")
        return EXIT_OK
    store = _store(learner)
    _notice(store, err)
    passed = sorted(passed_exercises(store))
    say(f"Your workspace: {workspace}")
    _refresh(workspace, say, err)
    if status.missing:
        say(f"  missing: {', '.join(status.missing)} (init writes them)")
    say(f"Passed: {_ranges(passed) if passed else 'none yet'} (of {LAST}, at the last verify)")
    number = next_exercise(store)
    if number is None:
        say("Every exercise has passed. Run verify to check it still does.")
    else:
        exercise = get_exercise(number)
        task = " ".join(exercise.task.split())
        say(f"Next: exercise {number}, {exercise.title}, in {exercise.file}.")
        say(f"  {task}")
    say(f"Check your work with: {command('verify')}")
    return EXIT_OK


def _refresh(workspace: Path, say, err: TextIO) -> None:
    """An older course's stub, never edited, becomes today's (``refresh_stubs``)."""
    try:
        refreshed = refresh_stubs(workspace)
    except OSError as error:
        print(f"{PROG} workbench: could not update the stubs ({error})", file=err)
        return
    for name in refreshed:
        exercises = _exercises_in(name)
        say(f"Updated {name}: it still held the older course's note, never edited; now it has")
        say(f"  the stubs of exercises {exercises}.")


def _exercises_in(name: str) -> str:
    numbers = [e.number for e in EXERCISES if e.file == name]
    return _ranges(numbers) if numbers else "to come"


def _ranges(numbers: list[int]) -> str:
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _store(learner: str | None) -> ProgressStore:
    return ProgressStore(learner_home(learner) if learner is not None else None)


def _notice(store: ProgressStore, err: TextIO) -> None:
    notice = store.take_notice()
    if notice:
        print(notice, file=err)


def _marks(out: TextIO) -> tuple[str, str]:
    encoding = getattr(out, "encoding", None) or "ascii"
    try:
        "✓✗".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return "PASS", "FAIL"
    return "✓", "✗"


def _printer(out: TextIO):
    """print(), but what the stream cannot encode becomes '?' instead of an error."""
    encoding = getattr(out, "encoding", None) or "ascii"

    def say(text: str) -> None:
        try:
            text.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            text = text.encode("ascii", "replace").decode("ascii")
        print(text, file=out, flush=True)

    return say


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"{PROG} workbench", description=__doc__.split("\n")[0])
    add_arguments(parser)
    parser.add_argument("--learner", metavar="NAME", help="this learner's workspace and progress")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    return run(args.action, args.dir, learner=args.learner)


if __name__ == "__main__":
    sys.exit(main())
