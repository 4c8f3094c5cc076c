"""CITATION.cff is valid Citation File Format 1.2.0, and the BibTeX generated from
it and _toc.yml (the "How to cite" page) matches the book.

No network: the fields of the CFF 1.2.0 schema (https://citation-file-format.github.io/,
schema.json) that this file uses are encoded below as a JSON-schema subset and
checked with ``jsonschema``: the required keys, the formats of dates, versions and
DOIs, the person/entity author shapes and the reference types.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

from tools import cff as cff_file
from tools import citation, toc

ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- schema subset
_DATE = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_VERSION = {"anyOf": [{"type": "string", "minLength": 1}, {"type": "number"}]}
_DOI = {"type": "string", "pattern": r"^10\.\d{4,9}(\.\d+)?/[A-Za-z0-9:/_;\-\.\(\)\[\]\\]+$"}
_URL = {"type": "string", "pattern": r"^(https|http|ftp|sftp)://.+"}
_LICENSE = {"anyOf": [{"type": "string", "pattern": r"^[A-Za-z0-9.+\-]+$"},
                      {"type": "array", "minItems": 1, "uniqueItems": True,
                       "items": {"type": "string", "pattern": r"^[A-Za-z0-9.+\-]+$"}}]}
_NONEMPTY = {"type": "string", "minLength": 1}
_PERSON_KEYS = {"family-names", "given-names", "name-particle", "name-suffix", "affiliation",
                "address", "city", "country", "email", "orcid", "website", "alias",
                "post-code", "region", "tel", "fax"}
_ENTITY_KEYS = {"name", "address", "city", "country", "email", "orcid", "website", "alias",
                "date-end", "date-start", "location", "post-code", "region", "tel", "fax"}
_PERSON = {"type": "object", "required": ["family-names"],
           "properties": {k: _NONEMPTY for k in _PERSON_KEYS}, "additionalProperties": False}
_ENTITY = {"type": "object", "required": ["name"],
           "properties": {k: _NONEMPTY for k in _ENTITY_KEYS}, "additionalProperties": False}
_AUTHORS = {"type": "array", "minItems": 1, "items": {"anyOf": [_PERSON, _ENTITY]}}
REFERENCE_TYPES = [
    "art", "article", "audiovisual", "bill", "blog", "book", "catalogue", "conference",
    "conference-paper", "data", "database", "dictionary", "edited-work", "encyclopedia",
    "film-broadcast", "generic", "government-document", "grant", "hearing",
    "historical-work", "legal-case", "legal-rule", "magazine-article", "manual", "map",
    "multimedia", "music", "newspaper-article", "pamphlet", "patent",
    "personal-communication", "proceedings", "report", "serial", "software",
    "software-code", "software-container", "software-executable",
    "software-virtual-machine", "sound-recording", "standard", "statute", "thesis",
    "unpublished", "website",
]
_REFERENCE = {
    "type": "object",
    "required": ["authors", "title", "type"],
    "properties": {
        "authors": _AUTHORS, "title": _NONEMPTY, "type": {"enum": REFERENCE_TYPES},
        "version": _VERSION, "date-released": _DATE, "license": _LICENSE, "doi": _DOI,
        "url": _URL, "year": {"type": "integer"}, "publisher": _ENTITY,
    },
}
CFF_1_2_0_SUBSET = {
    "$schema": "http://json-schema.org/draft-07/schema",
    "type": "object",
    "required": ["authors", "cff-version", "message", "title"],
    "properties": {
        "cff-version": {"const": "1.2.0"},
        "message": _NONEMPTY,
        "title": _NONEMPTY,
        "abstract": _NONEMPTY,
        "authors": _AUTHORS,
        "version": _VERSION,
        "date-released": _DATE,
        "license": _LICENSE,
        "doi": _DOI,
        "url": _URL,
        "repository-code": _URL,
        "keywords": {"type": "array", "items": _NONEMPTY},
        "type": {"enum": ["dataset", "software"]},
        "preferred-citation": _REFERENCE,
    },
}


@pytest.fixture(scope="module")
def cff() -> dict:
    return cff_file.load(ROOT)


def test_cff_is_valid_cff_1_2_0(cff):
    jsonschema.Draft7Validator.check_schema(CFF_1_2_0_SUBSET)
    errors = sorted(jsonschema.Draft7Validator(CFF_1_2_0_SUBSET).iter_errors(cff), key=str)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.mark.parametrize("bad", [
    {"cff-version": "1.1.0"},
    {"date-released": "22 November 2026"},
    {"authors": []},
    {"preferred-citation": {"type": "novel", "title": "x", "authors": [{"name": "x"}]}},
])
def test_schema_subset_rejects_invalid_files(cff, bad):
    assert list(jsonschema.Draft7Validator(CFF_1_2_0_SUBSET).iter_errors({**cff, **bad}))


def test_cff_has_what_the_book_needs(cff):
    ref = cff["preferred-citation"]
    assert ref["type"] == "book"
    for key in ("version", "date-released", "license"):
        assert key in cff and key in ref, key
        assert str(cff[key]) == str(ref[key]), f"{key} differs from preferred-citation's"
    assert int(ref["year"]) == int(str(cff["date-released"])[:4])


def test_cff_agrees_with_config_and_package(cff):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert cff["title"] == cff["preferred-citation"]["title"] == config["title"]
    names = [a.get("name") for a in cff["authors"]]
    assert config["author"] in names
    assert str(cff["version"]) == project["version"]
    licenses = cff["license"] if isinstance(cff["license"], list) else [cff["license"]]
    assert project["license"] in licenses  # the code's licence; the text's is CC-BY-4.0


def test_no_invented_addresses(cff):
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    for field in ("url", "repository-code", "doi"):
        # Fill these in when the book has a public home; until then, none.
        assert field not in cff and field not in cff["preferred-citation"], field
    assert "github.com" not in text and "executablebooks" not in text


# --------------------------------------------------------------------------- BibTeX
def _bibtex_entries(text: str) -> list[tuple[str, str, dict]]:
    entries = []
    for m in re.finditer(r"@(\w+)\{([^,\s]+),\n(.*?)\n\}", text, re.S):
        fields = dict(re.findall(r"^\s+(\w+)\s*=\s*\{(.*)\},?$", m.group(3), re.M))
        entries.append((m.group(1), m.group(2), fields))
    return entries


def test_bibtex_has_the_book_and_every_numbered_chapter(cff):
    text = citation.all_bibtex(ROOT)
    assert text.count("{") == text.count("}"), "unbalanced braces"
    entries = _bibtex_entries(text)
    chapters = citation.chapters(ROOT)
    assert [e[0] for e in entries] == ["book"] + ["incollection"] * len(chapters)
    keys = [e[1] for e in entries]
    assert len(set(keys)) == len(keys), "duplicate BibTeX keys"
    book = entries[0][2]
    assert book["title"] == "{" + cff["preferred-citation"]["title"] + "}"
    assert book["year"] == str(cff["preferred-citation"]["year"])
    assert book["version"] == str(cff["version"])
    for chapter, (_, key, fields) in zip(chapters, entries[1:], strict=True):
        assert key == citation.chapter_key(cff, chapter)
        assert fields["chapter"] == str(chapter.number)
        assert fields["booktitle"] == book["title"]
        assert fields["author"] == book["author"]


def test_chapters_follow_the_toc():
    # The reader itself is tested on a table of contents written for the test
    # (tests/test_toc.py); the built site's chapter numbers in tests/test_built_html.py.
    chapters = citation.chapters(ROOT)
    assert [c.docname for c in chapters] == toc.numbered_chapters(ROOT)
    assert [c.number for c in chapters] == list(range(1, len(chapters) + 1))
    assert all(c.title for c in chapters)


def test_release_prefers_the_preferred_citation():
    cff = {"title": "Top", "version": "1.0", "date-released": "2025-03-04",
           "preferred-citation": {"title": "Preferred", "version": "2.0", "year": 2026}}
    release = cff_file.Release.from_cff(cff)
    assert release == cff_file.Release(title="Preferred", version="2.0", date="2025-03-04",
                                       year="2026")
    bare = cff_file.Release.from_cff({"title": "T", "date-released": "2024-01-31"})
    assert (bare.version, bare.date, bare.year) == ("", "2024-01-31", "2024")


def test_release_of_the_book_matches_the_file(cff):
    release = cff_file.release(ROOT)
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f'version: "{release.version}"' in text
    assert f'date-released: "{release.date}"' in text
    assert release.title == cff["title"]


def test_bibtex_escapes_specials():
    chapter = citation.Chapter(7, "chapters/x", "Logits & probabilities: 100% of $p_i$")
    cff = {"cff-version": "1.2.0", "title": "T_1", "authors": [{"name": "A & B"}],
           "message": "m", "date-released": "2026-01-02"}
    entry = citation.chapter_bibtex(cff, chapter)
    assert r"Logits \& probabilities: 100\% of $p_i$" in entry
    assert r"{{A \& B}}" in entry and r"{{T\_1}}" in entry
    assert "@incollection{t12026-ch07," in entry


def test_how_to_cite_page_uses_the_generator():
    # The page is MyST markdown whose citations the `how-to-cite` directive
    # (_ext/how_to_cite.py) generates; tests/test_built_html.py checks the built page.
    page = (ROOT / "reference" / "how_to_cite.md").read_text(encoding="utf-8")
    assert re.search(r"^```\{how-to-cite\}\n```$", page, re.M)
    assert "reference/how_to_cite" in toc.docnames(ROOT)
    markdown = citation.how_to_cite_markdown(ROOT)
    assert markdown.count("```bibtex") == 1 + len(citation.chapters(ROOT))


def test_changes_page_lists_the_current_release_first():
    # The footer and "How to cite" show CITATION.cff's version; the Changes page
    # must describe that version, newest first, with the same date.
    release = cff_file.release(ROOT)
    page = (ROOT / "reference" / "changes.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## (\d+\.\d+\.\d+) \((\d{4}-\d{2}-\d{2})\)$", page, re.M)
    assert versions, "reference/changes.md has no '## X.Y.Z (YYYY-MM-DD)' headings"
    # every version has a stable anchor, so that a citation can point at its changes
    for version, _ in versions:
        label = "(changes-" + version.replace(".", "-") + ")=\n## " + version
        assert label in page, f"reference/changes.md: no label ({label!r}) above {version}"
    assert versions[0] == (release.version, release.date)
    keys = [tuple(map(int, v.split("."))) for v, _ in versions]
    assert keys == sorted(keys, reverse=True), f"versions not newest first: {versions}"
    assert [d for _, d in versions] == sorted((d for _, d in versions), reverse=True)
    assert "reference/changes" in toc.docnames(ROOT)
    how_to_cite = (ROOT / "reference" / "how_to_cite.md").read_text(encoding="utf-8")
    assert "{doc}`changes`" in how_to_cite
