"""`check`: what a network will use on the Loihi chip, before it runs there."""

import warnings

import nengo
import numpy as np
from nengo.exceptions import BuildError, ValidationError

from nengo_lmu.loihi.chip import (
    INTERCEPT_LIMIT,
    MAX_NEURONS_PER_CORE,
    WEIGHT_BITS,
    WEIGHT_EXP_FLOOR,
    import_nengo_loihi,
    runs_on_chip,
)
from nengo_lmu.params import DT, validate

# `check` warns of a group of weights that this factor smaller (relative to
# its block's largest) would run twice as strong: on seed 0 of the order-6
# SpikingRectifiedLinear memory, a neuron_lead 10 microseconds shorter made
# one group cross it (1.95 times its strength instead of 0.94) and the delay
# NRMSE on the emulator went from 0.020 to 0.058
FLOOR_MARGIN = 1.1


class LoihiReport:
    """
    What a network uses on the Loihi chip; returned by `check`.

    Attributes
    ----------
    cores : int
        Neuron cores (one per block, after nengo_loihi splits blocks).
    neurons : int
        Compartments of the network's ensembles.
    decode_neurons : int
        Compartments nengo_loihi adds to decode values on the chip: for decoded
        on-chip connections, and for decoded outputs sent to the host.
    synapses : int
        Synaptic weights stored on the chip.
    synapse_bits : int
        Synapse memory they use, in bits (a core holds 1,048,576).
    blocks : list of dict
        Per block (core): ``label``, ``compartments``, ``weights``, ``bits``,
        ``in_axons``, ``out_axons``.
    weights : list of dict
        Per group of weights: ``label``, ``exponent`` (Loihi's weight
        exponent), ``bits`` (of the 7 magnitude bits, those the quantized
        weights use), ``bits_lost`` (``7 - bits``), ``zeroed`` (fraction of
        nonzero weights rounded to zero), ``error`` (RMS error of the
        quantized weights relative to their RMS, at the scale of the block's
        largest weights) and ``strength`` (how strongly the chip runs the
        group relative to the block's largest weights: 1, unless nengo_loihi
        floored its exponent; then a warning names it) and ``headroom`` (how
        many times smaller, relative to the block's largest weights, the
        group's weights may get before nengo_loihi's exponent floor doubles
        them on the chip; a warning names groups within ``FLOOR_MARGIN`` of it).
    decoded : list of nengo.Connection
        On-chip connections that go through decode neurons (a solver without
        ``weights=True``).
    warnings : list of str
        What will run, but not as the network says (e.g. clipped intercepts).
    """

    def __init__(self):
        self.blocks = []
        self.weights = []
        self.decoded = []
        self.warnings = []
        self.neurons = 0
        self.decode_neurons = 0

    @property
    def cores(self):
        return len(self.blocks)

    @property
    def synapses(self):
        return sum(b["weights"] for b in self.blocks)

    @property
    def synapse_bits(self):
        return sum(b["bits"] for b in self.blocks)

    def worst_weights(self, n=5):
        """The ``n`` groups of weights with the largest quantization error."""
        return sorted(self.weights, key=lambda w: -w["error"])[:n]

    def __str__(self):
        lines = [
            f"Loihi: {self.cores} cores, {self.neurons} neurons "
            f"(+{self.decode_neurons} decode neurons), {self.synapses} weights "
            f"({self.synapse_bits} bits)"
        ]
        if self.weights:
            lost = np.array([w["bits_lost"] for w in self.weights])
            error = np.array([w["error"] for w in self.weights])
            lines.append(
                f"weights: {len(self.weights)} groups, bits lost median "
                f"{np.median(lost):.0f} max {lost.max():.0f}; quantization error "
                f"median {np.median(error):.3f} max {error.max():.3f}"
            )
            for w in self.worst_weights(3):
                lines.append(
                    f"  {w['label']}: exponent {w['exponent']}, {w['bits']} bits, "
                    f"{w['zeroed']:.0%} zeroed, error {w['error']:.3f}"
                )
        if self.decoded:
            lines.append(
                f"{len(self.decoded)} decoded on-chip connections go through "
                "decode neurons (use a solver with weights=True)"
            )
        lines.extend(f"warning: {w}" for w in self.warnings)
        return "\n".join(lines)


def _flat(weights):
    """A list of weight arrays as one flat float64 array."""
    return np.concatenate([w.ravel() for w in weights]).astype(np.float64)


def _weight_scale(w0, w1):
    """The factor from float ``w0`` to integer ``w1``, fit on the largest weights."""
    if not np.any(w0):
        return 1.0
    large = np.abs(w0) >= 0.5 * np.abs(w0).max()
    return (w1[large] @ w0[large]) / (w0[large] @ w0[large])


