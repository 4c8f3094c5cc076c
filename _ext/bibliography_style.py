"""The bibliography's style: labels a reader can match to the text, titles as written.

* **Labels.** An entry's ``shorthand`` field, when it has one, is its label:
  the five source documents are ``[S000]`` ... ``[S004]``, as the text names
  them ("source 000 §1.2"), and library documentation has a short name
  (``[TF]``, ``[PyTorch]``). Other works get author-year labels (``[Sha48]``).
* **Titles keep their case.** BibTeX styles lower-case titles ("Tf.nn: ...",
  "Sklearn.metrics.log_loss"); here a title is printed as the file writes it.
* **Order.** Entries sort by label.
* **"source 000" is a link.** The text names a source document by its number
  ("source 000 §1.2"); each such mention links to the source's entry.

``_config.yml`` selects the style with ``bibtex_default_style: book``.
"""

from __future__ import annotations

import re

from docutils import nodes
from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.labels.alpha import LabelStyle as AlphaLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import field, sentence
from sphinx.application import Sphinx

STYLE_NAME = "book"


class ShorthandLabelStyle(BaseLabelStyle):
    """The ``shorthand`` field as the label; author-year (alpha) labels otherwise."""

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        fallback = AlphaLabelStyle().format_labels(entries)
        for entry, alpha in zip(entries, fallback, strict=True):
            yield entry.fields.get("shorthand", alpha)


class ShorthandSortingStyle(BaseSortingStyle):
    """Entries in the alphabetical order of their labels, as a reader looks them up."""

    def sorting_key(self, entry):
        label = entry.fields.get("shorthand") or AlphaLabelStyle().format_label(entry)
        return (label.lower(), entry.fields.get("title", ""))

    def sort(self, entries):
        return sorted(entries, key=self.sorting_key)


class BookStyle(UnsrtStyle):
    default_label_style = "shorthand"
    default_sorting_style = "shorthand"

    def format_title(self, e, which_field, as_sentence=True):
        title = field(which_field)
        return sentence[title] if as_sentence else title


SOURCE_MENTION = re.compile(r"\b[Ss]ource[ \u00a0](\d{3})\b")
SOURCE_KEY = "source{number}"
# Text inside these is left alone: links, code, math, headings (which the
# navigation repeats as links) and the bibliography's own entries.
_NO_LINKS = (nodes.reference, nodes.literal, nodes.FixedTextElement, nodes.math, nodes.raw,
             nodes.title, nodes.citation, nodes.target)


def _source_targets(app: Sphinx) -> dict[str, tuple[str, str]]:
    """Source number -> (docname, id) of its bibliography entry."""
    domain = app.env.get_domain("cite")
    targets = {}
    for citation in domain.citations:
        match = re.fullmatch(SOURCE_KEY.format(number=r"(\d{3})"), citation.key)
        if match:
            targets[match.group(1)] = (citation.bibliography_key.docname, citation.citation_id)
    return targets


def link_source_mentions(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    targets = _source_targets(app)
    if not targets or app.builder.format != "html":
        return
    for text in list(doctree.findall(nodes.Text)):
        parent = text.parent
        if parent is None or any(isinstance(n, _NO_LINKS) for n in _ancestors(parent)):
            continue
        value = str(text)
        pieces, last = [], 0
        for match in SOURCE_MENTION.finditer(value):
            target = targets.get(match.group(1))
            if target is None:
                continue
            target_doc, target_id = target
            uri = app.builder.get_relative_uri(docname, target_doc) + "#" + target_id
            pieces.append(nodes.Text(value[last:match.start()]))
            pieces.append(nodes.reference(match.group(0), match.group(0), refuri=uri,
                                          internal=True, classes=["source-mention"]))
            last = match.end()
        if pieces:
            pieces.append(nodes.Text(value[last:]))
            parent.replace(text, [p for p in pieces if not isinstance(p, nodes.Text) or str(p)])


def _ancestors(node: nodes.Node):
    while node is not None:
        yield node
        node = node.parent


def setup(app: Sphinx) -> dict:
    register_plugin("pybtex.style.labels", "shorthand", ShorthandLabelStyle)
    register_plugin("pybtex.style.sorting", "shorthand", ShorthandSortingStyle)
    register_plugin("pybtex.style.formatting", STYLE_NAME, BookStyle)
    app.connect("doctree-resolved", link_source_mentions)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
