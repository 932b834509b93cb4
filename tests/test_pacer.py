"""The lab's frame pacer, on a fake clock: no real time passes in these tests."""

from __future__ import annotations

import pytest

from tutor.pacer import (
    BOUNDARY_EVERY,
    CURVES_EVERY,
    LOW_BANDWIDTH_EVERY,
    LOW_BANDWIDTH_NEURONS_EVERY,
    LOW_BANDWIDTH_TICK,
    NEURONS_EVERY,
    REDRAW_TICK,
    FramePacer,
    chart_interval,
    frame_tick,
)

CHARTS = ("loss", "accuracy", "boundary")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def pacer(clock: Clock, tick: float = 0.1) -> FramePacer:
    return FramePacer(CHARTS, tick=tick, clock=clock)


def every_chart_shows(chart: str) -> bool:
    return True


def no_interval(chart: str) -> float:
    return 0.0


def test_the_first_frame_comes_at_once_and_the_next_a_tick_later(clock):
    frames = pacer(clock)
    assert frames.request() == 0.0
    assert frames.request() is None  # one frame asked for at a time
    frames.frame(every_chart_shows, no_interval)
    clock.now += 0.03
    assert frames.request() == pytest.approx(0.07)
    frames.frame(every_chart_shows, no_interval)
    clock.now += 0.5
    assert frames.request() == 0.0  # long overdue: at once, never a negative wait


def test_a_frame_draws_one_stale_chart_and_asks_again_for_the_others(clock):
    frames = pacer(clock)
    frames.mark_stale(*CHARTS)
    drawn = []
    for _ in range(4):
        frames.request()
        frame = frames.frame(every_chart_shows, no_interval)
        drawn.append((frame.chart, frame.again))
        clock.now += 0.1
    assert drawn == [("loss", True), ("accuracy", True), ("boundary", False), (None, False)]
    assert not any(frames.is_stale(chart) for chart in CHARTS)


def test_the_chart_waiting_longest_goes_first(clock):
    frames = pacer(clock)
    frames.mark_stale("loss", "accuracy")
    assert frames.frame(every_chart_shows, no_interval).chart == "loss"
    clock.now += 1
    frames.mark_stale("loss")  # drawn a second ago, while accuracy never was
    assert frames.frame(every_chart_shows, no_interval).chart == "accuracy"
    assert frames.frame(every_chart_shows, no_interval).chart == "loss"


def test_a_chart_not_on_show_waits_without_asking_for_frames(clock):
    frames = pacer(clock)
    frames.mark_stale("boundary")
    frame = frames.frame(lambda chart: chart != "boundary", no_interval)
    assert frame.chart is None and not frame.again
    assert frames.is_stale("boundary")  # drawn once it shows again
    assert frames.frame(every_chart_shows, no_interval).chart == "boundary"


def test_a_chart_is_not_drawn_again_before_its_interval(clock):
    frames = pacer(clock)

    def interval(chart: str) -> float:
        return 0.5

    frames.mark_stale("loss")
    assert frames.frame(every_chart_shows, interval).chart == "loss"
    frames.mark_stale("loss")
    clock.now += 0.3
    frame = frames.frame(every_chart_shows, interval)
    assert frame.chart is None and frame.again  # still stale: another frame will look
    clock.now += 0.2
    assert frames.frame(every_chart_shows, interval).chart == "loss"


def test_cancel_forgets_the_frame_asked_for(clock):
    frames = pacer(clock)
    assert frames.request() == 0.0
    frames.cancel()
    assert frames.request() == 0.0


def test_chart_intervals():
    def interval(chart: str = "loss", **given: object) -> float:
        settings = {"playing": True, "render_seconds": 0.0, "low_bandwidth": False}
        return chart_interval(chart, **{**settings, **given})

    assert interval("boundary", playing=False) == 0.0  # paused: every change at once
    assert interval("neurons", playing=False) == 0.0
    assert interval() == CURVES_EVERY
    assert interval("boundary") == BOUNDARY_EVERY
    assert interval(render_seconds=0.05) == pytest.approx(0.5)  # at most a fifth of the time
    assert interval(render_seconds=1.0) == 1.0  # but at least once a second
    assert interval(low_bandwidth=True) == LOW_BANDWIDTH_EVERY
    assert interval("neurons") == NEURONS_EVERY
    # Over a slow link the panel, most of what goes down the wire, comes less often.
    assert interval("neurons", low_bandwidth=True) == LOW_BANDWIDTH_NEURONS_EVERY > NEURONS_EVERY


def test_frames_come_less_often_over_a_slow_link():
    assert frame_tick(low_bandwidth=False) == REDRAW_TICK
    assert frame_tick(low_bandwidth=True) == LOW_BANDWIDTH_TICK >= 5 * REDRAW_TICK
