"""
The Python snippets of the documentation run as written, and compute what the
pages say they compute.

The snippets that train models (the training, PyTorch and Loihi pages) take
minutes to hours at the sizes they show: with ``--slow`` they run at a
fraction of their sizes and epochs, which shows that the code a user copies
works, not the accuracy it reaches.
"""

import textwrap
from pathlib import Path

import matplotlib
import nengo
import pytest

from nengo_lmu.testing import delay_nrmse

DOCS = Path(__file__).parent.parent / "docs"


def snippets(page):
    """The ``code-block:: python`` blocks of a page of the docs, dedented."""
    blocks, block = [], None
    for line in (DOCS / page).read_text(encoding="utf-8").splitlines():
        if line.strip() == ".. code-block:: python":
            block = []
            blocks.append(block)
        elif block is not None and line and not line.startswith(" "):
            block = None
        elif block is not None:
            block.append(line)
    return [textwrap.dedent("\n".join(lines)).strip() for lines in blocks]


def run(page, index, tmp_path, monkeypatch):
    """Run a snippet in an empty directory; return the names it defined."""
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    names = {"__name__": "__main__"}
    exec(compile(snippets(page)[index], f"docs/{page}", "exec"), names)
    return names


def test_pages_have_their_snippets():
    assert len(snippets("index.rst")) == 1
    assert len(snippets("getting_started.rst")) == 1
    assert len(snippets("nir.rst")) == 1


def test_index_snippet_builds_a_memory(tmp_path, monkeypatch):
    names = run("index.rst", 0, tmp_path, monkeypatch)
    mem, net = names["mem"], names["net"]
    assert mem in net.networks and mem.system.order == 6
    with nengo.Simulator(net, progress_bar=False) as sim:
        sim.run_steps(10)


@pytest.mark.filterwarnings("ignore:FigureCanvasAgg is non-interactive")
def test_getting_started_snippet_delays_its_input(tmp_path, monkeypatch):
    names = run("getting_started.rst", 0, tmp_path, monkeypatch)
    sim, probes = names["sim"], names["probes"]
    u = sim.data[probes["input u(t)"]]
    for name, steps, tolerance in [
        ("u(t - theta / 2)", 50, 0.1),
        ("u(t - theta)", 100, 0.1),
    ]:
        error = delay_nrmse(sim.data[probes[name]], u, steps, warmup_steps=500)
        assert error < tolerance, name


def test_nir_snippet_runs_as_in_nengo(tmp_path, monkeypatch, capsys):
    pytest.importorskip("nir")
    pytest.importorskip("norse")
    names = run("nir.rst", 0, tmp_path, monkeypatch)
    assert (tmp_path / "memory.nir").exists()
    sim, output, p_in, p_out = (names[k] for k in ("sim", "output", "p_in", "p_out"))
    errors = [
        delay_nrmse(
            *[nengo.Lowpass(0.01).filt(x, y0=0) for x in (y, sim.data[p_in])],
            delay_steps=100,
            warmup_steps=500,
        )
        for y in (sim.data[p_out], output)
    ]
    assert errors[0] < 0.1 and errors[1] < 1.5 * errors[0]
    assert "Norse" in capsys.readouterr().out


#: The sizes of the training snippets, and the fractions of them the tests run.
SMALL = [
    ("data = psdigits()", "data = first_64(psdigits())"),
    ("units=64, order=64", "units=16, order=8"),
    ("n_neurons=50 * 64", "n_neurons=50 * 8"),
    ("epochs=40", "epochs=1"),
    ("epochs=100", "epochs=1"),
]


def first_64(data):
    """The first 64 sequences of each part of a data set."""
    return {name: (x[:64], y[:64]) for name, (x, y) in data.items()}


def run_small(code, page, replacements, tmp_path, monkeypatch):
    """Run ``code`` at the sizes of ``replacements``; return the names it defined."""
    for full, small in replacements:
        assert full in code, full
        code = code.replace(full, small)
    monkeypatch.chdir(tmp_path)
    names = {"__name__": "__main__", "first_64": first_64}
    exec(compile(code, f"docs/{page}", "exec"), names)
    return names


@pytest.mark.slow
def test_training_recipe_runs_end_to_end(tmp_path, monkeypatch):
    """The fully spiking recipe, at a fraction of its sizes and epochs."""
    pytest.importorskip("nengo_dl")
    code = snippets("training.rst")[3]
    steps = [("dt, n = 0.001, 10", "dt, n = 0.001, 2")]
    names = run_small(code, "training.rst", SMALL + steps, tmp_path, monkeypatch)
    assert names["scores"].shape == (64, 10)


@pytest.mark.slow
def test_pytorch_page_runs_end_to_end(tmp_path, monkeypatch):
    """The PyTorch page's three snippets, one after another, at small sizes."""
    pytest.importorskip("torch")
    code = "\n".join(snippets("pytorch.rst"))
    epochs = [("epochs=5", "epochs=1")]
    names = run_small(code, "pytorch.rst", SMALL + epochs, tmp_path, monkeypatch)
    assert names["scores"].shape == (64, 10)
    assert names["replayed"]["train"][2].shape == (64, 640, 8)


@pytest.mark.slow
def test_loihi_memory_snippet_runs(tmp_path, monkeypatch, capsys):
    """The Loihi memory snippet, one seed, 1.5 s: the chip as accurate as nengo."""
    pytest.importorskip("nengo_loihi")
    fewer = [
        ("for seed in (0, 1, 2):", "for seed in (0,):"),
        ("seconds=5.5", "seconds=1.5"),
    ]
    code = snippets("loihi.rst")[0]
    names = run_small(code, "loihi.rst", fewer, tmp_path, monkeypatch)
    chip, ref = names["chip"], names["ref"]
    assert 0 < ref < 0.1 and 0 < chip < 2 * ref
    assert "seed 0: emulator" in capsys.readouterr().out


@pytest.mark.slow
def test_loihi_cell_snippet_runs(tmp_path, monkeypatch):
    """The Loihi cell snippet at small sizes: NengoDL training, then the emulator."""
    pytest.importorskip("nengo_loihi")
    pytest.importorskip("nengo_dl")
    fewer = [
        ("data = psdigits()", "data = first_64(psdigits())"),
        ("units=64, order=64", "units=16, order=8"),
        ("data, 1, 40,", "data, 1, 1,"),
        ("held, n, 8,", "held, n, 1,"),
        ("x_test[:20]", "x_test[:4]"),
        ("y_test[:20]", "y_test[:4]"),
    ]
    code = snippets("loihi.rst")[1]
    names = run_small(code, "loihi.rst", fewer, tmp_path, monkeypatch)
    assert names["scores"].shape == (4, 10)
