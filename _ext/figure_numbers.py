"""Number the appendix's figures A.1, A.2, ... instead of going on from the front page's.

Sphinx numbers the figures (and tables, listings) of pages outside a numbered part with one
counter shared by all of them: the front page's figure is Figure 1, so the first figure of the
appendix was Figure 2, on a page that has no Figure 1. This extension renumbers, after Sphinx,
every numbered object of an unnumbered page other than the front page as ``A.1``, ``A.2``, ...
in the order of the table of contents (one counter per kind: figures, tables, listings). The
numbers stay unique across the book, so the single-page HTML and the PDF, which hold every
page, never show two figures with one number; ``{numref}`` uses the same numbers.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

#: The prefix of the appendix's numbers.
APPENDIX_PREFIX = "A"


def renumber_appendix(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Replace the shared counter's numbers on unnumbered pages (not the root) by A.n."""
    counters: dict[str, int] = {}
    for docname, by_type in env.toc_fignumbers.items():  # in table-of-contents order
        if docname == app.config.root_doc or env.toc_secnumbers.get(docname):
            continue
        for figtype, numbers in by_type.items():
            for figure_id in numbers:
                counters[figtype] = counters.get(figtype, 0) + 1
                numbers[figure_id] = (APPENDIX_PREFIX, counters[figtype])
    return []


def setup(app: Sphinx) -> dict[str, object]:
    # After Sphinx's own numbering (priority 500), which rebuilds toc_fignumbers each time.
    app.connect("env-get-updated", renumber_appendix, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
