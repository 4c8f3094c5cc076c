"""Accuracy of cross-entropy implementations on a fixed adversarial grid.

Every grid point is evaluated exactly with mpmath (50 significant digits) and by
ceutils, PyTorch, TensorFlow, Keras, scikit-learn and SciPy where each applies,
in float64 and in float32. The exact value is always that of the input actually
passed: ``1 - 1e-8`` means the float64 (or float32) number nearest to it,
converted with ``mpmath.mpf(float(value))``.

Modes. ``exact`` is the mathematical definition. Some libraries change the
definition on purpose, to keep losses finite: Keras clips probabilities to
``[1e-7, 1 - 1e-7]`` (mode ``keras-epsilon``), ``torch.nn.BCELoss`` clamps each
logarithm at -100 (``torch-clamp``), ``sklearn.metrics.log_loss`` clips to
``[eps, 1 - eps]`` with the dtype's machine epsilon (``sklearn-eps``). Their
results are compared with the exact value of *their* definition, in rows of
their own, never with the exact mode.

Output, in ceutils' package data (``ceutils/data/``, read by
:mod:`ceutils.results`): ``accuracy.csv`` (one row per grid point, precision and
implementation), ``accuracy.json`` (library versions, the grid sizes and a
summary) and ``accuracy.png`` (relative errors, exact mode).

Run from the repository root: ``python -m benchmarks.accuracy`` (``make bench``).
Importing this module imports NumPy and mpmath only; the grid, the exact values
and the ceutils evaluations are reused by ``tests/test_accuracy_results.py``.
"""

from __future__ import annotations

import csv
import json
import platform
import warnings
from dataclasses import dataclass
from pathlib import Path

import mpmath
import numpy as np

import ceutils
from ceutils import KERAS_EPSILON, TORCH_LOG_CLAMP
from ceutils.provenance import package_version
from ceutils.results import verdicts

DATA = Path(ceutils.__file__).resolve().parent / "data"
CSV_PATH = DATA / "accuracy.csv"
JSON_PATH = DATA / "accuracy.json"
PNG_PATH = DATA / "accuracy.png"

DPS = 50
"""Significant decimal digits mpmath works with."""

PRECISIONS = ("float64", "float32")
MODES = ("exact", "keras-epsilon", "torch-clamp", "sklearn-eps")

FIELDS = ("function", "case", "precision", "implementation", "mode",
          "exact", "value", "abs_error", "rel_error", "note")

# --------------------------------------------------------------------------- the grid
LOGITS = (0.0, 1e-8, -1e-8, 1.0, -1.0, 20.0, -20.0, 40.0, -40.0,
          100.0, -100.0, 1e3, -1e3, 1e4, -1e4)
SOFT_TARGETS = (0.0, 0.3, 1.0)
PROBS = (0.0, 1e-300, 1e-50, 1e-16, 1e-8, 0.5, 1 - 1e-8, 1 - 1e-16, 1.0)
LABELS01 = (0.0, 1.0)
ROWS = (
    (1.0, 2.0, 3.0),
    (40.0, 0.0),
    (20.0, 0.0, -20.0),
    (1000.0, 1000.0, 1000.0),
    (-1000.0, 0.0),
    (-1e4, -1e4 + 1e-6),
    (1e4, 0.0, -1e4),
)
DISTRIBUTIONS = (
    (1.0, 0.0),
    (0.5, 0.5, 0.0),
    (0.7, 0.2, 0.1),
    (1 - 1e-10, 1e-10),
    (1.0, 1e-300),
    (0.5, 0.5 - 1e-300, 1e-300),
)
KL_PAIRS = (
    ((1.0, 0.0), (0.5, 0.5)),
    ((0.5, 0.5), (1 - 1e-10, 1e-10)),
    ((1 - 1e-10, 1e-10), (0.5, 0.5)),
    ((0.0, 1.0), (1e-300, 1.0)),
    ((1e-300, 1.0), (0.5, 0.5)),
    ((0.5, 0.5), (1.0, 1e-300)),
    ((0.7, 0.2, 0.1), (0.7, 0.2, 0.1)),
)


