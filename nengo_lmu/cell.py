"""
The LMU cell: a Legendre memory coupled with a trained hidden population.

`LMUCell` has the structure and the parameters of keras-lmu's ``LMUCell``
(Voelker, Kajić & Eliasmith, 2019) as a `nengo.Network`: the memory is the
exact Legendre system or a spiking `.LegendreMemory`, and the hidden state is a
`nengo.Ensemble` of any neuron type. Its weights are kept in one dictionary
(`LMUCell.weights`, see `nengo_lmu.weights`).
"""

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.config import fix, fix_all
from nengo_lmu.memory import LegendreMemory
from nengo_lmu.plan import CellPlan
from nengo_lmu.timestep import TimestepCheck
from nengo_lmu.weights import weight_rng


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
    neural_memory : dict, optional
        None (the default) gives the exact memory, computed by Nodes. A dict
        builds the memory in neurons, a `.LegendreMemory` with these keyword
        arguments (e.g. ``dict(n_neurons=..., neuron_type=nengo.LIF())``); its
        state lags the exact memory by one step (the recurrent synapse's
        delay). Formerly ``memory_neurons``, which still works, with a
        `DeprecationWarning`.
    replay_memory : bool, optional
        True builds no memory: ``state`` is an input Node that replays memory
        states recorded beforehand (in NengoDL, ``{cell.state: states}``, e.g.
        from `.record_states`). The hidden layer then trains on the states a
        memory in spiking neurons really delivers, its errors included, while
        the memory stays as it is.
        It needs a memory whose input does not depend on weights that train
        (no ``hidden_to_memory`` or ``memory_to_memory``); ``input_encoders``
        and ``memory_bias`` are kept as given.
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
    memory_input : nengo.Node or None
        The memory's input ``u``, ``memory_d`` dimensions (None for a replayed
        memory).
    state : nengo.Node
        The memory ``m``, ``memory_d * order`` dimensions, memory by memory.
    hidden : nengo.Ensemble
        The hidden neurons (connections go to and from ``hidden.neurons``).
    memory : LegendreMemory or None
        The memory in neurons, or None for the exact memory.
    system : LegendreDelay
        The memory's continuous system.
    discrete : LinearSystem
        The memory's system discretized at ``dt`` (``Ad, Bd = cell.discrete``).
    fixed : list
        The objects that hold the Legendre memory, which training leaves as
        they are (`.config.fix`).
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
    The cell marks what `nengo_dl.Simulator` trains (`.config.fix`): the
    weights and the hidden biases train, the Legendre memory (``Ad``, ``Bd``,
    and every part of a memory in neurons) does not.

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
    ...     into = nengo.Connection(inp, lmu.input, synapse=None)
    ...     out = nengo.Node(size_in=10)
    ...     readout = nengo.Connection(lmu.output, out, transform=np.zeros((10, 64)))
    """

    output_latency = 0.0

    def __init__(
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
        neural_memory=None,
        replay_memory=False,
        kernel_initializer=None,
        recurrent_initializer=None,
        hidden_kernel_initializer=None,
        hidden_recurrent_initializer=None,
        weights=None,
        label=None,
        seed=None,
        add_to_container=None,
        memory_neurons=None,
    ):
        super().__init__(label=label, seed=seed, add_to_container=add_to_container)
        arguments = {
            name: value
            for name, value in locals().items()
            if name not in ("self", "label", "seed", "add_to_container", "__class__")
        }
        try:
            self.plan = self._make_plan(arguments, weight_rng(self))
        except ValidationError as error:  # named as the cell's, not the plan's
            raise ValidationError(error.args[0], attr=error.attr, obj=self) from None
        vars(self).update(
            {name: getattr(self.plan, name) for name in self.plan.attributes}
        )

        self.weight_connections = {}
        self.fixed = []
        with self:
            self.input = nengo.Node(size_in=self.input_d, label="input")
            self._make_memory()
            self._make_hidden()
            fix(self, self.fixed)
            TimestepCheck(self.dt, repr(self))

    def _make_plan(self, arguments, rng):
        """The `.CellPlan` (subclasses plan for their backend)."""
        return CellPlan(**arguments, rng=rng)

    @property
    def Ad(self):
        """The memory's discrete state matrix."""
        return self.discrete.A

    @property
    def Bd(self):
        """The memory's discrete input matrix."""
        return self.discrete.B

    # --- wiring: the network, from the plan ---

    def _connect(self, name, pre, post, synapse):
        """Connect ``pre`` to ``post`` through the named weight matrix."""
        self.weight_connections[name] = nengo.Connection(
            pre, post, transform=self.weights[name], synapse=synapse
        )

    def _make_memory(self):
        """The memory (exact, in neurons or replayed) and the connections into it."""
        if self.replay_memory:
            self.memory = self.memory_input = None
            self.state = nengo.Node(
                np.zeros(self.memory_d * self.order), label="m (replayed)"
            )
            return
        if self.neural_memory is None:
            self.memory = None
            self.memory_input = nengo.Node(size_in=self.memory_d, label="u")
            self.state = nengo.Node(size_in=self.memory_d * self.order, label="m")
            blocks = np.eye(self.memory_d)
            for transform, pre, synapse in [
                (np.kron(blocks, self.Bd), self.memory_input, None),
                (np.kron(blocks, self.Ad), self.state, 0),
            ]:
                self.fixed.append(
                    nengo.Connection(
                        pre, self.state, transform=transform, synapse=synapse
                    )
                )
        else:
            self.memory = LegendreMemory(
                order=self.order,
                theta=self.system.theta,
                size_in=self.memory_d,
                dt=self.dt,
                discretizer=self.discretizer,
                label="memory",
                **self.neural_memory,
            )
            fix_all(self.memory)
            self.memory_input = self.memory.input
            self.state = self.memory.state

        self._connect("input_encoders", self.input, self.memory_input, None)
        if self.memory_to_memory:
            self._connect("memory_encoders", self.state, self.memory_input, 0)
        if self.use_bias:
            one = nengo.Node(np.ones(1), label="one")
            self.weight_connections["memory_bias"] = nengo.Connection(
                one,
                self.memory_input,
                transform=self.weights["memory_bias"][:, None],
                synapse=None,
            )

    def _make_hidden(self):
        """The hidden neurons, the output, and the connections into them."""
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
        if self.input_to_hidden:
            self._connect("input_kernel", self.input, self.hidden.neurons, None)
        if self.hidden_to_hidden:
            self._connect(
                "hidden_kernel", self.hidden.neurons, self.hidden.neurons, delayed
            )
        if self.hidden_to_memory:
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
        # weights no connection holds (a replayed memory's) are as given
        weights = dict(self.weights)
        for name, conn in self.weight_connections.items():
            weights[name] = np.array(sim.data[conn].weights).reshape(self.shapes[name])
        bias = np.array(sim.data[self.hidden].bias) / self.scale_firing_rates
        weights["hidden_bias"] = bias.reshape(self.shapes["hidden_bias"])
        return weights
