"""
Sequence classification with an `.LMUCell`.

`LMUClassifier` is keras-lmu's usual model (an ``LMU`` layer and a ``Dense``
readout on the last time step) as a `nengo.Network`; `classify_stream` scores
sequences in any simulator, one after another in one run. The NengoDL training
loop and evaluation that go with it are in `nengo_lmu.dl`.
"""

import warnings

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.cell import LMUCell
from nengo_lmu.config import keep_last_step
from nengo_lmu.deprecation import moved
from nengo_lmu.params import ArrayParam, BoolParam, at_least, shown, validate
from nengo_lmu.system import synapse_settling_steps
from nengo_lmu.weights import glorot_uniform, weight_rng

#: Fraction of a sequence's state left when the next starts (`.classify_stream`).
SETTLED = 0.01
N_CLASSES = at_least("n_classes", 1, "give the number of classes")
GAP = at_least("gap", 0, "give the steps of zeros between sequences")
#: Weights of the readout, in addition to the cell's.
READOUT_WEIGHTS = ("readout", "readout_bias")
#: Fraction of the hidden synapse's state left out of a `replay_window`.
REPLAY_RTOL = 1e-3


class LMUClassifier(nengo.Network):
    """
    An `.LMUCell` with a linear readout of its hidden state: a classifier.

    Parameters
    ----------
    n_classes : int
        Number of classes (outputs of the readout).
    probe_neurons : bool, optional
        Also probe the hidden neurons, and those of a memory in neurons (for
        `.firing_rates`).
    weights : dict, optional
        Initial weights: the cell's (see `.LMUCell.weights`) and the readout's
        ``readout`` (n_classes, units) and ``readout_bias`` (n_classes,), e.g.
        from `.get_weights`. Missing ones are initialized as in Keras.
    label : str, optional
        Name of the network.
    seed : int, optional
        Seed of the initial weights (by default derived from the enclosing
        network's seed, see `.weight_rng`).
    add_to_container : bool, optional
        Whether to add the network to the enclosing network.
    cell_type : type, optional
        The cell: `.LMUCell`, or a subclass such as `.loihi.LoihiLMUCell`.
    **cell_kwargs
        Parameters of the cell (``units``, ``order``, ``theta``, ...).

    Attributes
    ----------
    input : nengo.Node
        The input sequence (feed it with ``{classifier.input: x}`` in NengoDL).
    cell : LMUCell
        The LMU cell.
    output : nengo.Node
        The class scores (logits).
    probe : nengo.Probe
        Probe of ``output``; in NengoDL it keeps only the last time step
        (`.config.keep_last_step`), so a loss on it is a loss on the last step.
    neuron_probe : nengo.Probe or None
        Probe of the hidden neurons, if ``probe_neurons``.
    memory_neuron_probes : list of nengo.Probe
        Probes of the memory's neurons, one per ensemble, if ``probe_neurons``
        and the memory is in neurons.
    """

    def __init__(
        self,
        n_classes,
        probe_neurons=False,
        weights=None,
        label=None,
        seed=None,
        add_to_container=None,
        cell_type=LMUCell,
        **cell_kwargs,
    ):
        super().__init__(label=label, seed=seed, add_to_container=add_to_container)
        if not (isinstance(cell_type, type) and issubclass(cell_type, LMUCell)):
            raise ValidationError(
                f"Must be LMUCell or a subclass of it ({cell_type=!r}); give e.g. "
                "nengo_lmu.loihi.LoihiLMUCell",
                attr="cell_type",
                obj=self,
            )
        weights = {} if weights is None else dict(weights)
        readout = {
            name: weights.pop(name) for name in READOUT_WEIGHTS if name in weights
        }
        with self:
            self.cell = cell_type(weights=weights, seed=seed, **cell_kwargs)
            self.n_classes = validate(N_CLASSES, n_classes, self)
            shape = (self.n_classes, self.cell.units)
            if "readout" not in readout:
                rng = weight_rng(self)
                readout["readout"] = glorot_uniform(*shape[::-1]).sample(
                    *shape, rng=rng
                )
            readout.setdefault("readout_bias", np.zeros(self.n_classes))
            for name, value in readout.items():
                expected = shape if name == "readout" else shape[:1]
                hint = f"give {name} as a {expected} array of finite numbers"
                try:
                    value = validate(ArrayParam(name, hint), value)
                except ValidationError as error:
                    raise ValidationError(
                        error.args[0], attr="weights", obj=self
                    ) from None
                if value.shape != expected:
                    raise ValidationError(
                        f"{name} has shape {value.shape}; this classifier needs "
                        f"{expected}: {hint}",
                        attr="weights",
                        obj=self,
                    )
                readout[name] = value

            self.input = nengo.Node(np.zeros(self.cell.input_d), label="input")
            nengo.Connection(self.input, self.cell.input, synapse=None)
            self.output = nengo.Node(size_in=self.n_classes, label="output")
            self.readout = nengo.Connection(
                self.cell.output,
                self.output,
                transform=readout["readout"],
                synapse=None,
            )
            one = nengo.Node(np.ones(1), label="one")
            self.readout_bias = nengo.Connection(
                one,
                self.output,
                transform=readout["readout_bias"][:, None],
                synapse=None,
            )
            self.probe = nengo.Probe(self.output, label="scores")
            self.neuron_probe = (
                nengo.Probe(self.cell.hidden.neurons, label="hidden neurons")
                if probe_neurons
                else None
            )
            memory = self.cell.memory
            self.memory_neuron_probes = (
                [
                    nengo.Probe(ensemble.neurons, label="memory neurons")
                    for ensemble in memory.state_ensembles
                ]
                if probe_neurons and memory is not None
                else []
            )
            keep_last_step(self.probe)

    def get_weights(self, sim):
        """
        The classifier's current weights in a simulator.

        Parameters
        ----------
        sim : nengo.Simulator or nengo_dl.Simulator
            A simulator built from a network containing this classifier.

        Returns
        -------
        dict
            The cell's weights (`.LMUCell.get_weights`), ``readout`` and
            ``readout_bias``; give them to a new classifier (``weights=...``).
        """
        weights = self.cell.get_weights(sim)
        weights["readout"] = np.array(sim.data[self.readout].weights)
        weights["readout_bias"] = np.array(sim.data[self.readout_bias].weights)[:, 0]
        return weights


