"""The whole book as one PDF (``make pdf``; ``make book`` builds it too).

Checks the text of ``_build/pdf/cross-entropy-executable.pdf``: a title page
with the version and date of CITATION.cff, the contents, every page of the
website's navigation with its chapter number, the Chinese terms, the
bibliography, rendered figures, and no TeX source left untypeset. The website
must offer the same file for download.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.site, pytest.mark.pdf]

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
PDF_NAME = "cross-entropy-executable.pdf"
PDF = ROOT / "_build" / "pdf" / PDF_NAME

# What is left of math that MathJax did not typeset: Sphinx writes inline math
# as \(...\) and display math as \[...\]. (Code cells may hold TeX in strings,
# e.g. a plot label "$-\\ln p$", so TeX commands alone prove nothing.)
RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{")


def squash(text: str) -> str:
    """Text for comparison: ligatures undone, whitespace collapsed, and none beside
    Chinese characters (the PDF's text puts spaces around a run of them)."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    return re.sub(r" ?([\u3000-\u9fff\uff00-\uffef]+) ?", r"\1", text)


@cache
def pages() -> list[str]:
    from pypdf import PdfReader

    assert PDF.is_file(), f"{PDF.relative_to(ROOT)} was not built; run `make pdf`"
    return [squash(page.extract_text() or "") for page in PdfReader(PDF).pages]


@cache
def navigation_titles() -> list[str]:
    """The titles of the book's pages, as the website's navigation lists them."""
    index = (HTML / "intro.html").read_text(encoding="utf-8")
    nav = index[index.index('class="bd-links bd-docs-nav"'):]
    nav = nav[: nav.index("</nav>")]
    links = re.findall(r'<a class="reference internal" href="[^"#]+">(.*?)</a>', nav, re.S)
    return [squash(html.unescape(re.sub(r"<[^>]+>", "", link))) for link in links]


def test_title_page_has_title_version_and_date():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    first = pages()[0]
    assert cff["title"] in first
    assert str(cff["version"]) in first
    assert str(cff["date-released"]) in first


def test_contents_and_every_chapter():
    titles = navigation_titles()
    assert len(titles) >= 10, titles
    numbered = [t for t in titles if re.match(r"\d+\. ", t)]
    assert numbered, f"no numbered chapter in the navigation: {titles}"
    contents = " ".join(pages()[1:4])
    assert "Contents" in contents
    body = " ".join(pages()[2:])
    for title in titles:
        assert title in contents, f"{title!r} is not in the contents"
        assert title in body, f"{title!r} is not in the book"


def test_contents_page_numbers_point_at_the_chapters():
    """Each contents line ends with the page on which that chapter begins."""
    text = " ".join(pages()[1:4])
    for title in [t for t in navigation_titles() if re.match(r"\d+\. ", t)]:
        match = re.search(re.escape(title) + r" (\d+)\b", text)
        assert match, f"no page number after {title!r} in the contents"
        page = pages()[int(match.group(1)) - 1]
        assert title in page, f"{title!r} does not begin on page {match.group(1)}"


def test_math_is_typeset_and_chinese_and_bibliography_are_there():
    text = " ".join(pages())
    raw = sorted({m.group(0) for m in RAW_TEX.finditer(text)})
    assert not raw, f"untypeset TeX in the PDF: {raw[:10]}"
    assert "交叉熵" in text and "熵" in text
    for label in ("[S000]", "[S004]"):
        assert label in text, f"the bibliography entry {label} is missing"


def test_figures_are_embedded():
    from pypdf import PdfReader

    def image_count(page) -> int:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        return sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image")

    figures = sum(1 for page in PdfReader(PDF).pages if image_count(page))
    assert figures >= 5, f"only {figures} pages carry an image"


def test_the_website_offers_the_pdf():
    offered = HTML / PDF_NAME
    assert offered.is_file(), f"the website has no {PDF_NAME}"
    assert offered.read_bytes() == PDF.read_bytes(), "the website offers a stale PDF"
    chapter = next(HTML.glob("chapters/*.html"))
    assert f'href="../{PDF_NAME}"' in chapter.read_text(encoding="utf-8")
