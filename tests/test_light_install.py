"""A reader's route: the wheel's light extra in a fresh virtual environment, chapters run there.

The downloads are built as ``make book`` builds them (:mod:`tools.downloads`)
and unpacked into an empty directory; a new virtual environment gets exactly
the command the "Run this page yourself" note gives, ``pip install
"ceutils-<version>-py3-none-any.whl[notebooks]"`` (pip may use its cache).
Each chapter is copied from the unpacked sources into a directory of its own
(a reader may have downloaded nothing else) and executed there by nbclient in
that environment's own kernel, without ``CEUTILS_REQUIRE_FRAMEWORKS``. It must
run to its end and show the skips of a light install (``light_outputs``).

About 1.5 min; ``make test-light-install`` runs it (CI after ``make test``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from light_outputs import check_light_outputs

from ceutils.libraries import REQUIRE_VARIABLE
from tools.downloads import build, downloads

pytestmark = pytest.mark.light_install

# Chapter 04 (softmax cross entropy, tables of PyTorch and TensorFlow rows), chapter 11
# (mpmath, and cells of all three frameworks) and the appendix that reads the committed
# benchmark results from the package data.
NOTEBOOKS = ["chapters/04_softmax_cross_entropy.ipynb",
             "chapters/11_numerical_stability.ipynb",
             "chapters/benchmarks.ipynb"]

# Appended to each notebook: which interpreter ran it, and what is importable there.
PROBE = """\
import importlib.util, json, sys
print(json.dumps({"prefix": sys.prefix, "missing": [m for m in
    ("torch", "tensorflow", "keras", "myst_nb") if importlib.util.find_spec(m) is None]}))
"""

# Run by the fresh environment's Python: execute one notebook in its own directory.
RUNNER = """\
import sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient
source, target, probe = sys.argv[1:]
nb = nbformat.read(source, as_version=4)
nb.cells.append(nbformat.v4.new_code_cell(probe))
NotebookClient(nb, timeout=300, kernel_name="python3",
               resources={"metadata": {"path": str(Path(source).parent)}}).execute()
nbformat.write(nb, target)
"""


def _env(tmp: Path) -> dict[str, str]:
    """The reader's environment: no book settings, no user kernels, no Python path."""
    env = {k: v for k, v in os.environ.items()
           if k not in {REQUIRE_VARIABLE, "PYTHONPATH", "VIRTUAL_ENV"}
           and not k.startswith("JUPYTER")}
    env["JUPYTER_DATA_DIR"] = str(tmp / "jupyter-data")  # no kernel spec of the user's
    env["JUPYTER_CONFIG_DIR"] = str(tmp / "jupyter-config")
    env["IPYTHONDIR"] = str(tmp / "ipython")
    return env


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    """(unpacked sources, the fresh environment's python, its environment variables)."""
    tmp = tmp_path_factory.mktemp("reader")
    archive, wheel = build(tmp / "site" / "download")
    home = tmp / "home"
    home.mkdir()
    for file in (archive, wheel):
        shutil.copy(file, home)
    with zipfile.ZipFile(home / archive.name) as zf:
        zf.extractall(home)
    env = _env(tmp)
    subprocess.run([sys.executable, "-m", "venv", str(home / "env")], check=True, env=env)
    python = home / "env" / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    f"{wheel.name}[notebooks]"], cwd=home, check=True, env=env)
    return home / downloads().zip_folder, python, env


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[Path(n).stem for n in NOTEBOOKS])
def test_chapter_runs_in_the_light_install(reader, notebook, tmp_path):
    sources, python, env = reader
    alone = tmp_path / "alone"
    alone.mkdir()
    source = Path(shutil.copy(sources / notebook, alone))
    executed = tmp_path / "executed.ipynb"
    run = subprocess.run([str(python), "-c", RUNNER, str(source), str(executed), PROBE],
                         cwd=alone, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-4000:]

    nb = nbformat.read(executed, as_version=4)
    probe = nb.cells.pop()
    seen = json.loads(probe.outputs[-1]["text"])
    assert Path(seen["prefix"]).resolve() == python.parent.parent.resolve(), "another Python ran it"
    assert seen["missing"] == ["torch", "tensorflow", "keras", "myst_nb"]
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    assert check_light_outputs(nb) > 0, "no row or cell says PyTorch or TensorFlow is missing"
