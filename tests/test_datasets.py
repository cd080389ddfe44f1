import urllib.error
import urllib.request

import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import datasets
from nengo_lmu.datasets import (
    hold,
    load_mnist,
    mackey_glass,
    permute_pixels,
    psdigits,
    psmnist,
    windows,
    write_fake_mnist,
)


def test_psdigits_protocol():
    pytest.importorskip("sklearn")
    data = psdigits()
    sizes = {name: len(y) for name, (x, y) in data.items()}
    assert sizes == {"train": 1280, "validation": 157, "test": 360}
    share = np.bincount(data["train"][1]) / sizes["train"]
    for x, y in data.values():
        assert x.shape == (len(y), 64, 1) and x.dtype == np.float32
        assert 0 <= x.min() and x.max() == 1
        assert np.allclose(np.bincount(y) / len(y), share, atol=0.01)  # stratified
    again = psdigits()
    assert np.array_equal(again["test"][0], data["test"][0])
    other = psdigits(permutation_seed=1)
    assert np.array_equal(other["test"][1], data["test"][1])
    assert np.allclose(
        np.sort(other["test"][0], axis=1), np.sort(data["test"][0], axis=1)
    )
    assert not np.array_equal(other["test"][0], data["test"][0])


def test_permute_and_hold():
    images = np.arange(12).reshape(2, 2, 3)
    x = permute_pixels(images, seed=0)
    assert x.shape == (2, 6, 1)
    assert np.array_equal(np.sort(x[0, :, 0]), np.arange(6))
    assert np.array_equal(x[1, :, 0] - x[0, :, 0], np.full(6, 6))
    held = hold(x, 3)
    assert held.shape == (2, 18, 1)
    assert np.array_equal(held[:, ::3], x)


@pytest.mark.parametrize("kwargs", [dict(permutation_seed=-1), dict(split_seed=0.5)])
def test_bad_seeds(kwargs):
    with pytest.raises(ValidationError, match="seed"):
        psdigits(**kwargs)


def test_bad_hold():
    with pytest.raises(ValidationError, match="steps_per_sample"):
        hold(np.zeros((1, 2, 1)), 1.5)


@pytest.fixture
def mnist_file(tmp_path):
    return write_fake_mnist(tmp_path / "mnist.npz", n_train=50, n_test=20)


def test_load_mnist_local(mnist_file):
    (x_train, y_train), (x_test, y_test) = load_mnist(mnist_file)
    assert x_train.shape == (50, 28, 28) and x_train.dtype == np.uint8
    assert x_test.shape == (20, 28, 28) and y_test.shape == (20,)
    assert set(np.unique(y_train)) <= set(range(10))
    (again, _), _ = load_mnist(str(mnist_file))
    assert np.array_equal(again, x_train)


def test_psmnist_protocol(mnist_file):
    data = psmnist(mnist_file, n_validation=10)
    sizes = {name: len(y) for name, (x, y) in data.items()}
    assert sizes == {"train": 40, "validation": 10, "test": 20}
    (x_train, y_train), (x_test, _) = load_mnist(mnist_file)
    for x, y in data.values():
        assert x.shape == (len(y), 784, 1) and x.dtype == np.float32
        assert 0 <= x.min() and x.max() <= 1
    # the validation images are the last training images, as in keras-lmu
    assert np.array_equal(data["validation"][1], y_train[40:])
    assert np.array_equal(data["train"][1], y_train[:40])
    expected = permute_pixels(x_test / np.float32(255), seed=0)
    assert np.allclose(data["test"][0], expected)
    other = psmnist(mnist_file, permutation_seed=1, n_validation=10)
    assert not np.array_equal(other["test"][0], data["test"][0])
    assert np.allclose(
        np.sort(other["test"][0], axis=1), np.sort(data["test"][0], axis=1)
    )


@pytest.mark.parametrize(
    "kwargs, attr",
    [
        (dict(permutation_seed=-1), "permutation_seed"),
        (dict(permutation_seed=0.5), "permutation_seed"),
        (dict(n_validation=0), "n_validation"),
        (dict(n_validation=50), "n_validation"),
        (dict(n_validation=2.5), "n_validation"),
    ],
)
def test_psmnist_bad_arguments(mnist_file, kwargs, attr):
    with pytest.raises(ValidationError, match=attr):
        psmnist(mnist_file, **kwargs)


def test_load_mnist_bad_files(tmp_path):
    with pytest.raises(ValidationError, match="No such file.*mnist.npz"):
        load_mnist(tmp_path / "missing.npz")
    (tmp_path / "text.npz").write_text("not an npz")
    with pytest.raises(ValidationError, match="Not an .npz"):
        load_mnist(tmp_path / "text.npz")
    np.savez(tmp_path / "partial.npz", x_train=np.zeros((2, 28, 28)))
    with pytest.raises(ValidationError, match="no arrays.*y_train"):
        load_mnist(tmp_path / "partial.npz")
    np.savez(
        tmp_path / "shapes.npz",
        x_train=np.zeros((2, 28, 28)),
        y_train=np.zeros(3),
        x_test=np.zeros((2, 28, 28)),
        y_test=np.zeros(2),
    )
    with pytest.raises(ValidationError, match="x_train of shape"):
        load_mnist(tmp_path / "shapes.npz")


def test_load_mnist_offline(tmp_path, monkeypatch):
    """Without a path or a cached copy, offline: an error saying to give a path."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(ConnectionError, match="pass its path"):
        load_mnist()
    assert not list((tmp_path / "keras" / "datasets").iterdir())  # no partial file


def test_load_mnist_download(tmp_path, monkeypatch):
    """Without a path: the download is checked, cached, and used from the cache."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    source = write_fake_mnist(tmp_path / "source.npz", n_train=5, n_test=5)
    monkeypatch.setattr(datasets, "MNIST_URL", source.as_uri())
    with pytest.raises(ConnectionError, match="SHA-256"):
        load_mnist()
    monkeypatch.setattr(datasets, "MNIST_SHA256", datasets._sha256(source))
    (x_train, _), _ = load_mnist()
    cached = tmp_path / "keras" / "datasets" / "mnist.npz"
    assert cached.is_file() and x_train.shape == (5, 28, 28)
    source.unlink()
    (again, _), _ = load_mnist()  # from the cache, no download
    assert np.array_equal(again, x_train)


def test_mackey_glass_and_windows():
    series = mackey_glass(600)
    assert series.shape == (600,) and np.all(np.isfinite(series))
    assert 0.2 < series.min() < series.max() < 1.6  # the chaotic attractor
    assert np.array_equal(series, mackey_glass(600))
    x, y = windows(np.arange(20.0), steps=4, horizon=3, stride=2)
    assert x.shape == (7, 4, 1) and x.dtype == np.float32
    assert np.array_equal(x[0, :, 0], [0, 1, 2, 3]) and y[0] == 6
    assert np.array_equal(x[-1, :, 0], [12, 13, 14, 15]) and y[-1] == 18


@pytest.mark.parametrize(
    "call, attr",
    [
        (lambda: mackey_glass(10, step=0.3), "step"),
        (lambda: mackey_glass(0), "n_samples"),
        (lambda: windows(np.arange(5.0), steps=4, horizon=3), "series"),
        (lambda: windows(np.arange(5.0), steps=0, horizon=1), "steps"),
    ],
)
def test_mackey_glass_and_windows_refuse(call, attr):
    with pytest.raises(ValidationError) as error:
        call()
    assert error.value.attr == attr
