"""Print the whole book to one PDF with headless Chromium.

Input: Jupyter Book's single-page HTML build (``jupyter-book build --builder
singlehtml .``, into ``_build/singlehtml``), which holds every page of the book
in one document with its section numbers, equations, figures, citations and
bibliography. This script serves it on 127.0.0.1, lets MathJax typeset it,
turns it into a book and prints it with the site's print stylesheet
(``_ext/site_static/print.css``):

* a title page with the book's title, authors, version and date (read from the
  ``book-*`` meta tags that ``_ext/site_theme.py`` writes from CITATION.cff);
* a table of contents with page numbers: the book is printed once with an
  invisible marker in each chapter heading, the page of each marker is read
  back from that PDF, and the book is printed again with the numbers filled in;
* each part and chapter starting on a new page, and PDF bookmarks.

Nothing is fetched from another host; a request for one fails the run.

Usage (``make pdf`` runs it)::

    python tools/book_pdf.py [--html _build/singlehtml] [--out _build/pdf/BOOK.pdf]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_HTML = ROOT / "_build" / "singlehtml"
DEFAULT_OUT = ROOT / "_build" / "pdf" / "cross-entropy-executable.pdf"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]
MARKER = "PDFCHAPTERMARK"

# What the single page becomes in print, on top of print.css.
BOOK_CSS = """
@page :first {
  @bottom-left { content: none; }
  @bottom-right { content: none; }
}
.book-title-page {
  break-after: page;
  display: flex;
  flex-direction: column;
  justify-content: center;
  min-height: 230mm;
  text-align: center;
}
.book-title-page h1 { font-size: 30pt; margin: 0 0 8mm; border: none; }
.book-title-page .book-subtitle { font-size: 13pt; margin: 0 auto 20mm; max-width: 130mm; }
.book-title-page .book-authors { font-size: 12pt; margin-bottom: 6mm; }
.book-title-page .book-release { font-size: 12pt; }
.book-contents { break-after: page; }
.book-contents h1 { font-size: 20pt; margin: 0 0 6mm; }
.book-contents ol { list-style: none; margin: 0; padding: 0; }
.book-contents li { margin: 0; line-height: 1.5; }
.book-contents li.book-contents-part { font-weight: 600; margin-top: 3mm; font-size: 11pt; }
.book-contents li.book-contents-chapter {
  display: flex; gap: 2mm; margin-left: 5mm; font-size: 10.5pt;
}
.book-contents li.book-contents-chapter .book-contents-title { flex: 1; }
.book-contents .book-contents-page { min-width: 8mm; text-align: right; }
.book-part-title {
  break-before: page;
  font-size: 22pt;
  margin: 0 0 10mm;
  padding-top: 20mm;
}
section.book-chapter { break-before: page; }
.book-part-title + span + section.book-chapter,
.book-part-title + section.book-chapter { break-before: auto; }
.book-chapter > h2:first-of-type { font-size: 20pt; margin-top: 0; }
.book-chapter-marker {
  position: absolute; left: 0; top: 0; font-size: 2pt; color: #fff; white-space: nowrap;
}
.book-chapter > h2:first-of-type { position: relative; }
mjx-assistive-mml { display: none !important; }
"""

# Turns the single page into a book: title page, contents, parts, chapters.
PREPARE_JS = """
(css) => {
  const meta = (name) => (document.querySelector(`meta[name="${name}"]`) || {}).content || "";
  const style = document.createElement("style");
  style.media = "print";
  style.textContent = css;
  document.head.appendChild(style);

  const article = document.querySelector("article.bd-article");
  const root = article.querySelector(":scope > section");
  const rootTitle = root.querySelector(":scope > h1");
  if (rootTitle) rootTitle.firstChild.textContent = "About this book";

  // Parts: the root page's toctrees, in the order of the navigation's captions.
  const captions = [...document.querySelectorAll("nav.bd-docs-nav p.caption .caption-text")]
    .map((c) => c.textContent.trim());
  const wrappers = [...root.querySelectorAll(":scope > div.toctree-wrapper")];
  const contents = [];
  const chapters = [];
  wrappers.forEach((wrapper, p) => {
    const part = captions[p] || "";
    if (part) {
      const heading = document.createElement("h1");
      heading.className = "book-part-title";
      heading.id = `book-part-${p + 1}`;
      heading.textContent = part;
      wrapper.prepend(heading);
      contents.push({ kind: "part", title: part, href: `#${heading.id}` });
    }
    wrapper.querySelectorAll(':scope > span[id^="document-"] + section').forEach((section) => {
      const heading = section.querySelector(":scope > h2");
      if (!heading) return;
      section.classList.add("book-chapter");
      const title = heading.cloneNode(true);
      title.querySelectorAll("a.headerlink").forEach((a) => a.remove());
      const index = chapters.length;
      const marker = document.createElement("span");
      marker.className = "book-chapter-marker";
      marker.textContent = `__MARKER__${String(index).padStart(3, "0")}`;
      heading.prepend(marker);
      chapters.push(section.id);
      const text = title.textContent.trim();
      contents.push({ kind: "chapter", title: text, href: `#${section.id}`, index });
    });
  });

  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const titlePage = document.createElement("section");
  titlePage.className = "book-title-page";
  titlePage.innerHTML = `
    <h1>${esc(meta("book-title"))}</h1>
    <p class="book-subtitle">${esc(meta("book-abstract"))}</p>
    <p class="book-authors">${esc(meta("book-author"))}</p>
    <p class="book-release">Version ${esc(meta("book-version"))} · ${esc(meta("book-date"))}</p>`;

  const toc = document.createElement("nav");
  toc.className = "book-contents";
  toc.innerHTML = "<h1>Contents</h1><ol>" + contents.map((entry) =>
    entry.kind === "part"
      ? `<li class="book-contents-part"><a href="${entry.href}">${esc(entry.title)}</a></li>`
      : `<li class="book-contents-chapter">` +
        `<a class="book-contents-title" href="${entry.href}">${esc(entry.title)}</a>` +
        `<span class="book-contents-page" data-chapter="${entry.index}">000</span></li>`
  ).join("") + "</ol>";
  article.prepend(titlePage, toc);
  return chapters.length;
}
""".replace("__MARKER__", MARKER)

FILL_PAGES_JS = """
(pages) => {
  document.querySelectorAll(".book-chapter-marker").forEach((m) => m.remove());
  document.querySelectorAll(".book-contents-page").forEach((cell) => {
    cell.textContent = String(pages[Number(cell.dataset.chapter)]);
  });
}
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextmanager
def serve(directory: Path):
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def chromium_path() -> str:
    explicit = os.environ.get("CHROMIUM")
    found = explicit or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found and Path("/usr/bin/chromium").is_file():
        found = "/usr/bin/chromium"
    if not found:
        sys.exit("error: Chromium is not installed (apt-get install chromium), or set CHROMIUM")
    return found


