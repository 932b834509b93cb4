"""Probes for the runner's tests; they run in the child, never in the test process.

The misbehaviour lives in the learner's files that each test writes into its workspace,
so the errors the runner reports point at "their" code, as they will in the course.
"""

import importlib

from lessons.workbench.child import emit


def run(probe: str, args: dict) -> dict:
    if probe == "value":
        from mygrad.engine import Value

        a, b = Value(args["a"]), Value(args["b"])
        c = a * b + a
        c.backward()
        return {"data": c.data, "grad_a": a.grad, "grad_b": b.grad}
    if probe == "call":
        module = importlib.import_module(args.get("module", "mygrad.engine"))
        returned = getattr(module, args["function"])()
        return {"returned": returned}
    if probe == "events":
        for step in range(args["steps"]):
            emit({"step": step, "loss": 1.0 / (step + 1)})
        return {"steps": args["steps"]}
    if probe == "not_a_dict":
        return [1, 2, 3]
    if probe == "not_json":
        return {"value": object()}
    raise ValueError(f"no probe called {probe!r}")
