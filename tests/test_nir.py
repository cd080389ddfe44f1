"""
Export to NIR, checked against nengo through an independent simulator (Norse).

The reference is the network in nengo's ``Simulator``. A network of
`.DiscreteLIF` neurons, exported and run by Norse (`run_norse`), must spike as
it does in nengo at every step, and give nengo's output to float32 rounding.
"""

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import LegendreMemory
from nengo_lmu.neurons import DiscreteLIF
from nengo_lmu.testing import delay_nrmse

nir = pytest.importorskip("nir")
pytest.importorskip("norse")
lmu_nir = pytest.importorskip("nengo_lmu.nir")
to_nir, run_norse = lmu_nir.to_nir, lmu_nir.run_norse

DT = 0.001
WHITE = nengo.processes.WhiteSignal(10, high=10, rms=0.3)


def memory_network(neuron_type, n_neurons=120, order=3, seconds=0.5, seed=0):
    """A memory driven by 10 Hz white noise, its output and input probed."""
    with nengo.Network(seed=seed) as net:
        stim = nengo.Node(nengo.processes.WhiteSignal(seconds, high=10, rms=0.3))
        net.memory = LegendreMemory(
            order=order,
            theta=0.1,
            n_neurons=n_neurons,
            process=WHITE,
            neuron_type=neuron_type,
        )
        nengo.Connection(stim, net.memory.input, synapse=None)
        net.p_out = nengo.Probe(net.memory.output)
        net.p_state = nengo.Probe(net.memory.state)
        net.p_in = nengo.Probe(stim)
        net.p_spikes = [nengo.Probe(e.neurons) for e in net.memory.all_ensembles]
    return net


def spikes_of(sim, net):
    return np.hstack([sim.data[p] for p in net.p_spikes]) > 0


def test_memory_spikes_as_in_nengo(Simulator, tmp_path):
    net = memory_network(DiscreteLIF(tau_rc=0.002))
    with Simulator(net, dt=DT) as sim:
        sim.run(0.5)
    graph = to_nir(net.memory, outputs=[net.memory.state, net.memory.output], sim=sim)
    path = str(tmp_path / "memory.nir")
    nir.write(path, graph)
    output, spikes = run_norse(nir.read(path), sim.data[net.p_in])

    assert spikes.sum() > 0.5 * 120 * 0.5 * 20  # the neurons fire
    assert np.array_equal(spikes, spikes_of(sim, net))
    expected = np.hstack([sim.data[net.p_state], sim.data[net.p_out]])
    assert np.allclose(output, expected, atol=1e-5 * np.abs(expected).max())


def test_graph_written_and_read(Simulator, tmp_path):
    net = memory_network(DiscreteLIF())
    with Simulator(net, dt=DT) as sim:
        pass
    graph = to_nir(net.memory, sim=sim)
    path = str(tmp_path / "memory.nir")
    nir.write(path, graph)
    read = nir.read(path)

    assert set(read.nodes) == set(lmu_nir.NODES)
    assert sorted(read.edges) == sorted(graph.edges)
    assert float(read.metadata["dt"]) == DT
    assert isinstance(read.nodes["neurons"], nir.CubaLIF)
    assert isinstance(read.nodes["readout"], nir.LI)
    for name in ("input_weights", "recurrent_weights", "readout_weights"):
        assert np.array_equal(read.nodes[name].weight, graph.nodes[name].weight)

    # the neurons' parameters are nengo's: gain as r, bias as v_leak
    built = [sim.data[e] for e in net.memory.all_ensembles]
    neurons = read.nodes["neurons"]
    assert np.allclose(neurons.r, np.concatenate([b.gain for b in built]), rtol=1e-6)
    assert np.allclose(
        neurons.v_leak, np.concatenate([b.bias for b in built]), rtol=1e-6
    )
    decay = np.exp(-DT / 0.1)  # the recurrent synapse, Lowpass(0.1)
    assert np.allclose(1 - DT / neurons.tau_syn, decay, rtol=1e-6)
    assert np.allclose(1 - DT / neurons.tau_mem, np.exp(-DT / 0.02), rtol=1e-6)


def test_network_on_its_own_seed(Simulator):
    """Without a simulator, the network is built alone: the same, if seeded."""
    with nengo.Network() as net:
        memory = LegendreMemory(
            order=2, theta=0.1, n_neurons=40, neuron_type=DiscreteLIF(), seed=3
        )
    with Simulator(net, dt=DT) as sim:
        pass
    alone = to_nir(memory)
    built = to_nir(memory, sim=sim)
    for name, node in built.nodes.items():
        if hasattr(node, "weight"):
            assert np.allclose(alone.nodes[name].weight, node.weight)


