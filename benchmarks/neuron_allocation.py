"""
Where a spiking memory's state error comes from, and whether giving some
state dimensions more neurons than others would reduce it.

Each ensemble of a `nengo_lmu.LegendreMemory` adds spike noise to the
dimension it decodes, and the recurrent connection carries that noise into
every other dimension. With the noise of each ensemble modelled as white (its
variance falling as one over its neurons), the error it causes in each state
dimension is the solution of a discrete Lyapunov equation of the memory's
mapped system. This script

1. computes, for the psDigits memory of `benchmarks/spiking.py` (order 64,
   10 steps per pixel, tuned to the training digits), each dimension's error
   under unit noise in every ensemble, and the share of it that comes from the
   dimension's own ensemble;
2. checks the model against the memory in spiking neurons (50
   SpikingRectifiedLinear neurons per dimension, max rates 200-400 Hz) on
   test digits in ``nengo.Simulator``: the measured error over the spread of
   each dimension, against the model's up to one fitted factor (the noise
   power of one ensemble);
3. compares ways to share the same neurons between the dimensions, by the
   model's mean noise-to-signal power over the dimensions: evenly (what the
   memory does), the optimum (each ensemble's neurons in proportion to the
   square root of the error it causes), more to the high orders, more to the
   low orders.

Usage: ``python benchmarks/neuron_allocation.py [--permutation-seed 0]``
``[--digits 20] [--quick]``
"""

import argparse

import nengo
import numpy as np
import scipy.linalg

from nengo_lmu import LegendreMemory
from nengo_lmu.datasets import hold, psdigits
from nengo_lmu.tuning import input_process

DT = 0.001
STEPS_PER_PIXEL = 10


def noise_gains(plan):
    """
    ``gains[i, j]``: the steady-state error variance in scaled dimension ``i``
    per unit of white noise variance in the decoded output of ensemble ``j``.
    """
    a = np.exp(-plan.dt / plan.synapse.tau)
    # what the recurrent synapse and transform add per step: the memory's
    # discrete system is a I + (1 - a) A_mapped, and the noise enters with
    # the transform (1 - a) A_mapped
    drive = (1 - a) * plan.mapped.A
    step = a * np.eye(len(drive)) + drive
    gains = np.empty_like(drive)
    for j, column in enumerate(drive.T):
        covariance = scipy.linalg.solve_discrete_lyapunov(
            step, np.outer(column, column)
        )
        gains[:, j] = np.diag(covariance)
    return gains


def measured_error(net, probe, exact):
    """Each dimension's RMS error over its spread, in the spiking memory."""
    with nengo.Simulator(net, dt=DT, progress_bar=False) as sim:
        sim.run_steps(len(exact))
    error = sim.data[probe] - exact
    return np.sqrt(np.mean(error**2, axis=0)) / np.std(exact, axis=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--order", type=int, default=64)
    parser.add_argument("--neurons-per-dim", type=int, default=50)
    parser.add_argument("--permutation-seed", type=int, default=0)
    parser.add_argument("--digits", type=int, default=20, help="test digits run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="order 16, 4 digits")
    args = parser.parse_args()
    if args.quick:
        args.order, args.digits = 16, 4
    order = args.order
    data = psdigits(permutation_seed=args.permutation_seed)
    # one scalar encoder: the scaling does not depend on its value
    process = input_process(
        {"input_encoders": np.ones((1, 1))}, data["train"][0][:50], STEPS_PER_PIXEL, DT
    )
    u = hold(data["test"][0][: args.digits], STEPS_PER_PIXEL).reshape(-1, 1)
    with nengo.Network(seed=args.seed) as net:
        stim = nengo.Node(nengo.processes.PresentInput(u, DT))
        memory = LegendreMemory(
            order,
            theta=64 * STEPS_PER_PIXEL * DT,
            n_neurons=args.neurons_per_dim * order,
            process=process,
            neuron_type=nengo.SpikingRectifiedLinear(),
            max_rates=nengo.dists.Uniform(200, 400),
        )
        nengo.Connection(stim, memory.input, synapse=None)
        probe = nengo.Probe(memory.state)

    gains = noise_gains(memory.plan)
    total = gains.sum(axis=1)
    # the spread of each scaled dimension on these digits
    exact = memory.system.discretize(DT).simulate(u)
    spread = np.std(exact, axis=0) / memory.plan.scaling.scale
    model = np.sqrt(total) / spread
    measured = measured_error(net, probe, exact)
    factor = np.exp(np.mean(np.log(measured / model)))

    print(
        f"psDigits (permutation {args.permutation_seed}), order {order}, "
        f"{STEPS_PER_PIXEL} steps per pixel, {args.neurons_per_dim} "
        f"SpikingRectifiedLinear neurons per dimension, {args.digits} test digits"
    )
    print(
        "\n| dimension | own ensemble's share of its error | largest sources | "
        "error / spread, model | error / spread, measured |"
    )
    print("|---|---|---|---|---|")
    for i in range(0, order, max(order // 8, 1)):
        sources = ", ".join(str(j) for j in np.argsort(gains[i])[::-1][:3])
        print(
            f"| {i} | {gains[i, i] / total[i]:.2f} | {sources} | "
            f"{factor * model[i]:.2f} | {measured[i]:.2f} |"
        )
    log_error = np.corrcoef(np.log(model), np.log(measured))[0, 1]
    print(
        f"\nModel against measurement over all {order} dimensions: correlation "
        f"of the logarithms {log_error:.3f}, one fitted factor {factor:.3g}"
    )

    # noise-to-signal power of each dimension per unit noise in each ensemble;
    # an ensemble of n neurons has noise power 1 / n
    cost = (gains / spread[:, None] ** 2).mean(axis=0)
    ramp = np.linspace(0.5, 1.5, order)
    shares = {
        "evenly (the memory)": np.ones(order),
        "optimal (square root of each ensemble's cost)": np.sqrt(cost),
        "more to the high orders (0.5x to 1.5x)": ramp,
        "more to the low orders (1.5x to 0.5x)": ramp[::-1],
    }
    print(
        "\n| neurons per dimension | mean noise-to-signal power, relative to evenly |"
    )
    print("|---|---|")
    even = np.sum(cost)
    for name, share in shares.items():
        neurons = share / share.mean()
        print(f"| {name} | {np.sum(cost / neurons) / even:.3f} |")


if __name__ == "__main__":
    main()
