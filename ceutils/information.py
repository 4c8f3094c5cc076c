r"""Information content, entropy, KL divergence and cross entropy.

All functions take probabilities (not logits), use the natural logarithm by
default (units: nats) and accept ``base=2`` for bits. The convention
:math:`0 \log 0 = 0` holds everywhere; it is the limit
:math:`\lim_{p \to 0^+} p \log p = 0`, and is applied exactly, never by adding
an epsilon inside the logarithm.

Arguments are checked as :mod:`ceutils._validation` describes: arrays of real
numbers (PyTorch tensors accepted, masked arrays with masked entries
refused), probabilities in [0, 1], distributions summing to 1 within 16
machine epsilons of their dtype. Only :func:`xlogy` follows scipy instead and
lets NaN through.
"""

from __future__ import annotations

import numpy as np

from ._blocks import as_rows, row_slices
from ._validation import (
    as_distribution,
    as_probabilities,
    as_real_array,
    check_axis,
    check_distribution_rows,
    log_base,
)

__all__ = ["information", "entropy", "kl_divergence", "cross_entropy", "xlogy", "two_outcomes"]


def _zero_nan_where_zero(out: np.ndarray, x) -> np.ndarray:
    """Set to 0 the NaN of ``out`` where ``x == 0``: the products ``0·(±inf)`` of a convention."""
    nan = np.isnan(out)
    if nan.any():  # rare, so the masks (slow in NumPy) are built only then
        out[nan & np.broadcast_to(x == 0, out.shape)] = 0
    return out


