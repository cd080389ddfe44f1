"""Sphinx configuration of the nengo_lmu documentation."""

import nengo_lmu

project = "nengo_lmu"
author = "The nengo_lmu developers"
copyright = "2026, The nengo_lmu developers"
version = release = nengo_lmu.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
]
numpydoc_show_class_members = False
default_role = "py:obj"
intersphinx_mapping = {
    "nengo": ("https://www.nengo.ai/nengo/", None),
    "numpy": ("https://numpy.org/doc/stable/", None),
}
exclude_patterns = ["_build"]
html_static_path = ["_static"]
