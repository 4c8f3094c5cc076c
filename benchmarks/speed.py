"""Speed of softmax cross entropy, forward and gradient, on large float32 logits.

For ``C`` in {10, 1000, 32000} classes, ``N`` rows are chosen so that the
logits hold about 128 MB. Three implementations run in one process, alternating,
each with one thread (the NumPy path is single-threaded, so every library gets
the same thread count):

* ceutils: ``sparse_softmax_cross_entropy`` (forward) and
  ``sparse_softmax_cross_entropy_grad`` (gradient), both with ``reduction="mean"``;
* PyTorch: ``torch.nn.functional.cross_entropy`` + ``backward()``;
* TensorFlow: ``tf.nn.sparse_softmax_cross_entropy_with_logits`` + ``tf.reduce_mean``
  under ``tf.GradientTape``.

Reported: the median wall time of ``REPEATS`` runs after one warm-up, the ratio
of each to PyTorch's, and the peak memory the NumPy path allocates beyond the
logits and labels (``tracemalloc``, which NumPy reports its buffers to), as a
multiple of the logits' size. Results, in ceutils' package data (read by
:mod:`ceutils.results`): ``ceutils/data/speed.csv`` and ``speed.json`` (thread
counts, versions, machine).

Run from the repository root: ``python -m benchmarks.speed`` (about 2 minutes).
"""

from __future__ import annotations

import csv
import gc
import json
import os
import platform
import statistics
import time
import tracemalloc
from pathlib import Path

import numpy as np

import ceutils
import ceutils.adapters  # sets TensorFlow's logging variables before main() imports it
from ceutils.provenance import package_version

DATA = Path(ceutils.__file__).resolve().parent / "data"
CSV_PATH = DATA / "speed.csv"
JSON_PATH = DATA / "speed.json"

CLASSES = (10, 1000, 32000)
TARGET_BYTES = 128 * 2**20
REPEATS = 5
THREADS = 1
SEED = 0
FIELDS = ("classes", "rows", "logits_MB", "implementation", "median_s", "min_s", "max_s",
          "ratio_to_torch", "extra_memory_MB", "extra_memory_over_logits")


def make_data(c: int) -> tuple[np.ndarray, np.ndarray]:
    n = TARGET_BYTES // (4 * c)
    rng = np.random.default_rng(SEED)
    x = rng.standard_normal((n, c), dtype=np.float32) * np.float32(3)
    y = rng.integers(0, c, size=n)
    return x, y


def main() -> int:
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(THREADS)
    tf.config.threading.set_inter_op_parallelism_threads(THREADS)
    import torch
    from threadpoolctl import threadpool_info, threadpool_limits

    torch.set_num_threads(THREADS)

    def run_ceutils(x, y, _t, _tf):
        loss = ceutils.sparse_softmax_cross_entropy(x, y)
        g = ceutils.sparse_softmax_cross_entropy_grad(x, y)
        return float(loss), g

    def run_torch(_x, _y, t, _tf):
        xt, yt = t
        xt.grad = None
        loss = torch.nn.functional.cross_entropy(xt, yt)
        loss.backward()
        return loss.detach().item(), xt.grad

    def run_tf(_x, _y, _t, tft):
        xt, yt = tft
        with tf.GradientTape() as tape:
            tape.watch(xt)
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=yt, logits=xt))
        g = tape.gradient(loss, xt)
        return float(loss), g

    impls = {"ceutils": run_ceutils, "torch": run_torch, "tensorflow": run_tf}
    rows = []
    with threadpool_limits(limits=THREADS):
        numpy_pools = [
            {k: p.get(k) for k in ("user_api", "internal_api", "num_threads")}
            for p in threadpool_info()
        ]
        for c in CLASSES:
            x, y = make_data(c)
            t = (torch.from_numpy(x).requires_grad_(True), torch.from_numpy(y))
            tft = (tf.constant(x), tf.constant(y))
            # Correctness first (and the warm-up): the three agree.
            results = {name: fn(x, y, t, tft) for name, fn in impls.items()}
            ref_loss, ref_g = results["torch"]
            for name, (loss, g) in results.items():
                assert abs(loss - ref_loss) <= 1e-4 * abs(ref_loss), (name, loss, ref_loss)
                diff = np.max(np.abs(np.asarray(g) - np.asarray(ref_g)))
                assert diff <= 1e-6, (name, c, diff)
            del results, ref_g
            times = {name: [] for name in impls}
            for _ in range(REPEATS):
                for name, fn in impls.items():
                    gc.collect()
                    t0 = time.perf_counter()
                    out = fn(x, y, t, tft)
                    times[name].append(time.perf_counter() - t0)
                    del out
            # Peak extra memory of the NumPy path, outside the timed runs.
            gc.collect()
            tracemalloc.start()
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            out = run_ceutils(x, y, t, tft)
            peak = tracemalloc.get_traced_memory()[1] - base
            tracemalloc.stop()
            del out
            torch_median = statistics.median(times["torch"])
            for name, ts in times.items():
                med = statistics.median(ts)
                rows.append({
                    "classes": c, "rows": x.shape[0], "logits_MB": round(x.nbytes / 2**20, 1),
                    "implementation": name, "median_s": round(med, 4),
                    "min_s": round(min(ts), 4), "max_s": round(max(ts), 4),
                    "ratio_to_torch": round(med / torch_median, 3),
                    "extra_memory_MB": round(peak / 2**20, 1) if name == "ceutils" else "",
                    "extra_memory_over_logits": round(peak / x.nbytes, 3)
                    if name == "ceutils" else "",
                })
                print(f"C={c:>6} N={x.shape[0]:>8} {name:<11} median {med:.4f} s "
                      f"({med / torch_median:.2f}x torch)"
                      + (f", extra memory {peak / x.nbytes:.2f}x logits" if name == "ceutils"
                         else ""))
            del x, y, t, tft
            gc.collect()

    with CSV_PATH.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)

    meta = {
        "description": "Softmax cross entropy forward + gradient on float32 logits; "
                       "median of repeats after a warm-up; see speed.csv.",
        "repeats": REPEATS,
        "target_logits_MB": TARGET_BYTES / 2**20,
        "threads": {
            "torch.get_num_threads": torch.get_num_threads(),
            "tf_intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
            "tf_inter_op": tf.config.threading.get_inter_op_parallelism_threads(),
            "numpy_threadpools (threadpoolctl, during the runs)": numpy_pools,
            "numpy_elementwise": "single-threaded",
        },
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine()},
        "versions": {"python": platform.python_version(),
                     "numpy": package_version("numpy"), "torch": package_version("torch"),
                     "tensorflow": package_version("tensorflow", "tensorflow-cpu"),
                     "threadpoolctl": package_version("threadpoolctl"),
                     "ceutils": ceutils.__version__},
    }
    JSON_PATH.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {CSV_PATH} and {JSON_PATH.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
