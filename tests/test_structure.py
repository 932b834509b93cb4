"""How the packages hang together, read from the source with ``ast``, not by importing it.

* No import cycle among the modules of engine, lessons and tutor, counting the
  imports inside functions (a lazy import still closes a cycle, it only hides it
  until run time). Imports under ``if TYPE_CHECKING:`` never run and do not count.
* Imports go one way: tutor may import lessons and engine, lessons may import
  engine, engine imports neither.
* Screens do not reach into the app: what they show comes down to them, what they
  want goes up as a message (``tutor.messages``).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("engine", "lessons", "tutor")
LAYER = {"engine": 0, "lessons": 1, "tutor": 2}


def _modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _type_checking_only(tree: ast.AST) -> set[int]:
    """The ids of every node under an ``if TYPE_CHECKING:``."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                skipped.update(id(inner) for inner in ast.walk(node))
    return skipped


def import_graph() -> dict[str, set[str]]:
    """module -> the project modules it imports, anywhere in its body."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skipped = _type_checking_only(tree)
        found: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name in modules)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    # `from lessons import checks` imports the submodule lessons.checks.
                    submodule = f"{node.module}.{alias.name}"
                    if submodule in modules:
                        found.add(submodule)
                    elif node.module in modules:
                        found.add(node.module)
        graph[name] = found - {name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules around it, or None when there is none."""
    state: dict[str, str] = {}  # "open" while on the path, "done" after
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        path.append(module)
        for imported in sorted(graph[module]):
            if state.get(imported) == "open":
                return [*path[path.index(imported) :], imported]
            if imported not in state:
                found = visit(imported)
                if found:
                    return found
        path.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state:
            found = visit(module)
            if found:
                return found
    return None


def test_the_graph_sees_lazy_imports():
    graph = import_graph()
    assert "tutor.screens.help" in graph["tutor.app"]  # imported inside action_help
    assert "lessons.content" in graph["lessons.registry"]  # imported inside _load
    assert "lessons.functions" in graph["lessons.model"]  # Slope's, inside its methods
    assert "lessons.checks" not in graph["lessons.model"]


def test_there_is_no_import_cycle_even_through_imports_inside_functions():
    graph = import_graph()
    cycle = _cycle(graph)
    assert cycle is None, " -> ".join(cycle)


def test_imports_go_from_tutor_to_lessons_to_engine_only():
    upward = [
        f"{module} -> {imported}"
        for module, imports in import_graph().items()
        for imported in imports
        if LAYER[imported.split(".")[0]] > LAYER[module.split(".")[0]]
    ]
    assert upward == []


def _app_attributes() -> set[str]:
    """Names TutorApp defines itself: its methods, and what its __init__ sets."""
    tree = ast.parse((ROOT / "tutor" / "app.py").read_text(encoding="utf-8"))
    app = next(
        node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "TutorApp"
    )
    names = {
        node.name
        for node in app.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and not node.name.startswith("__")
    }
    for node in ast.walk(app):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
        ):
            names.add(node.attr)
    # Textual's own, which TutorApp overrides: a screen may use them as any app's.
    return names - {"get_key_display", "format_title", "get_line_filters", "action_quit"}


def test_screens_do_not_reach_into_the_app():
    """``self.app.<something TutorApp defines>`` in a screen is reaching in."""
    domain = _app_attributes()
    assert {"progress", "curriculum", "open_lesson", "show_lessons"} <= domain
    reaching = []
    for path in sorted((ROOT / "tutor" / "screens").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "app"
                and node.attr in domain
            ):
                reaching.append(f"{path.name}:{node.lineno} app.{node.attr}")
    assert reaching == []
