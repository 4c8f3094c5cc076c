"""What the chapters show besides mathematics: tables, caught warnings, glued values.

Every table ceutils renders is built by :func:`html_table`: a
``<table class="ce-table">`` whose numeric cells are ``<td class="ce-num">``,
with no inline style, so that the book's stylesheet spaces, rules and
right-aligns them. :func:`glue` hands a value to the book's text through
myst-nb, and works without myst-nb too, so a notebook runs outside the book.
The module imports the standard library only (IPython and myst-nb when
:func:`glue` is first called).
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from html import escape
from numbers import Real

__all__ = ["HTML", "html_table", "breakable", "code", "glue", "print_warnings", "show_warnings"]

_NUMBER = re.compile(r"[-+\u2212]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|[-+]?(inf|nan)")


class HTML(str):
    """Markup that Jupyter displays as HTML, and that :func:`html_table` does not escape."""

    def _repr_html_(self) -> str:
        return str(self)


def breakable(text: str) -> HTML:
    """``text``, escaped, with a line-break opportunity after every ``.``, ``_`` and ``(``.

    Parameters
    ----------
    text : str
        Text holding long identifiers, such as
        ``"keras.losses.sparse_categorical_crossentropy(from_logits=True)"``.

    Returns
    -------
    HTML
        The text with ``<wbr>`` after those characters, so that a narrow table
        column wraps it instead of overflowing.

    Examples
    --------
    >>> str(breakable("a.b_c(d)"))
    'a.<wbr>b_<wbr>c(<wbr>d)'
    """
    return HTML(re.sub(r"([._(])", r"\1<wbr>", escape(text)))


def code(text: str) -> HTML:
    """``text`` as inline code that may wrap after a dot, an underscore or a parenthesis.

    Parameters
    ----------
    text : str
        An identifier such as ``tf.nn.sparse_softmax_cross_entropy_with_logits``.

    Returns
    -------
    HTML
        ``<code>`` markup around :func:`breakable` text.

    Examples
    --------
    >>> str(code("a.b_c"))
    '<code>a.<wbr>b_<wbr>c</code>'
    """
    return HTML(f"<code>{breakable(text)}</code>")


def _is_number(cell) -> bool:
    if isinstance(cell, bool):
        return False
    if isinstance(cell, Real):
        return True
    return isinstance(cell, str) and not isinstance(cell, HTML) and bool(
        _NUMBER.fullmatch(cell.strip()))


def _cell(tag: str, value, numeric: bool) -> str:
    text = str(value) if isinstance(value, HTML) else escape(str(value))
    return f'<{tag} class="ce-num">{text}</{tag}>' if numeric else f"<{tag}>{text}</{tag}>"


def html_table(header: Sequence, rows: Iterable[Sequence], *, caption: str | None = None,
               numeric: Iterable[int] | None = None, classes: Sequence[str] = ()) -> HTML:
    """An HTML table with the book's classes and no inline style.

    Parameters
    ----------
    header : sequence
        Column titles (text, or :class:`HTML` markup).
    rows : iterable of sequences
        The cells, row by row; text is escaped, :class:`HTML` is inserted as it is.
    caption : str, optional
        A caption (text).
    numeric : iterable of int, optional
        The columns whose cells are numbers (class ``ce-num``). By default a cell
        is numeric when it is a real number or a string that reads as one
        (``"0.25"``, ``"-1e-05"``, ``"inf"``).
    classes : sequence of str
        Further classes of the ``<table>``, after ``ce-table``.

    Returns
    -------
    HTML
        ``<table class="ce-table ...">`` markup; Jupyter displays it as a table.

    Examples
    --------
    >>> table = html_table(["x", "name"], [["0.5", "half"]])
    >>> table.startswith('<table class="ce-table">')
    True
    >>> '<td class="ce-num">0.5</td><td>half</td>' in table
    True
    """
    columns = None if numeric is None else set(numeric)
    body = []
    for row in rows:
        cells = [_cell("td", c, _is_number(c) if columns is None else j in columns)
                 for j, c in enumerate(row)]
        body.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(_cell("th", h, False) for h in header)
    names = " ".join(["ce-table", *classes])
    cap = "" if caption is None else f"<caption>{escape(caption)}</caption>"
    return HTML(f'<table class="{names}">{cap}<thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(body)}</tbody></table>")


def print_warnings(caught: Iterable[warnings.WarningMessage]) -> None:
    """Print each caught warning as ``Category: message``, one a line.

    Parameters
    ----------
    caught : iterable of warnings.WarningMessage
        What ``warnings.catch_warnings(record=True)`` recorded.

    Returns
    -------
    None
        The lines go to standard output, where a notebook shows them (standard
        error would fail the book's build).
    """
    for w in caught:
        print(f"{w.category.__name__}: {w.message}")


@contextlib.contextmanager
def show_warnings() -> Iterator[list[warnings.WarningMessage]]:
    """Record every warning raised in the block, and print them when it ends.

    Yields
    ------
    list of warnings.WarningMessage
        The warnings recorded in the block, for assertions after it.

    Examples
    --------
    >>> with show_warnings() as caught:
    ...     warnings.warn("p rows do not sum to 1")
    UserWarning: p rows do not sum to 1
    >>> len(caught)
    1
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught
    print_warnings(caught)


def glue(name: str, variable, display: bool = True) -> None:
    """Make ``variable`` available to the book's text as ``{glue:text}`name```: myst-nb's glue.

    In the book's build this is ``myst_nb.glue``. Where myst-nb is not installed
    (a reader's light install) nothing is glued: with ``display=True`` the
    value is shown as the cell's output, otherwise nothing happens.

    Parameters
    ----------
    name : str
        The key the text refers to, e.g. ``"c01_H_exact"``.
    variable : object
        A Python ``float``, ``int`` or ``str`` (a formatted number), or a
        figure or other displayable object.
    display : bool
        Whether to show the value as the cell's output too.

    Raises
    ------
    TypeError
        For a NumPy scalar: it would print as ``np.float64(...)`` in the text,
        so glue ``float(x)`` or a formatted string instead.

    Examples
    --------
    >>> glue("c00_half", 0.5, display=False)
    """
    if type(variable).__module__ == "numpy" and getattr(variable, "ndim", None) == 0:
        raise TypeError(f"glue {name!r}: got {type(variable).__name__} {variable}; glue a "
                        f"Python number (float(x), int(x)) or a formatted string")
    try:
        from myst_nb import glue as myst_glue
    except ModuleNotFoundError as err:
        if err.name != "myst_nb":
            raise
        if display:
            try:
                from IPython.display import display as show
            except ModuleNotFoundError:
                show = print
            show(variable)
        return
    myst_glue(name, variable, display=display)
