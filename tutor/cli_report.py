"""The command line's plain-text reports: ``--list`` (the courses, ✓ for what is done)
and ``learners`` (each named learner's progress), printed so that any terminal shows
them as text: characters the stream cannot encode become ?, and names that would
act on the terminal (escape codes) are spelled out."""

from __future__ import annotations

import sys
from typing import TextIO

from lessons.curriculum import CourseTally, Curriculum
from lessons.progress import LEARNERS, ProgressStore, default_home, learner_homes

__all__ = ["harmless", "print_courses", "print_learners", "print_notice", "printable"]


def printable(text: str, stream: TextIO) -> str:
    """``text`` as the stream can encode it: ✓ and → become ? on an ASCII terminal."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        return text.encode(encoding, "replace").decode(encoding)
    except LookupError:
        return text.encode("ascii", "replace").decode("ascii")


def print_courses(
    curriculum: Curriculum, progress: ProgressStore, out: TextIO, *, ascii_only: bool = False
) -> int:
    """The lessons, ✓ for those finished; then each further course under its title,
    with the name to open an item by (``--lesson build/backward``)."""
    from tutor.terminal import ascii_text

    print_notice(progress)
    mark = "✓" if not ascii_only and printable("✓", out) == "✓" else "*"
    for course in curriculum.courses:
        if course is not curriculum.first:
            print(file=out)
            print(
                printable(ascii_text(course.title) if ascii_only else course.title, out), file=out
            )
        titles = [ascii_text(item.title) if ascii_only else item.title for item in course]
        width = max(map(len, titles))
        for item, title in zip(course, titles, strict=True):
            done = mark if course.item_done(progress, item) else " "
            steps = course.steps_done(progress, item)
            counted = f"{steps}/{len(item.steps)} steps  " if len(item.steps) > 1 else ""
            line = f"{done} {item.number:>2}. {title:<{width}}  {counted}({course.key(item)})"
            print(printable(line, out), file=out)
    return 0


def print_learners(curriculum: Curriculum, out: TextIO, *, ascii_only: bool = False) -> int:
    """Each named learner: lessons and steps done in each course, and where they were last."""
    from tutor.terminal import ascii_text

    home = default_home()
    folders = learner_homes(home)
    if not folders:
        where = home / LEARNERS
        line = f"No learners yet: serve's tabs and --learner NAME keep progress in {where}."
        print(printable(line, out), file=out)
        return 0
    shown = [harmless(folder.name) for folder in folders]
    names = [ascii_text(name) if ascii_only else name for name in shown]
    width = max(map(len, names))
    for folder, name in zip(folders, names, strict=True):
        progress = ProgressStore(folder)
        print_notice(progress)
        figures = "  ".join(
            tally_text(course.noun, course.tally(progress)) for course in curriculum.courses
        )
        where = "not started"
        position = curriculum.resume(progress)
        if position is not None:
            (course, item), step = position
            where = f"at {course.noun} {item.number}, step {step + 1}"
        line = f"{name:<{width}}  {figures}  {where}"
        print(printable(line, out), file=out)
    return 0


def tally_text(noun: str, tally: CourseTally) -> str:
    """``1/13 lessons    6/85 steps``; a course of one-step items (the exercises)
    counts its items alone: ``3/11 exercises``."""
    text = f"{tally.items_done:>2}/{tally.items} {noun}s"
    if tally.steps != tally.items:
        text += f"  {tally.steps_done:>3}/{tally.steps} steps"
    return text


def print_notice(progress: ProgressStore) -> None:
    notice = progress.take_notice()
    if notice:  # it names folders, which may be anyone's
        print("\n".join(map(harmless, notice.split("\n"))), file=sys.stderr)


def harmless(text: str) -> str:
    """``text`` with every character a terminal would act on instead of show (escape
    codes, bidirectional overrides, zero-width marks) spelled out: ``\\x1b[2J``.

    A learner's folder is named by the tutor from letters and digits, but anyone who
    can write to the progress folder can make one named with escape codes, which the
    teacher's terminal would otherwise obey when ``learners`` lists it."""
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)
