"""
The fully spiking LMU: a memory tuned to its data, replayed states, and spikes.

References: the exact Legendre system (`.LinearSystem.simulate`) for memories
and recorded states, the exact cell for replayed ones, and the rate classifier
for the fully spiking one.
"""

import warnings

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import LegendreDelay, LegendreMemory, LMUCell, StateScaling
from nengo_lmu.datasets import hold
from nengo_lmu.tuning import input_process, memory_inputs

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


def test_memory_inputs_and_process():
    rng = np.random.RandomState(0)
    x = rng.uniform(0, 1, size=(5, 6, 2))
    weights = dict(input_encoders=np.array([[1.0, -2.0], [0.5, 0.0]]))
    weights["memory_bias"] = np.array([0.1, -0.1])
    u = memory_inputs(weights, x)
    assert np.allclose(u, x @ weights["input_encoders"].T + weights["memory_bias"])
    process = input_process(weights, x, steps_per_sample=3, dt=DT)
    assert np.allclose(process.inputs, hold(u, 3).reshape(-1, 2))
    assert process.presentation_time == DT


@pytest.mark.parametrize(
    "weights, x, match",
    [
        (dict(input_encoders=[[1.0]], memory_encoders=[[0.5]]), None, "memory_enc"),
        (dict(input_encoders=[[1.0]], hidden_encoders=[[0.5]]), None, "hidden_enc"),
        (dict(memory_kernel=[[1.0]]), None, "input_encoders"),
        (dict(input_encoders=[[np.nan]]), None, "finite"),
        (dict(input_encoders=[[1.0, 1.0]]), None, r"\(n, steps, 2\)"),
        (dict(input_encoders=[[1.0]]), np.full((2, 3, 1), np.inf), "NaN or infinite"),
    ],
)
def test_memory_inputs_refuse(weights, x, match):
    x = np.ones((2, 3, 1)) if x is None else x
    with pytest.raises(ValidationError, match=match):
        memory_inputs(weights, x)


def run_cell(Simulator, x, states=None, **kwargs):
    """A cell's output on one sequence, and its memory state (both unfiltered)."""
    with nengo.Network(seed=0) as net:
        stim = nengo.Node(nengo.processes.PresentInput(x, DT))
        cell = LMUCell(dt=DT, **kwargs)
        nengo.Connection(stim, cell.input, synapse=None)
        if states is not None:
            cell.state.output = nengo.processes.PresentInput(states, DT)
        out = nengo.Probe(cell.output, synapse=None)
        state = nengo.Probe(cell.state, synapse=None)
    with Simulator(net, dt=DT, progress_bar=False) as sim:
        sim.run_steps(len(x))
    return sim.data[out], sim.data[state], cell, sim


CELL = dict(units=6, order=4, theta=0.05, input_to_hidden=True, hidden_to_hidden=False)


def test_replayed_memory_reproduces_the_cell(Simulator, rng):
    """A cell replaying the memory states of another computes its outputs."""
    x = rng.uniform(0, 1, size=(200, 1))
    with nengo.Network(seed=1):
        weights = LMUCell(**CELL).weights
    out, states, _, _ = run_cell(Simulator, x, weights=weights, **CELL)
    replayed, _, replay, sim = run_cell(
        Simulator, x, states, weights=weights, replay_memory=True, **CELL
    )
    assert replay.memory is None and replay.memory_input is None
    assert np.allclose(replayed, out, atol=1e-6)
    # what trains is the hidden layer; the memory's weights are kept as given
    assert set(replay.weight_connections) == {"memory_kernel", "input_kernel"}
    kept = replay.get_weights(sim)
    assert np.array_equal(kept["input_encoders"], weights["input_encoders"])
    assert np.allclose(kept["memory_kernel"], weights["memory_kernel"])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(hidden_to_memory=True), "hidden_to_memory=False"),
        (dict(memory_to_memory=True), "memory_to_memory=False"),
        (dict(neural_memory=dict(n_neurons=400)), "no neural_memory"),
        (dict(replay_memory="yes"), "True or False"),
    ],
)
def test_replayed_memory_refuses(kwargs, match):
    kwargs = dict(dict(CELL, replay_memory=True), **kwargs)
    with pytest.raises(ValidationError, match=match):
        LMUCell(**kwargs)


def test_fast_dynamics_for_spiking_neurons_warn():
    kwargs = dict(n_neurons=64 * 20, neuron_lead=0, neuron_gain=1)
    with pytest.warns(UserWarning, match=r"theta >= 0.5\d+ s"):
        LegendreMemory(64, 0.32, neuron_type=nengo.SpikingRectifiedLinear(), **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # slow enough for the neurons, or neurons that do not spike
        LegendreMemory(64, 0.64, neuron_type=nengo.SpikingRectifiedLinear(), **kwargs)
        LegendreMemory(64, 0.32, neuron_type=nengo.RectifiedLinear(), **kwargs)
