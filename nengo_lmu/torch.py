"""
The PyTorch backend: LMU layers for `torch.nn`, trained in parallel.

`LMU` is an `.LMUCell` as a `torch.nn.Module`: the same parameters (``theta``
in seconds with ``dt``), the same weights by name, the same outputs. Where the
memory is linear time-invariant (no ``hidden_to_memory`` or
``memory_to_memory``) it runs over the whole sequence at once: the memory as a
convolution with its impulse response, or, when only the last step is needed,
the last memory state as one matrix product. `LMUClassifier` adds a linear
readout, as `.classifier.LMUClassifier` does; `train_classifier` is a short
training loop for it. Trained weights go to the nengo networks through
`LMU.cell_kwargs` and `LMUClassifier.classifier_kwargs`, from which the
spiking deployment of `.LMUCell` applies.

This module needs PyTorch (``pip install nengo-lmu[torch]``); the rest of
nengo_lmu does not.
"""

import functools
import time

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.classifier import N_CLASSES, READOUT_WEIGHTS, as_labels, as_sequences
from nengo_lmu.legendre import LegendreDelay
from nengo_lmu.params import (
    BoolParam,
    EnumParam,
    IntParam,
    at_least,
    positive,
    shown,
    validate,
)
from nengo_lmu.plan import CELL_ARGUMENTS, CellPlan
from nengo_lmu.weights import glorot_uniform, initial_weights

try:
    import torch
except ImportError as error:  # pragma: no cover (the torch stack has it)
    raise ImportError(
        "nengo_lmu.torch needs PyTorch: install it with pip install nengo-lmu[torch]"
    ) from error

#: How the memory runs over a sequence: at once (parallel) or step by step.
PARALLEL = BoolParam(
    "parallel",
    optional=True,
    hint="give None to choose by the options, True or False",
)
#: How the parallel memory convolves: "auto" chooses by the sequence's length.
CONVOLUTION = EnumParam("convolution", values=("auto", "fft", "direct"))
#: The longest sequence the direct convolution runs ("auto"); FFT beyond it.
#: Measured (``benchmarks/pytorch.py --part forms``, CPU): the direct one is as
#: fast or faster up to 512 steps; at 784 both vary from run to run, FFT the
#: more so for a large memory (order 256, batch 100), where time matters most.
MAX_DIRECT_STEPS = 1024
RETURN_SEQUENCES = BoolParam("return_sequences", hint="give True or False")
TRAINABLE_THETA = BoolParam("trainable_theta", hint="give True or False")
SEED = IntParam("seed", low=0, optional=True, hint="give a non-negative int or None")
BATCH_SIZE = at_least("batch_size", 1, "give the sequences per minibatch")
EPOCHS = at_least("epochs", 1, "give the number of epochs")
LEARNING_RATE = positive("lr", "give Adam's learning rate, e.g. 1e-3")
VERBOSE = BoolParam("verbose", hint="give True or False")
PATIENCE = IntParam(
    "patience", low=1, optional=True, hint="give epochs to wait, or None"
)
#: The layer's parameters that are `.LMUCell`'s (but its initializers and weights).
CELL_PARAMETERS = CELL_ARGUMENTS + ("theta", "hidden_neuron_type")


def _rectified_linear(neurons, J):
    return neurons.amplitude * torch.relu(J)


def _tanh(neurons, J):
    return torch.tanh(J) / neurons.tau_ref


def _sigmoid(neurons, J):
    return torch.sigmoid(J) / neurons.tau_ref


def _lif_rate(neurons, J):
    above = J > 1
    j = torch.where(above, J - 1, torch.ones_like(J))  # no log of <= 0
    rates = neurons.amplitude / (neurons.tau_ref + neurons.tau_rc * torch.log1p(1 / j))
    return torch.where(above, rates, torch.zeros_like(J))


#: The rate neurons PyTorch computes: nengo's ``step`` of each, as a torch
#: function of the neurons and their input current.
RATES = {
    nengo.RectifiedLinear: _rectified_linear,
    nengo.Tanh: _tanh,
    nengo.Sigmoid: _sigmoid,
    nengo.LIFRate: _lif_rate,
}


