"""`LoihiLegendreMemory`: the Legendre memory built for the Loihi chip."""

import functools

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.loihi.chip import (
    CHIP_TAU,
    LOIHI_LATENCY_STEPS,
    MAX_NEURONS_PER_CORE,
    MIN_COUPLING,
    built_for_argument,
    chip_neuron_model,
    runs_on_chip,
)
from nengo_lmu.memory import LegendreMemory
from nengo_lmu.params import SolverParam, validate

# a network's own arguments, which a trial build of the memory does not repeat
NETWORK_ARGS = ("label", "seed", "add_to_container")


RECURRENT_SOLVER = SolverParam(
    "recurrent_solver",
    weights=True,
    hint="decoded connections go through nengo_loihi's decode neurons; use e.g. "
    "nengo.solvers.LstsqL2(reg=0.01, weights=True)",
)


def _identity(t, x):
    return x


class Paired(nengo.dists.Distribution):
    """
    Samples of a distribution in pairs: each value twice, or with its negative.

    `.LoihiLegendreMemory` gives its ensembles, whose encoders alternate
    between +1 and -1, neuron parameters (``max_rates``, ``intercepts``) drawn
    in pairs and evaluation points mirrored about zero. Each pair of neurons
    then has the same tuning curve, mirrored, and the solver gives them
    opposite decoders: the weights out of them stay opposite once the chip
    rounds them, so their large constant firing cancels in every post neuron
    instead of adding a rounding error many times the signal.

    Parameters
    ----------
    dist : nengo.dists.Distribution
        The distribution sampled, half as many times as samples are asked for.
    mirror : bool, optional
        Whether the second of each pair is the negative of the first (for
        evaluation points) rather than a copy of it (for neuron parameters).

    Examples
    --------
    >>> Paired(nengo.dists.Uniform(0, 1)).sample(4, rng=np.random.RandomState(0))
    array([0.5488135 , 0.5488135 , 0.71518937, 0.71518937])
    """

    dist = nengo.dists.DistributionParam("dist")
    mirror = nengo.params.BoolParam("mirror")

    def __init__(self, dist, mirror=False):
        super().__init__()
        self.dist = dist
        self.mirror = mirror

    def sample(self, n, d=None, rng=np.random):
        first = self.dist.sample((n + 1) // 2, d=d, rng=rng)
        second = -first if self.mirror else first
        pairs = np.stack([first, second], axis=1)
        return pairs.reshape((-1,) + first.shape[1:])[:n]


def _paired(value, mirror=False):
    """``value`` drawn in pairs, if it is a distribution (arrays are kept)."""
    if isinstance(value, nengo.dists.Distribution):
        return Paired(value, mirror=mirror)
    return value


class _PhaseKick:
    """
    A Node function passing its input on, pushed at the start by ``phase``.

    nengo_loihi sends a value to the chip as the spikes of two rectified-linear
    neurons, on and off, each firing at ``(1 +- x) / (2 dt)``. Added to the
    input over the first steps, the push advances the on neuron's voltage and
    holds back the off neuron's by ``phase`` of a spike for the rest of the
    run (their voltages keep the remainder): copies of the input with
    phases spread over ``[0, 1)`` spike in turn rather than together.
    """

    STEPS = 4  # the push is spread over these steps, to keep |x| within 1

    def __init__(self, phase, dt):
        self.push = 2 * ((phase + 0.5) % 1.0 - 0.5) / self.STEPS
        self.end = (self.STEPS + 0.5) * dt

    def __call__(self, t, x):
        return x + self.push if t < self.end else x


def _delayed(synapse, steps, dt):
    """
    A lowpass ``synapse`` followed by a delay of ``steps`` time steps.

    A fractional delay is the mean of the whole-step delays around it,
    weighted by how close each is. A discrete filter, for the host.
    """
    decay = np.exp(-dt / synapse.tau)
    whole = int(np.floor(steps))
    fraction = steps - whole
    numerator = (1 - decay) * np.array([1 - fraction, fraction])
    denominator = np.concatenate([[1, -decay], np.zeros(whole + 1)])
    return nengo.LinearFilter(numerator, denominator, analog=False)


class LoihiLegendreMemory(LegendreMemory):
    """
    A `.LegendreMemory` built for the Loihi chip (``nengo_loihi.Simulator``).

    The dynamics, state scaling and ports are those of `.LegendreMemory`; the
    network differs where the chip needs it to:

    - one ensemble per state dimension (``layout="per_dimension"``), each of at
      most 1,024 neurons, so each fits in one core;
    - every recurrent connection is neuron-to-neuron (``recurrent_solver``
      solves for weights), one per pair of ensembles: a decoded connection
      would go through nengo_loihi's decode neurons, whose noise and extra
      filtering make the memory diverge;
    - the input matrix ``B`` is applied on the chip (a connection to the
      neurons): the host sends the input itself, which its on/off input
      neurons can only encode inside ``[-1, 1]``, not ``B u``, whose high
      orders reach 100 times the input;
    - the neurons of each ensemble come in pairs of opposite encoders with
      the same gain and bias, and the evaluation points are mirrored about
      zero (`Paired`), so each pair's decoders are opposite: the chip rounds
      the weights out of a pair alike, and the pair's constant firing still
      cancels (with independent neurons, the rounding errors times that
      constant firing cost more than the signal's precision: 0.14 against
      0.035 delay NRMSE at order 6);
    - the input reaches each ensemble through ``input_copies``
      connections, each carrying its share of ``B``: nengo_loihi sets a
      core's weight scale by its largest weight, which for one connection is
      the input's (its two on/off input neurons carry as much as all the
      ensemble's neurons), and every other weight into the core is rounded
      to a multiple of 1/255 of it. Smaller input weights let nengo_loihi
      scale the core up until its neurons' thresholds and biases reach the
      chip's limits, so the recurrent weights keep more of their bits.
      ``"auto"`` picks, per ensemble, the number of copies that gives the
      largest scale, from nengo_loihi's own discretization of a trial build
      of the memory (`choose_input_copies`). nengo_loihi sends each copy to
      the chip through its own pair of on/off neurons; each copy is pushed
      to its own phase at the start, so the copies' spikes interleave and
      together carry the input more finely (one pair: 6.5% error on 10 Hz
      input through the synapse; four: 1.6%). Identical copies would spike
      together and add nothing but the scale;
    - delay readouts make up for the time the input takes to reach the chip
      and the state to return to the host (``output_latency``, 1.5 steps);
      so that ``state`` lags as a whole, its part computed on the host, the
      input through ``B``, is delayed as long;
    - a recurrent coupling more than ``2**6`` times smaller than the largest
      into the same ensemble is left out (`.MIN_COUPLING`): the chip could
      not hold its weights next to the others, and nengo_loihi would run it
      too strong;
    - on the chip every input to a neuron is filtered by the neuron's one
      synaptic filter, the recurrent ``synapse``; so with ``built_for="loihi"``
      the input connection has no synapse of its own (nengo would then leave
      it unfiltered: use ``built_for="nengo"`` to run this network in nengo);
    - the neurons' lead and gain (``neuron_lead="auto"``,
      ``neuron_gain="auto"``) are measured on nengo_loihi's models of the
      chip's neurons (`nengo_loihi.neurons.LoihiLIF`), whose integer-step
      dynamics differ from nengo's LIF, with the decoders of ``solver``,
      which by default regularizes as ``recurrent_solver`` does;
    - the recurrent synapse defaults to ``Lowpass(0.05)``, not 0.1: the
      mapped recurrent weights grow with the time constant, and with them the
      effect of the chip neurons' integer-step dynamics (see
      :doc:`/loihi`);
    - LIF intercepts default to ``Uniform(-1, 0.5)``, below nengo_loihi's limit
      of 0.95: high intercepts give large gains and biases, which force small
      weight exponents and cost the weights most of their 8 bits.

    Parameters
    ----------
    order : int
        Number of Legendre coefficients (state dimensions) per memory.
    theta : float
        Length of the window, in seconds.
    n_neurons : int, optional
        Neurons per memory, divided evenly over its ``order`` ensembles, each an
        even number (pairs of neurons) of at most 1,024. Default: 200 per
        state dimension.
    built_for : {"loihi", "nengo"}, optional
        The simulator the network is built for. ``"nengo"`` builds the same
        network with the input filtered by a connection's synapse, as nengo and
        nengo_dl need, to compare it with the chip in the same terms.
    recurrent_solver : nengo.solvers.Solver, optional
        Solver of the recurrent connections; it must solve for weights
        (``weights=True``).
    input_copies : "auto" or int or sequence of int, optional
        Number of connections that share the input into each ensemble (one
        number for all, or one per state dimension). ``"auto"`` (the default)
        chooses them for the chip with `choose_input_copies`, which builds the
        memory once with nengo_loihi (a few seconds). Only the chip needs
        them: with ``built_for="nengo"`` the input has one connection, which the
        copies add up to exactly.
    **kwargs
        `.LegendreMemory` parameters (``size_in``, ``synapse``, ``dt``,
        ``process``, ``discretizer``, ``neuron_lead``, ``neuron_gain``,
        ``solver`` (default ``LstsqL2(reg=0.01)``: keep its regularization that
        of ``recurrent_solver``), ``label``,
        ``seed``, ``add_to_container``) and ensemble parameters
        (``neuron_type``, ``max_rates``, ``intercepts``, ...). ``synapse`` must
        be a `nengo.Lowpass`; ``neuron_type`` one the chip runs (`nengo.LIF`,
        `nengo.SpikingRectifiedLinear`).

    Attributes
    ----------
    built_for : str
        The simulator the network is built for.
    A_chip : (order, order) np.ndarray
        The recurrent matrix (``plan.mapped.A``) the network implements, without
        the couplings the chip cannot hold; ``state`` decodes with it too.
    input_copies : (order,) np.ndarray
        Number of connections sharing the input into each ensemble (all 1
        with ``built_for="nengo"``).

    Notes
    -----
    The input (``input``) is sent to the chip by nengo_loihi's on/off input
    neurons, which encode values in ``[-1, 1]``: keep its magnitude below 1.
    Call `check` on the whole network before running it.

    Examples
    --------
    >>> import nengo, nengo_loihi
    >>> from nengo_lmu.loihi import LoihiLegendreMemory, check
    >>> with nengo.Network(seed=0) as net:
    ...     stim = nengo.Node(nengo.processes.WhiteSignal(10, high=10, rms=0.3))
    ...     mem = LoihiLegendreMemory(order=6, theta=0.1, n_neurons=1200)
    ...     into = nengo.Connection(stim, mem.input, synapse=None)
    ...     p = nengo.Probe(mem.output, synapse=0.01)
    >>> report = check(net)
    >>> with nengo_loihi.Simulator(net, target="sim") as sim:
    ...     sim.run(1.0)
    """

    def __init__(
        self,
        order,
        theta,
        n_neurons=None,
        built_for="loihi",
        recurrent_solver=nengo.solvers.LstsqL2(reg=0.01, weights=True),
        input_copies="auto",
        target=None,
        **kwargs,
    ):
        self.built_for = built_for_argument(built_for, target, self)
        self.recurrent_solver = validate(RECURRENT_SOLVER, recurrent_solver, self)
        self._input_copies = input_copies
        kwargs.setdefault("synapse", nengo.Lowpass(CHIP_TAU))
        kwargs.setdefault("solver", nengo.solvers.LstsqL2(reg=0.01))
        # the arguments of a trial build, for input_copies="auto"
        self._trial_kwargs = dict(
            order=order,
            theta=theta,
            n_neurons=n_neurons,
            built_for=self.built_for,
            recurrent_solver=recurrent_solver,
            **{k: v for k, v in kwargs.items() if k not in NETWORK_ARGS},
        )
        super().__init__(order, theta, n_neurons=n_neurons, **kwargs)

    @property
    def output_latency(self):
        """On the chip, the input's and the state's transport time, in seconds."""
        return LOIHI_LATENCY_STEPS * self.dt if self.built_for == "loihi" else 0.0

    # --- planning: the chip's adjustments ---

    def _configure(self, solver):
        self._check_chip()
        neuron_type = nengo.Config.default(nengo.Ensemble, "neuron_type")
        if not runs_on_chip(neuron_type):
            raise ValidationError(
                f"Loihi cannot run {neuron_type} neurons; use nengo.LIF() or "
                "nengo.SpikingRectifiedLinear()",
                attr="neuron_type",
                obj=self,
            )
        super()._configure(solver)
        if nengo.Config.default(nengo.Ensemble, "intercepts") == (
            nengo.Ensemble.intercepts.default
        ):
            self.config[nengo.Ensemble].intercepts = nengo.dists.Uniform(-1.0, 0.5)

    def _check_chip(self):
        """Refuse, with the reason, what `LegendreMemory` takes but the chip cannot."""
        order = self.system.order
        if self.layout != "per_dimension":
            raise ValidationError(
                f"Loihi needs one ensemble per state dimension (layout="
                f"{self.layout!r}); use layout='per_dimension'",
                attr="layout",
                obj=self,
            )
        if type(self.synapse) is not nengo.Lowpass:
            raise ValidationError(
                f"Loihi's synapses are first-order lowpass filters (synapse="
                f"{self.synapse}); use nengo.Lowpass(tau)",
                attr="synapse",
                obj=self,
            )
        n = self.neurons_per_memory // order
        if n > MAX_NEURONS_PER_CORE or n % 2 == 1:
            fix = (
                f"more than a core's {MAX_NEURONS_PER_CORE}; give n_neurons <= "
                f"{MAX_NEURONS_PER_CORE * order}"
                if n > MAX_NEURONS_PER_CORE
                else f"an odd number, and its neurons come in pairs; give n_neurons "
                f"= {order} times an even number, e.g. {order * (n + 1)}"
            )
            raise ValidationError(
                f"Each of the {order} ensembles would have {n} neurons (n_neurons="
                f"{self.neurons_per_memory}), {fix}",
                attr="n_neurons",
                obj=self,
            )
        copies = self._input_copies
        if not (isinstance(copies, str) and copies == "auto"):
            array = np.atleast_1d(copies)
            if not (
                array.ndim == 1
                and array.size in (1, order)
                and np.issubdtype(array.dtype, np.integer)
                and np.all(array >= 1)
            ):
                raise ValidationError(
                    f"Must be 'auto', a positive integer, or one positive integer "
                    f"per state dimension ({order}) (input_copies={copies!r}); use "
                    "e.g. 'auto' or 1",
                    attr="input_copies",
                    obj=self,
                )

    def _measured_ensembles(self):
        ensembles = super()._measured_ensembles()
        if self.built_for == "loihi":
            for ensemble in ensembles:
                ensemble.neuron_type = chip_neuron_model(ensemble.neuron_type)
        return ensembles

    def _plan(self, neuron_lead, neuron_gain):
        plan = super()._plan(neuron_lead, neuron_gain)
        # the couplings the chip can hold next to the largest into each ensemble
        magnitude = np.abs(plan.mapped.A)
        largest = np.max(magnitude, axis=1, keepdims=True)
        self.A_chip = np.where(magnitude < MIN_COUPLING * largest, 0.0, plan.mapped.A)

        copies = self._input_copies
        if self.built_for == "nengo":
            copies = 1
        elif isinstance(copies, str):
            copies = self._chosen_input_copies()
        self.input_copies = np.broadcast_to(copies, self.system.order).astype(int)
        return plan

    def _chosen_input_copies(self):
        """``input_copies="auto"``: chosen on a trial build with one copy."""
        from nengo_lmu.loihi.tuning import choose_input_copies

        trial = type(self)(
            **self._trial_kwargs,
            input_copies=1,
            label=self.label,
            seed=self.seed,
            add_to_container=False,
        )
        return choose_input_copies(trial)

    # --- wiring ---

    def _make_population(self):
        """
        One ensemble per state dimension, its neurons in mirrored pairs.

        Encoders alternate between +1 and -1 (so that ``B`` can be applied to
        the neurons), and the neuron parameters and evaluation points are drawn
        in pairs (`Paired`). Like an `~nengo.networks.EnsembleArray`, the
        population decodes its (scaled) state on ``population.output``.
        """
        n = self.neurons_per_memory // self.system.order
        encoders = np.resize([1.0, -1.0], n)[:, None]
        default = functools.partial(nengo.Config.default, nengo.Ensemble)
        with nengo.Network(label="memory") as population:
            ensembles = [
                nengo.Ensemble(
                    n,
                    1,
                    encoders=encoders,
                    max_rates=_paired(default("max_rates")),
                    intercepts=_paired(default("intercepts")),
                    eval_points=_paired(default("eval_points"), mirror=True),
                    label=f"{k}",
                )
                for k in range(self.size_in * self.system.order)
            ]
            population.output = nengo.Node(size_in=len(ensembles), label="output")
            for k, ens in enumerate(ensembles):
                nengo.Connection(ens, population.output[k], synapse=None)
        return population

    def _make_state(self):
        # a Node with a function is not a passthrough: nengo_loihi would
        # otherwise merge ``input``, ``state`` and the readouts into one cluster
        # of passthrough nodes, remove it, and leave the probed readouts unfed
        return nengo.Node(
            _identity, size_in=self.size_in * self.system.order, label="state"
        )

    def _connect(self):
        A, B = self.A_chip, self.plan.mapped.B
        order = self.system.order
        scale = self.plan.scaling.scale[:, None]
        input_synapse = None if self.built_for == "loihi" else self.synapse
        shared = []  # (pre, post, transform, synapse) of each input shared out
        for m in range(self.size_in):
            ensembles = self.state_ensembles[m * order : (m + 1) * order]
            state = self.state[m * order : (m + 1) * order]
            for j, post in enumerate(ensembles):
                encoders = post.encoders
                copies = self.input_copies[j]
                transform = encoders * B[j, 0] / post.radius / copies
                nengo.Connection(
                    self.input[m],
                    post.neurons,
                    transform=transform,
                    synapse=input_synapse,
                )
                if copies > 1:
                    shared.append((self.input[m], post.neurons, transform, copies))
                for i in np.flatnonzero(A[j]):
                    nengo.Connection(
                        ensembles[i],
                        post,
                        transform=A[j, i],
                        synapse=self.synapse,
                        solver=self.recurrent_solver,
                    )
            for i, pre in enumerate(ensembles):
                nengo.Connection(
                    pre,
                    state,
                    transform=scale * A[:, i : i + 1],
                    synapse=self.synapse,
                )
            nengo.Connection(
                self.input[m],
                state,
                transform=scale * B,
                synapse=(
                    self.synapse
                    if self.built_for == "nengo"
                    else _delayed(self.synapse, LOIHI_LATENCY_STEPS, self.dt)
                ),
            )
        # in a network of their own, after the population, so that they leave
        # the seeds (and so the neurons) of the rest of the memory as they are
        if shared:
            with nengo.Network(label="input copies"):
                for pre, post, transform, copies in shared:
                    self._copy_input(pre, post, transform, copies, input_synapse)

    def _copy_input(self, pre, post, transform, copies, synapse):
        """
        Add ``copies - 1`` copies of an input connection, each at its own phase.

        With ``built_for="loihi"``, nengo_loihi encodes each host-to-chip
        connection by its own pair of on/off neurons; all start at the same
        voltage, so identical copies would spike alike. Each copy is given its
        own phase instead (`_PhaseKick`), so that the copies' spikes interleave
        and their sum carries the input more finely.
        """
        for phase in np.arange(1, copies) / copies:
            kicked = nengo.Node(_PhaseKick(phase, self.dt), size_in=1, label="phase")
            nengo.Connection(pre, kicked, synapse=None)
            nengo.Connection(kicked, post, transform=transform, synapse=synapse)
