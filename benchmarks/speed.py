"""Speed of the softmax and sigmoid cross entropies, loss and gradient, on large float32 logits.

For ``C`` in {10, 1000, 32000} classes, ``N`` rows are chosen so that the
logits hold about 128 MiB. The implementations run in one process, one thread
each (the NumPy path is single-threaded, so every library gets the same),
alternating, ``REPEATS`` times after a warm-up that also checks that they agree.

``speed.csv``, the sparse softmax cross entropy (integer labels, ``"mean"``):

* ``ceutils``: ``sparse_softmax_cross_entropy`` then
  ``sparse_softmax_cross_entropy_grad`` (two passes over the logits);
* ``ceutils fused``: ``sparse_softmax_cross_entropy_and_grad`` (one);
* ``torch``: ``torch.nn.functional.cross_entropy`` + ``backward()``;
* ``tensorflow``: ``tf.nn.sparse_softmax_cross_entropy_with_logits`` +
  ``tf.reduce_mean`` under ``tf.GradientTape``;
* ``tensorflow fused kernel``: ``tf.raw_ops.SparseSoftmaxCrossEntropyWithLogits``,
  TensorFlow's one-pass kernel (per-row losses and the gradient of their sum,
  no mean: less work than the others do);
* ``exp floor``: one ``np.exp`` pass over the logits into a buffer allocated
  beforehand, the least any implementation must do.

``speed_fused.csv``, the other fused kernels against the same libraries:
``softmax`` (dense targets, a distribution per row; TensorFlow's
``tf.raw_ops.SoftmaxCrossEntropyWithLogits``) at the same ``C``, and
``sigmoid`` (``binary_cross_entropy_with_logits_and_grad`` against
``torch.nn.functional.binary_cross_entropy_with_logits`` + ``backward()`` and
TensorFlow's ``sigmoid_cross_entropy_with_logits`` under a tape; TensorFlow
has no fused sigmoid kernel) on logits of ``N`` by 1000.

Reported per implementation: the median, minimum and maximum wall time, the
ratios of the medians to PyTorch's, to TensorFlow's fused kernel and to the
exp floor, the ratios of the minima to PyTorch's and to TensorFlow's fused
kernel's, the process's system CPU time (time spent in the operating system,
``getrusage``) in the fastest and in the slowest run, the median number of
minor page faults per run (pages of memory the operating system supplied on
first use), and for the ceutils rows of ``speed.csv`` the peak memory they
allocate (``tracemalloc``) as a multiple of the logits. The machine's load
average before and after each size goes into ``speed.json``, with how noisy
the timings were (the slowest run over the fastest, per size) and whether
each fused kernel met :data:`GOALS`.

The goals are judged on the fastest runs. A run's time includes the
operating system's work for it, above all supplying the memory of the
arrays it returns, and that work varies with the state of the machine's
memory: a kernel whose runs are usually fast can have a series of runs
several times slower whose extra time is all system time. The fastest run
is the one least disturbed by the rest of the machine, which is why
Python's ``timeit`` documentation advises the minimum; the medians, and
the system time of the slowest run that shows where a slow run's time went,
are reported beside it.

Run from the repository root: ``python -m benchmarks.speed`` (about 4 minutes).
"""

from __future__ import annotations

import csv
import gc
import json
import os
import platform
import resource
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
FUSED_CSV_PATH = DATA / "speed_fused.csv"
JSON_PATH = DATA / "speed.json"

CLASSES = (10, 1000, 32000)
SIGMOID_WIDTH = 1000
TARGET_BYTES = 128 * 2**20
REPEATS = 15
REPEATS_FUSED = 15
THREADS = 1
SEED = 0
GOALS = {"ratio_to_torch_min": 0.5, "ratio_to_tf_fused_min": 1.0}
"""Each fused kernel's fastest run at most half PyTorch's fastest and at most TensorFlow's fused
kernel's fastest (the sigmoid, which TensorFlow has no fused kernel for: PyTorch's only)."""

TIMING_FIELDS = ("median_s", "min_s", "max_s", "ratio_to_torch", "ratio_to_torch_min",
                 "ratio_to_tf_fused", "ratio_to_tf_fused_min", "ratio_to_floor",
                 "fastest_system_s", "slowest_system_s", "page_faults")
FIELDS = ("classes", "rows", "logits_MiB", "implementation", *TIMING_FIELDS,
          "extra_memory_MiB", "extra_memory_over_logits")
FUSED_FIELDS = ("loss", "classes", "rows", "logits_MiB", "implementation", *TIMING_FIELDS)


