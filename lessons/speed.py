"""What lesson 13 measures: a training step built from Values, its graph, its tape,
and the same step replayed from the tape.

Each ``Measure`` step of the lesson names one function here; the tutor runs it
away from the screen when the learner presses its key, and shows the ``Measured``
text it returns. Everything is measured now, on this machine, with the engine as
it is installed: micrograd's demo recipe (``TrainConfig()``: 100 moons, an MLP of
2-16-16-1 with ReLU, the hinge loss plus L2), full batch. Times are the wall clock
of whole ``TrainingRun.step()`` calls; the machine's other work shows in them, so
the text gives medians and says what they are of.

The lines are short (at most 28 characters): the panel beside the lesson's text
is that narrow at 60 columns.
"""

from __future__ import annotations

import random
import statistics
import time
from collections import Counter

from engine.losses import hinge_loss, l2_penalty
from engine.nn import Neuron
from engine.tape import Tape
from engine.train import TrainConfig, TrainingRun
from engine.value import Value, topological_order
from lessons.model import Measured

__all__ = [
    "DEMO",
    "graph_shapes",
    "neuron_ops",
    "replay_step",
    "step_graph",
    "tape_print",
    "values_step",
]

DEMO = TrainConfig()
"""micrograd's demo recipe; ``replay`` decides how each step is taken."""

TIMED_STEPS = 10
REPLAYED_STEPS = 20  # each way, taking turns in blocks of BLOCK
BLOCK = 5


def _ms(seconds: float) -> str:
    milliseconds = seconds * 1000
    return f"{milliseconds:.1f} ms" if milliseconds < 100 else f"{milliseconds:.0f} ms"


def _timed_steps(run: TrainingRun, steps: int) -> list[float]:
    """The wall-clock seconds of each of the next ``steps`` steps of ``run``."""
    times = []
    for _ in range(steps):
        began = time.perf_counter()
        run.step()
        times.append(time.perf_counter() - began)
    return times


def step_graph(run: TrainingRun) -> Value:
    """The loss of ``run``'s next step (full batch, the hinge loss plus L2), built
    from Values as a step on Values builds it: the whole graph hangs from it."""
    scores = [run.model(x) for x in run.dataset.X_train]
    loss = hinge_loss(scores, run.dataset.y_train)
    if run.config.alpha:
        loss = loss + l2_penalty(run.model.parameters(), run.config.alpha)
    return loss


def _shape(loss: Value) -> tuple[Counter, list[tuple[str, tuple[int, ...]]]]:
    """The op counts of the graph under ``loss`` ("" for the leaves), and its shape
    node by node: each node's op and where its operands are in the order."""
    order = topological_order(loss)
    position = {node: i for i, node in enumerate(order)}
    shape = [(node._op, tuple(position[child] for child in node._prev)) for node in order]
    return Counter(op for op, _ in shape), shape


def values_step() -> Measured:
    """Step (a): time ten steps of the demo recipe built from Values."""
    run = TrainingRun(DEMO.replace(replay=False))
    nodes = len(topological_order(step_graph(run)))
    times = _timed_steps(run, TIMED_STEPS)
    median = statistics.median(times)
    text = "\n".join(
        [
            f"{TIMED_STEPS} steps of the demo,",
            "built from Values:",
            "",
            f"  median  {_ms(median)} a step",
            f"  fastest {_ms(min(times))}",
            f"  slowest {_ms(max(times))}",
            "",
            "Each step built a graph of",
            f"{nodes:,} Values, ran",
            "backward() through it,",
            "and threw it away.",
        ]
    )
    return Measured(text, {"median": median, "nodes": nodes, "steps": TIMED_STEPS})


def graph_shapes() -> Measured:
    """Step (b): the graphs of two steps in a row, op by op."""
    run = TrainingRun(DEMO.replace(replay=False))
    first = step_graph(run)
    counts_1, shape_1 = _shape(first)
    weights_before = [p.data for p in run.model.parameters()]
    run.step()
    second = step_graph(run)
    counts_2, shape_2 = _shape(second)
    moved = sum(
        before != p.data for before, p in zip(weights_before, run.model.parameters(), strict=True)
    )
    rows = [(op or "leaf", counts_1[op], counts_2[op]) for op in counts_1]
    rows.sort(key=lambda row: -row[1])
    lines = [f"{'node':<7}{'step 1':>9}{'step 2':>9}"]
    lines += [f"{name:<7}{a:>9,}{b:>9,}" for name, a, b in rows]
    lines.append(f"{'all':<7}{sum(counts_1.values()):>9,}{sum(counts_2.values()):>9,}")
    lines.append(f"{'loss':<7}{first.data:>9.4f}{second.data:>9.4f}")
    same = shape_1 == shape_2
    lines += [
        "",
        f"Weights changed: {moved} of {len(weights_before)}.",
        "Same op on the same",
        f"operands, node by node: {'yes' if same else 'no'}.",
    ]
    figures = {
        "nodes": sum(counts_1.values()),
        "same_shape": float(same),
        "moved": moved,
        "loss_1": first.data,
        "loss_2": second.data,
    }
    return Measured("\n".join(lines), figures)


