r"""The arithmetic a loss and its gradient share, written once.

:mod:`ceutils.losses` computes a loss and :mod:`ceutils.gradients` its
derivative from the same checked inputs. Everything the two have in common
lives here, so that a loss and its gradient cannot drift apart:

* the **dtype rule** (as optax): targets and weights are cast to the dtype of
  the logits (or probabilities), so a loss and its gradient both come back in
  that dtype;
* **label smoothing**: :math:`(1 - \epsilon)\,y + \epsilon / C`, with
  :math:`C = 2` for the binary losses;
* the **class-axis broadcast** of a per-class vector;
* the **per-sample weights** :math:`w_{y_n}` of integer labels, 0 where a
  label equals ``ignore_index``;
* the **denominator of "mean"**: the number of losses, or :math:`\sum_n w_{y_n}`
  for integer labels (PyTorch's definition), refused when it is 0.

Validation stays in :mod:`ceutils._validation`; nothing here checks input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import (
    as_float_array,
    as_probabilities,
    check_axis,
    check_label_smoothing,
    check_reduction,
    check_same_shape,
    class_weights,
    dense_targets,
    nonnegative_weights,
    sparse_labels,
    warn_if_not_distribution,
)


def smooth_targets(y: np.ndarray, eps: float, n_classes: int) -> np.ndarray:
    r""":math:`(1 - \epsilon)\,y + \epsilon / C`; ``y`` itself when :math:`\epsilon = 0`."""
    return y * (1 - eps) + eps / n_classes if eps else y


def along_axis(v: np.ndarray, axis: int, ndim: int) -> np.ndarray:
    """A 1-D per-class vector shaped to broadcast along ``axis`` of an ``ndim``-array."""
    return np.reshape(v, [-1 if d == axis else 1 for d in range(ndim)])


def reduce(loss: np.ndarray, reduction: str, denominator) -> np.ndarray:
    """``"none"``: the losses; ``"sum"``: their sum; ``"mean"``: the sum over ``denominator``."""
    if reduction == "none":
        return loss
    total = loss.sum()
    return total if reduction == "sum" else total / denominator


def scale_gradient(g: np.ndarray, reduction: str, denominator) -> np.ndarray:
    """The gradient of :func:`reduce`'s result: ``"mean"`` divides by ``denominator``."""
    return g / denominator if reduction == "mean" else g


def _cast(v: np.ndarray | None, dtype) -> np.ndarray | None:
    return None if v is None else v.astype(dtype, copy=False)


@dataclass(frozen=True)
class ElementwiseInputs:
    """Checked inputs of a binary (element-wise) loss: one loss per element."""

    x: np.ndarray  # logits or probabilities
    z: np.ndarray  # targets, smoothed, in x's dtype
    weight: np.ndarray | None  # per-element weights, in x's dtype
    pos_weight: np.ndarray | None  # weights of the positive term, in x's dtype
    reduction: str

    @property
    def denominator(self) -> int:
        """The number of losses: ``weight`` and ``pos_weight`` may broadcast ``x`` up."""
        shapes = [a.shape for a in (self.x, self.weight, self.pos_weight) if a is not None]
        return int(np.prod(np.broadcast_shapes(*shapes)))


def elementwise_inputs(scores, targets, *, name: str, weight=None, pos_weight=None,
                       label_smoothing=0.0, reduction: str = "mean") -> ElementwiseInputs:
    """Check and prepare the inputs of a binary loss; ``name`` is "logits" or "probs"."""
    x = as_probabilities(scores, name) if name == "probs" else as_float_array(scores, name)
    z = as_probabilities(targets, "targets")
    check_same_shape(x, z, name, "targets")
    check_reduction(reduction)
    eps = check_label_smoothing(label_smoothing)
    w = nonnegative_weights(weight, x.shape)
    q = nonnegative_weights(pos_weight, x.shape, "pos_weight")
    z = smooth_targets(z.astype(x.dtype, copy=False), eps, 2)
    return ElementwiseInputs(x, z, _cast(w, x.dtype), _cast(q, x.dtype), reduction)


@dataclass(frozen=True)
class DenseInputs:
    """Checked inputs of a loss with one target distribution per row."""

    x: np.ndarray  # logits or probabilities
    y: np.ndarray  # targets, smoothed, in x's dtype
    axis: int  # the class axis, normalised
    reduction: str

    @property
    def denominator(self) -> int:
        """The number of rows."""
        return self.x.size // self.x.shape[self.axis]


def dense_inputs(scores, targets, *, name: str, axis: int, label_smoothing=0.0,
                 reduction: str = "mean", what: str) -> DenseInputs:
    """Check and prepare the inputs of a row-wise loss.

    Target rows that are not distributions warn (``what`` says what is then done)
    before smoothing; ``scores`` are only checked to be finite here.
    """
    x, y, axis = dense_targets(scores, targets, axis, name)
    check_reduction(reduction)
    eps = check_label_smoothing(label_smoothing)
    warn_if_not_distribution(y, "targets", axis, what)
    y = smooth_targets(y.astype(x.dtype, copy=False), eps, x.shape[axis])
    return DenseInputs(x, y, axis, reduction)


@dataclass(frozen=True)
class SparseInputs:
    """Checked inputs of a loss with integer class labels."""

    x: np.ndarray  # logits
    axis: int  # the class axis, normalised
    ignored: np.ndarray  # True where the label equals ignore_index (labels' shape)
    safe: np.ndarray  # the labels, 0 where ignored: safe to index with
    class_weight: np.ndarray  # w_c, in x's dtype (ones without weight)
    sample_weight: np.ndarray  # w_{y_n}, 0 where ignored, in x's dtype
    eps: float  # label smoothing
    reduction: str

    @property
    def n_classes(self) -> int:
        return self.x.shape[self.axis]

    @property
    def denominator(self):
        r""":math:`\sum_n w_{y_n}` over the labels not ignored (PyTorch's "mean")."""
        total = self.sample_weight.sum()
        if total == 0:
            raise ValueError(
                "labels select no weight: every label equals ignore_index or has weight 0, "
                "so the mean is undefined (0/0); use reduction='sum' or 'none'"
            )
        return total


def sparse_inputs(logits, labels, *, axis: int, weight=None, ignore_index: int | None = -100,
                  label_smoothing=0.0, reduction: str = "mean") -> SparseInputs:
    """Check and prepare the inputs of a loss with integer labels."""
    x = as_float_array(logits, "logits")
    axis = check_axis(x, axis, "logits")
    check_reduction(reduction)
    eps = check_label_smoothing(label_smoothing)
    y = sparse_labels(labels, x.shape, axis, ignore_index)
    wc = class_weights(weight, x.shape[axis])
    ignored = (y == ignore_index) if ignore_index is not None else np.zeros(y.shape, bool)
    safe = np.where(ignored, 0, y)
    if wc is None:
        wc = np.ones(x.shape[axis], dtype=x.dtype)
        w = (~ignored).astype(x.dtype)
    else:
        wc = wc.astype(x.dtype, copy=False)
        w = np.where(ignored, 0, wc[safe]).astype(x.dtype, copy=False)
    return SparseInputs(x, axis, ignored, safe, wc, w, eps, reduction)
