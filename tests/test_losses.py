"""Losses against scikit-learn, PyTorch and TensorFlow, in float64 and float32."""

import numpy as np
import pytest
from sklearn.metrics import log_loss
from tolerances import rtol_for

import ceutils
from ceutils import adapters as A

N, C = 8, 5


def _fixed_inputs():
    rng = np.random.default_rng(11)
    return (rng.normal(scale=3.0, size=(N, C)), rng.uniform(0.01, 0.99, size=(N, C)),
            (rng.uniform(size=(N, C)) < 0.5).astype(float), rng.uniform(size=(N, C)),
            rng.integers(0, C, size=N), rng.dirichlet(np.ones(C), size=N),
            rng.uniform(0.2, 3.0, size=C))


LOGITS, PROBS, BINARY, SOFT, LABELS, DIST, WEIGHT = _fixed_inputs()


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_bce_matches_torch(dtype, reduction):
    for targets in (BINARY, SOFT):
        got = ceutils.binary_cross_entropy(
            PROBS.astype(dtype), targets.astype(dtype), reduction=reduction
        )
        ref = A.torch_bce(PROBS, targets, reduction=reduction, dtype=np.dtype(dtype).name)
        np.testing.assert_allclose(got, ref, rtol=rtol_for(dtype))


def test_bce_weight_matches_torch(rng):
    w = rng.uniform(size=(N, C))
    got = ceutils.binary_cross_entropy(PROBS, BINARY, weight=w)
    np.testing.assert_allclose(got, A.torch_bce(PROBS, BINARY, weight=w), rtol=1e-12)


def test_bce_matches_sklearn_and_keras():
    p, y = PROBS[:, 0], BINARY[:, 0]
    np.testing.assert_allclose(ceutils.binary_cross_entropy(p, y), log_loss(y, p), rtol=1e-12)
    # Keras clips to [1e-7, 1 - 1e-7], which does not act on these probabilities.
    np.testing.assert_allclose(
        ceutils.binary_cross_entropy(PROBS, BINARY, reduction="none").mean(-1),
        A.keras_binary_crossentropy(PROBS, BINARY),
        rtol=1e-6,
    )


def test_bce_honest_infinity_and_exact_zero():
    assert ceutils.binary_cross_entropy([0.0], [1.0]) == np.inf
    assert ceutils.binary_cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_bce_with_logits_matches_torch_and_tf(dtype, reduction):
    name = np.dtype(dtype).name
    got = ceutils.binary_cross_entropy_with_logits(
        LOGITS.astype(dtype), SOFT.astype(dtype), reduction=reduction
    )
    ref = A.torch_bce_with_logits(LOGITS, SOFT, reduction=reduction, dtype=name)
    np.testing.assert_allclose(got, ref, rtol=rtol_for(dtype))
    if reduction == "none":
        tf_ref = A.tf_sigmoid_cross_entropy_with_logits(LOGITS, SOFT, dtype=name)
        np.testing.assert_allclose(got, tf_ref, rtol=rtol_for(dtype))


def test_bce_with_logits_pos_weight_matches_torch_and_tf(dtype, rng):
    """float64: the three agree. float32: PyTorch and TensorFlow evaluate
    (1 - z) x + l (log1p(e^-|x|) + max(-x, 0)), whose first two terms cancel for x < 0, z = 0;
    ceutils' terms share a sign. Reference: q z softplus(-x) + (1 - z) softplus(x) in float64
    (NumPy's logaddexp) of the same float32 inputs."""
    name = np.dtype(dtype).name
    q = rng.uniform(0.1, 5.0, size=C)
    x, z, qd = LOGITS.astype(dtype), BINARY.astype(dtype), q.astype(dtype)
    got = ceutils.binary_cross_entropy_with_logits(x, z, pos_weight=qd, reduction="none")
    torch_loss = A.torch_bce_with_logits(LOGITS, BINARY, pos_weight=q, reduction="none",
                                         dtype=name)
    tf_loss = A.tf_weighted_cross_entropy_with_logits(LOGITS, BINARY, q, dtype=name)
    if dtype == np.float64:
        np.testing.assert_allclose(got, torch_loss, rtol=rtol_for(dtype))
        np.testing.assert_allclose(got, tf_loss, rtol=rtol_for(dtype))
        return
    x64, z64, q64 = (a.astype(np.float64) for a in (x, z, qd))
    exact = q64 * z64 * np.logaddexp(0.0, -x64) + (1 - z64) * np.logaddexp(0.0, x64)
    np.testing.assert_allclose(got, exact, rtol=rtol_for(dtype))

    def worst(v):
        return np.max(np.abs(np.asarray(v, np.float64) - exact) / exact)

    assert worst(got) <= min(worst(torch_loss), worst(tf_loss))


