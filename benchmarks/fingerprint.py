"""
Fingerprints of nengo_lmu's networks: do two versions build the same networks?

Builds a fixed set of memories and cells (spiking, rate, Direct mode, with
readouts, the Loihi builds on nengo and on nengo_loihi's emulator), runs each
briefly and prints the sum of the magnitudes of every probe, to all digits. A
change to the code that should not change the networks (a refactoring) prints
the same lines before and after: run it on both versions and ``diff`` the
outputs. Neurons' seeds depend on the number of objects of each type in a
network, so an extra or a missing connection shows here.

nengo orders some of its operators by object identity, so the last digit of a
few sums (1e-16 relative) can vary from run to run of the same code (e.g. a
cell with every option, ``cell opts``); every other digit must match.

Usage: ``python benchmarks/fingerprint.py [--loihi]``.
"""

import argparse
import importlib.util
import warnings

import nengo
import numpy as np

from nengo_lmu import LegendreMemory, LMUCell
from nengo_lmu.classifier import LMUClassifier, classify_stream


def memory_sums(make, simulator=nengo.Simulator, run_time=0.3, function=False, **kw):
    """Probe sums of a memory ``make(process)`` driven by white noise."""
    process = nengo.processes.WhiteSignal(10, high=5, rms=0.3, seed=0)
    with nengo.Network(seed=0) as net:
        net.config[nengo.Ensemble].max_rates = nengo.dists.Uniform(200, 400)
        stim = nengo.Node(process)
        mem = make(process)
        nengo.Connection(stim, mem.input, synapse=None)
        probes = [nengo.Probe(mem.output, synapse=0.01), nengo.Probe(mem.state)]
        if function:
            window_power = mem.add_output(function=lambda w: np.mean(w**2))
            probes.append(nengo.Probe(window_power, synapse=0.01))
    with simulator(net, dt=0.001, progress_bar=False, **kw) as sim:
        sim.run(run_time)
    lead = np.asarray(mem.neuron_lead).ravel()[:2]
    return [float(np.sum(np.abs(sim.data[p]))) for p in probes] + [lead.tolist()]


def cell_sums(**kwargs):
    """Probe sum of an LMU cell's output, and the sum of its initial weights."""
    with nengo.Network(seed=0) as net:
        stim = nengo.Node(nengo.processes.WhiteSignal(1, high=5, rms=0.3, seed=1))
        cell = LMUCell(8, 6, 0.02, input_to_hidden=True, **kwargs)
        nengo.Connection(stim, cell.input, synapse=None)
        probe = nengo.Probe(cell.output)
    with nengo.Simulator(net, progress_bar=False) as sim:
        sim.run(0.2)
    weights = float(sum(np.sum(w) for w in cell.weights.values()))
    return float(np.sum(np.abs(sim.data[probe]))), weights


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument(
        "--loihi", action="store_true", help="also the Loihi builds (nengo_loihi)"
    )
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")

    memories = {
        "memory lif": lambda p: LegendreMemory(6, 0.1, n_neurons=600, process=p),
        "memory relu": lambda p: LegendreMemory(
            6,
            0.1,
            n_neurons=600,
            process=p,
            neuron_type=nengo.SpikingRectifiedLinear(),
        ),
        "memory per_memory": lambda p: LegendreMemory(
            4, 0.1, n_neurons=400, process=p, layout="per_memory"
        ),
        "memory direct": lambda p: LegendreMemory(
            6, 0.1, process=p, neuron_type=nengo.Direct()
        ),
    }
    for name, make in memories.items():
        print(name, memory_sums(make))
    function = lambda p: LegendreMemory(3, 0.1, n_neurons=300, process=p)  # noqa
    print("memory function", memory_sums(function, function=True))

    print("cell exact", cell_sums())
    spiking = dict(
        hidden_neuron_type=nengo.SpikingRectifiedLinear(),
        scale_firing_rates=100,
        synapse=0.01,
        neural_memory=dict(n_neurons=300),
    )
    print("cell spiking", cell_sums(**spiking))
    opts = dict(hidden_to_memory=True, memory_to_memory=True, use_bias=True)
    print("cell opts", cell_sums(**opts))

    if not args.loihi or importlib.util.find_spec("nengo_loihi") is None:
        return
    import nengo_loihi

    from nengo_lmu.loihi import LoihiLegendreMemory, LoihiLMUCell, state_peaks

    def loihi_memory(**kw):
        return lambda p: LoihiLegendreMemory(3, 0.1, n_neurons=300, process=p, **kw)

    print("loihi memory nengo", memory_sums(loihi_memory(built_for="nengo")))
    emulator = dict(simulator=nengo_loihi.Simulator, target="sim")
    print("loihi memory emulator", memory_sums(loihi_memory(), **emulator))
    relu = loihi_memory(neuron_type=nengo.SpikingRectifiedLinear())
    print("loihi memory emulator relu", memory_sums(relu, **emulator))

    x = np.random.RandomState(0).rand(5, 30, 1)
    for built_for in ("nengo", "loihi"):
        with nengo.Network(seed=0) as net:
            classifier = LMUClassifier(
                3,
                cell_type=LoihiLMUCell,
                units=8,
                order=6,
                theta=0.03,
                input_to_hidden=True,
                hidden_to_hidden=False,
                scale_firing_rates=100,
                synapse=0.01,
                built_for=built_for,
            )
        cell = classifier.cell
        peaks = float(state_peaks(cell, x).sum()), float(cell.state_range.sum())
        loihi = built_for == "loihi"
        scores = classify_stream(
            classifier,
            x[:2],
            network=net,
            simulator=nengo_loihi.Simulator if loihi else nengo.Simulator,
            progress_bar=False,
            **(dict(target="sim") if loihi else {}),
        )
        print(f"loihi cell {built_for}", peaks, float(scores.sum()))


if __name__ == "__main__":
    main()
