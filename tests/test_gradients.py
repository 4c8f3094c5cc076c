"""Closed-form gradients (ceutils.gradients) against autograd, GradientTape and finite differences.

Reference values are computed independently of the closed forms: PyTorch 2.13
autograd and TensorFlow 2.21 ``GradientTape`` (through ``ceutils.adapters``), and
central differences of the forward losses of ``ceutils.losses``.

Tolerances (maximum absolute error of a gradient entry) are those of
``tests/tolerances.py``: ``ATOL_GRAD`` against autograd and ``GradientTape``,
``ATOL_FD`` and ``ATOL_FD_EXTREME`` against central differences.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from tolerances import ATOL_FD, ATOL_FD_EXTREME, ATOL_GRAD

import ceutils as ce
from ceutils import adapters as ad

ATOL64 = ATOL_GRAD["float64"]
ATOL32 = ATOL_GRAD["float32"]
REDUCTIONS = ("none", "mean", "sum")


def _fixed_inputs():
    rng = np.random.default_rng(20260101)
    logits = rng.normal(scale=3.0, size=(5, 4))
    soft = ce.softmax(rng.normal(size=(5, 4)))
    return logits, soft, rng.uniform(size=(5, 4))


LOGITS, SOFT_TARGETS, BIN_TARGETS = _fixed_inputs()
LABELS = np.array([0, 3, 1, 2, 3])
CLASS_WEIGHT = np.array([0.5, 2.0, 1.0, 1.5])
POS_WEIGHT = np.array([1.0, 3.0, 0.5, 2.0])
EXTREME = np.array([
    [1e4, -1e4, 0.0],
    [-1e4, 1e4, 1e4 - 1.0],
    [1e4, 1e4, 1e4],
    [-1e4, -1e4, 1e4],
])
EXTREME_LABELS = np.array([1, 2, 0, 2])


def _onehot(labels, n):
    return np.eye(n)[labels]


def _fd(loss, x, h=None):
    return ce.numerical_gradient(lambda v: float(loss(v)), x, h=h)


# ------------------------------------------------------------------ softmax cross entropy
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("targets", [SOFT_TARGETS, _onehot(LABELS, 4)], ids=["soft", "onehot"])
def test_softmax_ce_grad_float64(reduction, targets):
    g = ce.softmax_cross_entropy_grad(LOGITS, targets, reduction=reduction)
    assert g.shape == LOGITS.shape and g.dtype == np.float64
    np.testing.assert_allclose(g, ad.torch_cross_entropy_grad(LOGITS, targets, reduction=reduction),
                               rtol=0, atol=ATOL64)
    np.testing.assert_allclose(g, ad.tf_softmax_cross_entropy_grad(LOGITS, targets,
                                                                   reduction=reduction),
                               rtol=0, atol=ATOL64)
    # "none" is the gradient of the sum: each row's loss depends on its own row only.
    fd_red = "sum" if reduction == "none" else reduction
    fd = _fd(lambda v: ce.softmax_cross_entropy(v, targets, reduction=fd_red), LOGITS)
    np.testing.assert_allclose(g, fd, rtol=0, atol=ATOL_FD)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_softmax_ce_grad_float32_matches_torch(reduction):
    x32, y32 = LOGITS.astype(np.float32), SOFT_TARGETS.astype(np.float32)
    g = ce.softmax_cross_entropy_grad(x32, y32, reduction=reduction)
    assert g.dtype == np.float32
    t = ad.torch_cross_entropy_grad(x32, y32, reduction=reduction, dtype="float32")
    np.testing.assert_allclose(g, t, rtol=0, atol=ATOL32)


def test_softmax_ce_grad_extreme_logits():
    y = _onehot(EXTREME_LABELS, 3)
    g = ce.softmax_cross_entropy_grad(EXTREME, y, reduction="none")
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, ad.torch_cross_entropy_grad(EXTREME, y, reduction="none"),
                               rtol=0, atol=ATOL64)
    np.testing.assert_allclose(g, ad.tf_softmax_cross_entropy_grad(EXTREME, y, reduction="none"),
                               rtol=0, atol=ATOL64)
    fd = _fd(lambda v: ce.softmax_cross_entropy(v, y, reduction="sum"), EXTREME, h=1e-3)
    np.testing.assert_allclose(g, fd, rtol=0, atol=ATOL_FD_EXTREME)
    # Exact values where the softmax saturates: S = one-hot of the largest logit.
    np.testing.assert_array_equal(g[0], [1.0, -1.0, 0.0])
    np.testing.assert_array_equal(g[3], [0.0, 0.0, 0.0])


def test_softmax_ce_grad_other_axis(rng):
    x = rng.normal(size=(2, 3, 4))
    y = ce.softmax(rng.normal(size=(2, 3, 4)), axis=1)
    g = ce.softmax_cross_entropy_grad(x, y, axis=1)
    g_last = ce.softmax_cross_entropy_grad(np.moveaxis(x, 1, -1), np.moveaxis(y, 1, -1))
    np.testing.assert_allclose(np.moveaxis(g, 1, -1), g_last, rtol=0, atol=ATOL64)
    t = ad.torch_cross_entropy_grad(np.moveaxis(x, 1, -1), np.moveaxis(y, 1, -1))
    np.testing.assert_allclose(g_last, t, rtol=0, atol=ATOL64)


def test_softmax_ce_grad_non_distribution_target_is_exact():
    """Labels [1, 2] (source 000 §5.2): the exact gradient is s*S - y with s = 3.

    PyTorch's autograd differentiates the loss as computed and agrees; TensorFlow's
    registered gradient is S - y, valid only for distributions (as its docs say).
    """
    ex = ce.examples.TF_SOFTMAX_12
    x, y = np.array(ex["logits"]), np.array(ex["labels"])
    with pytest.warns(UserWarning, match="targets rows are not probability distributions"):
        g = ce.softmax_cross_entropy_grad(x, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fd = _fd(lambda v: ce.softmax_cross_entropy(v, y), x)
    np.testing.assert_allclose(g, fd, rtol=0, atol=ATOL_FD)
    np.testing.assert_allclose(g, ad.torch_cross_entropy_grad(x, y), rtol=0, atol=ATOL64)
    tf_g = ad.tf_softmax_cross_entropy_grad(x, y)
    np.testing.assert_allclose(tf_g, ce.softmax(x) - y, rtol=0, atol=ATOL64)
    assert np.abs(tf_g - g).max() > 0.1


# ------------------------------------------------------------------ sparse
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [None, CLASS_WEIGHT], ids=["unweighted", "weighted"])
def test_sparse_grad_float64(reduction, weight):
    labels = LABELS.copy()
    labels[2] = -100  # one ignored row
    g = ce.sparse_softmax_cross_entropy_grad(LOGITS, labels, weight=weight, reduction=reduction)
    t = ad.torch_cross_entropy_grad(LOGITS, labels, weight=weight, reduction=reduction)
    np.testing.assert_allclose(g, t, rtol=0, atol=ATOL64)
    np.testing.assert_array_equal(g[2], 0.0)
    fd_red = "sum" if reduction == "none" else reduction
    fd = _fd(lambda v: ce.sparse_softmax_cross_entropy(v, labels, weight=weight,
                                                       reduction=fd_red), LOGITS)
    np.testing.assert_allclose(g, fd, rtol=0, atol=ATOL_FD)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_sparse_grad_matches_tf_and_dense(reduction):
    g = ce.sparse_softmax_cross_entropy_grad(LOGITS, LABELS, reduction=reduction)
    tf_g = ad.tf_sparse_softmax_cross_entropy_grad(LOGITS, LABELS, reduction=reduction)
    np.testing.assert_allclose(g, tf_g, rtol=0, atol=ATOL64)
    dense = ce.softmax_cross_entropy_grad(LOGITS, _onehot(LABELS, 4), reduction=reduction)
    np.testing.assert_allclose(g, dense, rtol=0, atol=ATOL64)


def test_sparse_grad_float32_and_extreme():
    x32 = LOGITS.astype(np.float32)
    g = ce.sparse_softmax_cross_entropy_grad(x32, LABELS, weight=CLASS_WEIGHT)
    assert g.dtype == np.float32
    t = ad.torch_cross_entropy_grad(x32, LABELS, weight=CLASS_WEIGHT, dtype="float32")
    np.testing.assert_allclose(g, t, rtol=0, atol=ATOL32)
    g = ce.sparse_softmax_cross_entropy_grad(EXTREME, EXTREME_LABELS, reduction="sum")
    np.testing.assert_allclose(
        g, ad.tf_sparse_softmax_cross_entropy_grad(EXTREME, EXTREME_LABELS, reduction="sum"),
        rtol=0, atol=ATOL64)
    fd = _fd(lambda v: ce.sparse_softmax_cross_entropy(v, EXTREME_LABELS, reduction="sum"),
             EXTREME, h=1e-3)
    np.testing.assert_allclose(g, fd, rtol=0, atol=ATOL_FD_EXTREME)


def test_sparse_grad_class_axis_not_last(rng):
    x = rng.normal(size=(2, 4, 3))  # class axis 1
    labels = rng.integers(0, 4, size=(2, 3))
    g = ce.sparse_softmax_cross_entropy_grad(x, labels, axis=1)
    t = ad.torch_cross_entropy_grad(np.moveaxis(x, 1, -1), labels)
    np.testing.assert_allclose(np.moveaxis(g, 1, -1), t, rtol=0, atol=ATOL64)


# ------------------------------------------------------------------ binary (sigmoid)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("pos_weight", [None, POS_WEIGHT], ids=["plain", "pos_weight"])
def test_bce_logits_grad_float64(reduction, pos_weight):
    g = ce.binary_cross_entropy_with_logits_grad(LOGITS, BIN_TARGETS, pos_weight=pos_weight,
                                                 reduction=reduction)
    t = ad.torch_bce_with_logits_grad(LOGITS, BIN_TARGETS, pos_weight=pos_weight,
                                      reduction=reduction)
    np.testing.assert_allclose(g, t, rtol=0, atol=ATOL64)
    f = ad.tf_sigmoid_cross_entropy_grad(LOGITS, BIN_TARGETS, pos_weight=pos_weight,
                                         reduction=reduction)
    np.testing.assert_allclose(g, f, rtol=0, atol=ATOL64)
    fd_red = "sum" if reduction == "none" else reduction
    fd = _fd(lambda v: ce.binary_cross_entropy_with_logits(v, BIN_TARGETS, pos_weight=pos_weight,
                                                           reduction=fd_red), LOGITS)
    np.testing.assert_allclose(g, fd, rtol=0, atol=ATOL_FD)


def test_bce_logits_grad_weight_and_float32(rng):
    w = rng.uniform(size=(5, 4))
    g = ce.binary_cross_entropy_with_logits_grad(LOGITS, BIN_TARGETS, weight=w,
                                                 pos_weight=POS_WEIGHT)
    t = ad.torch_bce_with_logits_grad(LOGITS, BIN_TARGETS, weight=w, pos_weight=POS_WEIGHT)
    np.testing.assert_allclose(g, t, rtol=0, atol=ATOL64)
    x32, z32 = LOGITS.astype(np.float32), BIN_TARGETS.astype(np.float32)
    g32 = ce.binary_cross_entropy_with_logits_grad(x32, z32, reduction="sum")
    assert g32.dtype == np.float32
    t32 = ad.torch_bce_with_logits_grad(x32, z32, reduction="sum", dtype="float32")
    np.testing.assert_allclose(g32, t32, rtol=0, atol=ATOL32)


def test_bce_logits_weight_that_would_enlarge_the_loss_is_refused(rng):
    """A weight of shape (3, 4) would broadcast logits (1, 4) to a (3, 4) loss: refused by the
    loss, its gradient and the fused function, as PyTorch's BCEWithLogitsLoss refuses it."""
    x, z = LOGITS[:1], BIN_TARGETS[:1]
    w = rng.uniform(size=(3, 4))
    for fn in (ce.binary_cross_entropy_with_logits, ce.binary_cross_entropy_with_logits_grad,
               ce.binary_cross_entropy_with_logits_and_grad):
        with pytest.raises(ValueError, match=r"weight must broadcast to the loss shape \(1, 4\) "
                                             r"without enlarging it; got shape \(3, 4\)"):
            fn(x, z, weight=w)
    with pytest.raises(RuntimeError):
        ad.torch_bce_with_logits(x, z, weight=w)


