"""The curriculum as data: it loads, it is ordered, every piece is real."""

from __future__ import annotations

import inspect
import math
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import lessons
from engine.train import TrainConfig, TrainingRun
from lessons import checks
from lessons.explain import BackpropStepper
from lessons.expr import build
from lessons.model import (
    ANSWER_KINDS,
    STEP_KINDS,
    BackpropWalk,
    CodeReading,
    Exercise,
    ExpressionStep,
    Feedback,
    Goal,
    Lesson,
    Measure,
    Predict,
    Prose,
    Slope,
    Train,
)
from lessons.registry import _course
from tutor.train_driver import named_dataset

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "engine"
PANE_WIDTH = 44  # code lines must fit the lesson pane at 80×24

CURRICULUM = [
    "derivative-as-slope",
    "values-and-graphs",
    "backprop-by-hand",
    "chain-rule",
    "reused-nodes",
    "neuron",
    "tanh-from-exp",
    "gradient-check",
    "neuron-layer-mlp",
    "gradient-descent",
    "moons",
    "experiments",
    "why-frameworks-are-fast",
]

ALL = lessons.all_lessons()


def run_for(step: Train) -> TrainingRun:
    """A fresh run of the step's settings on its data, as the training lab makes it."""
    return TrainingRun(step.config, dataset=named_dataset(step.dataset)[1])


def steps(kinds: tuple[type, ...] = (object,), *, exercises: bool = False) -> list:
    """Every step of these types, as test parameters named lesson.step."""
    return [
        pytest.param(step, id=f"{lesson.number}.{i}")
        for lesson in ALL
        for i, step in enumerate(lesson.steps)
        if isinstance(step, kinds) and (step.exercise is not None or not exercises)
    ]


# -- the curriculum -----------------------------------------------------------------


def test_the_thirteen_lessons_come_in_the_lecture_order():
    assert [lesson.id for lesson in ALL] == CURRICULUM
    assert [lesson.number for lesson in ALL] == list(range(1, 14))


def test_every_lesson_has_a_title_a_one_line_summary_and_3_to_8_steps():
    for lesson in ALL:
        assert lesson.title.strip() and lesson.summary.strip()
        assert "\n" not in lesson.summary and len(lesson.summary) <= 100
        assert 3 <= len(lesson.steps) <= 8, lesson.id
        assert lesson.exercises, f"{lesson.id} has no checked exercise"
        assert lesson.slug == lesson.id


def test_each_lesson_is_one_file_named_after_it():
    files = sorted(p.stem for p in (ROOT / "lessons" / "content").glob("l[0-9][0-9]_*.py"))
    expected = [f"l{n:02d}_{slug.replace('-', '_')}" for n, slug in enumerate(CURRICULUM, 1)]
    assert files == expected


def test_lessons_can_be_looked_up_by_number_or_slug():
    assert lessons.get_lesson(3).id == "backprop-by-hand"
    assert lessons.get_lesson("3").id == "backprop-by-hand"
    assert lessons.get_lesson("moons").number == 11
    for missing in (0, 14, "nope", " "):
        with pytest.raises(LookupError):
            lessons.get_lesson(missing)


def test_all_lessons_returns_a_fresh_list():
    first = lessons.all_lessons()
    first.clear()
    assert len(lessons.all_lessons()) == 13


