"""
Deprecated: this module moved to `nengo_lmu.system`.

``nengo_lmu.linear`` keeps its names working for one release, with a
`DeprecationWarning`; import them from `nengo_lmu.system` (or `nengo_lmu`).
"""

import warnings

from nengo_lmu import system as _system

_MOVED = ("DISCRETIZERS", "discretize", "settling_steps", "simulate", "state_bound")


def __getattr__(name):
    if name in _MOVED:
        warnings.warn(
            f"nengo_lmu.linear.{name} moved to nengo_lmu.system.{name}; use "
            f"nengo_lmu.system.{name}: nengo_lmu.linear will be removed in the next "
            "release",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(_system, name)
    raise AttributeError(f"module 'nengo_lmu.linear' has no attribute {name!r}")
