# %% [markdown]
# # Choosing order, neurons and synapse
#
# A `nengo_lmu.LegendreMemory` has two sources of error:
#
# 1. **The order.** The ideal Legendre delay system of order `d` keeps a window of
#    `theta` seconds as `d` coefficients, which is a low-pass view of the window:
#    its error depends only on the order and on how many cycles of the input fit
#    in the window, the input bandwidth times `theta`.
# 2. **The neurons.** Spiking neurons represent the state with noise, which the
#    recurrent dynamics spread over the window. It falls with the number of
#    neurons and grows with the order (more dimensions, fewer neurons each).
#
# This example measures both, so that you can pick the smallest order that
# meets an error budget for your input and window, and then enough neurons.
# Run it as a script (`python examples/choosing_parameters.py`, `--quick` for
# fewer sizes, `--plot-dir DIR` to save the figures) or open it as a notebook
# with jupytext.

# %%
import argparse
import time

import nengo
import numpy as np
from _common import parse_args, plt, save

import nengo_lmu
from nengo_lmu.testing import measure_delay, rms

parser = argparse.ArgumentParser(description="Choosing LegendreMemory parameters.")
parser.add_argument("--quick", action="store_true", help="fewer sizes, short runs")
parser.add_argument("--plot-dir", default=None, help="save the figures here")
args = parse_args(parser)
start = time.perf_counter()


# %% [markdown]
# ## 1. The ideal system: order against bandwidth times theta
#
# We simulate the ideal system (no neurons) on white noise band-limited to
# `high` Hz and measure two errors, relative to the input's RMS:
#
# - **delay theta**: the input delayed by the whole window, which is
#   `LegendreMemory.output` (`r = 1`);
# - **whole window**: the RMS error over 20 delays evenly spaced in
#   `(0, theta]`, which is what a function of the window sees. The Legendre
#   basis is least accurate inside the window, so this is the larger one.
#
# Delay 0, the newest input, is left out: at step `k` the state has seen the
# input up to step `k - 1`, so `readout(0, dt)` extrapolates half a step beyond
# the window, and that error grows with the order (printed below).
#
# Only the product `high * theta` matters (time can be rescaled), so `theta` is
# fixed at 0.1 s and the bandwidth varies.

# %%
theta = 0.1
dt = 0.001
orders = [2, 4, 6, 8, 12, 16, 24]
bandwidths = [0.25, 0.5, 1, 2, 3, 4]  # high * theta: cycles in the window
rs = np.linspace(0, 1, 21)[1:]
ideal_seconds = 4.0 if args.quick else 20.0
warmup = 0.5


def ideal_errors(order, high, seconds=ideal_seconds, seed=0, rs=rs):
    """NRMSE of the ideal system at r = 1 (``rs[-1]``) and over all ``rs``."""
    process = nengo.processes.WhiteSignal(seconds, high=high, rms=0.3)
    u = process.run(seconds, dt=dt, rng=np.random.RandomState(seed))[:, 0]
    system = nengo_lmu.LegendreDelay(theta=theta, order=order)
    x = nengo_lmu.simulate(*system.discretize(dt), u)
    decoded = x @ system.readout(rs, dt=dt).T
    true = np.stack([np.roll(u, int(round(r * theta / dt))) for r in rs], axis=1)
    k = slice(int(round(warmup / dt)), None)
    error = decoded[k] - true[k]
    return rms(error[:, -1]) / rms(u[k]), rms(error) / rms(u[k])


ideal = np.array([[ideal_errors(d, bw / theta) for d in orders] for bw in bandwidths])

for j, name in enumerate(["delay theta", "whole window"]):
    print(f"\nideal system, {name} NRMSE ({ideal_seconds:g} s of white noise)")
    print(f"{'high*theta':>10}" + "".join(f"{'order ' + str(d):>10}" for d in orders))
    for i, bw in enumerate(bandwidths):
        print(f"{bw:>10g}" + "".join(f"{e:>10.4f}" for e in ideal[i, :, j]))

print("\nsmallest order for a whole-window NRMSE below 0.05 and 0.01")
for i, bw in enumerate(bandwidths):
    needed = []
    for budget in (0.05, 0.01):
        ok = [d for d, e in zip(orders, ideal[i, :, 1]) if e < budget]
        needed.append(str(ok[0]) if ok else f">{orders[-1]}")
    print(f"  high*theta {bw:>4g}: {needed[0]:>4} / {needed[1]:>4}")

