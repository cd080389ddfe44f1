"""LegendreMemory: the LMU's linear memory as a recurrent network of neurons."""

import warnings

import nengo
import numpy as np
from nengo.exceptions import ValidationError
from nengo.utils.network import with_self

from nengo_lmu.legendre import LegendreDelay, delay_fractions
from nengo_lmu.params import (
    DT,
    EnumParam,
    SolverParam,
    SynapseParam,
    at_least,
    validate,
)
from nengo_lmu.plan import (
    check_euler,
    check_synapse,
    check_window,
    default_process,
    plan_memory,
)
from nengo_lmu.system import DISCRETIZERS
from nengo_lmu.timestep import TimestepCheck

LAYOUTS = ("per_dimension", "per_memory")
MIN_NEURONS_PER_DIMENSION = 10
#: Neurons above which a memory warns that it takes minutes to build.
LARGE_MEMORY = 50_000
RECTIFIED_LINEAR = (nengo.RectifiedLinear, nengo.SpikingRectifiedLinear)
# default decoder solvers: spiking neurons' decoders see spike noise, which more
# regularization filters (LIF, 4,800 neurons: 0.0208 delay NRMSE at 0.01, 0.0196
# at 0.03); rate neurons' see none, and their static distortion grows with it
# (LIFRate, 1,200 neurons: 0.0022 at 0.01, 0.0044 at 0.03)
SPIKING_SOLVER = nengo.solvers.LstsqL2(reg=0.03)
RATE_SOLVER = nengo.solvers.LstsqL2(reg=0.01)

#: Ensemble parameters a LegendreMemory passes on to its ensembles (it sets
#: ``n_neurons``, ``dimensions``, ``label`` and ``seed`` itself).
FREE_ENSEMBLE_PARAMETERS = tuple(
    name
    for name in sorted(dir(nengo.Ensemble))
    if isinstance(getattr(nengo.Ensemble, name, None), nengo.params.Parameter)
    and name not in ("n_neurons", "dimensions", "label", "seed")
)
SIZE_IN = at_least("size_in", 1, "give the input dimensions")
LAYOUT = EnumParam("layout", values=LAYOUTS)
DISCRETIZER = EnumParam("discretizer", values=DISCRETIZERS)
SYNAPSE = SynapseParam(
    "synapse", optional=True, hint="give the recurrent synapse, e.g. nengo.Lowpass(0.1)"
)
READOUT_SYNAPSE = SynapseParam(
    "synapse",
    optional=True,
    hint="give e.g. nengo.Lowpass(0.01), or None to filter downstream",
)
SOLVER = SolverParam(
    "solver",
    optional=True,
    hint="give a nengo solver, e.g. nengo.solvers.LstsqL2(reg=0.01), or None",
)
N_SAMPLES = at_least("n_samples", 2, "give the number of window samples, e.g. 12")