def test_bce_logits_grad_extreme():
    x = np.array([-1e4, -1e4, 1e4, 1e4, 0.0])
    z = np.array([0.0, 1.0, 0.0, 1.0, 0.5])
    g = ce.binary_cross_entropy_with_logits_grad(x, z, reduction="none")
    np.testing.assert_array_equal(g, [0.0, -1.0, 1.0, 0.0, 0.0])
    gq = ce.binary_cross_entropy_with_logits_grad(x, z, pos_weight=3.0, reduction="none")
    np.testing.assert_allclose(gq, ad.torch_bce_with_logits_grad(x, z, pos_weight=[3.0],
                                                                 reduction="none"),
                               rtol=0, atol=ATOL64)
    tf_gq = ad.tf_sigmoid_cross_entropy_grad(x, z, pos_weight=3.0, reduction="none")
    np.testing.assert_allclose(gq[:4], tf_gq[:4], rtol=0, atol=ATOL64)  # x = 0: see below
    fd = _fd(lambda v: ce.binary_cross_entropy_with_logits(v, z, pos_weight=3.0, reduction="sum"),
             x, h=1e-3)
    np.testing.assert_allclose(gq, fd, rtol=0, atol=ATOL_FD_EXTREME)


def test_tf_weighted_gradient_is_wrong_at_logit_zero():
    """tf.nn.weighted_cross_entropy_with_logits autodiffs its stable form through |x| and
    max(-x, 0), whose gradients TensorFlow takes as 0 at the kink x = 0; the loss itself is
    smooth there. At x = 0 the tape then returns 1 - z instead of the true l/2 - q z
    (l = 1 + (q - 1) z), which PyTorch and central differences confirm."""
    z = np.array([0.0, 0.5, 1.0])
    x = np.zeros(3)
    g = ce.binary_cross_entropy_with_logits_grad(x, z, pos_weight=3.0, reduction="none")
    np.testing.assert_allclose(g, (1 + 2 * z) / 2 - 3 * z, rtol=0, atol=ATOL64)
    np.testing.assert_allclose(g, ad.torch_bce_with_logits_grad(x, z, pos_weight=[3.0],
                                                                reduction="none"),
                               rtol=0, atol=ATOL64)
    fd = _fd(lambda v: ce.binary_cross_entropy_with_logits(v, z, pos_weight=3.0, reduction="sum"),
             x)
    np.testing.assert_allclose(g, fd, rtol=0, atol=ATOL_FD)
    tf_g = ad.tf_sigmoid_cross_entropy_grad(x, z, pos_weight=3.0, reduction="none")
    np.testing.assert_allclose(tf_g, 1 - z, rtol=0, atol=ATOL64)
    # The unweighted tf.nn.sigmoid_cross_entropy_with_logits is right at 0.
    np.testing.assert_allclose(ad.tf_sigmoid_cross_entropy_grad(x, z, reduction="none"),
                               0.5 - z, rtol=0, atol=ATOL64)


