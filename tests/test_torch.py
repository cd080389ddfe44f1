"""
The PyTorch backend against nengo: the same weights give the same outputs.

The reference is `.LMUCell` with the exact memory in nengo's ``Simulator``
(float64); the torch layer runs in float64 too, and must match it within
1e-5 at every step, in both its parallel and its step-by-step forms.
"""

import copy

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import LMUCell
from nengo_lmu.classifier import LMUClassifier as NengoClassifier
from nengo_lmu.classifier import classify_stream, record_states, replay_window

torch = pytest.importorskip("torch")
lmu_torch = pytest.importorskip("nengo_lmu.torch")
LMU, LMUClassifier = lmu_torch.LMU, lmu_torch.LMUClassifier

DT = 0.001
STEPS = 40
#: Every option off, then each on (hidden_to_hidden: each off).
OPTIONS = [
    {},
    {"hidden_to_memory": True},
    {"memory_to_memory": True},
    {"input_to_hidden": True},
    {"hidden_to_hidden": False},
    {"use_bias": True},
    {"discretizer": "euler"},
    {
        "hidden_to_memory": True,
        "memory_to_memory": True,
        "input_to_hidden": True,
        "use_bias": True,
    },
]


def run_cell(Simulator, x, **cell_kwargs):
    """The cell's output at every step of one sequence x (steps, input_d)."""
    with nengo.Network(seed=0) as net:
        stim = nengo.Node(nengo.processes.PresentInput(x, DT))
        cell = LMUCell(**cell_kwargs)
        nengo.Connection(stim, cell.input, synapse=None)
        probe = nengo.Probe(cell.output)
    with Simulator(net, dt=DT, progress_bar=False) as sim:
        sim.run_steps(len(x))
    return sim.data[probe]


def outputs(layer, x):
    """The layer's float64 outputs of sequences x (n, steps, input_d)."""
    with torch.no_grad():
        return layer.double()(torch.as_tensor(x, dtype=torch.float64)).numpy()


def layer(order, memory_d, seed=0, **kwargs):
    # Euler is stable at order 64 from theta = 0.64 s
    euler = kwargs.get("discretizer") == "euler"
    kwargs = {"theta": 0.7 if euler else 0.05, **kwargs}
    kwargs.setdefault("return_sequences", True)
    return LMU(
        units=12, order=order, memory_d=memory_d, input_d=3, dt=DT, seed=seed, **kwargs
    )


@pytest.mark.parametrize("order, memory_d", [(64, 1), (64, 4), (256, 1), (256, 4)])
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "+".join(o) or "none")
def test_matches_lmucell(Simulator, rng, order, memory_d, options):
    if options.get("discretizer") == "euler" and order == 256:
        pytest.skip("Euler at order 256 needs a window of seconds")
    model = layer(order, memory_d, **options)
    x = rng.uniform(-1, 1, size=(2, STEPS, 3))
    expected = np.stack([run_cell(Simulator, xi, **model.cell_kwargs()) for xi in x])
    assert np.abs(expected).max() > 0.1  # the cell does something
    assert np.allclose(outputs(model, x), expected, atol=1e-5, rtol=0)


@pytest.mark.parametrize("synapse", [0.005, None])
@pytest.mark.parametrize(
    "options",
    [{}, {"hidden_to_hidden": False}, {"hidden_to_memory": True}],
    ids=lambda o: "+".join(o) or "none",
)
def test_synapse_matches_lmucell(Simulator, rng, synapse, options):
    """The hidden output filtered (and fed back) as LMUCell(synapse=...) does."""
    x = rng.uniform(-1, 1, size=(1, STEPS, 3))
    kwargs = dict(
        synapse=synapse, hidden_neuron_type=nengo.RectifiedLinear(), **options
    )
    model = layer(16, 2, **kwargs)
    expected = run_cell(Simulator, x[0], **model.cell_kwargs())
    assert np.allclose(outputs(model, x)[0], expected, atol=1e-5, rtol=0)
    for parallel in {model.parallel, False}:  # each form, and the last step
        other = layer(16, 2, parallel=parallel, return_sequences=False, **kwargs)
        assert np.allclose(outputs(other, x)[0], expected[-1], atol=1e-5, rtol=0)


