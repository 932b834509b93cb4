"""The child side of a stand-in workbench check (see ``tutor.workbench_standin``).

Run as ``python -I -B workbench_probe.py WORKSPACE EXERCISE RESULT``: imports the
learner's ``mygrad.engine`` from WORKSPACE, runs the exercise's probe, and writes its
answer as JSON to RESULT (never to stdout, which the learner's prints share).
Only the standard library is used, and it is imported before the workspace is on
``sys.path``. TO BE REPLACED by ``lessons/workbench/child.py`` (branch workbench-runner).
"""

import json
import linecache
import math
import os
import sys
import traceback

sys.setrecursionlimit(1000)


class NotYet(Exception):
    """The learner's code ran, but gave the wrong answer."""


def expect(condition, message):
    if not condition:
        raise NotYet(message)


def close(x, want):
    try:
        return math.isclose(float(x), want, rel_tol=1e-6, abs_tol=1e-9)
    except (TypeError, ValueError):
        return False


def snapshot(root):
    """The learner's graph as plain data, walked with a stack (no recursion)."""
    ids, order, stack = {}, [], [root]
    while stack:
        v = stack.pop()
        if id(v) in ids:
            continue
        ids[id(v)] = len(ids)
        order.append(v)
        children = list(getattr(v, "_prev", ()) or ())
        stack.extend(reversed(children))
    nodes = []
    for v in order:
        children = list(getattr(v, "_prev", ()) or ())
        nodes.append(
            {
                "id": ids[id(v)],
                "data": _number(getattr(v, "data", None)),
                "grad": _number(getattr(v, "grad", None)),
                "op": str(getattr(v, "_op", "") or ""),
                "label": str(getattr(v, "label", "") or ""),
                "children": [ids[id(c)] for c in children],
            }
        )
    return {"format": 1, "root": ids[id(root)], "nodes": nodes}


