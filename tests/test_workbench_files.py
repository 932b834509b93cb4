"""The workbench and the learner's files: changes on disk, another editor, unsaved edits
kept when the tutor quits (issue #13)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from textual.app import SuspendNotSupported
from workbench_screen_support import (
    ENGINE,
    SIZE,
    SOLVED,
    STUB,
    make_app,
    settle,
)

from lessons.progress import ProgressStore
from lessons.registry import default_curriculum
from tutor.app import TutorApp
from tutor.screens.dialogs import ChoiceDialog
from tutor.screens.workbench import WorkbenchScreen
from tutor.widgets import workbench_panels
from tutor.widgets.workbench_panels import CodeEditor


async def test_a_file_changed_on_disk_is_reloaded_and_checked(tmp_path):
    home = tmp_path / "home"
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        assert not screen.verdict.passed
        (home / "workbench" / ENGINE).write_text(SOLVED)  # another editor saved
        screen.poll_file()
        assert screen.query_one(CodeEditor).text == SOLVED
        screen = await settle(pilot)
        assert screen.verdict.passed


async def test_the_watch_timer_notices_a_change_by_itself(tmp_path):
    home = tmp_path / "home"
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        (home / "workbench" / ENGINE).write_text(SOLVED)
        await pilot.pause(1.0)  # two polls
        screen = await settle(pilot)
        assert screen.verdict.passed


async def test_a_change_on_disk_never_throws_away_unsaved_edits(tmp_path):
    home = tmp_path / "home"
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        await pilot.press("ctrl+t", *"# mine")
        mine = screen.query_one(CodeEditor).text
        (home / "workbench" / ENGINE).write_text(SOLVED)
        screen.poll_file()
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("l")  # load the disk's version
        await pilot.pause()
        assert screen.query_one(CodeEditor).text == SOLVED
        kept = list((home / "workbench" / "mygrad").glob("engine.py.unsaved-*"))
        assert len(kept) == 1 and kept[0].read_text() == mine
        await pilot.press("ctrl+z")  # and the reload itself can be undone
        assert screen.query_one(CodeEditor).text == mine


async def test_a_deleted_file_is_a_message_and_save_writes_it_back(tmp_path):
    home = tmp_path / "home"
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        path = home / "workbench" / ENGINE
        path.unlink()
        screen.poll_file()
        await pilot.pause()
        assert any("is gone" in n.message for n in app._notifications)
        await pilot.press("ctrl+t", "ctrl+s")
        await settle(pilot)
        assert path.read_text() == STUB


async def test_an_unwritable_file_is_a_message(tmp_path, monkeypatch):
    home = tmp_path / "home"
    app = make_app(home)

    def refuse(path, text):
        raise PermissionError(13, "Permission denied")

    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        monkeypatch.setattr("tutor.screens.workbench.save_text", refuse)
        await pilot.press("ctrl+t", "#", "ctrl+s")
        await pilot.pause()
        assert screen.dirty
        assert any("Could not save" in n.message for n in app._notifications)


async def test_external_editor_missing_or_not_suspendable(tmp_path, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = make_app(tmp_path / "home")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        assert any("No $EDITOR is set" in n.message for n in app._notifications)
        monkeypatch.setenv("EDITOR", "no-such-editor-anywhere --wait")
        await pilot.press("o")
        assert any("not a program found here" in n.message for n in app._notifications)
        monkeypatch.setenv("EDITOR", sys.executable)
        await pilot.press("o")  # the headless driver cannot suspend, like the web one
        assert any("cannot hand itself" in n.message for n in app._notifications)


async def test_external_editor_runs_and_its_save_is_checked(tmp_path, monkeypatch):
    import contextlib

    home = tmp_path / "home"
    script = tmp_path / "fake_editor.py"
    script.write_text(f"import sys\nopen(sys.argv[1], 'w').write({SOLVED!r})\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        screen = await settle(pilot)
        await pilot.press("o")
        screen = await settle(pilot)
        assert screen.query_one(CodeEditor).text == SOLVED
        assert screen.verdict.passed


def test_suspend_not_supported_is_textuals_public_exception():
    assert issubclass(SuspendNotSupported, Exception)


async def test_the_editor_falls_back_to_plain_text_without_tree_sitter(tmp_path, monkeypatch):
    assert workbench_panels.python_highlighting() == "python"
    monkeypatch.setitem(sys.modules, "tree_sitter_python", None)  # as if not installed
    assert workbench_panels.python_highlighting() is None
    app = make_app(tmp_path / "home")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        editor = screen.query_one(CodeEditor)
        assert editor.language is None
        assert "class Value" in editor.text


async def test_the_editor_falls_back_when_the_grammar_will_not_load(tmp_path, monkeypatch):
    from textual.widgets.text_area import LanguageDoesNotExist

    real = CodeEditor.code_editor.__func__

    def picky(cls, text="", *, language=None, **kwargs):
        if language is not None:
            raise LanguageDoesNotExist(language)
        return real(cls, text, language=language, **kwargs)

    monkeypatch.setattr(CodeEditor, "code_editor", classmethod(picky))
    editor = CodeEditor.for_python("x = 1\n")
    assert editor.language is None


def kept_unsaved(home: Path) -> list[Path]:
    return sorted((home / "workbench" / "mygrad").glob("engine.py.unsaved-*"))


async def test_quitting_keeps_unsaved_edits_and_the_next_start_says_where(tmp_path):
    home = tmp_path / "home"
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        await pilot.press("ctrl+t", *"# not saved yet")
        mine = screen.query_one(CodeEditor).text
        assert screen.dirty
        await pilot.press("ctrl+q")  # no question: a hang-up could not answer one
        await pilot.pause()
    assert app.return_code == 0
    kept = kept_unsaved(home)
    assert len(kept) == 1 and kept[0].read_text() == mine
    assert "# not saved yet" not in (home / "workbench" / ENGINE).read_text()

    again = make_app(home)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        told = [n.message for n in again._notifications if "unsaved edits" in n.message]
        assert len(told) == 1 and f"mygrad/{kept[0].name}" in told[0]
    assert "kept_unsaved" not in json.loads((home / "workbench.json").read_text())
    third = make_app(home)  # told once, not at every start
    async with third.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not any("unsaved edits" in n.message for n in third._notifications)


async def test_a_hang_up_keeps_unsaved_edits_once(tmp_path):
    import signal

    home = tmp_path / "home"
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        await pilot.press("ctrl+t", *"# typed when the line dropped")
        mine = screen.query_one(CodeEditor).text
        app.hang_up(signal.SIGTERM)
        await pilot.pause()
    kept = kept_unsaved(home)  # before the exit and at the unmount: one copy
    assert len(kept) == 1 and kept[0].read_text() == mine


async def test_quitting_with_everything_saved_keeps_nothing(tmp_path):
    home = tmp_path / "home"
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t", *"# saved", "ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert kept_unsaved(home) == []


async def test_leaving_without_saving_on_purpose_keeps_nothing(tmp_path):
    home = tmp_path / "home"
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t", *"# throw me away", "escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("d")
        await pilot.pause()
        assert not isinstance(app.screen, WorkbenchScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert kept_unsaved(home) == []


@pytest.mark.slow
async def test_leaving_with_unsaved_edits_asks(tmp_path):
    home = tmp_path / "home"
    app = TutorApp(ProgressStore(home), default_curriculum())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("ctrl+t", *"# keep me", "escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.screen, WorkbenchScreen)
        assert "# keep me" in (home / "workbench" / ENGINE).read_text()
