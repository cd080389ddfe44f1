"""
Sequence data sets for LMU benchmarks: classification and prediction.

``psdigits`` needs scikit-learn (``pip install nengo-lmu[examples]``).
``psmnist`` reads a local ``mnist.npz`` (keras format), or downloads it.
``mackey_glass`` integrates the series here.
"""

import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.params import IntParam, at_least, positive, validate

#: Size of the test split of `psdigits`, and of its validation split.
PSDIGITS_TEST, PSDIGITS_VALIDATION = 360, 157

#: Where `load_mnist` downloads ``mnist.npz`` from (the file of
#: ``tf.keras.datasets.mnist``), and its SHA-256.
MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
#: The arrays of a keras-format ``mnist.npz``.
MNIST_KEYS = ("x_train", "y_train", "x_test", "y_test")


def permute_pixels(images, seed):
    """
    Flatten images into sequences of pixels in a fixed random order.

    Parameters
    ----------
    images : (n, ...) np.ndarray
        The images.
    seed : int
        Seed of the permutation; the same seed gives the same order.

    Returns
    -------
    (n, pixels, 1) np.ndarray
        One pixel per time step.
    """
    flat = np.asarray(images).reshape(len(images), -1)
    order = np.random.RandomState(seed).permutation(flat.shape[1])
    return flat[:, order, None]


def psdigits(permutation_seed=0, split_seed=0):
    """
    Permuted sequential digits: scikit-learn's 8x8 digits as 64-step sequences.

    The 1,797 images are scaled to [0, 1], flattened in the order of a fixed
    random permutation, and split (stratified) into 360 test samples and 1,437
    training samples, of which 157 are held out for validation.

    Parameters
    ----------
    permutation_seed : int, optional
        Seed of the pixel order.
    split_seed : int, optional
        Seed of the train/validation/test split.

    Returns
    -------
    dict
        ``"train"``, ``"validation"`` and ``"test"``, each a pair ``(x, y)``
        with ``x`` of shape (n, 64, 1) (float32) and ``y`` of shape (n,)
        (integer classes 0-9).
    """
    permutation_seed = validate(seed_param("permutation_seed"), permutation_seed)
    split_seed = validate(seed_param("split_seed"), split_seed)
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError as error:
        raise ImportError(
            "psdigits needs scikit-learn's digits; install it with "
            "`pip install nengo-lmu[examples]` (or scikit-learn)"
        ) from error

    digits = load_digits()
    x = permute_pixels(digits.images / 16.0, permutation_seed).astype(np.float32)
    y = digits.target
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=PSDIGITS_TEST, stratify=y, random_state=split_seed
    )
    x_train, x_val, y_train, y_val = train_test_split(
        x_train,
        y_train,
        test_size=PSDIGITS_VALIDATION,
        stratify=y_train,
        random_state=split_seed,
    )
    return {
        "train": (x_train, y_train),
        "validation": (x_val, y_val),
        "test": (x_test, y_test),
    }


def seed_param(name):
    """A descriptor for a random seed: an integer numpy's generators take."""
    return IntParam(name, low=0, high=2**32 - 1, hint="give a seed, e.g. 0")


def hold(x, steps_per_sample):
    """
    Present every step of sequences ``x`` for ``steps_per_sample`` time steps.

    Parameters
    ----------
    x : (n, steps, d) np.ndarray
        Sequences.
    steps_per_sample : int
        Simulator steps per sequence step.

    Returns
    -------
    (n, steps * steps_per_sample, d) np.ndarray
    """
    validate(positive("steps_per_sample", "give a number of steps"), steps_per_sample)
    if int(steps_per_sample) != steps_per_sample:
        raise ValidationError(
            f"Must be an integer ({steps_per_sample=}); give a number of steps",
            attr="steps_per_sample",
        )
    array = np.asarray(x)  # its own dtype: psMNIST held is large
    if not np.issubdtype(array.dtype, np.number) or array.ndim < 2:
        raise ValidationError(
            f"Must be sequences of numbers (x of shape {array.shape}, dtype "
            f"{array.dtype}); give an array (n, steps, d)",
            attr="x",
        )
    if not np.all(np.isfinite(array)):
        raise ValidationError(
            "Must be finite (x holds NaN or infinite values); give finite sequences",
            attr="x",
        )
    return np.repeat(array, int(steps_per_sample), axis=1)


