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
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tools import toc
from tools.cff import release as cff_release
from tools.downloads import downloads

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


@pytest.mark.parametrize("docname", ["intro", FIRST_CHAPTER])
def test_download_links_resolve_to_the_zip_and_the_wheel(visit, docname):
    """The front page and a chapter's note link both downloads, named after the version."""
    names = downloads(SITE_ROOT)
    page = visit(f"{docname}.html", typeset=False).page
    scope = page.locator(".run-locally") if docname != "intro" else page.locator("article")
    base = page.url.rsplit("/", 1)[0] + "/"
    for kind, name in (("zip", names.zip_name), ("wheel", names.wheel_name)):
        link = scope.locator(f"a.book-download-{kind}")
        assert link.count() >= 1, f"{docname} does not link the {kind}"
        href = link.first.get_attribute("href")
        assert href.endswith(names.path(name)), href
        response = page.request.get(base + href)
        assert response.status == 200, f"{href} -> HTTP {response.status}"
        body = response.body()
        assert body[:4] == b"PK\x03\x04", f"{href} is not a zip archive"
        assert len(body) == (HTML / names.path(name)).stat().st_size
    text = scope.inner_text()
    assert names.pip_notebooks in text and names.pip_frameworks in text


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


# --------------------------------------------------------------------------- any screen
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The gzip-compressed size of everything a page loads on a first visit, as a
# static host serves it.
PAGE_WEIGHT_LIMIT = 800 * 1024
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

_LAYOUT_PROBLEMS = r"""
(strict) => {
  const problems = [];
  const article = document.querySelector('article.bd-article');
  const name = (div) => div.id || div.textContent.trim().slice(0, 40);
  // Display equations: nothing hidden; at a laptop's width every one fits, on a
  // phone one may scroll sideways in its own box, never under its number.
  article.querySelectorAll('div.math').forEach((div) => {
    const mjx = div.querySelector(':scope > mjx-container');
    if (!mjx) return;
    if (div.scrollWidth > div.clientWidth + 1) {
      problems.push(`equation ${name(div)} is cut off by ${div.scrollWidth - div.clientWidth}px`);
    }
    const beyond = mjx.scrollWidth - mjx.clientWidth;
    const style = getComputedStyle(mjx);
    const scrolls = ['auto', 'scroll'].includes(style.overflowX) && style.scrollbarWidth !== 'none';
    if (beyond > 1 && (strict || !scrolls)) {
      problems.push(`equation ${name(div)} is ${beyond}px wider than its box` +
                    (scrolls ? ' (it scrolls)' : ' and cannot scroll'));
    }
    const eqno = div.querySelector(':scope > span.eqno');
    if (eqno) {
      const a = mjx.getBoundingClientRect(), b = eqno.getBoundingClientRect();
      if (a.right > b.left + 1 && b.right > a.left + 1) {
        problems.push(`the number of equation ${name(div)} is drawn over it`);
      }
    }
  });
  // Inline equations never run past the column, which would cut them off; on a
  // phone a wide one scrolls sideways in its own box.
  const edge = article.getBoundingClientRect().right + 1;
  const inScroller = (el) => {
    for (let p = el.parentElement; p && p !== article; p = p.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  article.querySelectorAll('mjx-container:not([display="true"])').forEach((mjx) => {
    const r = mjx.getBoundingClientRect();
    if (r.width === 0 || r.right <= edge || inScroller(mjx)) return;
    problems.push(`inline equation runs ${Math.round(r.right - edge)}px past the column: ` +
                  mjx.textContent.trim().slice(0, 40));
  });
  // Code, output and tracebacks wrap instead of scrolling sideways.
  article.querySelectorAll('pre').forEach((pre) => {
    if (pre.scrollWidth > pre.clientWidth + 1) {
      problems.push(`code block scrolls ${pre.scrollWidth - pre.clientWidth}px sideways: ` +
                    pre.textContent.trim().slice(0, 50));
    }
  });
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    const extra = document.documentElement.scrollWidth - window.innerWidth;
    problems.push(`the page scrolls ${extra}px sideways`);
  }
  // The right-hand contents list keeps every entry inside its column.
  const toc = document.querySelector('#pst-secondary-sidebar');
  if (toc && toc.offsetParent !== null) {
    const right = toc.getBoundingClientRect().right;
    toc.querySelectorAll('a').forEach((a) => {
      if (a.getBoundingClientRect().right > right + 1 || a.scrollWidth > a.clientWidth + 1) {
        problems.push(`contents entry clipped: ${a.textContent.trim().slice(0, 40)}`);
      }
    });
  }
  // Tables of notebook output: columns ruled and padded, numbers to the right.
  article.querySelectorAll('div.cell_output table, table.ce-table').forEach((table, t) => {
    const cells = [...table.querySelectorAll('td, th')];
    for (const cell of cells) {
      const s = getComputedStyle(cell);
      const padding = parseFloat(s.paddingLeft) + parseFloat(s.paddingRight);
      const rule = parseFloat(s.borderLeftWidth) + parseFloat(s.borderRightWidth);
      if (padding < 8 || rule < 1 || s.borderLeftStyle === 'none') {
        const text = cell.textContent.trim().slice(0, 20);
        problems.push(`table ${t}: cell "${text}" is not set apart ` +
                      `(padding ${padding}px, rule ${rule}px)`);
        break;
      }
    }
    table.querySelectorAll('td').forEach((td) => {
      const text = td.textContent.trim();
      if (/^[-+\u2212]?(\d[\d,]*\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) &&
          getComputedStyle(td).textAlign !== 'right') {
        problems.push(`table ${t}: number ${text} is not right-aligned`);
      }
    });
  });
  // Chinese text carries its language, and a Chinese font comes first for it.
  const han = new RegExp('[HAN]');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!han.test(node.data) || node.parentElement.closest('script, style')) continue;
    const marked = node.parentElement.closest('[lang]');
    const lang = marked ? marked.getAttribute('lang') : '';
    if (!/^zh-Han[st]$/.test(lang)) {
      problems.push(`Chinese text without lang="zh-Hans": ${node.data.trim().slice(0, 30)}`);
      break;
    }
    const font = getComputedStyle(node.parentElement).fontFamily;
    if (!/Noto Sans( Mono)? CJK [ST]C/.test(font.split(',')[0])) {
      problems.push(`Chinese text without a Chinese font first: ${font}`);
      break;
    }
  }
  return problems;
}
""".replace("[HAN]", f"[{HAN}]")


