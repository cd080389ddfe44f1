"""
Run backend-independent tests once.

``pytest -o nengo_simulator=nengo_dl.Simulator`` reruns the suite on another
backend; tests that do not use the ``Simulator`` fixture do not depend on the
backend, so that rerun skips them.
"""

import nengo
import pytest

# nengo's decoder cache lives in the user's home and is shared by every Python
# environment; a file that numpy 2 wrote there (the nengo 4.1 stack) cannot be
# read under numpy 1 (the pinned stack) and fails the build. Tests solve their
# decoders afresh (tests/test_examples.py does the same for the examples).
nengo.rc.set("decoder_cache", "enabled", "False")


def pytest_collection_modifyitems(config, items):
    if config.getini("nengo_simulator") == "nengo.Simulator":
        return
    skip = pytest.mark.skip(reason="backend-independent: runs with nengo.Simulator")
    for item in items:
        if "Simulator" not in getattr(item, "fixturenames", ()):
            item.add_marker(skip)
