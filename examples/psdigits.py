# %% [markdown]
# # psDigits with NengoDL
#
# An `nengo_lmu.LMUCell` is a `nengo.Network`, so NengoDL trains it like any other
# network and `nengo.Simulator` (or a neuromorphic backend) runs it. This example
# trains the cell on **psDigits**, a small permuted sequential digits task that
# needs no download, then trains a cell made for spikes and runs it with spiking
# hidden neurons.
#
# psDigits (`nengo_lmu.datasets.psdigits`): scikit-learn's 1,797 8x8 digits,
# pixels scaled to [0, 1] and presented one per time step in a fixed random
# order, a 64-step sequence per digit; 1,280 training, 157 validation and 360
# test digits. The last hidden state is classified by a linear readout.
#
# Run it as a script (`python examples/psdigits.py`, `--quick` for a small cell
# and a few batches, `--plot-dir DIR` to save the figures) or open it as a
# notebook with jupytext. It needs nengo_dl and scikit-learn.

# %%
import argparse
import time

import nengo
import nengo_dl
import numpy as np
import tensorflow as tf
from _common import parse_args, plt, save

from nengo_lmu.classifier import LMUClassifier, record_states, replay_window
from nengo_lmu.datasets import hold, psdigits
from nengo_lmu.dl import accuracy, firing_rates, train_classifier
from nengo_lmu.tuning import input_process

parser = argparse.ArgumentParser(description="psDigits with an LMU cell in NengoDL.")
parser.add_argument("--quick", action="store_true", help="small cell, few batches")
parser.add_argument("--plot-dir", default=None, help="save the figures here")
parser.add_argument("--epochs", type=int, default=40, help="maximum epochs")
parser.add_argument("--seed", type=int, default=0, help="seed of the weights")
args = parse_args(parser)
tf.get_logger().setLevel("ERROR")  # NengoDL's predict retraces; that is expected
start = time.perf_counter()


# %% [markdown]
# ## The data and the cell
#
# The cell has keras-lmu's psDigits configuration: 64 hidden units, a memory of
# order 64 over `theta` = 64 steps (the whole sequence), the input also going
# straight to the hidden units (`input_to_hidden=True`), and tanh hidden units
# with recurrent weights (keras' `SimpleRNNCell`). `theta` is in seconds: 64
# steps of `dt = 1 ms`. Adam with a learning rate of 1e-3, minibatches of 32;
# `train_classifier` keeps the epoch with the best validation accuracy and
# stops after 10 epochs without improvement.
#
# `--quick` trains a 16-unit, order-16 cell for two epochs on 512 digits and
# tests on 40: it shows the workflow, not the accuracy.

# %%
data = psdigits()
units, order, epochs = 64, 64, args.epochs
test_batch = 40  # minibatch of the evaluations; 360 test digits = 9 of them
if args.quick:
    units, order, epochs = 16, 16, 2
    data["train"] = tuple(a[:512] for a in data["train"])
    data["test"] = tuple(a[:test_batch] for a in data["test"])
dt = 0.001
steps = data["train"][0].shape[1]  # 64 pixels
cell_kwargs = dict(units=units, order=order, dt=dt, input_to_hidden=True)
for name, (x, y) in data.items():
    print(f"{name}: {x.shape[0]} sequences of {x.shape[1]} steps")


def simulator(weights=None, steps_per_pixel=1, minibatch_size=32, **kwargs):
    """A NengoDL simulator of a classifier that sees each pixel for some steps."""
    with nengo.Network(seed=args.seed) as net:
        nengo_dl.configure_settings(stateful=False)
        clf = LMUClassifier(
            10,
            probe_neurons=True,
            weights=weights,
            theta=steps * steps_per_pixel * dt,  # the window is always the sequence
            **cell_kwargs,
            **kwargs,
        )
    sim = nengo_dl.Simulator(
        net, minibatch_size=minibatch_size, dt=dt, progress_bar=False
    )
    return sim, clf