@dataclass(frozen=True)
class Case:
    function: str
    case: str  # a readable, unique id within the function
    args: tuple


def _fmt(v) -> str:
    if isinstance(v, tuple):
        return "[" + ", ".join(_fmt(u) for u in v) + "]"
    return repr(v)


def grid() -> list[Case]:
    """Every grid point, in a fixed order."""
    cases = []
    for x in LOGITS:
        for z in SOFT_TARGETS:
            cases.append(Case("sigmoid_ce", f"x={_fmt(x)}, z={_fmt(z)}", (x, z)))
    for p in PROBS:
        for y in LABELS01:
            cases.append(Case("bce", f"p={_fmt(p)}, y={_fmt(y)}", (p, y)))
    for row in ROWS:
        c = len(row)
        for k in range(c):
            onehot = tuple(1.0 if j == k else 0.0 for j in range(c))
            cases.append(Case("softmax_ce", f"x={_fmt(row)}, y={_fmt(onehot)}", (row, onehot)))
        uniform = tuple(1.0 / c for _ in range(c))
        cases.append(Case("softmax_ce", f"x={_fmt(row)}, y={_fmt(uniform)}", (row, uniform)))
    for row in ROWS:
        for k in range(len(row)):
            cases.append(Case("sparse_softmax_ce", f"x={_fmt(row)}, label={k}", (row, k)))
    for row in ROWS:
        cases.append(Case("logsumexp", f"x={_fmt(row)}", (row,)))
    for p in DISTRIBUTIONS:
        cases.append(Case("entropy", f"p={_fmt(p)}", (p,)))
    for p, q in KL_PAIRS:
        cases.append(Case("kl_divergence", f"p={_fmt(p)}, q={_fmt(q)}", (p, q)))
    return cases


FUNCTIONS = ("sigmoid_ce", "bce", "softmax_ce", "sparse_softmax_ce", "logsumexp", "entropy",
             "kl_divergence")


def cast(case: Case, precision: str) -> tuple:
    """The case's floating arguments as NumPy arrays of ``precision`` (labels stay int)."""
    dt = np.dtype(precision)
    out = []
    for a in case.args:
        if isinstance(a, int):
            out.append(a)
        else:
            out.append(np.asarray(a, dtype=dt))
    return tuple(out)


# --------------------------------------------------------------------------- exact values
def _mp(a) -> object:
    """mpf of each float actually passed (a NumPy array or scalar of the precision used)."""
    arr = np.asarray(a)
    if arr.ndim == 0:
        return mpmath.mpf(float(arr))
    return [mpmath.mpf(float(v)) for v in arr]


def _row_losses(xs: list) -> list:
    r""":math:`\operatorname{logsumexp}(x) - x_k` for every k, without cancellation.

    If :math:`x_k` is a maximum, :math:`\log(1 + \sum_{j \ne k} e^{x_j - x_k})` via
    log1p; otherwise :math:`(m - x_k) + \log \sum_j e^{x_j - m}`, two non-negative
    terms. Differences of floats are exact at 50 digits for this grid.
    """
    m = max(xs)
    log_s = mpmath.log(mpmath.fsum(mpmath.exp(x - m) for x in xs))
    out = []
    for k, xk in enumerate(xs):
        if xk == m:
            rest = mpmath.fsum(mpmath.exp(x - xk) for j, x in enumerate(xs) if j != k)
            out.append(mpmath.log1p(rest))
        else:
            out.append((m - xk) + log_s)
    return out


def _keras_bounds(precision: str) -> tuple:
    dt = np.dtype(precision).type
    return mpmath.mpf(float(dt(KERAS_EPSILON))), mpmath.mpf(float(dt(1.0 - KERAS_EPSILON)))


