"""What a lesson is made of: plain, frozen data the tutor knows how to show.

A ``Lesson`` is an ordered tuple of steps. Each step has a ``kind`` (which
panel the tutor shows), a ``title``, Markdown ``text`` and, for most steps,
an ``Exercise`` that the engine checks. Nothing here knows about the screen:
the same lesson could be shown in a terminal, a notebook or a test.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import math
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from engine.train import TrainConfig

__all__ = [
    "ANSWER_KINDS",
    "STEP_KINDS",
    "BackpropWalk",
    "CodeReading",
    "Exercise",
    "ExpressionStep",
    "Feedback",
    "Goal",
    "Lesson",
    "Measure",
    "Measured",
    "Predict",
    "Prose",
    "Slope",
    "Step",
    "Train",
]

ANSWER_KINDS = ("number", "expression", "choice", "action")
STEP_KINDS = (
    "prose",
    "expression",
    "backprop",
    "predict",
    "slope",
    "code",
    "train",
    "measure",
)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Feedback:
    """The answer to an answer: was it right, and what to tell the learner."""

    ok: bool
    message: str


@dataclass(frozen=True)
class Exercise:
    """Something the learner does, and how the engine checks it.

    ``check(answer)`` always returns a ``Feedback`` and never raises. What
    ``answer`` is depends on ``answer_kind``:

    * ``"number"``: the text the learner typed (``"-4"``, ``"−4"``, ``"2/3"``).
    * ``"expression"``: the text of an lessons.expr program.
    * ``"choice"``: one of ``choices``, as text (its 1-based number also works).
    * ``"action"``: what the learner finished. For a backprop walk, the
      ``BackpropStepper`` (or the text ``"done"``); for training, the
      ``TrainingRun`` or its latest ``StepReport``.

    ``hints`` (one to three) are revealed one at a time; ``explanation`` is
    shown after success. ``prompt``, ``hints`` and ``explanation`` are plain
    text, not Markdown; line breaks inside a paragraph are joined into spaces
    so the tutor can wrap them to its pane (a blank line separates paragraphs).
    """

    prompt: str
    check: Callable[[Any], Feedback]
    hints: tuple[str, ...]
    explanation: str
    answer_kind: str = "number"
    choices: tuple[str, ...] = ()
    placeholder: str = ""  # a short hint inside the empty input box

    def __post_init__(self) -> None:
        if self.answer_kind not in ANSWER_KINDS:
            raise ValueError(
                f"answer_kind must be one of {', '.join(ANSWER_KINDS)}, not {self.answer_kind!r}"
            )
        hints = tuple(_paragraphs(hint) for hint in self.hints)
        if not 1 <= len(hints) <= 3:
            raise ValueError(f"an exercise needs one to three hints, not {len(hints)}")
        object.__setattr__(self, "hints", hints)
        object.__setattr__(self, "prompt", _paragraphs(self.prompt))
        object.__setattr__(self, "explanation", _paragraphs(self.explanation))
        object.__setattr__(self, "choices", tuple(self.choices))
        if (self.answer_kind == "choice") != bool(self.choices):
            raise ValueError("choices go with answer_kind 'choice', and only with it")
        if not self.placeholder:
            object.__setattr__(self, "placeholder", _PLACEHOLDERS[self.answer_kind])
        object.__setattr__(self, "check", _never_raises(self.check))


def _paragraphs(text: str) -> str:
    """Join the lines of each paragraph; keep blank lines between paragraphs."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


_PLACEHOLDERS = {
    "number": "a number, like -2.5",
    "expression": "an expression, like y = 3*x - 1",
    "choice": "pick one",
    "action": "",
}


def _never_raises(check: Callable[[Any], Feedback]) -> Callable[[Any], Feedback]:
    """A broken check must not crash the tutor: it becomes a 'not yet'."""
    if getattr(check, "_never_raises", False):
        return check

    @functools.wraps(check)
    def safe(answer: Any) -> Feedback:
        try:
            result = check(answer)
        except Exception as error:  # a bug in a lesson, reported instead of raised
            return Feedback(False, f"The tutor could not check that answer ({error}).")
        if not isinstance(result, Feedback):
            return Feedback(False, "The tutor could not check that answer.")
        return result

    safe._never_raises = True  # type: ignore[attr-defined]
    return safe


