"""
psDigits or psMNIST with `nengo_lmu.LMUCell` in NengoDL, against keras-lmu.

psDigits: scikit-learn's 1,797 8x8 digits as 64-step pixel sequences under a
fixed permutation (`nengo_lmu.datasets.psdigits`). The cell: units 64, order 64,
theta 64 steps, memory_d 1, ``input_to_hidden=True``, a tanh SimpleRNN hidden
layer and a 10-way readout (8,971 parameters). Adam (learning rate 1e-3),
batch 32, up to ``--epochs`` epochs, the epoch with the best validation accuracy
kept (patience 10).

Parts (``--part``):

exact
    keras-lmu's ``LMU`` layer and nengo_lmu's exact cell from the same initial
    weights, per seed: test accuracy and training seconds per epoch (ratio).
loihi
    A cell made for spikes (rectified-linear hidden neurons, no
    hidden-to-hidden weights) as a `.loihi.LoihiLMUCell`: trained on rates at one
    step per pixel, fine-tuned at ``--steps`` steps per pixel with nengo_loihi's
    models of the chip's neurons (``built_for="nengo"``), then its spiking test
    accuracy in NengoDL, and with the test digits run one after another
    (`.classify_stream`) in nengo and on the Loihi emulator
    (``nengo_loihi.Simulator(target="sim")``, what is sent to the chip scaled
    to its peaks on the training digits, `.loihi.state_peaks`), with their
    wall times.

psMNIST (``--mnist PATH``, exact part only): keras-lmu's psMNIST example, the
same comparison on MNIST from a keras-format ``mnist.npz``: units 212, order
256, theta 784 steps, no hidden-to-memory or memory-to-memory connections,
input encoders initialized to 1, batch 100 (`nengo_lmu.datasets.psmnist`, the
last ``--validation`` training images held out).

The fully spiking cell (memory and hidden layer in spiking neurons) is
``benchmarks/spiking.py``.

Usage: ``python benchmarks/cell.py [--part exact|loihi] [--seeds 0 1 2]``
``[--epochs 40] [--quick] [--mnist mnist.npz --validation 10000]``
"""

import argparse
import time
from dataclasses import dataclass, field

import nengo
import nengo_dl
import numpy as np
import tensorflow as tf

from nengo_lmu import weights_from_keras
from nengo_lmu.classifier import LMUClassifier, classify_stream
from nengo_lmu.datasets import hold, psdigits, psmnist
from nengo_lmu.dl import accuracy, firing_rates, train_classifier
from nengo_lmu.loihi import LoihiLMUCell, state_peaks

DT = 0.001
CLASSES = 10


@dataclass(frozen=True)
class Task:
    """
    A pixel-sequence task and keras-lmu's configuration of the cell for it.

    ``options`` are the connections of the cell (keras-lmu's and `.LMUCell`'s
    names); ``keras_options`` are given to keras-lmu alone (its initializers,
    which `.weights_from_keras` carries over).
    """

    steps: int
    units: int
    order: int
    batch: int
    options: dict = field(default_factory=lambda: dict(input_to_hidden=True))
    keras_options: dict = field(default_factory=dict)


PSDIGITS = Task(steps=64, units=64, order=64, batch=32)
#: keras-lmu's psMNIST example.
PSMNIST = Task(
    steps=784,
    units=212,
    order=256,
    batch=100,
    options=dict(input_to_hidden=True, hidden_to_memory=False, memory_to_memory=False),
    keras_options=dict(kernel_initializer="ones"),
)
#: The cell for spikes, on rates: rectified-linear units, no hidden-to-hidden.
RELU = dict(hidden_to_hidden=False, hidden_neuron_type=nengo.RectifiedLinear())


def optimizer():
    return tf.keras.optimizers.Adam(1e-3)


def loss():
    return tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def keras_model(seed, task=PSDIGITS):
    """keras-lmu's model of ``task`` and its initial weights for LMUClassifier."""
    import keras_lmu

    tf.keras.utils.set_random_seed(seed)
    inp = tf.keras.Input((task.steps, 1))
    lmu = keras_lmu.LMU(
        memory_d=1,
        order=task.order,
        theta=task.steps,
        hidden_cell=tf.keras.layers.SimpleRNNCell(task.units),
        **task.options,
        **task.keras_options,
    )
    dense = tf.keras.layers.Dense(CLASSES)
    model = tf.keras.Model(inp, dense(lmu(inp)))
    model.compile(optimizer=optimizer(), loss=loss())
    weights = weights_from_keras(lmu)
    kernel, bias = dense.get_weights()
    weights.update(readout=kernel.T, readout_bias=bias)
    return model, weights