def _clip(v, lo, hi):
    return min(max(v, lo), hi)


def _neg_log(v):
    return mpmath.inf if v == 0 else -mpmath.log(v)


def exact(case: Case, precision: str, mode: str = "exact"):
    """The exact value (an mpf, possibly ``mpmath.inf``) of ``case`` in ``mode``."""
    with mpmath.workdps(DPS):
        args = [a if isinstance(a, int) else _mp(a) for a in cast(case, precision)]
        f = case.function
        if f == "sigmoid_ce" and mode == "exact":
            x, z = args
            # max(x, 0) - x z >= 0 and log1p(e^-|x|) > 0: no cancellation.
            return (max(x, 0) - x * z) + mpmath.log1p(mpmath.exp(-abs(x)))
        if f == "bce":
            p, y = args
            q = p if y == 1 else 1 - p  # the probability given to the true class
            if mode == "exact":
                # -log(1 - p) as -log1p(-p): 1 - 1e-300 would round to 1 even at 50 digits.
                return _neg_log(p) if y == 1 else -mpmath.log1p(-p)
            if mode == "keras-epsilon":
                lo, hi = _keras_bounds(precision)
                pc = _clip(p, lo, hi)
                return -mpmath.log(pc) if y == 1 else -mpmath.log(1 - pc)
            if mode == "torch-clamp":
                nll = _neg_log(p) if y == 1 else -mpmath.log1p(-p)
                return min(nll, -mpmath.mpf(TORCH_LOG_CLAMP))
            if mode == "sklearn-eps":
                eps = mpmath.mpf(float(np.finfo(precision).eps))
                return -mpmath.log(_clip(q, eps, 1 - eps))
        if f == "softmax_ce" and mode == "exact":
            xs, ys = args
            return mpmath.fsum(y * loss for y, loss in zip(ys, _row_losses(xs), strict=True)
                               if y != 0)
        if f == "sparse_softmax_ce" and mode == "exact":
            xs, k = args
            return _row_losses(xs)[k]
        if f == "logsumexp" and mode == "exact":
            (xs,) = args
            m = max(xs)
            return m + mpmath.log(mpmath.fsum(mpmath.exp(x - m) for x in xs))
        if f == "entropy" and mode == "exact":
            (ps,) = args
            return -mpmath.fsum(p * mpmath.log(p) for p in ps if p != 0)
        if f == "kl_divergence":
            ps, qs = args
            if mode == "keras-epsilon":
                lo, _ = _keras_bounds(precision)
                ps = [_clip(p, lo, 1) for p in ps]
                qs = [_clip(q, lo, 1) for q in qs]
            elif mode != "exact":
                raise ValueError(f"no mode {mode!r} for {f}")
            if any(q == 0 and p != 0 for p, q in zip(ps, qs, strict=True)):
                return mpmath.inf
            return mpmath.fsum(p * (mpmath.log(p) - mpmath.log(q))
                               for p, q in zip(ps, qs, strict=True) if p != 0)
    raise ValueError(f"no mode {mode!r} for {case.function}")


# --------------------------------------------------------------------------- ceutils
CEUTILS_CLIP = {"exact": None, "keras-epsilon": "keras", "torch-clamp": "torch",
                "sklearn-eps": "sklearn"}
"""ceutils' ``clip=`` value for each mode of binary cross entropy."""


