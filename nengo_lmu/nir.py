"""
Export spiking nengo networks, such as `.LegendreMemory`, to NIR.

The Neuromorphic Intermediate Representation (NIR) is how spiking simulators
and neuromorphic hardware (Loihi 2 through Lava, SpiNNaker2, Xylo, Speck,
BrainScaleS-2; snnTorch, Norse, Rockpool, Sinabs ...) exchange models: a
graph of neuron nodes and weight nodes. `to_nir` writes a network of LIF
ensembles as such a graph, with neuron-to-neuron weights (the NEF's encoders
x transform x decoders), and `run_norse` runs a graph in Norse, an
independent simulator, step by step. `graph_statistics` gives the numbers a
hardware user needs.

The graph is made for simulators that step at the network's ``dt`` by
forward Euler, with a spike worth 1 in the step it occurs (as Norse and
snnTorch read NIR): time constants are those whose Euler step
decays as nengo's exact one does, and weights out of spikes are nengo's
divided by ``dt`` (nengo's spikes are ``1 / dt`` high).

It needs NIR, and `run_norse` Norse (``pip install nengo-lmu[nir]``); they
are imported when needed, and the rest of nengo_lmu does not need them.
"""

import contextlib
import importlib
import logging
import warnings

import nengo
import numpy as np
from nengo.builder import Model
from nengo.exceptions import ValidationError
from nengo.utils.builder import full_transform

from nengo_lmu.neurons import DiscreteLIF
from nengo_lmu.params import DT, validate

#: The edges of an exported graph.
EDGES = (
    ("input", "input_weights"),
    ("input_weights", "neurons"),
    ("neurons", "recurrent_weights"),
    ("recurrent_weights", "neurons"),
    ("neurons", "readout_weights"),
    ("readout_weights", "readout"),
    ("input", "readout_input_weights"),
    ("readout_input_weights", "readout"),
    ("readout", "output"),
)
#: The node names of an exported graph.
NODES = tuple(dict.fromkeys(name for edge in EDGES for name in edge))
#: What of an exported graph Norse runs: the spiking core, with the readout
#: weights as its output (Norse maps no LI, and feeds the input to one node only).
NORSE_EDGES = EDGES[:5] + (("readout_weights", "output"),)


def _require(module):
    """``module``, imported, or an ImportError that says how to install it."""
    try:
        with _quiet():  # Norse's use of torch.jit is deprecated
            return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"nengo_lmu.nir needs {module.split('.')[0]}: install it with "
            "pip install nengo-lmu[nir]"
        ) from error


#: The synaptic time constant of neurons nothing reaches (any would do).
UNUSED_TAU = 0.005


def euler_tau(tau, dt):
    """
    The time constant whose forward-Euler step decays as an exact step of ``tau``.

    An exact step of a first-order filter (nengo's `~nengo.Lowpass`, and LIF
    neurons between spikes) keeps ``exp(-dt / tau)`` of its state; a forward
    Euler step of ``dt / (1 - exp(-dt / tau))`` keeps the same.

    Parameters
    ----------
    tau : float or np.ndarray
        Time constants, in seconds.
    dt : float
        Time step, in seconds.

    Returns
    -------
    float or np.ndarray
        The Euler time constants (slightly longer: ``tau + dt / 2`` to first order).
    """
    return dt / -np.expm1(-dt / np.asarray(tau, dtype=np.float64))


