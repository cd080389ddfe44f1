"""
Measuring a memory's error: the NRMSE helpers of the tests, benchmarks and examples.

`nrmse` scores any output against its target; `delay_nrmse` scores a delayed
output against the input it delays, after a warm-up; `measure_delay` builds,
runs and scores a `.LegendreMemory` on band-limited white noise. This module
needs only nengo and numpy.
"""

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.params import ArrayParam, EnumParam, IntParam, validate

# what delay_nrmse divides the RMS error by (see its docstring)
NORMALIZATIONS = ("input", "target", "whole_input")
NORMALIZE = EnumParam(
    "normalize",
    values=NORMALIZATIONS,
    hint="the docstring of delay_nrmse says what each divides by",
)
MEASURED = "give the probed values, finite numbers"


def rms(x, axis=None):
    """
    Root mean square of ``x``.

    Parameters
    ----------
    x : array_like
        The values.
    axis : int or tuple of int, optional
        Axis or axes over which the mean is taken; all of them if omitted.

    Returns
    -------
    float or np.ndarray
        ``sqrt(mean(x**2))``, over ``axis``.
    """
    return np.sqrt(np.mean(np.asarray(x) ** 2, axis=axis))


def nrmse(actual, target, axis=None):
    """
    Normalized root mean square error: RMS of ``actual - target`` over RMS of target.

    Parameters
    ----------
    actual : array_like
        The measured values.
    target : array_like
        The values they should have, of the same shape as ``actual``.
    axis : int or tuple of int, optional
        Axis or axes over which the RMS are taken; all of them if omitted.

    Returns
    -------
    float or np.ndarray
        ``rms(actual - target) / rms(target)``, over ``axis``.

    Raises
    ------
    nengo.exceptions.ValidationError
        If the shapes differ, or the target's RMS is zero (the ratio is
        undefined).
    """
    actual = validate(ArrayParam("actual", MEASURED), actual)
    target = validate(ArrayParam("target", MEASURED), target)
    if actual.shape != target.shape:
        raise ValidationError(
            f"Must have the shape of target (actual.shape={actual.shape}, "
            f"target.shape={target.shape}); give both for the same steps, "
            "e.g. nrmse(y[k], target[k])",
            attr="actual",
        )
    scale = rms(target, axis=axis)
    if np.any(scale == 0):
        raise ValidationError(
            f"Must not have an RMS of zero (rms(target)={scale}): the error "
            "relative to it is undefined; give a target that is not all zeros "
            "(along axis), or compare the plain rms(actual - target)",
            attr="target",
        )
    return rms(actual - target, axis=axis) / scale


def _check_steps(value, name, low, high):
    """Refuse ``value`` unless it is an integer in ``[low, high)``."""
    steps = IntParam(
        name,
        low=low,
        high=high - 1,
        hint="give a number of time steps, e.g. int(round(seconds / dt))",
    )
    validate(steps, value)


