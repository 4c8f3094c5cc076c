"""Fill Jupyter Book's execution cache with the book's notebooks, two at a time.

``jupyter-book build`` executes notebooks one after another. This runs the same
execution (myst-nb's ``cache`` mode: the notebook's own directory as working
directory, the configured per-cell timeout, errors not allowed) in ``--jobs``
processes and stores each result in ``_build/.jupyter_cache``, where the build
then finds it:

1. A cache filled under other dependencies (:mod:`tools.dependencies`) is
   emptied first, so every notebook is executed again.
2. A notebook that the tests have just executed (:mod:`tools.handover`) is
   stored with the outputs of that run, provided its copy passes the checks.
3. Every other notebook not yet in the cache is executed.

A notebook already in the cache is skipped, so an unchanged rebuild executes
nothing. Every record is stored with jupyter-cache's validity check on, as a
validated nbformat document. A notebook that fails is reported and makes the
command exit non-zero; the build would fail on it anyway.

Usage (from the book's root): ``python -m tools.execute_notebooks [--jobs N]``
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

from tools import dependencies, handover, toc

ROOT = Path(__file__).resolve().parents[1]


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


def _in_cache(cache, path: Path) -> bool:
    try:
        cache.match_cache_notebook(nbformat.read(path, as_version=4))
    except KeyError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    timeout = int(config.get("execute", {}).get("timeout", 300))

    cache_dir = ROOT / dependencies.CACHE
    current = dependencies.fingerprint(ROOT)
    if dependencies.refresh_cache(cache_dir, current):
        print("execute_notebooks: the dependencies changed (or no cache yet): "
              "every notebook is executed", flush=True)
    cache = get_cache(str(cache_dir))

    todo = []
    taken = 0
    for path in toc.notebooks(ROOT):
        rel = path.relative_to(ROOT)
        nb, reason = handover.take(path, current, ROOT)
        if nb is not None:
            _store(cache, path, nb, 0.0)
            taken += 1
            continue
        if reason != handover.NO_COPY:
            print(f"  {rel}: not taken from the tests: {reason}", flush=True)
        if not _in_cache(cache, path):
            todo.append(path)
    handover.clear(ROOT)
    print(f"execute_notebooks: {taken} taken from the tests, {len(todo)} to execute",
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
        dependencies.forget_fingerprint(cache_dir)
        print("execute_notebooks: the dependencies changed while notebooks ran; "
              "the next build executes every notebook again", flush=True)
    print(f"execute_notebooks: done in {time.perf_counter() - start:.1f} s", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
