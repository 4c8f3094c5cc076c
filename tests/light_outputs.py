"""What a notebook executed without PyTorch, TensorFlow and Keras must show.

Shared by the test that hides those libraries from a kernel of the book's own
environment (``test_light_notebooks.py``) and the test that runs chapters in a
fresh light install from the wheel (``test_light_install.py``). scikit-learn is
part of the light install: its rows compute, and a ``with needs("sklearn")``
block runs.
"""

from __future__ import annotations

import html
import re

from tools.downloads import downloads

# What a reader sees, written out here rather than taken from ceutils.libraries.
TITLES = {"torch": "PyTorch", "tensorflow": "TensorFlow", "keras": "Keras"}
# The command the "Run this page yourself" note gives for the frameworks.
INSTALL = downloads().pip_frameworks
SKIP_ROW = re.compile(r"(PyTorch|TensorFlow|Keras) not installed: " + re.escape(INSTALL))
NEEDS_LINE = re.compile(r"This cell runs (.+), which (?:is|are) not installed: "
                        + re.escape(INSTALL))
# Rows named after a library or one of its functions ("PyTorch BCELoss", "TF 2 (float32)",
# "tf.nn.softmax_cross_entropy_with_logits"). A skipped row must match anywhere in its name;
# a computed row must not match at its start (so "printed by source 002 (TF 1, float32)" and
# "ceutils clip='keras'" are not library rows).
LIBRARY_ROW = re.compile(r"(PyTorch|TensorFlow|TF|Keras)\b|(torch|tf|keras)\.")
_FRAMEWORK_NAME = r"""["'](?:torch|tensorflow|keras)["']"""
USES_FRAMEWORKS = re.compile(r"\b(?:torch|tf|keras)_\w+\(|crosswalk\.evaluate\("
                             rf"|\bneeds\([^)]*{_FRAMEWORK_NAME}")


def _text(fragment: str) -> str:
    fragment = re.sub(r"<br\s*/?>", " ", fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def tables(nb, css_class: str) -> list[tuple[str, list[list[str]]]]:
    """(caption, rows of cell texts) of every ``<table class="... css_class">`` output."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            markup = out.get("data", {}).get("text/html", "")
            for table in re.findall(rf'<table class="[^"]*\b{css_class}\b.*?</table>', markup,
                                    re.S):
                caption = _text("".join(re.findall(r"<caption>(.*?)</caption>", table, re.S)))
                body = table.split("<tbody>", 1)[1]
                rows = [[_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
                        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
                found.append((caption, rows))
    return found


def stdout(cell) -> str:
    """Everything ``cell`` printed to stdout."""
    return "".join(out.get("text", "") for out in cell.get("outputs", [])
                   if out.get("output_type") == "stream" and out.get("name") == "stdout")


def expected_needs_line(source_args: str) -> str | None:
    """The libraries a ``needs(...)`` line names, or None when all of them are installed.

    ``source_args`` is the text between the parentheses of ``with needs(...)``.
    Only PyTorch, TensorFlow and Keras are missing; scikit-learn is installed.

    >>> expected_needs_line('"torch", "tensorflow", "keras"')
    'PyTorch, TensorFlow and Keras'
    >>> expected_needs_line('"sklearn", "torch"')
    'PyTorch'
    >>> expected_needs_line('"sklearn"') is None
    True
    """
    named = [TITLES[n] for n in re.findall(r"[\"'](\w+)[\"']", source_args) if n in TITLES]
    if not named:
        return None
    return ", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0]


def check_light_outputs(nb) -> int:
    """Assert that the executed ``nb`` shows every skip a light install must show.

    Every agreement and crosswalk row of PyTorch, TensorFlow or Keras says that
    it is not installed and no row disagrees; every ``with needs(...)`` cell of
    those libraries says what it skipped, and one of installed libraries only
    prints no such line; a notebook that uses the frameworks shows at least one
    skip, and one that does not shows none.

    Returns
    -------
    int
        The number of skipped rows and cells.
    """
    skips = 0
    for caption, rows in tables(nb, "ce-agreement"):
        for name, value, _diff, verdict in rows:
            assert verdict != "✗", f"{name} disagrees"
            if verdict == "skipped":
                skips += 1
                assert SKIP_ROW.fullmatch(value), f"row {name!r} is skipped with {value!r}"
                assert LIBRARY_ROW.search(name), f"row {name!r} is not a library's, yet skipped"
            elif LIBRARY_ROW.match(name):
                raise AssertionError(
                    f"row {name!r} shows {value!r} although its library is not installed")
        if all(verdict == "skipped" for *_, verdict in rows[1:]):
            assert "nothing was compared" in caption, caption

    for _caption, rows in tables(nb, "ce-crosswalk"):
        for function, *_, value in rows:
            library = function.split()[0]
            if library in TITLES.values():
                skips += 1
                match = SKIP_ROW.fullmatch(value)
                assert match and match.group(1) == library, (function, value)
            else:
                float(value)  # ceutils and scikit-learn still compute

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for args in re.findall(r"with needs\(([^)]*)\)", cell.source):
            titles = expected_needs_line(args)
            lines = [m.group(1) for m in NEEDS_LINE.finditer(stdout(cell))]
            if titles is None:  # e.g. needs("sklearn"): installed, so the block runs
                assert not lines, f"cell {cell.source[:60]!r} printed {stdout(cell)!r}"
                continue
            assert titles in lines, f"cell {cell.source[:60]!r} printed {stdout(cell)!r}"
            skips += 1

    uses = any(USES_FRAMEWORKS.search(c.source) for c in nb.cells if c.cell_type == "code")
    assert (skips > 0) == uses, f"{skips} skips; the notebook uses the frameworks: {uses}"
    return skips
