"""
Linear time-invariant systems in state-space form: discretization and simulation.

Every network in nengo_lmu steps its linear memory with these functions, and the
tests use them as the reference the networks are measured against.

Conventions
-----------
A continuous system ``dx/dt = A x + B u`` with ``d`` states and ``m`` inputs is
given by ``A`` (``d x d``) and ``B`` (``d x m``). Its discretization at step ``dt``
is ``x[k+1] = Ad x[k] + Bd u[k]``, where ``u[k]`` is the input over the ``k``-th
step; ``x[k]`` has seen ``u[0], ..., u[k-1]``.
"""

import numpy as np
import scipy.linalg
from nengo.exceptions import ValidationError

from nengo_lmu.params import check_positive

DISCRETIZERS = ("zoh", "euler")


def check_discretizer(method, attr="method", obj=None):
    """
    Raise a `~nengo.exceptions.ValidationError` unless ``method`` is a discretizer.

    Parameters
    ----------
    method : str
        The discretization method to check.
    attr : str, optional
        The argument's name, used in the error message.
    obj : object, optional
        The object the argument belongs to, used in the error message.
    """
    if method not in DISCRETIZERS:
        raise ValidationError(
            f"Unknown discretizer ({attr}={method!r}); use one of {DISCRETIZERS}",
            attr=attr,
            obj=obj,
        )


def as_system(A, B):
    """
    Return ``A`` and ``B`` as 2-D float arrays, checking that their shapes agree.

    Parameters
    ----------
    A : (d, d) array_like
        The state matrix.
    B : (d,) or (d, m) array_like
        The input matrix; a vector is a single input.

    Returns
    -------
    A : (d, d) np.ndarray
    B : (d, m) np.ndarray
    """
    A = np.array(A, dtype=np.float64)
    B = np.array(B, dtype=np.float64)
    if B.ndim == 1:
        B = B[:, None]
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValidationError(
            f"Must be a square matrix (A.shape={A.shape}); give a (d, d) state matrix",
            attr="A",
        )
    if B.ndim != 2 or B.shape[0] != A.shape[0]:
        raise ValidationError(
            f"Must have one row per state (B.shape={B.shape}, A.shape={A.shape}); "
            "give a (d, m) input matrix with d equal to A's size",
            attr="B",
        )
    return A, B


def discretize(A, B, dt, method="zoh"):
    """
    Discretize ``dx/dt = A x + B u`` at time step ``dt``.

    Parameters
    ----------
    A : (d, d) array_like
        Continuous state matrix.
    B : (d, m) array_like
        Continuous input matrix.
    dt : float
        Time step in seconds.
    method : {"zoh", "euler"}, optional
        ``"zoh"`` (zero-order hold: exact when the input is constant over each
        step) or ``"euler"`` (forward Euler: ``I + dt A``, ``dt B``).

    Returns
    -------
    Ad : (d, d) np.ndarray
        Discrete state matrix.
    Bd : (d, m) np.ndarray
        Discrete input matrix, so that ``x[k+1] = Ad x[k] + Bd u[k]``.

    Notes
    -----
    The zero-order hold takes the matrix exponential of the block matrix
    ``[[A, B], [0, 0]] * dt``, which equals ``scipy.signal.cont2discrete`` with
    ``method="zoh"`` and stays accurate for large, stiff systems.
    """
    A, B = as_system(A, B)
    dt = check_positive(dt, "dt", "give the simulation time step in seconds")
    check_discretizer(method)
    d, m = B.shape
    if method == "euler":
        return np.eye(d) + dt * A, dt * B
    block = np.zeros((d + m, d + m))
    block[:d, :d] = A
    block[:d, d:] = B
    expm = scipy.linalg.expm(block * dt)
    return expm[:d, :d], expm[:d, d:]


