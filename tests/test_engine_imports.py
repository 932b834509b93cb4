"""engine is a library a learner could install alone: importing it pulls in no UI,
no scikit-learn, no NumPy (the tape imports it on its first replay), and none of the
tutor's own packages. Checked in a fresh interpreter,
where nothing else has imported them first."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = ("textual", "rich", "plotext", "sklearn", "numpy", "tutor", "lessons")

SCRIPT = """
import importlib, json, sys
imported, missing = [], []
for name in ("engine", "engine.ops", "engine.value", "engine.nn", "engine.train",
             "engine.data", "engine.losses", "engine.config", "engine.tape",
             "engine.tape_numpy", "engine.scoring", "engine.collector"):
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:  # the module exists but imports something that is missing
            raise
        missing.append(name)
    else:
        imported.append(name)
loaded = sorted({m.split(".")[0] for m in sys.modules})
print(json.dumps({"imported": imported, "missing": missing, "loaded": loaded}))
"""


def test_importing_the_engine_loads_no_ui_no_sklearn_and_no_numpy():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)
    assert {"engine", "engine.value", "engine.nn", "engine.tape"} <= set(report["imported"])
    assert [name for name in FORBIDDEN if name in report["loaded"]] == []


def test_every_public_name_of_the_engine_resolves_and_loads_on_first_use():
    """`from engine import X` works for every name in `__all__`, yet `import engine`
    alone loads only the autograd scalar and its op table (the rest costs start-up time)."""
    script = """
import json, sys
import engine
before = sorted(m for m in sys.modules if m.startswith("engine"))
found = {name: getattr(engine, name) is not None for name in engine.__all__}
print(json.dumps({"before": before, "found": found, "dir": dir(engine)}))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    report = json.loads(done.stdout)
    assert report["before"] == ["engine", "engine.ops", "engine.value"]
    assert all(report["found"].values()) and len(report["found"]) > 20
    assert set(report["found"]) <= set(report["dir"])


def test_a_name_the_engine_does_not_have_is_an_attribute_error():
    import engine

    with pytest.raises(AttributeError, match="no_such_thing"):
        engine.no_such_thing  # noqa: B018
