"""No page shows outputs that the current code and dependencies did not compute.

myst-nb (``execute_notebooks: cache``) takes a notebook's outputs from
jupyter-cache, which recognises a notebook by its code cells alone, and Sphinx
reads a page again only when its source file changed. Two things close the gaps:

* When the build starts, an execution cache filled under other dependencies
  (the ``ceutils`` package, the installed libraries, the files notebooks read:
  :mod:`tools.dependencies`) is emptied, so every notebook is executed again.
  ``make book`` fills the cache before the build (``tools/execute_notebooks.py``);
  this also covers a ``jupyter-book build`` run by hand.
* A notebook page is read again whenever the cache record of its notebook is not
  the one its outputs were taken from (new outputs from the tests or from a new
  execution, or no record at all), even if the notebook itself is unchanged.

Registered in ``_config.yml`` as ``_ext.execution_cache`` with the path ``.``, which
puts the book's root on ``sys.path`` so that the ``tools`` package imports.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from docutils import nodes
from jupyter_cache import get_cache
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from tools import dependencies

BOOK_ROOT = Path(__file__).resolve().parents[1]

# BuildEnvironment attribute: docname -> the cache record its outputs came from.
_RECORDS = "execution_cache_records"


def _cache_dir(app: Sphinx) -> Path | None:
    """The execution cache myst-nb uses, or None if it does not use one."""
    if app.config.nb_execution_mode != "cache":
        return None
    configured = app.config.nb_execution_cache_path
    return Path(configured) if configured else Path(app.outdir).parent / ".jupyter_cache"


def empty_stale_cache(app: Sphinx) -> None:
    cache_dir = _cache_dir(app)
    if cache_dir is not None:
        dependencies.refresh_cache(cache_dir, dependencies.fingerprint(BOOK_ROOT))


def _notebook(env: BuildEnvironment, docname: str) -> Path | None:
    path = Path(env.doc2path(docname))
    return path if path.suffix == ".ipynb" and path.is_file() else None


def _record(cache, path: Path) -> str | None:
    """The cache record matching the notebook at ``path`` (hash and creation time)."""
    try:
        record = cache.match_cache_notebook(nbformat.read(path, as_version=4))
    except KeyError:
        return None
    return f"{record.hashkey} {record.created.isoformat()}"


def _records(env: BuildEnvironment) -> dict[str, str | None]:
    if not hasattr(env, _RECORDS):
        setattr(env, _RECORDS, {})
    return getattr(env, _RECORDS)


def note_record(app: Sphinx, doctree: nodes.document) -> None:
    """After myst-nb has read a notebook page: remember the record it used."""
    cache_dir = _cache_dir(app)
    path = _notebook(app.env, app.env.docname)
    if cache_dir is None or path is None:
        return
    _records(app.env)[app.env.docname] = _record(get_cache(str(cache_dir)), path)


def outdated_notebooks(app: Sphinx, env: BuildEnvironment, added: set[str],
                       changed: set[str], removed: set[str]) -> list[str]:
    """Notebook pages whose cache record is missing or not the one they were read with."""
    cache_dir = _cache_dir(app)
    if cache_dir is None:
        return []
    cache = get_cache(str(cache_dir))
    records = _records(env)
    stale = []
    for docname in sorted(set(env.all_docs) - added - changed - removed):
        path = _notebook(env, docname)
        if path is None:
            continue
        current = _record(cache, path)
        if current is None or records.get(docname) != current:
            stale.append(docname)
    return stale


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _records(env).pop(docname, None)


def merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str],
               other: BuildEnvironment) -> None:
    theirs = _records(other)
    _records(env).update({name: theirs[name] for name in docnames if name in theirs})


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", empty_stale_cache)
    app.connect("env-get-outdated", outdated_notebooks)
    app.connect("doctree-read", note_record)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
