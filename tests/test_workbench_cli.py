"""The workspace, progress, and ``micrograd-tutor workbench``: through the real runner,
so the learner's code runs in a child Python as it does in the product."""

from __future__ import annotations

import io
import json

import pytest
from workbench_helpers import (
    REFERENCE_ENGINE,
    REFERENCE_NN,
    make_workspace,
    plant,
    reference_workspace,
)

from lessons.progress import ProgressStore
from lessons.registry import default_curriculum
from lessons.workbench.checks import LAST, check_workspace
from lessons.workbench.cli import run
from lessons.workbench.exercises import COURSE_ID
from lessons.workbench.progress import passed_exercises
from lessons.workbench.runner import Limits
from lessons.workbench.workspace import (
    FILES,
    OLD_STUBS,
    default_workspace,
    init_workspace,
    stub_text,
    workspace_status,
)
from tutor.cli import main as tutor_main


@pytest.fixture(autouse=True)
def _home(home):
    return home


class Terminal(io.StringIO):
    def __init__(self, encoding: str = "utf-8"):
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self):
        return self._encoding


def _run(*args, learner=None, encoding="utf-8", directory=None):
    out, err = Terminal(encoding), Terminal(encoding)
    code = run(args[0] if args else None, directory, learner=learner, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# -- the workspace -------------------------------------------------------------------


def test_default_workspaces_live_beside_the_learners_progress(home):
    assert default_workspace() == home / "workbench"
    assert default_workspace("Ana María") == home / "learners" / "ana-maría" / "workbench"


def test_init_writes_the_stubs_and_never_overwrites(tmp_path):
    folder = tmp_path / "ws"
    written = init_workspace(folder)
    assert written == [folder / name for name in FILES]
    assert workspace_status(folder).files == dict.fromkeys(FILES, "stub")
    engine = folder / "mygrad" / "engine.py"
    engine.write_text("# my own work\n")
    (folder / "mygrad" / "nn.py").unlink()
    assert init_workspace(folder) == [folder / "mygrad" / "nn.py"]
    assert engine.read_text() == "# my own work\n"
    status = workspace_status(folder)
    assert status.files["mygrad/engine.py"] == "edited" and status.ready


def test_init_says_what_it_wrote_and_kept(tmp_path):
    folder = tmp_path / "ws"
    (folder / "mygrad").mkdir(parents=True)
    (folder / "mygrad" / "engine.py").write_text("mine")
    code, out, _ = _run("init", directory=folder)
    assert code == 0
    assert "  wrote mygrad/__init__.py\n" in out
    assert "  kept  mygrad/engine.py (it exists already)\n" in out
    assert f"verify --dir {folder}" in out
    assert (folder / "mygrad" / "engine.py").read_text() == "mine"


def test_init_where_nothing_can_be_written_is_bad_usage(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = _run("init", directory=blocker / "ws")
    assert code == 2 and "cannot write" in err


# -- verify ---------------------------------------------------------------------------


def test_verify_on_the_stubs_fails_exercise_1_and_says_where(tmp_path):
    # nn.py as an older course wrote it, never edited: verify makes it today's stub
    folder = make_workspace(tmp_path / "ws", nn=OLD_STUBS["mygrad/nn.py"][0])
    code, out, _ = _run("verify", directory=folder)
    assert code == 1
    lines = out.splitlines()
    assert lines[:2] == [
        "Updated mygrad/nn.py: it still held the older course's note, never edited; now it has",
        "  the stubs of exercises 12-17.",
    ]
    assert (folder / "mygrad" / "nn.py").read_text() == stub_text("mygrad/nn.py")
    assert lines[2] == "✗ 1 Value: not written yet"
    assert "mygrad/engine.py, line 18 still raises NotImplementedError" in lines[3]
    assert f"0 of {LAST} exercises pass. Fix exercise 1, save, and run again:" in out


def test_verify_on_the_reference_passes_everything_and_records_it(tmp_path, home):
    folder = reference_workspace(tmp_path / "ws")
    code, out, _ = _run("verify", directory=folder)
    assert code == 0, out
    assert out.splitlines()[:17] == [
        "✓ 1 Value", "✓ 2 + and *, forward", "✓ 3 Local rules by hand", "✓ 4 tanh",
        "✓ 5 backward()", "✓ 6 A Value used twice", "✓ 7 Plain numbers", "✓ 8 **, -, /",
        "✓ 9 exp, and tanh from it", "✓ 10 relu", "✓ 11 A graph 5,000 deep",
        "✓ 12 Module and zero_grad", "✓ 13 Neuron", "✓ 14 Layer", "✓ 15 MLP",
        "✓ 16 Training, and zero_grad forgotten", "✓ 17 Your engine trains on the moons",
    ]  # fmt: skip
    assert len(out.splitlines()) == LAST + 2
    assert out.rstrip().endswith(
        f"All {LAST} exercises pass: your own micrograd backpropagates, and it learns."
    )
    store = ProgressStore(home)
    assert passed_exercises(store) == frozenset(range(1, LAST + 1))
    course = default_curriculum().course(COURSE_ID)
    assert course.tally(store).items_done == LAST  # the lessons list and learners agree
    code, out, _ = _run(directory=folder)
    assert code == 0 and f"Passed: 1-{LAST} (of {LAST}" in out


def test_verify_names_the_mistake_and_stops_there(tmp_path):
    rule = "self.grad += out.grad\n            other.grad += out.grad"
    engine = plant(REFERENCE_ENGINE, (rule, rule.replace("+=", "=")))
    folder = make_workspace(tmp_path / "ws", engine)
    code, out, _ = _run("verify", directory=folder, learner="ana")
    assert code == 1
    lines = out.splitlines()
    assert lines[:5] == ["✓ 1 Value", "✓ 2 + and *, forward", "✓ 3 Local rules by hand",
                         "✓ 4 tanh", "✓ 5 backward()"]  # fmt: skip
    assert lines[5] == "✗ 6 A Value used twice: = instead of +="
    assert "    a.grad is 1.0, should be 2.0." in lines
    assert "✓ 7" not in out and f"5 of {LAST} exercises pass" in out
    assert "micrograd-tutor --learner ana workbench verify --dir" in out


def test_verify_fails_the_milestone_at_the_step_where_the_engines_part(tmp_path, home):
    # relu's slope as min(out, 1): right at every input exercise 10 tries (3, -2, 0, 1),
    # wrong for the hinge loss's inputs between 0 and 1, so only the moons show it.
    engine = plant(
        REFERENCE_ENGINE,
        ("(out.data > 0) * out.grad", "min(out.data, 1.0) * out.grad"),
    )
    folder = make_workspace(tmp_path / "ws", engine, REFERENCE_NN)
    code, out, _ = _run("verify", directory=folder)
    assert code == 1
    lines = out.splitlines()
    assert lines[15:18] == [
        "✓ 16 Training, and zero_grad forgotten",
        "✗ 17 Your engine trains on the moons: Your engine and the tutor's part at step 1",
        "    Gradient length 1.014045521 (yours), 1.918440314 (the tutor's). Same loss, other "
        "gradients: the backward pass differs. Look at the local rules (*, tanh, relu, **), "
        "at = where += belongs, and at the order backward() visits the nodes in.",
    ]
    assert f"16 of {LAST} exercises pass. Fix exercise 17, save, and run again:" in out
    assert passed_exercises(ProgressStore(home)) == frozenset(range(1, 17))


@pytest.fixture
def milestone_passes(monkeypatch):
    """The milestone's training run (its own tests above) taken as passed, for the tests
    of what verify says around it: each run would add a few seconds of training."""
    from lessons.workbench import milestone
    from lessons.workbench.training_match import EngineVerdict

    def passes(workspace, **_):
        return EngineVerdict(True, "matched", 10)

    monkeypatch.setattr(milestone, "check_milestone", passes)


@pytest.mark.usefixtures("milestone_passes")
def test_verify_in_plain_ascii_when_the_terminal_cannot_show_a_tick(tmp_path):
    folder = reference_workspace(tmp_path / "ws")
    code, out, _ = _run("verify", directory=folder, encoding="ascii")
    assert code == 0 and out.splitlines()[0] == "PASS 1 Value"
    out.encode("ascii")


def test_verify_without_a_workspace_is_bad_usage(tmp_path):
    code, out, err = _run("verify", directory=tmp_path / "nowhere")
    assert code == 2 and out == ""
    assert "no workspace at" in err and "workbench init --dir" in err


def test_verify_says_which_file_is_missing(tmp_path):
    folder = make_workspace(tmp_path / "ws")
    (folder / "mygrad" / "__init__.py").unlink()
    code, _, err = _run("verify", directory=folder)
    assert code == 2 and "no mygrad/__init__.py at" in err


def test_a_syntax_error_is_shown_at_its_line(tmp_path):
    engine = REFERENCE_ENGINE.replace("    def __repr__(self):", "    def __repr__(self)", 1)
    folder = make_workspace(tmp_path / "ws", engine)
    code, out, _ = _run("verify", directory=folder)
    assert code == 1
    assert out.startswith("✗ 1 Value: Your mygrad could not be imported.")
    assert "mygrad/engine.py, line 23: Python cannot read this line (SyntaxError" in out
    assert out.count("cannot read this line") == 1, out  # said once, then their line
    assert "    23 | def __repr__(self)\n" in out


def test_what_the_learners_code_prints_is_shown_after_a_failure(tmp_path):
    engine = plant(
        REFERENCE_ENGINE,
        (
            "        self.grad = 1.0  # dself",
            '        print("seeding", self)\n        self.grad = 0.0  # x',
        ),
    )
    code, out, _ = _run("verify", directory=make_workspace(tmp_path / "ws", engine))
    assert code == 1 and "✗ 5 backward(): backward() does not seed grad = 1.0" in out
    assert "Your code printed:\n    seeding Value(data=-8.0, grad=0.0)" in out


@pytest.mark.usefixtures("milestone_passes")
def test_a_damaged_progress_file_is_moved_aside_and_verify_goes_on(tmp_path, home):
    home.mkdir(parents=True)
    (home / "progress.json").write_text("{not json")
    folder = reference_workspace(tmp_path / "ws")
    code, _, err = _run("verify", directory=folder)
    assert code == 0
    assert "damaged" in err and "Traceback" not in err
    assert any(p.name.startswith("progress.json.corrupt-") for p in home.iterdir())
    data = json.loads((home / "progress.json").read_text())
    assert data["lessons"]["build/backward"]["completed"] is True


# -- check_workspace, for the app ------------------------------------------------------


def test_results_arrive_one_by_one_and_a_hang_is_stopped_at_its_exercise(tmp_path):
    hang = "        while True:\n            pass\n"
    engine = plant(REFERENCE_ENGINE, ("        topo = []\n", hang))
    folder = make_workspace(tmp_path / "ws", engine)
    told = []
    report = check_workspace(folder, 6, limits=Limits(wall_seconds=2.0), on_result=told.append)
    assert report.runner_status == "timeout"
    assert [(r.number, r.passed) for r in told] == [(1, True), (2, True), (3, True), (4, True),
                                                   (5, False)]  # fmt: skip
    assert told == list(report.results)
    assert "ran for more than 2 seconds" in report.failure.failure.message


def test_check_workspace_refuses_an_exercise_that_does_not_exist(tmp_path):
    with pytest.raises(ValueError, match=f"1 to {LAST}"):
        check_workspace(make_workspace(tmp_path / "ws"), LAST + 1)


# -- the tutor's command line -----------------------------------------------------------


def test_the_tutor_command_runs_the_workbench(tmp_path, home, capsys):
    assert tutor_main(["workbench", "init"]) == 0
    assert (home / "workbench" / "mygrad" / "engine.py").read_text() == stub_text(
        "mygrad/engine.py"
    )
    assert tutor_main(["workbench", "verify"]) == 1
    assert "✗ 1 Value: not written yet" in capsys.readouterr().out
    assert tutor_main(["workbench"]) == 0
    assert "Next: exercise 1, Value, in mygrad/engine.py." in capsys.readouterr().out
    assert tutor_main(["--learner", "bo", "workbench", "verify"]) == 2
    assert "learners/bo/workbench" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["workbench", "frob"], ["workbench", "verify", "--bogus"], ["--ask-learner", "workbench"]],
)
def test_the_tutor_command_refuses_bad_usage(argv, capsys):
    assert tutor_main(argv) == 2
    assert "error" in capsys.readouterr().err
