"""Properties that must hold for every input, checked with hypothesis (1,000 cases each)."""

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ceutils

MANY = settings(max_examples=1000, deadline=None)

masses = arrays(np.float64, st.integers(2, 8), elements=st.floats(0.0, 1e3))
logit_rows = arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(2, 6)),
                    elements=st.floats(-1e4, 1e4))


def _normalise(m: np.ndarray) -> np.ndarray:
    assume(m.sum() > 0)
    return m / m.sum()


@MANY
@given(st.data())
def test_cross_entropy_is_entropy_plus_kl(data):
    n = data.draw(st.integers(2, 8))
    p = _normalise(data.draw(arrays(np.float64, n, elements=st.floats(0.0, 1e3))))
    q = _normalise(data.draw(arrays(np.float64, n, elements=st.floats(1e-3, 1e3))))
    h_pq = float(ceutils.cross_entropy(p, q))
    rhs = float(ceutils.entropy(p)) + float(ceutils.kl_divergence(p, q))
    assert np.isclose(h_pq, rhs, rtol=1e-10, atol=1e-12)


@MANY
@given(st.data())
def test_kl_non_negative_and_zero_only_at_equality(data):
    n = data.draw(st.integers(2, 8))
    p = _normalise(data.draw(arrays(np.float64, n, elements=st.floats(1e-6, 1e3))))
    q = _normalise(data.draw(arrays(np.float64, n, elements=st.floats(1e-6, 1e3))))
    kl = float(ceutils.kl_divergence(p, q))
    assert kl >= -1e-15
    assert float(ceutils.kl_divergence(p, p)) == 0.0
    if np.max(np.abs(p - q)) > 1e-3:
        assert kl > 0


@MANY
@given(logit_rows, st.floats(-1e4, 1e4))
def test_log_softmax_invariant_to_shift(x, c):
    shifted = x + c
    scale = max(1.0, float(np.abs(x).max()), abs(c))
    np.testing.assert_allclose(
        ceutils.log_softmax(shifted), ceutils.log_softmax(x), rtol=0, atol=1e-12 * scale
    )


@MANY
@given(logit_rows, st.data())
def test_sparse_labels_equal_one_hot_targets(x, data):
    n, c = x.shape
    labels = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    sparse = ceutils.sparse_softmax_cross_entropy(x, labels, reduction="none")
    dense = ceutils.softmax_cross_entropy(x, np.eye(c)[labels], reduction="none")
    # Both round logsumexp(x) - x_y, whose error is a few ulps of the largest |logit|.
    scale = max(1.0, float(np.abs(x).max()))
    np.testing.assert_allclose(sparse, dense, rtol=1e-13, atol=4 * np.spacing(scale))


@MANY
@given(logit_rows, st.data())
def test_results_finite_for_finite_inputs(x, data):
    n, c = x.shape
    labels = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    z = data.draw(arrays(np.float64, x.shape, elements=st.floats(0.0, 1.0)))
    p = data.draw(arrays(np.float64, x.shape, elements=st.floats(1e-300, 1.0 - 1e-16)))
    for value in (
        ceutils.logsumexp(x),
        ceutils.log_softmax(x),
        ceutils.softmax(x),
        ceutils.log_sigmoid(x),
        ceutils.sigmoid(x),
        ceutils.sparse_softmax_cross_entropy(x, labels, reduction="none"),
        ceutils.softmax_cross_entropy(x, ceutils.softmax(-x), reduction="none"),
        ceutils.binary_cross_entropy_with_logits(x, z, reduction="none"),
        ceutils.binary_cross_entropy(p, z, reduction="none"),
    ):
        assert np.all(np.isfinite(value))
    np.testing.assert_allclose(ceutils.softmax(x).sum(-1), 1.0, rtol=1e-12)


@MANY
@given(masses)
def test_entropy_bounds(m):
    p = _normalise(m)
    h = float(ceutils.entropy(p))
    assert -1e-15 <= h <= np.log(p.size) + 1e-12
