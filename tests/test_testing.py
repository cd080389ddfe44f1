import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu.testing import delay_nrmse, measure_delay, nrmse, rms

# 10 periods of a sine of 40 steps: its mean square is 1/2
PERIOD = 40
STEPS = np.arange(10 * PERIOD)


def sine(shift=0.0):
    """The sine of period ``PERIOD`` steps, delayed by ``shift`` steps."""
    return np.sin(2 * np.pi * (STEPS - shift) / PERIOD)


def test_rms():
    assert rms([3.0, 4.0]) == np.sqrt(12.5)
    assert np.allclose(rms([[3.0, 1.0], [4.0, 1.0]], axis=0), [np.sqrt(12.5), 1.0])
    assert np.isclose(rms(sine()), np.sqrt(0.5), rtol=1e-12)


def test_nrmse_of_a_phase_shifted_sine():
    # sin(x + a) - sin(x) = 2 sin(a / 2) cos(x + a / 2): RMS 2 sin(a / 2) / sqrt(2)
    for a in (np.pi / 3, np.pi / 2, np.pi):
        actual = sine(shift=-a * PERIOD / (2 * np.pi))
        assert np.isclose(nrmse(actual, sine()), 2 * np.sin(a / 2), rtol=1e-12)
    assert nrmse(sine(), sine()) == 0


def test_nrmse_of_a_constant_offset():
    assert np.isclose(nrmse(sine() + 0.1, sine()), 0.1 * np.sqrt(2), rtol=1e-12)
    assert nrmse([2.0, 4.0], [1.0, 1.0]) == np.sqrt(5)


def test_nrmse_along_an_axis():
    target = np.stack([sine(), 2 * sine()], axis=1)
    actual = target + [0.1, 0.3]
    expected = [0.1 * np.sqrt(2), 0.3 * np.sqrt(2) / 2]
    assert np.allclose(nrmse(actual, target, axis=0), expected, rtol=1e-12)
    assert np.allclose(nrmse(actual, target), np.sqrt(0.05) / np.sqrt(1.25), rtol=1e-12)


def test_nrmse_matches_the_formula_bit_for_bit():
    rng = np.random.RandomState(0)
    actual, target = rng.randn(2, 1000, 3)
    expected = np.sqrt(np.mean((actual - target) ** 2)) / np.sqrt(np.mean(target**2))
    assert nrmse(actual, target) == expected


def test_nrmse_refuses_mismatched_shapes():
    with pytest.raises(ValidationError, match=r"actual.shape=\(3,\), target.shape"):
        nrmse(np.ones(3), np.ones((3, 1)))


def test_nrmse_refuses_a_zero_target():
    with pytest.raises(ValidationError, match=r"RMS of zero \(rms\(target\)=0.0\)"):
        nrmse(np.ones(3), np.zeros(3))
    with pytest.raises(ValidationError, match=r"rms\(target\)=\[1. 0.\]"):
        nrmse(np.ones((2, 2)), [[1.0, 0.0], [1.0, 0.0]], axis=0)


def test_delay_nrmse_of_a_perfect_delay_is_zero():
    u = np.random.RandomState(1).randn(500, 2)
    assert delay_nrmse(np.roll(u, 7, axis=0), u, 7) == 0
    assert delay_nrmse(np.roll(u, 7, axis=0), u, 7, warmup_steps=100) == 0
    assert delay_nrmse(u, u, 0) == 0
    # a sine delayed by a quarter period, computed rather than shifted
    assert delay_nrmse(sine(shift=10), sine(), 10, PERIOD) < 1e-14


def test_delay_nrmse_of_a_sine_delayed_by_the_wrong_amount():
    # the undelayed sine against its quarter-period delay:
    # sin(x) - sin(x - pi / 2) has RMS 2 sin(pi / 4) / sqrt(2) = 1
    for normalize in ("input", "target", "whole_input"):
        error = delay_nrmse(sine(), sine(), 10, PERIOD, normalize=normalize)
        assert np.isclose(error, np.sqrt(2), rtol=1e-12)


def test_delay_nrmse_normalizations():
    # scored steps k = 4..7: output[k] - signal[k - 1] = 2 everywhere
    signal = np.array([3.0, 3, 3, 3, 1, 1, 1, 1])
    output = np.zeros(8)
    output[4:] = signal[3:7] + 2
    assert delay_nrmse(output, signal, 1, 4) == 2.0  # rms(signal[4:]) = 1
    # rms(signal[3:7]) = rms([3, 1, 1, 1]) = sqrt(3)
    assert np.isclose(delay_nrmse(output, signal, 1, 4, normalize="target"), 2 / 3**0.5)
    # rms(signal) = sqrt((4 * 9 + 4 * 1) / 8) = sqrt(5)
    assert np.isclose(
        delay_nrmse(output, signal, 1, 4, normalize="whole_input"), 2 / 5**0.5
    )


def test_delay_nrmse_matches_the_formulas_bit_for_bit():
    rng = np.random.RandomState(2)
    y, u = rng.randn(2, 2000, 1)
    k = np.arange(500, 2000)
    error = np.sqrt(np.mean((y[k] - u[k - 100]) ** 2))
    assert delay_nrmse(y, u, 100, 500) == error / np.sqrt(np.mean(u[k] ** 2))
    assert delay_nrmse(y, u, 100, 500, normalize="target") == nrmse(y[k], u[k - 100])
    assert delay_nrmse(y, u, 100, 500, normalize="whole_input") == error / np.sqrt(
        np.mean(u**2)
    )


def test_delay_nrmse_warms_up_for_the_delay_by_default():
    signal = np.arange(1.0, 11.0)
    output = np.full(10, 100.0)
    output[3:] = signal[:7] + 1  # output[:3] has nothing to be compared with
    assert delay_nrmse(output, signal, 3) == 1 / rms(signal[3:])


@pytest.mark.parametrize(
    "kwargs, attr, match",
    [
        (dict(output=np.ones((10, 1))), "output", r"output.shape=\(10, 1\)"),
        (dict(output=np.float64(1.0)), "output", r"output.shape=\(\)"),
        (dict(delay_steps=-1), "delay_steps", r"from 0 to 9 \(delay_steps=-1\)"),
        (dict(delay_steps=10), "delay_steps", r"from 0 to 9 \(delay_steps=10\)"),
        (dict(delay_steps=0.1), "delay_steps", r"integer .*\(delay_steps=0.1\)"),
        (dict(warmup_steps=1), "warmup_steps", r"from 2 to 9 \(warmup_steps=1\)"),
        (dict(warmup_steps=10), "warmup_steps", r"from 2 to 9 \(warmup_steps=10\)"),
        (dict(normalize="output"), "normalize", r"normalize='output'.*one of"),
        (dict(signal=np.zeros(10)), "signal", r"RMS of zero \(normalize='input'"),
    ],
)
def test_delay_nrmse_refuses(kwargs, attr, match):
    args = dict(output=np.ones(10), signal=np.arange(10.0), delay_steps=2)
    with pytest.raises(ValidationError, match=match) as info:
        delay_nrmse(**{**args, **kwargs})
    assert info.value.attr == attr


def test_measure_delay_of_the_ideal_system():
    # measured: 0.0008 at r = 1 and 0.009 at r = 0.5 (the Legendre basis is
    # least accurate in the middle of the window)
    assert measure_delay(nengo.Direct(), 600, 0, run_time=1.5) < 0.002
    assert measure_delay(nengo.Direct(), 600, 0, r=0.5, run_time=1.5) < 0.02