def to_nir(network, input=None, outputs=None, dt=None, sim=None):
    """
    A spiking nengo network as a NIR graph.

    The network's ensembles become one population of ``CubaLIF`` neurons,
    whose synaptic time constants are the Lowpass synapses of the connections
    into them, and whose resistance ``r`` is each neuron's gain. Connections
    between ensembles become neuron-to-neuron weights (encoders x transform x
    decoders), passthrough Nodes are folded into the weights, the input enters
    through ``input_weights``, and each output is read from the spikes (and
    the input) through a leaky integrator with its synapse::

        input -> input_weights -> neurons <-> recurrent_weights
        neurons -> readout_weights -> readout -> output
        input -> readout_input_weights -> readout

    Parameters
    ----------
    network : nengo.Network
        A network of spiking LIF ensembles with ``tau_ref=0``, connected
        through Lowpass synapses and passthrough Nodes; e.g. a spiking
        `.LegendreMemory`.
    input : nengo.Node, optional
        The passthrough Node the graph's input enters (``network.input`` by
        default).
    outputs : list of nengo.Node, optional
        Passthrough Nodes read out; the graph's output holds them one after
        the other (``[network.output]`` by default).
    dt : float, optional
        Time step of the simulators the graph is for (``network.dt``, or
        ``sim.dt``, or 0.001 by default).
    sim : nengo.Simulator, optional
        A simulator that built ``network``: its gains, biases, encoders and
        decoders are exported, so that the graph is the network that simulator
        ran. Without it, ``network`` is built on its own (with its own seed).

    Returns
    -------
    nir.NIRGraph
        The graph, with the nodes named in `NODES`; ``metadata`` holds ``dt``.

    Raises
    ------
    nengo.exceptions.ValidationError
        For what NIR cannot express, naming the object and the fix: neurons
        other than LIF, a refractory period, synapses other than Lowpass or
        none into neurons, Nodes that compute functions, learning rules.

    Notes
    -----
    ``neurons`` holds each neuron's gain as ``r`` and its bias as ``v_leak``
    (a constant input current, as nengo's bias is), with threshold 1 and
    reset 0. The graph is exact for `.DiscreteLIF` neurons: a simulator that
    steps it as `run_norse` does (what passes a synapse in one step arrives in
    the next, as in nengo) spikes as nengo does, step for step. nengo's
    `~nengo.LIF` interpolates spike times and keeps its voltage above 0, which
    NIR's neurons do not: such a network is exported with a warning, and runs
    differently (see :doc:`/nir`).
    """
    input = getattr(network, "input", None) if input is None else input
    outputs = [getattr(network, "output", None)] if outputs is None else outputs
    if dt is None:
        dt = sim.dt if sim is not None else getattr(network, "dt", 0.001)
    dt = validate(DT, dt, network)
    if isinstance(outputs, nengo.Node) or len(outputs) == 0:
        raise ValidationError(
            f"Must be a non-empty list of Nodes (outputs={outputs!r}); give the "
            "Nodes to read out in a list, e.g. outputs=[mem.output]",
            attr="outputs",
            obj=network,
        )
    for name, node in [("input", input)] + [("outputs", o) for o in outputs]:
        if not (isinstance(node, nengo.Node) and node.output is None):
            raise ValidationError(
                f"Must be a passthrough nengo.Node ({name}={node!r}); give the "
                "Node the input enters, or the Nodes to read out",
                attr=name,
                obj=network,
            )
    if sim is not None and sim.dt != dt:
        raise ValidationError(
            f"The simulator ran at dt={sim.dt}, not {dt}; give dt={sim.dt} or "
            "build a simulator at this dt",
            attr="dt",
            obj=network,
        )
    model = _built_model(network, dt, sim)
    wiring = _Wiring(network, input, model)
    return _graph(wiring, outputs, dt)


def _built_model(network, dt, sim):
    """The nengo model holding the network's gains, biases and decoders."""
    if sim is not None:
        if network not in sim.model.params:
            raise ValidationError(
                f"The simulator did not build {network!r}; give the simulator "
                "of the model the network is part of, or sim=None",
                attr="sim",
                obj=network,
            )
        return sim.model
    model = Model(dt=dt)
    model.build(network)
    return model


