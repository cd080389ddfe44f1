import re

import nengo
import numpy as np
import pytest
import scipy.signal
from nengo.exceptions import ValidationError

from nengo_lmu import LegendreDelay
from nengo_lmu.system import (
    LinearSystem,
    discretize,
    settling_steps,
    simulate,
    state_bound,
    synapse_settling_steps,
)


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


@pytest.mark.parametrize("tau", [0.002, 0.01, 0.05])
def test_synapse_settling_steps_of_a_lowpass(tau):
    """A Lowpass decays by exp(-dt / tau) a step: ceil(tau / dt * ln(1 / rtol))."""
    for rtol in (0.01, 1e-3):
        expected = int(np.ceil(tau / 0.001 * np.log(1 / rtol)))
        assert synapse_settling_steps(nengo.Lowpass(tau), 0.001, rtol) == expected


def test_synapse_settling_steps_of_an_alpha_against_nengo():
    """nengo's impulse response of an Alpha synapse has died out after k steps."""
    synapse = nengo.Alpha(0.01)
    k = synapse_settling_steps(synapse, 0.001, rtol=0.01)
    response = synapse.filt(np.eye(2000, 1), dt=0.001, y0=0)[:, 0]
    peak = np.abs(response).max()
    assert np.abs(response[k:]).max() < 0.01 * peak
    assert np.abs(response[k // 2 :]).max() > 0.01 * peak  # not twice too long


@pytest.mark.parametrize("function", [settling_steps, state_bound])
def test_bounds_refuse_unstable_systems_and_bad_tolerances(function):
    args = ([[1.0]],) if function is settling_steps else ([[1.0]], [[1.0]])
    with pytest.raises(ValidationError, match="stable system"):
        function(*args, max_steps=100)
    for rtol in (0, 1, -0.1):
        with pytest.raises(ValidationError) as error:
            function(*args, rtol=rtol)
        assert error.value.attr == "rtol"


def stable_system(rng, d=4, m=2, dt=None):
    return LinearSystem(
        rng.normal(size=(d, d)) - 3 * np.eye(d), rng.normal(size=(d, m)), dt=dt
    )


def test_system_unpacks_as_its_matrices(rng):
    system = stable_system(rng)
    A, B = system
    assert A is system.A and B is system.B
    assert (system.size, system.size_in) == (4, 2)
    # a vector B is a single input
    single = LinearSystem([[-1.0, 0.0], [1.0, -2.0]], [1.0, 0.5])
    assert single.B.shape == (2, 1) and single.size_in == 1
    assert np.array_equal(single.B[:, 0], [1.0, 0.5])


def test_discretize_returns_a_discrete_system(rng):
    system = stable_system(rng)
    dt = 0.01
    zoh = system.discretize(dt)
    assert isinstance(zoh, LinearSystem)
    assert zoh.discrete and zoh.dt == dt and not system.discrete
    ref_A, ref_B, *_ = scipy.signal.cont2discrete(
        (system.A, system.B, np.eye(4), np.zeros((4, 2))), dt, method="zoh"
    )
    assert np.allclose(zoh.A, ref_A, rtol=0, atol=1e-12)
    assert np.allclose(zoh.B, ref_B, rtol=0, atol=1e-12)
    euler = system.discretize(dt, method="euler")
    assert euler.discrete and euler.dt == dt
    assert np.allclose(euler.A, np.eye(4) + dt * system.A, rtol=0, atol=1e-15)
    assert np.allclose(euler.B, dt * system.B, rtol=0, atol=1e-15)
    # the arrays' form is the same computation
    Ad, Bd = discretize(system.A, system.B, dt)
    assert np.array_equal(Ad, zoh.A) and np.array_equal(Bd, zoh.B)


@pytest.mark.parametrize("discrete_first", [False, True])
def test_transform_keeps_input_output_behaviour(rng, discrete_first):
    dt = 0.01
    system = stable_system(rng)
    T = rng.normal(size=(4, 4)) + 2 * np.eye(4)
    assert np.linalg.cond(T) < 100  # a transform that loses no precision
    if discrete_first:
        discrete = system.discretize(dt)
        transformed = discrete.transform(T)
        assert transformed.dt == dt
    else:
        discrete = system.discretize(dt)
        transformed = system.transform(T)
        assert not transformed.discrete
        transformed = transformed.discretize(dt)
    assert not np.allclose(transformed.A, discrete.A)  # other coordinates
    u = np.repeat(rng.uniform(-1, 1, size=(20, 2)), 50, axis=0)  # held 0.5 s
    C = rng.normal(size=(3, 4))
    x = discrete.simulate(u)
    z = transformed.simulate(u)
    assert np.max(np.abs(C @ x.T)) > 0.1  # the readout is not trivially zero
    assert np.allclose((C @ T @ z.T).T, (C @ x.T).T, rtol=0, atol=1e-10)
    # the inverse, when given, is used as is
    given = system.transform(T, Tinv=np.linalg.inv(T))
    assert np.allclose(given.A, system.transform(T).A, rtol=0, atol=1e-12)
    assert np.allclose(given.B, system.transform(T).B, rtol=0, atol=1e-12)


def test_steps_on_a_batch_equals_simulate_per_sequence(rng):
    discrete = stable_system(rng).discretize(0.01)
    n = 60
    u = rng.uniform(-1, 1, size=(3, 2, n, 2))
    x0 = rng.normal(size=(3, 2, 4))
    for initial in (None, x0):
        states = np.stack(list(discrete.steps(u, x0=initial)), axis=-2)
        assert states.shape == (3, 2, n + 1, 4)
        for i in range(3):
            for j in range(2):
                expected = discrete.simulate(
                    u[i, j], x0=None if initial is None else initial[i, j]
                )
                scale = np.max(np.abs(expected))
                assert np.allclose(
                    states[i, j, :n], expected, rtol=1e-12, atol=1e-14 * scale
                )
                # and one more state: after the last input
                last = discrete.A @ expected[-1] + discrete.B @ u[i, j, -1]
                assert np.allclose(
                    states[i, j, n], last, rtol=1e-12, atol=1e-14 * scale
                )


@pytest.mark.parametrize(
    "A, B, attr, match",
    [
        (np.zeros((2, 3)), np.zeros((2, 1)), "A", r"square.*A.shape=\(2, 3\)"),
        (np.zeros(3), np.zeros((3, 1)), "A", r"square.*A.shape=\(3,\)"),
        (np.eye(2), np.zeros((3, 1)), "B", r"one row per state.*B.shape=\(3, 1\)"),
        ([[np.nan, 0], [0, -1]], np.ones((2, 1)), "A", "finite.*NaN"),
        ([[np.inf]], [[1.0]], "A", "finite.*infinite"),
    ],
)
def test_bad_matrices_are_refused(A, B, attr, match):
    with pytest.raises(ValidationError, match=match) as error:
        LinearSystem(A, B)
    assert error.value.attr == attr


def test_discrete_operations_refuse_a_continuous_system(rng):
    system = stable_system(rng)
    u = np.zeros((10, 2))
    for operation in (
        lambda: system.simulate(u),
        lambda: next(system.steps(u)),
        lambda: system.state_bound(),
        lambda: system.settling_steps(),
    ):
        with pytest.raises(ValidationError, match=r"dt=None.*discretize") as error:
            operation()
        assert error.value.attr == "dt"


def test_discretize_refuses_a_discrete_system(rng):
    discrete = stable_system(rng).discretize(0.01)
    with pytest.raises(ValidationError, match="dt=0.01.*continuous") as error:
        discrete.discretize(0.01)
    assert error.value.attr == "dt"


@pytest.mark.parametrize("shape", [(3, 3), (4,), (4, 2)])
def test_transform_refuses_a_wrong_shape(rng, shape):
    system = stable_system(rng)
    match = "4 states but T has shape " + re.escape(str(shape))
    with pytest.raises(ValidationError, match=match) as error:
        system.transform(np.ones(shape))
    assert error.value.attr == "T"


def test_equal_systems_are_equal_and_hash_alike(rng):
    A, B = rng.normal(size=(3, 3)), rng.normal(size=(3, 1))
    system = LinearSystem(A, B, dt=0.1)
    same = LinearSystem(A.copy(), B[:, 0].copy(), dt=0.1)
    assert system is not same
    assert system == same and hash(system) == hash(same)
    assert len({system, same}) == 1
    assert {system: "x"}[same] == "x"
    other_A = A.copy()
    other_A[0, 0] += 1e-9
    for other in (
        LinearSystem(A, B),  # continuous
        LinearSystem(A, B, dt=0.2),
        LinearSystem(other_A, B, dt=0.1),
        LinearSystem(A, 2 * B, dt=0.1),
    ):
        assert system != other
    # discretizing the same system twice gives equal values
    continuous = LinearSystem(A - 3 * np.eye(3), B)
    assert continuous.discretize(0.01) == continuous.discretize(0.01)


def test_arrays_are_read_only(rng):
    A, B = rng.normal(size=(3, 3)) - 3 * np.eye(3), rng.normal(size=(3, 1))
    system = LinearSystem(A, B)
    for value in (system, system.discretize(0.01), system.transform(2 * np.eye(3))):
        with pytest.raises(ValueError, match="read-only"):
            value.A[0, 0] = 1.0
        with pytest.raises(ValueError, match="read-only"):
            value.B[0, 0] = 1.0
    # the system keeps its own copies of the arrays it was given
    A[0, 0] += 1.0
    B[0, 0] += 1.0
    assert system.A[0, 0] == A[0, 0] - 1.0 and system.B[0, 0] == B[0, 0] - 1.0
    with pytest.raises(ValidationError, match="read-only"):
        system.A = np.eye(3)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_inputs_that_are_not_finite_are_refused(bad):
    system = LegendreDelay(0.02, 4).discretize(0.001)
    u = np.zeros(10)
    u[3] = bad
    with pytest.raises(ValidationError, match="NaN or infinite") as error:
        simulate(*system, u)
    assert error.value.attr == "u"