@pytest.mark.parametrize("hidden_to_hidden", [True, False])
@pytest.mark.parametrize("return_sequences", [True, False])
@pytest.mark.parametrize("convolution", ["fft", "direct"])
def test_parallel_matches_recurrent(
    rng, hidden_to_hidden, return_sequences, convolution
):
    kwargs = dict(
        hidden_to_hidden=hidden_to_hidden,
        input_to_hidden=True,
        use_bias=True,
        return_sequences=return_sequences,
        convolution=convolution,
    )
    x = rng.uniform(-1, 1, size=(5, 300, 3))
    parallel = layer(256, 2, parallel=True, **kwargs)
    recurrent = layer(256, 2, parallel=False, **kwargs)
    assert parallel.parallel and not recurrent.parallel
    assert np.allclose(outputs(parallel, x), outputs(recurrent, x), atol=1e-5, rtol=0)


def test_parallel_is_chosen_by_the_options():
    assert layer(8, 1).parallel
    assert not layer(8, 1, hidden_to_memory=True).parallel
    assert not layer(8, 1, memory_to_memory=True).parallel
    assert not layer(8, 1, parallel=False).parallel


@pytest.mark.parametrize(
    "neuron_type",
    [
        nengo.RectifiedLinear(),
        nengo.RectifiedLinear(amplitude=0.5),
        nengo.Tanh(tau_ref=0.5),
        nengo.Sigmoid(tau_ref=1),
        nengo.LIFRate(tau_rc=0.05, tau_ref=0.01, amplitude=0.1),
    ],
    ids=lambda n: type(n).__name__,
)
def test_neuron_types_match_nengo(Simulator, rng, neuron_type):
    scale = 10.0 if hasattr(neuron_type, "amplitude") else 1.0
    model = layer(16, 1, hidden_neuron_type=neuron_type, scale_firing_rates=scale)
    with torch.no_grad():  # currents on both sides of LIF's threshold
        model.weights["hidden_bias"].fill_(
            1.5 if isinstance(neuron_type, nengo.LIFRate) else 0.1
        )
    x = rng.uniform(-1, 1, size=(1, STEPS, 3))
    expected = run_cell(Simulator, x[0], **model.cell_kwargs())
    assert np.abs(expected).max() > 0.1
    assert np.allclose(outputs(model, x)[0], expected, atol=1e-5, rtol=0)


@pytest.mark.parametrize(
    "discretizer, parallel", [("zoh", True), ("euler", True), ("zoh", False)]
)
def test_trainable_theta(Simulator, rng, discretizer, parallel):
    model = layer(
        32, 1, trainable_theta=True, discretizer=discretizer, parallel=parallel
    )
    fixed = layer(32, 1, discretizer=discretizer)
    x = rng.uniform(-1, 1, size=(2, STEPS, 3))
    # at its initial theta (log_theta in float64) it is the fixed layer
    model.double().log_theta.data.fill_(np.log(fixed.theta / DT))
    assert np.allclose(outputs(model, x), outputs(fixed, x), atol=1e-12, rtol=0)
    Ad, Bd = (matrix.detach().numpy() for matrix in model.discrete())
    assert np.allclose(Ad, model.plan.discrete.A, atol=1e-12, rtol=0)
    assert np.allclose(Bd, model.plan.discrete.B, atol=1e-12, rtol=0)
    # theta gets a gradient, and a changed theta deploys as the cell's theta
    model(torch.as_tensor(x)).square().sum().backward()
    assert model.log_theta.grad is not None and model.log_theta.grad != 0
    with torch.no_grad():
        model.log_theta.add_(np.log(1.25))
    assert np.isclose(model.theta, fixed.theta * 1.25)
    expected = run_cell(Simulator, x[0], **model.cell_kwargs())
    assert np.allclose(outputs(model, x)[0], expected, atol=1e-5, rtol=0)
    assert not np.allclose(expected, outputs(fixed, x)[0], atol=1e-3)


def test_weights_round_trip_through_nengo(Simulator, rng):
    model = layer(16, 2, input_to_hidden=True, use_bias=True, return_sequences=False)
    with nengo.Network(seed=1) as net:
        cell = LMUCell(**model.cell_kwargs())
    with Simulator(net, dt=DT, progress_bar=False) as sim:
        back = LMU.from_cell(cell, sim, seed=3)
    for name, value in model.get_weights().items():
        assert np.array_equal(back.get_weights()[name], np.float32(value))
    x = rng.uniform(-1, 1, size=(3, STEPS, 3))
    assert np.allclose(outputs(back, x), outputs(model, x), atol=1e-12)
    # and set_weights loads a cell's weights into another layer
    other = layer(16, 2, seed=5, input_to_hidden=True, use_bias=True)
    other.set_weights(cell.weights)
    assert np.allclose(outputs(other, x)[:, -1], outputs(model, x), atol=1e-12, rtol=0)


