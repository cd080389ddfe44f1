"""`LoihiLMUCell`: an LMU cell whose hidden neurons run on the Loihi chip."""

import warnings

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.cell import LMUCell
from nengo_lmu.loihi.chip import (
    CELL_LATENCY_STEPS,
    DECODE_TAU,
    built_for_argument,
    chip_neuron_model,
    runs_on_chip,
)
from nengo_lmu.params import ArrayParam, positive, validate
from nengo_lmu.plan import CellPlan
from nengo_lmu.system import LinearSystem


class LoihiCellPlan(CellPlan):
    """
    A `.CellPlan` for the chip: what the host sends it, and what it refuses.

    Parameters
    ----------
    built_for, input_range, state_range
        As in `LoihiLMUCell`.
    **kwargs
        `.CellPlan` parameters.

    Attributes
    ----------
    chip_tau : float
        Time constant of the chip's filter on the hidden neurons' inputs.
    state_range : (memory_d * order,) np.ndarray
        Divides what is sent to the chip for each memory state.
    sent_range : dict
        What divides the values sent through the ``memory_kernel`` and
        ``input_kernel`` weights (ones with ``built_for="nengo"``).
    """

    attributes = CellPlan.attributes + (
        "built_for",
        "input_range",
        "chip_tau",
        "state_range",
        "sent_range",
    )
    input_range = positive("input_range", "give the largest |x| of the input")

    def __init__(self, built_for, input_range, state_range, **kwargs):
        self.built_for = built_for
        self.input_range = input_range
        self._given_state_range = state_range
        super().__init__(**kwargs)
        self._check_chip()
        self.chip_tau = _chip_tau(self)
        self.state_range = self._state_range()
        # only the chip's input neurons need the values scaled: in nengo and
        # NengoDL, scaling would only slow the training of the scaled weights
        on_chip = self.built_for == "loihi"
        n_states = self.memory_d * self.order
        self.sent_range = {
            "memory_kernel": self.state_range if on_chip else np.ones(n_states),
            "input_kernel": np.full(self.input_d, self.input_range if on_chip else 1.0),
        }

    def _hidden_neuron_type(self, neuron_type):
        if not runs_on_chip(neuron_type):
            raise ValidationError(
                f"Loihi cannot run {neuron_type} neurons; use "
                "nengo.SpikingRectifiedLinear() or nengo.LIF()",
                attr="hidden_neuron_type",
            )
        return super()._hidden_neuron_type(chip_neuron_model(neuron_type))

    def _check_chip(self):
        """Refuse what the chip cannot run, with the reason and the fix."""
        synapse = self.synapse
        if not (synapse is None or type(synapse) is nengo.Lowpass):
            raise ValidationError(
                f"Loihi's synapses are first-order lowpass filters ({synapse=}); "
                "use nengo.Lowpass(tau) or None",
                attr="synapse",
            )
        if self.hidden_to_hidden and (synapse is None or synapse.tau < DECODE_TAU):
            raise ValidationError(
                f"On the chip the hidden neurons have one synaptic filter, "
                f"at least nengo_loihi's {DECODE_TAU} s on what the host "
                f"sends; their hidden-to-hidden weights cannot have a shorter "
                f"synapse ({synapse=}). Give synapse >= {DECODE_TAU}, or "
                f"hidden_to_hidden=False",
                attr="synapse",
            )
        for name, value, fix in [
            (
                "neural_memory",
                self.neural_memory,
                "the exact memory runs on the host; give None",
            ),
            (
                "replay_memory",
                self.replay_memory,
                "the exact memory runs on the host; give False",
            ),
            (
                "hidden_to_memory",
                self.hidden_to_memory,
                "the hidden state would cross from the chip to "
                "the host and back every step; give False",
            ),
        ]:
            if value:
                raise ValidationError(
                    f"LoihiLMUCell cannot take {name}={value!r}: {fix}",
                    attr=name,
                )
        given = self._given_state_range
        if self.memory_to_memory and given is None:
            raise ValidationError(
                "With memory_to_memory=True the state's range depends on the "
                "memory's own feedback; give state_range (the largest value "
                "sent for each state, measured in a simulation of the data)",
                attr="state_range",
            )
        if given is None and self.built_for == "loihi":
            warnings.warn(
                "state_range is the bound no input can exceed, several times "
                "what real sequences reach, which costs the state sent to the "
                "chip most of its precision (psDigits: 70% on the emulator "
                "against 87% fitted); give state_range=state_peaks(cell, "
                "x_train, weights)"
            )

    def _state_range(self):
        """``state_range`` as given, or the largest the input can make it."""
        n_states = self.memory_d * self.order
        given = self._given_state_range
        if given is None:
            u_max = np.sum(np.abs(self.weights["input_encoders"]), axis=1)
            u_max = u_max * self.input_range
            if self.use_bias:
                u_max = u_max + np.abs(self.weights["memory_bias"])
            # the bound of (m[k] - a m[k-1]) / (1 - a), the state sent
            a = input_decay(self)
            Ad, Bd = self.discrete
            change = LinearSystem(Ad, (Ad - a * np.eye(self.order)) @ Bd, dt=self.dt)
            bound = np.abs(Bd[:, 0]) + change.state_bound()
            return np.kron(u_max, bound / (1 - a))
        hint = (
            f"give the largest value sent for each of the {n_states} states, or "
            "one number for all"
        )
        state_range = validate(ArrayParam("state_range", hint), given)
        if state_range.size == 1:
            state_range = np.full(n_states, state_range.item())
        if state_range.shape != (n_states,) or not np.all(
            np.isfinite(state_range) & (state_range > 0)
        ):
            raise ValidationError(
                f"Must be positive ({given=}); give the largest value sent for "
                f"each of the {n_states} states, or one number for all",
                attr="state_range",
            )
        return state_range.copy()