def root_page(html_dir: Path) -> str:
    """The single page: where index.html redirects, or index.html itself."""
    index = (html_dir / "index.html").read_text(encoding="utf-8")
    match = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', index)
    return match.group(1) if match else "index.html"


def marker_pages(pdf: Path, count: int) -> list[int]:
    """The 1-based page on which each chapter's marker was printed."""
    pages = [0] * count
    pattern = re.compile(MARKER + r"(\d{3})")
    for number, page in enumerate(PdfReader(pdf).pages, start=1):
        for match in pattern.finditer(page.extract_text() or ""):
            index = int(match.group(1))
            if index < count and not pages[index]:
                pages[index] = number
    missing = [i for i, p in enumerate(pages) if not p]
    if missing:
        raise RuntimeError(f"chapter markers {missing} were not found in the first printing")
    return pages


def print_book(html_dir: Path, out: Path) -> int:
    from playwright.sync_api import sync_playwright

    out.parent.mkdir(parents=True, exist_ok=True)
    foreign: list[str] = []
    pdf_options = dict(format="A4", print_background=True, prefer_css_page_size=True,
                       outline=True, tagged=True)
    with serve(html_dir) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            site = urlsplit(url).netloc

            def route(r):
                parts = urlsplit(r.request.url)
                if parts.scheme in {"data", "blob", "about"} or parts.netloc == site:
                    r.continue_()
                else:
                    foreign.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.goto(f"{url}/{root_page(html_dir)}", wait_until="load", timeout=120_000)
            # A book without math (a test's one-page book) loads no MathJax.
            if page.evaluate("() => document.querySelector('.math') !== null"):
                page.wait_for_function(
                    "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                    timeout=60_000)
                page.evaluate("() => MathJax.startup.promise.then(() => true)")
            page.evaluate("() => document.fonts.ready.then(() => true)")
            if page.locator("mjx-merror").count():
                raise RuntimeError("MathJax reported an error in the single-page book")
            count = page.evaluate(PREPARE_JS, BOOK_CSS)
            page.emulate_media(media="print")
            with tempfile.TemporaryDirectory() as tmp:
                first = Path(tmp) / "first.pdf"
                page.pdf(path=str(first), **pdf_options)
                pages = marker_pages(first, count)
            page.evaluate(FILL_PAGES_JS, pages)
            page.pdf(path=str(out), **pdf_options)
        finally:
            browser.close()
    if foreign:
        raise RuntimeError(f"the book requested other hosts: {sorted(set(foreign))}")
    return len(PdfReader(out).pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=DEFAULT_HTML,
                        help="the single-page HTML build (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="the PDF to write (default: %(default)s)")
    args = parser.parse_args(argv)
    if not (args.html / "index.html").is_file():
        sys.exit(f"error: no single-page build in {args.html}: "
                 "run `jupyter-book build --builder singlehtml .` first (`make pdf` does)")
    start = time.monotonic()
    pages = print_book(args.html, args.out)
    print(f"{args.out}: {pages} pages in {time.monotonic() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
