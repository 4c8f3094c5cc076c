"""The citations on the "How to cite" page, generated when the book is built.

In a MyST page, the directive

.. code-block:: markdown

    ```{how-to-cite}
    ```

expands to the book's citation and a BibTeX entry for the book and for each
numbered chapter, as :func:`tools.citation.how_to_cite_markdown` writes them
from ``CITATION.cff`` and ``_toc.yml``. The page is read again whenever either
file, or the source of a numbered chapter (whose title the entry quotes), changes.

Registered in ``_config.yml`` as ``_ext.how_to_cite`` with the path ``.``, which
puts the book's root on ``sys.path`` so that the ``tools`` package imports.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from tools import citation, toc


class HowToCite(SphinxDirective):
    """``how-to-cite``: the book's citations (the directive takes no arguments)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        root = Path(self.env.srcdir)
        for name in ("CITATION.cff", "_toc.yml"):
            self.env.note_dependency(str(root / name))
        for chapter in citation.chapters(root):
            self.env.note_dependency(str(toc.source(chapter.docname, root)))
        markdown = citation.how_to_cite_markdown(root)
        container = nodes.container()
        self.state.nested_parse(StringList(markdown.splitlines()), self.content_offset, container)
        return container.children


def setup(app: Sphinx) -> dict:
    app.add_directive("how-to-cite", HowToCite)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
