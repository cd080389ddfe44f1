"""
Linear time-invariant systems in state-space form, as one value: `LinearSystem`.

Every network in nengo_lmu plans its linear memory with `LinearSystem`: it is
discretized, scaled (`.StateScaling`), mapped onto a synapse
(`.map_to_synapse`) and simulated as the reference the networks are tested
against, always as a value that carries its own matrices, instead of loose
arrays checked again at every step.

Conventions
-----------
A continuous system ``dx/dt = A x + B u`` with ``d`` states and ``m`` inputs is
given by ``A`` (``d x d``) and ``B`` (``d x m``). Its discretization at step ``dt``
is ``x[k+1] = Ad x[k] + Bd u[k]``, where ``u[k]`` is the input over the ``k``-th
step; ``x[k]`` has seen ``u[0], ..., u[k-1]``.
"""

import nengo
import numpy as np
import scipy.linalg
import scipy.signal
from nengo.exceptions import ValidationError
from nengo.params import FrozenObject, NdarrayParam

from nengo_lmu.params import DT, ArrayParam, EnumParam, IntParam, NumberParam, validate

DISCRETIZERS = ("zoh", "euler")
DISCRETIZER = EnumParam("method", values=DISCRETIZERS)
RTOL = NumberParam(
    "rtol",
    low=0,
    high=1,
    low_open=True,
    high_open=True,
    hint="give the fraction of the response to neglect, e.g. 0.01",
)


