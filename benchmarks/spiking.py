"""
Fully spiking LMUs: the memory and the hidden layer in spiking neurons.

The recipe of the user guide, per seed, on psDigits (classification, accuracy)
or Mackey-Glass (prediction 15 steps ahead, NRMSE):

1. **Rates.** An `.LMUClassifier` (rectified-linear hidden units without
   hidden-to-hidden weights, ``input_to_hidden``, the exact memory; for
   Mackey-Glass one linear output) trained in NengoDL at one step per sample:
   the rate model.
2. **Record.** The same model with its memory in spiking neurons
   (SpikingRectifiedLinear, ``--neurons-per-dim`` per state dimension, tuned
   to the training data with `.tuning.input_process`) and spiking hidden
   neurons, at ``--steps-per-sample``: `.record_states` records the states
   its spiking memory delivers on the training (and validation) data, run one
   after another in ``nengo.Simulator``.
3. **Replay.** A cell with ``replay_memory=True`` (rate hidden units, the hidden
   synapse ``--tau``) trained on those states, from the rate model's weights,
   for up to ``--finetune-epochs`` (the best validation epoch kept, patience
   ``--finetune-patience``), on the last
   `.replay_window` steps of each sequence (all that its scores depend on).
4. **Spikes.** The fully spiking model with the fine-tuned weights, scored in
   NengoDL (minibatches, each sequence from the same initial state) and, with
   ``--stream``, in ``nengo.Simulator`` (the test sequences one after another,
   `.classify_stream`, as they were recorded).

Several ``--steps-per-sample`` and ``--neurons-per-dim`` values give the
frontier (steps 2-4 for each, the rate model trained once per seed). It prints
one row per seed and setting, then means: the rate model's score, the fully
spiking score without step 3 (the rate weights as they are) and with it, mean
firing rates, spikes per sequence, and wall times. Every number is measured in
the same run; ``--json`` also writes the rows to a file.

Usage: ``python benchmarks/spiking.py [--task psdigits|mackey-glass]``
``[--order 64] [--steps-per-sample 10] [--neurons-per-dim 50]``
``[--seeds 0 1 2] [--permutation-seed 0] [--quick] [--json rows.json]``
"""

import argparse
import json
import time
from dataclasses import dataclass

import nengo
import nengo_dl
import numpy as np
import tensorflow as tf

from nengo_lmu.classifier import (
    LMUClassifier,
    classify_stream,
    record_states,
    replay_window,
)
from nengo_lmu.datasets import hold, mackey_glass, psdigits, windows
from nengo_lmu.dl import classify, firing_rates, train_classifier
from nengo_lmu.tuning import input_process

DT = 0.001


@dataclass
class Task:
    """A benchmark task: its data, model size and score."""

    name: str
    outputs: int
    units: int
    order: int
    epochs: int
    finetune_epochs: int
    metric: str

    def score(self, scores, y):
        """Accuracy of classes, or NRMSE of predictions."""
        if self.outputs > 1:
            return float(np.mean(np.argmax(scores, axis=-1) == y))
        return float(np.sqrt(np.mean((scores[:, 0] - y) ** 2)) / np.std(y))

    def loss(self):
        if self.outputs > 1:
            return tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        return tf.keras.losses.MeanSquaredError()


TASKS = {
    "psdigits": Task("psdigits", 10, 64, 64, 40, 100, "accuracy"),
    "mackey-glass": Task("mackey-glass", 1, 48, 32, 15, 10, "NRMSE"),
}


def load(task, args):
    """The task's data: ``train``, ``validation`` and ``test`` pairs (x, y)."""
    if task.name == "psdigits":
        return psdigits(permutation_seed=args.permutation_seed)
    # the example's split: 70% training (its last 10% for validation), then
    # the test windows after a gap of one window, a stride of 2 samples
    steps, horizon, n_samples = 64, 15, 6000
    series = mackey_glass(n_samples)
    split = int(0.7 * n_samples)
    series = (series - series[:split].mean()) / series[:split].std()
    x, y = windows(series[:split], steps, horizon, stride=2)
    n_val = len(x) // 10
    return {
        "train": (x[:-n_val], y[:-n_val]),
        "validation": (x[-n_val:], y[-n_val:]),
        "test": windows(series[split + steps :], steps, horizon, stride=2),
    }