def as_sequences(x, input_d, attr="x", dtype=float):
    """
    Sequences checked: a float array (n, steps, input_d) of finite values.

    Parameters
    ----------
    x : array_like
        The sequences.
    input_d : int
        Their dimensions (the cell's ``input_d``).
    attr : str, optional
        The argument's name, in error messages.
    dtype : numpy dtype or None, optional
        The array's type; None keeps that of ``x`` (e.g. float32 memory states,
        too large to copy), which must be numbers.

    Returns
    -------
    (n, steps, input_d) np.ndarray

    Raises
    ------
    nengo.exceptions.ValidationError
        For another shape, no sequence or no step, or values that are not finite.
    """
    try:
        array = np.asarray(x, dtype=dtype)
        if not np.issubdtype(array.dtype, np.number):
            raise TypeError(array.dtype)
    except (TypeError, ValueError):
        raise ValidationError(
            f"Must be numbers ({attr}={shown(x)}); give an array (n, steps, "
            f"{input_d}) of sequences",
            attr=attr,
        ) from None
    if array.ndim != 3 or array.shape[2] != input_d or 0 in array.shape[:2]:
        raise ValidationError(
            f"Sequences have shape {array.shape} ({attr}); give an array (n, steps, "
            f"{input_d}) of at least one sequence of at least one step",
            attr=attr,
        )
    if not np.all(np.isfinite(array)):
        raise ValidationError(
            f"Sequences hold NaN or infinite values ({attr}); give finite data",
            attr=attr,
        )
    return array