def _short_line(tape: Tape, node: int, room: int = 28) -> str:
    """A line of the tape, its operands cut to what fits: ``n9 = sum(n0, n2, …)``."""
    line = tape.line(node)
    if len(line) <= room:
        return line
    slots = tape.operand_slots(node)
    head = f"{tape.slot_name(tape.first_node + node)} = {tape.op_name(node)}("
    tail = ", …)"
    shown: list[str] = []
    for slot in slots:
        if len(head) + len(", ".join([*shown, tape.slot_name(slot)])) + len(tail) > room:
            break
        shown.append(tape.slot_name(slot))
    return head + ", ".join(shown) + tail


def tape_print() -> Measured:
    """Step (c): record a demo step's tape and print its start, its end and its ops."""
    run = TrainingRun(DEMO)  # replay=True: the first step records the tape
    run.step()
    tape = run.tape
    if tape is None:
        raise RuntimeError("the first step did not record a tape")
    first = [_short_line(tape, i) for i in range(4)]
    last = [_short_line(tape, i) for i in range(tape.nodes - 3, tape.nodes)]
    counts = tape.op_counts()
    lines = [
        f"{tape.n_parameters} parameters  p0 …",
        f"{tape.n_inputs} inputs      x0 …",
        f"{len(tape.constants)} constants   c0 …",
        f"{tape.nodes:,} nodes     n0 …",
        "",
        *first,
        "…",
        *last,
        "",
        "nodes by op:",
        *(f"  {count:>6,}  {op}" for op, count in counts.items()),
    ]
    figures = {"nodes": tape.nodes, **{f"op {op}": n for op, n in counts.items()}}
    return Measured("\n".join(lines), figures)


def neuron_ops(activation: str = "relu", *, on: bool = True) -> tuple[str, ...]:
    """The ops a tape records for one neuron of 2 inputs on one point, oldest first:
    a neuron that is ``on`` (its weighted sum above 0) or off."""
    neuron = Neuron(2, activation, random.Random(0))
    for w in neuron.w:
        w.data = 1.0
    point = [Value(1.0), Value(1.0)] if on else [Value(-1.0), Value(-1.0)]
    out = neuron(point)
    tape = Tape.record(out, neuron.parameters(), point)
    return tuple(tape.op_name(i) for i in range(tape.nodes))


def replay_step() -> Measured:
    """Step (e): the demo recipe both ways, taking turns; the same losses, the times."""
    values = TrainingRun(DEMO.replace(replay=False))
    tape = TrainingRun(DEMO)
    values_times: list[float] = []
    tape_times: list[float] = []
    while len(tape_times) < REPLAYED_STEPS:
        values_times += _timed_steps(values, BLOCK)
        tape_times += _timed_steps(tape, BLOCK)
    recording, replays = tape_times[0], tape_times[1:]
    losses = [(a.loss, b.loss) for a, b in zip(values.history, tape.history, strict=True)]
    equal = all(a == b for a, b in losses) and values.history == tape.history
    weights = [p.data for p in values.model.parameters()] == [
        p.data for p in tape.model.parameters()
    ]
    slow, fast = statistics.median(values_times), statistics.median(replays)
    ratio = slow / fast
    n = len(losses)
    lines = [
        f"{n} steps each way, in",
        f"turns of {BLOCK}.",
        "",
        "loss at step 1",
        f"  Values {losses[0][0]!r}",
        f"  tape   {losses[0][1]!r}",
        f"loss at step {n}",
        f"  Values {losses[-1][0]!r}",
        f"  tape   {losses[-1][1]!r}",
        f"Every report equal: {'yes' if equal else 'no'}.",
        f"Every weight equal: {'yes' if weights else 'no'}.",
        "",
        "a step, median:",
        f"  Values  {_ms(slow)}",
        f"  tape    {_ms(fast)}",
        f"  replay is {ratio:.0f}× faster",
        "",
        "recording the tape (the",
        f"first step): {_ms(recording)}",
    ]
    figures = {
        "values_median": slow,
        "tape_median": fast,
        "ratio": ratio,
        "recording": recording,
        "equal": float(equal),
        "weights_equal": float(weights),
        "steps": n,
    }
    return Measured("\n".join(lines), figures)