def ceutils_value(case: Case, precision: str, mode: str = "exact") -> float:
    """ceutils' result for ``case`` computed in ``precision`` (``mode`` only for BCE)."""
    a = cast(case, precision)
    f = case.function
    if mode != "exact" and f != "bce":
        raise ValueError(f"ceutils has no mode {mode!r} for {f}")
    if f == "sigmoid_ce":
        out = ceutils.binary_cross_entropy_with_logits(a[0], a[1], reduction="none")
    elif f == "bce":
        kw = {"clip": CEUTILS_CLIP[mode]} if mode != "exact" else {}
        out = ceutils.binary_cross_entropy(a[0], a[1], reduction="none", **kw)
    elif f == "softmax_ce":
        out = ceutils.softmax_cross_entropy(a[0], a[1], reduction="none")
    elif f == "sparse_softmax_ce":
        out = ceutils.sparse_softmax_cross_entropy(a[0], a[1], reduction="none")
    elif f == "logsumexp":
        out = ceutils.logsumexp(a[0])
    elif f == "entropy":
        out = ceutils.entropy(a[0])
    elif f == "kl_divergence":
        out = ceutils.kl_divergence(a[0], a[1])
    else:
        raise ValueError(f"unknown function {f!r}")
    out = np.asarray(out)
    if out.dtype != np.dtype(precision):
        raise AssertionError(f"ceutils returned {out.dtype} for {precision} input in {case}")
    return float(out.reshape(-1)[0])


# --------------------------------------------------------------------------- errors
def errors(value: float, exact_value) -> tuple[float, float]:
    """(absolute, relative) error of a float64 ``value`` against an mpf.

    An exact 0 or ±inf is matched only by the same value (relative error 0,
    otherwise inf); NaN is infinitely wrong.
    """
    if np.isnan(value):
        return float("inf"), float("inf")
    if mpmath.isinf(exact_value) or exact_value == 0:
        same = mpmath.mpf(value) == exact_value
        if mpmath.isinf(exact_value):
            return (0.0, 0.0) if same else (float("inf"), float("inf"))
        return abs(value), (0.0 if same else float("inf"))
    if np.isinf(value):
        return float("inf"), float("inf")
    with mpmath.workdps(DPS):
        d = abs(mpmath.mpf(value) - exact_value)
        return float(d), float(d / abs(exact_value))


def exact_str(v) -> str:
    if mpmath.isinf(v):
        return "inf" if v > 0 else "-inf"
    return mpmath.nstr(v, 25, min_fixed=1, max_fixed=0)


def parse_exact(s: str):
    with mpmath.workdps(DPS):
        return mpmath.mpf(s)


