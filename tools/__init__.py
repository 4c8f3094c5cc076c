"""Build code of the book: the readers of ``_toc.yml`` and ``CITATION.cff``, the
citation generator, and the execution of the notebooks for the build.

Import it as a package from the book's root (``python -m tools.execute_notebooks``;
the tests have the root on pytest's ``pythonpath``; Sphinx extensions registered
under ``local_extensions`` with the path ``.`` have it on ``sys.path``).
"""
