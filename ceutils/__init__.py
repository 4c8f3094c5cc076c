"""ceutils: the mathematics of *Cross-Entropy, Executable*.

Pure NumPy reference implementations of information measures, activations and
cross-entropy losses, the source documents' worked examples as named data
(:mod:`ceutils.examples`), and lazily importing adapters that run the same
inputs through scikit-learn, PyTorch and TensorFlow/Keras
(:mod:`ceutils.adapters`). ``import ceutils`` imports NumPy only.
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
from .provenance import versions

__version__ = "0.1.0"

__all__ = [*_information_all, *_activations_all, *_losses_all, *_gradients_all, "versions",
           "examples"]


def __getattr__(name: str):
    # `ceutils.adapters` imports no library until one of its functions is called,
    # but is itself loaded only on first access.
    if name == "adapters":
        import importlib

        return importlib.import_module(".adapters", __name__)
    raise AttributeError(f"module 'ceutils' has no attribute {name!r}")