def _number(x):
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def by_hand(root):
    """Run the learner's _backward functions in a correct order, before they have a backward()."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        v, done = stack.pop()
        if done:
            order.append(v)
            continue
        if id(v) in seen:
            continue
        seen.add(id(v))
        stack.append((v, True))
        stack.extend((c, False) for c in v._prev)
    root.grad = 1.0
    for v in reversed(order):
        v._backward()


def lecture(Value):
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    f = Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L, {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "L": L}


LECTURE_GRADS = {"L": 1.0, "f": 4.0, "d": -2.0, "c": -2.0, "e": -2.0, "a": 6.0, "b": -4.0}


def probe_1(Value, shown):
    v = Value(2.0, label="x")
    shown.append(v)
    expect(close(v.data, 2.0), f"Value(2.0).data is {v.data!r}, not 2.0.")
    expect(v.grad == 0.0, f"a new Value's grad is {v.grad!r}; it should start at 0.0.")
    expect(len(v._prev) == 0, "a Value made from a number has no children, so _prev is empty.")
    expect(v._op == "", f"a leaf's _op is {v._op!r}; it should be ''.")
    expect(v.label == "x", "the label given to Value(2.0, label='x') is not kept.")
    v._backward()
    return "Value(2.0) has data 2.0, grad 0.0, no children and no op."


def probe_2(Value, shown):
    L, n = lecture(Value)
    shown.append(L)
    expect(close(n["e"].data, -6.0), f"a*b with a = 2, b = -3 gives {n['e'].data}, not -6.")
    expect(close(n["d"].data, 4.0), f"e + c gives {n['d'].data}, not 4.")
    expect(close(L.data, -8.0), f"L = d * f gives {L.data}, not -8.")
    expect(n["d"]._op == "+" and n["e"]._op == "*", "the ops should be '+' and '*'.")
    expect(set(n["d"]._prev) == {n["e"], n["c"]}, "d = e + c should have e and c as children.")
    by_hand(L)
    for name, want in LECTURE_GRADS.items():
        got = n[name].grad
        expect(close(got, want), f"after your _backward calls, {name}.grad is {got}, not {want}.")
    return "L = -8, and your local rules give every grad of the lecture."


def probe_3(Value, shown):
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    shown.append(o)
    expect(close(o.data, 0.7071067811865476), f"tanh(n) is {o.data}, not 0.7071.")
    expect(o._op == "tanh", f"the op of tanh should be 'tanh', not {o._op!r}.")
    by_hand(o)
    expect(close(n.grad, 0.5), f"do/dn is {n.grad}, but 1 - tanh(n)² = 0.5.")
    return "o = 0.7071 and do/dn = 0.5."


def probe_4(Value, shown):
    L, n = lecture(Value)
    shown.append(L)
    L.backward()
    expect(close(L.grad, 1.0), f"after L.backward(), L.grad is {L.grad}, not 1.0.")
    for name, want in LECTURE_GRADS.items():
        got = n[name].grad
        expect(close(got, want), f"after L.backward(), {name}.grad is {got}, not {want}.")
    return "L.backward() gives the lecture's grads: a 6, b -4, c -2, f 4."


def probe_5(Value, shown):
    a = Value(1.0, label="a")
    b = a + a
    b.label = "b"
    c = b + b
    c.label = "c"
    shown.append(c)
    c.backward()
    expect(close(a.grad, 4.0), f"in a = 1; b = a + a; c = b + b, a.grad is {a.grad}, not 4.")
    x = Value(3.0, label="x")
    y = 2 * x
    expect(close(y.data, 6.0), f"2 * x with x = 3 gives {y.data}, not 6.")
    z = 1 + x
    expect(close(z.data, 4.0), f"1 + x with x = 3 gives {z.data}, not 4.")
    m = x - 2 * x
    m.label = "m"
    shown[:] = [m]
    m.backward()
    expect(close(m.data, -3.0), f"x - 2*x with x = 3 gives {m.data}, not -3.")
    expect(close(x.grad, -1.0), f"in m = x - 2*x, x.grad is {x.grad}, not -1.")
    return "a.grad = 4 in the lecture's b = a + a, c = b + b; and x - 2*x gives x.grad = -1."


def describe(error, workspace):
    root = os.path.realpath(workspace)
    frames = [
        (frame.f_code.co_filename, line)
        for frame, line in traceback.walk_tb(error.__traceback__)
        if os.path.realpath(frame.f_code.co_filename).startswith(root + os.sep)
    ]
    file = line = code = None
    if isinstance(error, SyntaxError) and error.filename:
        full = os.path.realpath(error.filename)
        if full.startswith(root + os.sep):
            file, line = os.path.relpath(full, root), error.lineno
            code = (error.text or "").strip() or None
        message = error.msg or ""
    else:
        message = str(error)
        if frames:
            full, line = frames[-1]
            file = os.path.relpath(os.path.realpath(full), root)
            code = linecache.getline(full, line).strip() or None
    return {
        "kind": type(error).__name__,
        "message": message[:2000],
        "file": file.replace(os.sep, "/") if file else None,
        "line": line,
        "code": code[:300] if code else None,
    }


def main():
    workspace, number, result_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    probe = globals()[f"probe_{number}"]
    sys.path.insert(0, workspace)
    shown = []
    result = {}
    try:
        from mygrad.engine import Value

        result = {"status": "pass", "message": probe(Value, shown)}
    except NotYet as not_yet:
        result = {"status": "fail", "message": str(not_yet)}
    except BaseException as error:  # the learner's code may raise anything, SystemExit too
        result = {"status": "error", "error": describe(error, workspace)}
    if shown:
        try:
            graph = snapshot(shown[-1])
            if any(node["data"] is None for node in graph["nodes"]):
                raise ValueError("not a graph of numbers yet")
            result["graph"] = graph
            result["compare_grads"] = number > 1  # exercise 1 runs no backward pass
        except Exception:
            pass
    sys.stdout.flush()
    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    os._exit(0)


if __name__ == "__main__":
    main()
