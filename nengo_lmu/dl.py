"""
The NengoDL backend: training and evaluating LMU models in `nengo_dl.Simulator`.

The networks of nengo_lmu mark for NengoDL what trains and what is probed
(`nengo_lmu.config`); this module holds the training loop and the evaluations
that go with `.classifier.LMUClassifier`, which need a `nengo_dl.Simulator`. nengo_dl is
imported inside the functions that use it, so this module imports without it.
"""

import tempfile
import time
from pathlib import Path

import numpy as np
from nengo.exceptions import SimulationError, ValidationError

from nengo_lmu.classifier import as_labels, as_sequences
from nengo_lmu.params import BoolParam, EnumParam, IntParam, at_least, shown, validate

EPOCHS = at_least("epochs", 1, "give the maximum number of epochs")
VERBOSE = BoolParam("verbose", hint="give True or False")
NEURONS = EnumParam("neurons", values=("hidden", "memory"))
PATIENCE = IntParam(
    "patience", low=1, optional=True, hint="give epochs to wait, or None"
)


def _batched(sim, x):
    """Pad ``x`` to a whole number of minibatches; return it and the true length."""
    n = len(x)
    pad = -n % sim.minibatch_size
    if pad:
        x = np.concatenate([x, np.repeat(x[-1:], pad, axis=0)])
    return x, n


def classify(sim, classifier, x, states=None):
    """
    Class scores of sequences in a NengoDL simulator, on their last time step.

    Parameters
    ----------
    sim : nengo_dl.Simulator
        Simulator of a network containing ``classifier``.
    classifier : LMUClassifier
        The classifier.
    x : (n, steps, input_d) np.ndarray
        Sequences, any number of them (padded to whole minibatches).
    states : (n, steps, memory_d * order) np.ndarray, optional
        The memory states to replay, for a cell with ``replay_memory=True``
        (see `.record_states`).

    Returns
    -------
    (n, n_classes) np.ndarray
        The scores (logits) after the last step of each sequence.
    """
    _check_simulator(sim, classifier)
    inputs = _inputs(classifier, x, states)
    n = len(inputs[classifier.input])
    inputs = {node: _batched(sim, value)[0] for node, value in inputs.items()}
    # one minibatch per call: the memory of a call stays that of one minibatch
    scores = [
        sim.predict(
            {
                node: value[start : start + sim.minibatch_size]
                for node, value in inputs.items()
            },
            stateful=False,
            verbose=0,
        )[classifier.probe][:, -1]
        for start in range(0, len(inputs[classifier.input]), sim.minibatch_size)
    ]
    return np.concatenate(scores)[:n]


def firing_rates(sim, classifier, x, neurons="hidden"):
    """
    Mean firing rate of each hidden (or memory) neuron over sequences, in Hz.

    For rate neurons, the rate their output stands for (output divided by the
    neuron type's amplitude), so that a rate network shows the rates its
    spiking version will have.

    Parameters
    ----------
    sim : nengo_dl.Simulator
        Simulator of a network containing ``classifier``, built with
        ``probe_neurons=True``.
    classifier : LMUClassifier
        The classifier.
    x : (n, steps, input_d) np.ndarray
        Sequences; the first minibatch of them is run.
    neurons : {"hidden", "memory"}, optional
        The hidden neurons, or those of the memory (in neurons).

    Returns
    -------
    (n_neurons,) np.ndarray
        Rates averaged over time and sequences.
    """
    neurons = validate(NEURONS, neurons)
    if classifier.neuron_probe is None:
        raise ValidationError(
            "The classifier does not probe its neurons; build it with "
            "probe_neurons=True",
            attr="probe_neurons",
            obj=classifier,
        )
    if neurons == "memory" and not classifier.memory_neuron_probes:
        raise ValidationError(
            "The classifier's memory has no neurons (neural_memory=None); give "
            "neurons='hidden', or a classifier with a memory in neurons",
            attr="neurons",
        )
    _check_simulator(sim, classifier)
    x = as_sequences(x, classifier.cell.input_d)
    padded, _ = _batched(sim, x[: sim.minibatch_size])
    out = sim.predict({classifier.input: padded}, stateful=False, verbose=0)
    if neurons == "hidden":
        probes = [classifier.neuron_probe]
        types = [classifier.cell.hidden_neuron_type]
    else:
        probes = classifier.memory_neuron_probes
        types = [p.target.ensemble.neuron_type for p in probes]
    return np.concatenate(
        [
            np.mean(out[probe], axis=(0, 1)) / getattr(neuron_type, "amplitude", 1.0)
            for probe, neuron_type in zip(probes, types)
        ]
    )


