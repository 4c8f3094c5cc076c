"""The book's Sphinx extensions (registered under ``sphinx.local_extensions`` in _config.yml)."""

from __future__ import annotations

import hashlib
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
#: What the extensions write into pages: their own code and the download names they link.
_SOURCES = (*sorted((_ROOT / "_ext").glob("*.py")), _ROOT / "tools" / "downloads.py")


def env_version() -> int:
    """A number that changes whenever the code of an extension changes.

    Sphinx reads and writes again only the pages whose source changed. A page whose
    source did not change would keep what an older extension put in it (an older
    "Run this page yourself" note, say) even though the extension was fixed. An
    extension that returns this number as its ``env_version`` makes Sphinx discard
    its saved environment whenever the number changes, and so rebuild every page.
    """
    digest = hashlib.sha1()
    for path in _SOURCES:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return int(digest.hexdigest()[:12], 16)
