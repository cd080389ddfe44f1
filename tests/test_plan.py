import pickle

import nengo
import numpy as np
import pytest

import nengo_lmu
import nengo_lmu.plan
from nengo_lmu import LegendreDelay, LegendreMemory, StateScaling, plan_memory
from nengo_lmu.plan import SCALE_FLOOR, default_process

DT = 0.001
SYNAPSE = nengo.Lowpass(0.1)


def direct_plan(layout="per_dimension", order=6, theta=0.1):
    system = LegendreDelay(theta, order)
    d = 1 if layout == "per_dimension" else order
    ensembles = [
        nengo.Ensemble(200 * d, d, neuron_type=nengo.Direct(), add_to_container=False)
        for _ in range(order // d)
    ]
    return plan_memory(
        system,
        DT,
        SYNAPSE,
        default_process(order, theta),
        radius=1 / np.sqrt(d),
        ensembles=ensembles,
    )


def test_direct_mode_plan():
    plan = direct_plan()
    # Direct mode has no neural dynamics: nothing to compensate
    assert np.array_equal(plan.neuron_lead, np.zeros(6))
    assert np.array_equal(plan.neuron_gain, np.ones(6))
    assert plan.scaled == plan.scaling.realize(plan.system).system
    assert not plan.scaled.discrete
    # the scaling is the one tuned to the process, with the floor
    scaling = StateScaling.from_process(
        plan.system, DT, plan.process, floor=SCALE_FLOOR, method="zoh", seed=0
    )
    assert np.array_equal(plan.scaling.scale, scaling.scale)
    assert np.min(plan.scaling.scale) >= SCALE_FLOOR * np.max(plan.scaling.scale)
    assert plan.mapped == nengo_lmu.map_system(plan.scaled, SYNAPSE, dt=DT)
    assert not plan.mapped.discrete


@pytest.mark.parametrize("layout", ["per_dimension", "per_memory"])
def test_memory_is_wired_from_its_plan(layout):
    with nengo.Network():
        mem = LegendreMemory(6, 0.1, layout=layout, neuron_type=nengo.Direct())
    plan = direct_plan(layout)
    assert mem.plan.system == plan.system
    assert (mem.plan.dt, mem.plan.discretizer) == (plan.dt, plan.discretizer)
    assert mem.plan.synapse == plan.synapse
    assert np.array_equal(mem.plan.scaling.scale, plan.scaling.scale)
    assert mem.plan.scaled == plan.scaled
    assert mem.plan.mapped == plan.mapped
    assert np.array_equal(mem.plan.neuron_lead, plan.neuron_lead)
    assert np.array_equal(mem.plan.neuron_gain, plan.neuron_gain)
    # per_memory ensembles represent 6 dimensions within a radius of 1
    radius = 1 if layout == "per_dimension" else 1 / np.sqrt(6)
    assert np.allclose(
        plan.scaling.scale,
        direct_plan("per_dimension").scaling.scale / radius,
        rtol=1e-12,
        atol=0,
    )
    # the recurrent and input connections hold the plan's mapped system
    transforms = [getattr(c.transform, "init", None) for c in mem.all_connections]
    assert any(
        np.shape(t) == (6, 6) and np.array_equal(t, plan.mapped.A) for t in transforms
    )
    assert any(
        np.shape(t) == (6, 1) and np.array_equal(t, plan.mapped.B) for t in transforms
    )


class Counting:
    """Counts the calls of a function."""

    def __init__(self, function):
        self.function = function
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.function(*args, **kwargs)


def test_lead_gain_measurement_is_cached(monkeypatch):
    nengo_lmu.plan.clear_measurements()
    measure = Counting(nengo_lmu.plan.measure_lead_gain)
    monkeypatch.setattr(nengo_lmu.plan, "measure_lead_gain", measure)
    simulators = Counting(nengo.Simulator)
    monkeypatch.setattr(nengo, "Simulator", simulators)

    def memory(**kwargs):
        params = dict(order=3, theta=0.1, n_neurons=300, seed=0)
        params.update(kwargs)
        with nengo.Network():
            return LegendreMemory(neuron_type=nengo.LIF(), **params)

    first = memory()
    assert measure.calls == simulators.calls == 1
    second = memory()
    assert measure.calls == simulators.calls == 1
    assert first is not second
    assert np.array_equal(first.neuron_lead, second.neuron_lead)
    assert np.array_equal(first.neuron_gain, second.neuron_gain)
    assert first.plan.mapped == second.plan.mapped
    # measured, not the rate neurons' 0 and 1
    assert np.all(first.neuron_lead > 0) and np.all(first.neuron_gain != 1)
    # the cache hands out copies: changing one plan's lead changes no other
    first.plan.neuron_lead[0] = 1.0
    assert memory().neuron_lead[0] == second.neuron_lead[0] != 1.0
    assert measure.calls == 1

    other_seed = memory(seed=1)
    assert measure.calls == simulators.calls == 2
    assert not np.array_equal(other_seed.neuron_lead, second.neuron_lead)
    memory(n_neurons=330)
    assert measure.calls == simulators.calls == 3
    memory(seed=1)
    assert measure.calls == 3


def test_state_samples_are_states_of_the_response():
    plan = direct_plan()
    samples = plan.state_samples(50)
    assert samples.shape == (50, 6)
    response = plan.scaled.response(plan.process, DT, method=plan.discretizer)
    for sample in samples:
        assert np.any(np.all(response == sample, axis=1))
    assert len(np.unique(samples, axis=0)) > 45  # samples, not one state
    assert np.array_equal(plan.state_samples(50), samples)
    assert not np.array_equal(plan.state_samples(50, seed=3), samples)
    # scaled states: within a few radii
    assert np.max(np.abs(samples)) < 2


def test_cell_plan_pickles_and_gives_its_cell_arguments():
    """A cell's plan survives pickling, and cell_arguments rebuild the cell."""
    cell = nengo_lmu.LMUCell(
        units=5, order=4, theta=0.02, input_to_hidden=True, use_bias=True, seed=1
    )
    copied = pickle.loads(pickle.dumps(cell.plan))
    for name in cell.plan.attributes:
        value, other = getattr(cell.plan, name), getattr(copied, name)
        if isinstance(value, dict):
            assert value.keys() == other.keys()
        else:
            assert value == other or np.array_equal(value, other)
    rebuilt = nengo_lmu.LMUCell(**copied.cell_arguments())
    for name, value in cell.weights.items():
        assert np.array_equal(rebuilt.weights[name], value)
    assert rebuilt.system.theta == 0.02 and rebuilt.input_to_hidden