def train_keras(model, data, epochs, patience, batch=PSDIGITS.batch):
    """The same loop as `train_classifier`, for a Keras model."""
    (x, y), (x_val, y_val) = data["train"], data["validation"]
    best, best_weights, times = -1, None, []
    for epoch in range(epochs):
        start = time.perf_counter()
        model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
        times.append(time.perf_counter() - start)
        val = np.mean(np.argmax(model.predict(x_val, verbose=0), -1) == y_val)
        if val > best:
            best, best_epoch, best_weights = val, epoch, model.get_weights()
        elif epoch - best_epoch >= patience:
            break
    model.set_weights(best_weights)
    x_test, y_test = data["test"]
    test = np.mean(np.argmax(model.predict(x_test, verbose=0), -1) == y_test)
    return test, times


def classifier_simulator(
    weights, task=PSDIGITS, minibatch_size=None, xla=False, **cell_kwargs
):
    """
    A NengoDL simulator of an `.LMUClassifier` for ``task``, and its parts.

    ``xla=True`` unrolls the steps (no ``tf.while_loop``) so that the training
    step can be compiled by XLA (``sim.compile(..., jit_compile=True)``).
    """
    kwargs = dict(units=task.units, order=task.order, theta=task.steps * DT, dt=DT)
    kwargs.update(task.options)
    kwargs.update(cell_kwargs)
    with nengo.Network(seed=0) as net:
        nengo_dl.configure_settings(stateful=False, use_loop=not xla)
        classifier = LMUClassifier(
            CLASSES,
            probe_neurons=True,
            weights=weights,
            **kwargs,
        )
    sim = nengo_dl.Simulator(
        net,
        minibatch_size=minibatch_size or task.batch,
        dt=DT,
        unroll_simulation=task.steps if xla else 1,
        progress_bar=False,
    )
    return sim, classifier


def train_nengo(
    weights, data, epochs, patience, task=PSDIGITS, xla=False, **cell_kwargs
):
    """Train a classifier; return test accuracy, epoch times and weights."""
    sim, classifier = classifier_simulator(weights, task, xla=xla, **cell_kwargs)
    with sim:
        sim.compile(
            optimizer=optimizer(), loss={classifier.probe: loss()}, jit_compile=xla
        )
        history = train_classifier(
            sim, classifier, data["train"], data["validation"], epochs, patience
        )
        test = accuracy(sim, classifier, *data["test"])
        trained = classifier.get_weights(sim)
    return test, history["epoch_time"], trained


def evaluate(weights, data, steps, **cell_kwargs):
    """
    Test accuracy with ``steps`` simulator steps per pixel, and the hidden
    neurons' mean firing rate (Hz, over neurons, time and 40 test samples).
    """
    sim, classifier = classifier_simulator(
        weights, minibatch_size=40, theta=PSDIGITS.steps * steps * DT, **cell_kwargs
    )
    x_test, y_test = data["test"]
    x_test = hold(x_test, steps)
    with sim:
        acc = accuracy(sim, classifier, x_test, y_test)
        hz = np.mean(firing_rates(sim, classifier, x_test))
    return acc, hz


def stream_accuracy(weights, test, steps, simulator, sim_kwargs=None, **cell_kwargs):
    """
    Accuracy on ``test`` digits run one after another in one simulation
    (`.classify_stream`), and the wall time per simulated second.
    """
    kwargs = dict(
        units=PSDIGITS.units,
        order=PSDIGITS.order,
        theta=PSDIGITS.steps * steps * DT,
        dt=DT,
    )
    kwargs.update(cell_kwargs)
    with nengo.Network(seed=0) as net:
        classifier = LMUClassifier(
            CLASSES, weights=weights, input_to_hidden=True, **kwargs
        )
    x_test, y_test = test
    x_test = hold(x_test, steps)
    gap = classifier.cell.discrete.settling_steps(rtol=0.01)
    start = time.perf_counter()
    scores = classify_stream(
        classifier,
        x_test,
        gap=gap,
        network=net,
        simulator=simulator,
        progress_bar=False,
        **(sim_kwargs or {}),
    )
    wall = time.perf_counter() - start
    simulated = len(x_test) * (x_test.shape[1] + gap) * DT
    return np.mean(np.argmax(scores, axis=-1) == y_test), wall / simulated


def part_exact(args, data, task):
    print(f"nengo_lmu compiled with XLA: {args.xla}")
    print(
        "| seed | keras-lmu acc. | nengo_lmu acc. | keras s/epoch | nengo_lmu s/epoch "
        "| ratio | first epoch s (keras / nengo_lmu) |"
    )
    print("|---|---|---|---|---|---|---|")
    results = []
    for seed in args.seeds:
        model, weights = keras_model(seed, task)
        keras_acc, keras_times = train_keras(
            model, data, args.epochs, args.patience, task.batch
        )
        nengo_acc, nengo_times, _ = train_nengo(
            weights, data, args.epochs, args.patience, task, xla=args.xla
        )
        # the first epoch includes graph construction (and XLA's compilation)
        k, n = np.median(keras_times[1:]), np.median(nengo_times[1:])
        results.append((keras_acc, nengo_acc, k, n))
        print(
            f"| {seed} | {keras_acc:.3f} | {nengo_acc:.3f} | {k:.2f} | {n:.2f} "
            f"| {n / k:.1f}x | {keras_times[0]:.0f} / {nengo_times[0]:.0f} |",
            flush=True,
        )
    mean = np.mean(results, axis=0)
    print(
        f"| mean | {mean[0]:.3f} | {mean[1]:.3f} | {mean[2]:.2f} | {mean[3]:.2f} "
        f"| {mean[3] / mean[2]:.1f}x | |"
    )


