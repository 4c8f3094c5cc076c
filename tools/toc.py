"""The one reader of ``_toc.yml``.

The table of contents is parsed with :func:`sphinx_external_toc.parsing.parse_toc_yaml`,
the parser Jupyter Book itself uses, so everything that walks the book's pages
(the notebook execution, the citation generator, the checks of the built site)
sees the pages and the order the build sees.
"""

from __future__ import annotations

from pathlib import Path

from sphinx_external_toc.api import FileItem, GlobItem, SiteMap
from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parents[1]

#: Source suffixes of the book's pages, in the order a docname is resolved.
SOURCE_SUFFIXES = (".ipynb", ".md")


def site_map(root: Path = ROOT) -> SiteMap:
    """``<root>/_toc.yml`` parsed as Jupyter Book parses it."""
    return parse_toc_yaml(Path(root) / "_toc.yml")


def _docname(item: str) -> str:
    for suffix in SOURCE_SUFFIXES:
        item = item.removesuffix(suffix)
    return item


def _children(site: SiteMap, name: str) -> list[str]:
    """The file items below ``name``, as written in _toc.yml (the site map's keys)."""
    names = []
    for tree in site[name].subtrees:
        for item in tree.items:
            if isinstance(item, GlobItem):
                raise ValueError(f"_toc.yml: the glob {str(item)!r} under {name!r} is not "
                                 "supported; list the files")
            if isinstance(item, FileItem):
                names.append(str(item))
    return names


def docnames(root: Path = ROOT) -> list[str]:
    """Every page of the book, root first, in reading order (depth first)."""
    site = site_map(root)
    found: list[str] = []

    def walk(name: str) -> None:
        found.append(_docname(name))
        for child in _children(site, name):
            walk(child)

    walk(site.root.docname)
    return found


def numbered_chapters(root: Path = ROOT) -> list[str]:
    """The chapters of the numbered parts, in order: chapter ``i + 1`` is item ``i``.

    The root's numbered toctrees are the book's numbered parts; with Jupyter
    Book's ``use_multitoc_numbering`` the numbering runs on across them.
    """
    site = site_map(root)
    return [
        _docname(str(item))
        for tree in site.root.subtrees
        if tree.numbered
        for item in tree.items
        if isinstance(item, FileItem)
    ]


def source(docname: str, root: Path = ROOT) -> Path:
    """The file behind ``docname``: ``<docname>.ipynb`` or ``<docname>.md``."""
    for suffix in SOURCE_SUFFIXES:
        path = Path(root) / f"{docname}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"_toc.yml lists {docname!r} but neither {docname}.ipynb nor {docname}.md exists")


def notebooks(root: Path = ROOT) -> list[Path]:
    """The ``.ipynb`` files among the book's pages, in reading order."""
    return [path for name in docnames(root)
            if (path := source(name, root)).suffix == ".ipynb"]
