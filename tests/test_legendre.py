import warnings

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import LegendreDelay, simulate, testing


def white_noise(seconds, dt, high=10, rms=0.3, seed=0):
    process = nengo.processes.WhiteSignal(seconds, high=high, rms=rms)
    return process.run_steps(
        int(round(seconds / dt)), dt=dt, rng=np.random.RandomState(seed)
    )[:, 0]


def delay_nrmse(system, u, dt, r, align=True, warmup=0.2):
    """NRMSE of the readout at delay fraction ``r`` against the shifted input."""
    states = simulate(*system.discretize(dt), u)
    decoded = states @ system.readout(r, dt=dt if align else None)[0]
    shift = int(round(r * system.theta / dt))
    return testing.delay_nrmse(
        decoded, u, shift, int(warmup / dt), normalize="whole_input"
    )


@pytest.mark.parametrize("order", [1, 6, 64])
def test_matrices_match_keras_lmu(order):
    keras_lmu = pytest.importorskip("keras_lmu")
    dt, theta_steps = 0.001, 784
    cell = keras_lmu.LMUCell(
        memory_d=1, order=order, theta=theta_steps, hidden_cell=None
    )
    cell.build((None, 1))
    system = LegendreDelay(theta=theta_steps * dt, order=order)

    # keras-lmu stores the transposed matrices, with theta counted in steps
    assert np.allclose(cell._base_A.numpy().T / theta_steps, system.A * dt)
    assert np.allclose(cell._base_B.numpy().T / theta_steps, system.B * dt)
    Ad, Bd = system.discretize(dt)
    assert np.allclose(cell.A.numpy().T, Ad, atol=1e-6)
    assert np.allclose(cell.B.numpy().T, Bd, atol=1e-6)


def test_euler_matches_keras_lmu():
    keras_lmu = pytest.importorskip("keras_lmu")
    dt, theta_steps, order = 0.001, 64, 6
    cell = keras_lmu.LMUCell(
        memory_d=1,
        order=order,
        theta=theta_steps,
        hidden_cell=None,
        discretizer="euler",
    )
    cell.build((None, 1))
    Ad, Bd = LegendreDelay(theta_steps * dt, order).discretize(dt, method="euler")
    assert np.allclose(cell.A.numpy().T, Ad)
    assert np.allclose(cell.B.numpy().T, Bd)


def test_matrices_by_definition():
    system = LegendreDelay(theta=0.5, order=3)
    assert np.allclose(
        system.A, np.array([[-1, -1, -1], [3, -3, -3], [-5, 5, -5]]) / 0.5
    )
    assert np.allclose(system.B, np.array([[1], [-3], [5]]) / 0.5)


def test_readout_shapes_and_endpoints():
    system = LegendreDelay(theta=0.2, order=5)
    assert np.allclose(system.readout(1.0), 1)
    assert np.allclose(system.readout(0.0), (-1.0) ** np.arange(5))
    assert system.readout(0.5).shape == (1, 5)
    assert system.readout([0.0, 0.5, 1.0]).shape == (3, 5)
    window = system.window(11, dt=0.001)
    assert window.shape == (11, 5)
    assert np.allclose(window[[0, 5, 10]], system.readout([0, 0.5, 1], dt=0.001))


def test_constant_input_fills_the_window():
    # a constant input fills the whole window: every readout decodes it
    system = LegendreDelay(theta=0.05, order=8)
    states = simulate(*system.discretize(0.001), np.full(500, 0.7))
    assert np.allclose(states[-1], 0.7 * np.eye(8)[0], atol=1e-9)
    assert np.allclose(system.window(20, dt=0.001) @ states[-1], 0.7, atol=1e-9)


@pytest.mark.parametrize(
    "order, r, tol",
    [
        (12, 1.0, 0.001),
        (12, 0.75, 0.001),
        (12, 0.5, 0.001),
        (12, 0.25, 0.001),
        (6, 1.0, 0.003),
        # an order-6 window is a coarser fit in its middle than at its end
        (6, 0.75, 0.015),
        (6, 0.5, 0.015),
        (6, 0.25, 0.015),
    ],
)
def test_delay_of_white_noise(order, r, tol):
    dt = 0.001
    u = white_noise(10, dt, high=10)
    assert delay_nrmse(LegendreDelay(0.1, order), u, dt, r) < tol


