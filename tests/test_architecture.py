"""The package's structure: a core that imports no backend, and deprecated names."""

import ast
import importlib.util
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nengo
import numpy as np
import pytest

import nengo_lmu
import nengo_lmu.dl
import nengo_lmu.system
from nengo_lmu import LegendreMemory, LMUCell

#: What the core may not import: backends, and the modules of nengo_lmu for them.
BACKENDS = (
    "nengo_dl",
    "nengo_loihi",
    "tensorflow",
    "keras",
    "torch",
    "nir",
    "nengo_lmu.loihi",
    "nengo_lmu.dl",
    "nengo_lmu.torch",
    "nengo_lmu.nir",
    "norse",
)


def is_backend(module):
    return any(module == b or module.startswith(b + ".") for b in BACKENDS)


def core_modules():
    """Each module of nengo_lmu outside nengo_lmu.loihi and nengo_lmu.dl: its file."""
    modules = {"nengo_lmu": Path(nengo_lmu.__file__)}
    for info in pkgutil.walk_packages(nengo_lmu.__path__, "nengo_lmu."):
        if is_backend(info.name):
            continue
        modules[info.name] = Path(info.module_finder.find_spec(info.name).origin)
    return modules


CORE = core_modules()


def imported_modules(source, package):
    """
    Every module the source imports, anywhere (module level or in a function).

    ``from a import b`` imports ``a`` and, if ``b`` is a module, ``a.b``: both
    are listed. Relative imports are resolved against ``package``;
    ``importlib.import_module("x")`` and ``__import__("x")`` with a literal
    name count too.
    """
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = getattr(func, "attr", getattr(func, "id", None))
            first = node.args[0]
            if (
                name in ("import_module", "__import__")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                found.add(first.value)
    return found


def test_core_modules_are_listed():
    assert {
        "nengo_lmu",
        "nengo_lmu.system",
        "nengo_lmu.plan",
        "nengo_lmu.memory",
        "nengo_lmu.cell",
        "nengo_lmu.config",
        "nengo_lmu.weights",
        "nengo_lmu.classifier",
        "nengo_lmu.linear",
        "nengo_lmu.testing",
        "nengo_lmu.demo",
    } <= set(CORE)
    assert not any(name.startswith("nengo_lmu.loihi") for name in CORE)
    assert "nengo_lmu.dl" not in CORE
    assert all(path.suffix == ".py" and path.is_file() for path in CORE.values())


@pytest.mark.parametrize(
    "source, package, imported",
    [
        ("import nengo_dl", "nengo_lmu", True),
        ("import tensorflow as tf", "nengo_lmu", True),
        ("def f():\n    from keras import layers", "nengo_lmu", True),
        ("def f():\n    from nengo_lmu import dl", "nengo_lmu", True),
        ("from . import dl", "nengo_lmu", True),
        ("from .loihi.chip import x", "nengo_lmu", True),
        ("import nengo_lmu.loihi.cell", "nengo_lmu", True),
        ("importlib.import_module('nengo_loihi')", "nengo_lmu", True),
        ("import nengo, numpy\nfrom nengo_lmu import dlx, system", "nengo_lmu", False),
        ("import nengo_dlx\nimport torchvision", "nengo_lmu", False),
    ],
)
def test_import_check_finds_backends(source, package, imported):
    found = imported_modules(source, package)
    assert any(is_backend(module) for module in found) == imported, found


@pytest.mark.parametrize("module", sorted(CORE))
def test_core_imports_no_backend(module):
    path = CORE[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    source = path.read_text()
    backends = sorted(
        name for name in imported_modules(source, package) if is_backend(name)
    )
    assert backends == [], f"{path} imports {backends}"


def test_importing_the_core_loads_no_backend():
    modules = sorted(CORE)
    script = textwrap.dedent(f"""
        import importlib, sys
        for module in {modules!r}:
            importlib.import_module(module)
        print(",".join(sorted(sys.modules)))
        """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.strip().split(","))
    assert set(modules) <= loaded
    assert "nengo" in loaded  # the list is the subprocess's modules
    assert not any(is_backend(module) for module in loaded), sorted(
        module for module in loaded if is_backend(module)
    )


def test_importing_nengo_lmu_loads_no_backend():
    script = "import sys, nengo_lmu; print(','.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.strip().split(","))
    assert "nengo_lmu.system" in loaded
    for backend in ("nengo_dl", "nengo_loihi", "tensorflow"):
        assert backend not in loaded


# --- deprecated names: they still work, with a DeprecationWarning ---


def warned_here(record):
    """Whether a DeprecationWarning points at the caller (this file)."""
    return any(
        issubclass(w.category, DeprecationWarning) and w.filename == __file__
        for w in record
    )


def test_linear_import_is_deprecated():
    with pytest.warns(DeprecationWarning, match="nengo_lmu.system.simulate") as record:
        from nengo_lmu.linear import simulate
    assert simulate is nengo_lmu.system.simulate
    assert warned_here(record)


@pytest.mark.parametrize(
    "name",
    ["DISCRETIZERS", "discretize", "settling_steps", "simulate", "state_bound"],
)
def test_linear_names_are_deprecated(name):
    import nengo_lmu.linear

    with pytest.warns(DeprecationWarning, match=f"nengo_lmu.system.{name}") as record:
        value = getattr(nengo_lmu.linear, name)
    assert value is getattr(nengo_lmu.system, name)
    assert warned_here(record)
    with pytest.raises(AttributeError, match="no attribute 'LinearSystem2'"):
        nengo_lmu.linear.LinearSystem2


@pytest.mark.parametrize(
    "name", ["accuracy", "classify", "firing_rates", "train_classifier"]
)
def test_classifier_training_moved_to_dl(name):
    import nengo_lmu.classifier

    with pytest.warns(DeprecationWarning, match=f"nengo_lmu.dl.{name}") as record:
        value = getattr(nengo_lmu.classifier, name)
    assert value is getattr(nengo_lmu.dl, name)
    assert warned_here(record)


def test_memory_attributes_are_deprecated():
    with nengo.Network():
        mem = LegendreMemory(4, 0.1, neuron_type=nengo.Direct())
    with pytest.warns(DeprecationWarning, match="use .population") as record:
        population = mem.memory
    assert population is mem.population
    assert population.all_ensembles == mem.state_ensembles
    assert warned_here(record)

    class Late(LegendreMemory):
        output_latency = 0.004

    with nengo.Network():
        late = Late(4, 0.1, neuron_type=nengo.Direct())
    for memory, latency in ((mem, 0.0), (late, 0.004)):
        with pytest.warns(DeprecationWarning, match="use .output_latency") as record:
            assert memory.readout_latency == memory.output_latency == latency
        assert warned_here(record)


def test_memory_neurons_is_deprecated():
    with nengo.Network():
        with pytest.warns(DeprecationWarning, match="use neural_memory") as record:
            old = LMUCell(4, 3, 0.01, memory_neurons=dict(n_neurons=60), seed=0)
        assert warned_here(record)
        new = LMUCell(4, 3, 0.01, neural_memory=dict(n_neurons=60), seed=0)
    assert old.neural_memory == new.neural_memory == dict(n_neurons=60)
    assert isinstance(old.memory, LegendreMemory)
    assert old.memory.neurons_per_memory == new.memory.neurons_per_memory == 60
    assert old.memory.plan.mapped == new.memory.plan.mapped
    assert sorted(old.weights) == sorted(new.weights)
    for name in new.weights:
        assert np.array_equal(old.weights[name], new.weights[name])


def test_nir_backend_says_how_to_install():
    """Without NIR, nengo_lmu.nir imports, and exporting says what to install."""
    if importlib.util.find_spec("nir") is not None:
        pytest.skip("NIR is installed")
    from nengo_lmu.neurons import DiscreteLIF
    from nengo_lmu.nir import to_nir

    with nengo.Network() as net:
        inp, out = nengo.Node(size_in=1), nengo.Node(size_in=1)
        ens = nengo.Ensemble(10, 1, neuron_type=DiscreteLIF())
        nengo.Connection(inp, ens, synapse=0.01)
        nengo.Connection(ens, out, synapse=0.01)
    with pytest.raises(ImportError, match=r"pip install nengo-lmu\[nir\]"):
        to_nir(net, input=inp, outputs=[out])
