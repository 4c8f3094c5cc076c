"""Every chapter and the errata run in the light install, without PyTorch, TensorFlow and Keras.

Each notebook is executed in a kernel whose ``PYTHONPATH`` starts with stub
packages ``torch``, ``tensorflow``, ``keras`` and ``myst_nb`` that raise
``ModuleNotFoundError`` on import, as in an install without them, and without
``CEUTILS_REQUIRE_FRAMEWORKS``. The notebook must run to its end, every
agreement and crosswalk row of one of those libraries must say that it is not
installed, and every ``with needs(...)`` cell must say what it skipped. No
PyTorch or TensorFlow is imported, so a notebook takes a few seconds.

With ``CEUTILS_REQUIRE_FRAMEWORKS=1`` (the book's build and ``make test``) the
same kernel must fail at the first missing library instead.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from ceutils.libraries import REQUIRE_VARIABLE

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = [*sorted((ROOT / "chapters").glob("*.ipynb")), ROOT / "reference" / "errata.ipynb"]
STUBBED = ("torch", "tensorflow", "keras", "myst_nb")

# What a reader sees, written out here rather than taken from ceutils.libraries.
TITLES = {"torch": "PyTorch", "tensorflow": "TensorFlow", "keras": "Keras"}
INSTALL = "pip install 'ceutils[frameworks]'"
SKIP_ROW = re.compile(r"(PyTorch|TensorFlow|Keras) not installed: " + re.escape(INSTALL))
NEEDS_LINE = re.compile(r"This cell runs (.+), which (?:is|are) not installed: "
                        + re.escape(INSTALL))
# Rows named after a library or one of its functions ("PyTorch BCELoss", "TF 2 (float32)",
# "tf.nn.softmax_cross_entropy_with_logits"). A skipped row must match anywhere in its name;
# a computed row must not match at its start (so "printed by source 002 (TF 1, float32)" and
# "ceutils clip='keras'" are not library rows).
LIBRARY_ROW = re.compile(r"(PyTorch|TensorFlow|TF|Keras)\b|(torch|tf|keras)\.")
USES_FRAMEWORKS = re.compile(r"\b(?:torch|tf|keras)_\w+\(|\bneeds\(|crosswalk\.evaluate\(")


@pytest.fixture(scope="session")
def stubs(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("light-install")
    for name in STUBBED:
        (root / name).mkdir()
        (root / name / "__init__.py").write_text(
            f"raise ModuleNotFoundError(\"No module named '{name}'\", name='{name}')\n")
    return root


def _env(stubs: Path, *, require: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != REQUIRE_VARIABLE}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(stubs), env.get("PYTHONPATH")]))
    if require:
        env[REQUIRE_VARIABLE] = "1"
    return env


def _execute(path: Path, env: dict[str, str]):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute(env=env)
    return nb


def _text(fragment: str) -> str:
    fragment = re.sub(r"<br\s*/?>", " ", fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _tables(nb, css_class: str) -> list[tuple[str, list[list[str]]]]:
    """(caption, rows of cell texts) of every ``<table class="... css_class">`` output."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            markup = out.get("data", {}).get("text/html", "")
            for table in re.findall(rf'<table class="[^"]*\b{css_class}\b.*?</table>', markup,
                                    re.S):
                caption = _text("".join(re.findall(r"<caption>(.*?)</caption>", table, re.S)))
                body = table.split("<tbody>", 1)[1]
                rows = [[_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
                        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
                found.append((caption, rows))
    return found


def _stdout(cell) -> str:
    return "".join(out.get("text", "") for out in cell.get("outputs", [])
                   if out.get("output_type") == "stream" and out.get("name") == "stdout")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_without_the_frameworks(path, stubs):
    nb = _execute(path, _env(stubs, require=False))
    skips = 0

    for caption, rows in _tables(nb, "ce-agreement"):
        for name, value, _diff, verdict in rows:
            assert verdict != "✗", f"{name} disagrees"
            if verdict == "skipped":
                skips += 1
                lib = SKIP_ROW.fullmatch(value)
                assert lib, f"row {name!r} is skipped with {value!r}"
                assert LIBRARY_ROW.search(name), f"row {name!r} is not a library's, yet skipped"
            elif LIBRARY_ROW.match(name):
                pytest.fail(f"row {name!r} shows {value!r} although its library is not installed")
        if all(verdict == "skipped" for *_, verdict in rows[1:]):
            assert "nothing was compared" in caption, caption

    for _caption, rows in _tables(nb, "ce-crosswalk"):
        for function, *_, value in rows:
            library = function.split()[0]
            if library in TITLES.values():
                skips += 1
                assert SKIP_ROW.fullmatch(value).group(1) == library, (function, value)
            else:
                float(value)  # ceutils and scikit-learn still compute

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for args in re.findall(r"with needs\(([^)]*)\)", cell.source):
            named = [TITLES[n] for n in re.findall(r"[\"'](\w+)[\"']", args) if n in TITLES]
            titles = ", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0]
            lines = [m.group(1) for m in NEEDS_LINE.finditer(_stdout(cell))]
            assert titles in lines, f"cell {cell.source[:60]!r} printed {_stdout(cell)!r}"
            skips += 1

    uses = any(USES_FRAMEWORKS.search(c.source) for c in nb.cells if c.cell_type == "code")
    assert (skips > 0) == uses, f"{skips} skips; the notebook uses the frameworks: {uses}"


def test_a_missing_framework_fails_the_notebook_when_required(stubs):
    with pytest.raises(CellExecutionError) as failure:
        _execute(ROOT / "chapters" / "01_information_and_entropy.ipynb",
                 _env(stubs, require=True))
    message = re.sub(r"\x1b\[[0-9;]*m", "", str(failure.value))  # the traceback's colours
    assert "LibraryNotInstalled: PyTorch not installed: " + INSTALL in message
    assert f"{REQUIRE_VARIABLE}=1: the book's build and tests need every library" in message