def model(task, args, weights, steps_per_sample, seed, **kwargs):
    """A psDigits classifier or Mackey-Glass predictor, in its own network."""
    steps = 64  # both tasks' sequences
    with nengo.Network(seed=seed) as net:
        nengo_dl.configure_settings(stateful=False)
        clf = LMUClassifier(
            task.outputs,
            weights=weights,
            units=args.units,
            order=args.order,
            theta=steps * steps_per_sample * DT,
            dt=DT,
            input_to_hidden=True,
            hidden_to_hidden=False,
            **kwargs,
        )
    return net, clf


def simulator(net, clf, task, args, minibatch_size=32):
    sim = nengo_dl.Simulator(
        net, minibatch_size=minibatch_size, dt=DT, progress_bar=False
    )
    sim.compile(
        optimizer=tf.keras.optimizers.Adam(args.learning_rate),
        loss={clf.probe: task.loss()},
    )
    return sim


def replayed(clf, data, states):
    """(x, y, states) triples: the last `.replay_window` steps of each sequence."""
    k = replay_window(clf)
    return {name: (x[:, -k:], y, states[name][:, -k:]) for name, (x, y) in data.items()}


def train(sim, clf, task, args, data, epochs, patience):
    """
    Train: classes with `.train_classifier` (the best validation epoch kept),
    predictions with ``sim.fit`` for ``epochs``. ``data`` holds (x, y) pairs, or
    (x, y, states) triples for a replayed memory. Returns the weights and the
    median seconds per epoch.
    """
    if task.outputs > 1:
        history = train_classifier(
            sim,
            clf,
            data["train"],
            data["validation"],
            epochs,
            patience,
        )
        seconds = history["epoch_time"]
    else:
        x, y = data["train"][:2]
        n = len(x) - len(x) % sim.minibatch_size
        inputs = {clf.input: x[:n]}
        if len(data["train"]) == 3:
            inputs[clf.cell.state] = data["train"][2][:n]
        seconds = []
        for _ in range(epochs):
            start = time.perf_counter()
            sim.fit(inputs, {clf.probe: y[:n, None, None]}, epochs=1, verbose=0)
            seconds.append(time.perf_counter() - start)
    return clf.get_weights(sim), float(np.median(seconds))


def spiking_kwargs(args, weights, x_train, steps_per_sample, neurons_per_dim):
    """The model in spiking neurons, its memory tuned to the training data."""
    return dict(
        hidden_neuron_type=nengo.SpikingRectifiedLinear(),
        scale_firing_rates=args.rate,
        synapse=nengo.Lowpass(args.tau),
        neural_memory=dict(
            n_neurons=neurons_per_dim * args.order,
            neuron_type=nengo.SpikingRectifiedLinear(),
            max_rates=nengo.dists.Uniform(*args.max_rates),
            process=input_process(
                weights, x_train[: args.tuning_sequences], steps_per_sample, DT
            ),
        ),
    )


def rate_model(task, args, seed, data):
    """Step 1: the rate model's test score and weights."""
    rates = dict(hidden_neuron_type=nengo.RectifiedLinear())
    net, clf = model(task, args, None, 1, seed, **rates)
    with simulator(net, clf, task, args) as sim:
        weights, _ = train(sim, clf, task, args, data, args.epochs, args.patience)
        score = task.score(classify(sim, clf, data["test"][0]), data["test"][1])
    return score, weights


