"""Build the installable QGIS plugin ZIP: one folder ``wijkkracht/`` with what the plugin ships.

Usage::

    python scripts/build_plugin_zip.py --out dist/     # prints dist/wijkkracht-<version>.zip

The file list has one source, ``pyproject.toml``, the same one ``pip install`` reads:

* every ``*.py`` file of every package in ``[tool.setuptools] packages`` (mapped to folders
  through ``package-dir``; like setuptools, not recursive: a folder that is not listed as a
  package does not ship);
* the files matching ``[tool.setuptools.package-data]`` (``metadata.txt``, the data, styles, ...);
* ``[project] license-files`` (``LICENSE``);
* the icon named by ``icon=`` in ``metadata.txt``, when there is one.

Tests, benchmarks, scripts, docs, caches, virtual environments and ``.git`` never match, so
they never ship. The ZIP is deterministic: entries sorted, fixed timestamps and permissions, so
two builds of the same tree are byte-identical. Standard library only (Python 3.10+; 3.10 needs
``tomli``).
"""

from __future__ import annotations

import argparse
import ast
import configparser
import fnmatch
import os
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]

#: Timestamp of every entry (the earliest a ZIP can hold), so builds are reproducible.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
#: Regular file, rw-r--r--.
FILE_MODE = 0o100644
#: Never shipped, whatever the configuration says (a safety net, not the file list).
FORBIDDEN = ("__pycache__", "*.pyc", "*.pyo", ".git", ".pytest_cache", ".cache", "*.egg-info",
             ".venv", "tests", "benchmarks", "scripts", "docs")


class BuildError(Exception):
    """The plugin cannot be built from this tree (message says what to fix)."""


def _read_pyproject(root: Path) -> dict[str, Any]:
    with open(root / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)


def _package_folder(package: str, package_dir: Mapping[str, str], root: Path) -> Path:
    """The folder of ``package`` under setuptools' ``package-dir`` mapping."""
    parts = package.split(".")
    for n in range(len(parts), -1, -1):
        prefix = ".".join(parts[:n])
        if prefix in package_dir:
            return root.joinpath(package_dir[prefix], *parts[n:]).resolve()
    return root.joinpath(*parts).resolve()


def _setuptools_config(pyproject: Mapping[str, Any]) -> tuple[list[str], dict[str, str],
                                                                dict[str, list[str]]]:
    tool = pyproject.get("tool", {}).get("setuptools", {})
    packages = tool.get("packages")
    if not isinstance(packages, list) or not packages:
        raise BuildError("pyproject.toml: [tool.setuptools] packages must be an explicit list "
                         "(package discovery is not supported by this script)")
    unsupported = {"exclude-package-data", "include-package-data", "data-files",
                   "py-modules"} & set(tool)
    if unsupported:
        raise BuildError(f"pyproject.toml: [tool.setuptools] {sorted(unsupported)} is not "
                         "supported by scripts/build_plugin_zip.py; extend the script")
    package_dir: dict[str, str] = dict(tool.get("package-dir", {}))
    package_data: dict[str, list[str]] = {k: list(v) for k, v in
                                          tool.get("package-data", {}).items()}
    return list(packages), package_dir, package_data


def _plugin_package(packages: Sequence[str]) -> str:
    tops = {p.split(".")[0] for p in packages}
    if len(tops) != 1:
        raise BuildError(f"pyproject.toml: expected one top-level package, found {sorted(tops)}")
    return tops.pop()


def _is_forbidden(rel: PurePosixPath) -> bool:
    return any(fnmatch.fnmatch(part, pattern) for part in rel.parts for pattern in FORBIDDEN)


def _metadata(root: Path) -> configparser.SectionProxy:
    meta = configparser.ConfigParser(interpolation=None)
    if not meta.read(root / "metadata.txt", encoding="utf-8") or "general" not in meta:
        raise BuildError(f"{root / 'metadata.txt'}: missing, or without a [general] section")
    return meta["general"]


