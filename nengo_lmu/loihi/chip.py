"""
Facts about the Loihi chip and nengo_loihi that the Loihi builds depend on.

Nothing here imports nengo_loihi until it is needed, so the rest of
`nengo_lmu.loihi` imports without it.
"""

import warnings

import nengo

from nengo_lmu.params import EnumParam, validate

BUILT_FOR = EnumParam("built_for", values=("loihi", "nengo"))

MAX_NEURONS_PER_CORE = 1024
# nengo_loihi raises no intercept above this (``Model.intercept_limit``); it
# clips larger ones, which changes the tuning curves the decoders assume
INTERCEPT_LIMIT = 0.95
WEIGHT_BITS = 7  # magnitude bits of a mixed-sign 8-bit weight
CHIP_NEURON_TYPES = (nengo.LIF, nengo.SpikingRectifiedLinear)
# nengo_loihi gives each group of weights into a block an exponent relative to
# the block's largest weights, but floors it at -6 without rescaling the
# weights: a group more than 2**6 times smaller than the largest runs too
# strong on the chip (62 times, measured on the first state dimension's own
# coupling at order 6). Couplings that small are left out of the network.
WEIGHT_EXP_FLOOR = -6
MIN_COUPLING = 2.0**WEIGHT_EXP_FLOOR
# time steps by which the delay read out on the host lags on the emulator: the
# input reaches the chip through spiking input neurons and an axon delay, and
# the state returns to the host through probes (measured: order 6, the delay
# NRMSE is lowest 1-2 steps late)
LOIHI_LATENCY_STEPS = 1.5
# nengo_loihi's filter on whatever the host sends to the chip (its
# ``Model.decode_tau``)
DECODE_TAU = 0.005
# time steps by which an LMU cell's output lags on the emulator: the memory
# state reaches the chip through spiking input neurons and an axon delay, and
# the hidden state returns to the host through probes (measured against the
# same network in nengo, built_for="nengo")
CELL_LATENCY_STEPS = 1
# default recurrent time constant on the chip: the recurrent weights grow with
# it, and so does the effect of the chip neurons' integer-step dynamics
CHIP_TAU = 0.05


def import_nengo_loihi(what):
    try:
        import nengo_loihi
    except ImportError as error:  # pragma: no cover (tests need nengo_loihi)
        raise ImportError(
            f"{what} needs nengo_loihi; install it with `pip install nengo-lmu[loihi]`"
        ) from error
    return nengo_loihi


def runs_on_chip(neuron_type):
    """Whether nengo_loihi runs this neuron type on the chip."""
    if isinstance(neuron_type, CHIP_NEURON_TYPES):
        return True
    if isinstance(neuron_type, nengo.RegularSpiking):
        return type(neuron_type.base_type) in (nengo.LIFRate, nengo.RectifiedLinear)
    return False


def chip_neuron_model(neuron_type):
    """
    nengo_loihi's model of a neuron type as the chip runs it, for nengo.

    Run a network in nengo with these neurons to see what the chip's neurons
    (whole-step spikes, reset to zero) cost, apart from the rest of the chip.

    Parameters
    ----------
    neuron_type : nengo.neurons.NeuronType
        A neuron type the chip runs.

    Returns
    -------
    nengo.neurons.NeuronType
        ``nengo_loihi.neurons.LoihiLIF`` for `nengo.LIF`,
        ``LoihiSpikingRectifiedLinear`` for `nengo.SpikingRectifiedLinear` (with
        the same parameters); any other type unchanged.
    """
    neurons = import_nengo_loihi("Modelling Loihi neurons").neurons
    if isinstance(neuron_type, (neurons.LoihiLIF, neurons.LoihiSpikingRectifiedLinear)):
        return neuron_type
    if type(neuron_type) is nengo.LIF:
        return neurons.LoihiLIF(
            tau_rc=neuron_type.tau_rc,
            tau_ref=neuron_type.tau_ref,
            min_voltage=neuron_type.min_voltage,
            amplitude=neuron_type.amplitude,
        )
    if type(neuron_type) is nengo.SpikingRectifiedLinear:
        return neurons.LoihiSpikingRectifiedLinear(amplitude=neuron_type.amplitude)
    return neuron_type


def built_for_argument(built_for, target, obj):
    """
    ``built_for``, checked; ``target`` is its deprecated name.

    Parameters
    ----------
    built_for : {"loihi", "nengo"}
        The simulator a network is built for: ``"loihi"`` for
        ``nengo_loihi.Simulator`` (the chip, or its emulator with nengo_loihi's
        ``target="sim"``), ``"nengo"`` for nengo and nengo_dl.
    target : str or None
        The same, under the name of earlier releases.
    obj : object
        The network, named in error messages.

    Returns
    -------
    str
    """
    if target is not None:
        warnings.warn(
            f"target={target!r} is deprecated; use built_for={target!r} (it is not "
            "nengo_loihi's target, which chooses the chip or its emulator)",
            DeprecationWarning,
            stacklevel=3,
        )
        built_for = target
    return validate(BUILT_FOR, built_for, obj)