def simulate(Ad, Bd, u, x0=None):
    """
    Step ``x[k+1] = Ad x[k] + Bd u[k]`` over the input sequence ``u``.

    Parameters
    ----------
    Ad : (d, d) array_like
        Discrete state matrix.
    Bd : (d, m) array_like
        Discrete input matrix.
    u : (n,) or (n, m) array_like
        Input sequence, one row per step.
    x0 : (d,) array_like, optional
        Initial state ``x[0]`` (zeros by default).

    Returns
    -------
    x : (n, d) np.ndarray
        ``x[k]`` for ``k = 0 ... n-1``: the state before ``u[k]`` is applied, so
        that row ``k`` has seen ``u[0], ..., u[k-1]`` and lines up with ``u[k]``.
    """
    Ad, Bd = as_system(Ad, Bd)
    u = np.asarray(u, dtype=np.float64)
    u = u.reshape(len(u), -1)
    if u.shape[1] != Bd.shape[1]:
        raise ValidationError(
            f"Input has {u.shape[1]} dimensions but B has {Bd.shape[1]} columns; "
            "give one column of u per column of B",
            attr="u",
        )
    x = np.zeros(len(Ad)) if x0 is None else np.array(x0, dtype=np.float64)
    drive = u @ Bd.T
    states = np.empty((len(u), len(Ad)))
    for k in range(len(u)):
        states[k] = x
        x = Ad @ x + drive[k]
    return states


def _check_rtol(rtol):
    if not 0 < rtol < 1:
        raise ValidationError(
            f"Must be between 0 and 1, exclusive ({rtol=}); give the fraction "
            "of the response to neglect, e.g. 0.01",
            attr="rtol",
        )


def state_bound(Ad, Bd, rtol=1e-9, max_steps=10**6):
    """
    The largest magnitude each state can reach for an input bounded by one.

    For ``|u[k]| <= 1`` (every input, every step), state ``i`` of
    ``x[k+1] = Ad x[k] + Bd u[k]`` started from zero stays within the sum over
    ``k`` of ``|(Ad^k Bd)_i|`` summed over the inputs (the l1 norm of its
    impulse response), and an input of the right signs reaches it. Scale by the
    input's bound for other inputs.

    Parameters
    ----------
    Ad : (d, d) array_like
        Discrete state matrix of a stable system.
    Bd : (d, m) array_like
        Discrete input matrix.
    rtol : float, optional
        The sum stops once the impulse response is this small relative to the
        bound.
    max_steps : int, optional
        Steps after which a system whose response has not died out is refused.

    Returns
    -------
    (d,) np.ndarray
        The bound of each state.

    Raises
    ------
    nengo.exceptions.ValidationError
        If the impulse response does not die out within ``max_steps``.
    """
    Ad, Bd = as_system(Ad, Bd)
    _check_rtol(rtol)
    response = Bd.copy()
    bound = np.zeros(len(Ad))
    for _ in range(max_steps):
        bound += np.sum(np.abs(response), axis=1)
        if np.max(np.abs(response)) <= rtol * np.max(bound):
            return bound
        response = Ad @ response
    raise ValidationError(
        f"The impulse response has not died out after {max_steps} steps; the "
        "bound needs a stable system (eigenvalues of Ad inside the unit circle)",
        attr="Ad",
    )


def settling_steps(Ad, rtol=0.01, max_steps=10**5):
    """
    Steps after which any state has decayed below ``rtol`` of where it started.

    The smallest ``k`` with ``||Ad^k||_F <= rtol`` (the Frobenius norm bounds
    the 2-norm): with no input, ``k`` steps shrink every state to at most
    ``rtol`` of its norm.

    Parameters
    ----------
    Ad : (d, d) array_like
        Discrete state matrix of a stable system.
    rtol : float, optional
        Fraction of the state left.
    max_steps : int, optional
        Steps after which a system that has not settled is refused.

    Returns
    -------
    int

    Raises
    ------
    nengo.exceptions.ValidationError
        If the system has not settled within ``max_steps``.
    """
    Ad = np.asarray(Ad, dtype=np.float64)
    _check_rtol(rtol)
    power = np.eye(len(Ad))
    for k in range(max_steps + 1):
        if np.linalg.norm(power) <= rtol:
            return k
        power = Ad @ power
    raise ValidationError(
        f"The state has not decayed below {rtol} of its start after {max_steps} "
        "steps; settling needs a stable system (eigenvalues of Ad inside the unit "
        "circle)",
        attr="Ad",
    )
