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


LEAD = np.array([0.6, 0.4, 0.35, 0.45, 0.3, 0.5]) * 1e-3
GAIN = np.array([0.993, 0.997, 0.999, 0.995, 0.998, 0.996])


def test_lead_gain_discrete_mapping_is_exact():
    # a population whose decoded output is y[k] = g (x[k] + (L / dt) (x[k+1] -
    # x[k])), fed back through a zero-order-hold Lowpass, follows (Ad, Bd)
    dt, tau, n_steps = 0.001, 0.1, 1000
    system = LegendreDelay(theta=0.1, order=6)
    Ad, Bd = system.discretize(dt)
    A_mapped, B_mapped = map_to_synapse(
        system.A, system.B, nengo.Lowpass(tau), dt=dt, lead=LEAD, gain=GAIN
    )
    u = nengo.processes.WhiteSignal(1, high=10, rms=0.3).run_steps(
        n_steps, dt=dt, rng=np.random.RandomState(0)
    )
    ideal = simulate(Ad, Bd, u)
    a = np.exp(-dt / tau)
    x = np.zeros(6)
    for k in range(n_steps - 1):
        y = GAIN * (ideal[k] + LEAD / dt * (ideal[k + 1] - ideal[k]))
        x = a * x + (1 - a) * (A_mapped @ y + B_mapped @ u[k])
        assert np.allclose(x, ideal[k + 1], atol=1e-9 * np.max(np.abs(ideal)))


def test_lead_gain_continuous_mapping_is_exact():
    # tau dx/dt = -x + A' g (x + L dx/dt) + B' u  must give  dx/dt = A x + B u
    tau = 0.1
    system = LegendreDelay(theta=0.1, order=6)
    A_mapped, B_mapped = map_to_synapse(
        system.A, system.B, nengo.Lowpass(tau), lead=LEAD, gain=GAIN
    )
    lhs = tau * np.eye(6) - A_mapped @ np.diag(GAIN * LEAD)
    assert np.allclose(lhs @ system.A, A_mapped @ np.diag(GAIN) - np.eye(6))
    assert np.allclose(lhs @ system.B, B_mapped)


@pytest.mark.parametrize("dt", [None, 0.001])
def test_scalar_lead_gain_equal_per_dimension(dt):
    system = LegendreDelay(theta=0.1, order=6)
    synapse = nengo.Lowpass(0.1)
    scalar = map_to_synapse(system.A, system.B, synapse, dt=dt, lead=4e-4, gain=0.99)
    vector = map_to_synapse(
        system.A, system.B, synapse, dt=dt, lead=[4e-4] * 6, gain=np.full(6, 0.99)
    )
    unit = map_to_synapse(system.A, system.B, synapse, dt=dt, lead=4e-4, gain=1)
    lead_only = map_to_synapse(system.A, system.B, synapse, dt=dt, lead=4e-4)
    for s, v, u, lo in zip(scalar, vector, unit, lead_only):
        assert np.allclose(s, v)
        assert np.array_equal(u, lo)
    assert np.allclose(scalar[0] * 0.99, unit[0])  # the gain scales A' only
    assert np.allclose(scalar[1], unit[1])


def test_lead_gain_discrete_tends_to_continuous():
    system = LegendreDelay(theta=1.0, order=4)
    kw = dict(lead=LEAD[:4], gain=GAIN[:4])
    continuous = map_to_synapse(system.A, system.B, nengo.Lowpass(0.1), **kw)
    discrete = map_to_synapse(system.A, system.B, nengo.Lowpass(0.1), dt=1e-6, **kw)
    for c, d in zip(continuous, discrete):
        assert np.allclose(c, d, atol=1e-4)


def test_alpha_mapping_with_gain():
    system = LegendreDelay(theta=0.2, order=3)
    A_1, B_1 = map_to_synapse(system.A, system.B, nengo.Alpha(0.01))
    A_g, B_g = map_to_synapse(
        system.A, system.B, nengo.Alpha(0.01), gain=[0.9, 1.0, 1.1]
    )
    assert np.allclose(A_g @ np.diag([0.9, 1.0, 1.1]), A_1)
    assert np.array_equal(B_g, B_1)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(lead="fast"), "lead='fast'.*in seconds"),
        (dict(lead=np.nan), "finite.*lead=nan"),
        (dict(lead=[1e-3, 2e-3]), r"4 numbers, one per state dimension.*lead=\[0.001"),
        (dict(gain=0), "positive.*gain=0.*or 1"),
        (dict(gain=[1, 1, -1, 1]), r"positive.*gain=\[1, 1, -1, 1\]"),
        (dict(gain=np.inf), "finite.*gain=inf"),
        (dict(gain=np.ones((2, 2))), r"one per state dimension.*gain=\[\[1.0"),
        (dict(lead=np.full(4, np.nan)), r"finite \(lead=\[nan, nan"),
        (dict(synapse=nengo.Alpha(0.1), lead=1e-3), "Alpha.*with a lead.*lead=0"),
    ],
)
def test_bad_lead_and_gain(kwargs, match):
    system = LegendreDelay(0.1, 4)
    synapse = kwargs.pop("synapse", nengo.Lowpass(0.1))
    dt = None if isinstance(synapse, nengo.Alpha) else 0.001
    with pytest.raises(ValidationError, match=match):
        map_to_synapse(system.A, system.B, synapse, dt=dt, **kwargs)


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