# ------------------------------------------------------------------ label smoothing
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_label_smoothing_grads(reduction):
    eps = 0.2
    fd_red = "sum" if reduction == "none" else reduction
    g = ce.softmax_cross_entropy_grad(LOGITS, SOFT_TARGETS, label_smoothing=eps,
                                      reduction=reduction)
    t = ad.torch_cross_entropy_grad(LOGITS, SOFT_TARGETS, label_smoothing=eps, reduction=reduction)
    np.testing.assert_allclose(g, t, rtol=0, atol=ATOL64)
    labels = LABELS.copy()
    labels[2] = -100
    g = ce.sparse_softmax_cross_entropy_grad(LOGITS, labels, weight=CLASS_WEIGHT,
                                             label_smoothing=eps, reduction=reduction)
    t = ad.torch_cross_entropy_grad(LOGITS, labels, weight=CLASS_WEIGHT, label_smoothing=eps,
                                    reduction=reduction)
    np.testing.assert_allclose(g, t, rtol=0, atol=ATOL64)
    # Binary: PyTorch has no label_smoothing there; the reference is its gradient on the
    # smoothed targets (1 - eps) z + eps / 2, built here independently, and central differences.
    g = ce.binary_cross_entropy_with_logits_grad(LOGITS, BIN_TARGETS, pos_weight=POS_WEIGHT,
                                                 label_smoothing=eps, reduction=reduction)
    t = ad.torch_bce_with_logits_grad(LOGITS, BIN_TARGETS * (1 - eps) + eps / 2,
                                      pos_weight=POS_WEIGHT, reduction=reduction)
    np.testing.assert_allclose(g, t, rtol=0, atol=ATOL64)
    fd = _fd(lambda v: ce.binary_cross_entropy_with_logits(
        v, BIN_TARGETS, pos_weight=POS_WEIGHT, label_smoothing=eps, reduction=fd_red), LOGITS)
    np.testing.assert_allclose(g, fd, rtol=0, atol=ATOL_FD)


