"""
Planning a network: every number it needs, before any nengo object exists.

A network is planned, then wired. For a `.LegendreMemory`, `plan_memory`
computes, from plain values, what the network's connections are made of: the
state scaling, the scaled system, the neurons' measured lead and gain, and the
system mapped onto the recurrent synapse (a `MemoryPlan`). For an `.LMUCell`,
`CellPlan` holds its checked parameters, its discretized memory, its hidden
neuron type and its initial weights. A plan can be inspected, tested, and
given to any backend; the network never changes it once it is built.

Measuring the neurons' lead and gain simulates copies of the memory's
ensembles. The measurement is cached: memories with the same neurons, synapse,
time step, input process and seed share one measurement.
"""

import hashlib
import warnings

import nengo
import numpy as np
from nengo.exceptions import ValidationError
from nengo.params import FrozenObject

from nengo_lmu.legendre import LegendreDelay, refuse_unstable_euler
from nengo_lmu.mapping import check_lead_gain, map_system
from nengo_lmu.neurons import measure_lead_gain, scaled_neuron_type
from nengo_lmu.params import (
    DT,
    BoolParam,
    DistributionParam,
    EnumParam,
    NumberParam,
    SynapseParam,
    at_least,
    validate,
)
from nengo_lmu.realization import N_SIGMA, StateScaling
from nengo_lmu.system import DISCRETIZERS
from nengo_lmu.weights import Orthogonal, glorot_uniform, initial_weights, weight_shapes

# smallest state scale relative to the largest: below it, the noise that the
# recurrent coupling puts into a weakly driven dimension saturates its ensemble
SCALE_FLOOR = 0.1
# seconds of the ideal state response on which the neurons' lead and gain are
# measured (10 and 30 s measure the same)
LEAD_GAIN_DURATION = 5.0
#: Spikes per cycle of a spiking memory's fastest dynamics below which it warns.
MIN_SPIKES_PER_CYCLE = 5
# the longest period of the default process (its samples take memory)
MAX_DEFAULT_PERIOD = 3600.0
# most measurements kept by the cache
CACHE_SIZE = 64
#: A memory's window must span at least this many simulator time steps.
MIN_THETA_STEPS = 4
#: An LMU cell's optional connections, True or False.
OPTIONS = (
    "hidden_to_memory",
    "memory_to_memory",
    "input_to_hidden",
    "hidden_to_hidden",
    "use_bias",
)
INITIALIZERS = (
    "kernel_initializer",
    "recurrent_initializer",
    "hidden_kernel_initializer",
)
INITIALIZER = "give e.g. nengo.dists.Uniform(-0.1, 0.1), or None for keras-lmu's"
# what an LMU cell sets for its memory in neurons
MEMORY_SET_BY_CELL = ("order", "theta", "size_in", "dt", "discretizer")


class MemoryPlan:
    """
    The numbers a `.LegendreMemory` is wired from.

    Made by `plan_memory`; the attributes are read-only by convention.

    Attributes
    ----------
    system : LegendreDelay
        The continuous system the memory implements.
    dt : float
        The simulator time step the mapping is exact for, in seconds.
    discretizer : str
        Discretization of the system the neurons implement.
    synapse : nengo.synapses.Synapse
        The recurrent synapse.
    process : nengo.Process
        The input the scaling is tuned to.
    scaling : StateScaling
        Scale of each state dimension (``x = scale * x_scaled``).
    scaled : LinearSystem
        The continuous system in scaled coordinates.
    neuron_lead, neuron_gain : float or (order,) np.ndarray
        The lead and gain of the ensembles' decoded output that the mapping
        compensates for.
    mapped : LinearSystem
        The scaled system mapped onto ``synapse``: ``mapped.A`` is the
        transform of the recurrent connection and ``mapped.B`` that of the
        input connection.
    """

    def __init__(self, system, dt, discretizer, synapse, process, scaling, lead, gain):
        self.system = system
        self.dt = dt
        self.discretizer = discretizer
        self.synapse = synapse
        self.process = process
        self.scaling = scaling
        self.scaled = scaling.realize(system).system
        self.neuron_lead = lead
        self.neuron_gain = gain
        self.mapped = map_system(
            self.scaled, synapse, dt=dt, method=discretizer, lead=lead, gain=gain
        )

    def __repr__(self):
        return (
            f"{type(self).__name__}(system={self.system!r}, dt={self.dt}, "
            f"synapse={self.synapse!r}, scaling={self.scaling!r})"
        )

    def state_samples(self, n, seed=2):
        """
        ``n`` states (scaled) the ideal memory visits in response to ``process``.

        Parameters
        ----------
        n : int
            Number of samples.
        seed : int, optional
            Seed of the choice of samples.

        Returns
        -------
        (n, order) np.ndarray
        """
        states = self.scaled.response(self.process, self.dt, method=self.discretizer)
        return states[np.random.RandomState(seed).choice(len(states), size=n)]


