"""Shared test configuration.

TensorFlow's C++ logging and oneDNN notice are switched off before any test
imports it (ceutils.adapters does the same for notebooks).
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import pytest  # noqa: E402
from tolerances import DTYPES  # noqa: E402


@pytest.fixture(params=DTYPES, ids=["float64", "float32"])
def dtype(request):
    return request.param
