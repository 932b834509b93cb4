"""The workbench runner: every way a learner's code can go wrong ends in time, with a plain
sentence, and leaves the tutor's process as it was.

Each test writes "learner" code into a temporary workspace and runs it through the
probes in ``tests/workbench_probes_for_tests.py`` with a short wall-clock limit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from lessons.workbench import DEFAULT_LIMITS, Limits, run_probe, runner
from lessons.workbench import child as child_module
from lessons.workbench.child_run import ChildRun

PROBES = "tests.workbench_probes_for_tests"
SHORT = Limits(wall_seconds=2.0)
SLACK = 1.5  # start-up and kill on a busy two-core machine

ENGINE = """\
class Value:
    def __init__(self, data, _children=()):
        self.data = data
        self.grad = 0.0
        self._prev = _children
        self._backward = lambda: None

    def __add__(self, other):
        out = Value(self.data + other.data, (self, other))
        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        out = Value(self.data * other.data, (self, other))
        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def backward(self):
        order, seen = [], set()
        def build(v):
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    build(child)
                order.append(v)
        build(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()
"""


@pytest.fixture(autouse=True)
def no_children_left():
    """After every test, no process of ours is left running or waiting to be reaped."""
    yield
    me = str(os.getpid())
    left = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == me:
            left.append((stat.parent.name, fields[0]))
    assert not left, f"processes left behind (pid, state): {left}"


def workspace(tmp_path: Path, engine: str = ENGINE, init: str = "") -> Path:
    package = tmp_path / "ws" / "mygrad"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(init)
    (package / "engine.py").write_text(textwrap.dedent(engine))
    return package.parent


def call(ws: Path, function: str = "f", limits: Limits = SHORT, **kwargs):
    return run_probe(
        ws, "call", args={"function": function}, limits=limits, probe_module=PROBES, **kwargs
    )


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie nobody has reaped yet is dead for our purposes
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return True


def group_gone(pgid: int) -> bool:
    """No live process is left in the group (orphaned zombies wait for init, harmlessly)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _ppid, group = stat.read_text().rsplit(") ", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(group) == pgid and state != "Z":
            return False
    return True


# --- the good path ---------------------------------------------------------------------


def test_a_probe_returns_its_dict_and_the_learners_prints(tmp_path):
    ws = workspace(
        tmp_path,
        ENGINE.replace(
            "    def backward(self):", "    def backward(self):\n        print('backward!')"
        ),
    )
    done = run_probe(ws, "value", args={"a": 2.0, "b": 3.0}, limits=SHORT, probe_module=PROBES)
    assert done.status == "ok", done
    assert done.result == {"data": 8.0, "grad_a": 4.0, "grad_b": 2.0}
    assert done.error is None and done.message == ""
    assert done.output == "backward!\n" and done.output_cut == 0
    assert done.limits_applied
    assert done.seconds < SHORT.wall_seconds


def test_events_and_output_stream_to_their_callbacks(tmp_path):
    ws = workspace(tmp_path)
    events, chunks = [], []
    done = run_probe(
        ws,
        "events",
        args={"steps": 5},
        limits=SHORT,
        probe_module=PROBES,
        on_event=events.append,
        on_output=chunks.append,
    )
    assert done.status == "ok" and done.result == {"steps": 5}
    assert [e["step"] for e in events] == [0, 1, 2, 3, 4]
    assert events[1]["loss"] == 0.5


def test_the_learners_module_is_imported_fresh_not_from_stale_bytecode(tmp_path):
    ws = workspace(tmp_path, "def f():\n    return 111\n")
    source = ws / "mygrad" / "engine.py"
    stat = source.stat()
    # Bytecode made by another Python, as if the learner had run their code themselves.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ws)], check=True)
    source.write_text("def f():\n    return 222\n")  # same size, same mtime: a stale .pyc
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    done = call(ws)
    assert done.status == "ok" and done.result == {"returned": 222}


# --- the learner's errors ----------------------------------------------------------------


def test_a_syntax_error_names_the_learners_file_line_and_code(tmp_path):
    ws = workspace(tmp_path, "x = 1\ndef f(:\n    return x\n")
    done = call(ws)
    assert done.status == "error"
    assert done.error.kind == "SyntaxError"
    assert (done.error.file, done.error.line) == ("mygrad/engine.py", 2)
    assert done.error.code == "def f(:"
    assert done.message.startswith("mygrad/engine.py, line 2: Python cannot read this line")


def test_an_exception_is_located_in_the_learners_files_only(tmp_path):
    ws = workspace(tmp_path, "def g(v):\n    return v / 0\n\ndef f():\n    return g(1)\n")
    done = call(ws)
    assert done.status == "error"
    assert done.error.kind == "ZeroDivisionError"
    assert (done.error.file, done.error.line, done.error.code) == (
        "mygrad/engine.py",
        2,
        "return v / 0",
    )
    assert done.error.traceback == [("mygrad/engine.py", 5, "f"), ("mygrad/engine.py", 2, "g")]
    assert done.message == "mygrad/engine.py, line 2: ZeroDivisionError: division by zero"


def test_a_missing_package_is_an_import_error(tmp_path):
    ws = tmp_path / "empty"
    ws.mkdir()
    done = call(ws)
    assert done.status == "error"
    assert done.error.kind == "ModuleNotFoundError"
    assert "mygrad" in done.error.message and done.error.file is None


def test_a_bad_import_inside_the_package_points_at_its_line(tmp_path):
    ws = workspace(tmp_path, init="from mygrad.engine import Valeu\n")
    done = call(ws)
    assert done.status == "error" and done.error.kind == "ImportError"
    assert (done.error.file, done.error.line) == ("mygrad/__init__.py", 1)
    assert done.error.code == "from mygrad.engine import Valeu"


def test_deep_recursion_is_a_recursion_error_with_a_short_traceback(tmp_path):
    ws = workspace(tmp_path, "def f(n=0):\n    return f(n + 1)\n")
    done = call(ws)
    assert done.status == "error" and done.error.kind == "RecursionError"
    assert (done.error.file, done.error.line) == ("mygrad/engine.py", 2)
    assert 1 < len(done.error.traceback) <= 40
    assert "calls deep" in done.message


def test_sys_exit_is_reported_as_not_returning(tmp_path):
    ws = workspace(tmp_path, "import sys\ndef f():\n    sys.exit(3)\n")
    done = call(ws)
    assert done.status == "error" and done.error.kind == "SystemExit"
    assert done.message == (
        "Your code called sys.exit() (with code 3); the check needs it to return instead."
    )


def test_os_exit_leaves_no_result(tmp_path):
    ws = workspace(tmp_path, "import os\ndef f():\n    print('bye')\n    os._exit(0)\n")
    done = call(ws)
    assert done.status == "no-result" and done.result is None
    assert "os._exit()" in done.message
    assert done.output == "bye\n"


def test_a_probe_answer_that_is_not_a_dict_or_not_json_is_an_error(tmp_path):
    ws = workspace(tmp_path)
    for probe in ("not_a_dict", "not_json"):
        done = run_probe(ws, probe, limits=SHORT, probe_module=PROBES)
        assert done.status == "error" and done.error.kind == "TypeError", done


def test_a_crash_by_signal_is_named_in_words(tmp_path):
    ws = workspace(
        tmp_path, "import os, signal\ndef f():\n    os.kill(os.getpid(), signal.SIGSEGV)\n"
    )
    done = call(ws)
    assert done.status == "crashed"
    assert "segmentation fault" in done.message and "SIGSEGV" in done.message


# --- limits ----------------------------------------------------------------------------


def test_an_endless_loop_times_out_and_its_process_group_is_gone(tmp_path):
    pid_file = tmp_path / "ws" / "pid"
    ws = workspace(
        tmp_path,
        f"import os\ndef f():\n    open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "    print('started')\n    while True:\n        pass\n",
    )
    done = call(ws)
    assert done.status == "timeout"
    assert done.message.startswith("Your code ran for more than 2 seconds and was stopped.")
    assert "loop that never ends" in done.message
    assert SHORT.wall_seconds <= done.seconds < SHORT.wall_seconds + SLACK
    assert done.output == "started\n"  # what it printed before the end is kept
    pid = int(pid_file.read_text())
    assert not alive(pid) and group_gone(pid)


def test_the_cpu_limit_stops_a_busy_loop(tmp_path):
    ws = workspace(tmp_path, "def f():\n    while True:\n        pass\n")
    done = call(ws, limits=Limits(cpu_seconds=1, wall_seconds=5.0))
    assert done.status == "timeout"
    assert "processor time" in done.message
    assert done.seconds < 1 + SLACK + 1


def test_grabbing_memory_at_once_is_a_memory_error(tmp_path):
    ws = workspace(tmp_path, "def f():\n    return len(bytearray(2 << 30))\n")
    done = call(ws)
    assert done.status == "error" and done.error.kind == "MemoryError"
    assert done.message == "Your code tried to use more than 1 GB of memory and was stopped."
    assert done.error.file == "mygrad/engine.py"


def test_growing_memory_bit_by_bit_is_a_memory_error(tmp_path):
    ws = workspace(
        tmp_path,
        "def f():\n    held = []\n    while True:\n        held.append(bytearray(8 << 20))\n",
    )
    # A smaller limit than the default: filling a gigabyte takes this machine ~3 s.
    done = call(ws, limits=Limits(wall_seconds=2.0, memory_bytes=256 << 20))
    assert done.status == "error" and done.error.kind == "MemoryError", done
    assert done.message == "Your code tried to use more than 256 MB of memory and was stopped."


def test_a_print_flood_is_capped_and_drained_without_filling_the_tutors_memory(tmp_path):
    ws = workspace(
        tmp_path,
        "import sys\ndef f():\n    line = 'x' * 1023 + '\\n'\n"
        "    for _ in range(50 * 1024):\n        sys.stdout.write(line)\n    return 'done'\n",
    )
    tracemalloc.start()
    try:
        done = call(ws)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert done.status == "ok" and done.result == {"returned": "done"}
    assert done.output_cut == 50 * 1024 * 1024 - DEFAULT_LIMITS.output_bytes
    assert done.output.startswith("x" * 1023 + "\n")
    assert "output cut: 52,363,264 more bytes" in done.output
    assert len(done.output) < DEFAULT_LIMITS.output_bytes + 200
    assert "printed more than 64 KB" in done.message
    assert peak < 4 << 20, f"the tutor's process held {peak:,} bytes at its peak"


def test_writing_a_huge_file_hits_the_file_size_limit(tmp_path):
    ws = workspace(
        tmp_path,
        "def f():\n    with open('big.bin', 'wb') as out:\n"
        "        for _ in range(64):\n            out.write(bytes(1 << 20))\n",
    )
    done = call(ws)
    assert done.status == "error", done
    assert done.message.startswith("mygrad/engine.py, line ")
    assert "a file bigger than 8 MB" in done.message
    assert (ws / "big.bin").stat().st_size <= DEFAULT_LIMITS.file_bytes


@pytest.mark.parametrize(
    "body",
    [
        "import os\n    os.fork()",
        "import subprocess\n    subprocess.run(['true'])",
        "import os\n    os.system('true')",
        "import os\n    os.posix_spawn('/bin/true', ['true'], {})",
        "import os\n    os.execv('/bin/true', ['true'])",
        "import ctypes\n    ctypes.CDLL(None).fork()",
        "import multiprocessing\n    multiprocessing.Process(target=print).start()",
    ],
    ids=["fork", "subprocess", "system", "posix_spawn", "exec", "ctypes", "multiprocessing"],
)
def test_new_processes_are_refused(tmp_path, body):
    ws = workspace(tmp_path, f"def f():\n    {body}\n    return 'escaped'\n")
    done = call(ws)
    assert done.status == "error", done
    assert done.message.startswith("Your code tried to "), done.message
    assert "which a check does not allow" in done.message


def test_the_network_is_refused(tmp_path):
    ws = workspace(tmp_path, "import socket\ndef f():\n    socket.socket()\n")
    done = call(ws)
    assert done.status == "error" and done.error.kind == "PermissionError"
    assert done.message == "Your code tried to use the network, which a check does not allow."


def test_writing_outside_the_workspace_is_refused_and_inside_is_fine(tmp_path):
    outside = tmp_path / "outside.txt"
    ws = workspace(
        tmp_path,
        f"def f():\n    open('inside.txt', 'w').write('ok')\n    open({str(outside)!r}, 'w')\n",
    )
    done = call(ws)
    assert done.status == "error"
    assert "outside your workspace" in done.message
    assert (ws / "inside.txt").read_text() == "ok" and not outside.exists()


def test_the_limits_cannot_be_raised_from_inside(tmp_path):
    ws = workspace(
        tmp_path,
        "import resource\ndef f():\n    resource.setrlimit(resource.RLIMIT_CPU, (1000, 1000))\n",
    )
    done = call(ws)
    assert done.status == "error" and "limits" in done.message


def test_without_the_resource_module_the_child_says_so(monkeypatch):
    monkeypatch.setattr(child_module, "resource", None)
    applied, note = child_module._apply_limits(DEFAULT_LIMITS.__dict__)
    assert applied is False
    assert note == "Python's resource module is not available here, so only the time limit holds."


# --- the result channel ----------------------------------------------------------------

FORGERY = """\
import json, os
FAKE = json.dumps({"status": "ok", "result": {"forged": True}, "nonce": "0" * 32})

def spray():
    print(FAKE)
    print(json.dumps({"status": "ok", "result": {"forged": True}}))
    for fd in range(3, 21):
        try:
            os.write(fd, ("\\n" + FAKE + "\\n").encode())
        except OSError:
            pass

def f():
    spray()
    return "genuine"

def f_then_exit():
    spray()
    # It can find the channel by looking, but it cannot sign what it writes there.
    for name in os.listdir("/proc/self/fd"):
        try:
            os.write(int(name), ("\\n" + FAKE + "\\n").encode())
        except OSError:
            pass
    os._exit(0)
"""


def test_a_forged_result_on_stdout_or_low_fds_is_not_accepted(tmp_path):
    ws = workspace(tmp_path, FORGERY)
    done = call(ws)
    assert done.status == "ok" and done.result == {"returned": "genuine"}
    assert '"forged": true' in done.output  # it stayed the learner's output


def test_a_forged_result_on_the_channel_itself_is_not_accepted(tmp_path, monkeypatch):
    rejected = []
    take = runner._Channel.take

    def counting_take(self, line):
        before = self.rejected
        take(self, line)
        if self.rejected > before:
            rejected.append(line)

    monkeypatch.setattr(runner._Channel, "take", counting_take)
    ws = workspace(tmp_path, FORGERY)
    done = call(ws, "f_then_exit")
    assert done.status == "no-result" and done.result is None
    assert rejected, "the forgery never reached the channel, so this test proves nothing"
    assert all(b'"forged": true' in line for line in rejected)


# --- cancel and clean-up ---------------------------------------------------------------


def test_cancel_kills_a_running_check_promptly(tmp_path):
    ws = workspace(
        tmp_path, "import time\ndef f():\n    print('working', flush=True)\n    time.sleep(60)\n"
    )
    cancel = threading.Event()
    set_at = []

    def on_output(text):
        if not set_at:  # the learner's code is running: a new save arrives
            threading.Timer(0.3, lambda: (set_at.append(time.monotonic()), cancel.set())).start()

    done = call(ws, limits=Limits(wall_seconds=10.0), cancel=cancel, on_output=on_output)
    returned_at = time.monotonic()
    assert done.status == "killed"
    assert done.message == "This check was stopped before it finished."
    assert returned_at - set_at[0] < 0.25, f"took {returned_at - set_at[0]:.3f} s"


def test_a_check_cancelled_before_it_starts_ends_at_once(tmp_path):
    cancel = threading.Event()
    cancel.set()
    started = time.monotonic()
    done = call(workspace(tmp_path), cancel=cancel)
    assert done.status == "killed" and time.monotonic() - started < 0.2


def test_the_process_group_is_killed_with_grandchildren_in_it(tmp_path):
    # The runner's own process handling, with a child that is allowed to fork.
    script = (
        "import os, sys, time\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    time.sleep(60)\n"
        "    os._exit(0)\n"
        "print(pid, flush=True)\n"
    )
    run = ChildRun(
        [sys.executable, "-I", "-c", script],
        stdin=b"",
        cwd=tmp_path,
        env=None,
        result_fds=None,
        limits=SHORT,
        cancel=None,
        on_output=None,
        on_line=None,
    )
    run.wait()
    grandchild = int(run.kept.decode())
    assert run.ended == "exit" and run.seconds < 1.5  # the sleeper did not hold the pipe open
    deadline = time.monotonic() + 1
    while alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not alive(grandchild)
    assert group_gone(run.proc.pid)


def test_the_tutors_process_never_imports_or_compiles_the_learners_code(tmp_path):
    marker = "LEARNER_MARKER_4242"
    ws = workspace(tmp_path, f"# {marker}\ndef f():\n    return {marker!r}\n")
    seen = []
    watching = [True]

    def hook(event, args):
        if watching and event in ("compile", "exec", "import", "open"):
            seen.append((event, repr(args)[:500]))

    sys.addaudithook(hook)  # cannot be removed; it stops recording after this test
    try:
        done = call(ws)
    finally:
        watching.clear()
    assert done.status == "ok" and done.result == {"returned": marker}
    assert "mygrad" not in sys.modules and "mygrad.engine" not in sys.modules
    leaks = [(e, a) for e, a in seen if marker in a or str(ws) in a]
    assert not leaks
    assert not any(e in ("compile", "exec") for e, _ in seen), seen
    assert not any(e == "open" and "mygrad" in a for e, a in seen)


def test_the_channel_fd_is_moved_high_and_the_original_closed(tmp_path):
    ws = workspace(
        tmp_path,
        "import os\ndef f():\n    return sorted(int(n) for n in os.listdir('/proc/self/fd'))\n",
    )
    done = call(ws)
    assert done.status == "ok"
    fds = done.result["returned"]
    assert len([fd for fd in fds if 2 < fd < 100]) <= 1  # the one listdir itself opened
    assert any(fd >= 128 for fd in fds)


def test_signal_name_words_cover_the_usual_crashes():
    from lessons.workbench.failures import signalled

    assert signalled(signal.SIGABRT, DEFAULT_LIMITS)[3].endswith("an abort (SIGABRT).")
    assert signalled(signal.SIGKILL, DEFAULT_LIMITS)[0] == "crashed"
    assert signalled(signal.SIGXCPU, DEFAULT_LIMITS)[0] == "timeout"


def test_once_refused_no_learner_code_runs_in_this_process(tmp_path, monkeypatch):
    from lessons.workbench import runner

    ws = tmp_path / "ws"
    ws.mkdir()
    started: list[object] = []
    monkeypatch.setattr(runner, "ChildRun", lambda *a, **k: started.append(a))
    runner.refuse_learner_code()
    done = runner.run_probe(ws, "anything")
    assert done.status == "refused" and done.message == runner.SHARED_TUTOR_REASON
    assert runner.refused_because() == runner.SHARED_TUTOR_REASON
    assert started == []
