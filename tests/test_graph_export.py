"""A shared tutor's exports (serve): the learner's own folder, a few at most, none
huge, never through a link, and in a browser offered for download."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lessons import default_curriculum
from lessons.progress import ProgressStore
from tutor.app import TutorApp
from tutor.graph_export import (
    EXPORT_MAX_BYTES,
    EXPORTS_FOLDER,
    EXPORTS_KEPT,
    ExportTooLarge,
    save_learner_export,
)

LECTURE = "a = 2.0; b = -3.0; c = 10.0; e = a*b; d = e + c; f = -2.0; L = d*f"
STYLESHEET = Path(__file__).resolve().parent.parent / "tutor" / "tutor.tcss"


def names(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


def test_exports_are_numbered_on_and_only_the_last_few_are_kept(tmp_path):
    for press in range(1, EXPORTS_KEPT + 4):
        dot, svg = save_learner_export(tmp_path, f"digraph {press}", f"<svg>{press}</svg>")
        assert (dot.name, svg.name) == (f"graph-{press}.dot", f"graph-{press}.svg")
    folder = tmp_path / EXPORTS_FOLDER
    kept = range(4, EXPORTS_KEPT + 4)
    assert names(folder) == sorted(f"graph-{n}.{k}" for n in kept for k in ("dot", "svg"))
    assert (
        folder / f"graph-{EXPORTS_KEPT + 3}.svg"
    ).read_text() == f"<svg>{EXPORTS_KEPT + 3}</svg>"


def test_an_export_larger_than_the_bound_writes_nothing(tmp_path):
    with pytest.raises(ExportTooLarge, match="MB"):
        save_learner_export(tmp_path, "digraph {}", "x" * (EXPORT_MAX_BYTES + 1))
    assert not (tmp_path / EXPORTS_FOLDER).exists()


def test_an_export_never_goes_through_a_link(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    (home / EXPORTS_FOLDER).symlink_to(elsewhere)
    with pytest.raises(OSError, match="not a folder of its own"):
        save_learner_export(home, "digraph {}", "<svg/>")
    (home / EXPORTS_FOLDER).unlink()
    (home / EXPORTS_FOLDER).mkdir()
    (home / EXPORTS_FOLDER / "graph-2.svg").symlink_to(elsewhere / "planted.svg")
    (home / EXPORTS_FOLDER / "graph-1.dot").write_text("")
    _, svg = save_learner_export(home, "digraph {}", "<svg/>")
    assert svg.name == "graph-3.svg" and names(elsewhere) == []


class BrowserTab(TutorApp):
    """The tutor as serve runs it in a browser tab: shared, and ``is_web``; what it
    delivers and says is recorded."""

    CSS_PATH = STYLESHEET
    is_web = True  # type: ignore[assignment]

    def __init__(self, home: Path) -> None:
        super().__init__(
            ProgressStore(home), default_curriculum(), playground=LECTURE, ask_learner=True
        )
        self.delivered: list[tuple[Path, str | None]] = []
        self.notes: list[str] = []

    def deliver_text(self, path_or_file, **options) -> str | None:  # type: ignore[override]
        self.delivered.append((Path(path_or_file), options.get("mime_type")))
        return "key"

    def notify(self, message: str, **options) -> None:
        self.notes.append(message)
        super().notify(message, **options)


async def test_in_a_browser_an_export_goes_to_the_learners_folder_and_is_delivered(home):
    app = BrowserTab(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.learn_as("ada")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
    folder = home / "learners" / "ada" / EXPORTS_FOLDER
    assert names(folder) == ["graph-1.dot", "graph-1.svg"]
    assert app.delivered == [
        (folder / "graph-1.svg", "image/svg+xml"),
        (folder / "graph-1.dot", "text/vnd.graphviz"),
    ]
    assert any("your browser downloads them" in note for note in app.notes)
    # Nothing in the current folder (the server's, under serve; the test's, here).
    assert not any(name.startswith("graph-") for name in os.listdir(Path.cwd()))
