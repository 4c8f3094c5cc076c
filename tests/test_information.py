"""Information measures against SciPy and exact closed forms."""

import numpy as np
import pytest
from scipy import special, stats
from tolerances import rtol_for

import ceutils

P, Q = np.random.default_rng(20261122).dirichlet(np.ones(5), size=(2, 7))


def test_information_matches_closed_form(dtype):
    p = np.array([1.0, 0.5, 0.25, 1e-3], dtype=dtype)
    got = ceutils.information(p)
    assert got.dtype == dtype
    np.testing.assert_allclose(got, -np.log(p.astype(np.float64)), rtol=rtol_for(dtype))
    np.testing.assert_array_equal(ceutils.information([0.5, 0.25], base=2), [1.0, 2.0])


def test_information_of_impossible_event_is_inf():
    assert ceutils.information(0.0) == np.inf


def test_entropy_matches_scipy(dtype):
    p = P.astype(dtype)
    np.testing.assert_allclose(ceutils.entropy(p), stats.entropy(P, axis=-1), rtol=rtol_for(dtype))
    np.testing.assert_allclose(
        ceutils.entropy(p, base=2), stats.entropy(P, base=2, axis=-1), rtol=rtol_for(dtype)
    )


def test_entropy_axis():
    np.testing.assert_allclose(ceutils.entropy(P.T, axis=0), stats.entropy(P, axis=-1), rtol=1e-13)


def test_zero_log_zero_is_zero():
    assert float(ceutils.entropy([1.0, 0.0, 0.0])) == 0.0
    np.testing.assert_allclose(ceutils.entropy([0.5, 0.0, 0.5]), np.log(2), rtol=1e-15)


def test_kl_matches_scipy(dtype):
    np.testing.assert_allclose(
        ceutils.kl_divergence(P.astype(dtype), Q.astype(dtype)),
        stats.entropy(P, Q, axis=-1),
        rtol=10 * rtol_for(dtype),
    )
    np.testing.assert_allclose(
        ceutils.kl_divergence(P, Q), special.rel_entr(P, Q).sum(-1), rtol=1e-12
    )


def test_kl_infinite_when_q_misses_support():
    assert ceutils.kl_divergence([0.5, 0.5], [1.0, 0.0]) == np.inf
    assert float(ceutils.kl_divergence([1.0, 0.0], [0.5, 0.5])) == pytest.approx(np.log(2))


def test_cross_entropy_matches_scipy_and_broadcasts(dtype):
    expected = -special.xlogy(P, Q).sum(-1)
    got = ceutils.cross_entropy(P.astype(dtype), Q.astype(dtype))
    np.testing.assert_allclose(got, expected, rtol=rtol_for(dtype))
    one_label = np.array([0.0, 1.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(ceutils.cross_entropy(one_label, Q), -np.log(Q[:, 1]), rtol=1e-14)


def test_xlogy_matches_scipy():
    x = np.array([0.0, 0.0, 1.0, 2.5, 1e-300])
    y = np.array([0.0, 3.0, 0.0, 7.0, 1e-300])
    np.testing.assert_array_equal(ceutils.xlogy(x, y), special.xlogy(x, y))
