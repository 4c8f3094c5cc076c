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
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validation import (
    as_float_array,
    as_probabilities,
    check_axis,
    check_label_smoothing,
    check_reduction,
    check_same_shape,
    dense_targets,
    nonnegative_weights,
    sparse_targets,
    warn_if_not_distribution,
)
from .activations import sigmoid, softmax

__all__ = [
    "softmax_cross_entropy_grad",
    "sparse_softmax_cross_entropy_grad",
    "binary_cross_entropy_with_logits_grad",
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

    Parameters
    ----------
    logits, targets, axis, label_smoothing
        As for :func:`~ceutils.softmax_cross_entropy` (rows that are not
        distributions warn and are used as given; the gradient returned is then
        still the exact gradient :math:`s S - y` of the loss as computed).
    reduction : {"none", "mean", "sum"}
        "mean" divides by the number of rows, as the loss does; "none" gives
        each row the gradient of its own loss.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``logits``.

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
    x, y, axis = dense_targets(logits, targets, axis, "logits")
    check_reduction(reduction)
    eps_ls = check_label_smoothing(label_smoothing)
    warn_if_not_distribution(
        y, "targets", axis, "differentiating -sum(y * log_softmax(x)) as given"
    )
    y = y.astype(x.dtype, copy=False)
    if eps_ls:
        y = y * (1 - eps_ls) + eps_ls / x.shape[axis]
    total = y.sum(axis=axis, keepdims=True)
    g = total * softmax(x, axis=axis) - y
    if reduction == "mean":
        g = g / (x.size // x.shape[axis])
    return g.astype(x.dtype, copy=False)


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

    Parameters
    ----------
    logits, labels, axis, weight, ignore_index, label_smoothing
        As for :func:`~ceutils.sparse_softmax_cross_entropy`.
    reduction : {"none", "mean", "sum"}
        "mean" divides by :math:`\sum_n w_{y_n}` over labels not ignored
        (without weights: their number), exactly as the loss does.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``logits``.

    Examples
    --------
    >>> np.round(sparse_softmax_cross_entropy_grad([1.0, 2.0], 1), 6).tolist()
    [0.268941, -0.268941]
    >>> g = sparse_softmax_cross_entropy_grad([[0.0, 0.0], [5.0, 1.0]], [0, -100])
    >>> g.tolist()
    [[-0.5, 0.5], [0.0, 0.0]]
    """
    x = as_float_array(logits, "logits")
    axis = check_axis(x, axis, "logits")
    check_reduction(reduction)
    eps_ls = check_label_smoothing(label_smoothing)
    n_classes = x.shape[axis]
    ignored, safe, wc, w = sparse_targets(x, labels, axis, weight, ignore_index)
    if wc is None:
        wc = np.ones(n_classes, dtype=x.dtype)
    # softmax(x) - onehot(y), in place on softmax's fresh array: no [N, C] one-hot
    # (np.eye(C) alone would hold C² numbers) and one array of x's size in all.
    S = softmax(x, axis=axis)
    g = S.copy() if eps_ls else S
    idx = np.expand_dims(safe, axis)
    np.put_along_axis(g, idx, np.take_along_axis(g, idx, axis=axis) - 1, axis=axis)
    g *= np.expand_dims(w, axis)
    if ignored.any():
        np.copyto(g, 0, where=np.expand_dims(ignored, axis))  # 0.0, not (S_y - 1)·0 = -0.0
    if eps_ls:
        shape = [-1 if d == axis else 1 for d in range(x.ndim)]
        smooth = S * wc.sum() - np.reshape(wc, shape)
        kept = np.expand_dims(~ignored, axis)
        g = (1 - eps_ls) * g + (eps_ls / n_classes) * np.where(kept, smooth, 0)
    if reduction == "mean":
        denominator = w.sum()
        if denominator == 0:
            raise ValueError(
                "labels select no weight: every label equals ignore_index or has weight 0, "
                "so the mean is undefined (0/0); use reduction='sum' or 'none'"
            )
        g /= denominator
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

    Parameters
    ----------
    logits, targets, pos_weight, weight, label_smoothing
        As for :func:`~ceutils.binary_cross_entropy_with_logits`.
    reduction : {"none", "mean", "sum"}
        "mean" divides by the number of loss elements, as the loss does.

    Returns
    -------
    numpy.ndarray
        Same shape as ``logits`` (weights that broadcast ``logits`` to a larger
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
    x = as_float_array(logits, "logits")
    z = as_probabilities(targets, "targets")
    check_same_shape(x, z, "logits", "targets")
    check_reduction(reduction)
    eps_ls = check_label_smoothing(label_smoothing)
    if eps_ls:
        z = z * (1 - eps_ls) + 0.5 * eps_ls
    w = nonnegative_weights(weight, x.shape, "weight")
    s = sigmoid(x)
    if pos_weight is None:
        g = s - z
    else:
        q = nonnegative_weights(pos_weight, x.shape, "pos_weight")
        g = (1 + (q - 1) * z) * s - q * z
    if w is not None:
        g = g * w
    if reduction == "mean":
        g = g / g.size
    return _sum_to_shape(g, x.shape).astype(x.dtype, copy=False)


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
        float64, same shape as ``x``.

    Examples
    --------
    >>> g = numerical_gradient(lambda v: float(np.sum(v ** 3)), [1.0, -2.0])
    >>> np.allclose(g, [3.0, 12.0], rtol=1e-9)
    True
    """
    if not callable(f):
        raise ValueError(f"f must be a callable returning a scalar; got {type(f).__name__}")
    x0 = as_float_array(x, "x").astype(np.float64)
    if h is None:
        step = _default_step(x0)
    else:
        step = as_float_array(h, "h").astype(np.float64)
        if (step <= 0).any():
            raise ValueError(f"h must be positive; got {float(step.min())!r}")
        try:
            step = np.broadcast_to(step, x0.shape)
        except ValueError:
            raise ValueError(
                f"h must be a scalar or broadcast to x's shape {x0.shape}; got shape {step.shape}"
            ) from None

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
