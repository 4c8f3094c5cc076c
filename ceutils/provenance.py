"""Which versions produced a page's numbers."""

from __future__ import annotations

import platform
from importlib import metadata

__all__ = ["versions", "package_version"]

_PACKAGES = (
    ("numpy", ("numpy",)),
    ("scipy", ("scipy",)),
    ("scikit-learn", ("scikit-learn",)),
    ("torch", ("torch",)),
    ("tensorflow", ("tensorflow", "tensorflow-cpu")),
    ("keras", ("keras",)),
)


def package_version(*distributions: str) -> str:
    """Installed version of the first of ``distributions`` found, else "not installed".

    Parameters
    ----------
    *distributions : str
        Distribution names to try in turn (``"tensorflow", "tensorflow-cpu"``).

    Returns
    -------
    str
        The version string from the installed package's metadata.

    Examples
    --------
    >>> package_version("no-such-distribution")
    'not installed'
    """
    for dist in distributions:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


def versions() -> str:
    """One line naming the Python and library versions installed (read from metadata).

    Reads package metadata only, so it imports none of the libraries.

    Returns
    -------
    str
        ``"Python 3.11.7 · numpy 2.4.6 · ..."``: the interpreter, NumPy,
        SciPy, scikit-learn, PyTorch, TensorFlow and Keras.

    Examples
    --------
    >>> versions().startswith("Python ")
    True
    """
    parts = [f"Python {platform.python_version()}"]
    parts += [f"{name} {package_version(*dists)}" for name, dists in _PACKAGES]
    return " · ".join(parts)