def _gzip_size(body: bytes) -> int:
    import gzip

    return len(gzip.compress(body, compresslevel=6))


@pytest.mark.parametrize("docname", DOCNAMES)
def test_page_fits_laptop_and_phone_and_is_light(browser, site_url, docname):
    """Equations, code, tables, contents list and Chinese text at 1280 and 390 px;
    the page's first visit loads at most PAGE_WEIGHT_LIMIT bytes gzip-compressed."""
    v = PageVisit(browser, site_url)
    responses = []
    v.page.on("response", lambda response: responses.append(response))
    try:
        v.open(f"{site_url}/{docname}.html")
        problems = [f"1280px: {p}" for p in v.page.evaluate(_LAYOUT_PROBLEMS, True)]
        v.page.set_viewport_size(PHONE)
        v.page.wait_for_timeout(300)  # the theme's sidebars slide out in 0.2 s
        problems += [f"390px: {p}" for p in v.page.evaluate(_LAYOUT_PROBLEMS, False)]
        assert not problems, f"{docname}:\n" + "\n".join(problems)

        files = {r.url: r for r in responses if r.status == 200}
        names = [urlsplit(url).path for url in files]
        assert not [n for n in names if "fontawesome" in n or "/webfonts/" in n], names
        has_math = v.page.locator(".math").count() > 0
        loads_mathjax = any("mathjax" in n for n in names)
        assert has_math == loads_mathjax, f"{docname}: math on the page {has_math}, " \
            f"MathJax loaded {loads_mathjax}"
        icon = v.page.locator('link[rel="icon"]').get_attribute("href")
        assert icon and v.page.request.get(v.page.url.rsplit("/", 1)[0] + "/" + icon).ok
        weight = sum(_gzip_size(r.body()) for r in files.values())
        raw = sum(len(r.body()) for r in files.values())
        print(f"{docname}: {len(files)} files, {raw / 1024:.0f} KB, {weight / 1024:.0f} KB gzip")
        assert weight <= PAGE_WEIGHT_LIMIT, (
            f"{docname} loads {weight / 1024:.0f} KB gzip-compressed "
            f"(limit {PAGE_WEIGHT_LIMIT // 1024} KB) from {len(files)} files")
        assert not v.errors, "; ".join(v.errors)
    finally:
        v.close()


