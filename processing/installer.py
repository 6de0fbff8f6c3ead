"""Installing the missing Python packages from inside QGIS: what to run, and what never to install.

This module imports neither QGIS nor any third-party package (it runs at plugin start-up and
in tests without QGIS); ``plugin/install_dialog.py`` runs its commands with a progress dialog.

Where
    ``<profile>/python/dependencies`` (:func:`dependencies_folder`), the folder the qpip plugin
    uses: one folder per QGIS profile, put first on ``sys.path`` (:func:`activate`), as qpip
    does, so that what pip installed there because QGIS's version was too old (e.g. requests
    for osmnx) is the one imported. It never holds a package QGIS ships bound to its
    libraries (numpy, GDAL, shapely, pyproj are pinned, below), so it shadows none of those.
    Installed with ``pip install --target``.

What is never installed
    A wheel that carries its own copy of GEOS, PROJ or GDAL (:data:`BOUND`: shapely, pyproj,
    pyogrio, rasterio, fiona, GDAL). Two copies of one C library in the QGIS process crash it or
    corrupt data; PyPI's manylinux, musllinux, macOS and Windows wheels of these packages all
    carry their own (auditwheel, delocate, delvewheel bundle them). Such a package is used as
    QGIS's Python has it (pinned to that version, :func:`constraints`, so pip never replaces
    it), or, where QGIS's Python lacks it, built from source against the system's libraries
    when the build tools are there (``geos-config``, ``proj``, ``gdal-config`` and a C
    compiler), or taken from a locally built wheel (platform tag ``linux_*``, which links the
    system's libraries). Otherwise it is refused with a message that says how to get QGIS's own.
    numpy is pinned too where QGIS's Python has it: QGIS's GDAL bindings are built against it.

How (:class:`Step` s, each ``<QGIS's Python> -m pip ...`` in a subprocess)
    1. plan: ``pip install --dry-run --report`` of the requirements (``requirements.txt``, the
       qpip declaration) with the constraints, the dependencies folder on ``PYTHONPATH`` so
       that packages installed earlier count: pip resolves against what QGIS's Python has;
    2. :func:`make_plan` sorts pip's report into what is installed as it is, what is built
       from source, and what is refused;
    3. install: ``pip install --target <folder> --no-deps --upgrade`` of exactly the files
       pip chose (their URLs, with the hash pip recorded), then the source builds.

pip's own configuration applies (``pip.conf``, ``PIP_INDEX_URL``, ``PIP_FIND_LINKS``,
``PIP_NO_INDEX``): a company mirror or a local wheel folder works as with pip itself.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

__all__ = ["BOUND", "BUILD_TOOLS", "Artifact", "Plan", "Step", "REQUIREMENTS",
           "read_requirements", "canonical", "dependencies_folder", "activate", "find_python",
           "constraints", "plan_step", "read_report", "make_plan", "install_steps",
           "vendors_libraries", "load_report", "LOG_NAME"]

#: The requirements file shipped with the plugin (also read by qpip).
REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements.txt"
#: The install log, beside the dependencies folder.
LOG_NAME = "wijkkracht-install.log"

#: Packages bound to a C library QGIS has its own copy of: pip name -> library.
BOUND: dict[str, str] = {"shapely": "GEOS", "pyproj": "PROJ", "pyogrio": "GDAL",
                         "rasterio": "GDAL", "fiona": "GDAL", "gdal": "GDAL"}
#: Pinned to QGIS's version where QGIS's Python has them (never replaced).
PINNED = ("numpy", *BOUND)
#: The program whose presence shows that a bound package can be built against the system's
#: library (besides a C compiler).
BUILD_TOOLS: dict[str, str] = {"shapely": "geos-config", "pyproj": "proj",
                               "pyogrio": "gdal-config", "rasterio": "gdal-config",
                               "fiona": "gdal-config", "gdal": "gdal-config"}
#: Wheel platform tags of wheels repaired to carry their own C libraries.
_VENDORING_TAGS = re.compile(r"(manylinux|musllinux|macosx|win32|win_amd64|win_arm64)")


def canonical(name: str) -> str:
    """PEP 503 normalised project name (``Scikit_Learn`` -> ``scikit-learn``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_requirements(path: Path = REQUIREMENTS) -> dict[str, str]:
    """``requirements.txt`` as ``canonical name -> requirement line`` (comments skipped)."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name = re.split(r"[<>=!~;\[ ]", line, maxsplit=1)[0]
            out[canonical(name)] = line
    return out


def dependencies_folder(settings_dir: str | os.PathLike[str]) -> Path:
    """The per-profile folder (qpip's): ``<QgsApplication.qgisSettingsDirPath()>/python/
    dependencies``."""
    return Path(settings_dir) / "python" / "dependencies"


def activate(folder: Path) -> bool:
    """Make the packages in ``folder`` importable in this process and in its subprocesses.

    Put first on ``sys.path`` and ``PYTHONPATH`` (as qpip does: pip resolved the folder's
    packages as the ones in use; it holds none of the packages pinned to QGIS's, see the module
    documentation); its ``bin`` on ``PATH``; import caches invalidated, so that packages
    installed a moment ago are found without restarting QGIS.

    Returns
    -------
    bool
        Whether the folder exists (and is now on ``sys.path``).
    """
    if not folder.is_dir():
        return False
    entry = str(folder)
    if entry not in sys.path:
        sys.path.insert(0, entry)
    parts = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if entry not in parts:
        os.environ["PYTHONPATH"] = os.pathsep.join([entry, *parts])
    binary = str(folder / "bin")
    if (folder / "bin").is_dir() and binary not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([os.environ.get("PATH", ""), binary])
    sys.path_importer_cache.pop(entry, None)
    importlib.invalidate_caches()
    return True


def _candidates() -> list[str]:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    names = ([Path(sys.exec_prefix) / "python.exe", Path(sys.exec_prefix) / "python3.exe"]
             if sys.platform.startswith("win") else
             [Path(p) / "bin" / n for p in (sys.exec_prefix, sys.prefix)
              for n in (f"python{version}", "python3")])
    found = [sys.executable, getattr(sys, "_base_executable", ""), *map(str, names),
             shutil.which(f"python{version}") or "", shutil.which("python3") or ""]
    return list(dict.fromkeys(c for c in found if c))


def _same_python(candidate: str) -> bool:
    probe = "import sys; print(sys.prefix); print(sys.version)"
    try:
        # an argument list, no shell: the candidate is a path found above, asked for its prefix
        done = subprocess.run([candidate, "-s", "-c", probe],  # nosec B603
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.splitlines() == [sys.prefix, sys.version]


def find_python(candidates: Iterable[str] | None = None,
                same: Callable[[str], bool] = _same_python) -> str | None:
    """The interpreter of *this* Python (QGIS's), to run pip with.

    Inside QGIS ``sys.executable`` is not always it (on Linux it is the first ``python3`` on
    ``PATH``, which may be another Python): each candidate is asked for its ``sys.prefix``
    and ``sys.version``, and the first that answers with ours is taken.

    Returns
    -------
    str or None
        None when no candidate is this Python.
    """
    for candidate in (_candidates() if candidates is None else candidates):
        if same(candidate):
            return candidate
    return None


def constraints(version_of: Callable[[str], str | None]) -> list[str]:
    """``name==version`` for every package of :data:`PINNED` that QGIS's Python has.

    Parameters
    ----------
    version_of
        The installed version of a distribution, None when absent (e.g.
        ``importlib.metadata.version`` wrapped to return None on ``PackageNotFoundError``).
    """
    out = []
    for name in PINNED:
        version = version_of(name)
        if version:
            out.append(f"{name}=={version}")
    return out


@dataclass(frozen=True)
class Step:
    """One pip run: what the dialog says, the command, and the extra environment."""

    label: str
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)


def _pip(python: str) -> list[str]:
    return [python, "-m", "pip", "--disable-pip-version-check", "--no-input"]


def plan_step(python: str, requirements: Sequence[str], constraints_file: Path,
              report: Path, folder: Path) -> Step:
    """The dry run that resolves ``requirements`` against QGIS's Python and writes pip's
    installation report (JSON) to ``report``."""
    env = {"PYTHONPATH": os.pathsep.join(
        p for p in (str(folder), os.environ.get("PYTHONPATH", "")) if p)}
    argv = [*_pip(python), "install", "--dry-run", "--quiet", "--report", str(report),
            "--constraint", str(constraints_file), *requirements]
    return Step("resolve", tuple(argv), env)


@dataclass(frozen=True)
class Artifact:
    """A file pip chose: project, version, and where it comes from."""

    name: str
    version: str
    url: str
    sha256: str | None = None
    #: Asked for (a line of ``requirements.txt``), not only a dependency of one.
    requested: bool = True

    @property
    def filename(self) -> str:
        """The file's name (last part of its URL)."""
        return unquote(urlparse(self.url).path.rsplit("/", 1)[-1])

    @property
    def is_wheel(self) -> bool:
        return self.filename.endswith(".whl")

    @property
    def install_spec(self) -> str:
        """What to give pip: the URL, with the hash pip recorded (pip checks it)."""
        return f"{self.url}#sha256={self.sha256}" if self.sha256 else self.url


def vendors_libraries(artifact: Artifact) -> bool:
    """Whether the file is a wheel repaired to carry its own C libraries (see the module
    documentation): a manylinux, musllinux, macOS or Windows wheel. Source archives and
    locally built wheels (``linux_x86_64``, ``any``) do not."""
    if not artifact.is_wheel:
        return False
    platform = artifact.filename[:-len(".whl")].split("-")[-1]
    return bool(_VENDORING_TAGS.search(platform))


def read_report(report: Mapping[str, object]) -> list[Artifact]:
    """The files of a ``pip install --dry-run --report`` JSON (pip >= 22.2)."""
    artifacts = []
    for item in report.get("install", []):  # type: ignore[union-attr]
        meta, info = item["metadata"], item["download_info"]
        archive = info.get("archive_info", {})
        sha = (archive.get("hashes", {}) or {}).get("sha256")
        if sha is None and str(archive.get("hash", "")).startswith("sha256="):
            sha = archive["hash"].split("=", 1)[1]
        artifacts.append(Artifact(canonical(meta["name"]), meta["version"], info["url"], sha,
                                  bool(item.get("requested", True))))
    return artifacts


@dataclass
class Plan:
    """What the install does: files installed as they are, bound packages built from source
    against the system's libraries, and bound packages refused (with the reason)."""

    install: list[Artifact] = field(default_factory=list)
    build: list[Artifact] = field(default_factory=list)
    refused: list[tuple[Artifact, str]] = field(default_factory=list)


def _can_build(name: str, which: Callable[[str], str | None]) -> bool:
    return bool(which(BUILD_TOOLS[name]) and (which("cc") or which("gcc") or which("clang")))


#: Why a bound package is not installed, per language.
_REFUSED = {
    "en": ("{name}: its wheel ({file}) carries its own {library}, which must not be loaded "
           "beside QGIS's; install QGIS's own {name} (OSGeo4W Setup: python3-{name}; Linux: "
           "your distribution's package or a build from source with the {library} development "
           "files)"),
    "nl": ("{name}: het wheel ({file}) heeft een eigen {library}, die niet naast die van QGIS "
           "geladen mag worden; installeer de {name} van QGIS zelf (OSGeo4W Setup: "
           "python3-{name}; Linux: het pakket van je distributie of een bouw uit de broncode "
           "met de ontwikkelbestanden van {library})"),
}
#: A bound package only a dependency asks for (pyogrio for geopandas): left out, said calmly.
_LEFT_OUT = {
    "en": "{name} left out (a dependency of another package, with its own {library}; wijkkracht "
          "does not need it inside QGIS)",
    "nl": "{name} weggelaten (een afhankelijkheid van een ander pakket, met een eigen "
          "{library}; wijkkracht heeft het in QGIS niet nodig)",
}


def make_plan(artifacts: Iterable[Artifact],
              which: Callable[[str], str | None] = shutil.which, *, lang: str = "en") -> Plan:
    """Sort pip's choice: a bound package's wheel that carries its own library is replaced by
    a build from source where the build tools are there, and refused otherwise (the reason in
    ``lang``, ``"en"`` or ``"nl"``)."""
    plan = Plan()
    for artifact in artifacts:
        if artifact.name not in BOUND or not vendors_libraries(artifact):
            plan.install.append(artifact)
        elif _can_build(artifact.name, which):
            plan.build.append(artifact)
        else:
            texts = _REFUSED if artifact.requested else _LEFT_OUT
            reason = texts.get(lang, texts["en"]).format(
                name=artifact.name, file=artifact.filename, library=BOUND[artifact.name])
            plan.refused.append((artifact, reason))
    return plan


def install_steps(python: str, plan: Plan, folder: Path) -> list[Step]:
    """The pip runs that carry out ``plan`` into ``folder`` (none when there is nothing)."""
    steps = []
    target = [*_pip(python), "install", "--target", str(folder), "--no-deps", "--upgrade"]
    if plan.install:
        steps.append(Step("install", (*target, *(a.install_spec for a in plan.install))))
    if plan.build:
        names = ",".join(a.name for a in plan.build)
        steps.append(Step("build", (*target, "--no-binary", names,
                                    *(f"{a.name}=={a.version}" for a in plan.build))))
    return steps


def load_report(path: Path) -> list[Artifact]:
    """:func:`read_report` of a report file."""
    return read_report(json.loads(path.read_text(encoding="utf-8")))
