"""The same inputs through scikit-learn, PyTorch and TensorFlow/Keras.

Every adapter takes NumPy-like inputs in the order ceutils uses
(``logits``/``probs`` first, then ``targets``/``labels``), calls exactly one
library function, and returns a NumPy array in the library's own result dtype
(``dtype`` chooses the precision the library computes in). The libraries are
imported on first use, so ``import ceutils`` stays fast and light.

:func:`agree` builds a comparison table of several implementations and
:func:`assert_agree` raises, naming who disagrees and by how much.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from html import escape

import numpy as np

__all__ = [
    "sklearn_log_loss",
    "torch_bce",
    "torch_bce_with_logits",
    "torch_cross_entropy",
    "torch_nll_log_softmax",
    "torch_entropy",
    "torch_softmax",
    "torch_cross_entropy_grad",
    "torch_bce_with_logits_grad",
    "tf_sigmoid_cross_entropy_with_logits",
    "tf_weighted_cross_entropy_with_logits",
    "tf_softmax_cross_entropy_with_logits",
    "tf_sparse_softmax_cross_entropy_with_logits",
    "tf_entropy",
    "tf_softmax_cross_entropy_grad",
    "tf_sparse_softmax_cross_entropy_grad",
    "tf_sigmoid_cross_entropy_grad",
    "keras_binary_crossentropy",
    "keras_categorical_crossentropy",
    "keras_sparse_categorical_crossentropy",
    "Agreement",
    "agree",
    "assert_agree",
]


# --------------------------------------------------------------------------- imports
# Read by TensorFlow when it is first imported, so they are set as soon as this
# module is: a notebook that imports ceutils.adapters and then TensorFlow or
# Keras itself gets no C++ logs in its outputs. oneDNN's kernels are switched
# off too: the reference kernels are deterministic, and oneDNN announces itself
# on stderr. A value the user set already is kept.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


@cache
def _torch():
    import torch

    return torch


@cache
def _tf():
    import tensorflow as tf

    return tf


@cache
def _keras():
    _tf()
    import keras

    return keras


def _t(x, dtype):
    torch = _torch()
    return torch.as_tensor(np.asarray(x, dtype=dtype))


def _np(t) -> np.ndarray:
    return np.asarray(t.detach().numpy() if hasattr(t, "detach") else t)


def _class_axis_to_torch(logits: np.ndarray) -> np.ndarray:
    """torch wants the class axis at 1 for inputs of rank > 2."""
    return np.moveaxis(logits, -1, 1) if logits.ndim > 2 else logits


# --------------------------------------------------------------------------- sklearn
def sklearn_log_loss(y_true, y_pred, **kwargs) -> float:
    """``sklearn.metrics.log_loss(y_true, y_pred, **kwargs)`` as a float."""
    from sklearn.metrics import log_loss

    return float(log_loss(y_true, y_pred, **kwargs))


# --------------------------------------------------------------------------- torch
def torch_bce(probs, targets, *, weight=None, reduction="mean", dtype="float64"):
    """``torch.nn.BCELoss(weight, reduction)(probs, targets)``."""
    torch = _torch()
    w = None if weight is None else _t(weight, dtype)
    loss = torch.nn.BCELoss(weight=w, reduction=reduction)
    return _np(loss(_t(probs, dtype), _t(targets, dtype)))


def torch_bce_with_logits(logits, targets, *, pos_weight=None, weight=None, reduction="mean",
                          dtype="float64"):
    """``torch.nn.BCEWithLogitsLoss(weight, reduction, pos_weight)(logits, targets)``."""
    torch = _torch()
    w = None if weight is None else _t(weight, dtype)
    q = None if pos_weight is None else _t(pos_weight, dtype)
    loss = torch.nn.BCEWithLogitsLoss(weight=w, reduction=reduction, pos_weight=q)
    return _np(loss(_t(logits, dtype), _t(targets, dtype)))


def _torch_target(target, dtype):
    torch = _torch()
    arr = np.asarray(target)
    if np.issubdtype(arr.dtype, np.integer):
        return torch.as_tensor(arr.astype(np.int64))
    return _t(_class_axis_to_torch(arr), dtype)


def torch_cross_entropy(logits, target, *, weight=None, ignore_index=-100, label_smoothing=0.0,
                        reduction="mean", dtype="float64"):
    """``torch.nn.CrossEntropyLoss(...)(logits, target)``.

    Integer ``target`` gives class indices, floating ``target`` class
    probabilities (PyTorch ≥ 1.10). The class axis is the last one, as in ceutils.
    """
    torch = _torch()
    w = None if weight is None else _t(weight, dtype)
    loss = torch.nn.CrossEntropyLoss(weight=w, ignore_index=ignore_index,
                                     label_smoothing=label_smoothing, reduction=reduction)
    x = _t(_class_axis_to_torch(np.asarray(logits, dtype=dtype)), dtype)
    return _np(loss(x, _torch_target(target, dtype)))


def torch_nll_log_softmax(logits, target, *, weight=None, ignore_index=-100, reduction="mean",
                          dtype="float64"):
    """``nn.NLLLoss(...)(nn.LogSoftmax(dim=class axis)(logits), target)`` (source 001)."""
    torch = _torch()
    w = None if weight is None else _t(weight, dtype)
    x = _t(_class_axis_to_torch(np.asarray(logits, dtype=dtype)), dtype)
    dim = 0 if x.ndim == 1 else 1
    log_probs = torch.nn.LogSoftmax(dim=dim)(x)
    loss = torch.nn.NLLLoss(weight=w, ignore_index=ignore_index, reduction=reduction)
    return _np(loss(log_probs, _torch_target(target, dtype)))


def torch_softmax(logits, *, dim=-1, dtype="float64"):
    """``torch.softmax(logits, dim)``."""
    torch = _torch()
    return _np(torch.softmax(_t(logits, dtype), dim=dim))


def torch_entropy(p, *, dtype="float64"):
    """``torch.distributions.Categorical(probs=p).entropy()`` (nats)."""
    torch = _torch()
    return _np(torch.distributions.Categorical(probs=_t(p, dtype)).entropy())


# Gradients by autograd. With reduction="none" the per-sample losses are summed
# before backward(): each loss depends only on its own logits, so this is each
# sample's own gradient, the convention of ceutils.gradients.
def torch_cross_entropy_grad(logits, target, *, weight=None, ignore_index=-100,
                             label_smoothing=0.0, reduction="mean", dtype="float64"):
    """d/d logits of ``torch.nn.CrossEntropyLoss(...)(logits, target)``, by autograd."""
    torch = _torch()
    w = None if weight is None else _t(weight, dtype)
    loss = torch.nn.CrossEntropyLoss(weight=w, ignore_index=ignore_index,
                                     label_smoothing=label_smoothing, reduction=reduction)
    x = _t(_class_axis_to_torch(np.asarray(logits, dtype=dtype)), dtype).requires_grad_(True)
    loss(x, _torch_target(target, dtype)).sum().backward()
    g = _np(x.grad)
    return np.moveaxis(g, 1, -1) if g.ndim > 2 else g


def torch_bce_with_logits_grad(logits, targets, *, pos_weight=None, weight=None,
                               reduction="mean", dtype="float64"):
    """d/d logits of ``torch.nn.BCEWithLogitsLoss(...)(logits, targets)``, by autograd."""
    torch = _torch()
    w = None if weight is None else _t(weight, dtype)
    q = None if pos_weight is None else _t(pos_weight, dtype)
    loss = torch.nn.BCEWithLogitsLoss(weight=w, reduction=reduction, pos_weight=q)
    x = _t(logits, dtype).requires_grad_(True)
    loss(x, _t(targets, dtype)).sum().backward()
    return _np(x.grad)


# --------------------------------------------------------------------------- TensorFlow
def tf_sigmoid_cross_entropy_with_logits(logits, labels, *, dtype="float64"):
    """``tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)`` (per element)."""
    tf = _tf()
    return tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.constant(labels, dtype=dtype), logits=tf.constant(logits, dtype=dtype)
    ).numpy()


def tf_weighted_cross_entropy_with_logits(logits, labels, pos_weight, *, dtype="float64"):
    """``tf.nn.weighted_cross_entropy_with_logits(labels, logits, pos_weight)`` (per element)."""
    tf = _tf()
    return tf.nn.weighted_cross_entropy_with_logits(
        labels=tf.constant(labels, dtype=dtype), logits=tf.constant(logits, dtype=dtype),
        pos_weight=tf.constant(pos_weight, dtype=dtype),
    ).numpy()


def tf_softmax_cross_entropy_with_logits(logits, labels, *, axis=-1, dtype="float64"):
    """``tf.nn.softmax_cross_entropy_with_logits(labels, logits, axis)`` (per row)."""
    tf = _tf()
    return tf.nn.softmax_cross_entropy_with_logits(
        labels=tf.constant(labels, dtype=dtype), logits=tf.constant(logits, dtype=dtype),
        axis=axis,
    ).numpy()


def tf_sparse_softmax_cross_entropy_with_logits(logits, labels, *, dtype="float64"):
    """``tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)`` (per row)."""
    tf = _tf()
    return tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.constant(labels, dtype="int64"), logits=tf.constant(logits, dtype=dtype)
    ).numpy()


def tf_entropy(p, *, dtype="float64"):
    """Entropy as TensorFlow computes it: ``softmax_cross_entropy_with_logits(p, log p)``.

    ``softmax(log p) = p`` for a distribution ``p`` with no zeros, so the cross
    entropy of ``p`` with itself is its entropy.
    """
    tf = _tf()
    p_t = tf.constant(p, dtype=dtype)
    return tf.nn.softmax_cross_entropy_with_logits(labels=p_t, logits=tf.math.log(p_t)).numpy()


# Gradients by tf.GradientTape of the per-sample losses reduced as ceutils
# reduces them: "mean" is tf.reduce_mean, "sum" and "none" tf.reduce_sum.
def _tf_tape_grad(per_sample_loss, logits, reduction, dtype):
    tf = _tf()
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"reduction must be one of ('none', 'mean', 'sum'); got {reduction!r}")
    x = tf.constant(logits, dtype=dtype)
    with tf.GradientTape() as tape:
        tape.watch(x)
        per = per_sample_loss(x)
        loss = tf.reduce_mean(per) if reduction == "mean" else tf.reduce_sum(per)
    return tape.gradient(loss, x).numpy()


def tf_softmax_cross_entropy_grad(logits, labels, *, axis=-1, reduction="mean", dtype="float64"):
    """d/d logits of ``tf.nn.softmax_cross_entropy_with_logits`` (reduced), by ``GradientTape``.

    TensorFlow's registered gradient is ``softmax(logits) - labels``, exact only
    when each label row sums to 1 (as its documentation requires).
    """
    tf = _tf()
    y = tf.constant(labels, dtype=dtype)
    return _tf_tape_grad(
        lambda x: tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x, axis=axis),
        logits, reduction, dtype,
    )


def tf_sparse_softmax_cross_entropy_grad(logits, labels, *, reduction="mean", dtype="float64"):
    """d/d logits of ``tf.nn.sparse_softmax_cross_entropy_with_logits`` (reduced), by tape."""
    tf = _tf()
    y = tf.constant(labels, dtype="int64")
    return _tf_tape_grad(
        lambda x: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=x),
        logits, reduction, dtype,
    )


def tf_sigmoid_cross_entropy_grad(logits, labels, *, pos_weight=None, reduction="mean",
                                  dtype="float64"):
    """d/d logits of ``tf.nn.sigmoid_cross_entropy_with_logits`` (or, with ``pos_weight``,
    ``tf.nn.weighted_cross_entropy_with_logits``), reduced, by ``GradientTape``."""
    tf = _tf()
    z = tf.constant(labels, dtype=dtype)
    if pos_weight is None:
        def per(x):
            return tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x)
    else:
        q = tf.constant(pos_weight, dtype=dtype)

        def per(x):
            return tf.nn.weighted_cross_entropy_with_logits(labels=z, logits=x, pos_weight=q)
    return _tf_tape_grad(per, logits, reduction, dtype)


# --------------------------------------------------------------------------- Keras
def _keras_tensor(x, dtype):
    return _keras().ops.convert_to_tensor(np.asarray(x, dtype=dtype))


def keras_binary_crossentropy(probs, targets, *, from_logits=False, label_smoothing=0.0,
                              dtype="float64"):
    """``keras.losses.binary_crossentropy(targets, probs, ...)`` (mean over the last axis)."""
    keras = _keras()
    return _np(keras.losses.binary_crossentropy(
        _keras_tensor(targets, dtype), _keras_tensor(probs, dtype),
        from_logits=from_logits, label_smoothing=label_smoothing,
    ))


def keras_categorical_crossentropy(probs, targets, *, from_logits=False, label_smoothing=0.0,
                                   dtype="float64"):
    """``keras.losses.categorical_crossentropy(targets, probs, ...)`` (per row)."""
    keras = _keras()
    return _np(keras.losses.categorical_crossentropy(
        _keras_tensor(targets, dtype), _keras_tensor(probs, dtype),
        from_logits=from_logits, label_smoothing=label_smoothing,
    ))


def keras_sparse_categorical_crossentropy(probs, labels, *, from_logits=False, dtype="float64"):
    """``keras.losses.sparse_categorical_crossentropy(labels, probs, ...)`` (per row)."""
    keras = _keras()
    return _np(keras.losses.sparse_categorical_crossentropy(
        keras.ops.convert_to_tensor(np.asarray(labels, dtype="int64")),
        _keras_tensor(probs, dtype), from_logits=from_logits,
    ))


# --------------------------------------------------------------------------- agreement
def _fmt(v: np.ndarray, digits: int) -> str:
    if v.ndim == 0:
        return f"{float(v):.{digits}g}"
    return np.array2string(v, precision=digits, separator=", ", floatmode="maxprec")


class Agreement:
    """A table of implementations of one quantity, and whether they agree.

    ``values`` maps an implementation's name to its result. The first entry is
    the reference; every other is compared to it with
    ``|value - reference| <= atol + rtol * |reference|`` elementwise
    (``numpy.isclose``; infinities agree only with the same infinity).
    """

    def __init__(self, values: Mapping[str, object], *, rtol: float = 1e-7, atol: float = 0.0,
                 digits: int = 10):
        if len(values) < 2:
            raise ValueError(f"values must name at least two implementations; got {list(values)}")
        self.values = {k: np.asarray(v, dtype=np.float64) for k, v in values.items()}
        self.rtol, self.atol, self.digits = rtol, atol, digits
        self.reference = next(iter(self.values))
        ref = self.values[self.reference]
        self.max_abs_diff: dict[str, float] = {}
        self.disagree: list[str] = []
        for name, v in self.values.items():
            if v.shape != ref.shape:
                self.max_abs_diff[name] = float("nan")
                self.disagree.append(name)
                continue
            with np.errstate(invalid="ignore"):
                diff = np.where(v == ref, 0.0, np.abs(v - ref))
            self.max_abs_diff[name] = float(np.max(diff)) if diff.size else 0.0
            if not np.all(np.isclose(v, ref, rtol=rtol, atol=atol)):
                self.disagree.append(name)

    @property
    def ok(self) -> bool:
        return not self.disagree

    def check(self) -> Agreement:
        """Raise ``AssertionError`` naming each implementation that disagrees."""
        if self.disagree:
            ref = self.values[self.reference]
            lines = [
                f"{name} = {_fmt(self.values[name], 17)} differs from {self.reference} = "
                f"{_fmt(ref, 17)} by {self.max_abs_diff[name]:.3g} "
                f"(rtol={self.rtol:g}, atol={self.atol:g})"
                for name in self.disagree
            ]
            raise AssertionError("implementations disagree:\n  " + "\n  ".join(lines))
        return self

    def _rows(self):
        for name, v in self.values.items():
            diff = self.max_abs_diff[name]
            yield (name, _fmt(v, self.digits),
                   "reference" if name == self.reference else f"{diff:.2g}",
                   "✗" if name in self.disagree else "✓")

    def _repr_markdown_(self) -> str:
        head = "| implementation | value | max abs. difference | agrees |\n|---|---|---|---|\n"
        return head + "\n".join("| " + " | ".join(r) + " |" for r in self._rows())

    def _repr_html_(self) -> str:
        head = ("<table><thead><tr><th>implementation</th><th>value</th>"
                "<th>max abs. difference</th><th>agrees</th></tr></thead><tbody>")
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in self._rows()
        )
        tol = f"<caption>rtol = {self.rtol:g}, atol = {self.atol:g}</caption>"
        return head.replace("<table>", "<table>" + tol) + body + "</tbody></table>"

    def __repr__(self) -> str:
        return "\n".join("  ".join(r) for r in self._rows())


def agree(values: Mapping[str, object], *, rtol: float = 1e-7, atol: float = 0.0,
          digits: int = 10) -> Agreement:
    """Compare implementations; see :class:`Agreement`. Does not raise on disagreement.

    Examples
    --------
    >>> a = agree({"exact": 0.5, "approx": 0.5 + 1e-12}, rtol=1e-9)
    >>> a.ok
    True
    """
    return Agreement(values, rtol=rtol, atol=atol, digits=digits)


def assert_agree(values: Mapping[str, object], *, rtol: float = 1e-7, atol: float = 0.0,
                 digits: int = 10) -> Agreement:
    """Like :func:`agree`, but raise ``AssertionError`` naming who disagrees and by how much.

    Examples
    --------
    >>> assert_agree({"a": 1.0, "b": 1.1}, rtol=1e-3)
    Traceback (most recent call last):
    ...
    AssertionError: implementations disagree:
      b = 1.1000000000000001 differs from a = 1 by 0.1 (rtol=0.001, atol=0)
    """
    return Agreement(values, rtol=rtol, atol=atol, digits=digits).check()
