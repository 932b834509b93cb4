"""A shared tutor runs learner code only inside bubblewrap, and refuses it without (#14).

The tests that need the sandbox use the ``sandboxed`` fixture, which skips them with the
self-test's reason where bwrap is missing or user namespaces are refused; the fail-closed
path uses fake bwraps (a missing one, one that is refused, one that isolates nothing),
so it is tested everywhere.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from workbench_helpers import make_workspace

from lessons.progress import learner_home
from lessons.workbench import DEFAULT_LIMITS, Limits, check_workspace, runner, sandbox
from lessons.workbench.checks import LAST
from lessons.workbench.child_run import ChildRun
from lessons.workbench.workspace import REFERENCE, default_workspace

PROBES = "tests.workbench_probes_for_tests"

# Learner A's code: everything it tries that only the sandbox stops (the child's audit
# hook does not look at reads, listings or FIFOs), and what it must still be able to do.
PRYING = """\
import os, resource

def pry():
    seen = dict()

    def attempt(name, action):
        try:
            action()
            seen[name] = "done"
        except OSError as error:
            seen[name] = type(error).__name__

    def read(path):
        with open(path, "rb") as file:
            file.read()

    attempt("read_b_engine", lambda: read({b_engine!r}))
    attempt("read_b_progress", lambda: read({b_progress!r}))
    attempt("read_a_progress", lambda: read({a_progress!r}))
    attempt("fifo_in_b", lambda: os.mkfifo({b_fifo!r}))
    attempt("fifo_beside", lambda: os.mkfifo({beside_fifo!r}))
    attempt("fifo_in_project", lambda: os.mkfifo({project_fifo!r}))
    attempt("fifo_in_tmp", lambda: os.mkfifo("/tmp/fifo"))
    attempt("fifo_in_own", lambda: os.mkfifo("own.fifo"))
    with open("mine.txt", "w") as file:
        file.write("mine")
    seen["learners"] = sorted(os.listdir({learners!r}))
    seen["limits"] = [resource.getrlimit(getattr(resource, n))[0]
                      for n in ("RLIMIT_AS", "RLIMIT_NOFILE", "RLIMIT_FSIZE")]
    seen["cwd"] = os.getcwd()
    return seen
"""


def fake_bwrap(folder: Path, body: str) -> str:
    path = folder / "bwrap"
    path.write_text("#!/bin/sh\n" + textwrap.dedent(body), encoding="utf-8")
    path.chmod(0o755)
    return str(path)


# A "bwrap" that isolates nothing at all: it runs the command as it is.
PASS_THROUGH = """\
    if [ "$1" = "--version" ] || [ "$1" = "--help" ]; then echo "bubblewrap 9.9"; exit 0; fi
    while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do shift; done
    shift
    exec "$@"
"""

REFUSED = """\
    if [ "$1" = "--version" ]; then echo "bubblewrap 0.8.0"; exit 0; fi
    echo "bwrap: setting up uid map: Permission denied" >&2
    exit 1
