"""Checks of the built website in _build/html (run after `make book`).

These read the HTML that readers get. They fail, rather than skip, when the
site has not been built: `make test` always builds it first.
"""

import html
import re
from pathlib import Path

import pytest

from tools import cff, citation, toc
from tools.downloads import FRAMEWORKS_NEEDS

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"

pytestmark = pytest.mark.site


def _page(doc: str) -> str:
    path = HTML / f"{doc}.html"
    assert path.is_file(), f"{path.relative_to(ROOT)} was not built; run `make book`"
    return path.read_text(encoding="utf-8")


TOC = toc.docnames(ROOT)
NOTEBOOKS = [f for f in TOC if toc.source(f, ROOT).suffix == ".ipynb"]


def test_site_was_built():
    assert (HTML / "index.html").is_file(), "run `make book` first"


@pytest.mark.parametrize("doc", TOC)
def test_no_numpy_scalar_repr_no_empty_glue_no_traceback(doc):
    html = _page(doc)
    assert "np.float64(" not in html and "np.float32(" not in html, "a numpy scalar was glued"
    empty = re.findall(r'<span class="pasted-text">\s*</span>', html)
    assert not empty, f"{len(empty)} empty glue span(s)"
    for marker in ("Traceback (most recent call last)", "Error</span>Traceback"):
        assert marker not in html, "a Python traceback is shown"
    assert 'class="output traceback' not in html


@pytest.mark.parametrize("doc", NOTEBOOKS)
def test_no_library_was_skipped(doc):
    """The published book never says that a library is missing: the build requires them all."""
    html = _page(doc)
    assert "not installed: pip install" not in html, "a table row was skipped"
    assert "This cell runs" not in html, "a needs() cell was skipped"
    assert "nothing was compared" not in html


def test_chapter_01_shows_both_entropy_values_as_glued_text():
    html = _page("chapters/01_information_and_entropy")
    glued = re.findall(r'<span class="pasted-text">([^<]*)</span>', html)
    assert "0.804" in glued, "the source's 0.804 is not glued"
    assert "0.8018" in glued, "the exact entropy 0.8018 is not glued"


def _draws_figure(nb_path: Path) -> bool:
    """A notebook draws a figure when its code calls matplotlib's figure API."""
    text = nb_path.read_text(encoding="utf-8")
    return "plt.show()" in text or "plt.subplots" in text or ".imshow(" in text


FIGURE_NOTEBOOKS = [doc for doc in NOTEBOOKS if _draws_figure(ROOT / f"{doc}.ipynb")]


def test_figure_detection_sees_chapter_01():
    assert "chapters/01_information_and_entropy" in FIGURE_NOTEBOOKS


@pytest.mark.parametrize("doc", FIGURE_NOTEBOOKS)
def test_figures_are_rendered(doc):
    html = _page(doc)
    images = re.findall(r'<img [^>]*src="([^"]+\.png)"', html)
    assert images, "the notebook draws a figure but the page has no rendered image"
    for src in images:
        target = (HTML / doc).parent / src
        assert target.resolve().is_file(), f"missing image file {src}"


def _text(title: str) -> str:
    """``title`` as Sphinx writes it in HTML, apart from smart quotes (’ -> ')."""
    return html.escape(title, quote=False)


def test_chapter_numbers_in_the_site_are_the_citations_numbers():
    # Jupyter Book numbers the chapters itself; the citations number them from _toc.yml.
    for chapter in citation.chapters(ROOT):
        numbered = re.findall(r'<h1><span class="section-number">(\d+)\. </span>(.*?)<a ',
                              _page(chapter.docname).replace("\u2019", "'"), re.S)
        assert numbered == [(str(chapter.number), _text(chapter.title))], chapter.docname


def test_figures_are_numbered_from_1_on_every_page_and_uniquely_in_the_book():
    """Chapter N's figures are N.1, N.2, ...; the front page's 1, 2, ...; the appendix's A.1, ...

    The appendix and the front page are outside the numbered parts, where Sphinx would count on
    from the front page's figures (_ext/figure_numbers.py).
    """
    chapter_of = {c.docname: c.number for c in citation.chapters(ROOT)}
    appendix: list[str] = []
    for doc in TOC:
        found = re.findall(r'<span class="caption-number">Figure ([^<]*?) </span>', _page(doc))
        if doc in chapter_of:
            assert found == [f"{chapter_of[doc]}.{k}" for k in range(1, len(found) + 1)], doc
        elif doc == TOC[0]:
            assert found == [str(k) for k in range(1, len(found) + 1)], doc
        else:
            appendix += found
    assert appendix == [f"A.{k}" for k in range(1, len(appendix) + 1)], appendix
    assert appendix, "the appendix has figures; the check would not see them otherwise"


def _run_note(doc: str) -> str | None:
    """The text of the page's "Run this page yourself" note, its own file name left out."""
    found = re.search(r'<div class="[^"]*\brun-locally\b[^"]*"[^>]*>(.*?)</div>', _page(doc), re.S)
    if found is None:
        return None
    text = html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))
    return " ".join(text.replace(doc.rsplit("/", 1)[-1] + ".ipynb", "PAGE.ipynb").split())


def test_every_run_note_is_the_one_the_extension_writes_now():
    """No page keeps a note from an older build: Sphinx rebuilds unchanged pages when an
    extension changes (_ext.env_version), so every note is the same, and says what
    _ext/run_locally.py and tools/downloads.py say now."""
    notes = {doc: _run_note(doc) for doc in NOTEBOOKS}
    with_note = {doc: note for doc, note in notes.items() if note is not None}
    assert len(with_note) >= 10, sorted(with_note)
    assert len(set(with_note.values())) == 1, "pages differ in their run note"
    assert " ".join(FRAMEWORKS_NEEDS.split()) in next(iter(with_note.values()))


def test_how_to_cite_page_shows_every_citation():
    page = _page("reference/how_to_cite")
    blocks = [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in
              re.findall(r'<div class="highlight-bibtex[^"]*">(.*?)</div>\s*</div>', page, re.S)]
    metadata = cff.load(ROOT)
    chapters = citation.chapters(ROOT)
    assert len(blocks) == 1 + len(chapters)
    assert blocks[0].strip() == citation.book_bibtex(metadata)
    for chapter, block in zip(chapters, blocks[1:], strict=True):
        assert block.strip() == citation.chapter_bibtex(metadata, chapter)
        label = f"<strong>Chapter {chapter.number}:</strong>"
        assert label in page, label
        link = re.search(rf'{label}\s*<a [^>]*href="\.\./{re.escape(chapter.docname)}\.html"', page)
        assert link, f"Chapter {chapter.number}'s title does not link the chapter"
        plain = citation.plain_chapter_citation(metadata, chapter).replace("*", "")
        shown = " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())
        assert " ".join(plain.split()) in shown.replace("\u2019", "'"), plain
