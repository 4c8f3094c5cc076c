"""Tables of implementations of one quantity, and whether they agree.

A chapter computes a number by hand, with ceutils and with each library, and
shows them side by side; :func:`agree` builds that table and
:func:`assert_agree` (or :meth:`Agreement.check`) raises, naming who disagrees
and by how much. In a notebook the table displays as HTML
(``<table class="ce-table ce-agreement">``, built by :mod:`ceutils.display`).

A row whose library may be missing is given as a zero-argument callable,
``"PyTorch": lambda: adapters.torch_entropy(p)``, so that it is evaluated inside
the table: if it raises :class:`~ceutils.libraries.LibraryNotInstalled`, the row
says so and is not compared (see :class:`Agreement`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from .display import HTML, breakable, html_table
from .libraries import LibraryNotInstalled, _may_skip

__all__ = ["Agreement", "agree", "assert_agree"]


def _fmt(v: np.ndarray, digits: int) -> str:
    if v.ndim == 0:
        return f"{float(v):.{digits}g}"
    return np.array2string(v, precision=digits, separator=", ", floatmode="maxprec")


class Agreement:
    """A table of implementations of one quantity, and whether they agree.

    ``values`` maps an implementation's name to its result. The first entry is
    the reference; every other is compared to it with
    ``|value - reference| <= atol + rtol * |reference|`` elementwise
    (``numpy.isclose``; infinities agree only with the same infinity).

    Parameters
    ----------
    values : mapping of str to array_like or callable
        Name of each implementation and its result; at least two, the first the
        reference. A result may be a zero-argument callable (``lambda:
        adapters.torch_entropy(p)``), called here in the order given: this is how
        a row whose library may be missing is written.
    rtol, atol : float
        Relative and absolute tolerance of the comparison.
    digits : int
        Significant digits shown in the table.

    Attributes
    ----------
    reference : str
        The name of the first implementation.
    values : dict of str to numpy.ndarray
        The results computed (float64), the reference first; skipped rows are
        not in it. ``table[name]`` gives one result, and raises the
        :class:`~ceutils.libraries.LibraryNotInstalled` of a skipped row.
    skipped : dict of str to str
        The rows whose library is not installed, and the message each shows
        (``"PyTorch not installed: pip install 'ceutils[frameworks]'"``).
    max_abs_diff : dict of str to float
        The largest absolute difference of each result from the reference's
        (``nan`` where the shapes differ).
    disagree : list of str
        The implementations that do not agree with the reference.

    Notes
    -----
    A callable that raises :class:`~ceutils.libraries.LibraryNotInstalled`
    makes its row a skipped row: the table shows the exception's message in
    place of the value, and the row is in neither :attr:`values` nor the check.
    If every row but the reference is skipped, nothing is compared: :attr:`ok`
    is True, :meth:`check` passes, and the table's caption says that nothing was
    compared. The reference is never skipped (its error propagates), and any
    other exception propagates too. With ``CEUTILS_REQUIRE_FRAMEWORKS=1`` (the
    book's build and tests) nothing is skipped: the
    :class:`~ceutils.libraries.LibraryNotInstalled` propagates.
    """

    def __init__(self, values: Mapping[str, object | Callable[[], object]], *,
                 rtol: float = 1e-7, atol: float = 0.0, digits: int = 10):
        if len(values) < 2:
            raise ValueError(f"values must name at least two implementations; got {list(values)}")
        self.rtol, self.atol, self.digits = rtol, atol, digits
        self.reference = next(iter(values))
        self.names = list(values)
        self.values: dict[str, np.ndarray] = {}
        self.skipped: dict[str, str] = {}
        self._errors: dict[str, LibraryNotInstalled] = {}
        for name, value in values.items():
            if callable(value):
                try:
                    value = value()
                except LibraryNotInstalled as err:
                    if name == self.reference or not _may_skip(err):
                        raise
                    self.skipped[name] = str(err)
                    self._errors[name] = err
                    continue
            self.values[name] = np.asarray(value, dtype=np.float64)
        ref = self.values[self.reference]
        self.max_abs_diff: dict[str, float] = {}
        self.disagree: list[str] = []
        for name, v in self.values.items():
            if v.shape != ref.shape:
                self.max_abs_diff[name] = float("nan")
                self.disagree.append(name)
                continue
            with np.errstate(invalid="ignore"):
                diff = np.where(v == ref, 0.0, np.abs(v - ref))
            self.max_abs_diff[name] = float(np.max(diff)) if diff.size else 0.0
            if not np.all(np.isclose(v, ref, rtol=rtol, atol=atol)):
                self.disagree.append(name)

    def __getitem__(self, name: str) -> np.ndarray:
        """The result of implementation ``name`` (float64).

        Parameters
        ----------
        name : str
            An implementation's name, as given to :func:`agree`.

        Returns
        -------
        numpy.ndarray
            Its result.

        Raises
        ------
        LibraryNotInstalled
            If the row was skipped, the error that skipped it: inside
            ``with needs(...)`` the rest of the block is skipped too.
        KeyError
            If no implementation has that name.
        """
        if name in self._errors:
            raise self._errors[name]
        return self.values[name]

    @property
    def ok(self) -> bool:
        """Whether every implementation compared agrees with the reference (True if none was)."""
        return not self.disagree

    def check(self) -> Agreement:
        """Raise ``AssertionError`` naming each implementation that disagrees.

        Skipped rows are not checked; when every row but the reference was
        skipped, nothing was compared and the check passes.

        Returns
        -------
        Agreement
            This table, when every implementation compared agrees.
        """
        if self.disagree:
            ref = self.values[self.reference]
            lines = [
                f"{name} = {_fmt(self.values[name], 17)} differs from {self.reference} = "
                f"{_fmt(ref, 17)} by {self.max_abs_diff[name]:.3g} "
                f"(rtol={self.rtol:g}, atol={self.atol:g})"
                for name in self.disagree
            ]
            raise AssertionError("implementations disagree:\n  " + "\n  ".join(lines))
        return self

    @property
    def compared(self) -> bool:
        """Whether any implementation was compared with the reference (False if all skipped)."""
        return len(self.values) > 1

    def _rows(self):
        for name in self.names:
            if name in self.skipped:
                yield name, self.skipped[name], "", "skipped"
                continue
            v = self.values[name]
            diff = self.max_abs_diff[name]
            yield (name, _fmt(v, self.digits),
                   "reference" if name == self.reference else f"{diff:.2g}",
                   "✗" if name in self.disagree else "✓")

    def _caption(self) -> str:
        caption = f"rtol = {self.rtol:g}, atol = {self.atol:g}"
        if not self.compared:
            return caption + "; nothing was compared: every other implementation is not installed"
        if self.skipped:
            n = len(self.skipped)
            return caption + f"; {n} implementation{'s' if n > 1 else ''} not installed, skipped"
        return caption

    _HEADER = ("implementation", "value", "max abs. difference", "agrees")

    def _repr_markdown_(self) -> str:
        head = "| " + " | ".join(self._HEADER) + " |\n|---|--:|--:|---|\n"
        body = "\n".join("| " + " | ".join(r) + " |" for r in self._rows())
        return head + body + f"\n\n{self._caption()}"

    def _repr_html_(self) -> HTML:
        rows = ((breakable(name), *rest) for name, *rest in self._rows())
        return html_table(self._HEADER, rows, numeric=(1, 2), classes=("ce-agreement",),
                          caption=self._caption())

    def __repr__(self) -> str:
        lines = ["  ".join(r).rstrip() for r in self._rows()]
        if self.skipped:
            lines.append(self._caption())
        return "\n".join(lines)


def agree(values: Mapping[str, object | Callable[[], object]], *, rtol: float = 1e-7,
          atol: float = 0.0, digits: int = 10) -> Agreement:
    """Compare implementations of one quantity; does not raise on disagreement.

    Parameters
    ----------
    values : mapping of str to array_like or callable
        Name of each implementation and its result, the reference first. Give a
        result that needs PyTorch, TensorFlow, Keras or scikit-learn as a
        zero-argument callable, ``lambda: adapters.torch_entropy(p)`` (in a loop,
        ``functools.partial(adapters.torch_entropy, p)``): if its library is not
        installed the row says so and is skipped (see :class:`Agreement`).
    rtol, atol : float
        Tolerances: ``|value - reference| <= atol + rtol * |reference|``.
    digits : int
        Significant digits shown in the table.

    Returns
    -------
    Agreement
        The table; ``.ok`` says whether all agree, ``.check()`` raises if not.

    Examples
    --------
    >>> a = agree({"exact": 0.5, "approx": 0.5 + 1e-12}, rtol=1e-9)
    >>> a.ok
    True

    A row whose library is missing (without ``CEUTILS_REQUIRE_FRAMEWORKS``):

    >>> from ceutils import adapters
    >>> table = agree({"ceutils": 1.0, "PyTorch": lambda: adapters.torch_entropy([0.5, 0.5])})
    >>> table  # doctest: +SKIP
    ceutils  1  reference  ✓
    PyTorch  PyTorch not installed: pip install 'ceutils[frameworks]'    skipped
    rtol = 1e-07, atol = 0; nothing was compared: every other implementation is not installed
    >>> table.check().skipped  # doctest: +SKIP
    {'PyTorch': "PyTorch not installed: pip install 'ceutils[frameworks]'"}
    """
    return Agreement(values, rtol=rtol, atol=atol, digits=digits)


def assert_agree(values: Mapping[str, object | Callable[[], object]], *, rtol: float = 1e-7,
                 atol: float = 0.0, digits: int = 10) -> Agreement:
    """Like :func:`agree`, but raise ``AssertionError`` naming who disagrees and by how much.

    Parameters
    ----------
    values : mapping of str to array_like or callable
        Name of each implementation and its result, the reference first; a
        zero-argument callable for a result whose library may be missing.
    rtol, atol : float
        Tolerances: ``|value - reference| <= atol + rtol * |reference|``.
    digits : int
        Significant digits shown in the table.

    Returns
    -------
    Agreement
        The table, when every implementation compared agrees.

    Examples
    --------
    >>> assert_agree({"a": 1.0, "b": 1.1}, rtol=1e-3)
    Traceback (most recent call last):
    ...
    AssertionError: implementations disagree:
      b = 1.1000000000000001 differs from a = 1 by 0.1 (rtol=0.001, atol=0)
    """
    return Agreement(values, rtol=rtol, atol=atol, digits=digits).check()
