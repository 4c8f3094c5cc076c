"""The book never shows outputs that the current code and dependencies did not compute.

Fast checks of the fingerprint (tools/dependencies.py), then builds of a small
temporary copy of the book (marked ``book_build``): one notebook that prints what
a function of the copy's ``ceutils`` returns. They show that a change to
``ceutils`` reaches the HTML.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tools import dependencies

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


# --------------------------------------------------------------------------- builds
PROBE_NOTEBOOK = [
    "from ceutils._probe import probe\n\nprint('probe says', probe())",
]
MAKE_NO_INSTALL = ["make", "-o", ".venv/.installed", "-o", "node_modules/.package-lock.json"]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MAKE", "MFLAGS", "PYTEST_"))}
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
    assert "0 to execute" in log, "an unchanged book re-executed"
    assert "probe says second" in _page(tiny_book)
