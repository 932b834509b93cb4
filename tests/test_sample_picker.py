"""The lab's sample picker: a training sample by number, for the graph explorer."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import Input, Static

from engine.data import lecture_examples
from tutor.widgets.sample_picker import SamplePicker

STYLESHEET = Path(__file__).resolve().parent.parent / "tutor" / "tutor.tcss"
SIZE = (80, 24)


class PickerApp(App[None]):
    CSS_PATH = STYLESHEET

    def __init__(self, picker: SamplePicker) -> None:
        super().__init__()
        self.picker = picker
        self.picked: list[int | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.picker, self.picked.append)


async def test_the_sample_picker_steps_through_samples_and_refuses_others():
    app = PickerApp(SamplePicker(lecture_examples(), index=3))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")  # past the last sample: back to the first
        assert app.screen.query_one(Input).value == "1"
        assert "label +1" in str(app.screen.query_one("#picker-sample", Static).render())
        app.screen.query_one(Input).value = "9"
        await pilot.press("enter")  # there are only 4: refused, still open
        assert isinstance(app.screen, SamplePicker) and app.picked == []
        assert "from 1 to 4" in str(app.screen.query_one("#picker-sample", Static).render())
        app.screen.query_one(Input).value = "2"
        await pilot.press("enter")
        assert app.picked == [1]


async def test_escape_cancels_and_keys_after_it_are_ignored():
    picker = SamplePicker(lecture_examples())
    app = PickerApp(picker)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("up")  # before the first: the last
        assert picker.query_one(Input).value == "4"
        await pilot.press("escape", "down", "enter", "escape")
        assert app.picked == [None]  # dismissed once, with nothing
        assert not await app.run_action("move(1)", picker)
        assert app.is_running and app.screen is not picker
