"""
The NengoDL backend: training and evaluating LMU models in `nengo_dl.Simulator`.

The networks of nengo_lmu mark for NengoDL what trains and what is probed
(`nengo_lmu.config`); this module holds the training loop and the evaluations
that go with `.LMUClassifier`, which need a `nengo_dl.Simulator`. nengo_dl is
imported inside the functions that use it, so this module imports without it.
"""

import tempfile
import time
from pathlib import Path

import numpy as np
from nengo.exceptions import SimulationError, ValidationError

from nengo_lmu.classifier import as_labels, as_sequences
from nengo_lmu.params import IntParam, at_least, shown, validate

EPOCHS = at_least("epochs", 1, "give the maximum number of epochs")
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


def classify(sim, classifier, x):
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

    Returns
    -------
    (n, n_classes) np.ndarray
        The scores (logits) after the last step of each sequence.
    """
    _check_simulator(sim, classifier)
    padded, n = _batched(sim, as_sequences(x, classifier.cell.input_d))
    # one minibatch per call: the memory of a call stays that of one minibatch
    scores = [
        sim.predict({classifier.input: batch}, stateful=False, verbose=0)[
            classifier.probe
        ][:, -1]
        for batch in np.split(padded, len(padded) // sim.minibatch_size)
    ]
    return np.concatenate(scores)[:n]


def firing_rates(sim, classifier, x):
    """
    Mean firing rate of each hidden neuron over sequences, in Hz.

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

    Returns
    -------
    (units,) np.ndarray
        Rates averaged over time and sequences.
    """
    if classifier.neuron_probe is None:
        raise ValidationError(
            "The classifier does not probe its neurons; build it with "
            "probe_neurons=True",
            attr="probe_neurons",
            obj=classifier,
        )
    _check_simulator(sim, classifier)
    x = as_sequences(x, classifier.cell.input_d)
    padded, _ = _batched(sim, x[: sim.minibatch_size])
    out = sim.predict({classifier.input: padded}, stateful=False, verbose=0)
    amplitude = getattr(classifier.cell.hidden_neuron_type, "amplitude", 1.0)
    return np.mean(out[classifier.neuron_probe], axis=(0, 1)) / amplitude


def accuracy(sim, classifier, x, y):
    """
    Fraction of sequences ``x`` classified as ``y`` (see `.classify`).

    Returns
    -------
    float
    """
    x = as_sequences(x, classifier.cell.input_d)
    y = as_labels(y, len(x), classifier.n_classes)
    return float(np.mean(np.argmax(classify(sim, classifier, x), axis=-1) == y))


def train_classifier(sim, classifier, train, validation, epochs, patience=None):
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
        ``(x, y)`` pairs: sequences (n, steps, input_d) and classes (n,). The
        training sequences are cut to a whole number of minibatches.
    epochs : int
        Maximum number of epochs.
    patience : int, optional
        Stop after this many epochs without a better validation accuracy.

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
    _check_last_step(sim, classifier)
    _check_simulator(sim, classifier)
    input_d, n_classes = classifier.cell.input_d, classifier.n_classes
    x, y = _pair(train, "train")
    x = as_sequences(x, input_d, "train")
    y = as_labels(y, len(x), n_classes, "train")
    val_x, val_y = _pair(validation, "validation")
    val_x = as_sequences(val_x, input_d, "validation")
    validation = val_x, as_labels(val_y, len(val_x), n_classes, "validation")
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
                {classifier.input: x[:n]},
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
            elif patience is not None and epoch - history["best_epoch"] >= patience:
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
    """``data`` as ``(x, y)``: sequences and their classes."""
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise ValidationError(
            f"Must be a pair (x, y) of sequences and classes ({attr}={shown(data)})"
            f"; give e.g. {attr}=(x_{attr}, y_{attr})",
            attr=attr,
        )
    return data


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