def train(dataset, max_epochs, weights=None, steps_per_pixel=1, patience=10, **kwargs):
    """
    Train a classifier, stopping after ``patience`` epochs without a better
    validation accuracy; return its history, test accuracy (None without
    ``dataset["test"]``) and weights.
    """
    tf.keras.utils.set_random_seed(args.seed)  # the order of the minibatches
    sim, clf = simulator(weights, steps_per_pixel, **kwargs)
    with sim:
        sim.compile(
            optimizer=tf.optimizers.Adam(1e-3),
            loss={clf.probe: tf.losses.SparseCategoricalCrossentropy(from_logits=True)},
        )
        t = time.perf_counter()
        history = train_classifier(
            sim, clf, dataset["train"], dataset["validation"], max_epochs, patience
        )
        t = time.perf_counter() - t
        test = accuracy(sim, clf, *dataset["test"]) if "test" in dataset else None
        weights = clf.get_weights(sim)
    print(
        f"{len(history['loss'])} epochs in {t:.0f} s, best epoch "
        f"{history['best_epoch'] + 1}: validation accuracy "
        f"{max(history['val_accuracy']):.3f}"
        + ("" if test is None else f", test accuracy {test:.3f}")
    )
    return history, test, weights


# %% [markdown]
# ## 1. Training the cell
#
# `LMUClassifier` is the cell plus a linear readout whose probe keeps only the
# last time step, so the loss is the cross-entropy of the last step's scores.

# %%
print("\nThe LMU cell (tanh, SimpleRNN hidden layer):")
history, test_exact, _ = train(data, epochs)

# %% [markdown]
# ## 2. A cell for spikes
#
# Swapping the trained tanh units for spiking neurons does not work: a
# recurrent hidden layer accumulates the spike noise, and tanh has no spiking
# counterpart. A cell made for spikes has
#
# - **rectified-linear** hidden units (`nengo.RectifiedLinear`), whose spiking
#   counterpart `nengo.SpikingRectifiedLinear` fires at exactly their rate;
# - **no hidden-to-hidden weights** (`hidden_to_hidden=False`): the hidden
#   state is a function of the memory and the input, so it does not depend on
#   how many simulator steps a pixel lasts.
#
# It is trained on rates at one step per pixel, without a synapse. To run it
# in spikes, each pixel is held for several simulator steps (`hold`), `theta`
# is stretched by the same factor (the same memory in pixel time), a lowpass
# synapse of 2 pixels smooths the hidden neurons' output, and
# `scale_firing_rates` makes the neurons fire `rate` Hz per unit of activity
# (their amplitude is divided by the same factor, so the function is
# unchanged). More steps per pixel give more spikes per pixel, hence less
# noise.

# %%
tau_pixels = 2  # the hidden synapse, in pixels
rate = 300  # Hz per unit of activity
steps_per_pixel = [1, 2] if args.quick else [1, 2, 5, 10]
finetune_steps, finetune_epochs = (2, 1) if args.quick else (5, 8)
spiking_cell = dict(hidden_to_hidden=False)
relu = nengo.RectifiedLinear()


def synapse(n):
    """The hidden synapse at ``n`` steps per pixel: 2 pixels long."""
    return nengo.Lowpass(tau_pixels * n * dt)


print("\nThe cell for spikes (ReLU, no hidden-to-hidden weights), trained on rates:")
history_relu, test_relu, trained = train(
    data, epochs, hidden_neuron_type=relu, **spiking_cell
)


def evaluate(weights, n, spiking):
    """Test accuracy at ``n`` steps per pixel, and per-neuron rates (Hz)."""
    kwargs = dict(spiking_cell, synapse=synapse(n))
    if spiking:
        kwargs.update(
            hidden_neuron_type=nengo.SpikingRectifiedLinear(),
            scale_firing_rates=rate,
        )
    else:
        kwargs.update(hidden_neuron_type=relu)
    sim, clf = simulator(weights, n, minibatch_size=test_batch, **kwargs)
    x_test, y_test = data["test"]
    x_test = hold(x_test, n)
    with sim:
        acc = accuracy(sim, clf, x_test, y_test)
        # rate neurons (scale 1): `rate` Hz per unit of activity once spiking
        hz = firing_rates(sim, clf, x_test)
    return acc, hz * (1 if spiking else rate)


