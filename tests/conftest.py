"""
Run backend-independent tests once.

``pytest -o nengo_simulator=nengo_dl.Simulator`` reruns the suite on another
backend; tests that do not use the ``Simulator`` fixture do not depend on the
backend, so that rerun skips them.
"""

import pytest


def pytest_collection_modifyitems(config, items):
    if config.getini("nengo_simulator") == "nengo.Simulator":
        return
    skip = pytest.mark.skip(reason="backend-independent: runs with nengo.Simulator")
    for item in items:
        if "Simulator" not in getattr(item, "fixturenames", ()):
            item.add_marker(skip)
