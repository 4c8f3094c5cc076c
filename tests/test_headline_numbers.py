"""The four headline numbers of the book, each against every library that can express it.

0.804   source 000 §1.2, entropy of the computer-boot distribution from rounded informations
0.2899  source 004 例1, binary cross entropy of the bank example
1.9398  source 000 §5.2, softmax cross entropy with labels [1, 2] and logits [1, 2]
0.3133  source 000 §5.3, sparse softmax cross entropy with label 1 and logits [1, 2]

Each number is the source's rounding of a value that every implementation must
reproduce; the independent references are the libraries themselves and exact
closed forms (math.log of the source's own arithmetic).
"""

import math
import warnings

import numpy as np
import pytest
from scipy import stats

import ceutils
from ceutils import adapters as A
from ceutils.agreement import assert_agree
from ceutils.examples import BANK, COMPUTER_BOOT, TF_SOFTMAX_12, TF_SPARSE_12


def test_0804_is_the_rounded_hand_computation_and_0_8018_the_exact_entropy():
    p = np.array(COMPUTER_BOOT["p"])
    # the source's 0.36, 1.61, 2.30: -log p rounded to two decimals
    COMPUTER_BOOT.assert_printed("information", -np.log(p), decimals=2)
    from_rounded = float(np.dot(p, COMPUTER_BOOT.printed["information"]))
    assert COMPUTER_BOOT.printed["entropy"] == 0.804
    COMPUTER_BOOT.assert_printed("entropy", from_rounded)

    exact = -sum(pi * math.log(pi) for pi in COMPUTER_BOOT["p"])
    assert_agree(
        {
            "closed form (math.log)": exact,
            "ceutils": ceutils.entropy(p),
            "scipy.stats.entropy": stats.entropy(p),
            "torch Categorical.entropy": A.torch_entropy(p),
            "tf softmax_cross_entropy_with_logits(p, log p)": A.tf_entropy(p),
        },
        rtol=1e-13,
    )
    assert round(exact, 4) == 0.8018
    # They differ, and only because the informations were rounded before the sum:
    assert abs(from_rounded - exact) > 1e-3
    assert math.isclose(float(np.dot(p, -np.log(p))), exact, rel_tol=1e-14)


def test_0_2899_bank_example():
    y, p = np.array(BANK["y"], float), np.array(BANK["p"])
    exact = -(math.log(0.7) + math.log(0.8)) / 2
    agreement = assert_agree(
        {
            "closed form": exact,
            "ceutils": ceutils.binary_cross_entropy(p, y),
            "sklearn log_loss": A.sklearn_log_loss(p, y),
            "torch BCELoss": A.torch_bce(p, y),
            "keras binary_crossentropy": A.keras_binary_crossentropy(p, y),
        },
        rtol=1e-6,  # Keras computes through its epsilon clip, exact here to ~1e-7
    )
    assert round(exact, 4) == 0.2899
    assert agreement.ok
    assert A.sklearn_log_loss(p, y) == pytest.approx(BANK.printed["sklearn"], rel=1e-15)


def test_1_9398_softmax_cross_entropy_with_labels_1_2():
    labels, logits = TF_SOFTMAX_12["labels"], TF_SOFTMAX_12["logits"]
    # -(1*ln(e/(e+e^2)) + 2*ln(e^2/(e+e^2))) as the source writes it out
    e1, e2 = math.exp(1.0), math.exp(2.0)
    exact = -(1 * math.log(e1 / (e1 + e2)) + 2 * math.log(e2 / (e1 + e2)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # [1, 2] is not a distribution
        ours = ceutils.softmax_cross_entropy(logits, labels)
    assert_agree(
        {
            "closed form": exact,
            "ceutils": ours,
            "tf softmax_cross_entropy_with_logits": A.tf_softmax_cross_entropy_with_logits(
                logits, labels
            ),
            "torch F.cross_entropy (probability targets)": A.torch_cross_entropy(logits, labels),
        },
        rtol=1e-13,
    )
    assert round(exact, 4) == 1.9398
    assert round(exact, 6) == TF_SOFTMAX_12.printed["tf_softmax"]
    tf32 = A.tf_softmax_cross_entropy_with_logits(logits, labels, dtype="float32")
    assert tf32 == np.float32(TF_SOFTMAX_12.printed["tf_softmax"])


def test_0_3133_sparse_softmax_cross_entropy():
    label, logits = TF_SPARSE_12["label"], np.array(TF_SPARSE_12["logits"])
    exact = -math.log(math.exp(2.0) / (math.exp(1.0) + math.exp(2.0)))
    softmax_output = np.exp(logits) / np.exp(logits).sum()
    assert_agree(
        {
            "closed form": exact,
            "ceutils": ceutils.sparse_softmax_cross_entropy(logits, label),
            "tf sparse_softmax_cross_entropy_with_logits":
                A.tf_sparse_softmax_cross_entropy_with_logits(logits, label),
            "torch F.cross_entropy": A.torch_cross_entropy(logits, np.int64(label)),
            "sklearn log_loss on softmax": A.sklearn_log_loss([softmax_output], [label],
                                                              labels=[0, 1]),
        },
        rtol=1e-13,
    )
    assert round(exact, 4) == 0.3133
    # The source printed TensorFlow's float32 result; float32 TF reproduces it to the last digit.
    tf32 = A.tf_sparse_softmax_cross_entropy_with_logits(logits, label, dtype="float32")
    assert tf32 == np.float32(TF_SPARSE_12.printed["loss"])
    assert round(exact, 7) == round(TF_SPARSE_12.printed["loss"], 7)