# %% [markdown]
# ## 3. Rates against spikes
#
# At each number of steps per pixel, the same trained weights with rate neurons
# (the reference) and with spiking neurons, both with the synapse. The firing
# rates are per neuron, averaged over the time steps of 40 test digits.

# %%
results = []
print(f"\n{rate} Hz per unit of activity, hidden synapse {tau_pixels} pixels")
print(f"{'steps/pixel':>11} {'rate acc.':>10} {'spiking acc.':>13} {'mean Hz':>8}")
for n in steps_per_pixel:
    rate_acc, _ = evaluate(trained, n, spiking=False)
    spike_acc, hz = evaluate(trained, n, spiking=True)
    results.append((n, rate_acc, spike_acc, hz))
    print(f"{n:>11} {rate_acc:>10.3f} {spike_acc:>13.3f} {np.mean(hz):>8.1f}")

# %% [markdown]
# ## 4. Fine-tuning with the synapse in the loop
#
# The weights were trained without the synapse, at one step per pixel; the
# synapse delays and smooths the hidden state that the readout sees, which
# costs accuracy even with rate neurons. A few more epochs of training at
# `finetune_steps` steps per pixel, with the synapse in the network, let the
# readout adapt to it; then the spiking network is run again.

# %%
n = finetune_steps
held = {name: (hold(x, n), y) for name, (x, y) in data.items()}
print(f"\nFine-tuned on rates at {n} steps per pixel with the synapse:")
history_tuned, _, tuned = train(
    held,
    finetune_epochs,
    trained,
    n,
    hidden_neuron_type=relu,
    synapse=synapse(n),
    **spiking_cell,
)
tuned_rate, _ = evaluate(tuned, n, spiking=False)
tuned_spike, tuned_hz = evaluate(tuned, n, spiking=True)
print(f"{'steps/pixel':>11} {'rate acc.':>10} {'spiking acc.':>13} {'mean Hz':>8}")
print(f"{n:>11} {tuned_rate:>10.3f} {tuned_spike:>13.3f} {np.mean(tuned_hz):>8.1f}")

# %% [markdown]
# ## 5. The memory in spikes too
#
# So far the memory was exact. In spiking neurons (a `LegendreMemory` inside
# the cell, `neural_memory=...`) its states carry spike noise and distortion
# that the readout never saw in training. Three library calls close the gap:
#
# 1. `input_process(weights, x_train, n)`: the memory's input `u =
#    input_encoders x` on training digits, held `n` steps, so that each state
#    dimension is scaled to the range it reaches on this data (pixels are
#    never negative: the first dimensions sit far from zero);
# 2. `record_states(classifier, x)`: the states the spiking memory delivers on
#    the training and validation digits, run one after another in
#    `nengo.Simulator` as the test digits will be;
# 3. a classifier with `replay_memory=True`, whose memory state is an input,
#    trained on those states (`train_classifier` takes `(x, y, states)`) until
#    its validation accuracy stops improving (up to 100 epochs, patience 20:
#    the readout learns a new input). Without recurrent hidden weights,
#    its scores depend only on the last steps of each digit, those its synapse
#    remembers (`replay_window`): it trains on those alone, a tenth of each
#    held digit.
#
# The memory does not train, so the recorded states stay valid; the hidden
# layer learns to read the memory that will really run. Then the same weights
# run fully spiking: memory and hidden layer.