class LinearSystem(FrozenObject):
    """
    A linear time-invariant system ``(A, B)``, continuous or discrete.

    Continuous (``dt=None``): ``dx/dt = A x + B u``. Discrete (``dt`` given):
    ``x[k+1] = A x[k] + B u[k]`` at time step ``dt``. A system unpacks as its
    matrices, ``A, B = system``, so that code written for the pair of arrays
    keeps working.

    Parameters
    ----------
    A : (d, d) array_like
        The state matrix.
    B : (d,) or (d, m) array_like
        The input matrix; a vector is a single input.
    dt : float, optional
        The time step of a discrete system, in seconds; None for a continuous
        one.

    Attributes
    ----------
    A : (d, d) np.ndarray
    B : (d, m) np.ndarray
    dt : float or None
    size : int
        Number of states, ``d``.
    size_in : int
        Number of inputs, ``m``.

    Examples
    --------
    >>> system = LinearSystem([[-1.0]], [1.0])
    >>> discrete = system.discretize(dt=0.1)
    >>> Ad, Bd = discrete
    >>> states = discrete.simulate(np.ones(50))
    """

    A = NdarrayParam("A", shape=("*", "*"), readonly=True)
    B = NdarrayParam("B", shape=("*", "*"), readonly=True)
    dt = NumberParam(
        "dt",
        low=0,
        low_open=True,
        optional=True,
        readonly=True,
        hint="give the time step of a discrete system in seconds, or None",
    )

    def __init__(self, A, B, dt=None, names=("A", "B")):
        super().__init__()
        a_name, b_name = names
        A = validate(matrix(a_name, "give a (d, d) state matrix of finite numbers"), A)
        B = validate(matrix(b_name, "give a (d, m) input matrix of finite numbers"), B)
        if B.ndim == 1:
            B = B[:, None]
        if A.ndim != 2 or A.shape[0] != A.shape[1] or A.size == 0:
            raise ValidationError(
                f"Must be a square matrix of at least one state ({a_name}.shape="
                f"{A.shape}); give a (d, d) state matrix",
                attr=a_name,
            )
        if B.shape[0] != A.shape[0]:
            raise ValidationError(
                f"Must have one row per state ({b_name}.shape={B.shape}, "
                f"{a_name}.shape={A.shape}); give a (d, m) input matrix with d "
                f"equal to {a_name}'s size",
                attr=b_name,
            )
        A.setflags(write=False)
        B.setflags(write=False)
        self.A = A
        self.B = B
        self.dt = dt
        self._names = names

    def __iter__(self):
        return iter((self.A, self.B))

    @property
    def size(self):
        return self.A.shape[0]

    @property
    def size_in(self):
        return self.B.shape[1]

    @property
    def discrete(self):
        """Whether the system is discrete (has a ``dt``)."""
        return self.dt is not None

    def _need(self, discrete, what):
        if self.discrete != discrete:
            kind = "discrete" if discrete else "continuous"
            raise ValidationError(
                f"{what} needs a {kind} system (dt={self.dt}); "
                + (
                    "give a discrete system: discretize it first with "
                    ".discretize(dt)"
                    if discrete
                    else "give the continuous system"
                ),
                attr="dt",
                obj=self,
            )

    def discretize(self, dt, method="zoh"):
        """
        The system discretized at time step ``dt``.

        Parameters
        ----------
        dt : float
            Time step in seconds.
        method : {"zoh", "euler"}, optional
            ``"zoh"`` (zero-order hold: exact when the input is constant over
            each step) or ``"euler"`` (forward Euler: ``I + dt A``, ``dt B``).

        Returns
        -------
        LinearSystem
            The discrete system ``x[k+1] = Ad x[k] + Bd u[k]``; it unpacks as
            ``Ad, Bd``.

        Notes
        -----
        The zero-order hold takes the matrix exponential of the block matrix
        ``[[A, B], [0, 0]] * dt``, which equals ``scipy.signal.cont2discrete``
        with ``method="zoh"`` and stays accurate for large, stiff systems.
        """
        self._need(False, "Discretizing")
        dt = validate(DT, dt, self)
        method = validate(DISCRETIZER, method, self)
        d, m = self.B.shape
        if method == "euler":
            euler = LinearSystem(np.eye(d) + dt * self.A, dt * self.B, dt=dt)
            stable = np.all(np.linalg.eigvals(self.A).real < 0)
            if stable and euler.spectral_radius >= 1:
                raise ValidationError(
                    f"Euler discretization at dt={dt} turns this stable system "
                    f"unstable (spectral radius {euler.spectral_radius:.4g}); use "
                    "method='zoh', or a smaller dt",
                    attr="method",
                    obj=self,
                )
            return euler
        block = np.zeros((d + m, d + m))
        block[:d, :d] = self.A
        block[:d, d:] = self.B
        expm = scipy.linalg.expm(block * dt)
        return LinearSystem(expm[:d, :d], expm[:d, d:], dt=dt)

    def transform(self, T, Tinv=None):
        """
        The same system in the coordinates ``x = T z``: ``(Tinv A T, Tinv B)``.

        Parameters
        ----------
        T : (d, d) array_like
            The similarity transform.
        Tinv : (d, d) array_like, optional
            Its inverse, if known (computed otherwise).

        Returns
        -------
        LinearSystem
        """
        d = self.size
        hint = f"give a ({d}, {d}) invertible transform of finite numbers"
        T = validate(ArrayParam("T", hint), T, self)
        if T.shape != (d, d):
            raise ValidationError(
                f"System has {d} states but T has shape {T.shape}; {hint}",
                attr="T",
                obj=self,
            )
        if Tinv is None:
            if np.linalg.matrix_rank(T) < d:
                raise ValidationError(
                    f"Must be invertible (T is singular, rank "
                    f"{np.linalg.matrix_rank(T)} of {d}); {hint}",
                    attr="T",
                    obj=self,
                )
            Tinv = np.linalg.inv(T)
        Tinv = validate(ArrayParam("Tinv", hint, shape=(d, d)), Tinv, self)
        return LinearSystem(Tinv @ self.A @ T, Tinv @ self.B, dt=self.dt)

    def simulate(self, u, x0=None):
        """
        Step the discrete system over the input sequence ``u``.

        Parameters
        ----------
        u : (n,) or (n, m) array_like
            Input sequence, one row per step.
        x0 : (d,) array_like, optional
            Initial state ``x[0]`` (zeros by default).

        Returns
        -------
        x : (n, d) np.ndarray
            ``x[k]`` for ``k = 0 ... n-1``: the state before ``u[k]`` is applied,
            so that row ``k`` has seen ``u[0], ..., u[k-1]`` and lines up with
            ``u[k]``.
        """
        u = validate(ArrayParam("u", INPUT_HINT), u, self)
        if u.ndim == 0 or len(u) == 0:
            if u.ndim == 0:
                raise ValidationError(
                    f"Must be a sequence (u={u.item()!r}); {INPUT_HINT}", attr="u"
                )
            return np.zeros((0, self.size))
        states = self.steps(u.reshape(len(u), -1), x0=x0)
        return np.array([next(states) for _ in range(len(u))]).reshape(
            len(u), self.size
        )

    def steps(self, u, x0=None):
        """
        Iterate over the states of the discrete system, one step at a time.

        For long or many sequences whose states need not all be kept (e.g. to
        find their peaks); `simulate` collects them.

        Parameters
        ----------
        u : (..., n, m) array_like
            Input sequences, one row per step; leading axes are independent
            sequences, run together.
        x0 : (..., d) array_like, optional
            Initial states (zeros by default).

        Returns
        -------
        iterator of (..., d) np.ndarray
            ``x[0]``, ``x[1]``, ..., ``x[n]``: the state before each input, and
            after the last.
        """
        self._need(True, "Simulating")
        u = validate(ArrayParam("u", INPUT_HINT, finite=False), u, self)
        if u.ndim < 2 or u.shape[-1] != self.size_in:
            raise ValidationError(
                f"Input has shape {u.shape}: {u.shape[-1] if u.ndim else 1} "
                f"dimensions per step but B has {self.size_in} columns; give one "
                "row per step and one column of u per column of B",
                attr="u",
            )
        if not np.all(np.isfinite(u)):
            raise ValidationError(
                "Input holds NaN or infinite values (u); give finite inputs",
                attr="u",
            )
        batch = u.shape[:-2]
        x = np.zeros(batch + (self.size,)) if x0 is None else self._initial(x0)
        return self._steps(x, u @ self.B.T, batch)

    def _steps(self, x, drive, batch):
        """The recurrence of `steps`, after its arguments are checked."""
        for k in range(drive.shape[-2]):
            yield x
            x = (self.A @ x if not batch else x @ self.A.T) + drive[..., k, :]
        yield x

    def response(self, process, dt, duration=30.0, warmup=None, method="zoh", seed=0):
        """
        The states the continuous system visits in response to an input process.

        Parameters
        ----------
        process : nengo.Process
            The input, e.g. ``nengo.processes.WhiteSignal(10, high=10, rms=0.3)``.
        dt : float
            Time step in seconds.
        duration : float, optional
            Seconds of ``process`` to simulate.
        warmup : float, optional
            Seconds at the start that are dropped, so that the transient of
            switching the input on (which excites the high-order dimensions of a
            delay far more than the process itself does) is not part of the
            response; a third of ``duration`` by default. Make it longer than
            the system's memory.
        method : {"zoh", "euler"}, optional
            Discretization used to simulate the response.
        seed : int, optional
            Seed of the input signal.

        Returns
        -------
        (n, d) np.ndarray
            The states after the warm-up, one row per time step.
        """
        dt = validate(DT, dt, self)
        duration = validate(
            NumberParam("duration", low=0, low_open=True, hint="give seconds"),
            duration,
        )
        warmup = duration / 3 if warmup is None else warmup
        if not 0 <= warmup < duration:
            raise ValidationError(
                f"Must be in [0, duration) (warmup={warmup!r}, duration={duration}); "
                "give a warm-up shorter than the duration",
                attr="warmup",
            )
        if not isinstance(process, nengo.Process):
            raise ValidationError(
                f"Must be a nengo.Process (process={process!r}); give e.g. "
                "nengo.processes.WhiteSignal(10, high=10, rms=0.3)",
                attr="process",
            )
        n_steps = int(np.ceil(duration / dt))
        if n_steps - int(warmup / dt) < MIN_RESPONSE_STEPS:
            raise ValidationError(
                f"Must leave at least {MIN_RESPONSE_STEPS} steps after the warm-up "
                f"(duration={duration}, warmup={warmup}, dt={dt}); give a longer "
                "duration",
                attr="duration",
            )
        size_out = getattr(process, "default_size_out", None)
        if size_out not in (None, self.size_in):
            raise ValidationError(
                f"The process gives {size_out} dimensions but the system has "
                f"{self.size_in} inputs (process={process!r}); give a process of "
                f"{self.size_in} dimensions",
                attr="process",
            )
        u = process.run_steps(
            n_steps, d=self.size_in, dt=dt, rng=np.random.RandomState(seed)
        )
        if not np.all(np.isfinite(u)):
            raise ValidationError(
                f"The process gives NaN or infinite values (process={process!r}); "
                "give a process of finite values",
                attr="process",
            )
        return self.discretize(dt, method).simulate(u)[int(warmup / dt) :]

    def state_bound(self, rtol=1e-9, max_steps=10**6):
        """
        The largest magnitude each state can reach for an input bounded by one.

        For ``|u[k]| <= 1`` (every input, every step), state ``i`` of the
        discrete system started from zero stays within the sum over ``k`` of
        ``|(A^k B)_i|`` summed over the inputs (the l1 norm of its impulse
        response), and an input of the right signs reaches it. Scale by the
        input's bound for other inputs.

        Parameters
        ----------
        rtol : float, optional
            The sum stops once the impulse response is this small relative to
            the bound.
        max_steps : int, optional
            Steps after which a system whose response has not died out is
            refused.

        Returns
        -------
        (d,) np.ndarray
            The bound of each state.

        Raises
        ------
        nengo.exceptions.ValidationError
            If the impulse response does not die out within ``max_steps``.
        """
        self._need(True, "A state bound")
        rtol = validate(RTOL, rtol)
        max_steps = validate(MAX_STEPS, max_steps)
        self._need_stable()
        response = self.B.copy()
        bound = np.zeros(self.size)
        for _ in range(max_steps):
            bound += np.sum(np.abs(response), axis=1)
            if np.max(np.abs(response)) <= rtol * np.max(bound):
                return bound
            response = self.A @ response
        raise ValidationError(
            f"The impulse response has not died out after {max_steps} steps "
            f"(spectral radius {self.spectral_radius:.6g}); give a stable system "
            "(eigenvalues inside the unit circle), or a larger max_steps",
            attr=self._names[0],
        )

    def settling_steps(self, rtol=0.01, max_steps=10**5):
        """
        Steps after which any state has decayed below ``rtol`` of where it started.

        The smallest ``k`` with ``||A^k||_F <= rtol`` (the Frobenius norm bounds
        the 2-norm): with no input, ``k`` steps shrink every state to at most
        ``rtol`` of its norm.

        Parameters
        ----------
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
        self._need(True, "Settling")
        rtol = validate(RTOL, rtol)
        max_steps = validate(SETTLING_STEPS, max_steps)
        power = np.eye(self.size)
        for k in range(max_steps + 1):
            if np.linalg.norm(power) <= rtol:
                return k
            power = self.A @ power
        raise ValidationError(
            f"The state has not decayed below {rtol} of its start after "
            f"{max_steps} steps (spectral radius {self.spectral_radius:.6g}); give "
            "a stable system (eigenvalues inside the unit circle), or a larger "
            "max_steps",
            attr=self._names[0],
        )

    def _initial(self, x0):
        """``x0`` checked: finite, one value per state (for each sequence)."""
        hint = f"give one initial value per state ({self.size})"
        x0 = validate(ArrayParam("x0", hint), x0, self)
        if x0.ndim == 0 or x0.shape[-1] != self.size:
            raise ValidationError(
                f"Must have one value per state (x0 has shape {x0.shape}); {hint}",
                attr="x0",
                obj=self,
            )
        return x0

    @property
    def spectral_radius(self):
        """The largest magnitude of ``A``'s eigenvalues."""
        return float(np.max(np.abs(np.linalg.eigvals(self.A))))

    def _need_stable(self):
        """Refuse a discrete system whose state grows without bound."""
        if self.spectral_radius > 1:
            raise ValidationError(
                f"The system is unstable (spectral radius {self.spectral_radius:.6g}"
                f" of {self._names[0]}); give a stable system (eigenvalues inside "
                "the unit circle)",
                attr=self._names[0],
            )


