"""
Bad and edge inputs to the public API, and what must happen to each (issue 20).

Every case is ``(id, call, expected)``: ``call`` takes no argument and makes
one call of the library; ``expected`` says what must happen:

- `Refused`: a `nengo.exceptions.ValidationError` whose ``attr`` names the
  parameter, whose message shows the value given and says how to fix it;
- `Accepted`: an edge input that must work, with a check of the result;
- `Warned`: a warning of the given category, which says how to fix it;
- `Failed`: another exception of nengo's (e.g. a `SimulationError` at build
  time), which names the value and says how to fix it.

No case may give a silent wrong result or NaN, crash inside numpy, nengo or
TensorFlow, or hang. A case the library does not meet yet is marked
``xfail(strict=True)`` in `XFAIL` with what happens now, so that this module
passes now and fails (XPASS) once the library is fixed: then remove the mark.
"""

import functools
import re
import warnings
from pathlib import Path

import nengo
import numpy as np
import pytest
from nengo.exceptions import SimulationError, ValidationError

from nengo_lmu import (
    LegendreDelay,
    LegendreMemory,
    LinearSystem,
    LMUCell,
    StateScaling,
    datasets,
    discretize,
    load_weights,
    map_system,
    map_to_synapse,
    measure_lead_gain,
    save_weights,
    simulate,
    testing,
    weights_from_keras,
)
from nengo_lmu.classifier import LMUClassifier, classify_stream
from nengo_lmu.system import settling_steps, state_bound
from nengo_lmu.weights import initial_weights

DT = 0.001

#: A message says how to fix the value with one of these words.
FIX = re.compile(r"\b(give|use|set|pass|build|install|keep|call)\b", re.IGNORECASE)

#: What fixtures fill in: shared simulators and a temporary directory.
SHARED = {}


# --- what must happen ---


class Refused:
    """A ValidationError naming ``attr``, matching ``patterns``, with a fix."""

    kind = "refused"

    def __init__(self, attr, *patterns):
        self.attr = attr
        self.patterns = patterns

    def __call__(self, call):
        with pytest.raises(ValidationError) as info:
            call()
        message = str(info.value)
        assert info.value.attr == self.attr, f"attr={info.value.attr!r}: {message}"
        for pattern in self.patterns:
            assert re.search(pattern, message), f"no {pattern!r} in: {message}"
        assert FIX.search(message), f"no fix in: {message}"

    def __repr__(self):
        return f"Refused({self.attr!r}, *{self.patterns!r})"


class Accepted:
    """No error, no numerical warning, and ``check(result)`` holds."""

    kind = "accepted"

    def __init__(self, check):
        self.check = check

    def __call__(self, call):
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            result = call()
        assert self.check(result), f"check fails on {result!r}"

    def __repr__(self):
        return "Accepted"


class Warned:
    """A warning of ``category`` matching ``pattern``, with a fix."""

    kind = "warned"

    def __init__(self, category, pattern):
        self.category = category
        self.pattern = pattern

    def __call__(self, call):
        with pytest.warns(self.category, match=self.pattern) as record:
            call()
        messages = [
            str(w.message)
            for w in record
            if issubclass(w.category, self.category)
            and re.search(self.pattern, str(w.message))
        ]
        assert any(FIX.search(m) for m in messages), f"no fix in: {messages}"

    def __repr__(self):
        return f"Warned({self.category.__name__}, {self.pattern!r})"


class Failed:
    """An exception ``exc`` whose message matches ``pattern``, with a fix."""

    kind = "failed"

    def __init__(self, exc, pattern):
        self.exc = exc
        self.pattern = pattern

    def __call__(self, call):
        with pytest.raises(self.exc, match=self.pattern) as info:
            call()
        assert FIX.search(str(info.value)), f"no fix in: {info.value}"

    def __repr__(self):
        return f"Failed({self.exc.__name__}, {self.pattern!r})"


class Unexpected:
    """
    Python's TypeError naming an unknown keyword of an explicit signature.

    Every Python function refuses a misspelt keyword so, by name; a signature
    with ``**kwargs`` must do as well (`Refused`).
    """

    kind = "refused"

    def __init__(self, name):
        self.name = name

    def __call__(self, call):
        with pytest.raises(
            TypeError, match=f"unexpected keyword argument '{self.name}'"
        ):
            call()

    def __repr__(self):
        return f"Unexpected({self.name!r})"


def is_finite(*arrays):
    return all(np.all(np.isfinite(np.asarray(a, dtype=float))) for a in arrays)


def values(attr, make, bad, prefix=None):
    """Cases refusing each value of ``bad`` given as ``attr`` to ``make``."""
    prefix = prefix or make.__name__
    return [
        (
            f"{prefix}({attr}={value!r})",
            functools.partial(make, value),
            Refused(attr, re.escape(f"{attr}={value!r}")),
        )
        for value in bad
    ]


def given(make, *args, **kwargs):
    return functools.partial(make, *args, **kwargs)


# --- what the cases build ---


def delay(theta=0.1, order=3):
    return LegendreDelay(theta=theta, order=order)


def delay_theta(theta):
    return LegendreDelay(theta=theta, order=3)


def delay_order(order):
    return LegendreDelay(theta=0.1, order=order)


def delay_discretize_dt(dt):
    return delay().discretize(dt)


def delay_discretize_method(method):
    return delay().discretize(DT, method=method)


def delay_readout_r(r):
    return delay().readout(r)


def delay_readout_dt(dt):
    return delay().readout(0.5, dt=dt)


def delay_window(n_samples):
    return delay().window(n_samples)


def delay_min_euler_theta(dt):
    return delay().min_euler_theta(dt)


A2 = [[-1.0, 0.5], [0.0, -2.0]]
B2 = [[1.0], [0.5]]


def system(A=A2, B=B2, dt=None):
    return LinearSystem(A, B, dt=dt)


def system_dt(dt):
    return LinearSystem(A2, B2, dt=dt)


def discrete(**kwargs):
    return system().discretize(0.1, **kwargs)


def steps(u, x0=None):
    return list(discrete().steps(u, x0=x0))


def simulate_u(u):
    return discrete().simulate(u)


def simulate_x0(x0):
    return discrete().simulate(np.ones(5), x0=x0)


def bound_rtol(rtol):
    return discrete().state_bound(rtol=rtol)


def bound_max_steps(max_steps):
    return discrete().state_bound(max_steps=max_steps)


def settling_rtol(rtol):
    return discrete().settling_steps(rtol=rtol)


def settling_max_steps(max_steps):
    return discrete().settling_steps(max_steps=max_steps)


def response(**kwargs):
    params = dict(process=white(), dt=DT, duration=0.2)
    params.update(kwargs)
    return system().response(**params)


def white(high=5):
    return nengo.processes.WhiteSignal(1.0, high=high, rms=0.3, seed=0)


def constant(value, d=1):
    return nengo.processes.PresentInput(np.full((1, d), value), DT)


LOWPASS = nengo.Lowpass(0.1)


def mapped(synapse=LOWPASS, **kwargs):
    A, B = delay()
    return map_to_synapse(A, B, synapse, **kwargs)


def mapped_synapse(synapse):
    return mapped(synapse)


def mapped_lead(lead):
    return mapped(lead=lead)


def mapped_gain(gain):
    return mapped(gain=gain)


def mapped_dt(dt):
    return mapped(dt=dt)


def scaling(scale):
    return StateScaling(scale)


def from_process(**kwargs):
    params = dict(system=delay(), dt=DT, process=white(), duration=0.3)
    params.update(kwargs)
    return StateScaling.from_process(**params)


def from_process_dt(dt):
    return from_process(dt=dt)


def from_process_duration(duration):
    return from_process(duration=duration)


def from_process_warmup(warmup):
    return from_process(warmup=warmup)


def from_process_radius(radius):
    return from_process(radius=radius)


def from_process_n_sigma(n_sigma):
    return from_process(n_sigma=n_sigma)


def from_process_floor(floor):
    return from_process(floor=floor)


def from_process_process(process):
    return from_process(process=process)


def memory(network=None, **kwargs):
    """A small memory in Direct mode (nothing measured), in its own network."""
    params = dict(order=3, theta=0.1, neuron_type=nengo.Direct())
    params.update(kwargs)
    with nengo.Network() if network is None else network:
        return LegendreMemory(**params)


def memory_of(attr):
    def make(value):
        return memory(**{attr: value})

    make.__name__ = "LegendreMemory"
    return make


def add_output(memory_kwargs=None, **kwargs):
    mem = memory(**(memory_kwargs or {}))
    with nengo.Network():
        return mem.add_output(**kwargs)


def add_output_r(r):
    return add_output(r=r)


def add_output_n_samples(n_samples):
    return add_output(function=np.mean, n_samples=n_samples)


def run_memory(sim_dt, **kwargs):
    with nengo.Network() as net:
        stim = nengo.Node(0.5)
        mem = memory(**kwargs)
        nengo.Connection(stim, mem.input, synapse=None)
        probe = nengo.Probe(mem.output)
    with nengo.Simulator(net, dt=sim_dt, progress_bar=False) as sim:
        sim.run_steps(3)
    return sim.data[probe]


CELL = dict(units=4, order=3, theta=0.01)


def cell(**kwargs):
    params = dict(CELL)
    params.update(kwargs)
    with nengo.Network():
        return LMUCell(**params)


def cell_of(attr):
    def make(value):
        return cell(**{attr: value})

    make.__name__ = "LMUCell"
    return make


def run_cell(sim_dt, **kwargs):
    with nengo.Network() as net:
        c = cell(**kwargs)
        stim = nengo.Node(0.5)
        nengo.Connection(stim, c.input, synapse=None)
        probe = nengo.Probe(c.output)
    with nengo.Simulator(net, dt=sim_dt, progress_bar=False) as sim:
        sim.run_steps(3)
    return sim.data[probe]


def classifier(n_classes=3, **kwargs):
    params = dict(CELL, hidden_to_hidden=False)
    params.update(kwargs)
    with nengo.Network():
        return LMUClassifier(n_classes, **params)


def classifier_n_classes(n_classes):
    return classifier(n_classes)


def stream(x=None, **kwargs):
    c = classifier()
    x = np.full((2, 4, 1), 0.5) if x is None else x
    return classify_stream(c, x, progress_bar=False, **kwargs)


def stream_gap(gap):
    return stream(gap=gap)


def tmp(name):
    return Path(SHARED["tmp"], name)


def written(name, write):
    path = tmp(name)
    write(path)
    return path


# --- the cases ---

NAN, INF = float("nan"), float("inf")

CASES = []

# LegendreDelay: theta and order
CASES += values(
    "theta", delay_theta, [0, -0.1, NAN, INF, -INF, True, "0.1", None], "LegendreDelay"
)
CASES += values(
    "order", delay_order, [0, -1, NAN, INF, True, "6", 2.5, 3.0, None], "LegendreDelay"
)
CASES += [
    (
        "LegendreDelay(order=10**6)",
        given(delay_order, 10**6),
        Refused("order", r"order=1000000"),
    ),
    (
        "LegendreDelay(theta=1e-308)",
        given(delay_theta, 1e-308),
        Refused("theta", r"theta=1e-308"),
    ),
    (
        "LegendreDelay(order=1)",
        given(delay_order, 1),
        Accepted(
            lambda s: s.A.shape == (1, 1) and s.A[0, 0] == -10 and s.B[0, 0] == 10
        ),
    ),
    (
        "LegendreDelay(order=np.int64(4))",
        given(delay_order, np.int64(4)),
        Accepted(lambda s: s.order == 4 and s.A.shape == (4, 4)),
    ),
    (
        "LegendreDelay(theta=np.float32(0.1))",
        given(delay_theta, np.float32(0.1)),
        Accepted(lambda s: np.isclose(s.theta, 0.1) and is_finite(s.A)),
    ),
    (
        "LegendreDelay(theta=1e6)",
        given(delay_theta, 1e6),
        Accepted(lambda s: is_finite(*s.discretize(DT))),
    ),
    (
        "LegendreDelay(theta=1e-6).discretize(0.001)",
        lambda: delay(theta=1e-6).discretize(DT),
        Accepted(
            lambda d: is_finite(*d) and np.max(np.abs(np.linalg.eigvals(d.A))) < 1
        ),
    ),
]

