"""engine is a library a learner could install alone: importing it pulls in no UI,
no scikit-learn, and none of the tutor's own packages. Checked in a fresh interpreter,
where nothing else has imported them first."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = ("textual", "rich", "plotext", "sklearn", "tutor", "lessons")

SCRIPT = """
import importlib, json, sys
imported, missing = [], []
for name in ("engine", "engine.value", "engine.nn",
             "engine.graph", "engine.expr", "engine.train", "engine.data", "engine.losses"):
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


def test_importing_the_engine_loads_no_ui_and_no_sklearn():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)
    assert {"engine", "engine.value", "engine.nn"} <= set(report["imported"])
    assert [name for name in FORBIDDEN if name in report["loaded"]] == []
