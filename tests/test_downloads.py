"""The downloads a reader runs a chapter with: names, contents, and the pip extras.

The fresh install from the wheel is proven by ``test_light_install.py``
(``make test-light-install``); these checks take seconds.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

from tools import cff
from tools.downloads import Downloads, build, downloads, package_version, tracked_files, write_zip

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
EXTRAS = PROJECT["optional-dependencies"]


def _pins() -> dict[tuple[str, str], Requirement]:
    """requirements.txt's requirements by (normalised name, marker)."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            pins[(req.name.lower(), str(req.marker or ""))] = req
    return pins


# ------------------------------------------------------------------ names and version
def test_the_version_in_citation_cff_is_the_package_version():
    assert downloads().version == cff.release().version == package_version() != ""


def test_names_and_commands():
    names = Downloads("1.2.3")
    assert names.zip_name == "cross-entropy-executable-1.2.3.zip"
    assert names.wheel_name == "ceutils-1.2.3-py3-none-any.whl"
    assert names.path(names.wheel_name) == "download/ceutils-1.2.3-py3-none-any.whl"
    assert names.pip_notebooks == 'pip install "ceutils-1.2.3-py3-none-any.whl[notebooks]"'
    assert names.pip_frameworks == ('pip install '
                                    '"ceutils-1.2.3-py3-none-any.whl[notebooks,frameworks]"')


def test_build_refuses_a_package_version_other_than_the_books(tmp_path):
    (tmp_path / "CITATION.cff").write_text('title: "T"\nversion: "1.0.0"\n', encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "ceutils"\nversion = "1.0.1"\n',
                                             encoding="utf-8")
    with pytest.raises(ValueError, match=r"pyproject.toml \(1\.0\.1\) must equal the one in "
                                         r"CITATION.cff \(1\.0\.0\)"):
        build(tmp_path / "out", root=tmp_path)


# ------------------------------------------------------------------ contents
def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=repo, check=True, capture_output=True)


def test_the_zip_holds_the_tracked_files_as_they_are_on_disk(tmp_path):
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    for name in ("kept.txt", "edited.txt", "deleted.txt", "sub/run"):
        (repo / name).write_text(f"committed {name}\n", encoding="utf-8")
    (repo / "sub" / "run").chmod(0o755)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "files")
    (repo / "edited.txt").write_text("a change being previewed\n", encoding="utf-8")
    (repo / "deleted.txt").unlink()
    (repo / "untracked.txt").write_text("scratch\n", encoding="utf-8")
    _git(repo, "add", "--intent-to-add", "untracked.txt")  # known to git, nothing staged
    (repo / "scratch.txt").write_text("never added\n", encoding="utf-8")

    files = tracked_files(repo)
    assert files == ["edited.txt", "kept.txt", "sub/run", "untracked.txt"]
    out = write_zip(repo, files, tmp_path / "book.zip", "book-1.0")
    with zipfile.ZipFile(out) as zf:
        assert zf.namelist() == [f"book-1.0/{name}" for name in files]
        assert zf.read("book-1.0/edited.txt") == b"a change being previewed\n"
        assert zf.getinfo("book-1.0/sub/run").external_attr >> 16 & 0o777 == 0o755
        assert zf.getinfo("book-1.0/kept.txt").external_attr >> 16 & 0o777 == 0o644


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("download")
    return build(out)


def test_build_writes_the_two_named_files(built):
    archive, wheel = built
    names = downloads()
    assert (archive.name, wheel.name) == (names.zip_name, names.wheel_name)
    with zipfile.ZipFile(archive) as zf:
        assert zf.namelist() == [f"{names.zip_folder}/{n}" for n in tracked_files(ROOT)]
        # "How to cite" sends readers to the zip's top folder for it
        assert f"{names.zip_folder}/CITATION.cff" in zf.namelist()


def test_the_unpacked_zip_is_sources_to_build_from_again(built, tmp_path):
    """Without git, the sources are every file but those .gitignore names: the same set."""
    archive, _ = built
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path)
    unpacked = tmp_path / downloads().zip_folder
    for junk in ("_build/html/index.html", ".venv/bin/python", "ceutils/__pycache__/x.pyc"):
        (unpacked / junk).parent.mkdir(parents=True, exist_ok=True)
        (unpacked / junk).write_text("not a source\n", encoding="utf-8")
    assert tracked_files(unpacked) == tracked_files(ROOT)


def test_the_wheel_holds_ceutils_its_data_and_both_extras(built):
    _, wheel = built
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        meta = zf.read(f"ceutils-{downloads().version}.dist-info/METADATA").decode()
    package = {p.relative_to(ROOT).as_posix() for p in (ROOT / "ceutils").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert package <= names
    assert {n for n in names if not n.startswith("ceutils-")} == package
    assert "Provides-Extra: notebooks" in meta and "Provides-Extra: frameworks" in meta


def test_the_downloads_are_reproducible(built, tmp_path):
    again = build(tmp_path)
    for first, second in zip(built, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


# ------------------------------------------------------------------ the extras
@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_extras_take_the_pinned_versions_as_lower_bounds(extra):
    """What the book is built and tested with is the least a reader installs (torch: exactly)."""
    pins = _pins()
    for text in EXTRAS[extra]:
        req = Requirement(text)
        pin = pins.get((req.name.lower(), str(req.marker or "")))
        assert pin is not None, f"{text}: not pinned in requirements.txt with the same marker"
        (version,) = [s.version for s in pin.specifier if s.operator == "=="]
        expected = f"=={version}" if req.name == "torch" else f">={version}"
        assert str(req.specifier) == expected, (text, str(pin))


def test_numpy_lower_bound_is_the_pinned_version():
    (numpy,) = [Requirement(r) for r in PROJECT["dependencies"] if r.startswith("numpy")]
    (pinned,) = _pins()[("numpy", "")].specifier
    assert str(numpy.specifier) == f">={pinned.version}"


def _notebook_imports() -> set[str]:
    modules = set()
    for path in [*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("reference/*.ipynb")]:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            source = "\n".join(line for line in cell.source.splitlines()
                               if not line.lstrip().startswith(("%", "!")))
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Import):
                    modules |= {a.name.partition(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    modules.add(node.module.partition(".")[0])
    return modules - set(sys.stdlib_module_names) - {"ceutils"}


def _closure(requirements: list[str]) -> set[str]:
    """The distributions ``requirements`` install, with theirs (as installed here)."""
    env = default_environment()
    seen, todo = set(), [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        name = req.name.lower().replace("_", "-")
        if name in seen or (req.marker and not req.marker.evaluate({**env, "extra": ""})):
            continue
        seen.add(name)
        todo += [Requirement(r) for r in metadata.requires(req.name) or []]
    return seen


def test_the_extras_install_every_library_the_notebooks_import():
    providers = metadata.packages_distributions()
    light = _closure(PROJECT["dependencies"] + EXTRAS["notebooks"])
    full = light | _closure(EXTRAS["frameworks"])
    for module in sorted(_notebook_imports()):
        dists = {d.lower().replace("_", "-") for d in providers.get(module, [])}
        assert dists, f"notebooks import {module}, which no installed distribution provides"
        where = light if module not in {"torch", "tensorflow", "keras"} else full
        assert dists & where, f"notebooks import {module} ({dists}); no extra installs it"
