"""Packaging promises: a light import, documented public functions, one dtype rule,
the worked examples, provenance, and the data that ships inside the package."""

import importlib
import inspect
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import numpy as np
import pytest
from numpydoc.validate import validate

import ceutils

ROOT = Path(__file__).resolve().parents[1]

# ceutils' public functions: the mathematics at the top level, and the modules
# loaded on first use.
MODULES = ["ceutils", "ceutils.adapters", "ceutils.agreement", "ceutils.crosswalk",
           "ceutils.display", "ceutils.examples", "ceutils.fitting", "ceutils.libraries",
           "ceutils.provenance", "ceutils.results"]


def _public_callables():
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.ismodule(obj) or not callable(obj):
                continue
            yield f"{module_name}.{name}"
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and inspect.isfunction(member):
                        yield f"{module_name}.{name}.{attr}"


PUBLIC = sorted(set(_public_callables()))
MATH = [name for name in ceutils.__all__
        if inspect.isfunction(getattr(ceutils, name)) and name != "versions"]
# numpydoc's checks, all but these three: a See Also section, an extended summary
# and examples are welcome (the mathematics has doctests, checked below) but not required.
NOT_REQUIRED = {"SA01", "ES01", "EX01"}


@pytest.mark.parametrize("path", PUBLIC)
def test_numpydoc_validates(path):
    errors = [f"{code}: {msg}" for code, msg in validate(path)["errors"]
              if code not in NOT_REQUIRED]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("name", MATH)
def test_math_is_documented_with_formula_example_and_chapter(name):
    func = getattr(ceutils, name)
    doc = inspect.getdoc(func) or ""
    assert ".. math::" in doc or ":math:" in doc, f"{name} docstring lacks its formula"
    assert ">>>" in doc, f"{name} docstring lacks a doctest"
    assert re.search(r"Derived in chapters? \d+", doc), f"{name} does not name its chapter"


REDUCING = [n for n in MATH if "reduction" in inspect.signature(getattr(ceutils, n)).parameters]


@pytest.mark.parametrize("name", REDUCING)
def test_returns_gives_the_shape_for_each_reduction(name):
    doc = inspect.getdoc(getattr(ceutils, name))
    returns = doc.split("Returns\n-------\n", 1)[1].split("\n\n", 1)[0]
    assert "every ``reduction``" in returns or all(
        f'"{r}"' in returns for r in ("none", "mean", "sum")), returns


