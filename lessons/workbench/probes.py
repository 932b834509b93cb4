"""The child side of "Build micrograd": runs the checks on the learner's ``Value``.

The checks of exercises 12 on (``check.nn``) get the learner's ``mygrad.nn`` module
instead, imported when the first of them runs: until then ``nn.py`` may hold anything.

``lessons.workbench.runner.run_probe`` starts a child Python that imports this module and
calls ``run(probe, args)``; nothing here runs in the tutor's own process (except
:func:`snapshot`, which the tutor also uses on its own engine's graphs). It reports what
it *saw* -- numbers, strings, the learner's exceptions, graph snapshots -- and never
judges: ``lessons.workbench.checks`` does that, in the tutor.

Probes:

``run("exercises", {"upto": N})``
    Runs every check of exercises 1..N. Returns ``{"exercises": {"1": [...], ...}}``, a
    list of check observations per exercise, and sends each exercise's list as an event
    as soon as it is done, so a later exercise that hangs does not hide the earlier ones.

``run("graph", {"check": ID})``
    One check's observation, with its graph snapshot (for the graph explorer).

A check observation::

    {"id": "reuse-add",
     "values": {"a.grad": 1.0, ...},          # what check.observe asked for, JSON-able
     "observe_errors": {"b.grad": {...}},     # when reading one of them raised
     "error": {"kind", "message", "file", "line", "code", "check_line"},  # it raised
     "graph": {"format": 1, "root": 0, "nodes": [...]}}                 # when check.graph

Standard library only, and no recursion: the learner's graphs may be deep.
"""

from __future__ import annotations

import math
import sys
import traceback
from pathlib import Path

from lessons.workbench.scenarios import CHECKS, Check, checks_for

__all__ = ["MAX_NODES", "jsonable", "observe", "run", "snapshot", "snapshot_nodes"]

MAX_NODES = 5000  # a snapshot of a larger graph is not taken (None)
_TEXT_CAP = 200
_LIST_CAP = 100


def run(probe: str, args: dict) -> dict:
    # Imported here, in the child, with the workspace first on sys.path. An error in the
    # learner's files escapes, and the runner reports it at its file and line.
    from mygrad.engine import Value

    root = _workspace_of(Value)
    if probe == "exercises":
        from lessons.workbench.child import emit

        upto = int(args.get("upto", max(c.exercise for c in CHECKS)))
        found: dict[str, list[dict]] = {}
        for number in range(1, upto + 1):
            seen = [observe(check, Value, root) for check in checks_for(number)]
            found[str(number)] = seen
            emit({"exercise": number, "checks": seen})
        return {"exercises": found}
    if probe == "graph":
        check = next((c for c in CHECKS if c.id == args.get("check")), None)
        if check is None:
            raise ValueError(f"no check called {args.get('check')!r}")
        return observe(check, Value, root)
    raise ValueError(f"no probe called {probe!r}")


def observe(check: Check, Value: type, workspace: Path | None = None) -> dict:
    """Run one check on ``Value`` (or, for ``check.nn``, on the learner's ``mygrad.nn``)
    and report what happened (never raises for its errors)."""
    seen: dict = {"id": check.id}
    try:
        names = check.build(_learners_nn() if check.nn else Value)
    except MemoryError:
        raise
    except Exception as error:  # the learner's code may raise anything
        seen["error"] = describe(error, check, workspace)
        return seen
    values, problems = {}, {}
    for path in check.observe:
        try:
            values[path] = jsonable(_lookup(names, path))
        except MemoryError:
            raise
        except Exception as error:
            problems[path] = describe(error, check, workspace)
    seen["values"] = values
    if problems:
        seen["observe_errors"] = problems
    if check.graph is not None:
        _label_by_name(names, Value)
        seen["graph"] = snapshot(names.get(check.graph))
    return seen


def _learners_nn() -> object:
    import importlib

    return importlib.import_module("mygrad.nn")


def _lookup(names: dict, path: str) -> object:
    first, *attributes = path.split(".")
    value = names[first]
    for attribute in attributes:
        value = getattr(value, attribute)
    return value


def _label_by_name(names: dict, Value: type) -> None:
    """Give every unlabelled Value the name of its variable, so graphs can be matched."""
    for name, value in names.items():
        if isinstance(value, Value) and not name.startswith("_"):
            try:
                if not getattr(value, "label", ""):
                    value.label = name
            except Exception:  # a Value with __slots__ and no label: matched by structure
                pass