# the fewest steps of a response after its warm-up
MIN_RESPONSE_STEPS = 10
INPUT_HINT = "give one row of finite numbers per step"
MAX_STEPS = IntParam("max_steps", low=1, hint="give the most steps to sum, e.g. 10**6")
SETTLING_STEPS = IntParam(
    "max_steps", low=0, hint="give the most steps to wait, e.g. 10**5"
)


def matrix(name, hint):
    """A descriptor for a state-space matrix: finite numbers, one or two axes."""
    return ArrayParam(name, hint, ndim=(1, 2) if name.startswith("B") else None)


def discretize(A, B, dt, method="zoh"):
    """
    Discretize ``dx/dt = A x + B u`` at time step ``dt``.

    The arrays' form of `LinearSystem.discretize`.

    Parameters
    ----------
    A : (d, d) array_like
        Continuous state matrix.
    B : (d, m) array_like
        Continuous input matrix.
    dt : float
        Time step in seconds.
    method : {"zoh", "euler"}, optional
        Zero-order hold or forward Euler.

    Returns
    -------
    Ad : (d, d) np.ndarray
    Bd : (d, m) np.ndarray
        The discrete system, ``x[k+1] = Ad x[k] + Bd u[k]``.
    """
    return tuple(LinearSystem(A, B).discretize(dt, method=method))


