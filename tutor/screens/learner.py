"""Who is learning? Asked first when several learners share one tutor (serve)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from lessons.progress import MAX_NAME, learner_slug
from tutor.messages import LearnerNamed
from tutor.textual_compat import InOrderInput
from tutor.widgets.footer import CompactFooter
from tutor.widgets.header import TutorHeader

__all__ = ["LearnerScreen"]

WHY = (
    "This tutor is shared, so your progress is kept under your name. "
    "Type the same name next time to carry on where you left off."
)


class LearnerScreen(Screen[None]):
    """A name in (``LearnerNamed``, for the app to act on); asked once."""

    TITLE = "Who is learning?"
    AUTO_FOCUS = "#learner-name"

    def __init__(self) -> None:
        super().__init__()
        self.named = False
        """Whether a name was given: a second Enter in the same burst does nothing."""

    def compose(self) -> ComposeResult:
        yield TutorHeader()
        with Vertical(id="learner-box"):
            yield Static("Your name", id="learner-title", classes="panel-caption")
            yield Static(WHY, id="learner-why")
            yield InOrderInput(
                placeholder="your name, then Enter", max_length=MAX_NAME, id="learner-name"
            )
            yield Static(id="learner-problem")
        yield CompactFooter()

    @on(Input.Submitted, "#learner-name")
    def _named(self, event: Input.Submitted) -> None:
        if self.named:
            return
        name = event.value.strip()
        if learner_slug(name) is None:
            problem = "Type a name first." if not name else "A name needs a letter or a digit."
            self.query_one("#learner-problem", Static).update(problem)
            return
        self.query_one("#learner-problem", Static).update("")
        self.named = True
        self.post_message(LearnerNamed(name))
