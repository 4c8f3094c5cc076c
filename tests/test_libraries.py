"""A missing library: its error, skipped table rows, ``needs`` blocks, glue without myst-nb.

A library is made missing by putting ``None`` in ``sys.modules`` (so that
``import torch`` raises ``ModuleNotFoundError``, as without PyTorch) or, for a
whole process, by stub packages first on ``PYTHONPATH``. (SciPy looks torch up in
``sys.modules`` and fails on ``None``: nothing that calls SciPy runs while torch
is hidden.) Every test says which
mode it runs in: the light mode (no ``CEUTILS_REQUIRE_FRAMEWORKS``) or the
require mode of the book's build and ``make test``.
"""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
import types
from html import escape as html_escape

import numpy as np
import pytest

from ceutils import adapters, crosswalk, libraries
from ceutils.agreement import agree, assert_agree
from ceutils.display import glue
from ceutils.examples import APPENDIX_003
from ceutils.libraries import REQUIRE_VARIABLE, LibraryNotInstalled, load, needs
from tools.downloads import downloads

# What a reader sees: the commands of the "Run this page yourself" note (tools.downloads),
# not built from ceutils.libraries.
_NOTE = downloads()
TORCH_MISSING = f"PyTorch not installed: {_NOTE.pip_frameworks}"
TF_MISSING = f"TensorFlow not installed: {_NOTE.pip_frameworks}"
KERAS_MISSING = f"Keras not installed: {_NOTE.pip_frameworks}"
SKLEARN_MISSING = f"scikit-learn not installed: {_NOTE.pip_notebooks}"
FRAMEWORKS = ("torch", "tensorflow", "keras")
LOADERS = (adapters._torch, adapters._tf, adapters._keras)


def _hide(monkeypatch, *modules):
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


@pytest.fixture
def light(monkeypatch):
    """PyTorch, TensorFlow and Keras cannot be imported; a missing library may be skipped."""
    _hide(monkeypatch, *FRAMEWORKS)
    monkeypatch.delenv(REQUIRE_VARIABLE, raising=False)
    for loader in LOADERS:  # the adapters keep the modules they loaded
        loader.cache_clear()
    yield
    for loader in LOADERS:
        loader.cache_clear()


@pytest.fixture
def required(light, monkeypatch):
    """The same libraries missing, in the book's build: a missing library is an error."""
    monkeypatch.setenv(REQUIRE_VARIABLE, "1")


# ------------------------------------------------------------------ the error and load()
@pytest.mark.parametrize("library, message", [
    ("torch", TORCH_MISSING), ("tensorflow", TF_MISSING), ("keras", KERAS_MISSING),
    ("sklearn", SKLEARN_MISSING),
])
def test_library_not_installed_names_the_library_and_the_pip_command(library, message):
    err = LibraryNotInstalled(library)
    assert isinstance(err, ImportError) and str(err) == message and err.library == library
    copy = pickle.loads(pickle.dumps(err))
    assert str(copy) == message and copy.library == library and copy.name == err.name


def test_an_unknown_library_is_a_value_error():
    with pytest.raises(ValueError, match=r"library must be one of \['keras', 'sklearn', "
                                         r"'tensorflow', 'torch'\]; got 'jax'"):
        LibraryNotInstalled("jax")
    with pytest.raises(ValueError, match="library must be one of"):
        needs("pytorch")
    with pytest.raises(ValueError, match="at least one library"):
        needs()


@pytest.mark.parametrize("value, expected", [
    (None, False), ("", False), ("0", False), ("1", True), ("yes", True)])