def accuracy(sim, classifier, x, y, states=None):
    """
    Fraction of sequences ``x`` classified as ``y`` (see `.classify`).

    Parameters
    ----------
    sim, classifier, x, states
        As in `.classify`.
    y : (n,) np.ndarray
        The classes of ``x``.

    Returns
    -------
    float
    """
    x = as_sequences(x, classifier.cell.input_d)
    y = as_labels(y, len(x), classifier.n_classes)
    scores = classify(sim, classifier, x, states)
    return float(np.mean(np.argmax(scores, axis=-1) == y))


def train_classifier(
    sim, classifier, train, validation, epochs, patience=None, verbose=False
):
    """
    Train a classifier in NengoDL, keeping the weights of the best epoch.

    The loss is the compiled loss (e.g. sparse categorical cross-entropy on
    logits) on the last time step. After every epoch the validation accuracy
    is measured; at the end the simulator holds the weights of the epoch with
    the best validation accuracy.

    Parameters
    ----------
    sim : nengo_dl.Simulator
        A compiled simulator (``sim.compile(optimizer=..., loss=...)``) of a
        network containing ``classifier``.
    classifier : LMUClassifier
        The classifier to train.
    train, validation : tuple
        ``(x, y)`` pairs: sequences (n, steps, input_d) and classes (n,); for a
        cell with ``replay_memory=True``, ``(x, y, states)`` triples with the
        memory states to replay (`.record_states`). The training sequences are
        cut to a whole number of minibatches.
    epochs : int
        Maximum number of epochs.
    patience : int, optional
        Stop after this many epochs without a better validation accuracy.
    verbose : bool, optional
        Print the loss, validation accuracy and time of every epoch.

    Returns
    -------
    dict
        ``loss``, ``val_accuracy`` and ``epoch_time`` (seconds of training,
        without validation) per epoch, and ``best_epoch`` (counting from 0).

    Raises
    ------
    nengo.exceptions.ValidationError
        If ``epochs`` or ``patience`` is not a positive integer.
    nengo.exceptions.SimulationError
        If the training loss becomes NaN or infinite.
    """
    validate(EPOCHS, epochs)
    validate(PATIENCE, patience)
    validate(VERBOSE, verbose)
    _check_last_step(sim, classifier)
    _check_simulator(sim, classifier)
    n_classes = classifier.n_classes
    x, y, states = _pair(train, "train")
    inputs = _inputs(classifier, x, states, "train")
    x = inputs[classifier.input]
    y = as_labels(y, len(x), n_classes, "train")
    val_x, val_y, val_states = _pair(validation, "validation")
    val_inputs = _inputs(classifier, val_x, val_states, "validation")
    val_x = val_inputs[classifier.input]
    validation = (
        val_x,
        as_labels(val_y, len(val_x), n_classes, "validation"),
        val_states,
    )
    n = len(x) - len(x) % sim.minibatch_size
    if n == 0:
        raise ValidationError(
            f"{len(x)} training sequences make no whole minibatch of "
            f"{sim.minibatch_size}; give at least {sim.minibatch_size}, or a "
            "smaller minibatch_size",
            attr="train",
        )
    history = {"loss": [], "val_accuracy": [], "epoch_time": [], "best_epoch": None}
    with tempfile.TemporaryDirectory() as tmp:
        best = str(Path(tmp) / "best")
        for epoch in range(epochs):
            start = time.perf_counter()
            fit = sim.fit(
                {node: value[:n] for node, value in inputs.items()},
                {classifier.probe: y[:n, None, None]},
                epochs=1,
                verbose=0,
            )
            history["epoch_time"].append(time.perf_counter() - start)
            loss = fit.history["loss"][-1]
            if not np.isfinite(loss):
                raise SimulationError(
                    f"Training loss is {loss} after epoch {epoch}; lower the "
                    f"learning rate or clip the gradients (optimizer clipnorm)"
                )
            history["loss"].append(loss)
            history["val_accuracy"].append(accuracy(sim, classifier, *validation))
            if history["best_epoch"] is None or history["val_accuracy"][-1] > (
                history["val_accuracy"][history["best_epoch"]]
            ):
                history["best_epoch"] = epoch
                sim.save_params(best)
            if verbose:
                best_mark = " (best)" if history["best_epoch"] == epoch else ""
                print(
                    f"epoch {epoch + 1}/{epochs}: loss {loss:.4f}, validation "
                    f"accuracy {history['val_accuracy'][-1]:.4f}{best_mark}, "
                    f"{history['epoch_time'][-1]:.0f} s",
                    flush=True,
                )
            if patience is not None and epoch - history["best_epoch"] >= patience:
                break
        sim.load_params(best)
    return history


