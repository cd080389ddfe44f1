"""Install nengo_lmu; pin the stack with ``pip install -c constraints.txt``."""

import pathlib
import runpy

from setuptools import find_packages, setup

root = pathlib.Path(__file__).parent
version = runpy.run_path(str(root / "nengo_lmu" / "version.py"))["version"]

install_requires = ["nengo>=3.2", "numpy>=1.21", "scipy>=1.8"]
# The extras carry the bounds that make them work without constraints.txt: an
# unbounded `pip install nengo-lmu[dl]` resolves to TensorFlow 2.21 / Keras 3,
# which nengo-dl 3.6 cannot import, and nengo 3.2 (nengo-dl's and
# nengo-loihi's) does not import on numpy 2.
TENSORFLOW = "tensorflow>=2.10,<2.13"
NENGO_3 = ["nengo>=3.2,<4", "numpy>=1.21,<2"]
extras_require = {
    "demo": ["matplotlib>=3.5"],
    # PyTorch training (nengo_lmu.torch): the current stack, not beside TensorFlow
    # 2.12 (their typing-extensions pins conflict)
    "torch": ["torch>=2.1"],
    "datasets": ["scikit-learn>=1.0"],
    # export to NIR (nengo_lmu.nir), run in Norse: the current stack, as torch
    "nir": ["nir>=1.0.8", "norse>=1.1"],
    "dl": NENGO_3 + ["nengo-dl>=3.6,<3.7", TENSORFLOW],
    "loihi": NENGO_3 + ["nengo-loihi>=1.1,<1.2", "nengo-extras>=0.5,<0.6"],
    "examples": [
        "keras-lmu>=0.9,<0.10",
        TENSORFLOW,
        "scikit-learn>=1.0",
        "matplotlib>=3.5",
    ],
    "tests": [
        "pytest>=7,<9",  # nengo's pytest plugin does not load under pytest 9
        "pytest-allclose>=1.0",
        "pytest-plt>=1.1",
        "pytest-rng>=1.0",
        "matplotlib>=3.5",
    ],
    "docs": [
        "sphinx>=7,<7.3",
        "numpydoc>=1.6",
        "matplotlib>=3.5",
        "furo",
        "sphinx-copybutton",
        "sphinx-mathjax-offline",
        # the examples' gallery: myst-nb runs each examples/*.py (jupytext's
        # percent format) as a notebook in an IPython kernel
        "myst-nb>=1.0",
        "jupytext>=1.14",
        "ipykernel>=6",
    ],
    "lint": ["black", "isort", "flake8", "codespell"],
}

setup(
    name="nengo-lmu",
    version=version,
    description="Legendre Memory Units in Nengo: spiking LMU memories and cells",
    long_description=(root / "README.rst").read_text(encoding="utf-8"),
    long_description_content_type="text/x-rst",
    license="MIT",
    packages=find_packages(exclude=["tests*"]),
    python_requires=">=3.8",
    install_requires=install_requires,
    extras_require=extras_require,
    entry_points={"console_scripts": ["nengo-lmu-demo = nengo_lmu.demo:main"]},
    classifiers=[
        "Framework :: Nengo",
        "Intended Audience :: Science/Research",
        "License :: OSI Approved :: MIT License",
        "Programming Language :: Python :: 3",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ],
)
