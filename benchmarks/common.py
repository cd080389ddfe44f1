"""Shared measurement code of the benchmark scripts."""

import nengo
import numpy as np


def delay_nrmse(
    neuron_type,
    n_neurons,
    seed,
    order=6,
    theta=0.1,
    high=10,
    r=1.0,
    run_time=5.5,
    warmup=0.5,
    dt=0.001,
    simulator=nengo.Simulator,
    **memory_kwargs,
):
    """
    NRMSE of a `.LegendreMemory`'s delayed output on band-limited white noise.

    The output (or the readout at ``r``) is probed through ``Lowpass(0.01)`` and
    compared with the ideal delayed input through the same filter, over
    ``run_time - warmup`` seconds, relative to the input's RMS.
    """
    from nengo_lmu import LegendreMemory

    process = nengo.processes.WhiteSignal(10, high=high, rms=0.3)
    with nengo.Network(seed=seed) as net:
        net.config[nengo.Ensemble].max_rates = nengo.dists.Uniform(200, 400)
        stim = nengo.Node(process)
        mem = LegendreMemory(
            order=order,
            theta=theta,
            n_neurons=n_neurons,
            dt=dt,
            process=process,
            neuron_type=neuron_type,
            **memory_kwargs,
        )
        nengo.Connection(stim, mem.input, synapse=None)
        out = mem.output if r == 1.0 else mem.add_output(r=r)
        p_out = nengo.Probe(out, synapse=nengo.Lowpass(0.01))
        p_in = nengo.Probe(stim, synapse=nengo.Lowpass(0.01))
    with simulator(net, dt=dt, progress_bar=False) as sim:
        sim.run(run_time)
    shift = int(round(r * theta / dt))
    k = np.arange(int(round(warmup / dt)), len(sim.trange()))
    ideal = sim.data[p_in][k - shift]
    return np.sqrt(np.mean((sim.data[p_out][k] - ideal) ** 2)) / np.sqrt(
        np.mean(sim.data[p_in][k] ** 2)
    )
