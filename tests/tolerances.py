"""The one table of tolerances for every test.

Comparisons of two correct implementations of the same formula:

* ``RTOL[dtype]``: relative tolerance, elementwise or after a reduction. In
  float64, 1e-12 leaves room for the few ulps by which two orders of evaluation
  differ; in float32 a sum over tens of elements accumulates that many ulps of
  float32's 1.2e-7.

Gradients (maximum absolute error of an entry):

* ``ATOL_GRAD[dtype]``: a closed form against PyTorch autograd or TensorFlow's
  ``GradientTape``;
* ``ATOL_FD``: against central differences with the default step, moderate
  inputs (the step balances truncation and rounding at about eps^(2/3));
* ``ATOL_FD_EXTREME``: against central differences of logits of size 1e4 with
  step ``h = 1e-3`` (the rounding error of the loss, ~eps * 2e4, divided by 2h).
"""

import numpy as np

DTYPES = [np.float64, np.float32]

RTOL = {"float64": 1e-12, "float32": 2e-6}
ATOL_GRAD = {"float64": 1e-12, "float32": 1e-6}
ATOL_FD = 1e-8
ATOL_FD_EXTREME = 1e-7


def rtol_for(dtype) -> float:
    """Relative tolerance for comparing two correct implementations in ``dtype``."""
    return RTOL[np.dtype(dtype).name]
