"""The ``micrograd-tutor`` command: flags in, an exit code out, never a traceback.

    micrograd-tutor                     resume where you left off (lesson 1 the first time)
    micrograd-tutor --lesson 3          open lesson 3 (or --lesson backprop-by-hand)
    micrograd-tutor --list              print the lessons, ✓ for completed ones
    micrograd-tutor playground "EXPR"   explore the graph of an expression
    micrograd-tutor playground          ... of the lecture's first expression, to edit
    micrograd-tutor --reset-progress    forget all progress (asks first)
    micrograd-tutor --learner NAME      keep NAME's progress apart (a shared account)
    micrograd-tutor learners            list those learners and how far each has got
    micrograd-tutor --low-bandwidth     fewer redraws, for a slow link
                                        (or set MICROGRAD_TUTOR_LOW_BANDWIDTH=1)
    micrograd-tutor --ascii             draw with ASCII only, for a terminal without
                                        line drawing (or MICROGRAD_TUTOR_ASCII=1);
                                        on by itself in a locale that is not UTF-8,
                                        --no-ascii (MICROGRAD_TUTOR_ASCII=0) keeps it off
    micrograd-tutor serve               the tutor in web browsers, on this machine only
    micrograd-tutor workbench [init|verify] [--dir DIR]
                                        Build micrograd: your own Value, checked;
                                        alone at a terminal it opens the app's workbench

--low-bandwidth, --ascii, --learner and --ask-learner go before or after the
command (``micrograd-tutor train --low-bandwidth``). Textual is imported only
when the app is about to run, so the flags that just print something answer at once.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from engine.train import TrainConfig
from lessons.curriculum import Curriculum
from lessons.progress import (
    ProgressStore,
    learner_home,
    learner_slug,
)
from lessons.registry import default_curriculum
from tutor import performance
from tutor.cli_report import print_courses, print_learners, print_notice
from tutor.serve import DEFAULT_HOST, DEFAULT_PORT, check_public_url
from tutor.serve_guard import SERVER_PID_VARIABLE
from tutor.train_settings import FIELDS as TRAIN_FIELDS
from tutor.train_settings import (
    MINE,
    MINE_ACTIVATION,
    config_from_arguments,
    experiment_from_arguments,
    experiments_listing,
    mine_cost_problems,
)
from tutor.train_settings import add_arguments as add_train_arguments

PROG = "micrograd-tutor"

LOW_BANDWIDTH_ENV = "MICROGRAD_TUTOR_LOW_BANDWIDTH"

# Exit codes: 0 done, 1 the learner declined (reset not confirmed), 2 bad command line.
EXIT_OK = 0
EXIT_DECLINED = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line on stderr (and exit code 2), not the usage block."""

    def error(self, message: str) -> NoReturn:
        pointer = "" if "(see --" in message else " (see --help)"
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}{pointer}\n")

    def print_help(self, file: TextIO | None = None) -> None:
        # argparse's own ignores a failed write: --help > /dev/full said nothing, exit code 0.
        (file if file is not None else sys.stdout).write(self.format_help())