def test_importing_lessons_does_not_import_the_user_interface():
    code = textwrap.dedent(
        """
        import sys
        import lessons
        lessons.all_lessons()
        lessons.ProgressStore
        banned = ("textual", "rich", "plotext", "textual_plotext")
        print(sorted(m for m in sys.modules if m.split(".")[0] in banned))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# -- adding a lesson means adding one file -------------------------------------------


LESSON_FILE = """
from lessons import checks
from lessons.model import Exercise, Lesson, Predict, Prose

LESSON = Lesson(
    id="{slug}",
    number={number},
    title="Extra",
    summary="One more.",
    steps=(
        Prose(title="Hello", text="Hi."),
        Predict(
            title="Two",
            text="1 + 1",
            exercise=Exercise("1 + 1?", checks.number(2.0), ("Count.",), "Two."),
        ),
        Prose(title="Bye", text="Bye."),
    ),
)
"""


@pytest.fixture
def extra_content(tmp_path, monkeypatch):
    """A second folder in the lessons.content package, to drop lesson files into."""
    from lessons import content, registry

    folder = tmp_path / "more"
    folder.mkdir()
    monkeypatch.setattr(content, "__path__", [*content.__path__, str(folder)])
    registry._load.cache_clear()
    yield folder
    registry._load.cache_clear()
    for name in [m for m in sys.modules if m.startswith("lessons.content.l9")]:
        del sys.modules[name]


def test_a_new_lesson_file_is_found_and_ordered_by_number(extra_content):
    (extra_content / "l95_extra.py").write_text(
        LESSON_FILE.format(slug="extra", number=95), encoding="utf-8"
    )
    found = lessons.all_lessons()
    assert [lesson.id for lesson in found] == [*CURRICULUM, "extra"]
    assert lessons.get_lesson(95).steps[1].exercise.check("2").ok


def test_a_duplicate_number_is_refused_at_load(extra_content):
    (extra_content / "l96_again.py").write_text(
        LESSON_FILE.format(slug="another-three", number=3), encoding="utf-8"
    )
    with pytest.raises(ValueError, match="number 3"):
        lessons.all_lessons()


def test_a_duplicate_id_is_refused_at_load(extra_content):
    (extra_content / "l97_again.py").write_text(
        LESSON_FILE.format(slug="moons", number=97), encoding="utf-8"
    )
    with pytest.raises(ValueError, match="id 'moons'"):
        lessons.all_lessons()


def test_a_file_without_a_lesson_is_refused(extra_content):
    (extra_content / "l98_empty.py").write_text("X = 1\n", encoding="utf-8")
    with pytest.raises(TypeError, match="LESSON"):
        lessons.all_lessons()


def test_duplicates_are_named():
    one = ALL[0]
    twin = Lesson(one.id, 99, "Twin", "A copy.", one.steps)
    with pytest.raises(ValueError, match="derivative-as-slope"):
        _course([one, twin])


# -- steps: the fields the tutor relies on --------------------------------------------


@pytest.mark.parametrize("step", steps())
def test_every_step_has_a_known_kind_a_title_and_text(step):
    assert step.kind in STEP_KINDS
    assert step.title.strip() and step.text.strip()
    kinds = {
        Prose: "prose",
        ExpressionStep: "expression",
        BackpropWalk: "backprop",
        Predict: "predict",
        Slope: "slope",
        CodeReading: "code",
        Train: "train",
        Measure: "measure",
    }
    assert kinds[type(step)] == step.kind


def _markdown_of(step) -> list[str]:
    texts = [step.text]
    if isinstance(step, CodeReading):
        texts.append(step.look_for)
    return texts


MARKUP = re.compile(r"`|\*\*[A-Za-z]|(?<![\w*])\*\w[^*]*\*(?![\w*])|^#|^- ", re.MULTILINE)


@pytest.mark.parametrize("step", steps(exercises=True))
def test_exercise_text_is_plain_text_in_paragraphs(step):
    ex = step.exercise
    for text in (ex.prompt, ex.explanation, *ex.hints, *ex.choices):
        assert not MARKUP.search(text), f"Markdown in plain text: {text!r}"
        for paragraph in text.split("\n\n"):
            assert "\n" not in paragraph and paragraph == paragraph.strip()


def test_exercise_text_is_joined_into_paragraphs():
    ex = Exercise("Two\nlines?", _check, ("a\n  b",), "One\ntwo.\n\nThree\n four.")
    assert (ex.prompt, ex.hints, ex.explanation) == (
        "Two lines?",
        ("a b",),
        "One two.\n\nThree four.",
    )


@pytest.mark.parametrize("step", steps())
def test_markdown_fits_the_lesson_pane(step):
    for text in _markdown_of(step):
        assert text.count("```") % 2 == 0, "an unclosed code block"
        inside = False
        for line in text.splitlines():
            if line.startswith("```"):
                inside = not inside
                continue
            assert not line.lstrip().startswith("|"), "tables do not fit the pane"
            if inside:
                assert len(line) <= PANE_WIDTH, f"code line too wide: {line!r}"
        assert "\t" not in text


@pytest.mark.parametrize("step", steps((ExpressionStep, BackpropWalk, Predict)))
def test_every_graph_source_builds_with_the_engine(step):
    assert isinstance(step.editable, bool)
    if isinstance(step, Predict) and not step.source:
        return
    program = build(step.source)
    assert program.output is not None
    for line in step.source.splitlines():
        assert len(line) <= PANE_WIDTH


@pytest.mark.parametrize("step", steps((BackpropWalk,)))
def test_a_backprop_walk_ends_with_the_grads_of_backward(step):
    walked = build(step.source)
    stepper = BackpropStepper(walked.output)
    stepper.run_all()
    reference = build(step.source)
    reference.output.backward()
    for name, value in walked.values.items():
        assert value.grad == pytest.approx(reference.values[name].grad, rel=1e-12), name


@pytest.mark.parametrize("step", steps((Slope,)))
def test_a_slope_step_approaches_the_engines_derivative(step):
    exact = step.derivative()
    assert math.isfinite(step.f(step.x)) and math.isfinite(exact)
    # The smallest h that is not so small that rounding takes over.
    h = min((h for h in step.hs if abs(h) >= 1e-5), key=abs)
    assert step.slope(h) == pytest.approx(exact, abs=1e-3 * max(1.0, abs(exact)))
    # The table is a sequence of shrinking h, which is what the learner watches.
    assert list(step.hs) == sorted(step.hs, key=abs, reverse=True)


def test_a_slope_is_the_forward_difference():
    step = lessons.get_lesson(1).steps[1]
    f = lambda x: 3 * x**2 - 4 * x + 5  # noqa: E731
    assert step.f(3.0) == 20.0
    assert step.slope(0.1) == pytest.approx((f(3.1) - f(3.0)) / 0.1, rel=1e-12)
    assert step.slope(0.1, x=-3.0) == pytest.approx((f(-2.9) - f(-3.0)) / 0.1, rel=1e-12)
    assert step.derivative() == 14.0


@pytest.mark.parametrize("step", steps((CodeReading,)))
def test_every_code_reading_resolves_to_real_project_source(step):
    assert step.target.startswith(("engine.", "lessons.explain."))
    source = step.source()
    obj = step.resolve()
    assert source == textwrap.dedent(inspect.getsource(obj))
    assert re.match(r"(@\w+\s+)*(def|class) ", source)
    path, line = step.location()
    assert Path(path).resolve().parent in (ENGINE.resolve(), ENGINE.parent / "lessons" / "explain")
    assert line >= 1
    # Whatever the lesson quotes in backticks must still be in the code.
    flat = " ".join(source.split())
    quoted = re.findall(r"`([^`]+)`", step.look_for)
    assert quoted, "look_for should quote the lines to look at"
    for snippet in quoted:
        assert " ".join(snippet.split()) in flat, f"{snippet!r} is no longer in {step.target}"


def test_a_code_reading_with_a_bad_target_fails_clearly():
    step = CodeReading(title="t", text="t", target="engine.value", look_for="x")
    with pytest.raises(ValueError, match=r"engine\.value:Value\.tanh"):
        step.source()
    missing = CodeReading(title="t", text="t", target="engine.value:Value.nope", look_for="x")
    with pytest.raises(AttributeError):
        missing.source()


@pytest.mark.parametrize("step", steps((Train,)))
def test_every_train_step_has_a_valid_config(step):
    assert isinstance(step.config, TrainConfig)
    assert step.config.problems() == []
    if step.goal is not None:
        assert step.goal.metric in Goal.METRICS
        if step.goal.at_least is not None:
            assert 0 < step.goal.at_least <= 1
        if step.goal.metric == "test_accuracy":
            assert step.config.test_fraction > 0, "a test goal needs a test split"
    run = run_for(step)
    assert run.status == "ready" and run.config == step.config


# -- exercises ------------------------------------------------------------------------


@pytest.mark.parametrize("step", steps(exercises=True))
def test_every_exercise_has_a_prompt_hints_and_an_explanation(step):
    ex = step.exercise
    assert ex.prompt.strip() and ex.explanation.strip()
    assert 1 <= len(ex.hints) <= 3 and all(h.strip() for h in ex.hints)
    assert ex.answer_kind in ANSWER_KINDS
    assert bool(ex.choices) == (ex.answer_kind == "choice")
    assert len(set(ex.choices)) == len(ex.choices)
    assert isinstance(ex.placeholder, str)
    if ex.answer_kind == "action":
        assert isinstance(step, (BackpropWalk, Train))


@pytest.mark.parametrize("step", steps(exercises=True))
def test_no_check_raises_on_strange_answers(step):
    for strange in ("", "   ", "∞", "1/0", "nan", "x" * 10_000, None, 3, object(), "\0"):
        feedback = step.exercise.check(strange)
        assert isinstance(feedback, Feedback) and feedback.message
        assert feedback.ok is False or (strange == 3 and step.exercise.answer_kind == "choice")


def test_a_number_answer_that_is_not_a_number_is_told_how_to_type_one():
    ex = lessons.get_lesson(3).steps[1].exercise
    assert ex.check("four").message.startswith("Type a number, like -2.5")


# -- the model's own rules -------------------------------------------------------------


def _check(answer):
    return Feedback(answer == "yes", "ok" if answer == "yes" else "no")


def test_an_exercise_needs_one_to_three_hints():
    with pytest.raises(ValueError, match="one to three hints"):
        Exercise("Q?", _check, (), "Because.")
    with pytest.raises(ValueError, match="one to three hints"):
        Exercise("Q?", _check, ("a", "b", "c", "d"), "Because.")
    assert Exercise("Q?", _check, ["a"], "Because.").hints == ("a",)


def test_an_exercise_knows_its_answer_kinds():
    with pytest.raises(ValueError, match="answer_kind"):
        Exercise("Q?", _check, ("a",), "Because.", answer_kind="essay")
    with pytest.raises(ValueError, match="choices"):
        Exercise("Q?", _check, ("a",), "Because.", answer_kind="choice")
    with pytest.raises(ValueError, match="choices"):
        Exercise("Q?", _check, ("a",), "Because.", choices=("x", "y"))
    assert Exercise("Q?", _check, ("a",), "Because.").placeholder == "a number, like -2.5"


def test_a_check_that_breaks_says_so_instead_of_raising():
    def broken(answer):
        raise ZeroDivisionError("oops")

    ex = Exercise("Q?", broken, ("a",), "Because.")
    feedback = ex.check("1")
    assert feedback.ok is False and "oops" in feedback.message
    wrong_type = Exercise("Q?", lambda a: True, ("a",), "Because.")
    assert wrong_type.check("1") == Feedback(False, "The tutor could not check that answer.")


def test_a_lesson_id_must_be_a_slug():
    for bad in ("Backprop", "two words", "", "-x", "x_y"):
        with pytest.raises(ValueError, match="slug"):
            Lesson(bad, 1, "T", "S", (Prose(title="t", text="t"),))
    with pytest.raises(ValueError, match="no steps"):
        Lesson("ok", 1, "T", "S", ())
    with pytest.raises(TypeError):
        Lesson("ok", 1, "T", "S", ("not a step",))


def test_steps_are_frozen_and_keyword_only():
    step = Prose(title="t", text="x")
    with pytest.raises(AttributeError):
        step.title = "u"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Prose("t", "x")  # type: ignore[misc]


def test_a_goal_is_met_by_a_report_at_or_above_it():
    goal = Goal("test_accuracy", 0.95)

    class Report:
        def __init__(self, test_accuracy):
            self.test_accuracy = test_accuracy

    assert goal.met(Report(0.95)) and goal.met(Report(1.0))
    assert not goal.met(Report(0.94)) and not goal.met(Report(None))
    assert not goal.met(Report(float("nan")))
    assert goal.describe() == "test accuracy ≥ 95%"
    with pytest.raises(ValueError, match="metric"):
        Goal("speed", 0.1)


def test_a_loss_goal_is_met_at_or_below_it():
    goal = Goal("loss", at_most=0.01)

    class Report:
        def __init__(self, loss):
            self.loss = loss

    assert goal.met(Report(0.01)) and goal.met(Report(0.0))
    assert not goal.met(Report(0.02)) and not goal.met(Report(float("inf")))
    assert goal.describe() == "loss ≤ 0.01"
    for both_or_neither in ({}, {"at_least": 0.5, "at_most": 0.9}):
        with pytest.raises(ValueError, match="either"):
            Goal("loss", **both_or_neither)


def test_a_reached_goal_says_the_value_and_the_bound_once():
    class Report:
        test_accuracy = 1.0
        loss = 0.004

    reached = checks.reach(Goal("test_accuracy", 0.95))(Report())
    assert reached.ok
    assert reached.message == "Goal reached: test accuracy 100% (the goal: ≥ 95%)."
    missed = checks.reach(Goal("loss", at_most=0.001))(Report())
    assert not missed.ok and missed.message == "Loss is 0.004; the goal is loss ≤ 0.001."


def test_a_train_step_knows_its_datasets():
    with pytest.raises(ValueError, match="dataset"):
        Train(title="t", text="t", config=TrainConfig(), dataset="mnist")
    lecture = lessons.get_lesson(10).steps[3]
    run = run_for(lecture)
    assert run.dataset.name == "lecture examples" and run.parameter_count == 41


# -- the answer-checking helpers -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("-4", -4.0),
        ("−4", -4.0),
        ("– 4", -4.0),
        ("6.0", 6.0),
        (" 0.5 ", 0.5),
        (".5", 0.5),
        ("+2", 2.0),
        ("1e-3", 0.001),
        ("2.5E2", 250.0),
        ("2/3", 2 / 3),
        ("−1/2", -0.5),
        ("1 / 4", 0.25),
        ("-1/-4", 0.25),
        ("1\u202f000", 1000.0),
        (7, 7.0),
        (2.5, 2.5),
    ],
)
def test_numbers_are_read_leniently(text, value):
    assert checks.parse_number(text) == value


@pytest.mark.parametrize(
    "text",
    ["", " ", "abc", "1/0", "1/2/3", "/2", "nan", "inf", "-inf", "1e999", "0x10", "1_000",
     "2,5", "1..2", "--1", "(2)", "6*x", None, True, float("nan"), "9" * 200],
)  # fmt: skip
def test_things_that_are_not_numbers_are_refused(text):
    assert checks.parse_number(text) is None


def test_numbers_are_printed_as_the_lessons_write_them():
    assert checks.fmt(-4.0) == "−4"
    assert checks.fmt(0.70710678) == "0.7071"
    assert checks.fmt(-0.0) == "0"
    assert checks.fmt(1e-9) == "1e−09"
    assert checks.fmt(6.4e232) == "6.4e+232"
    assert checks.fmt(float("inf")) == "∞"


def test_a_number_check_teaches_on_the_way():
    check = checks.number(
        lambda: -4.0, tol=1e-3, misses=[(6.0, "6 is a.grad.")], wrong="Remember * swaps."
    )
    assert check("-4").ok and check("−4.0004").ok
    assert not check("-4.01").ok and "Close" in check("-4.005").message
    assert check("6").message == "Not quite. 6 is a.grad."
    assert check("4").message == "Right size, wrong sign. Remember * swaps."
    assert check("17").message == "Not quite: 17 is not it. Remember * swaps."
    assert check("four").message == checks.TYPE_A_NUMBER


def test_a_choice_check_takes_the_text_its_number_or_its_letter():
    options = ("Up", "Down", "Same")
    check = checks.choice(options, "Down", wrong={"Up": "No, the other way."})
    for right in ("Down", " down ", "DOWN.", "2", "b", 2):
        assert check(right).ok, right
    assert check("Up").message == "No, the other way."
    assert not check("Same").ok and not check("4").ok and not check("d").ok
    assert check("sideways").message == "Pick one of the choices."
    with pytest.raises(ValueError):
        checks.choice(options, "Left")
    with pytest.raises(ValueError):
        checks.choice(options, "Up", wrong={"Left": "?"})


def test_an_expression_check_reports_errors_in_the_learners_own_lines():
    ex = lessons.get_lesson(7).steps[2].exercise
    feedback = ex.check("e = (2*n).exp()\no = (e - 1)/(e +")
    assert not feedback.ok and feedback.message.startswith("Line 2, column")
    assert ex.check("o = m + 1").message.startswith("Line 1, column 5: `m` is not defined")
