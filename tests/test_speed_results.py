"""The committed speed results are complete, consistent, and meet the fused kernel's goals.

``speed.csv``, ``speed_fused.csv`` and ``speed.json`` in ceutils' package data
are written by ``benchmarks/speed.py`` (``make bench``); timing is not repeated
here. Goals, for each fused kernel on float32 logits, one thread, in the same
run: a fastest run at most half PyTorch's fastest forward and backward, and no
slower than TensorFlow's fused kernel's fastest
(``sparse_softmax_cross_entropy_and_grad`` and
``softmax_cross_entropy_and_grad`` at every C; the sigmoid's
``binary_cross_entropy_with_logits_and_grad``, which TensorFlow has no fused
kernel for, against PyTorch only). Why the fastest runs: see the docstring of
``benchmarks/speed.py``.
"""

import pytest

from benchmarks import speed
from ceutils import results

ROWS = results.speed_rows()
FUSED_ROWS = results.speed_fused_rows()
META = results.speed_metadata()
SPARSE = ("ceutils", "ceutils fused", "torch", "tensorflow", "tensorflow fused kernel",
          "exp floor")


def _by(rows, *keys):
    return {tuple(r[k] for k in keys): r for r in rows}


def test_every_size_and_implementation_was_measured():
    assert {(int(r["classes"]), r["implementation"]) for r in ROWS} == {
        (c, i) for c in speed.CLASSES for i in SPARSE}
    assert {(r["loss"], r["implementation"]) for r in FUSED_ROWS} == {
        *(("softmax", i) for i in ("ceutils fused", "torch", "tensorflow fused kernel",
                                   "exp floor")),
        *(("sigmoid", i) for i in ("ceutils fused", "torch", "tensorflow", "exp floor"))}
    assert META["repeats"] >= 5 and META["repeats_fused"] >= 5
    threads = META["threads"]
    assert threads["torch.get_num_threads"] == threads["tf_intra_op"] == speed.THREADS
    assert threads["tf_inter_op"] == speed.THREADS
    assert all(p["num_threads"] == speed.THREADS
               for p in threads["numpy_threadpools (threadpoolctl, during the runs)"])


FUSED = [("sparse", c) for c in speed.CLASSES] + [("softmax", c) for c in speed.CLASSES] + [
    ("sigmoid", speed.SIGMOID_WIDTH)]


@pytest.mark.parametrize("loss, c", FUSED, ids=[f"{loss}-C={c}" for loss, c in FUSED])
def test_fused_kernel_meets_the_goals(loss, c):
    rows = ROWS if loss == "sparse" else [r for r in FUSED_ROWS if r["loss"] == loss]
    row = _by(rows, "classes", "implementation")[str(c), "ceutils fused"]
    goals = {k: v for k, v in speed.GOALS.items()
             if loss != "sigmoid" or k == "ratio_to_torch_min"}
    assert set(goals) <= set(row) and all(row[k] != "" for k in goals)
    for key, goal in goals.items():
        assert float(row[key]) <= goal, (key, row)
    assert META["goals_met"][f"{loss} C={c}"] is True


def test_noise_is_recorded_for_every_size():
    assert set(META["noise_max_over_min"]) == {f"{loss} C={c}" for loss, c in FUSED}
    for spread in META["noise_max_over_min"].values():
        assert 1 <= spread["least"] <= spread["most"]


@pytest.mark.parametrize("rows", [ROWS, FUSED_ROWS], ids=["speed", "speed_fused"])
def test_ratios_are_those_of_the_times(rows):
    groups = {}
    for r in rows:
        groups.setdefault((r.get("loss"), r["classes"]), {})[r["implementation"]] = r
    for impls in groups.values():
        torch, floor = impls["torch"], impls["exp floor"]
        for r in impls.values():
            assert float(r["min_s"]) <= float(r["median_s"]) <= float(r["max_s"])
            assert abs(float(r["ratio_to_torch"])
                       - float(r["median_s"]) / float(torch["median_s"])) <= 0.01
            assert abs(float(r["ratio_to_torch_min"])
                       - float(r["min_s"]) / float(torch["min_s"])) <= 0.01
            tf_fused = impls.get("tensorflow fused kernel")
            if tf_fused is not None:
                assert abs(float(r["ratio_to_tf_fused"])
                           - float(r["median_s"]) / float(tf_fused["median_s"])) <= 0.01
                assert abs(float(r["ratio_to_tf_fused_min"])
                           - float(r["min_s"]) / float(tf_fused["min_s"])) <= 0.01
            else:
                assert r["ratio_to_tf_fused"] == r["ratio_to_tf_fused_min"] == ""
            assert abs(float(r["ratio_to_floor"])
                       - float(r["median_s"]) / float(floor["median_s"])) <= 0.02 * float(
                r["ratio_to_floor"])


def test_fused_kernel_needs_no_more_memory_than_its_gradient():
    for r in ROWS:
        if r["implementation"].startswith("ceutils"):
            assert float(r["extra_memory_over_logits"]) <= 1.1, r


@pytest.mark.parametrize("rows", [ROWS, FUSED_ROWS], ids=["speed", "speed_fused"])
def test_system_time_and_page_faults_are_recorded(rows):
    for r in rows:
        assert 0 <= float(r["fastest_system_s"]) and 0 <= float(r["slowest_system_s"])
        # a run's system CPU time is part of it; TensorFlow's threads may add a little
        assert float(r["slowest_system_s"]) <= 2 * float(r["max_s"]) + 0.01, r
        assert int(r["page_faults"]) >= 0