"""


# -- fail closed, with or without bwrap here -----------------------------------------


def test_without_bwrap_learner_code_is_refused_and_the_reason_says_what_to_do(
    home, tmp_path, monkeypatch
):
    started: list[object] = []
    monkeypatch.setattr(runner, "ChildRun", lambda *a, **k: started.append(a))
    monkeypatch.setenv(sandbox.ENV_BWRAP, str(tmp_path / "no" / "bwrap"))
    runner.require_sandbox()
    first = runner.run_probe(make_workspace(tmp_path / "ws"), "value")
    assert first.status == "refused" and started == []
    assert "there is no bwrap at" in first.message and "apt install bubblewrap" in first.message
    assert "micrograd-tutor workbench" in first.message and "your own account" in first.message
    # Fail closed for the process: a bwrap that appears later changes nothing.
    monkeypatch.delenv(sandbox.ENV_BWRAP)
    sandbox.forget_status()
    assert runner.run_probe(tmp_path / "ws", "value").message == first.message
    assert runner.refused_because() == first.message and started == []


def test_refused_user_namespaces_are_named_with_what_the_teacher_can_do(home, tmp_path):
    state = sandbox.self_test(bwrap=fake_bwrap(tmp_path, REFUSED))
    assert not state.ready and state.version == "bubblewrap 0.8.0"
    assert state.problem.startswith("user namespaces are refused here")
    assert "uid map: Permission denied" in state.problem
    assert "unprivileged_userns_clone" in state.advice
    assert state.line().startswith("workbench sandbox: not available: user namespaces")


def test_a_sandbox_that_isolates_nothing_fails_its_self_test(home, tmp_path):
    """The self-test asks the sandbox, not the child's audit hook: a bwrap that runs the
    command unconfined must be caught writing, reading and connecting where it must not."""
    state = sandbox.self_test(bwrap=fake_bwrap(tmp_path, PASS_THROUGH))
    assert not state.ready
    assert state.problem.startswith("bubblewrap does not isolate here: the self-test wrote ")
    assert "more" in state.problem
    assert not list(home.glob(".sandbox-self-test-*")), "the throwaway classroom is removed"
    assert not list((sandbox.PROJECT_ROOT / "lessons").glob(".sandbox-self-test-*"))


def test_the_self_test_judges_every_kind_of_escape():
    answer = {
        "could_not_write": ["/ws/x"],
        "wrote": ["/home/t/x"],
        "read": ["/d/learners/bob/progress.json"],
        "listed": {"/home/t": [".ssh"]},
        "connected": ["127.0.0.1:4100"],
    }
    assert sandbox._failures(answer) == [
        "wrote /home/t/x",
        "read /d/learners/bob/progress.json",
        "listed /home/t (.ssh)",
        "connected to 127.0.0.1:4100",
        "could not write /ws/x",
    ]
    assert sandbox._failures({}) == []


def test_the_data_home_is_covered_when_a_bound_folder_holds_it():
    """A data home inside the project (a teacher's checkout) would be visible with it:
    it is covered by an empty folder, the workspace is put back on top, and the cover is
    made read-only once it is."""
    data_home = str(sandbox.PROJECT_ROOT / ".home")
    workspace = str(sandbox.PROJECT_ROOT / ".home" / "learners" / "ana" / "workbench")
    args = sandbox.bwrap_args(workspace, bwrap="bwrap", home=Path(data_home))
    pairs = list(itertools.pairwise(args))
    covered = pairs.index(("--tmpfs", data_home))
    assert pairs.index(("--ro-bind", str(sandbox.PROJECT_ROOT))) < covered
    assert covered < pairs.index(("--bind", workspace)) < pairs.index(("--remount-ro", data_home))
    assert args[-3:] == ["--chdir", workspace, "--"]
    for option in ("--unshare-all", "--die-with-parent", "--new-session", "--cap-drop"):
        assert option in args


def test_the_sandbox_is_given_only_what_python_needs(tmp_path):
    args = sandbox.bwrap_args(tmp_path / "ws", bwrap="bwrap", home=tmp_path / "home")
    bound = {args[i + 1] for i, a in enumerate(args) if a in ("--ro-bind", "--bind")}
    assert "/" not in bound and "/etc" not in bound and "/run" not in bound
    assert str(Path.home()) not in bound and str(tmp_path / "home") not in bound
    assert {"/usr", str(sandbox.PROJECT_ROOT), str(tmp_path / "ws")} <= bound


# -- inside the sandbox ---------------------------------------------------------------


def test_where_bwrap_can_make_namespaces_the_self_test_passes(_sandbox_here):
    """The sandbox tests skip where bwrap cannot run; but where it can, a failing
    self-test is our arguments' fault, and must not pass for a machine's limits."""
    bwrap = sandbox.find_bwrap()
    if bwrap is None:
        pytest.skip("bwrap is not installed here")
    plain = [bwrap, "--unshare-all", "--ro-bind", "/", "/", "--", sys.executable, "-c", "pass"]
    try:
        runs = subprocess.run(plain, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        runs = False
    if not runs:
        pytest.skip("bwrap cannot make namespaces here")
    assert _sandbox_here.ready, _sandbox_here.problem


def test_the_self_test_passes_here(sandboxed):
    assert sandboxed.line() == f"workbench sandbox: ready ({sandboxed.version})"
    assert sandboxed.version.startswith("bubblewrap ")


def test_learner_a_cannot_touch_learner_b_and_the_limits_still_bind(home, sandboxed):
    a, b = default_workspace("ana"), default_workspace("bob")
    make_workspace(a)
    make_workspace(b)
    for learner in (learner_home("ana"), learner_home("bob")):
        (learner / "progress.json").write_text("{}", encoding="utf-8")
    (a.parent / "beside").mkdir()
    b_before = sorted(p.name for p in b.rglob("*"))
    (a / "mygrad" / "pry.py").write_text(
        PRYING.format(
            b_engine=str(b / "mygrad" / "engine.py"),
            b_progress=str(b.parent / "progress.json"),
            a_progress=str(a.parent / "progress.json"),
            b_fifo=str(b / "b.fifo"),
            beside_fifo=str(a.parent / "beside" / "x.fifo"),
            project_fifo=str(sandbox.PROJECT_ROOT / f"x-{secrets.token_hex(4)}.fifo"),
            learners=str(a.parent.parent),
        ),
        encoding="utf-8",
    )
    runner.require_sandbox()
    done = runner.run_probe(
        a, "call", args={"module": "mygrad.pry", "function": "pry"}, probe_module=PROBES
    )
    assert done.status == "ok", done.message
    seen = done.result["returned"]
    for name in ("read_b_engine", "read_b_progress", "read_a_progress"):
        assert seen[name] == "FileNotFoundError", name  # not there at all
    for name in ("fifo_in_b", "fifo_beside", "fifo_in_project", "fifo_in_tmp"):
        # Not there (ENOENT) or read-only (EROFS); the audit hook, which does not look at
        # FIFOs, would have raised PermissionError.
        assert seen[name] in ("FileNotFoundError", "OSError"), name
    assert seen["fifo_in_own"] == "done" and (a / "mine.txt").read_text() == "mine"
    assert seen["learners"] == ["ana"]  # bob's folder is not there
    assert seen["limits"] == [
        DEFAULT_LIMITS.memory_bytes,
        DEFAULT_LIMITS.open_files,
        DEFAULT_LIMITS.file_bytes,
    ]
    assert seen["cwd"] == str(a.resolve())
    assert done.limits_applied
    assert sorted(p.name for p in b.rglob("*")) == b_before
    assert not list((a.parent / "beside").iterdir())
    assert not list(sandbox.PROJECT_ROOT.glob("x-*.fifo"))


def test_the_reference_solution_passes_every_check_inside_the_sandbox(
    home, tmp_path, sandboxed, monkeypatch
):
    wrapped: list[list[str]] = []
    real_wrap = sandbox.wrap

    def spy(argv, workspace, env, **options):
        command, inside = real_wrap(argv, workspace, env, **options)
        wrapped.append(command)
        return command, inside

    monkeypatch.setattr(sandbox, "wrap", spy)
    workspace = tmp_path / "ws"
    shutil.copytree(REFERENCE, workspace)
    runner.require_sandbox()
    report = check_workspace(workspace, upto=LAST)
    assert report.passed, report.failure
    # The checks run in one child; the milestone's training run in a second one.
    assert wrapped
    for command in wrapped:
        assert command[0] == sandbox.find_bwrap() and "--unshare-all" in command


def test_killing_the_group_ends_everything_in_the_sandbox(home, tmp_path, sandboxed):
    """Without the child's limits (our own command): its processes fork, sleep, and are
    all gone once the wall clock runs out."""
    marker = f"sandbox-kill-{secrets.token_hex(6)}"
    code = "import os, time\nfor _ in range(2):\n    os.fork()\ntime.sleep(60)"
    workspace = tmp_path / "ws"
    workspace.mkdir()
    argv, env = sandbox.wrap([sys.executable, "-c", code, marker], workspace, {"PATH": "/usr/bin"})
    run = ChildRun(
        argv,
        stdin=b"",
        cwd=workspace,
        env=env,
        result_fds=None,
        limits=Limits(wall_seconds=1.0),
        cancel=None,
        on_output=None,
        on_line=None,
    )
    run.wait()
    assert run.ended == "timeout"
    deadline = time.monotonic() + 5.0
    while (left := _running_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert left == []


def _running_with(marker: str) -> list[int]:
    """Processes alive (not zombies) whose command line holds ``marker``."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            cmdline = Path(entry.path, "cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmdline:
            found.append(int(entry.name))
    return found


def test_the_result_channel_crosses_into_the_sandbox(home, tmp_path, sandboxed):
    """The check's answer comes back on a pass_fds pipe, with events before it."""
    workspace = make_workspace(tmp_path / "ws")
    events: list[dict] = []
    runner.require_sandbox()
    done = runner.run_probe(
        workspace, "events", args={"steps": 3}, probe_module=PROBES, on_event=events.append
    )
    assert done.status == "ok" and done.result == {"steps": 3}
    assert json.loads(json.dumps(events)) == [
        {"step": 0, "loss": 1.0},
        {"step": 1, "loss": 0.5},
        {"step": 2, "loss": 1 / 3},
    ]
