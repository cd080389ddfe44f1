"""
Sequence classification data sets for LMU benchmarks.

``psdigits`` needs scikit-learn (``pip install nengo-lmu[examples]``).
"""

import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.params import check_positive

#: Size of the test split of `psdigits`, and of its validation split.
PSDIGITS_TEST, PSDIGITS_VALIDATION = 360, 157


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
    for value, attr in (
        (permutation_seed, "permutation_seed"),
        (split_seed, "split_seed"),
    ):
        if not isinstance(value, (int, np.integer)) or value < 0:
            raise ValidationError(
                f"Must be a non-negative integer ({attr}={value!r}); give a seed",
                attr=attr,
            )
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

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
    check_positive(steps_per_sample, "steps_per_sample", "give a number of steps")
    if int(steps_per_sample) != steps_per_sample:
        raise ValidationError(
            f"Must be an integer ({steps_per_sample=}); give a number of steps",
            attr="steps_per_sample",
        )
    return np.repeat(x, int(steps_per_sample), axis=1)
