"""LegendreMemory: the LMU's linear memory as a recurrent network of neurons."""

import nengo
import numpy as np
from nengo.exceptions import SimulationError, ValidationError
from nengo.utils.network import with_self

from nengo_lmu.legendre import LegendreDelay
from nengo_lmu.mapping import check_lead_gain, map_to_synapse
from nengo_lmu.neurons import measure_lead_gain
from nengo_lmu.params import check_integer, check_positive
from nengo_lmu.realization import StateScaling, state_response

LAYOUTS = ("per_dimension", "per_memory")
MIN_NEURONS_PER_DIMENSION = 10
# smallest state scale relative to the largest: below it, the noise that the
# recurrent coupling puts into a weakly driven dimension saturates its ensemble
SCALE_FLOOR = 0.1
RECTIFIED_LINEAR = (nengo.RectifiedLinear, nengo.SpikingRectifiedLinear)
# default decoder solvers: spiking neurons' decoders see spike noise, which more
# regularization filters (LIF, 4,800 neurons: 0.0208 delay NRMSE at 0.01, 0.0196
# at 0.03); rate neurons' see none, and their static distortion grows with it
# (LIFRate, 1,200 neurons: 0.0022 at 0.01, 0.0044 at 0.03)
SPIKING_SOLVER = nengo.solvers.LstsqL2(reg=0.03)
RATE_SOLVER = nengo.solvers.LstsqL2(reg=0.01)
# seconds of the ideal state response on which the neurons' lead and gain are
# measured (10 and 30 s measure the same)
LEAD_GAIN_DURATION = 5.0


