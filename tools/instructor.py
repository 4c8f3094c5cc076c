"""The book without solutions, for instructors: ``make book-instructor``.

Writes ``_build/instructor/_config.yml``, the book's ``_config.yml`` with
``instructor_build`` turned on (``_ext/instructor.py``; sphinx-exercise's own
``hide_solutions`` leaves the end markers of gated solutions behind) and the
execution cache of the main build reused (so that nothing is executed again), for::

    jupyter-book build --config _build/instructor/_config.yml \
        --path-output _build/instructor .

The exercises keep their numbers and labels; their solutions are left out of the
pages, with the cells between ``solution-start`` and ``solution-end``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "instructor"


def config(root: Path = ROOT) -> dict:
    """The book's configuration with solutions hidden and the main execution cache."""
    cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    cfg.setdefault("sphinx", {}).setdefault("config", {})["instructor_build"] = True
    cfg.setdefault("execute", {})["cache"] = str(root / "_build" / ".jupyter_cache")
    # Jupyter Book reads the paths of local extensions relative to the config file.
    local = cfg["sphinx"].get("local_extensions") or {}
    cfg["sphinx"]["local_extensions"] = {name: str(root / path) for name, path in local.items()}
    return cfg


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / "_config.yml"
    target.write_text(yaml.safe_dump(config(), allow_unicode=True, sort_keys=False),
                      encoding="utf-8")
    print(target.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
