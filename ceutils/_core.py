r"""The arithmetic a loss and its gradient share, written once.

:mod:`ceutils.losses` computes a loss, :mod:`ceutils.gradients` its
derivative, and the fused functions both at once, all from the same checked
inputs and the same kernels here, so that a loss and its gradient cannot
drift apart (the fused results equal the separate ones exactly):

* the **dtype rule** (as optax): targets and weights are cast to the dtype of
  the logits (or probabilities), so a loss and its gradient both come back in
  that dtype;
* **label smoothing**: :math:`(1 - \epsilon)\,y + \epsilon / C`, with
  :math:`C = 2` for the binary losses;
* the **per-sample weights** :math:`w_{y_n}` of integer labels, 0 where a
  label equals ``ignore_index``;
* the **reductions** and the **denominator of "mean"**: the number of losses,
  or :math:`\sum_n w_{y_n}` for integer labels (PyTorch's definition), refused
  when it is 0 (an empty batch, or every label ignored);
* the **kernels**: the sparse and dense softmax cross entropies and the
  sigmoid cross entropy, each computing the losses and, if asked, the
  gradient in one pass over the logits, block by block
  (:mod:`ceutils._blocks`), as TensorFlow's fused kernels do.

The kernels evaluate forms whose terms share a sign, so that nothing cancels
and every result is exact to rounding wherever it is representable, for any
finite logits (derived in the docstrings of the public functions):

* softmax: loss :math:`(m - x_y) + \operatorname{log1p}(t)`; gradient
  :math:`e_c / (1 + t)` off the label and :math:`(e_y - 1 - t) / (1 + t)` on
  it, which is :math:`-t / (1 + t)` exactly when the label is the maximum;
* sigmoid: loss :math:`(1 - z)\max(x, 0) + q z \max(-x, 0) + (1 - z + q z)
  \operatorname{log1p}(e^{-|x|})`; gradient :math:`(1 - z)\,\sigma(x) - q z\,
  \sigma(-x)`.

Validation stays in :mod:`ceutils._validation`; nothing here checks input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._blocks import SMALL_C, as_rows, block_rows, leading_slices, lse_blocks, rows_out
from ._validation import (
    as_finite_real,
    as_float_array,
    as_probabilities,
    check_axis,
    check_cast,
    check_ignore_index,
    check_label_smoothing,
    check_range,
    check_reduction,
    check_same_shape,
    class_weights,
    nonnegative_weights,
    rows_are_distributions,
    sparse_labels,
    sum_tolerance,
)
from .activations import _sigmoids, _sign_parts


def smooth(y: np.ndarray, eps: float, n_classes: int) -> np.ndarray:
    r""":math:`(1 - \epsilon)\,y + \epsilon / C` in place (``y`` is a block the caller owns)."""
    if eps:
        y *= 1 - eps
        y += eps / n_classes
    return y


def empty_mean_error(name: str, shape: tuple[int, ...]) -> ValueError:
    return ValueError(
        f"reduction='mean' of no losses is undefined (0/0): {name} of shape {shape} hold an "
        "empty batch; use reduction='sum' (0) or 'none' (an empty array)"
    )


class Losses:
    """Where a kernel puts its losses, block by block: their array, or their sum."""

    def __init__(self, reduction: str, shape: tuple[int, ...], dtype):
        self.reduction = reduction
        self.dtype = np.dtype(dtype)
        self.out = np.empty(shape, self.dtype) if reduction == "none" else None
        self.sums: list = []

    def put(self, index, losses: np.ndarray) -> None:
        if self.out is not None:
            self.out[index] = losses
        else:
            self.sums.append(losses.sum(dtype=self.dtype))

    def result(self, denominator=None) -> np.ndarray:
        """The losses (``"none"``), their sum, or their sum over ``denominator`` (``"mean"``)."""
        if self.out is not None:
            return self.out
        total = np.sum(np.asarray(self.sums, self.dtype))
        return total if self.reduction == "sum" else self.dtype.type(total / denominator)


def _cast(v: np.ndarray | None, dtype, name: str) -> np.ndarray | None:
    if v is None:
        return None
    check_cast(v, dtype, name)
    return v.astype(dtype, copy=False)


# --------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class ElementwiseInputs:
    """Checked inputs of a binary (element-wise) loss: one loss per element of ``x``."""

    x: np.ndarray  # logits or probabilities, at least 1-D
    z: np.ndarray  # targets in [0, 1], in their own dtype, x's shape
    shape: tuple[int, ...]  # the shape of the logits as given (0-d work as 1-D)
    weight: np.ndarray | None  # per-element weights, broadcasting to x's shape
    pos_weight: np.ndarray | None  # weights of the positive term, broadcasting to x's shape
    eps: float  # label smoothing
    reduction: str
    name: str  # "logits" or "probs"

    @property
    def denominator(self) -> int:
        """The number of losses, for "mean" (refused when 0)."""
        if self.x.size == 0:
            raise empty_mean_error(self.name, self.x.shape)
        return self.x.size

    def finish(self, losses: Losses | None, den, g: np.ndarray | None):
        """``(loss, gradient)`` in the shape of the logits as given (``None`` stays None)."""
        loss = None if losses is None else losses.result(den)
        if loss is not None and self.reduction == "none":
            loss = loss.reshape(self.shape)
        return loss, None if g is None else g.reshape(self.shape)

    def blocks(self):
        """``(index, x, z, weight, pos_weight)`` per block; ``z`` cast and smoothed.

        ``z`` is a copy when smoothed, else possibly a view of the targets: read only.
        """
        w = None if self.weight is None else np.broadcast_to(self.weight, self.x.shape)
        q = None if self.pos_weight is None else np.broadcast_to(self.pos_weight, self.x.shape)
        for idx in leading_slices(self.x.shape):
            z = smooth(self.z[idx].astype(self.x.dtype, copy=bool(self.eps)), self.eps, 2)
            yield (idx, self.x[idx], z, None if w is None else w[idx],
                   None if q is None else q[idx])


def elementwise_inputs(scores, targets, *, name: str, weight=None, pos_weight=None,
                       label_smoothing=0.0, reduction: str = "mean") -> ElementwiseInputs:
    """Check and prepare the inputs of a binary loss; ``name`` is "logits" or "probs"."""
    x = as_probabilities(scores, name) if name == "probs" else as_float_array(scores, name)
    z = as_probabilities(targets, "targets", convert=False)
    check_same_shape(x, z, name, "targets")
    check_reduction(reduction)
    eps = check_label_smoothing(label_smoothing)
    w = _cast(nonnegative_weights(weight, x.shape), x.dtype, "weight")
    q = _cast(nonnegative_weights(pos_weight, x.shape, "pos_weight"), x.dtype, "pos_weight")
    shape = x.shape
    if x.ndim == 0:  # a 0-d block would give NumPy scalars, which cannot be written in place
        x, z = x.reshape(1), z.reshape(1)
    return ElementwiseInputs(x, z, shape, w, q, eps, reduction, name)


@dataclass(frozen=True)
class DenseInputs:
    """Checked inputs of a loss with one target distribution per row."""

    x: np.ndarray  # logits or probabilities, as given
    x2: np.ndarray  # the same as N rows of C
    y2: np.ndarray  # targets as N rows of C, in their own dtype
    lead: tuple[int, ...]  # the shape of the losses
    axis: int  # the class axis, normalised
    eps: float
    reduction: str
    name: str

    @property
    def n_classes(self) -> int:
        return self.x2.shape[1]

    @property
    def denominator(self) -> int:
        """The number of rows, for "mean" (refused when 0)."""
        if self.x2.shape[0] == 0:
            raise empty_mean_error(self.name, self.x.shape)
        return self.x2.shape[0]

    def targets(self, r0: int, r1: int, like: np.ndarray | None = None,
                out: np.ndarray | None = None) -> np.ndarray:
        """Rows ``r0:r1`` of the targets cast to the dtype of ``x``: a copy laid out as ``like``.

        With ``out`` (at least ``r1 - r0`` rows, laid out as ``like``) the copy is
        written into its first rows, which are returned.
        """
        if out is not None:
            y = out[: r1 - r0]
            np.copyto(y, self.y2[r0:r1], casting="unsafe")
            return y
        order = "F" if like is not None and not like.flags.c_contiguous else "C"
        return self.y2[r0:r1].astype(self.x2.dtype, order=order)


def dense_inputs(scores, targets, *, name: str, axis, label_smoothing=0.0,
                 reduction: str = "mean", upper: float = 1.0) -> DenseInputs:
    """Check and prepare the inputs of a row-wise loss (``name``: "logits" or "probs").

    Probabilities must lie in ``[0, upper]`` (``upper=inf``: any non-negative
    numbers, to be normalised by the caller).

    The targets are checked to be finite real numbers; whether their rows are
    distributions is the caller's question (:meth:`targets_are_distributions`).
    """
    if name == "probs":
        x = as_float_array(scores, name)
        check_range(x, name, 0, upper)
    else:
        x = as_float_array(scores, name)
    y = as_finite_real(targets, "targets")
    check_same_shape(x, y, name, "targets")
    axis = check_axis(x, axis, name)
    check_reduction(reduction)
    eps = check_label_smoothing(label_smoothing)
    x2, lead = as_rows(x, axis)
    y2, _ = as_rows(y, axis)
    return DenseInputs(x, x2, y2, lead, axis, eps, reduction, name)


def targets_are_distributions(d: DenseInputs) -> bool:
    """Whether every target row (before smoothing) is a distribution."""
    return rows_are_distributions(d.y2, 1)


@dataclass(frozen=True)
class SparseInputs:
    """Checked inputs of a loss with integer class labels."""

    x: np.ndarray  # logits, as given
    x2: np.ndarray  # the same as N rows of C
    lead: tuple[int, ...]  # the shape of the labels
    axis: int  # the class axis, normalised
    labels: np.ndarray  # N class indices (intp), 0 where ignored
    ignored: np.ndarray | None  # N flags, True where the label equals ignore_index (None: none)
    class_weight: np.ndarray | None  # w_c, in x's dtype
    sample_weight: np.ndarray | None  # w_{y_n}, 0 where ignored (None: all 1)
    eps: float  # label smoothing
    reduction: str

    @property
    def n_classes(self) -> int:
        return self.x2.shape[1]

    @property
    def denominator(self):
        r""":math:`\sum_n w_{y_n}` over the labels not ignored (PyTorch's "mean")."""
        n = self.x2.shape[0]
        if n == 0:
            raise empty_mean_error("logits", self.x.shape)
        total = n if self.sample_weight is None else self.sample_weight.sum()
        if total == 0:
            raise ValueError(
                "labels select no weight: every label equals ignore_index or has weight 0, "
                "so reduction='mean' is undefined (0/0); use reduction='sum' or 'none'"
            )
        return total


def sparse_inputs(logits, labels, *, axis, weight=None, ignore_index=-100,
                  label_smoothing=0.0, reduction: str = "mean") -> SparseInputs:
    """Check and prepare the inputs of a loss with integer labels."""
    x = as_float_array(logits, "logits")
    axis = check_axis(x, axis, "logits")
    check_reduction(reduction)
    eps = check_label_smoothing(label_smoothing)
    ignore_index = check_ignore_index(ignore_index)
    y = sparse_labels(labels, x.shape, axis, ignore_index).reshape(-1)
    wc = _cast(class_weights(weight, x.shape[axis]), x.dtype, "weight")
    ignored = None
    if ignore_index is not None and y.size and int(y.min()) <= ignore_index <= int(y.max()):
        ignored = y == ignore_index
        if not ignored.any():
            ignored = None
    if ignored is not None:
        y = np.where(ignored, 0, y)
    y = y.astype(np.intp, copy=False)
    if wc is None:
        w = None if ignored is None else (~ignored).astype(x.dtype)
    else:
        w = wc[y]
        if ignored is not None:
            w[ignored] = 0
    x2, lead = as_rows(x, axis)
    return SparseInputs(x, x2, lead, axis, y, ignored, wc, w, eps, reduction)


# --------------------------------------------------------------------------- kernels
def _row_result(losses: Losses, den, lead: tuple[int, ...]) -> np.ndarray:
    out = losses.result(den)
    return out.reshape(lead) if losses.reduction == "none" else out


def _restore(out: np.ndarray | None, axis: int) -> np.ndarray | None:
    return None if out is None else np.moveaxis(out, -1, axis)


def sparse_softmax_ce(s: SparseInputs, *, loss: bool = True, grad: bool = False):
    r"""``(loss, gradient or None)`` of the sparse softmax cross entropy, in one pass.

    Per row, with :math:`e_c = e^{x_c - m}` and :math:`t` from
    :func:`~ceutils._blocks.lse_blocks`, the loss is
    :math:`w_{y}\bigl((m - x_y) + \operatorname{log1p}(t)\bigr)` and the gradient
    :math:`w_y (S - \mathrm{onehot}_y)` with :math:`S_c = e_c/(1 + t)`; its label
    entry is computed as :math:`(e_y - 1 - t)/(1 + t)`, exact when :math:`S_y` is
    close to 1. Label smoothing adds :math:`\frac{\epsilon}{C}\sum_c w_c (\ell_c)`.
    """
    x2 = s.x2
    n, c = x2.shape
    dtype = x2.dtype
    den = s.denominator if s.reduction == "mean" else None
    scale = 1 if den is None else 1 / den
    losses = Losses(s.reduction, (n,), dtype) if loss else None
    g = g2 = None
    if grad:
        g, g2 = rows_out(s.lead, c, dtype)
    wc = s.class_weight
    total_w = c if wc is None else wc.sum()
    rows = np.arange(block_rows(n, c))
    with np.errstate(over="ignore", invalid="ignore"):
        for r0, r1, xb, e, m, t in lse_blocks(x2, g2):
            i = rows[: r1 - r0]
            y = s.labels[r0:r1]
            w = None if s.sample_weight is None else s.sample_weight[r0:r1]
            if loss:
                r = np.log1p(t)
                ell = (m - xb[i, y]) + r
                if w is not None:
                    ell *= w
                    ell[w == 0] = 0  # 0, not 0·inf, for a row whose loss overflows
                if s.eps:
                    half = xb * dtype.type(-0.5)  # m/2 - x/2 >= 0 cannot overflow
                    half += (m * dtype.type(0.5))[:, None]
                    spread = half.sum(axis=1) if wc is None else half @ wc
                    smooth_loss = 2 * spread + total_w * r
                    if s.ignored is not None:
                        smooth_loss[s.ignored[r0:r1]] = 0
                    ell = (1 - s.eps) * ell + (s.eps / c) * smooth_loss
                losses.put(slice(r0, r1), ell)
            if grad:
                k = r1 - r0
                inv = 1 / (1 + t)
                d_y = (e[i, y] - 1) - t
                main = np.full(k, scale, dtype) if w is None else w * dtype.type(scale)
                if s.eps:
                    keep = np.full(k, scale * s.eps / c, dtype)  # 0 for ignored rows
                    if s.ignored is not None:
                        keep[s.ignored[r0:r1]] = 0
                    sm = e * (total_w * inv)[:, None]  # S·W - w_c, for the smoothing term
                    sm -= 1 if wc is None else wc
                    sm *= keep[:, None]
                    main *= dtype.type(1 - s.eps)
                coef = main * inv
                e *= coef[:, None]
                e[i, y] = d_y * coef
                if s.eps:
                    e += sm
    return _row_result(losses, den, s.lead) if loss else None, _restore(g, s.axis)


def softmax_ce(d: DenseInputs, *, loss: bool = True, grad: bool = False):
    r"""``(loss or None, gradient or None, targets_are_distributions)``, in one pass.

    The softmax cross entropy with dense targets. Per row,
    :math:`\ell = \sum_c y_c (m - x_c) + s\,\operatorname{log1p}(t)` with
    :math:`s = \sum_c y_c` (the differences halved while summed, so that logits
    :math:`\pm 10^{308}` do not overflow), and the gradient
    :math:`s S - y = \bigl((s e - y) - y t\bigr)/(1 + t)`. The third result
    says whether every target row (before smoothing) is a distribution, found
    on the way, for the caller's warning.
    """
    x2 = d.x2
    n, c = x2.shape
    dtype = x2.dtype
    den = d.denominator if d.reduction == "mean" else None
    losses = Losses(d.reduction, (n,), dtype) if loss else None
    g = g2 = None
    if grad:
        g, g2 = rows_out(d.lead, c, dtype)
    tol = max(sum_tolerance(d.y2.dtype), sum_tolerance(dtype))
    distributions = True
    # Two blocks of scratch space, allocated once and laid out as lse_blocks lays out
    # its blocks, so that no block allocates (and the allocator never returns and
    # re-faults the pages) in the loop.
    step = block_rows(n, c)
    ybuf, hbuf = (np.empty((c, step), dtype).T if c <= SMALL_C else np.empty((step, c), dtype)
                  for _ in range(2))
    with np.errstate(over="ignore"):
        for r0, r1, xb, e, m, t in lse_blocks(x2, g2):
            y = d.targets(r0, r1, out=ybuf)
            s = y.sum(axis=1)
            distributions = distributions and bool(
                y.min() >= 0 and y.max() <= 1 and np.abs(s - 1).max() <= tol)
            if d.eps:
                smooth(y, d.eps, c)
                s *= 1 - d.eps
                s += d.eps
            if loss:
                half = np.multiply(xb, dtype.type(-0.5), out=hbuf[: r1 - r0])  # m/2 - x/2 >= 0
                half += (m * dtype.type(0.5))[:, None]
                half *= y  # where y = 0 the term is 0 (never 0·inf)
                losses.put(slice(r0, r1), 2 * half.sum(axis=1) + s * np.log1p(t))
            if grad:
                e *= s[:, None]
                e -= y
                y *= t[:, None]
                e -= y
                e *= (1 / ((1 + t) * (1 if den is None else den)))[:, None]
    loss = _row_result(losses, den, d.lead) if loss else None
    return loss, _restore(g, d.axis), distributions


def sigmoid_ce(b: ElementwiseInputs, *, loss: bool = True, grad: bool = False):
    r"""``(loss, gradient or None)`` of the sigmoid cross entropy, in one pass.

    .. math:: \ell = (1 - z)\max(x, 0) + q z \max(-x, 0) + (1 - z + q z)\,
              \operatorname{log1p}(e^{-|x|}), \qquad
              \frac{\partial \ell}{\partial x} = (1 - z)\,\sigma(x) - q z\,\sigma(-x),

    with :math:`q = 1` without ``pos_weight``; every term is ≥ 0.

    Without ``pos_weight`` both take fewer operations. With the flags
    :math:`s = [x \ge 0]`, :math:`t = 1 - s` and :math:`\alpha = s - z`,
    :math:`(1 - z)\max(x, 0) + z\max(-x, 0) = |\alpha|\,|x|` (for
    :math:`z \in [0, 1]`), and with :math:`\rho = 1/(1 + e^{-|x|})`, the two
    sigmoids are :math:`\sigma(x) = \rho\,(s + t e^{-|x|})` and
    :math:`\sigma(-x) = \rho\,(t + s e^{-|x|})`, so that the gradient is
    :math:`\rho\,\alpha + \rho e^{-|x|}\,(t - z)`: of its two terms one is
    0 when :math:`z \in \{0, 1\}`, so nothing cancels.
    """
    x = b.x
    dtype = x.dtype
    den = b.denominator if b.reduction == "mean" else None
    losses = Losses(b.reduction, x.shape, dtype) if loss else None
    g = np.empty_like(x) if grad else None
    with np.errstate(over="ignore", invalid="ignore"):
        for idx, xb, z, w, q in b.blocks():
            a, e, s, t = _sign_parts(xb)
            if q is None:
                alpha = np.subtract(s, z, out=s)
                if loss:
                    ell = np.abs(alpha)
                    ell *= a
                    ell += np.log1p(e)
                    if w is not None:
                        ell *= w
                        ell[np.isnan(ell)] = 0  # a weight of 0 gives 0, also where ell overflows
                    losses.put(idx, ell)
                if grad:
                    rho = np.add(e, 1, out=a)
                    if den is not None:
                        rho *= den
                    np.reciprocal(rho, out=rho)
                    gb = np.multiply(rho, alpha, out=g[idx])
                    e *= rho
                    t -= z
                    t *= e
                    gb += t
                    if w is not None:
                        gb *= w
                continue
            nz = 1 - z
            qz = z if q is None else q * z
            if loss:
                ell = s * nz  # |x|·(s(1 - z) + t q z) = (1 - z) max(x, 0) + q z max(-x, 0)
                ell += t * qz
                ell *= a
                soft = np.log1p(e)
                if q is not None:
                    soft *= nz + qz
                ell += soft
                if w is not None:
                    ell *= w
                    ell[np.isnan(ell)] = 0  # a weight of 0 gives 0, also where ell overflows
                losses.put(idx, ell)
            if grad:
                gb, neg = _sigmoids(e, s, t)
                gb *= nz
                neg *= qz
                gb -= neg
                if w is not None:
                    gb *= w
                if den is not None:
                    gb /= den
                g[idx] = gb
    return b.finish(losses, den, g)


def sigmoid_squared_error_kernel(b: ElementwiseInputs, *, loss: bool = True,
                                 grad: bool = False):
    r"""``(cost, gradient or None)`` of :math:`\tfrac12(\sigma(x) - z)^2`.

    :math:`\sigma(x) - z = (1 - z)\,\sigma(x) - z\,\sigma(-x)`, and the gradient
    multiplies it by :math:`\sigma'(x) = \sigma(x)\,\sigma(-x)`.
    """
    x = b.x
    dtype = x.dtype
    den = b.denominator if b.reduction == "mean" else None
    losses = Losses(b.reduction, x.shape, dtype) if loss else None
    g = np.empty_like(x) if grad else None
    for idx, xb, z, _, _ in b.blocks():
        sig, sig_neg = _sigmoids(*_sign_parts(xb)[1:])
        diff = (1 - z) * sig
        diff -= z * sig_neg
        if loss:
            losses.put(idx, dtype.type(0.5) * diff * diff)
        if grad:
            diff *= sig
            diff *= sig_neg
            if den is not None:
                diff /= den
            g[idx] = diff
    return b.finish(losses, den, g)

