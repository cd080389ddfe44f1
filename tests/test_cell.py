import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import LMUCell, load_weights, save_weights, weights_from_keras
from nengo_lmu.weights import Orthogonal

DT = 0.001


def run_cell(Simulator, cell_kwargs, x, probe_state=False):
    """Run one sequence ``x`` (steps, input_d) through a cell; return its output."""
    with nengo.Network(seed=0) as net:
        stim = nengo.Node(nengo.processes.PresentInput(x, DT))
        cell = LMUCell(dt=DT, **cell_kwargs)
        nengo.Connection(stim, cell.input, synapse=None)
        probe = nengo.Probe(cell.state if probe_state else cell.output)
    with Simulator(net, dt=DT, progress_bar=False) as sim:
        sim.run_steps(len(x))
    return sim.data[probe], cell, sim


def keras_lmu_layer(
    units, order, theta_steps, hidden_to_hidden, dtype="float32", **options
):
    tf = pytest.importorskip("tensorflow")
    keras_lmu = pytest.importorskip("keras_lmu")
    # keras' unseeded initializers draw their seeds from Python's ``random``
    # (whatever ran before), not from tf.random.set_seed; this seeds both
    tf.keras.utils.set_random_seed(0)
    hidden = (
        tf.keras.layers.SimpleRNNCell(units, dtype=dtype)
        if hidden_to_hidden
        else tf.keras.layers.Dense(units, activation="tanh", dtype=dtype)
    )
    return keras_lmu.LMU(
        order=order,
        theta=theta_steps,
        hidden_cell=hidden,
        return_sequences=True,
        dtype=dtype,
        **options,
    )


@pytest.mark.parametrize(
    "options, hidden_to_hidden",
    [
        (dict(memory_d=1, input_to_hidden=True), True),
        (dict(memory_d=2, hidden_to_memory=True, memory_to_memory=True), True),
        (dict(memory_d=2, input_to_hidden=True, use_bias=True), False),
    ],
)
def test_matches_keras_lmu(Simulator, rng, options, hidden_to_hidden):
    units, order, theta_steps, n_steps, input_d = 12, 8, 16, 40, 2
    x = rng.uniform(-1, 1, size=(2, n_steps, input_d))
    # keras in float64: in float32 its own rounding (1e-5, varying from run to
    # run with oneDNN's order of operations) would be what the test measures
    layer = keras_lmu_layer(
        units, order, theta_steps, hidden_to_hidden, dtype="float64", **options
    )
    expected = layer(x).numpy()
    weights = weights_from_keras(layer)
    for x_i, expected_i in zip(x, expected):
        actual, _, _ = run_cell(
            Simulator,
            dict(
                units=units,
                order=order,
                theta=theta_steps * DT,
                input_d=input_d,
                hidden_to_hidden=hidden_to_hidden,
                weights=weights,
                **options,
            ),
            x_i,
        )
        # measured against nengo's float64: 1e-14 (3e-8 without
        # hidden_to_hidden); a float32 simulator (nengo_dl) adds its own
        # rounding (measured up to 1.1e-5 against keras in float32)
        atol = 3e-5 if actual.dtype == np.float32 else 1e-5
        assert np.max(np.abs(actual - expected_i)) < atol


def test_training_follows_keras_loss_curve(rng):
    """From the same weights, nengo_dl and keras-lmu take the same SGD steps.

    The learning rate is one at which keras-lmu's loss falls in each of 3
    epochs from each of 8 initial weights tried (0.5 rose from one of them).
    """
    nengo_dl = pytest.importorskip("nengo_dl")
    tf = pytest.importorskip("tensorflow")
    units, order, theta_steps, n_steps, n_classes = 8, 6, 10, 12, 3
    x = rng.uniform(0, 1, size=(64, n_steps, 1)).astype(np.float32)
    # the class is the third of the sequence with the largest mean
    y = np.argmax(x.reshape(64, n_classes, -1).mean(axis=-1), axis=1)[:, None, None]
    readout = rng.uniform(-0.5, 0.5, size=(n_classes, units))

    def loss():
        return tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    layer = keras_lmu_layer(units, order, theta_steps, True, memory_d=1)
    layer.return_sequences = False
    inp = tf.keras.Input((n_steps, 1), batch_size=16)
    dense = tf.keras.layers.Dense(n_classes, use_bias=False)
    model = tf.keras.Model(inp, dense(layer(inp)))
    dense.set_weights([readout.T])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.2), loss=loss())
    with nengo.Network(seed=0) as net:
        nengo_dl.configure_settings(keep_history=False, stateful=False)
        stim = nengo.Node(np.zeros(1))
        cell = LMUCell(
            units, order, theta_steps * DT, weights=weights_from_keras(layer)
        )
        nengo.Connection(stim, cell.input, synapse=None)
        out = nengo.Node(size_in=n_classes)
        nengo.Connection(cell.output, out, transform=readout, synapse=None)
        probe = nengo.Probe(out)

    keras_loss = model.fit(
        x, y[:, 0], batch_size=16, epochs=3, shuffle=False, verbose=0
    )
    with nengo_dl.Simulator(net, minibatch_size=16, progress_bar=False) as sim:
        sim.compile(optimizer=tf.keras.optimizers.SGD(0.2), loss=loss())
        nengo_loss = sim.fit({stim: x}, {probe: y}, epochs=3, shuffle=False, verbose=0)
    keras_loss = np.array(keras_loss.history["loss"])
    nengo_loss = np.array(nengo_loss.history["loss"])
    assert keras_loss[-1] < keras_loss[0]  # it learns
    assert np.allclose(nengo_loss, keras_loss, rtol=1e-4)


