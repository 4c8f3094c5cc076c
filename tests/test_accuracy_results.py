"""The committed accuracy results meet the goals and are those of the current code.

``accuracy.csv`` in ceutils' package data is produced by ``benchmarks/accuracy.py``
(``make bench``) and read through :mod:`ceutils.results`. These tests read it,
and recompute what is cheap to recompute
(mpmath's exact values and ceutils' own results, no other library), so that the
committed file cannot drift from the grid, from mpmath or from ceutils.

Goals (float64, exact mode, every grid point):

* relative error <= 1e-15, or absolute error <= 1e-300 where the exact value
  underflows float64 (is below its smallest normal number);
* finite wherever the exact value is finite;
* never less accurate than the best of PyTorch and TensorFlow: no "lose" among
  :func:`ceutils.results.verdicts`, where two results within one unit in the
  last place (ulp) of the exact value count as a tie. Below one ulp the
  comparison measures rounding luck, not the formula (the appendix of
  benchmarks counts the points where a library is the closer neighbour).
  Results of an adapter outside its domain (:func:`ceutils.results.outside_domain`)
  are not compared.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from benchmarks import accuracy as acc
from ceutils import results

ROWS = results.accuracy_rows()
CASES = {(c.function, c.case): c for c in acc.grid()}
TINY64 = float(np.finfo(np.float64).tiny)


def _ceutils_rows(precision=None, mode=None):
    return [r for r in ROWS if r["implementation"] == "ceutils"
            and (precision is None or r["precision"] == precision)
            and (mode is None or r["mode"] == mode)]


def test_results_cover_exactly_the_current_grid():
    expected = set()
    for c in acc.grid():
        for precision in acc.PRECISIONS:
            for mode in (acc.CEUTILS_CLIP if c.function == "bce" else ["exact"]):
                expected.add((c.function, c.case, precision, mode))
    got = {(r["function"], r["case"], r["precision"], r["mode"]) for r in _ceutils_rows()}
    assert got == expected, (sorted(expected - got)[:5], sorted(got - expected)[:5])
    assert {(r["function"], r["case"]) for r in ROWS} <= set(CASES)


def test_exact_values_are_mpmath_at_50_digits():
    for r in ROWS:
        e = acc.exact(CASES[r["function"], r["case"]], r["precision"], r["mode"])
        stored = acc.parse_exact(r["exact"])
        if mpmath.isinf(e) or e == 0:
            assert stored == e, r
        else:
            assert abs(stored - e) <= abs(e) * mpmath.mpf("1e-22"), r


def test_exact_values_do_not_depend_on_the_working_precision():
    # 50 digits are enough because exact() evaluates cancellation-free forms.
    for c in acc.grid():
        for mode in (acc.MODES if c.function == "bce" else ["exact"]):
            e50 = acc.exact(c, "float64", mode)
            with mpmath.workdps(100):
                saved, acc.DPS = acc.DPS, 100
                try:
                    e100 = acc.exact(c, "float64", mode)
                finally:
                    acc.DPS = saved
            if mpmath.isinf(e100) or e100 == 0:
                assert e50 == e100, (c, mode)
            else:
                assert abs(e50 - e100) <= abs(e100) * mpmath.mpf("1e-40"), (c, mode)


@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_ceutils_values_are_those_of_the_current_code(precision):
    tol = 4 * float(np.finfo(precision).eps)
    for r in _ceutils_rows(precision):
        now = acc.ceutils_value(CASES[r["function"], r["case"]], precision, r["mode"])
        stored = float(r["value"])
        if math.isfinite(now) and math.isfinite(stored):
            assert abs(now - stored) <= tol * abs(now), (r, now)
        else:
            assert now == stored or (math.isnan(now) and math.isnan(stored)), (r, now)


def test_errors_are_recomputed_from_the_stored_values():
    for r in ROWS:
        e = acc.exact(CASES[r["function"], r["case"]], r["precision"], r["mode"])
        abs_err, rel_err = acc.errors(float(r["value"]), e)
        for got, want in ((float(r["abs_error"]), abs_err), (float(r["rel_error"]), rel_err)):
            assert got == want or math.isclose(got, want, rel_tol=1e-12), r


def test_ceutils_float64_within_1e15_or_underflow():
    bad = []
    for r in _ceutils_rows("float64", "exact"):
        e = acc.parse_exact(r["exact"])
        rel, ab = float(r["rel_error"]), float(r["abs_error"])
        underflows = not mpmath.isinf(e) and abs(e) < TINY64
        if not (rel <= 1e-15 or (underflows and ab <= 1e-300)):
            bad.append((r["function"], r["case"], r["value"], r["exact"], rel))
    assert not bad, bad


def test_ceutils_float64_finite_wherever_the_exact_value_is():
    for r in _ceutils_rows("float64", "exact"):
        if not mpmath.isinf(acc.parse_exact(r["exact"])):
            assert math.isfinite(float(r["value"])), r


def test_ceutils_float64_never_less_accurate_than_torch_and_tensorflow():
    v = results.verdicts(ROWS, "float64")
    assert sum(len(points) for points in v.values()) >= 80
    assert not v["lose"], v["lose"]


@pytest.mark.parametrize("mode, library", [("keras-epsilon", "keras"), ("torch-clamp", "torch"),
                                           ("sklearn-eps", "scikit-learn")])
def test_ceutils_compat_modes_as_accurate_as_the_library_they_reproduce(mode, library):
    # float64 only: in float32 ceutils and Keras round log(1 - 1e-7) two float32 ulps apart.
    v = results.verdicts(ROWS, "float64", mode, rivals=(library,))
    assert len(v["win"]) + len(v["tie"]) == sum(c.function == "bce" for c in acc.grid())
    assert not v["lose"], v["lose"]


def test_case_arguments_read_back_every_grid_point():
    for c in acc.grid():
        values = tuple(results.case_arguments(c.case).values())
        assert len(values) == len(c.args), c
        for got, want in zip(values, c.args, strict=True):
            assert np.array_equal(np.asarray(got), np.asarray(want)), (c, got, want)
            assert isinstance(got, int) == isinstance(want, int), c
    with pytest.raises(ValueError, match="case must read"):
        results.case_arguments("no arguments")


def test_outside_domain_is_exactly_where_the_tf_entropy_adapter_gives_nan():
    # The rule reads the input; the results record what the adapter returned.
    outside = {(r["case"], r["precision"]) for r in ROWS if results.outside_domain(r)}
    nan = {(r["case"], r["precision"]) for r in ROWS
           if (r["function"], r["implementation"]) == ("entropy", "tensorflow")
           and math.isnan(float(r["value"]))}
    assert outside == nan and len(outside) >= 4
    assert ("p=[1.0, 1e-300]", "float32") in outside  # 1e-300 is 0 in float32 only
    assert ("p=[1.0, 1e-300]", "float64") not in outside


def test_verdicts_follow_the_ulp_rule():
    def row(impl, abs_error, exact="1.0", precision="float64"):
        return {"function": "f", "case": "c", "precision": precision, "mode": "exact",
                "implementation": impl, "exact": exact, "abs_error": repr(abs_error)}

    ulp = float(np.spacing(1.0))
    for ours, best, verdict in ((0.0, 2 * ulp, "win"), (ulp, 0.0, "tie"),
                                (3 * ulp, ulp, "lose"), (0.0, ulp, "tie")):
        v = results.verdicts([row("ceutils", ours), row("torch", best)], "float64")
        assert [k for k, points in v.items() if points] == [verdict], (ours, best)
    # An exact value below float64's smallest normal number, matched by a result as small:
    # nothing better is representable, so it counts as exact.
    v = results.verdicts([row("ceutils", 1e-310, exact="2e-310"), row("torch", 0.0)], "float64")
    assert v["tie"]


def test_verdicts_skip_a_rival_outside_its_domain():
    def row(impl, abs_error, case):
        return {"function": "entropy", "case": case, "precision": "float64", "mode": "exact",
                "implementation": impl, "exact": "0.0", "abs_error": repr(abs_error)}

    zero = "p=[1.0, 0.0]"
    only_tf = [row("ceutils", 0.0, zero), row("tensorflow", float("inf"), zero)]
    assert results.verdicts(only_tf, "float64") == {"win": [], "tie": [], "lose": []}
    with_torch = [*only_tf, row("torch", 0.0, zero)]
    assert len(results.verdicts(with_torch, "float64")["tie"]) == 1
    inside = "p=[1.0, 1e-300]"  # no zero in float64: TensorFlow's error counts
    v = results.verdicts([row("ceutils", 0.0, inside), row("tensorflow", 1.0, inside)], "float64")
    assert len(v["win"]) == 1


def test_metadata_records_the_versions():
    meta = results.accuracy_metadata()
    assert meta["mpmath_dps"] == acc.DPS
    for lib in ("numpy", "mpmath", "torch", "tensorflow", "keras", "scikit-learn", "scipy"):
        assert meta["versions"][lib] != "not installed", lib
    assert meta["n_rows"] == len(ROWS)
    assert results.accuracy_figure()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(results.accuracy_figure()) > 10_000
