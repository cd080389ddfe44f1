"""
What the examples share: their command line and how they save figures.

Every example runs as a script (``python examples/NAME.py [--quick]
[--plot-dir DIR]``), where figures are saved and never shown, or as a notebook
(jupytext), where the command line is ignored and figures show inline.
"""

import sys
from pathlib import Path

import matplotlib

IN_NOTEBOOK = "ipykernel" in sys.modules
if not IN_NOTEBOOK:
    matplotlib.use("Agg")  # as a script, save figures instead of showing them
import matplotlib.pyplot as plt  # noqa: E402, F401 (the examples import it here)


def parse_args(parser):
    """Parse the command line, or take the defaults in a notebook."""
    return parser.parse_args([] if IN_NOTEBOOK else None)


def save(fig, plot_dir, name):
    """Save ``fig`` as ``plot_dir/name`` if a plot directory was given."""
    if plot_dir:
        Path(plot_dir).mkdir(parents=True, exist_ok=True)
        path = Path(plot_dir, name)
        fig.savefig(path, dpi=80)
        print(f"saved {path}")
