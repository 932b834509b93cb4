"""The command line under hostile conditions: flags after the command, an ASCII or
full output, folder names made of escape codes, layer sizes it cannot read."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lessons.progress import ProgressStore, learner_home
from tutor import cli

pytestmark = pytest.mark.usefixtures("utf8_terminal")

ROOT = Path(__file__).resolve().parent.parent
POSIX = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")


# -- the flags for every command, after the command too --------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["train", "--low-bandwidth", "--ascii", "--learner", "ana"],
        ["--low-bandwidth", "train", "--ascii", "--learner", "ana"],
        ["--ascii", "--learner", "ana", "--low-bandwidth", "train"],
        ["playground", "a = 2", "--learner", "ana", "--low-bandwidth", "--ascii"],
    ],
    ids=" ".join,
)
def test_the_flags_for_every_command_work_before_or_after_it(argv, home, launched):
    assert cli.main(argv) == 0
    [app] = launched
    assert app.low_bandwidth and app.ascii_only
    assert app.progress.home == learner_home("ana", home)


def test_a_flag_not_repeated_after_the_command_keeps_its_value_from_before(home, launched):
    assert cli.main(["--no-ascii", "--learner", "ana", "train", "--samples", "100"]) == 0
    [app] = launched
    assert not app.ascii_only and app.progress.home == learner_home("ana", home)


@pytest.mark.parametrize(
    "argv",
    [
        ["--learner", "ana", "train", "--ask-learner"],
        ["learners", "--learner", "ana"],
        ["serve", "--ask-learner"],
        ["train", "--learner", "../"],
        ["train", "--hidden", "((("],
        ["train", "--hidden", "(16"],
        ["train", "--hidden", "((16))"],
    ],
    ids=" ".join,
)
def test_a_bad_command_line_after_the_command_is_one_line(argv, home, launched, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "error:" in err and "Traceback" not in err
    assert launched == []


def test_no_hidden_layer_is_said_with_nothing_or_empty_brackets(home, launched):
    for text in ("", "()", "[]", " ( ) "):
        assert cli.main(["train", "--hidden", text]) == 0
    assert all(app._start_train[0].hidden == () for app in launched)


# -- any encoding, a full disk ------------------------------------------------------------


def _run(args: list[str], env: dict[str, str], stdout: object = subprocess.PIPE):
    return subprocess.run(
        [sys.executable, "-m", "tutor", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=60,
    )


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_help_and_list_print_under_any_output_encoding(encoding, home):
    env = {"PYTHONIOENCODING": encoding, "MICROGRAD_TUTOR_HOME": str(home)}
    for args in (["--help"], ["--list", "--no-ascii"]):
        result = _run(args, env)
        assert result.returncode == 0, result.stderr
        assert b"Traceback" not in result.stderr
        assert b"micrograd-tutor" in result.stdout or b"Backprop" in result.stdout


@POSIX
@pytest.mark.parametrize("args", [["--list"], ["--help"], ["learners"]], ids=" ".join)
def test_a_full_disk_is_one_line_and_exit_code_1(args, home):
    ProgressStore(learner_home("ana", home)).complete_step("neuron", 0)
    with open("/dev/full", "w") as full:
        result = _run(args, {"MICROGRAD_TUTOR_HOME": str(home)}, stdout=full)
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == [
        "micrograd-tutor: error: cannot write the output: No space left on device"
    ]


# -- what learners prints -----------------------------------------------------------------


def test_learners_spells_out_escape_codes_in_folder_names(home, capsys):
    hostile = "ana\x1b[2J\x1b]0;owned\x07\u202e"
    folder = home / "learners" / hostile
    folder.mkdir(parents=True)
    (folder / "progress.json").write_text('{"schema": 1, "lessons": {}}')
    ProgressStore(learner_home("bob", home)).complete_step("neuron", 0)
    assert cli.main(["learners"]) == 0
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out and "\x07" not in captured.out
    assert "\u202e" not in captured.out
    assert "ana\\x1b[2J\\x1b]0;owned\\x07\\u202e" in captured.out
    assert "bob" in captured.out


def test_a_notice_naming_a_hostile_folder_is_spelled_out_too(home, capsys):
    folder = home / "learners" / "x\x1b[31m"
    folder.mkdir(parents=True)
    (folder / "progress.json").mkdir()  # the notice names the file's whole path
    assert cli.main(["learners"]) == 0
    err = capsys.readouterr().err
    assert "is a folder" in err and "\x1b" not in err and "x\\x1b[31m" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX pipes")
@pytest.mark.parametrize("argv", [["--list"], ["learners"]], ids=" ".join)
def test_a_pipe_for_a_progress_file_does_not_hang_the_command(argv, home, capsys):
    for folder in (home, home / "learners" / "ana"):
        folder.mkdir(parents=True, exist_ok=True)
        os.mkfifo(folder / "progress.json")
    codes: list[int] = []
    running = threading.Thread(target=lambda: codes.append(cli.main(argv)), daemon=True)
    running.start()
    running.join(timeout=5)
    assert codes == [0], "the command waited on a pipe"
    assert "not a plain file" in capsys.readouterr().err
