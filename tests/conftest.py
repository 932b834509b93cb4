"""Shared test settings and fixtures.

Hypothesis: no per-example deadline (timing is never a unit-test concern here, and a
busy CI machine must not turn a slow example into a failure). HYPOTHESIS_PROFILE=ci
runs fewer examples.

``home``: an empty progress folder of the test's own. Every ``ProgressStore()`` made
without a folder uses it too (through ``$MICROGRAD_TUTOR_HOME``), and the test runs
in its temporary folder, so whatever the tutor writes beside itself (exports,
screenshots) lands there and never in the checkout.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, max_examples=25)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("MICROGRAD_TUTOR_HOME", str(folder))
    monkeypatch.chdir(tmp_path)
    return folder


@pytest.fixture(autouse=True)
def _learner_code_allowed(monkeypatch):
    """A shared tutor runs learner code only in the sandbox, or refuses it, for the rest
    of its process; the tests share processes, so each test starts with neither (and
    leaves it so), and the sandbox's self-test is run afresh when a test asks for it."""
    from lessons.workbench import runner, sandbox

    monkeypatch.setattr(runner, "_refusal", None)
    monkeypatch.setattr(runner, "_sandbox_required", False)
    monkeypatch.setattr(sandbox, "_status", None)


@pytest.fixture(autouse=True)
def _truecolour_terminal(monkeypatch):
    """Apps made in a test see a truecolour terminal, whatever TERM the machine has
    (the training lab shades its boundary by the terminal's colours: its snapshots
    must not depend on it). The 16-colour tests set their own."""
    monkeypatch.setenv("COLORTERM", "truecolor")


@pytest.fixture(scope="session")
def _sandbox_here(tmp_path_factory):
    """The sandbox's self-test on this machine, run once for the whole session."""
    from lessons.workbench import sandbox

    return sandbox.self_test(home=tmp_path_factory.mktemp("sandbox-home"))


@pytest.fixture
def sandboxed(_sandbox_here, monkeypatch):
    """For tests of learner code inside bubblewrap: skipped, with the self-test's reason,
    where the sandbox does not work (no bwrap, user namespaces refused). The session's
    self-test stands for this process's, so each test does not run it again."""
    from lessons.workbench import sandbox

    if not _sandbox_here.ready:
        pytest.skip(f"no workbench sandbox here: {_sandbox_here.problem}")
    monkeypatch.setattr(sandbox, "_status", _sandbox_here)
    return _sandbox_here


# -- the command line's tests (they ask for these by name) --


@pytest.fixture
def utf8_terminal(monkeypatch) -> None:
    """A UTF-8 locale, whatever the machine running the tests has: ASCII mode would
    otherwise come on by itself under LANG=C. The ASCII tests set their own."""
    for name in ("LC_ALL", "LC_CTYPE", "MICROGRAD_TUTOR_ASCII", "MICROGRAD_TUTOR_LOW_BANDWIDTH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def launched(monkeypatch) -> list:
    """Apps that main() would run; they are recorded instead, to be driven by Pilot."""
    from tutor.app import TutorApp

    apps: list[TutorApp] = []
    monkeypatch.setattr(TutorApp, "run", lambda self, *args, **kwargs: apps.append(self))
    return apps


@pytest.fixture
def quick_keys(monkeypatch) -> None:
    """Textual's pilot without its wait for an idle process after every key and
    ``pause()``: it waits until the process uses little CPU, or for 1 s at most, twice
    a key. A training lab keeps the process busy, so every key took 2 s. Whether a
    key was handled is still waited for (``pilot`` waits for the screen's messages)."""
    import textual.app
    import textual.pilot
    from textual._wait import wait_for_idle

    quick = functools.partial(wait_for_idle, max_sleep=0.05)
    monkeypatch.setattr(textual.app, "wait_for_idle", quick)
    monkeypatch.setattr(textual.pilot, "wait_for_idle", quick)


def pytest_configure(config) -> None:
    """Compile the project's modules once, as installing it would: many tests start
    child Pythons (the CLI, serve's tutors, the workbench's checks), and where
    ``PYTHONDONTWRITEBYTECODE`` is set (CI images often set it) none writes what it
    compiled, so each compiled the project again from source. Once per run, in the
    process that starts pytest-xdist's workers (``workerinput`` marks a worker)."""
    if hasattr(config, "workerinput"):
        return
    import compileall

    root = Path(__file__).resolve().parent.parent
    for package in ("engine", "lessons", "tutor"):
        compileall.compile_dir(root / package, quiet=1)
