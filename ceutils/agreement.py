"""Tables of implementations of one quantity, and whether they agree.

A chapter computes a number by hand, with ceutils and with each library, and
shows them side by side; :func:`agree` builds that table and
:func:`assert_agree` (or :meth:`Agreement.check`) raises, naming who disagrees
and by how much. In a notebook the table displays as HTML
(``<table class="ce-table ce-agreement">``, built by :mod:`ceutils.display`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .display import HTML, breakable, html_table

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
    values : mapping of str to array_like
        Name of each implementation and its result; at least two, the first the
        reference.
    rtol, atol : float
        Relative and absolute tolerance of the comparison.
    digits : int
        Significant digits shown in the table.

    Attributes
    ----------
    reference : str
        The name of the first implementation.
    max_abs_diff : dict of str to float
        The largest absolute difference of each result from the reference's
        (``nan`` where the shapes differ).
    disagree : list of str
        The implementations that do not agree with the reference.
    """

    def __init__(self, values: Mapping[str, object], *, rtol: float = 1e-7, atol: float = 0.0,
                 digits: int = 10):
        if len(values) < 2:
            raise ValueError(f"values must name at least two implementations; got {list(values)}")
        self.values = {k: np.asarray(v, dtype=np.float64) for k, v in values.items()}
        self.rtol, self.atol, self.digits = rtol, atol, digits
        self.reference = next(iter(self.values))
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

    @property
    def ok(self) -> bool:
        """Whether every implementation agrees with the reference."""
        return not self.disagree

    def check(self) -> Agreement:
        """Raise ``AssertionError`` naming each implementation that disagrees.

        Returns
        -------
        Agreement
            This table, when every implementation agrees.
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

    def _rows(self):
        for name, v in self.values.items():
            diff = self.max_abs_diff[name]
            yield (name, _fmt(v, self.digits),
                   "reference" if name == self.reference else f"{diff:.2g}",
                   "✗" if name in self.disagree else "✓")

    _HEADER = ("implementation", "value", "max abs. difference", "agrees")

    def _repr_markdown_(self) -> str:
        head = "| " + " | ".join(self._HEADER) + " |\n|---|--:|--:|---|\n"
        return head + "\n".join("| " + " | ".join(r) + " |" for r in self._rows())

    def _repr_html_(self) -> HTML:
        rows = ((breakable(name), *rest) for name, *rest in self._rows())
        return html_table(self._HEADER, rows, numeric=(1, 2), classes=("ce-agreement",),
                          caption=f"rtol = {self.rtol:g}, atol = {self.atol:g}")

    def __repr__(self) -> str:
        return "\n".join("  ".join(r) for r in self._rows())


def agree(values: Mapping[str, object], *, rtol: float = 1e-7, atol: float = 0.0,
          digits: int = 10) -> Agreement:
    """Compare implementations of one quantity; does not raise on disagreement.

    Parameters
    ----------
    values : mapping of str to array_like
        Name of each implementation and its result, the reference first.
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
    """
    return Agreement(values, rtol=rtol, atol=atol, digits=digits)


def assert_agree(values: Mapping[str, object], *, rtol: float = 1e-7, atol: float = 0.0,
                 digits: int = 10) -> Agreement:
    """Like :func:`agree`, but raise ``AssertionError`` naming who disagrees and by how much.

    Parameters
    ----------
    values : mapping of str to array_like
        Name of each implementation and its result, the reference first.
    rtol, atol : float
        Tolerances: ``|value - reference| <= atol + rtol * |reference|``.
    digits : int
        Significant digits shown in the table.

    Returns
    -------
    Agreement
        The table, when every implementation agrees.

    Examples
    --------
    >>> assert_agree({"a": 1.0, "b": 1.1}, rtol=1e-3)
    Traceback (most recent call last):
    ...
    AssertionError: implementations disagree:
      b = 1.1000000000000001 differs from a = 1 by 0.1 (rtol=0.001, atol=0)
    """
    return Agreement(values, rtol=rtol, atol=atol, digits=digits).check()
