"""
State scaling: keep every represented state dimension inside a radius.

`StateScaling` is a realizer (as in nengolib): given a `.LinearSystem`, it
returns the same system in other state coordinates, with the transform between
them (`Realization`).
"""

import collections

import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.params import ArrayParam, NumberParam, positive, validate
from nengo_lmu.system import LinearSystem

#: A realized system and its coordinates: the original state is ``T`` times it.
Realization = collections.namedtuple("Realization", ("system", "T", "Tinv"))

#: Standard deviations of a dimension's response that fit inside its radius.
N_SIGMA = 3.5
SCALE = ArrayParam("scale", "give one positive scale per state dimension", ndim=1)
FLOOR = NumberParam(
    "floor",
    low=0,
    high=1,
    hint="give the smallest scale as a fraction of the largest, e.g. 0.1",
)


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
        scale = validate(SCALE, scale, self)
        if scale.size == 0 or np.any(scale <= 0):
            raise ValidationError(
                f"Must be a vector of finite positive numbers (scale="
                f"{scale.tolist()}); {SCALE.hint}",
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
        system,
        dt,
        process,
        duration=30.0,
        warmup=None,
        radius=1.0,
        n_sigma=N_SIGMA,
        floor=0.0,
        method="zoh",
        seed=0,
    ):
        """
        Scale each dimension to its spread in response to ``process``.

        Each dimension is scaled so that its mean plus ``n_sigma`` standard
        deviations of its response (in magnitude) reach ``radius``. The standard
        deviation is a steadier estimate than the peak, which varies from one
        sample of the process to the next; the peak of a Gaussian-like response
        over ten thousand steps is about 3.5 standard deviations, the default.
        The mean counts for inputs that are never negative (pixels, rates,
        spike counts): their lowest state dimensions sit far from zero.

        Parameters
        ----------
        system : LinearSystem
            The continuous system (e.g. a `.LegendreDelay`).
        dt, process, duration, warmup, method, seed
            The time step and input, as in `.LinearSystem.response`; the
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
        if not isinstance(system, LinearSystem) or system.discrete:
            raise ValidationError(
                f"Must be a continuous LinearSystem (system={system!r}, dt="
                f"{getattr(system, 'dt', None)}); give e.g. LegendreDelay(theta, "
                "order) or LinearSystem(A, B)",
                attr="system",
            )
        radius = validate(positive("radius", "give the target radius, e.g. 1"), radius)
        n_sigma = validate(positive("n_sigma", "give e.g. n_sigma=3.5"), n_sigma)
        floor = validate(FLOOR, floor)
        states = system.response(process, dt, duration, warmup, method, seed)
        std = np.std(states, axis=0)
        if np.any(std <= 0):
            raise ValidationError(
                f"The process never drives state dimensions {np.flatnonzero(std <= 0)}"
                f" ({process!r}); give an input process that excites every dimension",
                attr="process",
            )
        scale = (np.abs(np.mean(states, axis=0)) + n_sigma * std) / radius
        return cls(np.maximum(scale, floor * np.max(scale)))

    @property
    def T(self):
        """The transform ``diag(scale)``: the state is ``T`` times the scaled one."""
        return np.diag(self.scale)

    def realize(self, system):
        """
        The system in scaled coordinates.

        Parameters
        ----------
        system : LinearSystem
            The system (continuous or discrete) whose state is scaled.

        Returns
        -------
        Realization
            ``system``: ``(T^-1 A T, T^-1 B)``, and ``T``, ``Tinv``: the
            original state is ``T`` times the scaled one.
        """
        self._check_size(system.size)
        s = self.scale
        scaled = LinearSystem(
            system.A * s[None, :] / s[:, None], system.B / s[:, None], dt=system.dt
        )
        return Realization(scaled, self.T, np.diag(1 / s))

    def transform(self, A, B):
        """
        Return the scaled system ``(T^-1 A T, T^-1 B)``; the arrays' form of
        `realize`.

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
        return tuple(self.realize(LinearSystem(A, B)).system)

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
