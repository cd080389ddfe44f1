"""
Building nengo_lmu networks for Loihi, and checking networks against the chip.

`LoihiLegendreMemory` builds the memory in the form the chip runs well, and
`check` reports what a network will use on the chip, or refuses it with the
reason, before `nengo_loihi.Simulator` is called. This module imports without
nengo_loihi; `check` and the measurement of Loihi neurons' lead need it.
"""

import copy
import numbers
import warnings

import nengo
import numpy as np
from nengo.exceptions import BuildError, ValidationError

from nengo_lmu.cell import LMUCell
from nengo_lmu.linear import state_bound
from nengo_lmu.memory import LegendreMemory
from nengo_lmu.params import check_integer, check_positive

TARGETS = ("loihi", "nengo")
MAX_NEURONS_PER_CORE = 1024
# nengo_loihi raises no intercept above this (``Model.intercept_limit``); it
# clips larger ones, which changes the tuning curves the decoders assume
INTERCEPT_LIMIT = 0.95
WEIGHT_BITS = 7  # magnitude bits of a mixed-sign 8-bit weight
CHIP_NEURON_TYPES = (nengo.LIF, nengo.SpikingRectifiedLinear)
# nengo_loihi gives each group of weights into a block an exponent relative to
# the block's largest weights, but floors it at -6 without rescaling the
# weights: a group more than 2**6 times smaller than the largest runs too
# strong on the chip (62 times, measured on the first state dimension's own
# coupling at order 6). Couplings that small are left out of the network.
WEIGHT_EXP_FLOOR = -6
MIN_COUPLING = 2.0**WEIGHT_EXP_FLOOR
# time steps by which the delay read out on the host lags on the emulator: the
# input reaches the chip through spiking input neurons and an axon delay, and
# the state returns to the host through probes (measured: order 6, the delay
# NRMSE is lowest 1-2 steps late)
LOIHI_LATENCY_STEPS = 1.5
# nengo_loihi's filter on whatever the host sends to the chip (its
# ``Model.decode_tau``)
DECODE_TAU = 0.005
# time steps by which an LMU cell's output lags on the emulator: the memory
# state reaches the chip through spiking input neurons and an axon delay, and
# the hidden state returns to the host through probes (measured against the
# same network in nengo, target="nengo")
CELL_LATENCY_STEPS = 1
# most copies of the input connection `LoihiLegendreMemory` tries per ensemble
MAX_INPUT_COPIES = 32
# default recurrent time constant on the chip: the recurrent weights grow with
# it, and so does the effect of the chip neurons' integer-step dynamics
CHIP_TAU = 0.05
# `check` warns of a group of weights that this factor smaller (relative to
# its block's largest) would run twice as strong: on seed 0 of the order-6
# SpikingRectifiedLinear memory, a neuron_lead 10 microseconds shorter made
# one group cross it (1.95 times its strength instead of 0.94) and the delay
# NRMSE on the emulator went from 0.020 to 0.058
FLOOR_MARGIN = 1.1


def _nengo_loihi(what):
    try:
        import nengo_loihi
    except ImportError as error:  # pragma: no cover (tests need nengo_loihi)
        raise ImportError(
            f"{what} needs nengo_loihi; install it with `pip install nengo-lmu[loihi]`"
        ) from error
    return nengo_loihi


def _chip_neuron_type(neuron_type):
    """Whether nengo_loihi runs this neuron type on the chip."""
    if isinstance(neuron_type, CHIP_NEURON_TYPES):
        return True
    if isinstance(neuron_type, nengo.RegularSpiking):
        return type(neuron_type.base_type) in (nengo.LIFRate, nengo.RectifiedLinear)
    return False


def chip_neuron_model(neuron_type):
    """
    nengo_loihi's model of a neuron type as the chip runs it, for nengo.

    Run a network in nengo with these neurons to see what the chip's neurons
    (whole-step spikes, reset to zero) cost, apart from the rest of the chip.

    Parameters
    ----------
    neuron_type : nengo.neurons.NeuronType
        A neuron type the chip runs.

    Returns
    -------
    nengo.neurons.NeuronType
        ``nengo_loihi.neurons.LoihiLIF`` for `nengo.LIF`,
        ``LoihiSpikingRectifiedLinear`` for `nengo.SpikingRectifiedLinear` (with
        the same parameters); any other type unchanged.
    """
    neurons = _nengo_loihi("Modelling Loihi neurons").neurons
    if isinstance(neuron_type, (neurons.LoihiLIF, neurons.LoihiSpikingRectifiedLinear)):
        return neuron_type
    if type(neuron_type) is nengo.LIF:
        return neurons.LoihiLIF(
            tau_rc=neuron_type.tau_rc,
            tau_ref=neuron_type.tau_ref,
            min_voltage=neuron_type.min_voltage,
            amplitude=neuron_type.amplitude,
        )
    if type(neuron_type) is nengo.SpikingRectifiedLinear:
        return neurons.LoihiSpikingRectifiedLinear(amplitude=neuron_type.amplitude)
    return neuron_type


def _check_target(target, obj):
    if target not in TARGETS:
        raise ValidationError(
            f"Unknown target ({target=}); use one of {TARGETS}",
            attr="target",
            obj=obj,
        )


def _identity(t, x):
    return x