def _visible(page, selector: str) -> int:
    return page.locator(selector).evaluate_all(
        "els => els.filter(e => e.offsetParent !== null && getComputedStyle(e).visibility"
        " !== 'hidden' && e.getBoundingClientRect().width > 0).length")


def test_phone_menu_opens_the_chapter_list_and_navigates(browser, site_url):
    if FIRST_CHAPTER is None:
        pytest.skip("the table of contents lists no chapter yet")
    v = PageVisit(browser, site_url)
    try:
        v.page.set_viewport_size(PHONE)
        v.open(f"{site_url}/{FIRST_CHAPTER}.html", typeset=False)
        page = v.page
        # One ☰ button: the theme binds the first, which must be the visible one.
        assert page.locator(".primary-toggle").count() == 1, "a hidden ☰ button is back"
        assert _visible(page, ".primary-toggle") == 1
        page.locator(".primary-toggle").first.click()
        dialog = page.locator("#pst-primary-sidebar-modal")
        dialog.wait_for(state="visible", timeout=5_000)
        assert dialog.evaluate("d => d.open"), "the ☰ button did not open the chapter list"
        target = dialog.locator("nav.bd-docs-nav a.reference.internal").last
        href = target.get_attribute("href")
        target.click()
        page.wait_for_url(f"**/{href.lstrip('./').split('#')[0]}", timeout=10_000)
        # The "On this page" button opens the contents list.
        page.wait_for_load_state("load")
        if page.locator(".secondary-toggle").count():
            page.locator(".secondary-toggle").first.click()
            page.locator("#pst-secondary-sidebar-modal").wait_for(state="visible", timeout=5_000)
        assert _visible(page, ".search-button__button") == 1, "not exactly one search control"
        assert not v.errors, "; ".join(v.errors)
    finally:
        v.close()


_SIDEBAR_SHOWN = "getComputedStyle(document.querySelector('#pst-primary-sidebar')).visibility"


def test_desktop_menu_collapses_the_sidebar_and_one_search_box(browser, site_url):
    if FIRST_CHAPTER is None:
        pytest.skip("the table of contents lists no chapter yet")
    v = PageVisit(browser, site_url)
    try:
        v.open(f"{site_url}/{FIRST_CHAPTER}.html", typeset=False)
        page = v.page
        sidebar = page.locator("#pst-primary-sidebar")
        assert sidebar.is_visible()
        assert _visible(page, ".search-button-field") == 1, "not exactly one search box"
        assert _visible(page, ".search-button__button") == 1, "not exactly one search control"
        assert _visible(page, ".primary-toggle") == 1
        page.locator(".primary-toggle").first.click()
        page.wait_for_function(f"() => {_SIDEBAR_SHOWN} === 'hidden'")
        assert _visible(page, ".search-button__button") == 1, "no search once the sidebar is hidden"
        page.locator(".primary-toggle").first.click()
        page.wait_for_function(f"() => {_SIDEBAR_SHOWN} === 'visible'")
        assert not v.errors, "; ".join(v.errors)
    finally:
        v.close()


# --------------------------------------------------------------------------- search
def _glossary_chinese_terms() -> list[str]:
    import re

    glossary = (SITE_ROOT / "reference" / "glossary.md").read_text(encoding="utf-8")
    return sorted(set(re.findall(f"[{HAN}]+", glossary)))


def _article_text(docname: str) -> str:
    import html
    import re

    page = (HTML / f"{docname}.html").read_text(encoding="utf-8")
    start, end = page.find("<article"), page.find("</article>")
    return html.unescape(re.sub(r"<[^>]+>", "", page[start:end]))


