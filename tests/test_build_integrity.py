"""The book never shows outputs that the current code and dependencies did not compute.

Fast checks of the parts (tools/dependencies.py, tools/handover.py, the Makefile),
then builds of a small temporary copy of the book (marked ``book_build``): one
notebook that prints what a function of the copy's ``ceutils`` returns. They show
that a change to ``ceutils`` reaches the HTML, and that a notebook that failed
under nbmake is executed by the build itself while one that passed is taken over.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tools import dependencies, handover

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- fingerprint
def _fake_book(root: Path) -> Path:
    """A directory holding a file under every path of DEPENDENCIES, plus other files."""
    for rel in dependencies.DEPENDENCIES:
        path = root / rel
        if path.suffix:  # a file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{rel}\n", encoding="utf-8")
        else:  # a directory
            (path / "sub").mkdir(parents=True)
            (path / "sub" / "file.txt").write_text(f"{rel}\n", encoding="utf-8")
    (root / "README.md").write_text("readme\n", encoding="utf-8")
    (root / "chapters").mkdir()
    (root / "chapters" / "01.ipynb").write_text("{}", encoding="utf-8")
    return root


def _one_file_under(root: Path, rel: str) -> Path:
    path = root / rel
    return path if path.is_file() else path / "sub" / "file.txt"


@pytest.mark.parametrize("rel", dependencies.DEPENDENCIES)
def test_fingerprint_changes_with_each_dependency(tmp_path, rel):
    book = _fake_book(tmp_path)
    before = dependencies.fingerprint(book)
    _one_file_under(book, rel).write_text("changed\n", encoding="utf-8")
    assert dependencies.fingerprint(book) != before


def test_fingerprint_sees_data_files_new_files_and_removals_in_ceutils(tmp_path):
    book = _fake_book(tmp_path)
    seen = {dependencies.fingerprint(book)}
    data = book / "ceutils" / "data" / "table.csv"
    data.parent.mkdir()
    data.write_text("a,b\n", encoding="utf-8")
    seen.add(dependencies.fingerprint(book))
    data.unlink()
    (book / "ceutils" / "sub" / "file.txt").rename(book / "ceutils" / "sub" / "moved.txt")
    seen.add(dependencies.fingerprint(book))
    assert len(seen) == 3


def test_fingerprint_ignores_what_notebook_outputs_do_not_depend_on(tmp_path):
    book = _fake_book(tmp_path)
    before = dependencies.fingerprint(book)
    (book / "README.md").write_text("other\n", encoding="utf-8")
    (book / "chapters" / "01.ipynb").write_text('{"cells": []}', encoding="utf-8")
    cached = book / "ceutils" / "__pycache__" / "losses.cpython-311.pyc"
    cached.parent.mkdir()
    cached.write_bytes(b"\0")
    (book / "ceutils" / ".losses.py.swp").write_bytes(b"\0")
    assert dependencies.fingerprint(book) == before


def test_refresh_cache_empties_a_cache_of_other_dependencies(tmp_path):
    cache_dir = tmp_path / "cache"
    assert dependencies.refresh_cache(cache_dir, "one")  # no cache yet
    (cache_dir / "record").write_text("outputs", encoding="utf-8")
    assert not dependencies.refresh_cache(cache_dir, "one")
    assert (cache_dir / "record").is_file()
    assert dependencies.refresh_cache(cache_dir, "two")
    assert not (cache_dir / "record").exists()
    assert dependencies.stored_fingerprint(cache_dir) == "two"
    dependencies.forget_fingerprint(cache_dir)
    assert dependencies.refresh_cache(cache_dir, "two")


# --------------------------------------------------------------------------- hand-over
def _notebook() -> nbformat.NotebookNode:
    nb = new_notebook(cells=[new_markdown_cell("# Title"), new_code_cell("x = 6 * 7"),
                             new_code_cell("print(x)")])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3",
                              "language": "python"}
    return nb


def _executed_copy(fingerprint: str) -> nbformat.NotebookNode:
    """The copy as nbmake --overwrite writes it after a successful run."""
    nb = _notebook()
    nb.metadata[handover.METADATA_KEY] = {"dependencies": fingerprint}
    nb.metadata.language_info = {"name": "python", "pygments_lexer": "ipython3"}
    first, second = nb.cells[1], nb.cells[2]
    first.execution_count, second.execution_count = 1, 2
    second.outputs = [new_output("stream", name="stdout", text="42\n")]
    for cell in (first, second):  # nbclient's record_timing
        cell.metadata.execution = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    return nb


@pytest.fixture
def handed_over(tmp_path):
    """A book root with one notebook and its executed copy; returns (root, path, copy)."""
    path = tmp_path / "chapters" / "probe.ipynb"
    path.parent.mkdir()
    nbformat.write(_notebook(), path)
    copy = handover.copy_path(path, tmp_path)
    copy.parent.mkdir(parents=True)
    nbformat.write(_executed_copy("current"), copy)
    return tmp_path, path, copy


def test_a_good_copy_is_taken_and_the_cache_recognises_the_notebook(handed_over, tmp_path):
    root, path, _ = handed_over
    nb, reason = handover.take(path, "current", root)
    assert nb is not None, reason
    assert [c.get("outputs") for c in nb.cells[1:]] == [[], [
        new_output("stream", name="stdout", text="42\n")]]
    assert nb.metadata.language_info["pygments_lexer"] == "ipython3"
    cache = get_cache(str(tmp_path / "cache"))
    record = cache.add_nb_to_project(str(path))
    cache.cache_notebook_bundle(CacheBundleIn(nb, record.uri), check_validity=True)
    # The build looks the notebook up as it is stored, without outputs or timings.
    assert cache.match_cache_notebook(nbformat.read(path, as_version=4))


def _spoil(copy: Path, how: str) -> None:
    nb = nbformat.read(copy, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    if how == "error output":
        code[1].outputs = [new_output("error", ename="ValueError", evalue="x",
                                      traceback=["ValueError: x"])]
    elif how == "cell not executed":  # cells after a failure
        code[1].execution_count = None
        code[1].outputs = []
    elif how == "code changed since":
        code[1].source = "print(x + 1)"
    elif how == "other dependencies":
        nb.metadata[handover.METADATA_KEY] = {"dependencies": "earlier"}
    elif how == "not stamped":
        del nb.metadata[handover.METADATA_KEY]
    if how == "not a notebook":
        copy.write_text("{", encoding="utf-8")
    elif how == "no copy":
        copy.unlink()
    else:
        nbformat.write(nb, copy)


@pytest.mark.parametrize(("how", "reason"), [
    ("error output", "code cell 2 of the copy has an error output"),
    ("cell not executed", "code cell 2 of the copy was not executed in order"),
    ("code changed since", "the copy's code cells differ from the notebook's"),
    ("other dependencies", "the copy was executed under other dependencies"),
    ("not stamped", "the copy was executed under other dependencies"),
    ("not a notebook", "the copy is not a valid notebook"),
    ("no copy", handover.NO_COPY),
])
def test_a_copy_is_refused(handed_over, how, reason):
    root, path, copy = handed_over
    _spoil(copy, how)
    nb, why = handover.take(path, "current", root)
    assert nb is None and why.startswith(reason)


def test_stage_mirrors_the_book_so_relative_reads_resolve(tmp_path):
    (tmp_path / "chapters").mkdir()
    nbformat.write(_notebook(), tmp_path / "chapters" / "a.ipynb")
    (tmp_path / "chapters" / "figure.png").write_bytes(b"png")
    (tmp_path / "benchmarks" / "results").mkdir(parents=True)
    (tmp_path / "benchmarks" / "results" / "speed.csv").write_text("1\n", encoding="utf-8")
    handover.stage([tmp_path / "chapters" / "a.ipynb"], tmp_path)
    stale = tmp_path / handover.CARRIER / "chapters" / "stale.ipynb"
    stale.write_text("{}", encoding="utf-8")

    copies = handover.stage([tmp_path / "chapters" / "a.ipynb"], tmp_path)
    carrier = tmp_path / handover.CARRIER
    assert copies == [carrier / "chapters" / "a.ipynb"]
    assert not stale.exists(), "staging again must start from an empty mirror"
    cwd = copies[0].parent  # a notebook's working directory
    assert (cwd / ".." / "benchmarks" / "results" / "speed.csv").read_text() == "1\n"
    assert (cwd / "figure.png").read_bytes() == b"png"
    assert not (carrier / handover.CARRIER).exists()
    copy = nbformat.read(copies[0], as_version=4)
    assert copy.metadata[handover.METADATA_KEY] == {
        "dependencies": dependencies.fingerprint(tmp_path)}
    assert copy.cells == nbformat.read(tmp_path / "chapters" / "a.ipynb", as_version=4).cells
    assert (tmp_path / "chapters" / "a.ipynb").is_file() and not copies[0].is_symlink()


def _dry_run(target: str) -> list[str]:
    result = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "-o", "node_modules/.package-lock.json",
         target], cwd=ROOT, capture_output=True, text=True, check=True, env=_clean_env())
    return result.stdout.splitlines()


def _index(lines: list[str], text: str) -> int:
    return next(i for i, line in enumerate(lines) if text in line)


def test_make_book_and_make_test_clear_the_copies_first():
    book = _dry_run("book")
    assert book[0] == f"rm -rf {handover.CARRIER}"
    test = _dry_run("test")
    assert test[0] == f"rm -rf {handover.CARRIER}"
    # make test hands nbmake's fresh executions to the build.
    nbmake = _index(test, "--nbmake")
    assert _index(test, "-m tools.handover") < nbmake < _index(test, "tools.execute_notebooks")
    assert "--overwrite" in test[nbmake] and f" {handover.CARRIER}/chapters/" in test[nbmake]


# --------------------------------------------------------------------------- builds
PROBE_NOTEBOOK = [
    "import os\n\nfrom ceutils._probe import probe\n\nprint('probe says', probe())",
    "assert not os.environ.get('PROBE_FAIL'), 'failing on purpose'",
    "print('executed by', os.environ.get('PROBE_RUN', 'the build'))",
]
# Without the PDF and the downloads (BOOK_EXTRAS=0): this book is about its HTML.
MAKE_NO_INSTALL = ["make", "-o", ".venv/.installed", "-o", "node_modules/.package-lock.json",
                   "BOOK_EXTRAS=0"]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MAKE", "MFLAGS", "PYTEST_", "PROBE_"))}
    env.update(extra)
    return env


@pytest.fixture
def tiny_book(tmp_path) -> Path:
    """A copy of the book's build with one page: a notebook that prints ceutils._probe.probe().

    Its kernels import the copy's ceutils (PYTHONPATH) from the book's .venv.
    """
    book = tmp_path / "book"
    book.mkdir()
    for name in ("_config.yml", "Makefile", "requirements.txt", "pyproject.toml",
                 "CITATION.cff", "references.bib"):
        shutil.copy2(ROOT / name, book / name)
    ignore = shutil.ignore_patterns("__pycache__")
    for name in ("_ext", "tools", "ceutils"):
        shutil.copytree(ROOT / name, book / name, ignore=ignore)
    for name in (".venv", "node_modules"):
        (book / name).symlink_to(ROOT / name)
    (book / "ceutils" / "_probe.py").write_text(
        'def probe():\n    return "first"\n', encoding="utf-8")
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/probe\n", encoding="utf-8")
    (book / "intro.md").write_text("# A one-page book\n\nSee {doc}`chapters/probe`.\n",
                                   encoding="utf-8")
    (book / "chapters").mkdir()
    nb = new_notebook(cells=[new_markdown_cell("# Probe"),
                             *(new_code_cell(code) for code in PROBE_NOTEBOOK)])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3",
                              "language": "python"}
    nbformat.write(nb, book / "chapters" / "probe.ipynb")
    return book


def _run(book: Path, *command: str, ok: bool = True, **env: str) -> str:
    result = subprocess.run(command, cwd=book, capture_output=True, text=True,
                            env=_clean_env(PYTHONPATH=str(book), **env), timeout=600)
    output = result.stdout + result.stderr
    if ok:
        assert result.returncode == 0, f"{' '.join(command)} failed:\n{output[-4000:]}"
    else:
        assert result.returncode != 0, f"{' '.join(command)} should have failed"
    return output


def _page(book: Path) -> str:
    return (book / "_build" / "html" / "chapters" / "probe.html").read_text(encoding="utf-8")


def _nbmake(book: Path, *, ok: bool = True, **env: str) -> None:
    """What make test does before the build: fresh copies, executed under nbmake."""
    python = str(book / ".venv" / "bin" / "python")
    _run(book, python, "-m", "tools.handover", "chapters/probe.ipynb")
    _run(book, python, "-m", "pytest", "-q", "--nbmake", "--overwrite",
         f"{handover.CARRIER}/chapters/probe.ipynb", ok=ok, **env)


def _render(book: Path) -> str:
    """What make test does after nbmake (Makefile: render_book), without clearing."""
    bin_ = book / ".venv" / "bin"
    log = _run(book, str(bin_ / "python"), "-m", "tools.execute_notebooks")
    _run(book, str(bin_ / "jupyter-book"), "build", "-W", "-n", "--keep-going", ".")
    return log


@pytest.mark.book_build
def test_a_change_to_ceutils_reaches_the_html(tiny_book):
    log = _run(tiny_book, *MAKE_NO_INSTALL, "book")
    assert "probe says first" in _page(tiny_book)
    assert "1 to execute" in log

    probe = tiny_book / "ceutils" / "_probe.py"
    probe.write_text(probe.read_text(encoding="utf-8").replace('"first"', '"second"'),
                     encoding="utf-8")
    log = _run(tiny_book, *MAKE_NO_INSTALL, "book")
    assert "the dependencies changed" in log and "1 to execute" in log
    page = _page(tiny_book)
    assert "probe says second" in page and "probe says first" not in page

    log = _run(tiny_book, *MAKE_NO_INSTALL, "book")
    assert "0 taken from the tests, 0 to execute" in log, "an unchanged book re-executed"
    assert "probe says second" in _page(tiny_book)


@pytest.mark.book_build
def test_the_build_executes_a_notebook_that_failed_under_nbmake(tiny_book):
    _nbmake(tiny_book, ok=False, PROBE_FAIL="1", PROBE_RUN="nbmake")
    failed = nbformat.read(tiny_book / handover.CARRIER / "chapters" / "probe.ipynb", 4)
    code = [cell for cell in failed.cells if cell.cell_type == "code"]
    assert code[1].outputs[0].output_type == "error" and code[2].execution_count is None

    log = _render(tiny_book)
    assert "code cell 2 of the copy has an error output" in log
    assert "0 taken from the tests, 1 to execute" in log
    page = _page(tiny_book)
    assert "executed by the build" in page and "executed by nbmake" not in page
    assert "AssertionError" not in page and "Traceback" not in page
    assert not (tiny_book / handover.CARRIER).exists()

    # A notebook that passed under nbmake is taken over, although the cache has it.
    _nbmake(tiny_book, PROBE_RUN="nbmake")
    log = _render(tiny_book)
    assert "1 taken from the tests, 0 to execute" in log
    assert "executed by nbmake" in _page(tiny_book)

    # make book deletes copies left from a run that stopped before the build.
    _nbmake(tiny_book, PROBE_RUN="an earlier test run")
    log = _run(tiny_book, *MAKE_NO_INSTALL, "book")
    assert "0 taken from the tests, 0 to execute" in log
    assert "an earlier test run" not in _page(tiny_book)
