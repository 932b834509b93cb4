"""The tutor app as the tests make it: the whole curriculum, progress kept in ``home``."""

from __future__ import annotations

from pathlib import Path

from lessons.progress import ProgressStore
from lessons.registry import default_curriculum
from tutor.app import TutorApp


def make_app(home: Path, **options: object) -> TutorApp:
    """``TutorApp`` as ``micrograd-tutor`` makes it, with ``options`` as its flags would
    (``lesson="2"``, ``ascii_only=True``, ``ask_learner=True`` ...)."""
    return TutorApp(ProgressStore(home), default_curriculum(), **options)
