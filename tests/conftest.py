"""Shared test configuration.

* ``ceutils.adapters`` is imported first: it sets TensorFlow's logging variables
  before any test imports TensorFlow.
* Hypothesis runs derandomized (the same examples on every run and every
  machine), so a failure in CI reproduces locally; ``HYPOTHESIS_PROFILE=explore``
  draws fresh examples and prints the seed of a failure to replay.
* ``rng`` gives each test its own seeded generator: no test draws from a
  generator shared at module level, whose state would depend on which tests ran
  before it on the same worker.
"""

import os

import numpy as np
import pytest
from hypothesis import settings
from tolerances import DTYPES

import ceutils.adapters  # noqa: F401 (sets TensorFlow's logging variables)

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SEED = 20260101


@pytest.fixture(params=DTYPES, ids=["float64", "float32"])
def dtype(request):
    return request.param


@pytest.fixture
def rng():
    """A generator seeded for this test alone."""
    return np.random.default_rng(SEED)
