"""The same inputs through scikit-learn, PyTorch and TensorFlow/Keras.

Every adapter takes NumPy-like inputs in the order ceutils uses
(``logits``/``probs`` first, then ``targets``/``labels``), calls exactly one
library function, and returns a NumPy array in the library's own result dtype
(``dtype`` chooses the precision the library computes in). The libraries are
imported on first use, so ``import ceutils`` stays fast and light; an adapter
whose library is not installed raises
:class:`~ceutils.libraries.LibraryNotInstalled` (an ``ImportError`` whose
message names the library and the pip command that installs it).

Loading this module sets TensorFlow's logging variables (the only place in the
book that does): code that imports ``tensorflow`` or ``keras`` itself imports
``ceutils.adapters`` first. Tables of implementations that must agree are
:mod:`ceutils.agreement`'s.
"""

from __future__ import annotations

import os
from functools import cache

import numpy as np

from .libraries import load

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
    "keras_loss",
]


# --------------------------------------------------------------------------- imports
# Read by TensorFlow when it is first imported, so they are set as soon as this
# module is: a notebook that imports ceutils.adapters and then TensorFlow or
# Keras itself gets no C++ logs in its outputs. oneDNN's kernels are switched
# off too: the reference kernels are deterministic, and oneDNN announces itself
# on stderr. A value the user set already is kept.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


# Each raises ceutils.libraries.LibraryNotInstalled, naming the library and the
# pip command, when its library is not installed.
@cache
def _torch():
    return load("torch")


@cache
def _tf():
    return load("tensorflow")


@cache
def _keras():
    keras = load("keras")
    backend = keras.backend.backend()
    if backend != "tensorflow":  # the book compares TensorFlow's Keras
        raise RuntimeError(f"the Keras adapters need Keras on TensorFlow; this Keras runs on "
                           f"{backend!r} (set KERAS_BACKEND=tensorflow before importing it)")
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
def sklearn_log_loss(probs, targets, **kwargs) -> np.ndarray:
    """``sklearn.metrics.log_loss(targets, probs, **kwargs)``.

    Parameters
    ----------
    probs : array_like
        Predicted probabilities: one column per class in sorted label order, or
        the positive class's probability for two classes.
    targets : array_like
        The true labels (integers, class names or a one-hot matrix), scikit-learn's
        ``y_true``.
    **kwargs
        Passed to ``log_loss``: ``labels=``, ``normalize=``, ``sample_weight=``.

    Returns
    -------
    numpy.ndarray
        A float64 scalar: the mean loss, or the sum with ``normalize=False``.
    """
    load("sklearn")
    from sklearn.metrics import log_loss

    return np.asarray(log_loss(targets, probs, **kwargs))


# --------------------------------------------------------------------------- torch
def torch_bce(probs, targets, *, weight=None, reduction="mean", dtype="float64"):
    """``torch.nn.BCELoss(weight, reduction)(probs, targets)``.

    Parameters
    ----------
    probs : array_like
        Probabilities of the positive class.
    targets : array_like, same shape
        Targets in [0, 1].
    weight : array_like, optional
        Per-element weights.
    reduction : {"none", "mean", "sum"}
        PyTorch's reduction.
    dtype : str
        The precision PyTorch computes in.

    Returns
    -------
    numpy.ndarray
        ``"none"``: one loss per element; ``"mean"``, ``"sum"``: a scalar.
    """
    torch = _torch()
    w = None if weight is None else _t(weight, dtype)
    loss = torch.nn.BCELoss(weight=w, reduction=reduction)
    return _np(loss(_t(probs, dtype), _t(targets, dtype)))


