"""The training lab on the learner's own engine: the child side.

``lessons.workbench.runner.run_probe(workspace, "train", args=...,
probe_module="lessons.workbench.training")`` starts a child Python that imports this
module and calls ``run("train", args)``. It builds the learner's ``MLP(2, [*hidden, 1])``
from ``mygrad.nn``, copies the tutor's first weights into it (so the learner's run and
the tutor's start from the same numbers, whatever order the learner drew theirs in),
and trains it with the tutor's loss and update written in plain Value operations, as
micrograd's demo writes them, the learner's ``zero_grad()`` and ``backward()``::

    losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(yb, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = alpha * sum((p*p for p in parameters))
    total = data_loss + reg_loss

in the order ``engine.train.TrainingRun`` does its arithmetic, so that a correct engine
gives the same losses as the tutor's to the last few bits. The tutor compares them
(``lessons.workbench.training_match``); nothing here judges.

``args``: ``X``, ``y`` (training points and labels ±1), ``X_test``, ``y_test``,
``hidden`` (sizes), ``parameters`` (first values, in ``parameters()`` order), ``loss``
("hinge" or "mse"), ``alpha``, ``rates`` (the learning rate of every step; their number
is the number of steps), ``batch_size`` (None: full batch) and ``seed`` (its batches are
``random.Random(seed).sample``, as the tutor's), ``play`` (start at once), and the
points to score (``points``, ``tag``) with ``score_interval``, ``score_share``.

Events (``child.emit``): ``{"kind": "ready", "parameters": n}`` once the model is made;
``{"kind": "step", "step", "loss", "train_accuracy", "test_accuracy", "learning_rate",
"grad_norm", "test_loss"}`` after every step (the figures of ``engine.train.StepReport``);
``{"kind": "scores", "tag", "values", "steps_done"}`` for the watched points, at most
every ``score_interval`` seconds and at most ``score_share`` of the time while training,
at once while paused; ``{"kind": "diverged", "step", "what", "where"}`` when the numbers
blow up; ``{"kind": "working"}`` now and then while many points are scored (so the
tutor's quiet timeout, meant for a step that never ends, lets a long scoring be).
Commands (``child.commands``): ``{"do": "play" | "pause" | "step" | "stop"}``,
``{"do": "points", "points": [[x, y], ...] | None, "tag": n}``.

The run ends after its last step or when its numbers blow up; the child then stays, to
score points asked for (the lab's boundary, resized), until told to stop. The result:
``{"status": "finished" | "stopped" | "diverged", "steps_done": n}``, or
``{"status": "unfit", "why": ..., ...}`` when the learner's network is not the one the
run needs (too few parameters, a list of lists, a list for one output). An exception in
the learner's code escapes, and the runner reports it at its file and line.

Standard library only: it runs in the child, beside the learner's code.
"""

from __future__ import annotations

import gc
import math
import os
import random
import sys
import time

__all__ = ["run"]


def run(probe: str, args: dict) -> dict:
    if probe != "train":
        raise ValueError(f"no probe called {probe!r}")
    # Imported here, in the child, with the workspace first on sys.path: an error in
    # the learner's files escapes, and the runner reports it at its file and line.
    from mygrad.nn import MLP

    from lessons.workbench.child import commands, emit

    return _Training(args, emit, commands).run(MLP)