# LegendreDelay.discretize: dt and method
CASES += values(
    "dt",
    delay_discretize_dt,
    [0, -0.001, NAN, INF, None, "0.001", True],
    "LegendreDelay.discretize",
)
CASES += values(
    "method",
    delay_discretize_method,
    ["foh", None, 1, "", "euler "],
    "LegendreDelay.discretize",
)
CASES += [
    (
        "LegendreDelay.discretize(method='ZOH')",
        given(delay_discretize_method, "ZOH"),
        Accepted(lambda d: np.allclose(d.A, delay().discretize(DT).A)),
    ),
    (
        "LegendreDelay.discretize(dt=10.0)",
        given(delay_discretize_dt, 10.0),
        Accepted(lambda d: is_finite(*d)),
    ),
    (
        "LegendreDelay(theta=0.01, order=6).discretize(method='euler')",
        lambda: delay(theta=0.01, order=6).discretize(DT, method="euler"),
        Refused("method", r"unstable", r"theta=0\.01"),
    ),
    (
        "LegendreDelay.discretize(euler) just above min_euler_theta",
        lambda: delay(theta=1.01 * delay(order=6).min_euler_theta(DT), order=6)
        .discretize(DT, method="euler")
        .A,
        Accepted(lambda A: np.max(np.abs(np.linalg.eigvals(A))) < 1),
    ),
]

# LegendreDelay.readout: r and dt
CASES += values(
    "r",
    delay_readout_r,
    [-0.1, 1.1, NAN, INF, [[0.5]], [0.2, 1.5], "half", True, None],
    "LegendreDelay.readout",
)
CASES += values(
    "dt", delay_readout_dt, [0, -0.001, NAN, "0.001"], "LegendreDelay.readout"
)
CASES += [
    (
        "LegendreDelay.readout(r=0.5)",
        given(delay_readout_r, 0.5),
        Accepted(lambda C: C.shape == (1, 3)),
    ),
    (
        "LegendreDelay.readout(r=[0, 1])",
        given(delay_readout_r, [0, 1]),
        # P_i(-1) = (-1)**i, P_i(1) = 1
        Accepted(lambda C: np.allclose(C, [[1, -1, 1], [1, 1, 1]])),
    ),
    (
        "LegendreDelay.readout(r=np.float32(1))",
        given(delay_readout_r, np.float32(1)),
        Accepted(lambda C: np.allclose(C, 1)),
    ),
    (
        "LegendreDelay(theta=0.001).readout(dt=0.01)",
        lambda: delay(theta=0.001).readout(1.0, dt=0.01),
        Refused("dt", r"dt=0\.01", r"theta=0\.001"),
    ),
]

# LegendreDelay.window and min_euler_theta
CASES += values(
    "n_samples",
    delay_window,
    [1, 0, -2, 2.5, NAN, "4", True, None],
    "LegendreDelay.window",
)
CASES += [
    (
        "LegendreDelay.window(n_samples=2)",
        given(delay_window, 2),
        Accepted(lambda C: np.allclose(C, delay().readout([0, 1]))),
    ),
    (
        "LegendreDelay.window(n_samples=np.int64(5))",
        given(delay_window, np.int64(5)),
        Accepted(lambda C: C.shape == (5, 3)),
    ),
]
CASES += values(
    "dt",
    delay_min_euler_theta,
    [0, -1, NAN, None, "0.001"],
    "LegendreDelay.min_euler_theta",
)
CASES += [
    (
        "LegendreDelay.min_euler_theta(0.001)",
        given(delay_min_euler_theta, 0.001),
        Accepted(
            lambda t: 0 < t < 0.1 and np.isclose(t, delay().min_euler_theta(0.002) / 2)
        ),
    ),
]

# LinearSystem
CASES += [
    (
        "LinearSystem(A not square)",
        given(system, A=[[1.0, 2.0]]),
        Refused("A", r"\(1, 2\)"),
    ),
    ("LinearSystem(A 1-D)", given(system, A=[1.0, 2.0]), Refused("A", r"\(2,\)")),
    (
        "LinearSystem(A 3-D)",
        given(system, A=np.zeros((2, 2, 2))),
        Refused("A", r"\(2, 2, 2\)"),
    ),
    ("LinearSystem(A=None)", given(system, A=None), Refused("A", r"None|shape=\(\)")),
    (
        "LinearSystem(A of str)",
        given(system, A=[["a", "b"], ["c", "d"]]),
        Refused("A", r"'a'"),
    ),
    (
        "LinearSystem(A empty)",
        given(system, A=np.zeros((0, 0)), B=np.zeros((0, 1))),
        Refused("A", r"\(0, 0\)"),
    ),
    (
        "LinearSystem(B rows)",
        given(system, B=[1.0, 2.0, 3.0]),
        Refused("B", r"\(3, 1\)"),
    ),
    (
        "LinearSystem(B 3-D)",
        given(system, B=np.zeros((2, 1, 1))),
        Refused("B", r"\(2, 1, 1\)"),
    ),
    (
        "LinearSystem(A with NaN)",
        given(system, A=[[NAN, 0.0], [0.0, -1.0]]),
        Refused("A", r"NaN|nan"),
    ),
    (
        "LinearSystem(A with inf)",
        given(system, A=[[INF, 0.0], [0.0, -1.0]]),
        Refused("A", r"inf"),
    ),
    (
        "LinearSystem(B with NaN)",
        given(system, B=[[NAN], [1.0]]),
        Refused("B", r"NaN|nan"),
    ),
    ("LinearSystem(B with inf)", given(system, B=[[INF], [1.0]]), Refused("B", r"inf")),
]
CASES += values("dt", system_dt, [0, -0.1, NAN, INF, "0.1", True], "LinearSystem")
CASES += [
    (
        "LinearSystem(B vector)",
        given(system, B=[1.0, 0.5]),
        Accepted(lambda s: s.B.shape == (2, 1) and s.size_in == 1),
    ),
    (
        "LinearSystem(B two inputs)",
        given(system, B=np.eye(2)),
        Accepted(
            lambda s: s.size_in == 2
            and s.discretize(0.1).simulate(np.ones((3, 2))).shape == (3, 2)
        ),
    ),
    (
        "LinearSystem.discretize twice",
        lambda: discrete().discretize(0.1),
        Refused("dt", r"dt=0\.1", r"continuous"),
    ),
    (
        "LinearSystem.discretize(dt=0)",
        lambda: system().discretize(0),
        Refused("dt", r"dt=0"),
    ),
    (
        "LinearSystem.discretize(method='foh')",
        lambda: system().discretize(0.1, "foh"),
        Refused("method", r"'foh'"),
    ),
    (
        "LinearSystem.discretize(method='euler') unstable",
        lambda: LinearSystem([[-3000.0]], [1.0]).discretize(DT, method="euler"),
        Refused("method", r"unstable"),
    ),
    (
        "LinearSystem.simulate continuous",
        lambda: system().simulate(np.ones(5)),
        Refused("dt", r"dt=None", r"discretize"),
    ),
    (
        "LinearSystem.state_bound continuous",
        lambda: system().state_bound(),
        Refused("dt", r"dt=None"),
    ),
    (
        "LinearSystem.settling_steps continuous",
        lambda: system().settling_steps(),
        Refused("dt", r"dt=None"),
    ),
    (
        "LinearSystem.steps continuous",
        lambda: list(system().steps(np.ones((5, 1)))),
        Refused("dt", r"dt=None"),
    ),
    (
        "LinearSystem.transform(T shape)",
        lambda: system().transform(np.eye(3)),
        Refused("T", r"\(3, 3\)"),
    ),
    (
        "LinearSystem.transform(T singular)",
        lambda: system().transform(np.zeros((2, 2))),
        Refused("T", r"singular"),
    ),
    (
        "LinearSystem.transform(T with NaN)",
        lambda: system().transform([[NAN, 0], [0, 1]]),
        Refused("T", r"nan|NaN"),
    ),
    (
        "LinearSystem.transform(Tinv shape)",
        lambda: system().transform(np.eye(2), Tinv=np.eye(3)),
        Refused("Tinv", r"\(3, 3\)"),
    ),
    (
        "LinearSystem.transform(T=2I)",
        lambda: system().transform(2 * np.eye(2)),
        Accepted(lambda s: np.allclose(s.A, A2) and np.allclose(s.B, np.array(B2) / 2)),
    ),
    (
        "LinearSystem.steps(u width 2)",
        lambda: steps(np.ones((5, 2))),
        Refused("u", r"2"),
    ),
    ("LinearSystem.steps(u 1-D)", lambda: steps(np.ones(5)), Refused("u", r"\(5,\)")),
    (
        "LinearSystem.steps(u with NaN)",
        lambda: steps([[1.0], [NAN]]),
        Refused("u", r"NaN"),
    ),
    (
        "LinearSystem.steps(u with inf)",
        lambda: steps([[1.0], [INF]]),
        Refused("u", r"inf"),
    ),
    (
        "LinearSystem.steps(u batch)",
        lambda: steps(np.ones((4, 5, 1))),
        Accepted(lambda xs: len(xs) == 6 and xs[-1].shape == (4, 2)),
    ),
    (
        "LinearSystem.simulate(u width 2)",
        given(simulate_u, np.ones((5, 2))),
        Refused("u", r"2"),
    ),
    (
        "LinearSystem.simulate(u with NaN)",
        given(simulate_u, [1.0, NAN, 1.0]),
        Refused("u", r"NaN"),
    ),
    (
        "LinearSystem.simulate(u of str)",
        given(simulate_u, ["a", "b"]),
        Refused("u", r"'a'"),
    ),
    ("LinearSystem.simulate(u=None)", given(simulate_u, None), Refused("u", r"None")),
    (
        "LinearSystem.simulate(u empty)",
        given(simulate_u, np.zeros(0)),
        Accepted(lambda x: x.shape == (0, 2)),
    ),
    (
        "LinearSystem.simulate(u (n, 1, 1))",
        given(simulate_u, np.ones((5, 1, 1))),
        Accepted(lambda x: x.shape == (5, 2) and is_finite(x)),
    ),
    (
        "LinearSystem.simulate(x0 shape)",
        given(simulate_x0, [1.0, 2.0, 3.0]),
        Refused("x0", r"\(3,\)"),
    ),
    (
        "LinearSystem.simulate(x0 with NaN)",
        given(simulate_x0, [NAN, 0.0]),
        Refused("x0", r"nan|NaN"),
    ),
    (
        "LinearSystem.simulate(x0=[1, 0])",
        given(simulate_x0, [1.0, 0.0]),
        Accepted(lambda x: np.allclose(x[0], [1, 0])),
    ),
]
CASES += values(
    "rtol", bound_rtol, [0, 1, -0.1, NAN, "0.01"], "LinearSystem.state_bound"
)
CASES += values(
    "max_steps", bound_max_steps, [0, -5, 2.5, "10", None], "LinearSystem.state_bound"
)
CASES += values("rtol", settling_rtol, [0, 1.5, NAN], "LinearSystem.settling_steps")
CASES += values(
    "max_steps", settling_max_steps, [-1, 2.5, None], "LinearSystem.settling_steps"
)
CASES += [
    (
        "LinearSystem.response(process='white')",
        given(response, process="white"),
        Refused("process", r"process='white'"),
    ),
    ("LinearSystem.response(dt=0)", given(response, dt=0), Refused("dt", r"dt=0")),
    (
        "LinearSystem.response(duration=0)",
        given(response, duration=0),
        Refused("duration", r"duration=0"),
    ),
    (
        "LinearSystem.response(duration=nan)",
        given(response, duration=NAN),
        Refused("duration", r"duration=nan"),
    ),
    (
        "LinearSystem.response(warmup=duration)",
        given(response, warmup=0.2),
        Refused("warmup", r"warmup=0\.2"),
    ),
    (
        "LinearSystem.response(warmup=-0.1)",
        given(response, warmup=-0.1),
        Refused("warmup", r"warmup=-0\.1"),
    ),
    (
        "LinearSystem.response(warmup=nan)",
        given(response, warmup=NAN),
        Refused("warmup", r"warmup=nan"),
    ),
    (
        "LinearSystem.response(method='foh')",
        given(response, method="foh"),
        Refused("method", r"'foh'"),
    ),
    (
        "LinearSystem.response",
        response,
        Accepted(lambda x: x.shape[1] == 2 and len(x) > 100 and is_finite(x)),
    ),
]

