"""
Tuning a cell's memory in neurons to the data it will see.

A `.LegendreMemory` scales each state dimension to the spread of its response to
an input ``process`` (`.StateScaling.from_process`). Inside an `.LMUCell` that
input is ``u = input_encoders x + memory_bias``: its statistics come from the
data and from the trained weights, and a memory tuned to another signal loses
accuracy without a warning. `input_process` builds the process from training
sequences and weights, for ``neural_memory=dict(process=...)``.
"""

import nengo
from nengo.exceptions import ValidationError

from nengo_lmu.classifier import as_sequences
from nengo_lmu.datasets import hold
from nengo_lmu.params import DT, ArrayParam, validate

#: Weights that feed the memory from inside the cell (its input then depends on
#: the hidden or memory state, which the training sequences alone do not give).
FEEDBACK_WEIGHTS = ("hidden_encoders", "memory_encoders")


def memory_inputs(weights, x):
    """
    The input ``u`` an `.LMUCell`'s memory receives for sequences ``x``.

    Parameters
    ----------
    weights : dict
        The cell's weights (`.LMUCell.weights`, `.LMUCell.get_weights`):
        ``input_encoders`` and, if the cell has a bias, ``memory_bias``.
    x : (n, steps, input_d) array_like
        Sequences.

    Returns
    -------
    (n, steps, memory_d) np.ndarray
        ``input_encoders x + memory_bias`` at every step.

    Raises
    ------
    nengo.exceptions.ValidationError
        If the weights feed the memory from the hidden state or from itself
        (``hidden_to_memory``, ``memory_to_memory``), or the sequences do not
        match ``input_encoders``.
    """
    if not isinstance(weights, dict) or "input_encoders" not in weights:
        raise ValidationError(
            f"Must be a cell's weights, with input_encoders (weights="
            f"{type(weights).__name__}); give e.g. cell.get_weights(sim)",
            attr="weights",
        )
    feedback = [name for name in FEEDBACK_WEIGHTS if name in weights]
    if feedback:
        raise ValidationError(
            f"The memory's input depends on the cell's state ({', '.join(feedback)} "
            "in weights), which the sequences alone do not give; record u in a "
            "simulation of the cell and give it as process=PresentInput(u, dt)",
            attr="weights",
        )
    hint = "give a (memory_d, input_d) array of finite numbers"
    encoders = validate(
        ArrayParam("input_encoders", hint, ndim=2), weights["input_encoders"]
    )
    x = as_sequences(x, encoders.shape[1])
    u = x @ encoders.T
    if "memory_bias" in weights:
        hint = "give a (memory_d,) array of finite numbers"
        bias = validate(ArrayParam("memory_bias", hint, ndim=1), weights["memory_bias"])
        u = u + bias
    return u


def input_process(weights, x, steps_per_sample=1, dt=0.001):
    """
    The input process of an `.LMUCell`'s memory on sequences ``x``.

    Give it to the memory in neurons, ``neural_memory=dict(process=...)``, so
    that each state dimension is scaled to the range it reaches on this data
    with these weights (inputs that are never negative, such as pixels, move
    the lowest dimensions far from zero).

    Parameters
    ----------
    weights : dict
        The cell's trained weights (see `memory_inputs`).
    x : (n, steps, input_d) array_like
        Training sequences, as the cell sees them before any holding; a few
        dozen give steady statistics.
    steps_per_sample : int, optional
        Simulator steps each sequence step is held for (`.datasets.hold`), as
        when the cell runs.
    dt : float, optional
        The simulator's time step.

    Returns
    -------
    nengo.processes.PresentInput
        The sequences' memory inputs one after another, each step held
        ``steps_per_sample`` steps of ``dt``.

    Examples
    --------
    >>> x = np.random.RandomState(0).uniform(0, 1, size=(20, 64, 1))
    >>> process = input_process({"input_encoders": np.ones((1, 1))}, x, 10)
    >>> memory = nengo_lmu.LegendreMemory(
    ...     order=8, theta=0.64, process=process, neuron_lead=0, neuron_gain=1
    ... )
    """
    u = memory_inputs(weights, x)
    dt = validate(DT, dt)
    u = hold(u, steps_per_sample)
    return nengo.processes.PresentInput(u.reshape(-1, u.shape[-1]), dt)
