"""The libraries the book compares against, and what a notebook does when one is missing.

NumPy, SciPy, matplotlib and scikit-learn come with the notebooks' light
install (``pip install 'ceutils[notebooks]'``); PyTorch, TensorFlow and Keras
with ``pip install 'ceutils[frameworks]'``. A reader may run any chapter
without the frameworks:

* :func:`load` imports a library for :mod:`ceutils.adapters` and raises
  :class:`LibraryNotInstalled` (an ``ImportError`` naming the library and the
  pip command) when it is not installed;
* :func:`ceutils.agreement.agree` shows a row whose value raises
  :class:`LibraryNotInstalled` as "PyTorch not installed: pip install ..." and
  leaves it out of the check;
* ``with needs("tensorflow"):`` around code whose whole point is a library
  prints one line saying so and skips that code.

In the book's build and in its tests a missing library is an error: the
Makefile exports ``CEUTILS_REQUIRE_FRAMEWORKS=1`` (:data:`REQUIRE_VARIABLE`),
and then tables and :class:`needs` raise :class:`LibraryNotInstalled` instead of
skipping, so the published book never carries a skipped row.

Writing a notebook
------------------
Import ``glue`` from :mod:`ceutils.display`, never from ``myst_nb``. Give every
table row computed by a library as a zero-argument callable (``lambda:``; in a
loop ``functools.partial``, which binds the loop variable now). Put code that
uses a library directly, or uses names such code defined, in ``with needs(...)``,
and assign in one statement each name that later cells use (a skipped block
stops at its first library call, so a name half built before it would look
complete)::

    from ceutils import adapters
    from ceutils.agreement import agree
    from ceutils.display import glue
    from ceutils.libraries import needs

    table = agree({"ceutils": h, "PyTorch": lambda: adapters.torch_entropy(p)}, rtol=1e-12)
    with needs("tensorflow"):
        import tensorflow as tf
        tf32 = float(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x))
        glue("c06_tf32", f"{tf32:.7g}", display=False)

Library code of your own inside a table row starts with ``torch = load("torch")``
(not ``import torch``), so that a missing library skips the row.

The module imports the standard library only; a library is imported when it is
first needed.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
from dataclasses import dataclass
from types import ModuleType

__all__ = ["LIBRARIES", "REQUIRE_VARIABLE", "LibraryNotInstalled", "load", "needs", "required"]

REQUIRE_VARIABLE = "CEUTILS_REQUIRE_FRAMEWORKS"
"""When this environment variable is set (not ``""`` or ``"0"``), a missing library is an error."""


@dataclass(frozen=True)
class Library:
    """An optional library: its name as readers know it, its modules, and how to install it."""

    title: str
    modules: tuple[str, ...]
    extra: str

    @property
    def install(self) -> str:
        """The pip command that installs it, e.g. ``pip install 'ceutils[frameworks]'``."""
        return f"pip install 'ceutils[{self.extra}]'"


LIBRARIES = {
    "torch": Library("PyTorch", ("torch",), "frameworks"),
    "tensorflow": Library("TensorFlow", ("tensorflow",), "frameworks"),
    # Keras 3 runs on TensorFlow in this book: both must import.
    "keras": Library("Keras", ("tensorflow", "keras"), "frameworks"),
    "sklearn": Library("scikit-learn", ("sklearn",), "notebooks"),
}
"""The optional libraries, by import name: ``torch``, ``tensorflow``, ``keras``, ``sklearn``."""


def _library(name: str) -> Library:
    if name not in LIBRARIES:
        raise ValueError(f"library must be one of {sorted(LIBRARIES)}; got {name!r}")
    return LIBRARIES[name]


def _top(module: str | None) -> str:
    return (module or "").partition(".")[0]


def _titles(names) -> str:
    titles = [LIBRARIES[n].title for n in names]
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]


def _installs(names) -> str:
    return " and ".join(dict.fromkeys(LIBRARIES[n].install for n in names))


class LibraryNotInstalled(ImportError):
    """A library ceutils needs for this call is not installed.

    The message names the library and the command that installs it, e.g.
    ``PyTorch not installed: pip install 'ceutils[frameworks]'``; a comparison
    table shows exactly this text in the row it skips.

    Parameters
    ----------
    library : str
        The library's import name, a key of :data:`LIBRARIES` (``"torch"``,
        ``"tensorflow"``, ``"keras"``, ``"sklearn"``).
    module : str, optional
        The module whose import failed (``ImportError.name``); by default the
        library's last module.

    Attributes
    ----------
    library : str
        The library's import name.

    Examples
    --------
    >>> err = LibraryNotInstalled("torch")
    >>> print(err)
    PyTorch not installed: pip install 'ceutils[frameworks]'
    >>> isinstance(err, ImportError), err.library, err.name
    (True, 'torch', 'torch')
    """

    def __init__(self, library: str, module: str | None = None):
        lib = _library(library)
        super().__init__(f"{lib.title} not installed: {lib.install}",
                         name=module or lib.modules[-1])
        self.library = library

    def __reduce__(self):
        return type(self), (self.library, self.name)


def required() -> bool:
    """Whether a missing library is an error here (the book's build and tests).

    Returns
    -------
    bool
        True when the environment variable :data:`REQUIRE_VARIABLE`
        (``CEUTILS_REQUIRE_FRAMEWORKS``) is set to anything but ``""`` or ``"0"``;
        it is read at every call.
    """
    return os.environ.get(REQUIRE_VARIABLE, "") not in ("", "0")


def _may_skip(err: LibraryNotInstalled) -> bool:
    """Whether ``err`` may be shown as a skip; if not, say why on the error first."""
    if required():
        err.add_note(f"{REQUIRE_VARIABLE}={os.environ[REQUIRE_VARIABLE]}: the book's build and "
                     "tests need every library, so nothing is skipped.")
        return False
    return True


def load(library: str) -> ModuleType:
    """Import ``library``, or raise :class:`LibraryNotInstalled` if it is not installed.

    Parameters
    ----------
    library : str
        A key of :data:`LIBRARIES`. ``"keras"`` imports TensorFlow first.

    Returns
    -------
    module
        The library's module (for ``"keras"``, ``keras``).

    Raises
    ------
    LibraryNotInstalled
        When one of the library's modules is not installed, in every mode.
        Any other ``ImportError`` (an installed library that fails to import)
        propagates unchanged.

    Examples
    --------
    >>> load("sklearn").__name__
    'sklearn'
    """
    lib = _library(library)
    if "tensorflow" in lib.modules:
        from . import adapters  # noqa: F401 (sets TensorFlow's logging variables first)
    module = None
    for name in lib.modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if _top(err.name) not in lib.modules:
                raise  # installed, but one of its own dependencies is missing
            raise LibraryNotInstalled(library, _top(err.name)) from err
    return module


class needs:
    """Run a block of code only if its libraries are installed; otherwise say so and skip it.

    Wrap the code of a cell whose whole point is a library, and every cell
    that uses names such a cell defines::

        with needs("tensorflow"):
            import tensorflow as tf
            ...

    When every library is installed the block runs as if ``needs`` were not
    there: nothing is suppressed. When one is missing, ``needs`` prints one line
    (``This cell runs TensorFlow, which is not installed: pip install
    'ceutils[frameworks]'``), then runs the block with its printed output
    discarded until the block stops at its first error, and suppresses that
    error if it is

    * an ``ImportError`` of one of the named libraries (a
      :class:`LibraryNotInstalled` from :mod:`ceutils.adapters`, or
      ``ModuleNotFoundError`` from ``import tensorflow``), or
    * a ``NameError``: a name that an earlier skipped block would have defined.

    Every other exception propagates. A block that runs to its end although a
    library is missing did not need it: that raises ``RuntimeError``, so that
    the printed line is never false. With ``CEUTILS_REQUIRE_FRAMEWORKS=1`` (the
    book's build and tests) a missing library raises
    :class:`LibraryNotInstalled` before the block runs.

    A ``with`` block shows no value at its end: call ``display(table)`` inside it.

    Parameters
    ----------
    *libraries : str
        Keys of :data:`LIBRARIES`: ``"torch"``, ``"tensorflow"``, ``"keras"``,
        ``"sklearn"``.

    Attributes
    ----------
    missing : tuple of str
        The named libraries that are not installed (set on entering the block).

    Examples
    --------
    >>> with needs("sklearn"):
    ...     from sklearn.metrics import log_loss
    ...     print(round(log_loss([1, 0], [0.8, 0.3]), 4))
    0.2899

    Without PyTorch (and without ``CEUTILS_REQUIRE_FRAMEWORKS``):

    >>> with needs("torch"):  # doctest: +SKIP
    ...     import torch
    ...     print(torch.__version__)
    This cell runs PyTorch, which is not installed: pip install 'ceutils[frameworks]'
    """

    def __init__(self, *libraries: str):
        if not libraries:
            raise ValueError("needs() must name at least one library")
        for name in libraries:
            _library(name)
        self.libraries = libraries
        self.missing: tuple[str, ...] = ()
        self._modules = {m for name in libraries for m in LIBRARIES[name].modules}
        self._discard: contextlib.redirect_stdout | None = None

    def __enter__(self) -> needs:
        missing, first_error = [], None
        for name in self.libraries:
            try:
                load(name)
            except LibraryNotInstalled as err:
                missing.append(name)
                first_error = first_error or err
        self.missing = tuple(missing)
        if not missing:
            return self
        if not _may_skip(first_error):
            raise first_error
        verb = "is" if len(missing) == 1 else "are"
        print(f"This cell runs {_titles(missing)}, which {verb} not installed: "
              f"{_installs(missing)}")
        self._discard = contextlib.redirect_stdout(io.StringIO())
        self._discard.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if not self.missing:
            return False
        self._discard.__exit__(None, None, None)
        if exc is None:
            raise RuntimeError(
                f"a needs({', '.join(map(repr, self.libraries))}) block ran to its end without "
                f"{_titles(self.missing)}: it does not need it; name the libraries it uses")
        if isinstance(exc, NameError):
            return True
        return isinstance(exc, ImportError) and _top(exc.name) in self._modules
