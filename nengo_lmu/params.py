"""
Validation: nengo's parameter descriptors, with errors that say how to fix the value.

This is nengo_lmu's one validation mechanism. Classes declare their parameters
as class-level descriptors (as nengo's objects do); plain function arguments are
checked with the same descriptors through `validate`. Each descriptor carries a
``hint`` that is appended to every `~nengo.exceptions.ValidationError` it
raises, so that a message names the parameter, shows the value that was given
and says what to give instead.
"""

import numbers

import nengo
import numpy as np
from nengo import params
from nengo.exceptions import ValidationError
from nengo.synapses import SynapseParam as _NengoSynapseParam


def shown(value):
    """
    ``value`` as an error message shows it: its repr, or an array's shape.

    A large array's repr would bury the message; its shape says what is wrong.
    """
    size = getattr(value, "size", None)
    if callable(size):  # e.g. a torch.Tensor's size()
        size = int(np.prod(value.shape))
    if isinstance(value, (list, tuple)):
        size = np.size(value) if _is_numeric(value) else None
    if size is not None and size > 8:
        return f"<array of shape {np.shape(value)}>"
    return repr(value.tolist() if isinstance(value, np.ndarray) else value)


def _is_numeric(value):
    try:
        np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return True


class _HintedParam:
    """Mixin appending a fix-it ``hint`` to the descriptor's validation errors."""

    def __init__(self, name, hint, **kwargs):
        self.hint = hint
        super().__init__(name, **kwargs)

    def coerce(self, instance, value):
        try:
            return self._coerce(instance, value)
        except ValidationError as e:
            message = e.args[0] if e.args else str(e)
            raise ValidationError(
                f"{message} ({self.name}={shown(value)}); {self.hint}",
                attr=self.name,
                obj=instance,
            ) from None

    def _coerce(self, instance, value):
        """The descriptor's own check; subclasses replace it."""
        return super().coerce(instance, value)


class NumberParam(_HintedParam, params.NumberParam):
    """
    A `nengo.params.NumberParam` whose errors carry a ``hint``.

    Unlike nengo's, it refuses NaN and infinite values (a NaN passes every bound
    check and would surface as a wrong result much later) and bools, and its
    messages are the same on every nengo version.
    """

    def _coerce(self, instance, value):
        if value is None and self.optional:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, numbers.Real)
            or not np.isfinite(value)
        ):
            raise ValidationError("Must be a finite number", attr=self.name)
        if self.low is not None and (
            value <= self.low if self.low_open else value < self.low
        ):
            relation = "greater than" if self.low_open else "at least"
            raise ValidationError(f"Must be {relation} {self.low:g}", attr=self.name)
        if self.high is not None and (
            value >= self.high if self.high_open else value > self.high
        ):
            relation = "less than" if self.high_open else "at most"
            raise ValidationError(f"Must be {relation} {self.high:g}", attr=self.name)
        return params.Parameter.coerce(self, instance, float(value))


class IntParam(_HintedParam, params.IntParam):
    """A `nengo.params.IntParam` whose errors carry a ``hint``; bools are refused."""

    def _coerce(self, instance, value):
        if value is None and self.optional:
            return None
        low = -np.inf if self.low is None else self.low
        high = np.inf if self.high is None else self.high
        if (
            isinstance(value, bool)
            or not isinstance(value, numbers.Integral)
            or not low <= value <= high
        ):
            bounds = f">= {low}" if self.high is None else f"from {low} to {high}"
            raise ValidationError(f"Must be an integer {bounds}", attr=self.name)
        return params.Parameter.coerce(self, instance, int(value))


class EnumParam(_HintedParam, params.EnumParam):
    """
    A `nengo.params.EnumParam` whose errors list the values allowed.

    The ``hint`` is optional: the message says which values to use.
    """

    def __init__(self, name, values, hint=None, **kwargs):
        allowed = f"use one of {tuple(values)}"
        super().__init__(
            name,
            allowed if hint is None else f"{allowed}; {hint}",
            values=values,
            **kwargs,
        )

    def _coerce(self, instance, value):
        if not isinstance(value, str) or value.lower() not in self.value_set:
            raise ValidationError(f"Unknown {self.name}", attr=self.name)
        return params.EnumParam.coerce(self, instance, value)


class BoolParam(_HintedParam, params.BoolParam):
    """A `nengo.params.BoolParam` whose errors carry a ``hint``."""

    def _coerce(self, instance, value):
        if value is None and self.optional:
            return None
        if not isinstance(value, (bool, np.bool_)):
            raise ValidationError("Must be True or False", attr=self.name)
        return params.Parameter.coerce(self, instance, bool(value))


