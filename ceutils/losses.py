r"""Cross-entropy losses on probabilities and on logits.

Reductions follow PyTorch: ``"none"`` returns the per-element (binary) or
per-sample (softmax) losses, ``"sum"`` their sum, ``"mean"`` their sum divided
by the number of losses, except that :func:`sparse_softmax_cross_entropy` with
class weights divides by :math:`\sum_n w_{y_n}` over the labels not ignored.

A ``"mean"`` of no losses (an empty batch) raises ``ValueError``: it is 0/0,
which PyTorch returns as ``nan``. ``"sum"`` of no losses is 0 and ``"none"``
an empty array, as in PyTorch.

Dtypes follow optax: targets and weights are cast to the dtype of ``probs`` or
``logits``, and the loss comes back in that dtype (integer inputs count as
float64). :mod:`ceutils.gradients` follows the same rule.

Weights broadcast only as documented: to the shape of the losses, never
enlarging it. Probabilities, targets and weights are validated as
:mod:`ceutils._validation` describes (real, finite, in range; PyTorch tensors
are accepted, masked arrays with masked entries refused).
"""

from __future__ import annotations

import warnings

import numpy as np

from ._blocks import row_slices
from ._core import (
    Losses,
    dense_inputs,
    elementwise_inputs,
    sigmoid_ce,
    sigmoid_squared_error_kernel,
    smooth,
    softmax_ce,
    sparse_inputs,
    sparse_softmax_ce,
    targets_are_distributions,
)
from ._validation import check_bool, check_clip, rows_are_distributions
from .information import _xlog1py, _xlogy

__all__ = [
    "KERAS_EPSILON",
    "TORCH_LOG_CLAMP",
    "CLIP_MODES",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "categorical_cross_entropy",
    "softmax_cross_entropy",
    "sparse_softmax_cross_entropy",
    "sigmoid_squared_error",
]

KERAS_EPSILON = 1e-7
"""``keras.config.epsilon()``: Keras clips probabilities to ``[ε, 1 - ε]``."""

TORCH_LOG_CLAMP = -100.0
"""``torch.nn.BCELoss`` clamps each logarithm to be at least -100."""

CLIP_MODES = (None, "keras", "torch", "sklearn")
"""Values of ``clip=``: no clipping, or the convention of one library."""


def _keras_clip(p: np.ndarray) -> np.ndarray:
    """Clip to ``[ε, 1 - ε]`` with both bounds rounded to ``p``'s dtype, as Keras does.

    In float32, ``1 - 1e-7`` rounds to ``1 - 2**-23 = 0.99999988``.
    """
    lo = p.dtype.type(KERAS_EPSILON)
    hi = p.dtype.type(1.0 - KERAS_EPSILON)
    return np.clip(p, lo, hi)


def _sklearn_clip(p: np.ndarray) -> np.ndarray:
    """Clip to ``[eps, 1 - eps]``, ``eps = finfo(p.dtype).eps`` (``sklearn.metrics.log_loss``)."""
    eps = np.finfo(p.dtype).eps
    return np.clip(p, eps, 1 - eps)


def warn_targets(name: str, axis: int, what: str) -> None:
    """Warn, as scikit-learn does, that rows of ``name`` are not distributions."""
    warnings.warn(
        f"{name} rows are not probability distributions (entries in [0, 1] summing to 1 "
        f"along axis {axis}); {what}",
        UserWarning,
        stacklevel=3,
    )


def _bce_block(p: np.ndarray, y: np.ndarray, clip) -> np.ndarray:
    """The binary cross entropy of one block, under ``clip``'s convention."""
    if clip is None:
        loss = _xlogy(y, p)
        loss += _xlog1py(1 - y, -p)
    elif clip == "keras":
        pc = _keras_clip(p)
        loss = y * np.log(pc)
        loss += (1 - y) * np.log(1 - pc)
    elif clip == "torch":
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), TORCH_LOG_CLAMP)
            log_q = np.maximum(np.log1p(-p), TORCH_LOG_CLAMP)
        loss = y * log_p
        loss += (1 - y) * log_q
    else:  # "sklearn"
        loss = _xlogy(y, _sklearn_clip(p))
        loss += _xlogy(1 - y, _sklearn_clip(1 - p))
    return np.subtract(0, loss, out=loss)  # +0.0, not -0.0, for a perfect prediction


