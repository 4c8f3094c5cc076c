r"""Sigmoid, softmax and their logarithms, stable for every finite input.

The two tricks, derived once:

* **logsumexp.** With :math:`m = \max_j x_j`,
  :math:`\log \sum_j e^{x_j} = m + \log \sum_j e^{x_j - m}`. Every exponent is
  ≤ 0, so nothing overflows, and the largest term is :math:`e^0 = 1`, so the
  sum is ≥ 1 and its logarithm never underflows to ``-inf``. That term is
  left out of the sum and added back with ``log1p``, so that
  ``log(1 + 1e-20)`` does not round to 0. Where :math:`x_j - m` itself
  overflows (logits :math:`\pm 10^{308}`) it becomes ``-inf``, whose
  exponential is the exact 0. The implementation, shared with the losses and
  gradients, is :func:`ceutils._blocks.lse_blocks`.
* **log-sigmoid.** :math:`\log \sigma(x) = -\log(1 + e^{-x})
  = -\left(\max(-x, 0) + \log(1 + e^{-|x|})\right)`, where the exponent is
  again ≤ 0 and ``log1p`` keeps full precision when :math:`e^{-|x|}` is tiny.

Every function accepts what :mod:`ceutils._validation` accepts (NumPy arrays,
lists, PyTorch tensors) and refuses NaN and infinite entries. A class axis of
length 0 raises ``ValueError`` (softmax over no classes is undefined); an
input with no rows gives an empty result.
"""

from __future__ import annotations

import numpy as np

from ._blocks import as_rows, leading_slices, lse_blocks, rows_out
from ._validation import as_float_array, check_axis

__all__ = ["sigmoid", "log_sigmoid", "softmax", "log_softmax", "logsumexp"]


def _sign_parts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""``(a, e, s, t)``: :math:`|x|`, :math:`e^{-|x|}`, and 1.0/0.0 flags of x ≥ 0 and x < 0.

    With them, without a branch (NumPy's ``where`` costs twenty times an
    addition) and without overflow: :math:`\max(x, 0) = a s`,
    :math:`\max(-x, 0) = a t`, and the two sigmoids of :func:`_sigmoids`.
    """
    a = np.abs(x)
    e = np.exp(-a)
    s = np.empty_like(x)
    np.greater_equal(x, 0, out=s)
    return a, e, s, 1 - s


def _sigmoids(e: np.ndarray, s: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""``(σ(x), σ(-x))`` from :func:`_sign_parts`: :math:`\sigma(|x|) = 1/(1 + e)`,
    :math:`\sigma(-|x|) = e/(1 + e)`.

    Each numerator, :math:`s + t e` or :math:`t + s e`, is exactly 1 or
    :math:`e` (a product by 0 or 1 is exact), so both are accurate to rounding:
    neither is computed as 1 minus the other.
    """
    d = 1 + e
    pos = t * e
    pos += s
    pos /= d
    neg = s * e
    neg += t
    neg /= d
    return pos, neg


def _log_sigmoid_block(x: np.ndarray) -> np.ndarray:
    a, e, _, t = _sign_parts(x)
    out = np.log1p(e)
    out += a * t
    return np.negative(out, out=out)


def _elementwise(x: np.ndarray, block) -> np.ndarray:
    """``block(x[i])`` for every block ``i`` of ``x``, into one new array."""
    out = np.empty_like(x)
    flat, flat_out = (x.reshape(1), out.reshape(1)) if x.ndim == 0 else (x, out)
    for idx in leading_slices(flat.shape):
        flat_out[idx] = block(flat[idx])
    return out


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
        :math:`\sigma(x)` in [0, 1], of the shape and dtype of ``x`` (empty if
        ``x`` is).

    Raises
    ------
    ValueError
        If ``x`` is not an array of finite real numbers.

    Examples
    --------
    >>> float(sigmoid(0.0))
    0.5
    >>> float(sigmoid(-1e4)), float(sigmoid(1e4))
    (0.0, 1.0)
    """
    x = as_float_array(x, "x")
    return _elementwise(x, lambda xb: _sigmoids(*_sign_parts(xb)[1:])[0])


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
        :math:`\log \sigma(x) \le 0`, of the shape and dtype of ``x`` (empty if
        ``x`` is).

    Raises
    ------
    ValueError
        If ``x`` is not an array of finite real numbers.

    Examples
    --------
    >>> float(log_sigmoid(-1e4))
    -10000.0
    >>> round(float(log_sigmoid(0.0)), 6)
    -0.693147
    """
    x = as_float_array(x, "x")
    return _elementwise(x, _log_sigmoid_block)


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
        The shape of ``x`` without ``axis``, in ``x``'s dtype (empty if ``x``
        has no rows).

    Raises
    ------
    ValueError
        If ``x`` is not an array of finite real numbers, is a scalar, or has
        no class along ``axis`` (a row of no classes has no softmax).
    TypeError
        If ``axis`` is not an int.

    Examples
    --------
    >>> round(float(logsumexp([1.0, 2.0])), 6)
    2.313262
    >>> float(logsumexp([1e4, 0.0, -1e4]))
    10000.0
    """
    x = as_float_array(x, "x")
    axis = check_axis(x, axis, "x")
    x2, lead = as_rows(x, axis)
    out = np.empty(x2.shape[0], x.dtype)
    for r0, r1, _, _, m, t in lse_blocks(x2):
        out[r0:r1] = m + np.log1p(t)
    return out.reshape(lead)


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
        :math:`\log \operatorname{softmax}(x) \le 0`, of the shape and dtype of
        ``x`` (empty if ``x`` has no rows).

    Raises
    ------
    ValueError
        If ``x`` is not an array of finite real numbers, is a scalar, or has
        no class along ``axis`` (a row of no classes has no softmax).
    TypeError
        If ``axis`` is not an int.

    Examples
    --------
    >>> np.round(log_softmax([1.0, 2.0]), 6).tolist()
    [-1.313262, -0.313262]
    """
    x = as_float_array(x, "x")
    axis = check_axis(x, axis, "x")
    x2, lead = as_rows(x, axis)
    out, out2 = rows_out(lead, x2.shape[1], x.dtype)
    for _, _, xb, e, m, t in lse_blocks(x2, out2):
        # (x - m) - log1p(t), not x - logsumexp(x): both terms are <= 0, so nothing cancels.
        with np.errstate(over="ignore"):
            np.subtract(xb, m[:, None], out=e)
        e -= np.log1p(t)[:, None]
    return np.moveaxis(out, -1, axis)


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
        Probabilities that sum to 1 along ``axis``, of the shape and dtype of
        ``x`` (empty if ``x`` has no rows).

    Raises
    ------
    ValueError
        If ``x`` is not an array of finite real numbers, is a scalar, or has
        no class along ``axis`` (a row of no classes has no softmax).
    TypeError
        If ``axis`` is not an int.

    Examples
    --------
    >>> np.round(softmax([1.0, 2.0, 3.0]), 2).tolist()
    [0.09, 0.24, 0.67]
    """
    x = as_float_array(x, "x")
    axis = check_axis(x, axis, "x")
    x2, lead = as_rows(x, axis)
    out, out2 = rows_out(lead, x2.shape[1], x.dtype)
    for _, _, _, e, _, t in lse_blocks(x2, out2):
        e /= (1 + t)[:, None]
    return np.moveaxis(out, -1, axis)