def as_labels(y, n, n_classes, attr="y"):
    """
    Class labels checked: ``n`` integers in ``[0, n_classes)``.

    Parameters
    ----------
    y : array_like
        The labels, one per sequence.
    n : int
        The number of sequences.
    n_classes : int
        The number of classes.
    attr : str, optional
        The argument's name, in error messages.

    Returns
    -------
    (n,) np.ndarray of int

    Raises
    ------
    nengo.exceptions.ValidationError
        For another length, values that are not whole numbers, or classes out
        of range.
    """
    array = np.asarray(y)
    if array.shape != (n,):
        raise ValidationError(
            f"Labels have shape {array.shape} ({attr}); give one class per "
            f"sequence, shape ({n},)",
            attr=attr,
        )
    if not np.issubdtype(array.dtype, np.integer):
        whole = np.issubdtype(array.dtype, np.floating) and np.all(
            np.isfinite(array) & (array == np.round(array))
        )
        if not whole:
            raise ValidationError(
                f"Labels must be class numbers ({attr} has dtype {array.dtype}"
                "); give integers, e.g. y.astype(int)",
                attr=attr,
            )
    if np.any((array < 0) | (array >= n_classes)):
        raise ValidationError(
            f"Labels must lie in [0, {n_classes}) ({attr} ranges over "
            f"[{array.min()}, {array.max()}]); give the classes counted from 0",
            attr=attr,
        )
    return array.astype(int)


__getattr__ = moved(
    "nengo_lmu.classifier",
    "nengo_lmu.dl",
    ("accuracy", "classify", "firing_rates", "train_classifier"),
)


def classify_stream(
    classifier,
    x,
    gap=None,
    network=None,
    simulator=nengo.Simulator,
    reset=False,
    **sim_kwargs,
):
    """
    Class scores of sequences run one after another in one simulation.

    For simulators that cannot be reset or fed minibatches, such as
    ``nengo_loihi.Simulator``: the sequences are presented one after another on
    ``classifier.input``, each followed by ``gap`` steps of zeros that let the
    memory and the synapses forget it, and each is scored ``output_latency``
    after its last step (`.LMUCell.output_latency`: when the simulator
    delivers the output late). The default gap leaves less than 1% of the
    memory's state (`.LinearSystem.settling_steps`) and of the hidden synapse's, so
    the scores are those of sequences run from rest, unless the cell has
    feedback of its own (``hidden_to_hidden``, ``hidden_to_memory``,
    ``memory_to_memory``; it warns then). With ``reset=True`` the simulator is
    reset before each sequence instead, so that every sequence starts from
    rest, feedback or not (for simulators that can be reset, such as
    ``nengo.Simulator``).

    Parameters
    ----------
    classifier : LMUClassifier
        The classifier; its ``input`` Node is given the sequences for the run
        and then set back to zeros.
    x : (n, steps, input_d) np.ndarray
        The sequences.
    gap : int, optional
        Steps of zeros after each sequence; by default enough to forget it.
    network : nengo.Network, optional
        The network to simulate, if ``classifier`` is part of one.
    simulator : callable, optional
        The simulator class, e.g. ``nengo_loihi.Simulator``.
    reset : bool, optional
        Reset the simulator before each sequence (no gap): the scores of
        sequences run from rest, as NengoDL and PyTorch score them.
    **sim_kwargs
        Passed to ``simulator`` with the network and the cell's ``dt`` (e.g.
        ``target="sim"``).

    Returns
    -------
    (n, n_classes) np.ndarray
        The scores (logits) at the end of each sequence.
    """
    stream = _Stream(classifier, x, gap, network, simulator, reset)
    latency = int(np.round(classifier.cell.output_latency / classifier.cell.dt))
    scores = stream.run(classifier.output, latency, sim_kwargs)
    return scores[:, stream.steps - 1 + latency]


