"""
The fully spiking LMU: a memory tuned to its data, replayed states, and spikes.

References: the exact Legendre system (`.LinearSystem.simulate`) for memories
and recorded states, the exact cell for replayed ones, and the rate classifier
for the fully spiking one.
"""

import nengo
import numpy as np

from nengo_lmu import LegendreDelay, LegendreMemory, StateScaling

DT = 0.001


def positive_signal(seed, steps, high=5.0):
    """A signal that is never negative: pixels, rates, counts."""
    process = nengo.processes.WhiteSignal(steps * DT, high=high, rms=0.3, seed=seed)
    return np.abs(process.run_steps(steps, dt=DT)) + 0.2


def test_scaling_covers_inputs_with_a_mean():
    """Mean plus spread fit the radius; the spread alone left dimension 0 outside."""
    system = LegendreDelay(theta=0.2, order=8)
    process = nengo.processes.PresentInput(positive_signal(0, 20000), DT)
    scaling = StateScaling.from_process(system, DT, process)
    states = system.response(process, DT)
    inside = np.mean(np.abs(states / scaling.scale) <= 1, axis=0)
    assert np.all(inside > 0.99)
    # scaled to its spread alone, dimension 0 would be outside most of the time
    spread_alone = 3.5 * np.std(states[:, 0])
    assert np.mean(np.abs(states[:, 0]) > spread_alone) > 0.5


def test_spiking_memory_follows_inputs_with_a_mean(Simulator):
    """
    A spiking memory told of an input that is never negative keeps every state
    dimension, the first included, close to the exact system.
    """
    order, theta, steps = 8, 0.2, 3000
    process = nengo.processes.PresentInput(positive_signal(0, 10000), DT)
    u = positive_signal(1, steps)
    exact = LegendreDelay(theta, order).discretize(DT).simulate(u)
    with nengo.Network(seed=0) as net:
        stim = nengo.Node(nengo.processes.PresentInput(u, DT))
        memory = LegendreMemory(
            order,
            theta,
            n_neurons=200 * order,
            neuron_type=nengo.SpikingRectifiedLinear(),
            process=process,
        )
        nengo.Connection(stim, memory.input, synapse=None)
        probe = nengo.Probe(memory.state, synapse=None)
    with Simulator(net, dt=DT, progress_bar=False) as sim:
        sim.run_steps(steps)
    # the state lags the exact system by one step; the first 0.5 s settle
    error = sim.data[probe][501:] - exact[500:-1]
    spread = np.std(exact[500:], axis=0)
    assert abs(np.mean(error[:, 0])) < 0.05 * np.mean(exact[500:, 0])
    rmse = np.sqrt(np.mean(error**2, axis=0))
    assert rmse[0] < 0.05 * spread[0]
    assert np.all(rmse < 0.15 * np.max(spread))
    # the measured lead and gain are those of the neurons, not of saturation
    assert np.all(np.abs(memory.neuron_gain - 1) < 0.02)