def test_required_reads_the_variable_at_each_call(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(REQUIRE_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(REQUIRE_VARIABLE, value)
    assert libraries.required() is expected


def test_load_raises_library_not_installed_from_the_import_error(light):
    with pytest.raises(LibraryNotInstalled, match=re.escape(TORCH_MISSING)) as caught:
        load("torch")
    assert isinstance(caught.value.__cause__, ModuleNotFoundError)
    assert caught.value.name == "torch"
    # Keras needs TensorFlow: its absence is reported as Keras not installed
    with pytest.raises(LibraryNotInstalled, match=re.escape(KERAS_MISSING)) as caught:
        load("keras")
    assert caught.value.name == "tensorflow"


def test_load_returns_the_module():
    assert load("sklearn").__name__ == "sklearn"


def test_load_lets_a_broken_install_fail_as_itself(monkeypatch, tmp_path):
    """A library that is installed but misses one of its own dependencies is not 'not installed'."""
    (tmp_path / "brokenlib").mkdir()
    (tmp_path / "brokenlib" / "__init__.py").write_text("import no_such_dependency_abc\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(libraries.LIBRARIES, "brokenlib",
                        libraries.Library("Broken", ("brokenlib",), "frameworks"))
    with pytest.raises(ModuleNotFoundError) as caught:
        load("brokenlib")
    assert type(caught.value) is ModuleNotFoundError
    assert caught.value.name == "no_such_dependency_abc"


@pytest.mark.parametrize("call, message", [
    (lambda: adapters.torch_entropy([0.5, 0.5]), TORCH_MISSING),
    (lambda: adapters.torch_cross_entropy_grad([[1.0, 2.0]], [1]), TORCH_MISSING),
    (lambda: adapters.tf_entropy([0.5, 0.5]), TF_MISSING),
    (lambda: adapters.tf_sigmoid_cross_entropy_grad([1.0], [1.0]), TF_MISSING),
    (lambda: adapters.keras_binary_crossentropy([0.5], [1.0]), KERAS_MISSING),
    (lambda: adapters.keras_loss([0.5], [1.0], loss="BinaryCrossentropy"), KERAS_MISSING),
])
def test_adapters_raise_one_clear_error(light, call, message):
    with pytest.raises(LibraryNotInstalled) as caught:
        call()
    assert str(caught.value) == message


def test_sklearn_adapter_names_the_notebooks_extra(monkeypatch):
    _hide(monkeypatch, "sklearn", "sklearn.metrics")
    with pytest.raises(LibraryNotInstalled) as caught:
        adapters.sklearn_log_loss([0.7, 0.2], [1, 0])
    assert str(caught.value) == SKLEARN_MISSING


def test_adapters_without_the_frameworks_in_a_fresh_process(tmp_path):
    """PyTorch made unimportable for a whole process, as in the light install."""
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'torch'\", name='torch')\n")
    code = ("from ceutils import adapters\n"
            "try:\n    adapters.torch_bce([0.5], [1.0])\n"
            "except ImportError as err:\n    print(type(err).__name__, '|', err)\n")
    env = {k: v for k, v in os.environ.items() if k != REQUIRE_VARIABLE}
    env["PYTHONPATH"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    assert out.stdout.strip() == f"LibraryNotInstalled | {TORCH_MISSING}"


# ------------------------------------------------------------------ agreement tables
def test_a_row_whose_library_is_missing_says_so_and_is_not_checked(light):
    p = np.array([0.7, 0.2, 0.1])
    exact = float(-(p * np.log(p)).sum())
    table = agree({"hand": exact, "scipy-like": lambda: exact * (1 + 1e-15),
                   "PyTorch": lambda: adapters.torch_entropy(p)}, rtol=1e-12)
    assert table.ok and table.compared and table.check() is table
    assert table.skipped == {"PyTorch": TORCH_MISSING}
    assert list(table.values) == ["hand", "scipy-like"] and table["hand"] == exact
    with pytest.raises(LibraryNotInstalled, match=re.escape(TORCH_MISSING)):
        table["PyTorch"]
    html = table._repr_html_()
    assert html_escape(TORCH_MISSING) in html
    assert "<td>skipped</td>" in html and "1 implementation not installed, skipped" in html
    assert html.index("scipy-like") < html.index("PyTorch")  # rows keep their order
    assert TORCH_MISSING in repr(table) and TORCH_MISSING in table._repr_markdown_()


def test_a_skipped_row_does_not_hide_a_disagreement(light):
    table = agree({"a": 1.0, "b": 1.5, "PyTorch": lambda: adapters.torch_entropy([1.0])})
    assert not table.ok and table.disagree == ["b"]
    with pytest.raises(AssertionError, match="b = 1.5 differs from a = 1"):
        table.check()


def test_with_only_the_reference_left_nothing_is_compared_and_the_check_passes(light):
    table = assert_agree({"ceutils": 0.3133, "PyTorch": lambda: adapters.torch_entropy([1.0]),
                          "TensorFlow": lambda: adapters.tf_entropy([1.0])})
    assert table.ok and not table.compared and list(table.values) == ["ceutils"]
    assert "nothing was compared: every other implementation is not installed" in (
        table._repr_html_())
    assert set(table.skipped.values()) == {TORCH_MISSING, TF_MISSING}


def test_the_reference_is_never_skipped(light):
    with pytest.raises(LibraryNotInstalled, match=re.escape(TORCH_MISSING)):
        agree({"PyTorch": lambda: adapters.torch_entropy([1.0]), "ceutils": 0.0})


def test_other_errors_of_a_row_propagate(light):
    def broken():
        raise ZeroDivisionError("a bug, not a missing library")

    with pytest.raises(ZeroDivisionError):
        agree({"a": 1.0, "b": broken})


def test_callable_rows_are_called_in_order():
    called = []
    table = agree({"a": lambda: called.append("a") or 1.0, "b": 1.0,
                   "c": lambda: called.append("c") or 1.0})
    assert called == ["a", "c"] and table.ok and not table.skipped


def test_in_the_books_build_a_missing_row_is_an_error(required):
    with pytest.raises(LibraryNotInstalled, match=re.escape(TORCH_MISSING)) as caught:
        agree({"ceutils": 0.0, "PyTorch": lambda: adapters.torch_entropy([1.0])})
    assert any(f"{REQUIRE_VARIABLE}=1" in note for note in caught.value.__notes__)


# ------------------------------------------------------------------ needs
def test_needs_runs_the_block_when_the_library_is_installed(capsys):
    with needs("sklearn") as block:
        print("ran")
    assert block.missing == () and capsys.readouterr().out == "ran\n"
    with pytest.raises(ValueError, match="not suppressed"), needs("sklearn"):
        raise ValueError("not suppressed")


def test_needs_says_so_in_one_line_and_skips(light, capsys):
    with needs("tensorflow") as block:
        print("discarded")
        import tensorflow  # noqa: F401
        print("never reached")
    assert block.missing == ("tensorflow",)
    assert capsys.readouterr().out == (
        f"This cell runs TensorFlow, which is not installed: {_NOTE.pip_frameworks}\n")
    print("stdout is back")
    assert capsys.readouterr().out == "stdout is back\n"


def test_needs_skips_at_an_adapter_and_at_a_name_a_skipped_block_did_not_define(light, capsys):
    with needs("torch", "keras"):
        adapters.torch_entropy([1.0])
    with needs("torch"):
        print(name_from_a_skipped_cell)  # noqa: F821
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"This cell runs PyTorch and Keras, which are not installed: {_NOTE.pip_frameworks}",
        f"This cell runs PyTorch, which is not installed: {_NOTE.pip_frameworks}"]


def test_needs_suppresses_nothing_else(light, capsys):
    with pytest.raises(ValueError), needs("torch"):
        raise ValueError("a real error")
    # an ImportError of a library the block does not name is a mistake in the notebook
    with pytest.raises(LibraryNotInstalled, match=re.escape(TF_MISSING)), needs("torch"):
        adapters.tf_entropy([1.0])
    with pytest.raises(ImportError, match="cannot import name"), needs("torch"):
        from ceutils import no_such_name  # noqa: F401
    with pytest.raises(RuntimeError, match=r"ran to its end without PyTorch: it does not need"):
        with needs("torch"):
            pass
    capsys.readouterr()
    print("stdout is back")
    assert capsys.readouterr().out == "stdout is back\n"


def test_in_the_books_build_needs_raises_before_the_block(required, capsys):
    ran = []
    with pytest.raises(LibraryNotInstalled, match=re.escape(TF_MISSING)) as caught:
        with needs("tensorflow"):
            ran.append(True)
    assert not ran and capsys.readouterr().out == ""
    assert any(f"{REQUIRE_VARIABLE}=1" in note for note in caught.value.__notes__)


# ------------------------------------------------------------------ glue
def test_glue_without_myst_nb_shows_the_value_or_nothing(monkeypatch, capsys):
    _hide(monkeypatch, "myst_nb")
    glue("c00_hidden", 0.25, display=False)
    assert capsys.readouterr().out == ""
    glue("c00_shown", 0.5)
    assert capsys.readouterr().out.strip() == "0.5"


def test_glue_is_myst_nb_glue_when_myst_nb_is_installed(monkeypatch):
    calls = []
    fake = types.ModuleType("myst_nb")
    fake.glue = lambda name, variable, display=True: calls.append((name, variable, display))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    glue("c00_x", 0.5, display=False)
    glue("c00_y", "0.25")
    assert calls == [("c00_x", 0.5, False), ("c00_y", "0.25", True)]


def test_glue_refuses_numpy_scalars():
    with pytest.raises(TypeError, match=r"glue 'c00_x': got float64 0.5; glue a Python number"):
        glue("c00_x", np.float64(0.5), display=False)


# ------------------------------------------------------------------ crosswalk
def _inputs():
    x = np.array(APPENDIX_003["logits"])
    labels = np.array(APPENDIX_003["labels"])
    import ceutils

    return dict(logits=x, labels=labels, onehot=np.eye(x.shape[1])[labels],
                probs=ceutils.softmax(x), sigmoid_probs=ceutils.sigmoid(x),
                multi_hot=np.array([[0.0, 0.0, 1.0, 1.0], [1.0, 1.0, 0.0, 0.0]]))


def test_crosswalk_shows_and_skips_the_missing_libraries(light):
    evaluated = crosswalk.evaluate(_inputs())
    fns = [fn for loss in evaluated for fn in loss["functions"]]
    missing = {fn["library"] for fn in fns if "not_installed" in fn}
    assert missing == {"PyTorch", "TensorFlow", "Keras"}
    assert all("value" in fn for fn in fns if fn["library"] in ("ceutils", "scikit-learn"))
    html = crosswalk.tables(evaluated)
    assert html.count("not installed: pip install") == sum("not_installed" in fn for fn in fns)
    for group in ("softmax", "sigmoid"):
        rows = crosswalk.means(evaluated, group)
        assert next(iter(rows)).startswith("ceutils.")  # the reference is always computed
        table = assert_agree(rows, rtol=1e-12)
        assert table.compared and table.skipped
    with pytest.raises(ValueError, match="group must be one of"):
        crosswalk.means(evaluated, "softmx")


def test_crosswalk_in_the_books_build_raises(required):
    with pytest.raises(LibraryNotInstalled):
        crosswalk.evaluate(_inputs())


def test_keras_on_another_backend_is_refused_not_reported_as_tensorflow(monkeypatch):
    keras = pytest.importorskip("keras")
    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    with pytest.raises(RuntimeError, match=r"Keras on TensorFlow; this Keras runs on 'jax' "
                                           r"\(set KERAS_BACKEND=tensorflow"):
        adapters.keras_binary_crossentropy([0.7], [1.0])