class _Training:
    def __init__(self, args: dict, emit, commands) -> None:
        self.emit = emit
        self.commands = commands
        self.X = [list(map(float, p)) for p in args["X"]]
        self.y = [float(v) for v in args["y"]]
        self.X_test = [list(map(float, p)) for p in args.get("X_test") or []]
        self.y_test = [float(v) for v in args.get("y_test") or []]
        self.hidden = [int(n) for n in args["hidden"]]
        self.initial = [float(v) for v in args["parameters"]]
        self.loss = args["loss"]
        self.alpha = float(args["alpha"])
        self.rates = [float(r) for r in args["rates"]]
        batch = args.get("batch_size")
        self.full_batch = batch is None or batch >= len(self.y)
        self.batch_size = None if self.full_batch else int(batch)
        # The tutor's TrainingRun draws its batches from random.Random(seed): so do we.
        self.batch_rng = random.Random(args["seed"])
        self.playing = bool(args.get("play"))
        self.step_asked = False
        self.stopped = False
        self.steered = False  # commands have come through a pipe
        self.points = args.get("points")
        self.tag = args.get("tag")
        self.score_interval = float(args.get("score_interval", 0.5))
        self.score_share = float(args.get("score_share", 0.2))
        self.next_score_at = 0.0
        self.scored: tuple[object, int] | None = None
        self.steps_done = 0
        self.model = None
        self.params: list = []

    # -- the learner's network

    def run(self, MLP) -> dict:
        self.model = MLP(len(self.X[0]), [*self.hidden, 1])
        unfit = self._take_parameters(self.model.parameters())
        if unfit is None:
            unfit = self._one_output(self.model(self.X[0]))
        if unfit is not None:
            return {"status": "unfit", **unfit}
        self.emit({"kind": "ready", "parameters": len(self.params)})
        # The learner's Values make reference cycles (each _backward closes over its
        # node): collected after every step rather than scanned again and again
        # during one, which makes training several times faster.
        gc.disable()
        try:
            return self._loop()
        finally:
            gc.enable()

    def _take_parameters(self, found) -> dict | None:
        try:
            params = list(found)
        except TypeError:
            return {"why": "not-a-list", "type": type(found).__name__}
        for index, p in enumerate(params):
            if not (hasattr(p, "data") and hasattr(p, "grad")):
                return {"why": "item", "index": index, "type": type(p).__name__}
        if len(params) != len(self.initial):
            return {"why": "count", "yours": len(params), "tutors": len(self.initial)}
        if len({id(p) for p in params}) != len(params):
            return {"why": "repeated"}
        for p, value in zip(params, self.initial, strict=True):
            p.data = value
            p.grad = 0.0
        self.params = params
        return None

    @staticmethod
    def _one_output(out) -> dict | None:
        if hasattr(out, "data") and hasattr(out, "backward"):
            return None
        length = len(out) if isinstance(out, (list, tuple)) else None
        return {"why": "output", "type": type(out).__name__, "length": length}

    # -- the loop

    def _loop(self) -> dict:
        """Steps while playing (or asked for one), commands between them. Once the run
        has ended, the network stays to score the points the tutor asks about, until it
        says stop (or closes the pipe, or never gave one)."""
        steps = len(self.rates)
        ended = ""  # "finished" or "diverged"
        while not self.stopped:
            if not ended and self.steps_done >= steps:
                ended = "finished"
            if ended:
                self.playing = self.step_asked = False
                self._score_if_due()
            listening = self._obey(wait=bool(ended) or not (self.playing or self.step_asked))
            if self.stopped or (ended and not listening):
                break
            if not ended and (self.playing or self.step_asked):
                self.step_asked = False
                diverged = self._step(self.steps_done)
                gc.collect()
                if diverged is not None:
                    self.emit(diverged)
                    ended = "diverged"
                    continue
            self._score_if_due()
        return {"status": ended or "stopped", "steps_done": self.steps_done}

    def _obey(self, *, wait: bool) -> bool:
        """Carry out the tutor's commands; False when it sends none (no pipe, or closed)."""
        found = self.commands(wait)
        if found is None and self.steered:  # the tutor closed the pipe: it has gone
            self.stopped = True
        if found is None:  # no pipe (workbench verify): train to the end unasked
            self.playing = not self.stopped
            return False
        self.steered = True
        for command in found:
            do = command.get("do")
            if do == "play":
                self.playing = True
            elif do == "pause":
                self.playing = False
            elif do == "step":
                self.playing, self.step_asked = False, True
            elif do == "stop":
                self.stopped = True
            elif do == "points":
                self.points, self.tag = command.get("points"), command.get("tag")
                self.scored = None
        return True

    def _step(self, k: int) -> dict | None:
        """One step of TrainingRun._take_step, on the learner's network; a "diverged"
        event if the numbers blew up (the parameters then stay as they were)."""
        lr = self.rates[k]
        X, y = self.X, self.y
        if self.full_batch:
            Xb, yb = X, y
        else:
            picked = self.batch_rng.sample(range(len(y)), self.batch_size)
            Xb, yb = [X[i] for i in picked], [y[i] for i in picked]
        params = self.params
        try:
            scores = [self.model(x) for x in Xb]
            total = self._data_loss(scores, yb)
            if self.alpha:
                total = total + self.alpha * sum(p * p for p in params)
            loss = total.data
            if not math.isfinite(loss):
                return _diverged(k, f"The loss became {loss} at step {k + 1}")
            self.model.zero_grad()
            total.backward()
            grad_norm = math.hypot(*(p.grad for p in params))
            if not math.isfinite(grad_norm):
                blown = "inf" if math.isinf(grad_norm) else "nan"
                return _diverged(k, f"The gradients became {blown} at step {k + 1}")
            if self.full_batch:
                train_accuracy = _accuracy([s.data for s in scores], yb)
            else:
                train_accuracy = _accuracy(self._predict(X), y)
            test_accuracy = test_loss = None
            if self.X_test:
                test_scores = self._predict(self.X_test)
                test_accuracy = _accuracy(test_scores, self.y_test)
                test_loss = self._float_loss(test_scores, self.y_test)
            updated = [p.data - lr * p.grad for p in params]
            if not all(map(math.isfinite, updated)):
                return _diverged(k, f"The parameters became too large for a float at step {k + 1}")
        except ArithmeticError as error:  # e.g. math.exp overflowing in the learner's tanh
            return _diverged(k, f"The numbers blew up at step {k + 1} ({error})", _where(error))
        del scores, total
        for p, new_data in zip(params, updated, strict=True):
            p.data = new_data
        self.steps_done = k + 1
        self.emit(
            {
                "kind": "step",
                "step": k,
                "loss": loss,
                "train_accuracy": train_accuracy,
                "test_accuracy": test_accuracy,
                "learning_rate": lr,
                "grad_norm": grad_norm,
                "test_loss": test_loss,
            }
        )
        return None

    def _data_loss(self, scores: list, ys: list[float]):
        n = len(scores)
        if self.loss == "mse":
            squares = [(scorei - yi) ** 2 for yi, scorei in zip(ys, scores, strict=True)]
            return sum(squares) * (1.0 / n)
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(ys, scores, strict=True)]
        return sum(losses) * (1.0 / n)

    def _float_loss(self, scores: list[float], ys: list[float]) -> float:
        """The same loss on plain numbers (the tutor's test loss: data loss, plus the
        L2 term, each added left to right, as ``engine.losses.loss_of_numbers``)."""
        total = 0.0
        for s, y in zip(scores, ys, strict=True):  # left to right, as a chain of Value additions
            if self.loss == "mse":
                d = s + -y
                total += d**2.0
            else:
                t = 1 + -y * s
                total += t if t > 0 else 0.0
        loss = total * (1.0 / len(scores))
        if self.alpha:
            squares = 0.0
            for p in self.params:
                squares += p.data * p.data
            loss += self.alpha * squares
        return loss

    def _predict(self, points: list[list[float]]) -> list[float]:
        found = []
        said = time.monotonic()
        for i, point in enumerate(points):
            found.append(self.model(point).data)
            if i % 100 == 99:
                gc.collect()  # each call leaves a graph of garbage behind
                if time.monotonic() - said > 2:  # many points on a big network: still here
                    said = time.monotonic()
                    self.emit({"kind": "working"})
        return found

    def _score_if_due(self) -> None:
        if self.points is None:
            return
        if self.scored == (self.tag, self.steps_done):
            return  # these points were scored on this very model
        now = time.monotonic()
        if self.playing and now < self.next_score_at:
            return
        values = self._predict(self.points)
        gc.collect()
        cost = time.monotonic() - now
        self.next_score_at = now + max(self.score_interval, cost / self.score_share)
        self.scored = (self.tag, self.steps_done)
        self.emit(
            {"kind": "scores", "tag": self.tag, "values": values, "steps_done": self.steps_done}
        )


def _accuracy(scores: list[float], ys: list[float]) -> float:
    right = 0
    for score, y in zip(scores, ys, strict=True):
        right += (y > 0) == (score > 0)
    return right / len(scores)


def _diverged(step: int, what: str, where: dict | None = None) -> dict:
    return {"kind": "diverged", "step": step, "what": what, "where": where}


def _where(error: BaseException) -> dict | None:
    """Where in the learner's files ``error`` was raised: the last frame in the
    ``mygrad`` package (file relative to the workspace, line, the line's code)."""
    package = sys.modules.get("mygrad")
    folder = os.path.dirname(os.path.abspath(getattr(package, "__file__", "") or ""))
    if not folder:
        return None
    workspace = os.path.dirname(folder)
    found = None
    tb = error.__traceback__
    while tb is not None:
        filename = os.path.abspath(tb.tb_frame.f_code.co_filename)
        if filename.startswith(folder + os.sep):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    error.__traceback__ = None  # its frames hold the learner's graph
    if found is None:
        return None
    filename, line = found
    import linecache

    code = linecache.getline(filename, line).strip()
    relative = os.path.relpath(filename, workspace).replace(os.sep, "/")
    return {"file": relative, "line": line, "code": code[:300] or None}
