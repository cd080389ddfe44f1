# %% [markdown]
# # psDigits in PyTorch, deployed in nengo
#
# `nengo_lmu.torch` has the LMU cell as a `torch.nn.Module` with the parameters
# and the weights of `nengo_lmu.LMUCell`. Where the memory is linear (no
# hidden-to-memory or memory-to-memory connection) it runs over a whole sequence
# at once, so training is fast; the trained weights then build the same model
# as a `nengo.Network`, which runs in `nengo.Simulator`, in spiking neurons, or
# on neuromorphic hardware.
#
# This example trains keras-lmu's psDigits model in PyTorch, runs it in
# `nengo.Simulator`, then trains a model made for spikes, fine-tunes it with
# its synapse in the loop, and runs its hidden layer in spiking neurons.
#
# Run it as a script (`python examples/pytorch_psdigits.py`, `--quick` for a
# few epochs, `--plot-dir DIR` to save the figures) or open it as a notebook
# with jupytext. It needs PyTorch and scikit-learn
# (`pip install nengo-lmu[torch,datasets]`).

# %%
import argparse
import time

import nengo
import numpy as np
import torch
from _common import parse_args, plt, save

import nengo_lmu.classifier
from nengo_lmu.classifier import classify_stream
from nengo_lmu.datasets import hold, psdigits
from nengo_lmu.torch import LMUClassifier, accuracy, train_classifier

parser = argparse.ArgumentParser(description="psDigits in PyTorch, run in nengo.")
parser.add_argument("--quick", action="store_true", help="few epochs and digits")
parser.add_argument("--plot-dir", default=None, help="save the figures here")
parser.add_argument("--epochs", type=int, default=40, help="maximum epochs")
parser.add_argument("--seed", type=int, default=0, help="seed of the weights")
args = parse_args(parser)
epochs = 3 if args.quick else args.epochs
n_test = 40 if args.quick else None  # digits run in nengo (None: all 360)
start = time.perf_counter()

# %% [markdown]
# ## Training in PyTorch
#
# keras-lmu's psDigits model: 64 tanh hidden units with recurrent weights
# (keras' `SimpleRNNCell`), a memory of order 64 over `theta` = 64 steps of
# `dt` = 1 ms, the input also going straight to the hidden units, and a linear
# readout of the last step. `train_classifier` is Adam with cross-entropy; it
# keeps the epoch with the best validation accuracy. `LMUClassifier` is a plain
# `torch.nn.Module`: any PyTorch training loop trains it as well.

# %%
data = psdigits()
x_test, y_test = data["test"]
torch.manual_seed(args.seed)
model = LMUClassifier(
    10, units=64, order=64, theta=0.064, dt=0.001, input_to_hidden=True
)


def train(model):
    """Adam 1e-3, minibatches of 32, the best validation epoch (patience 10)."""
    return train_classifier(
        model,
        data["train"],
        data["validation"],
        epochs=epochs,
        batch_size=32,
        lr=1e-3,
        patience=10,
        seed=args.seed,
    )


history = train(model)
print(
    f"{len(history['loss'])} epochs, {np.median(history['epoch_time']):.2f} s each; "
    f"test accuracy {accuracy(model, x_test, y_test):.3f}"
)

# %% [markdown]
# ## The same model in nengo
#
# `classifier_kwargs()` gives the arguments of the `nengo_lmu.classifier.LMUClassifier`
# that computes what the PyTorch model computes: its sizes, options, `theta`,
# `dt`, hidden neurons and trained weights. `classify_stream` runs the test
# digits one after another in `nengo.Simulator`, resetting it before each
# (`reset=True`), so that every digit starts from rest as in PyTorch.

# %%
with nengo.Network(seed=args.seed) as net:
    nengo_model = nengo_lmu.classifier.LMUClassifier(**model.classifier_kwargs())
scores = classify_stream(
    nengo_model, x_test[:n_test], network=net, reset=True, progress_bar=False
)
torch_scores = model(torch.as_tensor(x_test[:n_test])).detach().numpy()
print(
    f"in nengo.Simulator: accuracy {np.mean(scores.argmax(-1) == y_test[:n_test]):.3f}"
    f" on {len(scores)} digits; the same class as in PyTorch for "
    f"{np.mean(scores.argmax(-1) == torch_scores.argmax(-1)):.1%} of them, largest "
    f"score difference {np.abs(scores - torch_scores).max():.1e}"
)

