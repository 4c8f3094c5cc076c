"""Properties that must hold for every input, checked with hypothesis (up to 1,000 cases each)."""

import warnings

import mpmath
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


# ------------------------------------------------------------------ any finite logits
# Every finite float64, from the subnormals to ±1.8e308: the loss and the gradient are
# exact to rounding (mpmath at 2,200 bits holds every difference of two float64 exactly).
# "Rounding" includes that of each difference x_c - m, which every floating-point
# implementation shares: it changes e^(x_c - m) by a relative eps·|x_c - m| / 2, the
# condition of the exponential, as a change of x_c by its own half ulp would.
EPS = float(np.finfo(np.float64).eps)
BIG = float(np.finfo(np.float64).max)
any_logits = arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(1, 5)),
                    elements=st.floats(allow_nan=False, allow_infinity=False))
EXACT = settings(max_examples=300, deadline=None)


def _ulp(v: float) -> float:
    with np.errstate(over="ignore"):  # the spacing at the largest float is 2**971
        return float(np.spacing(abs(v))) if abs(v) < BIG else 2.0**971


OVERFLOW = mpmath.mpf(2) ** 1024 - mpmath.mpf(2) ** 970  # rounds to inf from here on


def _close(got: float, exact, bound: float) -> bool:
    """``got`` is ``exact`` to within ``bound``, or inf exactly where ``exact`` rounds to inf."""
    if abs(exact) >= OVERFLOW:
        return got == (np.inf if exact > 0 else -np.inf)
    return np.isfinite(got) and abs(mpmath.mpf(got) - exact) <= bound


def _exp(v):
    """e^v, or 0 below e^-1500 (far under float64's smallest subnormal, about e^-744.4)."""
    return mpmath.mpf(0) if v < -1500 else mpmath.exp(v)


def _exact_softmax_row(row):
    """``(lse, S, d, j)``: logsumexp, softmax and the differences x - m, exactly; j = argmax."""
    xs = [mpmath.mpf(float(v)) for v in row]
    j = int(np.argmax(row))
    m = xs[j]
    d = [v - m for v in xs]
    lse = m + mpmath.log(mpmath.fsum(_exp(v) for v in d))
    return lse, [_exp(v - lse) for v in xs], d, j


@EXACT
@given(any_logits, st.data())
def test_sparse_loss_and_gradient_exact_for_any_finite_logits(x, data):
    n, c = x.shape
    labels = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sparse = ceutils.sparse_softmax_cross_entropy_and_grad(x, labels, reduction="none")
        dense = ceutils.softmax_cross_entropy_and_grad(x, np.eye(c)[labels], reduction="none")
    for loss, grad in (sparse, dense):  # integer labels, and the same labels one-hot
        assert not np.isnan(loss).any() and not np.isnan(grad).any()
        _check_against_mpmath(x, labels, loss, grad)


def _check_against_mpmath(x, labels, loss, grad):
    c = x.shape[1]
    with mpmath.workprec(2200):
        for i, (row, y) in enumerate(zip(x, labels, strict=True)):
            lse, S, d, j = _exact_softmax_row(row)
            # The rounding of the differences, weighted by how much each term counts.
            cond = EPS * mpmath.fsum(S[k] * (abs(d[k]) + 2) for k in range(c) if k != j)
            exact_loss = lse - mpmath.mpf(float(row[y]))
            assert _close(float(loss[i]), exact_loss, 8 * _ulp(float(exact_loss)) + cond), (
                row, y, float(loss[i]), exact_loss)
            for k in range(c):
                exact_g = S[k] - (1 if k == y else 0)
                bound = (8 * _ulp(float(exact_g)) + EPS * S[k] * (abs(d[k]) + 4)
                         + 2 * cond * (S[k] + (k == y)))
                assert _close(float(grad[i, k]), exact_g, bound), (row, y, k, grad[i, k],
                                                                    exact_g)


@EXACT
@given(any_logits, st.data())
def test_sigmoid_loss_and_gradient_exact_for_any_finite_logits(x, data):
    z = data.draw(arrays(np.float64, x.shape, elements=st.sampled_from([0.0, 1.0])))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, grad = ceutils.binary_cross_entropy_with_logits_and_grad(x, z, reduction="none")
    with mpmath.workprec(200):
        for v, zz, ell, g in zip(x.ravel(), z.ravel(), loss.ravel(), grad.ravel(), strict=True):
            t = mpmath.mpf(float(v)) * (1 if zz == 0 else -1)  # the loss is softplus(t)
            exact_loss = t + mpmath.log1p(_exp(-t)) if t > 0 else mpmath.log1p(_exp(t))
            sig = 1 / (1 + _exp(-mpmath.mpf(float(v)))) if v > -1500 else mpmath.mpf(0)
            exact_g = sig - mpmath.mpf(zz)
            assert _close(float(ell), exact_loss, 4 * _ulp(float(exact_loss))), (v, zz, ell)
            assert _close(float(g), exact_g, 4 * _ulp(float(exact_g))), (v, zz, g, exact_g)


options = st.fixed_dictionaries({
    "label_smoothing": st.sampled_from([0.0, 0.1]),
    "reduction": st.sampled_from(["none", "mean", "sum"]),
})


@EXACT
@given(logit_rows, st.data(), options)
def test_fused_equal_the_separate_functions(x, data, opts):
    n, c = x.shape
    labels = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    weight = data.draw(arrays(np.float64, c, elements=st.floats(0.5, 2.0)))
    if data.draw(st.booleans()):
        x = x.astype(np.float32)
    z = data.draw(arrays(np.float64, x.shape, elements=st.floats(0.0, 1.0)))
    y = ceutils.softmax(data.draw(arrays(np.float64, x.shape, elements=st.floats(-5, 5))))
    for fused, loss_fn, grad_fn, args, extra in (
        (ceutils.sparse_softmax_cross_entropy_and_grad, ceutils.sparse_softmax_cross_entropy,
         ceutils.sparse_softmax_cross_entropy_grad, (x, labels), {"weight": weight}),
        (ceutils.softmax_cross_entropy_and_grad, ceutils.softmax_cross_entropy,
         ceutils.softmax_cross_entropy_grad, (x, y), {}),
        (ceutils.binary_cross_entropy_with_logits_and_grad,
         ceutils.binary_cross_entropy_with_logits, ceutils.binary_cross_entropy_with_logits_grad,
         (x, z), {"pos_weight": weight}),
    ):
        loss, grad = fused(*args, **opts, **extra)
        np.testing.assert_array_equal(loss, loss_fn(*args, **opts, **extra))
        np.testing.assert_array_equal(grad, grad_fn(*args, **opts, **extra))
