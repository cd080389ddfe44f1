"""
A fully spiking LMU on psDigits: the memory and the hidden layer in spiking neurons.

The recipe of the user guide, per seed:

1. **Rates.** An `.LMUClassifier` (rectified-linear hidden units without
   hidden-to-hidden weights, ``input_to_hidden``, the exact memory) trained in
   NengoDL at one step per pixel: the rate model.
2. **Record.** The same classifier with its memory in spiking neurons
   (``--neurons-per-dim`` SpikingRectifiedLinear neurons per state dimension,
   tuned to the training digits with `.tuning.input_process`) and spiking
   hidden neurons, run at ``--steps-per-pixel``: `.dl.record_states` records
   the states its spiking memory delivers on the training and validation digits.
3. **Replay.** A cell with ``replay_memory=True`` (rate hidden units, the hidden
   synapse ``--tau``) fine-tuned on those states: the hidden layer learns from
   what the spiking memory really delivers.
4. **Spikes.** The fully spiking classifier with the fine-tuned weights, scored
   in NengoDL (minibatches) and in ``nengo.Simulator`` (the test digits one
   after another, `.classify_stream`).

It prints, per seed and as a mean: the rate model's test accuracy, the fully
spiking accuracy without step 3 (the rate weights as they are) and with it,
in NengoDL and in nengo, the mean firing rates, spikes per inference, and wall
times per test set. Every number is measured in the same run.

Usage: ``python benchmarks/spiking.py [--order 64] [--steps-per-pixel 10]``
``[--neurons-per-dim 50] [--seeds 0 1 2] [--permutation-seed 0] [--quick]``
"""

import argparse
import time

import nengo
import nengo_dl
import numpy as np
import tensorflow as tf

from nengo_lmu.classifier import LMUClassifier, classify_stream
from nengo_lmu.datasets import hold, psdigits
from nengo_lmu.dl import accuracy, firing_rates, record_states, train_classifier
from nengo_lmu.tuning import input_process

DT = 0.001
CLASSES = 10
PIXELS = 64


def simulator(args, weights, steps_per_pixel, seed, minibatch_size=32, **kwargs):
    """A compiled NengoDL simulator of a psDigits classifier, and the classifier."""
    with nengo.Network(seed=seed) as net:
        nengo_dl.configure_settings(stateful=False)
        classifier = LMUClassifier(
            CLASSES,
            probe_neurons=True,
            weights=weights,
            units=args.units,
            order=args.order,
            theta=PIXELS * steps_per_pixel * DT,
            dt=DT,
            input_to_hidden=True,
            hidden_to_hidden=False,
            **kwargs,
        )
    sim = nengo_dl.Simulator(
        net, minibatch_size=minibatch_size, dt=DT, progress_bar=False
    )
    sim.compile(
        optimizer=tf.keras.optimizers.Adam(args.learning_rate),
        loss={
            classifier.probe: tf.keras.losses.SparseCategoricalCrossentropy(
                from_logits=True
            )
        },
    )
    return net, classifier, sim


def spiking_kwargs(args, weights, x_train):
    """The cell in spiking neurons, its memory tuned to the training digits."""
    n = args.steps_per_pixel
    return dict(
        hidden_neuron_type=nengo.SpikingRectifiedLinear(),
        scale_firing_rates=args.rate,
        synapse=nengo.Lowpass(args.tau),
        neural_memory=dict(
            n_neurons=args.neurons_per_dim * args.order,
            neuron_type=nengo.SpikingRectifiedLinear(),
            max_rates=nengo.dists.Uniform(*args.max_rates),
            process=input_process(weights, x_train[: args.tuning_digits], n, DT),
        ),
    )


