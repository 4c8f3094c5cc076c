"""The book's citation metadata, read from ``CITATION.cff``.

The one reader of the file for the build: the "How to cite" page
(:mod:`tools.citation`) and anything else that prints the book's title, version
or release date (a page footer, a list of changes) read it through here, so
they cannot disagree with the file that repository hosts and reference
managers read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


class _StringDateLoader(yaml.SafeLoader):
    """SafeLoader that keeps YAML dates as strings, as CFF's JSON schema sees them."""


_StringDateLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(root: Path = ROOT) -> dict:
    """``<root>/CITATION.cff`` as a dict, dates kept as the strings written in the file."""
    text = (Path(root) / "CITATION.cff").read_text(encoding="utf-8")
    return yaml.load(text, Loader=_StringDateLoader)


@dataclass(frozen=True)
class Release:
    """What identifies one release of the book.

    Each field is taken from ``preferred-citation`` (how the book asks to be
    cited) and otherwise from the top level of the file.
    """

    title: str
    version: str  # "" when the file gives none
    date: str  # date-released, "YYYY-MM-DD" as written; "" when the file gives none
    year: str  # preferred-citation's year, else the year of `date`

    @classmethod
    def from_cff(cls, cff: dict) -> Release:
        ref = cff.get("preferred-citation", cff)
        version = str(ref.get("version", cff.get("version", "")))
        date = str(ref.get("date-released", cff.get("date-released", "")))
        year = str(ref["year"]) if "year" in ref else date[:4]
        return cls(title=ref.get("title", cff["title"]), version=version, date=date,
                   year=year)


def release(root: Path = ROOT) -> Release:
    """The title, version and release date of the book at ``root``."""
    return Release.from_cff(load(root))
