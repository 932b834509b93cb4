"""A STAND-IN for the "Build micrograd" course core, until ``lessons.workbench`` is merged.

TO BE REPLACED by branch ``workbench`` (exercises, workspace, checks, mistake
catalogue, graph comparison) and ``workbench-runner`` (the child process). It gives
the workbench screen five real exercises through the interface in
``tutor.workbench_session`` so that the screen can be built, tested and used now:

* the exercises are data: prose, hints, the stub section and the solution;
* a check runs ``tutor/workbench_probe.py`` in its own Python (``-I -B``, its own
  process group, a wall-clock timeout, output capped), which imports the learner's
  ``mygrad.engine`` and answers with JSON in a file, never on stdout;
* the learner's graph comes back as a snapshot; the correct grads are worked out
  here with the tutor's engine, and the nodes that differ are named.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from tutor.workbench_session import (
    OUTPUT_CAP,
    ErrorPlace,
    Exercise,
    Verdict,
    replace_section,
    snapshot_children,
    snapshot_graph,
)

__all__ = ["StandInChecker", "StandInCourse", "stub_file"]

ENGINE_FILE = "mygrad/engine.py"
TIMEOUT_SECONDS = 10.0
PROBE = Path(__file__).with_name("workbench_probe.py")

_HEADER = '''"""My micrograd: a Value that remembers how it was made.

Each exercise fills in the part between its two markers. Keep the
markers: the tutor finds the exercises by them, and a reset puts
back just that part.
"""

import math


class Value:
'''

_STUBS = {
    1: """    # >>> exercise 1: a value holds a number
    def __init__(self, data, _children=(), _op="", label=""):
        # TODO: keep data; a grad of 0.0; the children as a set in
        # self._prev; the op; the label; and self._backward, a
        # function that does nothing (a leaf passes nothing back).
        pass

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"
    # <<< exercise 1
""",
    2: """    # >>> exercise 2: adding and multiplying
    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            # TODO: pass out.grad back to self and other,
            # by the local rule of +
            pass

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        # TODO: the product, its children, its op and _backward
        raise NotImplementedError("__mul__")
    # <<< exercise 2
""",
    3: """    # >>> exercise 3: tanh
    def tanh(self):
        # TODO: t = (e^(2x) - 1) / (e^(2x) + 1); out is a Value of t
        # with self as its child and op "tanh"; its _backward uses
        # d tanh(x)/dx = 1 - t**2
        raise NotImplementedError("tanh")
    # <<< exercise 3
""",
    4: """    # >>> exercise 4: backward
    def backward(self):
        # TODO: put every node in a topological order (each after
        # its children), set self.grad = 1.0, then call each node's
        # _backward in reverse order
        raise NotImplementedError("backward")
    # <<< exercise 4
""",
    5: """    # >>> exercise 5: numbers on either side, and minus
    def __radd__(self, other):  # 2 + a
        raise NotImplementedError("__radd__")

    def __rmul__(self, other):  # 2 * a
        raise NotImplementedError("__rmul__")

    def __neg__(self):  # -a is a * -1
        raise NotImplementedError("__neg__")

    def __sub__(self, other):  # a - b is a + (-b)
        raise NotImplementedError("__sub__")
    # <<< exercise 5
""",
}

_SOLUTIONS = {
    1: """    # >>> exercise 1: a value holds a number
    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0
        self._prev = set(_children)
        self._op = _op
        self.label = label
        self._backward = lambda: None

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"
    # <<< exercise 1
""",
    2: """    # >>> exercise 2: adding and multiplying
    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            # += not =: a node used twice gets a grad from each use
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out
    # <<< exercise 2
""",
    3: """    # >>> exercise 3: tanh
    def tanh(self):
        x = self.data
        t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out
    # <<< exercise 3
""",
    4: """    # >>> exercise 4: backward
    def backward(self):
        topo = []
        visited = set()

        def build(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)

        build(self)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
    # <<< exercise 4
""",
    5: """    # >>> exercise 5: numbers on either side, and minus
    def __radd__(self, other):  # 2 + a
        return self + other

    def __rmul__(self, other):  # 2 * a
        return self * other

    def __neg__(self):  # -a is a * -1
        return self * -1

    def __sub__(self, other):  # a - b is a + (-b)
        return self + (-other)
    # <<< exercise 5
