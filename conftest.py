"""Root pytest configuration: keep what nbmake executes for the book build.

``make test`` executes every notebook twice over: once under nbmake (the test)
and once for the book. When nbmake runs a notebook without error, the executed
copy is written to ``_build/executed/<path>.ipynb``; the build's
``tools/execute_notebooks.py`` then moves it into the execution cache instead
of running the same code again, provided the notebook's code is unchanged.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent
EXECUTED = ROOT / "_build" / "executed"


def pytest_configure(config):
    if not config.pluginmanager.hasplugin("nbmake"):
        return
    from nbmake.nb_run import NotebookRun

    if getattr(NotebookRun.execute, "keeps_executed_copy", False):
        return
    original = NotebookRun.execute

    def execute(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        path = Path(self.filename).resolve()
        if result.error is None and path.is_relative_to(ROOT):
            dest = EXECUTED / path.relative_to(ROOT)
            dest.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(result.nb, dest)
        return result

    execute.keeps_executed_copy = True
    NotebookRun.execute = execute