def _check_last_step(sim, classifier):
    """Refuse a simulator whose classifier probe keeps every time step."""
    from nengo_dl.config import get_setting

    if get_setting(sim.model, "keep_history", default=True, obj=classifier.probe):
        raise ValidationError(
            "The classifier's probe keeps every time step in this simulator, so a "
            "loss on it would be a loss on every step; build the classifier inside "
            "the network given to nengo_dl.Simulator (it marks its probe for the "
            "top-level network), or set net.config[classifier.probe].keep_history "
            "= False on that network",
            attr="classifier",
            obj=classifier,
        )


def _pair(data, attr):
    """``data`` as ``(x, y, states)``: sequences, classes, and replayed states."""
    if not isinstance(data, (tuple, list)) or len(data) not in (2, 3):
        raise ValidationError(
            f"Must be a pair (x, y) of sequences and classes, or a triple (x, y, "
            f"states) with the memory states to replay ({attr}={shown(data)}); "
            f"give e.g. {attr}=(x_{attr}, y_{attr})",
            attr=attr,
        )
    return tuple(data) + (None,) * (3 - len(data))


def _inputs(classifier, x, states, attr="x"):
    """The NengoDL inputs of ``classifier``: its sequences, and replayed states."""
    cell = classifier.cell
    x = as_sequences(x, cell.input_d, attr)
    inputs = {classifier.input: x}
    if not cell.replay_memory:
        if states is not None:
            raise ValidationError(
                f"The cell builds its own memory, so it takes no memory states "
                f"({attr}); give the states only to a cell with replay_memory=True",
                attr=attr,
            )
        return inputs
    shape = x.shape[:2] + (cell.memory_d * cell.order,)
    hint = (
        f"give the memory states recorded on these sequences, shape {shape} "
        "(nengo_lmu.classifier.record_states)"
    )
    if states is None:
        raise ValidationError(
            f"The cell replays its memory (replay_memory=True), so it needs the "
            f"memory states ({attr}): {hint}",
            attr=attr,
        )
    states = as_sequences(states, shape[2], f"{attr} states", dtype=None)
    if states.shape != shape:
        raise ValidationError(
            f"Memory states have shape {states.shape} ({attr}): {hint}", attr=attr
        )
    inputs[cell.state] = states
    return inputs


def _check_simulator(sim, classifier):
    """Refuse what is not a NengoDL simulator of a network with ``classifier``."""
    import nengo_dl

    if not isinstance(sim, nengo_dl.Simulator):
        raise ValidationError(
            f"Must be a nengo_dl.Simulator (sim={sim!r}); give the simulator of the "
            "network that contains the classifier",
            attr="sim",
        )
    toplevel = sim.model.toplevel
    if toplevel is not classifier and classifier not in toplevel.all_networks:
        raise ValidationError(
            f"The classifier is not in the simulator's network ({classifier!r}); "
            "give the simulator built from the network that contains it",
            attr="classifier",
        )
