"""What an exercise of "Build micrograd" is, as data: ``Exercise``, ``Question``, ``Curve``.

The exercises themselves are ``lessons.workbench.exercises`` (all of them, as
``EXERCISES``) and ``lessons.workbench.exercises_nn`` (12 on).
"""

from __future__ import annotations

from dataclasses import dataclass

from lessons.workbench.scenarios import Check, checks_for

__all__ = ["Curve", "Exercise", "Question"]


@dataclass(frozen=True)
class Question:
    """Asked before an exercise: a prediction (``number`` is its answer, right within
    ``tolerance``), a choice (``correct`` is one of ``choices``), or a "why" (neither:
    any answer is taken, and ``answer`` is shown to compare with)."""

    prompt: str
    answer: str  # the explanation, shown once the learner has answered
    number: float | None = None
    choices: tuple[str, ...] = ()
    correct: str | None = None
    tolerance: float = 1e-6

    @property
    def kind(self) -> str:
        """``"choice"``, ``"number"`` or ``"text"`` (a "why": any answer is taken)."""
        if self.choices:
            return "choice"
        return "number" if self.number is not None else "text"

    def judge(self, given: str) -> bool | None:
        """Whether the learner's answer is right; None for a "why". Raises ValueError
        (with what to type) for a number that cannot be read, or a choice not offered."""
        if self.choices:
            text = " ".join(given.split())
            if text.isdigit() and 1 <= int(text) <= len(self.choices):
                text = self.choices[int(text) - 1]
            if text not in self.choices:
                raise ValueError(f"Pick one of the {len(self.choices)} answers, by its number.")
            return text == self.correct
        if self.number is None:
            return None
        from lessons.checks import TYPE_A_NUMBER, parse_number

        value = parse_number(given)
        if value is None:
            raise ValueError(TYPE_A_NUMBER)
        return abs(value - self.number) <= self.tolerance


@dataclass(frozen=True)
class Curve:
    """A list of numbers one check observes (a loss at each step), drawn beside the
    exercise's other curves once it passes."""

    check: str  # the check's id
    path: str  # its observation, a list of numbers
    title: str  # the column's heading


@dataclass(frozen=True)
class Exercise:
    number: int
    id: str
    title: str
    prose: str  # Markdown: the idea
    task: str  # Markdown: what to write, and where
    hints: tuple[str, ...]  # from a nudge to nearly the code
    question: Question | None = None
    file: str = "mygrad/engine.py"
    curves: tuple[Curve, ...] = ()
    curves_note: str = ""  # what to see in the curves, shown under them
    one_line: str = ""  # for a list or the command palette; the title when empty

    @property
    def checks(self) -> tuple[Check, ...]:
        return checks_for(self.number)

    @property
    def summary(self) -> str:
        """One line for a list or the command palette."""
        return self.one_line or self.title

    @property
    def steps(self) -> tuple[str, ...]:
        """An exercise is one step for the curriculum: its checks pass."""
        return (self.title,)