def rate_function(neuron_type):
    """
    The response of nengo rate neurons as a torch function of their input current.

    Parameters
    ----------
    neuron_type : nengo.neurons.NeuronType
        ``nengo.RectifiedLinear``, ``nengo.Tanh``, ``nengo.Sigmoid`` or
        ``nengo.LIFRate``, with their parameters (``amplitude``, ``tau_ref``,
        ``tau_rc``).

    Returns
    -------
    callable
        ``f(J)``, torch tensor to torch tensor, equal to the neurons' rates in
        nengo (a `functools.partial`, which pickles with the model).

    Raises
    ------
    nengo.exceptions.ValidationError
        For spiking neurons (train with their rate counterpart, deploy with
        them in nengo) and for other neuron types.
    """
    if getattr(neuron_type, "spiking", False):
        rates = {"SpikingRectifiedLinear": "RectifiedLinear", "LIF": "LIFRate"}
        name = type(neuron_type).__name__
        raise ValidationError(
            f"PyTorch trains rate neurons, not spiking ones "
            f"(hidden_neuron_type={neuron_type!r}); train with "
            f"nengo.{rates.get(name, 'RectifiedLinear')}() and give {name} to "
            "nengo_lmu.LMUCell when you deploy the trained weights",
            attr="hidden_neuron_type",
        )
    rates = RATES.get(type(neuron_type))
    if rates is not None:
        return functools.partial(rates, neuron_type)
    raise ValidationError(
        f"No PyTorch response for {neuron_type!r}; give nengo.RectifiedLinear(), "
        "nengo.Tanh(tau_ref=1), nengo.Sigmoid() or nengo.LIFRate()",
        attr="hidden_neuron_type",
    )


def impulse_response(Ad, Bd, steps):
    """
    The memory's response to a unit impulse, ``Ad^j Bd`` for ``j < steps``.

    Computed by doubling (``log2(steps)`` matrix products), differentiably.

    Parameters
    ----------
    Ad : (order, order) torch.Tensor
        The discrete state matrix.
    Bd : (order, 1) torch.Tensor
        The discrete input matrix.
    steps : int
        Number of steps.

    Returns
    -------
    (steps, order) torch.Tensor
        Row ``j`` is ``Ad^j Bd``: the weight of the input ``j`` steps ago in
        the memory's state.
    """
    response = Bd.T  # rows: Ad^j Bd, transposed
    power = Ad.T  # (Ad^n)^T for n the rows so far
    while len(response) < steps:
        response = torch.cat([response, response @ power])
        power = power @ power
    return response[:steps]


