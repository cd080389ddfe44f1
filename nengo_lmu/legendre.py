"""The Legendre delay system: the linear memory of the Legendre Memory Unit."""

import warnings

import numpy as np
from nengo.exceptions import ValidationError
from scipy.special import eval_legendre

from nengo_lmu.params import DT, IntParam, NumberParam, validate
from nengo_lmu.system import DISCRETIZER, LinearSystem


def delay_fractions(r, obj=None):
    """
    Delays as fractions of ``theta``, checked: a 1-D array of values in [0, 1].

    Parameters
    ----------
    r : float or array_like
        One delay fraction or several.
    obj : object, optional
        What the delays are for, named in the error message.

    Returns
    -------
    (n,) np.ndarray

    Raises
    ------
    nengo.exceptions.ValidationError
        For a value outside [0, 1], not finite, or an array of more than one axis.
    """
    try:
        array = np.atleast_1d(np.asarray(r, dtype=np.float64))
    except (TypeError, ValueError):
        array = None
    if (
        array is None
        or isinstance(r, (bool, np.bool_))
        or array.ndim != 1
        or array.size == 0
        or not np.all(np.isfinite(array))
        or np.any(array < 0)
        or np.any(array > 1)
    ):
        raise ValidationError(
            f"Delay fractions must lie in [0, 1] (r={r!r}); r is the delay as a "
            "fraction of theta, so give e.g. r=0.5 for theta / 2",
            attr="r",
            obj=obj,
        )
    return array


#: The highest order a LegendreDelay takes: its matrices take 512 MiB.
MAX_ORDER = 8192
#: Orders from which discretizing warns that it takes a while.
SLOW_ORDER = 2000

N_SAMPLES = IntParam(
    "n_samples", low=2, hint="give the number of samples of the window to decode"
)


