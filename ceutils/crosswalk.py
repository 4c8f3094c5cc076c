"""The API crosswalk: every library's cross-entropy functions, one narrow table per loss.

The functions, what each expects and returns by default, and how to call each
through :mod:`ceutils.adapters` are data (``data/crosswalk.json``); this module
evaluates every call on one set of inputs and renders a table per loss whose
rows are the libraries' functions, four columns wide, so that every column is
readable at the book's content width and in print. A function whose library is
not installed is shown with the message of its
:class:`~ceutils.libraries.LibraryNotInstalled` in place of its value, as
:func:`ceutils.agreement.agree` shows a skipped row.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from html import escape
from importlib import resources

import numpy as np

from .display import HTML, code, html_table
from .libraries import LibraryNotInstalled, _may_skip
from .losses import KERAS_EPSILON, TORCH_LOG_CLAMP

__all__ = ["losses", "input_names", "evaluate", "means", "check_reductions", "tables"]

_CONSTANTS = {"KERAS_EPSILON": KERAS_EPSILON, "TORCH_LOG_CLAMP": TORCH_LOG_CLAMP,
              "FLOAT64_EPS": float(np.finfo(np.float64).eps)}
_TEXT = ("library", "function", "axis", "reduction", "clipping", "smoothing", "note")
HEADER = ("function", "class axis, default reduction", "clipping, label smoothing",
          "value (mean)")
"""The four columns of every table."""


def _load() -> dict:
    text = (resources.files(__package__) / "data" / "crosswalk.json").read_text(encoding="utf-8")
    return json.loads(text)


def losses() -> list[dict]:
    """The losses of the crosswalk and, for each, the functions that compute it.

    Returns
    -------
    list of dict
        One dict per loss: ``title``, ``group`` (``"softmax"`` or ``"sigmoid"``:
        within a group every function computes the same mean) and ``functions``,
        a list of dicts with ``library``, ``function``, ``axis``, ``reduction``,
        ``clipping``, ``smoothing``, optionally ``note``, and the call: ``call``
        (``"adapters.<name>"`` or ``"ceutils.<name>"``), ``args`` (names of
        inputs), optionally ``kwargs`` and ``flatten``. Numbers in the text come
        from ceutils' constants.
    """
    data = _load()
    for loss in data["losses"]:
        for fn in loss["functions"]:
            for key in _TEXT:
                if key in fn:
                    fn[key] = fn[key].format(**_CONSTANTS)
    return data["losses"]


def input_names() -> dict[str, str]:
    """The inputs the calls name, and what each is.

    Returns
    -------
    dict of str to str
        Name of each input (``"logits"``, ``"labels"``, ...) and its description.
    """
    return _load()["inputs"]


def _resolve(call: str):
    import ceutils

    module, _, name = call.partition(".")
    if module not in ("adapters", "ceutils"):
        raise ValueError(f"call must name adapters.<function> or ceutils.<function>; got {call!r}")
    return getattr(ceutils.adapters if module == "adapters" else ceutils, name)


def evaluate(inputs: Mapping[str, object]) -> list[dict]:
    """Every function of the crosswalk, called on ``inputs``.

    Parameters
    ----------
    inputs : mapping of str to array_like
        One array for each name of :func:`input_names`.

    Returns
    -------
    list of dict
        :func:`losses`, each function with ``value``: what it returned, as a
        float64 array, and ``input_shape``: the shape of its first argument; or,
        if its library is not installed, with
        ``not_installed``: the :class:`~ceutils.libraries.LibraryNotInstalled`
        it raised (with ``CEUTILS_REQUIRE_FRAMEWORKS=1`` that error propagates).
    """
    missing = set(input_names()) - set(inputs)
    if missing:
        raise ValueError(f"inputs must name {sorted(input_names())}; missing {sorted(missing)}")
    evaluated = copy.deepcopy(losses())
    for loss in evaluated:
        for fn in loss["functions"]:
            args = [np.asarray(inputs[name]) for name in fn["args"]]
            if fn.get("flatten"):
                args = [a.ravel() for a in args]
            try:
                value = _resolve(fn["call"])(*args, **fn.get("kwargs", {}))
            except LibraryNotInstalled as err:
                if not _may_skip(err):
                    raise
                fn["not_installed"] = err
                continue
            fn["value"] = np.asarray(value, dtype=np.float64)
            fn["input_shape"] = args[0].shape
    return evaluated


def _raise(err: Exception):
    def row():
        raise err

    return row


def means(evaluated: list[dict], group: str) -> dict:
    """The mean of every function of a group, ceutils' first: the rows of an agreement table.

    Parameters
    ----------
    evaluated : list of dict
        What :func:`evaluate` returned.
    group : {"softmax", "sigmoid"}
        Within a group every function computes the same mean.

    Returns
    -------
    dict
        Function name to its mean value (a float), ceutils' functions first so
        that the reference is always computed; a function whose library is not
        installed maps to a callable that raises its
        :class:`~ceutils.libraries.LibraryNotInstalled`, so that the table
        shows it as skipped.
    """
    fns = [fn for loss in evaluated if loss["group"] == group for fn in loss["functions"]]
    if not fns:
        raise ValueError(f"group must be one of {sorted({loss['group'] for loss in evaluated})}; "
                         f"got {group!r}")
    fns.sort(key=lambda fn: fn["library"] != "ceutils")
    return {fn["function"]: (_raise(fn["not_installed"]) if "not_installed" in fn
                             else float(np.mean(fn["value"]))) for fn in fns}


_PER = {"one per sample": lambda shape: shape[:-1], "one per element": lambda shape: shape}


def check_reductions(evaluated: list[dict]) -> int:
    """Assert that each function returned the shape its ``reduction`` entry says.

    An entry ``"none (one per sample)"`` promises one loss per sample (the
    shape of the first input without its class axis), ``"none (one per
    element)"`` one loss per element (the shape of the first input), and any
    other entry (a mean or a sum) a scalar.

    Parameters
    ----------
    evaluated : list of dict
        What :func:`evaluate` returned.

    Returns
    -------
    int
        The number of functions checked; a function whose library is not
        installed is not.

    Raises
    ------
    AssertionError
        Naming every function whose result contradicts its entry, with the
        shape expected and the shape returned.
    """
    wrong, checked = [], 0
    for loss in evaluated:
        for fn in loss["functions"]:
            if "value" not in fn:
                continue
            per = next((rule for key, rule in _PER.items() if key in fn["reduction"]), None)
            expected = () if per is None else tuple(per(fn["input_shape"]))
            if fn["value"].shape != expected:
                wrong.append(f"{fn['function']}: reduction {fn['reduction']!r} promises shape "
                             f"{expected}, got {fn['value'].shape}")
            checked += 1
    if wrong:
        raise AssertionError("reductions contradicted:\n  " + "\n  ".join(wrong))
    return checked


def _function_cell(fn: dict) -> HTML:
    name, paren, rest = fn["function"].partition(" (")
    parts = [fn["library"], str(code(name)) + (f" ({rest}" if paren else "")]
    if "note" in fn:
        parts.append(fn["note"])
    return HTML("<br>".join(p if p.startswith("<code>") else escape(p) for p in parts))


def _lines(*pairs: tuple[str, str]) -> HTML:
    return HTML("<br>".join(f"{escape(k)}: {escape(v)}" for k, v in pairs))


def tables(evaluated: list[dict]) -> HTML:
    """One table per loss, rows the functions, in the four columns of :data:`HEADER`.

    Parameters
    ----------
    evaluated : list of dict
        What :func:`evaluate` returned.

    Returns
    -------
    HTML
        The tables, one after the other (``<table class="ce-table ce-crosswalk">``);
        the value is the mean of what the function returns on the shared inputs,
        or the message saying that its library is not installed.
    """
    out = []
    for loss in evaluated:
        rows = [(_function_cell(fn),
                 _lines(("class axis", fn["axis"]), ("reduction", fn["reduction"])),
                 _lines(("clipping", fn["clipping"]), ("label smoothing", fn["smoothing"])),
                 str(fn["not_installed"]) if "not_installed" in fn
                 else f"{float(np.mean(fn['value'])):.6f}")
                for fn in loss["functions"]]
        out.append(html_table(HEADER, rows, caption=loss["title"], numeric=(3,),
                              classes=("ce-crosswalk",)))
    return HTML("\n".join(out))
