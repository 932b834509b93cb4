"""Markdown for the lessons' words: Textual's widget, with one parser made once."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from textual.widgets import Markdown


@cache
def lesson_parser() -> MarkdownIt:
    """GitHub-flavoured, as Textual's own default, but without linkify.

    Linkify turns bare web addresses into links; the lessons have none, and its
    patterns took ~10 ms to compile on the first screen's first parse. Textual
    would also make a parser for every update of every Markdown widget: a
    parser holds only its rules, so one serves them all.
    """
    return MarkdownIt("gfm-like", {"linkify": False})


class LessonText(Markdown):
    """A lesson's prose, an exercise's prompt, feedback or hints."""

    def __init__(self, markdown: str | None = None, **kwargs: object) -> None:
        kwargs.setdefault("parser_factory", lesson_parser)
        super().__init__(markdown, **kwargs)  # type: ignore[arg-type]
