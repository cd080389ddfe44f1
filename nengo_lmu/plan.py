"""
Planning a `.LegendreMemory`: every number it needs, before any nengo object exists.

A memory is planned, then wired. `plan_memory` computes, from plain values,
what the network's connections are made of: the state scaling, the scaled
system, the neurons' measured lead and gain, and the system mapped onto the
recurrent synapse. The result, a `MemoryPlan`, can be inspected, tested, and
given to any backend's wiring; the network never changes it once it is built.

Measuring the neurons' lead and gain simulates copies of the memory's
ensembles. The measurement is cached: memories with the same neurons, synapse,
time step, input process and seed share one measurement.
"""

import hashlib

import nengo
import numpy as np

from nengo_lmu.mapping import check_lead_gain, map_system
from nengo_lmu.neurons import measure_lead_gain
from nengo_lmu.realization import StateScaling

# smallest state scale relative to the largest: below it, the noise that the
# recurrent coupling puts into a weakly driven dimension saturates its ensemble
SCALE_FLOOR = 0.1
# seconds of the ideal state response on which the neurons' lead and gain are
# measured (10 and 30 s measure the same)
LEAD_GAIN_DURATION = 5.0
# most measurements kept by the cache
CACHE_SIZE = 64


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
    return nengo.processes.WhiteSignal(
        period=10 * theta + 10, high=order / (4 * theta), rms=0.3
    )


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


_cache = {}


def _measured_lead_gain(
    scaled, dt, process, discretizer, ensembles, synapse, solver, seed
):
    """
    Each dimension's lead and gain, measured on the scaled state's response.

    Every dimension is driven at the spread of the most driven one: those the
    scaling's floor leaves weakly driven would otherwise be measured on spike
    noise (order 12: leads of 1-3 ms, gains off by 5%, and a loop that
    diverges). Cached on everything the measurement depends on.
    """
    signal = scaled.response(
        process, dt, duration=1.5 * LEAD_GAIN_DURATION, method=discretizer, seed=seed
    )
    signal *= np.max(np.std(signal, axis=0)) / np.std(signal, axis=0)
    key = (
        tuple(_fingerprint(ens) for ens in ensembles),
        repr(synapse),
        repr(solver),
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

    def value(v):
        if isinstance(v, np.ndarray):
            return (v.shape, v.tobytes())
        return repr(v)

    return tuple(
        (name, value(getattr(ensemble, name)))
        for name in ensemble.params
        if name not in ("label", "seed")
    )