class Paired(nengo.dists.Distribution):
    """
    Samples of a distribution in pairs: each value twice, or with its negative.

    `.LoihiLegendreMemory` gives its ensembles, whose encoders alternate
    between +1 and -1, neuron parameters (``max_rates``, ``intercepts``) drawn
    in pairs and evaluation points mirrored about zero. Each pair of neurons
    then has the same tuning curve, mirrored, and the solver gives them
    opposite decoders: the weights out of them stay opposite once the chip
    rounds them, so their large constant firing cancels in every post neuron
    instead of adding a rounding error many times the signal.

    Parameters
    ----------
    dist : nengo.dists.Distribution
        The distribution sampled, half as many times as samples are asked for.
    mirror : bool, optional
        Whether the second of each pair is the negative of the first (for
        evaluation points) rather than a copy of it (for neuron parameters).

    Examples
    --------
    >>> Paired(nengo.dists.Uniform(0, 1)).sample(4, rng=np.random.RandomState(0))
    array([0.5488135 , 0.5488135 , 0.71518937, 0.71518937])
    """

    dist = nengo.dists.DistributionParam("dist")
    mirror = nengo.params.BoolParam("mirror")

    def __init__(self, dist, mirror=False):
        super().__init__()
        self.dist = dist
        self.mirror = mirror

    def sample(self, n, d=None, rng=np.random):
        first = self.dist.sample((n + 1) // 2, d=d, rng=rng)
        second = -first if self.mirror else first
        pairs = np.stack([first, second], axis=1)
        return pairs.reshape((-1,) + first.shape[1:])[:n]


def _paired(value, mirror=False):
    """``value`` drawn in pairs, if it is a distribution (arrays are kept)."""
    if isinstance(value, nengo.dists.Distribution):
        return Paired(value, mirror=mirror)
    return value


class _PhaseKick:
    """
    A Node function passing its input on, pushed at the start by ``phase``.

    nengo_loihi sends a value to the chip as the spikes of two rectified-linear
    neurons, on and off, each firing at ``(1 +- x) / (2 dt)``. Added to the
    input over the first steps, the push advances the on neuron's voltage and
    holds back the off neuron's by ``phase`` of a spike for the rest of the
    run (their voltages keep the remainder): copies of the input with
    phases spread over ``[0, 1)`` spike in turn rather than together.
    """

    STEPS = 4  # the push is spread over these steps, to keep |x| within 1

    def __init__(self, phase, dt):
        self.push = 2 * ((phase + 0.5) % 1.0 - 0.5) / self.STEPS
        self.end = (self.STEPS + 0.5) * dt

    def __call__(self, t, x):
        return x + self.push if t < self.end else x


def _delayed(synapse, steps, dt):
    """
    A lowpass ``synapse`` followed by a delay of ``steps`` time steps.

    A fractional delay is the mean of the whole-step delays around it,
    weighted by how close each is. A discrete filter, for the host.
    """
    decay = np.exp(-dt / synapse.tau)
    whole = int(np.floor(steps))
    fraction = steps - whole
    numerator = (1 - decay) * np.array([1 - fraction, fraction])
    denominator = np.concatenate([[1, -decay], np.zeros(whole + 1)])
    return nengo.LinearFilter(numerator, denominator, analog=False)


class LoihiLegendreMemory(LegendreMemory):
    """
    A `.LegendreMemory` built for the Loihi chip (``nengo_loihi.Simulator``).

    The dynamics, state scaling and ports are those of `.LegendreMemory`; the
    network differs where the chip needs it to:

    - one ensemble per state dimension (``layout="per_dimension"``), each of at
      most 1,024 neurons, so each fits in one core;
    - every recurrent connection is neuron-to-neuron (``recurrent_solver``
      solves for weights), one per pair of ensembles: a decoded connection
      would go through nengo_loihi's decode neurons, whose noise and extra
      filtering make the memory diverge;
    - the input matrix ``B`` is applied on the chip (a connection to the
      neurons): the host sends the input itself, which its on/off input
      neurons can only encode inside ``[-1, 1]``, not ``B u``, whose high
      orders reach 100 times the input;
    - the neurons of each ensemble come in pairs of opposite encoders with
      the same gain and bias, and the evaluation points are mirrored about
      zero (`Paired`), so each pair's decoders are opposite: the chip rounds
      the weights out of a pair alike, and the pair's constant firing still
      cancels (with independent neurons, the rounding errors times that
      constant firing cost more than the signal's precision: 0.14 against
      0.035 delay NRMSE at order 6);
    - the input reaches each ensemble through ``input_copies``
      connections, each carrying its share of ``B``: nengo_loihi sets a
      core's weight scale by its largest weight, which for one connection is
      the input's (its two on/off input neurons carry as much as all the
      ensemble's neurons), and every other weight into the core is rounded
      to a multiple of 1/255 of it. Smaller input weights let nengo_loihi
      scale the core up until its neurons' thresholds and biases reach the
      chip's limits, so the recurrent weights keep more of their bits.
      ``"auto"`` picks, per ensemble, the number of copies that gives the
      largest scale, from nengo_loihi's own discretization of a trial build
      of the memory (`choose_input_copies`). nengo_loihi sends each copy to
      the chip through its own pair of on/off neurons; each copy is pushed
      to its own phase at the start, so the copies' spikes interleave and
      together carry the input more finely (one pair: 6.5% error on 10 Hz
      input through the synapse; four: 1.6%). Identical copies would spike
      together and add nothing but the scale;
    - delay readouts make up for the time the input takes to reach the chip
      and the state to return to the host (``readout_latency``, 1.5 steps);
      so that ``state`` lags as a whole, its part computed on the host, the
      input through ``B``, is delayed as long;
    - a recurrent coupling more than ``2**6`` times smaller than the largest
      into the same ensemble is left out (`.MIN_COUPLING`): the chip could
      not hold its weights next to the others, and nengo_loihi would run it
      too strong;
    - on the chip every input to a neuron is filtered by the neuron's one
      synaptic filter, the recurrent ``synapse``; so with ``target="loihi"``
      the input connection has no synapse of its own (nengo would then leave
      it unfiltered: use ``target="nengo"`` to run this network in nengo);
    - the neurons' lead and gain (``neuron_lead="auto"``,
      ``neuron_gain="auto"``) are measured on nengo_loihi's models of the
      chip's neurons (`nengo_loihi.neurons.LoihiLIF`), whose integer-step
      dynamics differ from nengo's LIF, with the decoders of ``solver``,
      which by default regularizes as ``recurrent_solver`` does;
    - the recurrent synapse defaults to ``Lowpass(0.05)``, not 0.1: the
      mapped recurrent weights grow with the time constant, and with them the
      effect of the chip neurons' integer-step dynamics (see
      :doc:`/loihi`);
    - LIF intercepts default to ``Uniform(-1, 0.5)``, below nengo_loihi's limit
      of 0.95: high intercepts give large gains and biases, which force small
      weight exponents and cost the weights most of their 8 bits.

    Parameters
    ----------
    order : int
        Number of Legendre coefficients (state dimensions) per memory.
    theta : float
        Length of the window, in seconds.
    n_neurons : int, optional
        Neurons per memory, divided evenly over its ``order`` ensembles, each an
        even number (pairs of neurons) of at most 1,024. Default: 200 per
        state dimension.
    target : {"loihi", "nengo"}, optional
        The simulator the network is built for. ``"nengo"`` builds the same
        network with the input filtered by a connection's synapse, as nengo and
        nengo_dl need, to compare it with the chip in the same terms.
    recurrent_solver : nengo.solvers.Solver, optional
        Solver of the recurrent connections; it must solve for weights
        (``weights=True``).
    input_copies : "auto" or int or sequence of int, optional
        Number of connections that share the input into each ensemble (one
        number for all, or one per state dimension). ``"auto"`` (the default)
        chooses them for the chip with `choose_input_copies`, which builds the
        memory once with nengo_loihi (a few seconds). Only the chip needs
        them: with ``target="nengo"`` the input has one connection, which the
        copies add up to exactly.
    **kwargs
        `.LegendreMemory` parameters (``size_in``, ``synapse``, ``dt``,
        ``process``, ``discretizer``, ``neuron_lead``, ``neuron_gain``,
        ``solver`` (default ``LstsqL2(reg=0.01)``: keep its regularization that
        of ``recurrent_solver``), ``label``,
        ``seed``, ``add_to_container``) and ensemble parameters
        (``neuron_type``, ``max_rates``, ``intercepts``, ...). ``synapse`` must
        be a `nengo.Lowpass`; ``neuron_type`` one the chip runs (`nengo.LIF`,
        `nengo.SpikingRectifiedLinear`).

    Attributes
    ----------
    target : str
        The simulator the network is built for.
    A_chip : (order, order) np.ndarray
        The recurrent matrix (``A_mapped``) the network implements, without
        the couplings the chip cannot hold; ``state`` decodes with it too.
    input_copies : (order,) np.ndarray
        Number of connections sharing the input into each ensemble (all 1
        with ``target="nengo"``).

    Notes
    -----
    The input (``input``) is sent to the chip by nengo_loihi's on/off input
    neurons, which encode values in ``[-1, 1]``: keep its magnitude below 1.
    Call `check` on the whole network before running it.

    Examples
    --------
    >>> import nengo, nengo_loihi
    >>> from nengo_lmu.loihi import LoihiLegendreMemory, check
    >>> with nengo.Network(seed=0) as net:
    ...     stim = nengo.Node(nengo.processes.WhiteSignal(10, high=10, rms=0.3))
    ...     mem = LoihiLegendreMemory(order=6, theta=0.1, n_neurons=1200)
    ...     nengo.Connection(stim, mem.input, synapse=None)
    ...     p = nengo.Probe(mem.output, synapse=0.01)
    >>> report = check(net)
    >>> with nengo_loihi.Simulator(net, target="sim") as sim:
    ...     sim.run(1.0)
    """

    def __init__(
        self,
        order,
        theta,
        n_neurons=None,
        target="loihi",
        recurrent_solver=nengo.solvers.LstsqL2(reg=0.01, weights=True),
        input_copies="auto",
        **kwargs,
    ):
        _check_target(target, self)
        if not (isinstance(input_copies, str) and input_copies == "auto"):
            copies = np.atleast_1d(input_copies)
            if not (
                copies.ndim == 1
                and copies.size in (1, order)
                and np.issubdtype(copies.dtype, np.integer)
                and np.all(copies >= 1)
            ):
                raise ValidationError(
                    f"input_copies must be 'auto', a positive integer, or one "
                    f"positive integer per state dimension ({order}) "
                    f"({input_copies=}); use e.g. 'auto' or 1",
                    attr="input_copies",
                    obj=self,
                )
        if not getattr(recurrent_solver, "weights", False):
            raise ValidationError(
                f"The recurrent solver must solve for weights ({recurrent_solver=})"
                "; decoded connections go through nengo_loihi's decode neurons. "
                "Use e.g. nengo.solvers.LstsqL2(reg=0.01, weights=True)",
                attr="recurrent_solver",
                obj=self,
            )
        layout = kwargs.pop("layout", "per_dimension")
        if layout != "per_dimension":
            raise ValidationError(
                f"Loihi needs one ensemble per state dimension ({layout=}); use "
                "layout='per_dimension'",
                attr="layout",
                obj=self,
            )
        synapse = kwargs.setdefault("synapse", nengo.Lowpass(CHIP_TAU))
        if type(synapse) is not nengo.Lowpass:
            raise ValidationError(
                f"Loihi's synapses are first-order lowpass filters ({synapse=}); "
                "use nengo.Lowpass(tau)",
                attr="synapse",
                obj=self,
            )
        n = 200 * order if n_neurons is None else n_neurons
        if isinstance(n, (int, np.integer)) and n // order > MAX_NEURONS_PER_CORE:
            raise ValidationError(
                f"Each of the {order} ensembles would have {n // order} neurons, "
                f"more than a core's {MAX_NEURONS_PER_CORE} ({n_neurons=}); give "
                f"n_neurons <= {MAX_NEURONS_PER_CORE * order}",
                attr="n_neurons",
                obj=self,
            )
        if isinstance(n, (int, np.integer)) and (n // order) % 2 == 1:
            raise ValidationError(
                f"Each of the {order} ensembles would have {n // order} neurons, "
                f"an odd number; its neurons come in pairs ({n_neurons=}); give "
                f"n_neurons = {order} times an even number, e.g. "
                f"{order * (n // order + 1)}",
                attr="n_neurons",
                obj=self,
            )
        self.target = target
        self.recurrent_solver = recurrent_solver
        kwargs.setdefault("solver", nengo.solvers.LstsqL2(reg=0.01))
        super().__init__(order, theta, n_neurons=n_neurons, layout=layout, **kwargs)
        if target == "nengo":
            input_copies = 1
        elif isinstance(input_copies, str):
            input_copies = choose_input_copies(self)
        self.input_copies = np.broadcast_to(input_copies, order).astype(int)
        self._copy_input()

    @property
    def readout_latency(self):
        """On the chip, the input's and the state's transport time, in seconds."""
        return LOIHI_LATENCY_STEPS * self.dt if self.target == "loihi" else 0.0

    def _default_intercepts(self):
        neuron_type = nengo.Config.default(nengo.Ensemble, "neuron_type")
        if not _chip_neuron_type(neuron_type):
            raise ValidationError(
                f"Loihi cannot run {neuron_type} neurons; use nengo.LIF() or "
                "nengo.SpikingRectifiedLinear()",
                attr="neuron_type",
                obj=self,
            )
        super()._default_intercepts()
        if nengo.Config.default(nengo.Ensemble, "intercepts") == (
            nengo.Ensemble.intercepts.default
        ):
            self.config[nengo.Ensemble].intercepts = nengo.dists.Uniform(-1.0, 0.5)

    def _measured_ensembles(self):
        ensembles = super()._measured_ensembles()
        if self.target != "loihi":
            return ensembles
        copies = []
        for ensemble in ensembles:
            copy = ensemble.copy(add_to_container=False)
            copy.neuron_type = chip_neuron_model(ensemble.neuron_type)
            copies.append(copy)
        return copies

    def _connect(self):
        # the couplings the chip can hold next to the largest into each ensemble
        magnitude = np.abs(self.A_mapped)
        largest = np.max(magnitude, axis=1, keepdims=True)
        self.A_chip = np.where(magnitude < MIN_COUPLING * largest, 0.0, self.A_mapped)
        A = self.A_chip

        # nothing drives the array's own input node here; on Loihi its
        # connections would still become host-to-chip inputs
        for conn in list(self.memory.connections):
            if conn.pre_obj is self.memory.input:
                self.memory.connections.remove(conn)

        # a Node with a function is not a passthrough: nengo_loihi would
        # otherwise merge ``input``, ``state`` and the readouts into one cluster
        # of passthrough nodes, remove it, and leave the probed readouts unfed
        self.state.output = _identity

        order = self.system.order
        scale = self.scaling.scale[:, None]
        input_synapse = None if self.target == "loihi" else self.synapse
        self._input_connections = {}
        for m in range(self.size_in):
            ensembles = self.memory.ea_ensembles[m * order : (m + 1) * order]
            state = self.state[m * order : (m + 1) * order]
            for j, post in enumerate(ensembles):
                # encoders fixed here so that B can be applied to the neurons
                encoders = np.resize([1.0, -1.0], post.n_neurons)[:, None]
                post.encoders = encoders
                post.max_rates = _paired(post.max_rates)
                post.intercepts = _paired(post.intercepts)
                post.eval_points = _paired(post.eval_points, mirror=True)
                self._input_connections[post] = nengo.Connection(
                    self.input[m],
                    post.neurons,
                    transform=encoders * self.B_mapped[j, 0] / post.radius,
                    synapse=input_synapse,
                )
                for i in np.flatnonzero(A[j]):
                    nengo.Connection(
                        ensembles[i],
                        post,
                        transform=A[j, i],
                        synapse=self.synapse,
                        solver=self.recurrent_solver,
                    )
            for i, pre in enumerate(ensembles):
                nengo.Connection(
                    pre,
                    state,
                    transform=scale * A[:, i : i + 1],
                    synapse=self.synapse,
                )
            nengo.Connection(
                self.input[m],
                state,
                transform=scale * self.B_mapped,
                synapse=(
                    self.synapse
                    if self.target == "nengo"
                    else _delayed(self.synapse, LOIHI_LATENCY_STEPS, self.dt)
                ),
            )

    def _copy_input(self):
        """
        Share each ensemble's input between ``input_copies`` connections.

        With ``target="loihi"``, nengo_loihi encodes each host-to-chip
        connection by its own pair of on/off neurons; all start at the same
        voltage, so identical copies would spike alike. Each copy is given its
        own phase instead (`_PhaseKick`), so that the copies' spikes interleave
        and their sum carries the input more finely.
        """
        order = self.system.order
        # in a network of their own, added last, so that they leave the seeds
        # (and so the neurons) of the rest of the memory as they are
        with self, nengo.Network(label="input copies"):
            for k, post in enumerate(self.memory.ea_ensembles):
                copies = self.input_copies[k % order]
                if copies == 1:
                    continue
                # the connection itself is the copy of phase 0
                conn = self._input_connections[post]
                conn.transform = np.asarray(conn.transform.init) / copies
                for phase in np.arange(1, copies) / copies:
                    kicked = nengo.Node(
                        _PhaseKick(phase, self.dt), size_in=1, label="phase"
                    )
                    nengo.Connection(conn.pre, kicked, synapse=None)
                    nengo.Connection(
                        kicked,
                        conn.post,
                        transform=conn.transform,
                        synapse=conn.synapse,
                    )


def choose_input_copies(memory, max_copies=MAX_INPUT_COPIES):
    """
    Per ensemble, the copies of the input that let the chip scale it most.

    nengo_loihi scales a core's weights, thresholds and biases by
    ``255 / w_max`` (``w_max`` its largest weight) times a power of two, the
    largest for which its thresholds and biases still fit the chip; every
    weight then rounds to a multiple of about ``w_max / 255``. The input's
    weights into a memory ensemble are the largest (two on/off input neurons
    carry as much as all the ensemble's neurons); ``k`` connections each
    carrying ``1/k`` of them lower ``w_max`` towards the largest recurrent
    weight. This builds the memory with nengo_loihi (not discretized) and, per
    ensemble, applies nengo_loihi's discretization of the core to each ``k``
    up to ``max_copies``, keeping the smallest ``k`` with the largest scale.

    Parameters
    ----------
    memory : LoihiLegendreMemory
        The memory, built with one connection per ensemble for its input.
    max_copies : int, optional
        The most copies tried per ensemble.

    Returns
    -------
    (order,) np.ndarray
        The number of copies for each state dimension (the largest over the
        memories, for ``size_in > 1``).
    """
    nengo_loihi = _nengo_loihi("Choosing the copies of the input for Loihi")
    from nengo_loihi.builder.discretize import discretize_compartment

    max_copies = check_integer(
        max_copies, "max_copies", 1, "give the most copies to try, e.g. 32"
    )
    if not isinstance(memory, LoihiLegendreMemory):
        raise ValidationError(
            f"Input copies are chosen for a LoihiLegendreMemory ({memory=}); "
            "build the memory with nengo_lmu.loihi.LoihiLegendreMemory",
            attr="memory",
        )
    if np.any(getattr(memory, "input_copies", 1) > 1):
        raise ValidationError(
            f"The memory's input is already shared between copies "
            f"(input_copies={list(memory.input_copies)}); choose them for a memory "
            "built with input_copies=1",
            attr="memory",
            obj=memory,
        )

    def voltage_scale(compartment, w_max):
        try:
            info = discretize_compartment(copy.deepcopy(compartment), w_max)
        except BuildError:  # no weight exponent fits
            return 0.0
        return info["v_scale"]

    def largest(synapses):
        return max((np.abs(w).max() for s in synapses for w in s.weights), default=0.0)

    seed = 0 if memory.seed is None else memory.seed
    trial = nengo.Network(seed=seed, add_to_container=False)
    trial.networks.append(memory)
    with trial:
        driver = nengo.Node(np.zeros(memory.size_in))
        nengo.Connection(driver, memory.input, synapse=None)
    model = nengo_loihi.builder.Model(dt=memory.dt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.build(trial, discretize=False)

    # the synapses the host's spikes (the input) reach
    input_synapses = {axon.target for spikes in model.inputs for axon in spikes.axons}
    order = memory.system.order
    copies = np.ones(order, dtype=int)
    for k, ens in enumerate(memory.memory.ea_ensembles):
        # nengo_loihi may split the ensemble over cores (blocks), each scaled
        # on its own: the copies give the largest product of their scales
        log_scales = np.zeros(max_copies)
        for block in model.objs[ens]["out"]:
            inputs = [s for s in block.synapses if s in input_synapses]
            w_in = largest(inputs)
            w_rec = largest([s for s in block.synapses if s not in inputs])
            scales = [
                voltage_scale(block.compartment, max(w_in / n, w_rec))
                for n in range(1, max_copies + 1)
            ]
            with np.errstate(divide="ignore"):  # log2(0): no exponent fits
                log_scales += np.log2(scales)
        best = 1 + int(np.argmax(log_scales))  # the first of equal scales
        copies[k % order] = max(copies[k % order], best)
    return copies


class LoihiLMUCell(LMUCell):
    """
    An `.LMUCell` whose hidden neurons run on the Loihi chip.

    The memory is the exact Legendre system, computed on the host; the hidden
    neurons and the weights into them run on the chip. The network differs
    from `.LMUCell` where the chip needs it to:

    - the hidden neurons are nengo_loihi's models of the chip's neurons
      (`nengo_loihi.neurons.LoihiSpikingRectifiedLinear` for
      `nengo.SpikingRectifiedLinear`, ``LoihiLIF`` for `nengo.LIF`): they fire
      on whole time steps, as on the chip, and NengoDL trains them on the
      chip's rates (nengo-extras' builders, installed by nengo_loihi);
    - the host sends the memory state and the input to the chip through
      on/off input neurons, which encode values in ``[-1, 1]``: with
      ``target="loihi"`` what is sent is divided by ``state_range`` and
      ``input_range``, and the weights on the chip are multiplied by them
      (`.get_weights` returns the cell's weights, not these);
    - on the chip, whatever the host sends is filtered by nengo_loihi's
      ``Lowpass(0.005)`` (``DECODE_TAU``) before it reaches the neurons (by the
      cell's ``synapse`` if it is longer and ``hidden_to_hidden``: the chip
      gives the neurons one filter for all their inputs); the
      high orders of the memory change within a few steps, and the filter
      would wipe them out (psDigits: 94% to 45% on rates). So the host sends
      ``(m[k] - a m[k-1]) / (1 - a)``, with ``a`` the filter's decay per step,
      which the filter turns back into ``m[k]``: the neurons receive the
      memory one step late, as through any synapse. The input ``x`` is sent
      as it is and arrives filtered;
    - with ``target="nengo"`` the connections into the hidden neurons carry
      that filter, so that nengo and NengoDL train and run the network the
      chip runs; with ``target="loihi"`` it is left to nengo_loihi;
    - ``output`` lags by the host-chip round trip on the chip
      (``output_latency``, one step).

    Parameters
    ----------
    units, order, theta
        As in `.LMUCell`.
    target : {"loihi", "nengo"}, optional
        The simulator the network is built for: ``"nengo"`` for nengo and
        NengoDL (training, and the reference), ``"loihi"`` for
        ``nengo_loihi.Simulator``.
    input_range : float, optional
        The largest magnitude of the input ``x``.
    state_range : float or (memory_d * order,) array_like, optional
        The largest magnitude of what is sent for each memory state (the
        state, made up for the filter); by default the largest an input within
        ``input_range`` can make it (`.linear.state_bound`), so that nothing
        sent to the chip is clipped; real sequences reach a fraction of it,
        and `state_peaks` fits it to them. Only used with ``target="loihi"``.
    hidden_neuron_type : nengo.neurons.NeuronType, optional
        `nengo.SpikingRectifiedLinear` or `nengo.LIF` (or nengo_loihi's models
        of them).
    **kwargs
        `.LMUCell` parameters. ``synapse`` must be a `nengo.Lowpass` or None;
        the memory must be the exact one (``memory_neurons=None``), and
        ``hidden_to_memory`` False (the hidden state would go from the chip to
        the host and back on every step).

    Attributes
    ----------
    target : str
        The simulator the network is built for.
    input_range : float
        Divides the input sent to the chip.
    state_range : (memory_d * order,) np.ndarray
        Divides what is sent to the chip for each memory state.
    chip_tau : float
        Time constant of the chip's filter on the hidden neurons' inputs, which
        what the host sends makes up for.

    Examples
    --------
    A cell for the emulator; train the same cell with ``target="nengo"`` in
    NengoDL and give it the trained weights (``weights=...``):

    >>> import nengo, nengo_loihi
    >>> from nengo_lmu.loihi import LoihiLMUCell
    >>> cell_kwargs = dict(
    ...     units=64, order=64, theta=0.32, input_to_hidden=True,
    ...     hidden_to_hidden=False, scale_firing_rates=300, synapse=0.01,
    ... )
    >>> with nengo.Network(seed=0) as net:
    ...     stim = nengo.Node(np.zeros(1))
    ...     cell = LoihiLMUCell(target="loihi", **cell_kwargs)
    ...     nengo.Connection(stim, cell.input, synapse=None)
    ...     p = nengo.Probe(cell.output)
    >>> with nengo_loihi.Simulator(net, target="sim") as sim:
    ...     sim.run(0.32)
    """

    def __init__(
        self,
        units,
        order,
        theta,
        target="loihi",
        input_range=1.0,
        state_range=None,
        hidden_neuron_type=nengo.SpikingRectifiedLinear(),
        **kwargs,
    ):
        _check_target(target, self)
        self.target = target
        self.input_range = check_positive(
            input_range, "input_range", "give the largest |x| of the input", self
        )
        synapse = kwargs.get("synapse")
        if not (
            synapse is None
            or isinstance(synapse, numbers.Real)
            or type(synapse) is nengo.Lowpass
        ):
            raise ValidationError(
                f"Loihi's synapses are first-order lowpass filters ({synapse=}); "
                "use nengo.Lowpass(tau) or None",
                attr="synapse",
                obj=self,
            )
        if kwargs.get("hidden_to_hidden", True):
            tau = synapse if isinstance(synapse, numbers.Real) else None
            tau = getattr(synapse, "tau", tau)
            if tau is None or tau < DECODE_TAU:
                raise ValidationError(
                    f"On the chip the hidden neurons have one synaptic filter, "
                    f"at least nengo_loihi's {DECODE_TAU} s on what the host "
                    f"sends; their hidden-to-hidden weights cannot have a shorter "
                    f"synapse ({synapse=}). Give synapse >= {DECODE_TAU}, or "
                    f"hidden_to_hidden=False",
                    attr="synapse",
                    obj=self,
                )
        for name, fix in [
            ("memory_neurons", "the exact memory runs on the host; give None"),
            (
                "hidden_to_memory",
                "the hidden state would cross from the chip to "
                "the host and back every step; give False",
            ),
        ]:
            if kwargs.get(name):
                raise ValidationError(
                    f"LoihiLMUCell cannot take {name}={kwargs[name]!r}: {fix}",
                    attr=name,
                    obj=self,
                )
        if kwargs.get("memory_to_memory") and state_range is None:
            raise ValidationError(
                "With memory_to_memory=True the state's range depends on the "
                "memory's own feedback; give state_range (the largest value "
                "sent for each state, measured in a simulation of the data)",
                attr="state_range",
                obj=self,
            )
        if state_range is None and target == "loihi":
            warnings.warn(
                "state_range is the bound no input can exceed, several times "
                "what real sequences reach, which costs the state sent to the "
                "chip most of its precision (psDigits: 70% on the emulator "
                "against 87% fitted); give state_range=state_peaks(cell, "
                "x_train, weights)"
            )
        self._given_state_range = state_range
        self._sent_range = {}  # filled in once the weights are known
        super().__init__(
            units, order, theta, hidden_neuron_type=hidden_neuron_type, **kwargs
        )

    @property
    def output_latency(self):
        """On the chip, the host-chip round trip of the hidden state, in seconds."""
        return CELL_LATENCY_STEPS * self.dt if self.target == "loihi" else 0.0

    def _scaled_neuron_type(self, neuron_type):
        if not _chip_neuron_type(neuron_type):
            raise ValidationError(
                f"Loihi cannot run {neuron_type} neurons; use "
                "nengo.SpikingRectifiedLinear() or nengo.LIF()",
                attr="hidden_neuron_type",
                obj=self,
            )
        return super()._scaled_neuron_type(chip_neuron_model(neuron_type))

    def _state_range(self):
        """``state_range`` as given, or the largest the input can make it."""
        n_states = self.n_states
        given = self._given_state_range
        if given is None:
            u_max = np.sum(np.abs(self.weights["input_encoders"]), axis=1)
            u_max = u_max * self.input_range
            if self.options["use_bias"]:
                u_max = u_max + np.abs(self.weights["memory_bias"])
            # the bound of (m[k] - a m[k-1]) / (1 - a), the state sent
            a = _input_decay(self)
            change = (self.Ad - a * np.eye(self.order)) @ self.Bd
            bound = np.abs(self.Bd[:, 0]) + state_bound(self.Ad, change)
            return np.kron(u_max, bound / (1 - a))
        state_range = np.asarray(given, dtype=float)
        if state_range.size == 1:
            state_range = np.full(n_states, state_range.item())
        if state_range.shape != (n_states,) or not np.all(
            np.isfinite(state_range) & (state_range > 0)
        ):
            raise ValidationError(
                f"Must be positive ({given=}); give the largest value sent for "
                f"each of the {n_states} states, or one number for all",
                attr="state_range",
                obj=self,
            )
        return state_range.copy()

    @property
    def n_states(self):
        """Number of memory states (``memory_d * order``)."""
        return self.memory_d * self.order

    def _build_hidden(self):
        self.chip_tau = _chip_tau(self)
        self.state_range = self._state_range()
        # only the chip's input neurons need the values scaled: in nengo and
        # NengoDL, scaling would only slow the training of the scaled weights
        on_chip = self.target == "loihi"
        self._sent_range = {
            "memory_kernel": self.state_range if on_chip else np.ones(self.n_states),
            "input_kernel": np.full(self.input_d, self.input_range if on_chip else 1.0),
        }
        super()._build_hidden()

    def _connect(self, name, pre, post, synapse):
        if name not in self._sent_range:
            return super()._connect(name, pre, post, synapse)
        value_range = self._sent_range[name]
        sent = nengo.Node(size_in=len(value_range), label=f"{pre.label} to chip")
        if name == "memory_kernel":
            # send (m[k] - a m[k-1]) / (1 - a): through the chip's input filter
            # (y[k] = a y[k-1] + (1 - a) sent[k]) the neurons receive m[k]
            a = _input_decay(self)
            for transform, delay in [(1 / (1 - a), None), (-a / (1 - a), 0)]:
                self._fixed(
                    nengo.Connection(
                        pre, sent, transform=transform / value_range, synapse=delay
                    )
                )
        else:
            self._fixed(
                nengo.Connection(pre, sent, transform=1 / value_range, synapse=None)
            )
        filtered = None if self.target == "loihi" else nengo.Lowpass(self.chip_tau)
        self.weight_connections[name] = nengo.Connection(
            sent,
            post,
            transform=self.weights[name] * value_range,
            synapse=filtered,
        )

    def get_weights(self, sim):
        """The cell's weights (`.LMUCell.get_weights`), without the ranges."""
        weights = super().get_weights(sim)
        for name, value_range in self._sent_range.items():
            if name in weights:
                weights[name] = weights[name] / value_range
        return weights


def _chip_tau(cell):
    """
    Time constant of the filter on every input of the hidden neurons on the chip.

    nengo_loihi gives a block of neurons one filter, the longest of its
    inputs' synapses: its own ``DECODE_TAU`` on what the host sends, and the
    cell's ``synapse`` on the hidden-to-hidden weights.
    """
    if not cell.options["hidden_to_hidden"] or cell.synapse is None:
        return DECODE_TAU
    return max(DECODE_TAU, cell.synapse.tau)


def _input_decay(cell):
    """Decay per step of the chip's filter on what the host sends."""
    return np.exp(-cell.dt / cell.chip_tau)


def state_peaks(cell, x, weights=None):
    """
    The largest magnitude a `LoihiLMUCell` sends for each state, over sequences.

    A ``state_range`` fitted to the data: the default, a bound that holds for
    any input, is several times larger than what real sequences reach (order
    64 on psDigits: 4 to 8 times), which wastes the precision of the spikes
    that carry the state to the chip. Computed with the exact memory.

    Parameters
    ----------
    cell : LMUCell
        A cell with the memory (``order``, ``theta``, ``dt``, ``memory_d``) of
        the Loihi cell, e.g. the one trained in NengoDL.
    x : (n, steps, input_d) array_like
        Sequences, e.g. the training set.
    weights : dict, optional
        The cell's weights (`.LMUCell.get_weights`), if not its initial ones.

    Returns
    -------
    (memory_d * order,) np.ndarray
        Give it (times a margin, if the sequences are a sample) as
        ``LoihiLMUCell(state_range=...)``.
    """
    feedback = [n for n in ("hidden_to_memory", "memory_to_memory") if cell.options[n]]
    if feedback:
        raise ValidationError(
            f"The memory's input depends on the cell's feedback ({feedback[0]}); "
            "measure the state in a simulation instead",
            attr="cell",
        )
    weights = cell.weights if weights is None else weights
    x = np.asarray(x, dtype=float)
    u = x @ np.asarray(weights["input_encoders"]).T
    if cell.options["use_bias"]:
        u = u + weights["memory_bias"]
    a = _input_decay(cell)
    m = np.zeros(u.shape[:1] + (cell.memory_d, cell.order))
    peaks = np.zeros((cell.memory_d, cell.order))
    for k in range(u.shape[1]):
        m_next = m @ cell.Ad.T + u[:, k, :, None] * cell.Bd[:, 0]
        sent = (m_next - a * m) / (1 - a)
        peaks = np.maximum(peaks, np.max(np.abs(sent), axis=0))
        m = m_next
    return peaks.ravel()


class LoihiReport:
    """
    What a network uses on the Loihi chip; returned by `check`.

    Attributes
    ----------
    cores : int
        Neuron cores (one per block, after nengo_loihi splits blocks).
    neurons : int
        Compartments of the network's ensembles.
    decode_neurons : int
        Compartments nengo_loihi adds to decode values on the chip: for decoded
        on-chip connections, and for decoded outputs sent to the host.
    synapses : int
        Synaptic weights stored on the chip.
    synapse_bits : int
        Synapse memory they use, in bits (a core holds 1,048,576).
    blocks : list of dict
        Per block (core): ``label``, ``compartments``, ``weights``, ``bits``,
        ``in_axons``, ``out_axons``.
    weights : list of dict
        Per group of weights: ``label``, ``exponent`` (Loihi's weight
        exponent), ``bits`` (of the 7 magnitude bits, those the quantized
        weights use), ``bits_lost`` (``7 - bits``), ``zeroed`` (fraction of
        nonzero weights rounded to zero), ``error`` (RMS error of the
        quantized weights relative to their RMS, at the scale of the block's
        largest weights) and ``strength`` (how strongly the chip runs the
        group relative to the block's largest weights: 1, unless nengo_loihi
        floored its exponent; then a warning names it) and ``headroom`` (how
        many times smaller, relative to the block's largest weights, the
        group's weights may get before nengo_loihi's exponent floor doubles
        them on the chip; a warning names groups within `FLOOR_MARGIN` of it).
    decoded : list of nengo.Connection
        On-chip connections that go through decode neurons (a solver without
        ``weights=True``).
    warnings : list of str
        What will run, but not as the network says (e.g. clipped intercepts).
    """

    def __init__(self):
        self.blocks = []
        self.weights = []
        self.decoded = []
        self.warnings = []
        self.neurons = 0
        self.decode_neurons = 0

    @property
    def cores(self):
        return len(self.blocks)

    @property
    def synapses(self):
        return sum(b["weights"] for b in self.blocks)

    @property
    def synapse_bits(self):
        return sum(b["bits"] for b in self.blocks)

    def worst_weights(self, n=5):
        """The ``n`` groups of weights with the largest quantization error."""
        return sorted(self.weights, key=lambda w: -w["error"])[:n]

    def __str__(self):
        lines = [
            f"Loihi: {self.cores} cores, {self.neurons} neurons "
            f"(+{self.decode_neurons} decode neurons), {self.synapses} weights "
            f"({self.synapse_bits} bits)"
        ]
        if self.weights:
            lost = np.array([w["bits_lost"] for w in self.weights])
            error = np.array([w["error"] for w in self.weights])
            lines.append(
                f"weights: {len(self.weights)} groups, bits lost median "
                f"{np.median(lost):.0f} max {lost.max():.0f}; quantization error "
                f"median {np.median(error):.3f} max {error.max():.3f}"
            )
            for w in self.worst_weights(3):
                lines.append(
                    f"  {w['label']}: exponent {w['exponent']}, {w['bits']} bits, "
                    f"{w['zeroed']:.0%} zeroed, error {w['error']:.3f}"
                )
        if self.decoded:
            lines.append(
                f"{len(self.decoded)} decoded on-chip connections go through "
                "decode neurons (use a solver with weights=True)"
            )
        lines.extend(f"warning: {w}" for w in self.warnings)
        return "\n".join(lines)


def _flat(weights):
    return np.concatenate([w.ravel() for w in weights]).astype(np.float64)


def _weight_scale(w0, w1):
    """The factor from float ``w0`` to integer ``w1``, fit on the largest weights."""
    if not np.any(w0):
        return 1.0
    large = np.abs(w0) >= 0.5 * np.abs(w0).max()
    return (w1[large] @ w0[large]) / (w0[large] @ w0[large])


def _floor_headroom(w_block, w_group, block_exponent):
    """
    How many times smaller a group's weights may get before the chip doubles them.

    nengo_loihi gives a group the exponent ``block_exponent - floor(log2(w_block
    / w_group))`` (``w_block`` the largest weight into its block, ``w_group``
    the group's), floored at `WEIGHT_EXP_FLOOR` without rescaling the weights:
    each step below the floor doubles the group on the chip. The result is the
    factor, relative to the block's largest weight, by which the group can
    shrink before the next such doubling (at least 1).
    """
    ratio = np.log2(w_block / w_group)
    next_doubling = max(block_exponent - WEIGHT_EXP_FLOOR + 1, np.floor(ratio) + 1)
    return float(2.0 ** (next_doubling - ratio))


def _quantization(label, float_weights, int_weights, exponent, scale):
    """
    What quantization did to a group of weights.

    ``scale`` is the block's factor from float to integer weights (fit on its
    largest group): a group scaled differently (nengo_loihi's exponent floor)
    shows as a large error.
    """
    w0, w1 = _flat(float_weights), _flat(int_weights)
    nonzero = w0 != 0
    if not np.any(nonzero):
        return None
    levels = w1[w1 != 0]
    if levels.size:
        quantum = np.gcd.reduce(np.abs(levels).astype(np.int64))
        bits = int(np.ceil(np.log2(np.abs(levels).max() / quantum + 1)))
    else:
        bits = 0
    bits = min(bits, WEIGHT_BITS)
    return dict(
        label=label,
        exponent=int(exponent),
        bits=bits,
        bits_lost=WEIGHT_BITS - bits,
        zeroed=float(np.mean(w1[nonzero] == 0)),
        error=float(np.linalg.norm(w1 / scale - w0) / np.linalg.norm(w0)),
        strength=float(_weight_scale(w0, w1) / scale),
    )


def _check_frontend(network, split, report):
    """Refuse, with the reason, what nengo_loihi cannot put on the chip."""
    on_chip = split.hostchip.on_chip
    for ens in network.all_ensembles:
        if not on_chip(ens):
            continue
        if not _chip_neuron_type(ens.neuron_type):
            raise ValidationError(
                f"Loihi cannot run {ens.neuron_type} neurons ({ens}); use "
                "nengo.LIF() or nengo.SpikingRectifiedLinear(), or keep the "
                "ensemble off the chip with net.config[ens].on_chip = False",
                attr="neuron_type",
                obj=ens,
            )
        if ens.noise is not None:
            raise ValidationError(
                f"Loihi has no per-ensemble noise process ({ens}, noise="
                f"{ens.noise}); set noise=None, or keep the ensemble off the chip",
                attr="noise",
                obj=ens,
            )
        if (
            ens.n_neurons > MAX_NEURONS_PER_CORE
            and network.config[ens].block_shape is None
        ):
            raise ValidationError(
                f"{ens} has {ens.n_neurons} neurons, more than a core's "
                f"{MAX_NEURONS_PER_CORE}; split it into ensembles of at most "
                f"{MAX_NEURONS_PER_CORE} neurons (e.g. by dimension, as "
                "LoihiLegendreMemory does), or set net.config[ens].block_shape "
                "to split it over cores explicitly",
                attr="n_neurons",
                obj=ens,
            )
        high = ens.intercepts
        high = high.high if isinstance(high, nengo.dists.Uniform) else np.max(high)
        if isinstance(high, (int, float, np.number)) and high > INTERCEPT_LIMIT:
            report.warnings.append(
                f"{ens}: intercepts up to {high} are clipped to {INTERCEPT_LIMIT}"
                f"; give intercepts at most {INTERCEPT_LIMIT} (e.g. "
                "Uniform(-1, 0.5)) so the decoders match the chip"
            )

    removed = split.passthrough.to_remove
    connections = [c for c in network.all_connections if c not in removed]
    for conn in connections + list(split.passthrough.to_add):
        pre, post = _base(conn.pre_obj), _base(conn.post_obj)
        if not (
            isinstance(pre, nengo.Ensemble)
            and isinstance(post, nengo.Ensemble)
            and on_chip(pre)
            and on_chip(post)
        ):
            continue
        if conn.synapse is not None and not isinstance(conn.synapse, nengo.Lowpass):
            raise ValidationError(
                f"Loihi's on-chip synapses are first-order lowpass filters "
                f"({conn}, synapse={conn.synapse}); use nengo.Lowpass(tau) or "
                "None, or keep one end of the connection off the chip",
                attr="synapse",
                obj=conn,
            )
        if isinstance(conn.pre_obj, nengo.Ensemble) and not conn.solver.weights:
            report.decoded.append(conn)


def _base(obj):
    if isinstance(obj, nengo.ensemble.Neurons):
        return obj.ensemble
    return obj


def check(network, dt=0.001):
    """
    Report what a network will use on Loihi, or refuse what cannot run there.

    The network is built as ``nengo_loihi.Simulator(network, dt=dt)`` builds
    it (nothing is simulated), with the weights kept before and after Loihi's
    discretization to measure what quantization costs them.

    Parameters
    ----------
    network : nengo.Network
        The whole network, as it will be given to ``nengo_loihi.Simulator``.
    dt : float, optional
        The simulator's time step, in seconds.

    Returns
    -------
    LoihiReport
        Cores, neurons, weights and their bits; ``print`` it for a summary.

    Raises
    ------
    nengo.exceptions.ValidationError
        For an on-chip ensemble with a neuron type or noise the chip does not
        have, or with more than 1,024 neurons (without a ``block_shape``), and
        for an on-chip connection with a synapse other than `nengo.Lowpass`.
    nengo.exceptions.BuildError
        When nengo_loihi cannot build the network, when the weights into a
        block span more than Loihi's weight exponents can represent, or when
        a block exceeds a core's axons or synapse memory.
    """
    nengo_loihi = _nengo_loihi("Checking a network for Loihi")
    from nengo_loihi.builder.discretize import discretize_block
    from nengo_loihi.builder.validate import validate_model
    from nengo_loihi.splitter import Split

    report = LoihiReport()
    _check_frontend(network, Split(network), report)

    model = nengo_loihi.builder.Model(dt=float(dt), label=f"check {network}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model.build(network, discretize=False)
        # nengo_loihi raises NotImplementedError for what the chip lacks (e.g.
        # a synapse other than Lowpass on a connection it builds)
        except (BuildError, NotImplementedError, ValueError) as error:
            raise BuildError(f"nengo_loihi cannot build {network}: {error}") from error

    float_weights = {
        synapse: [np.array(w, copy=True) for w in synapse.weights]
        for block in model.blocks
        for synapse in block.synapses
    }
    for block in model.blocks:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                discretize_block(block)
        except BuildError as error:
            w_max = max(
                (np.abs(w).max() for s in block.synapses for w in float_weights[s]),
                default=0,
            )
            raise BuildError(
                f"The weights into {block.label} (largest {w_max:.3g}) are too "
                "small next to its neurons' thresholds and biases for Loihi's "
                f"weight exponents ({error}); if it is the decode neurons of a "
                "connection, give that connection a solver with weights=True or "
                "drop its near-zero transform entries"
            ) from error
    try:
        validate_model(model)
    except BuildError as error:
        raise BuildError(
            f"{error}; give the ensemble fewer neurons or inputs, or split it "
            "(e.g. net.config[ens].block_shape)"
        ) from error

    decode_blocks = set(model.connection_decode_neurons.values())
    for block in model.blocks:
        n = block.compartment.n_compartments
        if block in decode_blocks:
            report.decode_neurons += n
        else:
            report.neurons += n
        usage = block.utilization()
        report.blocks.append(
            dict(
                label=block.label,
                compartments=n,
                weights=int(sum(w.size for s in block.synapses for w in s.weights)),
                bits=int(usage["synapses"][0]),
                in_axons=int(usage["in-axons"][0]),
                out_axons=int(usage["out-axons"][0]),
            )
        )
        if not block.synapses:
            continue
        largest = max(
            block.synapses,
            key=lambda s: max((np.abs(w).max() for w in float_weights[s]), default=0),
        )
        scale = _weight_scale(_flat(float_weights[largest]), _flat(largest.weights))
        info = block.compartment.discretize_info
        for synapse in block.synapses:
            q = _quantization(
                f"{block.label} <- {synapse.label}",
                float_weights[synapse],
                synapse.weights,
                synapse.synapse_cfg.weight_exp,
                scale,
            )
            if q is None:
                continue
            q["headroom"] = _floor_headroom(
                info["w_max"],
                np.abs(_flat(float_weights[synapse])).max(),
                info["w_exp"],
            )
            report.weights.append(q)
            if abs(np.log2(q["strength"])) > 0.5:
                report.warnings.append(
                    f"{q['label']}: runs {q['strength']:.1f} times too strong on "
                    "the chip (nengo_loihi floors its weight exponent at "
                    f"{WEIGHT_EXP_FLOOR}, and its weights are much smaller than "
                    "the largest into the block); leave the connection out if "
                    "it is negligible, or make its weights larger relative to "
                    "the block's"
                )
            if q["headroom"] < FLOOR_MARGIN:
                report.warnings.append(
                    f"{q['label']}: {q['headroom'] - 1:.1%} smaller, relative to "
                    "the largest weights into the block, it would run twice as "
                    "strong on the chip (nengo_loihi's weight exponent floor), so "
                    "small changes of the weights (another seed, lead or gain) "
                    "may change the network's accuracy on the chip; compare "
                    "seeds, or make its weights larger relative to the block's"
                )
    return report
