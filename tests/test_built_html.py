"""Checks of the built website in _build/html (run after `make book`).

These read the HTML that readers get. They fail, rather than skip, when the
site has not been built: `make test` always builds it first.
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"

pytestmark = pytest.mark.site


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("parts", toc.get("chapters", [])))
    return files


def _page(doc: str) -> str:
    path = HTML / f"{doc}.html"
    assert path.is_file(), f"{path.relative_to(ROOT)} was not built; run `make book`"
    return path.read_text(encoding="utf-8")


TOC = _toc_files()
NOTEBOOKS = [f for f in TOC if (ROOT / f"{f}.ipynb").is_file()]


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
