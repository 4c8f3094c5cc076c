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
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._core import along_axis, dense_inputs, elementwise_inputs, scale_gradient, sparse_inputs
from ._validation import as_float_array, finite_differences_steps
from .activations import sigmoid, softmax

__all__ = [
    "softmax_cross_entropy_grad",
    "sparse_softmax_cross_entropy_grad",
    "binary_cross_entropy_with_logits_grad",
    "sigmoid_squared_error_grad",
    "numerical_gradient",
]


def _sum_to_shape(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum a broadcast gradient back onto the shape of the input it came from."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(lead))) if lead else g
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g


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
                     reduction=reduction,
                     what="differentiating -sum(y * log_softmax(x)) as given")
    total = d.y.sum(axis=d.axis, keepdims=True)
    g = total * softmax(d.x, axis=d.axis) - d.y
    return scale_gradient(g, d.reduction, d.denominator).astype(d.x.dtype, copy=False)


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
        With ``reduction="mean"``, when every label is ignored or has weight 0.

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
    x, axis = s.x, s.axis
    # softmax(x) - onehot(y), in place on softmax's fresh array: no [N, C] one-hot
    # (np.eye(C) alone would hold C² numbers) and one array of x's size in all.
    S = softmax(x, axis=axis)
    g = S.copy() if s.eps else S
    idx = np.expand_dims(s.safe, axis)
    np.put_along_axis(g, idx, np.take_along_axis(g, idx, axis=axis) - 1, axis=axis)
    g *= np.expand_dims(s.sample_weight, axis)
    if s.ignored.any():
        np.copyto(g, 0, where=np.expand_dims(s.ignored, axis))  # 0.0, not (S_y - 1)·0 = -0.0
    if s.eps:
        smooth = S * s.class_weight.sum() - along_axis(s.class_weight, axis, x.ndim)
        kept = np.expand_dims(~s.ignored, axis)
        g = (1 - s.eps) * g + (s.eps / s.n_classes) * np.where(kept, smooth, 0)
    if s.reduction == "mean":
        g /= s.denominator
    return g.astype(x.dtype, copy=False)


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
        Weight :math:`q \ge 0` of the positive term, broadcast along the last axis.
    weight : array_like, optional
        Per-element weights, broadcast against ``logits``.
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
        for every ``reduction`` (weights that broadcast ``logits`` to a larger
        shape have their extra axes summed, as autograd does).

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
    s = sigmoid(b.x)
    if b.pos_weight is None:
        g = s - b.z
    else:
        g = (1 + (b.pos_weight - 1) * b.z) * s - b.pos_weight * b.z
    if b.weight is not None:
        g = g * b.weight
    g = scale_gradient(g, b.reduction, b.denominator)
    return _sum_to_shape(g, b.x.shape).astype(b.x.dtype, copy=False)


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

    Examples
    --------
    >>> sigmoid_squared_error_grad([0.0], [1.0]).tolist()
    [-0.125]
    """
    b = elementwise_inputs(logits, targets, name="logits", reduction=reduction)
    s = sigmoid(b.x)
    g = (s - b.z) * s * (1 - s)
    return scale_gradient(g, b.reduction, b.denominator).astype(b.x.dtype, copy=False)


def _default_step(x: np.ndarray) -> np.ndarray:
    return np.cbrt(np.finfo(np.float64).eps) * np.maximum(1.0, np.abs(x))


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

    Derived in chapter 9.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a real scalar; it is called with float64 arrays of the
        shape of ``x``, 2·``x.size`` times.
    x : array_like
        The point; finite real numbers.
    h : float or array_like, optional
        Positive step(s), broadcast to ``x``. Default as above.

    Returns
    -------
    numpy.ndarray
        The approximate gradient, in float64 and the shape of ``x``.

    Examples
    --------
    >>> g = numerical_gradient(lambda v: float(np.sum(v ** 3)), [1.0, -2.0])
    >>> np.allclose(g, [3.0, 12.0], rtol=1e-9)
    True
    """
    if not callable(f):
        raise ValueError(f"f must be a callable returning a scalar; got {type(f).__name__}")
    x0 = as_float_array(x, "x").astype(np.float64)
    step = _default_step(x0) if h is None else finite_differences_steps(h, x0.shape)

    def value(v: np.ndarray) -> float:
        out = np.asarray(f(v))
        if out.size != 1 or not np.issubdtype(out.dtype, np.number) or np.iscomplexobj(out):
            raise ValueError(
                f"f must return a real scalar; got {out.dtype} of shape {out.shape}"
            )
        val = float(out.reshape(()))
        if not np.isfinite(val):
            raise ValueError(f"f must return a finite value near x; got {val}")
        return val

    grad = np.empty_like(x0)
    for idx in np.ndindex(x0.shape):
        plus, minus = x0.copy(), x0.copy()
        plus[idx] += step[idx]
        minus[idx] -= step[idx]
        grad[idx] = (value(plus) - value(minus)) / (plus[idx] - minus[idx])
    return grad
