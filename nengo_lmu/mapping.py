"""NEF Principle 3: map a linear system onto the synapse that implements it."""

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.linear import as_system, discretize
from nengo_lmu.params import check_positive


def map_to_synapse(A, B, synapse, dt=None):
    """
    Map ``dx/dt = A x + B u`` onto the recurrent dynamics of a synapse.

    A population whose decoded state ``x`` is fed back through ``synapse`` with
    transform ``A'``, and whose input arrives through the same synapse with
    transform ``B'``, implements the given system (NEF Principle 3 [1]_, and its
    generalization to discrete time and higher-order synapses [2]_).

    Parameters
    ----------
    A : (d, d) array_like
        Continuous state matrix.
    B : (d, m) array_like
        Continuous input matrix.
    synapse : nengo.Lowpass or nengo.Alpha
        The synapse on the recurrent and input connections.
    dt : float, optional
        Simulator time step. Given, the mapping is exact for a simulator that
        discretizes the synapse with a zero-order hold at this ``dt`` (as
        nengo, nengo_dl and nengo_loihi do) and an input held over each step.
        Omitted, the continuous mapping is returned, exact as ``dt -> 0``.

    Returns
    -------
    A_mapped : (d, d) np.ndarray
        Transform of the recurrent connection.
    B_mapped : (d, m) or (d, 2 m) np.ndarray
        Transform of the input connection. For ``nengo.Alpha`` it acts on the
        input stacked with its time derivative, ``[u, du/dt]``; dropping the
        derivative's columns leaves an error proportional to ``tau**2 du/dt``.

    Raises
    ------
    nengo.exceptions.ValidationError
        For a synapse other than `nengo.Lowpass` or `nengo.Alpha`, or for
        ``nengo.Alpha`` with ``dt`` (its exact discrete mapping needs the input on
        a second synapse, which a single ``B'`` cannot express).

    Notes
    -----
    For ``Lowpass(tau)``, continuous: ``A' = tau A + I``, ``B' = tau B``.
    Discrete: with ``a = exp(-dt / tau)`` and ``(Ad, Bd)`` the zero-order hold
    of ``(A, B)``, ``A' = (Ad - a I) / (1 - a)`` and ``B' = Bd / (1 - a)``.
    For ``Alpha(tau)``, the synapse ``1 / (tau s + 1)**2`` gives
    ``A' = I + 2 tau A + tau**2 A**2`` and ``B' = [2 tau B + tau**2 A B,
    tau**2 B]``.

    References
    ----------
    .. [1] Eliasmith, C., & Anderson, C. H. (2003). Neural engineering:
       Computation, representation, and dynamics in neurobiological systems.
       MIT Press.
    .. [2] Voelker, A. R., & Eliasmith, C. (2018). Improving spiking dynamical
       networks: Accurate delays, higher-order synapses, and time cells.
       Neural Computation, 30(3), 569-609.
    """
    A, B = as_system(A, B)
    identity = np.eye(len(A))
    if dt is not None:
        dt = check_positive(dt, "dt", "give the simulator's time step in seconds")

    if type(synapse) is nengo.Lowpass:  # subclasses may change the dynamics
        tau = synapse.tau
        if tau <= 0:
            raise ValidationError(
                f"Lowpass time constant must be positive (tau={tau}); give e.g. "
                "nengo.Lowpass(0.1)",
                attr="synapse",
            )
        if dt is None:
            return tau * A + identity, tau * B
        Ad, Bd = discretize(A, B, dt, method="zoh")
        a = np.exp(-dt / tau)
        return (Ad - a * identity) / (1 - a), Bd / (1 - a)

    if type(synapse) is nengo.Alpha:
        tau = synapse.tau
        if dt is not None:
            raise ValidationError(
                f"No exact discrete mapping onto {synapse} with one input "
                f"transform (dt={dt}); use dt=None for the continuous mapping, or "
                "nengo.Lowpass for a mapping exact at dt",
                attr="synapse",
            )
        A_mapped = identity + 2 * tau * A + tau**2 * A @ A
        B_mapped = np.hstack([2 * tau * B + tau**2 * A @ B, tau**2 * B])
        return A_mapped, B_mapped

    raise ValidationError(
        f"Cannot map a linear system onto synapse {synapse!r}; use "
        "nengo.Lowpass(tau) (continuous or exact at dt) or nengo.Alpha(tau) "
        "(continuous)",
        attr="synapse",
    )