@dataclass(frozen=True)
class Goal:
    """What a training run must reach: ``Goal("test_accuracy", 0.95)`` (at
    least 95%), or ``Goal("loss", at_most=0.01)``. ``metric`` names a field of
    ``engine.train.StepReport``; ``met(report)`` says whether a report reaches it."""

    metric: str  # "test_accuracy", "train_accuracy" or "loss"
    at_least: float | None = None
    at_most: float | None = None

    METRICS: ClassVar[tuple[str, ...]] = ("test_accuracy", "train_accuracy", "loss")

    def __post_init__(self) -> None:
        if self.metric not in self.METRICS:
            raise ValueError(f"a goal's metric is one of {', '.join(self.METRICS)}")
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("a goal has either at_least or at_most")

    def value(self, report: Any) -> float | None:
        value = getattr(report, self.metric, None)
        if value is None or not math.isfinite(value):
            return None
        return float(value)

    def met(self, report: Any) -> bool:
        value = self.value(report)
        if value is None:
            return False
        if self.at_least is not None:
            return value >= self.at_least
        return value <= self.at_most  # type: ignore[operator]

    def format(self, value: float) -> str:
        """A value of this metric as the learner reads it: 95% or 0.0123."""
        return f"{value:.0%}" if self.metric.endswith("accuracy") else f"{value:.4g}"

    def describe(self) -> str:
        name = self.metric.replace("_", " ")
        if self.at_least is not None:
            return f"{name} ≥ {self.format(self.at_least)}"
        return f"{name} ≤ {self.format(self.at_most)}"  # type: ignore[arg-type]


# -- steps ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Step:
    """One screen of a lesson: a kind, a title, Markdown text, maybe an exercise."""

    kind: ClassVar[str] = ""
    title: str
    text: str
    exercise: Exercise | None = None


@dataclass(frozen=True, kw_only=True)
class Prose(Step):
    """Text to read (an exercise, if any, is a choice or a number)."""

    kind: ClassVar[str] = "prose"


@dataclass(frozen=True, kw_only=True)
class ExpressionStep(Step):
    """A preset lessons.expr program shown in the graph explorer."""

    kind: ClassVar[str] = "expression"
    source: str
    editable: bool = False


@dataclass(frozen=True, kw_only=True)
class BackpropWalk(Step):
    """Step through ``backward()`` on the graph of ``source``, node by node."""

    kind: ClassVar[str] = "backprop"
    source: str
    editable: bool = False


@dataclass(frozen=True, kw_only=True)
class Predict(Step):
    """A question about the graph of ``source`` (empty: no graph to show)."""

    kind: ClassVar[str] = "predict"
    source: str = ""
    editable: bool = False


@dataclass(frozen=True, kw_only=True)
class Slope(Step):
    """Vary h and watch (f(x+h) − f(x))/h approach the derivative at ``x``.

    ``function`` is an expression in ``x`` (lessons.expr syntax, right-hand
    side only), such as ``3*x**2 - 4*x + 5``. ``name`` and ``variable`` are what
    the step's text calls the function and its input (lesson 8 measures L(b)):
    the panel shows them in place of f and x.
    """

    kind: ClassVar[str] = "slope"
    function: str
    x: float
    hs: tuple[float, ...] = (1.0, 0.1, 0.01, 0.001, 0.0001)
    name: str = "f"
    variable: str = "x"

    def __post_init__(self) -> None:
        object.__setattr__(self, "hs", tuple(float(h) for h in self.hs))
        if not self.hs or any(h == 0 for h in self.hs):
            raise ValueError("a slope step needs non-zero values of h")

    @property
    def shown_function(self) -> str:
        """The function as the text writes it: ``L(b) = (2*b + 10)*(-2.0)``."""
        body = re.sub(r"\bx\b", self.variable, self.function)
        return f"{self.name}({self.variable}) = {body}"

    def f(self, x: float) -> float:
        """The function's value at ``x``, computed by the engine."""
        from lessons.functions import function_value

        return function_value(self.function, x)

    def slope(self, h: float, x: float | None = None) -> float:
        """The forward difference (f(x+h) − f(x))/h at ``x`` (default: the step's x)."""
        x = self.x if x is None else x
        return (self.f(x + h) - self.f(x)) / h

    def derivative(self, x: float | None = None) -> float:
        """The exact slope at ``x``, from the engine's ``backward()``."""
        from lessons.functions import function_slope

        return function_slope(self.function, self.x if x is None else x)


