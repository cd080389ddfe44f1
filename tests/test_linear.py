import numpy as np
import pytest
import scipy.signal
from nengo.exceptions import ValidationError

from nengo_lmu import LegendreDelay, discretize, simulate
from nengo_lmu.system import settling_steps, state_bound


@pytest.mark.parametrize(
    "order, theta, dt",
    [(1, 0.1, 0.001), (6, 0.1, 0.001), (64, 0.064, 0.001), (12, 1.0, 0.01)],
)
def test_zoh_matches_scipy(order, theta, dt):
    system = LegendreDelay(theta, order)
    Ad, Bd = system.discretize(dt)
    ref_A, ref_B, *_ = scipy.signal.cont2discrete(
        (system.A, system.B, np.eye(order), np.zeros((order, 1))), dt, method="zoh"
    )
    assert np.allclose(Ad, ref_A, atol=1e-10)
    assert np.allclose(Bd, ref_B, atol=1e-10)


def test_discretize_general_system(rng):
    A = rng.normal(size=(4, 4)) - 3 * np.eye(4)
    B = rng.normal(size=(4, 2))
    Ad, Bd = discretize(A, B, 0.01)
    ref_A, ref_B, *_ = scipy.signal.cont2discrete(
        (A, B, np.eye(4), np.zeros((4, 2))), 0.01
    )
    assert np.allclose(Ad, ref_A) and np.allclose(Bd, ref_B)
    euler_A, euler_B = discretize(A, B[:, 0], 0.01, method="euler")
    assert np.allclose(euler_A, np.eye(4) + 0.01 * A)
    assert np.allclose(euler_B, 0.01 * B[:, :1])


def test_simulate_matches_scipy_dlsim(rng):
    Ad, Bd = LegendreDelay(0.05, 5).discretize(0.001)
    u = rng.normal(size=300)
    *_, ref = scipy.signal.dlsim((Ad, Bd, np.eye(5), np.zeros((5, 1)), 0.001), u)
    assert np.allclose(simulate(Ad, Bd, u), ref)


def test_simulate_initial_state():
    Ad, Bd = np.array([[0.5]]), np.array([[1.0]])
    assert np.allclose(simulate(Ad, Bd, np.zeros(3), x0=[8.0])[:, 0], [8, 4, 2])


def test_bad_shapes():
    with pytest.raises(ValidationError, match="A.shape=\\(2, 3\\)"):
        discretize(np.zeros((2, 3)), np.zeros((2, 1)), 0.001)
    with pytest.raises(ValidationError, match="B.shape=\\(3, 1\\)"):
        discretize(np.eye(2), np.zeros((3, 1)), 0.001)
    with pytest.raises(ValidationError, match="one column of u per column of B"):
        simulate(np.eye(2), np.zeros((2, 1)), np.zeros((5, 2)))


@pytest.mark.parametrize("order, theta_steps", [(3, 20), (12, 50)])
def test_state_bound_is_the_worst_case(rng, order, theta_steps):
    Ad, Bd = LegendreDelay(theta_steps * 0.001, order).discretize(0.001)
    bound = state_bound(Ad, Bd)
    n = 10 * theta_steps
    # random inputs within [-1, 1] stay inside the bound
    states = simulate(Ad, Bd, rng.uniform(-1, 1, size=n))
    assert np.all(np.max(np.abs(states), axis=0) <= bound)
    # the input with the signs of state i's impulse response reaches it
    impulse = simulate(Ad, Bd, np.eye(n)[0])  # row k: Ad^(k-1) Bd
    for i in range(order):
        worst = np.sign(impulse[1:, i][::-1])  # u[k] meets Ad^(n-1-k) Bd
        reached = simulate(Ad, Bd, np.append(worst, 0))[-1, i]
        assert np.isclose(reached, bound[i], rtol=1e-6)


def test_settling_steps_shrink_every_state():
    Ad, _ = LegendreDelay(0.02, 4).discretize(0.001)
    k = settling_steps(Ad, rtol=0.01)
    power = np.linalg.matrix_power(Ad, k)
    assert np.linalg.norm(power, 2) <= 0.01
    # not settled one step earlier, by the same (Frobenius) measure
    assert np.linalg.norm(np.linalg.matrix_power(Ad, k - 1)) > 0.01
    # the window is 20 steps: a delay system forgets after about one window
    assert 15 <= k <= 60


@pytest.mark.parametrize("function", [settling_steps, state_bound])
def test_bounds_refuse_unstable_systems_and_bad_tolerances(function):
    args = ([[1.0]],) if function is settling_steps else ([[1.0]], [[1.0]])
    with pytest.raises(ValidationError, match="stable system"):
        function(*args, max_steps=100)
    for rtol in (0, 1, -0.1):
        with pytest.raises(ValidationError) as error:
            function(*args, rtol=rtol)
        assert error.value.attr == "rtol"
