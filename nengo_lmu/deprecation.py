"""Names that moved: kept working for one release, with a `DeprecationWarning`."""

import importlib
import warnings


def moved(old_module, new_module, names):
    """
    A module ``__getattr__`` forwarding ``names`` from ``old_module`` to ``new_module``.

    Each use warns, saying where the name is now; ``new_module`` is imported
    only when a moved name is used.

    Parameters
    ----------
    old_module, new_module : str
        The modules' full names.
    names : sequence of str
        The names that moved.

    Returns
    -------
    callable
        Assign it to the old module's ``__getattr__``.
    """

    def __getattr__(name):
        if name not in names:
            raise AttributeError(f"module {old_module!r} has no attribute {name!r}")
        warnings.warn(
            f"{old_module}.{name} moved to {new_module}.{name}; use "
            f"{new_module}.{name}: the old name will be removed in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(new_module), name)

    return __getattr__