def mackey_glass(
    n_samples, beta=0.2, gamma=0.1, n=10, tau=17, step=0.1, x0=1.2, transient=500
):
    """
    The Mackey-Glass series, one sample per time unit: the LMU paper's benchmark.

    The delay differential equation ``dx/dt = beta x(t - tau) / (1 + x(t -
    tau)^n) - gamma x(t)`` (chaotic for ``tau = 17``), integrated with Euler
    steps of ``step`` time units from a constant history ``x0``; the first
    ``transient`` time units are dropped.

    Parameters
    ----------
    n_samples : int
        Samples returned.
    beta, gamma, n, tau : float, optional
        The equation's parameters.
    step : float, optional
        Euler step, in time units (a whole fraction of one).
    x0 : float, optional
        The constant history before the start.
    transient : int, optional
        Time units dropped at the start.

    Returns
    -------
    (n_samples,) np.ndarray
    """
    n_samples = validate(at_least("n_samples", 1, "give the samples wanted"), n_samples)
    transient = validate(
        IntParam("transient", low=0, hint="give time units to drop"), transient
    )
    step = validate(positive("step", "give the Euler step, e.g. 0.1"), step)
    per_unit = int(round(1 / step))
    if per_unit < 1 or not np.isclose(per_unit * step, 1):
        raise ValidationError(
            f"Must divide one time unit into whole steps ({step=}); give e.g. 0.1",
            attr="step",
        )
    lag = int(round(tau / step))
    total = (n_samples + transient) * per_unit
    x = np.empty(lag + total + 1)
    x[: lag + 1] = x0  # constant history before t = 0
    for k in range(lag, lag + total):
        delayed = x[k - lag]
        x[k + 1] = x[k] + step * (beta * delayed / (1 + delayed**n) - gamma * x[k])
    return x[lag + transient * per_unit :: per_unit][:n_samples]


def windows(series, steps, horizon, stride=1):
    """
    Windows of a series and the value ``horizon`` samples after each.

    Parameters
    ----------
    series : (n,) array_like
        The series.
    steps : int
        Samples per window.
    horizon : int
        How far ahead of a window's last sample its target is.
    stride : int, optional
        Samples between the ends of consecutive windows.

    Returns
    -------
    x : (windows, steps, 1) np.ndarray
        The windows (float32).
    y : (windows,) np.ndarray
        ``series[end + horizon]`` for each window ending at ``end`` (float32).
    """
    series = np.asarray(series)
    steps = validate(at_least("steps", 1, "give samples per window"), steps)
    horizon = validate(IntParam("horizon", low=0, hint="give steps ahead"), horizon)
    stride = validate(at_least("stride", 1, "give samples between windows"), stride)
    ends = np.arange(steps - 1, len(series) - horizon, stride)
    if len(ends) == 0:
        raise ValidationError(
            f"A series of {len(series)} samples holds no window of {steps} and a "
            f"target {horizon} ahead; give a longer series or shorter windows",
            attr="series",
        )
    x = np.stack([series[end - steps + 1 : end + 1] for end in ends])[..., None]
    return x.astype(np.float32), series[ends + horizon].astype(np.float32)


