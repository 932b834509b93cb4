"""The question asked before an exercise, answered in the workbench by keyboard alone
and kept; exercise 16's loss curves, held back until the learner has predicted them;
and an older course's nn.py note replaced as the workbench opens (issue #14)."""

from __future__ import annotations

import json

import pytest
from workbench_screen_support import SIZE, make_app, settle, verdict_text, write_engine

from lessons.workbench.exercises import get_exercise
from lessons.workbench.workspace import OLD_STUBS, REFERENCE, stub_text
from tutor.screens.dialogs import QuestionDialog, TextDialog
from tutor.widgets.workbench_panels import curves_text
from tutor.workbench_session import WorkbenchProgress

NN = "mygrad/nn.py"
REFERENCE_NN = (REFERENCE / "mygrad" / "nn.py").read_text(encoding="utf-8")
SOLVED = (REFERENCE / "mygrad" / "engine.py").read_text(encoding="utf-8")


def _question_text(screen) -> str:
    return str(screen.query_one("#wb-question").render())


async def test_exercise_16_asks_first_and_then_shows_both_loss_curves(tmp_path):
    home = tmp_path / "home"
    write_engine(home, SOLVED)
    (home / "workbench" / NN).write_text(REFERENCE_NN)
    app = make_app(home, current="training")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        assert screen.verdict.passed and len(screen.verdict.curves) == 2
        shown = verdict_text(screen)
        assert "The curves show once you have answered the question" in shown
        assert "without" not in shown and "8.0000" not in shown  # nothing given away
        assert "a  answers it" in _question_text(screen)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, QuestionDialog)
        await pilot.press("2")  # a wrong prediction, by its number
        await pilot.pause()
        feedback = str(app.screen.query_one("#question-feedback").render())
        assert "✗ Not quite. You said: 2. It stops falling" in feedback
        assert "The answer: 3. It falls faster at first" in feedback
        await pilot.press("1")  # a prediction is made once: the choices are closed now
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        kept = WorkbenchProgress(home / "workbench.json").answer("training")
        assert kept == {"text": get_exercise(16).question.choices[1], "right": False}
        shown = verdict_text(screen)
        assert "step  with zero_grad()" in shown and "without" in shown
        rows = [line.split() for line in shown.splitlines() if line[:4].strip().isdigit()]
        assert [row[0] for row in rows] == [str(step) for step in range(20)]
        assert rows[-1][1] == "0.0167" and rows[-1][-2:] == ["8.0000", "█" * 16]
        assert "momentum by accident" in shown
        assert "✗ not quite" in _question_text(screen).casefold()
        await pilot.press("a")  # answered: a shows the answer again, read-only
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)


async def test_a_number_is_asked_again_until_it_reads_and_escape_waits(tmp_path):
    """Exercise 12's question, in a workspace whose nn.py is still the older course's
    note: the workbench replaces it (unedited, nothing lost) and says so."""
    home = tmp_path / "home"
    write_engine(home, SOLVED)
    old = home / "workbench" / NN
    old.write_text(OLD_STUBS[NN][0])
    app = make_app(home, current="module")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        assert old.read_text() == stub_text(NN)
        notices = [n.message for n in app._notifications]
        assert any("mygrad/nn.py now holds the stubs of exercises 12-17" in n for n in notices)
        assert screen.verdict.mistake == "not written yet"
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("escape")  # later: nothing kept, a still asks
        await pilot.pause()
        assert app.screen is screen
        assert WorkbenchProgress(home / "workbench.json").answer("module") is None
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"minus six", "enter")
        await pilot.pause()
        feedback = str(app.screen.query_one("#question-feedback").render())
        assert feedback.startswith("Type a number")
        await pilot.press("ctrl+a", "ctrl+k", *"-6", "enter")
        await pilot.pause()
        assert "✓ Right: -6" in str(app.screen.query_one("#question-feedback").render())
        await pilot.press("escape")  # answered: escape closes and keeps it
        await pilot.pause()
        assert app.screen is screen
        data = json.loads((home / "workbench.json").read_text())
        assert data["exercises"]["module"]["answer"] == {"text": "-6", "right": True}
        assert "✓ Right: -6" in _question_text(screen)


async def test_an_exercise_without_a_question_has_no_answer_key(tmp_path):
    home = tmp_path / "home"
    app = make_app(home, current="layer")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        assert get_exercise("layer").question is None
        assert not screen.query_one("#wb-question").display
        assert not screen.check_action("answer", ()) and not screen.check_action("your_answer", ())
        await pilot.press("a")
        await pilot.pause()
        assert app.screen is screen


def test_questions_judge_numbers_choices_and_whys():
    twice = get_exercise("module").question
    assert twice.kind == "number" and twice.judge("−6") and not twice.judge("6")
    with pytest.raises(ValueError, match="Type a number"):
        twice.judge("six")
    assert get_exercise("deep-graphs").question.judge("1024")  # "about 1,000"
    training = get_exercise("training").question
    assert training.kind == "choice" and training.judge("3") and not training.judge("1")
    assert training.judge(training.correct)
    with pytest.raises(ValueError, match="Pick one"):
        training.judge("7")
    why = get_exercise("backward").question
    assert why.kind == "text" and why.judge("anything at all") is None


def test_curves_share_one_scale_and_read_without_colour():
    text = str(curves_text((("a", (4.0, 2.0, 1.0)), ("b", (4.0, 8.0))), "a note")).splitlines()
    assert text[1].split() == ["step", "a", "b"]
    assert text[2].split() == ["0", "4.0000", "█" * 8, "4.0000", "█" * 8]
    assert text[3].split() == ["1", "2.0000", "████", "8.0000", "█" * 16]
    assert text[4].split() == ["2", "1.0000", "██"]  # b has no step 2
    assert text[-1] == "a note"
