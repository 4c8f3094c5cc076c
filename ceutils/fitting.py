r"""Fitting a linear classifier by minimising a ceutils loss.

A linear classifier gives sample :math:`n` with features :math:`u_n` the logits
:math:`x_n = u_n W + b`. Chapters 5 and 6 train such models to show what a loss
does to the fitted classifier (sigmoids against softmax on exclusive classes;
``pos_weight`` against recall): :func:`fit_linear` minimises any loss of the
logits, given the loss and its gradient with respect to the logits, both from
ceutils. SciPy is imported when the function is first called.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["fit_linear"]


def fit_linear(features, loss: Callable[[np.ndarray], object],
               grad: Callable[[np.ndarray], np.ndarray], *, n_outputs: int | None = None,
               gtol: float = 1e-8, max_iter: int = 10_000):
    r"""Find the weights and bias of linear logits :math:`x = UW + b` that minimise ``loss(x)``.

    The gradient with respect to the parameters follows from ``grad``, the
    gradient with respect to the logits, by the chain rule:

    .. math:: \frac{\partial L}{\partial W} = U^{\top} \frac{\partial L}{\partial x},
              \qquad \frac{\partial L}{\partial b} = \sum_n \frac{\partial L}{\partial x_n}.

    SciPy's L-BFGS minimises from all-zero parameters. For a convex loss such
    as cross entropy of linear logits, a converged result is a global minimiser.

    Parameters
    ----------
    features : array_like, shape ``(N, D)``
        The features :math:`U`, one row per sample.
    loss : callable
        ``loss(logits)``: the loss to minimise (a scalar) for logits of shape
        ``(N,)``, or ``(N, C)`` when ``n_outputs`` is ``C``.
    grad : callable
        ``grad(logits)``: the gradient of ``loss`` with respect to the logits,
        in their shape (a function of :mod:`ceutils.gradients`).
    n_outputs : int, optional
        ``None`` (the default): one logit per sample, as for binary labels;
        ``C``: ``C`` logits per sample.
    gtol : float
        L-BFGS stops when no component of the gradient with respect to the
        parameters exceeds ``gtol``.
    max_iter : int
        The most iterations L-BFGS may take.

    Returns
    -------
    weights : numpy.ndarray
        :math:`W`, shape ``(D,)``, or ``(D, C)`` with ``n_outputs=C``.
    bias : float or numpy.ndarray
        :math:`b`: a float, or shape ``(C,)`` with ``n_outputs=C``.

    Raises
    ------
    ValueError
        If ``features`` is not a two-dimensional array of finite numbers, or
        ``n_outputs`` is not a positive integer.
    RuntimeError
        If L-BFGS stops without meeting ``gtol``; the message gives SciPy's reason.

    Examples
    --------
    With a constant feature only the bias can fit, and the best bias of one
    positive among four samples is the logit of 1/4, :math:`-\ln 3`:

    >>> import ceutils
    >>> y = np.array([1.0, 0.0, 0.0, 0.0])
    >>> w, b = fit_linear(np.zeros((4, 1)),
    ...                   lambda x: ceutils.binary_cross_entropy_with_logits(x, y),
    ...                   lambda x: ceutils.binary_cross_entropy_with_logits_grad(x, y))
    >>> round(b, 6), round(float(-np.log(3)), 6), w.tolist()
    (-1.098612, -1.098612, [0.0])
    """
    u = np.asarray(features, dtype=np.float64)
    if u.ndim != 2 or not np.all(np.isfinite(u)):
        raise ValueError(f"features must be a finite array of shape (N, D); got shape {u.shape}"
                         + ("" if u.ndim != 2 else " with non-finite entries"))
    if n_outputs is not None and (not isinstance(n_outputs, int) or n_outputs < 1):
        raise ValueError(f"n_outputs must be None or a positive integer; got {n_outputs!r}")
    from scipy.optimize import minimize

    a = np.hstack([u, np.ones((u.shape[0], 1))])  # the bias as a last, constant feature
    shape = (a.shape[1],) if n_outputs is None else (a.shape[1], n_outputs)

    def value_and_gradient(theta: np.ndarray) -> tuple[float, np.ndarray]:
        logits = a @ theta.reshape(shape)
        return float(loss(logits)), (a.T @ np.asarray(grad(logits))).ravel()

    result = minimize(value_and_gradient, np.zeros(int(np.prod(shape))), jac=True,
                      method="L-BFGS-B", options={"gtol": gtol, "ftol": 0.0,
                                                  "maxiter": max_iter})
    theta = result.x.reshape(shape)
    if np.max(np.abs(value_and_gradient(result.x)[1])) > gtol:
        raise RuntimeError(f"L-BFGS did not reach gtol={gtol:g}: {result.message}")
    weights, bias = theta[:-1], theta[-1]
    return weights, (float(bias) if n_outputs is None else bias)
