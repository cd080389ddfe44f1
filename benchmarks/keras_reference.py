"""
The references of ``benchmarks/pytorch.py`` that run on the TensorFlow stack.

PyTorch and TensorFlow 2.12 cannot share a Python environment, so
``benchmarks/pytorch.py`` runs this script in the TensorFlow one (the pinned
stack, ``.venv``) and reads the JSON it prints:

speed
    keras-lmu's psMNIST model (``RNN(LMUCell)``: units 212, order 256, theta 784
    steps, a SimpleRNN hidden layer, ``input_to_hidden``), seconds per training
    step (forward and backward) of a batch of 100 random sequences, after one
    step of warm-up: the median of ``--repeats``.
psdigits
    keras-lmu's psDigits model trained as in ``benchmarks/cell.py`` (seed
    ``--seed``): its test accuracy and seconds per epoch; its initial weights
    written to ``--weights`` (so that the PyTorch model starts from them); and
    nengo_lmu's NengoDL training of the same model, seconds per epoch (the
    second of two epochs).

Usage: ``python benchmarks/keras_reference.py speed|psdigits [--seed 0]``
``[--epochs 40] [--patience 10] [--weights initial.npz] [--repeats 3]``
"""

import argparse
import json
import time

import cell  # benchmarks/cell.py: the models and training loops
import numpy as np

from nengo_lmu import save_weights
from nengo_lmu.datasets import psdigits


def speed(args):
    model, _ = cell.keras_model(0, cell.PSMNIST)
    rng = np.random.RandomState(0)
    x = rng.uniform(size=(cell.PSMNIST.batch, cell.PSMNIST.steps, 1))
    y = rng.randint(cell.CLASSES, size=cell.PSMNIST.batch)
    model.train_on_batch(x, y)  # warm-up (tracing)
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        model.train_on_batch(x, y)
        times.append(time.perf_counter() - start)
    return {"keras_step_s": float(np.median(times))}


def psdigits_reference(args):
    data = psdigits()
    model, weights = cell.keras_model(args.seed)
    save_weights(args.weights, weights)
    accuracy, times = cell.train_keras(model, data, args.epochs, args.patience)
    sim, classifier = cell.classifier_simulator(weights)
    with sim:
        sim.compile(optimizer=cell.optimizer(), loss={classifier.probe: cell.loss()})
        x, y = data["train"]
        n = len(x) - len(x) % sim.minibatch_size
        nengo_dl_times = []
        for _ in range(2):
            start = time.perf_counter()
            sim.fit(
                {classifier.input: x[:n]},
                {classifier.probe: y[:n, None, None]},
                epochs=1,
                verbose=0,
            )
            nengo_dl_times.append(time.perf_counter() - start)
    return {
        "keras_accuracy": float(accuracy),
        "keras_epoch_s": float(np.median(times[1:] or times)),
        "keras_epochs": len(times),
        "nengo_dl_epoch_s": nengo_dl_times[-1],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("part", choices=["speed", "psdigits"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--patience", type=int, default=10)
    parser.add_argument("--weights", default="initial.npz")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    result = speed(args) if args.part == "speed" else psdigits_reference(args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