# the arrays' forms: discretize, simulate, state_bound, settling_steps
CASES += [
    ("discretize(dt=0)", lambda: discretize(A2, B2, 0), Refused("dt", r"dt=0")),
    ("discretize(dt=nan)", lambda: discretize(A2, B2, NAN), Refused("dt", r"dt=nan")),
    (
        "discretize(method='bilinear')",
        lambda: discretize(A2, B2, 0.1, "bilinear"),
        Refused("method", r"'bilinear'"),
    ),
    (
        "discretize(A not square)",
        lambda: discretize([[1.0, 2.0]], [1.0], 0.1),
        Refused("A", r"\(1, 2\)"),
    ),
    (
        "discretize(B rows)",
        lambda: discretize(A2, [1.0], 0.1),
        Refused("B", r"\(1, 1\)"),
    ),
    (
        "discretize(A 1x1)",
        lambda: discretize([[-1.0]], [1.0], 0.1),
        Accepted(lambda AB: np.isclose(AB[0][0, 0], np.exp(-0.1))),
    ),
    (
        "simulate(u with NaN)",
        lambda: simulate([[0.5]], [[1.0]], [1.0, NAN]),
        Refused("u", r"NaN"),
    ),
    (
        "simulate(u width)",
        lambda: simulate([[0.5]], [[1.0]], np.ones((3, 2))),
        Refused("u", r"2"),
    ),
    (
        "simulate(Ad not square)",
        lambda: simulate([[0.5, 0.1]], [[1.0]], np.ones(3)),
        Refused("Ad", r"\(1, 2\)"),
    ),
    (
        "simulate(Ad with NaN)",
        lambda: simulate([[NAN]], [[1.0]], np.ones(3)),
        Refused("Ad", r"nan|NaN"),
    ),
    (
        "simulate(scalar system)",
        lambda: simulate([[0.5]], [[1.0]], np.ones(3)),
        Accepted(lambda x: np.allclose(x[:, 0], [0, 1, 1.5])),
    ),
    (
        "state_bound(rtol=0)",
        lambda: state_bound([[0.5]], [[1.0]], rtol=0),
        Refused("rtol", r"rtol=0"),
    ),
    (
        "state_bound(rtol=1)",
        lambda: state_bound([[0.5]], [[1.0]], rtol=1),
        Refused("rtol", r"rtol=1"),
    ),
    (
        "state_bound(unstable)",
        lambda: state_bound([[1.1]], [[1.0]]),
        Refused("Ad", r"1\.1"),
    ),
    (
        "state_bound(marginal, max_steps=1000)",
        lambda: state_bound([[1.0]], [[1.0]], max_steps=1000),
        Refused("Ad", r"1000"),
    ),
    (
        "state_bound(oscillating, max_steps=1000)",
        lambda: state_bound([[-1.0]], [[1.0]], max_steps=1000),
        Refused("Ad", r"1000"),
    ),
    (
        "state_bound(max_steps=0)",
        lambda: state_bound([[0.5]], [[1.0]], max_steps=0),
        Refused("max_steps", r"max_steps=0"),
    ),
    (
        "state_bound(0.5)",
        lambda: state_bound([[0.5]], [[1.0]]),
        Accepted(lambda b: np.allclose(b, 2.0, rtol=1e-6)),
    ),
    (
        "settling_steps(rtol=0)",
        lambda: settling_steps([[0.5]], rtol=0),
        Refused("rtol", r"rtol=0"),
    ),
    (
        "settling_steps(unstable)",
        lambda: settling_steps([[1.0]], max_steps=100),
        Refused("Ad", r"100"),
    ),
    (
        "settling_steps(Ad not square)",
        lambda: settling_steps([[0.5, 0.1]]),
        Refused("Ad", r"\(1, 2\)"),
    ),
    ("settling_steps(Ad 1-D)", lambda: settling_steps([0.5]), Refused("Ad", r"\(1,\)")),
    (
        "settling_steps(max_steps=-1)",
        lambda: settling_steps([[0.5]], max_steps=-1),
        Refused("max_steps", r"max_steps=-1"),
    ),
    (
        "settling_steps(0.5)",
        lambda: settling_steps([[0.5]]),
        Accepted(lambda k: k == 7),
    ),
    ("settling_steps(0)", lambda: settling_steps([[0.0]]), Accepted(lambda k: k == 1)),
]

# map_to_synapse and map_system
CASES += [
    (
        "map_to_synapse(synapse=None)",
        given(mapped_synapse, None),
        Refused("synapse", r"None"),
    ),
    (
        "map_to_synapse(synapse='lowpass')",
        given(mapped_synapse, "lowpass"),
        Refused("synapse", r"'lowpass'"),
    ),
    (
        "map_to_synapse(synapse=0.1)",
        given(mapped_synapse, 0.1),
        Refused("synapse", r"0\.1"),
    ),
    (
        "map_to_synapse(synapse=Lowpass(0))",
        given(mapped_synapse, nengo.Lowpass(0)),
        Refused("synapse", r"tau=0"),
    ),
    (
        "map_to_synapse(synapse=LinearFilter)",
        given(mapped_synapse, nengo.LinearFilter([1], [0.1, 1])),
        Refused("synapse", r"LinearFilter"),
    ),
    (
        "map_to_synapse(synapse=Triangle)",
        given(mapped_synapse, nengo.synapses.Triangle(0.1)),
        Refused("synapse", r"Triangle"),
    ),
    (
        "map_to_synapse(Alpha, dt)",
        lambda: mapped(nengo.Alpha(0.1), dt=DT),
        Refused("synapse", r"Alpha", r"dt=0\.001"),
    ),
    (
        "map_to_synapse(Alpha, lead)",
        lambda: mapped(nengo.Alpha(0.1), lead=0.001),
        Refused("lead", r"lead=0\.001"),
    ),
    (
        "map_to_synapse(Alpha)",
        lambda: mapped(nengo.Alpha(0.1)),
        Accepted(lambda AB: AB[1].shape == (3, 2) and is_finite(*AB)),
    ),
    (
        "map_to_synapse(Lowpass, dt)",
        given(mapped_dt, DT),
        Accepted(lambda AB: AB[0].shape == (3, 3) and is_finite(*AB)),
    ),
    (
        "map_to_synapse(Lowpass, continuous)",
        lambda: mapped(),
        Accepted(lambda AB: np.allclose(AB[0], 0.1 * delay().A + np.eye(3))),
    ),
]
CASES += values(
    "lead", mapped_lead, [[0.0, 0.0], NAN, INF, "x", None], "map_to_synapse"
)
CASES += values(
    "gain",
    mapped_gain,
    [0, -1, NAN, [1, 1], [1, 1, -1], "x", True, None],
    "map_to_synapse",
)
CASES += values("dt", mapped_dt, [0, -0.001, NAN, "0.001"], "map_to_synapse")
CASES += [
    (
        "map_to_synapse(lead=[0.001, 0, 0])",
        given(mapped_lead, [0.001, 0, 0]),
        Accepted(lambda AB: is_finite(*AB) and not np.allclose(AB[0], mapped()[0])),
    ),
    (
        "map_to_synapse(lead making the output singular)",
        lambda: map_to_synapse([[-1.0]], [[1.0]], LOWPASS, lead=1.0),
        Refused("lead", r"lead=1\.0"),
    ),
    (
        "map_to_synapse(method='foh', dt)",
        lambda: mapped(dt=DT, method="foh"),
        Refused("method", r"'foh'"),
    ),
    (
        "map_to_synapse(method='foh', no dt)",
        lambda: mapped(method="foh"),
        Refused("method", r"'foh'"),
    ),
    (
        "map_to_synapse(method='euler' unstable, dt)",
        lambda: map_to_synapse(
            *delay(theta=0.001, order=6), LOWPASS, dt=DT, method="euler"
        ),
        Refused("method", r"unstable"),
    ),
    (
        "map_to_synapse(A not square)",
        lambda: map_to_synapse([[1.0, 2.0]], [1.0], LOWPASS),
        Refused("A", r"\(1, 2\)"),
    ),
    (
        "map_system(discrete system)",
        lambda: map_system(delay().discretize(DT), LOWPASS, dt=DT),
        Refused("system", r"dt=0\.001"),
    ),
    (
        "map_system(system=(A, B))",
        lambda: map_system(tuple(delay()), LOWPASS),
        Refused("system", r"tuple|\(array"),
    ),
    (
        "map_system(system=None)",
        lambda: map_system(None, LOWPASS),
        Refused("system", r"None"),
    ),
    (
        "map_system(LegendreDelay, Lowpass, dt)",
        lambda: map_system(delay(), LOWPASS, dt=DT),
        Accepted(
            lambda s: isinstance(s, LinearSystem) and s.size == 3 and is_finite(*s)
        ),
    ),
]

# StateScaling
CASES += [
    (
        "StateScaling(scale 2-D)",
        given(scaling, [[1.0, 2.0]]),
        Refused("scale", r"\[\[1\.0?, ?2\.0?\]\]|\[\[1\. 2\.\]\]"),
    ),
    (
        "StateScaling(scale with NaN)",
        given(scaling, [1.0, NAN]),
        Refused("scale", r"nan"),
    ),
    (
        "StateScaling(scale negative)",
        given(scaling, [1.0, -1.0]),
        Refused("scale", r"-1"),
    ),
    ("StateScaling(scale zero)", given(scaling, [0.0, 1.0]), Refused("scale", r"0\.")),
    ("StateScaling(scale scalar)", given(scaling, 2.0), Refused("scale", r"2\.")),
    ("StateScaling(scale empty)", given(scaling, []), Refused("scale", r"\[\]")),
    ("StateScaling(scale='abc')", given(scaling, "abc"), Refused("scale", r"'abc'")),
    ("StateScaling(scale=None)", given(scaling, None), Refused("scale", r"None")),
    (
        "StateScaling.realize(size)",
        lambda: StateScaling([1.0, 2.0]).realize(delay()),
        Refused("scale", r"3 states"),
    ),
    (
        "StateScaling.readout(size)",
        lambda: StateScaling([1.0, 2.0]).readout(np.ones((1, 3))),
        Refused("scale", r"3 states"),
    ),
    (
        "StateScaling.transform(size)",
        lambda: StateScaling([1.0, 2.0]).transform(*delay()),
        Refused("scale", r"3 states"),
    ),
    (
        "StateScaling([1, 2]).realize",
        lambda: StateScaling([1.0, 2.0]).realize(system()),
        Accepted(lambda r: np.allclose(r.T @ r.system.A @ r.Tinv, A2)),
    ),
]
CASES += values(
    "dt", from_process_dt, [0, -0.001, NAN, "0.001"], "StateScaling.from_process"
)
CASES += values(
    "duration", from_process_duration, [0, -1, NAN, INF], "StateScaling.from_process"
)
CASES += values(
    "warmup", from_process_warmup, [0.3, 1.0, -0.1, NAN], "StateScaling.from_process"
)
CASES += values(
    "radius", from_process_radius, [0, -1, NAN, "1"], "StateScaling.from_process"
)
CASES += values(
    "n_sigma", from_process_n_sigma, [0, -3.5, INF], "StateScaling.from_process"
)
CASES += values(
    "floor", from_process_floor, [1.5, -0.1, NAN], "StateScaling.from_process"
)
CASES += values(
    "process", from_process_process, ["white", None, 0.5], "StateScaling.from_process"
)
CASES += [
    (
        "StateScaling.from_process(process never drives)",
        given(from_process_process, constant(0.0)),
        Refused("process", r"never drives"),
    ),
    (
        "StateScaling.from_process(process with NaN)",
        given(from_process_process, constant(NAN)),
        Refused("process", r"NaN|nan"),
    ),
    (
        "StateScaling.from_process(process of 2 dimensions)",
        given(from_process_process, constant(0.5, d=2)),
        Refused("process", r"2"),
    ),
    (
        "StateScaling.from_process(duration below dt)",
        given(from_process_duration, 0.0005),
        Refused("duration", r"duration=0\.0005"),
    ),
    (
        "StateScaling.from_process(discrete system)",
        lambda: from_process(system=delay().discretize(DT)),
        Refused("system", r"dt=0\.001"),
    ),
    (
        "StateScaling.from_process(system=(A, B))",
        lambda: from_process(system=tuple(delay())),
        Refused("system", r"tuple|\(array"),
    ),
    (
        "StateScaling.from_process(method='foh')",
        lambda: from_process(method="foh"),
        Refused("method", r"'foh'"),
    ),
    (
        "StateScaling.from_process",
        from_process,
        Accepted(
            lambda s: s.scale.shape == (3,)
            and np.all(s.scale > 0)
            and is_finite(s.scale)
        ),
    ),
    (
        "StateScaling.from_process(floor=1)",
        given(from_process_floor, 1.0),
        Accepted(lambda s: np.allclose(s.scale, s.scale[0])),
    ),
]

