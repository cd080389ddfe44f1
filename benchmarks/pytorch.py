"""
The PyTorch backend (`nengo_lmu.torch`): exactness, speed and psDigits.

Parts (``--part``, several allowed):

exactness
    `.torch.LMU` in float64 against `.LMUCell` with the exact memory in
    ``nengo.Simulator``, the same weights, on random batches: orders 64 and
    256, memory_d 1 and 4, every option off, each on alone, and all on. The
    largest difference of any output at any step, torch against nengo and
    the parallel form against the step-by-step one.
speed
    The psMNIST shape (784 steps, order 256, 212 units, batch 100, one
    training step: forward, cross-entropy, backward), the median of
    ``--repeats``: a bare PyTorch reference (the last memory state as one
    (batch x 784) by (784 x 256) product, then ReLU(212) and Dense(10)), the
    fully parallel LMU (feed-forward ReLU hidden layer on the last step), the
    published psMNIST model (tanh SimpleRNN hidden layer, ``input_to_hidden``)
    with the parallel memory and step by step, and keras-lmu's ``RNN(LMUCell)``
    of the published model, timed in the TensorFlow environment
    (``--keras-python``, through ``benchmarks/keras_reference.py``) before and
    after the PyTorch timings.
forms
    One training step of the published model's shape (a recurrent hidden
    layer, ``input_to_hidden``) at two sizes (units 64, order 64, batch 32;
    units 212, order 256, batch 100) and 64 to 784 steps, the memory step by
    step, by FFT and by direct convolution (the median of ``--repeats``): what
    ``convolution="auto"`` chooses by (`.torch.MAX_DIRECT_STEPS`).
psdigits
    Per seed: keras-lmu's psDigits model trained in the TensorFlow environment
    (test accuracy, seconds per epoch) with nengo_lmu's NengoDL seconds per
    epoch; the same model from the same initial weights trained in PyTorch
    (`.torch.train_classifier`, Adam 1e-3, batch 32, up to 40 epochs, the best
    validation epoch kept, patience 10); then deployed as a
    `.classifier.LMUClassifier` and scored in ``nengo.Simulator`` (the test
    digits one after another, each from rest: `.classify_stream` with
    ``reset=True``).

psmnist (``--mnist PATH``, a keras-format ``mnist.npz``)
    keras-lmu's psMNIST model (the published configuration, a tanh SimpleRNN
    hidden layer) and the fully parallel one (a feed-forward ReLU hidden layer
    on the last step) trained in PyTorch for ``--epochs`` epochs (Adam 1e-3,
    batch 100, the last ``--validation`` training images held out, the best
    validation epoch kept), per seed: test accuracy and seconds per epoch.

Usage: ``python benchmarks/pytorch.py [--part exactness speed forms psdigits psmnist]``
``[--seeds 0 1 2] [--repeats 5] [--keras-python .venv/bin/python] [--quick]``
``[--mnist mnist.npz --validation 10000 --epochs 3]``
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nengo
import numpy as np
import torch

from nengo_lmu import LMUCell, load_weights
from nengo_lmu.classifier import LMUClassifier as NengoClassifier
from nengo_lmu.classifier import classify_stream
from nengo_lmu.datasets import psdigits, psmnist
from nengo_lmu.torch import LMU, LMUClassifier, accuracy, train_classifier

DT = 0.001
HERE = Path(__file__).parent
OPTIONS = {
    "none": {},
    "hidden_to_memory": {"hidden_to_memory": True},
    "memory_to_memory": {"memory_to_memory": True},
    "input_to_hidden": {"input_to_hidden": True},
    "no hidden_to_hidden": {"hidden_to_hidden": False},
    "use_bias": {"use_bias": True},
    "all": {
        "hidden_to_memory": True,
        "memory_to_memory": True,
        "input_to_hidden": True,
        "use_bias": True,
    },
}
#: keras-lmu's psMNIST model, and the fully parallel one.
PSMNIST = dict(units=212, order=256, theta=784 * DT, dt=DT, input_to_hidden=True)
PARALLEL = dict(
    units=212,
    order=256,
    theta=784 * DT,
    dt=DT,
    hidden_to_hidden=False,
    hidden_neuron_type=nengo.RectifiedLinear(),
)
#: keras-lmu's psDigits model, as in benchmarks/cell.py.
PSDIGITS = dict(units=64, order=64, theta=64 * DT, dt=DT, input_to_hidden=True)


def table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    for row in [header] + rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)), flush=True)


def nengo_outputs(x, cell_kwargs):
    """LMUCell's output at every step of each sequence, in nengo.Simulator."""
    out = []
    for sequence in x:
        with nengo.Network(seed=0) as net:
            stim = nengo.Node(nengo.processes.PresentInput(sequence, DT))
            cell = LMUCell(**cell_kwargs)
            nengo.Connection(stim, cell.input, synapse=None)
            probe = nengo.Probe(cell.output)
        with nengo.Simulator(net, dt=DT, progress_bar=False) as sim:
            sim.run_steps(len(sequence))
        out.append(sim.data[probe])
    return np.stack(out)