class _Wiring:
    """
    The network as linear terms: each object's value from the input and spikes.

    A term is ``(source, synapse) -> matrix``: the source is ``"input"`` or an
    ensemble (its spikes, ``1 / dt`` high, as in nengo), and the matrix maps it
    to the object's value through that synapse (at most one along a path).
    """

    def __init__(self, network, input, model):
        self.network = network
        self.input = input
        self.model = model
        self.ensembles = list(network.all_ensembles)
        self.offsets = np.cumsum([0] + [e.n_neurons for e in self.ensembles])
        self.incoming = {}
        self._terms = {}  # each object's terms, computed once
        for conn in network.all_connections:
            if conn.learning_rule_type is not None:
                self._refuse(
                    conn,
                    "learning_rule_type",
                    "NIR has no learning rules; export the network after "
                    "learning, with the learned weights as transforms",
                )
            self.incoming.setdefault(conn.post_obj, []).append(conn)
        for ens in self.ensembles:
            self._check_neurons(ens)

    def _refuse(self, obj, attr, fix):
        value = getattr(obj, attr, obj)
        raise ValidationError(
            f"NIR cannot express {obj!r} ({attr}={value!r}); {fix}",
            attr=attr,
            obj=obj,
        )

    def _check_neurons(self, ens):
        neuron_type = ens.neuron_type
        if type(neuron_type) not in (nengo.LIF, DiscreteLIF):
            self._refuse(
                ens,
                "neuron_type",
                "NIR's spiking neurons are integrate-and-fire: give "
                "neuron_type=nengo_lmu.neurons.DiscreteLIF()",
            )
        if neuron_type.tau_ref != 0:
            self._refuse(
                ens,
                "neuron_type",
                "NIR's LIF neurons have no refractory period: give "
                "nengo_lmu.neurons.DiscreteLIF(), LIF neurons stepped as NIR "
                "simulators step them",
            )
        if type(neuron_type) is nengo.LIF:
            warnings.warn(
                f"{ens} has nengo.LIF neurons, which interpolate spike times "
                "and keep their voltage above 0; NIR's neurons do neither, so "
                "the exported network runs differently (an order-6 memory: "
                "six times the error). Build it with "
                "nengo_lmu.neurons.DiscreteLIF() to export it exactly"
            )

    def terms(self, obj):
        """The linear terms of ``obj``'s value (its input, for an ensemble)."""
        if obj not in self._terms:
            self._terms[obj] = self._compute_terms(obj)
        return self._terms[obj]

    def _compute_terms(self, obj):
        if obj is self.input:
            return {("input", None): np.eye(obj.size_out)}
        if isinstance(obj, nengo.Node) and obj.output is not None:
            self._refuse(
                obj,
                "output",
                "a Node that computes runs on the host, which NIR does not "
                "describe: feed its values to the graph's input instead",
            )
        total = {}
        for conn in self.incoming.get(obj, []):
            for key, matrix in self._connection_terms(conn).items():
                total[key] = total.get(key, 0) + matrix
        return total

    def _connection_terms(self, conn):
        """The terms a connection adds to its post object's value."""
        synapse = conn.synapse
        if synapse is not None and type(synapse) is not nengo.Lowpass:
            self._refuse(
                conn,
                "synapse",
                "NIR's synapses are first order: give nengo.Lowpass(tau)",
            )
        pre = conn.pre_obj
        if isinstance(pre, nengo.Ensemble):
            # nengo's built weights: transform x decoders (x the post's
            # scaled encoders for a weight solver), the post slice still to apply
            weights = self.model.params[conn].weights
            if conn.solver.weights:
                return {(pre, synapse): weights}
            placed = np.zeros((conn.post_obj.size_in, conn.size_out))
            placed[np.arange(conn.post_obj.size_in)[conn.post_slice]] = np.eye(
                conn.size_out
            )
            return {(pre, synapse): placed @ weights}
        transform = full_transform(conn, allow_scalars=False)
        if isinstance(pre, nengo.ensemble.Neurons):
            return {(pre.ensemble, synapse): transform}
        terms = {}
        for (source, inner), matrix in self.terms(pre).items():
            if inner is not None and synapse is not None:
                self._refuse(
                    conn,
                    "synapse",
                    f"it follows {inner} on the way from the input or an "
                    "ensemble, and NIR's neurons have one synapse: leave one of "
                    "them None",
                )
            terms[(source, synapse or inner)] = transform @ matrix
        return terms

    def neuron_terms(self, ens):
        """
        The terms of ``ens``' input currents before the gain.

        Decoded connections reach them through the encoders; connections to
        ``ens.neurons``, and connections whose solver solves for weights,
        reach the currents themselves.
        """
        built = self.model.params[ens]
        encoders = built.encoders / ens.radius
        terms = {}
        for conn in self.incoming.get(ens, []) + self.incoming.get(ens.neurons, []):
            direct = conn.post_obj == ens.neurons or conn.solver.weights
            for key, matrix in self._connection_terms(conn).items():
                rows = matrix / built.gain[:, None] if direct else encoders @ matrix
                terms[key] = terms.get(key, 0) + rows
        return terms

    def rows(self, terms, obj, n):
        """
        The terms as ``n`` rows from the input and from all spikes, one tau.

        Returns ``(from_input, from_spikes, tau)``; with no terms (nothing
        reaches ``obj``), tau is `UNUSED_TAU`.
        """
        from_input = np.zeros((n, self.input.size_out))
        from_spikes = np.zeros((n, self.offsets[-1]))
        taus = set()
        for (source, synapse), matrix in terms.items():
            if synapse is None:
                self._refuse(
                    obj,
                    "synapse",
                    "what reaches NIR's neurons and readouts passes a synapse: "
                    "give the connections into it a nengo.Lowpass",
                )
            taus.add(synapse.tau)
            if source == "input":
                from_input += matrix
            else:
                i = self.ensembles.index(source)
                from_spikes[:, self.offsets[i] : self.offsets[i + 1]] += matrix
        if len(taus) > 1:
            self._refuse(
                obj,
                "synapse",
                f"it receives through synapses of {len(taus)} time constants "
                f"({sorted(taus)}), and NIR's neurons have one: give its "
                "connections the same nengo.Lowpass",
            )
        return from_input, from_spikes, taus.pop() if taus else UNUSED_TAU

    def neurons(self):
        """Rows into the neurons (before their gain), tau, gain, bias, tau_rc."""
        blocks = []
        for ens in self.ensembles:
            built = self.model.params[ens]
            terms = self.neuron_terms(ens)
            from_input, from_spikes, tau = self.rows(terms, ens, ens.n_neurons)
            blocks.append(
                (
                    from_input,
                    from_spikes,
                    np.full(ens.n_neurons, tau),
                    built.gain,
                    built.bias,
                    np.full(ens.n_neurons, ens.neuron_type.tau_rc),
                )
            )
        return [np.concatenate(parts) for parts in zip(*blocks)]


