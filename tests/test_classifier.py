import warnings

import nengo
import numpy as np
import pytest
from nengo.exceptions import SimulationError, ValidationError

from nengo_lmu.classifier import LMUClassifier, classify_stream
from nengo_lmu.dl import accuracy, classify, firing_rates, train_classifier

nengo_dl = pytest.importorskip("nengo_dl")
tf = pytest.importorskip("tensorflow")

CELL = dict(units=8, order=4, theta=0.012, input_to_hidden=True)


def task(rng, n, steps=12):
    """Three classes: which third of the sequence has the largest mean."""
    x = rng.uniform(0, 1, size=(n, steps, 1)).astype(np.float32)
    y = np.argmax(x.reshape(n, 3, -1).mean(axis=-1), axis=1)
    return x, y


def simulator(weights=None, minibatch_size=16, seed=0):
    with nengo.Network(seed=seed) as net:
        nengo_dl.configure_settings(stateful=False)
        classifier = LMUClassifier(3, weights=weights, seed=seed, **CELL)
    return nengo_dl.Simulator(net, minibatch_size=minibatch_size), classifier


def test_train_keeps_the_best_epoch(rng):
    train, validation = task(rng, 96), task(rng, 37)
    sim, classifier = simulator()
    with sim:
        before = accuracy(sim, classifier, *validation)
        sim.compile(
            optimizer=tf.keras.optimizers.Adam(0.02),
            loss={classifier.probe: tf.losses.SparseCategoricalCrossentropy(True)},
        )
        history = train_classifier(sim, classifier, train, validation, epochs=8)
        after = accuracy(sim, classifier, *validation)
        weights = classifier.get_weights(sim)
        scores = classify(sim, classifier, validation[0])
    assert len(history["loss"]) == 8
    assert after == max(history["val_accuracy"])  # the best epoch is restored
    assert after > before + 0.2
    # the weights carry over: a new classifier computes the same scores
    sim, classifier = simulator(weights, minibatch_size=8, seed=1)
    with sim:
        assert np.allclose(classify(sim, classifier, validation[0]), scores, atol=1e-4)


def test_nan_loss_is_an_error(rng):
    x, y = task(rng, 32)
    sim, classifier = simulator()
    with sim:
        # a loss that turns NaN in training (the data are refused if they hold NaN)
        sim.compile(
            optimizer=tf.keras.optimizers.SGD(0.1),
            loss=lambda target, scores: tf.reduce_mean(scores) * np.nan,
        )
        with pytest.raises(SimulationError, match="loss is nan"):
            train_classifier(sim, classifier, (x, y), (x, y), epochs=2)


@pytest.mark.parametrize(
    "change, attr, match",
    [
        (lambda x, y: (x[:, :, :0], y), "train", r"shape \(32, 12, 0\)"),
        (lambda x, y: (np.where(x > 0.9, np.nan, x), y), "train", "NaN"),
        (lambda x, y: (x, y + 0.5), "train", "class numbers"),
        (lambda x, y: (x, y[:-1]), "train", r"shape \(31,\)"),
        (lambda x, y: (x, y + 3), "train", r"\[0, 3\)"),
        (lambda x, y: (x[:8], y[:8]), "train", "no whole minibatch of 16"),
    ],
)
def test_training_data_is_checked(rng, change, attr, match):
    data = task(rng, 32)
    sim, classifier = simulator()
    with sim:
        sim.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
        with pytest.raises(ValidationError, match=match) as error:
            train_classifier(sim, classifier, change(*data), data, epochs=1)
        assert error.value.attr == attr
        x, y = data
        with pytest.raises(ValidationError, match="one class per sequence"):
            accuracy(sim, classifier, x, y[:-1])
        with pytest.raises(ValidationError, match="at least one sequence"):
            classify(sim, classifier, x[:0])


def test_patience_stops_early(rng, capsys):
    train = task(rng, 32)
    sim, classifier = simulator()
    with sim:
        # a zero learning rate never improves on the first epoch
        sim.compile(optimizer=tf.keras.optimizers.SGD(0.0), loss="mse")
        history = train_classifier(
            sim, classifier, train, train, 10, patience=2, verbose=True
        )
    assert history["best_epoch"] == 0
    assert len(history["loss"]) == 3
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[0].startswith("epoch 1/10: loss ")
    assert lines[0].endswith(" s") and "(best)" in lines[0] and "(best)" not in lines[1]


@pytest.mark.parametrize(
    "kwargs, attr",
    [(dict(epochs=0), "epochs"), (dict(epochs=2, patience=0.5), "patience")],
)
def test_bad_training_arguments(rng, kwargs, attr):
    data = task(rng, 16)
    sim, classifier = simulator()
    with sim:
        sim.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
        with pytest.raises(ValidationError, match="integer >= 1") as error:
            train_classifier(sim, classifier, data, data, **kwargs)
    assert error.value.attr == attr


