"""Input checks shared by every public function: this module validates, nothing else.

Each check raises an exception whose message names the argument, shows what
was received (cut to :data:`SHOWN` characters) and says what was expected, in
the style of Keras and scikit-learn::

    ValueError: labels must be in [0, 3); got 3 at index (1,)

Two kinds of exception, by what is wrong:

* an **array argument** (logits, probabilities, targets, labels, weights) that
  is not an array of real numbers, has the wrong shape or holds a value out
  of range raises :class:`ValueError`;
* an **option** of the wrong type (``reduction=3``, ``axis=1.5``,
  ``normalize="False"``) raises :class:`TypeError`, and one of the right type
  but out of range (``axis=2`` for a matrix, ``label_smoothing=1.5``)
  :class:`ValueError`.

What counts as an array of real numbers: anything :func:`numpy.asarray` turns
into a bool, integer or floating array. Complex, object, string, bytes,
timedelta and datetime arrays are refused. A PyTorch tensor is accepted,
detached from its graph (``requires_grad=True`` too) and copied to the CPU.
A masked array is refused if any entry is masked: ceutils does not honour
masks, and ignoring one silently would use the hidden values.

The checks read each array once or twice (its sum, or its minimum and
maximum) and allocate nothing the size of the input unless they fail; an
integer or bool array that must become floating is converted once.
"""

from __future__ import annotations

import numbers
import operator
import reprlib

import numpy as np

REDUCTIONS = ("none", "mean", "sum")

SHOWN = 80
"""The most characters of a received value a message shows."""

SUM_TOLERANCE_EPS = 16
r"""How far, in units of the dtype's machine epsilon, a row sum may miss 1.

A row of probabilities counts as a distribution when
:math:`|\sum_i p_i - 1| \le 16\,\varepsilon`: 1.6e-2 in float16, 1.9e-6 in
float32 and 3.6e-15 in float64 (integer and bool inputs count as float64).
That admits the rounding of a softmax or of typed decimals such as
[0.7, 0.2, 0.1] and refuses any row that is really something else.
"""

_REAL_KINDS = "biuf"  # bool, signed and unsigned integer, floating
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple = 2, 6, 6
_REPR.maxstring = _REPR.maxother = SHOWN


def shown(value) -> str:
    """``value`` for a message: arrays by shape and dtype, anything else a short repr."""
    if isinstance(value, np.ndarray) and value.ndim:
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if type(value).__module__.split(".")[0] == "torch" and hasattr(value, "shape"):
        return f"a torch tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    text = _REPR.repr(value)
    if len(text) > SHOWN:
        text = text[: SHOWN - 3] + "..."
    if isinstance(value, list | tuple) and len(value) > 6:
        text += f" (a {type(value).__name__} of {len(value)} items)"
    return text


def first_index(mask: np.ndarray) -> tuple[int, ...]:
    """Index of the first True entry of ``mask`` as a tuple of Python ints."""
    return tuple(int(i) for i in np.argwhere(mask)[0]) if mask.ndim else ()


def _is_torch_tensor(x) -> bool:
    return type(x).__module__.split(".")[0] == "torch" and hasattr(x, "detach")


def as_real_array(x, name: str) -> np.ndarray:
    """``x`` as a NumPy array of bool, integer or floating dtype (no values checked)."""
    if _is_torch_tensor(x):
        try:
            x = x.detach().cpu().numpy()
        except (TypeError, RuntimeError) as exc:  # e.g. bfloat16, which NumPy cannot hold
            raise ValueError(f"{name} must be an array of real numbers; got {shown(x)}, which "
                             f"NumPy cannot hold ({exc})") from None
    if isinstance(x, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(x)
        if mask.any():
            raise ValueError(
                f"{name} must not be a masked array with masked entries; got {int(mask.sum())} "
                f"masked, the first at index {first_index(mask)} (ceutils does not honour masks: "
                f"pass {name}.filled(value) or only the entries meant"
                + ("; to skip labels use ignore_index)" if name == "labels" else ")"))
        x = x.data
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError, RuntimeError, OverflowError) as exc:  # ragged lists and the like
        reason = str(exc).split(".")[0][:SHOWN]
        raise ValueError(f"{name} must be an array of real numbers; got {shown(x)} "
                         f"({reason})") from None
    if arr.dtype.kind not in _REAL_KINDS:
        raise ValueError(f"{name} must be an array of real numbers (bool, integer or floating); "
                         f"got {shown(x)} of dtype {arr.dtype}")
    return arr


