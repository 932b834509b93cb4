"""The code base stays ruff-clean: the linter runs as part of the test suite."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _ruff() -> list[str]:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if exe is None:
        pytest.skip("ruff is not installed (it comes with the 'test' extra)")
    return [exe]


def test_ruff_check_passes():
    result = subprocess.run(
        [*_ruff(), "check", "--no-cache", "engine", "lessons", "tutor", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_eval_or_exec_anywhere():
    """Learner text must never reach eval/exec/compile: none of them appear in the source."""
    import re

    pattern = re.compile(r"(^|[^.\w])(eval|exec|compile)\(")
    offenders = []
    for folder in ("engine", "lessons", "tutor"):
        for path in (ROOT / folder).rglob("*.py"):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("#", 1)[0]
                if pattern.search(code):
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []
