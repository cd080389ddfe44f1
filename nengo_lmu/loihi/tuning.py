"""Tuning a Loihi build to the chip: the input's copies, the state's range."""

import copy
import warnings

import nengo
import numpy as np
from nengo.exceptions import BuildError, ValidationError

from nengo_lmu.classifier import as_sequences
from nengo_lmu.loihi.cell import input_decay
from nengo_lmu.loihi.chip import import_nengo_loihi
from nengo_lmu.loihi.memory import LoihiLegendreMemory
from nengo_lmu.params import at_least, validate

# most copies of the input connection `LoihiLegendreMemory` tries per ensemble
MAX_INPUT_COPIES = 32


def choose_input_copies(memory, max_copies=MAX_INPUT_COPIES):
    """
    Per ensemble, the copies of the input that let the chip scale it most.

    nengo_loihi scales a core's weights, thresholds and biases by
    ``255 / w_max`` (``w_max`` its largest weight) times a power of two, the
    largest for which its thresholds and biases still fit the chip; every
    weight then rounds to a multiple of about ``w_max / 255``. The input's
    weights into a memory ensemble are the largest (two on/off input neurons
    carry as much as all the ensemble's neurons); ``k`` connections each
    carrying ``1/k`` of them lower ``w_max`` towards the largest recurrent
    weight. This builds the memory with nengo_loihi (not discretized) and, per
    ensemble, applies nengo_loihi's discretization of the core to each ``k``
    up to ``max_copies``, keeping the smallest ``k`` with the largest scale.

    Parameters
    ----------
    memory : LoihiLegendreMemory
        The memory, built with one connection per ensemble for its input.
    max_copies : int, optional
        The most copies tried per ensemble.

    Returns
    -------
    (order,) np.ndarray
        The number of copies for each state dimension (the largest over the
        memories, for ``size_in > 1``).
    """
    nengo_loihi = import_nengo_loihi("Choosing the copies of the input for Loihi")
    from nengo_loihi.builder.discretize import discretize_compartment

    max_copies = validate(
        at_least("max_copies", 1, "give the most copies to try, e.g. 32"), max_copies
    )
    if not isinstance(memory, LoihiLegendreMemory):
        raise ValidationError(
            f"Input copies are chosen for a LoihiLegendreMemory ({memory=}); "
            "build the memory with nengo_lmu.loihi.LoihiLegendreMemory",
            attr="memory",
        )
    if np.any(getattr(memory, "input_copies", 1) > 1):
        raise ValidationError(
            f"The memory's input is already shared between copies "
            f"(input_copies={list(memory.input_copies)}); give a memory built with "
            "input_copies=1",
            attr="memory",
            obj=memory,
        )

    def voltage_scale(compartment, w_max):
        try:
            info = discretize_compartment(copy.deepcopy(compartment), w_max)
        except BuildError:  # no weight exponent fits
            return 0.0
        return info["v_scale"]

    def largest(synapses):
        return max((np.abs(w).max() for s in synapses for w in s.weights), default=0.0)

    seed = 0 if memory.seed is None else memory.seed
    trial = nengo.Network(seed=seed, add_to_container=False)
    trial.networks.append(memory)
    with trial:
        driver = nengo.Node(np.zeros(memory.size_in))
        nengo.Connection(driver, memory.input, synapse=None)
    model = nengo_loihi.builder.Model(dt=memory.dt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.build(trial, discretize=False)

    # the synapses the host's spikes (the input) reach
    input_synapses = {axon.target for spikes in model.inputs for axon in spikes.axons}
    order = memory.system.order
    copies = np.ones(order, dtype=int)
    for k, ens in enumerate(memory.state_ensembles):
        # nengo_loihi may split the ensemble over cores (blocks), each scaled
        # on its own: the copies give the largest product of their scales
        log_scales = np.zeros(max_copies)
        for block in model.objs[ens]["out"]:
            inputs = [s for s in block.synapses if s in input_synapses]
            w_in = largest(inputs)
            w_rec = largest([s for s in block.synapses if s not in inputs])
            scales = [
                voltage_scale(block.compartment, max(w_in / n, w_rec))
                for n in range(1, max_copies + 1)
            ]
            with np.errstate(divide="ignore"):  # log2(0): no exponent fits
                log_scales += np.log2(scales)
        best = 1 + int(np.argmax(log_scales))  # the first of equal scales
        copies[k % order] = max(copies[k % order], best)
    return copies


def state_peaks(cell, x, weights=None):
    """
    The largest magnitude a `LoihiLMUCell` sends for each state, over sequences.

    A ``state_range`` fitted to the data: the default, a bound that holds for
    any input, is several times larger than what real sequences reach (order
    64 on psDigits: 4 to 8 times), which wastes the precision of the spikes
    that carry the state to the chip. Computed with the exact memory.

    Parameters
    ----------
    cell : LMUCell
        A cell with the memory (``order``, ``theta``, ``dt``, ``memory_d``) of
        the Loihi cell, e.g. the one trained in NengoDL.
    x : (n, steps, input_d) array_like
        Sequences, e.g. the training set.
    weights : dict, optional
        The cell's weights (`.LMUCell.get_weights`), if not its initial ones.

    Returns
    -------
    (memory_d * order,) np.ndarray
        Give it (times a margin, if the sequences are a sample) as
        ``LoihiLMUCell(state_range=...)``.
    """
    feedback = [n for n in ("hidden_to_memory", "memory_to_memory") if cell.options[n]]
    if feedback:
        raise ValidationError(
            f"The memory's input depends on the cell's feedback ({feedback[0]}); "
            "give state_range from a simulation of the data instead",
            attr="cell",
        )
    weights = cell.weights if weights is None else weights
    missing = [n for n in ("input_encoders", "memory_bias") if n not in weights]
    if "input_encoders" in missing or (cell.options["use_bias"] and missing):
        raise ValidationError(
            f"The weights lack {missing} (weights has {sorted(weights)}); give the "
            "cell's weights, e.g. cell.get_weights(sim)",
            attr="weights",
        )
    x = as_sequences(x, cell.input_d)
    u = x @ np.asarray(weights["input_encoders"]).T
    if cell.options["use_bias"]:
        u = u + weights["memory_bias"]
    a = input_decay(cell)
    # each sequence's memories, one after another: (n, memory_d, steps, 1)
    states = cell.discrete.steps(np.moveaxis(u, -1, 1)[..., None])
    m = next(states)
    peaks = np.zeros((cell.memory_d, cell.order))
    for m_next in states:
        sent = (m_next - a * m) / (1 - a)
        peaks = np.maximum(peaks, np.max(np.abs(sent), axis=0))
        m = m_next
    return peaks.ravel()
