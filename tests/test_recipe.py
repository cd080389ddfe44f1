"""
The fully spiking recipe in NengoDL: record a spiking memory, train on its
replayed states, run memory and hidden layer in spikes.
"""

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu.classifier import LMUClassifier, classify_stream, record_states
from nengo_lmu.datasets import hold
from nengo_lmu.dl import accuracy, firing_rates, train_classifier
from nengo_lmu.tuning import input_process

nengo_dl = pytest.importorskip("nengo_dl")
tf = pytest.importorskip("tensorflow")

DT = 0.001
STEPS = 8  # simulator steps per sequence step
CELL = dict(units=16, order=4, input_to_hidden=True, hidden_to_hidden=False, dt=DT)


def task(rng, n, steps=12):
    """Three classes: which third of the sequence holds a pulse, in noise."""
    y = rng.randint(3, size=n)
    x = rng.uniform(0, 0.5, size=(n, steps, 1))
    third = steps // 3
    for i, c in enumerate(y):
        x[i, c * third : (c + 1) * third] += 0.5
    return x.astype(np.float32), y


def classifier(weights, steps_per_sample, seed=0, **kwargs):
    with nengo.Network(seed=seed) as net:
        nengo_dl.configure_settings(stateful=False)
        clf = LMUClassifier(
            3,
            weights=weights,
            theta=12 * steps_per_sample * DT,
            **CELL,
            **kwargs,
        )
    return net, clf


def trained(net, clf, train, validation, epochs, learning_rate=0.02):
    """The trained weights, and the best validation accuracy."""
    with nengo_dl.Simulator(net, minibatch_size=16, progress_bar=False) as sim:
        sim.compile(
            optimizer=tf.keras.optimizers.Adam(learning_rate),
            loss={clf.probe: tf.losses.SparseCategoricalCrossentropy(True)},
        )
        history = train_classifier(sim, clf, train, validation, epochs)
        return clf.get_weights(sim), max(history["val_accuracy"])


def scored(net, clf, x, y, states=None):
    with nengo_dl.Simulator(net, minibatch_size=16, progress_bar=False) as sim:
        return accuracy(sim, clf, x, y, states)


def test_recorded_states_are_the_memory(rng):
    """The states of an exact memory, recorded, are the Legendre system's."""
    x, _ = task(rng, 5)
    net, clf = classifier(dict(input_encoders=[[0.7]]), 1)
    # simulate gives the state before each step; the cell's includes the step
    exact = np.array([clf.cell.discrete.simulate(0.7 * sequence) for sequence in x])
    alone = record_states(clf, x, network=net, chunk=1)  # a simulation each
    assert alone.shape == (5, 12, 4) and alone.dtype == np.float32
    assert np.allclose(alone[:, :-1], exact[:, 1:], atol=1e-6)
    # one after another, each starts from what the gap leaves of the one before
    streamed = record_states(clf, x, network=net, chunk=3)
    error = np.abs(streamed[:, :-1] - exact[:, 1:]).max(axis=(1, 2))
    assert error[0] < 1e-6 and error[3] < 1e-6  # the first of each simulation
    assert np.all(error < 0.01 * np.abs(exact).max())
    assert not [p for p in clf.probes if p.label == "every step"]  # removed


def test_replayed_states_are_checked(rng):
    x, y = task(rng, 16)
    net, clf = classifier(None, 1, replay_memory=True)
    with nengo_dl.Simulator(net, minibatch_size=16, progress_bar=False) as sim:
        for states, match in [
            (None, "needs the memory states"),
            (np.zeros((16, 12, 3)), r"shape \(16, 12, 3\)"),
            (np.full((16, 12, 4), np.nan), "NaN"),
        ]:
            with pytest.raises(ValidationError, match=match):
                accuracy(sim, clf, x, y, states)
    net, clf = classifier(None, 1)
    with nengo_dl.Simulator(net, minibatch_size=16, progress_bar=False) as sim:
        with pytest.raises(ValidationError, match="takes no memory states"):
            accuracy(sim, clf, x, y, np.zeros((16, 12, 4)))
    with pytest.raises(ValidationError, match="memory of its own"):
        record_states(classifier(None, 1, replay_memory=True)[1], x)


@pytest.mark.parametrize("seed", [0, 1])
def test_fully_spiking_classifier_follows_its_rate_version(rng, seed):
    """
    The recipe on a small task: memory and hidden layer in spiking neurons beat
    chance by far and follow the rate classifier; the replayed states are what
    make the difference.
    """
    rng = np.random.RandomState(seed)
    train, validation, test = task(rng, 192), task(rng, 48), task(rng, 96)
    # 1. rates: the exact memory and rectified-linear units, one step per sample
    rates = dict(hidden_neuron_type=nengo.RectifiedLinear())
    net, clf = classifier(None, 1, seed, **rates)
    rate_weights, _ = trained(net, clf, train, validation, 20, learning_rate=0.01)
    rate = scored(*classifier(rate_weights, 1, seed, **rates), *test)

    # 2. the memory in spiking neurons, tuned to the data; record its states
    held = [(hold(x, STEPS), y) for x, y in (train, validation, test)]
    spiking = dict(
        hidden_neuron_type=nengo.SpikingRectifiedLinear(),
        scale_firing_rates=300,
        synapse=0.01,
        neural_memory=dict(
            n_neurons=50 * 4,
            neuron_type=nengo.SpikingRectifiedLinear(),
            process=input_process(rate_weights, train[0][:20], STEPS, DT),
        ),
    )
    net, clf = classifier(rate_weights, STEPS, seed, **spiking)
    states = [record_states(clf, x, network=net) for x, _ in held[:2]]

    # 3. the hidden layer trained on the replayed states
    net, clf = classifier(
        rate_weights,
        STEPS,
        seed,
        hidden_neuron_type=nengo.RectifiedLinear(),
        scale_firing_rates=300,
        synapse=0.01,
        replay_memory=True,
    )
    tuned, _ = trained(
        net, clf, held[0] + (states[0],), held[1] + (states[1],), 5, 0.005
    )
    assert np.array_equal(tuned["input_encoders"], rate_weights["input_encoders"])

    # 4. fully spiking, in NengoDL and in nengo
    accuracies = {}
    for name, weights in [("rate weights", rate_weights), ("replayed", tuned)]:
        net, clf = classifier(weights, STEPS, seed, probe_neurons=True, **spiking)
        accuracies[name] = scored(net, clf, *held[2])
    with nengo_dl.Simulator(net, minibatch_size=16, progress_bar=False) as sim:
        memory_hz = firing_rates(sim, clf, held[2][0], neurons="memory")
    scores = classify_stream(clf, held[2][0][:24], network=net, progress_bar=False)
    in_nengo = np.mean(np.argmax(scores, axis=-1) == held[2][1][:24])

    assert rate > 0.8  # chance: 1/3
    assert accuracies["replayed"] >= rate - 0.05
    assert accuracies["replayed"] > accuracies["rate weights"]
    assert in_nengo >= accuracies["replayed"] - 0.1  # 24 sequences
    assert memory_hz.shape == (200,) and 50 < np.mean(memory_hz) < 400