def _floor_headroom(w_block, w_group, block_exponent):
    """
    How many times smaller a group's weights may get before the chip doubles them.

    nengo_loihi gives a group the exponent ``block_exponent - floor(log2(w_block
    / w_group))`` (``w_block`` the largest weight into its block, ``w_group``
    the group's), floored at `WEIGHT_EXP_FLOOR` without rescaling the weights:
    each step below the floor doubles the group on the chip. The result is the
    factor, relative to the block's largest weight, by which the group can
    shrink before the next such doubling (at least 1).
    """
    ratio = np.log2(w_block / w_group)
    next_doubling = max(block_exponent - WEIGHT_EXP_FLOOR + 1, np.floor(ratio) + 1)
    return float(2.0 ** (next_doubling - ratio))


def _quantization(label, float_weights, int_weights, exponent, scale):
    """
    What quantization did to a group of weights.

    ``scale`` is the block's factor from float to integer weights (fit on its
    largest group): a group scaled differently (nengo_loihi's exponent floor)
    shows as a large error.
    """
    w0, w1 = _flat(float_weights), _flat(int_weights)
    nonzero = w0 != 0
    if not np.any(nonzero):
        return None
    levels = w1[w1 != 0]
    if levels.size:
        quantum = np.gcd.reduce(np.abs(levels).astype(np.int64))
        bits = int(np.ceil(np.log2(np.abs(levels).max() / quantum + 1)))
    else:
        bits = 0
    bits = min(bits, WEIGHT_BITS)
    return dict(
        label=label,
        exponent=int(exponent),
        bits=bits,
        bits_lost=WEIGHT_BITS - bits,
        zeroed=float(np.mean(w1[nonzero] == 0)),
        error=float(np.linalg.norm(w1 / scale - w0) / np.linalg.norm(w0)),
        strength=float(_weight_scale(w0, w1) / scale),
    )


def _check_frontend(network, split, report):
    """Refuse, with the reason, what nengo_loihi cannot put on the chip."""
    on_chip = split.hostchip.on_chip
    for ens in network.all_ensembles:
        if not on_chip(ens):
            continue
        if not runs_on_chip(ens.neuron_type):
            raise ValidationError(
                f"Loihi cannot run {ens.neuron_type} neurons ({ens}); use "
                "nengo.LIF() or nengo.SpikingRectifiedLinear(), or keep the "
                "ensemble off the chip with nengo_loihi.add_params(net) and "
                "net.config[ens].on_chip = False",
                attr="neuron_type",
                obj=ens,
            )
        if ens.noise is not None:
            raise ValidationError(
                f"Loihi has no per-ensemble noise process ({ens}, noise="
                f"{ens.noise}); set noise=None, or keep the ensemble off the chip",
                attr="noise",
                obj=ens,
            )
        if (
            ens.n_neurons > MAX_NEURONS_PER_CORE
            and network.config[ens].block_shape is None
        ):
            raise ValidationError(
                f"{ens} has {ens.n_neurons} neurons, more than a core's "
                f"{MAX_NEURONS_PER_CORE}; split it into ensembles of at most "
                f"{MAX_NEURONS_PER_CORE} neurons (e.g. by dimension, as "
                "LoihiLegendreMemory does), or set net.config[ens].block_shape "
                "to split it over cores explicitly",
                attr="n_neurons",
                obj=ens,
            )
        high = ens.intercepts
        high = high.high if isinstance(high, nengo.dists.Uniform) else np.max(high)
        if isinstance(high, (int, float, np.number)) and high > INTERCEPT_LIMIT:
            report.warnings.append(
                f"{ens}: intercepts up to {high} are clipped to {INTERCEPT_LIMIT}"
                f"; give intercepts at most {INTERCEPT_LIMIT} (e.g. "
                "Uniform(-1, 0.5)) so the decoders match the chip"
            )

    removed = split.passthrough.to_remove
    connections = [c for c in network.all_connections if c not in removed]
    for conn in connections + list(split.passthrough.to_add):
        pre, post = _base(conn.pre_obj), _base(conn.post_obj)
        if not (
            isinstance(pre, nengo.Ensemble)
            and isinstance(post, nengo.Ensemble)
            and on_chip(pre)
            and on_chip(post)
        ):
            continue
        if conn.synapse is not None and not isinstance(conn.synapse, nengo.Lowpass):
            raise ValidationError(
                f"Loihi's on-chip synapses are first-order lowpass filters "
                f"({conn}, synapse={conn.synapse}); use nengo.Lowpass(tau) or "
                "None, or keep one end of the connection off the chip",
                attr="synapse",
                obj=conn,
            )
        if isinstance(conn.pre_obj, nengo.Ensemble) and not conn.solver.weights:
            report.decoded.append(conn)


