"""The book's website on any screen, on paper, and as one PDF.

Fixes and additions to sphinx-book-theme 1.3 / pydata-sphinx-theme 0.17:

* **One header, working toggles.** pydata-sphinx-theme adds a top header bar
  holding only a second search field whenever ``navbar_persistent`` is unset.
  That bar is hidden on every screen, yet its ☰ button is the first
  ``.primary-toggle`` on the page, the one the theme's scripts bind: the visible
  ☰ then does nothing (pydata-sphinx-theme #2451, sphinx-book-theme #988).
  Setting ``navbar_persistent`` to an empty list removes the bar, so the visible
  buttons are bound and the page has one search field.
* **Light pages.** ``site_templates/layout.html`` drops Font Awesome's 1.5 MB
  script (``site_static/icons.css`` draws the theme's few icons instead) and
  loads the search scripts and index only on the search page (the theme loads
  them everywhere for search-as-you-type, which this book does not turn on).
* **Print.** Every page carries the book's title, version and date for the
  running footer of a printed page (``site_static/print.css``); the theme's
  ".pdf" download entry, which only calls ``window.print()``, is relabelled
  "Print this page", and a "Whole book (PDF)" entry links the PDF that
  ``make pdf`` writes (``tools/book_pdf.py``).
* **Numbers right-aligned.** A plain ``<td>`` holding only numbers (in a table
  a notebook printed as HTML) gets the ``ce-num`` class that ceutils' own
  tables carry, so ``site_static/site.css`` aligns it to the right.
* **A favicon**, so no page load asks for a missing ``favicon.ico``.

The version and date come from ``CITATION.cff``, read by :func:`book_release`.
"""

from __future__ import annotations

import json
import re
import shutil
from functools import cache
from pathlib import Path

from sphinx.application import Sphinx

from tools.cff import load as load_cff
from tools.cff import release as cff_release

HERE = Path(__file__).resolve().parent
BOOK_ROOT = HERE.parent
STATIC = HERE / "site_static"
TEMPLATES = HERE / "site_templates"

# Where the whole-book PDF lives in the built site (tools/book_pdf.py writes it).
BOOK_PDF = "cross-entropy-executable.pdf"


@cache
def book_release(root: Path = BOOK_ROOT) -> dict[str, str]:
    """The book's version, release date, authors and abstract, as CITATION.cff gives them."""
    cff = load_cff(root)
    release = cff_release(root)
    authors = ", ".join(
        a.get("name") or " ".join(filter(None, (a.get("given-names"), a.get("family-names"))))
        for a in cff.get("authors", [])
    )
    return {
        "version": release.version,
        "date": release.date,
        "authors": authors,
        "abstract": " ".join(str(cff.get("abstract", "")).split()),
    }


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (JSON's escaping is valid CSS)."""
    return json.dumps(text, ensure_ascii=False)


def configure(app: Sphinx, config) -> None:
    options = config.html_theme_options
    # An explicit empty list: no hidden header bar with a second ☰ and search field.
    options.setdefault("navbar_persistent", [])
    config.templates_path = [str(TEMPLATES), *config.templates_path]
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    if not config.html_favicon:
        config.html_favicon = str(STATIC / "favicon.svg")
    # Snippets under search results come from _ext/chinese_text.py's page texts,
    # not from fetching each result page (which fails over file://).
    config.html_show_search_summary = False


def page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    release = book_release()
    title = app.config.html_title or app.config.project
    context["book_release"] = {
        **release,
        "title": title,
        "footer_css": _css_string(f"{title}, version {release['version']} ({release['date']})"),
    }
    context["book_pdf_url"] = context["pathto"](BOOK_PDF, 1)
    _relabel_download_menu(context)
    if context.get("body"):
        context["body"] = mark_numeric_cells(context["body"])


_NUMBER = re.compile(r"[-+\u2212]?(?:\d[\d_,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?|[-+]?(?:nan|inf)",
                     re.IGNORECASE)
_PLAIN_CELL = re.compile(r"<td>([^<]*)</td>")


def _is_numeric(text: str) -> bool:
    tokens = [t for t in re.split(r"[\s\[\](),;]+", text) if t]
    return bool(tokens) and all(_NUMBER.fullmatch(t) for t in tokens)


def mark_numeric_cells(html: str) -> str:
    """Give each class-less ``<td>`` that holds only numbers the ``ce-num`` class."""
    def mark(match: re.Match) -> str:
        text = match.group(1)
        return f'<td class="ce-num">{text}</td>' if _is_numeric(text) else match.group(0)

    return _PLAIN_CELL.sub(mark, html)


def _relabel_download_menu(context) -> None:
    """Name the print entry for what it does and add the whole book's PDF."""
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        buttons = group["buttons"]
        for button in buttons:
            if button.get("label") == "download-pdf-button":
                button.update(text="Print this page", tooltip="Print this page (or save it as PDF)",
                              icon="fas fa-print")
        buttons.append({
            "type": "link",
            "url": context["book_pdf_url"],
            "text": "Whole book (PDF)",
            "tooltip": "Download the whole book as one PDF",
            "icon": "fas fa-book",
            "label": "download-book-pdf-button",
        })


def refresh_static_files(app: Sphinx, exception: Exception | None) -> None:
    """Copy changed files of site_static/ even when no page was rewritten.

    Sphinx copies static files only when it writes pages, so an edit of the CSS
    alone would not reach the site on the next incremental build.
    """
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static"
    for source in STATIC.iterdir():
        dest = target / source.name
        if source.is_file() and (not dest.is_file() or dest.read_bytes() != source.read_bytes()):
            shutil.copy2(source, dest)


def share_html_handlers(app: Sphinx) -> None:
    """Give the single-page builder every node handler registered for "html".

    Sphinx looks a builder's handlers up by its name and falls back to its format
    only when the name has none. sphinx-exercise registers some for "singlehtml",
    so the nodes registered only for "html" (the hidden cells of
    sphinx-jupyterbook-latex, among others) would be unknown to the PDF's build.
    """
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    for node, pair in handlers.get("html", {}).items():
        handlers.setdefault("singlehtml", {}).setdefault(node, pair)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", configure)
    app.connect("builder-inited", share_html_handlers)
    # After sphinx-book-theme has built its header buttons (priority 501).
    app.connect("html-page-context", page_context, priority=900)
    app.add_css_file("icons.css")
    app.add_css_file("site.css")
    app.add_css_file("print.css", media="print")
    app.connect("build-finished", refresh_static_files)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
