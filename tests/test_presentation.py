"""What ceutils shows: agreement tables, the HTML every table is built with, the crosswalk."""

import copy
import re
import warnings

import numpy as np
import pytest

import ceutils
from ceutils import crosswalk, display
from ceutils.agreement import agree, assert_agree
from ceutils.examples import APPENDIX_003

TABLE = re.compile(r"<table[^>]*>.*?</table>", re.S)


def _tables(html: str) -> list[str]:
    return TABLE.findall(str(html))


def _columns(table: str) -> list[int]:
    return [len(re.findall(r"<t[hd][ >]", row)) for row in re.findall(r"<tr>.*?</tr>", table)]


# ------------------------------------------------------------------ agreement
def test_assert_agree_names_who_disagrees_and_by_how_much():
    with pytest.raises(AssertionError, match=r"torch = 0\.5 differs from exact = 0\.25 by 0\.25"):
        assert_agree({"exact": 0.25, "numpy": 0.25, "torch": 0.5}, rtol=1e-9)
    table = agree({"exact": [1.0, 2.0], "other": [1.0, 2.0 + 1e-12]}, rtol=1e-9)
    assert table.ok and "agrees" in table._repr_html_() and "|" in table._repr_markdown_()
    shape_mismatch = agree({"a": [1.0, 2.0], "b": [1.0]})
    assert not shape_mismatch.ok and shape_mismatch.disagree == ["b"]
    assert agree({"a": np.inf, "b": np.inf}).ok
    assert not agree({"a": np.inf, "b": 1e308}).ok


def test_agreement_table_has_the_book_classes_and_no_inline_style():
    html = agree({"exact": 0.25, "ceutils": 0.25}, rtol=1e-9)._repr_html_()
    assert html.startswith('<table class="ce-table ce-agreement">')
    assert "style=" not in html
    # value and difference are numeric cells; the name and the verdict are text
    assert re.findall(r"<td( class=\"ce-num\")?>", html) == ["", ' class="ce-num"',
                                                              ' class="ce-num"', ""] * 2


# ------------------------------------------------------------------ display
def test_html_table_marks_numbers_and_escapes_text():
    html = display.html_table(["name", "value"], [["a < b", "1.5e-07"], ["inf", 3]],
                              caption="x & y")
    assert html.startswith('<table class="ce-table"><caption>x &amp; y</caption>')
    assert "<td>a &lt; b</td><td class=\"ce-num\">1.5e-07</td>" in html
    assert "<td class=\"ce-num\">inf</td><td class=\"ce-num\">3</td>" in html
    assert "style=" not in html
    forced = display.html_table(["a", "b"], [["x", "1"]], numeric=[0])
    assert "<td class=\"ce-num\">x</td><td>1</td>" in forced
    markup = display.html_table(["f"], [[display.code("tf.nn.x_y")]])
    assert "<td><code>tf.<wbr>nn.<wbr>x_<wbr>y</code></td>" in markup


def test_show_warnings_prints_and_keeps_them(capsys):
    with display.show_warnings() as caught:
        warnings.warn("first", UserWarning, stacklevel=1)
        with np.errstate(over="warn"):
            np.exp(np.array([1000.0]))
    assert [w.category for w in caught] == [UserWarning, RuntimeWarning]
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "UserWarning: first" and out[1].startswith("RuntimeWarning: overflow")


# ------------------------------------------------------------------ crosswalk
@pytest.fixture(scope="module")
def evaluated():
    x = np.array(APPENDIX_003["logits"])
    labels = np.array(APPENDIX_003["labels"])
    inputs = dict(logits=x, labels=labels, onehot=np.eye(x.shape[1])[labels],
                  probs=ceutils.softmax(x), sigmoid_probs=ceutils.sigmoid(x),
                  multi_hot=np.array([[0.0, 0.0, 1.0, 1.0], [1.0, 1.0, 0.0, 0.0]]))
    return crosswalk.evaluate(inputs)


def test_crosswalk_tables_are_narrow(evaluated):
    tables = _tables(crosswalk.tables(evaluated))
    assert len(tables) == len(crosswalk.losses())
    for table in tables:
        assert table.startswith('<table class="ce-table ce-crosswalk">')
        assert set(_columns(table)) == {4}
        assert "style=" not in table


def test_crosswalk_functions_agree_within_each_group(evaluated):
    groups = {}
    for loss in evaluated:
        for fn in loss["functions"]:
            groups.setdefault(loss["group"], {})[fn["function"]] = float(np.mean(fn["value"]))
    assert set(groups) == {"softmax", "sigmoid"}
    for values in groups.values():
        assert_agree(values, rtol=1e-12)


def test_crosswalk_names_each_library_function_once_and_fills_in_constants():
    functions = [fn["function"] for loss in crosswalk.losses() for fn in loss["functions"]]
    assert len(functions) == len(set(functions)) == 24
    text = " ".join(fn["clipping"] for loss in crosswalk.losses() for fn in loss["functions"])
    assert "{" not in text and f"{ceutils.KERAS_EPSILON:g}" in text
    assert f"{ceutils.TORCH_LOG_CLAMP:g}" in text


def test_crosswalk_needs_every_input():
    with pytest.raises(ValueError, match="inputs must name .* missing"):
        crosswalk.evaluate({"logits": np.zeros((2, 4))})


def test_crosswalk_reductions_match_the_shapes_returned(evaluated):
    assert crosswalk.check_reductions(evaluated) == 24


def test_crosswalk_reduction_check_names_a_contradicted_entry(evaluated):
    broken = copy.deepcopy(evaluated)
    fn = broken[0]["functions"][0]  # tf.nn.sparse_softmax_cross_entropy_with_logits
    fn["reduction"] = "mean"
    with pytest.raises(AssertionError, match=r"sparse_softmax.*promises shape \(\), got \(2,\)"):
        crosswalk.check_reductions(broken)
