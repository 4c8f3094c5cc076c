"""Input checks shared by every public function: this module validates, nothing else.

Each check raises :class:`ValueError` with a message that names the argument,
shows what was received and says what was expected, in the style of Keras and
scikit-learn::

    ValueError: labels must be in [0, 3); got 3 at index (1,)
"""

from __future__ import annotations

import warnings

import numpy as np

REDUCTIONS = ("none", "mean", "sum")


def _first_index(mask: np.ndarray) -> tuple[int, ...]:
    """Index of the first True entry of ``mask`` as a tuple of Python ints."""
    return tuple(int(i) for i in np.argwhere(mask)[0])


def as_float_array(x, name: str) -> np.ndarray:
    """``x`` as a floating array; integers and bools become float64.

    float16/float32/float64 inputs keep their dtype so that the library
    comparisons in float32 compare like with like. NaN and infinite entries
    raise: a loss of a non-finite input is never what the caller meant.
    """
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged lists and the like
        raise ValueError(f"{name} must be an array of real numbers; got {x!r}") from exc
    if arr.dtype == object or np.iscomplexobj(arr) or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == bool
    ):
        raise ValueError(f"{name} must be an array of real numbers; got dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = _first_index(bad) if arr.ndim else ()
        raise ValueError(f"{name} must be finite; got {arr[idx]} at index {idx}")
    return arr


def as_probabilities(p, name: str) -> np.ndarray:
    """``p`` as a floating array whose entries lie in [0, 1]."""
    arr = as_float_array(p, name)
    bad = (arr < 0) | (arr > 1)
    if bad.any():
        idx = _first_index(bad) if arr.ndim else ()
        raise ValueError(f"{name} must be in [0, 1]; got {arr[idx]} at index {idx}")
    return arr


def _sum_tolerance(dtype) -> float:
    """How far a row sum may be from 1 and still count as a distribution."""
    return float(np.sqrt(np.finfo(dtype).eps)) * 4


def as_distribution(p, name: str, axis: int = -1) -> np.ndarray:
    """``p`` as probabilities that sum to 1 along ``axis`` (raises otherwise).

    The tolerance is 4·√eps of the dtype (about 6e-8 in float64, 1.4e-3 in
    float32), loose enough for rounded inputs such as [0.7, 0.2, 0.1].
    """
    arr = as_probabilities(p, name)
    check_axis(arr, axis, name)
    total = arr.sum(axis=axis)
    bad = np.abs(total - 1) > _sum_tolerance(arr.dtype)
    if np.any(bad):
        idx = _first_index(np.atleast_1d(bad)) if np.ndim(bad) else ()
        got = np.atleast_1d(total)[idx] if idx else total
        raise ValueError(
            f"{name} must sum to 1 along axis {axis}; got a sum of {float(got)!r}"
            + (f" at index {idx}" if idx else "")
            + " (probabilities are never renormalised silently)"
        )
    return arr


def warn_if_not_distribution(y: np.ndarray, name: str, axis: int, what: str) -> None:
    """Warn, as scikit-learn does, when rows of ``y`` are not distributions."""
    tol = _sum_tolerance(y.dtype)
    outside = (y < 0) | (y > 1)
    off = np.abs(y.sum(axis=axis) - 1) > tol
    if outside.any() or np.any(off):
        warnings.warn(
            f"{name} rows are not probability distributions (entries in [0, 1] summing to 1 "
            f"along axis {axis}); {what}",
            UserWarning,
            stacklevel=3,
        )


def check_axis(arr: np.ndarray, axis: int, name: str) -> int:
    """Normalise ``axis`` for ``arr``; raise if the array has no such axis."""
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension (the class axis); got a scalar")
    if not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis must be in [{-arr.ndim}, {arr.ndim}) for {name} of shape "
                         f"{arr.shape}; got {axis}")
    return axis % arr.ndim


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise unless ``b`` has the shape of ``a``."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_b} must have the same shape as {name_a}; got {b.shape} and {a.shape}"
        )