def test_search_finds_each_chinese_glossary_term_on_every_page_with_it(visit):
    terms = _glossary_chinese_terms()
    assert "熵" in terms and "交叉熵" in terms, terms
    texts = {doc: _article_text(doc) for doc in DOCNAMES}
    v = visit("search.html", typeset=False)
    v.page.wait_for_function("() => Search.hasIndex()", timeout=30_000)
    found = v.page.evaluate(
        """(terms) => Object.fromEntries(terms.map((term) => {
             const parsed = Search._parseQuery(term);
             return [term, [...new Set(Search._performSearch(...parsed).map((r) => r[0]))]];
           }))""",
        terms,
    )
    missing = {}
    for term in terms:
        expected = {doc for doc, text in texts.items() if term in text}
        lost = expected - set(found[term])
        if lost:
            missing[term] = sorted(lost)
    assert not missing, f"Chinese terms not found on pages that contain them: {missing}"
    # Through the search page itself: 熵 lists every page that has it.
    v2 = visit("search.html?q=熵", typeset=False)
    v2.page.wait_for_function(
        "() => /Search finished/.test(document.querySelector('#search-results').innerText)",
        timeout=30_000)
    listed = v2.page.locator("#search-results ul.search > li").count()
    assert listed >= len({doc for doc, text in texts.items() if "熵" in text})


_SNIPPET_TEXT = """
() => [...document.querySelectorAll('#search-results ul.search > li')].map(
  (li) => (li.querySelector('p.context') || {}).textContent || '')
"""


def test_search_shows_snippets_without_raw_tex(visit):
    v = visit("search.html?q=softmax", typeset=False)
    v.page.wait_for_function(
        "() => /Search finished/.test(document.querySelector('#search-results').innerText)",
        timeout=30_000)
    snippets = v.page.evaluate(_SNIPPET_TEXT)
    assert snippets and all(s.strip() for s in snippets), snippets
    assert any("softmax" in s.lower() for s in snippets)
    import re

    tex = [s for s in snippets if re.search(r"\\[A-Za-z]+|\\\(|\\\[|\$\$", s)]
    assert not tex, f"snippets show raw TeX: {tex[:3]}"
    assert not v.errors, "; ".join(v.errors)


def test_search_over_file_url_shows_snippets_without_errors(browser):
    if not (HTML / "search.html").is_file():
        _unavailable(f"no built site at {HTML}: run `make book` first")
    context = browser.new_context(viewport=LAPTOP)
    errors: list[str] = []
    try:
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
            ("file:", "data:")) else (errors.append(f"request to {r.request.url}"), r.abort()))
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((HTML / "search.html").as_uri() + "?q=entropy")
        page.wait_for_function(
            "() => /Search finished/.test(document.querySelector('#search-results').innerText)",
            timeout=30_000)
        snippets = page.evaluate(_SNIPPET_TEXT)
        assert snippets and all(s.strip() for s in snippets), snippets
        assert not errors, "; ".join(errors)
    finally:
        context.close()


