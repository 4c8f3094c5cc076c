"""Chinese text in an English book: marked with its language, and searchable.

* **Language.** Every run of Chinese characters in a built page (text, headings,
  navigation, code, notebook output) is wrapped in
  ``<span lang="zh-Hans">``, or ``lang="zh-Hant"`` when the run holds a
  character that only traditional Chinese uses (source 002 is written in
  traditional characters). Browsers then draw the glyphs of the right locale
  (without it Chromium uses Japanese forms in an ``lang="en"`` page) and the
  site's CSS prefers a Simplified (or Traditional) Chinese font.
* **Search.** Sphinx's English index splits text at non-word characters, so
  "交叉熵的求导" is one word and a search for 熵 misses it. The index language
  below also records every run of up to :data:`MAX_GRAM` consecutive Chinese
  characters, and the search page splits a longer Chinese query into
  overlapping runs of that length, so any Chinese term finds every page that
  contains it.
* **Snippets.** Sphinx fetches each result's HTML page to cut a snippet from
  it: over ``file://`` that fetch is refused (a CORS error per result) and over
  http the snippet is untypeset TeX. Instead, the build writes each page's text,
  with its TeX turned into plain symbols, to ``_static/search-texts.js``, which
  only the search page loads, and ``site_static/search-snippets.js`` cuts
  snippets from it.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.search.en import SearchEnglish

# CJK Unified Ideographs (with extension A) and compatibility ideographs.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RUN = re.compile(f"[{HAN}]+")
# A run of Chinese text: ideographs with the CJK and full-width punctuation between
# them, ending on an ideograph or a closing mark.
_CJK_PUNCTUATION = "\u3000-\u303f\uff00-\uffef"
CHINESE_RUN = re.compile(
    f"[{HAN}][{HAN}{_CJK_PUNCTUATION}]*(?<=[{HAN}\u3001-\u3011\uff01-\uff1f])"
)
MAX_GRAM = 4


def is_traditional(text: str) -> bool:
    """True when ``text`` holds a character that GB 2312 (simplified) lacks and Big5 has."""
    for char in text:
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            try:
                char.encode("big5")
            except UnicodeEncodeError:
                continue
            return True
    return False


def language_tag(text: str) -> str:
    return "zh-Hant" if is_traditional(text) else "zh-Hans"


# ----------------------------------------------------------------- lang attributes
# Parts of a page whose text must stay as it is: tags, comments, and the
# content of <script>, <style>, <title> and <textarea>.
_TOKENS = re.compile(
    r"(<!--.*?-->|<(script|style|title|textarea)\b[^>]*>.*?</\2\s*>|<[^>]*>)",
    re.IGNORECASE | re.DOTALL,
)
_TEX_DELIMITERS = ("\\(", "\\[", "$$", "\\begin{")


def _wrap_runs(text: str) -> str:
    return CHINESE_RUN.sub(
        lambda m: f'<span lang="{language_tag(m.group(0))}">{m.group(0)}</span>', text
    )


def mark_chinese(html: str) -> str:
    """Wrap each run of Chinese text in ``html`` in a span naming its language."""
    if not HAN_RUN.search(html):
        return html
    parts = _TOKENS.split(html)
    out = []
    # re.split with two groups yields: text, token, tag-name-or-None, text, ...
    for index in range(0, len(parts), 3):
        text = parts[index]
        if text and HAN_RUN.search(text) and not any(d in text for d in _TEX_DELIMITERS):
            text = _wrap_runs(text)
        out.append(text)
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out)


def wrap_template_rendering(app: Sphinx) -> None:
    templates = getattr(app.builder, "templates", None)
    if app.builder.format != "html" or templates is None:
        return
    render = templates.render

    def render_marked(template: str, context: dict) -> str:
        output = render(template, context)
        return mark_chinese(output) if template.endswith(".html") else output

    templates.render = render_marked


# ----------------------------------------------------------------- search index
SPLIT_QUERY_JS = """
/* Chinese runs are indexed as every sequence of up to MAX_GRAM characters
   (_ext/chinese_text.py): a longer one is searched as its overlapping
   MAX_GRAM-character pieces, all of which a matching page contains. */
