"""The book's downloads: its own files as one zip, and a wheel of ``ceutils``.

A reader who has only the website runs a chapter with these two files. The
website offers them in ``download/`` (``make book`` writes them there), the
front page and every "Run this page yourself" note link them, and the note
gives the one pip command that installs what the notebooks need.

Every name and command a page or a test shows comes from :func:`downloads`,
which takes the version from ``CITATION.cff`` (through :mod:`tools.cff`, its one
reader). The package version in ``pyproject.toml`` must be the same:
:func:`build` refuses to build otherwise.

What goes into the zip: the files git tracks, as they are on disk. A developer
previewing uncommitted changes downloads what the site shows (``git archive``
of HEAD would not); untracked files (a virtual environment, build output,
scratch notebooks) stay out, and a tracked file deleted on disk is left out.
Sources that are not a git checkout (the unpacked zip) give every file their
``.gitignore`` does not name, so that ``make book`` works there too.
The wheel is built from that same set of files, so it holds exactly the
``ceutils`` of the zip, with its package data (the benchmark results and the
API crosswalk the notebooks read).

Both files are reproducible: the zip's entries carry the release date of
``CITATION.cff`` and the wheel is built with ``SOURCE_DATE_EPOCH`` set to it.

Usage (``make book`` runs it)::

    python -m tools.downloads [--out _build/html/download]
"""

from __future__ import annotations

import argparse
import calendar
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from tools import cff

ROOT = Path(__file__).resolve().parents[1]

#: Where the downloads live in the built site, relative to its root.
DIRECTORY = "download"

#: The light extra (the notebooks without PyTorch and TensorFlow) and the frameworks' extra.
NOTEBOOKS, FRAMEWORKS = "notebooks", "frameworks"

#: Where the frameworks' extra installs, as the front page and every run note say it
#: (checked against PyPI's file lists of the pinned versions when this was written:
#: TensorFlow 2.21 has wheels for Python 3.10 to 3.13, none for Intel Macs, and for Macs
#: from macOS 12; PyTorch 2.13's Mac wheels are for Apple silicon and macOS 14 or later).
FRAMEWORKS_NEEDS = (
    "Python 3.11 to 3.13 and, on a Mac, Apple silicon with macOS 14 or later: TensorFlow 2.21 "
    "publishes no builds for newer Pythons, and PyTorch 2.13 none for Intel Macs or for macOS "
    "before 14"
)


@dataclass(frozen=True)
class Downloads:
    """The names of the book's downloads for one version, and the pip commands for them."""

    version: str

    @property
    def zip_name(self) -> str:
        """The book's sources, e.g. ``cross-entropy-executable-0.1.0.zip``."""
        return f"cross-entropy-executable-{self.version}.zip"

    @property
    def zip_folder(self) -> str:
        """The one folder at the top of the zip, e.g. ``cross-entropy-executable-0.1.0``."""
        return self.zip_name.removesuffix(".zip")

    @property
    def wheel_name(self) -> str:
        """The wheel of ``ceutils``, e.g. ``ceutils-0.1.0-py3-none-any.whl``."""
        return f"ceutils-{self.version}-py3-none-any.whl"

    def path(self, name: str) -> str:
        """``name``'s path from the site's root, e.g. ``download/<wheel name>``."""
        return f"{DIRECTORY}/{name}"

    def pip_install(self, *extras: str) -> str:
        """The pip command that installs the wheel with ``extras``.

        Double quotes, so that the same line works in bash, zsh, PowerShell and
        Windows' cmd.exe (which does not know single quotes).
        """
        return f'pip install "{self.wheel_name}[{",".join(extras or (NOTEBOOKS,))}]"'

    @property
    def pip_notebooks(self) -> str:
        """``pip install "ceutils-<version>-py3-none-any.whl[notebooks]"``: the light install."""
        return self.pip_install(NOTEBOOKS)

    @property
    def pip_frameworks(self) -> str:
        """The light install plus PyTorch and TensorFlow (``[notebooks,frameworks]``)."""
        return self.pip_install(NOTEBOOKS, FRAMEWORKS)


def downloads(root: Path = ROOT) -> Downloads:
    """The downloads of the book at ``root``, named after the version in its ``CITATION.cff``."""
    version = cff.release(root).version
    if not version:
        raise ValueError(f"CITATION.cff in {root} gives no version: the downloads are named "
                         "after it")
    return Downloads(version)


def package_version(root: Path = ROOT) -> str:
    """The version of ``ceutils`` in ``<root>/pyproject.toml``."""
    text = (Path(root) / "pyproject.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)["project"]["version"]


def _git_root(root: Path) -> Path | None:
    """The top of the git work tree at ``root``, or None if git is absent or finds none."""
    try:
        out = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root,
                             capture_output=True, text=True)
    except FileNotFoundError:
        return None
    return Path(out.stdout.strip()).resolve() if out.returncode == 0 else None