class LMU(torch.nn.Module):
    """
    An LMU layer for PyTorch: `.LMUCell` as a `torch.nn.Module`.

    At every step ``k`` it computes what `.LMUCell` computes with the exact
    memory (``synapse=None``), with the same weights by name::

        u[k] = input_encoders x[k] + hidden_encoders h[k-1]
               + memory_encoders m[k-1] + memory_bias
        m[k] = Ad m[k-1] + Bd u[k]
        h[k] = f(memory_kernel m[k] + input_kernel x[k]
                 + hidden_kernel h[k-1] + hidden_bias)

    Without ``hidden_to_memory`` and ``memory_to_memory`` the memory is linear
    and time-invariant, and runs over the whole sequence at once
    (``parallel``): ``m`` as the convolution of ``u`` with the memory's impulse
    response, or only the last ``m`` as one matrix product when the layer
    returns the last step, the hidden layer is feed-forward and there is no
    synapse.

    Parameters
    ----------
    units, order, theta, memory_d, input_d, hidden_to_memory, memory_to_memory, \
input_to_hidden, hidden_to_hidden, use_bias, discretizer, dt, \
scale_firing_rates, kernel_initializer, recurrent_initializer, \
hidden_kernel_initializer, hidden_recurrent_initializer, weights
        As in `.LMUCell`: ``theta`` in seconds, one step of the sequence
        lasting ``dt`` seconds.
    synapse : nengo.Lowpass or float, optional
        As in `.LMUCell`: the hidden neurons' output filtered by this lowpass
        (a number is its time constant), on its way out and back to the
        hidden neurons and the memory, one step later, exactly as nengo filters
        a connection. Train with the synapse that spiking hidden neurons will
        need, so that the readout learns the filtered state it will see.
    hidden_neuron_type : nengo.neurons.NeuronType, optional
        Rate neurons of the hidden layer (see `rate_function`):
        ``nengo.Tanh(tau_ref=1)`` (keras' tanh, the default),
        ``nengo.RectifiedLinear()``, ``nengo.Sigmoid`` or ``nengo.LIFRate``.
        Deploy with their spiking counterparts in `.LMUCell`.
    trainable_theta : bool, optional
        Whether ``theta`` trains. The parameter is ``log_theta``, the log of
        the window in steps: the window stays positive, and an optimizer's
        step changes it by a fraction, whatever its length (keras-lmu trains
        ``1 / theta``, which a step can make negative). The memory is then
        discretized again at every call.
    return_sequences : bool, optional
        Whether to return ``h`` at every step (batch, steps, units) or at the
        last step only (batch, units).
    parallel : bool or None, optional
        Run the memory over the sequence at once (True) or step by step
        (False); None does so whenever the options allow. The two give the
        same results.
    convolution : {"auto", "fft", "direct"}, optional
        How the parallel memory convolves a whole sequence: by FFT, or
        directly (``torch.nn.functional.conv1d``); "auto" chooses the faster
        by the sequence's length (direct up to `MAX_DIRECT_STEPS` steps).
    seed : int, optional
        Seed of the initial weights; by default drawn from torch's random
        numbers (so ``torch.manual_seed`` makes them reproducible).

    Attributes
    ----------
    weights : torch.nn.ParameterDict
        The weights, named and shaped as `.LMUCell.weights` ((post, pre)
        matrices, as ``torch.nn.Linear``'s).
    plan : CellPlan
        The checked parameters and the memory's system, as for `.LMUCell`.
    log_theta : torch.nn.Parameter or None
        ``log(theta / dt)``, if ``trainable_theta``.

    Examples
    --------
    >>> import nengo, torch
    >>> from nengo_lmu.torch import LMU
    >>> lmu = LMU(units=32, order=16, theta=0.1, dt=0.001,
    ...           hidden_neuron_type=nengo.RectifiedLinear())
    >>> lmu(torch.zeros(8, 100, 1)).shape
    torch.Size([8, 32])
    """

    def __init__(
        self,
        units,
        order,
        theta,
        memory_d=1,
        input_d=1,
        hidden_to_memory=False,
        memory_to_memory=False,
        input_to_hidden=False,
        hidden_to_hidden=True,
        use_bias=False,
        discretizer="zoh",
        dt=0.001,
        hidden_neuron_type=nengo.Tanh(tau_ref=1),
        scale_firing_rates=1.0,
        synapse=None,
        trainable_theta=False,
        return_sequences=False,
        parallel=None,
        convolution="auto",
        kernel_initializer=None,
        recurrent_initializer=None,
        hidden_kernel_initializer=None,
        hidden_recurrent_initializer=None,
        weights=None,
        seed=None,
    ):
        super().__init__()
        seed = validate(SEED, seed, self)
        if seed is None:
            seed = int(torch.randint(2**31 - 1, ()).item())
        arguments = {
            name: value
            for name, value in locals().items()
            if name in CELL_PARAMETERS or name.endswith("initializer")
        }
        try:
            self.plan = CellPlan(
                **arguments,
                neural_memory=None,
                replay_memory=False,
                weights=weights,
                memory_neurons=None,
                rng=np.random.RandomState(seed),
            )
        except ValidationError as error:  # named as the layer's, not the plan's
            raise ValidationError(error.args[0], attr=error.attr, obj=self) from None
        self.rates = rate_function(self.plan.hidden_neuron_type)
        self._decay = self._synapse_decay()
        self.trainable_theta = validate(TRAINABLE_THETA, trainable_theta, self)
        self.return_sequences = validate(RETURN_SEQUENCES, return_sequences, self)
        self.convolution = validate(CONVOLUTION, convolution, self)
        self.parallel = self._parallel(validate(PARALLEL, parallel, self))
        self.weights = torch.nn.ParameterDict(
            {
                name: torch.nn.Parameter(
                    torch.as_tensor(value, dtype=torch.get_default_dtype())
                )
                for name, value in self.plan.weights.items()
            }
        )
        self.log_theta = (
            torch.nn.Parameter(
                torch.tensor(np.log(self.plan.system.theta / self.plan.dt)).to(
                    torch.get_default_dtype()
                )
            )
            if self.trainable_theta
            else None
        )
        # the memory with a window of one step, which exp(-log_theta) scales
        self._unit = LegendreDelay(theta=1.0, order=self.plan.order)
        self._responses = {}

    def _synapse_decay(self):
        """``a`` of the synapse's ``r[k] = a r[k-1] + (1 - a) h[k-1]``."""
        synapse = self.plan.synapse
        if synapse is None:
            return 0.0
        if type(synapse) is not nengo.Lowpass:
            raise ValidationError(
                f"PyTorch filters the hidden output with nengo.Lowpass only "
                f"(synapse={synapse!r}); give nengo.Lowpass(tau), a number "
                "(its tau), or None",
                attr="synapse",
                obj=self,
            )
        return float(np.exp(-self.plan.dt / synapse.tau))

    def _parallel(self, parallel):
        """Whether the memory runs at once: ``parallel``, checked or chosen."""
        feedback = self.plan.memory_feedback
        if parallel and feedback:
            raise ValidationError(
                f"The memory cannot run in parallel with {' and '.join(feedback)}"
                f"=True: its input depends on its own past; give parallel=None "
                "(step by step, chosen for these options) or drop the option",
                attr="parallel",
                obj=self,
            )
        return not feedback if parallel is None else parallel

    # --- the memory's matrices ---

    @property
    def theta(self):
        """The memory's window in seconds (as trained, if ``trainable_theta``)."""
        if self.log_theta is None:
            return self.plan.system.theta
        return self.plan.dt * float(torch.exp(self.log_theta.detach().double()))

    def discrete(self, device=None):
        """
        The memory's discrete matrices, float64, differentiable in ``log_theta``.

        Parameters
        ----------
        device : torch.device, optional
            Where the matrices go.

        Returns
        -------
        Ad : (order, order) torch.Tensor
        Bd : (order, 1) torch.Tensor
        """
        if self.log_theta is None:
            return tuple(
                torch.tensor(matrix, device=device) for matrix in self.plan.discrete
            )
        theta_inv = torch.exp(-self.log_theta.to(device=device, dtype=torch.float64))
        A, B = (
            torch.tensor(matrix, device=device) * theta_inv for matrix in self._unit
        )
        if self.plan.discretizer == "euler":
            return torch.eye(len(A), dtype=A.dtype, device=device) + A, B
        augmented = torch.nn.functional.pad(torch.cat([A, B], dim=1), (0, 0, 0, 1))
        expm = torch.linalg.matrix_exp(augmented)  # zero-order hold, as keras-lmu
        return expm[:-1, :-1], expm[:-1, -1:]

    def _impulse_response(self, Ad, Bd, steps, dtype):
        """`impulse_response` in ``dtype``, cached while theta is fixed."""
        if self.log_theta is not None:
            return impulse_response(Ad, Bd, steps).to(dtype)
        key = (steps, Ad.device, dtype)
        if key not in self._responses:
            self._responses[key] = impulse_response(Ad, Bd, steps).to(dtype)
        return self._responses[key]

    # --- running ---

    def forward(self, x, states=None):
        """
        Run the layer over sequences.

        Parameters
        ----------
        x : (batch, steps, input_d) torch.Tensor
            The sequences (batch first), of finite values.
        states : (batch, steps, memory_d * order) torch.Tensor, optional
            Memory states to use instead of the memory's own, as
            `.LMUCell` with ``replay_memory=True`` does: e.g. those a memory
            in spiking neurons delivers on ``x`` (`.record_states`), so that
            the hidden layer trains on them. Not with ``hidden_to_memory`` or
            ``memory_to_memory``.

        Returns
        -------
        torch.Tensor
            ``h`` at every step (batch, steps, units) if ``return_sequences``,
            else at the last step (batch, units).
        """
        self._check(x)
        if states is not None:
            self._check_states(states, x)
            return self._run_hidden(x, states.to(x.dtype))
        Ad, Bd = self.discrete(x.device)
        if self.parallel:
            response = self._impulse_response(Ad, Bd, x.shape[1], x.dtype)
            return self._forward_parallel(x, response)
        return self._forward_recurrent(x, Ad.to(x.dtype), Bd.to(x.dtype))

    def _check(self, x):
        """Refuse sequences of the wrong shape or with NaN."""
        input_d = self.plan.input_d
        self._check_tensor(
            x,
            "x",
            lambda shape: len(shape) == 3 and shape[-1] == input_d and shape[1] > 0,
            f"give a float tensor (batch, steps, {input_d}), batch first (a "
            "sequence of one dimension as x[..., None])",
        )

    def _check_states(self, states, x):
        """Refuse replayed states the layer cannot use, or of the wrong shape."""
        feedback = self.plan.memory_feedback
        if feedback:
            raise ValidationError(
                f"Replayed memory states cannot follow {' and '.join(feedback)}"
                "=True, whose weights train; give states=None, or a layer "
                "without the option",
                attr="states",
                obj=self,
            )
        shape = (*x.shape[:2], self.plan.memory_d * self.plan.order)
        self._check_tensor(
            states,
            "states",
            lambda given: tuple(given) == shape,
            f"give a float tensor {shape}: the memory's state at each step of x",
        )

    def _check_tensor(self, value, attr, shaped, hint):
        """Refuse ``value`` unless a finite float tensor whose shape is ``shaped``."""
        if not isinstance(value, torch.Tensor) or not value.is_floating_point():
            kind = getattr(value, "dtype", type(value).__name__)
            raise ValidationError(
                f"Must be a float torch.Tensor ({attr} is {kind}); {hint}",
                attr=attr,
                obj=self,
            )
        if not shaped(value.shape):
            raise ValidationError(
                f"{attr} has shape {tuple(value.shape)}; {hint}", attr=attr, obj=self
            )
        if not torch.isfinite(value).all():
            raise ValidationError(
                f"{attr} holds NaN or infinite values; {hint}", attr=attr, obj=self
            )

    def _rates(self, drive):
        """The hidden neurons' output for their input ``drive``."""
        return self.rates(self.plan.scale_firing_rates * drive)

    def _hidden(self, drive, r):
        """``h[k]`` from its input but ``hidden_kernel``, and the fed-back ``r``."""
        if self.plan.hidden_to_hidden:
            drive = drive + r @ self.weights["hidden_kernel"].T
        return self._rates(drive)

    def _drive(self, m, x):
        """The hidden layer's input but for ``hidden_kernel``, bias included."""
        w = self.weights
        drive = m @ w["memory_kernel"].T + w["hidden_bias"]
        if self.plan.input_to_hidden:
            drive = drive + x @ w["input_kernel"].T
        return drive

    def _memory_input(self, x):
        """``u`` without the feedback terms: (..., memory_d)."""
        u = x @ self.weights["input_encoders"].T
        if self.plan.use_bias:
            u = u + self.weights["memory_bias"]
        return u

    def _filter(self, r, h):
        """
        What leaves the hidden neurons through the synapse, one step on.

        ``r[k] = a r[k-1] + (1 - a) h[k-1]``, as nengo filters a connection
        (``a = exp(-dt / tau)``; without a synapse, ``a = 0``: one step's delay).
        """
        return self._decay * r + (1 - self._decay) * h

    def _output(self, hs, rs):
        """The layer's output from ``h`` and ``r`` at every step (lists)."""
        out = hs if self.plan.synapse is None else rs
        return torch.stack(out, dim=1) if self.return_sequences else out[-1]

    def _forward_recurrent(self, x, Ad, Bd):
        """Step by step, as `.LMUCell` runs."""
        w, plan = self.weights, self.plan
        batch = len(x)
        m = x.new_zeros(batch, plan.memory_d, plan.order)
        h = r = x.new_zeros(batch, plan.units)  # at rest before the first step
        hs, rs = [], []
        for k in range(x.shape[1]):
            r = self._filter(r, h)
            u = self._memory_input(x[:, k])
            if plan.hidden_to_memory:
                u = u + r @ w["hidden_encoders"].T
            if plan.memory_to_memory:
                u = u + m.reshape(batch, -1) @ w["memory_encoders"].T
            m = m @ Ad.T + u[..., None] * Bd[:, 0]
            h = self._hidden(self._drive(m.reshape(batch, -1), x[:, k]), r)
            hs.append(h)
            rs.append(r)
        return self._output(hs, rs)

    def _forward_parallel(self, x, response):
        """The memory over the sequence at once; the hidden layer after it."""
        u = self._memory_input(x)  # (batch, steps, memory_d)
        if not (
            self.return_sequences
            or self.plan.hidden_to_hidden
            or self.plan.synapse is not None
        ):
            # the last state only: sum_j response[steps - 1 - j] u[j]
            m = torch.einsum("bsd,so->bdo", u, response.flip(0))
            return self._rates(self._drive(m.flatten(1), x[:, -1]))
        m = self._convolve(u, response).flatten(2)  # (batch, steps, memory_d*order)
        return self._run_hidden(x, m)

    def _run_hidden(self, x, m):
        """The hidden layer (and the synapse) over the memory's states ``m``."""
        drive = self._drive(m, x)  # (batch, steps, units)
        rest = drive.new_zeros(drive[:, 0].shape)  # h and r before the first step
        if not self.plan.hidden_to_hidden:
            h = self._rates(drive)  # every step at once
            if self.plan.synapse is None:
                return h if self.return_sequences else h[:, -1]
            hs, rs, r = h.unbind(1), [], rest
            for h_before in (rest, *hs[:-1]):
                r = self._filter(r, h_before)
                rs.append(r)
            return self._output(hs, rs)
        h = r = rest
        hs, rs = [], []
        for drive_k in drive.unbind(1):  # one gradient for all steps
            r = self._filter(r, h)
            h = self._hidden(drive_k, r)
            hs.append(h)
            rs.append(r)
        return self._output(hs, rs)

    def _convolve(self, u, response):
        """The memory's states (batch, steps, memory_d, order) from ``u``."""
        batch, steps, memory_d = u.shape
        method = self.convolution
        if method == "auto":
            method = "direct" if steps <= MAX_DIRECT_STEPS else "fft"
        if method == "fft":
            n = 2 * steps
            spectrum = torch.fft.rfft(u, n=n, dim=1)[..., None]
            kernel = torch.fft.rfft(response, n=n, dim=0)[:, None, :]
            return torch.fft.irfft(spectrum * kernel, n=n, dim=1)[:, :steps]
        signal = u.permute(0, 2, 1).reshape(batch * memory_d, 1, steps)
        signal = torch.nn.functional.pad(signal, (steps - 1, 0))
        kernel = response.T.flip(1)[:, None, :]  # (order, 1, steps)
        m = torch.nn.functional.conv1d(signal, kernel)  # (batch*memory_d, order, steps)
        return m.reshape(batch, memory_d, -1, steps).permute(0, 3, 1, 2)

    # --- weights to and from nengo_lmu ---

    def get_weights(self):
        """
        The current weights, as `.LMUCell.get_weights` gives them.

        Returns
        -------
        dict
            float64 arrays by name, for ``LMUCell(weights=...)``.
        """
        return {
            name: value.detach().cpu().to(torch.float64).numpy().copy()
            for name, value in self.weights.items()
        }

    def set_weights(self, weights):
        """
        Load weights (e.g. an `.LMUCell`'s ``get_weights(sim)``) into the layer.

        Parameters
        ----------
        weights : dict
            Every weight of the layer, by name (see `.LMUCell.weights`).

        Raises
        ------
        nengo.exceptions.ValidationError
            For missing, unknown or misshapen weights.
        """
        missing = sorted(set(self.plan.shapes) - set(weights or {}))
        if missing:
            raise ValidationError(
                f"Weights {missing} are missing (the layer has "
                f"{list(self.plan.shapes)}); give the weights of a cell with the "
                "same options and sizes",
                attr="weights",
                obj=self,
            )
        checked = initial_weights(self.plan.shapes, {}, weights, None, obj=self)
        with torch.no_grad():
            for name, value in checked.items():
                self.weights[name].copy_(torch.as_tensor(value))

    def cell_kwargs(self):
        """
        The arguments of the `.LMUCell` that computes what this layer computes.

        Returns
        -------
        dict
            ``LMUCell(**layer.cell_kwargs())`` is this layer with the exact
            memory: the sizes, options, ``theta`` (as trained), discretizer,
            ``dt``, hidden neurons, ``scale_firing_rates`` and the current
            ``weights``. Override what the deployment changes, e.g.
            ``hidden_neuron_type=nengo.SpikingRectifiedLinear()``,
            ``synapse`` or ``neural_memory``.
        """
        return {
            **self.plan.cell_arguments(),
            "theta": self.theta,
            "weights": self.get_weights(),
        }

    @classmethod
    def from_cell(cls, cell, sim=None, **kwargs):
        """
        The layer that computes what ``cell`` computes with the exact memory.

        Parameters
        ----------
        cell : LMUCell
            The cell (a memory in neurons or replayed is replaced by the exact
            one, and the synapse by none).
        sim : nengo.Simulator or nengo_dl.Simulator, optional
            A simulator holding the cell's trained weights
            (`.LMUCell.get_weights`); without it, the cell's initial weights.
        **kwargs
            The layer's own parameters (``return_sequences``, ...), or
            overrides of the cell's (``hidden_neuron_type`` to train a cell of
            spiking neurons in rates).

        Returns
        -------
        LMU
        """
        arguments = cell.plan.cell_arguments()
        if sim is not None:
            arguments["weights"] = cell.get_weights(sim)
        return cls(**{**arguments, **kwargs})


