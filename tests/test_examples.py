"""
Every example in ``examples/`` runs as a script in its quick mode.

The contract of an example: ``python examples/<name>.py --quick --plot-dir DIR``
runs in well under a minute, exits 0 and saves its figures (PNG) in ``DIR``.
New examples are picked up automatically. In a notebook (the documentation's
gallery), an example takes its defaults, or its quick mode where the docs build
asks for it.
"""

import argparse
import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE_DIR = Path(__file__).parent.parent / "examples"
# nengo reads a nengorc in the working directory: this one keeps the examples
# off the decoder cache shared by every Python environment (see conftest.py)
NENGORC = "[decoder_cache]\nenabled = False\n"
# _common.py holds what the examples share; it is not an example
EXAMPLES = sorted(EXAMPLE_DIR.glob("[!_]*.py"))


# what the library's functions an example imports need in their turn
INDIRECT = {"psdigits": "sklearn"}


def imported_packages(path):
    """Top-level packages an example needs, other than the examples' own."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
            names.update(INDIRECT.get(alias.name, "") for alias in node.names)
    names.discard("")
    return {name for name in names if not (EXAMPLE_DIR / f"{name}.py").exists()}


def test_examples_found():
    assert EXAMPLES, "no examples/*.py found"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_quick(path, tmp_path):
    missing = sorted(
        name
        for name in imported_packages(path)
        if importlib.util.find_spec(name) is None
    )
    if missing:
        pytest.skip(f"{path.name} needs {missing}, not installed")
    plot_dir = tmp_path / "plots"
    (tmp_path / "nengorc").write_text(NENGORC)
    result = subprocess.run(
        [sys.executable, str(path), "--quick", "--plot-dir", str(plot_dir)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (
        f"{path.name} --quick exited with {result.returncode}\n"
        f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}"
    )
    assert list(plot_dir.glob("*.png")), f"{path.name} saved no figure in --plot-dir"


def test_parse_args_in_notebook(monkeypatch):
    """A notebook ignores the command line; NENGO_LMU_EXAMPLES_QUICK=1 means --quick."""
    spec = importlib.util.spec_from_file_location("_common", EXAMPLE_DIR / "_common.py")
    common = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(common)
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    monkeypatch.setattr(common, "IN_NOTEBOOK", True)
    # what a kernel's command line looks like: not the example's
    monkeypatch.setattr(sys, "argv", ["ipykernel_launcher.py", "-f", "kernel.json"])
    monkeypatch.delenv(common.QUICK_ENV, raising=False)
    assert not common.parse_args(parser).quick
    monkeypatch.setenv(common.QUICK_ENV, "1")
    assert common.parse_args(parser).quick