def record_states(
    classifier,
    x,
    gap=None,
    network=None,
    simulator=nengo.Simulator,
    chunk=100,
    reset=False,
    **sim_kwargs,
):
    """
    The states a classifier's memory delivers on sequences run one after another.

    The sequences run as in `classify_stream` (one after another, ``gap``
    steps of zeros between them), ``chunk`` sequences per simulation, and the
    cell's ``state`` is kept at every step of each sequence. Record a memory in
    spiking neurons on the training (and validation) sequences, then train a
    cell with ``replay_memory=True`` on them: its hidden layer learns from the
    states the spiking memory really delivers, run as it will be run, and the
    spiking cell with the trained weights computes what the trained one does.
    The memory does not train, so the recording stays valid as long as
    ``input_encoders`` and ``memory_bias`` are kept and the memory is the same
    (built with the same seeds: give it one, ``neural_memory=dict(seed=...)``).

    Parameters
    ----------
    classifier : LMUClassifier
        A classifier whose cell has its memory (in neurons, or exact).
    x : (n, steps, input_d) np.ndarray
        Sequences, held as the cell will see them (`.datasets.hold`).
    gap : int, optional
        Steps of zeros after each sequence; by default enough to forget it.
    network : nengo.Network, optional
        The network to simulate, if ``classifier`` is part of one.
    simulator : callable, optional
        The simulator class.
    chunk : int, optional
        Sequences per simulation (the states of a simulation are kept in
        memory at every step).
    reset : bool, optional
        Reset the simulator before each sequence (no gap), as in
        `classify_stream`: every sequence's states from rest.
    **sim_kwargs
        Passed to ``simulator`` with the network and the cell's ``dt``.

    Returns
    -------
    (n, steps, memory_d * order) np.ndarray
        The memory's ``state`` as the hidden neurons receive it (float32).

    Examples
    --------
    See the user guide's recipe "a fully spiking classifier".
    """
    if not isinstance(classifier, LMUClassifier) or classifier.cell.replay_memory:
        raise ValidationError(
            f"Must be an LMUClassifier with a memory of its own ({classifier!r}); "
            "give the classifier whose memory to record (replay_memory=False)",
            attr="classifier",
        )
    chunk = validate(CHUNK, chunk)
    x = as_sequences(x, classifier.cell.input_d)
    states = []
    for start in range(0, len(x), chunk):
        stream = _Stream(
            classifier, x[start : start + chunk], gap, network, simulator, reset
        )
        data = stream.run(classifier.cell.state, 0, sim_kwargs)
        states.append(data[:, : stream.steps].astype(np.float32))
    return np.concatenate(states)


def replay_window(classifier, rtol=REPLAY_RTOL):
    """
    The last steps of each sequence that decide a replaying classifier's scores.

    A classifier whose memory is replayed (``replay_memory=True``) and whose
    hidden layer has no recurrent weights holds no state but its hidden
    synapse's: its scores at the last step depend only on the inputs and the
    replayed states of the last ``replay_window`` steps, up to ``rtol`` of the
    synapse's state. Train it on those steps alone (``x[:, -k:]``,
    ``states[:, -k:]``): each epoch costs ``k / steps`` of an epoch on whole
    sequences, for the same loss. Held sequences (`.datasets.hold`) are long,
    and the few dozen steps of a hidden synapse are a small part of them.

    Parameters
    ----------
    classifier : LMUClassifier
        A classifier with ``replay_memory=True`` and ``hidden_to_hidden=False``.
    rtol : float, optional
        Fraction of the hidden synapse's state that may be left out.

    Returns
    -------
    int
        Steps at the end of each sequence (at least 1).

    Raises
    ------
    nengo.exceptions.ValidationError
        If the classifier computes its memory, or its hidden layer is
        recurrent: then every step counts.

    Examples
    --------
    >>> clf = LMUClassifier(10, units=8, order=4, theta=0.64, synapse=0.01,
    ...                     hidden_to_hidden=False, replay_memory=True)
    >>> replay_window(clf)
    71
    """
    cell = getattr(classifier, "cell", None)
    if not (isinstance(classifier, LMUClassifier) and cell.replay_memory):
        raise ValidationError(
            f"Must be an LMUClassifier with a replayed memory ({classifier!r}); "
            "give the classifier built with replay_memory=True (a computed memory "
            "depends on every step)",
            attr="classifier",
        )
    if cell.hidden_to_hidden:
        raise ValidationError(
            "The hidden layer is recurrent (hidden_to_hidden=True), so its state "
            "depends on every step; train on whole sequences, or build the "
            "classifier with hidden_to_hidden=False",
            attr="classifier",
        )
    return 1 + synapse_settling_steps(cell.synapse, cell.dt, rtol=rtol)


CHUNK = at_least("chunk", 1, "give the sequences per simulation, e.g. 100")