def make_data(c: int) -> tuple[np.ndarray, np.ndarray]:
    n = TARGET_BYTES // (4 * c)
    rng = np.random.default_rng(SEED)
    x = rng.standard_normal((n, c), dtype=np.float32) * np.float32(3)
    y = rng.integers(0, c, size=n)
    return x, y


def time_alternating(impls: dict, repeats: int) -> dict[str, list[tuple[float, float, int]]]:
    """Each implementation run in turn ``repeats`` times: per run, ``(wall, system, faults)``.

    ``wall`` is the wall time in seconds, ``system`` the process's system CPU time
    in seconds and ``faults`` its minor page faults, both from ``getrusage``
    around the run.
    """
    runs = {name: [] for name in impls}
    for _ in range(repeats):
        for name, fn in impls.items():
            gc.collect()
            r0 = resource.getrusage(resource.RUSAGE_SELF)
            t0 = time.perf_counter()
            out = fn()
            wall = time.perf_counter() - t0
            r1 = resource.getrusage(resource.RUSAGE_SELF)
            runs[name].append((wall, r1.ru_stime - r0.ru_stime, r1.ru_minflt - r0.ru_minflt))
            del out
    return runs


def extra_memory(fn) -> int:
    """Peak bytes ``fn()`` allocates (tracemalloc), outside the timed runs."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        out = fn()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    del out
    return peak


def summarise(runs: dict[str, list[tuple[float, float, int]]]) -> dict[str, dict]:
    """Median, minimum, maximum, the ratios, system time and page faults of each implementation."""
    med = {k: statistics.median(w for w, _, _ in v) for k, v in runs.items()}
    low = {k: min(w for w, _, _ in v) for k, v in runs.items()}
    tf = "tensorflow fused kernel"
    out = {}
    for name, rs in runs.items():
        fastest, slowest = min(rs), max(rs)
        out[name] = {
            "median_s": round(med[name], 4), "min_s": round(low[name], 4),
            "max_s": round(slowest[0], 4),
            "ratio_to_torch": round(med[name] / med["torch"], 3),
            "ratio_to_torch_min": round(low[name] / low["torch"], 3),
            "ratio_to_tf_fused": round(med[name] / med[tf], 3) if tf in med else "",
            "ratio_to_tf_fused_min": round(low[name] / low[tf], 3) if tf in low else "",
            "ratio_to_floor": round(med[name] / med["exp floor"], 2),
            "fastest_system_s": round(fastest[1], 4), "slowest_system_s": round(slowest[1], 4),
            "page_faults": int(statistics.median(f for _, _, f in rs)),
        }
    return out


def goals_met(row: dict) -> bool:
    """Whether a fused kernel's row meets every goal that applies to it (:data:`GOALS`)."""
    return all(row[k] <= goal for k, goal in GOALS.items() if row.get(k, "") != "")


def noise(rows: list[dict]) -> dict[str, dict]:
    """How far apart the repeats of each size were: the slowest over the fastest run.

    For each loss and ``C``, the smallest and the largest ratio ``max_s / min_s``
    over the implementations, and which implementation had the largest.
    """
    out: dict[str, dict] = {}
    for r in rows:
        key = f"{r['loss']} C={r['classes']}"
        spread = round(r["max_s"] / r["min_s"], 2)
        o = out.setdefault(key, {"least": spread, "most": spread,
                                 "most_in": r["implementation"]})
        o["least"] = min(o["least"], spread)
        if spread > o["most"]:
            o["most"], o["most_in"] = spread, r["implementation"]
    return out