def _finite_or_raise(arr: np.ndarray, name: str) -> None:
    # A sum is finite only if every term is (one pass, nothing allocated); only a
    # non-finite sum, which may also be an overflow of finite terms, looks closer.
    if arr.size == 0 or arr.dtype.kind != "f":
        return
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(arr, axis=None)
    if np.isfinite(total):
        return
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = first_index(bad)
        raise ValueError(f"{name} must be finite; got {arr[idx]} at index {idx}")


def as_float_array(x, name: str) -> np.ndarray:
    """``x`` as a finite floating array; integers and bools become float64.

    float16/float32/float64 inputs keep their dtype so that the library
    comparisons in float32 compare like with like. NaN and infinite entries
    raise: a loss of a non-finite input is never what the caller meant.
    """
    arr = as_real_array(x, name)
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    _finite_or_raise(arr, name)
    return arr


def as_finite_real(x, name: str) -> np.ndarray:
    """``x`` as a finite array of real numbers, in its own dtype (integers stay integers)."""
    arr = as_real_array(x, name)
    _finite_or_raise(arr, name)
    return arr


def check_range(arr: np.ndarray, name: str, lo: float, hi: float) -> None:
    """Raise unless every entry of ``arr`` is finite and in ``[lo, hi]``."""
    if arr.size == 0:
        return
    low, high = arr.min(), arr.max()  # NaN propagates through both
    if low >= lo and high <= hi:
        return
    _finite_or_raise(arr, name)
    bad = (arr < lo) | (arr > hi)
    idx = first_index(bad)
    expected = f"in [{lo:g}, {hi:g}]" if hi < np.inf else "non-negative" if lo == 0 else f">= {lo}"
    raise ValueError(f"{name} must be {expected}; got {arr[idx]} at index {idx}")


def as_probabilities(p, name: str, *, convert: bool = True) -> np.ndarray:
    """``p`` as an array whose entries lie in [0, 1] (floating unless ``convert=False``)."""
    arr = as_real_array(p, name)
    if convert and arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    check_range(arr, name, 0, 1)
    return arr


def sum_tolerance(dtype) -> float:
    """How far a row sum may miss 1 and still be a distribution (:data:`SUM_TOLERANCE_EPS`)."""
    dtype = np.dtype(dtype)
    return SUM_TOLERANCE_EPS * float(np.finfo(dtype if dtype.kind == "f" else np.float64).eps)


def _off_sum(total: np.ndarray, dtype) -> np.ndarray:
    return np.abs(total - 1) > sum_tolerance(dtype)


def check_distribution_rows(arr: np.ndarray, name: str, axis: int) -> None:
    """Raise unless the rows of probabilities ``arr`` sum to 1 along ``axis`` (within tolerance)."""
    total = arr.sum(axis=axis)
    bad = _off_sum(total, arr.dtype)
    if np.any(bad):
        idx = first_index(np.asarray(bad))
        raise ValueError(
            f"{name} must sum to 1 along axis {axis} (to within {sum_tolerance(arr.dtype):.2g} "
            f"in {arr.dtype}); got a sum of {float(total[idx])!r}"
            + (f" at index {idx}" if idx else "")
            + " (probabilities are never renormalised silently)"
        )


