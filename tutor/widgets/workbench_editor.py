"""The workbench's editor on the learner's file, and the file on disk behind it.

:class:`LearnerFileEditor` is the code editor (``CodeEditor``: its keys, undo, Python
indentation) that also knows its file: what was last loaded or saved (so ``dirty``
says whether the learner has edits not yet on disk), a watch on the file that any
editor may change, copies kept beside it rather than ever throwing text away, and
the learner's own ``$EDITOR``. The screen decides when to check; the methods here
say whether something changed that needs one.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from textual import on
from textual.app import SuspendNotSupported
from textual.reactive import var
from textual.widgets import TextArea

from tutor.screens.dialogs import ChoiceDialog
from tutor.textual_compat import is_live
from tutor.widgets.workbench_panels import CodeEditor
from tutor.workbench_session import FileWatch, keep_text_aside, read_text

__all__ = ["LearnerFileEditor"]


class LearnerFileEditor(CodeEditor):
    """The code editor on one file of the learner's workspace."""

    dirty: var[bool] = var(False, init=False)
    """Whether the editor holds edits that are not saved."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.path: Path | None = None
        self.label = ""
        """The file as the learner knows it (``mygrad/engine.py``), for messages."""
        self.saved_text = ""
        """The text on disk, as last loaded or saved."""
        self._watch: FileWatch | None = None
        self._asking = False  # a dialog about the file is open: the poll waits for it
        self._kept_text: str | None = None  # the unsaved text last written aside
        self._command = ""  # $EDITOR as it was set
        self.discarding = False
        """The learner chose to leave without saving: nothing is kept aside."""

    # -- loading and saving

    def open_file(self, path: Path, label: str) -> None:
        """Load ``path`` (a message, and an empty editor, when it cannot be read)."""
        self.path, self.label = path, label
        self._watch = FileWatch(path)
        try:
            text = read_text(path)
        except OSError as error:
            text = ""
            self.notify(
                f"Cannot read {label}: {error.strerror or error}. x resets it to the stub.",
                severity="error",
                timeout=10,
                markup=False,
            )
        if self.text != text:
            self.load_text(text)
        self.saved_text = text
        self.dirty = False

    def is_saved(self, text: str) -> None:
        """``text`` is what the file on disk now holds (just saved or loaded)."""
        self.saved_text = text
        self.dirty = self.text != text
        if self._watch is not None:
            self._watch.remember()

    @on(TextArea.Changed)
    def _edited(self) -> None:
        self.dirty = self.text != self.saved_text

    def go_to_first(self, markers: tuple[str, ...]) -> None:
        """Put the cursor on the first line holding one of ``markers``, near the top."""
        for row, line in enumerate(self.text.splitlines()):
            if any(marker in line for marker in markers):
                self.cursor_location = (row, 0)
                # Once laid out, scroll so that line is near the top, what leads to it above.
                self.call_after_refresh(self._scroll_near_top, row)
                return

    def _scroll_near_top(self, row: int) -> None:
        # Soft-wrapped, the line's place on screen counts the wrapped lines above it.
        y = self.wrapped_document.location_to_offset((row, 0)).y if self.soft_wrap else row
        self.scroll_to(y=max(y - 3, 0), animate=False)

    # -- the file on disk

    def poll(self) -> bool:
        """Look at the file on disk; True when its content is new and wants a check.

        Reloads it when there are no unsaved edits; with some, asks which to keep,
        and either way nothing the learner typed is lost."""
        watch = self._watch
        if watch is None or self._asking or not is_live(self):
            return False
        if not watch.changed():
            return False
        if not watch.state.exists:
            self.notify(
                f"{self.label} is gone from the workspace. ctrl+s writes the "
                "editor's text back; x resets it to the stub.",
                severity="warning",
                timeout=10,
                markup=False,
            )
            self.saved_text = ""
            self.dirty = True
            return False
        try:
            text = read_text(watch.path)
        except OSError:
            return False  # it went again between the look and the read: the next poll sees it
        if not self.dirty:
            self.replace_all(text)
            self.saved_text = text
            self.dirty = False
            self.notify(f"{self.label} changed on disk: reloaded.", timeout=3)
            return True
        self._asking = True

        def answered(answer: str | None) -> None:
            self._asking = False
            if answer == "l":
                kept = self.keep_text_aside(self.text, "unsaved")
                self.replace_all(text)
                self.saved_text = text
                self.dirty = False
                if kept is not None:
                    self.notify(f"Your unsaved edits are kept in {kept.name}.", timeout=8)
            else:
                self.saved_text = text
                self.dirty = self.text != text

        self.app.push_screen(
            ChoiceDialog(
                "Changed on disk",
                f"{self.label} changed on disk while you had unsaved edits here.",
                [
                    ("l", "Load the file from disk (your edits are kept in a copy beside it)"),
                    ("k", "Keep editing your version (ctrl+s will save it over the disk's)"),
                ],
            ),
            answered,
        )
        return True  # the file on disk is what counts, whatever the answer

    def keep_text_aside(self, text: str, why: str) -> Path | None:
        """Write ``text`` beside the file as ``<name>.<why>-<time>``; None if that fails."""
        if self.path is None:
            return None
        try:
            return keep_text_aside(self.path, text, why)
        except OSError as error:
            self.notify(f"Could not keep a copy: {error}", severity="error", markup=False)
            return None

    def keep_unsaved(self, now) -> Path | None:
        """Write unsaved edits beside the file as ``<name>.unsaved-<time>``, silently
        (the tutor is closing); None when there are none, or they were written already,
        or they cannot be written."""
        if self.path is None or not self.dirty or self.discarding:
            return None
        text = self.text
        if text == self._kept_text:
            return None
        try:
            target = keep_text_aside(self.path, text, "unsaved", now)
        except OSError:
            return None  # nowhere to write: nothing more can be done while closing
        self._kept_text = text
        return target

    # -- the learner's own editor

    def external_command(self) -> list[str] | None:
        """``$VISUAL`` or ``$EDITOR`` as argv; None, with a message, when not usable."""
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ""
        try:
            argv = shlex.split(command)
        except ValueError:
            argv = []
        if not argv:
            self.notify(
                "No $EDITOR is set. Use the editor here, or set EDITOR (for example "
                "EDITOR=nano) before starting the tutor.",
                severity="warning",
                timeout=8,
                markup=False,
            )
            return None
        if shutil.which(argv[0]) is None:
            self.notify(
                f"$EDITOR is {command!r}, which is not a program found here.",
                severity="error",
                timeout=8,
                markup=False,
            )
            return None
        self._command = command
        return argv

    def run_external(self, argv: list[str]) -> bool:
        """Hand the terminal to ``argv`` on the file and wait; True once it has run."""
        try:
            with self.app.suspend():
                code = subprocess.call([*argv, str(self.path)])
        except SuspendNotSupported:
            self.notify(
                "This terminal cannot hand itself to another program (a browser cannot). "
                f"Edit here, or open {self.path} in another window: the tutor sees each save.",
                severity="warning",
                timeout=10,
                markup=False,
            )
            return False
        except OSError as error:
            self.notify(f"Could not run {self._command!r}: {error}", severity="error", markup=False)
            return False
        if code != 0:
            self.notify(f"{argv[0]} ended with exit code {code}.", severity="warning", markup=False)
        return True