def default_process(order, theta):
    """
    The input a memory is tuned to when none is given.

    White noise band-limited to ``order / (4 theta)`` Hz, with RMS 0.3.

    Parameters
    ----------
    order : int
        Order of the memory.
    theta : float
        Its window, in seconds.

    Returns
    -------
    nengo.processes.WhiteSignal
    """
    period = 10 * theta + 10
    if period > MAX_DEFAULT_PERIOD:
        raise ValidationError(
            f"The default process would be white noise of period {period:.3g} s, "
            f"up to {order / (4 * theta):.3g} Hz (theta={theta}): too long to "
            "generate; give a process that looks like the memory's input",
            attr="process",
        )
    return nengo.processes.WhiteSignal(period=period, high=order / (4 * theta), rms=0.3)


def plan_memory(
    system,
    dt,
    synapse,
    process,
    discretizer="zoh",
    radius=1.0,
    neuron_lead="auto",
    neuron_gain="auto",
    ensembles=(),
    solver=None,
    seed=0,
):
    """
    Compute what a `.LegendreMemory` is wired from.

    Parameters
    ----------
    system : LegendreDelay
        The continuous system.
    dt : float
        Simulator time step, in seconds.
    synapse : nengo.Lowpass
        The recurrent synapse.
    process : nengo.Process
        The input the state scaling is tuned to.
    discretizer : {"zoh", "euler"}, optional
        Discretization the neurons implement.
    radius : float, optional
        The radius each scaled state dimension should stay inside.
    neuron_lead, neuron_gain : "auto" or float or (order,) array_like
        The ensembles' lead and gain, or ``"auto"`` to measure them on
        ``ensembles``.
    ensembles : sequence of nengo.Ensemble, optional
        The ensembles of one memory, in order (not added to any network): what
        ``"auto"`` measures. Measured only if spiking; rate neurons and Direct
        mode have no lead and unit gain.
    solver : nengo.solvers.Solver, optional
        Decoder solver of the memory's connections (the measurement uses it).
    seed : int, optional
        Seed of the scaling's and the measurement's signals.

    Returns
    -------
    MemoryPlan
    """
    order = system.order
    auto_lead, auto_gain = (
        isinstance(value, str) and value == "auto"
        for value in (neuron_lead, neuron_gain)
    )
    # what is given is checked before anything is measured
    check_lead_gain(
        0.0 if auto_lead else neuron_lead,
        1.0 if auto_gain else neuron_gain,
        order,
        names=("neuron_lead", "neuron_gain"),
    )
    scaling = StateScaling.from_process(
        system,
        dt,
        process,
        radius=radius,
        floor=SCALE_FLOOR,
        method=discretizer,
        seed=seed,
    )
    warn_fast_dynamics(system, ensembles)
    if auto_lead or auto_gain:
        measured = (np.zeros(order), np.ones(order))
        if ensembles and getattr(ensembles[0].neuron_type, "spiking", False):
            scaled = scaling.realize(system).system
            measured = _measured_lead_gain(
                scaled, dt, process, discretizer, ensembles, synapse, solver, seed
            )
        neuron_lead = measured[0] if auto_lead else neuron_lead
        neuron_gain = measured[1] if auto_gain else neuron_gain
    return MemoryPlan(
        system, dt, discretizer, synapse, process, scaling, neuron_lead, neuron_gain
    )


