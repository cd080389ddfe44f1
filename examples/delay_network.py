# %% [markdown]
# # A spiking delay network
#
# A `nengo_lmu.LegendreMemory` keeps the last `theta` seconds of its input as
# `order` Legendre coefficients, represented by spiking neurons. From that state
# we decode the input at several delays, and a nonlinear function of the whole
# window, and compare them with
#
# - the **true** values, computed from the input itself, and
# - the **ideal system**: the same Legendre delay system (`nengo_lmu.LegendreDelay`)
#   simulated exactly, without neurons. Its error is what the order allows; the
#   extra error of the spiking network is what the neurons cost.
#
# Run it as a script (`python examples/delay_network.py`, `--quick` for a smaller
# network, `--plot-dir DIR` to save the figures) or open it as a notebook with
# jupytext.

# %%
import argparse
import time

import nengo
import numpy as np
from _common import parse_args, plt, save

import nengo_lmu
from nengo_lmu.testing import nrmse

parser = argparse.ArgumentParser(description="A spiking Legendre delay network.")
parser.add_argument("--quick", action="store_true", help="small network, short run")
parser.add_argument("--plot-dir", default=None, help="save the figures here")
args = parse_args(parser)

# %% [markdown]
# ## Parameters
#
# The input is white noise band-limited to 10 Hz; a window of `theta = 0.1` s
# holds about one period of its highest frequency, which order 6 represents well
# (the rule of thumb: an order-`d` memory holds frequencies up to about
# `d / (6 theta)` Hz; see the *choosing parameters* example).

# %%
order = 6
theta = 0.1  # seconds
dt = 0.001
high = 10  # Hz
n_neurons = 600 if args.quick else 1200  # LIF neurons in the memory
seconds = 2.5 if args.quick else 10.5
warmup = 0.5  # seconds left out of the errors
delays = [0.25, 0.5, 0.75, 1.0]  # fractions of theta


def window_power(w):
    """The nonlinear function of the window: the mean square of the input."""
    return np.mean(w**2)


# %% [markdown]
# ## The network
#
# `process` tells the memory what input to expect, so that it can scale each
# state dimension to its ensemble's radius. `add_output(r=...)` adds a linear
# readout of the given delays; `add_output(function=...)` a nonlinear readout
# through an ensemble that represents the whole state: the function receives
# `2 * order` samples of the window, newest first.

# %%
process = nengo.processes.WhiteSignal(period=seconds, high=high, rms=0.3)
lowpass = nengo.Lowpass(0.01)  # filters the delayed outputs
power_filter = nengo.Lowpass(0.03)  # the power changes slowly: filter more
with nengo.Network(seed=0) as net:
    net.config[nengo.Ensemble].max_rates = nengo.dists.Uniform(200, 400)
    stim = nengo.Node(process, label="white noise")
    mem = nengo_lmu.LegendreMemory(
        order=order, theta=theta, n_neurons=n_neurons, dt=dt, process=process
    )
    nengo.Connection(stim, mem.input, synapse=None)
    delayed = mem.add_output(r=delays)
    power = mem.add_output(function=window_power, n_neurons=2 * n_neurons)

    p_input = nengo.Probe(stim, synapse=None)
    p_delayed = nengo.Probe(delayed, synapse=0.01)
    p_power = nengo.Probe(power, synapse=power_filter)

start = time.perf_counter()
with nengo.Simulator(net, dt=dt, progress_bar=False) as sim:
    sim.run(seconds)
print(
    f"{mem.population.n_neurons} neurons in the memory, simulated {seconds} s in "
    f"{time.perf_counter() - start:.1f} s"
)

# %% [markdown]
# ## True values and the ideal system
#
# The true delay of `r * theta` is the input shifted by `r * theta / dt` steps.
# The ideal system steps `x[k+1] = Ad x[k] + Bd u[k]` (zero-order hold) on the
# same input; `readout(r, dt)` and `window(n, dt)` decode delays and window
# samples from its state. Everything is compared through the same
# `Lowpass(0.01)` the probes use.

