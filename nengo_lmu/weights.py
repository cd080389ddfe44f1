"""
An LMU cell's weights: their names and shapes, initial values, files and keras-lmu.

An `.LMUCell`'s weights live in one dictionary, which is how trained weights
move between simulators, files, keras-lmu and the exact and spiking versions of
the same cell. Matrices are (post, pre), as nengo transforms (keras kernels
transposed).
"""

import pathlib
import warnings
import zipfile

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.params import ArrayParam, shown, validate

#: The keras hidden layers LMUCell's hidden population can represent.
KERAS_HIDDEN = ("SimpleRNNCell", "Dense")
#: The nengo neurons that compute a keras activation.
KERAS_ACTIVATIONS = {"relu": "nengo.RectifiedLinear()", "tanh": "nengo.Tanh(tau_ref=1)"}


def weight_rng(network):
    """
    Random numbers for the initial weights of ``network``, reproducibly seeded.

    The network's own seed if it has one; otherwise, the nearest enclosing
    network's seed combined with where ``network`` sits in it (so that a seeded
    model gives the same weights every time); otherwise unseeded.

    Parameters
    ----------
    network : nengo.Network
        The network, just constructed (inside its parents' contexts).

    Returns
    -------
    np.random.RandomState
    """
    if network.seed is not None:
        return np.random.RandomState(network.seed)
    path = []
    child = network
    for parent in reversed(nengo.Network.context):
        if child in parent.networks:
            path.append(parent.networks.index(child))
        if parent.seed is not None:
            return np.random.RandomState([parent.seed] + path[::-1])
        child = parent
    return np.random.RandomState()


def glorot_uniform(fan_in, fan_out):
    """
    The Glorot (Xavier) uniform distribution for a weight matrix.

    Parameters
    ----------
    fan_in, fan_out : int
        Input and output dimensionality of the weight matrix.

    Returns
    -------
    nengo.dists.Uniform
        Uniform on ``+/- sqrt(6 / (fan_in + fan_out))``, Keras' default.
    """
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return nengo.dists.Uniform(-limit, limit)


