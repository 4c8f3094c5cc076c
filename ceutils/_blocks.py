r"""Evaluation in blocks that fit in the processor's cache, and the log-sum-exp kernel.

Every function of ceutils that reads a large array works through it a block
of about :data:`BLOCK` elements at a time. A block's temporaries stay in the
cache, so the several passes a formula needs cost little more than one pass
over memory, and no function allocates more than a block of scratch space
beside its result.

:func:`lse_blocks` is the one implementation of the log-sum-exp trick derived
in :mod:`ceutils.activations`; logsumexp, softmax, log-softmax, the softmax
cross entropies and their gradients all read its blocks.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

BLOCK = 2**16
"""Elements per block: 256 KiB of float32, 512 KiB of float64 (a core's L2 cache holds both)."""

SMALL_C = 128
"""Up to this many classes a block is worked on class-major (see :func:`lse_blocks`)."""


def as_rows(a: np.ndarray, axis: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """``(a2, lead)``: ``a`` as an ``(N, C)`` array with the class ``axis`` last.

    ``lead`` is the shape of the other axes (``N`` is their product). ``a2`` is
    a view whenever NumPy can make one (always when ``axis`` is the last axis of
    a contiguous array, or for a matrix); otherwise a copy.
    """
    moved = np.moveaxis(a, axis, -1)
    return moved.reshape(-1, a.shape[axis]), moved.shape[:-1]


def rows_out(lead: tuple[int, ...], n_classes: int, dtype) -> tuple[np.ndarray, np.ndarray]:
    """``(out, out2)``: a new array of shape ``lead + (C,)`` and its ``(N, C)`` view."""
    out = np.empty((*lead, n_classes), dtype)
    return out, out.reshape(-1, n_classes)


def block_rows(n_rows: int, n_classes: int) -> int:
    """Rows per block: about :data:`BLOCK` elements, at least 1, at most ``n_rows``.

    Scratch space is allocated for this many rows only, so that a small input
    costs no large allocation.
    """
    return max(1, min(n_rows, BLOCK // max(n_classes, 1)))


def row_slices(n_rows: int, n_classes: int) -> Iterator[tuple[int, int]]:
    """``(r0, r1)`` for consecutive blocks of rows of about :data:`BLOCK` elements."""
    step = block_rows(n_rows, n_classes)
    for r0 in range(0, n_rows, step):
        yield r0, min(r0 + step, n_rows)


def leading_slices(shape: tuple[int, ...]) -> Iterator[tuple]:
    """Indices of consecutive blocks of an array of ``shape`` (at least 1-D), cut along axis 0."""
    inner = int(np.prod(shape[1:], dtype=np.int64))
    step = max(1, BLOCK // max(inner, 1))
    for i0 in range(0, shape[0], step):
        yield (slice(i0, min(i0 + step, shape[0])),)


def lse_blocks(x2: np.ndarray, e_out: np.ndarray | None = None) -> Iterator[tuple]:
    r"""The log-sum-exp of each row of ``x2`` (``N`` rows of ``C`` logits), block by block.

    Yields ``(r0, r1, x, e, m, t)`` for rows ``r0:r1``: ``x`` the logits,
    ``e`` :math:`= e^{x - m}`, both ``(r1 - r0, C)``; ``m`` the row maxima and

    .. math:: t = \sum_{j \ne j^*} e^{x_j - m} \ge 0,

    the sum without one term of a maximum :math:`j^*` (whose term is exactly 1),
    so that :math:`\operatorname{logsumexp}(x) = m + \operatorname{log1p}(t)`
    keeps full precision when the other terms are tiny. ``x - m`` may overflow
    to ``-inf`` (logits :math:`\pm 10^{308}`); its exponential is then the
    exact 0, so the caller should ignore overflow warnings.

    The caller may overwrite ``e`` (a softmax divides it, a gradient scales
    it). If ``e_out`` (``N`` by ``C``) is given, ``e`` as the caller leaves it
    is ``e_out[r0:r1]`` once the loop moves on: it is either that very block
    or, worked on class-major, copied there when the next block is asked for.
    A caller must therefore run the loop to its end.

    Layout. With more than :data:`SMALL_C` classes a block is a set of whole
    rows, reduced along its contiguous last axis; the maximum's position comes
    from ``argmax`` and its term is left out of the sum by index. With few
    classes a reduction over a short axis costs more per row than the
    arithmetic, so the block is copied class-major (``C`` by rows, a transpose
    in cache), where each reduction is ``C - 1`` element-wise operations on
    long vectors; the maximum's term is then left out of the sum as
    :math:`\lfloor e \rfloor`, which is 1 exactly where :math:`e = 1` (the
    maximum and any logit within rounding of it) and 0 elsewhere:
    :math:`t = \sum_j (e_j - \lfloor e_j \rfloor) + (\sum_j \lfloor e_j \rfloor - 1)`.
    """
    n, c = x2.shape
    dtype = x2.dtype
    step = block_rows(n, c)
    if c <= SMALL_C:
        xbuf = np.empty((c, step), dtype)
        ebuf = np.empty((c, step), dtype)
        fbuf = np.empty((c, step), dtype)
        for r0, r1 in row_slices(n, c):
            k = r1 - r0
            xt, et, ft = xbuf[:, :k], ebuf[:, :k], fbuf[:, :k]
            np.copyto(xt, x2[r0:r1].T)
            m = xt.max(axis=0)
            with np.errstate(over="ignore"):
                np.subtract(xt, m, out=et)
            np.exp(et, out=et)
            np.floor(et, out=ft)
            ones = ft.sum(axis=0)
            np.subtract(et, ft, out=ft)
            t = ft.sum(axis=0)
            t += ones - 1
            yield r0, r1, xt.T, et.T, m, t
            if e_out is not None:
                np.copyto(e_out[r0:r1], et.T)
    else:
        scratch = np.empty((step, c), dtype) if e_out is None else None
        rows = np.arange(step)
        for r0, r1 in row_slices(n, c):
            k = r1 - r0
            xb = x2[r0:r1]
            eb = e_out[r0:r1] if e_out is not None else scratch[:k]
            i = rows[:k]
            j = xb.argmax(axis=1)
            m = xb[i, j]
            with np.errstate(over="ignore"):
                np.subtract(xb, m[:, None], out=eb)
            np.exp(eb, out=eb)
            eb[i, j] = 0
            t = eb.sum(axis=1)
            eb[i, j] = 1
            yield r0, r1, xb, eb, m, t