# %%
n = finetune_steps if args.quick else 10
per_dim = 50  # memory neurons per state dimension
held = {name: (hold(x, n), y) for name, (x, y) in data.items()}
spiking = dict(
    spiking_cell,
    hidden_neuron_type=nengo.SpikingRectifiedLinear(),
    scale_firing_rates=rate,
    synapse=synapse(n),
    neural_memory=dict(
        n_neurons=per_dim * order,
        neuron_type=nengo.SpikingRectifiedLinear(),
        process=input_process(trained, data["train"][0][:50], n, dt),
        seed=args.seed,  # the same memory wherever it is built
    ),
)
recorder = LMUClassifier(
    10,
    weights=trained,
    theta=steps * n * dt,
    add_to_container=False,
    **cell_kwargs,
    **spiking,
)
t = time.perf_counter()
states = {
    name: record_states(recorder, held[name][0], progress_bar=False)
    for name in ("train", "validation")
}
print(f"\nspiking memory states recorded in {time.perf_counter() - t:.0f} s")
replay = dict(spiking_cell, synapse=synapse(n), replay_memory=True)
k = replay_window(
    LMUClassifier(
        10, theta=steps * n * dt, add_to_container=False, **cell_kwargs, **replay
    )
)
replayed = {
    name: (held[name][0][:, -k:], held[name][1], states[name][:, -k:])
    for name in states
}
print(f"The hidden layer trained on them ({n} steps per pixel, the last {k}):")
history_replay, _, replay_weights = train(
    replayed,
    2 if args.quick else 100,
    trained,
    n,
    patience=20,
    hidden_neuron_type=relu,
    scale_firing_rates=rate,
    **replay,
)
full = {}
for name, weights in [("before", tuned), ("after", replay_weights)]:
    sim, clf = simulator(weights, n, minibatch_size=test_batch, **spiking)
    with sim:
        full[name] = accuracy(sim, clf, *held["test"])
        memory_hz = firing_rates(sim, clf, held["test"][0], neurons="memory")
print(f"fully spiking, {per_dim * order} memory neurons ({per_dim} per dimension):")
print(f"  with the weights fine-tuned on the exact memory: {full['before']:.3f}")
print(f"  trained on the spiking memory's states:          {full['after']:.3f}")
print(f"  memory neurons' mean rate {np.mean(memory_hz):.0f} Hz")
print(f"\ntotal time {time.perf_counter() - start:.0f} s")

# %% [markdown]
# ## Plots
#
# Validation accuracy during training, then the spiking cell's accuracy
# against steps per pixel (before and after fine-tuning) and its neurons'
# firing rates after fine-tuning.

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
for h, label in [(history, "tanh, SimpleRNN"), (history_relu, "ReLU, for spikes")]:
    epoch = np.arange(1, len(h["val_accuracy"]) + 1)
    ax.plot(epoch, h["val_accuracy"], "o-", ms=3, label=label)
epoch = len(history_relu["val_accuracy"]) + np.arange(
    1, len(history_tuned["val_accuracy"]) + 1
)
ax.plot(epoch, history_tuned["val_accuracy"], "o-", ms=3, label="ReLU, fine-tuned")
ax.set_xlabel("epoch")
ax.set_ylabel("validation accuracy")
ax.set_title(f"psDigits: LMU cell, {units} units, order {order}")
ax.legend()
fig.tight_layout()
save(fig, args.plot_dir, "psdigits_training.png")

ns, rate_accs, spike_accs, _ = zip(*results)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
ax = axes[0]
ax.plot(ns, rate_accs, "o-", label="rate neurons")
ax.plot(ns, spike_accs, "o-", label="spiking neurons")
ax.plot([n], [tuned_rate], "C0*", ms=12, label="rate, fine-tuned")
ax.plot([n], [tuned_spike], "C1*", ms=12, label="spiking, fine-tuned")
ax.set_xscale("log")
ax.set_xticks(ns, [str(k) for k in ns])
ax.set_xlabel("simulator steps per pixel")
ax.set_ylabel("test accuracy")
ax.set_title(f"{rate} Hz per unit of activity, synapse {tau_pixels} pixels")
ax.legend(fontsize=8)
ax = axes[1]
ax.hist(tuned_hz, bins=20)
ax.set_xlabel("firing rate (Hz)")
ax.set_ylabel("hidden neurons")
ax.set_title(
    f"fine-tuned, {n} steps per pixel: mean {np.mean(tuned_hz):.0f} Hz, "
    f"{np.mean(tuned_hz == 0):.0%} silent"
)
fig.tight_layout()
save(fig, args.plot_dir, "psdigits_spiking.png")
