"""engine.data: the lecture's examples and the moons, as plain Python floats."""

import math
import subprocess
import sys
from collections import Counter

import pytest

from engine.data import Dataset, lecture_examples, make_moons, split_sizes


def test_lecture_examples_are_the_lectures_four():
    ds = lecture_examples()
    assert ds.X_train == ((2.0, 3.0, -1.0), (3.0, -1.0, 0.5), (0.5, 1.0, 1.0), (1.0, 1.0, -1.0))
    assert ds.y_train == (1.0, -1.0, -1.0, 1.0)
    assert ds.X_test == () and ds.y_test == ()
    assert ds.n_features == 3


def test_default_moons_are_micrograds_demo_data():
    np = pytest.importorskip("numpy")
    from sklearn.datasets import make_moons as sklearn_make_moons

    # Exactly what micrograd's demo notebook does, on the global NumPy generator.
    saved = np.random.get_state()
    try:
        np.random.seed(1337)
        X, y = sklearn_make_moons(n_samples=100, noise=0.1)
    finally:
        np.random.set_state(saved)
    y = y * 2 - 1

    ds = make_moons()
    assert ds.name == "moons"
    assert ds.X_train == tuple((float(a), float(b)) for a, b in X)
    assert ds.y_train == tuple(float(v) for v in y)
    assert ds.X_test == () and ds.y_test == ()


def test_moons_are_plain_python_floats():
    ds = make_moons(n_samples=10, test_fraction=0.2)
    for rows in (ds.X_train, ds.X_test):
        assert type(rows) is tuple
        assert all(type(row) is tuple and all(type(v) is float for v in row) for row in rows)
    assert all(type(v) is float for v in ds.y_train + ds.y_test)
    assert set(ds.y_train + ds.y_test) == {-1.0, 1.0}


def test_moons_without_noise_lie_on_the_two_half_circles():
    ds = make_moons(n_samples=50, noise=0.0, seed=3)
    for (x, y), label in zip(ds.X_train, ds.y_train, strict=True):
        if label == -1.0:  # scikit-learn's class 0: the upper half circle around (0, 0)
            assert math.isclose(x * x + y * y, 1.0) and y >= 0
        else:  # class 1: the lower half circle around (1, 0.5)
            assert math.isclose((x - 1) ** 2 + (y - 0.5) ** 2, 1.0) and y <= 0.5


def test_same_seed_same_data_other_seed_other_data():
    assert make_moons(n_samples=30, seed=5) == make_moons(n_samples=30, seed=5)
    assert make_moons(n_samples=30, seed=5) != make_moons(n_samples=30, seed=6)
    assert make_moons(30, 0.2, 5, 0.3) == make_moons(30, 0.2, 5, 0.3)


def test_test_split_sizes_disjoint_and_complete():
    whole = make_moons(n_samples=100, noise=0.2, seed=7)
    split = make_moons(n_samples=100, noise=0.2, seed=7, test_fraction=0.2)
    assert len(split.X_train) == len(split.y_train) == 80
    assert len(split.X_test) == len(split.y_test) == 20

    def labelled(X, y):
        return Counter(zip(X, y, strict=True))

    train = labelled(split.X_train, split.y_train)
    test = labelled(split.X_test, split.y_test)
    assert not set(train) & set(test)
    assert train + test == labelled(whole.X_train, whole.y_train)


def test_test_split_depends_on_the_seed():
    a = make_moons(n_samples=100, noise=0.0, seed=1, test_fraction=0.5)
    b = make_moons(n_samples=100, noise=0.0, seed=2, test_fraction=0.5)
    # With no noise the points come from the same curve, so a different split
    # shows up as a different set of test points.
    assert set(a.X_test) != set(b.X_test)


@pytest.mark.parametrize(
    ("n", "fraction", "sizes"),
    [(100, 0.0, (100, 0)), (100, 0.2, (80, 20)), (2, 0.01, (1, 1)), (10, 0.99, (1, 9))],
)
def test_split_sizes(n, fraction, sizes):
    assert split_sizes(n, fraction) == sizes


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"n_samples": 1}, "number of samples"),
        ({"n_samples": 100_001}, "number of samples"),
        ({"n_samples": 20.0}, "number of samples"),
        ({"n_samples": True}, "number of samples"),
        ({"noise": -0.1}, "noise"),
        ({"noise": 1.5}, "noise"),
        ({"noise": math.nan}, "noise"),
        ({"noise": "a lot"}, "noise"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**32}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"test_fraction": 1.0}, "test fraction"),
        ({"test_fraction": -0.1}, "test fraction"),
    ],
)
def test_make_moons_rejects_bad_arguments_in_plain_words(kwargs, words):
    with pytest.raises(ValueError, match=words):
        make_moons(**kwargs)


def test_dataset_stores_tuples_of_floats():
    ds = Dataset("mine", [[1, 2], [3, 4]], [1, -1], [[5, 6]], [1])
    assert ds.X_train == ((1.0, 2.0), (3.0, 4.0))
    assert ds.y_train == (1.0, -1.0)
    assert ds.X_test == ((5.0, 6.0),) and ds.y_test == (1.0,)
    assert type(ds.X_train[0][0]) is float
    assert ds.n_features == 2
    assert hash(ds) == hash(Dataset("mine", ((1.0, 2.0), (3.0, 4.0)), (1.0, -1.0), ((5, 6),), (1,)))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (([], []), "at least one training example"),
        (([[1.0]], [1.0, -1.0]), "1 points but 2 labels"),
        (([[1.0]], [1.0], [[2.0]], []), "test set has 1 points but 0 labels"),
        (([[1.0], [1.0, 2.0]], [1.0, 1.0]), "same number of features"),
        (([[1.0]], [1.0], [[1.0, 2.0]], [1.0]), "same number of features"),
        (([[]], [1.0]), "at least 1"),
    ],
)
def test_dataset_rejects_inconsistent_data(args, words):
    with pytest.raises(ValueError, match=words):
        Dataset("bad", *args)


def test_importing_the_engine_does_not_import_scikit_learn_or_a_ui():
    code = (
        "import sys\n"
        "import engine, engine.data, engine.losses, engine.train\n"
        "loaded = sorted(m for m in ('sklearn', 'textual', 'rich', 'plotext')\n"
        "                if m in sys.modules)\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