def jsonable(value: object) -> object:
    """A JSON-able stand-in: ints as ints and other numbers as floats (NaN and inf kept),
    short text, a short list of plain numbers as a list of floats (a loss curve), or a
    type."""
    if value is None or isinstance(value, bool):
        return value
    if type(value) is int and abs(value) <= 2**53:
        return value  # a count stays a count: 8, not 8.0
    if type(value) in (int, float):
        try:
            return float(value)
        except OverflowError:
            pass
    if (
        type(value) in (list, tuple)
        and len(value) <= _LIST_CAP
        and all(type(x) in (int, float) for x in value)
    ):
        try:
            return [float(x) for x in value]
        except OverflowError:
            pass
    if type(value) is str:
        return value[:_TEXT_CAP]
    return {"type": type(value).__name__, "repr": _safe_repr(value)}


def _safe_repr(value: object) -> str:
    try:
        text = repr(value)
    except Exception as error:
        return f"<repr raised {type(error).__name__}>"
    return text[:_TEXT_CAP] if isinstance(text, str) else "<repr returned no text>"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or type(value) not in (int, float):
        return None
    try:
        return float(value)
    except OverflowError:
        return math.copysign(math.inf, value)


def describe(error: BaseException, check: Check | None = None, workspace: Path | None = None):
    """The learner's exception as data: where in their files, and at which check line."""
    frames = traceback.extract_tb(error.__traceback__)
    error.__traceback__ = None  # its frames hold the learner's locals
    found: dict = {
        "kind": type(error).__name__,
        "message": _text_of(error)[:2000],
        "file": None,
        "line": None,
        "code": None,
        "check_line": None,
    }
    root = workspace.resolve() if workspace is not None else None
    for frame in frames:
        if check is not None and frame.name == check.build.__name__ and _ours(frame, check):
            index = frame.lineno - check.first_line
            body = check.code.splitlines()
            if 0 <= index < len(body):
                found["check_line"] = body[index].strip()
        elif root is not None and frame.filename:
            try:
                relative = Path(frame.filename).resolve().relative_to(root)
            except ValueError:
                continue
            found["file"] = relative.as_posix()
            found["line"] = frame.lineno
            found["code"] = (frame.line or "").strip()[:300] or None
    if isinstance(error, SyntaxError) and root is not None and error.filename:
        try:
            found["file"] = Path(error.filename).resolve().relative_to(root).as_posix()
            found["line"] = error.lineno
        except ValueError:
            pass
    return found


def _ours(frame: traceback.FrameSummary, check: Check) -> bool:
    return frame.filename == check.build.__code__.co_filename


def _text_of(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:
        return f"<{type(error).__name__} whose message could not be shown>"


def _workspace_of(Value: type) -> Path | None:
    module = sys.modules.get(getattr(Value, "__module__", ""), None)
    filename = getattr(module, "__file__", None)
    return Path(filename).resolve().parent.parent if filename else None


# -- graph snapshots -------------------------------------------------------------------


def snapshot(root: object, max_nodes: int = MAX_NODES) -> dict | None:
    """The graph ending at ``root`` in the explorer's snapshot format, or None.

    ``{"format": 1, "root": 0, "nodes": [{"id", "data", "grad", "op", "label",
    "children"}, ...]}``: ids in breadth-first order from the root, ``children`` in the
    order ``_prev`` gives them, ``data``/``grad`` as floats or None when not numbers, and
    ``"exponent"`` for an op named like ``**2``. None when ``root`` is None or the graph has
    more than ``max_nodes`` nodes.
    """
    found = snapshot_nodes(root, max_nodes)
    return found[0] if found is not None else None


def snapshot_nodes(root: object, max_nodes: int = MAX_NODES) -> tuple[dict, list] | None:
    """``snapshot`` and the node objects in id order (the tutor reads its engine's ones)."""
    if root is None:
        return None
    order = [root]  # holding every node keeps its id() from being reused meanwhile
    ids = {id(root): 0}
    nodes = []
    for node in order:
        children = []
        for child in _children(node):
            key = id(child)
            if key not in ids:
                if len(order) >= max_nodes:
                    return None
                ids[key] = len(order)
                order.append(child)
            children.append(ids[key])
        op = _short_text(getattr(node, "_op", ""), 40)
        entry = {
            "id": len(nodes),
            "data": _number(getattr(node, "data", None)),
            "grad": _number(getattr(node, "grad", None)),
            "op": op,
            "label": _short_text(getattr(node, "label", ""), 100),
            "children": children,
        }
        exponent = _exponent(op)
        if exponent is not None:
            entry["exponent"] = exponent
        nodes.append(entry)
    return {"format": 1, "root": 0, "nodes": nodes}, order


def _children(node: object) -> list:
    try:
        prev = node._prev
        return list(prev) if prev is not None else []
    except Exception:
        return []


def _short_text(value: object, cap: int) -> str:
    return value[:cap] if isinstance(value, str) else _safe_repr(value)[:cap]


def _exponent(op: str) -> float | None:
    if not op.startswith("**"):
        return None
    try:
        return float(op[2:])
    except ValueError:
        return None