class LoihiLMUCell(LMUCell):
    """
    An `.LMUCell` whose hidden neurons run on the Loihi chip.

    The memory is the exact Legendre system, computed on the host; the hidden
    neurons and the weights into them run on the chip. The network differs
    from `.LMUCell` where the chip needs it to:

    - the hidden neurons are nengo_loihi's models of the chip's neurons
      (`nengo_loihi.neurons.LoihiSpikingRectifiedLinear` for
      `nengo.SpikingRectifiedLinear`, ``LoihiLIF`` for `nengo.LIF`): they fire
      on whole time steps, as on the chip, and NengoDL trains them on the
      chip's rates (nengo_loihi registers nengo-extras' builders for them;
      the ``loihi`` extra installs nengo-extras);
    - the host sends the memory state and the input to the chip through
      on/off input neurons, which encode values in ``[-1, 1]``: with
      ``built_for="loihi"`` what is sent is divided by ``state_range`` and
      ``input_range``, and the weights on the chip are multiplied by them
      (`.get_weights` returns the cell's weights, not these);
    - on the chip, whatever the host sends is filtered by nengo_loihi's
      ``Lowpass(0.005)`` (``DECODE_TAU``) before it reaches the neurons (by the
      cell's ``synapse`` if it is longer and ``hidden_to_hidden``: the chip
      gives the neurons one filter for all their inputs); the
      high orders of the memory change within a few steps, and the filter
      would wipe them out (psDigits: 94% to 45% on rates). So the host sends
      ``(m[k] - a m[k-1]) / (1 - a)``, with ``a`` the filter's decay per step,
      which the filter turns back into ``m[k]``: the neurons receive the
      memory one step late, as through any synapse. The input ``x`` is sent
      as it is and arrives filtered;
    - with ``built_for="nengo"`` the connections into the hidden neurons carry
      that filter, so that nengo and NengoDL train and run the network the
      chip runs; with ``built_for="loihi"`` it is left to nengo_loihi;
    - ``output`` lags by the host-chip round trip on the chip
      (``output_latency``, one step).

    Parameters
    ----------
    units, order, theta
        As in `.LMUCell`.
    built_for : {"loihi", "nengo"}, optional
        The simulator the network is built for: ``"nengo"`` for nengo and
        NengoDL (training, and the reference), ``"loihi"`` for
        ``nengo_loihi.Simulator``.
    input_range : float, optional
        The largest magnitude of the input ``x``.
    state_range : float or (memory_d * order,) array_like, optional
        The largest magnitude of what is sent for each memory state (the
        state, made up for the filter); by default the largest an input within
        ``input_range`` can make it (`.LinearSystem.state_bound`), so that nothing
        sent to the chip is clipped; real sequences reach a fraction of it,
        and `state_peaks` fits it to them. Only used with ``built_for="loihi"``.
    hidden_neuron_type : nengo.neurons.NeuronType, optional
        `nengo.SpikingRectifiedLinear` or `nengo.LIF` (or nengo_loihi's models
        of them).
    **kwargs
        `.LMUCell` parameters. ``synapse`` must be a `nengo.Lowpass` or None;
        the memory must be the exact one (``neural_memory=None``), and
        ``hidden_to_memory`` False (the hidden state would go from the chip to
        the host and back on every step).

    Attributes
    ----------
    built_for : str
        The simulator the network is built for.
    input_range : float
        Divides the input sent to the chip.
    state_range : (memory_d * order,) np.ndarray
        Divides what is sent to the chip for each memory state.
    chip_tau : float
        Time constant of the chip's filter on the hidden neurons' inputs, which
        what the host sends makes up for.

    Examples
    --------
    A cell for the emulator; train the same cell with ``built_for="nengo"`` in
    NengoDL and give it the trained weights (``weights=...``):

    >>> import nengo, nengo_loihi
    >>> from nengo_lmu.loihi import LoihiLMUCell
    >>> cell_kwargs = dict(
    ...     units=64, order=64, theta=0.32, input_to_hidden=True,
    ...     hidden_to_hidden=False, scale_firing_rates=300, synapse=0.01,
    ... )
    >>> with nengo.Network(seed=0) as net:
    ...     stim = nengo.Node(np.zeros(1))
    ...     cell = LoihiLMUCell(built_for="loihi", **cell_kwargs)
    ...     into = nengo.Connection(stim, cell.input, synapse=None)
    ...     p = nengo.Probe(cell.output)
    >>> with nengo_loihi.Simulator(net, target="sim") as sim:
    ...     sim.run(0.32)
    """

    def __init__(
        self,
        units,
        order,
        theta,
        built_for="loihi",
        input_range=1.0,
        state_range=None,
        hidden_neuron_type=nengo.SpikingRectifiedLinear(),
        target=None,
        **kwargs,
    ):
        self._chip_arguments = dict(
            built_for=built_for_argument(built_for, target, self),
            input_range=input_range,
            state_range=state_range,
        )
        super().__init__(
            units, order, theta, hidden_neuron_type=hidden_neuron_type, **kwargs
        )

    def _make_plan(self, arguments, rng):
        return LoihiCellPlan(**self._chip_arguments, **arguments, rng=rng)

    @property
    def output_latency(self):
        """On the chip, the host-chip round trip of the hidden state, in seconds."""
        return CELL_LATENCY_STEPS * self.dt if self.built_for == "loihi" else 0.0

    @property
    def n_states(self):
        """Number of memory states (``memory_d * order``)."""
        return self.memory_d * self.order

    # --- wiring: what the host sends the chip ---

    def _connect(self, name, pre, post, synapse):
        if name not in self.sent_range:
            return super()._connect(name, pre, post, synapse)
        value_range = self.sent_range[name]
        sent = nengo.Node(size_in=len(value_range), label=f"{pre.label} to chip")
        if name == "memory_kernel":
            # send (m[k] - a m[k-1]) / (1 - a): through the chip's input filter
            # (y[k] = a y[k-1] + (1 - a) sent[k]) the neurons receive m[k]
            a = input_decay(self)
            for transform, delay in [(1 / (1 - a), None), (-a / (1 - a), 0)]:
                self.fixed.append(
                    nengo.Connection(
                        pre, sent, transform=transform / value_range, synapse=delay
                    )
                )
        else:
            self.fixed.append(
                nengo.Connection(pre, sent, transform=1 / value_range, synapse=None)
            )
        filtered = None if self.built_for == "loihi" else nengo.Lowpass(self.chip_tau)
        self.weight_connections[name] = nengo.Connection(
            sent,
            post,
            transform=self.weights[name] * value_range,
            synapse=filtered,
        )

    def get_weights(self, sim):
        """The cell's weights (`.LMUCell.get_weights`), without the ranges."""
        weights = super().get_weights(sim)
        for name, value_range in self.sent_range.items():
            if name in weights:
                weights[name] = weights[name] / value_range
        return weights


def _chip_tau(cell):
    """
    Time constant of the filter on every input of the hidden neurons on the chip.

    nengo_loihi gives a block of neurons one filter, the longest of its
    inputs' synapses: its own ``DECODE_TAU`` on what the host sends, and the
    cell's ``synapse`` on the hidden-to-hidden weights.
    """
    if not cell.hidden_to_hidden or cell.synapse is None:
        return DECODE_TAU
    return max(DECODE_TAU, cell.synapse.tau)


def input_decay(cell):
    """
    Decay per step of the chip's filter on what the host sends.

    ``cell`` is a `LoihiLMUCell` (or its plan), or any `.LMUCell` with the same
    options, whose chip filter is then the one a `LoihiLMUCell` would have.
    """
    tau = getattr(cell, "chip_tau", None) or _chip_tau(cell)
    return np.exp(-cell.dt / tau)