RESET = BoolParam("reset", hint="give True or False")


class _Stream:
    """Sequences one after another on a classifier's input (`classify_stream`)."""

    def __init__(self, classifier, x, gap, network, simulator, reset=False):
        if not isinstance(classifier, LMUClassifier):
            raise ValidationError(
                f"Must be an LMUClassifier (classifier={classifier!r}); give the "
                "classifier whose sequences to run",
                attr="classifier",
            )
        if network is not None and classifier not in network.all_networks:
            raise ValidationError(
                f"The classifier is not part of the network (network={network!r});"
                " give the network that contains it, or network=None",
                attr="network",
            )
        if not callable(simulator):
            raise ValidationError(
                f"Must be a simulator class (simulator={simulator!r}); give e.g. "
                "nengo.Simulator or nengo_loihi.Simulator",
                attr="simulator",
            )
        cell = classifier.cell
        x = as_sequences(x, cell.input_d)
        self.reset = validate(RESET, reset)
        if self.reset and gap:
            raise ValidationError(
                f"A reset simulator needs no gap between sequences ({gap=}, "
                "reset=True); give gap=None, or reset=False",
                attr="gap",
            )
        feedback = ["hidden_to_hidden"] if cell.hidden_to_hidden else []
        feedback += cell.plan.memory_feedback
        if feedback and not self.reset:
            warnings.warn(
                f"The cell has feedback ({', '.join(feedback)}=True) whose state the "
                "gaps between sequences may not reset; the scores may depend on the "
                "sequences before: give a longer gap, or use a cell without "
                "feedback to score sequences from rest"
            )
        if self.reset:
            gap = 0
        elif gap is None:
            gap = max(
                cell.discrete.settling_steps(rtol=SETTLED),
                synapse_settling_steps(cell.synapse, cell.dt, rtol=SETTLED),
            )
        self.gap = validate(GAP, gap)
        self.classifier, self.network, self.simulator = classifier, network, simulator
        self.n, self.steps, _ = x.shape
        self.period = self.steps + self.gap
        stream = np.zeros((self.n, self.period, cell.input_d))
        stream[:, : self.steps] = x
        self.stream = stream.reshape(self.n * self.period, cell.input_d)

    def run(self, target, extra_steps, sim_kwargs):
        """The values of ``target`` at every step, (n, period + extra, size)."""
        classifier, cell = self.classifier, self.classifier.cell
        rest = classifier.input.output
        if self.reset:  # one sequence at a time, from the start
            start = [0]
            classifier.input.output = self._present(start)
        else:
            classifier.input.output = nengo.processes.PresentInput(self.stream, cell.dt)
        with classifier:
            # every step (``probe`` keeps only the last one in NengoDL)
            probe = nengo.Probe(target, synapse=None, label="every step")
        try:
            with self.simulator(
                classifier if self.network is None else self.network,
                dt=cell.dt,
                **sim_kwargs,
            ) as sim:
                if self.reset:
                    runs = []
                    for i in range(self.n):
                        start[0] = i * self.period
                        sim.reset()
                        sim.run_steps(self.period + extra_steps)
                        runs.append(np.asarray(sim.data[probe]))
                else:
                    sim.run_steps(self.n * self.period + extra_steps)
                    data = np.asarray(sim.data[probe])
        finally:
            classifier.input.output = rest
            classifier.probes.remove(probe)
        if self.reset:  # NengoDL: a minibatch of 1
            return np.stack([run.reshape(-1, run.shape[-1]) for run in runs])
        data = data.reshape(-1, data.shape[-1])  # NengoDL: a minibatch of 1
        # sequence i's steps start at i * period; extra steps spill into the next
        index = np.arange(self.n)[:, None] * self.period + np.arange(
            self.period + extra_steps
        )
        return data[index]

    def _present(self, start):
        """A Node output presenting the sequence from ``start[0]``, then zeros."""
        stream, dt = self.stream, self.classifier.cell.dt
        zeros = np.zeros(stream.shape[1])

        def present(t):
            k = int(np.round(t / dt)) - 1
            return stream[start[0] + k] if 0 <= k < self.steps else zeros

        return present
