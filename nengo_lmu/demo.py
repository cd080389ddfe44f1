"""
``nengo-lmu-demo``: a spiking Legendre memory delaying band-limited white noise.

Builds a `.LegendreMemory` of spiking neurons and its exact (Direct-mode)
counterpart, simulates both on the same input, prints their delay errors side
by side and saves a plot of the input, the ideal delay and the spiking delay.
"""

import argparse
import time

import nengo
import numpy as np

from nengo_lmu.memory import LegendreMemory
from nengo_lmu.testing import delay_nrmse

NEURON_TYPES = {
    "lif": nengo.LIF,
    "spikingrelu": nengo.SpikingRectifiedLinear,
    "lifrate": nengo.LIFRate,
}


def run(order, theta, n_neurons, neuron_type, high, seconds, dt, seed):
    """
    Simulate a spiking memory and the ideal one; return times, signals and errors.

    Returns
    -------
    dict
        ``t``, ``input``, ``ideal`` (the input delayed by ``theta``), ``spiking``
        and ``direct`` outputs (all through ``Lowpass(0.01)``), and their NRMSEs
        after a 0.5 s warm-up.
    """
    process = nengo.processes.WhiteSignal(10, high=high, rms=0.3)
    with nengo.Network(seed=seed) as net:
        net.config[nengo.Ensemble].max_rates = nengo.dists.Uniform(200, 400)
        stim = nengo.Node(process, label="white noise")
        probes = {"input": nengo.Probe(stim, synapse=0.01)}
        for name, neurons in [("spiking", neuron_type), ("direct", nengo.Direct())]:
            mem = LegendreMemory(
                order,
                theta,
                n_neurons=n_neurons,
                dt=dt,
                process=process,
                neuron_type=neurons,
                label=name,
            )
            nengo.Connection(stim, mem.input, synapse=None)
            probes[name] = nengo.Probe(mem.output, synapse=0.01)
    with nengo.Simulator(net, dt=dt, progress_bar=False) as sim:
        sim.run(seconds)

    steps = int(round(theta / dt))
    warmup_steps = int(round(0.5 / dt))
    k = np.arange(warmup_steps, len(sim.trange()))
    result = {name: sim.data[p][k, 0] for name, p in probes.items()}
    result["ideal"] = sim.data[probes["input"]][k - steps, 0]
    result["t"] = sim.trange()[k]
    u = sim.data[probes["input"]][:, 0]
    for name in ("spiking", "direct"):
        y = sim.data[probes[name]][:, 0]
        result[f"{name}_nrmse"] = delay_nrmse(y, u, steps, warmup_steps)
    return result


def plot(result, path, title):
    """Save the input, ideal delay and spiking delay over the first second."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    show = result["t"] < result["t"][0] + 1.0
    fig, ax = plt.subplots(figsize=(9, 4))
    t = result["t"][show]
    ax.plot(t, result["input"][show], color="0.7", label="input")
    ax.plot(t, result["ideal"][show], "k--", label="ideal delay")
    ax.plot(t, result["spiking"][show], label="spiking memory")
    ax.set_xlabel("time (s)")
    ax.set_title(title)
    ax.legend(loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--order", type=int, default=6)
    parser.add_argument("--theta", type=float, default=0.1, help="window, seconds")
    parser.add_argument("--neurons", type=int, default=1200, help="total neurons")
    parser.add_argument("--neuron-type", choices=sorted(NEURON_TYPES), default="lif")
    parser.add_argument("--high", type=float, default=10, help="input band, Hz")
    parser.add_argument("--seconds", type=float, default=5.5)
    parser.add_argument("--dt", type=float, default=0.001)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", default="nengo_lmu_demo.png", help="plot file")
    args = parser.parse_args(argv)

    start = time.time()
    result = run(
        args.order,
        args.theta,
        args.neurons,
        NEURON_TYPES[args.neuron_type](),
        args.high,
        args.seconds,
        args.dt,
        args.seed,
    )
    title = (
        f"LegendreMemory: order {args.order}, theta {args.theta} s, "
        f"{args.neurons} {args.neuron_type} neurons, {args.high:g} Hz white noise"
    )
    print(title)
    print(f"{'memory':<22}{'delay NRMSE':>12}")
    print(f"{'ideal (Direct mode)':<22}{result['direct_nrmse']:>12.4f}")
    print(f"{'spiking':<22}{result['spiking_nrmse']:>12.4f}")
    print(f"(output and ideal delay through Lowpass(0.01), {args.seconds - 0.5:g} s)")
    plot(result, args.plot, title)
    print(f"saved {args.plot} ({time.time() - start:.1f} s)")


if __name__ == "__main__":
    main()
