"""The committed benchmark results, and who wins where.

``make bench`` (``benchmarks/accuracy.py``, ``benchmarks/speed.py`` and
``benchmarks/memory.py``) measures accuracy against mpmath, speed against
PyTorch and TensorFlow, and the memory of every function, and writes the
results into this package's ``data/`` folder, so that the book's appendix of
benchmarks reads them wherever ceutils is installed (through
:mod:`importlib.resources`, never by a path relative to a notebook).
:func:`verdicts` is the one definition of "ceutils wins, ties or loses at a
grid point", shared by the book's appendix of benchmarks, the accuracy
benchmark and the tests of the committed results.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from importlib import resources

import numpy as np

__all__ = [
    "accuracy_rows",
    "accuracy_metadata",
    "accuracy_figure",
    "speed_rows",
    "speed_metadata",
    "speed_fused_rows",
    "memory_rows",
    "memory_metadata",
    "case_arguments",
    "outside_domain",
    "underflows",
    "effective_error",
    "verdicts",
]

RIVALS = ("torch", "tensorflow")
"""The libraries ceutils' accuracy is compared with point by point."""


def _text(name: str) -> str:
    return (resources.files(__package__) / "data" / name).read_text(encoding="utf-8")


def _csv(name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_text(name), newline="")))


def accuracy_rows() -> list[dict]:
    """The rows of ``accuracy.csv``: one per grid point, precision, implementation and mode.

    Returns
    -------
    list of dict
        Every field as the text written: ``function``, ``case``, ``precision``,
        ``implementation``, ``mode``, ``exact`` (25 significant digits, or
        ``inf``), ``value``, ``abs_error``, ``rel_error``, ``note``.
    """
    return _csv("accuracy.csv")


def accuracy_metadata() -> dict:
    """``accuracy.json``: library versions, mpmath's precision, grid sizes, a summary.

    Returns
    -------
    dict
        The JSON object as written by ``benchmarks/accuracy.py``.
    """
    return json.loads(_text("accuracy.json"))


def accuracy_figure() -> bytes:
    """``accuracy.png``: the relative error of every implementation at every grid point.

    Returns
    -------
    bytes
        The PNG file.
    """
    return (resources.files(__package__) / "data" / "accuracy.png").read_bytes()


def speed_rows() -> list[dict]:
    """The rows of ``speed.csv``: one per class count and implementation.

    Returns
    -------
    list of dict
        Every field as the text written: ``classes``, ``rows``, ``logits_MiB``,
        ``implementation``, ``median_s``, ``min_s``, ``max_s``,
        ``ratio_to_torch`` (of the medians), ``ratio_to_torch_min`` (of the
        minima), ``ratio_to_tf_fused``, ``ratio_to_tf_fused_min``,
        ``ratio_to_floor`` (to one ``np.exp`` pass over the logits),
        ``fastest_system_s`` and ``slowest_system_s`` (the system CPU time of
        the fastest and of the slowest run), ``page_faults`` (the median
        number of minor page faults per run), ``extra_memory_MiB`` and
        ``extra_memory_over_logits`` (the ceutils rows only).
    """
    return _csv("speed.csv")


def speed_metadata() -> dict:
    """``speed.json``: repeats, thread counts, machine and versions of the speed run.

    Also the goals of the fused kernels, judged on the fastest runs, and
    whether each met them (``goals_met``, keyed ``"sparse C=10"`` and so on), the load average
    before and after each size, and how noisy the timings were
    (``noise_max_over_min``: per size, the least and most any implementation's
    slowest run took over its fastest).

    Returns
    -------
    dict
        The JSON object as written by ``benchmarks/speed.py``.
    """
    return json.loads(_text("speed.json"))


def speed_fused_rows() -> list[dict]:
    """The rows of ``speed_fused.csv``: the dense softmax and sigmoid fused kernels, timed.

    Returns
    -------
    list of dict
        Every field as the text written: ``loss``, ``classes``, ``rows``,
        ``logits_MiB`` and the timing fields of :func:`speed_rows`
        (``ratio_to_tf_fused`` and ``ratio_to_tf_fused_min`` empty for the
        sigmoid: TensorFlow has no fused kernel for it).
    """
    return _csv("speed_fused.csv")


def memory_rows() -> list[dict]:
    """The rows of ``memory.csv``: what each public function allocates at 10^7 elements.

    Returns
    -------
    list of dict
        Every field as the text written: ``function``, ``options``,
        ``elements``, ``largest_input_MiB``, ``peak_MiB``, ``result_MiB``,
        ``temporaries_MiB``, ``peak_over_largest_input``,
        ``temporaries_over_largest_input``, ``seconds``.
    """
    return _csv("memory.csv")


def memory_metadata() -> dict:
    """``memory.json``: sizes, the goal and versions of the memory run.

    Returns
    -------
    dict
        The JSON object as written by ``benchmarks/memory.py``.
    """
    return json.loads(_text("memory.json"))


_ARGUMENT = re.compile(r"(\w+)=(\[[^\]]*\]|[^,]+)")


