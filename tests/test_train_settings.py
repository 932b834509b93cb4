"""The training lab's settings as text: read from the form and the command line,
checked by the engine's table, each reason beside its own field."""

from __future__ import annotations

import argparse

import pytest

from engine.config import SETTINGS
from engine.train import TrainConfig
from tutor.train_settings import (
    FIELDS,
    add_arguments,
    config_from_arguments,
    format_value,
    live_changes,
    parse_value,
)


def test_every_config_field_has_a_setting():
    assert {f.name for f in FIELDS} == set(TrainConfig.__dataclass_fields__)


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("samples", "200", 200),
        ("noise", "0.25", 0.25),
        ("test_fraction", "20%", 0.2),
        ("test_fraction", "0.3", 0.3),
        ("hidden", "16,16", (16, 16)),
        ("hidden", "[8, 4 2]", (8, 4, 2)),
        ("hidden", "", ()),
        ("activation", "TANH", "tanh"),
        ("loss", "squared error", "mse"),
        ("loss", "mse", "mse"),
        ("learning_rate", "1e6", 1e6),
        ("schedule", "linear decay", "linear"),
        ("batch_size", "full", None),
        ("batch_size", "32", 32),
        ("steps", "100", 100),
    ],
)
def test_typed_text_becomes_config_values(name, text, value):
    assert parse_value(name, text) == value


@pytest.mark.parametrize(("name", "text"), [("samples", "many"), ("hidden", "16,x")])
def test_text_that_means_nothing_is_left_for_the_engine_to_refuse(name, text):
    assert parse_value(name, text) == text
    problems = TrainConfig().replace(**{name: text}).problems()
    assert problems and repr(text) in problems[0]


def test_values_show_as_they_are_typed():
    config = TrainConfig()
    shown = {f.name: format_value(f.name, getattr(config, f.name)) for f in FIELDS}
    assert shown["hidden"] == "16,16"
    assert shown["batch_size"] == "full"
    assert shown["schedule"] == "linear decay"
    assert shown["alpha"] == "0.0001"
    assert {name: parse_value(name, text) for name, text in shown.items()} == {
        f.name: getattr(config, f.name) for f in FIELDS
    }


@pytest.mark.parametrize(
    ("value", "text"),
    [(1e6, "1e6"), (1e-5, "1e-5"), (2.5e-7, "2.5e-7"), (0.05, "0.05"), (1.0, "1")],
)
def test_a_learning_rate_shows_as_a_learner_types_it(value, text):
    assert format_value("learning_rate", value) == text
    assert parse_value("learning_rate", text) == value


def test_the_fields_are_the_engines_settings_in_its_order():
    assert [f.setting for f in FIELDS] == list(SETTINGS)
    by_name = {f.name: f for f in FIELDS}
    assert by_name["loss"].choices == (("hinge", "hinge"), ("squared error", "mse"))
    activation = next(s for s in SETTINGS if s.name == "activation")
    assert by_name["activation"].shown_choices == activation.choices
    assert by_name["samples"].help == "how many points: 20 to 1000"  # the engine's range


def test_each_reason_is_beside_its_field():
    candidate = TrainConfig().replace(samples=5, learning_rate="fast")
    found = candidate.problems_by_field()
    assert set(found) == {"samples", "learning_rate"}
    assert "samples" in found["samples"]
    assert "learning rate" in found["learning_rate"]


def test_command_line_options_make_a_config_or_say_why_not():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    config, problems = config_from_arguments(
        parser.parse_args(["--hidden", "8,8", "--learning-rate", "0.5"])
    )
    assert problems == []
    assert config == TrainConfig(hidden=(8, 8), learning_rate=0.5)
    _, problems = config_from_arguments(parser.parse_args(["--samples", "5"]))
    assert len(problems) == 1 and problems[0].startswith("--samples: ")
    assert "--test-split VALUE" in parser.format_help()


def test_a_batch_too_big_for_the_data_asked_for_is_the_batch_options_reason():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    _, problems = config_from_arguments(parser.parse_args(["--samples", "20", "--batch", "30"]))
    assert problems == [
        "--batch: The batch size must be a whole number from 1 to 20 (the size of the "
        "training set), or None to use the whole training set, not 30."
    ]


def test_only_training_settings_change_the_run_under_way():
    run_config = TrainConfig()
    asked = run_config.replace(seed=7, learning_rate=0.5, steps=200)
    assert live_changes(asked, run_config) == {"learning_rate": 0.5, "steps": 200}
    assert live_changes(run_config, run_config) == {}


def test_how_the_graph_runs_is_a_training_setting_chosen_by_name():
    by_name = {f.name: f for f in FIELDS}
    assert by_name["replay"].choices == (("tape", True), ("values", False))
    assert (parse_value("replay", "values"), parse_value("replay", "True")) == (False, True)
    assert format_value("replay", True) == "tape"
    assert live_changes(TrainConfig(replay=False), TrainConfig()) == {"replay": False}
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert "one of: tape, values (default: tape)" in " ".join(parser.format_help().split())
    config, problems = config_from_arguments(parser.parse_args(["--graph", "values"]))
    assert problems == [] and config.replay is False
    _, problems = config_from_arguments(parser.parse_args(["--graph", "fast"]))
    assert problems == [
        "--graph: Replay must be True (record a step once, replay it) or "
        "False (build Values every step), not 'fast'."
    ]