def _graph(wiring, outputs, dt):
    """The NIR graph of the wired network, read out at ``outputs``."""
    nir = _require("nir")
    from_input, from_spikes, tau_syn, gain, bias, tau_rc = wiring.neurons()
    readouts = [wiring.rows(wiring.terms(n), n, n.size_out) for n in outputs]
    out_input = np.vstack([r[0] for r in readouts])
    out_spikes = np.vstack([r[1] for r in readouts])
    out_tau = np.concatenate([np.full(len(r[0]), r[2]) for r in readouts])
    n, k = len(gain), len(out_tau)

    def f32(array):
        return np.asarray(array, dtype=np.float32)

    nodes = {
        "input": nir.Input(input_type=np.array([from_input.shape[1]])),
        "input_weights": nir.Affine(weight=f32(from_input), bias=f32(np.zeros(n))),
        "neurons": nir.CubaLIF(
            tau_syn=f32(euler_tau(tau_syn, dt)),
            tau_mem=f32(euler_tau(tau_rc, dt)),
            r=f32(gain),
            v_leak=f32(bias),
            v_threshold=f32(np.ones(n)),
            v_reset=f32(np.zeros(n)),
            w_in=f32(np.ones(n)),
        ),
        "recurrent_weights": nir.Affine(
            weight=f32(from_spikes / dt), bias=f32(np.zeros(n))
        ),
        "readout_weights": nir.Affine(
            weight=f32(out_spikes / dt), bias=f32(np.zeros(k))
        ),
        "readout_input_weights": nir.Affine(
            weight=f32(out_input), bias=f32(np.zeros(k))
        ),
        "readout": nir.LI(
            tau=f32(euler_tau(out_tau, dt)), r=f32(np.ones(k)), v_leak=f32(np.zeros(k))
        ),
        "output": nir.Output(output_type=np.array([k])),
    }
    return nir.NIRGraph(nodes=nodes, edges=list(EDGES), metadata={"dt": dt})