""",
}

_EXERCISES = (
    (
        1,
        "value",
        "A Value holds a number",
        """\
A `Value` wraps one number, `data`, and will learn the **gradient** of the
output with respect to it, `grad` (0.0 until a backward pass says otherwise).

It also remembers how it was made: its children in `_prev` (a set), the op
that made it in `_op` (`"+"`, `"*"`…), a `label` for drawing, and
`_backward`, a function that passes the grad back to the children. A leaf
has no children, so its `_backward` does nothing.

Fill in `__init__` in `mygrad/engine.py`. The check makes `Value(2.0)` and
reads every field.""",
        (
            "Every field is one line in `__init__`: `self.data = data`, and so on.",
            "`self._prev = set(_children)`; `self._backward = lambda: None`.",
        ),
    ),
    (
        2,
        "add-mul",
        "Adding and multiplying",
        """\
`a + b` makes a new Value whose children are `a` and `b` and whose op is
`"+"`. Its `_backward` is the **local rule** times the grad that arrived:

* for `out = a + b`: ∂out/∂a = 1, ∂out/∂b = 1;
* for `out = a * b`: ∂out/∂a = b, ∂out/∂b = a.

Write both `_backward`s. The check builds the lecture's
`L = (a*b + c) * f` with a = 2, b = −3, c = 10, f = −2, and runs your
`_backward`s by hand from L back.""",
        (
            "In `_backward` of `+`, each child gets `1.0 * out.grad`.",
            "In `*`, `self` gets `other.data * out.grad` and `other` gets `self.data * out.grad`.",
            "Think ahead: if `a` is used twice, should its second grad replace the first?",
        ),
    ),
    (
        3,
        "tanh",
        "tanh, a squashing function",
        """\
A neuron squashes its sum with tanh: t = (e^(2x) − 1) / (e^(2x) + 1), and
its local rule is d tanh(x)/dx = 1 − t².

Write `tanh`. The check builds the lecture's neuron
o = tanh(x1·w1 + x2·w2 + b) with x1 = 2, x2 = 0, w1 = −3, w2 = 1,
b = 6.8813735870195432: o = 0.7071 and do/dn = 0.5.""",
        (
            "Work out t with `math.exp`, then `out = Value(t, (self,), 'tanh')`.",
            "`self.grad += (1 - t**2) * out.grad`.",
        ),
    ),
    (
        4,
        "backward",
        "backward(): the whole pass",
        """\
`backward()` runs every `_backward` in the right order: a node may pass
its grad back only once every node that uses it has passed theirs. That is
the reverse of a **topological order** (each node after its children).

Write `backward`: build the order, seed `self.grad = 1.0`, then call
`_backward` on each node from the output back. The check runs
`L.backward()` on the lecture's L: grads L 1, f 4, d −2, c −2, e −2, a 6, b −4.""",
        (
            "A depth-first walk: visit the children first, then append the node.",
            "Seed the output with `self.grad = 1.0` before the loop over `reversed(topo)`.",
        ),
    ),
    (
        5,
        "reuse",
        "Numbers on either side, and reuse",
        """\
`2 * a` asks the number `2` first, which does not know Values; Python then
asks `a.__rmul__(2)`. Subtraction is addition of a negation: a − b = a + (−b),
and −a = a · (−1).

These make graphs where one node is used **more than once**: in `b = a + a`,
`a` gets a grad from each use, so a.grad = 2. The check runs the lecture's
`a = 1; b = a + a; c = b + b` (a.grad = 4) and `x - 2 * x`.""",
        (
            "Each is one line over the ops you have: `return self * other`, …",
            "If a.grad comes out 1 for `a + a`, look at exercise 2: `=` or `+=`?",
        ),
    ),
)


def stub_file() -> str:
    """The whole stub ``mygrad/engine.py``: every exercise's section, unsolved."""
    return _HEADER + "\n".join(_STUBS[n] for n in sorted(_STUBS))


def solved_file(upto: int = 5) -> str:
    """The file with the first ``upto`` exercises solved (for tests and demos)."""
    sections = [_SOLUTIONS[n] if n <= upto else _STUBS[n] for n in sorted(_STUBS)]
    return _HEADER + "\n".join(sections)


