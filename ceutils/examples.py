"""The worked examples of the source documents, as named data.

Each :class:`WorkedExample` holds the inputs of one example exactly as the
document gives them and, under ``printed``, the numbers the document printed
(which may be rounded, or wrong: the book recomputes every one and says where
they differ). Notebooks and tests use these objects, so an input is typed once.

Sources are cited by file number and section, e.g. ``"000 §1.2"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

__all__ = ["WorkedExample", "EXAMPLES", "printed_decimals"]


def printed_decimals(value: float) -> int:
    """How many decimals a printed number shows, e.g. 0.2899 -> 4, 1.1920933e-07 -> 14.

    Parameters
    ----------
    value : float
        A number as the source printed it (stored as its shortest float repr).

    Returns
    -------
    int
        The number of digits after the decimal point of ``repr(value)`` written
        out in fixed point.

    Examples
    --------
    >>> printed_decimals(0.2899), printed_decimals(2.0), printed_decimals(1.1920933e-07)
    (4, 0, 14)
    """
    return max(0, -Decimal(repr(float(value))).normalize().as_tuple().exponent)


def _round_like(computed, shown, decimals: int | None):
    if isinstance(shown, tuple):
        return tuple(_round_like(c, s, decimals) for c, s in zip(computed, shown, strict=True))
    return round(float(computed), printed_decimals(shown) if decimals is None else decimals)


@dataclass(frozen=True)
class WorkedExample:
    """One worked example of a source document.

    Parameters
    ----------
    source : str
        The document and section, e.g. ``"004 例1"``.
    title : str
        What the example is about.
    inputs : mapping
        The numbers the document starts from; ``example["p"]`` reads one.
    printed : mapping
        The numbers the document printed, as it printed them (rounded, or wrong).
    """

    source: str
    title: str
    inputs: MappingProxyType
    printed: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def __getitem__(self, key: str) -> Any:
        return self.inputs[key]

    def as_printed(self, key: str, computed, *, decimals: int | None = None):
        """``computed`` rounded as the document rounded ``printed[key]``.

        Parameters
        ----------
        key : str
            Which printed number (a float, or a tuple of floats).
        computed : float or array_like
            The value computed by the book, of the printed number's length.
        decimals : int, optional
            The decimals the document printed, where its number ends in zeros
            that the stored float cannot show (2.30 is stored as 2.3).

        Returns
        -------
        float or tuple of float
            ``computed`` rounded to the printed number's decimals (element by
            element for a tuple).
        """
        return _round_like(computed, self.printed[key], decimals)

    def assert_printed(self, key: str, computed, *, decimals: int | None = None) -> None:
        """Assert that the document's ``printed[key]`` is ``computed``, rounded.

        Parameters
        ----------
        key : str
            Which printed number.
        computed : float or array_like
            The value computed by the book.
        decimals : int, optional
            As for :meth:`as_printed`.

        Returns
        -------
        None
            Raises ``AssertionError`` naming the example, the number, and both
            values when the rounded computation differs from the printed one.

        Examples
        --------
        >>> BANK.assert_printed("mean", 0.28990924)
        >>> BANK.assert_printed("mean", 0.2899)
        Traceback (most recent call last):
        ...
        AssertionError: 004 例1 printed mean = 0.289909, but the computed 0.2899 rounds to 0.2899
        """
        rounded = self.as_printed(key, computed, decimals=decimals)
        shown = self.printed[key]
        if rounded != shown:
            value = computed if isinstance(shown, tuple) else float(computed)
            raise AssertionError(f"{self.source} printed {key} = {shown}, but the computed "
                                 f"{value} rounds to {rounded}")


def _ex(source: str, title: str, inputs: dict, printed: dict | None = None) -> WorkedExample:
    return WorkedExample(source, title, MappingProxyType(inputs), MappingProxyType(printed or {}))


COMPUTER_BOOT = _ex(
    "000 §1.2",
    "Computer boot: normal start, no start, explosion",
    {"events": ("boots normally", "fails to boot", "explodes"), "p": (0.7, 0.2, 0.1)},
    {"information": (0.36, 1.61, 2.30), "entropy": 0.804},
)
"""Three outcomes of pressing the power button; the document's entropy 0.804
is computed from informations rounded to two decimals."""

ONE_HOT_VS_PREDICTION = _ex(
    "000 §1.3",
    "One-hot label P against prediction Q",
    {"p": (1.0, 0.0, 0.0), "q": (0.7, 0.2, 0.1)},
)

CAT_DOG_PIG = _ex(
    "000 §2.1",
    "Single-label: cat / dog / pig",
    {"classes": ("cat", "dog", "pig"), "label": (0, 1, 0), "pred": (0.3, 0.6, 0.1)},
)

MULTILABEL_CAT_DOG_PIG = _ex(
    "000 §2.2",
    "Multi-label: cat / dog / pig, n-hot label",
    {"classes": ("cat", "dog", "pig"), "label": (0, 1, 1), "pred": (0.1, 0.7, 0.8)},
)

SLOWDOWN = _ex(
    "000 §3",
    "Learning slowdown of a single sigmoid neuron (after Nielsen, ch. 3)",
    {"x": 1.0, "y": 0.0, "eta": 0.15, "epochs": 300, "starts": ((0.6, 0.9), (2.0, 2.0))},
)

KERAS_BCE_PERFECT = _ex(
    "000 §5.1",
    "Keras binary_crossentropy on a perfect prediction",
    {"y_true": (1.0,), "y_pred": (1.0,)},
    {"clipped": 0.9999999, "logit": 15.942385, "loss": 1.1920933e-07},
)

TF_SOFTMAX_12 = _ex(
    "000 §5.2",
    "softmax_cross_entropy_with_logits vs categorical_crossentropy on labels [1, 2]",
    {"labels": (1.0, 2.0), "logits": (1.0, 2.0)},
    {"tf_softmax": 1.939785, "keras_categorical": 1.9095424,
     "normalised": (0.33333334, 0.6666667), "softmax": (0.268941422, 0.731058581)},
)
"""Keras divides the predictions by their sum (``normalised``, printed in float32 before and
after clipping) where TensorFlow applies softmax (``softmax``, the document's hand check)."""

TF_SPARSE_12 = _ex(
    "000 §5.3",
    "sparse_softmax_cross_entropy_with_logits, label 1, logits [1, 2]",
    {"label": 1, "logits": (1.0, 2.0)},
    {"loss": 0.31326166, "softmax_true": 0.731058581, "loss_by_hand": 0.313261684},
)
"""``loss`` is TensorFlow's float32 output; ``softmax_true`` (a) and ``loss_by_hand`` (L)
the document's own calculation of it."""

KERAS_SPARSE_CATEGORICAL = _ex(
    "000 §5.3",
    "Keras sparse_categorical_crossentropy on probabilities",
    {"label": 1, "probs": (0.2, 0.2, 0.6)},
    {"loss": 1.609438},
)

SOFTMAX_123 = _ex(
    "002 §四",
    "softmax of [1, 2, 3]",
    {"logits": (1.0, 2.0, 3.0)},
    {"softmax": (0.09, 0.24, 0.67)},
)

FIVE_CLASS = _ex(
    "002 §四",
    "Five classes, true class 3, a good and a bad prediction",
    {"label": (0, 0, 0, 1, 0),
     "pred_good": (0.1, 0.15, 0.05, 0.6, 0.1),
     "pred_bad": (0.15, 0.2, 0.4, 0.1, 0.15)},
)

BINARY_TWO_WAYS = _ex(
    "002 §五",
    "Binary cross entropy as a two-class softmax and as a logistic loss",
    {"onehot": ((1, 0), (0, 1)), "probs2": ((0.8, 0.2), (0.4, 0.6)),
     "y": (0, 1), "p": (0.2, 0.6)},
)

TF_SIGMOID_TABLE = _ex(
    "002 §六",
    "tf sigmoid_cross_entropy_with_logits with all-one and all-zero labels",
    {"logits": ((0.5, 0.7, 0.3), (0.8, 0.2, 0.9))},
    {"ones": ((0.47407699, 0.40318602, 0.5543552), (0.37110069, 0.59813887, 0.34115386)),
     "zeros": ((0.97407699, 1.10318601, 0.85435522), (1.17110074, 0.79813886, 1.24115384))},
)
"""The document printed both tables from float32 TensorFlow 1 (``tf.Session``)."""

APPENDIX_003 = _ex(
    "003 appendix",
    "CrossEntropyLoss vs BCEWithLogitsLoss on the same logits",
    {"logits": ((2.0, -3.0, 0.8, 1.2), (1.5, -0.1, 0.9, -1.3)), "labels": (2, 1)},
)

BANK = _ex(
    "004 例1",
    "Bank credit-card default: Zhang San (y = 1) and Li Si (y = 0)",
    {"names": ("Zhang San", "Li Si"), "y": (1, 0), "p": (0.7, 0.2)},
    {"losses": (0.356675, 0.223144), "mean": 0.289909,
     "sklearn": 0.2899092476264711, "torch": 0.2899, "comment": -0.2899092476264711},
)
"""``comment`` is the output the document's code comment gives for
``print((math.log(0.7) + math.log(0.8))/2)``."""

DOG_HORSE = _ex(
    "004 例2",
    "Cat / dog / horse: a Tibetan mastiff (dog) and a horse",
    {"classes": ("cat", "dog", "horse"),
     "dog_label": 1, "dog_pred": (0.4, 0.4, 0.2),
     "horse_label": 2, "horse_pred": (0.1, 0.12, 0.78)},
    {"dog": 0.9163, "horse": 0.2485, "sklearn_dog": 0.916290731874155,
     "comment": -0.916290731874155},
)
"""``comment`` is the output the document's code comment gives for
``print((math.log(0.4))/1)``."""

EXAMPLES = MappingProxyType({
    name: value for name, value in dict(globals()).items() if isinstance(value, WorkedExample)
})
"""Every worked example by name."""

__all__ += list(EXAMPLES)