def run_norse(graph, inputs, reset="subtract"):
    """
    Run a graph from `to_nir` in Norse, an independent simulator, step by step.

    Norse (``norse.torch.from_nir``) runs the graph's spiking core: the input
    weights, the ``CubaLIF`` neurons with their recurrent weights, and the
    readout weights out of the spikes. Two parts are computed here, as NIR
    defines them, because Norse 1.1 cannot: the ``LI`` readout (Norse maps no
    ``LI`` node) and the readout's weights from the input (Norse's graph
    executor feeds the input to one node only). Two of Norse's readings of
    ``CubaLIF`` are corrected: it applies ``v_leak`` to the synaptic current
    as well as to the voltage, and starts the voltage at ``v_leak``; here the
    synapse has no leak potential, as NIR defines, and the neurons start at
    rest (voltage 0), as `.DiscreteLIF` does.

    The steps are timed as nengo times them: what passes a synapse in one step
    arrives in the next. Norse's executor does so on the recurrent weights;
    here the input and the readout are delayed by a step too. A network of
    `.DiscreteLIF` neurons then spikes as it does in ``nengo.Simulator``,
    step for step, and its output is nengo's (to float32 rounding, until a
    neuron near threshold tips the other way).

    Parameters
    ----------
    graph : nir.NIRGraph
        A graph exported by `to_nir` (or read back with ``nir.read``).
    inputs : (steps, size_in) array_like
        The input, one row per time step of the graph's ``dt``.
    reset : {"subtract", "zero"}, optional
        How a neuron that spikes is reset: by subtracting the threshold (as
        `.DiscreteLIF` does) or to zero (NIR's ``v_reset``).

    Returns
    -------
    output : (steps, size_out) np.ndarray
        The graph's output.
    spikes : (steps, n_neurons) np.ndarray of bool
        Which neurons spiked in each step.
    """
    nir = _require("nir")
    torch = _require("torch")
    norse = _require("norse.torch")
    resets = _require("norse.torch.functional.reset")
    executor = _require("nirtorch.graph_executor")
    li_box = _require("norse.torch.functional.leaky_integrator_box")
    lif_box = _require("norse.torch.functional.lif_box")
    if set(graph.nodes) != set(NODES):
        raise ValidationError(
            f"Must be a graph exported by to_nir (nodes {sorted(graph.nodes)}); "
            "give such a graph, or run other graphs with norse.torch.from_nir",
            attr="graph",
        )
    size_in = graph.nodes["input_weights"].weight.shape[1]
    inputs = np.asarray(inputs, dtype=np.float32)
    if (
        inputs.ndim != 2
        or inputs.shape[1] != size_in
        or not np.all(np.isfinite(inputs))
    ):
        raise ValidationError(
            f"Must be finite numbers of shape (steps, {size_in}) (inputs of shape "
            f"{inputs.shape}); give one row of input per time step",
            attr="inputs",
        )
    methods = {"subtract": resets.reset_subtract, "zero": resets.reset_value}
    if reset not in methods:
        raise ValidationError(
            f"Must be 'subtract' or 'zero' (reset={reset!r}); give one of them",
            attr="reset",
        )
    dt = float(graph.metadata["dt"])
    size_out = graph.nodes["readout_weights"].weight.shape[0]
    nodes = {name: graph.nodes[name] for edge in NORSE_EDGES for name in edge}
    nodes["output"] = nir.Output(output_type=np.array([size_out]))
    core = nir.NIRGraph(nodes=nodes, edges=list(NORSE_EDGES), type_check=False)
    with _quiet():  # nirtorch.load is deprecated; Norse logs what it reads
        module = norse.from_nir(
            core, dt=dt, reset_method=methods[reset], ignore_warnings=True
        )
    n = len(graph.nodes["neurons"].v_leak)
    module.neurons.synapse.p = module.neurons.synapse.p._replace(v_leak=torch.zeros(n))
    rest = torch.zeros(1, n)
    state = executor.GraphExecutorState(
        state={
            "neurons": (
                (li_box.LIBoxState(v=rest), lif_box.LIFBoxFeedForwardState(v=rest)),
            )
        }
    )

    readout = graph.nodes["readout"]
    decay = dt / np.asarray(readout.tau, dtype=np.float64)
    from_input = np.asarray(graph.nodes["readout_input_weights"].weight, np.float64)
    output = np.zeros((len(inputs), size_out))
    spikes = np.zeros((len(inputs), n), dtype=bool)
    value, arriving = np.zeros(size_out), np.zeros(size_out)
    previous = np.zeros(size_in, dtype=np.float32)
    with torch.no_grad():
        for k, u in enumerate(inputs):
            current = readout.r * (arriving + from_input @ previous)
            value = value + decay * (readout.v_leak - value + current)
            output[k] = value
            from_spikes, state = module(torch.from_numpy(previous[None]), state)
            spikes[k] = state.cache["neurons"][0].numpy() > 0
            arriving, previous = from_spikes[0].double().numpy(), u
    return output, spikes


