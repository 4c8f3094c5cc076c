"""The built website, as a reader's browser sees it.

Serves the built HTML on 127.0.0.1 and drives Debian's Chromium (headless,
through Playwright) over every page of the table of contents. A page fails if
it logs a console error or throws, requests anything from another host, leaves
math untypeset, shows a broken image or an empty glued number, or lacks the
notebook download and the "Run this page yourself" note. The search page must
find "entropy" offline. A full-page screenshot of the first chapter is saved to
``_build/screenshots/`` for a person to look at.

Run after the book is built (``make test`` does both)::

    .venv/bin/pytest tests -m site

``SITE_HTML_DIR`` points the test at another build (default ``_build/html``;
the book's sources are taken to be two levels above it). ``CHROMIUM`` names the
browser binary (default: ``chromium`` on PATH, else ``/usr/bin/chromium``).
Outside CI the test skips when Chromium is missing; with ``CI=true`` it fails.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tools import toc

pytestmark = pytest.mark.site

REPO = Path(__file__).resolve().parent.parent
HTML = Path(os.environ.get("SITE_HTML_DIR", REPO / "_build" / "html")).resolve()
SITE_ROOT = HTML.parent.parent  # the book sources that were built into HTML
SCREENSHOTS = HTML.parent / "screenshots"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

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


def _foreign_repositories() -> tuple[str, ...]:
    """Text that would mean a button or link to a repository that is not the book's.

    Jupyter Book's default repository and Thebe's default Binder repository are never
    the book's; Binder and Colab links are expected only once _config.yml names them.
    """
    config_path = SITE_ROOT / "_config.yml"
    config = {}
    if config_path.is_file():
        config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    launch = config.get("launch_buttons") or {}
    names = ["executablebooks", "binder-examples"]
    if not launch.get("binderhub_url"):
        names.append("mybinder.org")
    if not launch.get("colab_url"):
        names.append("colab.research.google.com")
    return tuple(names)


FOREIGN_REPOSITORIES = _foreign_repositories()


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the site test must run)")
    pytest.skip(reason)


def _chromium() -> str | None:
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


# --------------------------------------------------------------------------- the toc
def toc_docnames() -> list[str]:
    return toc.docnames(SITE_ROOT if (SITE_ROOT / "_toc.yml").is_file() else REPO)


def _source_suffix(docname: str) -> str | None:
    for suffix in toc.SOURCE_SUFFIXES:
        if (SITE_ROOT / f"{docname}{suffix}").is_file():
            return suffix
    return None


DOCNAMES = toc_docnames()
NOTEBOOKS = [d for d in DOCNAMES if _source_suffix(d) == ".ipynb"]
# Pages that carry the "Run this page yourself" note (_ext/run_locally.py).
RUN_LOCALLY = [d for d in NOTEBOOKS if d.startswith("chapters/") or d == "reference/errata"]
FIRST_CHAPTER = next((d for d in DOCNAMES if d.startswith("chapters/")), None)


# --------------------------------------------------------------------------- fixtures
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the base class's parameter names
        pass


@pytest.fixture(scope="module")
def site_url():
    if not (HTML / "index.html").is_file():
        _unavailable(f"no built site at {HTML}: run `make book` first")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    chromium = _chromium()
    if chromium is None:
        _unavailable(
            "Chromium is not installed: `apt-get install chromium` "
            "(or set CHROMIUM to the browser's path)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class PageVisit:
    """A page opened in a fresh context, with every problem the browser saw."""

    def __init__(self, browser, site_url: str):
        self.site = urlsplit(site_url)
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.on("response", self._response)
        self.page.on("requestfailed", self._failed)

    def _is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"}:
            return True
        return parts.netloc == self.site.netloc

    def _route(self, route):
        if self._is_local(route.request.url):
            route.continue_()
        else:  # record it and never let it leave the machine
            self.foreign.append(route.request.url)
            route.abort()

    def _console(self, msg):
        if msg.type == "error":
            self.errors.append(f"console error: {msg.text}")

    def _response(self, response):
        if self._is_local(response.url) and response.status >= 400:
            self.errors.append(f"HTTP {response.status} for {response.url}")

    def _failed(self, request):
        if self._is_local(request.url):
            self.errors.append(f"request failed: {request.url} ({request.failure})")

    def open(self, url: str, *, typeset: bool = True):
        """Load ``url``; with ``typeset``, also wait until MathJax has rendered it."""
        self.page.goto(url, wait_until="load" if typeset else "domcontentloaded")
        if typeset:
            self.wait_for_math()
        return self.page

    def wait_for_math(self):
        has_math = self.page.evaluate("() => document.querySelector('.math') !== null")
        if not has_math:
            return
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

        try:
            self.page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                timeout=30_000,
            )
        except PlaywrightTimeoutError:
            self.errors.append("MathJax did not start within 30 s")
            return
        self.page.evaluate("() => MathJax.startup.promise.then(() => true)")
        self.page.evaluate("() => document.fonts.ready.then(() => true)")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, site_url):
    visits: list[PageVisit] = []

    def _open(path: str, *, typeset: bool = True):
        v = PageVisit(browser, site_url)
        visits.append(v)
        v.open(f"{site_url}/{path}", typeset=typeset)
        return v

    yield _open
    for v in visits:
        v.close()


# --------------------------------------------------------------------------- checks
_PAGE_PROBLEMS = r"""
() => {
  const problems = [];
  // Math: every element Sphinx marked as math holds MathJax output, none an error.
  const maths = Array.from(document.querySelectorAll('.math'));
  maths.forEach((m, i) => {
    if (!m.querySelector('mjx-container')) {
      problems.push(`math element ${i} not typeset: ${m.textContent.slice(0, 80)}`);
    }
  });
  document.querySelectorAll('mjx-merror, [data-mjx-error]').forEach(e =>
    problems.push(`MathJax error: ${e.getAttribute('data-mjx-error') || e.textContent}`));
  // Raw TeX delimiters left in the reading text (code blocks excluded).
  const article = (document.querySelector('article') || document.body).cloneNode(true);
  article.querySelectorAll('pre, code, mjx-container, script, style').forEach(e => e.remove());
  const text = article.textContent;
  for (const raw of ['$$', '\\[', '\\begin{']) {
    if (text.includes(raw)) problems.push(`raw TeX "${raw}" in the page text`);
  }
  // Images: loaded and non-empty.
  Array.from(document.images).forEach(img => {
    if (!img.complete || img.naturalWidth === 0) {
      problems.push(`image failed to load: ${img.getAttribute('src')}`);
    }
  });
  // Glued values: every pasted element has text.
  document.querySelectorAll('.pasted-text, .pasted-inline').forEach((e, i) => {
    if (!e.textContent.trim()) problems.push(`glued value ${i} is empty`);
  });
  return {problems, maths: maths.length,
          typeset: document.querySelectorAll('mjx-container').length,
          displayMath: document.querySelectorAll('div.math').length};
}
"""


@pytest.mark.parametrize("docname", DOCNAMES)
def test_page_renders_offline_without_errors(visit, docname):
    html_file = HTML / f"{docname}.html"
    assert html_file.is_file(), f"{docname} is in _toc.yml but {html_file} was not built"
    v = visit(f"{docname}.html")
    result = v.page.evaluate(_PAGE_PROBLEMS)
    assert not v.foreign, f"{docname} requested other hosts: {sorted(set(v.foreign))}"
    assert not v.errors, f"{docname}: " + "; ".join(v.errors)
    assert not result["problems"], f"{docname}: " + "; ".join(result["problems"])
    if result["displayMath"]:
        assert result["typeset"] >= result["maths"] > 0
    content = v.page.content()
    for name in FOREIGN_REPOSITORIES:
        assert name not in content, f"{docname} mentions {name}"


@pytest.mark.parametrize("docname", NOTEBOOKS)
def test_notebook_page_offers_download_and_run_locally_note(visit, site_url, docname):
    v = visit(f"{docname}.html", typeset=False)  # links only: the math is checked above
    page = v.page
    hrefs = [page.locator("a.btn-download-source-button").first.get_attribute("href")]
    if docname in RUN_LOCALLY:
        assert page.locator(".run-locally").count() == 1, "no 'Run this page yourself' note"
        hrefs.append(page.locator("a.run-locally-download").get_attribute("href"))
    for href in hrefs:
        assert href and href.endswith(".ipynb"), f"download link {href!r} is not a notebook"
        response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + href)
        assert response.status == 200, f"{href} -> HTTP {response.status}"
        nb = json.loads(response.body())
        assert nb.get("nbformat") == 4 and nb["cells"], f"{href} is not a notebook"


def test_search_finds_entropy_offline(visit):
    v = visit("search.html?q=entropy")
    results = v.page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=30_000)
    assert results.count() >= 1
    links = results.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert any("chapters/" in (h or "") for h in links), links
    assert not v.foreign, f"search requested other hosts: {sorted(set(v.foreign))}"
    assert not v.errors, "; ".join(v.errors)


def test_screenshot_of_first_chapter(visit):
    if FIRST_CHAPTER is None:
        pytest.skip("the table of contents lists no chapter yet")
    v = visit(f"{FIRST_CHAPTER}.html")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{Path(FIRST_CHAPTER).name}.png"
    v.page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    assert v.page.locator("mjx-container").count() > 0
