"""Measuring how a population's decoded output deviates from what it represents."""

import nengo
import numpy as np
from nengo.exceptions import ValidationError


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
    for ensemble in ensembles:
        if isinstance(ensemble.neuron_type, nengo.Direct):
            raise ValidationError(
                f"A Direct-mode ensemble has no neural dynamics ({ensemble}); "
                "measure ensembles of neurons",
                attr="ensembles",
            )
    d = sum(ensemble.dimensions for ensemble in ensembles)
    signal = np.asarray(signal, dtype=np.float64)
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