# --------------------------------------------------------------------------- libraries
def library_implementations() -> dict:
    """``{function: [(implementation, mode, callable(args, precision) -> array)]}``.

    Imports the libraries (TensorFlow last) the first time it is called.
    """
    import ceutils.adapters as A  # sets TensorFlow's logging variables before it loads

    A._tf()  # import TensorFlow now, not inside the first timed or measured call
    import keras
    import scipy.special
    import scipy.stats
    import tensorflow as tf
    import torch
    from sklearn.metrics import log_loss

    def t(a, dt):
        return torch.as_tensor(np.asarray(a, dtype=dt))

    def tfc(a, dt):
        return tf.constant(np.asarray(a, dtype=dt))

    def kt(a, dt):
        return keras.ops.convert_to_tensor(np.asarray(a, dtype=dt))

    def onehot_rows(a):
        return [np.asarray(a[0])[None, :]]

    return {
        "sigmoid_ce": [
            ("torch", "exact", lambda a, dt: A.torch_bce_with_logits(a[0], a[1], reduction="none",
                                                                      dtype=dt)),
            ("tensorflow", "exact", lambda a, dt: A.tf_sigmoid_cross_entropy_with_logits(
                a[0], a[1], dtype=dt)),
            ("keras", "exact", lambda a, dt: A.keras_binary_crossentropy(
                a[0][None, None], a[1][None, None], from_logits=True, dtype=dt)),
        ],
        "bce": [
            ("torch", "torch-clamp", lambda a, dt: A.torch_bce(a[0], a[1], reduction="none",
                                                               dtype=dt)),
            ("keras", "keras-epsilon", lambda a, dt: A.keras_binary_crossentropy(
                a[0][None, None], a[1][None, None], dtype=dt)),
            ("scikit-learn", "sklearn-eps", lambda a, dt: log_loss(
                [int(a[1])], np.asarray([a[0]], dtype=dt), labels=[0, 1])),
        ],
        "softmax_ce": [
            ("torch", "exact", lambda a, dt: A.torch_cross_entropy(
                a[0][None, :], a[1][None, :], reduction="none", dtype=dt)),
            ("tensorflow", "exact", lambda a, dt: A.tf_softmax_cross_entropy_with_logits(
                a[0], a[1], dtype=dt)),
            ("keras", "exact", lambda a, dt: A.keras_categorical_crossentropy(
                a[0][None, :], a[1][None, :], from_logits=True, dtype=dt)),
        ],
        "sparse_softmax_ce": [
            ("torch", "exact", lambda a, dt: A.torch_cross_entropy(
                a[0][None, :], np.array([a[1]]), reduction="none", dtype=dt)),
            ("tensorflow", "exact", lambda a, dt: A.tf_sparse_softmax_cross_entropy_with_logits(
                a[0][None, :], [a[1]], dtype=dt)),
            ("keras", "exact", lambda a, dt: A.keras_sparse_categorical_crossentropy(
                a[0][None, :], [a[1]], from_logits=True, dtype=dt)),
        ],
        "logsumexp": [
            ("torch", "exact", lambda a, dt: torch.logsumexp(t(a[0], dt), dim=-1).numpy()),
            ("tensorflow", "exact", lambda a, dt: tf.math.reduce_logsumexp(tfc(a[0], dt)).numpy()),
            ("keras", "exact", lambda a, dt: np.asarray(keras.ops.logsumexp(kt(a[0], dt)))),
            ("scipy", "exact", lambda a, dt: scipy.special.logsumexp(np.asarray(a[0], dt))),
        ],
        "entropy": [
            ("torch", "exact", lambda a, dt: A.torch_entropy(a[0], dtype=dt)),
            ("tensorflow", "exact", lambda a, dt: A.tf_entropy(a[0], dtype=dt)),
            ("scipy", "exact", lambda a, dt: scipy.stats.entropy(np.asarray(a[0], dt))),
        ],
        "kl_divergence": [
            ("torch", "exact", lambda a, dt: torch.nn.functional.kl_div(
                torch.log(t(a[1], dt)), t(a[0], dt), reduction="sum").numpy()),
            ("keras", "keras-epsilon", lambda a, dt: np.asarray(keras.losses.kl_divergence(
                kt(a[0], dt), kt(a[1], dt)))),
            ("scipy", "exact", lambda a, dt: scipy.special.rel_entr(
                np.asarray(a[0], dt), np.asarray(a[1], dt)).sum()),
        ],
    }


def library_versions() -> dict:
    names = {"numpy": ("numpy",), "mpmath": ("mpmath",), "scipy": ("scipy",),
             "scikit-learn": ("scikit-learn",), "torch": ("torch",),
             "tensorflow": ("tensorflow", "tensorflow-cpu"), "keras": ("keras",)}
    return {
        "python": platform.python_version(),
        **{name: package_version(*dists) for name, dists in names.items()},
        "ceutils": ceutils.__version__,
    }


# --------------------------------------------------------------------------- run
def _row(case, precision, impl, mode, value, note=""):
    e = exact(case, precision, mode)
    abs_err, rel_err = errors(value, e)
    return {"function": case.function, "case": case.case, "precision": precision,
            "implementation": impl, "mode": mode, "exact": exact_str(e), "value": repr(value),
            "abs_error": repr(abs_err), "rel_error": repr(rel_err), "note": note}