def _base(obj):
    """The ensemble of a `nengo.ensemble.Neurons`, else the object itself."""
    if isinstance(obj, nengo.ensemble.Neurons):
        return obj.ensemble
    return obj


def _build_undiscretized(network, dt):
    """
    Build the network as ``nengo_loihi.Simulator`` would, with float weights.

    The model is built with ``discretize=False`` (and nengo_loihi's warnings
    silenced), so that the weights can be kept before `_discretize_blocks`
    turns them into Loihi's integers. What nengo_loihi cannot build (including
    the ``NotImplementedError`` it raises for what the chip lacks) is raised as
    a `nengo.exceptions.BuildError` naming the network.
    """
    from nengo_loihi.builder import Model

    model = Model(dt=float(dt), label=f"check {network}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model.build(network, discretize=False)
        # nengo_loihi raises NotImplementedError for what the chip lacks (e.g.
        # a synapse other than Lowpass on a connection it builds)
        except (BuildError, NotImplementedError, ValueError) as error:
            raise BuildError(f"nengo_loihi cannot build {network}: {error}") from error
    return model


def _float_weights(model):
    """
    A copy of each synapse's float weights, before discretization.

    Returns a dict from each synapse of each block of ``model`` to a list of
    copies of its weight arrays, which discretization then replaces in place
    by integers: the float weights are what quantization is measured against.
    """
    return {
        synapse: [np.array(w, copy=True) for w in synapse.weights]
        for block in model.blocks
        for synapse in block.synapses
    }


def _discretize_blocks(model, float_weights):
    """
    Discretize each block of ``model`` in place, as nengo_loihi would.

    When a block's weights cannot be represented by Loihi's weight exponents
    (they are too small next to its neurons' thresholds and biases), raise a
    `nengo.exceptions.BuildError` that names the block, its largest float
    weight (from ``float_weights``) and what to change.
    """
    from nengo_loihi.builder.discretize import discretize_block

    for block in model.blocks:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                discretize_block(block)
        except BuildError as error:
            w_max = max(
                (np.abs(w).max() for s in block.synapses for w in float_weights[s]),
                default=0,
            )
            raise BuildError(
                f"The weights into {block.label} (largest {w_max:.3g}) are too "
                "small next to its neurons' thresholds and biases for Loihi's "
                f"weight exponents ({error}); if it is the decode neurons of a "
                "connection, give that connection a solver with weights=True or "
                "drop its near-zero transform entries"
            ) from error


def _validate(model):
    """
    Check the discretized model against a core's limits, as nengo_loihi would.

    nengo_loihi's `nengo.exceptions.BuildError` for a block exceeding a core's
    axons or synapse memory is raised again with what to change appended.
    """
    from nengo_loihi.builder.validate import validate_model

    try:
        validate_model(model)
    except BuildError as error:
        raise BuildError(
            f"{error}; give the ensemble fewer neurons or inputs, or split it "
            "(e.g. net.config[ens].block_shape)"
        ) from error


def _block_usage(block):
    """
    What a discretized block (one core) uses: a `LoihiReport.blocks` entry.

    The dict has the block's ``label``, its ``compartments``, the number of
    its synaptic ``weights``, the synapse memory they use in ``bits``, and its
    ``in_axons`` and ``out_axons``, from nengo_loihi's ``block.utilization()``.
    """
    usage = block.utilization()
    return dict(
        label=block.label,
        compartments=block.compartment.n_compartments,
        weights=int(sum(w.size for s in block.synapses for w in s.weights)),
        bits=int(usage["synapses"][0]),
        in_axons=int(usage["in-axons"][0]),
        out_axons=int(usage["out-axons"][0]),
    )


def _block_scale(block, float_weights):
    """
    The block's factor from float to integer weights, fit on its largest group.

    The group (synapse) with the largest float weight into the block sets the
    scale against which every group's quantization error and strength are
    measured (see `_quantization`).
    """
    largest = max(
        block.synapses,
        key=lambda s: max((np.abs(w).max() for w in float_weights[s]), default=0),
    )
    return _weight_scale(_flat(float_weights[largest]), _flat(largest.weights))


def _weight_groups(block, float_weights):
    """
    What quantization did to each group of weights into a discretized block.

    Returns a list of `LoihiReport.weights` entries, one per synapse of the
    block with nonzero float weights: `_quantization` measured at the block's
    scale (`_block_scale`), plus the group's ``headroom`` before nengo_loihi's
    exponent floor (`_floor_headroom`). A block without synapses has none.
    """
    if not block.synapses:
        return []
    scale = _block_scale(block, float_weights)
    info = block.compartment.discretize_info
    groups = []
    for synapse in block.synapses:
        q = _quantization(
            f"{block.label} <- {synapse.label}",
            float_weights[synapse],
            synapse.weights,
            synapse.synapse_cfg.weight_exp,
            scale,
        )
        if q is None:
            continue
        q["headroom"] = _floor_headroom(
            info["w_max"],
            np.abs(_flat(float_weights[synapse])).max(),
            info["w_exp"],
        )
        groups.append(q)
    return groups


def _weight_warnings(q):
    """
    The warnings for a group of weights ``q`` (a `LoihiReport.weights` entry).

    One when the chip runs the group more than about 1.4 times too strong or
    too weak (nengo_loihi floored its exponent), and one when its ``headroom``
    is within `FLOOR_MARGIN` of such a doubling; in that order.
    """
    messages = []
    if abs(np.log2(q["strength"])) > 0.5:
        messages.append(
            f"{q['label']}: runs {q['strength']:.1f} times too strong on "
            "the chip (nengo_loihi floors its weight exponent at "
            f"{WEIGHT_EXP_FLOOR}, and its weights are much smaller than "
            "the largest into the block); leave the connection out if "
            "it is negligible, or make its weights larger relative to "
            "the block's"
        )
    if q["headroom"] < FLOOR_MARGIN:
        messages.append(
            f"{q['label']}: {q['headroom'] - 1:.1%} smaller, relative to "
            "the largest weights into the block, it would run twice as "
            "strong on the chip (nengo_loihi's weight exponent floor), so "
            "small changes of the weights (another seed, lead or gain) "
            "may change the network's accuracy on the chip; compare "
            "seeds, or make its weights larger relative to the block's"
        )
    return messages


def _measure(model, float_weights, report):
    """
    Add each block of the discretized ``model`` to ``report``, with its weights.

    Per block: its compartments, counted as decode neurons for nengo_loihi's
    decode-neuron blocks and as neurons otherwise, its usage (`_block_usage`),
    and per group of weights into it its quantization (`_weight_groups`) and
    warnings (`_weight_warnings`).
    """
    decode_blocks = set(model.connection_decode_neurons.values())
    for block in model.blocks:
        usage = _block_usage(block)
        if block in decode_blocks:
            report.decode_neurons += usage["compartments"]
        else:
            report.neurons += usage["compartments"]
        report.blocks.append(usage)
        for q in _weight_groups(block, float_weights):
            report.weights.append(q)
            report.warnings.extend(_weight_warnings(q))


def check(network, dt=0.001):
    """
    Report what a network will use on Loihi, or refuse what cannot run there.

    The network is built as ``nengo_loihi.Simulator(network, dt=dt)`` builds
    it (nothing is simulated), with the weights kept before and after Loihi's
    discretization to measure what quantization costs them.

    Parameters
    ----------
    network : nengo.Network
        The whole network, as it will be given to ``nengo_loihi.Simulator``.
    dt : float, optional
        The simulator's time step, in seconds.

    Returns
    -------
    LoihiReport
        Cores, neurons, weights and their bits; ``print`` it for a summary.

    Raises
    ------
    nengo.exceptions.ValidationError
        For something other than a network or a time step that is not a
        positive number; for an on-chip ensemble with a neuron type or noise
        the chip does not have, or with more than 1,024 neurons (without a
        ``block_shape``), and for an on-chip connection with a synapse other
        than `nengo.Lowpass`.
    nengo.exceptions.BuildError
        When nengo_loihi cannot build the network, when the weights into a
        block span more than Loihi's weight exponents can represent, or when
        a block exceeds a core's axons or synapse memory.
    """
    if not isinstance(network, nengo.Network):
        raise ValidationError(
            f"Must be a nengo.Network (network={network!r}); give the whole "
            "network you will give to nengo_loihi.Simulator",
            attr="network",
        )
    dt = validate(DT, dt)
    import_nengo_loihi("Checking a network for Loihi")
    from nengo_loihi.splitter import Split

    report = LoihiReport()
    _check_frontend(network, Split(network), report)
    model = _build_undiscretized(network, dt)
    float_weights = _float_weights(model)
    _discretize_blocks(model, float_weights)
    _validate(model)
    _measure(model, float_weights, report)
    return report