class StandInCourse:
    title = "Build micrograd"

    def __init__(self) -> None:
        self.exercises: Sequence[Exercise] = tuple(
            Exercise(
                number=number,
                id=slug,
                title=title,
                prose=prose,
                file=ENGINE_FILE,
                hints=hints,
                stub=_STUBS[number],
                solution=_SOLUTIONS[number],
            )
            for number, slug, title, prose, hints in _EXERCISES
        )

    def init_workspace(self, workspace: Path) -> list[Path]:
        written = []
        for relative, text in ((ENGINE_FILE, stub_file()), ("mygrad/__init__.py", "")):
            path = workspace / relative
            if path.exists():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8") as handle:
                handle.write(text)
            written.append(path)
        return written

    def reset_text(self, exercise: Exercise, text: str) -> tuple[str, bool]:
        """The file's text with this exercise's section back to the stub, and whether
        only that section changed (False: the markers were gone, so the whole file)."""
        section = replace_section(text, exercise.number, exercise.stub)
        if section is not None:
            return section, True
        return stub_file(), False

    def checker(self) -> StandInChecker:
        return StandInChecker()


class StandInChecker:
    """Runs the probe in a child process; ``cancel`` or the timeout ends it at once."""

    def __init__(self, timeout: float = TIMEOUT_SECONDS, python: str | None = None) -> None:
        self.timeout = timeout
        self.python = python or sys.executable

    def check(self, workspace: Path, exercise: Exercise, cancel: threading.Event) -> Verdict:
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="workbench-check-") as folder:
            result_path = Path(folder) / "result.json"
            output_path = Path(folder) / "output.txt"
            with open(output_path, "wb") as output:
                try:
                    process = subprocess.Popen(
                        [
                            self.python,
                            "-I",
                            "-B",
                            str(PROBE),
                            str(workspace),
                            str(exercise.number),
                            str(result_path),
                        ],
                        stdin=subprocess.DEVNULL,
                        stdout=output,
                        stderr=subprocess.STDOUT,
                        cwd=workspace,
                        start_new_session=True,
                    )
                except OSError as error:
                    return Verdict(False, f"The check could not start Python: {error}")
                ended = self._wait(process, cancel, started)
            seconds = time.monotonic() - started
            printed = _capped(output_path)
            if ended == "cancelled":
                return Verdict(False, "Check cancelled.", cancelled=True, seconds=seconds)
            if ended == "timeout":
                return Verdict(
                    False,
                    f"Your code was still running after {self.timeout:.0f} s, so the check "
                    "stopped it.",
                    mistake="a loop that never ends",
                    explanation=(
                        "Something in your code loops forever: a while loop whose condition "
                        "never changes, or backward walking a graph without remembering "
                        "which nodes it has visited."
                    ),
                    output=printed,
                    timed_out=True,
                    seconds=seconds,
                )
            try:
                result = json.loads(result_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return Verdict(
                    False,
                    f"Your code ended the check before it could answer (exit code "
                    f"{process.returncode}).",
                    explanation="Does your file call sys.exit() or os._exit()?",
                    output=printed,
                    seconds=seconds,
                )
        return judge(result, printed, seconds)

    def _wait(self, process: subprocess.Popen, cancel: threading.Event, started: float) -> str:
        while True:
            try:
                process.wait(timeout=0.05)
                return "done"
            except subprocess.TimeoutExpired:
                pass
            if cancel.is_set():
                _kill(process)
                return "cancelled"
            if time.monotonic() - started > self.timeout:
                _kill(process)
                return "timeout"


def _kill(process: subprocess.Popen) -> None:
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=2)


