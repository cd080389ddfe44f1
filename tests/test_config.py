import json
import subprocess
import sys
import textwrap

import nengo
import numpy as np
import pytest
from nengo.exceptions import NetworkContextError

from nengo_lmu import LMUCell
from nengo_lmu.config import fix, fix_all, keep_last_step


def small_network():
    with nengo.Network(seed=0) as net:
        stim = nengo.Node(np.zeros(1), label="stim")
        a = nengo.Ensemble(20, 1, label="a")
        b = nengo.Ensemble(20, 1, label="b")
        out = nengo.Node(size_in=1, label="out")
        nengo.Connection(stim, a, synapse=None)
        ab = nengo.Connection(a, b, synapse=None)
        b_out = nengo.Connection(b, out, synapse=None)
        with nengo.Network() as sub:
            c = nengo.Ensemble(10, 1, label="c")
        bc = nengo.Connection(b, c, synapse=None)
    return net, dict(
        stim=stim, a=a, b=b, c=c, out=out, ab=ab, b_out=b_out, bc=bc, sub=sub
    )


def trainable_objects(net):
    return (
        net.all_ensembles + net.all_connections + [e.neurons for e in net.all_ensembles]
    )


def test_fix_marks_only_the_given_objects():
    net, objs = small_network()
    fix(net, [objs["ab"], objs["a"].neurons])
    assert net.config[objs["ab"]].trainable is False
    assert net.config[objs["a"].neurons].trainable is False
    for obj in trainable_objects(net):
        if obj not in (objs["ab"], objs["a"].neurons):
            assert net.config[obj].trainable is None, obj
    # fixing more keeps the earlier marks
    fix(net, [objs["bc"]])
    assert net.config[objs["ab"]].trainable is False
    assert net.config[objs["bc"]].trainable is False
    assert net.config[objs["b_out"]].trainable is None


def test_fix_all_marks_everything():
    net, objs = small_network()
    fix(net, [objs["ab"]])
    fix_all(net)
    objects = trainable_objects(net)
    assert len(objects) == 3 + 4 + 3
    for obj in objects:
        assert net.config[obj].trainable is False, obj
    # the marks are in the config of that network only
    sub = objs["sub"]
    with pytest.raises(AttributeError):
        sub.config[objs["c"]].trainable


@pytest.mark.parametrize("marked", [True, False])
def test_nengo_dl_leaves_fixed_connections_alone(marked):
    nengo_dl = pytest.importorskip("nengo_dl")
    tf = pytest.importorskip("tensorflow")
    net, objs = small_network()
    with net:
        probe = nengo.Probe(objs["out"])
    if marked:
        fix(net, [objs["ab"]])
    conns = (objs["ab"], objs["b_out"])
    rng = np.random.RandomState(0)
    with nengo_dl.Simulator(net, minibatch_size=1, progress_bar=False) as sim:
        before = [np.array(sim.data[conn].weights) for conn in conns]
        sim.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
        sim.fit(
            {objs["stim"]: rng.uniform(-1, 1, size=(1, 1, 1))},
            {probe: rng.uniform(-1, 1, size=(1, 1, 1))},
            epochs=1,
            verbose=0,
        )
        after = [np.array(sim.data[conn].weights) for conn in conns]
    fixed_before, free_before = before
    fixed_after, free_after = after
    assert not np.allclose(free_after, free_before)  # training changes weights
    # unmarked, the same connection trains (the mark is what keeps it)
    assert np.array_equal(fixed_after, fixed_before) == marked


def test_keep_last_step():
    with nengo.Network() as net:
        node = nengo.Node(np.zeros(1))
        probe = nengo.Probe(node)
    with pytest.raises(NetworkContextError, match="inside the network"):
        keep_last_step(probe)
    # nothing was marked
    with pytest.raises(AttributeError):
        net.config[probe].keep_history

    with nengo.Network() as top:
        node = nengo.Node(np.zeros(1))
        every = nengo.Probe(node)
        with nengo.Network() as inner:
            last = nengo.Probe(node)
            keep_last_step(last)
    assert top.config[last].keep_history is False
    assert top.config[every].keep_history is True
    # the mark is on the top-level network, which nengo_dl reads
    with pytest.raises(AttributeError):
        inner.config[last].keep_history


def test_nengo_dl_keeps_the_last_step_only():
    nengo_dl = pytest.importorskip("nengo_dl")
    with nengo.Network() as net:
        node = nengo.Node(np.zeros(1))
        every = nengo.Probe(node)
        with nengo.Network():
            last = nengo.Probe(node)
            keep_last_step(last)
    with nengo_dl.Simulator(net, minibatch_size=1, progress_bar=False) as sim:
        out = sim.predict({node: np.ones((1, 5, 1))}, verbose=0)
    assert out[every].shape == (1, 5, 1)
    assert out[last].shape == (1, 1, 1)


CELLS = [
    "LMUCell(4, 3, 0.01, memory_to_memory=True, use_bias=True, seed=0)",
    "LMUCell(4, 3, 0.01, seed=0, neural_memory=dict(n_neurons=60, "
    "neuron_type=nengo.LIFRate()))",
]

MARKS = """
import nengo


def marks(cell):
    def mark(config, obj):
        try:
            return config[obj].trainable
        except (AttributeError, nengo.exceptions.ConfigError):
            return "not configured"

    objects = (
        cell.all_ensembles
        + cell.all_connections
        + [ens.neurons for ens in cell.all_ensembles]
    )
    configs = [cell.config] + [net.config for net in cell.all_networks]
    return [[mark(config, obj) for obj in objects] for config in configs]
"""


@pytest.mark.parametrize("cell", CELLS)
def test_cell_marks_do_not_depend_on_nengo_dl(cell):
    script = MARKS + textwrap.dedent(f"""
        import json, sys
        from nengo_lmu import LMUCell
        with nengo.Network():
            cell = {cell}
        assert "nengo_dl" not in sys.modules
        print(json.dumps(marks(cell)))
        """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    without_dl = json.loads(result.stdout)

    pytest.importorskip("nengo_dl")
    assert "nengo_dl" in sys.modules
    namespace = {}
    exec(MARKS, namespace)
    with nengo.Network():
        cell = eval(cell, {"LMUCell": LMUCell, "nengo": nengo})
    with_dl = namespace["marks"](cell)
    assert with_dl == without_dl

    # and the marks are the memory's: fixed, while the weights train
    for conn in cell.fixed:
        assert cell.config[conn].trainable is False
    for conn in cell.weight_connections.values():
        assert cell.config[conn].trainable is None
    if cell.memory is None:
        assert len(cell.fixed) == 2  # Ad and Bd
    else:
        for obj in cell.memory.all_ensembles + cell.memory.all_connections:
            assert cell.memory.config[obj].trainable is False
