"""Activations against SciPy, PyTorch and exact values, including extreme logits."""

import numpy as np
from scipy import special
from tolerances import rtol_for

import ceutils
from ceutils import adapters

X = np.random.default_rng(7).normal(scale=5.0, size=(6, 4))
EXTREME = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4, -1e4], [1e4, 1e4 - 1.0, 0.0]])


def test_sigmoid_and_log_sigmoid_match_scipy(dtype):
    x = np.concatenate([X.ravel(), [-1e4, -745.0, -40.0, 0.0, 40.0, 1e4]]).astype(dtype)
    x64 = x.astype(np.float64)
    # atol: at x = -745 the exact sigmoid is subnormal (~5e-324); SciPy flushes it to 0.
    np.testing.assert_allclose(
        ceutils.sigmoid(x), special.expit(x64), rtol=rtol_for(dtype), atol=1e-300
    )
    np.testing.assert_allclose(
        ceutils.log_sigmoid(x), special.log_expit(x64), rtol=rtol_for(dtype)
    )
    torch = adapters._torch()
    np.testing.assert_allclose(
        ceutils.log_sigmoid(x), torch.nn.functional.logsigmoid(torch.as_tensor(x)).numpy(),
        rtol=rtol_for(dtype),
    )


def test_logsumexp_softmax_match_scipy(dtype):
    for x in (X, EXTREME):
        xd = x.astype(dtype)
        np.testing.assert_allclose(
            ceutils.logsumexp(xd), special.logsumexp(x, axis=-1), rtol=rtol_for(dtype)
        )
        np.testing.assert_allclose(
            ceutils.softmax(xd), special.softmax(x, axis=-1), rtol=rtol_for(dtype), atol=1e-300
        )
        np.testing.assert_allclose(
            ceutils.log_softmax(xd), special.log_softmax(x, axis=-1), rtol=rtol_for(dtype)
        )


def test_softmax_axis_and_shapes():
    np.testing.assert_allclose(
        ceutils.softmax(X.T, axis=0), special.softmax(X, axis=-1).T, rtol=1e-13
    )
    assert ceutils.logsumexp(X).shape == (6,)
    assert ceutils.log_softmax(X, axis=0).shape == X.shape


def test_extreme_logits_finite_and_exact():
    assert np.all(np.isfinite(ceutils.log_softmax(EXTREME)))
    np.testing.assert_array_equal(ceutils.logsumexp(EXTREME[:1]), [1e4])
    np.testing.assert_array_equal(ceutils.log_softmax([1e4, 0.0, -1e4]), [0.0, -1e4, -2e4])
    assert float(ceutils.log_sigmoid(-1e4)) == -1e4
    assert float(ceutils.sigmoid(1e4)) == 1.0


def test_softmax_of_the_source_example():
    # source 002 §四 prints softmax([1, 2, 3]) rounded to two decimals
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(ceutils.softmax([1.0, 2.0, 3.0]), e / e.sum(), rtol=1e-15)
