"""Everything the notebooks' outputs depend on besides their code, as one fingerprint.

jupyter-cache, the build's execution cache, recognises a notebook by its code
cells alone. A notebook's outputs also depend on the ``ceutils`` package it
imports, the libraries installed, and the files it reads. :func:`fingerprint`
hashes all of these; the fingerprint a cache was filled under is stored in the
cache directory, and :func:`refresh_cache` empties a cache whose fingerprint
differs from the current one, so that the next build executes every notebook
again. Copies of notebooks executed by the tests carry the fingerprint they were
executed under too (:mod:`tools.handover`).

Add to :data:`DEPENDENCIES` any file or directory a notebook starts to read.
"""

from __future__ import annotations

import hashlib
import platform
import shutil
import sysconfig
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Paths relative to the book's root; a directory stands for every file below it.
DEPENDENCIES = (
    "ceutils",  # the package every notebook imports, with its data (results, crosswalk)
    "requirements.txt",  # the pinned libraries
    "pyproject.toml",  # the package's own metadata and dependencies
    "CITATION.cff",  # files the notebooks or the package may read
    "_toc.yml",
)

#: The cache directory Jupyter Book uses with ``execute.cache: ""`` in _config.yml.
CACHE = Path("_build") / ".jupyter_cache"

#: The file, inside the cache directory, that holds the cache's fingerprint.
STAMP = "dependencies.sha256"


def _skipped(path: Path, base: Path) -> bool:
    """Interpreter caches and hidden files (editor and tool state) are not content."""
    parts = path.relative_to(base).parts
    return (path.suffix == ".pyc" or "__pycache__" in parts
            or any(part.startswith(".") for part in parts))


def _files(root: Path, rel: str) -> list[Path]:
    base = root / rel
    if base.is_file():
        return [base]
    if base.is_dir():
        return sorted(p for p in base.rglob("*") if p.is_file() and not _skipped(p, base))
    return []


def _installed() -> list[str]:
    """``name==version`` of each distribution installed in the environment.

    Read from the environment's site-packages only, so that the answer does not
    depend on what else a process has on ``sys.path``.
    """
    paths = sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})
    return sorted({f"{dist.metadata['Name']}=={dist.version}"
                   for dist in metadata.distributions(path=paths)})


def fingerprint(root: Path = ROOT) -> str:
    """SHA-256 over the content of :data:`DEPENDENCIES`, the Python version and the
    distributions installed in the environment (name and version of each)."""
    root = Path(root)
    digest = hashlib.sha256()
    for rel in DEPENDENCIES:
        files = _files(root, rel)
        if not files:
            digest.update(f"{rel}: absent\n".encode())
        for path in files:
            content = hashlib.sha256(path.read_bytes()).hexdigest()
            digest.update(f"{path.relative_to(root).as_posix()}: {content}\n".encode())
    digest.update(f"Python {platform.python_version()}\n".encode())
    digest.update("\n".join(_installed()).encode())
    return digest.hexdigest()


def stored_fingerprint(cache_dir: Path) -> str | None:
    """The fingerprint ``cache_dir`` was filled under; None if it records none."""
    stamp = Path(cache_dir) / STAMP
    return stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else None


def refresh_cache(cache_dir: Path, current: str) -> bool:
    """Empty ``cache_dir`` unless it was filled under ``current``; True if it was emptied.

    The emptied cache is stamped with ``current``.
    """
    cache_dir = Path(cache_dir)
    if stored_fingerprint(cache_dir) == current:
        return False
    if cache_dir.exists():
        shutil.rmtree(cache_dir)
    cache_dir.mkdir(parents=True)
    (cache_dir / STAMP).write_text(current + "\n", encoding="utf-8")
    return True


def forget_fingerprint(cache_dir: Path) -> None:
    """Remove the cache's stamp, so that the next build starts from an empty cache."""
    (Path(cache_dir) / STAMP).unlink(missing_ok=True)
