r"""Cross-entropy losses on probabilities and on logits.

Reductions follow PyTorch: ``"none"`` returns the per-element (binary) or
per-sample (softmax) losses, ``"sum"`` their sum, ``"mean"`` their sum divided
by the number of losses, except that :func:`sparse_softmax_cross_entropy` with
class weights divides by :math:`\sum_n w_{y_n}` over the labels not ignored.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_float_array,
    as_labels,
    as_probabilities,
    check_axis,
    check_reduction,
    check_same_shape,
    reduce,
    warn_if_not_distribution,
)
from .activations import log_softmax, logsumexp
from .information import xlogy

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "softmax_cross_entropy",
    "sparse_softmax_cross_entropy",
]


def _xlog1py(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x * log1p(y)``, exactly 0 where ``x == 0`` (scipy.special.xlog1py)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = x * np.log1p(y)
    return np.where(x == 0, np.zeros_like(out), out)


def _weights(weight, shape: tuple[int, ...], name: str = "weight") -> np.ndarray | None:
    if weight is None:
        return None
    w = as_float_array(weight, name)
    if (w < 0).any():
        raise ValueError(f"{name} must be non-negative; got {w.min()}")
    try:
        np.broadcast_shapes(w.shape, shape)
    except ValueError:
        raise ValueError(
            f"{name} must broadcast to the loss shape {shape}; got shape {w.shape}"
        ) from None
    return w


def binary_cross_entropy(probs, targets, *, weight=None, reduction: str = "mean"):
    r"""Binary cross entropy (二分类交叉熵) of predicted probabilities.

    .. math:: \ell_i = -w_i\left[y_i \log p_i + (1 - y_i) \log(1 - p_i)\right]

    the negative log-likelihood of a Bernoulli variable (source 004 例1).
    :math:`0 \log 0 = 0`, so a confident correct prediction costs exactly 0 and
    a confident wrong one (``p = 0`` with ``y = 1``) costs ``inf``, honestly.

    Parameters
    ----------
    probs : array_like
        Predicted probabilities of the positive class, in [0, 1].
    targets : array_like, same shape as ``probs``
        Targets in [0, 1] (0/1 labels or soft targets).
    weight : array_like, optional
        Per-element rescaling weights, broadcast to ``probs``
        (``torch.nn.BCELoss(weight=...)``).
    reduction : {"none", "mean", "sum"}
        "mean" divides by the number of elements, whatever the weights.

    Notes
    -----
    :math:`\log(1 - p)` is computed as ``log1p(-p)``, exact for tiny ``p``.
    Matches ``torch.nn.BCELoss`` and ``sklearn.metrics.log_loss`` wherever
    their clipping does not act (``0 < p < 1``).

    Examples
    --------
    The bank credit-card example (source 004 例1):

    >>> round(float(binary_cross_entropy([0.7, 0.2], [1, 0])), 6)
    0.289909
    """
    p = as_probabilities(probs, "probs")
    y = as_probabilities(targets, "targets")
    check_same_shape(p, y, "probs", "targets")
    check_reduction(reduction)
    w = _weights(weight, p.shape)
    loss = -(xlogy(y, p) + _xlog1py(1 - y, -p))
    if w is not None:
        loss = loss * w
    return reduce(loss, reduction)


def binary_cross_entropy_with_logits(
    logits, targets, *, pos_weight=None, weight=None, reduction: str = "mean"
):
    r"""Binary (sigmoid) cross entropy computed from logits.

    With :math:`x` the logit and :math:`z` the target, the naive form
    :math:`x - xz + \log(1 + e^{-x})` overflows for large negative :math:`x`;
    the stable form used here (TensorFlow ``nn_impl.py``, source 000 §4.1) is

    .. math:: \ell = \max(x, 0) - x z + \log\left(1 + e^{-|x|}\right).

    With ``pos_weight`` :math:`q` the positive term is scaled by :math:`q`:
    :math:`\ell = -[q z \log\sigma(x) + (1 - z)\log(1 - \sigma(x))]`, computed as
    (source 000 §4.4)

    .. math:: \ell = (1 - z) x + l\left(\log(1 + e^{-|x|}) + \max(-x, 0)\right),
              \quad l = 1 + (q - 1) z.

    Parameters
    ----------
    logits : array_like
        Unnormalised scores; the sigmoid is applied inside.
    targets : array_like, same shape
        Targets in [0, 1] (multi-hot labels or soft targets).
    pos_weight : array_like, optional
        Weight :math:`q \ge 0` of positive examples, broadcast along the last
        axis (one per class), as in ``torch.nn.BCEWithLogitsLoss`` and
        ``tf.nn.weighted_cross_entropy_with_logits``.
    weight : array_like, optional
        Per-element rescaling weights.
    reduction : {"none", "mean", "sum"}
        "mean" divides by the number of elements.

    Examples
    --------
    >>> round(float(binary_cross_entropy_with_logits([0.0], [1.0])), 6)
    0.693147
    >>> float(binary_cross_entropy_with_logits([-1e4], [0.0]))
    0.0
    """
    x = as_float_array(logits, "logits")
    z = as_probabilities(targets, "targets")
    check_same_shape(x, z, "logits", "targets")
    check_reduction(reduction)
    w = _weights(weight, x.shape)
    softplus_neg_abs = np.log1p(np.exp(-np.abs(x)))
    if pos_weight is None:
        loss = np.maximum(x, 0) - x * z + softplus_neg_abs
    else:
        q = _weights(pos_weight, x.shape, "pos_weight")
        l_ = 1 + (q - 1) * z
        loss = (1 - z) * x + l_ * (softplus_neg_abs + np.maximum(-x, 0))
    if w is not None:
        loss = loss * w
    return reduce(loss, reduction)


def softmax_cross_entropy(logits, targets, *, axis: int = -1, reduction: str = "mean"):
    r"""Softmax cross entropy with dense targets (one-hot or a distribution).

    .. math:: \ell_n = -\sum_c y_{n,c} \log \operatorname{softmax}(x_n)_c
              = \sum_c y_{n,c}\left(\operatorname{logsumexp}(x_n) - x_{n,c}\right)

    Parameters
    ----------
    logits : array_like, shape ``[..., C]``
        Unnormalised scores; never pass probabilities.
    targets : array_like, same shape
        One-hot labels or a probability distribution per row. Rows that are
        not distributions raise a ``UserWarning`` and are used as given, as
        ``tf.nn.softmax_cross_entropy_with_logits`` and
        ``torch.nn.functional.cross_entropy`` do (source 000 §5.2 feeds
        ``[1, 2]``; TensorFlow documents that the gradient is then wrong).
    axis : int
        The class axis.
    reduction : {"none", "mean", "sum"}
        "mean" divides by the number of rows.

    Examples
    --------
    >>> round(float(softmax_cross_entropy([1.0, 2.0], [0.0, 1.0])), 4)
    0.3133
    """
    x = as_float_array(logits, "logits")
    y = as_float_array(targets, "targets")
    check_same_shape(x, y, "logits", "targets")
    axis = check_axis(x, axis, "logits")
    check_reduction(reduction)
    warn_if_not_distribution(y, "targets", axis, "computing -sum(y * log_softmax(x)) as given")
    loss = -(y * log_softmax(x, axis=axis)).sum(axis=axis)
    return reduce(loss, reduction)


def sparse_softmax_cross_entropy(
    logits,
    labels,
    *,
    axis: int = -1,
    weight=None,
    ignore_index: int | None = -100,
    reduction: str = "mean",
):
    r"""Cross entropy between integer class labels and ``softmax(logits)``.

    .. math:: \ell_n = -w_{y_n} \log \frac{e^{x_{n,y_n}}}{\sum_c e^{x_{n,c}}}
              = w_{y_n}\left(\operatorname{logsumexp}(x_n) - x_{n,y_n}\right)

    Parameters
    ----------
    logits : array_like, shape ``[..., C]``
        Unnormalised scores; softmax is applied inside (never pass probabilities).
    labels : array_like of int, shape ``logits.shape`` without ``axis``
        Class indices in ``[0, C)``; entries equal to ``ignore_index`` are skipped.
    axis : int
        The class axis.
    weight : array_like, shape ``[C]``, optional
        Per-class weights :math:`w_c \ge 0` (``torch.nn.CrossEntropyLoss(weight=...)``).
    ignore_index : int or None
        Label value whose samples contribute 0 and leave the mean's denominator;
        ``None`` disables it.
    reduction : {"none", "mean", "sum"}
        "mean" is :math:`\sum_n \ell_n / \sum_n w_{y_n}` over labels not ignored
        (without weights: the number of such labels), as PyTorch defines it.

    Notes
    -----
    Matches ``torch.nn.functional.cross_entropy`` and
    ``tf.nn.sparse_softmax_cross_entropy_with_logits`` (source 000 §4.3).

    Examples
    --------
    >>> round(float(sparse_softmax_cross_entropy([1.0, 2.0], 1)), 4)
    0.3133
    """
    x = as_float_array(logits, "logits")
    axis = check_axis(x, axis, "logits")
    check_reduction(reduction)
    n_classes = x.shape[axis]
    y = as_labels(labels, "labels", n_classes, ignore_index)
    expected = x.shape[:axis] + x.shape[axis + 1 :]
    if y.shape != expected:
        raise ValueError(
            f"labels must have shape {expected} (logits shape {x.shape} without axis {axis}); "
            f"got {y.shape}"
        )
    ignored = (y == ignore_index) if ignore_index is not None else np.zeros(y.shape, bool)
    safe = np.where(ignored, 0, y)
    picked = np.take_along_axis(x, np.expand_dims(safe, axis), axis=axis).squeeze(axis)
    loss = logsumexp(x, axis=axis) - picked
    if weight is None:
        w = (~ignored).astype(x.dtype)
    else:
        wc = as_float_array(weight, "weight")
        if wc.shape != (n_classes,):
            raise ValueError(f"weight must have shape ({n_classes},); got {wc.shape}")
        if (wc < 0).any():
            raise ValueError(f"weight must be non-negative; got {wc.min()}")
        w = np.where(ignored, 0, wc[safe]).astype(np.result_type(x.dtype, wc.dtype))
    loss = np.where(ignored, 0, loss * w).astype(loss.dtype)
    if reduction == "mean":
        denominator = w.sum()
        if denominator == 0:
            raise ValueError(
                "labels select no weight: every label equals ignore_index or has weight 0, "
                "so the mean is undefined (0/0); use reduction='sum' or 'none'"
            )
        return reduce(loss, reduction, denominator)
    return reduce(loss, reduction)
