"""
Export to NIR (`nengo_lmu.nir`): the order-6 memory round-tripped through Norse.

Parts (``--part``, several allowed):

roundtrip
    Per neuron type (``--neurons``) and seed: a `.LegendreMemory` (order 6,
    theta 0.1 s, 1,200 neurons, max rates 200-400 Hz unless named, tuned to
    10 Hz white noise of RMS 0.3) driven by ``--seconds`` of
    such noise in ``nengo.Simulator``; exported (`.nir.to_nir`), written and
    read back (``nir.write``/``nir.read``), and run in Norse on the same input
    (`.nir.run_norse`). Reported: the delay NRMSE in nengo and in Norse (both
    outputs and the input through the same ``Lowpass(0.01)``, after 0.5 s),
    their ratio, the NRMSE of the last 5 s in Norse (whether it diverges), the
    first step at which a neuron spikes differently in the two, the mean
    firing rate, and the wall time of each run. nengo's default ``LIF``
    (refractory period 2 ms) runs in nengo only: NIR's neurons have no
    refractory period, and `to_nir` refuses it.
statistics
    What the exported order-6 memory asks of hardware
    (`.nir.graph_statistics`) and the size of its file, for both layouts.

Run ``python benchmarks/nir_export.py`` (current stack: ``pip install -e .[nir]``);
``--seconds 30 --seeds 0 1 2`` are the defaults.
"""

import argparse
import os
import tempfile
import time

import nengo
import nir
import numpy as np

from nengo_lmu import LegendreMemory
from nengo_lmu.neurons import DiscreteLIF
from nengo_lmu.nir import graph_statistics, run_norse, to_nir
from nengo_lmu.testing import delay_nrmse

DT = 0.001
WARMUP = 500  # steps
DELAY = 100  # steps: theta
#: The neurons compared, by name: neuron type and max rates (Hz).
NEURONS = {
    "nengo.LIF() (nengo only)": (nengo.LIF(), (200, 400)),
    "nengo.LIF(tau_ref=0)": (nengo.LIF(tau_ref=0), (200, 400)),
    "DiscreteLIF(tau_rc=0.02)": (DiscreteLIF(tau_rc=0.02), (200, 400)),
    "DiscreteLIF(tau_rc=0.005)": (DiscreteLIF(tau_rc=0.005), (200, 400)),
    "DiscreteLIF(tau_rc=0.002)": (DiscreteLIF(tau_rc=0.002), (200, 400)),
    "DiscreteLIF(tau_rc=0.001), 400-800 Hz": (DiscreteLIF(tau_rc=0.001), (400, 800)),
}


def memory_network(
    neuron_type, seconds, seed, layout="per_dimension", max_rates=(200, 400)
):
    """The order-6 memory on 10 Hz white noise; probes of output, input, spikes."""
    with nengo.Network(seed=seed) as net:
        stim = nengo.Node(
            nengo.processes.WhiteSignal(seconds, high=10, rms=0.3, seed=seed + 100)
        )
        net.memory = LegendreMemory(
            order=6,
            theta=0.1,
            n_neurons=1200,
            process=nengo.processes.WhiteSignal(10, high=10, rms=0.3),
            layout=layout,
            neuron_type=neuron_type,
            max_rates=nengo.dists.Uniform(*max_rates),
        )
        nengo.Connection(stim, net.memory.input, synapse=None)
        net.p_out = nengo.Probe(net.memory.output)
        net.p_in = nengo.Probe(stim)
        net.p_spikes = [nengo.Probe(e.neurons) for e in net.memory.all_ensembles]
    return net


def error(output, signal):
    """Delay NRMSE, output and input through the same Lowpass(0.01)."""
    filtered = nengo.Lowpass(0.01).filt
    return delay_nrmse(
        filtered(output, dt=DT, y0=0), filtered(signal, dt=DT, y0=0), DELAY, WARMUP
    )


