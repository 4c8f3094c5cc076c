r"""Sigmoid, softmax and their logarithms, stable for every finite input.

The two tricks, derived once:

* **logsumexp.** With :math:`m = \max_j x_j`,
  :math:`\log \sum_j e^{x_j} = m + \log \sum_j e^{x_j - m}`. Every exponent is
  ≤ 0, so nothing overflows, and the largest term is :math:`e^0 = 1`, so the
  sum is ≥ 1 and its logarithm never underflows to ``-inf``.
* **log-sigmoid.** :math:`\log \sigma(x) = -\log(1 + e^{-x})
  = -\left(\max(-x, 0) + \log(1 + e^{-|x|})\right)`, where the exponent is
  again ≤ 0 and ``log1p`` keeps full precision when :math:`e^{-|x|}` is tiny.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_axis

__all__ = ["sigmoid", "log_sigmoid", "softmax", "log_softmax", "logsumexp"]


def _max_and_log_sum_exp_shifted(x: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    r"""``(m, r)`` with :math:`\operatorname{logsumexp}(x) = m + r` along ``axis``.

    :math:`m = \max_j x_j` and :math:`r = \log \sum_j e^{x_j - m}
    = \operatorname{log1p}\bigl(\sum_{j \ne j^*} e^{x_j - m}\bigr) \ge 0`,
    where :math:`j^*` is (the first) position of the maximum, whose term is
    exactly :math:`e^0 = 1`. Leaving that 1 out of the sum and adding it
    back with ``log1p`` keeps :math:`r` accurate when the other terms are tiny
    (``log(1 + 1e-20)`` would round to 0). Both results have ``axis`` removed.

    Callers combine the parts so that nothing cancels: ``m + r`` for logsumexp,
    ``(x - m) - r`` for log-softmax, ``(m - x_y) + r`` for the cross entropy of
    label ``y``. One temporary of ``x``'s size is used, worked on in place.
    """
    idx = np.expand_dims(x.argmax(axis=axis), axis)
    m = np.take_along_axis(x, idx, axis=axis)
    e = x - m
    np.exp(e, out=e)
    np.put_along_axis(e, idx, 0, axis=axis)
    r = np.log1p(e.sum(axis=axis))
    return np.squeeze(m, axis=axis), r


def sigmoid(x) -> np.ndarray:
    r"""Logistic sigmoid :math:`\sigma(x) = 1 / (1 + e^{-x})`.

    Computed as :math:`1/(1+e^{-|x|})` for x ≥ 0 and :math:`e^{-|x|}/(1+e^{-|x|})`
    for x < 0, so no exponential overflows (source 003 §1.3).

    Derived in chapter 3 (with :math:`\sigma' = \sigma(1 - \sigma)`); its float
    limits in chapter 11.

    Parameters
    ----------
    x : array_like
        Logits.

    Returns
    -------
    numpy.ndarray
        :math:`\sigma(x)` in [0, 1], of the shape and dtype of ``x``.

    Examples
    --------
    >>> float(sigmoid(0.0))
    0.5
    >>> float(sigmoid(-1e4)), float(sigmoid(1e4))
    (0.0, 1.0)
    """
    x = as_float_array(x, "x")
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def log_sigmoid(x) -> np.ndarray:
    r"""Log-sigmoid, computed without overflow for every finite ``x``.

    .. math:: \log \sigma(x) = -\left(\max(-x, 0) + \operatorname{log1p}(e^{-|x|})\right)

    Derived in chapter 6 (:math:`\log(1 + e^{-x}) = \log(1 + e^{-|x|}) + \max(-x, 0)`).

    Parameters
    ----------
    x : array_like
        Logits.

    Returns
    -------
    numpy.ndarray
        :math:`\log \sigma(x) \le 0`, of the shape and dtype of ``x``.

    Examples
    --------
    >>> float(log_sigmoid(-1e4))
    -10000.0
    >>> round(float(log_sigmoid(0.0)), 6)
    -0.693147
    """
    x = as_float_array(x, "x")
    return -(np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x))))


def logsumexp(x, *, axis: int = -1) -> np.ndarray:
    r""":math:`\log \sum_j e^{x_j}` along ``axis``, shifted by the maximum.

    .. math:: \operatorname{logsumexp}(x) = m + \log \sum_j e^{x_j - m},
              \quad m = \max_j x_j

    Derived in chapter 11 (the maximum's term added back with ``log1p``).

    Parameters
    ----------
    x : array_like, shape ``[..., C]``
        Logits.
    axis : int
        The axis to sum over.

    Returns
    -------
    numpy.ndarray
        The shape of ``x`` without ``axis``, in ``x``'s dtype.

    Examples
    --------
    >>> round(float(logsumexp([1.0, 2.0])), 6)
    2.313262
    >>> float(logsumexp([1e4, 0.0, -1e4]))
    10000.0
    """
    x = as_float_array(x, "x")
    axis = check_axis(x, axis, "x")
    m, r = _max_and_log_sum_exp_shifted(x, axis)
    return m + r


def log_softmax(x, *, axis: int = -1) -> np.ndarray:
    r"""Log-softmax :math:`x_i - \operatorname{logsumexp}(x)` along ``axis``.

    Unchanged when a constant is added to every logit (source 002 §四).

    Derived in chapter 11.

    Parameters
    ----------
    x : array_like, shape ``[..., C]``
        Logits.
    axis : int
        The class axis.

    Returns
    -------
    numpy.ndarray
        :math:`\log \operatorname{softmax}(x) \le 0`, of the shape and dtype of ``x``.

    Examples
    --------
    >>> np.round(log_softmax([1.0, 2.0]), 6).tolist()
    [-1.313262, -0.313262]
    """
    x = as_float_array(x, "x")
    axis = check_axis(x, axis, "x")
    m, r = _max_and_log_sum_exp_shifted(x, axis)
    # (x - m) - r, not x - logsumexp(x): both terms are <= 0, so nothing cancels.
    out = x - np.expand_dims(m, axis)
    out -= np.expand_dims(r, axis)
    return out


def softmax(x, *, axis: int = -1) -> np.ndarray:
    r"""Softmax :math:`e^{x_i} / \sum_j e^{x_j}` along ``axis`` (sums to 1).

    Computed as :math:`e^{x_i - m} / \sum_j e^{x_j - m}` with :math:`m = \max_j x_j`
    (source 003 §1.4, 002 §四).

    Derived in chapter 4.

    Parameters
    ----------
    x : array_like, shape ``[..., C]``
        Logits.
    axis : int
        The class axis.

    Returns
    -------
    numpy.ndarray
        Probabilities that sum to 1 along ``axis``, of the shape and dtype of ``x``.

    Examples
    --------
    >>> np.round(softmax([1.0, 2.0, 3.0]), 2).tolist()
    [0.09, 0.24, 0.67]
    """
    x = as_float_array(x, "x")
    axis = check_axis(x, axis, "x")
    e = x - x.max(axis=axis, keepdims=True)
    np.exp(e, out=e)  # in place: one temporary of x's size in all
    e /= e.sum(axis=axis, keepdims=True)
    return e