def _call(fn, *args) -> tuple[float, str]:
    """Run one implementation: (first value as float64, note). Errors become NaN + note."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            out = np.asarray(fn(*args), dtype=np.float64).reshape(-1)
            return float(out[0]), ""
        except Exception as exc:  # a library refusing the input is a result too
            return float("nan"), f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}"


def measure() -> list[dict]:
    libs = library_implementations()
    rows = []
    for case in grid():
        for precision in PRECISIONS:
            for mode in (CEUTILS_CLIP if case.function == "bce" else ["exact"]):
                value, note = _call(ceutils_value, case, precision, mode)
                rows.append(_row(case, precision, "ceutils", mode, value, note))
            for impl, mode, fn in libs[case.function]:
                value, note = _call(fn, cast(case, precision), precision)
                rows.append(_row(case, precision, impl, mode, value, note))
    return rows


def write_csv(rows: list[dict], path: Path = CSV_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def summary(rows: list[dict]) -> dict:
    """Largest relative error per function, implementation, mode and precision."""
    out: dict = {}
    for r in rows:
        key = f"{r['function']} | {r['implementation']} | {r['mode']} | {r['precision']}"
        out[key] = max(out.get(key, 0.0), float(r["rel_error"]))
    return dict(sorted(out.items()))


def plot(rows: list[dict], path: Path = PNG_PATH) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    impls = ["ceutils", "torch", "tensorflow", "keras", "scipy"]
    markers = {"ceutils": "o", "torch": "s", "tensorflow": "^", "keras": "v", "scipy": "D"}
    floor, ceil = 1e-18, 1e2
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), sharey=True)
    for ax, precision in zip(axes, PRECISIONS, strict=True):
        for i, impl in enumerate(impls):
            xs, ys = [], []
            for r in rows:
                if (r["precision"], r["implementation"], r["mode"]) != (precision, impl, "exact"):
                    continue
                j = FUNCTIONS.index(r["function"])
                err = float(r["rel_error"])
                tiny = float(np.finfo(precision).tiny)
                e = parse_exact(r["exact"])
                if not mpmath.isinf(e) and abs(e) < tiny and float(r["abs_error"]) < tiny:
                    err = 0.0  # the exact value underflows and the result is 0: nothing better
                xs.append(j + (i - 2) * 0.14)
                ys.append(min(max(err, floor), ceil))
            ax.scatter(xs, ys, marker=markers[impl], s=22, alpha=0.7, label=impl)
        eps = float(np.finfo(precision).eps)
        ax.axhline(eps, color="grey", lw=0.8, ls="--")
        ax.text(len(FUNCTIONS) - 0.5, eps * 1.6, f"{precision} eps", ha="right", fontsize=8)
        ax.set_yscale("log")
        ax.set_ylim(floor / 3, ceil * 3)
        ax.set_xticks(range(len(FUNCTIONS)), FUNCTIONS, rotation=30, ha="right")
        ax.set_title(f"{precision} inputs, exact mode")
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("relative error vs mpmath (1)")
    axes[1].legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


def main() -> int:
    rows = measure()
    write_csv(rows)
    meta = {
        "description": "Relative error against mpmath of each implementation on the grid "
                       "of benchmarks/accuracy.py; see accuracy.csv.",
        "mpmath_dps": DPS,
        "versions": library_versions(),
        "n_cases": {f: sum(c.function == f for c in grid()) for f in FUNCTIONS},
        "n_rows": len(rows),
        "max_rel_error": summary(rows),
    }
    JSON_PATH.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    plot(rows)
    print(f"wrote {len(rows)} rows to {CSV_PATH}, {JSON_PATH.name} and {PNG_PATH.name}")
    worst = {k: v for k, v in meta["max_rel_error"].items()
             if k.split(" | ")[1] == "ceutils" and k.endswith("float64")}
    for k, v in worst.items():
        print(f"  {k}: max rel. error {v:.3g}")
    for precision in PRECISIONS:
        counts = {k: len(v) for k, v in verdicts(rows, precision).items()}
        print(f"  ceutils against the best of PyTorch and TensorFlow, {precision}: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
