"""Tolerances shared by the cross-library tests."""

import numpy as np

DTYPES = [np.float64, np.float32]


def rtol_for(dtype) -> float:
    """Relative tolerance for comparing two correct implementations in ``dtype``."""
    return 1e-12 if np.dtype(dtype) == np.float64 else 2e-5
