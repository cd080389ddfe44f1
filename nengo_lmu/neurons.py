"""
Neurons: what a population's decoded output does, and neuron types scaled in rate.

`measure_lead_gain` measures how a population's decoded output leads and falls
short of what it represents; `scaled_neuron_type` makes neurons fire faster
for the same function; `DiscreteLIF` is the LIF neuron as discrete-time
simulators and chips step it.
"""

import inspect

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.params import (
    DT,
    ArrayParam,
    NumberParam,
    SolverParam,
    SynapseParam,
    validate,
)

SIGNAL = "give the values to represent, finite numbers, one row per time step"
MEASURED_SYNAPSE = SynapseParam(
    "synapse", hint="give the synapse the output is used through, e.g. 0.1"
)
MEASURED_SOLVER = SolverParam(
    "solver", optional=True, hint="give a nengo solver, or None for nengo's default"
)
SKIP = NumberParam(
    "skip",
    low=0,
    high=0.9,
    hint="give the fraction of the run left out at the start, e.g. 0.1",
)


def measure_lead_gain(ensembles, synapse, dt, signal, solver=None, skip=0.1, seed=0):
    """
    Estimate each dimension's lead and gain of ensembles' decoded output.

    Copies of ``ensembles`` (same neurons, rates, intercepts and radius; seeds
    ``seed``, ``seed + 1``, ...) are simulated together, each driven with its
    columns of ``signal``, and each dimension of their decoded output ``y`` is
    fit, both through ``synapse``, as ``y ~= g x + g lead dx/dt``. Measure the
    ensembles on the signals they will represent: spiking LIF neurons' lead
    and gain depend on the signal's amplitude and spectrum (in a
    `.LegendreMemory`, the lead of the first state dimension is nearly twice
    that of the others), and their decoded gain falls short of 1 by a few
    tenths of a percent, which a recurrent loop amplifies.

    Parameters
    ----------
    ensembles : nengo.Ensemble or list of nengo.Ensemble
        The ensembles whose parameters are measured (they are not modified).
    synapse : nengo.synapses.Synapse
        Synapse the decoded output is used through.
    dt : float
        Simulator time step in seconds.
    signal : (n_steps, dimensions) array_like
        The values to represent, one row per time step and one column per
        dimension of the ensembles, in order (the first ensemble's dimensions
        first). It should start in its steady state (no switch-on transient);
        its length sets the duration of the simulation.
    solver : nengo.solvers.Solver, optional
        Decoder solver of the connections the output is used through (the
        regularization sets part of the gain); nengo's default if omitted.
    skip : float, optional
        Fraction of the simulation at the start left out of the fit, while the
        neurons and the synapse settle.
    seed : int, optional
        Seed of the measurement.

    Returns
    -------
    lead : (dimensions,) np.ndarray
        The lead of each dimension in seconds (negative for a lag).
    gain : (dimensions,) np.ndarray
        The gain of each dimension.

    Raises
    ------
    nengo.exceptions.ValidationError
        For a Direct-mode ensemble, or a ``signal`` whose columns do not match
        the ensembles' dimensions or that is too short to fit.
    """
    if isinstance(ensembles, nengo.Ensemble):
        ensembles = [ensembles]
    if not isinstance(ensembles, (list, tuple)) or not all(
        isinstance(ensemble, nengo.Ensemble) for ensemble in ensembles
    ):
        raise ValidationError(
            f"Must be a nengo.Ensemble or a list of them (ensembles={ensembles!r}); "
            "give the ensembles to measure",
            attr="ensembles",
        )
    for ensemble in ensembles:
        if isinstance(ensemble.neuron_type, nengo.Direct):
            raise ValidationError(
                f"A Direct-mode ensemble has no neural dynamics ({ensemble}); "
                "give ensembles of neurons",
                attr="ensembles",
            )
    synapse = validate(MEASURED_SYNAPSE, synapse)
    dt = validate(DT, dt)
    solver = validate(MEASURED_SOLVER, solver)
    skip = validate(SKIP, skip)
    d = sum(ensemble.dimensions for ensemble in ensembles)
    signal = validate(ArrayParam("signal", SIGNAL, ndim=(1, 2)), signal)
    if signal.ndim == 1:
        signal = signal[:, None]
    if signal.ndim != 2 or signal.shape[1] != d or len(signal) < 10:
        raise ValidationError(
            f"Must have one column per ensemble dimension ({d}) and at least 10 "
            f"rows (signal.shape={signal.shape}); give the values to represent, "
            "one row per time step",
            attr="signal",
        )

    with nengo.Network(seed=seed, add_to_container=False) as net:
        stim = nengo.Node(nengo.processes.PresentInput(signal, dt))
        p_in = nengo.Probe(stim, synapse=synapse)
        p_out, start = [], 0
        for i, ensemble in enumerate(ensembles):
            copy = ensemble.copy()
            copy.seed = seed + i
            end = start + ensemble.dimensions
            nengo.Connection(stim[start:end], copy, synapse=None)
            kwargs = {} if solver is None else dict(solver=solver)
            p_out.append(nengo.Probe(copy, synapse=synapse, **kwargs))
            start = end
    with nengo.Simulator(net, dt=dt, progress_bar=False) as sim:
        sim.run_steps(len(signal))

    k = slice(int(skip * len(signal)), None)
    x = sim.data[p_in]
    dx = np.gradient(x, dt, axis=0)[k]
    x = x[k]
    y = np.hstack([sim.data[p][k] for p in p_out])
    lead, gain = np.zeros(d), np.ones(d)
    for i in range(d):
        design = np.stack([x[:, i], dx[:, i]], axis=1)
        (gain[i], gain_lead), *_ = np.linalg.lstsq(design, y[:, i], rcond=None)
        lead[i] = gain_lead / gain[i]
    return lead, gain