def case_arguments(case: str) -> dict:
    """The arguments of a grid point, read back from its ``case`` text.

    Parameters
    ----------
    case : str
        The ``case`` field of a row of :func:`accuracy_rows`, e.g.
        ``"x=[40.0, 0.0], label=0"``.

    Returns
    -------
    dict
        Each argument's name and value, in order: a float or int, or a list of
        them for a row of logits or a distribution.

    Examples
    --------
    >>> case_arguments("x=[40.0, 0.0], label=0")
    {'x': [40.0, 0.0], 'label': 0}
    >>> case_arguments("x=-10000.0, z=0.3")
    {'x': -10000.0, 'z': 0.3}
    """
    found = {name: ast.literal_eval(value.strip()) for name, value in _ARGUMENT.findall(case)}
    if not found:
        raise ValueError(f"case must read 'name=value, ...'; got {case!r}")
    return found


def outside_domain(row: dict) -> bool:
    r"""Whether the row's implementation was run on an input it is not defined for.

    TensorFlow has no entropy function. The benchmark's TensorFlow entropy is
    the book's adapter :func:`ceutils.adapters.tf_entropy`,
    ``softmax_cross_entropy_with_logits(labels=p, logits=log p)``, which is the
    entropy because :math:`\operatorname{softmax}(\log p) = p`, and only for a
    ``p`` without zeros: a zero (after ``p`` is cast to the row's precision,
    where ``1e-300`` becomes 0 in float32) makes a logit :math:`-\infty` and
    the result ``nan``. Such a row measures the adapter, not TensorFlow, and
    :func:`verdicts` leaves it out.

    Parameters
    ----------
    row : dict
        A row of :func:`accuracy_rows`.

    Returns
    -------
    bool
        True for a TensorFlow entropy of a distribution with a zero in the row's precision.
    """
    if (row["function"], row["implementation"]) != ("entropy", "tensorflow"):
        return False
    p = np.asarray(case_arguments(row["case"])["p"], dtype=row["precision"])
    return bool((p == 0).any())


def underflows(row: dict) -> bool:
    """Whether the exact value underflows the row's precision and the result did too.

    Below the smallest normal number of the precision nothing better is
    representable, so such a result counts as exact.

    Parameters
    ----------
    row : dict
        A row of :func:`accuracy_rows`.

    Returns
    -------
    bool
        True when ``|exact|`` and the absolute error are both below
        ``numpy.finfo(precision).tiny``.
    """
    exact = float(row["exact"])
    tiny = float(np.finfo(row["precision"]).tiny)
    return np.isfinite(exact) and abs(exact) < tiny and float(row["abs_error"]) < tiny


def effective_error(row: dict, kind: str = "rel") -> float:
    """The row's error, 0 where the exact value :func:`underflows`.

    Parameters
    ----------
    row : dict
        A row of :func:`accuracy_rows`.
    kind : {"rel", "abs"}
        Relative or absolute error.

    Returns
    -------
    float
        The error as measured, or 0.0 for a result as small as the exact value.
    """
    return 0.0 if underflows(row) else float(row[f"{kind}_error"])


def _ulp(exact: str, precision: str) -> float:
    """Spacing of the floats of ``precision`` at the exact value (nan at infinity)."""
    return float(np.spacing(np.abs(np.asarray(float(exact), dtype=precision))))


def verdicts(rows: list[dict], precision: str, mode: str = "exact",
             rivals: tuple[str, ...] = RIVALS) -> dict[str, list[tuple]]:
    """Where ceutils is more accurate than the best rival, as accurate, or less.

    At each grid point where ceutils and at least one of ``rivals`` computed the
    quantity, ceutils' absolute error is compared with the smallest of the
    rivals' (:func:`effective_error`). When the two errors differ by at most
    one unit in the last place (ulp) of the exact value it is a tie: at that
    distance the comparison measures the luck of a final rounding, not the
    formula. A rival's result on an input
    it is not defined for (:func:`outside_domain`) is not compared.

    Parameters
    ----------
    rows : list of dict
        Rows of :func:`accuracy_rows`.
    precision : {"float64", "float32"}
        The precision compared.
    mode : str
        ``"exact"``, or a library convention such as ``"keras-epsilon"``.
    rivals : tuple of str
        The implementations ceutils is compared with.

    Returns
    -------
    dict
        ``{"win": [...], "tie": [...], "lose": [...]}``; each entry is
        ``((function, case), ceutils_error, best_rival_error)``.
    """
    points: dict[tuple, dict] = {}
    for r in rows:
        if r["precision"] == precision and r["mode"] == mode and not outside_domain(r):
            points.setdefault((r["function"], r["case"]), {})[r["implementation"]] = r
    out: dict[str, list[tuple]] = {"win": [], "tie": [], "lose": []}
    for key, impls in points.items():
        found = [impls[k] for k in rivals if k in impls]
        if not found or "ceutils" not in impls:
            continue
        ours = effective_error(impls["ceutils"], "abs")
        best = min(effective_error(r, "abs") for r in found)
        ulp = _ulp(impls["ceutils"]["exact"], precision)
        verdict = "win" if ours + ulp < best else "lose" if ours > best + ulp else "tie"
        out[verdict].append((key, ours, best))
    return out