class Orthogonal(nengo.dists.Distribution):
    """
    Random matrices with orthonormal rows or columns (Keras' ``orthogonal``).

    Samples are the Q factor of a Gaussian matrix's QR decomposition, with the
    signs fixed so that the distribution is uniform (Haar) over such matrices.

    Parameters
    ----------
    gain : float, optional
        Multiplies every sample.
    """

    gain = nengo.params.NumberParam("gain")

    def __init__(self, gain=1.0):
        super().__init__()
        self.gain = gain

    def sample(self, n, d=None, rng=np.random):
        shape = self._sample_shape(n, d)
        rows, cols = shape[0], int(np.prod(shape[1:]))
        gaussian = rng.normal(size=(max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(gaussian)
        q *= np.sign(np.diag(r))
        q = q if rows >= cols else q.T
        return self.gain * q.reshape(shape)


def weight_shapes(input_d, memory_d, order, units, options):
    """
    Names and shapes (post, pre) of an `.LMUCell`'s weights.

    Parameters
    ----------
    input_d, memory_d, order, units : int
        The cell's sizes.
    options : dict
        The cell's optional connections (``hidden_to_memory``,
        ``memory_to_memory``, ``input_to_hidden``, ``hidden_to_hidden``) and
        ``use_bias``, each True or False.

    Returns
    -------
    dict
        The shape of each weight, by name, in the order of `.LMUCell.weights`.
    """
    shapes = {"input_encoders": (memory_d, input_d)}
    if options["hidden_to_memory"]:
        shapes["hidden_encoders"] = (memory_d, units)
    if options["memory_to_memory"]:
        shapes["memory_encoders"] = (memory_d, memory_d * order)
    if options["use_bias"]:
        shapes["memory_bias"] = (memory_d,)
    shapes["memory_kernel"] = (units, memory_d * order)
    if options["input_to_hidden"]:
        shapes["input_kernel"] = (units, input_d)
    if options["hidden_to_hidden"]:
        shapes["hidden_kernel"] = (units, units)
    shapes["hidden_bias"] = (units,)
    return shapes


def initial_weights(shapes, initializers, given, rng, obj=None):
    """
    Sample a cell's initial weights; the ``given`` ones take precedence.

    Parameters
    ----------
    shapes : dict
        The shape of each weight, by name (`weight_shapes`).
    initializers : dict
        A `nengo.dists.Distribution` for each weight, by name.
    given : dict or None
        Values of (some of) the weights.
    rng : np.random.RandomState
        Random numbers for the sampled weights.
    obj : object, optional
        The cell, named in error messages.

    Returns
    -------
    dict
        Every weight of ``shapes``, as a float array of its shape.

    Raises
    ------
    nengo.exceptions.ValidationError
        For a given weight the cell does not have, or of the wrong shape.
    """
    if given is not None and not isinstance(given, dict):
        raise ValidationError(
            f"Must be a dict of weights by name (weights={shown(given)}); give e.g. "
            "cell.get_weights(sim) or load_weights(path)",
            attr="weights",
            obj=obj,
        )
    given = {} if given is None else dict(given)
    unknown = sorted(set(given) - set(shapes))
    if unknown:
        raise ValidationError(
            f"Unknown weights {unknown} for this cell (it has {list(shapes)}); "
            "give the weights of a cell with the same options",
            attr="weights",
            obj=obj,
        )
    weights = {}
    for name, shape in shapes.items():
        if name in given:
            hint = f"give {name} as a {shape} array of finite numbers"
            try:
                value = validate(ArrayParam(name, hint), given[name])  # a copy
            except ValidationError as error:
                raise ValidationError(
                    f"Weight {name!r}: {error.args[0]}", attr="weights", obj=obj
                ) from None
            if value.shape != shape:
                raise ValidationError(
                    f"{name} has shape {value.shape}; this cell needs {shape}: {hint}",
                    attr="weights",
                    obj=obj,
                )
        else:
            value = initializers[name].sample(*shape, rng=rng)
        weights[name] = value.reshape(shape)
    return weights


def save_weights(path, weights):
    """
    Save an `.LMUCell`'s weights (`.LMUCell.get_weights`) to a ``.npz`` file.

    Parameters
    ----------
    path : str or pathlib.Path
        File to write; ``.npz`` is added to a name without it (as numpy does),
        and `load_weights` finds the file under either name.
    weights : dict
        Weights by name: arrays of finite numbers.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    nengo.exceptions.ValidationError
        For weights that are not a dict of finite numeric arrays.
    """
    if not isinstance(weights, dict) or not weights:
        raise ValidationError(
            f"Must be a dict of weights by name (weights={type(weights).__name__}); "
            "give e.g. cell.get_weights(sim)",
            attr="weights",
        )
    arrays = {}
    for name, value in weights.items():
        if not isinstance(name, str):
            raise ValidationError(
                f"Weight names must be text (name {name!r}); give the weights as "
                "cell.get_weights(sim) names them",
                attr="weights",
            )
        try:
            arrays[name] = np.asarray(value)  # its own dtype, e.g. float32
        except (TypeError, ValueError):
            arrays[name] = np.asarray(None)
        numeric = np.issubdtype(arrays[name].dtype, np.number)
        if not numeric or not np.all(np.isfinite(arrays[name])):
            raise ValidationError(
                f"Weight {name!r} is not an array of finite numbers; give the "
                "weights of a trained cell (cell.get_weights(sim))",
                attr="weights",
            )
    path = _npz(path)
    if not path.parent.is_dir():
        raise ValidationError(
            f"No such directory ({path.parent}); give a path in an existing "
            "directory",
            attr="path",
        )
    path = _npz(path)
    np.savez(path, **arrays)
    return path


def load_weights(path):
    """
    Load weights saved by `.save_weights`.

    Parameters
    ----------
    path : str or pathlib.Path
        File to read (``.npz`` is added to a name without it, as `save_weights`
        does).

    Returns
    -------
    dict
        Weights by name, for `.LMUCell` (``weights=...``).

    Raises
    ------
    nengo.exceptions.ValidationError
        If the file does not exist or is not a weights file.
    """
    path = _npz(path)
    if not path.is_file():
        raise ValidationError(
            f"No such file ({path}); give the path save_weights wrote",
            attr="path",
        )
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        data, reason = None, error
    else:
        reason = "not an .npz archive"
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise ValidationError(
            f"Not a weights file ({path}: {reason}); give a file written by "
            "save_weights",
            attr="path",
        )
    with data:
        try:
            weights = {name: data[name] for name in data.files}
        except ValueError as error:  # e.g. objects, which need pickle
            raise ValidationError(
                f"Not a weights file ({path}: {error}); give a file written by "
                "save_weights",
                attr="path",
            ) from None
    for name, value in weights.items():
        if not np.issubdtype(value.dtype, np.number) or not np.all(np.isfinite(value)):
            raise ValidationError(
                f"Weight {name!r} in {path} is not finite numbers; give a file "
                "of trained weights, written by save_weights",
                attr="path",
            )
    return weights


def _npz(path):
    """``path`` as numpy's savez writes it: with ``.npz`` added if missing."""
    if not isinstance(path, (str, pathlib.PurePath)):
        raise ValidationError(
            f"Must be a file path (path={path!r}); give e.g. 'weights.npz'",
            attr="path",
        )
    path = pathlib.Path(path)
    return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")


def weights_from_keras(layer):
    """
    The weights of a keras-lmu layer, named and shaped for `.LMUCell`.

    Parameters
    ----------
    layer : keras_lmu.LMU or keras_lmu.LMUCell
        A built layer whose hidden cell is a ``SimpleRNNCell`` (``LMUCell(...,
        hidden_to_hidden=True)``) or a ``Dense`` layer (``hidden_to_hidden=False``),
        with ``trainable_theta=False``.

    Returns
    -------
    dict
        The weights, for ``LMUCell(..., weights=...)`` with the same options.
    """
    cell = getattr(layer, "layer", layer)  # LMU wraps an RNN or LMUFeedforward
    cell = getattr(cell, "cell", cell)
    if getattr(cell, "trainable_theta", False):
        raise ValidationError(
            "LMUCell's theta is fixed (trainable_theta=True); give a layer with "
            "trainable_theta=False",
            attr="layer",
        )
    hidden = getattr(cell, "hidden_cell", None)
    kind = type(hidden).__name__
    if kind not in KERAS_HIDDEN:
        raise ValidationError(
            f"LMUCell's hidden layer is a SimpleRNNCell or a Dense layer; this "
            f"layer's is a {kind} (layer={layer!r}); give a keras-lmu layer with "
            "hidden_cell=tf.keras.layers.SimpleRNNCell(units) or Dense(units)",
            attr="layer",
        )
    activation = getattr(getattr(hidden, "activation", None), "__name__", None)
    if activation != "tanh":
        neurons = KERAS_ACTIVATIONS.get(activation, "a neuron type with that response")
        warnings.warn(
            f"The keras hidden layer's activation is {activation}; LMUCell's "
            f"default hidden neurons are nengo.Tanh(tau_ref=1): give "
            f"hidden_neuron_type={neurons} to compute the same"
        )
    if getattr(cell, "kernel", None) is None or getattr(hidden, "kernel", None) is None:
        raise ValidationError(
            f"The layer has no weights yet (layer={layer!r}); give a built layer "
            "(call it on an input, or train it, first)",
            attr="layer",
        )
    hidden_to_memory = getattr(cell, "hidden_to_memory", False)
    kernel = cell.kernel.numpy()
    input_d = kernel.shape[0] - (cell.hidden_output_size if hidden_to_memory else 0)
    weights = {"input_encoders": kernel[:input_d].T}
    if hidden_to_memory:
        weights["hidden_encoders"] = kernel[input_d:].T
    if getattr(cell, "memory_to_memory", False):
        weights["memory_encoders"] = cell.recurrent_kernel.numpy().T
    if cell.use_bias:
        weights["memory_bias"] = cell.bias.numpy()
    hidden_kernel = hidden.kernel.numpy()
    n_memory = cell.memory_d * cell.order
    weights["memory_kernel"] = hidden_kernel[:n_memory].T
    if cell.input_to_hidden:
        weights["input_kernel"] = hidden_kernel[n_memory:].T
    if hasattr(hidden, "recurrent_kernel"):
        weights["hidden_kernel"] = hidden.recurrent_kernel.numpy().T
    weights["hidden_bias"] = (
        hidden.bias.numpy() if hidden.use_bias else np.zeros(hidden_kernel.shape[1])
    )
    return weights
