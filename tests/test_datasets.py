import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu.datasets import hold, permute_pixels, psdigits


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
