"""
Sphinx configuration of the nengo_lmu documentation.

The build is offline and warning-free (CI runs it with ``-W``): MathJax is
served from the built pages (``sphinx-mathjax-offline``), not from a CDN.
Every reference must resolve (``nitpicky``); links into other projects'
documentation (nengo, nengo_dl, nengo_loihi, numpy, torch, Python) need their
inventories from the web: set ``NENGO_LMU_DOCS_INTERSPHINX=1`` to fetch them.

The examples' pages (``examples/NAME``) are the scripts ``examples/NAME.py``
run as notebooks by myst-nb, which reads jupytext's percent format, in their
quick mode, each followed by the output of a full run (``full_runs/NAME.rst``).
`write_gallery` copies the scripts into ``docs/examples/`` (generated on every
build, git-ignored) and adds a note and that section to each; see examples.rst.
"""

import logging
import os
import textwrap
from pathlib import Path

import jupytext
import nbformat

import nengo_lmu

DOCS = Path(__file__).resolve().parent
EXAMPLES = DOCS.parent / "examples"  # the scripts: the one source of the pages
GALLERY = DOCS / "examples"  # the pages' sources: written by write_gallery
FULL_RUNS = DOCS / "full_runs"  # each full run's output, and what it shows
# examples whose page shows the code without running it, and why
NOT_EXECUTED = {
    "pytorch_psdigits": (
        "it needs PyTorch, which is not installed beside TensorFlow 2.12 where "
        "these pages are built (see {doc}`../pytorch`)"
    ),
}
FULL_RUN_TITLES = {"psmnist": "The full configuration"}  # otherwise "A full run"

# The kernels that run the examples inherit this environment: the examples'
# quick mode (examples/_common.py's parse_args), and none of the messages that
# describe the build machine, not the example: NengoDL's warning that it found
# no GPU, and TensorFlow's log (its level is read when TensorFlow is imported).
os.environ["NENGO_LMU_EXAMPLES_QUICK"] = "1"
os.environ["PYTHONWARNINGS"] = "ignore:No GPU support detected:UserWarning"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"  # errors only
# importing nengo_dl sets TF_CPP_MIN_LOG_LEVEL=1 (warnings too): where it comes
# first, TensorFlow warns that TensorRT is missing, in the first cell, whose
# stderr is removed in the examples that import TensorFlow (their first cell
# names one of these)
TENSORFLOW = ("tensorflow", "nengo_dl", "keras_lmu")
# nengo reads a nengorc in the working directory (the kernels run in
# docs/examples/): this one keeps the examples off the decoder cache shared by
# every Python environment (see tests/conftest.py)
NENGORC = "[decoder_cache]\nenabled = False\n"


def note(name, tensorflow):
    """The note at the top of an example's page: how it ran, where the full run is."""
    full_run = (
        f"The output and figures of a full run, and what they show, are in "
        f"{{ref}}`{name}-full-run` at the end of this page."
    )
    if name in NOT_EXECUTED:
        return (
            f"This page shows `examples/{name}.py` without running it: "
            f"{NOT_EXECUTED[name]}. {full_run}"
        )
    text = (
        f"This page is `examples/{name}.py`, run as a notebook when the "
        f"documentation was built, in its **quick mode** (as "
        f"`python examples/{name}.py --quick`): a smaller model and a shorter run "
        f"than the script's default, so the numbers and figures below show how "
        f"the example works, not what it achieves. {full_run}"
    )
    if tensorflow:
        text += (
            " Not shown: TensorFlow's log (such as its warning, while the first "
            "cell imports it, that TensorRT is not installed) and NengoDL's "
            "warning that it found no GPU, which describe the machine that built "
            "these pages."
        )
    return text