def main() -> int:
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(THREADS)
    tf.config.threading.set_inter_op_parallelism_threads(THREADS)
    import torch
    from threadpoolctl import threadpool_info, threadpool_limits

    torch.set_num_threads(THREADS)
    F = torch.nn.functional

    def torch_step(xt, target, loss_fn):
        def run():
            xt.grad = None
            loss = loss_fn(xt, target)
            loss.backward()
            return loss.detach().item(), xt.grad
        return run

    rows, fused_rows, load = [], [], {}
    with threadpool_limits(limits=THREADS):
        numpy_pools = [
            {k: p.get(k) for k in ("user_api", "internal_api", "num_threads")}
            for p in threadpool_info()
        ]
        # ---------------------------------------------------------------- sparse labels
        for c in CLASSES:
            x, y = make_data(c)
            floor_buf = np.empty_like(x)
            xt = torch.from_numpy(x).requires_grad_(True)
            xtf, ytf = tf.constant(x), tf.constant(y)

            def run_tf(xtf=xtf, ytf=ytf):
                with tf.GradientTape() as tape:
                    tape.watch(xtf)
                    loss = tf.reduce_mean(
                        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ytf, logits=xtf))
                return float(loss), tape.gradient(loss, xtf)

            impls = {
                "ceutils": lambda x=x, y=y: (ceutils.sparse_softmax_cross_entropy(x, y),
                                             ceutils.sparse_softmax_cross_entropy_grad(x, y)),
                "ceutils fused": lambda x=x, y=y: ceutils.sparse_softmax_cross_entropy_and_grad(
                    x, y),
                "torch": torch_step(xt, torch.from_numpy(y), F.cross_entropy),
                "tensorflow": run_tf,
                "tensorflow fused kernel": lambda xtf=xtf, ytf=ytf:
                    tf.raw_ops.SparseSoftmaxCrossEntropyWithLogits(features=xtf, labels=ytf),
                "exp floor": lambda x=x, b=floor_buf: np.exp(x, out=b),
            }
            # The warm-up proves the implementations agree.
            loss_f, grad_f = impls["ceutils fused"]()
            loss_s, grad_s = impls["ceutils"]()
            assert loss_f == loss_s and np.array_equal(grad_f, grad_s), c
            loss_t, grad_t = impls["torch"]()
            loss_tf, grad_tf = run_tf()
            raw_loss, raw_grad = impls["tensorflow fused kernel"]()
            for loss in (float(loss_f), loss_tf, float(np.mean(raw_loss))):
                assert abs(loss - loss_t) <= 1e-4 * abs(loss_t), (c, loss, loss_t)
            for g in (grad_f, grad_tf, raw_grad.numpy() / x.shape[0]):
                diff = np.max(np.abs(np.asarray(g) - grad_t.numpy()))
                assert diff <= 1e-6, (c, diff)
            impls["exp floor"]()
            del loss_f, grad_f, loss_s, grad_s, grad_t, grad_tf, raw_loss, raw_grad
            load[f"sparse C={c}, before"] = os.getloadavg()
            times = time_alternating(impls, REPEATS)
            load[f"sparse C={c}, after"] = os.getloadavg()
            memory = {name: extra_memory(impls[name]) for name in ("ceutils", "ceutils fused")}
            for name, s in summarise(times).items():
                peak = memory.get(name)
                rows.append({
                    "classes": c, "rows": x.shape[0], "logits_MiB": round(x.nbytes / 2**20, 1),
                    "implementation": name, **s,
                    "extra_memory_MiB": "" if peak is None else round(peak / 2**20, 1),
                    "extra_memory_over_logits": "" if peak is None else round(peak / x.nbytes, 3),
                })
                print(f"sparse  C={c:>6} {name:<24} median {s['median_s']:.4f} s "
                      f"(min {s['min_s']:.4f}, max {s['max_s']:.4f}); "
                      f"{s['ratio_to_torch']:.2f}x torch, {s['ratio_to_tf_fused']:.2f}x TF fused, "
                      f"{s['ratio_to_floor']:.1f}x the exp floor")
            del x, y, xt, xtf, ytf, impls, floor_buf
            gc.collect()
        # ---------------------------------------------------------------- dense targets
        for c in CLASSES:
            x, _ = make_data(c)
            probs = ceutils.softmax(np.random.default_rng(SEED + 1).standard_normal(
                x.shape, dtype=np.float32))
            floor_buf = np.empty_like(x)
            xt = torch.from_numpy(x).requires_grad_(True)
            xtf, ptf = tf.constant(x), tf.constant(probs)
            impls = {
                "ceutils fused": lambda x=x, p=probs: ceutils.softmax_cross_entropy_and_grad(x, p),
                "torch": torch_step(xt, torch.from_numpy(probs), F.cross_entropy),
                "tensorflow fused kernel": lambda xtf=xtf, ptf=ptf:
                    tf.raw_ops.SoftmaxCrossEntropyWithLogits(features=xtf, labels=ptf),
                "exp floor": lambda x=x, b=floor_buf: np.exp(x, out=b),
            }
            loss_f, grad_f = impls["ceutils fused"]()
            loss_t, grad_t = impls["torch"]()
            raw_loss, raw_grad = impls["tensorflow fused kernel"]()
            assert abs(float(loss_f) - loss_t) <= 1e-4 * abs(loss_t), c
            assert abs(float(np.mean(raw_loss)) - loss_t) <= 1e-4 * abs(loss_t), c
            for g in (grad_f, raw_grad.numpy() / x.shape[0]):
                assert np.max(np.abs(g - grad_t.numpy())) <= 1e-6, c
            del loss_f, grad_f, grad_t, raw_loss, raw_grad
            load[f"softmax C={c}, before"] = os.getloadavg()
            times = time_alternating(impls, REPEATS_FUSED)
            load[f"softmax C={c}, after"] = os.getloadavg()
            for name, s in summarise(times).items():
                fused_rows.append({"loss": "softmax", "classes": c, "rows": x.shape[0],
                                   "logits_MiB": round(x.nbytes / 2**20, 1),
                                   "implementation": name, **s})
                print(f"softmax C={c:>6} {name:<24} median {s['median_s']:.4f} s; "
                      f"{s['ratio_to_torch']:.2f}x torch, {s['ratio_to_tf_fused']:.2f}x TF "
                      f"fused, {s['ratio_to_floor']:.1f}x the floor")
            del x, probs, xt, xtf, ptf, impls, floor_buf
            gc.collect()
        # ---------------------------------------------------------------- sigmoid
        x, _ = make_data(SIGMOID_WIDTH)
        z = (np.random.default_rng(SEED + 2).uniform(size=x.shape) < 0.5).astype(np.float32)
        floor_buf = np.empty_like(x)
        xt = torch.from_numpy(x).requires_grad_(True)
        xtf, ztf = tf.constant(x), tf.constant(z)

        def run_tf_sigmoid():
            with tf.GradientTape() as tape:
                tape.watch(xtf)
                loss = tf.reduce_mean(
                    tf.nn.sigmoid_cross_entropy_with_logits(labels=ztf, logits=xtf))
            return float(loss), tape.gradient(loss, xtf)

        impls = {
            "ceutils fused": lambda: ceutils.binary_cross_entropy_with_logits_and_grad(x, z),
            "torch": torch_step(xt, torch.from_numpy(z), F.binary_cross_entropy_with_logits),
            "tensorflow": run_tf_sigmoid,
            "exp floor": lambda: np.exp(x, out=floor_buf),
        }
        loss_f, grad_f = impls["ceutils fused"]()
        loss_t, grad_t = impls["torch"]()
        loss_tf, grad_tf = run_tf_sigmoid()
        for loss in (float(loss_f), loss_tf):
            assert abs(loss - loss_t) <= 1e-4 * abs(loss_t), loss
        for g in (grad_f, np.asarray(grad_tf)):
            assert np.max(np.abs(g - grad_t.numpy())) <= 1e-9, "sigmoid"
        del loss_f, grad_f, grad_t, grad_tf
        load["sigmoid, before"] = os.getloadavg()
        times = time_alternating(impls, REPEATS_FUSED)
        load["sigmoid, after"] = os.getloadavg()
        for name, s in summarise(times).items():
            fused_rows.append({"loss": "sigmoid", "classes": x.shape[1], "rows": x.shape[0],
                               "logits_MiB": round(x.nbytes / 2**20, 1),
                               "implementation": name, **s})
            print(f"sigmoid {x.shape} {name:<24} median {s['median_s']:.4f} s; "
                  f"{s['ratio_to_torch']:.2f}x torch, {s['ratio_to_floor']:.1f}x the floor")

    for path, fields, data in ((CSV_PATH, FIELDS, rows), (FUSED_CSV_PATH, FUSED_FIELDS,
                                                          fused_rows)):
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            w.writeheader()
            w.writerows(data)

    fused = [{"loss": "sparse", **r} for r in rows if r["implementation"] == "ceutils fused"]
    fused += [r for r in fused_rows if r["implementation"] == "ceutils fused"]
    everything = [{"loss": "sparse", **r} for r in rows] + fused_rows
    meta = {
        "description": "Cross entropy forward + gradient on float32 logits, one thread, "
                       "implementations alternating; median, minimum and maximum of the "
                       "repeats after a warm-up, system CPU time and minor page faults per "
                       "run; goals judged on the fastest runs; see speed.csv and "
                       "speed_fused.csv.",
        "repeats": REPEATS,
        "repeats_fused": REPEATS_FUSED,
        "target_logits_MiB": TARGET_BYTES / 2**20,
        "goals": GOALS,
        "goals_met": {f"{r['loss']} C={r['classes']}": goals_met(r) for r in fused},
        "noise_max_over_min": noise(everything),
        "load_average_1_5_15_min": {k: [round(v, 2) for v in t] for k, t in load.items()},
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
    print(f"wrote {CSV_PATH}, {FUSED_CSV_PATH.name} and {JSON_PATH.name}; goals met: "
          f"{meta['goals_met']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