def test_general_network_spikes_as_in_nengo(Simulator):
    """Slices, weight solvers, neuron connections, several outputs."""
    neuron_type = DiscreteLIF(tau_rc=0.01)
    with nengo.Network(seed=1) as net:
        stim = nengo.Node(lambda t: [np.sin(8 * t), np.cos(5 * t)])
        inp = nengo.Node(size_in=2)
        a = nengo.Ensemble(40, 2, neuron_type=neuron_type, radius=1.5)
        b = nengo.Ensemble(30, 1, neuron_type=neuron_type)
        out_a, out_b = nengo.Node(size_in=2), nengo.Node(size_in=1)
        nengo.Connection(stim, inp, synapse=None)
        nengo.Connection(inp, a, synapse=0.02)
        nengo.Connection(inp[1], b, transform=-0.5, synapse=0.05)
        nengo.Connection(
            a[0],
            b,
            function=np.square,
            synapse=0.05,
            solver=nengo.solvers.LstsqL2(weights=True),
        )
        nengo.Connection(
            b.neurons, a.neurons[:10], transform=-0.01 * np.ones((10, 30)), synapse=0.02
        )
        nengo.Connection(a, out_a, synapse=0.01)
        nengo.Connection(b, out_b, synapse=0.03)
        p_in = nengo.Probe(stim)
        probes = [nengo.Probe(out_a), nengo.Probe(out_b)]
        p_spikes = [nengo.Probe(a.neurons), nengo.Probe(b.neurons)]
    with Simulator(net, dt=DT) as sim:
        sim.run(0.3)
    graph = to_nir(net, input=inp, outputs=[out_a, out_b], sim=sim)
    output, spikes = run_norse(graph, sim.data[p_in])

    nengo_spikes = np.hstack([sim.data[p] for p in p_spikes]) > 0
    assert nengo_spikes.sum() > 1000
    assert np.array_equal(spikes, nengo_spikes)
    expected = np.hstack([sim.data[p] for p in probes])
    assert np.allclose(output, expected, atol=1e-5)
    stats = lmu_nir.graph_statistics(graph)
    assert stats["neurons"] == 70
    assert stats["inputs"] == 2 and stats["outputs"] == 3
    # a -> b (30 x 40, weight solver) and b -> the first 10 of a
    assert stats["synapses"] == 30 * 40 + 10 * 30
    assert stats["fan_in"] == 40 and stats["fan_out"] == 30


def test_statistics_of_memory():
    with nengo.Network():
        memory = LegendreMemory(
            order=3, theta=0.1, n_neurons=60, neuron_type=DiscreteLIF(), seed=0
        )
    stats = lmu_nir.graph_statistics(to_nir(memory))
    recurrent = to_nir(memory).nodes["recurrent_weights"].weight
    magnitudes = np.abs(recurrent[recurrent != 0])
    assert stats["neurons"] == 60
    assert stats["synapses"] == np.count_nonzero(recurrent)
    assert stats["fan_in"] == stats["fan_out"] == 60  # A couples every dimension
    assert stats["weight_range"] == pytest.approx((magnitudes.min(), magnitudes.max()))


def test_round_trip_accuracy(Simulator):
    """The order-6 memory of 1,200 neurons: Norse's delay as accurate as nengo's."""
    net = memory_network(DiscreteLIF(tau_rc=0.002), n_neurons=1200, order=6, seconds=3)
    with Simulator(net, dt=DT) as sim:
        sim.run(3.0)
    output, _ = run_norse(to_nir(net.memory, sim=sim), sim.data[net.p_in])

    def error(y):
        filtered = nengo.Lowpass(0.01).filt
        return delay_nrmse(
            filtered(y, dt=DT, y0=0),
            filtered(sim.data[net.p_in], dt=DT, y0=0),
            100,
            500,
        )

    in_nengo, in_norse = error(sim.data[net.p_out]), error(output[:, :1])
    assert in_nengo < 0.1
    assert in_norse < 1.5 * in_nengo


@pytest.mark.slow
def test_round_trip_does_not_diverge(Simulator):
    """30 s in Norse: the error of the last 5 s is that of the first."""
    net = memory_network(DiscreteLIF(tau_rc=0.002), n_neurons=1200, order=6, seconds=30)
    with Simulator(net, dt=DT) as sim:
        sim.run(30.0)
    output, _ = run_norse(to_nir(net.memory, sim=sim), sim.data[net.p_in])
    signal = sim.data[net.p_in]
    early = delay_nrmse(output[500:5500, :1], signal[500:5500], 100)
    late = delay_nrmse(output[-5000:, :1], signal[-5000:], 100)
    assert late < 1.5 * early
    assert late < 1.5 * delay_nrmse(sim.data[net.p_out][-5000:], signal[-5000:], 100)


@pytest.mark.parametrize(
    "neuron_type, message",
    [
        (nengo.LIF(), "no refractory period"),
        (nengo.Direct(), "integrate-and-fire"),
        (nengo.LIFRate(tau_ref=0), "integrate-and-fire"),
        (nengo.SpikingRectifiedLinear(), "integrate-and-fire"),
    ],
)
def test_refuses_neurons(neuron_type, message):
    with nengo.Network():
        memory = LegendreMemory(
            order=2, theta=0.1, n_neurons=20, neuron_type=neuron_type, seed=0
        )
    with pytest.raises(ValidationError, match=message):
        to_nir(memory)