def part_exactness(args):
    print("\n## Exactness: torch (float64) against LMUCell in nengo.Simulator")
    rng = np.random.RandomState(0)
    steps, n = (30, 2) if args.quick else (100, 4)
    rows, worst = [], [0.0, 0.0]
    for order in (64, 256):
        for memory_d in (1, 4):
            x = rng.uniform(-1, 1, size=(n, steps, 2))
            for name, options in OPTIONS.items():
                kwargs = dict(
                    units=16,
                    order=order,
                    memory_d=memory_d,
                    input_d=2,
                    theta=0.05,
                    dt=DT,
                    return_sequences=True,
                    seed=0,
                    **options,
                )
                model = LMU(**kwargs).double()
                with torch.no_grad():
                    out = model(torch.as_tensor(x)).numpy()
                    forms = None
                    if model.parallel:  # against the step-by-step form
                        other = LMU(**kwargs, parallel=False).double()
                        other.set_weights(model.get_weights())
                        forms = np.abs(other(torch.as_tensor(x)).numpy() - out).max()
                vs_nengo = np.abs(nengo_outputs(x, model.cell_kwargs()) - out).max()
                worst[0] = max(worst[0], vs_nengo)
                worst[1] = max(worst[1], forms or 0)
                rows.append(
                    [
                        order,
                        memory_d,
                        name,
                        f"{vs_nengo:.1e}",
                        "n/a" if forms is None else f"{forms:.1e}",
                    ]
                )
    table(
        ["order", "memory_d", "options", "torch vs nengo", "parallel vs recurrent"],
        rows,
    )
    print(
        f"largest: torch vs nengo {worst[0]:.1e}, parallel vs recurrent "
        f"{worst[1]:.1e} (goal: 1e-5)"
    )


def training_step(model, x, y):
    """Seconds of one training step (forward, loss, backward)."""
    start = time.perf_counter()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    return time.perf_counter() - start


class BareProduct(torch.nn.Module):
    """The bare reference: last state as one product, ReLU(212), Dense(10)."""

    def __init__(self, response):
        super().__init__()
        self.register_buffer("response", response.flip(0))
        self.encoders = torch.nn.Linear(1, 1, bias=False)
        self.hidden = torch.nn.Linear(256, 212)
        self.readout = torch.nn.Linear(212, 10)

    def forward(self, x):
        m = self.encoders(x)[..., 0] @ self.response
        return self.readout(torch.relu(self.hidden(m)))


