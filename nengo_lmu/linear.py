"""
Deprecated: this module moved to `nengo_lmu.system`.

``nengo_lmu.linear`` keeps its names working for one release, with a
`DeprecationWarning`; import them from `nengo_lmu.system` (or `nengo_lmu`).
"""

from nengo_lmu.deprecation import moved

__getattr__ = moved(
    "nengo_lmu.linear",
    "nengo_lmu.system",
    ("DISCRETIZERS", "discretize", "settling_steps", "simulate", "state_bound"),
)