def test_warns_for_nengo_lif():
    with nengo.Network():
        memory = LegendreMemory(
            order=2, theta=0.1, n_neurons=20, neuron_type=nengo.LIF(tau_ref=0), seed=0
        )
    with pytest.warns(UserWarning, match="DiscreteLIF"):
        graph = to_nir(memory)
    assert graph.nodes["neurons"].r.shape == (20,)


def small_network(**connection):
    """input -> ens -> output, with the input connection's arguments."""
    with nengo.Network(seed=0) as net:
        net.inp = nengo.Node(size_in=1)
        net.out = nengo.Node(size_in=1)
        net.ens = nengo.Ensemble(10, 1, neuron_type=DiscreteLIF())
        net.conn = nengo.Connection(net.inp, net.ens, **{"synapse": 0.01, **connection})
        nengo.Connection(net.ens, net.out, synapse=0.01)
    return net


@pytest.mark.parametrize(
    "connection, message",
    [
        ({"synapse": nengo.Alpha(0.01)}, "first order"),
        ({"synapse": None}, "passes a synapse"),
    ],
)
def test_refuses_connections(connection, message):
    net = small_network(**connection)
    with pytest.raises(ValidationError, match=message):
        to_nir(net, input=net.inp, outputs=[net.out])


def test_refuses_learning_rules():
    net = small_network()
    with net:
        learned = nengo.Connection(
            net.ens, net.out, synapse=0.01, learning_rule_type=nengo.PES()
        )
        nengo.Connection(net.out, learned.learning_rule)
    with pytest.raises(ValidationError, match="no learning rules"):
        to_nir(net, input=net.inp, outputs=[net.out])


def test_refuses_two_synapses_in_a_row():
    net = small_network(synapse=0.01)
    with net:
        relay = nengo.Node(size_in=1)
        nengo.Connection(net.inp, relay, synapse=0.01)
        nengo.Connection(relay, net.ens, synapse=0.02)
    with pytest.raises(ValidationError, match="one synapse"):
        to_nir(net, input=net.inp, outputs=[net.out])


def test_refuses_two_time_constants_into_neurons():
    net = small_network(synapse=0.01)
    with net:
        nengo.Connection(net.inp, net.ens, synapse=0.05)
    with pytest.raises(ValidationError, match="2 time constants"):
        to_nir(net, input=net.inp, outputs=[net.out])


def test_refuses_computing_nodes():
    net = small_network()
    with net:
        bias = nengo.Node(1.0)
        nengo.Connection(bias, net.ens, synapse=0.01)
    with pytest.raises(ValidationError, match="runs on the host"):
        to_nir(net, input=net.inp, outputs=[net.out])


def test_refuses_bad_ends_and_simulators(Simulator):
    net = small_network()
    with pytest.raises(ValidationError, match="passthrough"):
        to_nir(net, input=net.ens, outputs=[net.out])
    with pytest.raises(ValidationError, match="passthrough"):
        to_nir(net, input=net.inp, outputs=[nengo.Node(0, add_to_container=False)])
    with pytest.raises(ValidationError, match="passthrough"):
        to_nir(net)  # a plain network has no input or output to default to
    with pytest.raises(ValidationError, match="list of Nodes"):
        to_nir(net, input=net.inp, outputs=net.out)
    with pytest.raises(ValidationError, match="non-empty"):
        to_nir(net, input=net.inp, outputs=[])
    with Simulator(net, dt=DT) as sim:
        pass
    with pytest.raises(ValidationError, match="not 0.002"):
        to_nir(net, input=net.inp, outputs=[net.out], sim=sim, dt=0.002)
    other = small_network()
    with pytest.raises(ValidationError, match="did not build"):
        to_nir(other, input=other.inp, outputs=[other.out], sim=sim)


def test_run_norse_refuses_bad_input():
    net = small_network()
    graph = to_nir(net, input=net.inp, outputs=[net.out])
    with pytest.raises(ValidationError, match=r"shape \(steps, 1\)"):
        run_norse(graph, np.zeros(10))
    with pytest.raises(ValidationError, match="finite"):
        run_norse(graph, np.full((10, 1), np.nan))
    with pytest.raises(ValidationError, match="'subtract' or 'zero'"):
        run_norse(graph, np.zeros((10, 1)), reset="hold")
    foreign = nir.NIRGraph.from_list(nir.Affine(np.eye(2), np.zeros(2)))
    with pytest.raises(ValidationError, match="exported by to_nir"):
        run_norse(foreign, np.zeros((10, 2)))


def test_ensemble_without_input(Simulator):
    """An ensemble driven by its bias alone, read out: as in nengo."""
    with nengo.Network(seed=2) as net:
        inp, out = nengo.Node(size_in=1), nengo.Node(size_in=1)
        ens = nengo.Ensemble(20, 1, neuron_type=DiscreteLIF())
        nengo.Connection(ens, out, synapse=0.02)
        probe = nengo.Probe(out)
    with Simulator(net, dt=DT) as sim:
        sim.run(0.2)
    output, spikes = run_norse(
        to_nir(net, input=inp, outputs=[out], sim=sim), np.zeros((200, 1))
    )
    assert spikes.sum() > 0
    assert np.allclose(output, sim.data[probe], atol=1e-5)
