"""The instructor's build configuration (tools/instructor.py, _ext/instructor.py)."""

from pathlib import Path

import yaml

from tools import instructor

ROOT = Path(__file__).resolve().parents[1]


def test_instructor_config_removes_solutions_and_reuses_the_cache():
    book = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    cfg = instructor.config(ROOT)
    assert cfg["sphinx"]["config"]["instructor_build"] is True
    assert book["sphinx"]["config"].get("instructor_build") in (None, False)
    assert "_ext.instructor" in book["sphinx"]["local_extensions"]
    assert Path(cfg["execute"]["cache"]) == ROOT / "_build" / ".jupyter_cache"
    for name, path in cfg["sphinx"]["local_extensions"].items():
        assert Path(path).is_absolute() and Path(path).is_dir(), (name, path)
    # Everything else is the book's own configuration.
    rest = {k: v for k, v in cfg.items() if k not in ("sphinx", "execute")}
    assert rest == {k: v for k, v in book.items() if k not in ("sphinx", "execute")}
