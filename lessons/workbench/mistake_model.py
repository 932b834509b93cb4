"""What a known mistake looks like: a ``Sign`` is the observation of one check that gives
it away, a ``Mistake`` the words the learner is told when one of its signs matches.

A sign's ``when`` maps each observed value (``"a.grad"``) to the number it takes under
the mistake, and a few keys to more than a value: ``"error"`` the kind of exception the
check raised, ``"error~"`` a piece of its message, ``"named-late"`` a NameError for a
name that the same line makes later, in a ``for``, and ``"root-op"``/``"root-op!"`` the
op of the output in the learner's graph is/is not this. The catalogue itself is in
``lessons.workbench.mistakes`` (the engine's exercises) and ``mistakes_nn`` (nn.py's).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from lessons.workbench.compare import close

__all__ = ["Mistake", "Sign"]


@dataclass(frozen=True)
class Sign:
    check: str
    when: Mapping[str, object]

    def matches(self, seen: dict) -> bool:
        if seen.get("id") != self.check:
            return False
        error = seen.get("error") or {}
        values = seen.get("values") or {}
        for key, want in self.when.items():
            if key == "error":
                if error.get("kind") != want:
                    return False
            elif key == "error~":
                if str(want) not in str(error.get("message", "")):
                    return False
            elif key == "named-late":
                if _named_late(error) != want:
                    return False
            elif key in ("root-op", "root-op!"):
                op = _root_op(seen)
                if op is None or (op == want) != (key == "root-op"):
                    return False
            elif key not in values:
                return False
            elif isinstance(want, float):
                if not close(values[key], want):
                    return False
            elif values[key] != want:
                return False
        return True


@dataclass(frozen=True)
class Mistake:
    id: str
    exercise: int  # where it first shows
    title: str
    signs: tuple[Sign, ...]
    message: str


def _named_late(error: Mapping) -> bool:
    """A NameError for a name that the learner's line binds after using it: the
    ``for`` clauses of a comprehension in the wrong order. A mistyped name is not."""
    said = re.fullmatch(r"name '(\w+)' is not defined", str(error.get("message", "")))
    if said is None:
        return False
    name, line = said.group(1), str(error.get("code") or "")
    bound = re.search(rf"\bfor\s+{name}\s+in\b", line)
    used = re.search(rf"\b{name}\b", line)
    return bound is not None and used is not None and used.start() < bound.start()


def _root_op(seen: Mapping) -> str | None:
    """The op of the output node of the learner's graph the check drew, if it drew one."""
    graph = seen.get("graph")
    if not isinstance(graph, Mapping):
        return None
    root = graph.get("root")
    node = next((n for n in graph.get("nodes") or () if n.get("id") == root), None)
    return str(node.get("op", "")) if isinstance(node, Mapping) else None