class LegendreMemory(nengo.Network):
    """
    The Legendre delay system implemented by recurrently connected ensembles.

    The state of `.LegendreDelay` (``order`` Legendre coefficients of the last
    ``theta`` seconds of the input) is represented by populations of neurons,
    whose recurrent connections implement its dynamics through the recurrent
    ``synapse`` (NEF Principle 3, exact for the simulator's ``dt``) [1]_ [2]_.
    Each state dimension is scaled (`.StateScaling`) so that it uses its
    ensemble's radius under the input ``process``; ports present the state in
    the canonical coordinates of `.LegendreDelay` whatever the scaling inside.

    Parameters
    ----------
    order : int
        Number of Legendre coefficients (state dimensions) per memory.
    theta : float
        Length of the window, in seconds.
    n_neurons : int, optional
        Neurons per memory (one memory per input dimension), divided evenly over
        its ensembles. Default: 200 per state dimension.
    size_in : int, optional
        Input dimensionality (keras-lmu's ``memory_d``): one independent memory
        per dimension.
    synapse : nengo.Lowpass or float, optional
        The recurrent synapse (a number is a `nengo.Lowpass` time constant, as
        in nengo). A long time constant filters spike noise; Lowpass is what
        neuromorphic hardware provides.
    dt : float, optional
        Simulator time step, in seconds, that the mapping is exact for. A
        simulator with another ``dt`` refuses to build the network.
    process : nengo.Process, optional
        Input the state scaling is tuned to; it should look like the input the
        memory will see (order 6, theta 0.1 s, 1,200 LIF neurons on 10 Hz white
        noise: delay NRMSE 0.020 tuned to it, 0.054 left on the default).
        Default: white noise band-limited to ``order / (4 theta)`` Hz with RMS
        0.3.
    layout : {"per_dimension", "per_memory"}, optional
        One one-dimensional ensemble per state dimension (more accurate), or one
        ``order``-dimensional ensemble per memory.
    discretizer : {"zoh", "euler"}, optional
        Discretization of the memory the neurons implement. Euler is refused when
        it would be unstable (see `.LegendreDelay.min_euler_theta`).
    neuron_lead : "auto" or float or (order,) array_like, optional
        How far (seconds) the ensembles' decoded output leads each state
        dimension they represent; the recurrent mapping compensates for it
        (`.map_to_synapse`). ``"auto"`` measures it, with ``neuron_gain``, for
        spiking neurons (see Notes; LIF at 200-400 Hz lead by 0.4-0.7 ms, which
        otherwise limits the memory's accuracy) and uses 0 for rate neurons and
        Direct mode.
    neuron_gain : "auto" or float or (order,) array_like, optional
        Gain of the ensembles' decoded output on each state dimension, which the
        recurrent mapping compensates for too. ``"auto"`` measures it for
        spiking neurons (0.992-0.999 for LIF: small, but the large entries of
        ``A`` amplify it in the loop) and uses 1 for rate neurons and Direct
        mode.
    solver : nengo.solvers.Solver, optional
        Decoder solver of the ensembles. The default regularizes less than
        nengo's (0.1), since in a recurrent loop the gain error of strongly
        regularized decoders distorts the dynamics: ``LstsqL2(reg=0.03)`` for
        spiking neurons, whose spike noise a little more regularization
        filters, ``LstsqL2(reg=0.01)`` for rate neurons (LIFRate, 1,200
        neurons: 0.012 NRMSE at 0.1, 0.002 at 0.01).
    label : str, optional
        Name of the network.
    seed : int, optional
        Seed of the network's random numbers.
    add_to_container : bool, optional
        Whether to add the network to the enclosing network.
    **ens_kwargs
        Ensemble parameters (``neuron_type``, ``max_rates``, ``intercepts``, ...)
        set on this network's config. ``neuron_type=nengo.Direct()`` gives the
        exact (non-neural) system.

    Attributes
    ----------
    input : nengo.Node
        Input, ``size_in`` dimensions.
    output : nengo.Node
        The input delayed by ``theta``, ``size_in`` dimensions.
    state : nengo.Node
        The represented Legendre state, ``size_in * order`` dimensions, memory by
        memory, in the coordinates of `.LegendreDelay`; ``system.readout(r, dt)``
        applied to it decodes the input delayed by ``r * theta``.
    population : nengo.Network
        The ensembles holding the (scaled) state (an
        `~nengo.networks.EnsembleArray`), with their decoded ``output``.
        Formerly ``memory``, which still works, with a `DeprecationWarning`.
    state_ensembles : list of nengo.Ensemble
        The population's ensembles, memory by memory, in order.
    plan : MemoryPlan
        The numbers the network is wired from (`.plan_memory`): the scaling,
        the scaled system, the neurons' lead and gain, the mapped system.
    system : LegendreDelay
        The continuous system implemented.
    scaling : StateScaling
        Scale of each state dimension of one memory (``x = scale * x_scaled``).
    output_latency : float
        Seconds by which the simulator delays what the delay readouts deliver
        (0 in nengo and nengo_dl); `add_output` decodes the delay ``r * theta``
        minus this (never below 0), so that the readout is on time. Formerly
        ``readout_latency``, which still works, with a `DeprecationWarning`.
    neuron_lead, neuron_gain : float or (order,) np.ndarray
        The lead and gain the mapping compensates for.

    Notes
    -----
    The network is planned, then wired: the numbers it needs are computed by
    `.plan_memory` (``mem.plan``) before any of its objects exists.

    With ``neuron_lead="auto"`` or ``neuron_gain="auto"``, spiking ensembles
    like one memory's (the same parameters, other seeds) are simulated while
    planning, on :data:`~nengo_lmu.plan.LEAD_GAIN_DURATION` seconds of the ideal state's
    response to ``process`` (the spectrum of the signals they will represent,
    each dimension at the spread of the most driven one, so that those the
    scaling's floor leaves weakly driven are not measured on spike noise), and
    `.measure_lead_gain` fits each dimension's decoded output. Neurons of the
    same parameters lead and fall short alike (measured on the memory's own
    neurons or on such copies, 4,800 LIF neurons reach the same accuracy), and
    the first dimension, which carries the most high-frequency power, leads
    the most (order 6, 10 Hz input, 4,800 LIF neurons: 0.60-0.67 ms against
    0.43-0.50 ms). The measurement costs a simulation of ``n_neurons`` neurons
    for 5 s (about 1 s for 4,800 LIF neurons), once: it is cached, and
    memories with the same neurons, synapse, time step, input process and seed
    reuse it.

    The ``state`` is read out as the recurrent synapse's own output: the same
    filtered currents the neurons receive, decoded from the ensembles through
    ``synapse`` with the mapped recurrent and input transforms. It is therefore
    the represented state itself (no extra filtering, no lag), with spike noise
    filtered by the recurrent synapse's time constant.

    References
    ----------
    .. [1] Voelker, A. R., Kajić, I., & Eliasmith, C. (2019). Legendre Memory
       Units: Continuous-time representation in recurrent neural networks.
       Advances in Neural Information Processing Systems 32.
    .. [2] Voelker, A. R., & Eliasmith, C. (2018). Improving spiking dynamical
       networks: Accurate delays, higher-order synapses, and time cells.
       Neural Computation, 30(3), 569-609.

    Examples
    --------
    >>> import nengo, nengo_lmu
    >>> with nengo.Network() as net:
    ...     stim = nengo.Node(nengo.processes.WhiteSignal(10, high=10, rms=0.3))
    ...     mem = nengo_lmu.LegendreMemory(order=6, theta=0.1, n_neurons=1200)
    ...     into = nengo.Connection(stim, mem.input, synapse=None)
    ...     half = mem.add_output(r=0.5)
    ...     p = nengo.Probe(mem.output, synapse=0.01)
    """

    output_latency = 0.0

    def __init__(
        self,
        order,
        theta,
        n_neurons=None,
        size_in=1,
        synapse=nengo.Lowpass(0.1),
        dt=0.001,
        process=None,
        layout="per_dimension",
        discretizer="zoh",
        neuron_lead="auto",
        neuron_gain="auto",
        solver=None,
        label=None,
        seed=None,
        add_to_container=None,
        **ens_kwargs,
    ):
        super().__init__(label=label, seed=seed, add_to_container=add_to_container)
        self.system = LegendreDelay(theta=theta, order=order)
        self.dt = validate(DT, dt, self)
        check_window(self.system, self.dt, self)
        self.size_in = validate(SIZE_IN, size_in, self)
        self.neurons_per_memory = validate(
            at_least(
                "n_neurons",
                MIN_NEURONS_PER_DIMENSION * order,
                f"give at least {MIN_NEURONS_PER_DIMENSION} neurons per state "
                "dimension",
            ),
            200 * order if n_neurons is None else n_neurons,
            self,
        )
        self.layout = validate(LAYOUT, layout, self)
        ensembles = order // self.dimensions_per_ensemble
        if self.neurons_per_memory % ensembles:
            n = self.neurons_per_memory
            raise ValidationError(
                f"The neurons do not divide over the {ensembles} ensembles of a "
                f"memory (n_neurons={n}); give a multiple of {ensembles}, e.g. "
                f"{n - n % ensembles}",
                attr="n_neurons",
                obj=self,
            )
        total = self.neurons_per_memory * self.size_in
        if total > LARGE_MEMORY:
            warnings.warn(
                f"A memory of {total:,} neurons takes minutes to build, and to "
                "measure its neurons' lead and gain (neuron_lead='auto'); give "
                "fewer neurons per state dimension if you do not need them"
            )
        self.discretizer = validate(DISCRETIZER, discretizer, self)
        check_euler(self.system, self.dt, self.discretizer, self)
        self.synapse = check_synapse(validate(SYNAPSE, synapse, self), self)
        self.process = default_process(order, theta) if process is None else process
        validate(SOLVER, solver, self)

        self.config[nengo.Ensemble].update(self._ensemble_parameters(ens_kwargs))
        with self:
            self._configure(solver)
            self.plan = self._plan(neuron_lead, neuron_gain)
            self.input = nengo.Node(size_in=size_in, label="input")
            self.population = self._make_population()
            self.state = self._make_state()
            self._connect()
            TimestepCheck(self.dt, repr(self))
        self.output = self.add_output(r=1.0)
        self.output.label = "output"

    def _ensemble_parameters(self, ens_kwargs):
        """``ens_kwargs``, if each is an ensemble parameter this network leaves free."""
        for name, value in ens_kwargs.items():
            if name not in FREE_ENSEMBLE_PARAMETERS:
                raise ValidationError(
                    f"Unknown argument ({name}={value!r}); give LegendreMemory's "
                    "arguments or the ensembles' parameters "
                    f"{', '.join(FREE_ENSEMBLE_PARAMETERS)}",
                    attr=name,
                    obj=self,
                )
            check_ensemble_parameter(name, value, self)
        return ens_kwargs

    # --- planning: the numbers, before any nengo object exists ---

    @property
    def dimensions_per_ensemble(self):
        """State dimensions each ensemble represents (1, or ``order``)."""
        return 1 if self.layout == "per_dimension" else self.system.order

    def _configure(self, solver):
        """
        Set the defaults of this network's ensembles and connections.

        The decoder solver (regularized for the neuron type, unless given) and,
        for rectified-linear neurons, intercepts below the radius.
        """
        neuron_type = nengo.Config.default(nengo.Ensemble, "neuron_type")
        if solver is None:
            spiking = getattr(neuron_type, "spiking", False)
            solver = SPIKING_SOLVER if spiking else RATE_SOLVER
        self.config[nengo.Connection].solver = solver
        intercepts = nengo.Config.default(nengo.Ensemble, "intercepts")
        if (
            isinstance(neuron_type, RECTIFIED_LINEAR)
            and intercepts == nengo.Ensemble.intercepts.default
        ):
            self.config[nengo.Ensemble].intercepts = nengo.dists.Uniform(-1.5, -1.0)

    def _plan(self, neuron_lead, neuron_gain):
        """Compute the `.MemoryPlan` (subclasses adjust it for their backend)."""
        return plan_memory(
            self.system,
            self.dt,
            self.synapse,
            self.process,
            discretizer=self.discretizer,
            radius=1.0 / np.sqrt(self.dimensions_per_ensemble),
            neuron_lead=neuron_lead,
            neuron_gain=neuron_gain,
            ensembles=self._measured_ensembles(),
            solver=self.config[nengo.Connection].solver,
            seed=0 if self.seed is None else self.seed,
        )

    def _measured_ensembles(self):
        """Ensembles like one memory's (not added to the network), to measure."""
        d = self.dimensions_per_ensemble
        return [
            nengo.Ensemble(
                self.neurons_per_memory * d // self.system.order,
                d,
                add_to_container=False,
            )
            for _ in range(self.system.order // d)
        ]

    # --- wiring: the network, from the plan ---

    def _make_population(self):
        """
        The ensembles holding the scaled state: an `~nengo.networks.EnsembleArray`.

        Subclasses building the memory for a backend with other constraints
        override this and `_connect`.
        """
        d = self.dimensions_per_ensemble
        return nengo.networks.EnsembleArray(
            n_neurons=self.neurons_per_memory * d // self.system.order,
            n_ensembles=self.size_in * self.system.order // d,
            ens_dimensions=d,
            label="memory",
        )

    @property
    def state_ensembles(self):
        """The ensembles holding the scaled state, memory by memory, in order."""
        return self.population.all_ensembles

    def _make_state(self):
        """The Node delivering the represented state, in canonical coordinates."""
        return nengo.Node(size_in=self.size_in * self.system.order, label="state")

    def _connect(self):
        """Connect the input and the recurrence of the population, and the state."""
        blocks = np.eye(self.size_in)
        synapse = self.synapse
        A, B = self.plan.mapped
        nengo.Connection(
            self.input,
            self.population.input,
            transform=np.kron(blocks, B),
            synapse=synapse,
        )
        nengo.Connection(
            self.population.output,
            self.population.input,
            transform=np.kron(blocks, A),
            synapse=synapse,
        )

        # the state as the recurrent synapse delivers it, in canonical units
        scale = self.plan.scaling.scale[:, None]
        nengo.Connection(
            self.population.output,
            self.state,
            transform=np.kron(blocks, scale * A),
            synapse=synapse,
        )
        nengo.Connection(
            self.input,
            self.state,
            transform=np.kron(blocks, scale * B),
            synapse=synapse,
        )

    # --- what the plan holds, under the names of earlier releases ---

    @property
    def scaling(self):
        """Scale of each state dimension of one memory (``x = scale * x_scaled``)."""
        return self.plan.scaling

    @property
    def neuron_lead(self):
        """The lead, in seconds, the mapping compensates for."""
        return self.plan.neuron_lead

    @property
    def neuron_gain(self):
        """The gain the mapping compensates for."""
        return self.plan.neuron_gain

    @property
    def memory(self):
        """Deprecated: the population holding the state; use `population`."""
        warnings.warn(
            "LegendreMemory.memory is deprecated; use .population (the "
            "sub-network) or .state_ensembles",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.population

    @property
    def readout_latency(self):
        """Deprecated: `output_latency`."""
        warnings.warn(
            "LegendreMemory.readout_latency is deprecated; use .output_latency",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.output_latency

    @with_self
    def add_output(self, r=None, function=None, n_samples=None, synapse=None, **kw):
        """
        Add a readout of delays of, or a function of, the window.

        Parameters
        ----------
        r : float or array_like, optional
            Delays as fractions of ``theta`` in ``[0, 1]``: the output holds the
            input delayed by each ``r * theta`` (for every input dimension,
            memory by memory). Decoded linearly from ``state``, for the delay
            less ``output_latency``.
        function : callable, optional
            A function of the window, ``function(w)``, where ``w`` holds
            ``n_samples`` evenly spaced samples of one memory's window, newest
            (delay 0) first, and returns a scalar or vector. It is decoded
            nonlinearly by a readout ensemble representing the state, with
            evaluation points drawn from the state's response to ``process``.
            Give either ``r`` or ``function``.
        n_samples : int, optional
            Number of window samples given to ``function``; default
            ``2 * order``.
        synapse : nengo.synapses.Synapse, optional
            Synapse on the decoded connection of a ``function`` readout. ``None``
            (default) leaves the filtering to the probe or downstream connection.
        **kw
            Ensemble parameters of the readout ensemble of a ``function`` readout
            (e.g. ``n_neurons``); default: those of the memory.

        Returns
        -------
        nengo.Node
            The readout: ``len(r)`` or ``len(function(w))`` dimensions per memory.
        """
        synapse = validate(READOUT_SYNAPSE, synapse, self)
        for name, value in kw.items():
            if name not in FREE_ENSEMBLE_PARAMETERS + ("n_neurons",):
                raise ValidationError(
                    f"Unknown argument ({name}={value!r}); give add_output's "
                    "arguments or the readout ensemble's parameters n_neurons, "
                    f"{', '.join(FREE_ENSEMBLE_PARAMETERS)}",
                    attr=name,
                    obj=self,
                )
        if (r is None) == (function is None):
            raise ValidationError(
                f"Give exactly one of r or function (r={r!r}, function={function!r});"
                " e.g. add_output(r=0.5) or add_output(function=np.mean)",
                attr="r",
                obj=self,
            )
        blocks = np.eye(self.size_in)
        if function is None:
            delay = np.maximum(
                delay_fractions(r, obj=self) - self.output_latency / self.system.theta,
                0.0,
            )
            C = self.system.readout(delay, dt=self.dt)
            node = nengo.Node(size_in=self.size_in * len(C), label=f"delay r={r}")
            nengo.Connection(
                self.state, node, transform=np.kron(blocks, C), synapse=None
            )
            return node

        if not callable(function):
            raise ValidationError(
                f"Must be callable ({function=}); give a function of the window",
                attr="function",
                obj=self,
            )
        n_samples = validate(
            N_SAMPLES, 2 * self.system.order if n_samples is None else n_samples, self
        )
        window = self.system.window(n_samples, dt=self.dt)
        scale = self.plan.scaling.scale

        def of_scaled_state(x_scaled):
            return function(window @ (scale * x_scaled))

        eval_points = self.plan.state_samples(
            kw.pop("n_eval_points", max(1000, 500 * self.system.order))
        )
        size_out = _output_size(of_scaled_state, eval_points[:10], self)
        readout = self._readout_ensembles(eval_points, **kw)
        node = nengo.Node(size_in=self.size_in * size_out, label="function")
        for i, ens in enumerate(readout):
            nengo.Connection(
                ens,
                node[i * size_out : (i + 1) * size_out],
                function=of_scaled_state,
                synapse=synapse,
            )
        return node

    def _readout_ensembles(self, eval_points, **kw):
        """Ensembles representing each memory's whole scaled state."""
        order = self.system.order
        radius = np.max(np.linalg.norm(eval_points, axis=1))
        ensembles = []
        for i in range(self.size_in):
            params = dict(
                n_neurons=self.neurons_per_memory,
                dimensions=order,
                radius=radius,
                eval_points=eval_points / radius,  # nengo scales them by radius
                label=f"readout {i}",
            )
            params.update(kw)
            ens = nengo.Ensemble(**params)
            nengo.Connection(
                self.state[i * order : (i + 1) * order],
                ens,
                transform=np.diag(1 / self.plan.scaling.scale),
                synapse=None,
            )
            ensembles.append(ens)
        return ensembles


def _output_size(function, states, memory):
    """
    The size of what ``function`` returns, if it is numbers on the states given.

    Raises
    ------
    nengo.exceptions.ValidationError
        If it returns something other than a finite number or vector of numbers
        on a state the memory visits.
    """
    sizes = set()
    for state in states:
        value = function(state)
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            array = None
        if (
            array is None
            or array.ndim > 1
            or array.size == 0
            or not np.all(np.isfinite(array))
        ):
            raise ValidationError(
                f"Must return a finite number or a vector of numbers (function "
                f"returned {value!r} for a window the memory represents); give a "
                "function of the window that does",
                attr="function",
                obj=memory,
            )
        sizes.add(array.size)
    if len(sizes) != 1:
        raise ValidationError(
            f"Must return the same number of values for every window (function "
            f"returned {sorted(sizes)}); give a function of fixed output size",
            attr="function",
            obj=memory,
        )
    return sizes.pop()


def check_ensemble_parameter(name, value, obj):
    """Refuse an ensemble parameter's value, with nengo's reason, value and fix."""
    try:
        nengo.Ensemble(2, 1, add_to_container=False, **{name: value})
    except (ValidationError, ValueError, TypeError) as error:
        reason = error.args[0] if error.args else str(error)
        raise ValidationError(
            f"{reason} ({name}={value!r}); give a value nengo.Ensemble takes for "
            f"{name}",
            attr=name,
            obj=obj,
        ) from None