def simulate(Ad, Bd, u, x0=None):
    """
    Step ``x[k+1] = Ad x[k] + Bd u[k]`` over the input sequence ``u``.

    The arrays' form of `LinearSystem.simulate`.

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
        The state before each ``u[k]`` is applied.
    """
    return _discrete(Ad, Bd).simulate(u, x0=x0)


def state_bound(Ad, Bd, rtol=1e-9, max_steps=10**6):
    """The arrays' form of `LinearSystem.state_bound`."""
    return _discrete(Ad, Bd).state_bound(rtol=rtol, max_steps=max_steps)


def settling_steps(Ad, rtol=0.01, max_steps=10**5):
    """The arrays' form of `LinearSystem.settling_steps`."""
    Ad = validate(matrix("Ad", "give a (d, d) state matrix of finite numbers"), Ad)
    return _discrete(Ad, np.zeros((len(Ad), 1))).settling_steps(
        rtol=rtol, max_steps=max_steps
    )


def synapse_settling_steps(synapse, dt, rtol=0.01):
    """
    Steps after which a linear synapse's state has decayed below ``rtol``.

    The `LinearSystem.settling_steps` of the synapse's state-space form,
    discretized at ``dt`` as nengo discretizes it (``None``, no synapse, holds
    no state: 0 steps).

    Parameters
    ----------
    synapse : nengo.LinearFilter or None
        The synapse (`nengo.Lowpass`, `nengo.Alpha`, ...).
    dt : float
        The simulator's time step.
    rtol : float, optional
        Fraction of the state left.

    Returns
    -------
    int

    Raises
    ------
    nengo.exceptions.ValidationError
        If ``synapse`` is not a linear filter.

    Examples
    --------
    >>> synapse_settling_steps(nengo.Lowpass(0.01), dt=0.001, rtol=0.01)
    47
    """
    dt = validate(DT, dt)
    if synapse is None:
        return 0
    if not isinstance(synapse, nengo.LinearFilter):
        raise ValidationError(
            f"Must be a linear filter (synapse={synapse!r}); give e.g. "
            "nengo.Lowpass(0.01), or None",
            attr="synapse",
        )
    if len(np.trim_zeros(np.atleast_1d(synapse.den), "f")) <= 1:
        return 0  # a gain: no state
    A, B, _, _ = scipy.signal.tf2ss(synapse.num, synapse.den)
    system = LinearSystem(A, B, dt=None if synapse.analog else dt)
    if synapse.analog:
        system = system.discretize(dt, method=synapse.method)
    return system.settling_steps(rtol=rtol)


def _discrete(Ad, Bd):
    """A discrete system of unknown time step (only its steps matter)."""
    return LinearSystem(Ad, Bd, dt=1.0, names=("Ad", "Bd"))