def _mnist_cache():
    """Keras' cache of ``mnist.npz``, shared with ``tf.keras.datasets.mnist``."""
    home = os.environ.get("KERAS_HOME", Path("~", ".keras").expanduser())
    return Path(home, "datasets", "mnist.npz")


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download_mnist(dest):
    """Download ``mnist.npz`` to ``dest``; raise a clear error when offline."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=dest.parent, delete=False) as tmp:
        try:
            with urllib.request.urlopen(MNIST_URL, timeout=30) as response:
                shutil.copyfileobj(response, tmp)
        except (urllib.error.URLError, OSError) as e:
            tmp.close()
            os.unlink(tmp.name)
            raise ConnectionError(
                f"Could not download MNIST from {MNIST_URL} ({e}); on a machine "
                f"without internet access, copy a keras-format mnist.npz to it and "
                f"pass its path (load_mnist(path=...), psmnist(path=...))"
            ) from e
    if _sha256(tmp.name) != MNIST_SHA256:
        os.unlink(tmp.name)
        raise ConnectionError(
            f"The file downloaded from {MNIST_URL} is not keras' mnist.npz (wrong "
            f"SHA-256); try again, or pass the path of a local copy"
        )
    os.replace(tmp.name, dest)


def load_mnist(path=None):
    """
    MNIST from a keras-format ``mnist.npz``: a local file, or downloaded.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A local ``mnist.npz`` with the arrays ``x_train`` (n, 28, 28),
        ``y_train`` (n,), ``x_test`` and ``y_test``, as
        ``tf.keras.datasets.mnist`` stores it. If None, keras' cached copy
        (``~/.keras/datasets/mnist.npz``, or under ``$KERAS_HOME``) is used,
        and downloaded there from `MNIST_URL` if it is missing.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        The images (uint8, 0-255) and their classes, as
        ``tf.keras.datasets.mnist.load_data()`` returns them.

    Raises
    ------
    nengo.exceptions.ValidationError
        If ``path`` does not exist or is not a keras-format ``mnist.npz``.
    ConnectionError
        If ``path`` is None, there is no cached copy and the download fails
        (e.g. offline): pass the path of a local ``mnist.npz`` instead.
    """
    if path is None:
        path = _mnist_cache()
        if not path.exists():
            _download_mnist(path)
    if not isinstance(path, (str, os.PathLike)):
        raise ValidationError(
            f"Must be a file path (path={path!r}); give the path of a keras-format "
            "mnist.npz, or None to download it",
            attr="path",
        )
    path = Path(path)
    if not path.is_file():
        raise ValidationError(
            f"No such file (path={str(path)!r}); give the path of a keras-format "
            f"mnist.npz (from {MNIST_URL}), or None to download it",
            attr="path",
        )
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise ValueError("a single array, not an .npz archive")
        with loaded as f:
            arrays = {key: f[key] for key in MNIST_KEYS if key in f}
    except (OSError, ValueError, EOFError) as e:
        raise ValidationError(
            f"Not an .npz file (path={str(path)!r}: {e}); give the path of a "
            f"keras-format mnist.npz",
            attr="path",
        ) from e
    missing = [key for key in MNIST_KEYS if key not in arrays]
    if missing:
        raise ValidationError(
            f"{str(path)!r} has no arrays {missing}; give a keras-format mnist.npz "
            f"(arrays {', '.join(MNIST_KEYS)})",
            attr="path",
        )
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 3 or y.shape != x.shape[:1]:
            raise ValidationError(
                f"{str(path)!r} has x_{split} of shape {x.shape} and y_{split} of "
                f"shape {y.shape}; give a keras-format mnist.npz, with images "
                "(n, 28, 28) and classes (n,)",
                attr="path",
            )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def write_fake_mnist(path, n_train=600, n_test=100, size=28, seed=0):
    """
    Write a small keras-format ``mnist.npz`` of fake, learnable digits.

    Each class is a random pattern of bright pixels; an image is its class's
    pattern with some pixels dropped and some noise added. For tests and quick
    runs without the real data; its accuracies mean nothing about MNIST.

    Parameters
    ----------
    path : str or pathlib.Path
        The file to write.
    n_train, n_test : int, optional
        Numbers of training and test images.
    size : int, optional
        Images are ``size`` x ``size`` pixels (28 in MNIST).
    seed : int, optional
        Seed of the patterns and images.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    n_train = validate(at_least("n_train", 1, "give a number of images"), n_train)
    n_test = validate(at_least("n_test", 1, "give a number of images"), n_test)
    size = validate(at_least("size", 1, "give the side of the images in pixels"), size)
    rng = np.random.RandomState(seed)
    patterns = rng.uniform(size=(10, size, size)) < 0.2

    def images(n):
        y = rng.randint(10, size=n).astype(np.uint8)
        keep = rng.uniform(size=(n, size, size)) < 0.8
        noise = rng.uniform(0, 0.3, size=(n, size, size))
        x = np.clip(patterns[y] * keep + noise, 0, 1)
        return np.round(255 * x).astype(np.uint8), y

    (x_train, y_train), (x_test, y_test) = images(n_train), images(n_test)
    path = Path(path)
    np.savez_compressed(
        path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test
    )
    return path


def psmnist(path=None, permutation_seed=0, n_validation=10000):
    """
    Permuted sequential MNIST: 28x28 digits as 784-step pixel sequences.

    The images are scaled to [0, 1] and flattened in the order of a fixed
    random permutation (`permute_pixels`). As in keras-lmu's psMNIST example,
    the last ``n_validation`` training images are held out for validation
    (50,000 training, 10,000 validation and 10,000 test images in MNIST).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A local keras-format ``mnist.npz``; None downloads it where the machine
        is online (see `load_mnist`).
    permutation_seed : int, optional
        Seed of the pixel order.
    n_validation : int, optional
        Number of training images held out for validation.

    Returns
    -------
    dict
        ``"train"``, ``"validation"`` and ``"test"``, each a pair ``(x, y)``
        with ``x`` of shape (n, pixels, 1) (float32) and ``y`` of shape (n,)
        (integer classes 0-9).

    Raises
    ------
    nengo.exceptions.ValidationError
        For a bad seed, a bad ``n_validation`` or a bad file (`load_mnist`).
    ConnectionError
        If MNIST has to be downloaded and cannot be (see `load_mnist`).
    """
    permutation_seed = validate(seed_param("permutation_seed"), permutation_seed)
    n_validation = validate(
        at_least("n_validation", 1, "give a number of training images"), n_validation
    )
    (x_train, y_train), (x_test, y_test) = load_mnist(path)
    if n_validation >= len(x_train):
        raise ValidationError(
            f"Must be less than the {len(x_train)} training images "
            f"({n_validation=}); give fewer images to hold out for validation",
            attr="n_validation",
        )

    def sequences(images):
        return permute_pixels(images.astype(np.float32) / 255, permutation_seed)

    x_train, x_test = sequences(x_train), sequences(x_test)
    y_train, y_test = y_train.astype(np.int64), y_test.astype(np.int64)
    n = len(x_train) - n_validation
    return {
        "train": (x_train[:n], y_train[:n]),
        "validation": (x_train[n:], y_train[n:]),
        "test": (x_test, y_test),
    }
