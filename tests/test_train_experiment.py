"""Experiments in the training lab: opened from the command line, their locked fields
shown but never changed (in the form, by the flags), and ``s`` saving the setup as a
file that opens again as the same experiment."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from textual.widgets import Input, Select

from lessons.experiments import find_experiment, load_experiment, parse_experiment
from tests.test_train_screen import LabApp, settle
from tutor import cli
from tutor.screens.train import TrainScreen
from tutor.widgets.train_form import LOCKED_NOTE, TrainForm

pytestmark = pytest.mark.usefixtures("utf8_terminal", "quick_keys")

SIZE = (80, 24)
QUICK = """\
format = 1
title = "Two neurons, quickly"
question = "Can 2 neurons do it?"
locked = ["hidden", "activation"]
samples = 40
hidden = [2]
activation = "tanh"
steps = 20
"""


def _lab() -> TrainScreen:
    return TrainScreen(experiment=parse_experiment(QUICK, "quick.toml", name="quick"))


async def test_locked_fields_show_the_experiments_value_and_cannot_change(home):
    lab = _lab()
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: lab.run is not None)
        form = lab.query_one(TrainForm)
        hidden = form.query_one("#field-hidden", Input)
        activation = form.query_one("#field-activation", Select)
        assert hidden.disabled and activation.disabled
        assert (hidden.value, activation.value) == ("2", "tanh")
        assert LOCKED_NOTE in hidden.tooltip
        assert LOCKED_NOTE in str(form.query_one("#note-hidden").render())
        assert "Two neurons, quickly" in str(form.query_one("#form-experiment").render())
        assert "Can 2 neurons do it?" in str(form.query_one("#form-question").render())
        # Tab through the whole form, typing into whatever takes the focus.
        await pilot.press("f")
        for _ in range(20):
            assert pilot.app.focused not in (hidden, activation)
            await pilot.press("tab")
        # Even a value put in the field some other way is not taken.
        hidden.value = "16,16"
        form.query_one("#field-learning_rate", Input).value = "0.5"
        assert form.check()
        assert form.config.hidden == (2,) and form.config.activation == "tanh"
        assert form.config.learning_rate == 0.5
        lab.query_one("#charts").focus()
        await pilot.press("r")
        await settle(pilot, lambda: lab.run is not None and lab.run.config.learning_rate == 0.5)
        assert lab.run.config.hidden == (2,)


async def test_s_saves_a_file_that_opens_as_the_same_experiment(home):
    lab = _lab()
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: lab.run is not None)
        form = lab.query_one(TrainForm)
        form.query_one("#field-learning_rate", Input).value = "0.25"
        form.query_one("#field-seed", Input).value = "7"
        lab.query_one("#charts").focus()
        await pilot.press("s")
        await pilot.press("s")
        await pilot.pause()
        saved = sorted(Path.cwd().glob("experiment-*.toml"))
        assert [p.name for p in saved] == ["experiment-1.toml", "experiment-2.toml"]
        again = load_experiment(saved[0])
        assert again.config == lab.experiment.config.replace(learning_rate=0.25, seed=7)
        assert again.locked == {"hidden", "activation"}
        assert (again.title, again.question) == ("Two neurons, quickly", "Can 2 neurons do it?")
        assert again == replace(lab.current_experiment(), name="experiment-1")
        message = next(m for m, _ in app.notes if "experiment-1.toml" in m)
        assert str(Path.cwd()) in message and "--experiment experiment-1.toml" in message


async def _losses_to_the_end(pilot, lab: TrainScreen) -> list[float]:
    await pilot.press("space")
    await settle(pilot, lambda: lab.run is not None and lab.run.status == "finished")
    return [report.loss for report in lab.run.history]


async def test_an_experiment_saved_after_w_starts_from_the_same_first_weights(home):
    lab = _lab()
    app = LabApp(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: lab.run is not None)
        lab.query_one("#charts").focus()
        await pilot.press("w")
        await settle(pilot, lambda: lab.run is not None and lab.weight_seed is not None)
        seed = lab.weight_seed
        drawn = await _losses_to_the_end(pilot, lab)
        await pilot.press("s")
        await pilot.pause()
    saved = load_experiment(Path.cwd() / "experiment-1.toml")
    assert saved.weight_seed == seed
    assert f"weight_seed = {seed}" in (Path.cwd() / "experiment-1.toml").read_text()

    again = TrainScreen(experiment=saved)
    app = LabApp(again)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: again.run is not None)
        assert again.sub_title == f"first weights: seed {seed}"
        again.query_one("#charts").focus()
        assert await _losses_to_the_end(pilot, again) == drawn  # the same run, step for step


class SharedLabApp(LabApp):
    """A lab in a shared tutor: what a learner saves goes into their own folder."""

    def __init__(self, lab: TrainScreen, home: Path) -> None:
        super().__init__(lab)
        self.shared = True
        self.progress = SimpleNamespace(home=home)


async def test_in_a_shared_tutor_s_saves_into_the_learners_folder(home, tmp_path):
    learner = tmp_path / "learners" / "ana"
    lab = TrainScreen()  # no experiment: the setup on show becomes one
    app = SharedLabApp(lab, learner)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: lab.run is not None)
        for _ in range(7):
            await pilot.press("s")
        await pilot.pause()
        assert list(Path.cwd().glob("experiment-*.toml")) == []
        kept = sorted(p.name for p in (learner / "exports").iterdir())
        assert kept == [f"experiment-{n}.toml" for n in range(3, 8)]  # the last 5
        assert load_experiment(learner / "exports" / "experiment-7.toml").config == lab.config
        assert any(str(learner / "exports") in m for m, _ in app.notes)


# -- the command line ----------------------------------------------------------------


async def test_train_experiment_opens_the_lab_on_it_with_the_options_for_the_rest(home, launched):
    assert cli.main(["train", "--experiment", "two-neurons", "--learning-rate", "0.5"]) == 0
    app = launched[0]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lab = app.screen
        assert isinstance(lab, TrainScreen)
        assert lab.config == find_experiment("two-neurons").config.replace(learning_rate=0.5)
        assert lab.experiment.locked == {"hidden"}
        assert lab.query_one("#field-hidden", Input).disabled


def test_an_option_cannot_change_a_locked_field(home, launched, capsys):
    assert cli.main(["train", "--experiment", "two-neurons", "--hidden", "16,16"]) == 2
    error = capsys.readouterr().err
    assert "--hidden: the experiment 'two-neurons' locks hidden at 2" in error
    assert "Traceback" not in error and launched == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("format = 1\nnoise = 0.9\n", "bad.toml, line 2, noise: The noise must be"),
        (b"\x00\xff\xfe", "bad.toml is a binary file"),
        ("format = 1\nsamples = [\n", "bad.toml is not valid TOML"),
    ],
)
def test_a_bad_experiment_file_is_refused_before_the_lab_opens(
    text, expected, home, launched, capsys
):
    path = Path("bad.toml")
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    assert cli.main(["train", "--experiment", str(path)]) == 2
    error = capsys.readouterr().err
    assert expected in error and "Traceback" not in error and launched == []


def test_the_shipped_experiments_are_listed_and_named_in_help(home, capsys, monkeypatch):
    assert cli.main(["train", "--list-experiments"]) == 0
    listed = capsys.readouterr().out
    monkeypatch.setenv("COLUMNS", "1000")  # argparse wraps help at hyphens too
    assert cli.main(["train", "--help"]) == 0
    helped = capsys.readouterr().out
    for name in ("rate-too-large", "linear-neurons", "two-neurons", "strong-alpha"):
        assert f"{name}: " in listed and name in helped


def test_your_engine_cannot_train_an_experiment_that_locks_another_activation(
    home, launched, capsys
):
    assert cli.main(["train", "--experiment", "rate-too-large", "--engine", "mine"]) == 2
    error = capsys.readouterr().err
    assert "locks the activation at relu, and your Neuron is tanh only" in error