@pytest.mark.parametrize("neural_memory", [None, dict(n_neurons=60)])
def test_trains_weights_not_memory(neural_memory):
    nengo_dl = pytest.importorskip("nengo_dl")
    tf = pytest.importorskip("tensorflow")
    with nengo.Network(seed=0) as net:
        nengo_dl.configure_settings(keep_history=False, stateful=False)
        stim = nengo.Node(np.zeros(1))
        cell = LMUCell(
            4,
            3,
            0.01,
            hidden_to_memory=True,
            memory_to_memory=True,
            input_to_hidden=True,
            use_bias=True,
            neural_memory=neural_memory,
        )
        nengo.Connection(stim, cell.input, synapse=None)
        probe = nengo.Probe(cell.output)
    fixed = [
        conn
        for conn in cell.all_connections
        if conn not in cell.weight_connections.values()
        and nengo_dl.compat.conn_has_weights(conn)
    ]
    ensembles = cell.memory.all_ensembles if neural_memory else []
    x = np.linspace(0, 1, 2 * 15).reshape(2, 15, 1)

    def fixed_values(sim):
        return [np.array(sim.data[conn].weights) for conn in fixed] + [
            np.array(sim.data[ens].bias) for ens in ensembles
        ]

    with nengo_dl.Simulator(net, minibatch_size=2, progress_bar=False) as sim:
        before, fixed_before = cell.get_weights(sim), fixed_values(sim)
        sim.compile(optimizer=tf.keras.optimizers.SGD(1.0), loss="mse")
        sim.fit({stim: x}, {probe: np.ones((2, 1, 4))}, epochs=2, verbose=0)
        after, fixed_after = cell.get_weights(sim), fixed_values(sim)
    for name in cell.weights:
        assert not np.allclose(before[name], after[name]), name
    assert len(fixed) >= 2  # Ad and Bd, or the spiking memory's connections
    for old, new in zip(fixed_before, fixed_after):
        assert np.array_equal(old, new)


def test_weights_roundtrip(Simulator, rng, tmp_path):
    kwargs = dict(units=6, order=4, theta=0.008, input_to_hidden=True, use_bias=True)
    x = rng.uniform(-1, 1, size=(20, 1))
    first, cell, sim = run_cell(Simulator, dict(seed=3, **kwargs), x)
    weights = cell.get_weights(sim)
    for name, value in cell.weights.items():
        assert np.allclose(weights[name], value, atol=1e-6), name
    save_weights(tmp_path / "cell.npz", weights)
    loaded = load_weights(tmp_path / "cell.npz")
    assert sorted(loaded) == sorted(cell.weights)
    again, _, _ = run_cell(Simulator, dict(weights=loaded, **kwargs), x)
    assert np.allclose(again, first, atol=1e-5)
    other, _, _ = run_cell(Simulator, dict(seed=4, **kwargs), x)
    assert not np.allclose(other, first, atol=1e-3)


def test_default_initializers_follow_keras(rng):
    cell = LMUCell(32, 16, 0.05, memory_d=3, memory_to_memory=True, seed=0)
    kernel_limit = np.sqrt(6 / (1 + 3))
    assert np.all(np.abs(cell.weights["input_encoders"]) <= kernel_limit)
    encoders = cell.weights["memory_encoders"]  # orthonormal columns
    assert np.allclose(encoders @ encoders.T, np.eye(3))
    hidden = cell.weights["hidden_kernel"]
    assert np.allclose(hidden @ hidden.T, np.eye(32))
    assert np.array_equal(cell.weights["hidden_bias"], np.zeros(32))
    sample = Orthogonal(gain=2).sample(3, 5, rng=rng)
    assert np.allclose(sample @ sample.T, 4 * np.eye(3))


