"""The training lab's side form: one line per hyperparameter.

Typing checks the value at once and shows the engine's reason beside a field
it refuses; Enter (or picking an option) submits the whole form when every
field is valid. Which settings apply when is the screen's business; the form
only marks the fields that differ from the run on show ("r applies" for data
and model settings, which need a new run).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from engine.train import TrainConfig
from tutor.train_settings import (
    FIELDS,
    LIVE,
    RESET,
    Field,
    field_problems,
    format_value,
    parse_value,
)

__all__ = ["TrainForm"]

FIXED_BY_DATA = ("samples", "noise", "test_fraction")
"""Fields that mean nothing when the dataset is given rather than made from moons."""


class TrainForm(VerticalScroll):
    """Hyperparameters in a scrollable column; attributes down, messages up.

    The screen sets :attr:`run_config` (the settings of the run on show); the
    form posts :class:`TrainForm.Submitted` with a valid config when the learner
    presses Enter or picks an option.
    """

    class Submitted(Message):
        """The learner asked to apply the form; every field is valid."""

        def __init__(self, form: TrainForm, config: TrainConfig) -> None:
            super().__init__()
            self.form = form
            self.config = config

        @property
        def control(self) -> TrainForm:
            return self.form

    GROUP_CAPTIONS: ClassVar[dict[str, str]] = {
        RESET: "Data and model · r applies",
        LIVE: "Training · Enter applies now",
    }

    def __init__(
        self,
        config: TrainConfig,
        *,
        fixed_data: str = "",
        n_train: int | None = None,
        goal: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.run_config = config
        self.config = config  # the latest valid settings in the form
        self.fixed_data = fixed_data  # e.g. "the lecture's examples": no moons to make
        self.n_train = n_train
        self.goal = goal
        self.problems: dict[str, list[str]] = {}
        self.other_problems: list[str] = []

    def compose(self) -> ComposeResult:
        if self.goal:
            yield Static(f"Goal: {self.goal}", id="form-goal")
        for group in (RESET, LIVE):
            yield Static(self.GROUP_CAPTIONS[group], classes="form-group")
            if group == RESET and self.fixed_data:
                yield Static(f"data: {self.fixed_data}", classes="form-row -fixed")
            for field in FIELDS:
                if field.group == group:
                    yield from self._field(field)
        yield Static(id="form-other", classes="field-note -error")

    def on_mount(self) -> None:
        self.check()  # a preset the engine refuses says so at once

    def _field(self, field: Field) -> ComposeResult:
        value = getattr(self.config, field.name)
        fixed = bool(self.fixed_data) and field.name in FIXED_BY_DATA
        control: Widget
        if field.choices:
            control = Select(
                [(shown, v) for shown, v in field.choices],
                value=value,
                allow_blank=False,
                compact=True,
                id=f"field-{field.name}",
            )
        else:
            control = Input(
                format_value(field.name, value),
                compact=True,
                id=f"field-{field.name}",
                select_on_focus=True,
            )
        control.tooltip = field.help
        control.disabled = fixed
        # Settings that make moons mean nothing for a given dataset: kept, not shown.
        row = Horizontal(classes="form-row -hidden" if fixed else "form-row")
        with row:
            yield Static(field.label, classes="field-label")
            yield control
        yield Static(id=f"note-{field.name}", classes="field-note")

    # -- reading the fields

    def texts(self) -> dict[str, str]:
        """What each field holds now, as text (pick lists give their value)."""
        found = {}
        for field in FIELDS:
            control = self.query_one(f"#field-{field.name}")
            if isinstance(control, Select):
                found[field.name] = str(control.value)
            else:
                found[field.name] = control.value  # type: ignore[attr-defined]
        return found

    def check(self) -> bool:
        """Check every field against the run's config; show the reasons; remember
        the settings if they are all valid. Returns whether they are."""
        values = {name: parse_value(name, text) for name, text in self.texts().items()}
        if self.fixed_data:
            for name in FIXED_BY_DATA:
                values[name] = getattr(self.run_config, name)
        candidate, self.problems, self.other_problems = field_problems(
            self.run_config, values, self.n_train
        )
        valid = not self.problems and not self.other_problems
        if valid:
            self.config = candidate
        self._show_notes(values)
        return valid

    def _show_notes(self, values: dict[str, object]) -> None:
        for field in FIELDS:
            if self.fixed_data and field.name in FIXED_BY_DATA:
                continue
            note = self.query_one(f"#note-{field.name}", Static)
            reasons = self.problems.get(field.name)
            pending = values[field.name] != getattr(self.run_config, field.name)
            if reasons:
                text, kind = " ".join(reasons), "-error"
            elif pending and field.group == RESET:
                text, kind = "press r to apply", "-pending"
            elif pending:
                text, kind = "press Enter to apply", "-pending"
            else:
                text, kind = "", ""
            note.update(text)
            note.set_class(bool(text), "-shown")
            note.set_class(kind == "-error", "-error")
            note.set_class(kind == "-pending", "-pending")
        other = self.query_one("#form-other", Static)
        other.update(" ".join(self.other_problems))
        other.set_class(bool(self.other_problems), "-shown")

    def focus_first_field(self) -> None:
        """Put the cursor in the first field that can be changed."""
        for control in self.query("Input, Select"):
            if not control.disabled:
                control.focus()
                return

    # -- attributes down

    def show_run_config(self, config: TrainConfig) -> None:
        """The run on show now uses ``config``: compare the fields with it."""
        self.run_config = config
        self.check()

    # -- events

    @property
    def is_open(self) -> bool:
        """Whether the fields are still there: a change typed just before the lab
        closed can arrive while they are being removed."""
        return self.is_attached and not (self._closing or self._pruning)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self.is_open:
            self.check()

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        if self.is_open:
            self._submit()

    @on(Select.Changed)
    def _picked(self, event: Select.Changed) -> None:
        event.stop()
        if self.is_open:
            self._submit()

    def _submit(self) -> None:
        if self.check():
            self.post_message(self.Submitted(self, self.config))
        else:
            self.app.bell()