def binary_cross_entropy(
    probs, targets, *, weight=None, clip=None, label_smoothing=0.0, reduction: str = "mean"
):
    r"""Binary cross entropy (二分类交叉熵) of predicted probabilities.

    .. math:: \ell_i = -w_i\left[y_i \log p_i + (1 - y_i) \log(1 - p_i)\right]

    the negative log-likelihood of a Bernoulli variable (source 004 例1).
    :math:`0 \log 0 = 0`, so a confident correct prediction costs exactly 0 and
    a confident wrong one (``p = 0`` with ``y = 1``) costs ``inf``, honestly.

    Derived in chapter 3; the ``clip`` conventions in chapters 7 and 8.

    Parameters
    ----------
    probs : array_like
        Predicted probabilities of the positive class, in [0, 1].
    targets : array_like, same shape as ``probs``
        Targets in [0, 1] (0/1 labels or soft targets), cast to ``probs``' dtype.
    weight : array_like, optional
        Per-element rescaling weights :math:`w_i \ge 0`, broadcasting to the
        shape of ``probs`` (``torch.nn.BCELoss(weight=...)``); a weight that
        would enlarge the loss, such as a column ``(N, 1)`` for ``N`` losses,
        raises ``ValueError``, as PyTorch refuses it.
    clip : {None, "keras", "torch", "sklearn"}
        How the library being reproduced keeps the logarithms finite:

        * ``None``: not at all; ``y = 1, p = 0`` gives ``inf``.
        * ``"keras"``: ``p`` clipped to :math:`[\varepsilon, 1 - \varepsilon]`,
          :math:`\varepsilon` = :data:`KERAS_EPSILON` (both bounds rounded to the
          dtype: in float32 the upper one is :math:`1 - 2^{-23}`), then
          ``log(p)`` and ``log(1 - p)``
          (``keras.losses.binary_crossentropy``; Keras then averages over the
          last axis, which is ``reduction``'s job here).
        * ``"torch"``: each of :math:`\log p` and :math:`\log(1 - p)` (computed
          as ``log1p(-p)``) clamped to be at least :data:`TORCH_LOG_CLAMP`
          (``torch.nn.BCELoss``).
        * ``"sklearn"``: ``p`` and ``1 - p`` each clipped to
          ``[eps, 1 - eps]``, ``eps = numpy.finfo(dtype).eps``
          (``sklearn.metrics.log_loss``).
    label_smoothing : float in [0, 1]
        Targets become :math:`y (1 - \epsilon) + \epsilon / 2` before the loss,
        as ``keras.losses.binary_crossentropy(label_smoothing=ε)`` does.
    reduction : {"none", "mean", "sum"}
        What to return; "mean" divides by the number of elements, whatever the
        weights.

    Returns
    -------
    numpy.ndarray
        In ``probs``' dtype. ``"none"``: the losses :math:`\ell_i`, of the
        shape of ``probs``; ``"mean"`` and ``"sum"``: a scalar, their mean or
        sum.

    Raises
    ------
    ValueError
        If an array is not one of finite real numbers of the documented shape,
        or holds a value out of range; or, with ``reduction="mean"``, if there
        are no losses (an empty batch: 0/0). ``"sum"`` of no losses is 0 and
        ``"none"`` an empty array, as in PyTorch.
    TypeError
        If an option has the wrong type (``reduction`` not a string,
        ``label_smoothing`` not a real number, ``axis`` not an int).

    Notes
    -----
    :math:`\log(1 - p)` is computed as ``log1p(-p)``, exact for tiny ``p``
    (``clip=None``). Matches ``torch.nn.BCELoss`` and ``sklearn.metrics.log_loss``
    wherever their clipping does not act (``0 < p < 1``); the ``clip`` modes
    reproduce them where it does.

    Examples
    --------
    The bank credit-card example (source 004 例1):

    >>> round(float(binary_cross_entropy([0.7, 0.2], [1, 0])), 6)
    0.289909

    A perfect prediction costs 0; Keras' clipping makes it :math:`-\log(1 - 10^{-7})`
    and a certain miss costs at most 100 in PyTorch:

    >>> float(binary_cross_entropy([1.0], [1.0]))
    0.0
    >>> float(binary_cross_entropy([1.0], [1.0], clip="keras"))
    1.0000000494736474e-07
    >>> float(binary_cross_entropy([0.0], [1.0]))
    inf
    >>> float(binary_cross_entropy([0.0], [1.0], clip="torch"))
    100.0
    >>> round(float(binary_cross_entropy([0.9], [1.0], label_smoothing=0.2)), 6)
    0.325083
    """
    check_clip(clip, CLIP_MODES)
    b = elementwise_inputs(probs, targets, name="probs", weight=weight,
                           label_smoothing=label_smoothing, reduction=reduction)
    den = b.denominator if b.reduction == "mean" else None
    losses = Losses(b.reduction, b.x.shape, b.x.dtype)
    for idx, p, y, w, _ in b.blocks():
        loss = _bce_block(p, y, clip)
        if w is not None:  # a weight of 0 gives 0, also where the loss is inf
            with np.errstate(invalid="ignore"):
                loss = np.where(w == 0, 0, loss * w).astype(loss.dtype, copy=False)
        losses.put(idx, loss)
    return b.finish(losses, den, None)[0]