def example_page(script):
    """The source of an example's page: the script, with a note and its full run."""
    name = script.stem
    full_run = FULL_RUNS / f"{name}.rst"
    if not full_run.exists():
        raise FileNotFoundError(
            f"{script} has no {full_run}: write it (the output of a full run and "
            "what it shows; see docs/examples.rst) and list the example in "
            "docs/examples.rst"
        )
    nb = jupytext.read(script, fmt="py:percent")
    first = next(cell for cell in nb.cells if cell.cell_type == "code")
    tensorflow = any(package in first.source for package in TENSORFLOW)
    if tensorflow:
        first.metadata["tags"] = ["remove-stderr"]
    # after the first cell (the title and introduction), wrapped where the text
    # has spaces (not in a label such as psdigits-full-run)
    text = textwrap.fill(
        note(name, tensorflow), 80, break_long_words=False, break_on_hyphens=False
    )
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(f"```{{note}}\n{text}\n```"))
    title = FULL_RUN_TITLES.get(name, "A full run")
    nb.cells.append(
        nbformat.v4.new_markdown_cell(
            f"({name}-full-run)=\n## {title}\n\n"
            f"```{{eval-rst}}\n.. include:: ../full_runs/{name}.rst\n```"
        )
    )
    # the kernel that runs it, and the language of its code cells
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["jupytext"]["notebook_metadata_filter"] = "kernelspec"
    nb.metadata["jupytext"]["cell_metadata_filter"] = "tags"
    return jupytext.writes(nb, fmt="py:percent")


def write_gallery():
    """
    Write ``docs/examples/``: the examples' pages, what they import and a nengorc.

    A file is written only if its text changed, so that Sphinx reads (and
    runs) again only the pages whose source changed; files that are not the
    gallery's are removed.
    """
    GALLERY.mkdir(exist_ok=True)
    files = {
        "_common.py": (EXAMPLES / "_common.py").read_text(),
        "nengorc": NENGORC,
    }
    for script in sorted(EXAMPLES.glob("[!_]*.py")):
        files[script.name] = example_page(script)
    for path in GALLERY.iterdir():
        if path.is_file() and path.name not in files:
            path.unlink()
    for name, text in files.items():
        path = GALLERY / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


write_gallery()

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
    "myst_nb",
]
numpydoc_show_class_members = False
# nengo_lmu.torch is documented from the TensorFlow stack, where PyTorch cannot
# be installed beside TensorFlow 2.12
autodoc_mock_imports = ["torch"]
default_role = "py:obj"
# every reference must resolve (CI builds with -W): nengo_lmu's own names
# always; other projects' names through their inventories, which need the web
# (NENGO_LMU_DOCS_INTERSPHINX=1); offline, names of those projects are taken
# as written
nitpicky = True
EXTERNAL = ("nengo", "nengo_dl", "nengo_loihi", "numpy", "torch", "functools")
if os.environ.get("NENGO_LMU_DOCS_INTERSPHINX"):
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "nengo": ("https://www.nengo.ai/nengo/", None),
        "nengo_dl": ("https://www.nengo.ai/nengo-dl/", None),
        "nengo_loihi": ("https://www.nengo.ai/nengo-loihi/", None),
        "numpy": ("https://numpy.org/doc/stable/", None),
        "torch": ("https://pytorch.org/docs/stable/", None),
        "python": ("https://docs.python.org/3/", None),
    }
else:
    nitpick_ignore_regex = [("py:.*", rf"({'|'.join(EXTERNAL)})(\..*)?")]
# .py files are notebooks (the examples); conf.py and what the examples import
# are not pages, and full_runs/ are parts of the examples' pages
exclude_patterns = [
    "_build",
    "conf.py",
    "examples/_common.py",
    "full_runs",
]
html_static_path = ["_static"]
html_css_files = ["gallery.css"]  # the examples' outputs wrap
# a maintained theme whose content column is wide enough for code and tables
html_theme = "furo"
html_title = f"nengo_lmu {release}"
# copy the code of a prompt-less block, or only what follows ">>> " and "... "
copybutton_prompt_text = r">>> |\.\.\. "
copybutton_prompt_is_regexp = True

# myst-nb: run each example (a notebook in jupytext's percent format) when its
# page is read. A cell that raises is a warning (an error under -W, as in CI)
# that shows the cell and its traceback; raising instead would show only the
# notebook's path.
nb_custom_formats = {".py": ["jupytext.reads", {"fmt": "py:percent"}]}
nb_execution_mode = "force"
nb_execution_excludepatterns = [f"examples/{name}.py" for name in NOT_EXECUTED]
nb_execution_timeout = 600  # seconds per cell
nb_execution_raise_on_error = False
nb_execution_show_tb = True
nb_merge_streams = True  # one output block per cell, not one per print call
# accessible-pygments (furo's) sets the root logger to INFO, which would print
# nbclient's line per notebook even under sphinx-build -q
logging.getLogger("traitlets").setLevel(logging.WARNING)