@contextlib.contextmanager
def _quiet():
    """No warnings, and no log messages below errors (Norse logs each reading)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.WARNING)
        try:
            yield
        finally:
            logging.disable(logging.NOTSET)


def graph_statistics(graph):
    """
    What an exported graph asks of hardware: neurons, synapses, fan, weights.

    Parameters
    ----------
    graph : nir.NIRGraph
        A graph exported by `to_nir`.

    Returns
    -------
    dict
        ``neurons``; ``synapses`` (nonzero neuron-to-neuron weights);
        ``fan_in`` and ``fan_out`` (the largest number of synapses into and out
        of a neuron); ``weight_range`` (the smallest and largest magnitude of a
        nonzero neuron-to-neuron weight, in the graph's units: the current a
        spike adds, ``1 / dt`` times nengo's); ``inputs`` and ``outputs``
        (their dimensions); ``input_weights`` and ``readout_weights`` (nonzero
        weights from the input and out of the spikes).
    """
    recurrent = np.asarray(graph.nodes["recurrent_weights"].weight)
    nonzero = recurrent != 0
    magnitudes = np.abs(recurrent[nonzero])
    return {
        "neurons": recurrent.shape[0],
        "synapses": int(nonzero.sum()),
        "fan_in": int(nonzero.sum(axis=1).max()),
        "fan_out": int(nonzero.sum(axis=0).max()),
        "weight_range": (
            (float(magnitudes.min()), float(magnitudes.max()))
            if magnitudes.size
            else (0.0, 0.0)
        ),
        "inputs": graph.nodes["input_weights"].weight.shape[1],
        "outputs": graph.nodes["readout_weights"].weight.shape[0],
        "input_weights": int(np.count_nonzero(graph.nodes["input_weights"].weight)),
        "readout_weights": int(np.count_nonzero(graph.nodes["readout_weights"].weight)),
    }