# ------------------------------------------------------------------ numerical_gradient
def test_numerical_gradient_exact_polynomial_and_step():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = ce.numerical_gradient(lambda v: float(np.sum(v ** 3)), x)
    np.testing.assert_allclose(g, 3 * x ** 2, rtol=1e-9)
    # The error is relative to the scale of f: here f ~ 2.7e7, so ~1e-3 absolute.
    big = np.array([300.0, 0.5])
    g = ce.numerical_gradient(lambda v: float(np.sum(v ** 3)), big)
    np.testing.assert_allclose(g, 3 * big ** 2, rtol=0, atol=1e-10 * 300.0 ** 3)
    g2 = ce.numerical_gradient(lambda v: float(np.sum(v ** 2)), x, h=0.5)  # exact for quadratics
    np.testing.assert_allclose(g2, 2 * x, rtol=1e-14)
    assert ce.numerical_gradient(lambda v: float(v.sum()), np.float32(2.0)).dtype == np.float64


# ------------------------------------------------------------------ properties
finite_logits = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)
shapes = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4)


@st.composite
def logits_targets_labels(draw):
    """Logits in [-1e4, 1e4], a distribution per row, and integer labels, of one shape.

    Drawn as flat lists (cheaper to generate than hypothesis.extra.numpy arrays)."""
    shape = draw(shapes)
    n, c = int(np.prod(shape)), shape[-1]
    x = np.array(draw(st.lists(finite_logits, min_size=n, max_size=n))).reshape(shape)
    raw = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n))).reshape(shape)
    labels = draw(st.lists(st.integers(0, c - 1), min_size=n // c, max_size=n // c))
    return x, raw, np.array(labels, dtype=np.int64).reshape(shape[:-1])


# Rounding only: s = sum(y) and sum(S) are 1 to within a few ulps.
SUM_SLACK = 1e-13
BOUND_SLACK = 4 * np.finfo(np.float64).eps


@settings(max_examples=1000, deadline=None)
@given(logits_targets_labels())
def test_property_gradient_sums_and_bounds(xyl):
    """For a distribution target the softmax-CE gradient sums to 0 over classes and lies in
    [-1, 1] (reductions "none" and "mean"); integer labels give the one-hot gradient;
    sigma(x) - z lies in [-1, 1]. One test draws all inputs, so that the 1000 cases are
    generated once."""
    x, raw, labels = xyl
    z = raw.copy()
    raw[..., 0] += 1e-3  # no all-zero row
    y = raw / raw.sum(axis=-1, keepdims=True)
    onehot = _onehot(labels, x.shape[-1])
    for reduction in REDUCTIONS:
        g = ce.softmax_cross_entropy_grad(x, y, reduction=reduction)
        assert np.all(np.abs(g.sum(axis=-1)) <= SUM_SLACK)
        if reduction in ("none", "mean"):
            assert np.all(g >= -1 - BOUND_SLACK) and np.all(g <= 1 + BOUND_SLACK)
    sparse = ce.sparse_softmax_cross_entropy_grad(x, labels, reduction="none")
    dense = ce.softmax_cross_entropy_grad(x, onehot, reduction="none")
    assert np.abs(sparse - dense).max() <= 1e-15
    gb = ce.binary_cross_entropy_with_logits_grad(x, z, reduction="none")
    assert np.all(np.abs(gb) <= 1)


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.float64, (3, 4), elements=st.floats(-20, 20)),
       hnp.arrays(np.int64, (3,), elements=st.integers(0, 3)))
