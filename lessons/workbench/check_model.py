"""What a check of "Build micrograd" is, as data: ``Check``, and how checks are registered.

The checks themselves are ``lessons.workbench.scenarios`` (exercises 1-11, and all of
them as ``CHECKS``) and ``lessons.workbench.scenarios_nn`` (12 on). Standard library
only: this is loaded in the child too.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Check", "registrar"]


@dataclass(frozen=True)
class Check:
    id: str
    exercise: int
    build: Callable[[Any], dict]
    observe: tuple[str, ...]
    expect: Mapping[str, object] | None = None  # None: the tutor's engine gives the answers
    engine: Callable[[Any], dict] | None = None  # the same graph, for engine.Value
    graph: str | None = None  # the name of the output whose graph is compared node by node
    say: Mapping[str, str] = field(default_factory=dict)  # what a wrong observation means
    nn: bool = False  # build takes the mygrad.nn module (exercises 12 on), not Value

    @property
    def code(self) -> str:
        """The check's body as the learner reads it (no ``def`` line, no ``return``)."""
        lines = inspect.getsource(self.build).splitlines()
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("def "))
        body = [line for line in lines[start + 1 :] if line.strip() != "return locals()"]
        return textwrap.dedent("\n".join(body)).strip()

    @property
    def first_line(self) -> int:
        """The line number, in this file, of the body's first line (to place errors)."""
        lines, start = inspect.getsourcelines(self.build)
        offset = next(i for i, line in enumerate(lines) if line.lstrip().startswith("def "))
        return start + offset + 1


def registrar(checks: list[Check], *, nn: bool = False) -> Callable:
    """A decorator factory: ``@check(exercise, *observe, ...)`` above a ``build``
    function makes it a Check (its id the function's name, ``_`` as ``-``) and adds it
    to ``checks``. ``nn``: its build takes the learner's ``mygrad.nn`` (12 on)."""

    def check(
        exercise: int,
        *observe: str,
        expect: Mapping[str, object] | None = None,
        engine: Callable | None = None,
        graph: str | None = None,
        say: Mapping[str, str] | None = None,
    ) -> Callable:
        def register(build: Callable) -> Callable:
            name = build.__name__.replace("_", "-")
            made = Check(name, exercise, build, observe, expect, engine, graph, say or {}, nn)
            checks.append(made)
            return build

        return register

    return check
