"""The exact messages of bad input: each names the argument, what it got and what it expects.

The table of every class of bad input across every public function is in
``test_bad_inputs.py``; these cases pin the wording of the common ones.
"""

import numpy as np
import pytest

import ceutils

GOOD_LOGITS = np.zeros((2, 3))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: ceutils.entropy([0.5, 0.6]), r"p must sum to 1 along axis 0 \(to within 3\.6e-15 in float64\); got a sum of 1\.1"),
        (lambda: ceutils.entropy([1.2, -0.2]), r"p must be in \[0, 1\]; got 1\.2 at index \(0,\)"),
        (lambda: ceutils.entropy([0.5, np.nan]), r"p must be finite; got nan at index \(1,\)"),
        (lambda: ceutils.kl_divergence([0.5, 0.5], [0.2, 0.2, 0.6]),
         r"p and q must have the same shape, or one must broadcast to the other's .*; got \(2,\) and \(3,\)"),
        (lambda: ceutils.cross_entropy([1.0, 0.0], [0.5, 0.6]), r"q must sum to 1"),
        (lambda: ceutils.information(1.5), r"p must be in \[0, 1\]; got 1\.5"),
        (lambda: ceutils.entropy([0.5, 0.5], base=1), r"base must be a positive real number other than 1, or None; got 1"),
        (lambda: ceutils.entropy([0.5, 0.5], base=0), r"base must be a positive real number other than 1, or None; got 0"),
        (lambda: ceutils.entropy([0.5, 0.5], base=-2), r"base must be a positive real number other than 1, or None; got -2"),
        (lambda: ceutils.entropy([0.5, 0.5], axis=1), r"axis must be in \[-1, 1\) for p of shape \(2,\); got 1"),
        (lambda: ceutils.softmax(np.inf), r"x must be finite; got inf"),
        (lambda: ceutils.softmax(3.0), r"x must have at least one dimension"),
        (lambda: ceutils.logsumexp(["a", "b"]), r"x must be an array of real numbers \(bool, integer or floating\); got \['a', 'b'\] of dtype <U1"),
        (lambda: ceutils.binary_cross_entropy([0.5, 1.5], [1, 0]), r"probs must be in \[0, 1\]; got 1\.5 at index \(1,\)"),
        (lambda: ceutils.binary_cross_entropy([0.5, 0.5], [1, 2]), r"targets must be in \[0, 1\]; got 2 at index \(1,\)"),
        (lambda: ceutils.binary_cross_entropy([0.5, 0.5], [1, 0, 1]),
         r"targets must have the same shape as probs; got \(3,\) and \(2,\)"),
        (lambda: ceutils.binary_cross_entropy([0.5], [1], reduction="avg"),
         r"reduction must be one of \('none', 'mean', 'sum'\); got 'avg'"),
        (lambda: ceutils.binary_cross_entropy([0.5], [1], weight=[-1.0]), r"weight must be non-negative"),
        (lambda: ceutils.binary_cross_entropy([0.5, 0.5], [1, 0], weight=[1.0, 1.0, 1.0]),
         r"weight must broadcast to the loss shape \(2,\) without enlarging it; got shape \(3,\)"),
        (lambda: ceutils.binary_cross_entropy_with_logits([np.nan], [1.0]), r"logits must be finite; got nan at index \(0,\)"),
        (lambda: ceutils.binary_cross_entropy_with_logits([1.0], [-0.5]), r"targets must be in \[0, 1\]; got -0\.5"),
        (lambda: ceutils.binary_cross_entropy_with_logits([1.0, 2.0], [1.0, 0.0], pos_weight=[1.0, 2.0, 3.0]),
         r"pos_weight must broadcast to the loss shape \(2,\) without enlarging it; got shape \(3,\)"),
        (lambda: ceutils.softmax_cross_entropy(GOOD_LOGITS, np.zeros((3, 2))),
         r"targets must have the same shape as logits; got \(3, 2\) and \(2, 3\)"),
        (lambda: ceutils.softmax_cross_entropy(GOOD_LOGITS, np.full((2, 3), np.inf)), r"targets must be finite"),
        (lambda: ceutils.sparse_softmax_cross_entropy(GOOD_LOGITS, [0, 3]),
         r"labels must be in \[0, 3\) or equal ignore_index=-100; got 3 at index \(1,\)"),
        (lambda: ceutils.sparse_softmax_cross_entropy(GOOD_LOGITS, [-1, 0]),
         r"labels must be in \[0, 3\) or equal ignore_index=-100; got -1 at index \(0,\)"),
        (lambda: ceutils.sparse_softmax_cross_entropy(GOOD_LOGITS, [0, 3], ignore_index=None),
         r"labels must be in \[0, 3\); got 3 at index \(1,\)"),
        (lambda: ceutils.sparse_softmax_cross_entropy(GOOD_LOGITS, [0.0, 1.0]),
         r"labels must be integers \(class indices\); got dtype float64"),
        (lambda: ceutils.sparse_softmax_cross_entropy(GOOD_LOGITS, [True, False]),
         r"labels must be integers \(class indices\); got dtype bool"),
        (lambda: ceutils.sparse_softmax_cross_entropy(GOOD_LOGITS, [0, 1, 2]),
         r"labels must have shape \(2,\) \(logits shape \(2, 3\) without axis 1\); got \(3,\)"),
        (lambda: ceutils.sparse_softmax_cross_entropy(GOOD_LOGITS, [0, 1], weight=[1.0, 2.0]),
         r"weight must have shape \(3,\) \(one per class\); got \(2,\)"),
        (lambda: ceutils.sparse_softmax_cross_entropy(GOOD_LOGITS, [0, 1], weight=[1.0, -2.0, 1.0]),
         r"weight must be non-negative"),
        (lambda: ceutils.sparse_softmax_cross_entropy(GOOD_LOGITS, [-100, -100]),
         r"labels select no weight: every label equals ignore_index or has weight 0"),
        (lambda: ceutils.sparse_softmax_cross_entropy(GOOD_LOGITS, [0, 1], reduction="max"),
         r"reduction must be one of"),
        (lambda: ceutils.sparse_softmax_cross_entropy(GOOD_LOGITS, [0, 1], axis=2),
         r"axis must be in \[-2, 2\) for logits of shape \(2, 3\); got 2"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_agreement_needs_two_implementations():
    from ceutils.agreement import agree

    with pytest.raises(ValueError, match="values must name at least two implementations"):
        agree({"only": 1.0})