def torch_bce_with_logits(logits, targets, *, pos_weight=None, weight=None, reduction="mean",
                          dtype="float64"):
    """``torch.nn.BCEWithLogitsLoss(weight, reduction, pos_weight)(logits, targets)``.

    Parameters
    ----------
    logits : array_like
        Logits.
    targets : array_like, same shape
        Targets in [0, 1].
    pos_weight : array_like, optional
        Weight of the positive term, one per class (last axis).
    weight : array_like, optional
        Per-element weights.
    reduction : {"none", "mean", "sum"}
        PyTorch's reduction.
    dtype : str
        The precision PyTorch computes in.

    Returns
    -------
    numpy.ndarray
        ``"none"``: one loss per element; ``"mean"``, ``"sum"``: a scalar.
    """
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
    """``torch.nn.CrossEntropyLoss(...)(logits, target)``, the class axis last.

    Parameters
    ----------
    logits : array_like, shape ``[..., C]``
        Logits, the class axis last (moved to PyTorch's axis 1 here).
    target : array_like
        Integers: class indices (shape of ``logits`` without the class axis);
        floats: class probabilities (shape of ``logits``, PyTorch ≥ 1.10).
    weight : array_like, shape ``[C]``, optional
        Per-class weights.
    ignore_index : int
        Class index whose samples are skipped.
    label_smoothing : float
        PyTorch's label smoothing.
    reduction : {"none", "mean", "sum"}
        PyTorch's reduction ("mean" divides by the sum of the labels' weights for
        integer labels, by the number of samples for probability targets).
    dtype : str
        The precision PyTorch computes in.

    Returns
    -------
    numpy.ndarray
        ``"none"``: one loss per sample; ``"mean"``, ``"sum"``: a scalar.
    """
    torch = _torch()
    w = None if weight is None else _t(weight, dtype)
    loss = torch.nn.CrossEntropyLoss(weight=w, ignore_index=ignore_index,
                                     label_smoothing=label_smoothing, reduction=reduction)
    x = _t(_class_axis_to_torch(np.asarray(logits, dtype=dtype)), dtype)
    return _np(loss(x, _torch_target(target, dtype)))


def torch_nll_log_softmax(logits, target, *, weight=None, ignore_index=-100, reduction="mean",
                          dtype="float64"):
    """``nn.NLLLoss(...)(nn.LogSoftmax(dim=class axis)(logits), target)`` (source 001).

    Parameters
    ----------
    logits : array_like, shape ``[..., C]``
        Logits, the class axis last.
    target : array_like of int
        Class indices, the shape of ``logits`` without the class axis.
    weight : array_like, shape ``[C]``, optional
        Per-class weights.
    ignore_index : int
        Class index whose samples are skipped.
    reduction : {"none", "mean", "sum"}
        PyTorch's reduction.
    dtype : str
        The precision PyTorch computes in.

    Returns
    -------
    numpy.ndarray
        ``"none"``: one loss per sample; ``"mean"``, ``"sum"``: a scalar.
    """
    torch = _torch()
    w = None if weight is None else _t(weight, dtype)
    x = _t(_class_axis_to_torch(np.asarray(logits, dtype=dtype)), dtype)
    dim = 0 if x.ndim == 1 else 1
    log_probs = torch.nn.LogSoftmax(dim=dim)(x)
    loss = torch.nn.NLLLoss(weight=w, ignore_index=ignore_index, reduction=reduction)
    return _np(loss(log_probs, _torch_target(target, dtype)))


def torch_softmax(logits, *, dim=-1, dtype="float64"):
    """``torch.softmax(logits, dim)``.

    Parameters
    ----------
    logits : array_like
        Logits.
    dim : int
        The class axis.
    dtype : str
        The precision PyTorch computes in.

    Returns
    -------
    numpy.ndarray
        Probabilities, the shape of ``logits``.
    """
    torch = _torch()
    return _np(torch.softmax(_t(logits, dtype), dim=dim))


def torch_entropy(p, *, dtype="float64"):
    """``torch.distributions.Categorical(probs=p).entropy()`` (nats).

    Parameters
    ----------
    p : array_like, shape ``[..., C]``
        Distributions along the last axis.
    dtype : str
        The precision PyTorch computes in.

    Returns
    -------
    numpy.ndarray
        One entropy per distribution: the shape of ``p`` without the last axis.
    """
    torch = _torch()
    return _np(torch.distributions.Categorical(probs=_t(p, dtype)).entropy())