bw = bandwidths[2]
print(f"\ndelay 0 (extrapolated) NRMSE at high*theta = {bw:g}")
print(
    "  "
    + ", ".join(
        f"order {d}: {ideal_errors(d, bw / theta, rs=np.zeros(1))[0]:.4f}"
        for d in orders
    )
)

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), sharey=True)
for ax, j, name in zip(axes, [0, 1], ["delay theta", "whole window"]):
    for n, d in enumerate(orders):
        ax.semilogy(bandwidths, ideal[:, n, j], "o-", label=f"order {d}")
    ax.set_xlabel("input bandwidth x theta (cycles in the window)")
    ax.set_title(f"ideal system, {name}")
    ax.grid(True, which="both", alpha=0.3)
axes[0].set_ylabel("NRMSE")
axes[1].legend(fontsize=8)
fig.tight_layout()
save(fig, args.plot_dir, "choosing_parameters_ideal.png")

# %% [markdown]
# ## 2. Spiking neurons: neurons against order
#
# Now the memory in spiking neurons, on 10 Hz input with `theta = 0.1` s
# (`high * theta = 1`). The error is that of `output` (delay `theta`) through
# `Lowpass(0.01)`, against the true delay through the same filter, relative to
# the filtered input's RMS (`nengo_lmu.testing.measure_delay` builds the memory,
# with max rates of 200 to 400 Hz, runs it on the white noise and scores it).
# Its floor is the ideal system's error at each order; above it, spike noise.
# We measure LIF neurons (nengo's default) and spiking rectified-linear
# neurons, whose error keeps falling as `1 / sqrt(neurons)`, while LIF's levels
# off (see the benchmarks page for why).

# %%
high = 10
spiking_orders = [6, 12] if args.quick else [6, 9, 12]
neuron_counts = [300, 1200] if args.quick else [300, 600, 1200, 2400, 4800]
neuron_types = [nengo.LIF(), nengo.SpikingRectifiedLinear()]
seconds = 1.5 if args.quick else 5.5


def spiking_error(
    order, n_neurons, neuron_type=nengo.LIF(), synapse=nengo.Lowpass(0.1), seed=0
):
    """NRMSE of a spiking memory's output (delay theta) after a warm-up."""
    return measure_delay(
        neuron_type,
        n_neurons,
        seed,
        order=order,
        theta=theta,
        high=high,
        run_time=seconds,
        warmup=warmup,
        dt=dt,
        period=seconds,
        synapse=synapse,
    )


floor = [ideal_errors(d, high, seconds=seconds)[0] for d in spiking_orders]
spiking = {}
for neuron_type in neuron_types:
    name = type(neuron_type).__name__
    spiking[name] = np.array(
        [
            [spiking_error(d, n, neuron_type) for d in spiking_orders]
            for n in neuron_counts
        ]
    )
    print(f"\n{name} memory, delay theta NRMSE (high*theta = 1, {seconds:g} s)")
    print(
        f"{'neurons':>10}" + "".join(f"{'order ' + str(d):>10}" for d in spiking_orders)
    )
    for n, row in zip(neuron_counts, spiking[name]):
        print(f"{n:>10}" + "".join(f"{e:>10.4f}" for e in row))
    print(f"{'ideal':>10}" + "".join(f"{e:>10.4f}" for e in floor))

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), sharey=True)
for ax, (name, errors) in zip(axes, spiking.items()):
    for n, d in enumerate(spiking_orders):
        ax.loglog(neuron_counts, errors[:, n], "o-", color=f"C{n}", label=f"order {d}")
        ax.axhline(floor[n], color=f"C{n}", ls=":", lw=1)
    ax.set_xticks(neuron_counts, [str(n) for n in neuron_counts])
    ax.set_xlabel(f"{name} neurons")
    ax.set_title(f"{name} (dotted: ideal system)")
    ax.grid(True, which="both", alpha=0.3)
axes[0].set_ylabel("delay theta NRMSE")
axes[0].legend(fontsize=8)
fig.tight_layout()
save(fig, args.plot_dir, "choosing_parameters_neurons.png")

# %% [markdown]
# ## 3. The recurrent synapse
#
# The mapping onto the synapse is exact for any time constant, so the synapse
# only decides how much spike noise is filtered before it re-enters the loop
# (order 6, 1,200 LIF neurons). Short time constants let the noise through;
# beyond a few tens of milliseconds the error no longer changes.

# %%
taus = [0.01, 0.1] if args.quick else [0.005, 0.02, 0.05, 0.1, 0.2]
print("\nrecurrent synapse, order 6, 1200 LIF neurons, delay theta NRMSE")
for tau in taus:
    print(
        f"  Lowpass({tau:g}): {spiking_error(6, 1200, synapse=nengo.Lowpass(tau)):.4f}"
    )

print(f"\ntotal {time.perf_counter() - start:.0f} s")
