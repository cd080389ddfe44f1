"""
`nengo_lmu.loihi.LoihiLegendreMemory` on the Loihi emulator against nengo.

Prints, for order 6, theta 0.1 s, dt 1 ms, ``WhiteSignal(10, high=10, rms=0.3)``
(the same signal on both simulators: the process is seeded, as nengo_loihi's
host simulator does not take the network's seed), max rates U(200, 400) Hz and
the Loihi defaults (recurrent ``Lowpass(0.05)``), for LIF and
SpikingRectifiedLinear neurons:

1. the delay NRMSE on ``nengo_loihi.Simulator(target="sim")`` next to the same
   network built for nengo (``built_for="nengo"``), the same with nengo_loihi's
   models of the chip's neurons in place of nengo's (what the chip's neurons
   cost, in nengo), and the plain `.LegendreMemory` in ``nengo.Simulator``,
   same neurons and seeds (mean of seeds, and the emulator's and nengo's value
   for each seed: they spread widely);
2. whether the emulator stays bounded over a long run: the NRMSE over the last
   5 s and the largest ``|state|``;
3. wall time per simulated second, emulator against nengo;
4. what `nengo_lmu.loihi.check` reports for the network.

Usage: ``python benchmarks/loihi.py [--quick]`` (``--quick``: 1 seed, 600
neurons, a 10 s long run).
"""

import argparse
import sys
import time
import warnings

import nengo
import numpy as np

from nengo_lmu.testing import delay_nrmse, measure_delay

DT = 0.001
NEURON_TYPES = [nengo.LIF(), nengo.SpikingRectifiedLinear()]


def loihi_run(
    neuron_type,
    n_neurons,
    seed,
    built_for,
    run_time=5.5,
    warmup=0.5,
    max_rates=nengo.dists.Uniform(200, 400),
):
    """NRMSE over the run after ``warmup``, over its last 5 s, max |state|, time."""
    import nengo_loihi

    from nengo_lmu.loihi import LoihiLegendreMemory

    process = nengo.processes.WhiteSignal(10, high=10, rms=0.3, seed=100 + seed)
    with nengo.Network(seed=seed) as net:
        net.config[nengo.Ensemble].max_rates = max_rates
        stim = nengo.Node(process)
        mem = LoihiLegendreMemory(
            order=6,
            theta=0.1,
            n_neurons=n_neurons,
            process=process,
            neuron_type=neuron_type,
            built_for=built_for,
        )
        nengo.Connection(stim, mem.input, synapse=None)
        p_out = nengo.Probe(mem.output, synapse=nengo.Lowpass(0.01))
        p_in = nengo.Probe(stim, synapse=nengo.Lowpass(0.01))
        p_state = nengo.Probe(mem.state, synapse=None)
    if built_for == "loihi":
        make = lambda: nengo_loihi.Simulator(net, dt=DT, target="sim")  # noqa: E731
    else:
        make = lambda: nengo.Simulator(net, dt=DT, progress_bar=False)  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with make() as sim:
            start = time.perf_counter()
            sim.run(run_time)
            wall = time.perf_counter() - start

    def nrmse(begin):
        return delay_nrmse(sim.data[p_out], sim.data[p_in], 100, int(round(begin / DT)))

    return dict(
        nrmse=nrmse(warmup),
        last=nrmse(max(warmup, run_time - 5)),
        max_state=float(np.max(np.abs(sim.data[p_state]))),
        wall_per_s=wall / run_time,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 seed, 600 neurons")
    args = parser.parse_args(argv)
    seeds = [0] if args.quick else [0, 1, 2]
    n_neurons = 600 if args.quick else 1200
    long_run = 10.0 if args.quick else 30.0

    print(f"1. delay NRMSE, {n_neurons} neurons, 5 s, mean of {len(seeds)} seeds")
    print(
        f"{'neurons':>24}{'emulator':>10}{'nengo (same net)':>18}"
        f"{'nengo, chip models':>20}{'LegendreMemory':>16}{'emulator / nengo':>18}"
    )
    from nengo_lmu.loihi import chip_neuron_model

    walls = {}
    for nt in NEURON_TYPES:
        name = type(nt).__name__
        emu = [loihi_run(nt, n_neurons, s, "loihi") for s in seeds]
        ref = [loihi_run(nt, n_neurons, s, "nengo") for s in seeds]
        chip_nt = chip_neuron_model(nt)
        modelled = np.mean(
            [loihi_run(chip_nt, n_neurons, s, "nengo")["nrmse"] for s in seeds]
        )
        plain = np.mean([measure_delay(nt, n_neurons, s) for s in seeds])
        e = np.mean([r["nrmse"] for r in emu])
        r = np.mean([r["nrmse"] for r in ref])
        walls[name] = (
            np.mean([x["wall_per_s"] for x in emu]),
            np.mean([x["wall_per_s"] for x in ref]),
        )
        print(
            f"{name:>24}{e:>10.4f}{r:>18.4f}{modelled:>20.4f}{plain:>16.4f}"
            f"{e / r:>17.2f}x"
        )
        print(
            f"{'per seed':>24}: emulator "
            + " ".join(f"{x['nrmse']:.4f}" for x in emu)
            + ", nengo "
            + " ".join(f"{x['nrmse']:.4f}" for x in ref)
        )
        sys.stdout.flush()

    print(f"\n2. emulator over {long_run:.0f} s (seed 0)")
    for nt in NEURON_TYPES:
        res = loihi_run(nt, n_neurons, 0, "loihi", run_time=long_run)
        print(
            f"{type(nt).__name__:>24}: NRMSE last 5 s {res['last']:.4f}, whole run "
            f"{res['nrmse']:.4f}, max |state| {res['max_state']:.2f}"
        )
        sys.stdout.flush()

    print("\n3. wall time per simulated second (emulator / nengo, same network)")
    for name, (emu, ref) in walls.items():
        print(f"{name:>24}: {emu:.2f} s / {ref:.2f} s = {emu / ref:.1f}x")

    print("\n4. nengo_lmu.loihi.check")
    from nengo_lmu.loihi import LoihiLegendreMemory, check

    with nengo.Network(seed=0) as net:
        net.config[nengo.Ensemble].max_rates = nengo.dists.Uniform(200, 400)
        stim = nengo.Node(nengo.processes.WhiteSignal(10, high=10, rms=0.3))
        mem = LoihiLegendreMemory(order=6, theta=0.1, n_neurons=n_neurons)
        nengo.Connection(stim, mem.input, synapse=None)
    print(check(net))


if __name__ == "__main__":
    main()