def test_bce_with_logits_extreme_logits_finite_and_accurate():
    # Reference: z*softplus(-x) + (1-z)*softplus(x) with NumPy's logaddexp: an independent
    # form whose two terms are both non-negative, so nothing cancels.
    # (PyTorch rounds log1p(exp(-100)) = 3.7e-44 to 0; the exact value is not 0.)
    x = np.array([-1e4, -100.0, 0.0, 100.0, 1e4])
    for z in (0.0, 0.3, 1.0):
        got = ceutils.binary_cross_entropy_with_logits(x, np.full_like(x, z), reduction="none")
        assert np.all(np.isfinite(got))
        np.testing.assert_allclose(got, z * np.logaddexp(0.0, -x) + (1 - z) * np.logaddexp(0.0, x),
                                   rtol=1e-15)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_softmax_ce_matches_torch_and_tf(dtype, reduction):
    name = np.dtype(dtype).name
    got = ceutils.softmax_cross_entropy(LOGITS.astype(dtype), DIST.astype(dtype),
                                        reduction=reduction)
    np.testing.assert_allclose(
        got, A.torch_cross_entropy(LOGITS, DIST, reduction=reduction, dtype=name),
        rtol=rtol_for(dtype),
    )
    tf_rows = A.tf_softmax_cross_entropy_with_logits(LOGITS, DIST, dtype=name)
    expected = {"none": tf_rows, "mean": tf_rows.mean(), "sum": tf_rows.sum()}[reduction]
    np.testing.assert_allclose(got, expected, rtol=rtol_for(dtype))


def test_softmax_ce_class_axis():
    x3 = LOGITS.reshape(2, 4, C)
    y3 = DIST.reshape(2, 4, C)
    got = ceutils.softmax_cross_entropy(np.moveaxis(x3, -1, 1), np.moveaxis(y3, -1, 1), axis=1,
                                        reduction="none")
    np.testing.assert_allclose(got, A.torch_cross_entropy(x3, y3, reduction="none"), rtol=1e-12)


def test_softmax_ce_warns_on_targets_that_are_not_distributions():
    with pytest.warns(UserWarning, match="targets rows are not probability distributions"):
        got = ceutils.softmax_cross_entropy([1.0, 2.0], [1.0, 2.0])
    np.testing.assert_allclose(got, A.tf_softmax_cross_entropy_with_logits([1.0, 2.0], [1.0, 2.0]),
                               rtol=1e-13)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_sparse_ce_matches_torch_tf_sklearn(dtype, reduction):
    name = np.dtype(dtype).name
    got = ceutils.sparse_softmax_cross_entropy(LOGITS.astype(dtype), LABELS, reduction=reduction)
    np.testing.assert_allclose(
        got, A.torch_cross_entropy(LOGITS, LABELS, reduction=reduction, dtype=name),
        rtol=rtol_for(dtype),
    )
    tf_rows = A.tf_sparse_softmax_cross_entropy_with_logits(LOGITS, LABELS, dtype=name)
    expected = {"none": tf_rows, "mean": tf_rows.mean(), "sum": tf_rows.sum()}[reduction]
    np.testing.assert_allclose(got, expected, rtol=rtol_for(dtype))
    if reduction == "mean":
        probs = np.exp(LOGITS) / np.exp(LOGITS).sum(-1, keepdims=True)
        np.testing.assert_allclose(got, log_loss(LABELS, probs, labels=range(C)),
                                   rtol=rtol_for(dtype))


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_sparse_ce_weight_and_ignore_index_match_torch(reduction):
    labels = LABELS.copy()
    labels[[1, 4]] = -100
    got = ceutils.sparse_softmax_cross_entropy(LOGITS, labels, weight=WEIGHT, reduction=reduction)
    ref = A.torch_cross_entropy(LOGITS, labels, weight=WEIGHT, reduction=reduction)
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    ref_nll = A.torch_nll_log_softmax(LOGITS, labels, weight=WEIGHT, reduction=reduction)
    np.testing.assert_allclose(got, ref_nll, rtol=1e-12)


def test_sparse_ce_mean_divides_by_sum_of_weights():
    per_sample = ceutils.sparse_softmax_cross_entropy(LOGITS, LABELS, weight=WEIGHT,
                                                      reduction="none")
    mean = ceutils.sparse_softmax_cross_entropy(LOGITS, LABELS, weight=WEIGHT)
    np.testing.assert_allclose(mean, per_sample.sum() / WEIGHT[LABELS].sum(), rtol=1e-14)


def test_sparse_ce_custom_ignore_index_and_higher_rank(rng):
    x = rng.normal(size=(2, 3, C))
    y = rng.integers(0, C, size=(2, 3))
    y[0, 0] = 7
    got = ceutils.sparse_softmax_cross_entropy(x, y, ignore_index=7, reduction="none")
    ref = A.torch_cross_entropy(x, y, ignore_index=7, reduction="none")
    np.testing.assert_allclose(got, ref, rtol=1e-12)


def test_sparse_equals_one_hot():
    one_hot = np.eye(C)[LABELS]
    np.testing.assert_allclose(
        ceutils.sparse_softmax_cross_entropy(LOGITS, LABELS, reduction="none"),
        ceutils.softmax_cross_entropy(LOGITS, one_hot, reduction="none"),
        rtol=1e-13,
    )


def test_sparse_ce_extreme_logits():
    x = np.array([[1e4, 0.0, -1e4], [1000.0, 1000.0, 1000.0], [-1e4, -1e4 + 1e-6, -1e4]])
    y = np.array([2, 0, 1])
    got = ceutils.sparse_softmax_cross_entropy(x, y, reduction="none")
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, A.torch_cross_entropy(x, y, reduction="none"), rtol=1e-12)
    assert got[0] == 2e4