# Gradients by autograd. With reduction="none" the per-sample losses are summed
# before backward(): each loss depends only on its own logits, so this is each
# sample's own gradient, the convention of ceutils.gradients.
def torch_cross_entropy_grad(logits, target, *, weight=None, ignore_index=-100,
                             label_smoothing=0.0, reduction="mean", dtype="float64"):
    """Gradient of ``torch.nn.CrossEntropyLoss(...)(logits, target)`` by autograd.

    Parameters
    ----------
    logits : array_like, shape ``[..., C]``
        Logits, the class axis last.
    target : array_like
        Class indices (integers) or class probabilities (floats).
    weight : array_like, shape ``[C]``, optional
        Per-class weights.
    ignore_index : int
        Class index whose samples are skipped.
    label_smoothing : float
        PyTorch's label smoothing.
    reduction : {"none", "mean", "sum"}
        The reduction of the loss differentiated ("none": of each sample's own loss).
    dtype : str
        The precision PyTorch computes in.

    Returns
    -------
    numpy.ndarray
        The gradient, the shape of ``logits``, for every ``reduction``.
    """
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
    """Gradient of ``torch.nn.BCEWithLogitsLoss(...)(logits, targets)`` by autograd.

    Parameters
    ----------
    logits : array_like
        Logits.
    targets : array_like, same shape
        Targets in [0, 1].
    pos_weight : array_like, optional
        Weight of the positive term, one per class.
    weight : array_like, optional
        Per-element weights.
    reduction : {"none", "mean", "sum"}
        The reduction of the loss differentiated ("none": of each element's own loss).
    dtype : str
        The precision PyTorch computes in.

    Returns
    -------
    numpy.ndarray
        The gradient, the shape of ``logits``, for every ``reduction``.
    """
    torch = _torch()
    w = None if weight is None else _t(weight, dtype)
    q = None if pos_weight is None else _t(pos_weight, dtype)
    loss = torch.nn.BCEWithLogitsLoss(weight=w, reduction=reduction, pos_weight=q)
    x = _t(logits, dtype).requires_grad_(True)
    loss(x, _t(targets, dtype)).sum().backward()
    return _np(x.grad)


# --------------------------------------------------------------------------- TensorFlow
def tf_sigmoid_cross_entropy_with_logits(logits, labels, *, dtype="float64"):
    """``tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)``.

    Parameters
    ----------
    logits : array_like
        Logits.
    labels : array_like, same shape
        Targets in [0, 1].
    dtype : str
        The precision TensorFlow computes in.

    Returns
    -------
    numpy.ndarray
        One loss per element, the shape of ``logits``.
    """
    tf = _tf()
    return tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.constant(labels, dtype=dtype), logits=tf.constant(logits, dtype=dtype)
    ).numpy()


def tf_weighted_cross_entropy_with_logits(logits, labels, pos_weight, *, dtype="float64"):
    """``tf.nn.weighted_cross_entropy_with_logits(labels, logits, pos_weight)``.

    Parameters
    ----------
    logits : array_like
        Logits.
    labels : array_like, same shape
        Targets in [0, 1].
    pos_weight : array_like
        Weight of the positive term, broadcast against ``logits``.
    dtype : str
        The precision TensorFlow computes in.

    Returns
    -------
    numpy.ndarray
        One loss per element, the shape of ``logits``.
    """
    tf = _tf()
    return tf.nn.weighted_cross_entropy_with_logits(
        labels=tf.constant(labels, dtype=dtype), logits=tf.constant(logits, dtype=dtype),
        pos_weight=tf.constant(pos_weight, dtype=dtype),
    ).numpy()


def tf_softmax_cross_entropy_with_logits(logits, labels, *, axis=-1, dtype="float64"):
    """``tf.nn.softmax_cross_entropy_with_logits(labels, logits, axis)``.

    Parameters
    ----------
    logits : array_like, shape ``[..., C]``
        Logits.
    labels : array_like, same shape
        A distribution per row (TensorFlow's gradient assumes one).
    axis : int
        The class axis.
    dtype : str
        The precision TensorFlow computes in.

    Returns
    -------
    numpy.ndarray
        One loss per row: the shape of ``logits`` without ``axis``.
    """
    tf = _tf()
    return tf.nn.softmax_cross_entropy_with_logits(
        labels=tf.constant(labels, dtype=dtype), logits=tf.constant(logits, dtype=dtype),
        axis=axis,
    ).numpy()