def run_seed(args, seed, data):
    """The four steps for one seed; a dict of the measurements."""
    n = args.steps_per_pixel
    held = {name: (hold(x, n), y) for name, (x, y) in data.items()}
    row = {}

    # 1. the rate model
    _, clf, sim = simulator(
        args, None, 1, seed, hidden_neuron_type=nengo.RectifiedLinear()
    )
    with sim:
        train_classifier(
            sim, clf, data["train"], data["validation"], args.epochs, args.patience
        )
        row["rate"] = accuracy(sim, clf, *data["test"])
        rate_weights = clf.get_weights(sim)
    spiking = spiking_kwargs(args, rate_weights, data["train"][0])

    # 2. the spiking memory's states on the training and validation digits
    start = time.perf_counter()
    with nengo.Network(seed=seed) as net:
        recorder = LMUClassifier(
            CLASSES,
            weights=rate_weights,
            units=args.units,
            order=args.order,
            theta=PIXELS * n * DT,
            dt=DT,
            input_to_hidden=True,
            hidden_to_hidden=False,
            **spiking,
        )
    states = {
        name: record_states(recorder, held[name][0], network=net, minibatch_size=64)
        for name in ("train", "validation")
    }
    row["record_s"] = time.perf_counter() - start

    # 3. the hidden layer fine-tuned on the replayed states
    _, clf, sim = simulator(
        args,
        rate_weights,
        n,
        seed,
        hidden_neuron_type=nengo.RectifiedLinear(),
        scale_firing_rates=args.rate,
        synapse=nengo.Lowpass(args.tau),
        replay_memory=True,
    )
    with sim:
        history = train_classifier(
            sim,
            clf,
            held["train"] + (states["train"],),
            held["validation"] + (states["validation"],),
            args.finetune_epochs,
            args.patience,
        )
        tuned_weights = clf.get_weights(sim)
    row["finetune_s_per_epoch"] = float(np.median(history["epoch_time"]))

    # 4. fully spiking, without and with step 3
    x_test, y_test = held["test"]
    for name, weights in [
        ("spiking_rate_weights", rate_weights),
        ("spiking", tuned_weights),
    ]:
        _, clf, sim = simulator(args, weights, n, seed, minibatch_size=40, **spiking)
        with sim:
            start = time.perf_counter()
            row[name] = accuracy(sim, clf, x_test, y_test)
            row["nengo_dl_s"] = time.perf_counter() - start
            if name == "spiking":
                row["hidden_hz"] = float(np.mean(firing_rates(sim, clf, x_test)))
                row["memory_hz"] = float(
                    np.mean(firing_rates(sim, clf, x_test, neurons="memory"))
                )
    if not args.no_stream:
        with nengo.Network(seed=seed) as net:
            clf = LMUClassifier(
                CLASSES,
                weights=tuned_weights,
                units=args.units,
                order=args.order,
                theta=PIXELS * n * DT,
                dt=DT,
                input_to_hidden=True,
                hidden_to_hidden=False,
                **spiking,
            )
        start = time.perf_counter()
        scores = classify_stream(clf, x_test, network=net, progress_bar=False)
        row["nengo_s"] = time.perf_counter() - start
        row["nengo"] = float(np.mean(np.argmax(scores, axis=-1) == y_test))
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--order", type=int, default=64)
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--steps-per-pixel", type=int, default=10)
    parser.add_argument(
        "--neurons-per-dim", type=int, default=50, help="memory neurons per dimension"
    )
    parser.add_argument(
        "--max-rates",
        type=float,
        nargs=2,
        default=[200, 400],
        help="the memory neurons' max rates (Hz), uniform between",
    )
    parser.add_argument(
        "--rate", type=float, default=300.0, help="hidden Hz per unit of activity"
    )
    parser.add_argument("--tau", type=float, default=0.01, help="hidden synapse (s)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--permutation-seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--finetune-epochs", type=int, default=10)
    parser.add_argument("--patience", type=int, default=10)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--tuning-digits", type=int, default=50)
    parser.add_argument(
        "--no-stream", action="store_true", help="skip the run in nengo.Simulator"
    )
    parser.add_argument(
        "--quick", action="store_true", help="order 16, 256 digits, 2 epochs, 1 seed"
    )
    args = parser.parse_args()
    tf.get_logger().setLevel("ERROR")
    data = psdigits(permutation_seed=args.permutation_seed)
    if args.quick:
        args.order, args.units, args.seeds = 16, 16, args.seeds[:1]
        args.epochs = args.finetune_epochs = 2
        data = {name: (x[:256], y[:256]) for name, (x, y) in data.items()}
        data["test"] = tuple(a[:40] for a in data["test"])
    n = args.steps_per_pixel
    memory_neurons = args.neurons_per_dim * args.order
    seconds = PIXELS * n * DT
    print(
        f"psDigits (permutation {args.permutation_seed}), order {args.order}, "
        f"{args.units} hidden units, {n} steps per pixel (theta {seconds:g} s); "
        f"memory: {memory_neurons} SpikingRectifiedLinear neurons "
        f"({args.neurons_per_dim} per dimension, max rates {args.max_rates[0]:g}-"
        f"{args.max_rates[1]:g} Hz); hidden: {args.rate:g} Hz per unit, synapse "
        f"Lowpass({args.tau:g})"
    )
    columns = [
        ("rate", "rate model (exact memory, 1 step/pixel)", "{:.3f}"),
        ("spiking_rate_weights", "fully spiking, rate weights", "{:.3f}"),
        ("spiking", "fully spiking, replay-tuned (NengoDL)", "{:.3f}"),
        ("nengo", "same, nengo.Simulator", "{:.3f}"),
        ("memory_hz", "memory Hz", "{:.0f}"),
        ("hidden_hz", "hidden Hz", "{:.0f}"),
        ("spikes", "spikes per digit", "{:,.0f}"),
        ("nengo_dl_s", "NengoDL s / test set", "{:.1f}"),
        ("nengo_s", "nengo s / test set", "{:.0f}"),
        ("record_s", "record s", "{:.0f}"),
        ("finetune_s_per_epoch", "fine-tune s / epoch", "{:.0f}"),
    ]
    if args.no_stream:
        columns = [c for c in columns if c[0] not in ("nengo", "nengo_s")]
    print("| seed | " + " | ".join(title for _, title, _ in columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    rows = []
    for seed in args.seeds:
        row = run_seed(args, seed, data)
        row["spikes"] = seconds * (
            row["memory_hz"] * memory_neurons + row["hidden_hz"] * args.units
        )
        rows.append(row)
        cells = [fmt.format(row[key]) for key, _, fmt in columns]
        print(f"| {seed} | " + " | ".join(cells) + " |", flush=True)
    mean = [fmt.format(np.mean([r[key] for r in rows])) for key, _, fmt in columns]
    print("| mean | " + " | ".join(mean) + " |")
    neurons = memory_neurons + args.units
    print(f"neurons: {memory_neurons} memory + {args.units} hidden = {neurons}")


if __name__ == "__main__":
    main()
