import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import LegendreDelay, map_to_synapse, simulate


def is_float32(sim, probe):
    return sim.data[probe].dtype == np.float32


@pytest.mark.parametrize("realization", ["node", "direct"])
@pytest.mark.parametrize("order, tau", [(6, 0.1), (12, 0.005)])
def test_lowpass_discrete_mapping_is_exact(Simulator, realization, order, tau, seed):
    dt, n_steps = 0.001, 1000
    system = LegendreDelay(theta=0.1, order=order)
    u = nengo.processes.WhiteSignal(1, high=10, rms=0.3).run_steps(
        n_steps, dt=dt, rng=np.random.RandomState(seed)
    )
    A_mapped, B_mapped = map_to_synapse(system.A, system.B, nengo.Lowpass(tau), dt=dt)

    with nengo.Network(seed=seed) as net:
        stim = nengo.Node(nengo.processes.PresentInput(u, dt))
        if realization == "node":
            x = nengo.Node(size_in=order)
        else:
            x = nengo.Ensemble(1, order, neuron_type=nengo.Direct())
        nengo.Connection(stim, x, transform=B_mapped, synapse=tau)
        nengo.Connection(x, x, transform=A_mapped, synapse=tau)
        probe = nengo.Probe(x, synapse=None)
    with Simulator(net, dt=dt) as sim:
        sim.run_steps(n_steps)

    ideal = simulate(*system.discretize(dt), u)
    scale = np.max(np.abs(ideal))
    atol = 2e-5 if is_float32(sim, probe) else 1e-6
    assert np.allclose(sim.data[probe], ideal, atol=atol * scale, rtol=0)


def test_lowpass_continuous_mapping():
    A, B = np.array([[-2.0, 1.0], [0.0, -3.0]]), np.array([[1.0], [2.0]])
    A_mapped, B_mapped = map_to_synapse(A, B, nengo.Lowpass(0.05))
    assert np.allclose(A_mapped, 0.05 * A + np.eye(2))
    assert np.allclose(B_mapped, 0.05 * B)


def test_discrete_mapping_tends_to_continuous():
    system = LegendreDelay(theta=1.0, order=4)
    continuous = map_to_synapse(system.A, system.B, nengo.Lowpass(0.1))
    discrete = map_to_synapse(system.A, system.B, nengo.Lowpass(0.1), dt=1e-6)
    for c, d in zip(continuous, discrete):
        assert np.allclose(c, d, atol=1e-4)


def test_alpha_continuous_mapping(Simulator):
    # the continuous mapping is exact as dt -> 0, given u and du/dt
    dt, tau, order, freq = 1e-4, 0.01, 3, 2.0
    system = LegendreDelay(theta=0.2, order=order)
    A_mapped, B_mapped = map_to_synapse(system.A, system.B, nengo.Alpha(tau))
    assert B_mapped.shape == (order, 2)

    def u_du(t):
        w = 2 * np.pi * freq
        return [np.sin(w * t), w * np.cos(w * t)]

    with nengo.Network() as net:
        stim = nengo.Node(u_du)
        probes = []
        for B in (B_mapped, B_mapped * [1, 0]):  # with and without du/dt
            x = nengo.Node(size_in=order)
            nengo.Connection(stim, x, transform=B, synapse=nengo.Alpha(tau))
            nengo.Connection(x, x, transform=A_mapped, synapse=nengo.Alpha(tau))
            probes.append(nengo.Probe(x))
    with Simulator(net, dt=dt) as sim:
        sim.run(0.5)

    u = np.sin(2 * np.pi * freq * sim.trange())
    ideal = simulate(*system.discretize(dt), u)
    exact, approx = (
        np.max(np.abs(sim.data[p] - ideal)) / np.max(np.abs(ideal)) for p in probes
    )
    assert exact < 0.005
    assert approx > 5 * exact


@pytest.mark.parametrize(
    "synapse, dt, match",
    [
        (nengo.Alpha(0.01), 0.001, "No exact discrete mapping.*dt=None"),
        (nengo.LinearFilter([1], [0.01, 0.1, 1]), None, "Cannot map.*nengo.Lowpass"),
        (None, None, "Cannot map.*synapse None"),
        (nengo.Lowpass(0.1), 0, "dt=0.*time step"),
    ],
)
def test_unmappable_synapses(synapse, dt, match):
    system = LegendreDelay(0.1, 4)
    with pytest.raises(ValidationError, match=match):
        map_to_synapse(system.A, system.B, synapse, dt=dt)