class CheckTimestep(nengo.Process):
    """
    A process with no output that refuses to run at an unexpected time step.

    Networks whose connection weights are computed for one ``dt`` hold one of these
    in a Node, so that a simulator with another ``dt`` fails at build time instead
    of running the wrong dynamics.

    Parameters
    ----------
    dt : float
        The time step the network was built for, in seconds.
    owner : str
        Names the network in the error message.
    """

    def __init__(self, dt, owner):
        self.dt = dt
        self.owner = owner
        super().__init__(default_size_in=0, default_size_out=0)

    def make_step(self, shape_in, shape_out, dt, rng, state):
        if not np.isclose(dt, self.dt, rtol=1e-9, atol=0):
            raise SimulationError(
                f"{self.owner} was mapped for dt={self.dt} but the simulator runs at "
                f"dt={dt}; build it with dt={dt}, or run the simulator at "
                f"dt={self.dt}"
            )
        empty = np.zeros(0)
        return lambda t: empty


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
    synapse : nengo.Lowpass, optional
        The recurrent synapse. A long time constant filters spike noise; Lowpass
        is what neuromorphic hardware provides.
    dt : float, optional
        Simulator time step, in seconds, that the mapping is exact for. A
        simulator with another ``dt`` refuses to build the network.
    process : nengo.Process, optional
        Input the state scaling is tuned to; it should look like the input the
        memory will see. Default: white noise band-limited to
        ``order / (4 theta)`` Hz with RMS 0.3.
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
    memory : nengo.networks.EnsembleArray
        The populations holding the (scaled) state.
    system : LegendreDelay
        The continuous system implemented.
    scaling : StateScaling
        Scale of each state dimension of one memory (``x = scale * x_scaled``).
    readout_latency : float
        Seconds by which the simulator delays what the delay readouts deliver
        (0 in nengo and nengo_dl); `add_output` decodes the delay ``r * theta``
        minus this (never below 0), so that the readout is on time.
    neuron_lead, neuron_gain : float or (order,) np.ndarray
        The lead and gain the mapping compensates for.

    Notes
    -----
    With ``neuron_lead="auto"`` or ``neuron_gain="auto"``, spiking ensembles
    like one memory's (the same parameters, other seeds) are simulated at
    construction on :data:`LEAD_GAIN_DURATION` seconds of the ideal state's
    response to ``process`` (the spectrum of the signals they will represent,
    each dimension at the spread of the most driven one, so that those the
    scaling's floor leaves weakly driven are not measured on spike noise), and
    `.measure_lead_gain` fits each dimension's decoded output. Neurons of the
    same parameters lead and fall short alike (measured on the memory's own
    neurons or on such copies, 4,800 LIF neurons reach the same accuracy), and
    the first dimension, which carries the most high-frequency power, leads
    the most (order 6, 10 Hz input, 4,800 LIF neurons: 0.60-0.67 ms against
    0.43-0.50 ms). The measurement costs a simulation of ``n_neurons`` neurons
    for 5 s (about 1 s for 4,800 LIF neurons).

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
    ...     nengo.Connection(stim, mem.input, synapse=None)
    ...     half = mem.add_output(r=0.5)
    ...     p = nengo.Probe(mem.output, synapse=0.01)
    """

    readout_latency = 0.0

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
        self.dt = check_positive(dt, "dt", "give the simulator's time step in seconds")
        self.size_in = check_integer(
            size_in, "size_in", 1, "give the input dimensions", self
        )
        if n_neurons is None:
            n_neurons = 200 * order
        self.neurons_per_memory = check_integer(
            n_neurons,
            "n_neurons",
            MIN_NEURONS_PER_DIMENSION * order,
            f"give at least {MIN_NEURONS_PER_DIMENSION} neurons per state dimension",
            self,
        )
        if layout not in LAYOUTS:
            raise ValidationError(
                f"Unknown layout ({layout=}); use one of {LAYOUTS}",
                attr="layout",
                obj=self,
            )
        self.layout = layout
        self.synapse = synapse
        if process is None:
            process = nengo.processes.WhiteSignal(
                period=10 * theta + 10, high=order / (4 * theta), rms=0.3
            )
        self.process = process

        # the dynamics the neurons implement, in scaled coordinates
        self.system.discretize(self.dt, method=discretizer)  # validates
        self.discretizer = discretizer
        per_ensemble = 1 if layout == "per_dimension" else order
        self.scaling = StateScaling.from_process(
            self.system.A,
            self.system.B,
            self.dt,
            process,
            radius=1.0 / np.sqrt(per_ensemble),
            floor=SCALE_FLOOR,
            method=discretizer,
            seed=0 if seed is None else seed,
        )
        self.A_scaled, self.B_scaled = self.scaling.transform(
            self.system.A, self.system.B
        )

        self.config[nengo.Ensemble].update(ens_kwargs)
        with self:
            if solver is None:
                neuron_type = nengo.Config.default(nengo.Ensemble, "neuron_type")
                spiking = getattr(neuron_type, "spiking", False)
                solver = SPIKING_SOLVER if spiking else RATE_SOLVER
            self.config[nengo.Connection].solver = solver
            self._default_intercepts()
            self.input = nengo.Node(size_in=size_in, label="input")
            self.memory = nengo.networks.EnsembleArray(
                n_neurons=self.neurons_per_memory * per_ensemble // order,
                n_ensembles=size_in * order // per_ensemble,
                ens_dimensions=per_ensemble,
                label="memory",
            )
            self.neuron_lead, self.neuron_gain = self._lead_gain(
                neuron_lead, neuron_gain, 0 if seed is None else seed
            )
            self.A_mapped, self.B_mapped = map_to_synapse(
                self.A_scaled,
                self.B_scaled,
                synapse,
                dt=self.dt,
                method=discretizer,
                lead=self.neuron_lead,
                gain=self.neuron_gain,
            )
            self.state = nengo.Node(size_in=size_in * order, label="state")
            self._connect()
            nengo.Node(CheckTimestep(self.dt, repr(self)), label="check_dt")
        self.output = self.add_output(r=1.0)
        self.output.label = "output"

    def _connect(self):
        """
        Connect the input and the recurrence of ``memory``, and the ``state``.

        Subclasses building the same dynamics another way (e.g. for a backend
        with other constraints) override this.
        """
        blocks = np.eye(self.size_in)
        synapse = self.synapse
        nengo.Connection(
            self.input,
            self.memory.input,
            transform=np.kron(blocks, self.B_mapped),
            synapse=synapse,
        )
        nengo.Connection(
            self.memory.output,
            self.memory.input,
            transform=np.kron(blocks, self.A_mapped),
            synapse=synapse,
        )

        # the state as the recurrent synapse delivers it, in canonical units
        scale = self.scaling.scale[:, None]
        nengo.Connection(
            self.memory.output,
            self.state,
            transform=np.kron(blocks, scale * self.A_mapped),
            synapse=synapse,
        )
        nengo.Connection(
            self.input,
            self.state,
            transform=np.kron(blocks, scale * self.B_mapped),
            synapse=synapse,
        )

    def _default_intercepts(self):
        """Intercepts below the radius for rectified-linear neurons, unless set."""
        neuron_type = nengo.Config.default(nengo.Ensemble, "neuron_type")
        intercepts = nengo.Config.default(nengo.Ensemble, "intercepts")
        if (
            isinstance(neuron_type, RECTIFIED_LINEAR)
            and intercepts == nengo.Ensemble.intercepts.default
        ):
            self.config[nengo.Ensemble].intercepts = nengo.dists.Uniform(-1.5, -1.0)

    def _lead_gain(self, lead, gain, seed):
        """The lead and gain to compensate, measured where ``"auto"``."""
        auto_lead, auto_gain = (
            isinstance(value, str) and value == "auto" for value in (lead, gain)
        )
        # what is given is checked before anything is measured
        check_lead_gain(
            0.0 if auto_lead else lead,
            1.0 if auto_gain else gain,
            self.system.order,
            names=("neuron_lead", "neuron_gain"),
        )
        if auto_lead or auto_gain:
            order = self.system.order
            measured = (np.zeros(order), np.ones(order))
            if getattr(self.memory.ea_ensembles[0].neuron_type, "spiking", False):
                signal = state_response(
                    self.A_scaled,
                    self.B_scaled,
                    self.dt,
                    self.process,
                    duration=1.5 * LEAD_GAIN_DURATION,
                    method=self.discretizer,
                    seed=seed,
                )
                # every dimension at the spread of the most driven one: those
                # the scaling's floor leaves weakly driven would be measured
                # on spike noise (order 12: leads of 1-3 ms, gains off by 5%,
                # and a loop that diverges)
                std = np.std(signal, axis=0)
                signal *= np.max(std) / std
                measured = measure_lead_gain(
                    self._measured_ensembles(),
                    self.synapse,
                    self.dt,
                    signal,
                    solver=self.config[nengo.Connection].solver,
                    seed=seed,
                )
            lead = measured[0] if auto_lead else lead
            gain = measured[1] if auto_gain else gain
        return lead, gain

    def _measured_ensembles(self):
        """The ensembles of one memory, whose lead and gain are measured."""
        n_ensembles = len(self.memory.ea_ensembles) // self.size_in
        return self.memory.ea_ensembles[:n_ensembles]

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
            less ``readout_latency``.
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
        if (r is None) == (function is None):
            raise ValidationError(
                f"Give exactly one of r or function (r={r!r}, function={function!r});"
                " e.g. add_output(r=0.5) or add_output(function=np.mean)",
                attr="r",
                obj=self,
            )
        blocks = np.eye(self.size_in)
        if function is None:
            self.system.readout(r)  # validates r
            delay = np.maximum(
                np.asarray(r, dtype=np.float64)
                - self.readout_latency / self.system.theta,
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
        n_samples = 2 * self.system.order if n_samples is None else n_samples
        window = self.system.window(n_samples, dt=self.dt)
        readout = self._readout_ensembles(**kw)
        scale = self.scaling.scale

        def of_scaled_state(x_scaled):
            return function(window @ (scale * x_scaled))

        size_out = np.size(of_scaled_state(np.zeros(self.system.order)))
        node = nengo.Node(size_in=self.size_in * size_out, label="function")
        for i, ens in enumerate(readout):
            nengo.Connection(
                ens,
                node[i * size_out : (i + 1) * size_out],
                function=of_scaled_state,
                synapse=synapse,
            )
        return node

    def _readout_ensembles(self, **kw):
        """Ensembles representing each memory's whole scaled state."""
        order = self.system.order
        eval_points = self._state_samples(
            kw.pop("n_eval_points", max(1000, 500 * order))
        )
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
                transform=np.diag(1 / self.scaling.scale),
                synapse=None,
            )
            ensembles.append(ens)
        return ensembles

    def _state_samples(self, n):
        """States (scaled) visited by the ideal memory under ``process``."""
        states = state_response(
            self.A_scaled, self.B_scaled, self.dt, self.process, method=self.discretizer
        )
        return states[np.random.RandomState(2).choice(len(states), size=n)]
