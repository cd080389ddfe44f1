import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import measure_lead_gain
from nengo_lmu.neurons import DiscreteLIF

DT = 0.001


def signal(n_steps, d, seed=0):
    process = nengo.processes.WhiteSignal(10, high=10, rms=0.3)
    return process.run_steps(n_steps, d=d, dt=DT, rng=np.random.RandomState(seed))


def ensembles(neuron_type, dimensions=(1, 1)):
    with nengo.Network(seed=0):
        return [
            nengo.Ensemble(
                200 * d,
                d,
                neuron_type=neuron_type,
                max_rates=nengo.dists.Uniform(200, 400),
            )
            for d in dimensions
        ]


@pytest.mark.parametrize(
    "neuron_type, lead_range, gain_range",
    [
        # measured: LIF 0.50, 0.57 ms and gains 0.998, 1.000; LIFRate 0.001,
        # 0.011 ms and 1.000, 0.999; SpikingReLU -0.002, 0.036 ms and 0.998
        (nengo.LIF(), (0.0003, 0.0008), (0.99, 1.01)),
        (nengo.LIFRate(), (-0.00005, 0.00005), (0.995, 1.005)),
        (nengo.SpikingRectifiedLinear(), (-0.0001, 0.0001), (0.99, 1.005)),
    ],
)
def test_measure_lead_gain(neuron_type, lead_range, gain_range):
    ens = ensembles(neuron_type)
    lead, gain = measure_lead_gain(ens, nengo.Lowpass(0.1), DT, signal(2000, 2))
    assert lead.shape == gain.shape == (2,)
    assert np.all((lead_range[0] < lead) & (lead < lead_range[1]))
    assert np.all((gain_range[0] < gain) & (gain < gain_range[1]))


def test_measure_lead_gain_multidimensional():
    # one value per dimension, the 2-D ensemble's after the 1-D one's
    ens = ensembles(nengo.LIF(), dimensions=(1, 2))
    lead, gain = measure_lead_gain(ens, nengo.Lowpass(0.1), DT, signal(2000, 3))
    assert lead.shape == gain.shape == (3,)
    assert np.all((0.0003 < lead) & (lead < 0.001))
    assert np.all(np.abs(gain - 1) < 0.01)


def test_measure_lead_gain_uses_the_solver():
    # stronger regularization shrinks the decoders: a smaller gain
    ens = ensembles(nengo.LIFRate(), dimensions=(1,))
    x = signal(1000, 1)
    gains = [
        measure_lead_gain(
            ens, nengo.Lowpass(0.1), DT, x, solver=nengo.solvers.LstsqL2(reg=reg)
        )[1][0]
        for reg in (0.001, 0.3)
    ]
    assert gains[1] < gains[0] - 0.005


@pytest.mark.parametrize(
    "ens, x, match",
    [
        ("direct", np.zeros((100, 1)), "Direct-mode.*ensembles of neurons"),
        ("lif", np.zeros((100, 3)), r"one column per ensemble dimension \(2\)"),
        ("lif", np.zeros((5, 2)), r"at least 10 rows \(signal.shape=\(5, 2\)\)"),
    ],
)
def test_measure_lead_gain_bad_arguments(ens, x, match):
    neuron_type = nengo.Direct() if ens == "direct" else nengo.LIF()
    with pytest.raises(ValidationError, match=match):
        measure_lead_gain(ensembles(neuron_type), nengo.Lowpass(0.1), DT, x)


def test_discrete_lif_steps_as_discrete_simulators_do():
    """Exact decay each step, reset by subtraction, no floor, no refractory time."""
    neurons = DiscreteLIF(tau_rc=0.01)
    dt, decay = 0.001, np.exp(-0.1)
    J = np.array([5.0, 1.5, -3.0])
    voltage, output = np.zeros(3), np.zeros(3)
    expected = np.zeros(3)
    for _ in range(20):
        neurons.step(dt, J, output, voltage, np.zeros(3))
        expected = J + (expected - J) * decay
        spiked = expected > 1
        expected[spiked] -= 1
        assert np.array_equal(output, spiked / dt)
        assert np.allclose(voltage, expected)
    assert voltage[2] < -2  # below nengo.LIF's floor of 0
    assert neurons.tau_ref == 0


def test_discrete_lif_rates_are_its_spike_counts(Simulator):
    neurons = DiscreteLIF(tau_rc=0.002)
    with nengo.Network(seed=0) as net:
        ens = nengo.Ensemble(20, 1, neuron_type=neurons, encoders=np.ones((20, 1)))
        nengo.Connection(nengo.Node(0.3), ens, synapse=None)
        probe = nengo.Probe(ens.neurons)
    with Simulator(net) as sim:
        sim.run(1.1)
    counted = sim.data[probe][100:].mean(axis=0)
    rates = neurons.rates(0.3, sim.data[ens].gain, sim.data[ens].bias)
    assert rates.max() > 100
    assert np.allclose(counted, rates, atol=2)
    # the discrete curve falls short of the continuous one at high rates
    continuous = nengo.LIF(tau_rc=0.002, tau_ref=0)
    assert np.all(
        rates <= continuous.rates(0.3, sim.data[ens].gain, sim.data[ens].bias)
    )
