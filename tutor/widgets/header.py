"""The header at the top of a screen, safe to lose while keys are still arriving."""

from __future__ import annotations

from tutor.textual_compat import TitleSafeHeader

__all__ = ["TutorHeader"]


class TutorHeader(TitleSafeHeader):
    """Textual's ``Header``: "micrograd-tutor — screen · details" (``TutorApp.format_title``).

    Its title is shown at once and never on a screen being closed; how, with
    Textual's internals, is in ``tutor.textual_compat``."""
