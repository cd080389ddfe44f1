"""
What the chip's neurons cost a `.loihi.LoihiLegendreMemory`, measured in nengo.

nengo_loihi's models of the chip's neurons (`nengo_loihi.neurons.LoihiLIF`,
`nengo_loihi.neurons.LoihiSpikingRectifiedLinear`, as
`nengo_lmu.loihi.chip_neuron_model` picks them) next to nengo's, in nengo,
dt 1 ms, ``WhiteSignal(high=10, rms=0.3)``:

1. one ensemble of 200 neurons (max rates U(200, 400) Hz, intercepts
   U(-1, 0.5)) decoding its input through ``Lowpass(0.05)``, the memory's
   recurrent synapse, over 20 s: the NRMSE of its decoded output against the
   input through the same synapse; how much the output lags the input; the
   NRMSE after the best gain and lead are taken out (as the memory compensates
   them), and of that remainder the part below 2 Hz, where the memory's
   slowest dimensions integrate it; and with decoders solved on a 40 s run of
   the filtered spikes instead of on the rates (what a better linear decoding
   could recover);
2. the order-6 memory (``built_for="nengo"``, 1,200 neurons, 5 s, mean of seeds
   0-2, as in ``benchmarks/loihi.py``) with each neuron model, at three ranges
   of max rates: what the chip's neurons alone cost the memory, the ratio an
   emulator exact in all else would show.

Usage: ``python benchmarks/loihi_neurons.py [--quick]`` (``--quick``: 1 seed,
one range of max rates).
"""

import argparse
import sys
import warnings
from pathlib import Path

import nengo
import numpy as np

from nengo_lmu.testing import nrmse, rms

sys.path.insert(0, str(Path(__file__).parent))
from loihi import NEURON_TYPES, loihi_run  # noqa: E402

DT = 0.001
TAU = 0.05
MAX_RATES = [(100, 200), (200, 400), (250, 450)]


def ensemble_run(neuron_type, seed, run_time, n_neurons=200):
    """The ensemble's filtered spikes, its filtered input and its decoders."""
    process = nengo.processes.WhiteSignal(run_time, high=10, rms=0.3, seed=seed)
    with nengo.Network(seed=1) as net:
        stim = nengo.Node(process)
        ens = nengo.Ensemble(
            n_neurons,
            1,
            neuron_type=neuron_type,
            max_rates=nengo.dists.Uniform(200, 400),
            intercepts=nengo.dists.Uniform(-1, 0.5),
        )
        nengo.Connection(stim, ens, synapse=None)
        decoded = nengo.Connection(ens, nengo.Node(size_in=1), synapse=None)
        p_input = nengo.Probe(stim, synapse=nengo.Lowpass(TAU))
        p_spikes = nengo.Probe(ens.neurons, synapse=nengo.Lowpass(TAU))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with nengo.Simulator(net, dt=DT, progress_bar=False) as sim:
            sim.run(run_time)
    return sim.data[p_spikes], sim.data[p_input][:, 0], sim.data[decoded].weights[0]


def below(signal, frequency):
    """The part of ``signal`` below ``frequency`` (Hz)."""
    spectrum = np.fft.rfft(signal)
    spectrum[np.fft.rfftfreq(len(signal), DT) >= frequency] = 0
    return np.fft.irfft(spectrum, n=len(signal))


def part_ensemble(neuron_type, warmup=500):
    """The errors of part 1 for one neuron type (after ``warmup`` steps)."""
    activity, x, decoders = ensemble_run(neuron_type, seed=3, run_time=20.0)
    activity, x = activity[warmup:], x[warmup:]
    y = activity @ decoders
    # x ~ a y + b y' = a y(t + b / a): b / a is the output's lag
    basis = np.stack([y, np.gradient(y, DT)], axis=1)
    fit, *_ = np.linalg.lstsq(basis, x, rcond=None)
    compensated = basis @ fit

    train, target, _ = ensemble_run(neuron_type, seed=4, run_time=40.0)
    spike_decoders, _ = nengo.solvers.LstsqL2(reg=0.01)(
        train[warmup:], target[warmup:, None]
    )
    return dict(
        rate_solved=nrmse(y, x),
        lag=fit[1] / fit[0],
        lead_gain=nrmse(compensated, x),
        slow=rms(below(compensated - x, 2.0)) / rms(x),
        spike_solved=nrmse(activity @ spike_decoders[:, 0], x),
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 seed, 1 rate range")
    args = parser.parse_args(argv)
    seeds = [0] if args.quick else [0, 1, 2]
    max_rates = [(200, 400)] if args.quick else MAX_RATES
    from nengo_lmu.loihi import chip_neuron_model

    models = [(nt, chip_neuron_model(nt)) for nt in NEURON_TYPES]

    print("1. one ensemble, 200 neurons, decoded through Lowpass(0.05), 20 s")
    print(
        f"{'neurons':>36}{'NRMSE':>8}{'lag (ms)':>10}{'lead, gain out':>16}"
        f"{'below 2 Hz':>12}{'spike-solved':>14}"
    )
    for pair in models:
        for nt in pair:
            r = part_ensemble(nt)
            print(
                f"{type(nt).__name__:>36}{r['rate_solved']:>8.4f}"
                f"{1000 * r['lag']:>10.2f}"
                f"{r['lead_gain']:>16.4f}{r['slow']:>12.4f}"
                f"{r['spike_solved']:>14.4f}"
            )
            sys.stdout.flush()

    print(f"\n2. order-6 memory, 1,200 neurons, 5 s, mean of {len(seeds)} seeds")
    print(
        f"{'neurons':>24}{'max rates':>12}{'nengo':>8}{'chip models':>13}{'ratio':>8}"
    )
    for nt, chip_nt in models:
        for low, high in max_rates:
            dist = nengo.dists.Uniform(low, high)
            ref, chip = (
                np.mean(
                    [
                        loihi_run(m, 1200, s, "nengo", max_rates=dist)["nrmse"]
                        for s in seeds
                    ]
                )
                for m in (nt, chip_nt)
            )
            print(
                f"{type(nt).__name__:>24}{f'{low}-{high}':>12}{ref:>8.4f}"
                f"{chip:>13.4f}{chip / ref:>7.2f}x"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