@pytest.mark.parametrize("hidden_to_hidden", [True, False])
def test_classifier_deploys_to_nengo(Simulator, rng, hidden_to_hidden):
    model = LMUClassifier(
        4,
        units=10,
        order=8,
        theta=0.02,
        input_d=2,
        dt=DT,
        seed=0,
        input_to_hidden=True,
        hidden_to_hidden=hidden_to_hidden,
    )
    x = rng.uniform(-1, 1, size=(3, 25, 2))
    with nengo.Network(seed=0) as net:
        clf = NengoClassifier(**model.classifier_kwargs())
    # each sequence from rest, as PyTorch runs them
    scores = classify_stream(clf, x, network=net, simulator=Simulator, reset=True)
    assert np.allclose(scores, outputs(model, x), atol=1e-5, rtol=0)
    with Simulator(net, dt=DT, progress_bar=False) as sim:
        back = LMUClassifier.from_classifier(clf, sim)
    assert np.allclose(outputs(back, x), outputs(model, x), atol=1e-6, rtol=0)
    initial = LMUClassifier.from_classifier(clf)
    assert np.allclose(outputs(initial, x), outputs(model, x), atol=1e-6, rtol=0)


def test_train_classifier_learns(rng):
    """A 3-class task (where in the sequence a pulse is) from chance to solved."""

    def task(n):
        y = rng.randint(3, size=n)
        x = rng.uniform(0, 0.5, size=(n, 30, 1))
        for i, c in enumerate(y):
            x[i, c * 10 : (c + 1) * 10] += 0.5
        return x, y

    torch.manual_seed(0)
    model = LMUClassifier(
        3,
        units=16,
        order=6,
        theta=0.03,
        dt=DT,
        hidden_to_hidden=False,
        hidden_neuron_type=nengo.RectifiedLinear(),
    )
    test = task(300)
    before = lmu_torch.accuracy(model, *test)
    history = lmu_torch.train_classifier(
        model, task(600), validation=task(100), epochs=15, batch_size=32, lr=0.02
    )
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["best_epoch"] == int(np.argmax(history["val_accuracy"]))
    assert before < 0.6 and lmu_torch.accuracy(model, *test) > 0.95


def test_learns_theta():
    """
    Trainable theta finds the time constant of a lowpass filter.

    An order-1 Legendre memory is a lowpass filter whose time constant is
    theta; trained to filter its input as a 20-step lowpass does, a memory
    that starts at 40 steps must end at 20.
    """
    torch.manual_seed(0)
    model = LMU(
        units=1,
        order=1,
        theta=0.04,
        dt=DT,
        trainable_theta=True,
        hidden_to_hidden=False,
        hidden_neuron_type=nengo.RectifiedLinear(),
        return_sequences=True,
        seed=0,
    )
    with torch.no_grad():  # a positive path from input to output
        for name in ("input_encoders", "memory_kernel"):
            model.weights[name].fill_(1.0)
    x = torch.rand(32, 200, 1)
    decay = np.exp(-1 / 20)
    target = torch.zeros_like(x)
    for k in range(x.shape[1]):
        target[:, k] = decay * target[:, k - 1] + (1 - decay) * x[:, k]
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(400):
        loss = (model(x) - target).square().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert np.isclose(model.theta, 0.02, rtol=0.02)


BAD = [
    (dict(units=0), "units"),
    (dict(hidden_neuron_type=nengo.SpikingRectifiedLinear()), "hidden_neuron_type"),
    (dict(hidden_neuron_type=nengo.LIF()), "hidden_neuron_type"),
    (dict(hidden_neuron_type=nengo.AdaptiveLIFRate()), "hidden_neuron_type"),
    (dict(parallel=True, hidden_to_memory=True), "parallel"),
    (dict(parallel=True, memory_to_memory=True), "parallel"),
    (dict(parallel="yes"), "parallel"),
    (dict(convolution="fast"), "convolution"),
    (dict(synapse=nengo.Alpha(0.01)), "synapse"),
    (dict(synapse=-0.01), "synapse"),
    (dict(trainable_theta=1), "trainable_theta"),
    (dict(return_sequences=None), "return_sequences"),
    (dict(seed=-1), "seed"),
    (dict(weights={"memory_kernel": np.zeros((3, 3))}), "weights"),
    (dict(weights={"nope": np.zeros(3)}), "weights"),
]