def warn_fast_dynamics(system, ensembles):
    """
    Warn when spiking neurons fire too few spikes per cycle of the memory's
    fastest dynamics to follow them.

    The fastest mode of a Legendre memory (the largest magnitude of ``A``'s
    eigenvalues, over 2 pi) grows with the square of the order over ``theta``.
    Below `MIN_SPIKES_PER_CYCLE` spikes per cycle at the neurons' mean maximum
    rate, the states are mostly spike noise: on psDigits, with a readout trained
    on the exact memory, an order-64 memory of 50 neurons per dimension
    classified 18% of the digits fully spiking at ``theta`` = 0.32 s (100 Hz
    fastest mode, 3 spikes per cycle) and 84% at 0.64 s (6 spikes per cycle).

    Parameters
    ----------
    system : LegendreDelay
        The continuous system.
    ensembles : sequence of nengo.Ensemble
        The ensembles of one memory (their neuron type and maximum rates).
    """
    if not ensembles or not getattr(ensembles[0].neuron_type, "spiking", False):
        return
    max_rates = ensembles[0].max_rates
    if isinstance(max_rates, nengo.dists.Distribution):
        max_rates = max_rates.sample(1000, rng=np.random.RandomState(0))
    rate = float(np.mean(max_rates))
    fastest = system.spectral_radius / (2 * np.pi)
    if rate < MIN_SPIKES_PER_CYCLE * fastest:
        theta = system.theta * MIN_SPIKES_PER_CYCLE * fastest / rate
        warnings.warn(
            f"The memory's fastest dynamics ({fastest:.0f} Hz at order "
            f"{system.order} over theta={system.theta:g} s) are too fast for its "
            f"spiking neurons ({rate:.0f} Hz mean max rate: "
            f"{rate / fastest:.1f} spikes per cycle), so its state will be mostly "
            f"spike noise; give theta >= {theta:.3g} s (more steps per sample), a "
            "lower order, or higher max_rates"
        )


_cache = {}


def clear_measurements():
    """
    Forget the cached lead and gain measurements.

    The next memory that measures its neurons (``neuron_lead="auto"``) simulates
    them again; e.g. to time a memory's construction from scratch.
    """
    _cache.clear()


def _measured_lead_gain(
    scaled, dt, process, discretizer, ensembles, synapse, solver, seed
):
    """
    Each dimension's lead and gain, measured on the scaled state's response.

    Every dimension varies about its mean with the spread of the most driven
    one, as far as its radius allows: those the scaling's floor leaves weakly
    driven would otherwise be measured on spike noise (order 12: leads of 1-3
    ms, gains off by 5%, and a loop that diverges), and a dimension with a mean
    (inputs never negative) stretched with its mean would leave its radius and
    be measured saturated (order 32 on pixels: a gain of 0.70 and a lag of 6.5
    ms on the first dimension, which then settles 0.45 from the truth).
    Cached on everything the measurement depends on.
    """
    signal = scaled.response(
        process, dt, duration=1.5 * LEAD_GAIN_DURATION, method=discretizer, seed=seed
    )
    mean, std = np.mean(signal, axis=0), np.std(signal, axis=0)
    peak = np.max(np.abs(mean) + N_SIGMA * std)
    spread = np.minimum(np.max(std), (peak - np.abs(mean)) / N_SIGMA)
    signal = mean + (signal - mean) * np.maximum(1.0, spread / std)
    key = (
        tuple(_fingerprint(ens) for ens in ensembles),
        _value(synapse),
        _value(solver),
        dt,
        seed,
        hashlib.sha256(signal.tobytes()).hexdigest(),
    )
    if key not in _cache:
        if len(_cache) >= CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = measure_lead_gain(
            list(ensembles), synapse, dt, signal, solver=solver, seed=seed
        )
    lead, gain = _cache[key]
    return lead.copy(), gain.copy()