# LegendreMemory: every argument
CASES += values("order", memory_of("order"), [0, -1, 2.5, NAN, "3", True, None])
CASES += values("theta", memory_of("theta"), [0, -1, NAN, INF, "0.1", None])
CASES += values(
    "n_neurons", memory_of("n_neurons"), [20, 0, -10, 100.5, NAN, "600", True]
)
CASES += values("size_in", memory_of("size_in"), [0, -1, 1.5, "2", True, None])
CASES += values("dt", memory_of("dt"), [0, -0.001, NAN, INF, "0.001", None])
CASES += values("layout", memory_of("layout"), ["grid", None, 1])
CASES += values("discretizer", memory_of("discretizer"), ["foh", None, 1])
CASES += values("neuron_lead", memory_of("neuron_lead"), [[0.0, 0.0], NAN, INF, "fast"])
CASES += values("neuron_gain", memory_of("neuron_gain"), [0, -1, NAN, [1.0, 1.0], "x"])
CASES += [
    (
        "LegendreMemory(theta below a step)",
        given(memory, theta=0.0005),
        Refused("theta", r"theta=0\.0005"),
    ),
    (
        "LegendreMemory(n_neurons=31)",
        given(memory, n_neurons=31),
        Refused("n_neurons", r"n_neurons=31"),
    ),
    (
        "LegendreMemory(synapse=None)",
        given(memory, synapse=None),
        Refused("synapse", r"None"),
    ),
    (
        "LegendreMemory(synapse=Alpha)",
        given(memory, synapse=nengo.Alpha(0.1)),
        Refused("synapse", r"Alpha"),
    ),
    (
        "LegendreMemory(synapse='lowpass')",
        given(memory, synapse="lowpass"),
        Refused("synapse", r"'lowpass'"),
    ),
    (
        "LegendreMemory(synapse=-0.1)",
        given(memory, synapse=-0.1),
        Refused("synapse", r"-0\.1"),
    ),
    (
        "LegendreMemory(synapse=0)",
        given(memory, synapse=0),
        Refused("synapse", r"tau=0|synapse=0"),
    ),
    (
        "LegendreMemory(synapse=nan)",
        given(memory, synapse=NAN),
        Refused("synapse", r"nan"),
    ),
    (
        "LegendreMemory(synapse=inf)",
        given(memory, synapse=INF),
        Refused("synapse", r"inf"),
    ),
    (
        "LegendreMemory(synapse=LinearFilter)",
        given(memory, synapse=nengo.LinearFilter([1], [0.1, 1])),
        Refused("synapse", r"LinearFilter"),
    ),
    (
        "LegendreMemory(synapse=0.05)",
        given(memory, synapse=0.05),
        Accepted(lambda m: m.synapse == nengo.Lowpass(0.05)),
    ),
    (
        "LegendreMemory(process='white')",
        given(memory, process="white"),
        Refused("process", r"'white'"),
    ),
    (
        "LegendreMemory(process never drives)",
        given(memory, process=constant(0.0)),
        Refused("process", r"never drives"),
    ),
    (
        "LegendreMemory(process with NaN)",
        given(memory, process=constant(NAN)),
        Refused("process", r"NaN|nan"),
    ),
    (
        "LegendreMemory(discretizer='euler' unstable)",
        given(memory, theta=0.005, order=6, discretizer="euler"),
        Refused("discretizer", r"unstable"),
    ),
    (
        "LegendreMemory(discretizer='EULER')",
        given(memory, theta=0.5, discretizer="EULER"),
        Accepted(lambda m: m.discretizer == "euler"),
    ),
    (
        "LegendreMemory(layout='per_memory', size_in=2)",
        given(memory, layout="per_memory", size_in=2),
        Accepted(
            lambda m: len(m.state_ensembles) == 2
            and m.state_ensembles[0].dimensions == 3
        ),
    ),
    (
        "LegendreMemory(solver='lstsq')",
        given(memory, solver="lstsq"),
        Refused("solver", r"'lstsq'"),
    ),
    (
        "LegendreMemory(max_rate=100)",
        given(memory, max_rate=100),
        Refused("max_rate", r"max_rate=100"),
    ),
    (
        "LegendreMemory(neuron=LIF)",
        given(memory, neuron=nengo.LIF()),
        Refused("neuron", r"neuron=LIF"),
    ),
    (
        "LegendreMemory(dimensions=3)",
        given(memory, dimensions=3),
        Refused("dimensions", r"dimensions=3"),
    ),
    (
        "LegendreMemory(neuron_type='LIF')",
        given(memory, neuron_type="LIF"),
        Refused("neuron_type", r"'LIF'"),
    ),
    (
        "LegendreMemory(max_rates='fast')",
        given(memory, max_rates="fast"),
        Refused("max_rates", r"'fast'"),
    ),
    (
        "LegendreMemory(intercepts=5)",
        given(memory, intercepts=5),
        Refused("intercepts", r"5"),
    ),
    (
        "LegendreMemory(size_in=3)",
        given(memory, size_in=3),
        Accepted(
            lambda m: m.output.size_out == 3
            and m.state.size_out == 9
            and len(m.state_ensembles) == 9
        ),
    ),
    (
        "LegendreMemory(order=1)",
        given(memory, order=1),
        Accepted(lambda m: m.plan.mapped.A.shape == (1, 1) and m.state.size_out == 1),
    ),
    (
        "LegendreMemory(LIF, given lead and gain)",
        given(
            memory,
            neuron_type=nengo.LIF(),
            n_neurons=60,
            neuron_lead=0.0005,
            neuron_gain=[1.0, 0.99, 1.0],
        ),
        Accepted(
            lambda m: m.neuron_lead == 0.0005
            and list(m.neuron_gain) == [1.0, 0.99, 1.0]
        ),
    ),
    (
        "LegendreMemory in nengo.Simulator(dt=0.002)",
        given(run_memory, 0.002, dt=0.001),
        Failed(SimulationError, r"dt=0\.001.*dt=0\.002"),
    ),
    (
        "LegendreMemory in nengo.Simulator(dt=0.001)",
        given(run_memory, 0.001, dt=0.001),
        Accepted(lambda y: y.shape == (3, 1) and is_finite(y)),
    ),
]

# LegendreMemory.add_output
CASES += values(
    "r",
    add_output_r,
    [1.5, -0.5, NAN, [[0.5]], "half", True],
    "LegendreMemory.add_output",
)
CASES += values(
    "n_samples", add_output_n_samples, [1, 0, 2.5, "4"], "LegendreMemory.add_output"
)
CASES += [
    (
        "add_output(r and function)",
        given(add_output, r=0.5, function=np.mean),
        Refused("r", r"r=0\.5"),
    ),
    ("add_output()", add_output, Refused("r", r"r=None")),
    ("add_output(r=[])", given(add_output_r, []), Refused("r", r"r=\[\]")),
    (
        "add_output(function='mean')",
        given(add_output, function="mean"),
        Refused("function", r"'mean'"),
    ),
    (
        "add_output(function returns nan)",
        given(add_output, function=lambda w: np.nan),
        Refused("function", r"nan"),
    ),
    (
        "add_output(function returns str)",
        given(add_output, function=lambda w: "mean"),
        Refused("function", r"'mean'"),
    ),
    (
        "add_output(function returns None)",
        given(add_output, function=lambda w: None),
        Refused("function", r"None"),
    ),
    (
        "add_output(function returns matrix)",
        given(add_output, function=lambda w: np.ones((2, 2))),
        Refused("function", r"1\."),
    ),
    (
        "add_output(function returns [])",
        given(add_output, function=lambda w: []),
        Refused("function", r"\[\]"),
    ),
    (
        "add_output(function varies in size)",
        given(add_output, function=lambda w: w[w > 0]),
        Refused("function", r"\["),
    ),
    (
        "add_output(synapse='x')",
        given(add_output, function=np.mean, synapse="x"),
        Refused("synapse", r"'x'"),
    ),
    (
        "add_output(n_neuron=100)",
        given(add_output, function=np.mean, n_neuron=100),
        Refused("n_neuron", r"n_neuron=100"),
    ),
    (
        "add_output(r=0.5)",
        given(add_output_r, 0.5),
        Accepted(lambda node: node.size_out == 1),
    ),
    (
        "add_output(r=[0, 0.5, 1], size_in=2)",
        given(add_output, memory_kwargs=dict(size_in=2), r=[0, 0.5, 1]),
        Accepted(lambda node: node.size_out == 6),
    ),
    (
        "add_output(function, n_samples=2)",
        given(add_output, function=lambda w: w, n_samples=2),
        Accepted(lambda node: node.size_out == 2),
    ),
    (
        "add_output(function, n_samples=np.int64(3))",
        given(add_output, function=np.mean, n_samples=np.int64(3)),
        Accepted(lambda node: node.size_out == 1),
    ),
]

# LMUCell
CASES += values("units", cell_of("units"), [0, -1, 2.5, "4", True, NAN, None])
CASES += values("order", cell_of("order"), [0, 2.5, "3", None])
CASES += values("memory_d", cell_of("memory_d"), [0, 1.5, "1"])
CASES += values("input_d", cell_of("input_d"), [0, -2, "1"])
CASES += values("theta", cell_of("theta"), [0, -0.01, NAN, "0.01"])
CASES += values("dt", cell_of("dt"), [0, NAN, "0.001", None])
CASES += values("hidden_to_memory", cell_of("hidden_to_memory"), [1, "yes"])
CASES += values("memory_to_memory", cell_of("memory_to_memory"), [0, None])
CASES += values("input_to_hidden", cell_of("input_to_hidden"), [None, "True"])
CASES += values("hidden_to_hidden", cell_of("hidden_to_hidden"), ["False", 1.0])
CASES += values("use_bias", cell_of("use_bias"), ["yes", 0])
CASES += values(
    "scale_firing_rates", cell_of("scale_firing_rates"), [0, -1, NAN, "100"]
)
CASES += values("discretizer", cell_of("discretizer"), ["foh", None])
CASES += values("synapse", cell_of("synapse"), ["x", -0.01])
CASES += values("neural_memory", cell_of("neural_memory"), ["yes", [1], 1200])
CASES += [
    (
        "LMUCell(theta=3 steps)",
        given(cell, theta=0.003),
        Refused("theta", r"theta=0\.003", r"3 time steps"),
    ),
    (
        "LMUCell(theta=4 steps)",
        given(cell, theta=0.004),
        Accepted(lambda c: c.system.theta == 0.004 and c.Ad.shape == (3, 3)),
    ),
    (
        "LMUCell(order=1)",
        given(cell, order=1),
        Accepted(
            lambda c: c.state.size_out == 1
            and c.weights["memory_kernel"].shape == (4, 1)
        ),
    ),
    (
        "LMUCell(memory_d=2, input_d=3)",
        given(cell, memory_d=2, input_d=3),
        Accepted(
            lambda c: c.state.size_out == 6
            and c.weights["input_encoders"].shape == (2, 3)
        ),
    ),
    (
        "LMUCell(use_bias=np.bool_(True))",
        given(cell, use_bias=np.bool_(True)),
        Accepted(lambda c: c.use_bias is True and "memory_bias" in c.weights),
    ),
    (
        "LMUCell(hidden_neuron_type=Direct)",
        given(cell, hidden_neuron_type=nengo.Direct()),
        Refused("hidden_neuron_type", r"Direct"),
    ),
    (
        "LMUCell(hidden_neuron_type='tanh')",
        given(cell, hidden_neuron_type="tanh"),
        Refused("hidden_neuron_type", r"'tanh'"),
    ),
    (
        "LMUCell(hidden_neuron_type=nengo.Tanh)",
        given(cell, hidden_neuron_type=nengo.Tanh),
        Refused("hidden_neuron_type", r"Tanh"),
    ),
    (
        "LMUCell(scale_firing_rates=100, Tanh)",
        given(cell, scale_firing_rates=100),
        Refused("scale_firing_rates", r"scale_firing_rates=100"),
    ),
    (
        "LMUCell(scale_firing_rates=100, SpikingRectifiedLinear)",
        given(
            cell,
            scale_firing_rates=100,
            hidden_neuron_type=nengo.SpikingRectifiedLinear(),
            synapse=0.01,
        ),
        Accepted(lambda c: np.isclose(c.hidden_neuron_type.amplitude, 0.01)),
    ),
    (
        "LMUCell(synapse=0.01)",
        given(cell, synapse=0.01),
        Accepted(lambda c: c.synapse == nengo.Lowpass(0.01)),
    ),
    (
        "LMUCell(discretizer='euler' unstable)",
        given(cell, theta=0.004, order=6, discretizer="euler"),
        Refused("discretizer", r"unstable"),
    ),
    (
        "LMUCell(neural_memory=dict(order=3))",
        given(cell, neural_memory=dict(order=3)),
        Refused("neural_memory", r"'order'"),
    ),
    (
        "LMUCell(neural_memory=dict(theta))",
        given(cell, neural_memory=dict(theta=0.1)),
        Refused("neural_memory", r"'theta'"),
    ),
    (
        "LMUCell(neural_memory=dict(size_in))",
        given(cell, neural_memory=dict(size_in=2)),
        Refused("neural_memory", r"'size_in'"),
    ),
    (
        "LMUCell(neural_memory=dict(dt))",
        given(cell, neural_memory=dict(dt=0.002)),
        Refused("neural_memory", r"'dt'"),
    ),
    (
        "LMUCell(neural_memory=dict(discretizer))",
        given(cell, neural_memory=dict(discretizer="euler")),
        Refused("neural_memory", r"'discretizer'"),
    ),
    (
        "LMUCell(neural_memory=dict(n_neuron=...))",
        given(cell, neural_memory=dict(n_neuron=100)),
        Refused("n_neuron", r"n_neuron=100"),
    ),
    (
        "LMUCell(neural_memory=dict(n_neurons=5))",
        given(cell, neural_memory=dict(n_neurons=5, neuron_type=nengo.Direct())),
        Refused("n_neurons", r"n_neurons=5"),
    ),
    (
        "LMUCell(neural_memory=Direct)",
        given(cell, neural_memory=dict(neuron_type=nengo.Direct())),
        Accepted(
            lambda c: isinstance(c.memory, LegendreMemory)
            and c.memory.system.theta == 0.01
        ),
    ),
    (
        "LMUCell(memory_neurons=...)",
        given(cell, memory_neurons=dict(neuron_type=nengo.Direct())),
        Warned(DeprecationWarning, r"memory_neurons"),
    ),
    (
        "LMUCell(weights unknown name)",
        given(cell, weights=dict(foo=np.zeros(4))),
        Refused("weights", r"foo"),
    ),
    (
        "LMUCell(weights of an option that is off)",
        given(cell, weights=dict(hidden_encoders=np.zeros((1, 4)))),
        Refused("weights", r"hidden_encoders"),
    ),
    (
        "LMUCell(weights wrong shape)",
        given(cell, weights=dict(memory_kernel=np.zeros((2, 2)))),
        Refused("weights", r"memory_kernel", r"\(2, 2\)"),
    ),
    (
        "LMUCell(weights with NaN)",
        given(cell, weights=dict(hidden_bias=[0, 0, NAN, 0])),
        Refused("weights", r"hidden_bias", r"nan|NaN"),
    ),
    (
        "LMUCell(weights with inf)",
        given(cell, weights=dict(hidden_bias=[0, INF, 0, 0])),
        Refused("weights", r"hidden_bias", r"inf"),
    ),
    (
        "LMUCell(weights of str)",
        given(cell, weights=dict(hidden_bias=["a"] * 4)),
        Refused("weights", r"hidden_bias", r"'a'"),
    ),
    (
        "LMUCell(weights='w.npz')",
        given(cell, weights="w.npz"),
        Refused("weights", r"'w\.npz'"),
    ),
    (
        "LMUCell(weights hidden_bias)",
        given(cell, weights=dict(hidden_bias=[1.0, 2.0, 3.0, 4.0])),
        Accepted(lambda c: np.all(c.weights["hidden_bias"] == [1, 2, 3, 4])),
    ),
    (
        "LMUCell(kernel_initializer='glorot')",
        given(cell, kernel_initializer="glorot"),
        Refused("kernel_initializer", r"'glorot'"),
    ),
    (
        "LMUCell(unit=4)",
        lambda: LMUCell(unit=4, order=3, theta=0.01, add_to_container=False),
        Unexpected("unit"),
    ),
    (
        "LMUCell in nengo.Simulator(dt=0.002)",
        given(run_cell, 0.002),
        Failed(SimulationError, r"dt=0\.001.*dt=0\.002"),
    ),
    (
        "LMUCell(neural_memory) in nengo.Simulator(dt=0.002)",
        given(run_cell, 0.002, neural_memory=dict(neuron_type=nengo.Direct())),
        Failed(SimulationError, r"dt=0\.001.*dt=0\.002"),
    ),
    (
        "LMUCell in nengo.Simulator(dt=0.001)",
        given(run_cell, 0.001),
        Accepted(lambda y: y.shape == (3, 4) and is_finite(y)),
    ),
]

