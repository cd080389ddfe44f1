"""
What training and simulation backends read from a network's config.

nengo_lmu's networks declare which of their parts are constant (the Legendre
memory: it is not trained) and which probes need only their last time step,
through the config parameters that nengo_dl reads (``trainable`` and
``keep_history``). The parameters are nengo's own (`nengo.params.BoolParam`);
nothing here imports a backend, so a network is the same whether or not nengo_dl
is installed.
"""

import nengo
from nengo.exceptions import ConfigError
from nengo.params import BoolParam

#: Objects whose ``trainable`` parameter nengo_dl reads.
TRAINABLE_TYPES = (nengo.Ensemble, nengo.Connection, nengo.ensemble.Neurons)


def _declare(config, cls, name, default):
    """Add the parameter ``name`` to ``config[cls]``, unless it has one."""
    try:
        params = config[cls]
    except ConfigError:
        config.configures(cls)
        params = config[cls]
    try:
        getattr(params, name)
    except (AttributeError, ConfigError):
        params.set_param(name, BoolParam(name, default, optional=True))


def fix(network, objects):
    """
    Mark objects of ``network`` as constant: training leaves them as they are.

    Parameters
    ----------
    network : nengo.Network
        The network whose config holds the marks (the objects' network or one
        enclosing it).
    objects : iterable of nengo.Ensemble, nengo.Connection or nengo.ensemble.Neurons
        The objects not to train.
    """
    for cls in TRAINABLE_TYPES:
        _declare(network.config, cls, "trainable", None)
    for obj in objects:
        network.config[obj].trainable = False


def fix_all(network):
    """
    Mark every object inside ``network`` as constant (unless marked otherwise).

    Parameters
    ----------
    network : nengo.Network
        The network none of whose objects are trained.
    """
    for cls in TRAINABLE_TYPES:
        _declare(network.config, cls, "trainable", False)
        network.config[cls].trainable = False


def keep_last_step(probe):
    """
    Mark a probe as needing only its last time step (nengo_dl's ``keep_history``).

    nengo_dl reads the mark from the top-level network's config: the outermost
    network being built when this is called (`nengo.Network.context`), which is
    the network to simulate.

    Parameters
    ----------
    probe : nengo.Probe
        The probe whose history is not kept.

    Raises
    ------
    nengo.exceptions.NetworkContextError
        Outside any network context.
    """
    if not nengo.Network.context:
        raise nengo.exceptions.NetworkContextError(
            "keep_last_step must be called inside the network to simulate "
            "(with nengo.Network(): ...)"
        )
    toplevel = nengo.Network.context[0]
    _declare(toplevel.config, nengo.Probe, "keep_history", True)
    toplevel.config[probe].keep_history = False