def check_reduction(reduction: str) -> str:
    """``reduction`` if it is one of :data:`REDUCTIONS`."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}; got {reduction!r}")
    return reduction


def log_base(base) -> float | None:
    """``ln(base)`` for unit conversion, or None for natural log (nats)."""
    if base is None:
        return None
    try:
        b = float(base)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"base must be a positive number other than 1; got {base!r}") from exc
    if not np.isfinite(b) or b <= 0 or b == 1:
        raise ValueError(f"base must be a positive number other than 1; got {base!r}")
    return float(np.log(b))


def as_labels(labels, name: str, n_classes: int, ignore_index: int | None) -> np.ndarray:
    """Integer class indices in [0, n_classes), or equal to ``ignore_index``."""
    arr = np.asarray(labels)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must be integers (class indices); got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    bad = (arr < 0) | (arr >= n_classes)
    if ignore_index is not None:
        bad &= arr != ignore_index
    if bad.any():
        idx = _first_index(bad) if arr.ndim else ()
        raise ValueError(
            f"{name} must be in [0, {n_classes})"
            + (f" or equal ignore_index={ignore_index}" if ignore_index is not None else "")
            + f"; got {int(arr[idx])} at index {idx}"
        )
    return arr


def check_label_smoothing(value) -> float:
    """``label_smoothing`` as a float in [0, 1]."""
    try:
        eps = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"label_smoothing must be a number in [0, 1]; got {value!r}") from None
    if isinstance(value, bool) or not 0.0 <= eps <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1]; got {value!r}")
    return eps


def sparse_labels(labels, scores_shape: tuple[int, ...], axis: int,
                  ignore_index: int | None) -> np.ndarray:
    """Integer ``labels`` for logits of ``scores_shape`` with class ``axis`` (normalised).

    Each label is a class index in ``[0, C)``, ``C = scores_shape[axis]``, or equals
    ``ignore_index``; the labels have the logits' shape without ``axis``.
    """
    y = as_labels(labels, "labels", scores_shape[axis], ignore_index)
    expected = scores_shape[:axis] + scores_shape[axis + 1 :]
    if y.shape != expected:
        raise ValueError(
            f"labels must have shape {expected} (logits shape {scores_shape} without axis "
            f"{axis}); got {y.shape}"
        )
    return y


def class_weights(weight, n_classes: int) -> np.ndarray | None:
    """Per-class weights: ``n_classes`` finite numbers ≥ 0 (None passes)."""
    if weight is None:
        return None
    wc = as_float_array(weight, "weight")
    if wc.shape != (n_classes,):
        raise ValueError(f"weight must have shape ({n_classes},); got {wc.shape}")
    if (wc < 0).any():
        raise ValueError(f"weight must be non-negative; got {wc.min()}")
    return wc


def nonnegative_weights(value, shape: tuple[int, ...], name: str = "weight") -> np.ndarray | None:
    """Per-element weights: finite, ≥ 0 and broadcastable to the loss ``shape`` (None passes)."""
    if value is None:
        return None
    w = as_float_array(value, name)
    if (w < 0).any():
        raise ValueError(f"{name} must be non-negative; got {w.min()}")
    try:
        np.broadcast_shapes(w.shape, shape)
    except ValueError:
        raise ValueError(
            f"{name} must broadcast to the loss shape {shape}; got shape {w.shape}"
        ) from None
    return w


def dense_targets(scores, targets, axis: int, name: str) -> tuple[np.ndarray, np.ndarray, int]:
    """``(scores, targets, axis)`` checked: finite arrays of one shape, ``axis`` normalised.

    ``name`` is how the first argument is called in messages ("logits" or "probs").
    """
    x = as_float_array(scores, name)
    y = as_float_array(targets, "targets")
    check_same_shape(x, y, name, "targets")
    return x, y, check_axis(x, axis, name)


def check_clip(clip, allowed: tuple, why: str = ""):
    """``clip`` if it is one of ``allowed`` (None or a library's name, compared exactly)."""
    if not any(clip is mode or (isinstance(clip, str) and clip == mode) for mode in allowed):
        raise ValueError(f"clip must be one of {allowed}; got {clip!r}{why}")
    return clip


def finite_differences_steps(h, shape: tuple[int, ...]) -> np.ndarray:
    """Positive float64 step(s) ``h``, broadcast to ``shape``."""
    step = as_float_array(h, "h").astype(np.float64)
    if (step <= 0).any():
        raise ValueError(f"h must be positive; got {float(step.min())!r}")
    try:
        return np.broadcast_to(step, shape)
    except ValueError:
        raise ValueError(
            f"h must be a scalar or broadcast to x's shape {shape}; got shape {step.shape}"
        ) from None