class LMUClassifier(torch.nn.Module):
    """
    An `LMU` with a linear readout of its last step: a sequence classifier.

    The PyTorch counterpart of `.classifier.LMUClassifier` (keras-lmu's usual
    model: an LMU layer and a ``Dense`` readout), with the same weights by
    name.

    Parameters
    ----------
    n_classes : int
        Number of classes (outputs of the readout).
    weights : dict, optional
        Initial weights: the layer's and the readout's ``readout``
        (n_classes, units) and ``readout_bias`` (n_classes,), e.g. from
        `.classifier.LMUClassifier.get_weights`. Missing ones are initialized
        as in Keras.
    seed : int, optional
        Seed of the initial weights; by default drawn from torch's random
        numbers.
    **lmu_kwargs
        Parameters of the `LMU` (``units``, ``order``, ``theta``, ...).

    Attributes
    ----------
    lmu : LMU
        The LMU layer (returning its last step).
    readout : torch.nn.Linear
        The readout: class scores (logits) from the last hidden state.
    """

    def __init__(self, n_classes, weights=None, seed=None, **lmu_kwargs):
        super().__init__()
        n_classes = validate(N_CLASSES, n_classes, self)
        seed = validate(SEED, seed, self)
        if seed is None:
            seed = int(torch.randint(2**31 - 1, ()).item())
        if lmu_kwargs.get("return_sequences", False):
            raise ValidationError(
                "A classifier scores the last step (return_sequences=True); leave "
                "return_sequences out, or use LMU with a readout of your own",
                attr="return_sequences",
                obj=self,
            )
        weights = {} if weights is None else dict(weights)
        given = {name: weights.pop(name) for name in READOUT_WEIGHTS if name in weights}
        self.lmu = LMU(weights=weights, seed=seed, **lmu_kwargs)
        units = self.lmu.plan.units
        readout = initial_weights(
            {"readout": (n_classes, units), "readout_bias": (n_classes,)},
            {
                "readout": glorot_uniform(units, n_classes),
                "readout_bias": nengo.dists.Choice([0.0]),
            },
            given,
            np.random.RandomState([seed, 1]),
            obj=self,
        )
        self.readout = torch.nn.Linear(units, n_classes)
        with torch.no_grad():
            self.readout.weight.copy_(torch.as_tensor(readout["readout"]))
            self.readout.bias.copy_(torch.as_tensor(readout["readout_bias"]))

    @property
    def n_classes(self):
        """Number of classes."""
        return self.readout.out_features

    def forward(self, x, states=None):
        """
        Class scores (logits) of sequences, from their last step.

        Parameters
        ----------
        x : (batch, steps, input_d) torch.Tensor
            The sequences.
        states : (batch, steps, memory_d * order) torch.Tensor, optional
            Memory states to replay (see `LMU.forward`).

        Returns
        -------
        (batch, n_classes) torch.Tensor
        """
        return self.readout(self.lmu(x, states))

    def get_weights(self):
        """
        The current weights, as `.classifier.LMUClassifier.get_weights` gives them.

        Returns
        -------
        dict
            The layer's weights (`LMU.get_weights`), ``readout`` and
            ``readout_bias``, float64 arrays by name.
        """
        weights = self.lmu.get_weights()
        for name, value in (
            ("readout", self.readout.weight),
            ("readout_bias", self.readout.bias),
        ):
            weights[name] = value.detach().cpu().to(torch.float64).numpy().copy()
        return weights

    def classifier_kwargs(self):
        """
        The arguments of the `.classifier.LMUClassifier` that computes the same.

        Returns
        -------
        dict
            ``nengo_lmu.classifier.LMUClassifier(**model.classifier_kwargs())``
            scores as this model does (with the exact memory); override what the
            deployment changes (hidden neurons, ``synapse``,
            ``neural_memory``, ...).
        """
        return {
            **self.lmu.cell_kwargs(),
            "n_classes": self.n_classes,
            "weights": self.get_weights(),
        }

    @classmethod
    def from_classifier(cls, classifier, sim=None, **kwargs):
        """
        The model that scores as a nengo `.classifier.LMUClassifier` does.

        Parameters
        ----------
        classifier : nengo_lmu.LMUClassifier
            The classifier (its memory taken as the exact one).
        sim : nengo.Simulator or nengo_dl.Simulator, optional
            A simulator holding its trained weights; without it, its initial
            weights.
        **kwargs
            The layer's own parameters, or overrides of the cell's.

        Returns
        -------
        LMUClassifier
        """
        arguments = classifier.cell.plan.cell_arguments()
        if sim is None:
            arguments["weights"].update(
                readout=classifier.readout.transform.init,
                readout_bias=classifier.readout_bias.transform.init[:, 0],
            )
        else:
            arguments["weights"] = classifier.get_weights(sim)
        return cls(n_classes=classifier.n_classes, **{**arguments, **kwargs})