def _fingerprint(ensemble):
    """The parameters of an ensemble that its decoded output depends on."""
    return tuple(
        (name, _value(getattr(ensemble, name)))
        for name in ensemble.params
        if name not in ("label", "seed")
    )


def _value(obj):
    """
    ``obj`` as a cache key, equal for equal values.

    nengo's frozen objects (neuron types, distributions, synapses, solvers)
    compare and hash by their parameters; arrays by their bytes; anything else
    by its repr.
    """
    if isinstance(obj, np.ndarray):
        return (obj.dtype.str, obj.shape, obj.tobytes())
    if isinstance(obj, FrozenObject):
        return (type(obj), obj)
    return repr(obj)


def _option(name):
    return BoolParam(name, hint="give True or False")


#: What `.CellPlan.cell_arguments` copies from the plan as it is.
CELL_ARGUMENTS = ("units", "order", "memory_d", "input_d") + OPTIONS
CELL_ARGUMENTS += ("discretizer", "dt", "scale_firing_rates", "synapse")


class CellPlan(FrozenObject):
    """
    What an `.LMUCell` is wired from: its checked parameters, memory and weights.

    Computed before any nengo object exists, from the cell's parameters (see
    `.LMUCell`, whose arguments these are, and which copies the attributes
    named in `attributes` onto itself); a backend that trains or exports the
    cell (without building it) can use it alone.

    Parameters
    ----------
    units, order, theta, memory_d, input_d, hidden_to_memory, memory_to_memory, \
input_to_hidden, hidden_to_hidden, use_bias, discretizer, dt, \
hidden_neuron_type, scale_firing_rates, synapse, neural_memory, replay_memory, \
kernel_initializer, recurrent_initializer, hidden_kernel_initializer, \
hidden_recurrent_initializer, weights, memory_neurons
        As in `.LMUCell`.
    rng : np.random.RandomState
        Random numbers for the weights not given.

    Attributes
    ----------
    system : LegendreDelay
        The memory's continuous system.
    discrete : LinearSystem
        The memory's system discretized at ``dt``.
    options : dict
        The optional connections (and ``use_bias``), by name: True or False.
    hidden_neuron_type : nengo.neurons.NeuronType
        The hidden neurons, their amplitude undoing ``scale_firing_rates``.
    neuron_type : nengo.neurons.NeuronType
        The hidden neurons as given (before ``scale_firing_rates``).
    shapes : dict
        The shape of each weight, by name.
    weights : dict
        The initial weights, by name.
    """

    #: What `.LMUCell` copies onto itself.
    attributes = (
        ("units", "order", "memory_d", "input_d", "dt", "discretizer")
        + OPTIONS
        + ("scale_firing_rates", "synapse", "system", "discrete", "options")
        + ("neural_memory", "replay_memory", "hidden_neuron_type", "shapes")
        + ("weights",)
    )

    units = at_least("units", 1, "give the hidden neurons")
    order = at_least("order", 1, "give the coefficients")
    memory_d = at_least("memory_d", 1, "give the memories")
    input_d = at_least("input_d", 1, "give the input size")
    dt = DT
    discretizer = EnumParam("discretizer", values=DISCRETIZERS)
    hidden_to_memory = _option("hidden_to_memory")
    memory_to_memory = _option("memory_to_memory")
    input_to_hidden = _option("input_to_hidden")
    hidden_to_hidden = _option("hidden_to_hidden")
    use_bias = _option("use_bias")
    replay_memory = _option("replay_memory")
    scale_firing_rates = NumberParam(
        "scale_firing_rates",
        low=0,
        low_open=True,
        hint="give the factor by which the hidden neurons' rates are scaled",
    )
    synapse = SynapseParam(
        "synapse",
        optional=True,
        hint="give e.g. nengo.Lowpass(0.01) for spiking hidden neurons, or None",
    )

    def __init__(
        self,
        units,
        order,
        theta,
        memory_d,
        input_d,
        hidden_to_memory,
        memory_to_memory,
        input_to_hidden,
        hidden_to_hidden,
        use_bias,
        discretizer,
        dt,
        hidden_neuron_type,
        scale_firing_rates,
        synapse,
        neural_memory,
        replay_memory,
        kernel_initializer,
        recurrent_initializer,
        hidden_kernel_initializer,
        hidden_recurrent_initializer,
        weights,
        memory_neurons,
        rng,
    ):
        super().__init__()  # a FrozenObject: each parameter set once; pickles
        self.units, self.order = units, order
        self.memory_d, self.input_d, self.dt = memory_d, input_d, dt
        self.system = LegendreDelay(theta=theta, order=order)
        check_window(self.system, self.dt, None)
        options = (hidden_to_memory, memory_to_memory, input_to_hidden)
        options += (hidden_to_hidden, use_bias)
        for name, value in zip(OPTIONS, options):
            setattr(self, name, value)
        self.scale_firing_rates = scale_firing_rates
        self.synapse = synapse
        check_synapse(self.synapse, None)
        self.discretizer = discretizer
        check_euler(self.system, self.dt, self.discretizer, None)
        self.discrete = self.system.discretize(self.dt, method=discretizer)
        self.neural_memory = self._neural_memory(neural_memory, memory_neurons)
        self.replay_memory = replay_memory
        self._check_replay()
        self.neuron_type = hidden_neuron_type
        self.hidden_neuron_type = self._hidden_neuron_type(hidden_neuron_type)
        self.shapes = weight_shapes(
            self.input_d, self.memory_d, self.order, self.units, self.options
        )
        initializers = self._initializers(
            kernel_initializer,
            recurrent_initializer,
            hidden_kernel_initializer,
            hidden_recurrent_initializer,
        )
        self.weights = initial_weights(self.shapes, initializers, weights, rng)

    @property
    def options(self):
        """The optional connections (and ``use_bias``), by name: True or False."""
        return {name: getattr(self, name) for name in OPTIONS}

    @property
    def memory_feedback(self):
        """
        The options that feed the cell back into its memory's input.

        With any of them (``hidden_to_memory``, ``memory_to_memory``) the
        memory depends on weights that train: it is not linear time-invariant
        in the sequence, and its states cannot be recorded beforehand.
        """
        return tuple(
            name
            for name in ("hidden_to_memory", "memory_to_memory")
            if getattr(self, name)
        )

    def cell_arguments(self):
        """
        The arguments of an `.LMUCell` that computes what this plan describes.

        Returns
        -------
        dict
            The sizes, the options, ``theta``, ``discretizer``, ``dt``, the
            hidden neurons as given, ``scale_firing_rates``, ``synapse`` and
            the weights; the memory is the exact one.
        """
        arguments = {name: getattr(self, name) for name in CELL_ARGUMENTS}
        arguments.update(
            theta=self.system.theta,
            hidden_neuron_type=self.neuron_type,
            weights={name: value.copy() for name, value in self.weights.items()},
        )
        return arguments

    def _neural_memory(self, neural_memory, memory_neurons):
        """``neural_memory`` checked (``memory_neurons``: its deprecated name)."""
        if memory_neurons is not None:
            warnings.warn(
                "LMUCell(memory_neurons=...) is deprecated; use neural_memory=...",
                DeprecationWarning,
                stacklevel=5,
            )
            neural_memory = memory_neurons if neural_memory is None else neural_memory
        if neural_memory is not None and not isinstance(neural_memory, dict):
            raise ValidationError(
                f"Must be None or a dict ({neural_memory=!r}); give None for the "
                f"exact memory or LegendreMemory's keyword arguments, e.g. "
                f"dict(n_neurons=1200, neuron_type=nengo.LIF())",
                attr="neural_memory",
            )
        for name in MEMORY_SET_BY_CELL:
            if name in (neural_memory or {}):
                raise ValidationError(
                    f"neural_memory sets {name!r}, which the cell sets; give it to "
                    "LMUCell instead",
                    attr="neural_memory",
                )
        return neural_memory

    def _check_replay(self):
        """Refuse a replayed memory whose input would depend on trained weights."""
        if not self.replay_memory:
            return
        if self.memory_feedback:
            name = self.memory_feedback[0]
            raise ValidationError(
                f"A replayed memory cannot have {name}=True: its states, "
                "recorded beforehand, cannot follow weights that train; give "
                f"{name}=False, or train with the memory in the network",
                attr="replay_memory",
            )
        if self.neural_memory is not None:
            raise ValidationError(
                "A replayed memory is not built, so it takes no neural_memory; give "
                "neural_memory to the cell whose memory states you record "
                "(nengo_lmu.classifier.record_states), and replay_memory=True to "
                "the cell you train on them",
                attr="replay_memory",
            )

    def _hidden_neuron_type(self, neuron_type):
        """The hidden neurons, their amplitude undoing ``scale_firing_rates``."""
        if not isinstance(neuron_type, nengo.neurons.NeuronType) or isinstance(
            neuron_type, nengo.Direct
        ):
            raise ValidationError(
                f"Must be a nengo neuron type other than Direct "
                f"(hidden_neuron_type={neuron_type!r}); for the exact tanh of keras "
                f"use nengo.Tanh(tau_ref=1)",
                attr="hidden_neuron_type",
            )
        return scaled_neuron_type(neuron_type, self.scale_firing_rates)

    def _initializers(self, kernel, recurrent, hidden_kernel, hidden_recurrent):
        """The distribution of each initial weight, as keras-lmu's defaults."""
        for name, dist in zip(INITIALIZERS, (kernel, recurrent, hidden_kernel)):
            validate(DistributionParam(name, optional=True, hint=INITIALIZER), dist)
        validate(
            DistributionParam(
                "hidden_recurrent_initializer", optional=True, hint=INITIALIZER
            ),
            hidden_recurrent,
        )
        enc_in = self.input_d + (self.units if self.hidden_to_memory else 0)
        kernel = glorot_uniform(enc_in, self.memory_d) if kernel is None else kernel
        hidden_in = self.memory_d * self.order
        hidden_in += self.input_d if self.input_to_hidden else 0
        if hidden_kernel is None:
            hidden_kernel = glorot_uniform(hidden_in, self.units)
        zero = nengo.dists.Choice([0.0])
        return {
            "input_encoders": kernel,
            "hidden_encoders": kernel,
            "memory_encoders": Orthogonal() if recurrent is None else recurrent,
            "memory_bias": zero,
            "memory_kernel": hidden_kernel,
            "input_kernel": hidden_kernel,
            "hidden_kernel": (
                Orthogonal() if hidden_recurrent is None else hidden_recurrent
            ),
            "hidden_bias": zero,
        }


def check_window(system, dt, obj):
    """Refuse a window shorter than `.MIN_THETA_STEPS` time steps."""
    if system.theta < MIN_THETA_STEPS * dt:
        raise ValidationError(
            f"The window is {system.theta / dt:g} time steps long (theta="
            f"{system.theta}, dt={dt}); give theta in seconds (keras-lmu's theta in "
            f"steps times dt), at least {MIN_THETA_STEPS} steps",
            attr="theta",
            obj=obj,
        )


def check_euler(system, dt, discretizer, obj):
    """Refuse an Euler discretization that would be unstable, naming it."""
    if discretizer == "euler":
        refuse_unstable_euler(system, dt, "discretizer", obj)


def check_synapse(synapse, obj):
    """``synapse``, unless its time constant is not a positive finite number."""
    tau = getattr(synapse, "tau", None)
    if tau is not None and not (np.isfinite(tau) and tau > 0):
        raise ValidationError(
            f"Must have a positive, finite time constant (synapse={synapse!r}); "
            "give e.g. nengo.Lowpass(0.1)",
            attr="synapse",
            obj=obj,
        )
    return synapse