def as_distribution(p, name: str, axis: int = -1) -> tuple[np.ndarray, int]:
    """``(p, axis)``: probabilities that sum to 1 along ``axis`` (normalised); raises otherwise."""
    arr = as_probabilities(p, name)
    axis = check_axis(arr, axis, name, what="outcome")
    check_distribution_rows(arr, name, axis)
    return arr, axis


def rows_are_distributions(y: np.ndarray, axis: int) -> bool:
    """Whether every row of ``y`` along ``axis`` has entries in [0, 1] summing to 1."""
    if y.size == 0:
        return True
    if y.min() < 0 or y.max() > 1:
        return False
    return not np.any(_off_sum(y.sum(axis=axis), y.dtype))


def check_axis(arr: np.ndarray, axis, name: str, what: str = "class") -> int:
    """``axis`` normalised for ``arr``; raise unless it is an int naming a non-empty axis."""
    if type(axis) is not int and (isinstance(axis, bool | np.bool_)
                                  or not isinstance(axis, numbers.Integral)):
        raise TypeError(f"axis must be an int; got {shown(axis)} of type {type(axis).__name__}")
    axis = operator.index(axis)
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension (the {what} axis); "
                         f"got a scalar")
    if not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis must be in [{-arr.ndim}, {arr.ndim}) for {name} of shape "
                         f"{arr.shape}; got {axis}")
    axis %= arr.ndim
    if arr.shape[axis] == 0:
        raise ValueError(f"{name} must have at least one {what} along axis {axis}; got shape "
                         f"{arr.shape}")
    return axis


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise unless ``b`` has the shape of ``a``."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_b} must have the same shape as {name_a}; got {b.shape} and {a.shape}"
        )


def check_reduction(reduction) -> str:
    """``reduction`` if it is one of :data:`REDUCTIONS`."""
    if not isinstance(reduction, str):
        raise TypeError(f"reduction must be one of {REDUCTIONS}; got {shown(reduction)} of type "
                        f"{type(reduction).__name__}")
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}; got {shown(reduction)}")
    return reduction


def _real_option(value, name: str, expected: str) -> float:
    """``value`` as a float if it is a real number (never a bool or a string)."""
    if type(value) not in (float, int) and (isinstance(value, bool | np.bool_)
                                            or not isinstance(value, numbers.Real)):
        raise TypeError(f"{name} must be {expected}; got {shown(value)} of type "
                        f"{type(value).__name__}")
    return float(value)


def log_base(base) -> float | None:
    """``ln(base)`` for unit conversion, or None for natural log (nats)."""
    if base is None:
        return None
    expected = "a positive real number other than 1, or None"
    b = _real_option(base, "base", expected)
    if not np.isfinite(b) or b <= 0 or b == 1:
        raise ValueError(f"base must be {expected}; got {shown(base)}")
    return float(np.log(b))


def check_label_smoothing(value) -> float:
    """``label_smoothing`` as a float in [0, 1]."""
    eps = _real_option(value, "label_smoothing", "a real number in [0, 1]")
    if not 0.0 <= eps <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1]; got {shown(value)}")
    return eps