def tf_sparse_softmax_cross_entropy_with_logits(logits, labels, *, dtype="float64"):
    """``tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)``.

    Parameters
    ----------
    logits : array_like, shape ``[..., C]``
        Logits, the class axis last.
    labels : array_like of int
        Class indices in ``[0, C)``, the shape of ``logits`` without the last axis.
    dtype : str
        The precision TensorFlow computes in.

    Returns
    -------
    numpy.ndarray
        One loss per row, the shape of ``labels``.
    """
    tf = _tf()
    return tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.constant(labels, dtype="int64"), logits=tf.constant(logits, dtype=dtype)
    ).numpy()


def tf_entropy(p, *, dtype="float64"):
    """Entropy as TensorFlow computes it: ``softmax_cross_entropy_with_logits(p, log p)``.

    ``softmax(log p) = p`` for a distribution ``p`` with no zeros, so the cross
    entropy of ``p`` with itself is its entropy.

    Parameters
    ----------
    p : array_like, shape ``[..., C]``
        Distributions along the last axis.
    dtype : str
        The precision TensorFlow computes in.

    Returns
    -------
    numpy.ndarray
        One entropy per distribution: the shape of ``p`` without the last axis.
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
    """Gradient of ``tf.nn.softmax_cross_entropy_with_logits`` (reduced) by ``GradientTape``.

    TensorFlow's registered gradient is ``softmax(logits) - labels``, exact only
    when each label row sums to 1 (as its documentation requires).

    Parameters
    ----------
    logits : array_like, shape ``[..., C]``
        Logits.
    labels : array_like, same shape
        A distribution per row.
    axis : int
        The class axis.
    reduction : {"none", "mean", "sum"}
        How the per-row losses are reduced before differentiating
        (``tf.reduce_mean`` for "mean", ``tf.reduce_sum`` otherwise).
    dtype : str
        The precision TensorFlow computes in.

    Returns
    -------
    numpy.ndarray
        The gradient, the shape of ``logits``, for every ``reduction``.
    """
    tf = _tf()
    y = tf.constant(labels, dtype=dtype)
    return _tf_tape_grad(
        lambda x: tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x, axis=axis),
        logits, reduction, dtype,
    )


def tf_sparse_softmax_cross_entropy_grad(logits, labels, *, reduction="mean", dtype="float64"):
    """Gradient of ``tf.nn.sparse_softmax_cross_entropy_with_logits`` (reduced) by ``GradientTape``.

    Parameters
    ----------
    logits : array_like, shape ``[..., C]``
        Logits, the class axis last.
    labels : array_like of int
        Class indices in ``[0, C)``.
    reduction : {"none", "mean", "sum"}
        How the per-row losses are reduced before differentiating.
    dtype : str
        The precision TensorFlow computes in.

    Returns
    -------
    numpy.ndarray
        The gradient, the shape of ``logits``, for every ``reduction``.
    """
    tf = _tf()
    y = tf.constant(labels, dtype="int64")
    return _tf_tape_grad(
        lambda x: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=x),
        logits, reduction, dtype,
    )


def tf_sigmoid_cross_entropy_grad(logits, labels, *, pos_weight=None, reduction="mean",
                                  dtype="float64"):
    """Gradient of TensorFlow's sigmoid cross entropy (reduced) by ``GradientTape``.

    ``tf.nn.sigmoid_cross_entropy_with_logits``, or with ``pos_weight``
    ``tf.nn.weighted_cross_entropy_with_logits``.

    Parameters
    ----------
    logits : array_like
        Logits.
    labels : array_like, same shape
        Targets in [0, 1].
    pos_weight : array_like, optional
        Weight of the positive term.
    reduction : {"none", "mean", "sum"}
        How the per-element losses are reduced before differentiating.
    dtype : str
        The precision TensorFlow computes in.

    Returns
    -------
    numpy.ndarray
        The gradient, the shape of ``logits``, for every ``reduction``.
    """
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
    """``keras.losses.binary_crossentropy(targets, probs, ...)``.

    Parameters
    ----------
    probs : array_like
        Probabilities (or logits with ``from_logits=True``).
    targets : array_like, same shape
        Targets in [0, 1].
    from_logits : bool
        Whether ``probs`` are logits.
    label_smoothing : float
        Keras' label smoothing.
    dtype : str
        The precision Keras computes in.

    Returns
    -------
    numpy.ndarray
        The mean over the last axis: the shape of ``probs`` without it.
    """
    keras = _keras()
    return _np(keras.losses.binary_crossentropy(
        _keras_tensor(targets, dtype), _keras_tensor(probs, dtype),
        from_logits=from_logits, label_smoothing=label_smoothing,
    ))


def keras_categorical_crossentropy(probs, targets, *, from_logits=False, label_smoothing=0.0,
                                   dtype="float64"):
    """``keras.losses.categorical_crossentropy(targets, probs, ...)``.

    Parameters
    ----------
    probs : array_like, shape ``[..., C]``
        Probabilities (or logits with ``from_logits=True``).
    targets : array_like, same shape
        One-hot labels or a distribution per row.
    from_logits : bool
        Whether ``probs`` are logits.
    label_smoothing : float
        Keras' label smoothing.
    dtype : str
        The precision Keras computes in.

    Returns
    -------
    numpy.ndarray
        One loss per row: the shape of ``probs`` without the last axis.
    """
    keras = _keras()
    return _np(keras.losses.categorical_crossentropy(
        _keras_tensor(targets, dtype), _keras_tensor(probs, dtype),
        from_logits=from_logits, label_smoothing=label_smoothing,
    ))


def keras_sparse_categorical_crossentropy(probs, labels, *, from_logits=False, dtype="float64"):
    """``keras.losses.sparse_categorical_crossentropy(labels, probs, ...)``.

    Parameters
    ----------
    probs : array_like, shape ``[..., C]``
        Probabilities (or logits with ``from_logits=True``).
    labels : array_like of int
        Class indices, the shape of ``probs`` without the last axis.
    from_logits : bool
        Whether ``probs`` are logits.
    dtype : str
        The precision Keras computes in.

    Returns
    -------
    numpy.ndarray
        One loss per row, the shape of ``labels``.
    """
    keras = _keras()
    return _np(keras.losses.sparse_categorical_crossentropy(
        keras.ops.convert_to_tensor(np.asarray(labels, dtype="int64")),
        _keras_tensor(probs, dtype), from_logits=from_logits,
    ))


def keras_loss(probs, targets, *, loss, sample_weight=None, dtype="float64", **options):
    """``keras.losses.<loss>(dtype=dtype, **options)(targets, probs, sample_weight)``.

    Parameters
    ----------
    probs : array_like
        Probabilities (or logits with ``from_logits=True`` in ``options``).
    targets : array_like
        Targets, as the class expects them.
    loss : str
        The class, e.g. ``"CategoricalCrossentropy"`` or ``"BinaryCrossentropy"``.
    sample_weight : array_like, optional
        One weight per sample, multiplying its loss before the reduction.
    dtype : str
        The precision Keras computes in.
    **options
        Passed to the class: ``reduction=``, ``from_logits=``, ``label_smoothing=``.

    Returns
    -------
    numpy.ndarray
        With the default ``reduction="sum_over_batch_size"`` (or ``"mean"``), a
        scalar: the sum of the weighted losses divided by the number of losses;
        with ``"sum"``, their sum; with ``"mean_with_sample_weight"``, their sum
        divided by the sum of the weights; with ``reduction=None``, one weighted
        loss per sample.
    """
    keras = _keras()
    instance = getattr(keras.losses, loss)(dtype=dtype, **options)
    weights = None if sample_weight is None else _keras_tensor(sample_weight, dtype)
    return _np(instance(_keras_tensor(targets, dtype), _keras_tensor(probs, dtype),
                        sample_weight=weights))
