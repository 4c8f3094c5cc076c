"""Add a "Run this page yourself" note under the title of notebook pages.

The note is written once, here, instead of being copied into each notebook. It
links the page's own ``.ipynb`` (the file behind the theme's download button,
which Sphinx copies to ``_sources/``). It goes on the notebooks whose document
name matches one of ``run_locally_patterns`` (fnmatch patterns; by default the
chapters and the errata, whose cells prove claims a reader may want to rerun).
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from docutils import nodes
from sphinx.application import Sphinx

NOTE_CLASS = "run-locally"


def _paragraph(*parts: nodes.Node | str) -> nodes.paragraph:
    para = nodes.paragraph()
    for part in parts:
        para += nodes.Text(part) if isinstance(part, str) else part
    return para


def _note(docname: str, suffix: str) -> nodes.admonition:
    depth = len(PurePosixPath(docname).parts) - 1
    href = "../" * depth + f"_sources/{docname}{suffix}"
    filename = PurePosixPath(docname).name + suffix
    note = nodes.admonition(classes=["tip", NOTE_CLASS])
    note += nodes.title(text="Run this page yourself")
    note += _paragraph(
        "This page is a Jupyter notebook; every number on it was computed when the book "
        "was built. Download ",
        nodes.reference("", "", nodes.literal(text=filename), refuri=href,
                        classes=["run-locally-download"]),
        " (or use the download button at the top of the page) and run it in the book's "
        "environment: in a copy of the book's sources, ",
        nodes.literal(text="make install"),
        " creates ",
        nodes.literal(text=".venv"),
        " with the pinned requirements and the ",
        nodes.literal(text="ceutils"),
        " package; then start ",
        nodes.literal(text=".venv/bin/jupyter lab"),
        " and open the notebook.",
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
    section.insert(1, _note(docname, suffix))


def setup(app: Sphinx) -> dict:
    app.add_config_value("run_locally_patterns", ["chapters/*", "reference/errata"], "env")
    app.connect("doctree-read", add_note)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
