"""Citations of the book, generated from CITATION.cff and _toc.yml.

One source for every way the book is cited: the "How to cite" page prints what
this module returns, and tests/test_citation.py checks it, so the BibTeX cannot
drift from the citation metadata or from the table of contents.

Run ``python tools/citation.py`` from the repository root to print the BibTeX.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

_SOURCE_SUFFIXES = (".ipynb", ".md")


@dataclass(frozen=True)
class Chapter:
    """A numbered chapter of the table of contents."""

    number: int
    docname: str  # path without suffix, relative to the repository root
    title: str


def load_cff(root: Path = ROOT) -> dict:
    """CITATION.cff as a dict (dates kept as the strings written in the file)."""
    text = (root / "CITATION.cff").read_text(encoding="utf-8")
    return yaml.load(text, Loader=_StringDateLoader)  # a SafeLoader subclass: safe


class _StringDateLoader(yaml.SafeLoader):
    """SafeLoader that keeps YAML dates as strings, as CFF's JSON schema sees them."""


_StringDateLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_toc(root: Path = ROOT) -> dict:
    return yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))


def _source(root: Path, docname: str) -> Path:
    for suffix in _SOURCE_SUFFIXES:
        path = root / f"{docname}{suffix}"
        if path.exists():
            return path
    raise FileNotFoundError(f"_toc.yml lists {docname!r} but no {docname}.ipynb or .md exists")


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
    """The chapters of the numbered parts, numbered as the book numbers them.

    With ``use_multitoc_numbering`` the numbering runs on across numbered parts.
    """
    toc = load_toc(root)
    found: list[Chapter] = []
    for part in toc.get("parts", []):
        if not part.get("numbered", False):
            continue
        for entry in part.get("chapters", []):
            if "file" not in entry:
                continue
            docname = str(entry["file"]).removesuffix(".ipynb").removesuffix(".md")
            title = page_title(_source(root, docname))
            found.append(Chapter(len(found) + 1, docname, title))
    return found


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


def _year(cff: dict) -> str:
    ref = _citation(cff)
    if "year" in ref:
        return str(ref["year"])
    return str(ref.get("date-released", cff["date-released"]))[:4]


def book_key(cff: dict) -> str:
    """``<title words><year>``, e.g. ``crossentropyexecutable2026``."""
    words = re.sub(r"[^a-z0-9]+", "", _citation(cff)["title"].lower())
    return f"{words}{_year(cff)}"


def chapter_key(cff: dict, chapter: Chapter) -> str:
    return f"{book_key(cff)}-ch{chapter.number:02d}"


def _fields(pairs: list[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in pairs)
    return ",\n".join(f"  {k:<{width}} = {{{v}}}" for k, v in pairs)


def _common(cff: dict) -> list[tuple[str, str]]:
    ref = _citation(cff)
    version = str(ref.get("version", cff.get("version", "")))
    released = str(ref.get("date-released", cff.get("date-released", "")))
    note = f"Version {version}" + (f", released {released}" if released else "")
    pairs = [("year", _year(cff))]
    if version:
        pairs.append(("version", version))
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


def plain_citation(cff: dict) -> str:
    """A one-line citation in author-date style."""
    ref = _citation(cff)
    authors = "; ".join(
        a["name"] if "name" in a else f"{a['family-names']}, {a.get('given-names', '')}".strip(", ")
        for a in ref.get("authors", cff["authors"])
    )
    version = ref.get("version", cff.get("version"))
    text = f"{authors} ({_year(cff)}). *{ref['title']}*"
    text += f" (version {version})." if version else "."
    url = ref.get("url") or cff.get("url")
    return text + (f" {url}" if url else "")


def all_bibtex(root: Path = ROOT) -> str:
    cff = load_cff(root)
    return "\n\n".join([book_bibtex(cff), *(chapter_bibtex(cff, c) for c in chapters(root))])


def how_to_cite_markdown(root: Path = ROOT) -> str:
    """The body of the "How to cite" page (CommonMark)."""
    cff = load_cff(root)
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
            f"**Chapter {chapter.number}: {chapter.title}.**",
            "",
            "```bibtex",
            chapter_bibtex(cff, chapter),
            "```",
        ]
    return "\n".join(out)


if __name__ == "__main__":
    print(all_bibtex())