def keras_step(args):
    """keras-lmu's seconds per training step, from the TensorFlow environment."""
    if not args.keras_python:
        return None
    out = subprocess.run(
        [
            args.keras_python,
            str(HERE / "keras_reference.py"),
            "speed",
            "--repeats",
            str(args.repeats),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["keras_step_s"]


def part_speed(args):
    print("\n## Speed: the psMNIST shape, one training step (batch 100, 784 steps)")
    torch.manual_seed(0)
    x = torch.rand(100, 784, 1)
    y = torch.randint(10, (100,))
    models = {
        "bare product (reference)": None,
        "parallel LMU, last step": LMUClassifier(10, **PARALLEL),
        "published model, parallel memory": LMUClassifier(10, **PSMNIST),
        "published model, step by step": LMUClassifier(10, **PSMNIST, parallel=False),
    }
    response = models["parallel LMU, last step"].lmu._impulse_response(
        *models["parallel LMU, last step"].lmu.discrete(), 784, torch.float32
    )
    models["bare product (reference)"] = BareProduct(response)
    keras = [keras_step(args)]
    times = {name: [] for name in models}
    repeats = 1 if args.quick else args.repeats
    for name, model in models.items():
        training_step(model, x, y)  # warm-up
    for _ in range(repeats):  # interleaved
        for name, model in models.items():
            if "step by step" in name and args.quick:
                continue
            times[name].append(training_step(model, x, y))
    keras.append(keras_step(args))
    keras = [t for t in keras if t is not None]
    keras_s = float(np.median(keras)) if keras else None
    bare = np.median(times["bare product (reference)"])
    rows = []
    for name, values in times.items():
        if not values:
            continue
        s = float(np.median(values))
        rows.append(
            [
                name,
                f"{s * 1e3:.1f}",
                f"{s / bare:.1f}x",
                f"{keras_s / s:.0f}x" if keras_s else "n/a",
            ]
        )
    if keras_s:
        rows.append(
            [
                "keras-lmu RNN(LMUCell), published model",
                f"{keras_s * 1e3:.0f}",
                f"{keras_s / bare:.0f}x",
                "1x",
            ]
        )
    table(["model", "ms / step", "/ bare product", "faster than keras-lmu"], rows)
    if keras:
        print(f"keras-lmu runs: {', '.join(f'{t:.2f} s' for t in keras)}")


def part_forms(args):
    print("\n## The memory's forms: ms per training step, recurrent hidden layer")
    forms = {
        "step by step": dict(parallel=False),
        "FFT": dict(parallel=True, convolution="fft"),
        "direct": dict(parallel=True, convolution="direct"),
    }
    rows = []
    for units, order, batch in [(64, 64, 32), (212, 256, 100)]:
        for steps in (64, 128, 256, 512, 784):
            x, y = torch.rand(batch, steps, 1), torch.randint(10, (batch,))
            row = [units, order, batch, steps]
            for options in forms.values():
                model = LMUClassifier(
                    10,
                    units=units,
                    order=order,
                    theta=steps * DT,
                    dt=DT,
                    input_to_hidden=True,
                    **options,
                )
                training_step(model, x, y)  # warm-up
                times = [training_step(model, x, y) for _ in range(args.repeats)]
                row.append(f"{np.median(times) * 1e3:.1f}")
            rows.append(row)
    table(["units", "order", "batch", "steps", *forms], rows)


def part_psdigits(args):
    print("\n## psDigits: keras-lmu, NengoDL and PyTorch from the same weights")
    data = psdigits()
    epochs = 2 if args.quick else 40
    rows = []
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "initial.npz"
            if args.keras_python:
                out = subprocess.run(
                    [
                        args.keras_python,
                        str(HERE / "keras_reference.py"),
                        "psdigits",
                        "--seed",
                        str(seed),
                        "--epochs",
                        str(epochs),
                        "--weights",
                        str(path),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=HERE,
                )
                reference = json.loads(out.stdout.strip().splitlines()[-1])
                weights = load_weights(path)
            else:
                reference, weights = {}, None
        torch.manual_seed(seed)
        model = LMUClassifier(10, weights=weights, seed=seed, **PSDIGITS)
        start = time.perf_counter()
        history = train_classifier(
            model,
            data["train"],
            data["validation"],
            epochs=epochs,
            batch_size=32,
            lr=1e-3,
            patience=10,
            seed=seed,
        )
        wall = time.perf_counter() - start
        x_test, y_test = data["test"]
        n = 40 if args.quick else len(x_test)
        torch_acc = accuracy(model, x_test[:n], y_test[:n])
        with nengo.Network(seed=seed) as net:
            clf = NengoClassifier(**model.classifier_kwargs())
        scores = classify_stream(
            clf, x_test[:n], network=net, reset=True, progress_bar=False
        )
        nengo_acc = float(np.mean(np.argmax(scores, -1) == y_test[:n]))
        rows.append(
            {
                "seed": seed,
                "keras": reference.get("keras_accuracy"),
                "torch": torch_acc,
                "nengo": nengo_acc,
                "torch_epoch_s": float(np.median(history["epoch_time"])),
                "torch_wall_s": wall,
                "epochs": len(history["epoch_time"]),
                "keras_epoch_s": reference.get("keras_epoch_s"),
                "nengo_dl_epoch_s": reference.get("nengo_dl_epoch_s"),
            }
        )

    def shown(value, spec):
        return "n/a" if value is None else format(value, spec)

    table(
        [
            "seed",
            "keras-lmu",
            "torch",
            "torch in nengo",
            "epochs",
            "s/epoch keras / NengoDL / torch",
            "torch training s",
        ],
        [
            [
                r["seed"],
                shown(r["keras"], ".3f"),
                f"{r['torch']:.3f}",
                f"{r['nengo']:.3f}",
                r["epochs"],
                f"{shown(r['keras_epoch_s'], '.2f')} / "
                f"{shown(r['nengo_dl_epoch_s'], '.2f')} / {r['torch_epoch_s']:.2f}",
                f"{r['torch_wall_s']:.0f}",
            ]
            for r in rows
        ],
    )
    mean = {k: np.mean([r[k] for r in rows]) for k in ("torch", "nengo")}
    keras = [r["keras"] for r in rows if r["keras"] is not None]
    print(
        f"mean: torch {mean['torch']:.3f}, in nengo {mean['nengo']:.3f}"
        + (f", keras-lmu {np.mean(keras):.3f}" if keras else "")
    )


def part_psmnist(args):
    print(f"\n## psMNIST ({args.mnist}): trained in PyTorch, {args.epochs} epochs")
    data = psmnist(args.mnist, n_validation=args.validation)
    if args.quick:
        data = {k: (x[:300], y[:300]) for k, (x, y) in data.items()}
    rows = []
    for seed in args.seeds:
        for name, config in [
            ("published (SimpleRNN)", PSMNIST),
            ("fully parallel (ReLU)", PARALLEL),
        ]:
            torch.manual_seed(seed)
            model = LMUClassifier(10, seed=seed, **config)
            with torch.no_grad():  # keras-lmu's example: input encoders of ones
                model.lmu.weights["input_encoders"].fill_(1.0)
            history = train_classifier(
                model,
                data["train"],
                data["validation"],
                epochs=args.epochs,
                batch_size=100,
                seed=seed,
            )
            rows.append(
                [
                    seed,
                    name,
                    f"{accuracy(model, *data['test']):.3f}",
                    f"{max(history['val_accuracy']):.3f}",
                    f"{np.median(history['epoch_time']):.1f}",
                ]
            )
    table(["seed", "model", "test accuracy", "best validation", "s/epoch"], rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--part",
        nargs="+",
        default=["exactness", "speed"],
        choices=["exactness", "speed", "forms", "psdigits", "psmnist"],
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--repeats", type=int, default=5)
    default_keras = HERE.parent / ".venv" / "bin" / "python"
    parser.add_argument(
        "--keras-python",
        default=str(default_keras) if default_keras.exists() else None,
        help="Python of the TensorFlow environment (keras-lmu, nengo_dl); "
        "'' to skip its references",
    )
    parser.add_argument("--mnist", default=None, help="keras-format mnist.npz")
    parser.add_argument("--validation", type=int, default=10000)
    parser.add_argument("--epochs", type=int, default=3, help="psMNIST epochs")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"Python {sys.version.split()[0]}"
    )
    for part in args.part:
        globals()[f"part_{part}"](args)


if __name__ == "__main__":
    main()