class _VersionAction(argparse.Action):
    """Like argparse's "version", but reads the installed version only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, nargs=0, help=kwargs.get("help"))

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> NoReturn:
        print(f"{PROG} {_version()}")
        parser.exit(EXIT_OK)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PROG)
    except PackageNotFoundError:
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Learn how backpropagation works, on a small scalar autograd engine.",
        epilog="Keys inside the app: ? shows them all; ctrl+q saves and quits.",
    )
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
    _add_global_arguments(parser)
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument(
        "--lesson", metavar="N", help="open lesson N (its number, or its name from --list)"
    )
    choice.add_argument(
        "--list", action="store_true", help="print the lessons (✓ = completed) and exit"
    )
    choice.add_argument(
        "--reset-progress",
        action="store_true",
        help="forget all progress (asks for confirmation first) and exit",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    playground = commands.add_parser(
        "playground",
        help="explore the computation graph of an expression",
        description="Open the graph explorer on an expression; ';' separates statements.",
    )
    playground.add_argument(
        "expression",
        metavar="EXPR",
        nargs="?",
        help='for example: "a = 2; b = -3; c = a*b + 1" (none: the lecture\'s first '
        "expression, to edit)",
    )
    train = commands.add_parser(
        "train",
        help="train a network on the moons (or circles, XOR, blobs, a spiral) in the lab",
        description=(
            "Open the training lab. The options preset its settings; "
            "the defaults are micrograd's demo recipe."
        ),
    )
    add_train_arguments(train)
    commands.add_parser(
        "learners",
        help="list the learners who keep progress here, and how far each has got",
        description=(
            "For a teacher: list the learners whose progress is kept apart under the "
            "progress folder (serve's tabs, --learner NAME), with what each has done."
        ),
    )
    from lessons.workbench.cli import add_arguments as add_workbench_arguments

    add_workbench_arguments(
        commands.add_parser(
            "workbench",
            help="Build micrograd: write your own Value, checked by the tutor",
            description=(
                "The 'Build micrograd' course: write your own micrograd in a workspace "
                "folder; verify checks each exercise and names your mistake."
            ),
        )
    )
    serve = commands.add_parser(
        "serve",
        help="serve the tutor to web browsers (needs the 'serve' extra)",
        description=(
            "Serve the tutor to web browsers with textual-serve: every browser tab gets "
            "its own tutor. Needs the extra: pip install 'micrograd-tutor[serve]'."
        ),
        epilog=(
            f"WARNING: anyone who can reach the address gets a tutor running as you on this "
            f"machine, with no password. The default host {DEFAULT_HOST} keeps it to this "
            "machine; use --host 0.0.0.0 only on a network you trust. Each tab asks the "
            "learner's name first and keeps their progress under it. The code learners "
            "write in the workbench runs only inside bubblewrap (bwrap); serve says as it "
            "starts whether it can run here."
        ),
    )
    serve.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this machine only)",
    )
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    serve.add_argument(
        "--public-url",
        type=_public_url,
        metavar="URL",
        help=(
            "the address students open, which the page loads from (default: "
            "http://HOSTNAME:PORT with --host 0.0.0.0, else http://HOST:PORT); e.g. "
            "http://192.168.1.20:8000, or https://... behind a proxy"
        ),
    )
    for command in commands.choices.values():
        _add_global_arguments(command, command=True)
    return parser


def _add_global_arguments(parser: argparse.ArgumentParser, *, command: bool = False) -> None:
    """The flags for every command, on the main parser and (``command``) on each
    subcommand's, so they work after it too: ``micrograd-tutor train --low-bandwidth``.

    A subcommand's copies default to SUPPRESS, so one not given there leaves the
    value from before the subcommand as it was."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if command else value

    where = parser.add_argument_group("options for every command") if command else parser
    where.add_argument(
        "--low-bandwidth",
        action="store_true",
        help="for a slow link: no animation, fewer redraws (also MICROGRAD_TUTOR_LOW_BANDWIDTH=1)",
        default=default(None),
    )
    where.add_argument(
        "--ascii",
        action=argparse.BooleanOptionalAction,
        help=(
            "draw with ASCII characters only, for a terminal or font without line drawing; "
            "the default is on in a locale that is not UTF-8, such as LANG=C "
            "(also MICROGRAD_TUTOR_ASCII=1 or 0)"
        ),
        default=default(None),
    )
    who = where.add_mutually_exclusive_group()
    who.add_argument(
        "--learner",
        metavar="NAME",
        type=_learner,
        help=(
            "keep this learner's progress apart from others sharing the account "
            "(each name has its own)"
        ),
        default=default(None),
    )
    who.add_argument(
        "--ask-learner",
        action="store_true",
        help="ask the learner's name first, then keep their progress under it (serve does)",
        default=default(False),
    )


def _learner(text: str) -> str:
    if learner_slug(text) is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a name: it needs a letter or digit")
    return text


def _progress(learner: str | None) -> ProgressStore:
    """The progress store of ``learner``, or of the account when no name is given."""
    return ProgressStore(learner_home(learner) if learner is not None else None)