def last_error(output, signal, steps=5000):
    return error(output[-steps:], signal[-steps:]) if len(output) > steps else np.nan


def write_and_read(graph):
    """The graph through a NIR file; returns the graph read and the file's size."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "memory.nir")
        nir.write(path, graph)
        return nir.read(path), os.path.getsize(path)


def roundtrip(neuron_type, max_rates, seconds, seed):
    """One row of the round-trip table."""
    net = memory_network(neuron_type, seconds, seed, max_rates=max_rates)
    start = time.perf_counter()
    with nengo.Simulator(net, dt=DT, progress_bar=False) as sim:
        built = time.perf_counter()
        sim.run(seconds)
    ran = time.perf_counter()
    signal, in_nengo = sim.data[net.p_in], sim.data[net.p_out]
    row = {
        "nengo": error(in_nengo, signal),
        "nengo last 5 s": last_error(in_nengo, signal),
        "nengo s": ran - built,
        "build s": built - start,
    }
    spikes_nengo = np.hstack([sim.data[p] for p in net.p_spikes]) > 0
    row["rate Hz"] = spikes_nengo.mean() / DT
    if neuron_type.tau_ref != 0:
        return row
    graph, _ = write_and_read(to_nir(net.memory, sim=sim))
    start = time.perf_counter()
    output, spikes = run_norse(graph, signal)
    row["norse s"] = time.perf_counter() - start
    row["norse"] = error(output[:, :1], signal)
    row["norse last 5 s"] = last_error(output[:, :1], signal)
    row["ratio"] = row["norse"] / row["nengo"]
    same = np.all(spikes == spikes_nengo, axis=1)
    row["same spikes until s"] = (np.argmin(same) if not same.all() else len(same)) * DT
    return row


def show(rows, columns):
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        cells = [
            (f"{row[c]:.4g}" if isinstance(row.get(c), float) else str(row.get(c, "")))
            for c in columns
        ]
        print("| " + " | ".join(cells) + " |")


def part_roundtrip(args):
    columns = [
        "neurons",
        "seed",
        "nengo",
        "norse",
        "ratio",
        "nengo last 5 s",
        "norse last 5 s",
        "same spikes until s",
        "rate Hz",
        "build s",
        "nengo s",
        "norse s",
    ]
    rows, means = [], []
    for name in args.neurons:
        neuron_type, max_rates = NEURONS[name]
        mine = []
        for seed in args.seeds:
            row = {
                "neurons": name,
                "seed": seed,
                **roundtrip(neuron_type, max_rates, args.seconds, seed),
            }
            mine.append(row)
            show([row], columns)
        rows += mine
        mean = {"neurons": name, "seed": "mean"}
        for c in columns[2:]:
            values = [r[c] for r in mine if c in r]
            if values:
                mean[c] = float(np.mean(values))
        means.append(mean)
    print(f"\nRound trip, {args.seconds:g} s of 10 Hz white noise, seeds {args.seeds}:")
    show(rows + means, columns)


def part_statistics(args):
    rows = []
    for layout in ("per_dimension", "per_memory"):
        net = memory_network(DiscreteLIF(tau_rc=0.002), 1.0, 0, layout=layout)
        graph, size = write_and_read(to_nir(net.memory))
        stats = graph_statistics(graph)
        low, high = stats.pop("weight_range")
        rows.append(
            {
                "layout": layout,
                **stats,
                "weights": f"{low:.2g} to {high:.3g}",
                "file MB": size / 1e6,
            }
        )
    print("\nThe exported order-6 memory (1,200 DiscreteLIF neurons):")
    show(rows, list(rows[0]))


PARTS = {"roundtrip": part_roundtrip, "statistics": part_statistics}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--part", nargs="+", choices=list(PARTS), default=list(PARTS))
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument(
        "--neurons", nargs="+", choices=list(NEURONS), default=list(NEURONS)
    )
    args = parser.parse_args(argv)
    for part in args.part:
        PARTS[part](args)


if __name__ == "__main__":
    main()