class LegendreDelay(LinearSystem):
    """
    The continuous Legendre delay system of a given order and window.

    Its state ``x`` (``order`` dimensions) holds the last ``theta`` seconds of a
    scalar input ``u`` as coefficients of shifted Legendre polynomials:

    .. math::

        \\dot{x}(t) = A x(t) + B u(t), \\qquad
        u(t - r \\theta) \\approx \\sum_i P_i(2r - 1) x_i(t), \\quad 0 \\le r \\le 1,

    with :math:`A_{ij} = (2i+1)/\\theta \\cdot (-1 \\text{ if } i < j
    \\text{ else } (-1)^{i-j+1})` and :math:`B_i = (2i + 1) (-1)^i / \\theta`.
    These are the matrices of the Legendre Memory Unit [1]_, with ``theta`` in
    seconds (keras-lmu counts it in time steps).

    Parameters
    ----------
    theta : float
        Length of the window, in seconds.
    order : int
        Number of Legendre coefficients (state dimensions) kept.

    Attributes
    ----------
    A : (order, order) np.ndarray
        Continuous state matrix.
    B : (order, 1) np.ndarray
        Continuous input matrix.

    A `.LinearSystem`, it unpacks as ``A, B`` and discretizes, simulates and
    transforms as any other.

    Notes
    -----
    With a discretized system (`.discretize`), the readout for delay ``r * theta``
    depends on ``dt``: the zero-order hold treats each input sample as held over
    its step, which delays the input by half a step. ``readout(r, dt=dt)``
    compensates for this, so that with ``x[k]`` the state before ``u[k]`` is
    applied (it has seen ``u[0], ..., u[k-1]``),
    ``readout(r, dt) @ x[k] ~= u[k - r * theta / dt]``.

    References
    ----------
    .. [1] Voelker, A. R., Kajić, I., & Eliasmith, C. (2019). Legendre Memory
       Units: Continuous-time representation in recurrent neural networks.
       Advances in Neural Information Processing Systems 32.

    Examples
    --------
    >>> import numpy as np
    >>> import nengo_lmu
    >>> sys = nengo_lmu.LegendreDelay(theta=0.1, order=6)
    >>> Ad, Bd = sys.discretize(dt=0.001)
    >>> C = sys.readout(1.0, dt=0.001)  # u[k - 100] ~= C @ x[k]
    """

    theta = NumberParam(
        "theta",
        low=0,
        low_open=True,
        readonly=True,
        hint="theta is the window length in seconds; give a positive number, "
        "e.g. theta=0.1",
    )
    order = IntParam(
        "order",
        low=1,
        readonly=True,
        hint="order is the number of Legendre coefficients; give an integer >= 1, "
        "e.g. order=6",
    )

    def __init__(self, theta, order):
        theta = validate(type(self).theta, theta, self)
        order = validate(type(self).order, order, self)
        if order > MAX_ORDER:
            raise ValidationError(
                f"Its matrices alone would take {8 * order**2 / 2**30:.3g} GiB and "
                f"its discretization hours (order={order}); give an order of at "
                f"most {MAX_ORDER}",
                attr="order",
                obj=self,
            )
        i, j = np.indices((order, order))
        sign = np.where(i < j, -1.0, (-1.0) ** (i - j + 1))
        with np.errstate(over="ignore"):
            A = sign * (2 * i + 1) / theta
            B = (2 * np.arange(order) + 1) * (-1.0) ** np.arange(order) / theta
        if not (np.all(np.isfinite(A)) and np.all(np.isfinite(B))):
            raise ValidationError(
                f"The matrices overflow (theta={theta!r}, order={order}); give a "
                "window in seconds, e.g. theta=0.1",
                attr="theta",
                obj=self,
            )
        super().__init__(A, B[:, None])
        self.theta = theta
        self.order = order

    def discretize(self, dt, method="zoh"):
        """
        Discretize the system at time step ``dt``.

        Parameters
        ----------
        dt : float
            Time step in seconds.
        method : {"zoh", "euler"}, optional
            Zero-order hold (exact for inputs held over each step; the default,
            as in keras-lmu) or forward Euler, which is only stable when ``theta``
            is long compared to ``order * dt`` (see `.min_euler_theta`).

        Returns
        -------
        LinearSystem
            The discrete system ``x[k+1] = Ad x[k] + Bd u[k]``; it unpacks as
            ``Ad, Bd``.

        Raises
        ------
        nengo.exceptions.ValidationError
            If ``dt`` is not positive, ``method`` is unknown, or Euler would be
            unstable for this ``theta``, ``order`` and ``dt``.
        """
        dt = validate(DT, dt, self)
        method = validate(DISCRETIZER, method, self)
        if method == "euler":
            refuse_unstable_euler(self, dt, "method", self)
        if method == "zoh" and self.order >= SLOW_ORDER:
            warnings.warn(
                f"Discretizing an order-{self.order} system (the matrix exponential "
                f"of {self.order + 1} x {self.order + 1}) takes tens of seconds to "
                "minutes; give a lower order if you do not need this one"
            )
        return super().discretize(dt, method=method)

    def min_euler_theta(self, dt):
        """
        Shortest ``theta`` for which the Euler-discretized system is stable.

        Euler's ``I + dt A`` is stable when every eigenvalue ``lambda = mu / theta``
        of ``A`` satisfies ``|1 + dt * lambda| < 1``, i.e. when
        ``theta > dt * |mu|**2 / (-2 Re(mu))`` for all eigenvalues ``mu`` of
        ``theta * A``.

        Parameters
        ----------
        dt : float
            Time step in seconds.

        Returns
        -------
        float
            The bound in seconds; stable for any ``theta`` above it.
        """
        dt = validate(DT, dt, self)
        mu = np.linalg.eigvals(self.A * self.theta)
        return dt * np.max(np.abs(mu) ** 2 / (-2 * mu.real))

    def readout(self, r, dt=None):
        """
        Rows ``C`` that decode the input delayed by ``r * theta`` from the state.

        Parameters
        ----------
        r : float or array_like
            Delay as a fraction of ``theta``, each in ``[0, 1]``: 0 is the newest
            input, 1 the input ``theta`` seconds ago.
        dt : float, optional
            Time step of the discretized system the readout is used with. Given,
            the readout is aligned with `.discretize` ``(dt, method="zoh")``:
            ``C @ x[k] ~= u[k - r * theta / dt]`` for the state ``x[k]`` before
            ``u[k]`` is applied. Omitted, ``C @ x(t) ~= u(t - r * theta)`` for the
            continuous system.

        Returns
        -------
        C : (len(r), order) np.ndarray
            One row per delay; a scalar ``r`` gives one row.
        """
        r = delay_fractions(r, obj=self)
        if dt is not None:
            dt = validate(DT, dt, self)
            if dt > self.theta:
                raise ValidationError(
                    f"The window is shorter than one step (dt={dt}, theta="
                    f"{self.theta}); give the time step of the discretized system, "
                    "shorter than theta",
                    attr="dt",
                    obj=self,
                )
            # the zero-order hold delays each sample by half a step; read the
            # window half a step later to undo it
            r = r - dt / (2 * self.theta)
        return np.stack(
            [eval_legendre(i, 2 * r - 1) for i in range(self.order)], axis=1
        )

    def window(self, n_samples, dt=None):
        """
        Rows decoding ``n_samples`` evenly spaced samples of the whole window.

        Parameters
        ----------
        n_samples : int
            Number of samples, at least 2; row 0 is the newest input (delay 0),
            the last row the oldest (delay ``theta``).
        dt : float, optional
            Time step of the discretized system, as in `.readout`.

        Returns
        -------
        C : (n_samples, order) np.ndarray
        """
        n_samples = validate(N_SAMPLES, n_samples, self)
        return self.readout(np.linspace(0, 1, n_samples), dt=dt)


def refuse_unstable_euler(system, dt, name, obj=None):
    """
    Refuse Euler's discretization of ``system`` at ``dt`` if it is unstable.

    Parameters
    ----------
    system : LegendreDelay
        The system.
    dt : float
        The time step, in seconds.
    name : str
        The parameter that chose Euler (``method``, ``discretizer``).
    obj : object, optional
        What the parameter belongs to, in the error message.
    """
    if system.theta <= system.min_euler_theta(dt):
        raise ValidationError(
            f"Euler discretization of order {system.order} at dt={dt} is unstable "
            f"for theta={system.theta} s ({name}='euler'); use theta > "
            f"{system.min_euler_theta(dt):.4g} s, a smaller dt, a lower order, or "
            f"{name}='zoh'",
            attr=name,
            obj=obj,
        )