def check_bool(value, name: str) -> bool:
    """``value`` if it is a bool (Python's or NumPy's)."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be a bool; got {shown(value)} of type "
                        f"{type(value).__name__}")
    return bool(value)


def check_ignore_index(value) -> int | None:
    """``ignore_index`` as a Python int, or None."""
    if value is None or type(value) is int:
        return value
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"ignore_index must be an int or None; got {shown(value)} of type "
                        f"{type(value).__name__}")
    return operator.index(value)


def sparse_labels(labels, scores_shape: tuple[int, ...], axis: int,
                  ignore_index: int | None) -> np.ndarray:
    """Integer ``labels`` for logits of ``scores_shape`` with class ``axis`` (normalised).

    Each label is a class index in ``[0, C)``, ``C = scores_shape[axis]``, or equals
    ``ignore_index``; the labels have the logits' shape without ``axis``. Values
    are compared in the labels' own dtype, so a huge unsigned label cannot wrap
    onto ``ignore_index``. Returned in their own integer dtype.
    """
    y = as_real_array(labels, "labels")
    if y.dtype.kind not in "iu":
        raise ValueError(f"labels must be integers (class indices); got dtype {y.dtype}")
    expected = scores_shape[:axis] + scores_shape[axis + 1 :]
    if y.shape != expected:
        raise ValueError(
            f"labels must have shape {expected} (logits shape {scores_shape} without axis "
            f"{axis}); got {y.shape}"
        )
    n_classes = scores_shape[axis]
    if y.size and 0 <= int(y.min()) and int(y.max()) < n_classes:
        return y
    bad = (y < 0) | (y >= n_classes)
    if ignore_index is not None:
        bad &= y != ignore_index
    if bad.any():
        idx = first_index(bad)
        raise ValueError(
            f"labels must be in [0, {n_classes})"
            + (f" or equal ignore_index={ignore_index}" if ignore_index is not None else "")
            + f"; got {int(y[idx])} at index {idx}"
        )
    return y


def class_weights(weight, n_classes: int) -> np.ndarray | None:
    """Per-class weights: ``n_classes`` finite numbers ≥ 0 (None passes)."""
    if weight is None:
        return None
    wc = as_finite_real(weight, "weight")
    if wc.shape != (n_classes,):
        raise ValueError(f"weight must have shape ({n_classes},) (one per class); got "
                         f"{wc.shape}")
    check_range(wc, "weight", 0, np.inf)
    return wc


def nonnegative_weights(value, shape: tuple[int, ...], name: str = "weight") -> np.ndarray | None:
    """Per-element weights: finite, ≥ 0, broadcasting to ``shape`` without enlarging it."""
    if value is None:
        return None
    w = as_finite_real(value, name)
    try:
        enlarged = np.broadcast_shapes(w.shape, shape) != tuple(shape)
    except ValueError:
        enlarged = True
    if enlarged:
        raise ValueError(
            f"{name} must broadcast to the loss shape {tuple(shape)} without enlarging it; "
            f"got shape {w.shape}"
        )
    check_range(w, name, 0, np.inf)
    return w


def check_cast(v: np.ndarray, dtype, name: str) -> None:
    """Raise if the finite values ``v`` would overflow to infinity in ``dtype``."""
    dtype = np.dtype(dtype)
    if v.size == 0 or v.dtype == dtype or v.dtype.kind == "b":
        return
    big = float(np.finfo(dtype).max)
    if float(v.max()) > big or float(v.min()) < -big:
        raise ValueError(f"{name} must be representable in {dtype} (the logits' dtype); got "
                         f"values up to {float(np.abs(v).max()):g}")


def check_clip(clip, allowed: tuple, why: str = ""):
    """``clip`` if it is one of ``allowed`` (None or a library's name, compared exactly)."""
    if not any(clip is mode or (type(clip) is str and clip == mode) for mode in allowed):
        raise ValueError(f"clip must be one of {allowed}; got {shown(clip)}{why}")
    return clip


def check_callable(f) -> None:
    """Raise unless ``f`` is callable."""
    if not callable(f):
        raise TypeError(f"f must be a callable returning a real scalar; got {shown(f)} of type "
                        f"{type(f).__name__}")


def finite_differences_steps(h, shape: tuple[int, ...]) -> np.ndarray:
    """Positive float64 step(s) ``h``, broadcast to ``shape`` (a view, no copy)."""
    step = as_float_array(h, "h").astype(np.float64, copy=False)
    if step.size and step.min() <= 0:
        raise ValueError(f"h must be positive; got {float(step.min())!r}")
    try:
        return np.broadcast_to(step, shape)
    except ValueError:
        raise ValueError(
            f"h must be a scalar or broadcast to x's shape {shape}; got shape {step.shape}"
        ) from None
