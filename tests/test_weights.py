import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu.weights import (
    initial_weights,
    load_weights,
    save_weights,
    weight_shapes,
    weights_from_keras,
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


def test_save_and_load_find_the_same_file(tmp_path):
    weights = {"hidden_bias": np.arange(3.0)}
    written = save_weights(tmp_path / "w", weights)
    assert written == tmp_path / "w.npz"
    for name in ("w", "w.npz"):
        assert np.array_equal(load_weights(tmp_path / name)["hidden_bias"], [0, 1, 2])


@pytest.mark.parametrize(
    "content, match",
    [
        (None, "No such file"),
        (b"not a zip", "Not a weights file"),
        (b"PK\x03\x04", "Not"),
    ],
)
def test_load_refuses_missing_and_corrupt_files(tmp_path, content, match):
    path = tmp_path / "w.npz"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ValidationError, match=match) as error:
        load_weights(path)
    assert error.value.attr == "path"


@pytest.mark.parametrize(
    "weights, match",
    [
        ([np.ones(2)], "dict of weights"),
        ({}, "dict of weights"),
        ({"hidden_bias": [1.0, np.nan]}, "'hidden_bias' is not an array of finite"),
        ({"hidden_bias": "abc"}, "'hidden_bias' is not an array of finite"),
    ],
)
def test_save_refuses_what_is_not_weights(tmp_path, weights, match):
    with pytest.raises(ValidationError, match=match):
        save_weights(tmp_path / "w.npz", weights)
    assert not (tmp_path / "w.npz").exists()


def keras_layer(hidden):
    tf = pytest.importorskip("tensorflow")
    keras_lmu = pytest.importorskip("keras_lmu")
    layer = keras_lmu.LMU(
        memory_d=1, order=4, theta=8, hidden_cell=hidden(tf.keras.layers)
    )
    layer(np.zeros((1, 5, 1)))
    return layer


def test_keras_hidden_layers_the_cell_cannot_represent_are_refused():
    with pytest.raises(ValidationError, match="this layer's is a GRUCell"):
        weights_from_keras(keras_layer(lambda layers: layers.GRUCell(6)))


def test_keras_activation_other_than_tanh_is_named():
    layer = keras_layer(lambda layers: layers.Dense(6, activation="relu"))
    with pytest.warns(UserWarning, match=r"relu.*nengo.RectifiedLinear\(\)"):
        weights = weights_from_keras(layer)
    assert weights["memory_kernel"].shape == (6, 4)