def test_chapters_named_in_docstrings_exist():
    chapters = {int(p.name[:2]) for p in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")}
    for name in MATH:
        for number in re.findall(r"chapters? (\d+)(?:\s+and\s+(\d+))?",
                                 inspect.getdoc(getattr(ceutils, name))):
            for n in filter(None, number):
                assert int(n) in chapters, (name, n)


# ------------------------------------------------------------------ one dtype rule
LOSSES_AND_GRADIENTS = [
    ("softmax_cross_entropy", [[1.0, 2.0], [0.5, -1.0]], [[0, 1], [1, 0]], {}),
    ("sparse_softmax_cross_entropy", [[1.0, 2.0], [0.5, -1.0]], [1, 0], {"weight": [0.5, 2.0]}),
    ("binary_cross_entropy_with_logits", [[1.0, -2.0]], [[1, 0]],
     {"weight": [[2.0, 1.0]], "pos_weight": [3.0, 1.0]}),
    ("sigmoid_squared_error", [[1.0, -2.0]], [[1, 0]], {}),
]


@pytest.mark.parametrize("name, logits, targets, options", LOSSES_AND_GRADIENTS,
                         ids=[c[0] for c in LOSSES_AND_GRADIENTS])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_loss_and_gradient_return_the_logits_dtype(name, logits, targets, options, reduction,
                                                   dtype):
    """Targets (a list, so float64 or int64) and float64 weights are cast to the logits' dtype."""
    x = np.array(logits, dtype=dtype)
    loss = getattr(ceutils, name)(x, targets, reduction=reduction, **options)
    grad = getattr(ceutils, name + "_grad")(x, targets, reduction=reduction, **options)
    assert np.asarray(loss).dtype == dtype
    assert grad.dtype == dtype and grad.shape == x.shape


@pytest.mark.parametrize("name, probs, targets", [
    ("binary_cross_entropy", [0.25, 0.5], [1, 0]),
    ("categorical_cross_entropy", [[0.25, 0.75]], [[0, 1]]),
])
def test_losses_on_probabilities_return_the_probs_dtype(name, probs, targets):
    assert getattr(ceutils, name)(np.float32(probs), targets).dtype == np.float32


# ------------------------------------------------------------------ light import, version
def test_import_imports_no_heavy_module():
    code = (
        "import sys; import ceutils;"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'torch', 'tensorflow', 'keras', 'sklearn', 'scipy', 'matplotlib', 'mpmath', "
        "'IPython'}); print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import ceutils pulled in {out.stdout.strip()}"


@pytest.mark.parametrize("module", ["ceutils.display", "ceutils.agreement", "ceutils.results",
                                    "ceutils.crosswalk", "ceutils.adapters", "ceutils.libraries",
                                    "ceutils.fitting"])
def test_submodules_import_no_heavy_module(module):
    code = (f"import sys; import {module};"
            "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
            "{'torch', 'tensorflow', 'keras', 'sklearn', 'scipy', 'matplotlib', 'IPython'});"
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import {module} pulled in {out.stdout.strip()}"


def test_version_is_read_from_the_package_metadata():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert ceutils.__version__ == project["version"]
    assert '__version__ = "' not in (ROOT / "ceutils" / "__init__.py").read_text()


def test_tensorflow_logging_is_configured_in_one_place():
    """ceutils.adapters sets TF_CPP_MIN_LOG_LEVEL; nothing else in the repository does."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    setters = sorted(name for name in tracked
                     if Path(name).suffix in {".py", ".ipynb", ".cfg", ".toml", ""}
                     and name != "tests/test_package.py" and (ROOT / name).is_file()
                     and "TF_CPP_MIN_LOG_LEVEL" in (ROOT / name).read_text(errors="ignore"))
    assert setters == ["ceutils/adapters.py"]
    code = "import os, ceutils.adapters; print(os.environ['TF_CPP_MIN_LOG_LEVEL'])"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    assert out.stdout.strip() == "3"


# ------------------------------------------------------------------ worked examples, provenance
def test_worked_examples_are_named_data():
    ex = ceutils.examples.EXAMPLES
    assert {"COMPUTER_BOOT", "BANK", "TF_SOFTMAX_12", "TF_SPARSE_12", "DOG_HORSE"} <= set(ex)
    for name, example in ex.items():
        assert example.source[:3] in {"000", "001", "002", "003", "004"}, name
        with pytest.raises(TypeError):
            example.inputs["new"] = 1  # read-only: inputs are typed once


def test_printed_numbers_are_compared_at_the_printed_precision():
    bank = ceutils.examples.BANK
    assert bank.as_printed("torch", 0.28990924) == 0.2899
    assert bank.as_printed("losses", [0.356674943, 0.223143551]) == (0.356675, 0.223144)
    bank.assert_printed("sklearn", 0.2899092476264711)
    with pytest.raises(AssertionError, match=r"004 例1 printed mean = 0\.289909, but the "
                                             r"computed 0\.28992 rounds to 0\.28992"):
        bank.assert_printed("mean", 0.28992)
    boot = ceutils.examples.COMPUTER_BOOT  # printed 2.30: two decimals, stored as 2.3
    boot.assert_printed("information", [0.3567, 1.6094, 2.3026], decimals=2)
    with pytest.raises(AssertionError):
        boot.assert_printed("information", [0.3567, 1.6094, 2.2940], decimals=2)


def test_versions_is_one_line_naming_every_library():
    line = ceutils.versions()
    assert "\n" not in line
    for name in ("Python", "numpy", "scipy", "scikit-learn", "torch", "tensorflow", "keras"):
        assert name in line


# ------------------------------------------------------------------ package data
def test_package_data_is_in_the_wheel(tmp_path):
    """The results and the crosswalk the notebooks read ship inside the wheel."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "ceutils", src / "ceutils",
                    ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", str(src), "-w", str(tmp_path / "dist")],
                   check=True, capture_output=True, cwd=tmp_path)
    (wheel,) = (tmp_path / "dist").glob("ceutils-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    data = {p.name for p in (ROOT / "ceutils" / "data").iterdir() if p.is_file()}
    assert data >= {"accuracy.csv", "accuracy.json", "accuracy.png", "speed.csv", "speed.json",
                    "speed_fused.csv", "memory.csv", "memory.json", "crosswalk.json"}
    assert {f"ceutils/data/{name}" for name in data} <= names


def test_no_notebook_reads_a_file_by_a_relative_path():
    for nb in [*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("reference/*.ipynb")]:
        text = nb.read_text(encoding="utf-8")
        assert not re.search(r"""Path\(\\?["']\.\.|\.\./|benchmarks/results""", text), nb.name