@pytest.mark.parametrize("kwargs, attr", BAD, ids=lambda v: str(v)[:40])
def test_bad_arguments(kwargs, attr):
    with pytest.raises(ValidationError) as error:
        LMU(**{"units": 4, "order": 4, "theta": 0.01, **kwargs})
    assert error.value.attr == attr
    assert repr(kwargs[attr])[:20] in str(error.value) or attr == "weights"


@pytest.mark.parametrize(
    "x, message",
    [
        (np.zeros((2, 5, 1)), "float torch.Tensor"),
        (torch.zeros(5, 2), "shape"),
        (torch.zeros(2, 5, 3), "shape"),
        (torch.zeros(2, 0, 2), "shape"),
        (torch.full((2, 5, 2), float("nan")), "NaN"),
        (torch.zeros(2, 5, 2, dtype=torch.int64), "float"),
    ],
    ids=["numpy", "2d", "input_d", "empty", "nan", "int"],
)
def test_bad_sequences(x, message):
    model = LMU(units=4, order=4, theta=0.01, input_d=2)
    with pytest.raises(ValidationError, match=message) as error:
        model(x)
    assert error.value.attr == "x"


def test_bad_weights_on_import():
    model = layer(4, 1)
    with pytest.raises(ValidationError, match="missing"):
        model.set_weights({"memory_kernel": np.zeros((12, 4))})
    weights = model.get_weights()
    weights["memory_kernel"] = np.zeros((12, 5))
    with pytest.raises(ValidationError, match=r"shape \(12, 5\)"):
        model.set_weights(weights)
    weights = model.get_weights()
    weights["hidden_bias"][0] = np.nan
    with pytest.raises(ValidationError, match="finite"):
        model.set_weights(weights)
    with pytest.raises(ValidationError, match="readout has shape"):
        LMUClassifier(
            3, units=12, order=4, theta=0.01, weights={"readout": np.zeros((2, 12))}
        )
    with pytest.raises(ValidationError, match="return_sequences"):
        LMUClassifier(3, units=12, order=4, theta=0.01, return_sequences=True)


def test_training_refuses_nan_loss_and_bad_data(rng):
    model = LMUClassifier(2, units=4, order=4, theta=0.01, seed=0)
    x, y = rng.uniform(size=(20, 10, 1)), rng.randint(2, size=20)
    with torch.no_grad():
        model.readout.weight.fill_(3e38)
        model.readout.weight[0].fill_(-3e38)
    with pytest.raises(ValidationError, match="lower the learning rate") as error:
        lmu_torch.train_classifier(model, (x, y), epochs=1)
    assert error.value.attr == "lr"
    for train, attr in [
        ((x,), "train"),
        ((x[..., 0], y), "train"),
        ((x, y[:5]), "train"),
    ]:
        with pytest.raises(ValidationError) as error:
            lmu_torch.train_classifier(model, train, epochs=1)
        assert error.value.attr == attr
    with pytest.raises(ValidationError) as error:
        lmu_torch.train_classifier(model, (x, y), lr=0)
    assert error.value.attr == "lr"
    with pytest.raises(ValidationError) as error:
        lmu_torch.train_classifier(torch.nn.Linear(2, 2), (x, y))
    assert error.value.attr == "model"


@pytest.mark.parametrize("parallel", [True, False])
def test_mixed_precision(rng, parallel):
    """torch.autocast applies: bfloat16 outputs near the float32 ones, gradients."""
    model = LMUClassifier(
        10,
        units=16,
        order=32,
        theta=0.1,
        dt=DT,
        input_to_hidden=True,
        parallel=parallel,
        seed=0,
    )
    x = torch.as_tensor(rng.uniform(size=(4, 100, 1)), dtype=torch.float32)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        low = model(x)
    assert low.dtype == torch.bfloat16
    low.float().square().sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    with torch.no_grad():
        assert torch.allclose(low.float(), model(x), atol=0.05)