def test_property_gradient_equals_central_differences(x, labels):
    g = ce.sparse_softmax_cross_entropy_grad(x, labels)
    fd = _fd(lambda v: ce.sparse_softmax_cross_entropy(v, labels), x)
    np.testing.assert_allclose(g, fd, rtol=0, atol=ATOL_FD)


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("call, match", [
    (lambda: ce.softmax_cross_entropy_grad([1.0, np.nan], [0.0, 1.0]), "logits must be finite"),
    (lambda: ce.softmax_cross_entropy_grad([1.0, 2.0], [1.0]), "targets must have the same shape"),
    (lambda: ce.softmax_cross_entropy_grad([1.0, 2.0], [0.0, 1.0], axis=1), "axis must be in"),
    (lambda: ce.softmax_cross_entropy_grad([1.0, 2.0], [0.0, 1.0], reduction="avg"),
     "reduction must be one of"),
    (lambda: ce.softmax_cross_entropy_grad(1.0, 1.0), "logits must have at least one dimension"),
    (lambda: ce.sparse_softmax_cross_entropy_grad([1.0, 2.0], 2), r"labels must be in \[0, 2\)"),
    (lambda: ce.sparse_softmax_cross_entropy_grad([1.0, 2.0], 1.0), "labels must be integers"),
    (lambda: ce.sparse_softmax_cross_entropy_grad([[1.0, 2.0]], [0, 1]),
     "labels must have shape"),
    (lambda: ce.sparse_softmax_cross_entropy_grad([1.0, 2.0], 0, weight=[1.0]),
     r"weight must have shape \(2,\)"),
    (lambda: ce.sparse_softmax_cross_entropy_grad([1.0, 2.0], 0, weight=[1.0, -1.0]),
     "weight must be non-negative"),
    (lambda: ce.sparse_softmax_cross_entropy_grad([[1.0, 2.0]], [-100]), "labels select no weight"),
    (lambda: ce.binary_cross_entropy_with_logits_grad([0.0], [1.5]),
     r"targets must be in \[0, 1\]"),
    (lambda: ce.binary_cross_entropy_with_logits_grad([0.0], [1.0], pos_weight=-1.0),
     "pos_weight must be non-negative"),
    (lambda: ce.binary_cross_entropy_with_logits_grad([0.0, 1.0], [1.0, 0.0], pos_weight=[1, 2, 3]),
     "pos_weight must broadcast"),
    (lambda: ce.binary_cross_entropy_with_logits_grad([0.0], [1.0], weight=[-1.0]),
     "weight must be non-negative"),
    (lambda: ce.softmax_cross_entropy_grad([1.0, 2.0], [0.0, 1.0], label_smoothing=1.5),
     r"label_smoothing must be in \[0, 1\]"),
    (lambda: ce.sparse_softmax_cross_entropy_grad([1.0, 2.0], 0, label_smoothing="a"),
     "label_smoothing must be a real number in"),
    (lambda: ce.binary_cross_entropy_with_logits_grad([0.0], [1.0], label_smoothing=True),
     r"label_smoothing must be a real number in \[0, 1\]; got True of type bool"),
    (lambda: ce.numerical_gradient(3.0, [1.0]), "f must be a callable"),
    (lambda: ce.numerical_gradient(np.sum, [1.0], h=0.0), "h must be positive"),
    (lambda: ce.numerical_gradient(np.sum, [1.0, 2.0], h=[1e-3, 1e-3, 1e-3]), "h must be a scalar"),
    (lambda: ce.numerical_gradient(lambda v: v, [1.0, 2.0]), "f must return a real scalar"),
    (lambda: ce.numerical_gradient(lambda v: float("inf"), [0.0]), "f must return a finite"),
    (lambda: ce.numerical_gradient(np.sum, [np.inf]), "x must be finite"),
])
def test_errors(call, match):  # the wrong type of an option or of f is a TypeError
    with pytest.raises((ValueError, TypeError), match=match) as err:
        call()
    assert err.type is (TypeError if "of type" in str(err.value) or "callable" in match
                        else ValueError)