@dataclass(frozen=True, kw_only=True)
class CodeReading(Step):
    """A function or method of the installed engine, read at run time.

    ``target`` is ``"module:qualname"``, e.g. ``"engine.value:Value.__mul__"``;
    ``look_for`` is Markdown saying what to notice in it.
    """

    kind: ClassVar[str] = "code"
    target: str
    look_for: str

    def resolve(self) -> Any:
        """The object ``target`` names (import the module, follow the dots)."""
        return _resolve(self.target, "engine.value:Value.tanh")

    def source(self) -> str:
        """The object's source code as it is installed now, dedented."""
        return textwrap.dedent(inspect.getsource(self.resolve()))

    def location(self) -> tuple[str, int]:
        """(file name, first line number) of the source, for a caption."""
        obj = inspect.unwrap(self.resolve())
        _, first = inspect.getsourcelines(obj)
        return inspect.getsourcefile(obj) or "?", first


@dataclass(frozen=True, kw_only=True)
class Train(Step):
    """A training run with preset settings and, usually, a goal to reach."""

    kind: ClassVar[str] = "train"
    config: TrainConfig
    goal: Goal | None = None
    dataset: str = "moons"  # or "lecture": the lecture's four examples

    DATASETS: ClassVar[tuple[str, ...]] = ("moons", "lecture")

    def __post_init__(self) -> None:
        if self.dataset not in self.DATASETS:
            raise ValueError(f"a train step's dataset is one of {', '.join(self.DATASETS)}")


@dataclass(frozen=True)
class Measured:
    """What a measure step's function found: ``text``, plain lines to show as they
    are (short ones: the panel may be 28 columns wide), and ``figures``, the same
    numbers by name, for whoever wants them as numbers."""

    text: str
    figures: dict[str, float] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Measure(Step):
    """A measurement the learner starts with a key, run on this machine, now.

    ``target`` is ``"module:qualname"`` of a function in ``lessons`` that takes no
    arguments and returns a ``Measured``, e.g. ``"lessons.speed:values_step"``; it may
    take a second or two, so the tutor runs it away from the screen. ``action`` says
    in a few words what the key does ("time 10 steps")."""

    kind: ClassVar[str] = "measure"
    target: str
    action: str

    def resolve(self) -> Callable[[], Measured]:
        """The function ``target`` names."""
        return _resolve(self.target, "lessons.speed:values_step")

    def run(self) -> Measured:
        """Measure: call the function, and make sure it said something."""
        found = self.resolve()()
        if not isinstance(found, Measured):
            raise TypeError(f"{self.target} returned {type(found).__name__}, not Measured")
        return found


def _resolve(target: str, example: str) -> Any:
    """The object ``target`` ("module:qualname") names: import the module, follow the dots."""
    module_name, _, qualname = target.partition(":")
    if not module_name or not qualname:
        raise ValueError(f"target {target!r} should look like {example!r}")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


# -- lessons ----------------------------------------------------------------


@dataclass(frozen=True)
class Lesson:
    """An ordered set of steps about one idea."""

    id: str  # a slug, like "backprop-by-hand"
    number: int
    title: str
    summary: str  # one line
    steps: tuple[Step, ...]

    def __post_init__(self) -> None:
        if not _SLUG.match(self.id):
            raise ValueError(
                f"a lesson id is a lowercase slug like 'values-and-graphs': {self.id!r}"
            )
        steps = tuple(self.steps)
        if not steps:
            raise ValueError(f"lesson {self.id!r} has no steps")
        for step in steps:
            if not isinstance(step, Step) or step.kind not in STEP_KINDS:
                raise TypeError(f"lesson {self.id!r}: {step!r} is not a step")
        object.__setattr__(self, "steps", steps)

    @property
    def slug(self) -> str:
        return self.id

    @property
    def exercises(self) -> list[tuple[int, Exercise]]:
        """(step index, exercise) for every step that has one."""
        return [(i, s.exercise) for i, s in enumerate(self.steps) if s.exercise is not None]
