"""No public function allocates more than twice its largest input beside its result.

``memory.csv`` in ceutils' package data is written by ``benchmarks/memory.py``
(``make bench``) at 10^7 elements; these tests read it, and measure every
function again at 10^6 elements (numerical_gradient at 10^4), where a block's
scratch space is still small next to the input.
"""

import pytest

from benchmarks import memory
from ceutils import results

ROWS = results.memory_rows()
CALLS = memory.calls(rows=10, classes=10)


def _key(call):
    return call.function, ", ".join(f"{k}={v!r}" for k, v in call.options.items())


def test_committed_results_cover_every_function_and_reduction():
    assert {(r["function"], r["options"]) for r in ROWS} == {_key(c) for c in CALLS}
    assert all(int(r["elements"]) == memory.ROWS * memory.CLASSES for r in ROWS)
    assert results.memory_metadata()["goal_temporaries_over_largest_input"] == memory.GOAL


@pytest.mark.parametrize("row", ROWS, ids=[" ".join(_key_row) for _key_row in
                                           ((r["function"], r["options"]) for r in ROWS)])
def test_committed_temporaries_within_the_goal(row):
    assert float(row["temporaries_over_largest_input"]) <= memory.GOAL
    # The columns agree with one another.
    peak, result, temps = (float(row[k]) for k in ("peak_MiB", "result_MiB", "temporaries_MiB"))
    assert abs(peak - result - temps) <= 0.02


@pytest.mark.parametrize("call", memory.calls(rows=10**5), ids=[" ".join(_key(c)).strip()
                                                                for c in CALLS])
def test_temporaries_within_the_goal_now(call):
    if call.function == "numerical_gradient":  # 2·10^6 calls of f would take seconds
        call = memory.Call(call.function, (call.args[0], call.args[1][:1000]))
    row = memory.measure(call)
    assert row["temporaries_over_largest_input"] <= memory.GOAL, row
