"""
psDigits with `nengo_lmu.LMUCell` in NengoDL, against keras-lmu in the same run.

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
spiking
    A cell made for spikes (rectified-linear hidden neurons, no hidden-to-hidden
    weights), trained on rates at one step per pixel, then evaluated with
    spiking hidden neurons (``--rate`` Hz per unit of activity, ``--steps``
    simulator steps per pixel, a ``--tau`` s synapse on the hidden output), and
    with a spiking memory too; the exact cell of part 1 swapped to spiking
    neurons is shown for comparison.

Usage: ``python benchmarks/cell.py [--part exact|spiking] [--seeds 0 1 2]``
``[--epochs 40] [--quick]``
"""

import argparse
import time

import nengo
import nengo_dl
import numpy as np
import tensorflow as tf

from nengo_lmu import LMUCell, weights_from_keras
from nengo_lmu.classifier import LMUClassifier, accuracy, train_classifier
from nengo_lmu.datasets import hold, psdigits

UNITS, ORDER, STEPS, CLASSES, BATCH = 64, 64, 64, 10, 32
DT = 0.001


def optimizer():
    return tf.keras.optimizers.Adam(1e-3)


def loss():
    return tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def keras_model(seed):
    """keras-lmu's psDigits model and its initial weights for LMUClassifier."""
    import keras_lmu

    tf.keras.utils.set_random_seed(seed)
    inp = tf.keras.Input((STEPS, 1))
    lmu = keras_lmu.LMU(
        memory_d=1,
        order=ORDER,
        theta=STEPS,
        hidden_cell=tf.keras.layers.SimpleRNNCell(UNITS),
        input_to_hidden=True,
    )
    dense = tf.keras.layers.Dense(CLASSES)
    model = tf.keras.Model(inp, dense(lmu(inp)))
    model.compile(optimizer=optimizer(), loss=loss())
    weights = weights_from_keras(lmu)
    kernel, bias = dense.get_weights()
    weights.update(readout=kernel.T, readout_bias=bias)
    return model, weights


def train_keras(model, data, epochs, patience):
    """The same loop as `train_classifier`, for a Keras model."""
    (x, y), (x_val, y_val) = data["train"], data["validation"]
    best, best_weights, times = -1, None, []
    for epoch in range(epochs):
        start = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
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


def classifier_simulator(weights, minibatch_size=BATCH, **cell_kwargs):
    """A NengoDL simulator of an `.LMUClassifier` for psDigits."""
    kwargs = dict(units=UNITS, order=ORDER, theta=STEPS * DT, dt=DT)
    kwargs.update(cell_kwargs)
    with nengo.Network(seed=0) as net:
        nengo_dl.configure_settings(stateful=False)
        classifier = LMUClassifier(
            CLASSES, weights=weights, input_to_hidden=True, **kwargs
        )
    sim = nengo_dl.Simulator(
        net, minibatch_size=minibatch_size, dt=DT, progress_bar=False
    )
    return sim, classifier


def train_nengo(weights, data, epochs, patience, **cell_kwargs):
    """Train a classifier; return test accuracy, epoch times and weights."""
    sim, classifier = classifier_simulator(weights, **cell_kwargs)
    with sim:
        sim.compile(optimizer=optimizer(), loss={classifier.probe: loss()})
        history = train_classifier(
            sim, classifier, data["train"], data["validation"], epochs, patience
        )
        test = accuracy(sim, classifier, *data["test"])
        trained = classifier.get_weights(sim)
    return test, history["epoch_time"], trained


def spiking_accuracy(weights, data, steps, **cell_kwargs):
    """Test accuracy of trained weights with ``steps`` simulator steps per pixel."""
    sim, classifier = classifier_simulator(
        weights, minibatch_size=40, theta=STEPS * steps * DT, **cell_kwargs
    )
    x_test, y_test = data["test"]
    with sim:
        return accuracy(sim, classifier, hold(x_test, steps), y_test)


def part_exact(args, data):
    print(
        "| seed | keras-lmu acc. | nengo_lmu acc. | keras s/epoch | nengo_lmu s/epoch "
        "| ratio |"
    )
    print("|---|---|---|---|---|---|")
    results = []
    for seed in args.seeds:
        model, weights = keras_model(seed)
        keras_acc, keras_times = train_keras(model, data, args.epochs, args.patience)
        nengo_acc, nengo_times, _ = train_nengo(
            weights, data, args.epochs, args.patience
        )
        # the first epoch includes graph construction: leave it out
        k, n = np.median(keras_times[1:]), np.median(nengo_times[1:])
        results.append((keras_acc, nengo_acc, k, n))
        print(
            f"| {seed} | {keras_acc:.3f} | {nengo_acc:.3f} | {k:.2f} | {n:.2f} "
            f"| {n / k:.1f}x |",
            flush=True,
        )
    mean = np.mean(results, axis=0)
    print(
        f"| mean | {mean[0]:.3f} | {mean[1]:.3f} | {mean[2]:.2f} | {mean[3]:.2f} "
        f"| {mean[3] / mean[2]:.1f}x |"
    )


def part_spiking(args, data):
    spiking = nengo.SpikingRectifiedLinear()
    synapse = nengo.Lowpass(args.tau)
    print(
        f"spiking: {args.rate} Hz per unit, {args.steps} steps per pixel, "
        f"synapse {args.tau} s"
    )
    print(
        "| seed | rate acc. | spiking hidden | spiking hidden + memory "
        "| tanh cell, spiking |"
    )
    print("|---|---|---|---|---|")
    for seed in args.seeds:
        _, weights = keras_model(seed)
        relu = dict(hidden_to_hidden=False, hidden_neuron_type=nengo.RectifiedLinear())
        for name in ("hidden_kernel",):
            weights.pop(name)
        rate_acc, _, trained = train_nengo(
            weights, data, args.epochs, args.patience, **relu
        )
        spiking_cell = dict(
            hidden_to_hidden=False,
            hidden_neuron_type=spiking,
            scale_firing_rates=args.rate,
            synapse=synapse,
        )
        hidden_acc = spiking_accuracy(trained, data, args.steps, **spiking_cell)
        memory = dict(n_neurons=args.memory_neurons * ORDER, neuron_type=spiking)
        both_acc = spiking_accuracy(
            trained, data, args.steps, memory_neurons=memory, **spiking_cell
        )
        print(
            f"| {seed} | {rate_acc:.3f} | {hidden_acc:.3f} | {both_acc:.3f} | |",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("exact", "spiking"), default="exact")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--patience", type=int, default=10)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--tau", type=float, default=0.005)
    parser.add_argument("--memory-neurons", type=int, default=50)
    parser.add_argument("--quick", action="store_true", help="1 seed, 2 epochs")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.epochs = args.seeds[:1], 2
    data = psdigits()
    {"exact": part_exact, "spiking": part_spiking}[args.part](args, data)


if __name__ == "__main__":
    main()
