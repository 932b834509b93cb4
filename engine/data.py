"""Small datasets to train on: the lecture's four examples and the two moons.

Everything here is plain Python floats in tuples -- no NumPy arrays -- so a
learner can print a dataset and read it, and the training loop never mixes
number types. scikit-learn is imported only inside ``make_moons``, so
``import engine`` stays quick and works without it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

__all__ = ["Dataset", "lecture_examples", "make_moons", "split_sizes"]


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

    from sklearn.datasets import make_moons as sklearn_make_moons

    # random_state=seed draws from RandomState(seed), the same generator that
    # np.random.seed(seed) sets up for the global functions micrograd's demo used.
    X, y = sklearn_make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    points = [(float(a), float(b)) for a, b in X]
    labels = [float(2 * label - 1) for label in y]  # 0/1 -> -1.0/+1.0, micrograd's y*2 - 1

    _, n_test = split_sizes(n_samples, test_fraction)
    # Test points are chosen at random; both sets keep the original order.
    test_ids = set(random.Random(seed).sample(range(n_samples), n_test))
    train = [i for i in range(n_samples) if i not in test_ids]
    test = sorted(test_ids)
    return Dataset(
        "moons",
        X_train=[points[i] for i in train],
        y_train=[labels[i] for i in train],
        X_test=[points[i] for i in test],
        y_test=[labels[i] for i in test],
    )
