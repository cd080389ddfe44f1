"""
Parameter descriptors whose errors say how to fix the value.

These are nengo's own descriptors with one addition: a ``hint`` that is appended
to every `~nengo.exceptions.ValidationError` they raise, so that a message names
the parameter, shows the value that was given and says what to give instead.
"""

import numbers

import numpy as np
from nengo import params
from nengo.exceptions import ValidationError


class _HintedParam:
    """Mixin appending a fix-it ``hint`` to the descriptor's validation errors."""

    def __init__(self, name, hint, **kwargs):
        self.hint = hint
        super().__init__(name, **kwargs)

    def coerce(self, instance, value):
        try:
            return super().coerce(instance, value)
        except ValidationError as e:
            raise ValidationError(
                f"{e.args[0]} ({self.name}={value!r}); {self.hint}",
                attr=self.name,
                obj=instance,
            ) from None


class NumberParam(_HintedParam, params.NumberParam):
    """A `nengo.params.NumberParam` whose errors carry a ``hint``."""


class IntParam(_HintedParam, params.IntParam):
    """A `nengo.params.IntParam` whose errors carry a ``hint``."""


class EnumParam(_HintedParam, params.EnumParam):
    """A `nengo.params.EnumParam` whose errors carry a ``hint``."""


def check_positive(value, attr, hint, obj=None):
    """
    Return ``value`` as a float, or raise if it is not a finite positive number.

    For plain function arguments, where a descriptor cannot be used.

    Parameters
    ----------
    value : float
        The value to check.
    attr : str
        The argument's name, used in the error message.
    hint : str
        What to give instead, appended to the error message.
    obj : object, optional
        The object the argument belongs to, used in the error message.

    Raises
    ------
    nengo.exceptions.ValidationError
        If ``value`` is not a finite number greater than zero.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
    ):
        raise ValidationError(
            f"Must be a finite number ({attr}={value!r}); {hint}", attr=attr, obj=obj
        )
    if value <= 0:
        raise ValidationError(
            f"Must be greater than 0 ({attr}={value!r}); {hint}", attr=attr, obj=obj
        )
    return float(value)


def check_integer(value, attr, low, hint, obj=None):
    """
    Return ``value`` as an int, or raise if it is not an integer >= ``low``.

    Parameters
    ----------
    value : int
        The value to check.
    attr : str
        The argument's name, used in the error message.
    low : int
        The smallest value allowed.
    hint : str
        What to give instead, appended to the error message.
    obj : object, optional
        The object the argument belongs to, used in the error message.

    Raises
    ------
    nengo.exceptions.ValidationError
        If ``value`` is not an integer (bools are not) or is below ``low``.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value < low
    ):
        raise ValidationError(
            f"Must be an integer >= {low} ({attr}={value!r}); {hint}",
            attr=attr,
            obj=obj,
        )
    return int(value)
