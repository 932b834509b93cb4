"""micrograd-tutor's terminal app.

``cli`` parses the command line and makes ``app.TutorApp``, which only moves
between screens: screens (``screens/``) and widgets (``widgets/``) are handed
what they show when they are made, and post messages (``messages``) that the
app answers. One stylesheet, ``tutor.tcss``. Every use of Textual's private
parts is in ``textual_compat``; every process-wide speed setting in
``performance``.

``TutorApp`` and ``main`` are imported on first use, so that ``--version`` or
``--list`` answer without loading Textual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["TutorApp", "main"]

if TYPE_CHECKING:
    from tutor.app import TutorApp
    from tutor.cli import main


def __getattr__(name: str) -> Any:
    if name == "TutorApp":
        from tutor.app import TutorApp

        return TutorApp
    if name == "main":
        from tutor.cli import main

        return main
    raise AttributeError(f"module 'tutor' has no attribute {name!r}")
