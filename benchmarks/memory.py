"""
Accuracy and cost of `nengo_lmu.LegendreMemory` against references.

Prints, for order 6, theta 0.1 s, dt 1 ms, ``WhiteSignal(10, high=10, rms=0.3)``
and max rates U(200, 400) Hz (mean of 3 seeds):

1. delay NRMSE against the number of neurons for LIF, SpikingRectifiedLinear and
   LIFRate, next to a plain hand-built network (a bare EnsembleArray with the
   discrete Principle 3 mapping, no lead compensation, state scaled by its peak
   on a training signal) and the ideal system, all measured in the same run;
2. the readout at r = 0.5;
3. order 12 against order 6 on 20 Hz input (4,800 LIF neurons);
4. build and simulation time against the hand-built EnsembleArray.

Usage: ``python benchmarks/memory.py [--quick] [--plot PATH]``
"""

import argparse
import time

import nengo
import numpy as np

from nengo_lmu import (
    LegendreDelay,
    LegendreMemory,
    StateScaling,
    map_to_synapse,
    simulate,
)
from nengo_lmu.plan import clear_measurements
from nengo_lmu.testing import delay_nrmse, measure_delay

DT = 0.001
NEURON_TYPES = [nengo.LIF(), nengo.SpikingRectifiedLinear(), nengo.LIFRate()]


def hand_built(n_neurons, order=6, theta=0.1, synapse=nengo.Lowpass(0.1)):
    """A bare EnsembleArray memory, built by hand; returns ``(input, output)``."""
    system = LegendreDelay(theta, order)
    train = nengo.processes.WhiteSignal(10, high=10, rms=0.3)
    u = train.run_steps(10000, dt=DT, rng=np.random.RandomState(99))
    scaling = StateScaling(np.max(np.abs(simulate(*system.discretize(DT), u)), axis=0))
    A_s, B_s = scaling.transform(system.A, system.B)
    A_map, B_map = map_to_synapse(A_s, B_s, synapse, dt=DT)
    C = scaling.readout(system.readout(1.0, dt=DT))
    inp = nengo.Node(size_in=1)
    ea = nengo.networks.EnsembleArray(n_neurons // order, order)
    out = nengo.Node(size_in=1)
    nengo.Connection(inp, ea.input, transform=B_map, synapse=synapse)
    nengo.Connection(ea.output, ea.input, transform=A_map, synapse=synapse)
    nengo.Connection(ea.output, out, transform=C @ A_map, synapse=synapse)
    nengo.Connection(inp, out, transform=C @ B_map, synapse=synapse)
    return inp, out


def hand_built_nrmse(neuron_type, n_neurons, seed, run_time=5.5):
    process = nengo.processes.WhiteSignal(10, high=10, rms=0.3)
    with nengo.Network(seed=seed) as net:
        net.config[nengo.Ensemble].max_rates = nengo.dists.Uniform(200, 400)
        net.config[nengo.Ensemble].neuron_type = neuron_type
        stim = nengo.Node(process)
        inp, out = hand_built(n_neurons)
        nengo.Connection(stim, inp, synapse=None)
        p_out = nengo.Probe(out, synapse=0.01)
        p_in = nengo.Probe(stim, synapse=0.01)
    with nengo.Simulator(net, dt=DT, progress_bar=False) as sim:
        sim.run(run_time)
    return delay_nrmse(sim.data[p_out], sim.data[p_in], 100, 500)


def timed(make, run_time=5.0):
    """Seconds to construct, build and simulate the network ``make`` builds."""
    start = time.perf_counter()
    with nengo.Network(seed=0) as net:
        stim = nengo.Node(nengo.processes.WhiteSignal(10, high=10, rms=0.3))
        inp = make()
        nengo.Connection(stim, inp, synapse=None)
    constructed = time.perf_counter()
    with nengo.Simulator(net, dt=DT, progress_bar=False) as sim:
        built = time.perf_counter()
        sim.run(run_time)
        ran = time.perf_counter()
    return constructed - start, built - constructed, ran - built, ran - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes, 1 seed")
    parser.add_argument("--plot", default=None, help="save the N curve here")
    args = parser.parse_args(argv)
    seeds = [0] if args.quick else [0, 1, 2]
    sizes = [300, 1200] if args.quick else [300, 600, 1200, 2400, 4800]
    mean = lambda f: float(np.mean([f(s) for s in seeds]))  # noqa: E731

    ideal = mean(lambda s: measure_delay(nengo.Direct(), 1200, s))
    print(f"ideal system (Direct mode): delay NRMSE {ideal:.4f}\n")
    print("1. delay NRMSE vs neurons (nengo_lmu | hand-built EnsembleArray)")
    print(f"{'neurons':>8}" + "".join(f"{type(n).__name__:>34}" for n in NEURON_TYPES))
    curves = {}
    for n in sizes:
        row = f"{n:>8}"
        for nt in NEURON_TYPES:
            ours = mean(lambda s: measure_delay(nt, n, s))
            ref = mean(lambda s: hand_built_nrmse(nt, n, s))
            curves.setdefault(type(nt).__name__, []).append((n, ours, ref))
            row += f"{ours:>16.4f} | {ref:<8.4f} ({ref / ours:4.1f}x)"
        print(row, flush=True)

    print("\n2. readout at r = 0.5 (1,200 neurons)")
    for nt in NEURON_TYPES:
        half = mean(lambda s: measure_delay(nt, 1200, s, r=0.5))
        print(f"{type(nt).__name__:>24}: {half:.4f}")

    print("\n3. 20 Hz input, 4,800 LIF neurons")
    for order in (6, 12):
        err = mean(lambda s: measure_delay(nengo.LIF(), 4800, s, order=order, high=20))
        ideal_err = measure_delay(nengo.Direct(), 4800, 0, order=order, high=20)
        print(f"{'order ' + str(order):>24}: {err:.4f} (ideal system {ideal_err:.4f})")

    print("\n4. cost, 1,200 LIF neurons, 5 s (seconds; nengo_lmu / hand-built)")
    clear_measurements()  # construct includes measuring the neurons' lead
    ours = timed(lambda: LegendreMemory(6, 0.1, n_neurons=1200).input)
    ref = timed(lambda: hand_built(1200)[0])
    for i, name in enumerate(["construct", "build", "simulate", "total"]):
        print(f"{name:>24}: {ours[i]:.2f} / {ref[i]:.2f} = {ours[i] / ref[i]:.2f}x")
    # the same memory again: the measurement is cached
    again = timed(lambda: LegendreMemory(6, 0.1, n_neurons=1200).input)
    name = "construct, measured before"
    print(f"{name:>24}: {again[0]:.2f} / {ref[0]:.2f} = {again[0] / ref[0]:.2f}x")

    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 4))
        for i, (name, points) in enumerate(curves.items()):
            n, ours, ref = np.array(points).T
            ax.loglog(n, ours, "o-", color=f"C{i}", label=f"{name} (nengo_lmu)")
            ax.loglog(n, ref, "x:", color=f"C{i}", label=f"{name} (hand-built)")
        ax.axhline(ideal, color="k", lw=0.8, label="ideal system")
        ax.set_xlabel("neurons")
        ax.set_ylabel("delay NRMSE")
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(args.plot, dpi=100)
        print(f"\nsaved {args.plot}")


if __name__ == "__main__":
    main()
