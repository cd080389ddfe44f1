"""
The LMU cell: a Legendre memory coupled with a trained hidden population.

`LMUCell` has the structure and the parameters of keras-lmu's ``LMUCell``
(Voelker, Kajić & Eliasmith, 2019) as a `nengo.Network`: the memory is the
exact Legendre system or a spiking `.LegendreMemory`, and the hidden state is a
`nengo.Ensemble` of any neuron type. Its weights are kept in one dictionary
(`LMUCell.weights`), which is how trained weights move between simulators,
files, keras-lmu and the exact and spiking versions of the same cell.
"""

import importlib
import importlib.util
import inspect
import numbers

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.legendre import LegendreDelay
from nengo_lmu.memory import LegendreMemory
from nengo_lmu.params import check_integer, check_positive

#: The memory must span at least this many simulator time steps.
MIN_THETA_STEPS = 4


def _nengo_dl():
    """nengo_dl if it is installed (imported only when a cell is built), or None."""
    if importlib.util.find_spec("nengo_dl") is None:
        return None
    return importlib.import_module("nengo_dl")


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


def _shapes(input_d, memory_d, order, units, options):
    """Names and shapes (post, pre) of an LMUCell's weights."""
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


class LMUCell(nengo.Network):
    """
    An LMU cell: a Legendre memory and a hidden population, as in keras-lmu.

    At every time step ``k`` (one simulator step of ``dt`` seconds) the cell
    computes, with the names of its `.weights`::

        u[k] = input_encoders x[k] + hidden_encoders h[k-1]
               + memory_encoders m[k-1] + memory_bias
        m[k] = Ad m[k-1] + Bd u[k]             (the Legendre memory)
        h[k] = f(memory_kernel m[k] + input_kernel x[k]
                 + hidden_kernel h[k-1] + hidden_bias)

    where ``Ad, Bd`` discretize `.LegendreDelay` (``memory_d`` independent
    memories) and ``f`` is the hidden neurons' response. With the exact memory
    and ``nengo.Tanh(tau_ref=1)`` neurons this is keras-lmu's ``LMUCell`` with a
    ``SimpleRNNCell`` hidden cell (``hidden_to_hidden=True``) or a ``Dense`` one
    (``hidden_to_hidden=False``), weight for weight (`.weights_from_keras`).

    Parameters
    ----------
    units : int
        Number of hidden neurons.
    order : int
        Legendre coefficients per memory.
    theta : float
        Length of the memory window, in **seconds** (keras-lmu's ``theta`` in
        steps times ``dt``).
    memory_d : int, optional
        Number of memories (dimensions of ``u``).
    input_d : int, optional
        Dimensionality of the input.
    hidden_to_memory, memory_to_memory, input_to_hidden : bool, optional
        The optional connections of keras-lmu: ``h[k-1]`` into ``u``,
        ``m[k-1]`` into ``u``, and ``x[k]`` into the hidden neurons.
    hidden_to_hidden : bool, optional
        Recurrent hidden weights (keras' ``SimpleRNNCell``); False gives a
        feed-forward hidden layer (keras' ``Dense``).
    use_bias : bool, optional
        Whether ``u`` has a bias (the hidden neurons always have one).
    discretizer : {"zoh", "euler"}, optional
        Discretization of the memory.
    dt : float, optional
        Simulator time step, in seconds: the duration of one step of the
        sequence.
    hidden_neuron_type : nengo.neurons.NeuronType, optional
        Neurons of the hidden population. ``nengo.Tanh(tau_ref=1)`` is the exact
        tanh of keras; train with rate neurons (``nengo.Tanh``,
        ``nengo.RectifiedLinear``, ``nengo.LIFRate``) and run with their spiking
        counterparts.
    scale_firing_rates : float, optional
        The hidden neurons' input currents are multiplied by this factor and
        their output (through the neuron type's ``amplitude``) divided by it, as
        in `nengo_dl.Converter`: spiking neurons then fire this many times
        faster for the same function, which is exact for rectified-linear
        neurons.
    synapse : nengo.synapses.Synapse or float, optional
        Synapse (a number is a ``nengo.Lowpass`` time constant) on every
        connection out of the hidden neurons (to ``output``,
        back to themselves, to the memory). None is the exact cell: ``output``
        unfiltered and the recurrent connections delayed by one step. Spiking
        hidden neurons need a synapse to smooth their spikes.
    memory_neurons : dict, optional
        None (the default) gives the exact memory, computed by Nodes. A dict
        builds a spiking `.LegendreMemory` with these keyword arguments (e.g.
        ``dict(n_neurons=..., neuron_type=nengo.LIF())``); its state lags the
        exact memory by one step (the recurrent synapse's delay).
    kernel_initializer : nengo.dists.Distribution, optional
        Initial ``input_encoders`` and ``hidden_encoders``. Default: Glorot
        uniform over the combined kernel, as in keras-lmu.
    recurrent_initializer : nengo.dists.Distribution, optional
        Initial ``memory_encoders``. Default: `.Orthogonal`.
    hidden_kernel_initializer : nengo.dists.Distribution, optional
        Initial ``memory_kernel`` and ``input_kernel``. Default: Glorot uniform.
    hidden_recurrent_initializer : nengo.dists.Distribution, optional
        Initial ``hidden_kernel``. Default: `.Orthogonal`.
    weights : dict, optional
        Initial values of (some of) the `.weights`, e.g. from `.get_weights`,
        `.load_weights` or `.weights_from_keras`; they take precedence over the
        initializers.
    label : str, optional
        Name of the network.
    seed : int, optional
        Seed of the initial weights and of the network's random numbers. By
        default the weights derive from the enclosing network's seed (see
        `.weight_rng`).
    add_to_container : bool, optional
        Whether to add the network to the enclosing network.

    Attributes
    ----------
    input : nengo.Node
        The input ``x``, ``input_d`` dimensions.
    output : nengo.Node
        The hidden state ``h``, ``units`` dimensions (through ``synapse``).
    memory_input : nengo.Node
        The memory's input ``u``, ``memory_d`` dimensions.
    state : nengo.Node
        The memory ``m``, ``memory_d * order`` dimensions, memory by memory.
    hidden : nengo.Ensemble
        The hidden neurons (connections go to and from ``hidden.neurons``).
    memory : LegendreMemory or None
        The spiking memory, or None for the exact memory.
    system : LegendreDelay
        The memory's continuous system.
    weights : dict
        The initial weights, by name: ``input_encoders`` (memory_d, input_d),
        ``hidden_encoders`` (memory_d, units), ``memory_encoders``
        (memory_d, memory_d * order), ``memory_bias`` (memory_d,),
        ``memory_kernel`` (units, memory_d * order), ``input_kernel``
        (units, input_d), ``hidden_kernel`` (units, units), ``hidden_bias``
        (units,); those of options that are off are absent. Matrices are
        (post, pre), as nengo transforms (keras kernels transposed).
    weight_connections : dict
        The `nengo.Connection` holding each weight matrix, by name.
    output_latency : float
        Seconds by which ``output`` lags the cell's computation in the
        simulator it is built for (0 here; see `.loihi.LoihiLMUCell`).

    Notes
    -----
    When nengo_dl is installed, the cell configures what `nengo_dl.Simulator`
    trains: the weights and the hidden biases train, the Legendre memory
    (``Ad``, ``Bd``, and every part of a spiking memory) does not.

    References
    ----------
    .. [1] Voelker, A. R., Kajić, I., & Eliasmith, C. (2019). Legendre Memory
       Units: Continuous-time representation in recurrent neural networks.
       Advances in Neural Information Processing Systems 32.

    Examples
    --------
    >>> import nengo, nengo_lmu
    >>> with nengo.Network() as net:
    ...     inp = nengo.Node(np.zeros(1))
    ...     lmu = nengo_lmu.LMUCell(units=64, order=64, theta=0.064)
    ...     nengo.Connection(inp, lmu.input, synapse=None)
    ...     out = nengo.Node(size_in=10)
    ...     readout = nengo.Connection(lmu.output, out, transform=np.zeros((10, 64)))
    """

    output_latency = 0.0

    def __init__(  # noqa: C901
        self,
        units,
        order,
        theta,
        memory_d=1,
        input_d=1,
        hidden_to_memory=False,
        memory_to_memory=False,
        input_to_hidden=False,
        hidden_to_hidden=True,
        use_bias=False,
        discretizer="zoh",
        dt=0.001,
        hidden_neuron_type=nengo.Tanh(tau_ref=1),
        scale_firing_rates=1.0,
        synapse=None,
        memory_neurons=None,
        kernel_initializer=None,
        recurrent_initializer=None,
        hidden_kernel_initializer=None,
        hidden_recurrent_initializer=None,
        weights=None,
        label=None,
        seed=None,
        add_to_container=None,
    ):
        super().__init__(label=label, seed=seed, add_to_container=add_to_container)
        self.units = check_integer(units, "units", 1, "give the hidden neurons", self)
        self.order = check_integer(order, "order", 1, "give the coefficients", self)
        self.memory_d = check_integer(
            memory_d, "memory_d", 1, "give the memories", self
        )
        self.input_d = check_integer(input_d, "input_d", 1, "give the input size", self)
        self.dt = check_positive(dt, "dt", "give the simulator's time step in seconds")
        self.system = LegendreDelay(theta=theta, order=order)
        if theta < MIN_THETA_STEPS * self.dt:
            raise ValidationError(
                f"The window is {theta / self.dt:g} time steps long ({theta=}, "
                f"dt={self.dt}); give theta in seconds (keras-lmu's theta in steps "
                f"times dt), at least {MIN_THETA_STEPS} steps",
                attr="theta",
                obj=self,
            )
        self.options = {
            "hidden_to_memory": hidden_to_memory,
            "memory_to_memory": memory_to_memory,
            "input_to_hidden": input_to_hidden,
            "hidden_to_hidden": hidden_to_hidden,
            "use_bias": use_bias,
        }
        for name, value in self.options.items():
            if not isinstance(value, (bool, np.bool_)):
                raise ValidationError(
                    f"Must be True or False ({name}={value!r})", attr=name, obj=self
                )
        self.scale_firing_rates = check_positive(
            scale_firing_rates,
            "scale_firing_rates",
            "give the factor by which the hidden neurons' rates are scaled",
            obj=self,
        )
        self.hidden_neuron_type = self._scaled_neuron_type(hidden_neuron_type)
        if isinstance(synapse, numbers.Real) and not isinstance(synapse, bool):
            synapse = nengo.Lowpass(synapse)  # nengo's convention for numbers
        if synapse is not None and not isinstance(synapse, nengo.synapses.Synapse):
            raise ValidationError(
                f"Must be a nengo synapse or None ({synapse=!r}); give e.g. "
                f"nengo.Lowpass(0.01) for spiking hidden neurons",
                attr="synapse",
                obj=self,
            )
        self.synapse = synapse
        if memory_neurons is not None and not isinstance(memory_neurons, dict):
            raise ValidationError(
                f"Must be None or a dict ({memory_neurons=!r}); give None for the "
                f"exact memory or LegendreMemory's keyword arguments, e.g. "
                f"dict(n_neurons=1200, neuron_type=nengo.LIF())",
                attr="memory_neurons",
                obj=self,
            )
        self.Ad, self.Bd = self.system.discretize(self.dt, method=discretizer)
        self.discretizer = discretizer

        self.shapes = _shapes(
            self.input_d, self.memory_d, self.order, self.units, self.options
        )
        self.weights = self._initial_weights(
            weights,
            kernel_initializer,
            recurrent_initializer,
            hidden_kernel_initializer,
            hidden_recurrent_initializer,
        )
        self.weight_connections = {}
        with self:
            dl = _nengo_dl()
            if dl is not None:
                dl.configure_settings(trainable=None)
            self.input = nengo.Node(size_in=self.input_d, label="input")
            self._build_memory(memory_neurons)
            self._build_hidden()

    def _scaled_neuron_type(self, neuron_type):
        """Copy of ``neuron_type`` whose amplitude undoes ``scale_firing_rates``."""
        if not isinstance(neuron_type, nengo.neurons.NeuronType) or isinstance(
            neuron_type, nengo.Direct
        ):
            raise ValidationError(
                f"Must be a nengo neuron type other than Direct "
                f"(hidden_neuron_type={neuron_type!r}); for the exact tanh of keras "
                f"use nengo.Tanh(tau_ref=1)",
                attr="hidden_neuron_type",
                obj=self,
            )
        if self.scale_firing_rates == 1:
            return neuron_type
        if not hasattr(neuron_type, "amplitude"):
            raise ValidationError(
                f"{type(neuron_type).__name__} has no amplitude to undo "
                f"scale_firing_rates={self.scale_firing_rates}; use a neuron type "
                f"with an amplitude (e.g. nengo.SpikingRectifiedLinear) or "
                f"scale_firing_rates=1",
                attr="scale_firing_rates",
                obj=self,
            )
        parameters = inspect.signature(type(neuron_type)).parameters.values()
        args = {
            p.name: getattr(neuron_type, p.name)
            for p in parameters
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        }
        if hasattr(neuron_type, "initial_state"):  # also behind **kwargs
            args["initial_state"] = neuron_type.initial_state
        args["amplitude"] = neuron_type.amplitude / self.scale_firing_rates
        return type(neuron_type)(**args)

    def _initial_weights(self, given, kernel, recurrent, hidden_kernel, hidden_rec):
        """Sample the initial weights; ``given`` values take precedence."""
        rng = weight_rng(self)
        enc_in = self.input_d + (self.units if self.options["hidden_to_memory"] else 0)
        kernel = glorot_uniform(enc_in, self.memory_d) if kernel is None else kernel
        hidden_in = self.memory_d * self.order
        hidden_in += self.input_d if self.options["input_to_hidden"] else 0
        if hidden_kernel is None:
            hidden_kernel = glorot_uniform(hidden_in, self.units)
        initializers = {
            "input_encoders": kernel,
            "hidden_encoders": kernel,
            "memory_encoders": Orthogonal() if recurrent is None else recurrent,
            "memory_bias": nengo.dists.Choice([0.0]),
            "memory_kernel": hidden_kernel,
            "input_kernel": hidden_kernel,
            "hidden_kernel": Orthogonal() if hidden_rec is None else hidden_rec,
            "hidden_bias": nengo.dists.Choice([0.0]),
        }
        given = {} if given is None else dict(given)
        unknown = sorted(set(given) - set(self.shapes))
        if unknown:
            raise ValidationError(
                f"Unknown weights {unknown} for this cell; it has {list(self.shapes)}",
                attr="weights",
                obj=self,
            )
        weights = {}
        for name, shape in self.shapes.items():
            if name in given:
                value = np.asarray(given[name], dtype=float)
                if value.shape != shape:
                    raise ValidationError(
                        f"{name} has shape {value.shape}; this cell needs {shape}",
                        attr="weights",
                        obj=self,
                    )
            else:
                value = initializers[name].sample(*shape, rng=rng)
            weights[name] = value.reshape(shape)
        return weights

    def _fixed(self, obj):
        """Exclude ``obj`` from training in nengo_dl."""
        if _nengo_dl() is not None:
            self.config[obj].trainable = False
        return obj

    def _connect(self, name, pre, post, synapse):
        """Connect ``pre`` to ``post`` through the named weight matrix."""
        self.weight_connections[name] = nengo.Connection(
            pre, post, transform=self.weights[name], synapse=synapse
        )

    def _build_memory(self, memory_neurons):
        blocks = np.eye(self.memory_d)
        if memory_neurons is None:
            self.memory = None
            self.memory_input = nengo.Node(size_in=self.memory_d, label="u")
            self.state = nengo.Node(size_in=self.memory_d * self.order, label="m")
            self._fixed(
                nengo.Connection(
                    self.memory_input,
                    self.state,
                    transform=np.kron(blocks, self.Bd),
                    synapse=None,
                )
            )
            self._fixed(
                nengo.Connection(
                    self.state,
                    self.state,
                    transform=np.kron(blocks, self.Ad),
                    synapse=0,
                )
            )
        else:
            kwargs = dict(memory_neurons)
            for fixed in ("order", "theta", "size_in", "dt", "discretizer"):
                if fixed in kwargs:
                    raise ValidationError(
                        f"memory_neurons sets {fixed!r}, which the cell sets; "
                        f"give it to LMUCell instead",
                        attr="memory_neurons",
                        obj=self,
                    )
            self.memory = LegendreMemory(
                order=self.order,
                theta=self.system.theta,
                size_in=self.memory_d,
                dt=self.dt,
                discretizer=self.discretizer,
                label="memory",
                **kwargs,
            )
            dl = _nengo_dl()
            if dl is not None:
                with self.memory:
                    dl.configure_settings(trainable=False)
            self.memory_input = self.memory.input
            self.state = self.memory.state

        self._connect("input_encoders", self.input, self.memory_input, None)
        if self.options["memory_to_memory"]:
            self._connect("memory_encoders", self.state, self.memory_input, 0)
        if self.options["use_bias"]:
            one = nengo.Node(np.ones(1), label="one")
            self.weight_connections["memory_bias"] = nengo.Connection(
                one,
                self.memory_input,
                transform=self.weights["memory_bias"][:, None],
                synapse=None,
            )

    def _build_hidden(self):
        scale = self.scale_firing_rates
        self.hidden = nengo.Ensemble(
            self.units,
            1,
            neuron_type=self.hidden_neuron_type,
            gain=nengo.dists.Choice([scale]),
            bias=scale * self.weights["hidden_bias"],
            label="hidden",
        )
        self.output = nengo.Node(size_in=self.units, label="output")
        nengo.Connection(self.hidden.neurons, self.output, synapse=self.synapse)
        delayed = 0 if self.synapse is None else self.synapse

        self._connect("memory_kernel", self.state, self.hidden.neurons, None)
        if self.options["input_to_hidden"]:
            self._connect("input_kernel", self.input, self.hidden.neurons, None)
        if self.options["hidden_to_hidden"]:
            self._connect(
                "hidden_kernel", self.hidden.neurons, self.hidden.neurons, delayed
            )
        if self.options["hidden_to_memory"]:
            self._connect(
                "hidden_encoders", self.hidden.neurons, self.memory_input, delayed
            )

    def get_weights(self, sim):
        """
        The cell's current weights in a simulator (e.g. after training).

        Parameters
        ----------
        sim : nengo.Simulator or nengo_dl.Simulator
            A simulator built from a network containing this cell.

        Returns
        -------
        dict
            The weights, named and shaped as `.weights`; give them to a new
            `.LMUCell` (``weights=...``) to continue from them, e.g. with spiking
            neurons or a spiking memory.
        """
        weights = {}
        for name, conn in self.weight_connections.items():
            weights[name] = np.array(sim.data[conn].weights).reshape(self.shapes[name])
        bias = np.array(sim.data[self.hidden].bias) / self.scale_firing_rates
        weights["hidden_bias"] = bias.reshape(self.shapes["hidden_bias"])
        return weights


def save_weights(path, weights):
    """
    Save an `.LMUCell`'s weights (`.LMUCell.get_weights`) to a ``.npz`` file.

    Parameters
    ----------
    path : str or pathlib.Path
        File to write.
    weights : dict
        Weights by name.
    """
    np.savez(path, **weights)


def load_weights(path):
    """
    Load weights saved by `.save_weights`.

    Parameters
    ----------
    path : str or pathlib.Path
        File to read.

    Returns
    -------
    dict
        Weights by name, for `.LMUCell` (``weights=...``).
    """
    with np.load(path) as data:
        return {name: data[name] for name in data.files}


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
            "LMUCell's theta is fixed; convert a layer with trainable_theta=False",
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
    hidden = cell.hidden_cell
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