# LMUClassifier and classify_stream
CASES += values(
    "n_classes", classifier_n_classes, [0, -1, 2.5, "3", True, None], "LMUClassifier"
)
CASES += [
    (
        "LMUClassifier(n_classes=1)",
        given(classifier, 1),
        Accepted(lambda c: c.output.size_out == 1),
    ),
    (
        "LMUClassifier(cell_type=nengo.Network)",
        given(classifier, cell_type=nengo.Network),
        Refused("cell_type", r"Network"),
    ),
    (
        "LMUClassifier(cell_type='LMUCell')",
        given(classifier, cell_type="LMUCell"),
        Refused("cell_type", r"'LMUCell'"),
    ),
    (
        "LMUClassifier(cell_type=instance)",
        lambda: classifier(cell_type=cell()),
        Refused("cell_type", r"LMUCell"),
    ),
    (
        "LMUClassifier(readout shape)",
        given(classifier, weights=dict(readout=np.zeros((2, 4)))),
        Refused("weights", r"readout", r"\(2, 4\)"),
    ),
    (
        "LMUClassifier(readout_bias shape)",
        given(classifier, weights=dict(readout_bias=np.zeros(2))),
        Refused("weights", r"readout_bias", r"\(2,\)"),
    ),
    (
        "LMUClassifier(readout with NaN)",
        given(classifier, weights=dict(readout=np.full((3, 4), NAN))),
        Refused("weights", r"readout", r"nan|NaN"),
    ),
    (
        "LMUClassifier(units=0)",
        given(classifier, units=0),
        Refused("units", r"units=0"),
    ),
    (
        "LMUClassifier(unit=4)",
        lambda: LMUClassifier(3, unit=4, order=3, theta=0.01, add_to_container=False),
        Unexpected("unit"),
    ),
    (
        "LMUClassifier(readout given)",
        given(classifier, weights=dict(readout=np.ones((3, 4)))),
        Accepted(lambda c: np.all(c.readout.transform.init == 1)),
    ),
    (
        "classify_stream(x 2-D)",
        given(stream, np.zeros((2, 12))),
        Refused("x", r"\(2, 12\)"),
    ),
    (
        "classify_stream(x wrong input_d)",
        given(stream, np.zeros((2, 12, 2))),
        Refused("x", r"\(2, 12, 2\)"),
    ),
    (
        "classify_stream(x empty)",
        given(stream, np.zeros((0, 12, 1))),
        Refused("x", r"\(0, 12, 1\)"),
    ),
    (
        "classify_stream(x with NaN)",
        given(stream, np.full((2, 4, 1), NAN)),
        Refused("x", r"NaN"),
    ),
    (
        "classify_stream(x of str)",
        given(stream, [[["a"]]]),
        Refused("x", r"'a'|str|<U"),
    ),
    (
        "classify_stream(simulator='nengo')",
        given(stream, simulator="nengo"),
        Refused("simulator", r"'nengo'"),
    ),
    (
        "classify_stream(network without it)",
        lambda: stream(network=nengo.Network()),
        Refused("network", r"Network"),
    ),
    (
        "classify_stream(classifier=None)",
        lambda: classify_stream(None, np.zeros((1, 4, 1))),
        Refused("classifier", r"None"),
    ),
    (
        "classify_stream(feedback)",
        lambda: classify_stream(
            classifier(hidden_to_hidden=True), np.zeros((1, 4, 1)), progress_bar=False
        ),
        Warned(UserWarning, r"hidden_to_hidden=True"),
    ),
    (
        "classify_stream(gap=0)",
        given(stream_gap, 0),
        Accepted(lambda s: s.shape == (2, 3) and is_finite(s)),
    ),
]
CASES += values("gap", stream_gap, [-1, 1.5, "2", True], "classify_stream")


# nengo_lmu.dl on one shared NengoDL simulator (the "dl_sim" fixture)


