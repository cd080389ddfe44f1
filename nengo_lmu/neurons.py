"""Measuring how a population's decoded output deviates from what it represents."""

import nengo
import numpy as np
from nengo.exceptions import ValidationError


def measure_lead(ensemble, synapse, dt, duration=2.0, high=20.0, seed=0):
    """
    Estimate how far an ensemble's decoded output leads the value it represents.

    A copy of ``ensemble`` (same neurons, rates, intercepts and radius) is driven
    with band-limited white noise ``x`` and its decoded output ``y`` is fit, both
    through ``synapse``, as ``y ~= g x + g lead dx/dt``. Spiking LIF neurons lead
    by a fraction of a millisecond (their leak favours recent input); rate
    neurons and integrate-and-fire neurons do not lead.

    Parameters
    ----------
    ensemble : nengo.Ensemble
        The ensemble whose parameters are measured (it is not modified).
    synapse : nengo.synapses.Synapse
        Synapse the decoded output is used through.
    dt : float
        Simulator time step in seconds.
    duration : float, optional
        Seconds of simulation.
    high : float, optional
        Cut-off frequency of the test signal in Hz.
    seed : int, optional
        Seed of the measurement.

    Returns
    -------
    float
        The lead in seconds (negative for a lag).
    """
    if isinstance(ensemble.neuron_type, nengo.Direct):
        raise ValidationError(
            f"A Direct-mode ensemble has no neural dynamics ({ensemble}); measure "
            "an ensemble of neurons",
            attr="ensemble",
        )
    d = ensemble.dimensions
    with nengo.Network(seed=seed, add_to_container=False) as net:
        stim = nengo.Node(
            nengo.processes.WhiteSignal(
                duration, high=high, rms=0.3 * ensemble.radius / np.sqrt(d)
            ),
            size_out=d,
        )
        copy = ensemble.copy()
        copy.seed = seed
        nengo.Connection(stim, copy, synapse=None)
        p_out = nengo.Probe(copy, synapse=synapse)
        p_in = nengo.Probe(stim, synapse=synapse)
    with nengo.Simulator(net, dt=dt, progress_bar=False) as sim:
        sim.run(duration)

    skip = len(sim.trange()) // 10
    x = sim.data[p_in][skip:]
    dx = np.gradient(sim.data[p_in], dt, axis=0)[skip:]
    y = sim.data[p_out][skip:]
    design = np.stack([x.ravel(), dx.ravel()], axis=1)
    (gain, gain_lead), *_ = np.linalg.lstsq(design, y.ravel(), rcond=None)
    return gain_lead / gain
