"""State scaling: keep every represented state dimension inside a radius."""

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.linear import as_system, discretize, simulate
from nengo_lmu.params import check_positive


class StateScaling:
    """
    A diagonal similarity transform ``x = T x_s``, with ``T = diag(scale)``.

    Neural populations represent values well inside their radius; the state of a
    linear system under a realistic input usually is not there. Scaling each
    dimension turns ``dx/dt = A x + B u, y = C x`` into the equivalent
    ``dx_s/dt = T^-1 A T x_s + T^-1 B u, y = C T x_s``, whose state ``x_s`` stays
    inside the radius.

    Parameters
    ----------
    scale : (d,) array_like
        Positive scale of each state dimension: ``x_i = scale_i * x_s_i``.

    Attributes
    ----------
    scale : (d,) np.ndarray
        The diagonal of ``T``.
    """

    def __init__(self, scale):
        scale = np.array(scale, dtype=np.float64)
        if scale.ndim != 1 or not np.all(np.isfinite(scale)) or np.any(scale <= 0):
            raise ValidationError(
                f"Must be a vector of finite positive numbers (scale={scale}); give "
                "one positive scale per state dimension",
                attr="scale",
                obj=self,
            )
        self.scale = scale
        self.scale.setflags(write=False)

    def __repr__(self):
        return (
            f"{type(self).__name__}(scale={np.array2string(self.scale, precision=4)})"
        )

    @classmethod
    def from_process(
        cls,
        A,
        B,
        dt,
        process,
        duration=30.0,
        warmup=None,
        radius=1.0,
        n_sigma=3.5,
        floor=0.0,
        method="zoh",
        seed=0,
    ):
        """
        Scale each dimension to its spread in response to ``process``.

        Each dimension is scaled so that ``n_sigma`` standard deviations of its
        response reach ``radius``. The standard deviation is a steadier estimate
        than the peak, which varies from one sample of the process to the next;
        the peak of a Gaussian-like response over ten thousand steps is about
        3.5 standard deviations, the default.

        Parameters
        ----------
        A, B, dt, process, duration, warmup, method, seed
            The system, time step and input, as in `.state_response`; the
            process should have the statistics of the input the system will see.
        radius : float, optional
            The radius each scaled dimension should stay inside.
        n_sigma : float, optional
            How many standard deviations of the response fit inside ``radius``.
        floor : float, optional
            Smallest scale, as a fraction of the largest. A dimension the process
            hardly drives (the high orders of a delay under a slow input) would
            otherwise be magnified until its noise, in a neural implementation,
            fills and saturates its ensemble.

        Returns
        -------
        StateScaling
        """
        radius = check_positive(radius, "radius", "give the target radius, e.g. 1")
        n_sigma = check_positive(n_sigma, "n_sigma", "give e.g. n_sigma=3.5")
        states = state_response(A, B, dt, process, duration, warmup, method, seed)
        std = np.std(states, axis=0)
        if np.any(std <= 0):
            raise ValidationError(
                f"The process never drives state dimensions {np.flatnonzero(std <= 0)}"
                f" ({process!r}); give an input process that excites every dimension",
                attr="process",
            )
        if not 0 <= floor <= 1:
            raise ValidationError(
                f"Must be in [0, 1] (floor={floor!r}); give the smallest scale as a "
                "fraction of the largest, e.g. 0.1",
                attr="floor",
            )
        scale = n_sigma * std / radius
        return cls(np.maximum(scale, floor * np.max(scale)))

    def transform(self, A, B):
        """
        Return the scaled system ``(T^-1 A T, T^-1 B)``.

        Parameters
        ----------
        A : (d, d) array_like
            State matrix (continuous or discrete).
        B : (d, m) array_like
            Input matrix.

        Returns
        -------
        A_scaled : (d, d) np.ndarray
        B_scaled : (d, m) np.ndarray
        """
        A, B = as_system(A, B)
        self._check_size(len(A))
        return A * self.scale[None, :] / self.scale[:, None], B / self.scale[:, None]

    def readout(self, C):
        """
        Return ``C T``: the readout ``C`` applied to the scaled state.

        Parameters
        ----------
        C : (p, d) array_like
            Readout of the unscaled state.

        Returns
        -------
        (p, d) np.ndarray
        """
        C = np.atleast_2d(np.asarray(C, dtype=np.float64))
        self._check_size(C.shape[1])
        return C * self.scale[None, :]

    def _check_size(self, d):
        if d != len(self.scale):
            raise ValidationError(
                f"System has {d} states but the scaling has {len(self.scale)}; "
                "use a StateScaling made for this system",
                attr="scale",
                obj=self,
            )


def state_response(A, B, dt, process, duration=30.0, warmup=None, method="zoh", seed=0):
    """
    The states a linear system visits in response to an input process.

    Parameters
    ----------
    A : (d, d) array_like
        Continuous state matrix.
    B : (d, m) array_like
        Continuous input matrix.
    dt : float
        Time step in seconds.
    process : nengo.Process
        The input, e.g. ``nengo.processes.WhiteSignal(10, high=10, rms=0.3)``.
    duration : float, optional
        Seconds of ``process`` to simulate.
    warmup : float, optional
        Seconds at the start that are dropped, so that the transient of switching
        the input on (which excites the high-order dimensions of a delay far more
        than the process itself does) is not part of the response; a third of
        ``duration`` by default. Make it longer than the system's memory.
    method : {"zoh", "euler"}, optional
        Discretization used to simulate the response.
    seed : int, optional
        Seed of the input signal.

    Returns
    -------
    (n, d) np.ndarray
        The states after the warm-up, one row per time step.
    """
    A, B = as_system(A, B)
    dt = check_positive(dt, "dt", "give the simulation time step in seconds")
    duration = check_positive(duration, "duration", "give a duration in seconds")
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
    u = process.run_steps(n_steps, d=B.shape[1], dt=dt, rng=np.random.RandomState(seed))
    return simulate(*discretize(A, B, dt, method), u)[int(warmup / dt) :]
