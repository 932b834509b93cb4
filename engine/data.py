"""Small datasets to train on: the lecture's four examples, and five kinds of
points in a plane, TensorFlow Playground's: moons, circles, XOR, two blobs, a spiral.

Everything here is plain Python floats in tuples -- no NumPy arrays -- so a
learner can print a dataset and read it, and the training loop never mixes
number types. scikit-learn makes the moons, the circles and the blobs, and is
imported only inside the functions that use it, so ``import engine`` stays
quick and works without it; XOR and the spiral are made here, in plain Python.

Every plane dataset is made the same way: ``samples`` points in two classes of
equal size (one more in one class when the number is odd), labelled +1.0 and
-1.0, within about [-2, 2] on either axis so that one learning rate suits them
all; ``noise`` blurs the shape (for most of them, the standard deviation of a
Gaussian jitter); the same ``seed`` always gives the same points, and the
same share ``test_fraction`` of them, picked at random, for the test set.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

__all__ = [
    "DATASETS",
    "Dataset",
    "lecture_examples",
    "make_blobs",
    "make_circles",
    "make_dataset",
    "make_moons",
    "make_spiral",
    "make_xor",
    "split_sizes",
]

DATASETS = ("moons", "circles", "xor", "blobs", "spiral")
"""The datasets :func:`make_dataset` makes, by name."""


@dataclass(frozen=True)
class Dataset:
    """Points and their labels, split into a training set and a test set.

    ``X_train[i]`` is one point (a tuple of features) and ``y_train[i]`` its
    target: +1.0 or -1.0 for the classifiers in this project. The test set
    holds points the model never trains on; it may be empty.
    """

    name: str
    X_train: tuple[tuple[float, ...], ...]
    y_train: tuple[float, ...]
    X_test: tuple[tuple[float, ...], ...] = ()
    y_test: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        # Accept lists (or NumPy rows) but store tuples of plain floats.
        for field in ("X_train", "X_test"):
            rows = tuple(tuple(float(v) for v in row) for row in getattr(self, field))
            object.__setattr__(self, field, rows)
        for field in ("y_train", "y_test"):
            object.__setattr__(self, field, tuple(float(v) for v in getattr(self, field)))
        if not self.X_train:
            raise ValueError("a dataset needs at least one training example")
        for X, y, which in (
            (self.X_train, self.y_train, "training"),
            (self.X_test, self.y_test, "test"),
        ):
            if len(X) != len(y):
                raise ValueError(
                    f"the {which} set has {len(X)} points but {len(y)} labels; "
                    "each point needs exactly one label"
                )
        widths = {len(row) for row in self.X_train + self.X_test}
        if len(widths) != 1 or 0 in widths:
            raise ValueError("every point must have the same number of features, at least 1")

    @property
    def n_features(self) -> int:
        """How many numbers describe one point (the model's number of inputs)."""
        return len(self.X_train[0])


def lecture_examples() -> Dataset:
    """The four examples from Karpathy's lecture: three inputs each, targets 1, -1, -1, 1."""
    xs = [
        [2.0, 3.0, -1.0],
        [3.0, -1.0, 0.5],
        [0.5, 1.0, 1.0],
        [1.0, 1.0, -1.0],
    ]
    ys = [1.0, -1.0, -1.0, 1.0]
    return Dataset("lecture examples", xs, ys)


def split_sizes(n_samples: int, test_fraction: float) -> tuple[int, int]:
    """How many points go to training and how many to testing.

    A test fraction of 0 keeps every point for training. Any other fraction
    keeps at least one point on each side.
    """
    if test_fraction == 0:
        return n_samples, 0
    n_test = min(max(round(n_samples * test_fraction), 1), n_samples - 1)
    return n_samples - n_test, n_test


def _is_whole(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _check(n_samples: object, noise: object, seed: object, test_fraction: object) -> None:
    if not _is_whole(n_samples) or not 2 <= n_samples <= 100_000:
        raise ValueError(
            f"the number of samples must be a whole number from 2 to 100000, not {n_samples!r}"
        )
    if not _is_number(noise) or not 0 <= noise <= 1:
        raise ValueError(f"the noise must be a number from 0 to 1, not {noise!r}")
    if not _is_whole(seed) or not 0 <= seed < 2**32:
        raise ValueError(f"the seed must be a whole number from 0 to 4294967295, not {seed!r}")
    if not _is_number(test_fraction) or not 0 <= test_fraction < 1:
        raise ValueError(
            "the test fraction must be a number from 0 up to (but not including) 1, "
            f"not {test_fraction!r}"
        )


def _split(
    name: str,
    points: list[tuple[float, float]],
    labels: list[float],
    seed: int,
    test_fraction: float,
) -> Dataset:
    """The dataset of these points, ``test_fraction`` of them (picked at random
    from ``seed``) for the test set; both sets keep the points' order."""
    n_samples = len(points)
    _, n_test = split_sizes(n_samples, test_fraction)
    test_ids = set(random.Random(seed).sample(range(n_samples), n_test))
    train = [i for i in range(n_samples) if i not in test_ids]
    test = sorted(test_ids)
    return Dataset(
        name,
        X_train=[points[i] for i in train],
        y_train=[labels[i] for i in train],
        X_test=[points[i] for i in test],
        y_test=[labels[i] for i in test],
    )


def _from_sklearn(X: object, y: object, plus: int = 1) -> tuple[list, list[float]]:
    """scikit-learn's points as tuples of floats, and its labels 0/1 as -1.0/+1.0
    (``plus`` is the label that becomes +1.0)."""
    points = [(float(a), float(b)) for a, b in X]  # type: ignore[attr-defined]
    labels = [1.0 if label == plus else -1.0 for label in y]  # type: ignore[attr-defined]
    return points, labels


def make_moons(
    n_samples: int = 100, noise: float = 0.1, seed: int = 1337, test_fraction: float = 0.0
) -> Dataset:
    """Two interleaving half circles, labelled -1.0 and +1.0 (scikit-learn's ``make_moons``).

    ``noise`` is the standard deviation of the Gaussian jitter added to every
    point. The same ``seed`` always gives the same points; the default 1337
    gives exactly the data of micrograd's demo (which seeds NumPy with 1337
    and calls ``make_moons(n_samples=100, noise=0.1)``).

    With ``test_fraction`` above 0, that share of the points, picked at
    random (again from ``seed``), becomes the test set.
    """
    _check(n_samples, noise, seed, test_fraction)
    from sklearn.datasets import make_moons as sklearn_make_moons

    # random_state=seed draws from RandomState(seed), the same generator that
    # np.random.seed(seed) sets up for the global functions micrograd's demo used.
    X, y = sklearn_make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    points, labels = _from_sklearn(X, y)  # 0/1 -> -1.0/+1.0, micrograd's y*2 - 1
    return _split("moons", points, labels, seed, test_fraction)


CIRCLES_FACTOR = 0.5
"""The inner circle's radius, the outer one's being 1."""


def make_circles(
    n_samples: int = 100, noise: float = 0.1, seed: int = 1337, test_fraction: float = 0.0
) -> Dataset:
    """A ring of -1.0 points (radius 1) round a circle of +1.0 points (radius 0.5),
    by scikit-learn's ``make_circles``: no straight line separates them.

    ``noise`` is the standard deviation of the Gaussian jitter added to every
    point; from about 0.25 on the two circles run into each other. ``seed``
    and ``test_fraction`` as for :func:`make_moons`.
    """
    _check(n_samples, noise, seed, test_fraction)
    from sklearn.datasets import make_circles as sklearn_make_circles

    X, y = sklearn_make_circles(
        n_samples=n_samples, noise=noise, factor=CIRCLES_FACTOR, random_state=seed
    )
    points, labels = _from_sklearn(X, y)  # scikit-learn labels the inner circle 1
    return _split("circles", points, labels, seed, test_fraction)


BLOB_CENTRES = ((1.0, 1.0), (-1.0, -1.0))
"""Where the +1.0 blob and the -1.0 blob are centred."""


def blob_spread(noise: float) -> float:
    """The standard deviation of each blob for ``noise``: 0.35 with none (two
    tight blobs, far apart), 1.0 at 0.5 (two blobs that overlap a lot)."""
    return 0.35 + 1.3 * noise


def make_blobs(
    n_samples: int = 100, noise: float = 0.1, seed: int = 1337, test_fraction: float = 0.0
) -> Dataset:
    """Two round Gaussian clouds of points, +1.0 round (1, 1) and -1.0 round
    (-1, -1), by scikit-learn's ``make_blobs``: a straight line separates them,
    or nearly.

    Noise here is the spread of each cloud (:func:`blob_spread`): with no noise
    at all the points would sit on the two centres, which is no dataset. ``seed``
    and ``test_fraction`` as for :func:`make_moons`.
    """
    _check(n_samples, noise, seed, test_fraction)
    from sklearn.datasets import make_blobs as sklearn_make_blobs

    X, y = sklearn_make_blobs(
        n_samples=n_samples,
        centers=[list(c) for c in BLOB_CENTRES],
        cluster_std=blob_spread(noise),
        random_state=seed,
    )
    points, labels = _from_sklearn(X, y, plus=0)  # centre 0 is the +1.0 blob
    return _split("blobs", points, labels, seed, test_fraction)


XOR_GAP = 0.1
"""How far from the axes the XOR points are kept (before their jitter), so the
four quadrants start apart, as TensorFlow Playground keeps them."""


def make_xor(
    n_samples: int = 100, noise: float = 0.1, seed: int = 1337, test_fraction: float = 0.0
) -> Dataset:
    """Points in the four quadrants, +1.0 where x and y have the same sign and
    -1.0 where they differ: exclusive or, the classic that one straight line
    cannot separate (two can).

    Every point is drawn at random in [-1.1, -0.1] or [0.1, 1.1] on each axis,
    in a quadrant of its class (the classes alternate, so they are of equal
    size), labelled by that quadrant, then jittered by a Gaussian of standard
    deviation ``noise``: enough noise takes points over the axes into the other
    class's quadrant. Made in plain Python from ``seed``; ``test_fraction`` as
    for :func:`make_moons`.
    """
    _check(n_samples, noise, seed, test_fraction)
    rng = random.Random(f"xor {seed}")
    points, labels = [], []
    for i in range(n_samples):
        label = 1.0 if i % 2 == 0 else -1.0
        x = rng.uniform(XOR_GAP, 1 + XOR_GAP) * rng.choice((1.0, -1.0))
        y = rng.uniform(XOR_GAP, 1 + XOR_GAP) * label * math.copysign(1.0, x)
        points.append((x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)))
        labels.append(label)
    return _split("xor", points, labels, seed, test_fraction)


SPIRAL_RADIUS = 1.5
"""The radius at the end of each arm."""

SPIRAL_TURNS = 1.75
"""How many times each arm winds round the centre, as in TensorFlow Playground."""


def make_spiral(
    n_samples: int = 100, noise: float = 0.1, seed: int = 1337, test_fraction: float = 0.0
) -> Dataset:
    """Two arms winding out of the centre, one of +1.0 points and one of -1.0
    points, the second turned half a turn from the first: TensorFlow
    Playground's hardest dataset, which needs a network that bends a lot.

    Along each arm the points go evenly from the centre out to radius
    :data:`SPIRAL_RADIUS` over :data:`SPIRAL_TURNS` turns; the arms are about
    0.43 apart. ``noise`` is the standard deviation of the Gaussian jitter
    added to every point (from about 0.2 the arms blur into each other). Made
    in plain Python from ``seed``; ``test_fraction`` as for :func:`make_moons`.
    """
    _check(n_samples, noise, seed, test_fraction)
    rng = random.Random(f"spiral {seed}")
    points, labels = [], []
    for label, n, turned in (
        (1.0, n_samples - n_samples // 2, 0.0),
        (-1.0, n_samples // 2, math.pi),
    ):
        for i in range(n):
            share = i / n
            r = share * SPIRAL_RADIUS
            t = SPIRAL_TURNS * 2 * math.pi * share + turned
            x = r * math.sin(t) + rng.gauss(0.0, noise)
            y = r * math.cos(t) + rng.gauss(0.0, noise)
            points.append((x, y))
            labels.append(label)
    return _split("spiral", points, labels, seed, test_fraction)


_MAKERS = {
    "moons": make_moons,
    "circles": make_circles,
    "xor": make_xor,
    "blobs": make_blobs,
    "spiral": make_spiral,
}


def make_dataset(
    name: str,
    n_samples: int = 100,
    noise: float = 0.1,
    seed: int = 1337,
    test_fraction: float = 0.0,
) -> Dataset:
    """The dataset called ``name`` (one of :data:`DATASETS`), made by its function."""
    make = _MAKERS.get(name) if isinstance(name, str) else None
    if make is None:
        raise ValueError(f"the dataset must be one of {', '.join(DATASETS)}, not {name!r}")
    return make(n_samples, noise, seed, test_fraction)
