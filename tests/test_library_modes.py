"""The library conventions of ceutils' losses, proved against the libraries themselves.

Each ``clip=`` mode, ``normalize=True`` and ``label_smoothing=`` is checked against
the library it reproduces (Keras 3, PyTorch, scikit-learn, as pinned in
requirements.txt), in float64 and float32, on ordinary inputs and on the edges
where the conventions act: p = 0, p = 1, soft targets.
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest
from tolerances import rtol_for

from ceutils import (
    KERAS_EPSILON,
    TORCH_LOG_CLAMP,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    categorical_cross_entropy,
    examples,
    softmax_cross_entropy,
    sparse_softmax_cross_entropy,
)
from ceutils import adapters as A

DTYPES = ["float64", "float32"]

# Binary edge cases: certain hits, certain misses, a tiny p, soft targets.
P = [0.0, 1.0, 1.0, 0.0, 1e-10, 0.3, 0.999999, 0.0, 1.0, 0.5]
Y = [1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.25, 0.75, 0.5]
HARD = [i for i, y in enumerate(Y) if y in (0.0, 1.0)]


def _close(actual, expected, dtype, atol=0.0):
    np.testing.assert_allclose(np.asarray(actual, np.float64), np.asarray(expected, np.float64),
                               rtol=rtol_for(dtype), atol=atol)


# --------------------------------------------------------------------------- constants
def test_keras_epsilon_is_keras_config_epsilon():
    assert A._keras().config.epsilon() == KERAS_EPSILON


def test_torch_log_clamp_is_bce_loss_at_a_certain_miss():
    assert float(A.torch_bce([0.0], [1.0])) == -TORCH_LOG_CLAMP


# --------------------------------------------------------------------------- binary clip modes
@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_clip_keras_matches_keras(dtype):
    p, y = np.array(P, dtype), np.array(Y, dtype)
    ours = binary_cross_entropy(p, y, clip="keras", reduction="none")
    assert ours.dtype == np.dtype(dtype)
    # one element per row, so Keras' mean over the last axis is the element itself
    theirs = A.keras_binary_crossentropy(p[:, None], y[:, None], dtype=dtype)
    _close(ours, theirs, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_clip_torch_matches_bce_loss(dtype):
    p, y = np.array(P, dtype), np.array(Y, dtype)
    ours = binary_cross_entropy(p, y, clip="torch", reduction="none")
    _close(ours, A.torch_bce(p, y, reduction="none", dtype=dtype), dtype)
    _close(binary_cross_entropy(p, y, clip="torch"), A.torch_bce(p, y, dtype=dtype), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_clip_sklearn_matches_log_loss(dtype):
    # log_loss takes hard labels only; one sample at a time gives the per-sample loss
    for i in HARD:
        p, y = np.array([P[i]], dtype), np.array([Y[i]], dtype)
        ours = binary_cross_entropy(p, y, clip="sklearn", reduction="sum")
        theirs = A.sklearn_log_loss(p, y.astype(int), labels=[0, 1], normalize=False)
        _close(ours, theirs, dtype)
    p, y = np.array(P, dtype)[HARD], np.array(Y, dtype)[HARD]
    _close(binary_cross_entropy(p, y, clip="sklearn"), A.sklearn_log_loss(p, y.astype(int)), dtype)


def test_binary_no_clip_is_honest_at_the_edges():
    p, y = np.array(P), np.array(Y)
    ours = binary_cross_entropy(p, y, reduction="none")
    assert ours[0] == np.inf  # y = 1, p = 0
    assert ours[1] == 0.0 and ours[2] == np.inf and ours[3] == 0.0
    assert np.isinf(ours[7]) and np.isinf(ours[8])  # soft targets at p = 0 and p = 1
    with mpmath.workdps(50):
        exact = [float(-mpmath.log(1 - mpmath.mpf(1e-10))), float(-mpmath.log(mpmath.mpf(0.3)))]
    np.testing.assert_allclose(ours[4:6], exact, rtol=1e-14)


def test_keras_perfect_prediction_float32_and_float64():
    ex = examples.KERAS_BCE_PERFECT
    y, p = ex["y_true"], ex["y_pred"]
    # float32: 1 - 1e-7 rounds to 1 - 2**-23, and -log(1 - 2**-23) ≈ 2**-23
    with mpmath.workdps(50):
        exact32 = float(-mpmath.log(1 - mpmath.mpf(2) ** -23))
        exact64 = float(-mpmath.log(mpmath.mpf(1 - KERAS_EPSILON)))  # the float64 bound, exactly
    for dtype, exact in (("float32", exact32), ("float64", exact64)):
        ours = binary_cross_entropy(np.array(p, dtype), np.array(y, dtype), clip="keras")
        _close(ours, exact, dtype)
        _close(A.keras_binary_crossentropy(p, y, dtype=dtype), exact, dtype)


# --------------------------------------------------------------------------- binary label smoothing
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("eps", [0.1, 0.5, 1.0])
def test_binary_label_smoothing_matches_keras(dtype, eps):
    p, y = np.array(P, dtype), np.array(Y, dtype)
    ours = binary_cross_entropy(p, y, clip="keras", label_smoothing=eps, reduction="none")
    theirs = A.keras_binary_crossentropy(p[:, None], y[:, None], label_smoothing=eps, dtype=dtype)
    _close(ours, theirs, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_with_logits_label_smoothing_matches_keras(dtype):
    x = np.array([-30.0, -2.0, 0.0, 0.5, 3.0, 40.0], dtype)
    z = np.array([1.0, 0.0, 1.0, 0.3, 1.0, 0.0], dtype)
    ours = binary_cross_entropy_with_logits(x, z, label_smoothing=0.2, reduction="none")
    theirs = A.keras_binary_crossentropy(x[:, None], z[:, None], from_logits=True,
                                         label_smoothing=0.2, dtype=dtype)
    _close(ours, theirs, dtype)


# --------------------------------------------------------------------------- categorical
CAT_P = [[1.0, 2.0], [0.0, 1.0], [1.0, 0.0], [0.2, 0.3], [0.5, 0.5]]
CAT_Y = [[1.0, 2.0], [1.0, 0.0], [1.0, 0.0], [0.4, 0.6], [0.0, 1.0]]


@pytest.mark.parametrize("dtype", DTYPES)
def test_categorical_keras_mode_matches_keras(dtype):
    p, y = np.array(CAT_P, dtype), np.array(CAT_Y, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # [1, 2] is not a distribution
        ours = categorical_cross_entropy(p, y, normalize=True, clip="keras", reduction="none")
    _close(ours, A.keras_categorical_crossentropy(p, y, dtype=dtype), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_categorical_on_the_document_example(dtype):
    ex = examples.TF_SOFTMAX_12
    y, x = np.array(ex["labels"], dtype), np.array(ex["logits"], dtype)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        keras_mode = categorical_cross_entropy(x, y, normalize=True, clip="keras")
        softmax_mode = softmax_cross_entropy(x, y)
    assert any("targets rows are not probability distributions" in str(w.message) for w in caught)
    # independent: -1·log(1/3) - 2·log(2/3) and -1·log σ(-1) - 2·log σ(1)
    exact_keras = float(-mpmath.log(mpmath.mpf(1) / 3) - 2 * mpmath.log(mpmath.mpf(2) / 3))
    exact_tf = float(mpmath.log(1 + mpmath.e) + 2 * mpmath.log(1 + mpmath.exp(-1)))
    _close(keras_mode, exact_keras, dtype)
    _close(softmax_mode, exact_tf, dtype)
    _close(keras_mode, A.keras_categorical_crossentropy(x, y, dtype=dtype), dtype)
    _close(softmax_mode, A.tf_softmax_cross_entropy_with_logits(x, y, dtype=dtype), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("eps", [0.1, 1.0])
def test_categorical_label_smoothing_matches_keras(dtype, eps):
    p = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1], [0.0, 0.0, 1.0]], dtype)
    y = np.array([[0, 1, 0], [0, 0, 1], [0.2, 0.3, 0.5]], dtype)
    ours = categorical_cross_entropy(p, y, normalize=True, clip="keras", label_smoothing=eps,
                                     reduction="none")
    theirs = A.keras_categorical_crossentropy(p, y, label_smoothing=eps, dtype=dtype)
    _close(ours, theirs, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_categorical_sklearn_mode_matches_log_loss(dtype):
    p = np.array([[0.0, 1.0, 0.0], [0.1, 0.8, 0.1], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]], dtype)
    labels = np.array([0, 1, 2, 0])
    onehot = np.eye(3, dtype=dtype)[labels]
    ours = categorical_cross_entropy(p, onehot, clip="sklearn")
    _close(ours, A.sklearn_log_loss(p, labels), dtype)
    ours_sum = categorical_cross_entropy(p, onehot, clip="sklearn", reduction="sum")
    _close(ours_sum, A.sklearn_log_loss(p, labels, normalize=False), dtype)


def test_categorical_no_clip_and_the_keras_sparse_example():
    assert categorical_cross_entropy([0.0, 1.0], [1.0, 0.0]) == np.inf
    assert categorical_cross_entropy([0.0, 1.0], [0.0, 1.0]) == 0.0
    ex = examples.KERAS_SPARSE_CATEGORICAL
    onehot = np.eye(len(ex["probs"]))[ex["label"]]
    ours = categorical_cross_entropy(ex["probs"], onehot)
    keras = A.keras_sparse_categorical_crossentropy(ex["probs"], ex["label"])
    np.testing.assert_allclose([ours, keras], -np.log(0.2), rtol=1e-12)


def test_categorical_warns_on_rows_not_summing_to_one():
    with pytest.warns(UserWarning, match="probs rows are not probability distributions"):
        categorical_cross_entropy([0.2, 0.2], [1.0, 0.0])


# --------------------------------------------------------------------- softmax label smoothing
X = np.array([[2.0, -3.0, 0.8, 1.2], [1.5, -0.1, 0.9, -1.3], [30.0, -30.0, 0.0, 1.0]])
LABELS = np.array([2, 1, 0])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("eps", [0.0, 0.1, 1.0])
def test_softmax_label_smoothing_matches_torch_and_keras(dtype, eps):
    x = X.astype(dtype)
    y = np.eye(4, dtype=dtype)[LABELS]
    y[1] = [0.1, 0.2, 0.3, 0.4]  # a soft row
    ours = softmax_cross_entropy(x, y, label_smoothing=eps, reduction="none")
    # row 3 is confidently right: its loss, about 3.5e-13, is rounding noise in any library
    atol = 1e-12 if dtype == "float64" else 1e-6
    _close(ours, A.torch_cross_entropy(x, y, label_smoothing=eps, reduction="none", dtype=dtype),
           dtype, atol)
    _close(ours, A.keras_categorical_crossentropy(x, y, from_logits=True, label_smoothing=eps,
                                                  dtype=dtype), dtype, atol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_label_smoothing_matches_torch(dtype, reduction, weighted):
    x = np.concatenate([X, X[:1] * 0.5]).astype(dtype)
    labels = np.array([2, 1, 0, -100])  # the last one is ignored
    weight = np.array([0.5, 2.0, 1.0, 3.0], dtype) if weighted else None
    ours = sparse_softmax_cross_entropy(x, labels, weight=weight, label_smoothing=0.2,
                                        reduction=reduction)
    theirs = A.torch_cross_entropy(x, labels, weight=weight, label_smoothing=0.2,
                                   reduction=reduction, dtype=dtype)
    _close(ours, theirs, dtype)


def test_sparse_and_dense_label_smoothing_agree_without_weights():
    dense = softmax_cross_entropy(X, np.eye(4)[LABELS], label_smoothing=0.3, reduction="none")
    sparse = sparse_softmax_cross_entropy(X, LABELS, label_smoothing=0.3, reduction="none")
    np.testing.assert_allclose(sparse, dense, rtol=1e-13)


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize("clip", ["tf", "Keras", 1e-7, True])
def test_unknown_clip_raises(clip):
    expected = r"clip must be one of \(None, 'keras', 'torch', 'sklearn'\); got"
    with pytest.raises(ValueError, match=expected):
        binary_cross_entropy([0.5], [1.0], clip=clip)


def test_categorical_refuses_torch_clip():
    with pytest.raises(ValueError, match="clip must be one of .*PyTorch has no categorical loss"):
        categorical_cross_entropy([0.5, 0.5], [1.0, 0.0], clip="torch")


@pytest.mark.parametrize("bad, error", [(-0.1, ValueError), (1.5, ValueError),
                                        (float("nan"), ValueError), ("0.1x", TypeError),
                                        (None, TypeError), (True, TypeError)])
@pytest.mark.parametrize("fn, args", [
    (binary_cross_entropy, ([0.5], [1.0])),
    (binary_cross_entropy_with_logits, ([0.5], [1.0])),
    (categorical_cross_entropy, ([0.5, 0.5], [1.0, 0.0])),
    (softmax_cross_entropy, ([0.5, 0.5], [1.0, 0.0])),
    (sparse_softmax_cross_entropy, ([0.5, 0.5], 0)),
])
def test_label_smoothing_out_of_range_raises(fn, args, bad, error):
    with pytest.raises(error, match=r"label_smoothing must be (a real number )?in \[0, 1\]; got"):
        fn(*args, label_smoothing=bad)


def test_categorical_normalize_zero_row_raises():
    with pytest.raises(ValueError, match="probs rows must have a positive sum"):
        categorical_cross_entropy([[0.0, 0.0]], [[1.0, 0.0]], normalize=True)


def test_categorical_negative_probs_raise_even_when_normalising():
    with pytest.raises(ValueError, match=r"probs must be non-negative; got -1.0"):
        categorical_cross_entropy([-1.0, 2.0], [1.0, 0.0], normalize=True)


# --------------------------------------------------------------------------- Keras reductions
@pytest.mark.parametrize("reduction, denominator", [
    ("sum", lambda v, n: 1.0),
    ("sum_over_batch_size", lambda v, n: n),
    ("mean", lambda v, n: n),
    ("mean_with_sample_weight", lambda v, n: v.sum()),
])
def test_keras_loss_reductions_with_sample_weight(reduction, denominator):
    """Keras' classes weight each sample's loss, then divide by N, by Σ v, or not at all."""
    y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    p = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]])
    v = np.array([1.0, 3.0, 0.5])
    per_sample = -np.log(np.clip((p * y).sum(axis=1), KERAS_EPSILON, 1 - KERAS_EPSILON))
    expected = (v * per_sample).sum() / denominator(v, len(v))
    got = A.keras_loss(p, y, loss="CategoricalCrossentropy", reduction=reduction,
                       sample_weight=v)
    np.testing.assert_allclose(got, expected, rtol=1e-13)


def test_keras_loss_without_reduction_weights_each_sample():
    y, p, v = np.eye(2), np.array([[0.9, 0.1], [0.4, 0.6]]), np.array([2.0, 0.0])
    got = A.keras_loss(p, y, loss="CategoricalCrossentropy", reduction=None, sample_weight=v)
    np.testing.assert_allclose(got, v * -np.log([0.9, 0.6]), rtol=1e-13)