def dl_data(n=16, steps=12, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.uniform(0, 1, size=(n, steps, 1)).astype(np.float32)
    y = np.argmax(x.reshape(n, 3, -1).mean(axis=-1), axis=1)
    return x, y


def dl_train(**kwargs):
    from nengo_lmu.dl import train_classifier

    sim, clf = SHARED["dl"]
    data = dl_data()
    params = dict(train=data, validation=data, epochs=1)
    params.update(kwargs)
    return train_classifier(sim, clf, **params)


def dl_epochs(epochs):
    return dl_train(epochs=epochs)


def dl_patience(patience):
    return dl_train(patience=patience)


def dl_classify(x, sim=None, clf=None):
    from nengo_lmu.dl import classify

    shared_sim, shared_clf = SHARED["dl"]
    return classify(shared_sim if sim is None else sim, clf or shared_clf, x)


def dl_accuracy(y, x=None):
    from nengo_lmu.dl import accuracy

    sim, clf = SHARED["dl"]
    x = dl_data()[0] if x is None else x
    return accuracy(sim, clf, x, y)


def dl_firing_rates(x, clf=None):
    from nengo_lmu.dl import firing_rates

    sim, shared_clf = SHARED["dl"]
    return firing_rates(sim, clf or shared_clf, x)


X16, Y16 = dl_data()
CASES += values(
    "epochs", dl_epochs, [0, -1, 1.5, "2", None, True], "dl.train_classifier"
)
CASES += values("patience", dl_patience, [0, 0.5, "2", True], "dl.train_classifier")
CASES += [
    (
        "dl.train_classifier(train x 2-D)",
        given(dl_train, train=(X16[..., 0], Y16)),
        Refused("train", r"\(16, 12\)"),
    ),
    (
        "dl.train_classifier(train x NaN)",
        given(dl_train, train=(X16 * NAN, Y16)),
        Refused("train", r"NaN"),
    ),
    (
        "dl.train_classifier(train y float)",
        given(dl_train, train=(X16, Y16 + 0.5)),
        Refused("train", r"float"),
    ),
    (
        "dl.train_classifier(train y short)",
        given(dl_train, train=(X16, Y16[:-1])),
        Refused("train", r"\(15,\)"),
    ),
    (
        "dl.train_classifier(train y out of range)",
        given(dl_train, train=(X16, Y16 + 3)),
        Refused("train", r"\[3, 5\]"),
    ),
    (
        "dl.train_classifier(train y negative)",
        given(dl_train, train=(X16, Y16 - 3)),
        Refused("train", r"\[-3,"),
    ),
    (
        "dl.train_classifier(train y str)",
        given(dl_train, train=(X16, Y16.astype(str))),
        Refused("train", r"<U"),
    ),
    (
        "dl.train_classifier(train y NaN)",
        given(dl_train, train=(X16, np.full(16, NAN))),
        Refused("train", r"float"),
    ),
    (
        "dl.train_classifier(train below a minibatch)",
        given(dl_train, train=(X16[:8], Y16[:8])),
        Refused("train", r"8 training"),
    ),
    (
        "dl.train_classifier(train=(x,))",
        given(dl_train, train=(X16,)),
        Refused("train", r"\(x, y\)"),
    ),
    (
        "dl.train_classifier(train=None)",
        given(dl_train, train=None),
        Refused("train", r"None"),
    ),
    (
        "dl.train_classifier(validation x NaN)",
        given(dl_train, validation=(X16 * NAN, Y16)),
        Refused("validation", r"NaN"),
    ),
    (
        "dl.train_classifier(validation y short)",
        given(dl_train, validation=(X16, Y16[:3])),
        Refused("validation", r"\(3,\)"),
    ),
    (
        "dl.train_classifier(validation=None)",
        given(dl_train, validation=None),
        Refused("validation", r"None"),
    ),
    (
        "dl.train_classifier(epochs=1)",
        given(dl_train, epochs=1),
        Accepted(
            lambda h: len(h["loss"]) == 1
            and is_finite(h["loss"])
            and h["best_epoch"] == 0
        ),
    ),
    (
        "dl.classify(x 2-D)",
        given(dl_classify, X16[..., 0]),
        Refused("x", r"\(16, 12\)"),
    ),
    ("dl.classify(x NaN)", given(dl_classify, X16 * NAN), Refused("x", r"NaN")),
    (
        "dl.classify(x empty)",
        given(dl_classify, X16[:0]),
        Refused("x", r"\(0, 12, 1\)"),
    ),
    (
        "dl.classify(x wrong input_d)",
        given(dl_classify, np.zeros((4, 12, 2))),
        Refused("x", r"\(4, 12, 2\)"),
    ),
    (
        "dl.classify(sim='sim')",
        lambda: dl_classify(X16, sim="sim"),
        Refused("sim", r"'sim'"),
    ),
    (
        "dl.classify(classifier not in sim)",
        lambda: dl_classify(X16, clf=classifier()),
        Refused("classifier", r"LMUClassifier"),
    ),
    (
        "dl.classify(5 sequences)",
        given(dl_classify, X16[:5]),
        Accepted(lambda s: s.shape == (5, 3) and is_finite(s)),
    ),
    (
        "dl.classify(other steps)",
        given(dl_classify, np.zeros((16, 30, 1))),
        Accepted(lambda s: s.shape == (16, 3) and is_finite(s)),
    ),
    ("dl.accuracy(y short)", given(dl_accuracy, Y16[:-1]), Refused("y", r"\(15,\)")),
    ("dl.accuracy(y float)", given(dl_accuracy, Y16 + 0.5), Refused("y", r"float")),
    (
        "dl.accuracy(y out of range)",
        given(dl_accuracy, Y16 + 3),
        Refused("y", r"\[3, 5\]"),
    ),
    ("dl.accuracy(x NaN)", lambda: dl_accuracy(Y16, x=X16 * NAN), Refused("x", r"NaN")),
    ("dl.accuracy", given(dl_accuracy, Y16), Accepted(lambda a: 0 <= a <= 1)),
    (
        "dl.firing_rates(no neuron probe)",
        lambda: dl_firing_rates(
            X16, clf=LMUClassifier(3, add_to_container=False, **CELL)
        ),
        Refused("probe_neurons", r"probe_neurons"),
    ),
    ("dl.firing_rates(x NaN)", given(dl_firing_rates, X16 * NAN), Refused("x", r"NaN")),
    (
        "dl.firing_rates(x 2-D)",
        given(dl_firing_rates, X16[..., 0]),
        Refused("x", r"\(16, 12\)"),
    ),
    (
        "dl.firing_rates",
        given(dl_firing_rates, X16[:3]),
        Accepted(lambda r: r.shape == (8,) and is_finite(r)),
    ),
]


# weights


def keras_cell(hidden="rnn", trainable_theta=False, build=True):
    tf = pytest.importorskip("tensorflow")
    keras_lmu = pytest.importorskip("keras_lmu")
    hidden_cell = {
        "rnn": lambda: tf.keras.layers.SimpleRNNCell(4),
        "gru": lambda: tf.keras.layers.GRUCell(4),
        "relu": lambda: tf.keras.layers.Dense(4, activation="relu"),
    }[hidden]()
    layer = keras_lmu.LMUCell(
        memory_d=1,
        order=3,
        theta=4,
        hidden_cell=hidden_cell,
        trainable_theta=trainable_theta,
    )
    if build:
        layer.build((None, 1))
    return layer


def save(weights, name="w.npz"):
    return save_weights(tmp(name), weights)


def npy(path):
    """Write a .npy array (not an archive) to ``path``, whatever its suffix."""
    with open(path, "wb") as f:
        np.save(f, np.ones(3))


def npz(name, **arrays):
    return written(name, lambda path: np.savez(path, **arrays))


W = dict(hidden_bias=np.zeros(4), memory_kernel=np.ones((4, 3)))

CASES += [
    (
        "initial_weights(given NaN)",
        lambda: initial_weights(
            {"a": (2,)}, {}, {"a": [1.0, NAN]}, np.random.RandomState(0)
        ),
        Refused("weights", r"'a'", r"nan|NaN"),
    ),
    (
        "initial_weights(given='a')",
        lambda: initial_weights({"a": (2,)}, {}, "a", np.random.RandomState(0)),
        Refused("weights", r"'a'"),
    ),
    (
        "initial_weights(given wrong shape)",
        lambda: initial_weights(
            {"a": (2,)}, {}, {"a": [1.0]}, np.random.RandomState(0)
        ),
        Refused("weights", r"\(1,\)"),
    ),
    (
        "initial_weights",
        lambda: initial_weights(
            {"a": (2,), "b": (1, 2)},
            {"b": nengo.dists.Choice([[3.0, 3.0]])},
            {"a": [1, 2]},
            np.random.RandomState(0),
        ),
        Accepted(lambda w: np.all(w["a"] == [1, 2]) and np.all(w["b"] == 3)),
    ),
    ("save_weights({})", lambda: save({}), Refused("weights", r"dict")),
    ("save_weights(list)", lambda: save([1.0, 2.0]), Refused("weights", r"list")),
    ("save_weights(NaN)", lambda: save({"a": [NAN]}), Refused("weights", r"'a'")),
    ("save_weights(str values)", lambda: save({"a": "x"}), Refused("weights", r"'a'")),
    (
        "save_weights(ragged)",
        lambda: save({"a": [[1.0], [1.0, 2.0]]}),
        Refused("weights", r"'a'"),
    ),
    ("save_weights(key not str)", lambda: save({1: [1.0]}), Refused("weights", r"1")),
    (
        "save_weights(missing directory)",
        lambda: save_weights(tmp("missing") / "w", W),
        Refused("path", r"missing"),
    ),
    (
        "save_weights(path=None)",
        lambda: save_weights(None, W),
        Refused("path", r"None"),
    ),
    (
        "save_weights then load_weights",
        lambda: load_weights(save(W, "round_trip")),
        Accepted(lambda w: set(w) == set(W) and all(np.all(w[k] == W[k]) for k in W)),
    ),
    (
        "load_weights(missing)",
        lambda: load_weights(tmp("nothing.npz")),
        Refused("path", r"nothing\.npz"),
    ),
    (
        "load_weights(text file)",
        lambda: load_weights(written("text.npz", lambda p: p.write_text("weights"))),
        Refused("path", r"text\.npz"),
    ),
    (
        "load_weights(.npy content)",
        lambda: load_weights(written("array.npz", npy)),
        Refused("path", r"array\.npz"),
    ),
    (
        "load_weights(pickled objects)",
        lambda: load_weights(npz("objects.npz", a=np.array([{}], dtype=object))),
        Refused("path", r"objects\.npz"),
    ),
    (
        "load_weights(NaN values)",
        lambda: load_weights(npz("nan.npz", a=np.array([NAN]))),
        Refused("path", r"nan\.npz"),
    ),
    ("load_weights(path=None)", lambda: load_weights(None), Refused("path", r"None")),
    (
        "load_weights(directory)",
        lambda: load_weights(SHARED["tmp"]),
        Refused("path", r"bad_inputs"),
    ),
    (
        "weights_from_keras(GRUCell)",
        lambda: weights_from_keras(keras_cell("gru")),
        Refused("layer", r"GRUCell"),
    ),
    (
        "weights_from_keras(trainable_theta=True)",
        lambda: weights_from_keras(keras_cell(trainable_theta=True)),
        Refused("layer", r"trainable_theta"),
    ),
    (
        "weights_from_keras(unbuilt layer)",
        lambda: weights_from_keras(keras_cell(build=False)),
        Refused("layer", r"built"),
    ),
    (
        "weights_from_keras(None)",
        lambda: weights_from_keras(None),
        Refused("layer", r"None"),
    ),
    (
        "weights_from_keras(relu Dense)",
        lambda: weights_from_keras(keras_cell("relu")),
        Warned(UserWarning, r"relu"),
    ),
    (
        "weights_from_keras(SimpleRNNCell)",
        lambda: weights_from_keras(keras_cell("rnn")),
        Accepted(
            lambda w: w["memory_kernel"].shape == (4, 3)
            and w["hidden_kernel"].shape == (4, 4)
        ),
    ),
]

# datasets


def fake_mnist(name="fake.npz"):
    return datasets.write_fake_mnist(tmp(name), n_train=20, n_test=5, size=4)


def hold_steps(steps_per_sample):
    return datasets.hold(np.ones((2, 3, 1)), steps_per_sample)


def psdigits_seed(seed):
    return datasets.psdigits(permutation_seed=seed)


def psdigits_split_seed(seed):
    return datasets.psdigits(split_seed=seed)


def psmnist_seed(seed):
    return datasets.psmnist(fake_mnist(), permutation_seed=seed, n_validation=5)


def psmnist_n_validation(n_validation):
    return datasets.psmnist(fake_mnist(), n_validation=n_validation)


def fake_mnist_n_train(n_train):
    return datasets.write_fake_mnist(tmp("n_train.npz"), n_train=n_train)


CASES += values(
    "steps_per_sample", hold_steps, [0, 1.5, NAN, -1, "2", True, None], "datasets.hold"
)
CASES += values(
    "permutation_seed", psdigits_seed, [-1, 1.5, "a", True, 2**40], "datasets.psdigits"
)
CASES += values("split_seed", psdigits_split_seed, [-1, "a", None], "datasets.psdigits")
CASES += values(
    "permutation_seed", psmnist_seed, [-1, "a", True, 2**40], "datasets.psmnist"
)
CASES += values(
    "n_validation", psmnist_n_validation, [0, -1, 2.5, 20, 100], "datasets.psmnist"
)
CASES += values("n_train", fake_mnist_n_train, [0, 1.5], "datasets.write_fake_mnist")
CASES += [
    (
        "datasets.hold(steps_per_sample=1)",
        given(hold_steps, 1),
        Accepted(lambda x: x.shape == (2, 3, 1)),
    ),
    (
        "datasets.hold(steps_per_sample=2.0)",
        given(hold_steps, 2.0),
        Accepted(lambda x: x.shape == (2, 6, 1)),
    ),
    (
        "datasets.hold(np.int64(3))",
        given(hold_steps, np.int64(3)),
        Accepted(lambda x: x.shape == (2, 9, 1)),
    ),
    (
        "datasets.hold(x 1-D)",
        lambda: datasets.hold(np.ones(3), 2),
        Refused("x", r"\(3,\)"),
    ),
    (
        "datasets.hold(x NaN)",
        lambda: datasets.hold(np.full((1, 3, 1), NAN), 2),
        Refused("x", r"NaN|nan"),
    ),
    (
        "datasets.psdigits(seeds 1, 2)",
        lambda: (pytest.importorskip("sklearn"), datasets.psdigits(1, 2))[1],
        Accepted(
            lambda d: d["train"][0].shape == (1280, 64, 1)
            and d["test"][0].shape == (360, 64, 1)
        ),
    ),
    (
        "datasets.load_mnist(missing)",
        lambda: datasets.load_mnist(tmp("absent.npz")),
        Refused("path", r"absent\.npz"),
    ),
    (
        "datasets.load_mnist(text file)",
        lambda: datasets.load_mnist(
            written("mnist.txt", lambda p: p.write_text("digits"))
        ),
        Refused("path", r"mnist\.txt"),
    ),
    (
        "datasets.load_mnist(.npy content)",
        lambda: datasets.load_mnist(written("mnist_array.npz", npy)),
        Refused("path", r"mnist_array\.npz"),
    ),
    (
        "datasets.load_mnist(missing arrays)",
        lambda: datasets.load_mnist(npz("partial.npz", x_train=np.zeros((2, 4, 4)))),
        Refused("path", r"y_train"),
    ),
    (
        "datasets.load_mnist(images 2-D)",
        lambda: datasets.load_mnist(
            npz(
                "flat.npz",
                x_train=np.zeros((2, 16)),
                y_train=np.zeros(2),
                x_test=np.zeros((1, 16)),
                y_test=np.zeros(1),
            )
        ),
        Refused("path", r"\(2, 16\)"),
    ),
    (
        "datasets.load_mnist(labels short)",
        lambda: datasets.load_mnist(
            npz(
                "short.npz",
                x_train=np.zeros((2, 4, 4)),
                y_train=np.zeros(1),
                x_test=np.zeros((1, 4, 4)),
                y_test=np.zeros(1),
            )
        ),
        Refused("path", r"\(1,\)"),
    ),
    (
        "datasets.load_mnist(path=123)",
        lambda: datasets.load_mnist(123),
        Refused("path", r"123"),
    ),
    (
        "datasets.load_mnist(directory)",
        lambda: datasets.load_mnist(SHARED["tmp"]),
        Refused("path", r"No such file|directory"),
    ),
    (
        "datasets.psmnist(fake)",
        lambda: datasets.psmnist(fake_mnist(), n_validation=5),
        Accepted(
            lambda d: d["train"][0].shape == (15, 16, 1)
            and d["validation"][0].shape == (5, 16, 1)
        ),
    ),
]

# testing: nrmse and delay_nrmse
SIGNAL = np.sin(np.linspace(0, 6, 50))[:, None]
CASES += [
    (
        "testing.nrmse(shapes)",
        lambda: testing.nrmse(np.ones(3), np.ones(4)),
        Refused("actual", r"\(3,\)", r"\(4,\)"),
    ),
    (
        "testing.nrmse(zero target)",
        lambda: testing.nrmse(np.ones(3), np.zeros(3)),
        Refused("target", r"0"),
    ),
    (
        "testing.nrmse(zero target on an axis)",
        lambda: testing.nrmse(np.ones((3, 2)), np.c_[np.ones(3), np.zeros(3)], axis=0),
        Refused("target", r"0"),
    ),
    (
        "testing.nrmse(actual NaN)",
        lambda: testing.nrmse([1.0, NAN], [1.0, 2.0]),
        Refused("actual", r"nan|NaN"),
    ),
    (
        "testing.nrmse(target NaN)",
        lambda: testing.nrmse([1.0, 2.0], [1.0, NAN]),
        Refused("target", r"nan|NaN"),
    ),
    (
        "testing.nrmse(equal)",
        lambda: testing.nrmse(SIGNAL, SIGNAL),
        Accepted(lambda e: e == 0),
    ),
    (
        "testing.delay_nrmse(delay_steps=-1)",
        lambda: testing.delay_nrmse(SIGNAL, SIGNAL, -1),
        Refused("delay_steps", r"delay_steps=-1"),
    ),
    (
        "testing.delay_nrmse(delay_steps=50)",
        lambda: testing.delay_nrmse(SIGNAL, SIGNAL, 50),
        Refused("delay_steps", r"delay_steps=50"),
    ),
    (
        "testing.delay_nrmse(delay_steps=2.5)",
        lambda: testing.delay_nrmse(SIGNAL, SIGNAL, 2.5),
        Refused("delay_steps", r"delay_steps=2\.5"),
    ),
    (
        "testing.delay_nrmse(warmup_steps=1)",
        lambda: testing.delay_nrmse(SIGNAL, SIGNAL, 5, 1),
        Refused("warmup_steps", r"warmup_steps=1"),
    ),
    (
        "testing.delay_nrmse(warmup_steps=50)",
        lambda: testing.delay_nrmse(SIGNAL, SIGNAL, 5, 50),
        Refused("warmup_steps", r"warmup_steps=50"),
    ),
    (
        "testing.delay_nrmse(normalize='rms')",
        lambda: testing.delay_nrmse(SIGNAL, SIGNAL, 5, normalize="rms"),
        Refused("normalize", r"'rms'"),
    ),
    (
        "testing.delay_nrmse(shapes)",
        lambda: testing.delay_nrmse(SIGNAL[:40], SIGNAL, 5),
        Refused("output", r"\(40, 1\)"),
    ),
    (
        "testing.delay_nrmse(scalar)",
        lambda: testing.delay_nrmse(1.0, 1.0, 0),
        Refused("output", r"\(\)"),
    ),
    (
        "testing.delay_nrmse(zero signal)",
        lambda: testing.delay_nrmse(SIGNAL, 0 * SIGNAL, 5),
        Refused("signal", r"0"),
    ),
    (
        "testing.delay_nrmse(output NaN)",
        lambda: testing.delay_nrmse(SIGNAL * NAN, SIGNAL, 5),
        Refused("output", r"nan|NaN"),
    ),
    (
        "testing.delay_nrmse(exact delay)",
        lambda: testing.delay_nrmse(np.roll(SIGNAL, 5, axis=0), SIGNAL, 5),
        Accepted(lambda e: e == 0),
    ),
]

# neurons.measure_lead_gain


def ensemble(neuron_type=nengo.LIFRate(), dimensions=1):
    return nengo.Ensemble(
        10, dimensions, neuron_type=neuron_type, seed=0, add_to_container=False
    )


def lead_gain(ensembles=None, synapse=0.01, dt=DT, signal=None, **kwargs):
    ensembles = ensemble() if ensembles is None else ensembles
    signal = 0.5 * SIGNAL if signal is None else signal
    return measure_lead_gain(ensembles, synapse, dt, signal, **kwargs)


CASES += [
    (
        "measure_lead_gain(Direct)",
        given(lead_gain, ensemble(nengo.Direct())),
        Refused("ensembles", r"Direct"),
    ),
    (
        "measure_lead_gain(ensembles='ens')",
        given(lead_gain, "ens"),
        Refused("ensembles", r"'ens'"),
    ),
    (
        "measure_lead_gain(signal columns)",
        given(lead_gain, signal=np.zeros((50, 2))),
        Refused("signal", r"\(50, 2\)"),
    ),
    (
        "measure_lead_gain(signal short)",
        given(lead_gain, signal=np.zeros((5, 1))),
        Refused("signal", r"\(5, 1\)"),
    ),
    (
        "measure_lead_gain(signal 3-D)",
        given(lead_gain, signal=np.zeros((50, 1, 1))),
        Refused("signal", r"\(50, 1, 1\)"),
    ),
    (
        "measure_lead_gain(signal NaN)",
        given(lead_gain, signal=SIGNAL * NAN),
        Refused("signal", r"NaN|nan"),
    ),
    (
        "measure_lead_gain(synapse='x')",
        given(lead_gain, synapse="x"),
        Refused("synapse", r"'x'"),
    ),
    ("measure_lead_gain(dt=0)", given(lead_gain, dt=0), Refused("dt", r"dt=0")),
    (
        "measure_lead_gain(skip=1)",
        given(lead_gain, skip=1.0),
        Refused("skip", r"skip=1"),
    ),
    (
        "measure_lead_gain(skip=-0.5)",
        given(lead_gain, skip=-0.5),
        Refused("skip", r"skip=-0\.5"),
    ),
    (
        "measure_lead_gain(solver='x')",
        given(lead_gain, solver="x"),
        Refused("solver", r"'x'"),
    ),
    (
        "measure_lead_gain(LIFRate)",
        lead_gain,
        Accepted(
            lambda lg: lg[0].shape == lg[1].shape == (1,)
            and is_finite(*lg)
            and 0.5 < lg[1][0] < 1.5
        ),
    ),
]


# Loihi


def loihi():
    pytest.importorskip("nengo_loihi")
    import nengo_lmu.loihi

    return nengo_lmu.loihi


def loihi_memory(**kwargs):
    params = dict(
        order=3,
        theta=0.1,
        n_neurons=60,
        built_for="nengo",
        neuron_lead=0.0,
        neuron_gain=1.0,
    )
    params.update(kwargs)
    with nengo.Network():
        return loihi().LoihiLegendreMemory(**params)


def loihi_memory_of(attr):
    def make(value):
        return loihi_memory(**{attr: value})

    make.__name__ = "LoihiLegendreMemory"
    return make


def loihi_cell(**kwargs):
    params = dict(CELL, built_for="nengo", hidden_to_hidden=False)
    params.update(kwargs)
    with nengo.Network():
        return loihi().LoihiLMUCell(**params)


def loihi_cell_of(attr):
    def make(value):
        return loihi_cell(**{attr: value})

    make.__name__ = "LoihiLMUCell"
    return make


def checked(*objects, **kwargs):
    with nengo.Network() as net:
        for make in objects:
            make()
    return loihi().check(net, **kwargs)


CASES += values("built_for", loihi_memory_of("built_for"), ["chip", None, "Loihi2"])
CASES += values(
    "input_copies",
    loihi_memory_of("input_copies"),
    [0, [1, 2], 1.5, "many", -1],
    prefix="LoihiLegendreMemory",
)
CASES += [
    (
        "LoihiLegendreMemory(layout='per_memory')",
        given(loihi_memory, layout="per_memory"),
        Refused("layout", r"'per_memory'"),
    ),
    (
        "LoihiLegendreMemory(synapse=Alpha)",
        given(loihi_memory, synapse=nengo.Alpha(0.05)),
        Refused("synapse", r"Alpha"),
    ),
    (
        "LoihiLegendreMemory(synapse=None)",
        given(loihi_memory, synapse=None),
        Refused("synapse", r"None"),
    ),
    (
        "LoihiLegendreMemory(n_neurons=63)",
        given(loihi_memory, n_neurons=63),
        Refused("n_neurons", r"n_neurons=63"),
    ),
    (
        "LoihiLegendreMemory(n_neurons=3078)",
        given(loihi_memory, n_neurons=3078),
        Refused("n_neurons", r"n_neurons=3078"),
    ),
    (
        "LoihiLegendreMemory(neuron_type=LIFRate)",
        given(loihi_memory, neuron_type=nengo.LIFRate()),
        Refused("neuron_type", r"LIFRate"),
    ),
    (
        "LoihiLegendreMemory(neuron_type=Direct)",
        given(loihi_memory, neuron_type=nengo.Direct()),
        Refused("neuron_type", r"Direct"),
    ),
    (
        "LoihiLegendreMemory(recurrent_solver without weights)",
        given(loihi_memory, recurrent_solver=nengo.solvers.LstsqL2()),
        Refused("recurrent_solver", r"LstsqL2"),
    ),
    (
        "LoihiLegendreMemory(recurrent_solver='x')",
        given(loihi_memory, recurrent_solver="x"),
        Refused("recurrent_solver", r"'x'"),
    ),
    (
        "LoihiLegendreMemory(target='nengo')",
        lambda: loihi_memory(built_for="loihi", target="nengo"),
        Warned(DeprecationWarning, r"target"),
    ),
    (
        "LoihiLegendreMemory(synapse=0.05)",
        given(loihi_memory, synapse=0.05),
        Accepted(lambda m: m.synapse == nengo.Lowpass(0.05)),
    ),
    (
        "LoihiLegendreMemory(built_for='nengo')",
        loihi_memory,
        Accepted(lambda m: list(m.input_copies) == [1, 1, 1] and m.output_latency == 0),
    ),
    (
        "LoihiLegendreMemory(input_copies=[1, 2, 3])",
        given(loihi_memory, built_for="loihi", input_copies=[1, 2, 3]),
        Accepted(lambda m: list(m.input_copies) == [1, 2, 3]),
    ),
]
CASES += values("built_for", loihi_cell_of("built_for"), ["chip", 1])
CASES += values("input_range", loihi_cell_of("input_range"), [0, -1, NAN, "1"])
CASES += [
    (
        "LoihiLMUCell(hidden_neuron_type=Tanh)",
        given(loihi_cell, hidden_neuron_type=nengo.Tanh()),
        Refused("hidden_neuron_type", r"Tanh"),
    ),
    (
        "LoihiLMUCell(hidden_neuron_type=RectifiedLinear)",
        given(loihi_cell, hidden_neuron_type=nengo.RectifiedLinear()),
        Refused("hidden_neuron_type", r"RectifiedLinear"),
    ),
    (
        "LoihiLMUCell(synapse=Alpha)",
        given(loihi_cell, synapse=nengo.Alpha(0.01)),
        Refused("synapse", r"Alpha"),
    ),
    (
        "LoihiLMUCell(hidden_to_hidden, synapse=None)",
        given(loihi_cell, hidden_to_hidden=True),
        Refused("synapse", r"synapse=None"),
    ),
    (
        "LoihiLMUCell(hidden_to_hidden, synapse=0.001)",
        given(loihi_cell, hidden_to_hidden=True, synapse=0.001),
        Refused("synapse", r"0\.001"),
    ),
    (
        "LoihiLMUCell(neural_memory)",
        given(loihi_cell, neural_memory=dict(neuron_type=nengo.Direct())),
        Refused("neural_memory", r"neural_memory=\{"),
    ),
    (
        "LoihiLMUCell(hidden_to_memory=True)",
        given(loihi_cell, hidden_to_memory=True),
        Refused("hidden_to_memory", r"hidden_to_memory=True"),
    ),
    (
        "LoihiLMUCell(memory_to_memory without state_range)",
        given(loihi_cell, memory_to_memory=True),
        Refused("state_range", r"state_range"),
    ),
    (
        "LoihiLMUCell(state_range=[1, 2])",
        given(loihi_cell, state_range=[1, 2]),
        Refused("state_range", r"\[1, 2\]"),
    ),
    (
        "LoihiLMUCell(state_range=-1)",
        given(loihi_cell, state_range=-1),
        Refused("state_range", r"-1"),
    ),
    (
        "LoihiLMUCell(state_range=0)",
        given(loihi_cell, state_range=0),
        Refused("state_range", r"0"),
    ),
    (
        "LoihiLMUCell(state_range=nan)",
        given(loihi_cell, state_range=NAN),
        Refused("state_range", r"nan"),
    ),
    (
        "LoihiLMUCell(state_range=[[1, 1, 1]])",
        given(loihi_cell, state_range=[[1, 1, 1]]),
        Refused("state_range", r"\[\[1, 1, 1\]\]"),
    ),
    (
        "LoihiLMUCell(state_range='big')",
        given(loihi_cell, state_range="big"),
        Refused("state_range", r"'big'"),
    ),
    (
        "LoihiLMUCell(built_for='loihi', no state_range)",
        given(loihi_cell, built_for="loihi"),
        Warned(UserWarning, r"state_range"),
    ),
    (
        "LoihiLMUCell(target='loihi')",
        lambda: loihi_cell(built_for="nengo", target="loihi", state_range=1.0),
        Warned(DeprecationWarning, r"target"),
    ),
    (
        "LoihiLMUCell(state_range=1.0)",
        given(loihi_cell, built_for="loihi", state_range=1.0),
        Accepted(
            lambda c: np.all(c.state_range == 1.0) and c.state_range.shape == (3,)
        ),
    ),
    ("loihi.check(None)", lambda: loihi().check(None), Refused("network", r"None")),
    (
        "loihi.check(dt=0)",
        lambda: loihi().check(nengo.Network(), dt=0),
        Refused("dt", r"dt=0"),
    ),
    (
        "loihi.check(dt=nan)",
        lambda: loihi().check(nengo.Network(), dt=NAN),
        Refused("dt", r"dt=nan"),
    ),
    (
        "loihi.check(dt='0.001')",
        lambda: loihi().check(nengo.Network(), dt="0.001"),
        Refused("dt", r"dt='0\.001'"),
    ),
    (
        "loihi.check(LIFRate ensemble)",
        lambda: checked(lambda: nengo.Ensemble(10, 1, neuron_type=nengo.LIFRate())),
        Refused("neuron_type", r"LIFRate"),
    ),
    (
        "loihi.check(ensemble noise)",
        lambda: checked(
            lambda: nengo.Ensemble(10, 1, noise=nengo.processes.WhiteNoise())
        ),
        Refused("noise", r"WhiteNoise"),
    ),
    (
        "loihi.check(2000 neurons)",
        lambda: checked(lambda: nengo.Ensemble(2000, 1)),
        Refused("n_neurons", r"2000"),
    ),
    (
        "loihi.check(one ensemble)",
        lambda: checked(lambda: nengo.Ensemble(10, 1)),
        Accepted(lambda r: r.cores == 1 and r.neurons == 10),
    ),
    (
        "loihi.choose_input_copies(LegendreMemory)",
        lambda: loihi().choose_input_copies(memory()),
        Refused("memory", r"LegendreMemory"),
    ),
    (
        "loihi.choose_input_copies(max_copies=0)",
        lambda: loihi().choose_input_copies(memory(), max_copies=0),
        Refused("max_copies", r"max_copies=0"),
    ),
    (
        "loihi.choose_input_copies(copies already)",
        lambda: loihi().choose_input_copies(
            loihi_memory(built_for="loihi", input_copies=2)
        ),
        Refused("memory", r"input_copies=\[2, 2, 2\]"),
    ),
    (
        "loihi.state_peaks(memory_to_memory)",
        lambda: loihi().state_peaks(
            loihi_cell(memory_to_memory=True, state_range=1.0), np.ones((2, 12, 1))
        ),
        Refused("cell", r"memory_to_memory"),
    ),
    (
        "loihi.state_peaks(plain LMUCell)",
        # the cell trained in NengoDL: the peaks a LoihiLMUCell of it would send
        lambda: loihi().state_peaks(cell(), np.ones((2, 12, 1))),
        Accepted(lambda peaks: peaks.shape == (3,) and np.all(peaks > 0)),
    ),
    (
        "loihi.state_peaks(x 2-D)",
        lambda: loihi().state_peaks(loihi_cell(), np.ones((2, 12))),
        Refused("x", r"\(2, 12\)"),
    ),
    (
        "loihi.state_peaks(x NaN)",
        lambda: loihi().state_peaks(loihi_cell(), np.full((2, 12, 1), NAN)),
        Refused("x", r"NaN|nan"),
    ),
    (
        "loihi.state_peaks(weights={})",
        lambda: loihi().state_peaks(loihi_cell(), np.ones((2, 12, 1)), weights={}),
        Refused("weights", r"input_encoders"),
    ),
    (
        "loihi.state_peaks",
        lambda: loihi().state_peaks(loihi_cell(), np.ones((2, 12, 1))),
        Accepted(lambda p: p.shape == (3,) and is_finite(p) and np.all(p > 0)),
    ),
]


def run_loihi_memory(sim_dt, **kwargs):
    with nengo.Network() as net:
        loihi_memory(**kwargs)
    with nengo.Simulator(net, dt=sim_dt, progress_bar=False):
        pass


CASES += [
    (
        "LoihiLegendreMemory in nengo.Simulator(dt=0.002)",
        given(run_loihi_memory, 0.002),
        Failed(SimulationError, r"dt=0\.001.*dt=0\.002"),
    ),
]


# deprecated names: they work, and warn with the new name


def old_name(module, name):
    import importlib

    return getattr(importlib.import_module(module), name)


CASES += [
    (
        "nengo_lmu.linear.discretize",
        given(old_name, "nengo_lmu.linear", "discretize"),
        Warned(DeprecationWarning, r"nengo_lmu\.system\.discretize"),
    ),
    (
        "nengo_lmu.linear.simulate",
        given(old_name, "nengo_lmu.linear", "simulate"),
        Warned(DeprecationWarning, r"nengo_lmu\.system\.simulate"),
    ),
    (
        "nengo_lmu.classifier.accuracy",
        given(old_name, "nengo_lmu.classifier", "accuracy"),
        Warned(DeprecationWarning, r"nengo_lmu\.dl\.accuracy"),
    ),
    (
        "LegendreMemory.memory",
        lambda: memory().memory,
        Warned(DeprecationWarning, r"population"),
    ),
    (
        "LegendreMemory.readout_latency",
        lambda: memory().readout_latency,
        Warned(DeprecationWarning, r"output_latency"),
    ),
]

# the fully spiking recipe: tuning, replayed memories, recorded states


def tuning_process(weights=None, x=None, **kwargs):
    from nengo_lmu.tuning import input_process

    weights = dict(input_encoders=np.ones((1, 1))) if weights is None else weights
    x = np.full((2, 4, 1), 0.5) if x is None else x
    return input_process(weights, x, **kwargs)


def record(x=None, **kwargs):
    from nengo_lmu.classifier import record_states

    c = classifier()
    x = np.full((2, 4, 1), 0.5) if x is None else x
    return record_states(c, x, progress_bar=False, **kwargs)


def record_chunk(chunk):
    return record(chunk=chunk)


def spiking_memory(theta):
    return LegendreMemory(
        64,
        theta,
        n_neurons=64 * 20,
        neuron_type=nengo.SpikingRectifiedLinear(),
        neuron_lead=0,
        neuron_gain=1,
        add_to_container=False,
    )


def dl_replayed(states):
    from nengo_lmu.dl import accuracy

    sim, clf = SHARED["dl"]
    return accuracy(sim, clf, X16, Y16, states)


def dl_memory_rates(neurons):
    from nengo_lmu.dl import firing_rates

    sim, clf = SHARED["dl"]
    return firing_rates(sim, clf, X16, neurons=neurons)


def window(synapse=0.01, **kwargs):
    from nengo_lmu.classifier import replay_window

    kwargs = dict(dict(replay_memory=True, hidden_to_hidden=False), **kwargs)
    return replay_window(classifier(synapse=synapse, **kwargs))


def window_rtol(rtol):
    from nengo_lmu.classifier import replay_window

    c = classifier(synapse=0.01, replay_memory=True, hidden_to_hidden=False)
    return replay_window(c, rtol=rtol)


def synapse_settling(synapse, dt=DT):
    from nengo_lmu.system import synapse_settling_steps

    return synapse_settling_steps(synapse, dt)


def synapse_settling_dt(dt):
    return synapse_settling(nengo.Lowpass(0.01), dt)


CASES += values("rtol", window_rtol, [0, 1, NAN, "0.01"], "replay_window")
CASES += values("dt", synapse_settling_dt, [0, -1, NAN], "synapse_settling_steps")
CASES += [
    (
        "replay_window(computed memory)",
        given(window, replay_memory=False),
        Refused("classifier", r"replay_memory=True"),
    ),
    (
        "replay_window(hidden_to_hidden=True)",
        given(window, hidden_to_hidden=True),
        Refused("classifier", r"hidden_to_hidden=False"),
    ),
    (
        "replay_window(synapse=Triangle)",
        given(window, nengo.synapses.Triangle(0.01)),
        Refused("synapse", r"linear filter"),
    ),
    (
        "replay_window(synapse=None)",
        given(window, None),
        Accepted(lambda k: k == 1),
    ),
    (
        "synapse_settling_steps(Lowpass(0.01))",
        given(synapse_settling, nengo.Lowpass(0.01)),
        Accepted(lambda k: k == 47),
    ),
    (
        "synapse_settling_steps(a gain)",
        given(synapse_settling, nengo.LinearFilter([2], [1])),
        Accepted(lambda k: k == 0),
    ),
]
CASES += values("chunk", record_chunk, [0, -1, 1.5, "2", True], "record_states")
CASES += [
    (
        "tuning.input_process(weights=[[1]])",
        given(tuning_process, [[1.0]]),
        Refused("weights", r"input_encoders"),
    ),
    (
        "tuning.input_process(weights with memory_encoders)",
        given(tuning_process, dict(input_encoders=[[1.0]], memory_encoders=[[1.0]])),
        Refused("weights", r"memory_encoders.*process=PresentInput"),
    ),
    (
        "tuning.input_process(x wrong input_d)",
        given(tuning_process, None, np.zeros((2, 4, 3))),
        Refused("x", r"\(2, 4, 3\)"),
    ),
    (
        "tuning.input_process(steps_per_sample=0)",
        given(tuning_process, steps_per_sample=0),
        Refused("steps_per_sample", r"steps_per_sample=0"),
    ),
    (
        "tuning.input_process(dt=-1)",
        given(tuning_process, dt=-1),
        Refused("dt", r"dt=-1"),
    ),
    (
        "tuning.input_process",
        given(tuning_process, steps_per_sample=3),
        Accepted(lambda p: p.inputs.shape == (24, 1) and np.all(p.inputs == 0.5)),
    ),
    (
        "LMUCell(replay_memory=1)",
        given(cell, replay_memory=1),
        Refused("replay_memory", r"True or False"),
    ),
    (
        "LMUCell(replay_memory, memory_to_memory)",
        given(cell, replay_memory=True, memory_to_memory=True),
        Refused("replay_memory", r"memory_to_memory=False"),
    ),
    (
        "LMUCell(replay_memory, neural_memory)",
        given(cell, replay_memory=True, neural_memory=dict(n_neurons=120)),
        Refused("replay_memory", r"neural_memory"),
    ),
    (
        "LMUCell(replay_memory)",
        given(cell, replay_memory=True),
        Accepted(lambda c: c.memory is None and c.state.size_out == 3),
    ),
    (
        "record_states(x with NaN)",
        given(record, np.full((2, 4, 1), NAN)),
        Refused("x", r"NaN"),
    ),
    (
        "record_states(replayed classifier)",
        lambda: record_states_of(classifier(replay_memory=True)),
        Refused("classifier", r"replay_memory=False"),
    ),
    (
        "record_states",
        given(record),
        Accepted(lambda s: s.shape == (2, 4, 3) and is_finite(s)),
    ),
    (
        "LegendreMemory(order 64, theta 0.32 s, spiking)",
        given(spiking_memory, 0.32),
        Warned(UserWarning, r"theta >= 0\.5\d+ s"),
    ),
    (
        "dl.accuracy(states given to a memory of its own)",
        given(dl_replayed, np.zeros((16, 12, 3))),
        Refused("x", r"takes no memory states"),
    ),
    (
        "dl.firing_rates(neurons='all')",
        given(dl_memory_rates, "all"),
        Refused("neurons", r"'hidden', 'memory'"),
    ),
    (
        "dl.firing_rates(neurons='memory', exact memory)",
        given(dl_memory_rates, "memory"),
        Refused("neurons", r"neurons='hidden'"),
    ),
    (
        "dl.train_classifier(verbose='yes')",
        lambda: dl_train(verbose="yes"),
        Refused("verbose", r"True or False"),
    ),
]


def record_states_of(c):
    from nengo_lmu.classifier import record_states

    return record_states(c, np.zeros((2, 4, 1)))


#: Cases the library does not meet yet: what happens now.
XFAIL = {}


def params():
    ids = [case[0] for case in CASES]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, duplicates
    unknown = sorted(set(XFAIL) - set(ids))
    assert not unknown, unknown
    return [
        pytest.param(
            call,
            expected,
            id=name,
            marks=(
                [pytest.mark.xfail(strict=True, reason=XFAIL[name])]
                if name in XFAIL
                else []
            ),
        )
        for name, call, expected in CASES
    ]


@pytest.fixture(scope="module")
def tmp_dir(tmp_path_factory):
    SHARED["tmp"] = tmp_path_factory.mktemp("bad_inputs")
    yield SHARED["tmp"]
    del SHARED["tmp"]


@pytest.fixture(scope="module")
def dl_sim():
    """One NengoDL simulator of a classifier, shared by the module's dl cases."""
    nengo_dl = pytest.importorskip("nengo_dl")
    tf = pytest.importorskip("tensorflow")
    with nengo.Network(seed=0) as net:
        nengo_dl.configure_settings(stateful=False)
        clf = LMUClassifier(
            3, probe_neurons=True, seed=0, **dict(CELL, units=8, input_to_hidden=True)
        )
    sim = nengo_dl.Simulator(net, minibatch_size=16, progress_bar=False)
    sim.compile(
        optimizer=tf.keras.optimizers.SGD(0.0),
        loss={clf.probe: tf.losses.SparseCategoricalCrossentropy(from_logits=True)},
    )
    SHARED["dl"] = sim, clf
    yield
    del SHARED["dl"]
    sim.close()


@pytest.mark.parametrize("call, expected", params())
def test_bad_input(call, expected, request, tmp_dir):
    if request.node.callspec.id.startswith("dl."):
        request.getfixturevalue("dl_sim")
    expected(call)


def test_enough_cases():
    kinds = [expected.kind for _, _, expected in CASES]
    assert len(CASES) >= 200
    assert {"refused", "accepted", "warned", "failed"} <= set(kinds)
