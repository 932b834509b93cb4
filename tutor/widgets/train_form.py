"""The training lab's side form: one line per hyperparameter.

Typing checks the value at once and shows the engine's reason beside a field
it refuses; Enter (or picking an option) submits the whole form when every
field is valid. Which settings apply when is the screen's business; the form
only marks the fields that differ from the run on show ("r applies" for data
and model settings, which need a new run).

When the lab offers the learner's own engine, an "engine" pick list comes first; with
"mine" the activation is tanh (the learner's Neuron's only one) and every setting waits
for r, since a run in the learner's engine takes its settings when it starts.

An experiment (``lessons.experiments``) puts its title and question on top and locks
some fields: they show the experiment's value, disabled, with a lock mark, and the
form never takes another value for them.
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
from tutor.ascii_mode import in_ascii_mode
from tutor.textual_compat import InOrderInput, is_live
from tutor.train_settings import (
    ENGINES,
    FIELDS,
    LIVE,
    MINE,
    MINE_ACTIVATION,
    RESET,
    TUTORS,
    EngineChoice,
    Field,
    format_value,
    mine_cost_problems,
    parse_value,
)

__all__ = ["LOCKED_NOTE", "TrainForm"]

LOCKED_NOTE = "set by the experiment"
"""The line under a locked field (after the lock mark), and the end of its tooltip."""

FIXED_BY_DATA = ("dataset", "samples", "noise", "test_fraction")
"""Fields that mean nothing when the dataset is given rather than made from the settings."""


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
        engines: EngineChoice | None = None,
        engine: str = TUTORS,
        locked: frozenset[str] = frozenset(),
        heading: tuple[str, str] = ("", ""),
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.locked = locked  # fields the experiment fixes at their value in `config`
        self.locked_values = {
            name: getattr(config, name) for name in locked if hasattr(config, name)
        }
        self.heading = heading  # the experiment's title and question
        self.engines = engines if engines is not None else EngineChoice()
        self.engine = engine  # the engine picked for the next run
        self.run_engine = engine  # ... and the one of the run on show
        self._live_caption = self._caption(LIVE)
        self.run_config = config
        self.config = config  # the latest valid settings in the form
        self.fixed_data = fixed_data  # e.g. "the lecture's examples": no moons to make
        self.n_train = n_train
        self.goal = goal
        self.problems: dict[str, str] = {}  # field name → why the engine refuses it

    def compose(self) -> ComposeResult:
        title, question = self.heading
        if title:
            yield Static(f"Experiment: {title}", id="form-experiment", markup=False)
        if question:
            yield Static(question, id="form-question", markup=False)
        if self.goal:
            yield Static(f"Goal: {self.goal}", id="form-goal")
        if self.engines.offered:
            yield from self._engine_row()
        for group in (RESET, LIVE):
            yield Static(self._caption(group), id=f"caption-{group}", classes="form-group")
            if group == RESET and self.fixed_data:
                yield Static(f"data: {self.fixed_data}", classes="form-row -fixed")
            for field in FIELDS:
                if field.group == group:
                    yield from self._field(field)

    def on_mount(self) -> None:
        self.check()  # a preset the engine refuses says so at once

    def _caption(self, group: str) -> str:
        if group == LIVE and MINE in (self.engine, self.run_engine):
            return "Training · r applies"
        return self.GROUP_CAPTIONS[group]

    def _engine_row(self) -> ComposeResult:
        control = Select(
            [(shown, value) for value, shown in ENGINES],
            value=self.engine,
            allow_blank=False,
            compact=True,
            id="field-engine",
        )
        control.tooltip = "which engine trains: the tutor's, or the one you wrote"
        control.disabled = not self.engines.usable
        with Horizontal(classes="form-row"):
            yield Static("engine", classes="field-label")
            yield control
        yield Static(self.engines.why_not(), id="note-engine", classes="field-note -shown")

    def _field(self, field: Field) -> ComposeResult:
        value = getattr(self.config, field.name)
        if field.name == "activation" and self.engine == MINE:
            value = MINE_ACTIVATION
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
            control = InOrderInput(
                format_value(field.name, value),
                compact=True,
                id=f"field-{field.name}",
                select_on_focus=True,
            )
        locked = field.name in self.locked
        control.tooltip = f"{field.help} (locked: {LOCKED_NOTE})" if locked else field.help
        control.disabled = fixed or locked or (field.name == "activation" and self.engine == MINE)
        # Settings that make a dataset mean nothing for a given one: kept, not shown.
        row = Horizontal(classes="form-row -hidden" if fixed else "form-row")
        with row:
            yield Static(field.label, classes="field-label")
            yield control
        yield Static(id=f"note-{field.name}", classes="field-note")

    def _locked_note(self) -> str:
        # ⊘ rather than an emoji lock: one cell wide, and in the fonts terminals use.
        return f"{'#' if in_ascii_mode(self) else '⊘'} {LOCKED_NOTE}"

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
        if self.engine == MINE:
            values["activation"] = MINE_ACTIVATION
        values.update(self.locked_values)  # whatever a field holds, a locked one keeps its value
        candidate = self.run_config.replace(**values)
        self.problems = candidate.problems_by_field(self.n_train)
        if self.engine == MINE and not self.problems:  # the learner's Values are bigger
            self.problems = mine_cost_problems(candidate, self.n_train)
        valid = not self.problems
        if valid:
            self.config = candidate
        self._show_notes(values)
        return valid

    def _show_notes(self, values: dict[str, object]) -> None:
        if self.engines.offered:
            pending = self.engine != self.run_engine
            text = "press r to apply" if pending else self.engines.why_not()
            self._note("engine", text, "-pending" if pending else "")
        mine = self.run_engine == MINE or self.engine == MINE
        caption = self._caption(LIVE)
        if caption != self._live_caption:
            self._live_caption = caption
            self.query_one(f"#caption-{LIVE}", Static).update(caption)
        for field in FIELDS:
            if self.fixed_data and field.name in FIXED_BY_DATA:
                continue
            problem = self.problems.get(field.name)
            pending = values[field.name] != getattr(self.run_config, field.name)
            if field.name in self.locked and not problem:
                text, kind = self._locked_note(), ""
            elif problem:
                text, kind = problem, "-error"
            elif field.name == "activation" and self.engine == MINE:
                text, kind = "your Neuron is tanh only", ""
            elif pending and (field.group == RESET or mine):
                text, kind = "press r to apply", "-pending"
            elif pending:
                text, kind = "press Enter to apply", "-pending"
            else:
                text, kind = "", ""
            self._note(field.name, text, kind)

    def _note(self, name: str, text: str, kind: str) -> None:
        note = self.query_one(f"#note-{name}", Static)
        note.update(text)
        note.set_class(bool(text), "-shown")
        note.set_class(kind == "-error", "-error")
        note.set_class(kind == "-pending", "-pending")

    def focus_first_field(self) -> None:
        """Put the cursor in the first field that can be changed."""
        for control in self.query("Input, Select"):
            if not control.disabled:
                control.focus()
                return

    # -- attributes down

    def show_run_config(self, config: TrainConfig, engine: str | None = None) -> None:
        """The run on show now uses ``config`` (and ``engine``): compare the fields with it."""
        self.run_config = config
        if engine is not None:
            self.run_engine = engine
        self.check()

    def _pick_engine(self, engine: str) -> None:
        self.engine = engine
        activation = self.query_one("#field-activation", Select)
        activation.disabled = engine == MINE or "activation" in self.locked
        if engine == MINE:
            activation.value = MINE_ACTIVATION
        self.check()

    # -- events

    @on(Input.Changed)
    @on(Input.Submitted)
    @on(Select.Changed)
    def _edited(self, event: Input.Changed | Input.Submitted | Select.Changed) -> None:
        """Typing checks the form; Enter or a pick submits it. A change typed just
        before the lab closed can arrive while the fields are being removed."""
        event.stop()
        if not is_live(self):
            return
        if isinstance(event, Select.Changed) and event.select.id == "field-engine":
            if event.value in (TUTORS, MINE) and event.value != self.engine:
                self._pick_engine(str(event.value))
            return
        if isinstance(event, Input.Changed):
            self.check()
        else:
            self._submit()

    def _submit(self) -> None:
        if self.check():
            self.post_message(self.Submitted(self, self.config))
        else:
            self.app.bell()