# %% [markdown]
# ## A model made for spikes
#
# Spiking neurons need rectified-linear hidden units (`nengo.RectifiedLinear`;
# `nengo.SpikingRectifiedLinear` fires at exactly their rate) without
# recurrent hidden weights, which would accumulate the spike noise. Without
# them the whole model is parallel: the last memory state is one matrix
# product, and an epoch takes a fraction of a second.
#
# To run it in spikes, every pixel is held for `steps` simulator steps (and
# `theta` made as many times longer, which leaves the memory's state at the
# end of each pixel as it was), the hidden neurons fire `rate` Hz per unit of
# activity, and a synapse of half a pixel smooths their spikes.

# %%
torch.manual_seed(args.seed)
for_spikes = LMUClassifier(
    10,
    units=64,
    order=64,
    theta=0.064,
    dt=0.001,
    input_to_hidden=True,
    hidden_to_hidden=False,
    hidden_neuron_type=nengo.RectifiedLinear(),
)
spikes_history = train(for_spikes)
rate_acc = accuracy(for_spikes, x_test, y_test)
print(
    f"for spikes, in rates: test accuracy {rate_acc:.3f} "
    f"({np.median(spikes_history['epoch_time']):.2f} s per epoch)"
)

# %% [markdown]
# The synapse delays and averages the hidden state that the readout sees,
# which the model was not trained on. `synapse` filters the PyTorch model's
# hidden output exactly as nengo's synapse does: a few epochs of fine-tuning
# at `steps` steps per pixel, with the synapse in the loop, let the readout
# learn the filtered state. `classifier_kwargs()` carries the synapse to nengo.

# %%
steps, rate = 10, 300  # steps per pixel, Hz per unit of activity
held = {name: (hold(x, steps), y) for name, (x, y) in data.items()}
if args.quick:
    held["train"] = tuple(part[:256] for part in held["train"])
kwargs = for_spikes.classifier_kwargs()
kwargs.update(theta=kwargs["theta"] * steps, synapse=0.5 * steps * kwargs["dt"])
tuned = LMUClassifier(**kwargs)
before = accuracy(tuned, *held["test"])
tuned_history = train_classifier(
    tuned,
    held["train"],
    held["validation"],
    epochs=1 if args.quick else 5,
    batch_size=32,
    lr=1e-3,
    seed=args.seed,
)
tuned_acc = accuracy(tuned, *held["test"])
print(
    f"with the synapse, in rates: test accuracy {before:.3f} before fine-tuning, "
    f"{tuned_acc:.3f} after ({np.median(tuned_history['epoch_time']):.0f} s per epoch)"
)

kwargs = tuned.classifier_kwargs()
kwargs.update(
    hidden_neuron_type=nengo.SpikingRectifiedLinear(), scale_firing_rates=rate
)
with nengo.Network(seed=args.seed) as net:
    spiking = nengo_lmu.classifier.LMUClassifier(**kwargs)
spiking_scores = classify_stream(
    spiking, held["test"][0][:n_test], network=net, progress_bar=False
)
spiking_acc = np.mean(spiking_scores.argmax(-1) == y_test[:n_test])
print(f"hidden layer in spikes, in nengo.Simulator: test accuracy {spiking_acc:.3f}")

# %%
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 3.8))
for name, h in [("tanh, SimpleRNN", history), ("ReLU, for spikes", spikes_history)]:
    ax0.plot(np.arange(1, len(h["val_accuracy"]) + 1), h["val_accuracy"], label=name)
ax0.set_xlabel("epoch")
ax0.set_ylabel("validation accuracy")
ax0.legend(loc="lower right")
bars = {
    "PyTorch": accuracy(model, x_test, y_test),
    "nengo": np.mean(scores.argmax(-1) == y_test[:n_test]),
    "for spikes\n(rates)": rate_acc,
    "+ synapse\n(rates)": before,
    "fine-tuned\n(rates)": tuned_acc,
    "spiking\nhidden": spiking_acc,
}
ax1.bar(list(bars), list(bars.values()), color=["C0", "C0", "C1", "C3", "C1", "C2"])
for i, value in enumerate(bars.values()):
    ax1.text(i, value + 0.003, f"{value:.3f}", ha="center", fontsize=8)
ax1.set_ylim(0.8, 1)
ax1.set_ylabel("test accuracy")
ax1.tick_params(axis="x", labelsize=8)
fig.tight_layout()
save(fig, args.plot_dir, "pytorch_psdigits.png")
print(f"{time.perf_counter() - start:.0f} s in all")