def spiking_model(task, args, seed, data, rate_weights, n, neurons_per_dim):
    """Steps 2-4 at ``n`` steps per sample: a dict of the measurements."""
    held = {name: (hold(x, n), y) for name, (x, y) in data.items()}
    spiking = spiking_kwargs(args, rate_weights, data["train"][0], n, neurons_per_dim)
    row = {}

    # 2. the spiking memory's states on the training and validation data (and
    # on the test data, to score the hidden layer in rates on them)
    net, recorder = model(task, args, rate_weights, n, seed, **spiking)
    states = {}
    for name in ("train", "validation", "test"):
        start = time.perf_counter()
        states[name] = record_states(
            recorder, held[name][0], network=net, progress_bar=False
        )
        if name != "test":
            row["record_s"] = row.get("record_s", 0) + time.perf_counter() - start

    # 3. the hidden layer trained on the replayed states
    net, clf = model(
        task,
        args,
        rate_weights,
        n,
        seed,
        hidden_neuron_type=nengo.RectifiedLinear(),
        scale_firing_rates=args.rate,
        synapse=nengo.Lowpass(args.tau),
        replay_memory=True,
    )
    replay = replayed(clf, held, states)
    with simulator(net, clf, task, args) as sim:
        tuned_weights, row["finetune_s"] = train(
            sim, clf, task, args, replay, args.finetune_epochs, args.finetune_patience
        )
        # the spiking memory's cost alone: the hidden layer in rates
        x_test, y_test, states_test = replay["test"]
        scores = classify(sim, clf, x_test, states_test)
        row["spiking_memory"] = task.score(scores, y_test)

    # 4. fully spiking, without and with step 3 (the neurons probed apart:
    # probing every neuron at every step would slow the scoring)
    x_test, y_test = held["test"]
    for name, weights in [("rate_weights", rate_weights), ("spiking", tuned_weights)]:
        net, clf = model(task, args, weights, n, seed, **spiking)
        with simulator(net, clf, task, args, minibatch_size=40) as sim:
            start = time.perf_counter()
            row[name] = task.score(classify(sim, clf, x_test), y_test)
            row["nengo_dl_s"] = time.perf_counter() - start
    net, clf = model(task, args, tuned_weights, n, seed, probe_neurons=True, **spiking)
    with simulator(net, clf, task, args, minibatch_size=40) as sim:
        row["hidden_hz"] = float(np.mean(firing_rates(sim, clf, x_test)))
        memory_hz = firing_rates(sim, clf, x_test, neurons="memory")
        row["memory_hz"] = float(np.mean(memory_hz))
    seconds = x_test.shape[1] * DT
    row["spikes"] = seconds * (
        row["memory_hz"] * neurons_per_dim * args.order + row["hidden_hz"] * args.units
    )
    if args.stream:
        net, clf = model(task, args, tuned_weights, n, seed, **spiking)
        start = time.perf_counter()
        scores = classify_stream(clf, x_test, network=net, progress_bar=False)
        row["nengo_s"] = time.perf_counter() - start
        row["nengo"] = task.score(scores, y_test)
    return row