#: Never part of the sources, with or without git: its metadata and the build's output.
ALWAYS_LEFT_OUT = (".git", "_build")


def _files_without_git(root: Path) -> list[str]:
    """Every regular file under ``root`` but those its ``.gitignore`` names.

    For sources that are not a git checkout, such as the unpacked zip. Understands
    the patterns the book's ``.gitignore`` uses: names and globs matched against
    each part of a path (a trailing ``/`` meaning a directory).
    """
    ignore = Path(root) / ".gitignore"
    lines = ignore.read_text(encoding="utf-8").splitlines() if ignore.is_file() else []
    patterns = [*ALWAYS_LEFT_OUT, *(line.strip().rstrip("/") for line in lines
                                     if line.strip() and not line.startswith("#"))]

    def ignored(name: str) -> bool:
        return any(fnmatch(name, pattern) for pattern in patterns)

    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs
                   if not ignored(d) and not os.path.islink(os.path.join(folder, d))]
        for name in files:
            path = Path(folder) / name
            if not ignored(name) and path.is_file() and not path.is_symlink():
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


def tracked_files(root: Path = ROOT) -> list[str]:
    """The book's source files under ``root``, as sorted POSIX paths.

    In a git checkout, the files git tracks that exist on disk; otherwise (the
    unpacked zip) every file that ``.gitignore`` does not name.
    """
    if _git_root(root) != Path(root).resolve():
        return _files_without_git(root)
    out = subprocess.run(["git", "ls-files", "-z", "--cached"], cwd=root, check=True,
                         capture_output=True).stdout
    names = (n for n in out.decode("utf-8").split("\0") if n)
    return sorted(n for n in names if (Path(root) / n).is_file())


#: 1980-01-01, the earliest date a zip file can hold.
ZIP_EPOCH = 315532800


def _epoch(root: Path) -> int:
    """The release date of ``CITATION.cff`` (UTC midnight), for reproducible files."""
    date = cff.release(root).date
    return max(calendar.timegm(time.strptime(date, "%Y-%m-%d")), ZIP_EPOCH) if date else ZIP_EPOCH


def write_zip(root: Path, files: list[str], out: Path, folder: str, *,
              epoch: int = ZIP_EPOCH) -> Path:
    """Write ``files`` (paths relative to ``root``) into the zip ``out`` under ``folder/``.

    Every entry is dated ``epoch`` (seconds, UTC) and keeps whether its file is
    executable, so the same files give the same zip.
    """
    stamp = time.gmtime(max(epoch, ZIP_EPOCH))[:6]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in files:
            source = Path(root) / name
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            mode = 0o755 if source.stat().st_mode & stat.S_IXUSR else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, source.read_bytes())
    return out


def build_wheel(source: Path, out_dir: Path, expected: str, epoch: int) -> Path:
    """Build the wheel of the project in ``source`` into ``out_dir``; return its path.

    Uses the running interpreter's setuptools (no build isolation, so nothing is
    downloaded) and checks that the wheel is called ``expected``.
    """
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                        "--no-build-isolation", "--wheel-dir", tmp, str(source)],
                       check=True, env=env, cwd=tmp)
        built = [p.name for p in Path(tmp).glob("*.whl")]
        if built != [expected]:
            raise RuntimeError(f"expected the wheel {expected}; pip built {built}")
        out_dir.mkdir(parents=True, exist_ok=True)
        return Path(shutil.move(Path(tmp) / expected, out_dir / expected))


def build(out_dir: Path, root: Path = ROOT) -> tuple[Path, Path]:
    """Write the zip of the book's sources and the wheel of ``ceutils`` into ``out_dir``.

    Returns
    -------
    tuple of Path
        The zip and the wheel.

    Raises
    ------
    ValueError
        When the versions in ``CITATION.cff`` and ``pyproject.toml`` differ.
    """
    names = downloads(root)
    package = package_version(root)
    if package != names.version:
        raise ValueError(f"the version in pyproject.toml ({package}) must equal the one in "
                         f"CITATION.cff ({names.version}): the downloads are named after it")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in [*out_dir.glob("cross-entropy-executable-*.zip"), *out_dir.glob("ceutils-*.whl")]:
        old.unlink()  # an earlier version's files
    files = tracked_files(root)
    archive = write_zip(root, files, out_dir / names.zip_name, names.zip_folder,
                        epoch=_epoch(root))
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(tmp)
        wheel = build_wheel(Path(tmp) / names.zip_folder, out_dir, names.wheel_name,
                            _epoch(root))
    return archive, wheel


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "html" / DIRECTORY,
                        help="directory to write the zip and the wheel into")
    args = parser.parse_args(argv)
    for path in build(args.out):
        print(f"{path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