def _checked(model, x, y, states, attr):
    """Sequences, labels and states (or None) checked, as numpy arrays."""
    plan = model.lmu.plan
    x = as_sequences(x, plan.input_d, attr=attr, dtype=None)
    y = as_labels(y, len(x), model.n_classes, attr=attr)
    if states is not None:
        states = as_sequences(states, plan.memory_d * plan.order, attr=attr, dtype=None)
        if states.shape[:2] != x.shape[:2]:
            raise ValidationError(
                f"States have shape {states.shape} for sequences {x.shape} "
                f"({attr}); give the memory's state at each step of each "
                "sequence (nengo_lmu.classifier.record_states)",
                attr=attr,
            )
    return x, y, states


def _tensors(model, x, y, states, attr):
    """`_checked`, as tensors on the model's device and in its dtype."""
    parameter = next(model.parameters())
    x, y, states = _checked(model, x, y, states, attr)
    kwargs = dict(dtype=parameter.dtype, device=parameter.device)
    return (
        torch.as_tensor(x, **kwargs),
        torch.as_tensor(y, device=parameter.device),
        None if states is None else torch.as_tensor(states, **kwargs),
    )


def classify(model, x, batch_size=1000, states=None):
    """
    Class scores of sequences (logits), computed in minibatches without gradients.

    Parameters
    ----------
    model : LMUClassifier
        The classifier.
    x : (n, steps, input_d) array_like
        The sequences.
    batch_size : int, optional
        Sequences per minibatch.
    states : (n, steps, memory_d * order) array_like, optional
        Memory states to replay (see `LMU.forward`).

    Returns
    -------
    (n, n_classes) np.ndarray
    """
    validate(BATCH_SIZE, batch_size)
    x, _, states = _tensors(model, x, np.zeros(len(x), dtype=int), states, "x")
    was_training = model.training
    model.eval()
    with torch.no_grad():
        scores = [
            model(x[i : i + batch_size], _batch(states, i, batch_size))
            for i in range(0, len(x), batch_size)
        ]
    model.train(was_training)
    return torch.cat(scores).cpu().numpy()