# --------------------------------------------------------------------------- print
@pytest.mark.pdf  # it follows the download menu's link to the whole-book PDF
def test_printed_chapter(browser, site_url, tmp_path):
    """A chapter printed from the browser: numbered title, running footer with the
    book's title, version and date, no web-only note, equations with their numbers,
    code wrapped, and the download menu naming print for what it is."""
    if FIRST_CHAPTER is None:
        pytest.skip("the table of contents lists no chapter yet")
    from pypdf import PdfReader

    cff = yaml.safe_load((SITE_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    chapter = next(d for d in DOCNAMES if d.startswith("chapters/09")) if any(
        d.startswith("chapters/09") for d in DOCNAMES) else FIRST_CHAPTER
    v = PageVisit(browser, site_url)
    try:
        v.open(f"{site_url}/{chapter}.html")
        page = v.page
        title = page.locator("article h1").first.inner_text().replace("#", "").strip()
        assert title[0].isdigit(), f"the chapter title {title!r} has no number"
        menu = page.locator(".dropdown-download-buttons")
        labels = menu.locator(".dropdown-item").all_inner_texts()
        assert not any(label.strip() == ".pdf" for label in labels), labels
        assert any("Print" in label for label in labels), labels
        book_pdf = menu.locator("a.btn-download-book-pdf-button").get_attribute("href")
        assert book_pdf and book_pdf.endswith(".pdf")
        assert page.request.get(page.url.rsplit("/", 1)[0] + "/" + book_pdf).ok, book_pdf

        page.emulate_media(media="print")
        checks = page.evaluate("""() => ({
          note: [...document.querySelectorAll('.run-locally')].some(e => e.offsetParent !== null),
          split: [...document.querySelectorAll('div.math')].filter(
            d => getComputedStyle(d).breakInside !== 'avoid' ||
                 (d.querySelector('.eqno') && d.querySelector('.eqno').parentElement !== d)).length,
          scrolled: [...document.querySelectorAll('article pre')].filter(
            p => p.scrollWidth > p.clientWidth + 1).length,
          cells: [...document.querySelectorAll('div.cell_input, div.cell_output > div.output')]
            .filter(c => getComputedStyle(c).breakInside !== 'avoid').length,
        })""")
        assert not checks["note"], "the 'Run this page yourself' note is printed"
        assert checks["split"] == 0, "equations may break from their numbers"
        assert checks["scrolled"] == 0, "printed code is cut off"
        assert checks["cells"] == 0, "code cells may split into empty boxes"
        pdf = tmp_path / "chapter.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    finally:
        v.close()
    pages = [p.extract_text() or "" for p in PdfReader(pdf).pages]
    squash = " ".join(pages[0].split())
    assert " ".join(title.split()) in squash, f"{title!r} not on the first printed page"
    for page_text in pages:
        flat = " ".join(page_text.split())
        assert cff["title"] in flat and str(cff["version"]) in flat
        assert str(cff["date-released"]) in flat
    assert not any("Run this page yourself" in p for p in pages)


# --------------------------------------------------------------------------- front page
HEADLINES = ("0.804", "0.2899", "1.9398", "0.3133")


def test_front_page_shows_the_headline_table_and_figure(visit):
    """The four headline numbers, each with every library's value and a ✓, and the figure."""
    v = visit("intro.html")
    table = v.page.locator("table", has_text="scikit-learn").first
    header = table.locator("thead th").evaluate_all("hs => hs.map(h => h.textContent.trim())")
    assert header[1:] == list(HEADLINES), header
    rows = {r[0]: r[1:] for r in table.locator("tbody tr").evaluate_all(
        "rs => rs.map(r => Array.from(r.cells, c => c.textContent.trim()))")}
    for library in ("scikit-learn", "PyTorch", "TensorFlow"):
        assert rows[library] == rows["exact"], (library, rows)  # the exact value's digits
    assert all(mark.startswith("✓") for mark in rows["agree"]), rows["agree"]
    links = table.locator("tbody tr:last-child a").evaluate_all("as => as.map(a => a.href)")
    assert len(links) == 4 and all("/chapters/" in h for h in links), links
    assert all(text.startswith("Chapter ") for text in rows["derived in"]), rows["derived in"]
    figure = v.page.locator("figure#fig-intro-examples")
    assert figure.count() == 1
    img = figure.locator("img")
    alt = img.get_attribute("alt") or ""
    assert len(alt) > 80 and ".png" not in alt, alt
    assert img.evaluate("i => i.complete && i.naturalWidth > 0")
    assert "Figure 1" in figure.locator("figcaption").inner_text()
    assert not v.errors, "; ".join(v.errors)


@pytest.mark.parametrize("docname", ["intro", FIRST_CHAPTER, "reference/how_to_cite"])
def test_every_page_footer_names_the_version(visit, docname):
    release = cff_release(SITE_ROOT)
    v = visit(f"{docname}.html", typeset=False)
    footer = v.page.locator("footer .ce-release")
    assert footer.count() == 1 and footer.is_visible(), f"{docname}: no release line in the footer"
    assert footer.locator(".ce-version").inner_text() == release.version
    assert footer.locator(".ce-date").inner_text() == release.date


# --------------------------------------------------------------------------- exercises
NUMBERED_CHAPTERS = [d for d in DOCNAMES if re.match(r"chapters/\d\d_", d)]


@pytest.mark.parametrize("docname", NUMBERED_CHAPTERS)
def test_chapter_has_exercises_with_collapsed_solutions(visit, docname):
    """At least four numbered exercises, each solution a dropdown that opens on a click."""
    page = visit(f"{docname}.html", typeset=False).page
    exercises = page.locator("div.exercise")
    assert exercises.count() >= 4, f"{docname} has {exercises.count()} exercises"
    titles = exercises.locator(".admonition-title").all_inner_texts()
    assert all(re.match(r"Exercise \d+\.\d+", t) for t in titles), titles
    solutions = page.locator("div.solution")
    assert solutions.count() >= exercises.count()
    for i in range(solutions.count()):
        body = solutions.nth(i).locator(":scope > :not(.admonition-title)").first
        assert not body.is_visible(), f"{docname}: solution {i + 1} is not collapsed"
    first = solutions.first
    first.locator("button.toggle-button").click()
    first.locator(":scope > :not(.admonition-title)").first.wait_for(state="visible", timeout=5000)