def _capped(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read(OUTPUT_CAP + 1)
    except OSError:
        return ""
    text = data.decode("utf-8", errors="replace")
    if len(text) > OUTPUT_CAP:
        text = text[:OUTPUT_CAP] + "\n… (more output not shown)"
    return text


# -- judging what the probe found --------------------------------------------------------


def judge(result: Mapping, printed: str, seconds: float) -> Verdict:
    """The probe's answer, with the graph compared against the correct engine's."""
    graph = result.get("graph")
    differing: frozenset = frozenset()
    expected: dict = {}
    if isinstance(graph, Mapping) and result.get("compare_grads"):
        try:
            differing, expected = compare(graph)
        except ValueError:
            graph = None
    status = result.get("status")
    error = result.get("error")
    if status == "error" and isinstance(error, Mapping):
        place = ErrorPlace(
            kind=str(error.get("kind") or "Error"),
            message=str(error.get("message") or ""),
            file=error.get("file"),
            line=error.get("line"),
            code=error.get("code"),
        )
        mistake, explanation = _name_error(place)
        return Verdict(
            False,
            "Your code raised an error.",
            mistake=mistake,
            explanation=explanation,
            error=place,
            output=printed,
            graph=graph,
            differing=differing,
            expected_grads=expected,
            seconds=seconds,
        )
    if status == "pass" and not differing:
        return Verdict(
            True,
            str(result.get("message") or "Passed."),
            output=printed,
            graph=graph,
            seconds=seconds,
        )
    message = str(result.get("message") or "Not yet.")
    mistake, explanation = _name_mistake(graph, differing, expected) if differing else (None, "")
    if status == "pass":
        message = "The numbers the check asked for are right, but some grads in your graph are not."
    return Verdict(
        False,
        message,
        mistake=mistake,
        explanation=explanation,
        output=printed,
        graph=graph,
        differing=differing,
        expected_grads=expected,
        seconds=seconds,
    )


def compare(graph: Mapping) -> tuple[frozenset, dict]:
    """Ids of the nodes whose grad differs from a correct backward pass over the same
    graph, and their correct grads. Nothing differs when the graph cannot be replayed
    (an op the tutor does not know)."""
    from lessons.explain import BackpropStepper, Graph
    from lessons.explain.nodes import CannotReplayError

    _, learners = snapshot_graph(graph)
    twin, twins = snapshot_graph(graph)
    try:
        BackpropStepper(Graph(twin)).run_all()
    except (CannotReplayError, ArithmeticError):
        return frozenset(), {}
    differing, expected = set(), {}
    for key, node in learners.items():
        want = twins[key].grad
        got = node.grad
        if got is None or not math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9):
            differing.add(key)
            expected[key] = want
    return frozenset(differing), expected


def _uses(graph: Mapping) -> dict[int, int]:
    uses: dict[int, int] = {}
    for node in graph.get("nodes", ()):
        for child in snapshot_children(node):
            uses[child] = uses.get(child, 0) + 1
    return uses


def _name_mistake(graph: Mapping, differing: frozenset, expected: Mapping) -> tuple[str, str]:
    nodes = {node["id"]: node for node in graph["nodes"]}
    uses = _uses(graph)
    root = nodes[graph["root"]]
    if graph["root"] in differing and float(root.get("grad") or 0) == 0:
        return (
            "the output's grad was never seeded",
            "backward() must start with self.grad = 1.0: dL/dL is 1, and every other "
            "grad is a multiple of it.",
        )
    reused = [key for key in differing if uses.get(key, 0) > 1]
    if reused:
        names = sorted(_name(nodes[key]) for key in reused)
        subject = (
            f"{names[0]} is" if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]} are"
        )
        return (
            "grads overwritten: = instead of +=",
            f"{subject} used more than once, and got the grad of one use only. "
            "In your _backward functions, each use must add its share: "
            "self.grad += …, not self.grad = ….",
        )
    key = min(differing)
    node = nodes[key]
    return (
        f"a wrong grad at {_name(node)}",
        f"{_name(node)}.grad is {node.get('grad')}, but the chain rule gives "
        f"{expected[key]:.6g}. Look at the local rule of the op that uses it.",
    )


def _name(node: Mapping) -> str:
    return str(node.get("label") or node.get("op") or node.get("id"))


def _name_error(place: ErrorPlace) -> tuple[str | None, str]:
    if place.kind == "NotImplementedError":
        return (
            "not written yet",
            f"{place.message or 'This part'} still raises NotImplementedError: replace the "
            "TODO and the raise with your code.",
        )
    if place.kind == "AttributeError" and "'Value' object has no attribute" in place.message:
        return (
            "a field missing from __init__",
            "A Value is missing one of its fields: __init__ must set data, grad, _prev, "
            "_op, label and _backward.",
        )
    if place.kind == "RecursionError":
        return (
            "endless recursion",
            "A function calls itself without end: does your topological sort remember "
            "which nodes it has visited?",
        )
    if place.kind in ("SyntaxError", "IndentationError"):
        return ("Python cannot read the file", "Fix the line shown; the rest is checked after.")
    return None, ""
