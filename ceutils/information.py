r"""Information content, entropy, KL divergence and cross entropy.

All functions take probabilities (not logits), use the natural logarithm by
default (units: nats) and accept ``base=2`` for bits. The convention
:math:`0 \log 0 = 0` holds everywhere; it is the limit
:math:`\lim_{p \to 0^+} p \log p = 0`, and is applied exactly, never by adding
an epsilon inside the logarithm.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_distribution, as_probabilities, log_base

__all__ = ["information", "entropy", "kl_divergence", "cross_entropy", "xlogy", "two_outcomes"]


def xlogy(x, y) -> np.ndarray:
    r"""``x * log(y)`` with the convention :math:`0 \cdot \log y = 0` for every y ≥ 0.

    The same contract as :func:`scipy.special.xlogy`, in NumPy: where ``x == 0``
    the result is exactly 0, even when ``y == 0``; elsewhere it is ``x·log(y)``
    (so ``x > 0`` with ``y == 0`` gives ``-inf``).

    Derived in chapter 1 (the convention :math:`0 \log 0 = 0`).

    Parameters
    ----------
    x : array_like
        The factor; where it is 0 the product is 0.
    y : array_like, broadcastable with ``x``
        The argument of the logarithm, ≥ 0.

    Returns
    -------
    numpy.ndarray
        ``x * log(y)`` of the broadcast shape of ``x`` and ``y``.

    Examples
    --------
    >>> float(xlogy(0.0, 0.0))
    0.0
    >>> float(xlogy(2.0, np.e))
    2.0
    """
    x = np.asarray(x)
    y = np.asarray(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = x * np.log(y)
    return np.where(x == 0, np.zeros_like(out), out)


def _broadcast(p: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Broadcast ``p`` against ``q`` (e.g. one label against many predictions)."""
    try:
        return np.broadcast_arrays(p, q)
    except ValueError:
        raise ValueError(
            f"p and q must have the same or broadcastable shapes; got {p.shape} and {q.shape}"
        ) from None


def _in_base(value: np.ndarray, base) -> np.ndarray:
    ln_b = log_base(base)
    return value if ln_b is None else value / ln_b


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
        Logarithm base; ``None`` (default) gives nats, ``2`` gives bits.

    Returns
    -------
    numpy.ndarray
        :math:`I(p)`, of the shape and dtype of ``p`` (integers as float64).

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
    with np.errstate(divide="ignore"):
        return _in_base(-np.log(p), base)


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
        :math:`H(p)` of each distribution: the shape of ``p`` without ``axis``.

    Examples
    --------
    Source 000 §1.2, the computer-boot distribution:

    >>> round(float(entropy([0.7, 0.2, 0.1])), 6)
    0.801819
    >>> float(entropy([0.5, 0.5], base=2))
    1.0
    """
    p = as_distribution(p, "p", axis)
    return _in_base(-xlogy(p, p).sum(axis=axis), base)


def kl_divergence(p, q, *, axis: int = -1, base=None) -> np.ndarray:
    r"""Kullback–Leibler divergence (相对熵 / KL 散度) :math:`D_{KL}(p \| q)`.

    .. math:: D_{KL}(p \| q) = \sum_i p_i \log \frac{p_i}{q_i}
              = \sum_i p_i \log p_i - \sum_i p_i \log q_i

    Terms with :math:`p_i = 0` contribute 0; a term with :math:`p_i > 0` and
    :math:`q_i = 0` makes the divergence ``inf`` (``q`` cannot encode an event
    it deems impossible). The result is ≥ 0 and is 0 only when ``p == q``.

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
        :math:`D_{KL}(p \| q)`, ≥ 0: the broadcast shape of ``p`` and ``q``
        without ``axis``.

    Examples
    --------
    Source 000 §1.3: a one-hot label against a prediction.

    >>> round(float(kl_divergence([1, 0, 0], [0.7, 0.2, 0.1])), 6)
    0.356675
    """
    p = as_distribution(p, "p", axis)
    q = as_distribution(q, "q", axis)
    p, q = _broadcast(p, q)
    with np.errstate(divide="ignore", invalid="ignore"):
        # log(p/q) as a difference of logs: no overflow of p/q for tiny q.
        terms = p * (np.log(p) - np.log(q))
    terms = np.where(p == 0, np.zeros_like(terms), terms)
    return _in_base(terms.sum(axis=axis), base)


def cross_entropy(p, q, *, axis: int = -1, base=None) -> np.ndarray:
    r"""Cross entropy (交叉熵) :math:`H(p, q)` of ``q`` relative to ``p``.

    .. math:: H(p, q) = -\sum_i p_i \log q_i = H(p) + D_{KL}(p \| q)

    ``p`` is the true distribution (the label), ``q`` the model's prediction.
    Both are probabilities; for logits see :func:`ceutils.softmax_cross_entropy`.

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
        :math:`H(p, q)`: the broadcast shape of ``p`` and ``q`` without ``axis``.

    Examples
    --------
    Source 000 §1.4 with a one-hot ``p``: cross entropy equals KL divergence,
    both :math:`-\ln 0.7`.

    >>> round(float(cross_entropy([1, 0, 0], [0.7, 0.2, 0.1])), 6)
    0.356675
    """
    p = as_distribution(p, "p", axis)
    q = as_distribution(q, "q", axis)
    p, q = _broadcast(p, q)
    return _in_base(-xlogy(p, q).sum(axis=axis), base)


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
        Shape ``p.shape + (2,)``: :math:`p` and :math:`1 - p` along a new last axis.

    Examples
    --------
    >>> two_outcomes([0.7, 0.2]).tolist()
    [[0.7, 0.30000000000000004], [0.2, 0.8]]
    """
    p = as_probabilities(p, "p")
    return np.stack([p, 1 - p], axis=-1)