def test_spiking_hidden_approaches_rates(Simulator, rng):
    """Spiking ReLU at high rates and a synapse computes the rate cell's function."""
    steps_per_sample, n_samples = 40, 10
    x = np.repeat(rng.uniform(0, 1, size=(n_samples, 1)), steps_per_sample, axis=0)
    kwargs = dict(
        units=16,
        order=4,
        theta=n_samples * steps_per_sample * DT,
        hidden_to_hidden=False,
        input_to_hidden=True,
        weights=dict(hidden_bias=np.full(16, 0.5)),
        seed=1,
        synapse=nengo.Lowpass(0.02),
    )
    rates, _, _ = run_cell(
        Simulator, dict(hidden_neuron_type=nengo.RectifiedLinear(), **kwargs), x
    )
    spikes, cell, _ = run_cell(
        Simulator,
        dict(
            hidden_neuron_type=nengo.SpikingRectifiedLinear(),
            scale_firing_rates=500,
            **kwargs,
        ),
        x,
    )
    assert cell.hidden_neuron_type.amplitude == pytest.approx(1 / 500)
    last = slice(steps_per_sample - 1, None, steps_per_sample)
    error = np.sqrt(np.mean((spikes[last] - rates[last]) ** 2))
    assert error < 0.1 * np.sqrt(np.mean(rates[last] ** 2))
    assert np.sqrt(np.mean(rates**2)) > 0.1  # the neurons are active


def test_spiking_memory_tracks_exact_memory(Simulator, rng):
    process = nengo.processes.WhiteSignal(1, high=5, rms=0.3)
    x = process.run_steps(600, dt=DT, rng=rng)
    kwargs = dict(units=4, order=4, theta=0.1, weights=dict(input_encoders=[[1.0]]))
    exact, _, _ = run_cell(Simulator, kwargs, x, probe_state=True)
    spiking, cell, _ = run_cell(
        Simulator,
        dict(neural_memory=dict(n_neurons=800), **kwargs),
        x,
        probe_state=True,
    )
    assert cell.memory is not None
    # the spiking memory's state lags the exact memory by one step
    error = spiking[201:] - exact[200:-1]
    assert np.sqrt(np.mean(error**2)) < 0.1 * np.sqrt(np.mean(exact[200:] ** 2))


@pytest.mark.parametrize(
    "kwargs, attr, message",
    [
        (dict(units=0), "units", "integer >= 1"),
        (dict(order=2.5), "order", "integer >= 1"),
        (dict(theta=0.002), "theta", "2 time steps"),
        (dict(input_to_hidden="yes"), "input_to_hidden", "True or False"),
        (dict(hidden_neuron_type=nengo.Direct()), "hidden_neuron_type", "Tanh"),
        (dict(scale_firing_rates=0), "scale_firing_rates", "greater than 0"),
        (dict(weights=dict(kernel=[[1]])), "weights", "Unknown weights"),
        (dict(weights=dict(input_encoders=[1, 2])), "weights", r"shape \(2,\)"),
        (dict(neural_memory=dict(order=3)), "neural_memory", "'order'"),
        (dict(neural_memory=800), "neural_memory", "None or a dict"),
        (dict(synapse="fast"), "synapse", "nengo.Lowpass"),
        (dict(neural_memory=dict(n_neurons=2)), "n_neurons", ">= 40"),
        (dict(discretizer="tustin"), "discretizer", "tustin"),
    ],
)
def test_bad_arguments(kwargs, attr, message):
    args = dict(units=4, order=4, theta=0.01)
    args.update(kwargs)
    with nengo.Network():
        with pytest.raises(ValidationError, match=message) as error:
            LMUCell(**args)
    assert error.value.attr == attr


def test_scaling_needs_an_amplitude():
    with nengo.Network():
        with pytest.raises(ValidationError, match="amplitude"):
            LMUCell(
                4, 4, 0.01, hidden_neuron_type=nengo.Sigmoid(), scale_firing_rates=2
            )


def test_input_size_mismatch():
    with nengo.Network():
        stim = nengo.Node(np.zeros(3))
        cell = LMUCell(4, 4, 0.01, input_d=2)
        with pytest.raises(ValidationError, match="output size"):
            nengo.Connection(stim, cell.input)


def test_weights_follow_the_enclosing_seed():
    def cells(seed):
        with nengo.Network(seed=seed):
            with nengo.Network():
                return [LMUCell(4, 3, 0.01).weights for _ in range(2)]

    first, second = cells(0)
    again, _ = cells(0)
    other, _ = cells(1)
    for name in first:
        assert np.array_equal(first[name], again[name])
    assert not np.array_equal(first["memory_kernel"], second["memory_kernel"])
    assert not np.array_equal(first["memory_kernel"], other["memory_kernel"])
    with nengo.Network(seed=0):
        own = LMUCell(4, 3, 0.01, seed=5).weights
    assert np.array_equal(
        own["memory_kernel"], LMUCell(4, 3, 0.01, seed=5).weights["memory_kernel"]
    )
