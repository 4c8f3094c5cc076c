"""Make the built site self-contained: it loads nothing from any other host.

* **MathJax** is served from the site itself. ``npm ci`` installs the version
  pinned in ``package-lock.json`` into ``node_modules/mathjax``; this extension
  points Sphinx's ``mathjax_path`` at ``_static/mathjax/tex-mml-chtml.js`` and
  copies the parts of MathJax the browser can load (the combined TeX/MathML +
  CommonHTML component, the TeX extensions it autoloads, the CHTML fonts, the
  menu and the accessibility extensions) into the build.
* **MathJax only where there is math.** Sphinx also loads MathJax on a page
  whose toctree includes pages with math (the book's front page); a page whose
  body has no math gets no MathJax.
* **Thebe** (live code cells through Binder) is switched off while
  ``launch_buttons.thebe`` is false in ``_config.yml``. Jupyter Book always loads
  ``sphinx_thebe``, which otherwise writes a Binder configuration naming a
  repository that is not the book's, and a loader for a script on a CDN, into
  every page.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

MATHJAX_ENTRY = "tex-mml-chtml.js"
MATHJAX_STATIC_DIR = "mathjax"
# Everything under es5/ that the browser may request, relative to es5/.
MATHJAX_PARTS = (MATHJAX_ENTRY, "input", "output/chtml", "output/chtml.js", "ui", "a11y", "sre")


# The book's root: this file lives in <root>/_ext/. Relative paths are resolved
# from there, so a single-page build (whose source directory is chapters/) finds
# the same node_modules as the full build.
BOOK_ROOT = Path(__file__).resolve().parents[1]


def _mathjax_source(app: Sphinx) -> Path:
    return BOOK_ROOT / app.config.offline_mathjax_dir


def check_mathjax(app: Sphinx, config) -> None:
    """Point ``mathjax_path`` at the local copy; fail early if it is not installed."""
    if "://" in (config.mathjax_path or "") or not config.mathjax_path:
        config.mathjax_path = f"{MATHJAX_STATIC_DIR}/{MATHJAX_ENTRY}"
    source = _mathjax_source(app)
    if not (source / MATHJAX_ENTRY).is_file():
        raise ExtensionError(
            f"MathJax is not installed: {source / MATHJAX_ENTRY} does not exist. "
            "Run `npm ci` in the book's root directory (it installs the version pinned in "
            "package-lock.json); `make book` does this for you."
        )


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source = _mathjax_source(app)
    target = Path(app.outdir) / "_static" / MATHJAX_STATIC_DIR
    if target.exists():
        shutil.rmtree(target)
    for part in MATHJAX_PARTS:
        src, dst = source / part, target / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
    licence = source.parent / "LICENSE"
    if licence.is_file():
        shutil.copy2(licence, target / "LICENSE")


# What MathJax typesets: Sphinx's math markup and TeX delimiters in notebook outputs.
MATH_MARKERS = ('class="math', "\\(", "\\[", "$$")


def drop_mathjax_without_math(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if "script_files" not in context:
        return
    body = context.get("body") or ""
    if any(marker in body for marker in MATH_MARKERS):
        return

    def is_mathjax(js) -> bool:
        filename = str(getattr(js, "filename", js) or "")
        body = (getattr(js, "attributes", None) or {}).get("body", "")
        return MATHJAX_ENTRY in filename or "window.MathJax" in body

    # In place: a handler after this one may still add a file to the page's list.
    context["script_files"][:] = [js for js in context["script_files"] if not is_mathjax(js)]


def _thebe_enabled(app: Sphinx) -> bool:
    options = app.config.html_theme_options or {}
    return bool((options.get("launch_buttons") or {}).get("thebe"))


def strip_thebe_nodes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if _thebe_enabled(app):
        return
    for node in list(doctree.findall(nodes.raw)):
        text = node.astext()
        if "text/x-thebe-config" in text or "kernelName =" in text:
            node.parent.remove(node)


def strip_thebe_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if _thebe_enabled(app) or "script_files" not in context:
        return

    def is_thebe(js) -> bool:
        filename = getattr(js, "filename", js) or ""
        body = (getattr(js, "attributes", None) or {}).get("body", "")
        return "thebe" in str(filename) or "THEBE_JS_URL" in body

    context["script_files"] = [js for js in context["script_files"] if not is_thebe(js)]
    context["css_files"] = [
        css for css in context.get("css_files", [])
        if "thebe" not in str(getattr(css, "filename", css))
    ]


def setup(app: Sphinx) -> dict:
    app.add_config_value("offline_mathjax_dir", "node_modules/mathjax/es5", "html")
    # After sphinx.ext.mathjax has registered mathjax_path (priority 500).
    app.connect("config-inited", check_mathjax, priority=900)
    app.connect("build-finished", copy_mathjax)
    # After sphinx_thebe has added its nodes (doctree-resolved, priority 500).
    app.connect("doctree-resolved", strip_thebe_nodes, priority=900)
    app.connect("html-page-context", strip_thebe_scripts, priority=900)
    # After sphinx.ext.mathjax has added its scripts (priority 500).
    app.connect("html-page-context", drop_mathjax_without_math, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
