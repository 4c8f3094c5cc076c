r"""Closed-form gradients of the cross-entropy losses with respect to the logits.

Every function here returns :math:`\partial L / \partial x`, an array of the
shape of ``logits``, for the loss :math:`L` that the forward function of the
same name in :mod:`ceutils.losses` computes with the same arguments. The
reduction scales the gradient exactly as it scales the loss: ``"mean"``
divides by the same denominator, ``"sum"`` does not scale, and ``"none"``
returns, for each sample (row, or element for the binary losses), the gradient
of that sample's own loss. Each loss depends only on its own row's logits, so
``"none"`` is also the gradient of the sum.

The two results derived in the docstrings, and proved against PyTorch
autograd, ``tf.GradientTape`` and :func:`numerical_gradient` in the tests:

* softmax cross entropy: :math:`\partial \ell / \partial x_i = s\,S_i - y_i`
  with :math:`S = \operatorname{softmax}(x)` and :math:`s = \sum_c y_c`
  (:math:`S - y` for a distribution target; source 001 交叉熵的求导);
* sigmoid cross entropy: :math:`\partial \ell / \partial x = \sigma(x) - z`.

A gradient follows the dtype rule of its loss: targets and weights are cast to
the dtype of ``logits``, and the gradient comes back in that dtype.

The fused functions ``*_and_grad`` return the loss and its gradient from one
pass over the logits, as TensorFlow's fused kernels do; the separate
functions run the same kernels (:mod:`ceutils._core`), so the results are
equal exactly, and one pass costs about half the two. ``make bench`` times
them against PyTorch and TensorFlow (``ceutils/data/speed.csv``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ._core import (
    dense_inputs,
    elementwise_inputs,
    sigmoid_ce,
    sigmoid_squared_error_kernel,
    softmax_ce,
    sparse_inputs,
    sparse_softmax_ce,
)
from ._validation import as_float_array, check_callable, finite_differences_steps, shown
from .losses import warn_targets

__all__ = [
    "softmax_cross_entropy_grad",
    "sparse_softmax_cross_entropy_grad",
    "binary_cross_entropy_with_logits_grad",
    "sigmoid_squared_error_grad",
    "softmax_cross_entropy_and_grad",
    "sparse_softmax_cross_entropy_and_grad",
    "binary_cross_entropy_with_logits_and_grad",
    "numerical_gradient",
]


def softmax_cross_entropy_grad(
    logits, targets, *, axis: int = -1, label_smoothing=0.0, reduction: str = "mean"
):
    r"""Gradient of :func:`~ceutils.softmax_cross_entropy` with respect to ``logits``.

    For one row, :math:`\ell = -\sum_c y_c \log S_c` with
    :math:`S = \operatorname{softmax}(x)`, so
    :math:`\log S_c = x_c - \operatorname{logsumexp}(x)` and
    :math:`\partial \operatorname{logsumexp}(x) / \partial x_i = S_i`. Hence

    .. math:: \frac{\partial \ell}{\partial x_i}
              = -\sum_c y_c\,(\delta_{ci} - S_i) = s\,S_i - y_i,
              \qquad s = \sum_c y_c .

    For a distribution (one-hot or soft) target :math:`s = 1` and the gradient
    is :math:`S - y` (source 001 交叉熵的求导). The same result through the
    softmax Jacobian :math:`J_{ci} = \partial S_c / \partial x_i
    = S_c(\delta_{ci} - S_i)`: :math:`J^\top(-y / S) = s S - y`.

    With ``label_smoothing`` :math:`\epsilon` the target is first replaced by
    :math:`(1 - \epsilon)\,y + \epsilon / C`, as the loss does.

    Derived in chapter 9.

    Parameters
    ----------
    logits : array_like, shape ``[..., C]``
        Unnormalised scores :math:`x`.
    targets : array_like, same shape as ``logits``
        One-hot labels or a distribution per row, cast to ``logits``' dtype.
        Rows that are not distributions warn and are used as given; the
        gradient returned is then still the exact gradient :math:`s S - y` of
        the loss as computed.
    axis : int
        The class axis.
    label_smoothing : float in [0, 1]
        As for :func:`~ceutils.softmax_cross_entropy`.
    reduction : {"none", "mean", "sum"}
        The reduction of the loss being differentiated: "mean" divides by the
        number of rows, as the loss does; "none" gives each row the gradient of
        its own loss (equal to the gradient of "sum").

    Returns
    -------
    numpy.ndarray
        :math:`\partial L / \partial x`, in the shape and dtype of ``logits``,
        for every ``reduction``.

    Raises
    ------
    ValueError
        If an array is not one of finite real numbers of the documented shape,
        or holds a value out of range; or, with ``reduction="mean"``, if there
        are no losses (an empty batch: 0/0). With ``"sum"`` or ``"none"`` the
        gradient of no losses is an empty array.
    TypeError
        If an option has the wrong type (``reduction`` not a string,
        ``label_smoothing`` not a real number, ``axis`` not an int).

    Examples
    --------
    >>> g = softmax_cross_entropy_grad([1.0, 2.0], [0.0, 1.0])
    >>> np.round(g, 6).tolist()
    [0.268941, -0.268941]
    >>> softmax_cross_entropy_grad([[1e4, 0.0], [0.0, 0.0]], [[0.0, 1.0], [1.0, 0.0]]).tolist()
    [[0.5, -0.5], [-0.25, 0.25]]
    >>> g = softmax_cross_entropy_grad([1.0, 2.0], [0.0, 1.0], label_smoothing=0.2)
    >>> np.round(g, 6).tolist()
    [0.168941, -0.168941]
    """
    d = dense_inputs(logits, targets, name="logits", axis=axis, label_smoothing=label_smoothing,
                     reduction=reduction)
    _, grad, distributions = softmax_ce(d, loss=False, grad=True)
    if not distributions:
        warn_targets("targets", d.axis, "differentiating -sum(y * log_softmax(x)) as given")
    return grad


def sparse_softmax_cross_entropy_grad(
    logits,
    labels,
    *,
    axis: int = -1,
    weight=None,
    ignore_index: int | None = -100,
    label_smoothing=0.0,
    reduction: str = "mean",
):
    r"""Gradient of :func:`~ceutils.sparse_softmax_cross_entropy` with respect to ``logits``.

    Row :math:`n` has loss :math:`\ell_n = w_{y_n}\left(\operatorname{logsumexp}(x_n)
    - x_{n,y_n}\right)`, so

    .. math:: \frac{\partial \ell_n}{\partial x_{n,i}}
              = w_{y_n}\left(S_{n,i} - [i = y_n]\right),

    the one-hot case of :func:`softmax_cross_entropy_grad` scaled by the class
    weight; rows whose label equals ``ignore_index`` get a zero gradient. With
    ``label_smoothing`` :math:`\epsilon` the loss (PyTorch's definition) adds
    :math:`\frac{\epsilon}{C}\sum_c w_c(\operatorname{logsumexp}(x_n) - x_{n,c})` to
    :math:`(1 - \epsilon)\,\ell_n`, whose derivative is
    :math:`\frac{\epsilon}{C}\left(S_{n,i} \sum_c w_c - w_i\right)`.

    Derived in chapter 9.

    Parameters
    ----------
    logits : array_like, shape ``[..., C]``
        Unnormalised scores :math:`x`.
    labels : array_like of int, shape ``logits.shape`` without ``axis``
        Class indices in ``[0, C)`` or ``ignore_index``.
    axis : int
        The class axis.
    weight : array_like, shape ``[C]``, optional
        Per-class weights :math:`w_c \ge 0`, cast to ``logits``' dtype.
    ignore_index : int or None
        Label value whose rows get a zero gradient; ``None`` disables it.
    label_smoothing : float in [0, 1]
        As for :func:`~ceutils.sparse_softmax_cross_entropy`.
    reduction : {"none", "mean", "sum"}
        The reduction of the loss being differentiated: "mean" divides by
        :math:`\sum_n w_{y_n}` over labels not ignored (without weights: their
        number), exactly as the loss does; "none" gives each row the gradient
        of its own loss.

    Returns
    -------
    numpy.ndarray
        :math:`\partial L / \partial x`, in the shape and dtype of ``logits``,
        for every ``reduction``.

    Raises
    ------
    ValueError
        As :func:`~ceutils.sparse_softmax_cross_entropy` raises: bad arrays,
        and with ``reduction="mean"`` an empty batch or labels that are all
        ignored or have weight 0. With ``"sum"`` or ``"none"`` the gradient of
        no losses is an empty array.
    TypeError
        If an option has the wrong type.

    Examples
    --------
    >>> np.round(sparse_softmax_cross_entropy_grad([1.0, 2.0], 1), 6).tolist()
    [0.268941, -0.268941]
    >>> g = sparse_softmax_cross_entropy_grad([[0.0, 0.0], [5.0, 1.0]], [0, -100])
    >>> g.tolist()
    [[-0.5, 0.5], [0.0, 0.0]]
    """
    s = sparse_inputs(logits, labels, axis=axis, weight=weight, ignore_index=ignore_index,
                      label_smoothing=label_smoothing, reduction=reduction)
    return sparse_softmax_ce(s, loss=False, grad=True)[1]


def binary_cross_entropy_with_logits_grad(
    logits, targets, *, pos_weight=None, weight=None, label_smoothing=0.0,
    reduction: str = "mean",
):
    r"""Gradient of :func:`~ceutils.binary_cross_entropy_with_logits` with respect to ``logits``.

    With :math:`\ell = -[z \log\sigma(x) + (1 - z)\log(1 - \sigma(x))]` and
    :math:`\sigma'(x) = \sigma(x)(1 - \sigma(x))`, the derivatives
    :math:`\partial_x \log\sigma(x) = 1 - \sigma(x)` and
    :math:`\partial_x \log(1 - \sigma(x)) = -\sigma(x)` give

    .. math:: \frac{\partial \ell}{\partial x} = -z(1 - \sigma) + (1 - z)\sigma
              = \sigma(x) - z .

    With ``pos_weight`` :math:`q` the positive term is scaled by :math:`q`, and the
    same steps give

    .. math:: \frac{\partial \ell}{\partial x} = -qz(1 - \sigma) + (1 - z)\sigma
              = \left(1 + (q - 1)z\right)\sigma(x) - qz .

    ``weight`` multiplies each element's gradient as it multiplies its loss;
    ``label_smoothing`` :math:`\epsilon` replaces :math:`z` by
    :math:`(1 - \epsilon) z + \epsilon / 2` first, as the loss does.

    Derived in chapter 9.

    Parameters
    ----------
    logits : array_like
        Logits :math:`x`.
    targets : array_like, same shape as ``logits``
        Targets :math:`z` in [0, 1], cast to ``logits``' dtype.
    pos_weight : array_like, optional
        Weight :math:`q \ge 0` of the positive term, broadcasting to the shape
        of ``logits`` without enlarging it.
    weight : array_like, optional
        Per-element weights, broadcasting to the shape of ``logits`` without
        enlarging it.
    label_smoothing : float in [0, 1]
        As for :func:`~ceutils.binary_cross_entropy_with_logits`.
    reduction : {"none", "mean", "sum"}
        The reduction of the loss being differentiated: "mean" divides by the
        number of loss elements, as the loss does; "none" gives each element the
        gradient of its own loss.

    Returns
    -------
    numpy.ndarray
        :math:`\partial L / \partial x`, in the shape and dtype of ``logits``,
        for every ``reduction``.

    Raises
    ------
    ValueError
        If an array is not one of finite real numbers of the documented shape,
        or holds a value out of range; or, with ``reduction="mean"``, if there
        are no losses (an empty batch: 0/0). With ``"sum"`` or ``"none"`` the
        gradient of no losses is an empty array.
    TypeError
        If an option has the wrong type (``reduction`` not a string,
        ``label_smoothing`` not a real number, ``axis`` not an int).

    Examples
    --------
    >>> binary_cross_entropy_with_logits_grad([0.0, 0.0], [1.0, 0.0]).tolist()
    [-0.25, 0.25]
    >>> binary_cross_entropy_with_logits_grad([0.0], [1.0], pos_weight=[3.0]).tolist()
    [-1.5]
    >>> binary_cross_entropy_with_logits_grad([-1e4, 1e4], [1.0, 1.0], reduction="none").tolist()
    [-1.0, 0.0]
    """
    b = elementwise_inputs(logits, targets, name="logits", weight=weight, pos_weight=pos_weight,
                           label_smoothing=label_smoothing, reduction=reduction)
    return sigmoid_ce(b, loss=False, grad=True)[1]


def sigmoid_squared_error_grad(logits, targets, *, reduction: str = "mean"):
    r"""Gradient of :func:`~ceutils.sigmoid_squared_error` with respect to ``logits``.

    With :math:`C = \tfrac12(\sigma(x) - z)^2` and
    :math:`\sigma'(x) = \sigma(x)(1 - \sigma(x))`, the chain rule gives

    .. math:: \frac{dC}{dx} = \bigl(\sigma(x) - z\bigr)\,\sigma(x)\bigl(1 - \sigma(x)\bigr),

    the cross-entropy gradient :math:`\sigma(x) - z` times :math:`\sigma'(x)`,
    which is tiny wherever the sigmoid saturates, right or wrong.

    Derived in chapter 9.

    Parameters
    ----------
    logits : array_like
        Logits :math:`x`.
    targets : array_like, same shape as ``logits``
        Targets :math:`z` in [0, 1], cast to ``logits``' dtype.
    reduction : {"none", "mean", "sum"}
        The reduction of the cost being differentiated: "mean" divides by the
        number of elements; "none" gives each element its own derivative.

    Returns
    -------
    numpy.ndarray
        :math:`\partial C / \partial x`, in the shape and dtype of ``logits``,
        for every ``reduction``.

    Raises
    ------
    ValueError
        If an array is not one of finite real numbers of the documented shape,
        or holds a value out of range; or, with ``reduction="mean"``, if there
        are no losses (an empty batch: 0/0). With ``"sum"`` or ``"none"`` the
        gradient of no losses is an empty array.
    TypeError
        If an option has the wrong type (``reduction`` not a string,
        ``label_smoothing`` not a real number, ``axis`` not an int).

    Examples
    --------
    >>> sigmoid_squared_error_grad([0.0], [1.0]).tolist()
    [-0.125]
    """
    b = elementwise_inputs(logits, targets, name="logits", reduction=reduction)
    return sigmoid_squared_error_kernel(b, loss=False, grad=True)[1]


def sparse_softmax_cross_entropy_and_grad(
    logits,
    labels,
    *,
    axis: int = -1,
    weight=None,
    ignore_index: int | None = -100,
    label_smoothing=0.0,
    reduction: str = "mean",
):
    r"""Sparse softmax cross entropy and its gradient, in one pass over the logits.

    The results of :func:`~ceutils.sparse_softmax_cross_entropy` and
    :func:`sparse_softmax_cross_entropy_grad`, computed together:

    .. math:: \ell_n = w_{y_n}\bigl(\operatorname{logsumexp}(x_n) - x_{n,y_n}\bigr),
              \qquad \frac{\partial \ell_n}{\partial x_{n,i}}
              = w_{y_n}\left(S_{n,i} - [i = y_n]\right)

    Both need :math:`S = \operatorname{softmax}(x_n)`; with
    :math:`m = \max_c x_{n,c}`, :math:`e_c = e^{x_{n,c} - m}` and :math:`t` the
    sum of the :math:`e_c` without the maximum's own term (which is 1),
    :math:`\ell_n = w_{y_n}\bigl((m - x_{n,y_n}) + \operatorname{log1p}(t)\bigr)`
    and :math:`S_{n,c} = e_c / (1 + t)`.
    The label's entry :math:`S_{n,y} - 1` is computed as
    :math:`(e_y - 1 - t)/(1 + t)`, which is :math:`-t/(1 + t)` without
    cancellation when the label holds the maximum.
    One pass over the logits, a block of rows at a time, as TensorFlow's fused
    kernel ``SoftmaxCrossEntropyWithLogits`` does: the maximum, the
    exponentials and their sum serve both results. The separate functions run
    the same kernel, so the results equal theirs exactly.

    Derived in chapter 9; its speed against PyTorch and TensorFlow is measured
    by ``make bench``.

    Parameters
    ----------
    logits : array_like, shape ``[..., C]``
        Unnormalised scores :math:`x`.
    labels : array_like of int, shape ``logits.shape`` without ``axis``
        Class indices in ``[0, C)`` or ``ignore_index``.
    axis : int
        The class axis.
    weight : array_like, shape ``[C]``, optional
        Per-class weights :math:`w_c \ge 0`.
    ignore_index : int or None
        Label value whose rows get a zero loss and gradient; ``None`` disables it.
    label_smoothing : float in [0, 1]
        As for :func:`~ceutils.sparse_softmax_cross_entropy`.
    reduction : {"none", "mean", "sum"}
        As for :func:`~ceutils.sparse_softmax_cross_entropy`; the gradient is
        that of the reduced loss, for every ``reduction``.

    Returns
    -------
    loss : numpy.ndarray
        As :func:`~ceutils.sparse_softmax_cross_entropy` returns it:
        ``"none"``, the losses of the shape of ``labels``; ``"mean"`` and
        ``"sum"``, a scalar.
    grad : numpy.ndarray
        As :func:`sparse_softmax_cross_entropy_grad` returns it:
        :math:`\partial L / \partial x` in the shape and dtype of ``logits``.

    Raises
    ------
    ValueError
        As the separate functions raise (``"mean"`` of an empty batch or of
        labels that are all ignored, among others).
    TypeError
        If an option has the wrong type.

    Examples
    --------
    >>> loss, grad = sparse_softmax_cross_entropy_and_grad([[1.0, 2.0]], [1])
    >>> round(float(loss), 4), np.round(grad, 6).tolist()
    (0.3133, [[0.268941, -0.268941]])
    >>> sparse_softmax_cross_entropy_and_grad([1e308, -1e308], 0)
    (np.float64(0.0), array([0., 0.]))
    """
    s = sparse_inputs(logits, labels, axis=axis, weight=weight, ignore_index=ignore_index,
                      label_smoothing=label_smoothing, reduction=reduction)
    return sparse_softmax_ce(s, grad=True)


def softmax_cross_entropy_and_grad(
    logits, targets, *, axis: int = -1, label_smoothing=0.0, reduction: str = "mean"
):
    r"""Softmax cross entropy with dense targets and its gradient, in one pass over the logits.

    The results of :func:`~ceutils.softmax_cross_entropy` and
    :func:`softmax_cross_entropy_grad`, computed together:

    .. math:: \ell_n = \sum_c y_{n,c}\bigl(\operatorname{logsumexp}(x_n) - x_{n,c}\bigr),
              \qquad \frac{\partial \ell_n}{\partial x_{n,i}} = s_n S_{n,i} - y_{n,i},
              \quad s_n = \sum_c y_{n,c}

    With :math:`m`, :math:`e_c` and :math:`t` as in
    :func:`sparse_softmax_cross_entropy_and_grad`,
    :math:`\ell_n = \sum_c y_{n,c}(m - x_{n,c}) + s_n \operatorname{log1p}(t)`
    (terms of one sign) and the gradient is
    :math:`\bigl((s_n e_i - y_{n,i}) - y_{n,i} t\bigr)/(1 + t)`.
    One pass over the logits, a block of rows at a time, as TensorFlow's fused
    kernel ``SoftmaxCrossEntropyWithLogits`` does: the maximum, the
    exponentials and their sum serve both results. The separate functions run
    the same kernel, so the results equal theirs exactly.

    Derived in chapter 9.

    Parameters
    ----------
    logits : array_like, shape ``[..., C]``
        Unnormalised scores :math:`x`.
    targets : array_like, same shape as ``logits``
        One-hot labels or a distribution per row; rows that are not
        distributions warn once and are used as given.
    axis : int
        The class axis.
    label_smoothing : float in [0, 1]
        As for :func:`~ceutils.softmax_cross_entropy`.
    reduction : {"none", "mean", "sum"}
        As for :func:`~ceutils.softmax_cross_entropy`; the gradient is that of
        the reduced loss, for every ``reduction``.

    Returns
    -------
    loss : numpy.ndarray
        As :func:`~ceutils.softmax_cross_entropy` returns it: ``"none"``, the
        row losses; ``"mean"`` and ``"sum"``, a scalar.
    grad : numpy.ndarray
        As :func:`softmax_cross_entropy_grad` returns it, in the shape and
        dtype of ``logits``.

    Raises
    ------
    ValueError
        As the separate functions raise (``"mean"`` of an empty batch, among
        others).
    TypeError
        If an option has the wrong type.

    Examples
    --------
    >>> loss, grad = softmax_cross_entropy_and_grad([1.0, 2.0], [0.0, 1.0])
    >>> round(float(loss), 4), np.round(grad, 6).tolist()
    (0.3133, [0.268941, -0.268941])
    """
    d = dense_inputs(logits, targets, name="logits", axis=axis, label_smoothing=label_smoothing,
                     reduction=reduction)
    loss, grad, distributions = softmax_ce(d, grad=True)
    if not distributions:
        warn_targets("targets", d.axis, "computing -sum(y * log_softmax(x)) and its "
                     "gradient as given")
    return loss, grad


def binary_cross_entropy_with_logits_and_grad(
    logits, targets, *, pos_weight=None, weight=None, label_smoothing=0.0,
    reduction: str = "mean",
):
    r"""Sigmoid cross entropy and its gradient, in one pass over the logits.

    The results of :func:`~ceutils.binary_cross_entropy_with_logits` and
    :func:`binary_cross_entropy_with_logits_grad`, computed together:

    .. math:: \ell = (1 - z)\max(x, 0) + q z \max(-x, 0) + (1 - z + q z)
              \operatorname{log1p}(e^{-|x|}),
              \qquad \frac{\partial \ell}{\partial x}
              = (1 - z)\,\sigma(x) - q z\,\sigma(-x)

    (:math:`q = 1` without ``pos_weight``), times ``weight``. Both share
    :math:`e^{-|x|}`, from which :math:`\sigma(|x|) = 1/(1 + e^{-|x|})` and
    :math:`\sigma(-|x|) = e^{-|x|}/(1 + e^{-|x|})`; every term is ≥ 0.
    One pass over the logits, a block at a time: the exponential serves both
    results. The separate functions run the same kernel, so the results equal
    theirs exactly.

    Derived in chapter 9.

    Parameters
    ----------
    logits : array_like
        Logits :math:`x`.
    targets : array_like, same shape as ``logits``
        Targets :math:`z` in [0, 1].
    pos_weight : array_like, optional
        Weight :math:`q \ge 0` of the positive term, broadcasting to the shape
        of ``logits`` (one per class along the last axis, say).
    weight : array_like, optional
        Per-element weights, broadcasting to the shape of ``logits``.
    label_smoothing : float in [0, 1]
        As for :func:`~ceutils.binary_cross_entropy_with_logits`.
    reduction : {"none", "mean", "sum"}
        As for :func:`~ceutils.binary_cross_entropy_with_logits`; the gradient
        is that of the reduced loss, for every ``reduction``.

    Returns
    -------
    loss : numpy.ndarray
        As :func:`~ceutils.binary_cross_entropy_with_logits` returns it:
        ``"none"``, the losses of the shape of ``logits``; ``"mean"`` and
        ``"sum"``, a scalar.
    grad : numpy.ndarray
        As :func:`binary_cross_entropy_with_logits_grad` returns it, in the
        shape and dtype of ``logits``.

    Raises
    ------
    ValueError
        As the separate functions raise (``"mean"`` of an empty batch, among
        others).
    TypeError
        If an option has the wrong type.

    Examples
    --------
    >>> loss, grad = binary_cross_entropy_with_logits_and_grad([0.0, 0.0], [1.0, 0.0])
    >>> round(float(loss), 6), grad.tolist()
    (0.693147, [-0.25, 0.25])
    """
    b = elementwise_inputs(logits, targets, name="logits", weight=weight, pos_weight=pos_weight,
                           label_smoothing=label_smoothing, reduction=reduction)
    return sigmoid_ce(b, grad=True)


def _default_step(x: float) -> float:
    return _CBRT_EPS * max(1.0, abs(x))


_CBRT_EPS = float(np.cbrt(np.finfo(np.float64).eps))


def _real_scalar(out) -> float:
    """``f``'s value as a Python float: a real number of size 1, finite."""
    if type(out) is float:
        val = out
    else:
        arr = np.asarray(out)
        if arr.size != 1 or arr.dtype.kind not in "biuf":
            raise ValueError(f"f must return a real scalar; got {shown(out)} of dtype "
                             f"{arr.dtype} and shape {arr.shape}")
        val = float(arr.reshape(()))
    if not math.isfinite(val):
        raise ValueError(f"f must return a finite value near x; got {val}")
    return val


def numerical_gradient(f: Callable[[np.ndarray], object], x, *, h=None) -> np.ndarray:
    r"""Central-difference gradient of a scalar function, in float64.

    .. math:: \frac{\partial f}{\partial x_i} \approx
              \frac{f(x + h_i e_i) - f(x - h_i e_i)}{2 h_i}

    The truncation error is :math:`O(h^2 f''')` and the rounding error
    :math:`O(\varepsilon |f| / h)`; they balance at :math:`h \propto
    \varepsilon^{1/3}`. The default step is therefore
    :math:`h_i = \sqrt[3]{\varepsilon}\,\max(1, |x_i|)` with
    :math:`\varepsilon` the float64 machine epsilon
    (:math:`\sqrt[3]{\varepsilon} \approx 6.06 \times 10^{-6}`), which leaves an
    error of order :math:`\varepsilon^{2/3} \approx 4 \times 10^{-11}` relative
    to the scale of :math:`f` for smooth functions. The step actually divided by
    is :math:`(x_i + h_i) - (x_i - h_i)` as represented, so the representation
    error of :math:`x_i \pm h_i` does not enter.

    Cost: :math:`2n` calls of ``f`` for :math:`n` = ``x.size``, and besides
    them time and memory linear in :math:`n`. One working copy of ``x`` is
    changed in place, one coordinate at a time, and restored after each pair
    of calls; ``f`` sees it read-only (it must not keep it beyond the call).

    Derived in chapter 9.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a real scalar; it is called with a read-only float64
        array of the shape of ``x``, 2·``x.size`` times.
    x : array_like
        The point; finite real numbers.
    h : float or array_like, optional
        Positive step(s), broadcast to ``x``. Default as above.

    Returns
    -------
    numpy.ndarray
        The approximate gradient, in float64 and the shape of ``x``; empty,
        without a call of ``f``, if ``x`` is.

    Raises
    ------
    TypeError
        If ``f`` is not callable.
    ValueError
        If ``x`` or ``h`` is not finite, ``h`` not positive, or ``f`` returns
        anything but a finite real scalar.

    Examples
    --------
    >>> g = numerical_gradient(lambda v: float(np.sum(v ** 3)), [1.0, -2.0])
    >>> np.allclose(g, [3.0, 12.0], rtol=1e-9)
    True
    """
    check_callable(f)
    x = as_float_array(x, "x")
    work = np.array(x, dtype=np.float64, order="C")  # the one copy that is changed
    steps = None if h is None else finite_differences_steps(h, work.shape).reshape(-1)
    seen = work.view()
    seen.flags.writeable = False
    flat = work.reshape(-1)  # a view: writing to it changes what f sees
    grad = np.empty(work.shape, np.float64)
    gflat = grad.reshape(-1)
    for i in range(flat.size):
        xi = float(flat[i])
        hi = _default_step(xi) if steps is None else float(steps[i])
        plus, minus = xi + hi, xi - hi
        flat[i] = plus
        f_plus = _real_scalar(f(seen))
        flat[i] = minus
        f_minus = _real_scalar(f(seen))
        flat[i] = xi
        gflat[i] = (f_plus - f_minus) / (plus - minus)
    return grad