def train_for_spikes(seed, args, data):
    """
    The cell for spikes trained on rates at one step per pixel, from keras-lmu's
    initial weights: its test accuracy and weights.
    """
    _, weights = keras_model(seed)
    del weights["hidden_kernel"]
    acc, _, trained = train_nengo(weights, data, args.epochs, args.patience, **RELU)
    return acc, trained


def part_loihi(args, data):
    import nengo_loihi

    n, tau, rate = args.steps, args.tau, args.rate
    print(
        f"LoihiLMUCell: {n} steps per pixel, hidden synapse Lowpass({tau}), "
        f"{rate:g} Hz per unit of activity; rates trained at 1 step per pixel, "
        f"then fine-tuned for {args.finetune_epochs} epochs at {n} steps per "
        "pixel with Loihi's neuron models (built_for='nengo'); test digits run one "
        "after another in nengo and on the emulator"
    )
    print(
        "| seed | NengoDL spiking acc. | nengo acc. | emulator acc. | emulator - "
        "NengoDL | mean rate (Hz) | nengo s per sim. s | emulator s per sim. s "
        "| ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    loihi = dict(
        cell_type=LoihiLMUCell,
        hidden_to_hidden=False,
        scale_firing_rates=rate,
        synapse=nengo.Lowpass(tau),
    )
    held = {name: (hold(x, n), y) for name, (x, y) in data.items()}
    test = tuple(a[: args.test_digits] for a in data["test"])
    for seed in args.seeds:
        _, trained = train_for_spikes(seed, args, data)
        _, _, tuned = train_nengo(
            trained,
            held,
            args.finetune_epochs,
            args.patience,
            theta=PSDIGITS.steps * n * DT,
            built_for="nengo",
            **loihi,
        )
        dl_acc, hz = evaluate(
            tuned, dict(data, test=test), n, built_for="nengo", **loihi
        )
        nengo_acc, nengo_s = stream_accuracy(
            tuned, test, n, nengo.Simulator, built_for="nengo", **loihi
        )
        # what the host sends to the chip, scaled to the training digits' peaks
        cell = LoihiLMUCell(
            PSDIGITS.units,
            PSDIGITS.order,
            PSDIGITS.steps * n * DT,
            dt=DT,
            built_for="nengo",
            input_to_hidden=True,
            add_to_container=False,
            **{name: value for name, value in loihi.items() if name != "cell_type"},
        )
        peaks = state_peaks(cell, held["train"][0], tuned)
        emulator_acc, emulator_s = stream_accuracy(
            tuned,
            test,
            n,
            nengo_loihi.Simulator,
            sim_kwargs=dict(target="sim"),
            built_for="loihi",
            state_range=peaks,
            **loihi,
        )
        print(
            f"| {seed} | {dl_acc:.3f} | {nengo_acc:.3f} | {emulator_acc:.3f} "
            f"| {100 * (emulator_acc - dl_acc):+.1f} points | {hz:.0f} "
            f"| {nengo_s:.2f} | {emulator_s:.2f} | {emulator_s / nengo_s:.1f}x |",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("exact", "loihi"), default="exact")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--patience", type=int, default=10)
    parser.add_argument("--rate", type=float, default=300.0)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--tau", type=float, default=0.01)
    parser.add_argument("--finetune-epochs", type=int, default=8)
    parser.add_argument("--xla", action="store_true", help="compile with XLA")
    parser.add_argument(
        "--test-digits", type=int, default=None, help="streamed (loihi part)"
    )
    parser.add_argument("--quick", action="store_true", help="1 seed, 2 epochs")
    parser.add_argument(
        "--mnist",
        default=None,
        help="psMNIST from this keras-format mnist.npz instead of psDigits "
        "(exact part only)",
    )
    parser.add_argument(
        "--validation",
        type=int,
        default=10000,
        help="psMNIST training images held out for validation",
    )
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.epochs, args.finetune_epochs = args.seeds[:1], 2, 1
        args.test_digits = 20
    if args.mnist is None:
        data, task = psdigits(), PSDIGITS
    elif args.part != "exact" or args.xla:
        parser.error("--mnist runs the exact part only, without --xla")
    else:
        data, task = psmnist(args.mnist, n_validation=args.validation), PSMNIST
    for name, (x, _) in data.items():
        print(f"{name}: {len(x)} sequences of {x.shape[1]} steps")
    if args.part == "exact":
        part_exact(args, data, task)
    else:
        parts = {"loihi": part_loihi}
        parts[args.part](args, data)


if __name__ == "__main__":
    main()
