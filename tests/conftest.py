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
    """A shared tutor refuses learner code for the rest of its process; the tests share
    processes, so each test starts with the refusal lifted (and leaves it so)."""
    from lessons.workbench import runner

    monkeypatch.setattr(runner, "_refusal", None)