def delay_nrmse(output, signal, delay_steps, warmup_steps=None, normalize="input"):
    """
    NRMSE of a delayed output against the signal it delays, after a warm-up.

    ``output[k]`` is compared with ``signal[k - delay_steps]`` for every step
    ``k`` from ``warmup_steps`` to the end. Both are usually probed from the same
    simulation (the output of a memory and its input, through the same synapse).

    Parameters
    ----------
    output : (n_steps, ...) array_like
        The delayed output, one row per time step.
    signal : (n_steps, ...) array_like
        The undelayed input, of the same shape as ``output``.
    delay_steps : int
        The delay in time steps, e.g. ``int(round(r * theta / dt))``.
    warmup_steps : int, optional
        The first step scored; ``delay_steps`` if omitted (the first step with a
        delayed input). At least ``delay_steps``, so that no step is compared
        with the end of ``signal``.
    normalize : str, optional
        What the RMS error is divided by:

        - ``"input"`` (default): the RMS of ``signal[k]``, the undelayed input
          over the scored steps (as the benchmarks, the examples and
          ``nengo-lmu-demo`` report it);
        - ``"target"``: the RMS of ``signal[k - delay_steps]``, the delayed input
          that ``output[k]`` should equal, which makes the result
          ``nrmse(output[k], signal[k - delay_steps])``;
        - ``"whole_input"``: the RMS of all of ``signal``, the warm-up included.

        The three differ only in which steps of ``signal`` they average over.

    Returns
    -------
    float
        The RMS of ``output[k] - signal[k - delay_steps]`` relative to the RMS
        chosen by ``normalize``.

    Raises
    ------
    nengo.exceptions.ValidationError
        If the shapes differ, the steps are out of range, ``normalize`` is not
        one of the above, or the RMS divided by is zero.
    """
    output = validate(ArrayParam("output", MEASURED), output)
    signal = validate(ArrayParam("signal", MEASURED), signal)
    if output.ndim == 0 or output.shape != signal.shape:
        raise ValidationError(
            f"Must have the shape of signal, one row per time step "
            f"(output.shape={output.shape}, signal.shape={signal.shape}); give "
            "both from the same run, e.g. sim.data[p_out] and sim.data[p_in]",
            attr="output",
        )
    n_steps = len(signal)
    _check_steps(delay_steps, "delay_steps", 0, n_steps)
    warmup_steps = delay_steps if warmup_steps is None else warmup_steps
    _check_steps(warmup_steps, "warmup_steps", delay_steps, n_steps)
    normalize = validate(NORMALIZE, normalize)

    k = np.arange(warmup_steps, n_steps)
    target = signal[k - delay_steps]
    if normalize == "input":
        scale = rms(signal[k])
    elif normalize == "target":
        scale = rms(target)
    else:
        scale = rms(signal)
    if scale == 0:
        raise ValidationError(
            f"Must not have an RMS of zero ({normalize=!r}: {scale}): the error "
            "relative to it is undefined; give an input that is not all zeros "
            "over the scored steps",
            attr="signal",
        )
    return rms(output[k] - target) / scale


def measure_delay(
    neuron_type,
    n_neurons,
    seed,
    order=6,
    theta=0.1,
    high=10,
    r=1.0,
    run_time=5.5,
    warmup=0.5,
    dt=0.001,
    period=10,
    simulator=nengo.Simulator,
    **memory_kwargs,
):
    """
    Delay NRMSE of a `.LegendreMemory` on band-limited white noise.

    ``WhiteSignal(period, high=high, rms=0.3)`` drives a memory of ``n_neurons``
    neurons with max rates U(200, 400) Hz (network seed ``seed``). Its output
    (or its readout at ``r``) and the input are probed through
    ``Lowpass(0.01)``, and scored by `delay_nrmse` (``normalize="input"``) after
    ``warmup`` seconds.

    Parameters
    ----------
    neuron_type : nengo.neurons.NeuronType
        The memory's neurons (``nengo.Direct()`` for the ideal system).
    n_neurons : int
        Neurons in the memory.
    seed : int
        Seed of the network.
    order : int, optional
        Legendre coefficients.
    theta : float, optional
        Length of the window, in seconds.
    high : float, optional
        Highest frequency of the input, in Hz.
    r : float, optional
        The delay scored, as a fraction of ``theta``.
    run_time : float, optional
        Seconds simulated, the warm-up included.
    warmup : float, optional
        Seconds at the start left out of the score.
    dt : float, optional
        Time step, in seconds.
    period : float, optional
        Period of the white noise, in seconds.
    simulator : type, optional
        The simulator class; it is given ``progress_bar=False``.
    **memory_kwargs
        Further arguments of `.LegendreMemory` (e.g. ``synapse``).

    Returns
    -------
    float
        The delay NRMSE, relative to the RMS of the filtered input.
    """
    from nengo_lmu.memory import LegendreMemory

    process = nengo.processes.WhiteSignal(period, high=high, rms=0.3)
    with nengo.Network(seed=seed) as net:
        net.config[nengo.Ensemble].max_rates = nengo.dists.Uniform(200, 400)
        stim = nengo.Node(process)
        mem = LegendreMemory(
            order=order,
            theta=theta,
            n_neurons=n_neurons,
            dt=dt,
            process=process,
            neuron_type=neuron_type,
            **memory_kwargs,
        )
        nengo.Connection(stim, mem.input, synapse=None)
        out = mem.output if r == 1.0 else mem.add_output(r=r)
        p_out = nengo.Probe(out, synapse=nengo.Lowpass(0.01))
        p_in = nengo.Probe(stim, synapse=nengo.Lowpass(0.01))
    with simulator(net, dt=dt, progress_bar=False) as sim:
        sim.run(run_time)
    return delay_nrmse(
        sim.data[p_out],
        sim.data[p_in],
        int(round(r * theta / dt)),
        int(round(warmup / dt)),
    )
