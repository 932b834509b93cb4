"""Waiting for the screen in a Pilot test, without waiting for the machine to be idle.

``pilot.pause()`` waits until the whole process has used no CPU for a fiftieth of a
second: 20 ms at the least, and up to a second while a training thread or a Markdown
parser runs. ``settle`` waits only for what the screen itself has to do, so a test that
waits for the UI (not for a worker) uses it; a test that waits for a worker waits for
the worker's result by name (``app.workers.wait_for_complete()``, a condition).
"""

from __future__ import annotations

import asyncio
import time

from textual.events import Resize
from textual.geometry import Size
from textual.widgets import Markdown


async def settle(pilot, timeout: float = 30.0) -> None:
    """Let the screen finish laying itself out and paint it, without waiting for the
    machine to be idle: until Markdown documents are parsed (Textual parses them in a
    thread), the layout is refreshed, after-refresh callbacks have run, every widget
    has handled what was sent to it meanwhile, and what changed is painted."""
    app = pilot.app
    deadline = time.monotonic() + timeout  # a busy machine parses slowly, never forever
    while time.monotonic() < deadline:
        screen = app.screen
        nodes = [app, *screen.walk_children(with_self=True)]
        waiting = any(node._message_queue.qsize() for node in nodes)
        parsing = any(document.lock.is_locked for document in screen.query(Markdown))
        layout = screen._layout_required or screen._scroll_required
        if layout:
            screen._on_timer_update()
        elif screen._callbacks:
            await screen._invoke_and_clear_callbacks()
        elif not (waiting or parsing):
            await pilot._wait_for_screen()  # one last round for anything posted just now
            if not (screen._layout_required or screen._scroll_required or screen._callbacks):
                screen._on_timer_update()  # and paint what changed, as pilot.pause() ends
                return
        await asyncio.sleep(0.001 if parsing else 0)
    raise AssertionError(
        f"the screen never settled: layout {screen._layout_required}, scroll "
        f"{screen._scroll_required}, callbacks {screen._callbacks}, parsing "
        f"{[d for d in screen.query(Markdown) if d.lock.is_locked]}, waiting "
        f"{[n for n in nodes if n._message_queue.qsize()]}"
    )


async def resize(pilot, width: int, height: int) -> None:
    """``pilot.resize_terminal``, then ``settle`` instead of its ``pilot.pause()``: the
    app passes a resize on to its screens after a 1/120 s timer, which is waited for."""
    app = pilot.app
    size = Size(width, height)
    app._driver._size = size  # the headless driver's own size, as Pilot sets it
    app.post_message(Resize(size, size))
    await pilot._wait_for_screen()
    while app._resize_timer is not None:
        await asyncio.sleep(0.002)
    await settle(pilot)
