"""
What the examples share: their command line and how they save figures.

Every example runs as a script (``python examples/NAME.py [--quick]
[--plot-dir DIR]``), where figures are saved and never shown, or as a notebook
(jupytext), where the command line is ignored and figures show inline. A
notebook runs the full example, or its quick mode when the environment variable
``NENGO_LMU_EXAMPLES_QUICK`` is ``1`` (the documentation's build sets it).
"""

import os
import sys
from pathlib import Path

import matplotlib

IN_NOTEBOOK = "ipykernel" in sys.modules
if not IN_NOTEBOOK:
    matplotlib.use("Agg")  # as a script, save figures instead of showing them
import matplotlib.pyplot as plt  # noqa: E402, F401 (the examples import it here)

# set to 1 (the documentation's build does) for the quick mode in a notebook
QUICK_ENV = "NENGO_LMU_EXAMPLES_QUICK"


def parse_args(parser):
    """
    Parse the command line, or in a notebook take the defaults (``--quick`` if
    the environment variable ``NENGO_LMU_EXAMPLES_QUICK`` is ``1``).
    """
    if not IN_NOTEBOOK:
        return parser.parse_args()
    return parser.parse_args(["--quick"] if os.environ.get(QUICK_ENV) == "1" else [])


def save(fig, plot_dir, name):
    """Save ``fig`` as ``plot_dir/name`` if a plot directory was given."""
    if plot_dir:
        Path(plot_dir).mkdir(parents=True, exist_ok=True)
        path = Path(plot_dir, name)
        fig.savefig(path, dpi=80)
        print(f"saved {path}")
