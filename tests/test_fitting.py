"""ceutils.fitting: linear classifiers fitted by minimising a ceutils loss.

The expected fits come from scikit-learn's LogisticRegression without a penalty
(an independent implementation of the same minimisation) and from a closed form.
"""

import numpy as np
import pytest

import ceutils
from ceutils.fitting import fit_linear

sklearn_linear = pytest.importorskip("sklearn.linear_model")


def _blobs(seed, n, centers):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, len(centers), n)
    return rng.normal(size=(n, 2)) + np.asarray(centers)[labels], labels


def test_bias_only_fit_is_the_logit_of_the_positive_rate():
    y = np.array([1.0, 1.0, 0.0, 0.0, 0.0])
    w, b = fit_linear(np.zeros((5, 1)),
                      lambda x: ceutils.binary_cross_entropy_with_logits(x, y),
                      lambda x: ceutils.binary_cross_entropy_with_logits_grad(x, y))
    assert b == pytest.approx(np.log(0.4 / 0.6), abs=1e-7)
    assert w.tolist() == [0.0]


@pytest.mark.parametrize("pos_weight", [0.25, 1.0, 4.0])
def test_weighted_logistic_regression_matches_sklearn_class_weight(pos_weight):
    u, labels = _blobs(1, 400, [[0.0, 0.0], [1.0, 1.5]])
    y = labels.astype(float)
    w, b = fit_linear(
        u, lambda x: ceutils.binary_cross_entropy_with_logits(x, y, pos_weight=pos_weight),
        lambda x: ceutils.binary_cross_entropy_with_logits_grad(x, y, pos_weight=pos_weight))
    sk = sklearn_linear.LogisticRegression(C=np.inf, class_weight={0: 1.0, 1: pos_weight},
                                           tol=1e-12, max_iter=10_000).fit(u, y)
    np.testing.assert_allclose(np.r_[w, b], np.r_[sk.coef_[0], sk.intercept_], atol=1e-6)


def test_softmax_regression_matches_sklearn_multinomial():
    u, labels = _blobs(2, 300, [[0.0, 0.0], [2.0, 0.0], [1.0, 1.7]])
    w, b = fit_linear(u, lambda x: ceutils.sparse_softmax_cross_entropy(x, labels),
                      lambda x: ceutils.sparse_softmax_cross_entropy_grad(x, labels), n_outputs=3)
    assert w.shape == (2, 3) and b.shape == (3,)
    sk = sklearn_linear.LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(u, labels)
    # Softmax ignores a common shift of the logits: compare the probabilities.
    np.testing.assert_allclose(ceutils.softmax(u @ w + b), sk.predict_proba(u), atol=1e-6)


@pytest.mark.parametrize("features, n_outputs, message", [
    (np.zeros(3), None,
     r"features must be an array of shape \(N, D\) with N >= 1; got shape \(3,\)"),
    (np.zeros((0, 2)), None, r"got shape \(0, 2\)"),
    ([[0.0], [np.nan]], None, r"features must be finite; got nan at index \(1, 0\)"),
    (np.zeros((3, 1)), 0, r"n_outputs must be None or a positive int; got 0"),
])
def test_bad_input_is_a_clear_error(features, n_outputs, message):
    with pytest.raises(ValueError, match=message):
        fit_linear(features, lambda x: 0.0, np.zeros_like, n_outputs=n_outputs)


def test_a_gradient_of_the_wrong_shape_is_a_clear_error():
    with pytest.raises(ValueError, match=r"grad must return an array of the shape of the "
                                         r"logits, \(3,\); got shape \(3, 1\)"):
        fit_linear(np.zeros((3, 1)), lambda x: 0.0, lambda x: np.zeros((3, 1)))


def test_a_fit_that_cannot_converge_raises():
    # Separable labels: the loss has no minimiser; two iterations cannot meet gtol.
    u = np.array([[-1.0], [1.0]])
    y = np.array([0.0, 1.0])
    with pytest.raises(RuntimeError, match="L-BFGS did not reach gtol"):
        fit_linear(u, lambda x: ceutils.binary_cross_entropy_with_logits(x, y),
                   lambda x: ceutils.binary_cross_entropy_with_logits_grad(x, y),
                   gtol=1e-14, max_iter=2)