def test_bad_readout_weights():
    with nengo.Network():
        with pytest.raises(ValidationError, match=r"readout has shape \(2, 8\)"):
            LMUClassifier(3, weights=dict(readout=np.zeros((2, 8))), **CELL)
        with pytest.raises(ValidationError, match="n_classes"):
            LMUClassifier(0, **CELL)


def test_firing_rates_of_rates_and_spikes(rng):
    """A rate network reports the rates its spiking version fires at."""
    x, _ = task(rng, 8, steps=201)
    rates = {}
    for neuron_type in (nengo.RectifiedLinear(), nengo.SpikingRectifiedLinear()):
        with nengo.Network(seed=0) as net:
            classifier = LMUClassifier(
                3,
                probe_neurons=True,
                weights=dict(hidden_bias=np.full(8, 0.5)),
                hidden_neuron_type=neuron_type,
                hidden_to_hidden=False,
                scale_firing_rates=100,
                **dict(CELL, theta=0.2),
            )
        with nengo_dl.Simulator(net, minibatch_size=8) as sim:
            rates[type(neuron_type)] = firing_rates(sim, classifier, x)
    rate, spiking = rates.values()
    assert np.mean(rate) > 20  # 100 Hz per unit of activity
    assert np.allclose(spiking, rate, rtol=0.05, atol=5)


def test_firing_rates_need_the_probe(rng):
    sim, classifier = simulator()
    with sim:
        with pytest.raises(ValidationError, match="probe_neurons=True"):
            firing_rates(sim, classifier, task(rng, 16)[0])


def scores_from_rest(Simulator, net, classifier, x):
    """The reference: each sequence's last scores, in a simulation of its own."""
    rest = classifier.input.output
    reference = []
    for sequence in x:
        classifier.input.output = nengo.processes.PresentInput(sequence, 0.001)
        with Simulator(net) as sim:
            sim.run_steps(len(sequence))
        reference.append(sim.data[classifier.probe][-1])
    classifier.input.output = rest
    return np.array(reference)


def test_classify_stream_scores_each_sequence_from_rest(Simulator, rng):
    x, _ = task(rng, 4)
    with nengo.Network(seed=0) as net:
        classifier = LMUClassifier(3, **dict(CELL, hidden_to_hidden=False))
    scores = classify_stream(classifier, x, network=net, simulator=Simulator)
    assert classifier.input.output.shape == (1,)  # zeros again after the run

    reference = scores_from_rest(Simulator, net, classifier, x)
    error = np.max(np.abs(scores - reference))
    assert error < 0.01 * np.max(np.abs(reference))

    # without a gap, each sequence starts from what the last one left
    no_gap = classify_stream(classifier, x, gap=0, network=net, simulator=Simulator)
    assert np.max(np.abs(no_gap - reference)) > 10 * error


def test_classify_stream_with_reset_scores_cells_with_feedback(Simulator, rng):
    """reset=True runs each sequence from rest, whatever feedback the cell has."""
    x, _ = task(rng, 3)
    with nengo.Network(seed=0) as net:
        classifier = LMUClassifier(3, **dict(CELL, hidden_to_hidden=True))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = classify_stream(
            classifier, x, network=net, simulator=Simulator, reset=True
        )
    assert not [w for w in caught if "feedback" in str(w.message)]
    reference = scores_from_rest(Simulator, net, classifier, x)
    assert np.allclose(scores, reference, atol=1e-10)
    with pytest.raises(ValidationError, match="no gap") as error:
        classify_stream(classifier, x, gap=5, network=net, reset=True)
    assert error.value.attr == "gap"
    with pytest.raises(ValidationError) as error:
        classify_stream(classifier, x, network=net, reset="yes")
    assert error.value.attr == "reset"


@pytest.mark.parametrize(
    "x, gap, attr",
    [
        (np.zeros((2, 12)), None, "x"),
        (np.zeros((2, 12, 2)), None, "x"),
        (np.zeros((2, 12, 1)), -1, "gap"),
    ],
)
def test_classify_stream_refuses_bad_arguments(x, gap, attr):
    classifier = LMUClassifier(3, add_to_container=False, **CELL)
    with pytest.raises(ValidationError) as error:
        classify_stream(classifier, x, gap=gap)
    assert error.value.attr == attr


def test_classify_stream_warns_of_feedback(rng):
    classifier = LMUClassifier(3, add_to_container=False, **CELL)
    with pytest.warns(UserWarning, match="hidden_to_hidden=True"):
        classify_stream(classifier, task(rng, 1)[0], progress_bar=False)


def test_classifier_refuses_a_cell_type_that_is_not_a_cell():
    with pytest.raises(ValidationError, match="cell_type"):
        LMUClassifier(3, cell_type=nengo.Network, add_to_container=False, **CELL)