def _mine_problems(args: argparse.Namespace) -> list[str]:
    """Why ``train --engine mine`` cannot train the learner's own engine, if it cannot."""
    from lessons.workbench.progress import engine_ready

    if args.ask_learner:
        return ["--engine mine: a shared tutor (--ask-learner) does not run the code you write"]
    problems = []
    if args.activation is not None and args.activation != MINE_ACTIVATION:
        problems.append(
            f"--engine mine trains with tanh, your Neuron's activation, not {args.activation}"
        )
    if not engine_ready(_progress(args.learner)):
        problems.append(
            "--engine mine: your engine can train once exercises 1 to 15 of Build micrograd "
            "pass (micrograd-tutor workbench)"
        )
    return problems


def _public_url(text: str) -> str:
    try:
        return check_public_url(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1–65535)")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code.

    Whatever the output's encoding (``PYTHONIOENCODING=ascii``), what it cannot
    spell comes out as ``?``; output that cannot be written (``> /dev/full``) is
    one line on stderr and exit code 1. Never a traceback."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):  # not a text file, or closed
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    try:
        code = _main(argv)
        if sys.stdout is not None:
            sys.stdout.flush()  # here, where a failure is reported, not at exit
    except OSError as error:
        _drop_output()
        with contextlib.suppress(OSError, ValueError):
            print(
                f"{PROG}: error: cannot write the output: {error.strerror or error}",
                file=sys.stderr,
            )
        return 1
    return code


def _drop_output() -> None:
    """Send what is still buffered for stdout to /dev/null: Python flushes it again at
    exit, and would fail again (a closed pipe, a full disk), with a traceback."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _main(argv: Sequence[str] | None) -> int:
    if SERVER_PID_VARIABLE in os.environ:  # a tab's tutor under serve: die with the server
        from tutor.serve_guard import tie_to_server

        tie_to_server()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.learner and args.ask_learner:  # one before the command, one after it
            parser.error("argument --ask-learner: not allowed with argument --learner")
        if args.command and (args.lesson or args.list or args.reset_progress):
            parser.error(
                f"{args.command} cannot be combined with --lesson, --list or --reset-progress"
            )
        if args.command in ("serve", "learners") and (args.learner or args.ask_learner):
            parser.error(f"{args.command} cannot be combined with --learner or --ask-learner")
        low_bandwidth = args.low_bandwidth or low_bandwidth_from_env()
        if args.command == "serve":
            from tutor.serve import serve

            return serve(
                args.host, args.port, public_url=args.public_url, low_bandwidth=low_bandwidth
            )
        if args.command == "workbench":
            if args.ask_learner:
                parser.error("workbench takes --learner NAME, not --ask-learner")
            if args.action is None and _interactive():
                return _run_app(
                    default_curriculum(),
                    lesson=None,
                    playground=None,
                    low_bandwidth=low_bandwidth,
                    ascii_only=_wants_ascii(args),
                    learner=args.learner,
                    workbench=args.dir or True,
                )
            from lessons.workbench.cli import run as run_workbench

            return run_workbench(args.action, args.dir, learner=args.learner)
        # No cycle collection until the first screen is painted (TutorApp turns it
        # back on), and on again here whatever happens.
        performance.hold_collector()
        curriculum = default_curriculum()
        from tutor.terminal import wants_ascii

        ascii_only = wants_ascii(args.ascii)
        if args.command == "learners":
            return print_learners(curriculum, sys.stdout, ascii_only=ascii_only)
        if args.ask_learner and (args.list or args.reset_progress):
            parser.error("--ask-learner is for the app; name the learner with --learner NAME")
        if args.list:
            progress = _progress(args.learner)
            return print_courses(curriculum, progress, sys.stdout, ascii_only=ascii_only)
        if args.reset_progress:
            return _reset_progress(curriculum, _progress(args.learner))
        if args.lesson is not None:
            try:
                curriculum.find(args.lesson)
            except LookupError as error:
                parser.error(f"{error} (see --list)")
        if args.command == "playground" and args.expression is not None:
            problem = _expression_problem(args.expression)
            if problem:
                parser.error(f"cannot build that expression: {problem}")
        train = None
        if args.command == "train":
            if args.list_experiments:
                sys.stdout.write(experiments_listing(PROG))
                return EXIT_OK
            experiment, problems = experiment_from_arguments(args)
            if problems:  # the file first: the options are checked against its settings
                parser.error("; ".join(problems))
            config, problems = config_from_arguments(args, experiment and experiment.config)
            if args.engine == MINE:
                problems += _mine_problems(args)
                config = config.replace(activation=MINE_ACTIVATION)
                if not problems:  # their engine's Values need more memory than ours
                    options = {field.name: field.option for field in TRAIN_FIELDS}
                    found = mine_cost_problems(config).items()
                    problems += [f"{options[name]}: {why}" for name, why in found]
            if problems:
                parser.error("; ".join(problems))
            experiment = experiment and experiment.with_config(config)
            train = (config, args.play, args.engine, experiment)
        return _run_app(
            curriculum,
            lesson=args.lesson,
            # No expression: the playground opens on the lecture's (an empty source).
            playground=(args.expression or "") if args.command == "playground" else None,
            train=train,
            low_bandwidth=low_bandwidth,
            ascii_only=ascii_only,
            learner=args.learner,
            ask_learner=args.ask_learner,
        )
    except SystemExit as exit_:
        # argparse exits for --help, --version and errors; main() reports codes, it never exits.
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `micrograd-tutor --list | head`: the reader left; say nothing more, and make
        # sure Python's own flush at exit does not complain about it either.
        _drop_output()
        return 1
    finally:
        performance.restore_collector()


def _interactive() -> bool:
    """Whether a person is at a terminal: ``workbench`` alone then opens the app's
    workbench; piped or scripted, it prints where the workspace is instead."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _wants_ascii(args: argparse.Namespace) -> bool:
    from tutor.terminal import wants_ascii

    return wants_ascii(args.ascii)


