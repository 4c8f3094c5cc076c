r"""Fitting a linear classifier by minimising a ceutils loss.

A linear classifier gives sample :math:`n` with features :math:`u_n` the logits
:math:`x_n = u_n W + b`. Chapters 5 and 6 train such models to show what a loss
does to the fitted classifier (sigmoids against softmax on exclusive classes;
``pos_weight`` against recall): :func:`fit_linear` minimises any loss of the
logits, given the loss and its gradient with respect to the logits, both from
ceutils. SciPy is imported when the function is first called.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

from ._validation import _real_option, as_float_array, shown

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
        If ``features`` is not a two-dimensional array of finite real numbers
        with at least one row; if ``n_outputs`` or ``max_iter`` is not
        positive or ``gtol`` not a positive finite number; or if ``grad``
        returns an array not of the shape of the logits.
    TypeError
        If ``loss`` or ``grad`` is not callable, or an option has the wrong
        type (``n_outputs`` and ``max_iter`` are ints, never bools; ``gtol``
        a real number).
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
    u = as_float_array(features, "features").astype(np.float64, copy=False)
    if u.ndim != 2 or u.shape[0] == 0:
        raise ValueError(f"features must be an array of shape (N, D) with N >= 1; got shape "
                         f"{u.shape}")
    for f, name in ((loss, "loss"), (grad, "grad")):
        if not callable(f):
            raise TypeError(f"{name} must be a callable of the logits; got {shown(f)} of type "
                            f"{type(f).__name__}")
    for value, name, expected in ((n_outputs, "n_outputs", "None or a positive int"),
                                  (max_iter, "max_iter", "a positive int")):
        if value is None and name == "n_outputs":
            continue
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be {expected}; got {shown(value)} of type "
                            f"{type(value).__name__}")
        if value < 1:
            raise ValueError(f"{name} must be {expected}; got {shown(value)}")
    tol = _real_option(gtol, "gtol", "a positive real number")
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"gtol must be a positive real number; got {shown(gtol)}")
    from scipy.optimize import minimize

    a = np.hstack([u, np.ones((u.shape[0], 1))])  # the bias as a last, constant feature
    shape = (a.shape[1],) if n_outputs is None else (a.shape[1], n_outputs)

    def value_and_gradient(theta: np.ndarray) -> tuple[float, np.ndarray]:
        logits = a @ theta.reshape(shape)
        g = np.asarray(grad(logits))
        if g.shape != logits.shape:
            raise ValueError(f"grad must return an array of the shape of the logits, "
                             f"{logits.shape}; got shape {g.shape}")
        return float(loss(logits)), (a.T @ g).ravel()

    result = minimize(value_and_gradient, np.zeros(int(np.prod(shape))), jac=True,
                      method="L-BFGS-B", options={"gtol": tol, "ftol": 0.0,
                                                  "maxiter": int(max_iter)})
    theta = result.x.reshape(shape)
    if np.max(np.abs(value_and_gradient(result.x)[1])) > tol:
        raise RuntimeError(f"L-BFGS did not reach gtol={tol:g}: {result.message}")
    weights, bias = theta[:-1], theta[-1]
    return weights, (float(bias) if n_outputs is None else bias)
