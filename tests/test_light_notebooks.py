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

import os
import re
from pathlib import Path

import nbformat
import pytest
from light_outputs import INSTALL, check_light_outputs
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from ceutils.libraries import REQUIRE_VARIABLE

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = [ROOT / "intro.ipynb", *sorted((ROOT / "chapters").glob("*.ipynb")),
             ROOT / "reference" / "errata.ipynb"]
STUBBED = ("torch", "tensorflow", "keras", "myst_nb")


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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_without_the_frameworks(path, stubs):
    check_light_outputs(_execute(path, _env(stubs, require=False)))


def test_a_needs_block_of_installed_libraries_runs_and_is_checked(stubs, tmp_path):
    """needs("sklearn") names an installed library: the block runs and prints no skip line."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('from ceutils.libraries import needs\n'
                                  'with needs("sklearn"):\n'
                                  '    from sklearn.metrics import log_loss\n'
                                  '    print(round(log_loss([1, 0], [0.8, 0.3]), 4))'),
        nbformat.v4.new_code_cell('with needs("sklearn", "torch"):\n'
                                  '    import torch'),
    ])
    path = tmp_path / "sklearn.ipynb"
    nbformat.write(nb, path)
    executed = _execute(path, _env(stubs, require=False))
    assert check_light_outputs(executed) == 1  # the torch block only
    assert executed.cells[0].outputs[0]["text"] == "0.2899\n"


def test_a_missing_framework_fails_the_notebook_when_required(stubs):
    with pytest.raises(CellExecutionError) as failure:
        _execute(ROOT / "chapters" / "01_information_and_entropy.ipynb",
                 _env(stubs, require=True))
    message = re.sub(r"\x1b\[[0-9;]*m", "", str(failure.value))  # the traceback's colours
    assert "LibraryNotInstalled: PyTorch not installed: " + INSTALL in message
    assert f"{REQUIRE_VARIABLE}=1: the book's build and tests need every library" in message
