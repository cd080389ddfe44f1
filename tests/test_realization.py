import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import LegendreDelay, StateScaling, discretize, simulate


def test_scaled_system_is_equivalent(rng):
    dt, system = 0.001, LegendreDelay(0.1, 8)
    process = nengo.processes.WhiteSignal(10, high=10, rms=0.3)
    scaling = StateScaling.from_process(system, dt, process)

    u = process.run_steps(3000, dt=dt, rng=np.random.RandomState(1))
    A_s, B_s = scaling.transform(system.A, system.B)
    scaled = simulate(*discretize(A_s, B_s, dt), u)
    original = simulate(*system.discretize(dt), u)

    # same readouts, and the state is the original one divided by the scale
    C = system.window(5, dt=dt)
    assert np.allclose(scaled @ scaling.readout(C).T, original @ C.T)
    assert np.allclose(scaled * scaling.scale, original)


@pytest.mark.parametrize("radius", [1.0, 0.8])
def test_scaled_state_stays_inside_radius(radius):
    dt, system = 0.001, LegendreDelay(0.1, 12)
    process = nengo.processes.WhiteSignal(10, high=10, rms=0.3)
    scaling = StateScaling.from_process(system, dt, process, radius=radius, seed=2)
    A_s, B_s = scaling.transform(system.A, system.B)
    # a fresh signal of the same process: inside the radius, with every
    # dimension using a good part of it
    u = process.run_steps(10000, dt=dt, rng=np.random.RandomState(3))
    peak = np.max(np.abs(simulate(*discretize(A_s, B_s, dt), u)[500:]), axis=0)
    assert np.all(peak < 1.25 * radius)
    assert np.all(peak > 0.6 * radius)

    unscaled = np.max(np.abs(simulate(*system.discretize(dt), u)[500:]), axis=0)
    assert np.max(unscaled) / np.min(unscaled) > 100  # scaling was needed


def test_bad_scalings():
    with pytest.raises(ValidationError, match="scale=.*positive"):
        StateScaling([1.0, 0.0])
    with pytest.raises(ValidationError, match="3 states but the scaling has 2"):
        StateScaling([1.0, 2.0]).transform(np.eye(3), np.ones((3, 1)))
    system = LegendreDelay(0.1, 4)
    with pytest.raises(ValidationError, match="Must be a nengo.Process"):
        StateScaling.from_process(system, 0.001, np.ones(10))
    with pytest.raises(ValidationError, match="warmup=40.*duration=30"):
        StateScaling.from_process(
            system, 0.001, nengo.processes.WhiteNoise(), warmup=40
        )
    with pytest.raises(ValidationError, match="never drives"):
        StateScaling.from_process(
            system,
            0.001,
            nengo.processes.PresentInput([[0.0]], 0.001),
            duration=1,
        )


def test_floor_limits_the_smallest_scale():
    dt, system = 0.001, LegendreDelay(0.1, 12)
    process = nengo.processes.WhiteSignal(10, high=5, rms=0.3)
    free = StateScaling.from_process(system, dt, process, duration=6)
    floored = StateScaling.from_process(system, dt, process, duration=6, floor=0.1)
    assert np.min(free.scale) < 0.01 * np.max(free.scale)
    assert np.allclose(np.min(floored.scale), 0.1 * np.max(floored.scale))
    big = free.scale >= 0.1 * np.max(free.scale)
    assert np.allclose(floored.scale[big], free.scale[big])
    with pytest.raises(ValidationError, match="floor=2.*fraction of the largest"):
        StateScaling.from_process(system, dt, process, floor=2)
