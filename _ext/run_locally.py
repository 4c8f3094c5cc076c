"""Tell a reader how to run the book's notebooks, and link the downloads that let them.

The "Run this page yourself" note goes under the title of notebook pages. It is
written once, here, instead of being copied into each notebook, on the
notebooks whose document name matches one of ``run_locally_patterns`` (fnmatch
patterns; by default the chapters and the errata, whose cells prove claims a
reader may want to rerun). It links the page's own ``.ipynb`` (the file behind
the theme's download button, which Sphinx copies to ``_sources/``) and the
wheel of ``ceutils`` and the book's sources in ``download/`` (written by
``make book``, :mod:`tools.downloads`), and gives the pip command.

Other pages link the downloads with the role ``{book-download}`` (``zip`` or
``wheel``; the link text is the file's name) and show the version, the file
names and the pip commands with MyST substitutions::

    Download {book-download}`zip` or {{ download_wheel }}, then run {{ pip_notebooks }}.

``download_zip`` and ``download_wheel`` are the two links; ``book_version``,
``zip_name``, ``wheel_name`` and ``frameworks_needs`` (where the frameworks install)
plain text; ``pip_notebooks`` and ``pip_frameworks`` the commands as inline code.
Every string comes from :mod:`tools.downloads`, so a page, the note and the tests
cannot disagree.
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

from _ext import env_version
from tools.downloads import FRAMEWORKS_NEEDS, Downloads, downloads

NOTE_CLASS = "run-locally"
#: Class of the links to the two downloads (with ``book-download-zip`` or ``-wheel``).
DOWNLOAD_CLASS = "book-download"


def _paragraph(*parts: nodes.Node | str) -> nodes.paragraph:
    para = nodes.paragraph()
    for part in parts:
        para += nodes.Text(part) if isinstance(part, str) else part
    return para


def _to_root(docname: str) -> str:
    return "../" * (len(PurePosixPath(docname).parts) - 1)


def _download(names: Downloads, kind: str, docname: str) -> nodes.reference:
    """A link from ``docname`` to the zip or the wheel in the site's ``download/``."""
    name = {"zip": names.zip_name, "wheel": names.wheel_name}[kind]
    return nodes.reference("", "", nodes.literal(text=name),
                           refuri=_to_root(docname) + names.path(name),
                           classes=[DOWNLOAD_CLASS, f"{DOWNLOAD_CLASS}-{kind}"])


def _note(docname: str, suffix: str, names: Downloads) -> nodes.admonition:
    href = _to_root(docname) + f"_sources/{docname}{suffix}"
    filename = PurePosixPath(docname).name + suffix
    note = nodes.admonition(classes=["tip", NOTE_CLASS])
    note += nodes.title(text="Run this page yourself")
    note += _paragraph(
        "This page is a Jupyter notebook; every number on it was computed when the book "
        "was built. To run it with Python 3.11 or later, download ",
        nodes.reference("", "", nodes.literal(text=filename), refuri=href,
                        classes=["run-locally-download"]),
        " and the book's package ",
        _download(names, "wheel", docname),
        " into one folder, and there (in a virtual environment, if you use one) run ",
        nodes.literal(text=names.pip_notebooks),
        ", then ",
        nodes.literal(text="jupyter lab"),
        " and open the notebook.",
    )
    note += _paragraph(
        "Without PyTorch and TensorFlow the notebook still runs: rows and cells that need "
        "them say so and are skipped. To compare with them too, run ",
        nodes.literal(text=names.pip_frameworks),
        f" instead (this needs {FRAMEWORKS_NEEDS}). The book's own files (notebooks, ceutils, "
        "tests and build scripts) as one zip: ",
        _download(names, "zip", docname),
        ".",
    )
    return note


def add_note(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    suffix = Path(app.env.doc2path(docname)).suffix
    if suffix != ".ipynb":
        return
    if not any(fnmatch(docname, pattern) for pattern in app.config.run_locally_patterns):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        return
    section.insert(1, _note(docname, suffix, downloads(Path(app.srcdir))))


def book_download_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{book-download}`zip``` or ``{book-download}`wheel```: a link to that download."""
    kind = text.strip()
    if kind not in ("zip", "wheel"):
        msg = inliner.reporter.error(
            f"book-download must be 'zip' or 'wheel'; got {text!r}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    env = inliner.document.settings.env
    return [_download(downloads(Path(env.srcdir)), kind, env.docname)], []


def add_substitutions(app: Sphinx, config: Config) -> None:
    """Set the MyST substitutions of the downloads (pages' own ones take precedence)."""
    names = downloads(Path(app.srcdir))
    ours = {
        "book_version": names.version,
        "zip_name": names.zip_name,
        "wheel_name": names.wheel_name,
        "download_zip": "{book-download}`zip`",
        "download_wheel": "{book-download}`wheel`",
        "pip_notebooks": f"`{names.pip_notebooks}`",
        "pip_frameworks": f"`{names.pip_frameworks}`",
        "frameworks_needs": FRAMEWORKS_NEEDS,
    }
    config.myst_substitutions = {**ours, **(config.myst_substitutions or {})}


def setup(app: Sphinx) -> dict:
    app.add_config_value("run_locally_patterns", ["chapters/*", "reference/errata"], "env")
    app.add_role("book-download", book_download_role)
    app.connect("config-inited", add_substitutions)
    app.connect("doctree-read", add_note)
    # A changed note (or any changed extension) rebuilds every page, not only edited ones.
    return {"version": "1.1", "env_version": env_version(),
            "parallel_read_safe": True, "parallel_write_safe": True}
