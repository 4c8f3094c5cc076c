"""Memory of every public function of ceutils at 10^7 elements, measured with tracemalloc.

Each function is called once on float64 inputs of 10^6 rows of 10 classes
(10^7 elements, 80 MB an array; labels are 10^6 int64), with its default
options and, where it has one, ``reduction="none"``. NumPy reports every
buffer it allocates to :mod:`tracemalloc`, so the peak of traced memory
during the call, less what was traced before it, is all the function
allocated: its result and its temporaries.

* ``peak``: that peak, result included;
* ``result``: the bytes of the arrays returned;
* ``temporaries``: ``peak - result``, what the function needed beside its
  result (the result is allocated before the work, so at the peak it is held
  in full);
* each as a multiple of the largest input (``*_over_largest_input``).

The goal: temporaries at most 2x the largest input for every function.

Output, in ceutils' package data (read by :mod:`ceutils.results`):
``memory.csv`` (one row per function and options) and ``memory.json`` (the
sizes, the definition, versions). Run from the repository root:
``python -m benchmarks.memory`` (about half a minute, most of it the 2·10^7
calls of ``numerical_gradient``).
"""

from __future__ import annotations

import csv
import gc
import inspect
import json
import platform
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import ceutils
from ceutils.provenance import package_version

DATA = Path(ceutils.__file__).resolve().parent / "data"
CSV_PATH = DATA / "memory.csv"
JSON_PATH = DATA / "memory.json"

ROWS, CLASSES = 10**6, 10
GOAL = 2.0
"""Temporaries allowed, as a multiple of the largest input."""

FIELDS = ("function", "options", "elements", "largest_input_MiB", "peak_MiB", "result_MiB",
          "temporaries_MiB", "peak_over_largest_input", "temporaries_over_largest_input",
          "seconds")


@dataclass
class Call:
    function: str
    args: tuple
    options: dict = field(default_factory=dict)

    @property
    def largest_input(self) -> int:
        return max(a.nbytes for a in self.args if isinstance(a, np.ndarray))


def inputs(rows: int = ROWS, classes: int = CLASSES, seed: int = 0) -> dict[str, np.ndarray]:
    """Arrays of ``rows`` by ``classes`` for every kind of argument (labels: ``rows`` ints)."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(size=(rows, classes))
    dist = p / p.sum(axis=1, keepdims=True)
    return {
        "logits": rng.standard_normal((rows, classes)),
        "probs": p,
        "dist": dist,
        "dist2": dist[::-1].copy(),
        "targets": rng.uniform(size=(rows, classes)),
        "labels": rng.integers(0, classes, rows),
    }


def calls(rows: int = ROWS, classes: int = CLASSES) -> list[Call]:
    """Every public function with typical arguments, default options and ``"none"``."""
    a = inputs(rows, classes)
    x, t = a["logits"], a["targets"]
    args = {
        "information": (a["probs"],), "entropy": (a["dist"],),
        "kl_divergence": (a["dist"], a["dist2"]), "cross_entropy": (a["dist"], a["dist2"]),
        "xlogy": (a["probs"], t), "two_outcomes": (a["probs"],),
        "sigmoid": (x,), "log_sigmoid": (x,), "softmax": (x,), "log_softmax": (x,),
        "logsumexp": (x,),
        "binary_cross_entropy": (a["probs"], t),
        "categorical_cross_entropy": (a["dist"], a["dist2"]),
        "numerical_gradient": (lambda v: 0.0, x),
    }
    for name in ("binary_cross_entropy_with_logits", "sigmoid_squared_error"):
        for suffix in ("", "_grad", "_and_grad"):
            args[name + suffix] = (x, t)
    for suffix in ("", "_grad", "_and_grad"):
        args["softmax_cross_entropy" + suffix] = (x, a["dist"])
        args["sparse_softmax_cross_entropy" + suffix] = (x, a["labels"])
    out = []
    for name in ceutils.__all__:
        fn = getattr(ceutils, name)
        if not inspect.isfunction(fn) or name == "versions":
            continue
        out.append(Call(name, args[name]))
        if "reduction" in inspect.signature(fn).parameters:
            out.append(Call(name, args[name], {"reduction": "none"}))
    return out


def _nbytes(result) -> int:
    if isinstance(result, tuple):
        return sum(_nbytes(r) for r in result)
    return np.asarray(result).nbytes


def measure(call: Call) -> dict:
    """One call under tracemalloc: its row of ``memory.csv``."""
    fn = getattr(ceutils, call.function)
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        t0 = time.perf_counter()
        result = fn(*call.args, **call.options)
        seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    big, res = call.largest_input, _nbytes(result)
    mib = 2.0**20
    return {
        "function": call.function,
        "options": ", ".join(f"{k}={v!r}" for k, v in call.options.items()),
        "elements": int(np.asarray(call.args[-1] if call.function == "numerical_gradient"
                                   else call.args[0]).size),
        "largest_input_MiB": round(big / mib, 2),
        "peak_MiB": round(peak / mib, 2),
        "result_MiB": round(res / mib, 2),
        "temporaries_MiB": round((peak - res) / mib, 2),
        "peak_over_largest_input": round(peak / big, 3),
        "temporaries_over_largest_input": round((peak - res) / big, 3),
        "seconds": round(seconds, 3),
    }


def main() -> int:
    rows = []
    for call in calls():
        row = measure(call)
        rows.append(row)
        print(f"{row['function']:<42} {row['options']:<20} temporaries "
              f"{row['temporaries_over_largest_input']:5.2f}x, peak "
              f"{row['peak_over_largest_input']:5.2f}x the largest input ({row['seconds']:.2f} s)")
    with CSV_PATH.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    meta = {
        "description": "Memory each public function allocates (tracemalloc), float64 inputs "
                       f"of {ROWS} rows x {CLASSES} classes; see memory.csv and "
                       "benchmarks/memory.py for the definitions.",
        "rows": ROWS, "classes": CLASSES, "dtype": "float64",
        "goal_temporaries_over_largest_input": GOAL,
        "worst": max(rows, key=lambda r: r["temporaries_over_largest_input"]),
        "versions": {"python": platform.python_version(), "numpy": package_version("numpy"),
                     "ceutils": ceutils.__version__},
    }
    JSON_PATH.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    worst = meta["worst"]
    print(f"wrote {CSV_PATH} and {JSON_PATH.name}; the most temporaries: {worst['function']} "
          f"({worst['options'] or 'defaults'}), {worst['temporaries_over_largest_input']}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