def plot(paths, out, seeds):
    """
    The frontier from ``--json`` files: score against neurons per dimension, for
    each number of steps per sample, the rows of ``seeds`` (mean and spread).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows, runs = [], []
    for path in paths:
        with open(path) as file:
            run = json.load(file)
        rows += [r for r in run["rows"] if r["seed"] in seeds]
        runs.append(run["args"])
    metric = TASKS[runs[0]["task"]].metric
    permutations = sorted({run["permutation_seed"] for run in runs})
    fig, ax = plt.subplots(figsize=(6.5, 5))
    for i, n in enumerate(sorted({r["steps"] for r in rows})):
        group = [r for r in rows if r["steps"] == n]
        per_dim = sorted({r["per_dim"] for r in group})
        for key, style, label in [
            ("spiking", "o-", "fully spiking"),
            ("spiking_memory", "s--", "spiking memory, rate hidden"),
        ]:
            values = [[r[key] for r in group if r["per_dim"] == k] for k in per_dim]
            ax.errorbar(
                per_dim,
                [np.mean(v) for v in values],
                yerr=[np.std(v) for v in values],
                fmt=style,
                color=f"C{i}",
                capsize=3,
                label=f"{label}, {n} steps/sample",
            )
    rate = np.mean([r["rate"] for r in rows])
    ax.axhline(rate, color="k", lw=1, label=f"rate model ({rate:.3f})")
    ax.set_xscale("log")
    per_dim = sorted({r["per_dim"] for r in rows})
    ax.set_xticks(per_dim, [str(k) for k in per_dim])
    ax.minorticks_off()
    ax.set_xlabel("memory neurons per state dimension")
    ax.set_ylabel(f"test {metric}")
    ax.set_title(
        f"{runs[0]['task']}, permutation {', '.join(map(str, permutations))}, "
        f"seed {', '.join(map(str, sorted({r['seed'] for r in rows})))}",
        fontsize=9,
    )
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2)
    fig.tight_layout()
    fig.savefig(out, dpi=150)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", choices=sorted(TASKS), default="psdigits")
    parser.add_argument("--order", type=int, default=None)
    parser.add_argument("--units", type=int, default=None)
    parser.add_argument("--steps-per-sample", type=int, nargs="+", default=[10])
    parser.add_argument(
        "--neurons-per-dim",
        type=int,
        nargs="+",
        default=[50],
        help="memory neurons per state dimension",
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
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument(
        "--finetune-epochs",
        type=int,
        default=None,
        help="maximum epochs on the replayed states",
    )
    parser.add_argument("--patience", type=int, default=10)
    parser.add_argument(
        "--finetune-patience",
        type=int,
        default=20,
        help="epochs without a better validation score before the replay stops",
    )
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--tuning-sequences", type=int, default=50)
    parser.add_argument(
        "--stream",
        action="store_true",
        help="also score the test set in nengo.Simulator, one sequence after another",
    )
    parser.add_argument("--json", default=None, help="write the rows here")
    parser.add_argument(
        "--plot",
        nargs="+",
        default=None,
        metavar=("OUT.png", "ROWS.json"),
        help="plot the frontier from --json files (the rows of --seeds), and run "
        "nothing",
    )
    parser.add_argument(
        "--quick", action="store_true", help="order 16, a few sequences, 2 epochs"
    )
    args = parser.parse_args()
    if args.plot:
        return plot(args.plot[1:], args.plot[0], args.seeds)
    tf.get_logger().setLevel("ERROR")
    task = TASKS[args.task]
    args.order = args.order or task.order
    args.units = args.units or task.units
    args.epochs = args.epochs or task.epochs
    args.finetune_epochs = args.finetune_epochs or task.finetune_epochs
    data = load(task, args)
    if args.quick:
        args.order, args.units, args.seeds = 16, 16, args.seeds[:1]
        args.epochs = args.finetune_epochs = 2
        data = {name: (x[:256], y[:256]) for name, (x, y) in data.items()}
        data["test"] = tuple(a[:40] for a in data["test"])
    print(
        f"{task.name}: order {args.order}, {args.units} hidden units; memory: "
        f"SpikingRectifiedLinear, max rates {args.max_rates[0]:g}-"
        f"{args.max_rates[1]:g} Hz; hidden: {args.rate:g} Hz per unit of "
        f"activity, synapse Lowpass({args.tau:g}); {task.metric} on the test set"
    )
    columns = [
        ("rate", f"rate model {task.metric}", "{:.4f}"),
        ("rate_weights", "fully spiking, rate weights", "{:.4f}"),
        ("spiking_memory", "spiking memory, rate hidden", "{:.4f}"),
        ("spiking", "fully spiking, replay-tuned", "{:.4f}"),
        ("nengo", "same, nengo.Simulator", "{:.4f}"),
        ("memory_hz", "memory Hz", "{:.0f}"),
        ("hidden_hz", "hidden Hz", "{:.0f}"),
        ("spikes", "spikes per sequence", "{:,.0f}"),
        ("nengo_dl_s", "NengoDL s / test set", "{:.1f}"),
        ("nengo_s", "nengo s / test set", "{:.0f}"),
        ("record_s", "record s", "{:.0f}"),
        ("finetune_s", "fine-tune s / epoch", "{:.0f}"),
    ]
    if not args.stream:
        columns = [c for c in columns if c[0] not in ("nengo", "nengo_s")]
    header = "| seed | steps/sample | neurons/dim | "
    print(header + " | ".join(title for _, title, _ in columns) + " |")
    print("|---" * (len(columns) + 3) + "|")
    rows = []
    for seed in args.seeds:
        rate, rate_weights = rate_model(task, args, seed, data)
        for n in args.steps_per_sample:
            for per_dim in args.neurons_per_dim:
                row = spiking_model(task, args, seed, data, rate_weights, n, per_dim)
                row.update(seed=seed, steps=n, per_dim=per_dim, rate=rate)
                rows.append(row)
                cells = [fmt.format(row[key]) for key, _, fmt in columns]
                print(
                    f"| {seed} | {n} | {per_dim} | " + " | ".join(cells) + " |",
                    flush=True,
                )
    for n in args.steps_per_sample:
        for per_dim in args.neurons_per_dim:
            group = [r for r in rows if r["steps"] == n and r["per_dim"] == per_dim]
            mean = [
                fmt.format(np.mean([r[key] for r in group])) for key, _, fmt in columns
            ]
            print(f"| mean | {n} | {per_dim} | " + " | ".join(mean) + " |")
    if args.json:
        with open(args.json, "w") as file:
            json.dump(dict(args=vars(args), rows=rows), file, indent=1)


if __name__ == "__main__":
    main()