def _batch(states, start, size):
    """``states[start:start + size]``, or None."""
    return None if states is None else states[start : start + size]


def accuracy(model, x, y, batch_size=1000, states=None):
    """
    Fraction of sequences ``x`` classified as ``y`` (see `classify`).

    Parameters
    ----------
    model, x, batch_size, states
        As in `classify`.
    y : (n,) array_like
        The classes of ``x``.

    Returns
    -------
    float
    """
    y = as_labels(y, len(x), model.n_classes)
    scores = classify(model, x, batch_size, states)
    return float(np.mean(np.argmax(scores, axis=1) == y))


def train_classifier(
    model,
    train,
    validation=None,
    epochs=10,
    batch_size=100,
    lr=1e-3,
    patience=None,
    seed=0,
    verbose=False,
):
    """
    Train a classifier with Adam and cross-entropy, keeping its best epoch.

    A short loop for the common case; `LMUClassifier` is a plain
    `torch.nn.Module`, so any PyTorch training loop (mixed precision,
    ``DistributedDataParallel``, ...) trains it too.

    Parameters
    ----------
    model : LMUClassifier
        The classifier, on the device to train on.
    train : tuple
        ``(x, y)``: sequences (n, steps, input_d) and their classes (n,); or
        ``(x, y, states)`` with the memory states to replay (see
        `LMU.forward`), e.g. those of a memory in spiking neurons
        (`.record_states`).
    validation : tuple, optional
        ``(x, y)`` or ``(x, y, states)`` measured after every epoch; the
        model ends with the weights of the epoch with the best validation
        accuracy. Without it, those of the last epoch.
    epochs : int, optional
        Number of epochs.
    batch_size : int, optional
        Sequences per minibatch.
    lr : float, optional
        Adam's learning rate.
    patience : int, optional
        Stop after this many epochs without a better validation accuracy.
    seed : int, optional
        Seed of the minibatches' order.
    verbose : bool, optional
        Print the loss, validation accuracy and time of every epoch.

    Returns
    -------
    dict
        ``loss`` (mean over the epoch's minibatches), ``val_accuracy`` and
        ``epoch_time`` (seconds of training, without validation) per epoch,
        and ``best_epoch`` (counting from 0; None without validation).

    Raises
    ------
    nengo.exceptions.ValidationError
        For bad data or parameters, and if the loss becomes NaN or infinite.
    """
    if not isinstance(model, LMUClassifier):
        raise ValidationError(
            f"Must be a nengo_lmu.torch.LMUClassifier (model={shown(model)}); "
            "train other modules with a loop of your own",
            attr="model",
        )
    for param, value in [
        (EPOCHS, epochs),
        (BATCH_SIZE, batch_size),
        (LEARNING_RATE, lr),
        (PATIENCE, patience),
        (SEED, seed),
        (VERBOSE, verbose),
    ]:
        validate(param, value)
    if patience is not None and validation is None:
        raise ValidationError(
            f"Stopping early needs a validation set (patience={patience}); give "
            "validation=(x, y), or patience=None",
            attr="patience",
        )
    x, y, states = _tensors(model, *_data(train, "train"), "train")
    if validation is not None:
        val_x, val_y, val_states = _checked(
            model, *_data(validation, "validation"), "validation"
        )
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    history = {"loss": [], "val_accuracy": [], "epoch_time": [], "best_epoch": None}
    best = None
    for epoch in range(epochs):
        start = time.perf_counter()
        model.train()
        losses = []
        for batch, index in enumerate(
            torch.randperm(len(x), generator=generator).split(batch_size)
        ):
            index = index.to(x.device)
            replayed = None if states is None else states[index]
            loss = torch.nn.functional.cross_entropy(
                model(x[index], replayed), y[index]
            )
            if not torch.isfinite(loss):
                raise ValidationError(
                    f"The training loss is {float(loss)} at epoch {epoch}, "
                    f"minibatch {batch} (lr={lr}); lower the learning rate",
                    attr="lr",
                )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        history["epoch_time"].append(time.perf_counter() - start)
        history["loss"].append(float(np.mean(losses)))
        line = f"epoch {epoch + 1}/{epochs}: loss {history['loss'][-1]:.4f}"
        if validation is not None:
            history["val_accuracy"].append(
                accuracy(model, val_x, val_y, states=val_states)
            )
            if best is None or history["val_accuracy"][-1] > max(
                history["val_accuracy"][:-1], default=-1
            ):
                history["best_epoch"] = epoch
                best = {k: v.detach().clone() for k, v in model.state_dict().items()}
            line += f", validation accuracy {history['val_accuracy'][-1]:.4f}"
        if verbose:
            print(f"{line}, {history['epoch_time'][-1]:.1f} s", flush=True)
        if patience is not None and epoch - history["best_epoch"] >= patience:
            break
    if best is not None:
        model.load_state_dict(best)
    return history


def _data(data, attr):
    """``(x, y, states)`` from a pair or a triple, or a clear error."""
    if not (isinstance(data, (tuple, list)) and len(data) in (2, 3)):
        raise ValidationError(
            f"Must be a pair (x, y) of sequences and classes, or a triple (x, y, "
            f"states) ({attr}={shown(data)}); give e.g. (x_train, y_train)",
            attr=attr,
        )
    return (*data, None) if len(data) == 2 else tuple(data)
