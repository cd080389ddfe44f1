import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu.weights import (
    initial_weights,
    load_weights,
    save_weights,
    weight_shapes,
)

OPTIONS = (
    "hidden_to_memory",
    "memory_to_memory",
    "input_to_hidden",
    "hidden_to_hidden",
    "use_bias",
)
SIZES = dict(input_d=2, memory_d=3, order=4, units=5)


def test_weight_shapes_all_options_on():
    shapes = weight_shapes(**SIZES, options={name: True for name in OPTIONS})
    assert shapes == {
        "input_encoders": (3, 2),
        "hidden_encoders": (3, 5),
        "memory_encoders": (3, 12),
        "memory_bias": (3,),
        "memory_kernel": (5, 12),
        "input_kernel": (5, 2),
        "hidden_kernel": (5, 5),
        "hidden_bias": (5,),
    }
    # in the order of LMUCell.weights
    assert list(shapes) == [
        "input_encoders",
        "hidden_encoders",
        "memory_encoders",
        "memory_bias",
        "memory_kernel",
        "input_kernel",
        "hidden_kernel",
        "hidden_bias",
    ]


def test_weight_shapes_all_options_off():
    shapes = weight_shapes(**SIZES, options={name: False for name in OPTIONS})
    assert shapes == {
        "input_encoders": (3, 2),
        "memory_kernel": (5, 12),
        "hidden_bias": (5,),
    }
    assert list(shapes) == ["input_encoders", "memory_kernel", "hidden_bias"]


@pytest.mark.parametrize(
    "option, name",
    [
        ("hidden_to_memory", "hidden_encoders"),
        ("memory_to_memory", "memory_encoders"),
        ("input_to_hidden", "input_kernel"),
        ("hidden_to_hidden", "hidden_kernel"),
        ("use_bias", "memory_bias"),
    ],
)
def test_each_option_adds_its_weight(option, name):
    off = weight_shapes(**SIZES, options={o: False for o in OPTIONS})
    on = weight_shapes(**SIZES, options={o: o == option for o in OPTIONS})
    assert set(on) - set(off) == {name}


def initializers(shapes):
    return {name: nengo.dists.Uniform(-1, 1) for name in shapes}


def test_initial_weights_keep_given_values(rng):
    shapes = weight_shapes(**SIZES, options={name: True for name in OPTIONS})
    given = {
        "memory_kernel": rng.normal(size=(5, 12)),
        "hidden_bias": list(rng.normal(size=5)),  # array_like
        "input_encoders": rng.normal(size=(3, 2)).astype(np.float32),
    }
    weights = initial_weights(
        shapes, initializers(shapes), given, np.random.RandomState(0)
    )
    assert list(weights) == list(shapes)
    for name, shape in shapes.items():
        assert weights[name].shape == shape and weights[name].dtype == np.float64
    assert np.array_equal(weights["memory_kernel"], given["memory_kernel"])
    assert np.array_equal(weights["hidden_bias"], given["hidden_bias"])
    assert np.array_equal(weights["input_encoders"], given["input_encoders"])
    # the others are sampled from their initializers
    for name in set(shapes) - set(given):
        assert np.all(np.abs(weights[name]) <= 1)
        assert np.std(weights[name]) > 0.1
    # without any given, the same rng gives the same weights
    first = initial_weights(
        shapes, initializers(shapes), None, np.random.RandomState(1)
    )
    again = initial_weights(shapes, initializers(shapes), {}, np.random.RandomState(1))
    for name in shapes:
        assert np.array_equal(first[name], again[name])


def test_initial_weights_copy_given_values(rng):
    """Changing an array after it was given changes no cell built from it."""
    shapes = weight_shapes(**SIZES, options={name: False for name in OPTIONS})
    given = {name: rng.normal(size=shape) for name, shape in shapes.items()}
    original = {name: value.copy() for name, value in given.items()}
    weights = initial_weights(shapes, initializers(shapes), given, rng)
    for value in given.values():
        value += 1.0
    for name in shapes:
        assert np.array_equal(weights[name], original[name]), name


@pytest.mark.parametrize(
    "given, match",
    [
        (dict(kernel=np.zeros((5, 4))), r"Unknown weights \['kernel'\]"),
        (
            dict(hidden_kernel=np.zeros((5, 5)), bias=np.zeros(5)),
            r"Unknown weights \['bias', 'hidden_kernel'\]",
        ),
        (dict(memory_kernel=np.zeros((4, 5))), r"memory_kernel has shape \(4, 5\)"),
        (dict(hidden_bias=np.zeros((5, 1))), r"hidden_bias has shape \(5, 1\)"),
        (dict(input_encoders=[1, 2]), r"input_encoders has shape \(2,\).*\(1, 1\)"),
    ],
)
def test_initial_weights_refuse_bad_weights(given, match):
    sizes = dict(input_d=1, memory_d=1, order=4, units=5)
    shapes = weight_shapes(**sizes, options={name: False for name in OPTIONS})
    with pytest.raises(ValidationError, match=match) as error:
        initial_weights(shapes, initializers(shapes), given, np.random.RandomState(0))
    assert error.value.attr == "weights"


def test_save_load_round_trip(rng, tmp_path):
    shapes = weight_shapes(**SIZES, options={name: True for name in OPTIONS})
    weights = initial_weights(shapes, initializers(shapes), None, rng)
    weights["memory_kernel"] = weights["memory_kernel"].astype(np.float32)
    path = tmp_path / "weights.npz"
    save_weights(path, weights)
    assert path.is_file()
    loaded = load_weights(path)
    assert list(loaded) == list(weights)
    for name, value in weights.items():
        assert loaded[name].dtype == value.dtype
        assert loaded[name].shape == value.shape
        assert np.array_equal(loaded[name], value)
    # a str path works too, and the file is closed (it can be overwritten)
    save_weights(str(path), {"hidden_bias": np.arange(3.0)})
    assert list(load_weights(str(path))) == ["hidden_bias"]
