"""
The examples in nengo_lmu's docstrings run, and print what they show.

Every module's examples (``>>>``) run with ``np``, ``nengo`` and ``nengo_lmu``
imported; a backend's module is skipped where its library is not installed.
"""

import doctest
import importlib
import pkgutil

import nengo
import numpy as np
import pytest

import nengo_lmu

#: Modules that import a library beyond the core's when they are imported.
NEEDS = {
    "nengo_lmu.dl": "nengo_dl",
    "nengo_lmu.torch": "torch",
}
MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(nengo_lmu.__path__, "nengo_lmu.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    if name in NEEDS:
        pytest.importorskip(NEEDS[name])
    if name.startswith("nengo_lmu.loihi."):
        pytest.importorskip("nengo_loihi")
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    globs = dict(vars(module), np=np, nengo=nengo, nengo_lmu=nengo_lmu)
    for test in doctest.DocTestFinder().find(module, name, globs=globs):
        runner.run(test)
    assert runner.failures == 0, f"{runner.failures} docstring examples failed"
