"""
Sphinx configuration of the nengo_lmu documentation.

The build is offline and warning-free (CI runs it with ``-W``): MathJax is
served from the built pages (``sphinx-mathjax-offline``), not from a CDN.
Links to the nengo and numpy documentation need their inventories from the
web: set ``NENGO_LMU_DOCS_INTERSPHINX=1`` to fetch them.
"""

import os

import nengo_lmu

project = "nengo_lmu"
author = "The nengo_lmu developers"
copyright = "2026, The nengo_lmu developers"
version = release = nengo_lmu.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",
    "sphinx_copybutton",
    "numpydoc",
]
numpydoc_show_class_members = False
# nengo_lmu.torch is documented from the TensorFlow stack, where PyTorch cannot
# be installed beside TensorFlow 2.12
autodoc_mock_imports = ["torch"]
default_role = "py:obj"
if os.environ.get("NENGO_LMU_DOCS_INTERSPHINX"):
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "nengo": ("https://www.nengo.ai/nengo/", None),
        "numpy": ("https://numpy.org/doc/stable/", None),
    }
exclude_patterns = ["_build"]
html_static_path = ["_static"]
# a maintained theme whose content column is wide enough for code and tables
html_theme = "furo"
html_title = f"nengo_lmu {release}"
# copy the code of a prompt-less block, or only what follows ">>> " and "... "
copybutton_prompt_text = r">>> |\.\.\. "
copybutton_prompt_is_regexp = True