class SynapseParam(_HintedParam, _NengoSynapseParam):
    """
    A `nengo.synapses.SynapseParam` whose errors carry a ``hint``.

    As in nengo, a number is a `nengo.Lowpass` time constant; it must be
    positive and finite (nengo raises a TypeError on NaN).
    """

    def _coerce(self, instance, value):
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            if not (np.isfinite(value) and value > 0):
                raise ValidationError(
                    "Must be a positive, finite time constant", attr=self.name
                )
        return _NengoSynapseParam.coerce(self, instance, value)


class ArrayParam(_HintedParam, params.Parameter):
    """
    An array of finite numbers, of a given number of axes or shape.

    Parameters
    ----------
    name : str
        The parameter's name.
    hint : str
        What to give instead, in error messages.
    ndim : int or tuple of int, optional
        The numbers of axes allowed.
    shape : tuple, optional
        The shape required; ``None`` for an axis of any size.
    finite : bool, optional
        Whether NaN and infinite values are refused.
    """

    def __init__(self, name, hint, ndim=None, shape=None, finite=True, **kwargs):
        self.ndim = (ndim,) if isinstance(ndim, int) else ndim
        self.shape = shape
        self.finite = finite
        super().__init__(name, hint, **kwargs)

    def _coerce(self, instance, value):
        if value is None and self.optional:
            return None
        if isinstance(value, (bool, str)) or value is None:
            raise ValidationError("Must be an array of numbers", attr=self.name)
        try:
            array = np.array(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValidationError(
                "Must be an array of numbers", attr=self.name
            ) from None
        if self.ndim is not None and array.ndim not in self.ndim:
            axes = " or ".join(str(n) for n in self.ndim)
            noun = "axis" if self.ndim == (1,) else "axes"
            raise ValidationError(
                f"Must have {axes} {noun} (shape {array.shape})", attr=self.name
            )
        if self.shape is not None and (
            array.ndim != len(self.shape)
            or any(n is not None and n != m for n, m in zip(self.shape, array.shape))
        ):
            wanted = tuple("any" if n is None else n for n in self.shape)
            raise ValidationError(
                f"Must have shape {wanted} (shape {array.shape})", attr=self.name
            )
        if self.finite and not np.all(np.isfinite(array)):
            raise ValidationError(
                f"Must be finite (shape {array.shape}, with NaN or infinite values)",
                attr=self.name,
            )
        return params.Parameter.coerce(self, instance, array)


class DistributionParam(_HintedParam, params.Parameter):
    """A `nengo.dists.Distribution`, whose errors carry a ``hint``."""

    def _coerce(self, instance, value):
        if value is None and self.optional:
            return None
        if not isinstance(value, nengo.dists.Distribution):
            raise ValidationError("Must be a nengo distribution", attr=self.name)
        return params.Parameter.coerce(self, instance, value)


class SolverParam(_HintedParam, params.Parameter):
    """
    A decoder solver (`nengo.solvers.Solver`), optionally one that solves for
    weights (``weights=True``), whose errors carry a ``hint``.
    """

    def __init__(self, name, hint, weights=None, **kwargs):
        self.weights = weights
        super().__init__(name, hint, **kwargs)

    def _coerce(self, instance, value):
        if value is None and self.optional:
            return None
        if not isinstance(value, nengo.solvers.Solver):
            raise ValidationError("Must be a nengo.solvers.Solver", attr=self.name)
        if self.weights is not None and value.weights != self.weights:
            solves = "weights" if self.weights else "decoders"
            raise ValidationError(f"Must solve for {solves}", attr=self.name)
        return params.Parameter.coerce(self, instance, value)


def validate(param, value, obj=None):
    """
    Check a plain argument with a descriptor; return the coerced value.

    For function arguments, where a class-level descriptor cannot be used: the
    same descriptor classes, and the same messages, as for attributes.

    Parameters
    ----------
    param : nengo.params.Parameter
        A descriptor of this module (or any nengo parameter).
    value : object
        The value given.
    obj : object, optional
        The object the argument belongs to, named in the error message.

    Returns
    -------
    object
        ``value`` as the descriptor coerces it (e.g. a number as a float).

    Raises
    ------
    nengo.exceptions.ValidationError
        If the descriptor refuses ``value``.

    Examples
    --------
    >>> DT = NumberParam("dt", low=0, low_open=True, hint="give seconds")
    >>> validate(DT, 0.001)
    0.001
    """
    if value is None and not param.optional:
        raise ValidationError(
            f"Must be given ({param.name}=None); {getattr(param, 'hint', '')}",
            attr=param.name,
            obj=obj,
        )
    return param.coerce(obj, value)


#: The simulator time step, shared by every object that takes one.
DT = NumberParam(
    "dt",
    low=0,
    low_open=True,
    hint="give the simulator's time step in seconds",
)


def positive(name, hint):
    """A `NumberParam` for a finite number greater than zero."""
    return NumberParam(name, low=0, low_open=True, hint=hint)


def at_least(name, low, hint):
    """An `IntParam` for an integer greater than or equal to ``low``."""
    return IntParam(name, low=low, hint=hint)
