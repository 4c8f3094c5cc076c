"""Notebooks executed by the tests, handed to the book build.

``make test`` runs every notebook under nbmake and then builds the book. So that
the build need not execute the same notebooks again, nbmake runs on fresh copies
of them and writes each executed copy back to the file it ran (nbmake's public
``--overwrite`` option; a failed notebook is written too, with the cells after
the failure unexecuted). The build then takes a copy's outputs (:func:`take`)
only if every code cell executed, in order, none has an error output, its code
cells equal the notebook's, and the dependency fingerprint it was executed under
(:mod:`tools.dependencies`) equals the current one. Any other notebook the build
executes itself.

The copies live in ``.executed/``, a mirror of the book's root: the notebooks are
copies, every other file and directory on the way is a symbolic link to the
original, so a notebook's relative reads (its working directory is its own
directory) find the book's files. (nbmake collects no path with a ``_build``
directory in it, so the copies cannot live under ``_build/``.) ``make test`` and
``make book`` delete ``.executed/`` before they start, and the build deletes it
once it has looked at every copy, so nothing from an earlier or failed run
reaches the book.

``python -m tools.handover NOTEBOOK...`` (from the book's root) makes the copies.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from tools import dependencies

ROOT = Path(__file__).resolve().parents[1]

#: The mirror of the book's root in which nbmake executes the copies.
CARRIER = ".executed"

#: Notebook metadata of a copy: ``{"dependencies": <fingerprint when it was made>}``.
METADATA_KEY = "executed_copy"

#: What :func:`take` says when the tests left no copy of a notebook.
NO_COPY = "no executed copy"


def copy_path(path: Path, root: Path = ROOT) -> Path:
    """Where the copy of the notebook ``path`` is executed."""
    return Path(root) / CARRIER / Path(path).resolve().relative_to(Path(root).resolve())


def clear(root: Path = ROOT) -> None:
    """Delete every copy (the whole mirror)."""
    shutil.rmtree(Path(root) / CARRIER, ignore_errors=True)


def _mirror(src: Path, dst: Path, notebooks: set[Path], skip: Path) -> None:
    dst.mkdir()
    for child in sorted(src.iterdir()):
        if child == skip:
            continue
        target = dst / child.name
        if child in notebooks:
            continue  # written by stage()
        if child.is_dir() and not child.is_symlink() and any(
                nb.is_relative_to(child) for nb in notebooks):
            _mirror(child, target, notebooks, skip)
        else:
            target.symlink_to(os.path.relpath(child, dst))


def stage(notebooks: list[Path], root: Path = ROOT) -> list[Path]:
    """Fresh copies of ``notebooks`` in the mirror, stamped with the current fingerprint.

    Any earlier copies are deleted first. Returns the paths of the copies.
    """
    root = Path(root).resolve()
    sources = {Path(nb).resolve() for nb in notebooks}
    for nb in sources:
        if not nb.is_relative_to(root) or nb.suffix != ".ipynb":
            raise ValueError(f"{nb} is not a notebook inside {root}")
    clear(root)
    _mirror(root, root / CARRIER, sources, skip=root / CARRIER)
    current = dependencies.fingerprint(root)
    copies = []
    for source in sorted(sources):
        nb = nbformat.read(source, as_version=4)
        nb.metadata[METADATA_KEY] = {"dependencies": current}
        copy = copy_path(source, root)
        nbformat.write(nb, copy)
        copies.append(copy)
    return copies


def take(path: Path, current: str, root: Path = ROOT) -> tuple[NotebookNode | None, str]:
    """The notebook ``path`` with the outputs of its executed copy, and why (not).

    Returns ``(notebook, reason)``: the notebook as stored in ``path`` with the
    copy's outputs, execution counts and ``language_info`` (nothing else, so that
    the execution cache recognises it as ``path``), or ``None`` and the reason the
    copy cannot be used. ``current`` is the current dependency fingerprint.
    """
    copy = copy_path(path, root)
    if not copy.is_file():
        return None, NO_COPY
    try:
        executed = nbformat.read(copy, as_version=4)
        nbformat.validate(executed)
    except (ValueError, nbformat.ValidationError) as err:
        return None, f"the copy is not a valid notebook ({type(err).__name__})"
    made_under = (executed.metadata.get(METADATA_KEY) or {}).get("dependencies")
    if made_under != current:
        return None, "the copy was executed under other dependencies"
    nb = nbformat.read(path, as_version=4)
    cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    ran = [cell for cell in executed.cells if cell.cell_type == "code"]
    if [cell.source for cell in ran] != [cell.source for cell in cells]:
        return None, "the copy's code cells differ from the notebook's"
    for number, cell in enumerate(ran, start=1):
        if cell.execution_count != number:
            return None, f"code cell {number} of the copy was not executed in order"
        if any(output.output_type == "error" for output in cell.outputs):
            return None, f"code cell {number} of the copy has an error output"
    for cell, done in zip(cells, ran, strict=True):
        cell.outputs = done.outputs
        cell.execution_count = done.execution_count
    if "language_info" in executed.metadata:
        nb.metadata.language_info = executed.metadata.language_info
    nbformat.validate(nb)
    return nb, "executed by the tests"


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0 if argv else 2
    stage([Path(arg) for arg in argv])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
