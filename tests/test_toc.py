"""The one reader of _toc.yml (tools/toc.py) on a table of contents written for the test,
and on the book's own."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tools import toc

ROOT = Path(__file__).resolve().parents[1]

TOC = """\
format: jb-book
root: index
parts:
  - caption: First part
    numbered: true
    chapters:
      - file: a/one
        sections:
          - file: a/one_detail
      - file: a/two.ipynb
  - caption: Unnumbered part
    chapters:
      - file: b/appendix
  - caption: Second numbered part
    numbered: true
    chapters:
      - file: c/three
      - url: https://example.org
        title: A link
"""


@pytest.fixture
def book(tmp_path: Path) -> Path:
    (tmp_path / "_toc.yml").write_text(TOC, encoding="utf-8")
    for name in ("index.md", "a/one.ipynb", "a/one_detail.md", "a/two.ipynb",
                 "b/appendix.md", "c/three.md"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}" if path.suffix == ".ipynb" else "# Title\n", encoding="utf-8")
    return tmp_path


def test_docnames_in_reading_order_without_suffixes(book):
    assert toc.docnames(book) == ["index", "a/one", "a/one_detail", "a/two", "b/appendix",
                                  "c/three"]


def test_numbered_chapters_run_on_across_numbered_parts(book):
    # Sections are not chapters; unnumbered parts and links are skipped.
    assert toc.numbered_chapters(book) == ["a/one", "a/two", "c/three"]


def test_notebooks_and_sources(book):
    assert toc.notebooks(book) == [book / "a/one.ipynb", book / "a/two.ipynb"]
    assert toc.source("c/three", book) == book / "c/three.md"
    with pytest.raises(FileNotFoundError, match=r"'c/missing'.*c/missing\.ipynb"):
        toc.source("c/missing", book)


def test_globs_are_refused_not_skipped(tmp_path):
    (tmp_path / "_toc.yml").write_text(textwrap.dedent("""\
        format: jb-book
        root: index
        chapters:
          - glob: chapters/*
        """), encoding="utf-8")
    with pytest.raises(ValueError, match="glob 'chapters/\\*'"):
        toc.docnames(tmp_path)


def test_every_page_of_the_book_has_a_source():
    names = toc.docnames(ROOT)
    assert names[0] == "intro" and len(names) == len(set(names))
    for name in names:
        assert toc.source(name, ROOT).is_file()
