"""Citations of the book, generated from CITATION.cff and _toc.yml.

One source for every way the book is cited: the "How to cite" page shows what
:func:`how_to_cite_markdown` returns (``_ext/how_to_cite.py``), and
tests/test_citation.py checks it, so the BibTeX cannot drift from the citation
metadata (:mod:`tools.cff`) or from the table of contents (:mod:`tools.toc`).

``python -m tools.citation`` (from the book's root) prints the BibTeX.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from tools import cff as cff_file
from tools import toc

ROOT = toc.ROOT


@dataclass(frozen=True)
class Chapter:
    """A numbered chapter of the table of contents."""

    number: int
    docname: str  # path without suffix, relative to the book's root
    title: str


def page_title(path: Path) -> str:
    """The first level-one heading of a notebook or MyST markdown page."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        lines = [
            line
            for cell in nb["cells"]
            if cell["cell_type"] == "markdown"
            for line in "".join(cell["source"]).splitlines()
        ]
    else:
        lines = path.read_text(encoding="utf-8").splitlines()
    in_fence = False
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if not in_fence and line.startswith("# "):
            return line[2:].strip()
    raise ValueError(f"{path.name} has no level-one heading ('# Title')")


def chapters(root: Path = ROOT) -> list[Chapter]:
    """The chapters of the numbered parts, numbered as the book numbers them."""
    return [Chapter(number, docname, page_title(toc.source(docname, root)))
            for number, docname in enumerate(toc.numbered_chapters(root), start=1)]


# --------------------------------------------------------------------------- BibTeX
_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
                   "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}"}


def _escape(text: str) -> str:
    """Escape BibTeX specials, keeping ``$...$`` math as written."""
    parts = re.split(r"(\$[^$]*\$)", text)
    return "".join(
        p if p.startswith("$") and p.endswith("$") and len(p) > 1
        else "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in p)
        for p in parts
    )


def _names(authors: list[dict]) -> str:
    names = []
    for a in authors:
        if "name" in a:  # an entity: braces keep BibTeX from splitting it
            names.append("{" + _escape(a["name"]) + "}")
        else:
            given = a.get("given-names", "")
            particle = a.get("name-particle", "")
            family = " ".join(x for x in (particle, a["family-names"]) if x)
            names.append(_escape(f"{family}, {given}" if given else family))
    return " and ".join(names)


def _citation(cff: dict) -> dict:
    return cff.get("preferred-citation", cff)


def book_key(cff: dict) -> str:
    """``<title words><year>``, e.g. ``crossentropyexecutable2026``."""
    release = cff_file.Release.from_cff(cff)
    words = re.sub(r"[^a-z0-9]+", "", release.title.lower())
    return f"{words}{release.year}"


def chapter_key(cff: dict, chapter: Chapter) -> str:
    return f"{book_key(cff)}-ch{chapter.number:02d}"


def _fields(pairs: list[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in pairs)
    return ",\n".join(f"  {k:<{width}} = {{{v}}}" for k, v in pairs)


def _common(cff: dict) -> list[tuple[str, str]]:
    ref = _citation(cff)
    release = cff_file.Release.from_cff(cff)
    note = f"Version {release.version}" + (f", released {release.date}" if release.date else "")
    pairs = [("year", release.year)]
    if release.version:
        pairs.append(("version", release.version))
    if ref.get("url") or cff.get("url"):
        pairs.append(("url", ref.get("url") or cff["url"]))
    if ref.get("doi") or cff.get("doi"):
        pairs.append(("doi", ref.get("doi") or cff["doi"]))
    pairs.append(("note", note))
    return pairs


def book_bibtex(cff: dict) -> str:
    ref = _citation(cff)
    pairs = [("author", _names(ref.get("authors", cff["authors"]))),
             ("title", "{" + _escape(ref["title"]) + "}")]
    if ref.get("publisher"):
        pairs.append(("publisher", _escape(ref["publisher"]["name"])))
    return f"@book{{{book_key(cff)},\n{_fields(pairs + _common(cff))},\n}}"


def chapter_bibtex(cff: dict, chapter: Chapter) -> str:
    ref = _citation(cff)
    pairs = [("author", _names(ref.get("authors", cff["authors"]))),
             ("title", "{" + _escape(chapter.title) + "}"),
             ("booktitle", "{" + _escape(ref["title"]) + "}"),
             ("chapter", str(chapter.number))]
    if ref.get("publisher"):
        pairs.append(("publisher", _escape(ref["publisher"]["name"])))
    return f"@incollection{{{chapter_key(cff, chapter)},\n{_fields(pairs + _common(cff))},\n}}"


def _plain_authors(cff: dict) -> str:
    ref = _citation(cff)
    return "; ".join(
        a["name"] if "name" in a else f"{a['family-names']}, {a.get('given-names', '')}".strip(", ")
        for a in ref.get("authors", cff["authors"])
    )


def _plain_end(cff: dict, text: str) -> str:
    """``text`` with the version, and the web address if there is one."""
    ref = _citation(cff)
    release = cff_file.Release.from_cff(cff)
    text += f" (version {release.version})." if release.version else "."
    url = ref.get("url") or cff.get("url")
    return text + (f" {url}" if url else "")


def plain_citation(cff: dict) -> str:
    """A one-line citation of the book in author-date style."""
    release = cff_file.Release.from_cff(cff)
    return _plain_end(cff, f"{_plain_authors(cff)} ({release.year}). *{release.title}*")


def plain_chapter_citation(cff: dict, chapter: Chapter) -> str:
    """A one-line citation of a chapter in author-date style."""
    release = cff_file.Release.from_cff(cff)
    return _plain_end(cff, f"{_plain_authors(cff)} ({release.year}). “{chapter.title}”. "
                           f"Chapter {chapter.number} in *{release.title}*")


def all_bibtex(root: Path = ROOT) -> str:
    cff = cff_file.load(root)
    return "\n\n".join([book_bibtex(cff), *(chapter_bibtex(cff, c) for c in chapters(root))])


def how_to_cite_markdown(root: Path = ROOT) -> str:
    """The body of the "How to cite" page (CommonMark)."""
    cff = cff_file.load(root)
    out = [
        "**The book.** " + plain_citation(cff),
        "",
        "```bibtex",
        book_bibtex(cff),
        "```",
    ]
    for chapter in chapters(root):
        out += [
            "",
            f"**Chapter {chapter.number}:** {{doc}}`{chapter.title} </{chapter.docname}>`. "
            + plain_chapter_citation(cff, chapter),
            "",
            "```bibtex",
            chapter_bibtex(cff, chapter),
            "```",
        ]
    return "\n".join(out)


if __name__ == "__main__":
    print(all_bibtex())
