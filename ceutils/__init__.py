"""ceutils: the mathematics of *Cross-Entropy, Executable*.

Pure NumPy reference implementations of information measures, activations,
cross-entropy losses and their gradients, the source documents' worked examples
as named data (:mod:`ceutils.examples`), and modules loaded on first use:
:mod:`ceutils.adapters` (the same inputs through scikit-learn, PyTorch and
TensorFlow/Keras), :mod:`ceutils.agreement` (tables of implementations that
must agree), :mod:`ceutils.display` (small HTML tables, printed warnings, glue),
:mod:`ceutils.libraries` (what a notebook does when PyTorch, TensorFlow, Keras or
scikit-learn is not installed), :mod:`ceutils.results` (the committed benchmark
results) and :mod:`ceutils.crosswalk` (the API crosswalk). ``import ceutils``
imports NumPy only.
"""

from . import examples
from .activations import *  # noqa: F403
from .activations import __all__ as _activations_all
from .gradients import *  # noqa: F403
from .gradients import __all__ as _gradients_all
from .information import *  # noqa: F403
from .information import __all__ as _information_all
from .losses import *  # noqa: F403
from .losses import __all__ as _losses_all
from .provenance import package_version, versions

__version__ = package_version("ceutils")

__all__ = [*_information_all, *_activations_all, *_losses_all, *_gradients_all, "versions",
           "examples"]

_SUBMODULES = ("adapters", "agreement", "crosswalk", "display", "fitting", "libraries", "results")


def __getattr__(name: str):
    # These submodules are loaded on first access only: ``adapters`` imports no
    # library until one of its functions is called, but sets TensorFlow's
    # logging variables when it is loaded.
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'ceutils' has no attribute {name!r}")