def binary_cross_entropy_with_logits(
    logits, targets, *, pos_weight=None, weight=None, label_smoothing=0.0,
    reduction: str = "mean"
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

    Derived in chapter 6.

    Parameters
    ----------
    logits : array_like
        Unnormalised scores :math:`x`; the sigmoid is applied inside.
    targets : array_like, same shape as ``logits``
        Targets :math:`z` in [0, 1] (multi-hot labels or soft targets), cast to
        ``logits``' dtype.
    pos_weight : array_like, optional
        Weight :math:`q \ge 0` of positive examples, broadcasting to the shape
        of ``logits`` (one per class along the last axis, say), as in
        ``torch.nn.BCEWithLogitsLoss`` and
        ``tf.nn.weighted_cross_entropy_with_logits``.
    weight : array_like, optional
        Per-element rescaling weights, broadcasting to the shape of ``logits``.
        Neither weight may enlarge the loss (``ValueError``, as in PyTorch).
    label_smoothing : float in [0, 1]
        Targets become :math:`z (1 - \epsilon) + \epsilon / 2` first, as
        ``keras.losses.binary_crossentropy(from_logits=True, label_smoothing=ε)``
        does.
    reduction : {"none", "mean", "sum"}
        What to return; "mean" divides by the number of elements.

    Returns
    -------
    numpy.ndarray
        In ``logits``' dtype. ``"none"``: the losses :math:`\ell`, of the shape
        of ``logits``; ``"mean"`` and ``"sum"``: a scalar, their mean or sum.

    Raises
    ------
    ValueError
        If an array is not one of finite real numbers of the documented shape,
        or holds a value out of range; or, with ``reduction="mean"``, if there
        are no losses (an empty batch: 0/0). ``"sum"`` of no losses is 0 and
        ``"none"`` an empty array, as in PyTorch.
    TypeError
        If an option has the wrong type (``reduction`` not a string,
        ``label_smoothing`` not a real number, ``axis`` not an int).

    Examples
    --------
    >>> round(float(binary_cross_entropy_with_logits([0.0], [1.0])), 6)
    0.693147
    >>> float(binary_cross_entropy_with_logits([-1e4], [0.0]))
    0.0
    >>> round(float(binary_cross_entropy_with_logits([2.0], [1.0], label_smoothing=0.2)), 6)
    0.326928
    """
    b = elementwise_inputs(logits, targets, name="logits", weight=weight, pos_weight=pos_weight,
                           label_smoothing=label_smoothing, reduction=reduction)
    return sigmoid_ce(b)[0]


def categorical_cross_entropy(
    probs,
    targets,
    *,
    axis: int = -1,
    normalize: bool = False,
    clip=None,
    label_smoothing=0.0,
    reduction: str = "mean",
):
    r"""Categorical cross entropy (多分类交叉熵) of predicted probabilities.

    .. math:: \ell_n = -\sum_c y_{n,c} \log p_{n,c}

    the cross entropy :math:`H(y_n, p_n)` of each row (source 000 §5.2).
    :math:`0 \log 0 = 0`; a true class predicted with probability 0 costs ``inf``
    unless ``clip`` says otherwise.

    Derived in chapter 4; ``normalize`` and ``clip="keras"`` in chapter 7,
    ``clip="sklearn"`` in chapter 8.

    Parameters
    ----------
    probs : array_like, shape ``[..., C]``
        Predicted probabilities, in [0, 1]. Rows that do not sum to 1 raise a
        ``UserWarning`` (as ``sklearn.metrics.log_loss`` does) and are used as
        given, unless ``normalize=True``.
    targets : array_like, same shape as ``probs``
        One-hot labels or a distribution per row, cast to ``probs``' dtype;
        rows that are not distributions raise a ``UserWarning`` and are used as
        given.
    axis : int
        The class axis.
    normalize : bool
        Divide ``probs`` by their row sums first, as
        ``keras.losses.categorical_crossentropy`` does before clipping:
        :math:`p_{n,c} \leftarrow p_{n,c} / \sum_k p_{n,k}`.
    clip : {None, "keras", "sklearn"}
        ``"keras"``: clip to :math:`[\varepsilon, 1 - \varepsilon]`,
        :math:`\varepsilon` = :data:`KERAS_EPSILON`, bounds rounded to the dtype;
        ``"sklearn"``: clip to ``[eps, 1 - eps]``, ``eps = finfo(dtype).eps``.
        ``"torch"`` is refused: PyTorch has no categorical loss on probabilities.
    label_smoothing : float in [0, 1]
        Targets become :math:`(1 - \epsilon)\, y + \epsilon / C` (Keras).
    reduction : {"none", "mean", "sum"}
        What to return; "mean" divides by the number of rows.

    Returns
    -------
    numpy.ndarray
        In ``probs``' dtype. ``"none"``: the row losses :math:`\ell_n`, of the
        shape of ``probs`` without ``axis``; ``"mean"`` and ``"sum"``: a scalar,
        their mean or sum.

    Raises
    ------
    ValueError
        If an array is not one of finite real numbers of the documented shape,
        or holds a value out of range; or, with ``reduction="mean"``, if there
        are no losses (an empty batch: 0/0). ``"sum"`` of no losses is 0 and
        ``"none"`` an empty array, as in PyTorch.
    TypeError
        If an option has the wrong type (``reduction`` not a string,
        ``label_smoothing`` not a real number, ``axis`` not an int).

    Notes
    -----
    ``normalize=True, clip="keras"`` reproduces
    ``keras.losses.categorical_crossentropy``; ``clip="sklearn"`` with one-hot
    targets reproduces ``sklearn.metrics.log_loss`` on a probability matrix.

    Examples
    --------
    Labels ``[1, 2]`` and predictions ``[1, 2]`` (source 000 §5.2): Keras divides
    by the sum, so the loss is :math:`-\log\frac13 - 2\log\frac23`:

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     round(float(categorical_cross_entropy([1.0, 2.0], [1.0, 2.0], normalize=True)), 6)
    1.909543
    >>> round(float(categorical_cross_entropy([0.2, 0.2, 0.6], [0, 1, 0])), 6)
    1.609438
    """
    check_clip(clip, (None, "keras", "sklearn"),
               " (PyTorch has no categorical loss on probabilities; use "
               "sparse_softmax_cross_entropy or softmax_cross_entropy on logits)")
    normalize = check_bool(normalize, "normalize")
    d = dense_inputs(probs, targets, name="probs", axis=axis, label_smoothing=label_smoothing,
                     reduction=reduction, upper=np.inf if normalize else 1.0)
    if not targets_are_distributions(d):
        warn_targets("targets", d.axis, "computing -sum(y * log(p)) as given")
    if normalize:
        totals = d.x2.sum(axis=1)
        if d.x2.shape[1] and (totals == 0).any():
            idx = np.unravel_index(int(np.argmax(totals == 0)), d.lead)
            raise ValueError(f"probs rows must have a positive sum to be normalised along axis "
                             f"{d.axis}; got a row of zeros at index {tuple(map(int, idx))}")
    elif not rows_are_distributions(d.x2, 1):
        warn_targets("probs", d.axis, "used as given (normalize=True divides by the row sums)")
    den = d.denominator if d.reduction == "mean" else None
    losses = Losses(d.reduction, (d.x2.shape[0],), d.x.dtype)
    for r0, r1 in row_slices(*d.x2.shape):
        p, y = d.x2[r0:r1], smooth(d.targets(r0, r1), d.eps, d.n_classes)
        if normalize:
            p = p / totals[r0:r1, None]
        if clip == "keras":
            loss = y * np.log(_keras_clip(p))
        else:
            loss = _xlogy(y, _sklearn_clip(p) if clip == "sklearn" else p)
        losses.put(slice(r0, r1), -loss.sum(axis=1))
    loss = losses.result(den)
    return loss.reshape(d.lead) if d.reduction == "none" else loss


def softmax_cross_entropy(
    logits, targets, *, axis: int = -1, label_smoothing=0.0, reduction: str = "mean"
):
    r"""Softmax cross entropy with dense targets (one-hot or a distribution).

    .. math:: \ell_n = -\sum_c y_{n,c} \log \operatorname{softmax}(x_n)_c
              = \sum_c y_{n,c}\left(\operatorname{logsumexp}(x_n) - x_{n,c}\right)

    Derived in chapter 4.

    Parameters
    ----------
    logits : array_like, shape ``[..., C]``
        Unnormalised scores; never pass probabilities.
    targets : array_like, same shape as ``logits``
        One-hot labels or a probability distribution per row, cast to
        ``logits``' dtype. Rows that are not distributions raise a
        ``UserWarning`` and are used as given, as
        ``tf.nn.softmax_cross_entropy_with_logits`` and
        ``torch.nn.functional.cross_entropy`` do (source 000 §5.2 feeds
        ``[1, 2]``; TensorFlow documents that the gradient is then wrong).
    axis : int
        The class axis.
    label_smoothing : float in [0, 1]
        With :math:`C` classes the targets become
        :math:`(1 - \epsilon)\, y + \epsilon / C`
        (``torch.nn.CrossEntropyLoss(label_smoothing=ε)`` with probability
        targets, ``keras.losses.categorical_crossentropy(label_smoothing=ε)``).
    reduction : {"none", "mean", "sum"}
        What to return; "mean" divides by the number of rows.

    Returns
    -------
    numpy.ndarray
        In ``logits``' dtype. ``"none"``: the row losses :math:`\ell_n`, of the
        shape of ``logits`` without ``axis``; ``"mean"`` and ``"sum"``: a
        scalar, their mean or sum.

    Raises
    ------
    ValueError
        If an array is not one of finite real numbers of the documented shape,
        or holds a value out of range; or, with ``reduction="mean"``, if there
        are no losses (an empty batch: 0/0). ``"sum"`` of no losses is 0 and
        ``"none"`` an empty array, as in PyTorch.
    TypeError
        If an option has the wrong type (``reduction`` not a string,
        ``label_smoothing`` not a real number, ``axis`` not an int).

    Examples
    --------
    >>> round(float(softmax_cross_entropy([1.0, 2.0], [0.0, 1.0])), 4)
    0.3133
    >>> round(float(softmax_cross_entropy([1.0, 2.0], [0.0, 1.0], label_smoothing=0.2)), 4)
    0.4133
    """
    d = dense_inputs(logits, targets, name="logits", axis=axis, label_smoothing=label_smoothing,
                     reduction=reduction)
    loss, _, distributions = softmax_ce(d)
    if not distributions:
        warn_targets("targets", d.axis, "computing -sum(y * log_softmax(x)) as given")
    return loss


def sparse_softmax_cross_entropy(
    logits,
    labels,
    *,
    axis: int = -1,
    weight=None,
    ignore_index: int | None = -100,
    label_smoothing=0.0,
    reduction: str = "mean",
):
    r"""Cross entropy between integer class labels and ``softmax(logits)``.

    .. math:: \ell_n = -w_{y_n} \log \frac{e^{x_{n,y_n}}}{\sum_c e^{x_{n,c}}}
              = w_{y_n}\left(\operatorname{logsumexp}(x_n) - x_{n,y_n}\right)

    Derived in chapter 4 (class weights) and chapter 8 (label smoothing); the
    accurate evaluation in chapter 11.

    Parameters
    ----------
    logits : array_like, shape ``[..., C]``
        Unnormalised scores; softmax is applied inside (never pass probabilities).
    labels : array_like of int, shape ``logits.shape`` without ``axis``
        Class indices in ``[0, C)``; entries equal to ``ignore_index`` are skipped.
    axis : int
        The class axis.
    weight : array_like, shape ``[C]``, optional
        Per-class weights :math:`w_c \ge 0` (``torch.nn.CrossEntropyLoss(weight=...)``),
        cast to ``logits``' dtype.
    ignore_index : int or None
        Label value whose samples contribute 0 and leave the mean's denominator;
        ``None`` disables it.
    label_smoothing : float in [0, 1]
        Mixes the one-hot target with the uniform distribution,
        :math:`(1 - \epsilon)\,\mathrm{onehot}(y_n) + \epsilon / C`, exactly as
        ``torch.nn.CrossEntropyLoss(label_smoothing=ε)`` does with class indices:

        .. math:: \ell_n = (1 - \epsilon)\, w_{y_n} (-\log s_{n,y_n})
                  + \frac{\epsilon}{C} \sum_c w_c (-\log s_{n,c}),
                  \quad s_n = \operatorname{softmax}(x_n),

        0 for ignored labels; "mean" still divides by :math:`\sum_n w_{y_n}`.
    reduction : {"none", "mean", "sum"}
        What to return; "mean" is :math:`\sum_n \ell_n / \sum_n w_{y_n}` over
        labels not ignored (without weights: the number of such labels), as
        PyTorch defines it.

    Returns
    -------
    numpy.ndarray
        In ``logits``' dtype. ``"none"``: the losses :math:`\ell_n`, of the
        shape of ``labels`` (0 where ignored); ``"mean"`` and ``"sum"``: a
        scalar, their weighted mean or sum.

    Raises
    ------
    ValueError
        If an array is not one of finite real numbers of the documented shape,
        or holds a value out of range (a label outside ``[0, C)`` that is not
        ``ignore_index``); or, with ``reduction="mean"``, if there are no
        losses (an empty batch) or every label is ignored or has weight 0 (the
        mean would be 0/0). ``"sum"`` of no losses is 0 and ``"none"`` an
        empty array, as in PyTorch.
    TypeError
        If an option has the wrong type (``ignore_index`` not an int or None,
        ``reduction`` not a string, ``label_smoothing`` not a real number,
        ``axis`` not an int).

    Notes
    -----
    Matches ``torch.nn.functional.cross_entropy`` and
    ``tf.nn.sparse_softmax_cross_entropy_with_logits`` (source 000 §4.3).

    Examples
    --------
    >>> round(float(sparse_softmax_cross_entropy([1.0, 2.0], 1)), 4)
    0.3133
    >>> round(float(sparse_softmax_cross_entropy([1.0, 2.0], 1, label_smoothing=0.2)), 4)
    0.4133
    """
    s = sparse_inputs(logits, labels, axis=axis, weight=weight, ignore_index=ignore_index,
                      label_smoothing=label_smoothing, reduction=reduction)
    return sparse_softmax_ce(s)[0]


def sigmoid_squared_error(logits, targets, *, reduction: str = "mean"):
    r"""Squared error of a sigmoid output, the quadratic cost cross entropy is compared with.

    .. math:: C = \tfrac12 \left(\sigma(x) - z\right)^2

    Not a cross entropy: the book's foil. Its derivative keeps the factor
    :math:`\sigma'(x)`, which vanishes where the sigmoid saturates (the learning
    slowdown of source 000 §3).

    Derived in chapter 9; trained against cross entropy in chapter 10.

    Parameters
    ----------
    logits : array_like
        Logits :math:`x`; the output is :math:`\sigma(x)`.
    targets : array_like, same shape as ``logits``
        Targets :math:`z` in [0, 1], cast to ``logits``' dtype.
    reduction : {"none", "mean", "sum"}
        What to return; "mean" divides by the number of elements.

    Returns
    -------
    numpy.ndarray
        In ``logits``' dtype. ``"none"``: the costs :math:`C`, of the shape of
        ``logits``; ``"mean"`` and ``"sum"``: a scalar, their mean or sum.

    Raises
    ------
    ValueError
        If an array is not one of finite real numbers of the documented shape,
        or holds a value out of range; or, with ``reduction="mean"``, if there
        are no losses (an empty batch: 0/0). ``"sum"`` of no losses is 0 and
        ``"none"`` an empty array, as in PyTorch.
    TypeError
        If an option has the wrong type (``reduction`` not a string,
        ``label_smoothing`` not a real number, ``axis`` not an int).

    Examples
    --------
    >>> float(sigmoid_squared_error([0.0], [1.0]))
    0.125
    """
    b = elementwise_inputs(logits, targets, name="logits", reduction=reduction)
    return sigmoid_squared_error_kernel(b)[0]
