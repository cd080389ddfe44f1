"""
`TimestepCheck`: networks mapped for one time step refuse a simulator at another.

A network whose connection weights are computed for one ``dt`` (a
`.LegendreMemory` mapped onto its synapse, an `.LMUCell`'s discretized memory)
holds a `TimestepCheck`. It is a Node with no connections and no computation:
the builder of every simulator built on nengo's (nengo, nengo_dl, nengo_loihi's
host) checks the simulator's ``dt`` against it and adds nothing to the model,
so it costs nothing at run time and NengoDL does not take it for an input.
"""

import nengo
import numpy as np
from nengo.builder import Builder
from nengo.exceptions import SimulationError


class TimestepCheck(nengo.Node):
    """
    A Node that makes the build fail unless the simulator runs at ``dt``.

    Parameters
    ----------
    dt : float
        The time step the network was built for, in seconds.
    owner : str
        Names the network in the error message.
    """

    def __init__(self, dt, owner):
        # an input of one dimension: NengoDL feeds Nodes of no input with data
        super().__init__(output=None, size_in=1, label="check_dt")
        self.dt = dt
        self.owner = owner


@Builder.register(TimestepCheck)
def build_timestep_check(model, check):
    """Refuse a model whose ``dt`` is not the one ``check`` was built for."""
    if not np.isclose(model.dt, check.dt, rtol=1e-9, atol=0):
        raise SimulationError(
            f"{check.owner} was mapped for dt={check.dt} but the simulator runs at "
            f"dt={model.dt}; build it with dt={model.dt}, or run the simulator at "
            f"dt={check.dt}"
        )
