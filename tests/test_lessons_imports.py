"""The lessons package has no import cycle, counting the imports inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

LESSONS = Path(__file__).resolve().parent.parent / "lessons"


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The lessons modules ``path`` imports, anywhere in the file: `from lessons.expr import
    messages` imports the module lessons.expr.messages, `from lessons.expr import build` the
    package lessons.expr."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found & modules


def module_graph() -> dict[str, set[str]]:
    paths = {}
    for path in LESSONS.rglob("*.py"):
        parts = path.relative_to(LESSONS.parent).with_suffix("").parts
        paths[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return {name: imports_of(path, set(paths)) - {name} for name, path in paths.items()}


def test_no_module_of_lessons_imports_itself_through_others():
    graph = module_graph()
    # The package's front door imports what it re-exports, and every module of the package
    # runs it first; its own imports are the ones that count.
    graph.pop("lessons")
    for start in graph:
        seen, stack = set(), [start]
        while stack:
            for imported in graph.get(stack.pop(), ()):
                assert imported != start, f"{start} imports itself through {imported}"
                if imported not in seen:
                    seen.add(imported)
                    stack.append(imported)


def test_model_and_checks_share_the_function_helpers_without_a_cycle():
    graph = module_graph()
    assert "lessons.checks" not in graph["lessons.model"]
    assert "lessons.functions" in graph["lessons.model"]
    assert "lessons.functions" in graph["lessons.checks"]