def scaled_neuron_type(neuron_type, factor):
    """
    A copy of ``neuron_type`` whose output is divided by ``factor``.

    With the neurons' input currents multiplied by ``factor`` (through their
    gain and bias), the neurons fire ``factor`` times faster for the same
    function, as in `nengo_dl.Converter`'s ``scale_firing_rates``: exact for
    rectified-linear neurons.

    Parameters
    ----------
    neuron_type : nengo.neurons.NeuronType
        A neuron type with an ``amplitude`` (unless ``factor`` is 1).
    factor : float
        The factor by which the rates are scaled.

    Returns
    -------
    nengo.neurons.NeuronType
        ``neuron_type`` itself for ``factor == 1``; otherwise a copy with its
        ``amplitude`` divided by ``factor``.

    Raises
    ------
    nengo.exceptions.ValidationError
        For a neuron type without an ``amplitude`` and ``factor != 1``.
    """
    if factor == 1:
        return neuron_type
    if not hasattr(neuron_type, "amplitude"):
        raise ValidationError(
            f"{type(neuron_type).__name__} has no amplitude to undo "
            f"scale_firing_rates={factor}; use a neuron type with an amplitude "
            "(e.g. nengo.SpikingRectifiedLinear) or scale_firing_rates=1",
            attr="scale_firing_rates",
        )
    parameters = inspect.signature(type(neuron_type)).parameters.values()
    args = {
        p.name: getattr(neuron_type, p.name)
        for p in parameters
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    if hasattr(neuron_type, "initial_state"):  # also behind **kwargs
        args["initial_state"] = neuron_type.initial_state
    args["amplitude"] = neuron_type.amplitude / factor
    return type(neuron_type)(**args)


class DiscreteLIF(nengo.LIF):
    """
    LIF neurons stepped as discrete-time spiking simulators step them.

    Each time step the voltage decays exactly towards the input current,
    ``v += (J - v) (1 - exp(-dt / tau_rc))``; a neuron whose voltage ends the
    step above 1 spikes, and 1 is subtracted from its voltage. There is no
    refractory period, no spike time within the step and no floor on the
    voltage. These are the dynamics of a NIR ``CubaLIF`` or ``LIF`` node run
    by forward Euler with the time constant `.nir.euler_tau` and reset by
    subtraction (as Norse does), so a network of these neurons runs the same
    in nengo and in such a simulator. nengo's `~nengo.LIF` differs: it
    interpolates the spike time within the step and resets to 0 from there,
    which at a few hundred hertz and ``dt = 0.001`` gives a different tuning
    curve.

    Firing rates (for decoders) are measured by simulating the neurons
    (`nengo.neurons.settled_firingrate`), not taken from the continuous LIF
    curve.

    Parameters
    ----------
    tau_rc : float, optional
        Membrane time constant, in seconds.
    amplitude : float, optional
        Scaling factor on the neuron output.
    initial_state : {str: Distribution or array_like}, optional
        Initial ``voltage``; default 0 (at rest, as a NIR simulator starts).
    """

    def __init__(self, tau_rc=0.02, amplitude=1, initial_state=None):
        state = {"voltage": nengo.dists.Choice([0])}
        state.update(initial_state or {})
        super().__init__(
            tau_rc=tau_rc,
            tau_ref=0,
            min_voltage=-np.inf,
            amplitude=amplitude,
            initial_state=state,
        )

    def rates(self, x, gain, bias, dt=0.001):
        J = self.current(x, gain, bias)
        shape = J.shape
        J = J.ravel()
        state = {
            "output": np.zeros_like(J),
            "voltage": np.zeros_like(J),
            "refractory_time": np.zeros_like(J),
        }
        rates = nengo.neurons.settled_firingrate(self.step, J, state, dt=dt)
        return rates.reshape(shape)

    def step(self, dt, J, output, voltage, refractory_time):
        voltage += (J - voltage) * -np.expm1(-dt / self.tau_rc)
        spiked = voltage > 1
        output[...] = spiked * (self.amplitude / dt)
        voltage[spiked] -= 1
