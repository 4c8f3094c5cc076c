"""Shared test configuration.

TensorFlow's C++ logging and oneDNN notice are switched off before any test
imports it (ceutils.adapters does the same for notebooks).
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

DTYPES = [np.float64, np.float32]


def rtol_for(dtype) -> float:
    """Relative tolerance for comparing two correct implementations in ``dtype``."""
    return 1e-12 if np.dtype(dtype) == np.float64 else 2e-5


@pytest.fixture(params=DTYPES, ids=["float64", "float32"])
def dtype(request):
    return request.param