# %%
t = sim.trange()
u = sim.data[p_input][:, 0]
k = np.arange(int(round(warmup / dt)), len(t))  # steps after the warm-up
steps = [int(round(r * theta / dt)) for r in delays]

system = nengo_lmu.LegendreDelay(theta=theta, order=order)
x = nengo_lmu.simulate(*system.discretize(dt), u)
ideal_delayed = lowpass.filt(x @ system.readout(delays, dt=dt).T, dt=dt)
true_delayed = lowpass.filt(np.stack([np.roll(u, s) for s in steps], axis=1), dt=dt)

n_samples = 2 * order  # the window samples that add_output gives the function
offsets = np.round(np.linspace(0, theta / dt, n_samples)).astype(int)
true_window = np.stack([np.roll(u, s) for s in offsets], axis=1)
true_power = power_filter.filt(np.mean(true_window**2, axis=1, keepdims=True), dt=dt)
ideal_window = x @ system.window(n_samples, dt=dt).T
ideal_power = power_filter.filt(np.mean(ideal_window**2, axis=1, keepdims=True), dt=dt)

# %% [markdown]
# ## Errors
#
# NRMSE against the true values (`nengo_lmu.testing.nrmse`: the RMS error after
# the warm-up, the steps `k`, relative to the RMS of the true values over the
# same steps). The ideal system's error grows towards the middle of the window
# (the Legendre basis is most accurate at its ends); the spiking network adds
# spike noise on top.

# %%
print(f"\n{'readout':<18}{'ideal system':>14}{'spiking':>10}")
for i, r in enumerate(delays):
    name = f"delay {r:g} theta"
    ideal_err = nrmse(ideal_delayed[k, i], true_delayed[k, i])
    spiking_err = nrmse(sim.data[p_delayed][k, i], true_delayed[k, i])
    print(f"{name:<18}{ideal_err:>14.4f}{spiking_err:>10.4f}")
ideal_err = nrmse(ideal_power[k, 0], true_power[k, 0])
spiking_err = nrmse(sim.data[p_power][k, 0], true_power[k, 0])
print(f"{'window power':<18}{ideal_err:>14.4f}{spiking_err:>10.4f}")

# %% [markdown]
# ## Plots
#
# One second of the input, with each delayed readout against the truth and the
# ideal system, then the window's power.

# %%
show = (t >= 1.0) & (t < 2.0)
fig, axes = plt.subplots(len(delays) + 1, 1, figsize=(8, 9), sharex=True)
for i, (ax, r) in enumerate(zip(axes, delays)):
    ax.plot(
        t[show], lowpass.filt(u[:, None], dt=dt)[show, 0], color="0.8", label="input"
    )
    ax.plot(t[show], true_delayed[show, i], "k", lw=1, label="true delay")
    ax.plot(t[show], ideal_delayed[show, i], "C1--", label="ideal system")
    ax.plot(t[show], sim.data[p_delayed][show, i], "C0", lw=1, label="spiking")
    ax.set_ylabel(f"r = {r:g}")
axes[0].legend(loc="upper right", ncol=4, fontsize=8)
axes[0].set_title(
    f"LegendreMemory: order {order}, theta {theta} s, {n_neurons} LIF neurons, "
    f"{high} Hz white noise"
)
ax = axes[-1]
ax.plot(t[show], true_power[show, 0], "k", lw=1, label="true")
ax.plot(t[show], ideal_power[show, 0], "C1--", label="ideal system")
ax.plot(t[show], sim.data[p_power][show, 0], "C0", lw=1, label="spiking")
ax.set_ylabel("window power")
ax.set_xlabel("time (s)")
ax.legend(loc="upper right", ncol=3, fontsize=8)
fig.tight_layout()
save(fig, args.plot_dir, "delay_network.png")