def low_bandwidth_from_env() -> bool:
    """Whether ``MICROGRAD_TUTOR_LOW_BANDWIDTH`` asks for a slow link ("1", "yes", "true", "on")."""
    value = os.environ.get(LOW_BANDWIDTH_ENV, "").strip().casefold()
    return value in ("1", "yes", "true", "on")


def _expression_problem(source: str) -> str | None:
    """Why ``source`` does not build (one line), or None when it does."""
    from engine.value import MathError
    from lessons.expr import ExpressionError, build

    try:
        build(source)
    except ExpressionError as error:
        return f"line {error.line}, column {error.col}: {error.message}"
    except MathError as error:
        return str(error)
    return None


def _reset_progress(curriculum: Curriculum, progress: ProgressStore) -> int:
    print_notice(progress)
    try:
        answer = input(f"Forget all progress in {progress.path}? This cannot be undone. [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().casefold() not in ("y", "yes"):
        print("Nothing changed.")
        return EXIT_DECLINED
    for key in curriculum.progress_keys():
        progress.reset_lesson(key)
    progress.set_position(curriculum.start().key, 0)
    if not progress.saving:
        print(f"{PROG}: error: progress could not be written", file=sys.stderr)
        return EXIT_DECLINED
    print("Progress reset: you start again at lesson 1.")
    return EXIT_OK


def _run_app(
    curriculum: Curriculum,
    *,
    lesson: str | None,
    playground: str | None,
    train: tuple[TrainConfig, bool, str] | None = None,
    low_bandwidth: bool,
    ascii_only: bool = False,
    learner: str | None = None,
    ask_learner: bool = False,
    workbench: bool | Path = False,
) -> int:
    from tutor.app import TutorApp

    app = TutorApp(
        _progress(learner),
        curriculum,
        lesson=lesson,
        playground=playground,
        train=train,
        low_bandwidth=low_bandwidth,
        ascii_only=ascii_only,
        ask_learner=ask_learner,
        workbench=workbench,
    )
    app.run()
    return app.return_code or EXIT_OK