def _x_log(log, x, y, out: np.ndarray | None = None) -> np.ndarray:
    """``x * log(y)`` for ``log`` = ``np.log`` or ``np.log1p``, 0 where ``x == 0``.

    For checked inputs only (``y`` never NaN): the one product that needs the
    convention, ``0·(±inf)``, is NaN before it is mended.
    """
    if out is None:
        out = np.empty(np.broadcast_shapes(np.shape(x), np.shape(y)), np.result_type(x, y, 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        log(y, out=out)
        out *= x
    return _zero_nan_where_zero(out, x)


def _xlogy(x, y, out: np.ndarray | None = None) -> np.ndarray:
    return _x_log(np.log, x, y, out)


def _xlog1py(x, y) -> np.ndarray:
    return _x_log(np.log1p, x, y)


def xlogy(x, y) -> np.ndarray:
    r"""``x * log(y)`` with :math:`0 \cdot \log y = 0`, as :func:`scipy.special.xlogy` computes it.

    The same contract as scipy's, in NumPy: where ``x == 0`` the result is
    exactly 0, even when ``y`` is 0 or ``inf``, unless ``y`` is NaN;
    elsewhere it is ``x·log(y)`` (so ``x > 0`` with ``y == 0`` gives ``-inf``).
    Like scipy's, it checks types, not values: NaN in ``x`` or ``y`` gives NaN,
    and so does ``y < 0`` with ``x != 0``, without a warning.

    Derived in chapter 1 (the convention :math:`0 \log 0 = 0`).

    Parameters
    ----------
    x : array_like
        Real numbers: the factor; where it is 0 the product is 0.
    y : array_like, broadcastable with ``x``
        Real numbers: the argument of the logarithm.

    Returns
    -------
    numpy.ndarray
        ``x * log(y)`` of the broadcast shape of ``x`` and ``y`` (empty if
        either is), floating (integers give float64).

    Raises
    ------
    ValueError
        If ``x`` or ``y`` is not an array of real numbers, or their shapes do
        not broadcast.

    Examples
    --------
    >>> float(xlogy(0.0, 0.0))
    0.0
    >>> float(xlogy(2.0, np.e))
    2.0
    >>> float(xlogy(0.0, np.nan))
    nan
    """
    x = as_real_array(x, "x")
    y = as_real_array(y, "y")
    try:
        shape = np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        raise ValueError(f"x and y must have broadcastable shapes; got {x.shape} and "
                         f"{y.shape}") from None
    out = np.empty(shape, np.result_type(x.dtype, y.dtype, 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        np.log(y, out=out)
        out *= x
    np.copyto(out, 0, where=(x == 0) & ~np.isnan(y))  # 0, not -0.0 or nan: scipy's result
    return out


def _pair(p, q, axis) -> tuple[np.ndarray, np.ndarray, int]:
    """``(p, q, axis)``: two distributions, broadcast one against the other, checked.

    One may stand for many (a label against a batch of predictions): the
    shape of the result must be that of ``p`` or of ``q``, and the outcome
    axis is never stretched (a one-outcome row is not a distribution of C).
    """
    p = as_probabilities(p, "p")
    q = as_probabilities(q, "q")
    try:
        shape = np.broadcast_shapes(p.shape, q.shape)
    except ValueError:
        shape = None
    if shape not in (p.shape, q.shape):
        raise ValueError(
            f"p and q must have the same shape, or one must broadcast to the other's (one "
            f"distribution against many); got {p.shape} and {q.shape}"
        )
    big = p if shape == p.shape else q
    axis = check_axis(big, axis, "p" if big is p else "q", what="outcome")
    for arr, name in ((p, "p"), (q, "q")):
        own = axis - (len(shape) - arr.ndim)
        if own < 0 or arr.shape[own] != shape[axis]:
            raise ValueError(
                f"{name} must have {shape[axis]} outcomes along axis {axis} like "
                f"{'q' if name == 'p' else 'p'}; got shape {arr.shape} (an outcome axis is "
                "never broadcast)"
            )
        check_distribution_rows(arr, name, own)
    return np.broadcast_to(p, shape), np.broadcast_to(q, shape), axis


def _row_sums(term, p: np.ndarray, q: np.ndarray | None, axis: int) -> np.ndarray:
    """``sum over axis of term(p_block, q_block)``, block by block (shape of p without axis)."""
    p2, lead = as_rows(p, axis)
    q2 = None if q is None else as_rows(q, axis)[0]
    out = np.empty(p2.shape[0], np.result_type(p.dtype, 1.0 if q is None else q.dtype))
    for r0, r1 in row_slices(*p2.shape):
        out[r0:r1] = term(p2[r0:r1], None if q2 is None else q2[r0:r1]).sum(axis=1)
    return out.reshape(lead)


def _neg_plogq(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    out = _xlogy(p, q, np.empty(p.shape, np.result_type(p.dtype, q.dtype)))
    return np.subtract(0, out, out=out)  # 0 - x: +0.0 where x is 0, never -0.0


def _neg_plogq_self(p: np.ndarray, _) -> np.ndarray:
    return _neg_plogq(p, p)


def _plogp_over_q(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        # log(p/q) as a difference of logs: no overflow of p/q for tiny q.
        out = np.log(p)
        out -= np.log(q)
        out *= p
    return _zero_nan_where_zero(out, p)


def _in_base(value: np.ndarray, base) -> np.ndarray:
    ln_b = log_base(base)
    if ln_b is None:
        return value
    value /= ln_b
    return value


def information(p, *, base=None) -> np.ndarray:
    r"""Information content (self-information, 信息量) of events of probability ``p``.

    .. math:: I(p) = -\log p

    Derived in chapter 1.

    Parameters
    ----------
    p : array_like
        Probabilities in [0, 1]. ``p = 0`` gives ``inf``: an impossible event
        carries unbounded information.
    base : float, optional
        Logarithm base, a positive real number other than 1; ``None``
        (default) gives nats, ``2`` gives bits.

    Returns
    -------
    numpy.ndarray
        :math:`I(p)`, of the shape and dtype of ``p`` (integers as float64);
        empty if ``p`` is.

    Raises
    ------
    ValueError
        If ``p`` is not an array of real numbers in [0, 1].
    TypeError
        If ``base`` is not a real number.

    Notes
    -----
    Source 000 §1.1 defines :math:`I(x_0) = -\log p(x_0)`; 000 §1.2 tabulates
    it for the computer-boot example.

    Examples
    --------
    >>> round(float(information(0.7)), 4)
    0.3567
    >>> float(information(0.5, base=2))
    1.0
    """
    p = as_probabilities(p, "p")
    out = np.empty(p.shape, p.dtype)
    with np.errstate(divide="ignore"):
        np.log(p, out=out)
    return _in_base(np.subtract(0, out, out=out), base)  # +0.0, not -0.0, for p = 1


def entropy(p, *, axis: int = -1, base=None) -> np.ndarray:
    r"""Shannon entropy (熵) of the distribution(s) ``p`` along ``axis``.

    .. math:: H(p) = -\sum_i p_i \log p_i, \qquad 0 \log 0 = 0

    Derived in chapter 1.

    Parameters
    ----------
    p : array_like
        Probabilities in [0, 1] that sum to 1 along ``axis`` (rows that do not
        raise ``ValueError``; nothing is renormalised).
    axis : int
        The axis that indexes outcomes.
    base : float, optional
        ``None`` for nats, ``2`` for bits.

    Returns
    -------
    numpy.ndarray
        :math:`H(p)` of each distribution: the shape of ``p`` without ``axis``
        (empty if ``p`` has no rows).

    Raises
    ------
    ValueError
        If a row is not a distribution: entries outside [0, 1], or a sum
        further from 1 than the tolerance of its dtype (16 machine epsilons:
        1.6e-2 in float16, 1.9e-6 in float32, 3.6e-15 in float64). An axis of
        no outcomes is not a distribution either.
    TypeError
        If ``axis`` is not an int or ``base`` not a real number.

    Examples
    --------
    Source 000 §1.2, the computer-boot distribution:

    >>> round(float(entropy([0.7, 0.2, 0.1])), 6)
    0.801819
    >>> float(entropy([0.5, 0.5], base=2))
    1.0
    """
    p, axis = as_distribution(p, "p", axis)
    return _in_base(_row_sums(_neg_plogq_self, p, None, axis), base)


def kl_divergence(p, q, *, axis: int = -1, base=None) -> np.ndarray:
    r"""Kullback–Leibler divergence (相对熵 / KL 散度) :math:`D_{KL}(p \| q)`.

    .. math:: D_{KL}(p \| q) = \sum_i p_i \log \frac{p_i}{q_i}
              = \sum_i p_i \log p_i - \sum_i p_i \log q_i

    Terms with :math:`p_i = 0` contribute 0; a term with :math:`p_i > 0` and
    :math:`q_i = 0` makes the divergence ``inf`` (``q`` cannot encode an event
    it deems impossible). The result is ≥ 0 and is 0 only when ``p == q``.

    Rows count as distributions when their sums are within the tolerance of
    their dtype of 1 (see Raises), so the sum as computed can fall below 0 by
    about that much (``q`` summing to :math:`1 + \delta` lowers it by up to
    :math:`\delta`), and by rounding when ``p`` and ``q`` are close. Such a
    sum is returned as 0, as ``sklearn.metrics.mutual_info_score`` clips its
    result: Gibbs' inequality :math:`D_{KL} \ge 0` holds exactly.

    Derived in chapter 2.

    Parameters
    ----------
    p : array_like
        The true distribution(s), along ``axis``.
    q : array_like
        The model's distribution(s), along ``axis``: the shape of ``p``, or
        one of the two broadcasts to the shape of the other (one label
        against a batch of predictions). The outcome axes must have the same
        length.
    axis : int
        The axis that indexes outcomes.
    base : float, optional
        ``None`` for nats, ``2`` for bits.

    Returns
    -------
    numpy.ndarray
        :math:`D_{KL}(p \| q)`, ≥ 0: the shape of the larger of ``p`` and ``q``
        without ``axis`` (empty if it has no rows).

    Raises
    ------
    ValueError
        If a row of ``p`` or ``q`` is not a distribution (as for
        :func:`entropy`), or the shapes broadcast to a shape larger than both,
        or stretch the outcome axis.
    TypeError
        If ``axis`` is not an int or ``base`` not a real number.

    Examples
    --------
    Source 000 §1.3: a one-hot label against a prediction.

    >>> round(float(kl_divergence([1, 0, 0], [0.7, 0.2, 0.1])), 6)
    0.356675
    """
    p, q, axis = _pair(p, q, axis)
    kl = _row_sums(_plogp_over_q, p, q, axis)
    return _in_base(np.maximum(kl, 0, out=kl), base)


def cross_entropy(p, q, *, axis: int = -1, base=None) -> np.ndarray:
    r"""Cross entropy (交叉熵) :math:`H(p, q)` of ``q`` relative to ``p``.

    .. math:: H(p, q) = -\sum_i p_i \log q_i = H(p) + D_{KL}(p \| q)

    ``p`` is the true distribution (the label), ``q`` the model's prediction.
    Both are probabilities; for logits see :func:`ceutils.softmax_cross_entropy`.

    Rows count as distributions within the tolerance of their dtype (see
    :func:`kl_divergence`), so :math:`-\sum_i p_i \log q_i` as computed can fall
    below :math:`H(p)` by about that much. The result is the larger of the
    two, so that :math:`H(p, q) \ge H(p)` (Gibbs' inequality) holds exactly.

    Derived in chapter 2.

    Parameters
    ----------
    p : array_like
        The true distribution(s), along ``axis``.
    q : array_like, same or broadcastable shape as ``p``
        The model's distribution(s), along ``axis``.
    axis : int
        The axis that indexes outcomes.
    base : float, optional
        ``None`` for nats, ``2`` for bits.

    Returns
    -------
    numpy.ndarray
        :math:`H(p, q) \ge H(p)`: the shape of the larger of ``p`` and ``q``
        without ``axis`` (empty if it has no rows).

    Raises
    ------
    ValueError
        As :func:`kl_divergence`.
    TypeError
        As :func:`kl_divergence`.

    Examples
    --------
    Source 000 §1.4 with a one-hot ``p``: cross entropy equals KL divergence,
    both :math:`-\ln 0.7`.

    >>> round(float(cross_entropy([1, 0, 0], [0.7, 0.2, 0.1])), 6)
    0.356675
    """
    p, q, axis = _pair(p, q, axis)
    h_pq = _row_sums(_neg_plogq, p, q, axis)
    h_p = _row_sums(_neg_plogq_self, p, None, axis)
    return _in_base(np.maximum(h_pq, h_p, out=h_pq), base)


def two_outcomes(p) -> np.ndarray:
    r"""The two-outcome distribution :math:`(p, 1 - p)` of each probability ``p``.

    Binary cross entropy is the cross entropy of two such distributions,
    :math:`H\bigl((y, 1 - y), (p, 1 - p)\bigr)`, and binary entropy the entropy
    of one.

    Derived in chapter 3.

    Parameters
    ----------
    p : array_like
        Probabilities of the first outcome, in [0, 1].

    Returns
    -------
    numpy.ndarray
        Shape ``p.shape + (2,)``: :math:`p` and :math:`1 - p` along a new last
        axis (empty if ``p`` is).

    Raises
    ------
    ValueError
        If ``p`` is not an array of real numbers in [0, 1].

    Examples
    --------
    >>> two_outcomes([0.7, 0.2]).tolist()
    [[0.7, 0.30000000000000004], [0.2, 0.8]]
    """
    p = as_probabilities(p, "p")
    out = np.empty((*p.shape, 2), p.dtype)
    out[..., 0] = p
    np.subtract(1, p, out=out[..., 1])
    return out