var splitQuery = (query) => {
  const han = /[HAN]+/gu;
  const terms = [];
  query
    .split(/[^\\p{Letter}\\p{Number}_\\p{Emoji_Presentation}]+/gu)
    .filter((word) => word)
    .forEach((word) => {
      word.split(han).filter((part) => part).forEach((part) => terms.push(part));
      (word.match(han) || []).forEach((run) => {
        if (run.length <= MAX_GRAM) terms.push(run);
        else for (let i = 0; i + MAX_GRAM <= run.length; i++) {
          terms.push(run.slice(i, i + MAX_GRAM));
        }
      });
    });
  return terms;
};
""".replace("MAX_GRAM", str(MAX_GRAM)).replace("HAN", HAN)


class SearchEnglishChinese(SearchEnglish):
    """English search whose index also finds Chinese terms inside Chinese text."""

    js_splitter_code = SPLIT_QUERY_JS

    def split(self, input: str) -> list[str]:
        words = []
        for word in super().split(input):
            if not HAN_RUN.search(word):
                words.append(word)
                continue
            words.extend(part for part in HAN_RUN.split(word) if part)
            for run in HAN_RUN.findall(word):
                words.extend(
                    run[start:stop]
                    for start in range(len(run))
                    for stop in range(start + 1, min(len(run), start + MAX_GRAM) + 1)
                )
        return words


# ----------------------------------------------------------------- search snippets
_TEX_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "eta": "η", "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "phi": "φ", "varphi": "φ", "omega": "ω", "Delta": "Δ", "Sigma": "Σ",
    "Omega": "Ω", "sum": "Σ", "prod": "∏", "int": "∫", "partial": "∂", "nabla": "∇",
    "infty": "∞", "cdot": "·", "cdots": "⋯", "ldots": "…", "dots": "…", "times": "×",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈",
    "equiv": "≡", "in": "∈", "to": "→", "rightarrow": "→", "mapsto": "↦", "pm": "±",
    "mid": "|", "|": "‖", "lVert": "‖", "rVert": "‖", "lvert": "|", "rvert": "|",
    "log": "log", "ln": "ln", "exp": "exp", "max": "max", "min": "min", "arg": "arg",
    "quad": " ", "qquad": " ", ",": " ", ";": " ", ":": " ", "!": "", " ": " ",
    "{": "{", "}": "}", "%": "%", "_": "_", "&": "&", "\\": "; ",
}
_TEX_ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "vec": "\u20d7",
                "dot": "\u0307"}
_TEX_DROP = re.compile(r"\\(left|right|big|Big|bigg|Bigg|displaystyle|limits|nolimits)\b")
_TEX_ENV = re.compile(r"\\(begin|end)\{[^}]*\}(\{[^}]*\})?")


def _braced(tex: str, start: int) -> tuple[str, int]:
    """The group starting at ``tex[start]`` (braced, or one character) and the index after it."""
    while start < len(tex) and tex[start] == " ":
        start += 1
    if start >= len(tex):
        return "", start
    if tex[start] != "{":
        if tex[start] == "\\":
            match = re.match(r"\\([A-Za-z]+|.)", tex[start:])
            return match.group(0), start + len(match.group(0))
        return tex[start], start + 1
    depth = 0
    for index in range(start, len(tex)):
        depth += {"{": 1, "}": -1}.get(tex[index], 0)
        if depth == 0:
            return tex[start + 1:index], index + 1
    return tex[start + 1:], len(tex)


def tex_to_text(tex: str) -> str:
    """A readable plain-text rendering of TeX math, for search snippets."""
    tex = _TEX_DROP.sub("", _TEX_ENV.sub(" ", tex))
    out: list[str] = []
    index = 0
    while index < len(tex):
        char = tex[index]
        if char == "\\":
            match = re.match(r"\\([A-Za-z]+|.)", tex[index:])
            name = match.group(1)
            index += len(match.group(0))
            if name in ("frac", "dfrac", "tfrac"):
                num, index = _braced(tex, index)
                den, index = _braced(tex, index)
                out.append(f"({tex_to_text(num)})/({tex_to_text(den)})")
            elif name == "sqrt":
                arg, index = _braced(tex, index)
                out.append(f"√({tex_to_text(arg)})")
            elif name in _TEX_ACCENTS:
                arg, index = _braced(tex, index)
                out.append(tex_to_text(arg) + _TEX_ACCENTS[name])
            elif name in ("text", "mathrm", "mathbf", "mathit", "mathcal", "mathbb",
                          "boldsymbol", "operatorname", "textbf", "textit", "mathsf", "texttt"):
                arg, index = _braced(tex, index)
                out.append(tex_to_text(arg))
            elif name in ("tag", "label"):
                _, index = _braced(tex, index)
            else:
                out.append(_TEX_SYMBOLS.get(name, name))
        elif char in "{}&":
            index += 1
        else:
            out.append(char)
            index += 1
    return re.sub(r"\s+", " ", "".join(out)).strip()


_SKIP_TEXT = (nodes.comment, nodes.system_message, nodes.substitution_definition)


def _is_citation(node: nodes.Node) -> bool:
    """A citation not yet resolved: its text is the BibTeX key, not what the reader sees."""
    return isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "cite"


def page_text(doctree: nodes.Node) -> str:
    """The text of a page for snippets: prose, code and outputs, math as plain symbols."""
    parts: list[str] = []

    def visit(node: nodes.Node) -> None:
        if isinstance(node, _SKIP_TEXT) or _is_citation(node):
            return
        if isinstance(node, nodes.raw):
            if "html" in node.get("format", "").split():  # notebook HTML output, e.g. a table
                text = re.sub(r"<(script|style)\b.*?</\1>", " ", node.astext(), flags=re.S | re.I)
                parts.append(html.unescape(re.sub(r"<[^>]+>", " ", text)) + "\n")
            return
        if isinstance(node, (nodes.math, nodes.math_block)):
            parts.append(" " + tex_to_text(node.astext()) + " ")
            return
        if isinstance(node, nodes.Text):
            parts.append(node.astext())
            return
        for child in node.children:
            visit(child)
        if isinstance(node, (nodes.paragraph, nodes.title, nodes.literal_block, nodes.term,
                             nodes.list_item, nodes.entry)):
            parts.append("\n")

    visit(doctree)
    return re.sub(r"[ \t]*\n\s*", "\n", re.sub(r"[ \t]+", " ", "".join(parts))).strip()


def _texts(env) -> dict[str, str]:
    if not hasattr(env, "search_page_texts"):
        env.search_page_texts = {}
    return env.search_page_texts


def collect_text(app: Sphinx, doctree: nodes.document) -> None:
    _texts(app.env)[app.env.docname] = page_text(doctree)


def purge_text(app: Sphinx, env, docname: str) -> None:
    _texts(env).pop(docname, None)


def merge_texts(app: Sphinx, env, docnames, other) -> None:
    texts = _texts(env)
    for docname, text in _texts(other).items():
        if docname in docnames:
            texts[docname] = text


SEARCH_TEXTS = "search-texts.js"


def add_snippet_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if pagename == "search":
        app.add_js_file(SEARCH_TEXTS)
        app.add_js_file("search-snippets.js")


def write_search_texts(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    texts = {name: text for name, text in sorted(_texts(app.env).items())
             if name in app.env.found_docs}
    target = Path(app.outdir) / "_static" / SEARCH_TEXTS
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(texts, ensure_ascii=False, separators=(",", ":"))
    content = f"window.SEARCH_PAGE_TEXTS = {payload};\n"
    if not target.is_file() or target.read_text(encoding="utf-8") != content:
        target.write_text(content, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_search_language(SearchEnglishChinese)
    app.connect("builder-inited", wrap_template_rendering)
    app.connect("doctree-read", collect_text)
    app.connect("env-purge-doc", purge_text)
    app.connect("env-merge-info", merge_texts)
    app.connect("html-page-context", add_snippet_scripts)
    app.connect("build-finished", write_search_texts)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
