"""The installed package: pyproject.toml lists every sub-package and every data file, no module
imports a generic top-level name, and modules stay small. (`make wheel-smoke` installs the wheel.)"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from tests.conftest import ROOT

SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
PACKAGE_DIRS = SETUPTOOLS["package-dir"]  # dotted package -> folder of the repository
GENERIC_NAMES = {"index", "search", "web"}  # our folders' names, which are packages only inside newsfind
MAX_LINES = 500


def package_folder(package: str) -> Path:
    """The folder of a dotted package under the package-dir mapping (the longest mapped prefix)."""
    prefix = max((p for p in PACKAGE_DIRS if package == p or package.startswith(p + ".")), key=len)
    return ROOT / PACKAGE_DIRS[prefix] / Path(*package[len(prefix):].split(".")[1:])


def tree_packages() -> dict[str, Path]:
    """Every folder with an `__init__.py` under the mapped folders, by its dotted name."""
    found = {}
    for package, folder in PACKAGE_DIRS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder)
            found[".".join((package, *relative.parts))] = init.parent
    return found


def modules() -> list[Path]:
    return sorted(path for folder in tree_packages().values() for path in folder.glob("*.py"))


def test_every_package_of_the_tree_is_listed_in_pyproject():
    listed = set(SETUPTOOLS["packages"])
    found = set(tree_packages())
    assert sorted(found - listed) == [], "sub-packages missing from [tool.setuptools] packages"
    assert sorted(listed - found) == [], "listed packages with no folder and __init__.py"
    for package in listed:
        assert package_folder(package) == tree_packages()[package]


def test_package_data_globs_match_files_and_cover_every_data_file():
    covered = set()
    for package, globs in SETUPTOOLS["package-data"].items():
        for pattern in globs:
            matched = {p for p in package_folder(package).glob(pattern) if p.is_file()}
            assert matched, f"package-data {package}: {pattern!r} matches no file"
            covered |= matched
    data_files = {p for folder in tree_packages().values() for p in folder.rglob("*")
                  if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}
    assert sorted(str(p.relative_to(ROOT)) for p in data_files - covered) == [], "data files no package-data glob ships"


def imported_names(path: Path) -> set[str]:
    """Absolute module names a file imports (relative imports are inside newsfind by definition)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_module_imports_a_generic_top_level_name():
    offenders = {str(path.relative_to(ROOT)): sorted(name for name in imported_names(path)
                                                    if name.split(".")[0] in GENERIC_NAMES)
                 for path in modules()}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_checks_see_every_module():
    paths = {str(p.relative_to(ROOT)) for p in modules()}
    assert {"newsfind/cli/main.py", "index/store.py", "search/searcher.py", "web/views.py"} <= paths
    assert imported_names(ROOT / "newsfind/cli/main.py") >= {"click", "newsfind.cli.common"}


def test_no_module_exceeds_the_size_limit():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in modules()}
    assert {path: n for path, n in sizes.items() if n > MAX_LINES} == {}, f"modules over {MAX_LINES} lines"
