"""NEF Principle 3: map a linear system onto the synapse that implements it."""

import numbers

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.params import DT, validate
from nengo_lmu.system import DISCRETIZER, LinearSystem


def map_to_synapse(A, B, synapse, dt=None, method="zoh", lead=0.0, gain=1.0):
    """
    Map ``dx/dt = A x + B u`` onto the recurrent dynamics of a synapse.

    The arrays' form of `map_system`, which has the details.

    Returns
    -------
    A_mapped : (d, d) np.ndarray
        Transform of the recurrent connection.
    B_mapped : (d, m) or (d, 2 m) np.ndarray
        Transform of the input connection.
    """
    return tuple(
        map_system(
            LinearSystem(A, B), synapse, dt=dt, method=method, lead=lead, gain=gain
        )
    )


def map_system(system, synapse, dt=None, method="zoh", lead=0.0, gain=1.0):
    """
    Map a continuous system onto the recurrent dynamics of a synapse.

    A population whose decoded state ``x`` is fed back through ``synapse`` with
    transform ``A'``, and whose input arrives through the same synapse with
    transform ``B'``, implements the given system (NEF Principle 3 [1]_, and its
    generalization to discrete time and higher-order synapses [2]_).

    Parameters
    ----------
    system : LinearSystem
        The continuous system ``dx/dt = A x + B u``.
    synapse : nengo.Lowpass or nengo.Alpha
        The synapse on the recurrent and input connections.
    dt : float, optional
        Simulator time step. Given, the mapping is exact for a simulator that
        discretizes the synapse with a zero-order hold at this ``dt`` (as
        nengo, nengo_dl and nengo_loihi do) and an input held over each step.
        Omitted, the continuous mapping is returned, exact as ``dt -> 0``.
    method : {"zoh", "euler"}, optional
        With ``dt``, the discretization of ``(A, B)`` the network reproduces:
        the exact zero-order hold, or forward Euler (as keras-lmu's
        ``discretizer="euler"``).
    lead : float or (d,) array_like, optional
        How far, in seconds, the population's decoded output leads the state it
        represents (``y(t) = x(t + lead)``, to first order; negative for a
        lag), for all state dimensions or one value per dimension. Spiking LIF
        neurons lead by a fraction of a millisecond, which the large entries of
        ``A`` amplify around the loop; the mapping compensates for it.
        ``nengo.Lowpass`` only.
    gain : float or (d,) array_like, optional
        Gain of the population's decoded output relative to the state it
        represents (``y = gain x``), for all state dimensions or one positive
        value per dimension. A gain slightly below 1, which the loop would
        otherwise amplify, is compensated.

    Returns
    -------
    LinearSystem
        The continuous system whose ``A`` is the transform of the recurrent
        connection and ``B`` that of the input connection (it unpacks as
        ``A_mapped, B_mapped``). For ``nengo.Alpha``, ``B`` acts on the input
        stacked with its time derivative, ``[u, du/dt]`` (``2 m`` columns);
        dropping the derivative's columns leaves an error proportional to
        ``tau**2 du/dt``.

    Raises
    ------
    nengo.exceptions.ValidationError
        For a synapse other than `nengo.Lowpass` or `nengo.Alpha`; for
        ``nengo.Alpha`` with ``dt`` (its exact discrete mapping needs the input on
        a second synapse, which a single ``B'`` cannot express) or with a
        ``lead``; for a ``lead`` or ``gain`` that is not finite, not a scalar or
        one value per state dimension, or (``gain``) not positive.

    Notes
    -----
    For ``Lowpass(tau)``, continuous: ``A' = tau A + I``, ``B' = tau B``.
    Discrete: with ``a = exp(-dt / tau)`` and ``(Ad, Bd)`` the discretized
    ``(A, B)``, ``A' = (Ad - a I) / (1 - a)`` and ``B' = Bd / (1 - a)``.

    A ``lead`` and ``gain`` model the decoded output as
    ``y = g (x + L dx/dt)``, with ``g = diag(gain)`` and ``L = diag(lead)``.
    Continuous, ``A' = (I + tau A) (g (I + L A))^-1`` and
    ``B' = tau B - A' g L B``; discrete, with ``C = L / dt`` and
    ``G = g (I + C (Ad - I))``, ``A' = (Ad - a I) G^-1 / (1 - a)`` and
    ``B' = Bd / (1 - a) - A' g C Bd``. With ``gain=1`` and no lead, these are
    the mappings above.

    For ``Alpha(tau)``, the synapse ``1 / (tau s + 1)**2`` gives
    ``A' = (I + 2 tau A + tau**2 A**2) g^-1`` and ``B' = [2 tau B + tau**2 A B,
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
    if not isinstance(system, LinearSystem):
        raise ValidationError(
            f"Must be a LinearSystem (system={system!r}); give e.g. "
            "LinearSystem(A, B), or use map_to_synapse(A, B, ...) for arrays",
            attr="system",
        )
    if system.discrete:
        raise ValidationError(
            f"Maps a continuous system (dt={system.dt}); give the continuous "
            "system and the simulator's dt",
            attr="system",
        )
    A, B = system
    identity = np.eye(len(A))
    if dt is not None:
        dt = validate(DT, dt)
    method = validate(DISCRETIZER, method)
    given_lead = _printable(lead)
    lead, gain = check_lead_gain(lead, gain, len(A))

    if type(synapse) is nengo.Lowpass:  # subclasses may change the dynamics
        tau = synapse.tau
        if tau <= 0:
            raise ValidationError(
                f"Lowpass time constant must be positive (tau={tau}); give e.g. "
                "nengo.Lowpass(0.1)",
                attr="synapse",
            )
        if dt is None:
            # decoded output g (x + L dx/dt), with dx/dt = A x + B u
            output_gain = gain[:, None] * (identity + lead[:, None] * A)
            A_mapped = _solve(output_gain, identity + tau * A, given_lead)
            B_mapped = tau * B - A_mapped @ ((gain * lead)[:, None] * B)
            return LinearSystem(A_mapped, B_mapped)
        Ad, Bd = system.discretize(dt, method=method)
        a, c = np.exp(-dt / tau), lead / dt
        output_gain = gain[:, None] * (identity + c[:, None] * (Ad - identity))
        A_mapped = _solve(output_gain, Ad - a * identity, given_lead) / (1 - a)
        B_mapped = Bd / (1 - a) - A_mapped @ ((gain * c)[:, None] * Bd)
        return LinearSystem(A_mapped, B_mapped)

    if type(synapse) is nengo.Alpha:
        tau = synapse.tau
        if np.any(lead != 0):
            raise ValidationError(
                f"No mapping onto {synapse} with a lead (lead={given_lead!r}); use "
                "nengo.Lowpass, or lead=0",
                attr="lead",
            )
        if dt is not None:
            raise ValidationError(
                f"No exact discrete mapping onto {synapse} with one input "
                f"transform (dt={dt}); use dt=None for the continuous mapping, or "
                "nengo.Lowpass for a mapping exact at dt",
                attr="synapse",
            )
        A_mapped = (identity + 2 * tau * A + tau**2 * A @ A) / gain[None, :]
        B_mapped = np.hstack([2 * tau * B + tau**2 * A @ B, tau**2 * B])
        return LinearSystem(A_mapped, B_mapped)

    raise ValidationError(
        f"Cannot map a linear system onto synapse {synapse!r}; use "
        "nengo.Lowpass(tau) (continuous or exact at dt) or nengo.Alpha(tau) "
        "(continuous)",
        attr="synapse",
    )


def _solve(output_gain, target, given_lead):
    """``target @ inv(output_gain)``, refusing a lead that makes it singular."""
    if np.linalg.matrix_rank(output_gain) < len(output_gain):
        raise ValidationError(
            f"This lead cancels a state dimension's output (lead={given_lead!r}): "
            "the mapping does not exist; give the population's lead in seconds, "
            "much shorter than the system's time constants",
            attr="lead",
        )
    return np.linalg.solve(output_gain.T, target.T).T


def check_lead_gain(lead, gain, d, names=("lead", "gain")):
    """
    A population's lead and gain as one value per state dimension.

    Parameters
    ----------
    lead, gain : float or (d,) array_like
        Lead in seconds and (positive) gain, one for all dimensions or one per
        dimension.
    d : int
        Number of state dimensions.
    names : (str, str), optional
        The parameters' names in error messages.

    Returns
    -------
    lead, gain : (d,) np.ndarray

    Raises
    ------
    nengo.exceptions.ValidationError
        For a value that is not finite, not a scalar or ``d`` numbers, or a
        gain that is not positive.
    """
    lead_name, gain_name = names
    lead = _per_dimension(
        lead,
        lead_name,
        d,
        "give the population's lead in seconds (negative for a lag), or 0",
    )
    hint = "give the population's gain (e.g. 0.995), or 1"
    given_gain = _printable(gain)
    gain = _per_dimension(gain, gain_name, d, hint)
    if np.any(gain <= 0):
        raise ValidationError(
            f"Must be positive ({gain_name}={given_gain!r}); {hint}", attr=gain_name
        )
    return lead, gain


def _printable(value):
    """``value`` as shown in an error message: an array as a one-line list."""
    return value.tolist() if isinstance(value, np.ndarray) else value


def _per_dimension(value, attr, d, hint):
    """``value`` (a scalar or one number per state dimension) as a (d,) array."""
    value = _printable(value)
    if isinstance(value, bool) or value is None:
        array = None
    elif isinstance(value, numbers.Real):
        array = np.full(d, float(value))
    else:
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            array = None
    if array is None or array.shape != (d,):
        raise ValidationError(
            f"Must be a number or {d} numbers, one per state dimension "
            f"({attr}={value!r}); {hint}",
            attr=attr,
        )
    if not np.all(np.isfinite(array)):
        raise ValidationError(f"Must be finite ({attr}={value!r}); {hint}", attr=attr)
    return array