def test_half_step_alignment_matters():
    dt = 0.001
    system = LegendreDelay(0.1, 6)
    u = white_noise(10, dt, high=10)
    aligned = delay_nrmse(system, u, dt, 1.0, align=True)
    unaligned = delay_nrmse(system, u, dt, 1.0, align=False)
    assert aligned < 0.003
    assert unaligned > 5 * aligned


def test_zoh_and_euler_agree_for_long_theta():
    dt, system = 0.001, LegendreDelay(theta=2.0, order=4)
    u = white_noise(4, dt, high=1)
    zoh = simulate(*system.discretize(dt, "zoh"), u)
    euler = simulate(*system.discretize(dt, "euler"), u)
    assert np.max(np.abs(zoh - euler)) < 0.01 * np.max(np.abs(zoh))


@pytest.mark.parametrize("order", [256, 1024])
def test_high_order_is_stable(order):
    theta_steps, dt = 784, 1.0
    Ad, Bd = LegendreDelay(theta_steps * dt, order).discretize(dt)
    assert np.all(np.isfinite(Ad)) and np.all(np.isfinite(Bd))
    assert np.max(np.abs(np.linalg.eigvals(Ad))) < 1

    states = simulate(Ad, Bd, np.ones(100_000))
    assert np.all(np.isfinite(states))
    assert np.max(np.abs(states)) < 1.01
    # the window holds a constant 1: the first coefficient only
    assert np.allclose(states[-1], np.eye(order)[0], atol=1e-6)


def test_min_euler_theta_is_the_stability_edge():
    dt, order = 0.001, 6
    bound = LegendreDelay(1.0, order).min_euler_theta(dt)
    for factor, stable in [(0.99, False), (1.01, True)]:
        euler = np.eye(order) + dt * LegendreDelay(bound * factor, order).A
        assert (np.max(np.abs(np.linalg.eigvals(euler))) < 1) == stable


def test_repr_and_equality():
    system = LegendreDelay(theta=0.1, order=6)
    assert repr(system) == "LegendreDelay(theta=0.1, order=6)"
    assert system == LegendreDelay(0.1, 6)
    assert system != LegendreDelay(0.1, 7)
    with pytest.raises(Exception):
        system.theta = 0.2


@pytest.mark.parametrize(
    "kwargs, attr, value",
    [
        (dict(theta=0, order=6), "theta", "0"),
        (dict(theta=-0.1, order=6), "theta", "-0.1"),
        (dict(theta=0.1, order=0), "order", "0"),
        (dict(theta=0.1, order=2.5), "order", "2.5"),
    ],
)
def test_invalid_construction(kwargs, attr, value):
    with pytest.raises(ValidationError, match=f"{attr}={value}.*give") as info:
        LegendreDelay(**kwargs)
    assert info.value.attr == attr


@pytest.mark.parametrize("dt", [0, -0.001, float("nan"), "1ms"])
def test_invalid_dt(dt):
    system = LegendreDelay(0.1, 6)
    for call in (system.discretize, lambda dt: system.readout(0.5, dt=dt)):
        with pytest.raises(ValidationError, match=r"dt=.*time step") as info:
            call(dt)
        assert info.value.attr == "dt"


@pytest.mark.parametrize("r", [-0.1, 1.1, [0.5, 2.0], float("nan")])
def test_invalid_r(r):
    with pytest.raises(ValidationError, match=r"\[0, 1\] \(r=.*theta / 2"):
        LegendreDelay(0.1, 6).readout(r)


def test_invalid_discretizer():
    with pytest.raises(ValidationError, match="method='foh'.*'zoh', 'euler'"):
        LegendreDelay(0.1, 6).discretize(0.001, method="foh")


def test_unstable_euler_is_refused():
    system = LegendreDelay(theta=0.01, order=6)
    with pytest.raises(ValidationError, match="unstable.*use theta > 0.0106"):
        system.discretize(0.001, method="euler")


def test_invalid_window_samples():
    with pytest.raises(ValidationError, match="n_samples=1"):
        LegendreDelay(0.1, 6).window(1)


def test_slow_discretization_warns_before_it_starts():
    system = LegendreDelay(1.0, 2000)
    with warnings.catch_warnings():
        # as an error, the warning stops the discretization before it starts
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="order-2000 system.*minutes"):
            system.discretize(0.001)


def test_orders_that_do_not_fit_in_memory_are_refused():
    with pytest.raises(ValidationError, match=r"order=1000000.*at most 8192"):
        LegendreDelay(1.0, 10**6)
