"""Markdown for the lessons' words: Textual's widget, with one parser made once, and
the scroller it is read in."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from tutor.textual_compat import FocusRestylesSelf


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


class ProseScroll(FocusRestylesSelf, VerticalScroll):
    """The scroller a lesson's text is read in: ↑/↓ scroll it when it has focus.

    Taking or losing focus restyles the scroller alone: Textual would restyle every
    block of the text with it, and code blocks highlight their code again when
    restyled, a tenth of the CPU a step change took. Nothing inside is styled by the
    scroller's focus (no ``#prose:focus …`` rule in ``tutor.tcss``)."""
