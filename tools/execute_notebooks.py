"""Execute the book's notebooks in parallel into Jupyter Book's execution cache.

``jupyter-book build`` executes notebooks one after another. This script runs
the same execution (myst-nb's ``cache`` mode: the notebook's own directory as
working directory, the configured per-cell timeout, errors not allowed) in
``--jobs`` processes and stores each result in ``_build/.jupyter_cache``, where
the build then finds it. A notebook already in the cache is skipped, so an
unchanged rebuild executes nothing. A notebook that fails is reported and makes
the script exit non-zero; the build would fail on it anyway.

A cache filled under other dependencies (tools/dependencies.py: the ceutils
package, the installed libraries, the files notebooks read) is emptied first,
so every notebook is executed again. Every record is stored with jupyter-cache's
validity check on, as a validated nbformat document.

Under ``make test`` the notebooks have just been executed by nbmake, which
leaves each executed copy in ``_build/executed/`` (see the root conftest.py).
A copy whose code cells equal the notebook's is moved into the cache instead of
executing the notebook again; copies are used once and then deleted, so they
never outlive the test run that made them.

Usage (from the book's root): python -m tools.execute_notebooks [--jobs N]
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import yaml
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution

from tools import dependencies, toc

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / dependencies.CACHE
EXECUTED = ROOT / "_build" / "executed"


def _take_executed_copy(path: Path):
    """The outputs nbmake left for ``path`` on the notebook itself; None if its code changed.

    Only outputs and execution counts are taken over: the cell metadata nbclient
    adds while executing (timings) would change the cache's hash of the notebook.
    """
    copy = EXECUTED / path.relative_to(ROOT)
    if not copy.is_file():
        return None
    executed = nbformat.read(copy, as_version=4)
    copy.unlink()
    nb = nbformat.read(path, as_version=4)
    ran = [cell for cell in executed.cells if cell.cell_type == "code"]
    cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    if [c.source for c in ran] != [c.source for c in cells]:
        return None
    for cell, done in zip(cells, ran, strict=True):
        cell.outputs = done.outputs
        cell.execution_count = done.execution_count
    return nb


def _store(cache, path: Path, nb, seconds: float) -> None:
    nbformat.validate(nb)
    record = cache.add_nb_to_project(str(path))
    cache.cache_notebook_bundle(
        CacheBundleIn(nb, record.uri, data={"execution_seconds": seconds}),
        check_validity=True, overwrite=True,
    )


def _execute(path: str, timeout: int):
    nb = nbformat.read(path, as_version=4)
    result = single_nb_execution(nb, cwd=str(Path(path).parent), timeout=timeout,
                                 allow_errors=False, meta_override=True)
    error = None if result.err is None else f"{type(result.err).__name__}: {result.err}"
    return path, nb, result.time, error


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    timeout = int(config.get("execute", {}).get("timeout", 300))

    current = dependencies.fingerprint(ROOT)
    if dependencies.refresh_cache(CACHE, current):
        print("execute_notebooks: the dependencies changed (or no cache yet): "
              "every notebook is executed", flush=True)
    cache = get_cache(str(CACHE))
    todo = []
    reused = 0
    for path in toc.notebooks(ROOT):
        executed = _take_executed_copy(path)
        if executed is not None:
            _store(cache, path, executed, 0.0)
            reused += 1
            continue
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            todo.append(path)
    print(f"execute_notebooks: {reused} taken from the test run, {len(todo)} to execute",
          flush=True)
    failures = []
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(_execute, str(p), timeout) for p in todo]
        for future in futures:
            path, nb, seconds, error = future.result()
            rel = Path(path).relative_to(ROOT)
            if error:
                failures.append(rel)
                print(f"  FAILED {rel}: {error}", flush=True)
                continue
            _store(cache, Path(path), nb, seconds)
            print(f"  {rel}: {seconds:.1f} s", flush=True)
    if dependencies.fingerprint(ROOT) != current:
        dependencies.forget_fingerprint(CACHE)
        print("execute_notebooks: the dependencies changed while notebooks ran; "
              "the next build executes every notebook again", flush=True)
    print(f"execute_notebooks: done in {time.perf_counter() - start:.1f} s", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