def test_saves_and_copies(rng, tmp_path):
    """The whole model pickles (torch.save) and deep-copies, theta included."""
    model = LMUClassifier(3, units=8, order=8, theta=0.02, trainable_theta=True, seed=0)
    x = torch.as_tensor(rng.uniform(size=(2, 30, 1)), dtype=torch.float32)
    torch.save(model, tmp_path / "model.pt")
    loaded = torch.load(tmp_path / "model.pt", weights_only=False)
    for other in (loaded, copy.deepcopy(model)):
        assert torch.equal(other(x), model(x))
        assert other.lmu.theta == model.lmu.theta


def test_replayed_states(Simulator, rng):
    """States recorded in nengo (float32), replayed, give what the memory gives."""
    model = LMUClassifier(
        3,
        units=8,
        order=6,
        theta=0.02,
        input_d=2,
        dt=DT,
        input_to_hidden=True,
        hidden_neuron_type=nengo.RectifiedLinear(),
        synapse=0.002,
        seed=0,
    )
    x = rng.uniform(-1, 1, size=(4, 25, 2))
    with nengo.Network(seed=0) as net:
        clf = NengoClassifier(**model.classifier_kwargs())
    states = record_states(clf, x, network=net, simulator=Simulator, reset=True)
    expected = outputs(model, x)
    with torch.no_grad():
        replayed = model(torch.as_tensor(x), torch.as_tensor(states).double())
    assert np.allclose(replayed.numpy(), expected, atol=1e-5, rtol=0)
    # the classifier's helpers and training loop take (x, y, states)
    y = rng.randint(3, size=4)
    assert np.allclose(lmu_torch.classify(model, x, states=states), expected, atol=1e-5)
    history = lmu_torch.train_classifier(
        model, (x, y, states), (x, y, states), epochs=2, batch_size=2
    )
    assert len(history["val_accuracy"]) == 2


def test_replay_window_decides_the_scores(rng):
    """On the last replay_window steps, a replayed model scores as on all steps."""
    model = LMUClassifier(
        3,
        units=8,
        order=6,
        theta=0.2,
        dt=DT,
        input_to_hidden=True,
        hidden_to_hidden=False,
        hidden_neuron_type=nengo.RectifiedLinear(),
        synapse=0.01,
        seed=0,
    ).double()
    kwargs = model.classifier_kwargs()
    k = replay_window(NengoClassifier(replay_memory=True, **kwargs))
    x = torch.as_tensor(rng.uniform(0, 1, size=(4, 300, 1)))
    states = torch.as_tensor(rng.uniform(-1, 1, size=(4, 300, 6)))
    with torch.no_grad():
        whole = model(x, states)
        window = model(x[:, -k:], states[:, -k:])
        short = model(x[:, -k // 4 :], states[:, -k // 4 :])
    scale = whole.abs().max()
    assert (window - whole).abs().max() < 1e-3 * scale
    assert (short - whole).abs().max() > 0.1 * scale


@pytest.mark.parametrize(
    "options, states, message",
    [
        (dict(hidden_to_memory=True), None, "hidden_to_memory"),
        (dict(memory_to_memory=True), None, "memory_to_memory"),
        ({}, torch.zeros(2, 5, 7), "shape"),
        ({}, torch.full((2, 5, 8), float("nan")), "NaN"),
        ({}, np.zeros((2, 5, 8)), "float torch.Tensor"),
    ],
    ids=["hidden_to_memory", "memory_to_memory", "shape", "nan", "numpy"],
)
def test_bad_replayed_states(options, states, message):
    model = LMU(units=4, order=8, theta=0.02, input_d=1, **options)
    states = torch.zeros(2, 5, 8) if states is None else states
    with pytest.raises(ValidationError, match=message) as error:
        model(torch.zeros(2, 5, 1), states)
    assert error.value.attr == "states"


def test_training_refuses_misshapen_states(rng):
    model = LMUClassifier(2, units=4, order=4, theta=0.01, seed=0)
    x, y = rng.uniform(size=(6, 10, 1)), rng.randint(2, size=6)
    for data in [(x, y, np.zeros((6, 9, 4))), (x, y, np.zeros((6, 10, 3))), (x,)]:
        with pytest.raises(ValidationError) as error:
            lmu_torch.train_classifier(model, data, epochs=1)
        assert error.value.attr == "train"
    with pytest.raises(ValidationError) as error:
        lmu_torch.train_classifier(
            model, (x, y), validation=(x, y, np.zeros((6, 10, 5))), epochs=1
        )
    assert error.value.attr == "validation"