def _version(root: Path) -> str:
    tree = ast.parse((root / "_version.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__version__"
                                                for t in node.targets):
            value = ast.literal_eval(node.value)
            if isinstance(value, str):
                return value
    raise BuildError(f"{root / '_version.py'}: no __version__ = '...'")


def plugin_files(root: Path = REPO) -> dict[str, Path]:
    """Map each path inside the plugin folder (POSIX, relative) to its source file.

    Parameters
    ----------
    root
        The repository root (the folder holding ``pyproject.toml`` and ``metadata.txt``).

    Returns
    -------
    dict
        ``{"metadata.txt": Path(...), "core/network.py": Path(...), ...}``, sorted by key.

    Raises
    ------
    BuildError
        When the configuration names a missing package folder or license file, or a file
        outside the plugin folder or one that must never ship.
    """
    root = root.resolve()
    pyproject = _read_pyproject(root)
    packages, package_dir, package_data = _setuptools_config(pyproject)
    top = _plugin_package(packages)
    plugin_root = _package_folder(top, package_dir, root)
    files: dict[str, Path] = {}

    def add(path: Path, why: str) -> None:
        path = path.resolve()
        try:
            rel = PurePosixPath(path.relative_to(plugin_root).as_posix())
        except ValueError:
            raise BuildError(f"{path} ({why}) lies outside the plugin folder {plugin_root}") \
                from None
        if _is_forbidden(rel):
            raise BuildError(f"{rel} ({why}) must not ship in the plugin")
        files[str(rel)] = path

    for package in packages:
        folder = _package_folder(package, package_dir, root)
        if not folder.is_dir():
            raise BuildError(f"pyproject.toml: package {package!r}: no folder {folder}")
        for module in folder.glob("*.py"):
            add(module, f"module of {package}")
    for package, patterns in package_data.items():
        if package not in packages:
            raise BuildError(f"pyproject.toml: package-data for {package!r}, which is not in "
                             "packages")
        folder = _package_folder(package, package_dir, root)
        for pattern in patterns:
            matches = [p for p in folder.glob(pattern) if p.is_file()]
            if not matches:  # setuptools accepts this too; say so, in case of a typo
                print(f"build_plugin_zip: note: package-data {package!r}: {pattern!r} matches "
                      f"no file in {folder}", file=sys.stderr)
            for path in matches:
                add(path, f"package-data of {package}")
    for pattern in pyproject.get("project", {}).get("license-files", []):
        matches = [p for p in root.glob(pattern) if p.is_file()]
        if not matches:
            raise BuildError(f"pyproject.toml: license-files {pattern!r} matches no file")
        for path in matches:
            add(path, "license file")
    meta = _metadata(plugin_root)
    icon = meta.get("icon", "").strip()
    if icon:
        if not (plugin_root / icon).is_file():
            raise BuildError(f"metadata.txt: icon={icon} does not exist")
        add(plugin_root / icon, "icon= in metadata.txt")
    if "metadata.txt" not in files:
        raise BuildError("pyproject.toml: metadata.txt is not in the package-data of "
                         f"{top!r}; QGIS needs it")
    return dict(sorted(files.items()))


def write_zip(files: Mapping[str, Path], folder_name: str, target: Path) -> None:
    """Write ``files`` under ``folder_name/`` into the ZIP ``target``, reproducibly.

    Parameters
    ----------
    files
        Relative POSIX path inside the plugin folder -> source file.
    folder_name
        The plugin folder name (the Python package name QGIS imports).
    target
        The ZIP file to write (replaced atomically if it exists).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with zipfile.ZipFile(tmp, "w") as zf:
            for rel in sorted(files):
                info = zipfile.ZipInfo(f"{folder_name}/{rel}", date_time=ZIP_EPOCH)
                info.create_system = 3  # Unix, so that the permissions below are read
                info.external_attr = FILE_MODE << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, files[rel].read_bytes(), compresslevel=9)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def build(out_dir: Path, root: Path = REPO) -> Path:
    """Build ``<out_dir>/<package>-<version>.zip`` from the tree at ``root``.

    Parameters
    ----------
    out_dir
        Output folder (created when missing).
    root
        The repository root.

    Returns
    -------
    Path
        The ZIP written.

    Raises
    ------
    BuildError
        See :func:`plugin_files`; also when metadata.txt's version differs from
        ``_version.py``.
    """
    root = root.resolve()
    files = plugin_files(root)
    packages, package_dir, _ = _setuptools_config(_read_pyproject(root))
    top = _plugin_package(packages)
    version = _version(_package_folder(top, package_dir, root))
    meta_version = _metadata(_package_folder(top, package_dir, root)).get("version", "")
    if meta_version != version:
        raise BuildError(f"metadata.txt: version={meta_version} but _version.py says {version}")
    target = out_dir / f"{top}-{version}.zip"
    write_zip(files, top, target)
    return target


def main(argv: Iterable[str] | None = None) -> int:
    """Command line: build the ZIP and print its path."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "dist",
                        help="output folder (default: dist/ in the repository)")
    parser.add_argument("--list", action="store_true",
                        help="print the files that would ship, and build nothing")
    args = parser.parse_args(None if argv is None else list(argv))
    try:
        if args.list:
            for rel in plugin_files(REPO):
                print(rel)
            return 0
        print(build(args.out))
    except BuildError as exc:
        print(f"build_plugin_zip: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
