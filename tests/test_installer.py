"""What "Install missing packages" installs, and what it never installs (no QGIS needed).

The module under test is pure Python (:mod:`wijkkracht.processing.installer`); the real pip
runs in QGIS are in ``tests/qgis/test_install_packages.py`` and ``tests/qgis/test_installer.py``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from wijkkracht.processing import dependencies, installer
from wijkkracht.processing.installer import Artifact

tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")

REPO = Path(__file__).resolve().parents[1]
PYPI = "https://files.pythonhosted.org/packages/ab/cd"


def artifact(filename: str, sha: str | None = None) -> Artifact:
    name, version = filename.split("-")[:2]
    if filename.endswith(".tar.gz"):
        version = version[:-len(".tar.gz")]
    return Artifact(installer.canonical(name), version, f"{PYPI}/{filename}", sha)


@pytest.mark.parametrize(("filename", "vendors"), [
    ("shapely-2.1.2-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", True),
    ("pyogrio-0.13.0-cp311-abi3-manylinux_2_28_x86_64.whl", True),
    ("pyproj-3.7.1-cp312-cp312-win_amd64.whl", True),
    ("rasterio-1.4.4-cp311-cp311-macosx_11_0_arm64.whl", True),
    ("shapely-2.1.2-cp311-cp311-musllinux_1_2_x86_64.whl", True),
    ("shapely-2.1.2-cp311-cp311-linux_x86_64.whl", False),  # built here: links the system's
    ("shapely-2.1.2.tar.gz", False),  # source: built against the system's libraries
    ("folium-0.20.0-py2.py3-none-any.whl", False),
])
def test_which_files_carry_their_own_libraries(filename: str, vendors: bool) -> None:
    assert installer.vendors_libraries(artifact(filename)) is vendors


def test_bound_wheels_are_built_from_source_or_refused() -> None:
    chosen = [artifact("pandas-2.3.3-cp311-cp311-manylinux_2_24_x86_64.whl"),
              artifact("shapely-2.1.2-cp311-cp311-manylinux2014_x86_64.whl"),
              artifact("pyogrio-0.13.0-cp311-abi3-manylinux_2_28_x86_64.whl"),
              artifact("rasterio-1.4.4-cp311-cp311-linux_x86_64.whl")]
    with_tools = installer.make_plan(chosen, which=lambda program: f"/usr/bin/{program}")
    assert [a.name for a in with_tools.install] == ["pandas", "rasterio"]
    assert [a.name for a in with_tools.build] == ["shapely", "pyogrio"]
    assert with_tools.refused == []

    # Windows, or Linux without the GEOS/GDAL development files: refused, with the way out
    only_gdal = installer.make_plan(chosen, which=lambda p: "/x/gdal-config" if p in (
        "gdal-config", "cc") else None)
    assert [a.name for a in only_gdal.build] == ["pyogrio"]
    [(refused, reason)] = only_gdal.refused
    assert refused.name == "shapely"
    assert "GEOS" in reason and "OSGeo4W" in reason and "python3-shapely" in reason
    # a dependency's bound package (pyogrio for geopandas) is left out, said calmly
    pulled = installer.Artifact("pyogrio", "0.13.0", chosen[2].url, requested=False)
    [(_, calm)] = installer.make_plan([pulled], which=lambda p: None).refused
    assert calm.startswith("pyogrio left out") and "does not need it inside QGIS" in calm
    dutch = installer.make_plan(chosen, which=lambda p: None, lang="nl")
    assert "eigen GEOS" in dict((a.name, r) for a, r in dutch.refused)["shapely"]
    no_compiler = installer.make_plan(chosen, which=lambda p: None if p in (
        "cc", "gcc", "clang") else "/usr/bin/" + p)
    assert {a.name for a, _ in no_compiler.refused} == {"shapely", "pyogrio"}


def test_steps_install_exactly_the_chosen_files_into_the_folder(tmp_path: Path) -> None:
    plan = installer.Plan(install=[artifact("pandas-2.3.3-cp311-cp311-manylinux_2_24_x86_64.whl",
                                            sha="ab12")],
                          build=[artifact("shapely-2.1.2-cp311-cp311-manylinux2014_x86_64.whl")])
    install, build = installer.install_steps("/usr/bin/python3", plan, tmp_path)
    assert install.argv[:3] == ("/usr/bin/python3", "-m", "pip")
    assert ("--target", str(tmp_path)) == install.argv[install.argv.index("--target"):][:2]
    assert "--no-deps" in install.argv and "--upgrade" in install.argv
    assert install.argv[-1] == f"{PYPI}/pandas-2.3.3-cp311-cp311-manylinux_2_24_x86_64.whl#sha256=ab12"
    assert build.argv[-3:] == ("--no-binary", "shapely", "shapely==2.1.2")
    assert installer.install_steps("/usr/bin/python3", installer.Plan(), tmp_path) == []


def test_plan_step_is_a_dry_run_that_sees_earlier_installs(tmp_path: Path) -> None:
    step = installer.plan_step("/usr/bin/python3", ["geopandas>=0.14"], tmp_path / "c.txt",
                               tmp_path / "r.json", tmp_path / "deps")
    assert {"--dry-run", "--report", "--constraint"} <= set(step.argv)
    assert step.argv[-1] == "geopandas>=0.14"
    assert step.env["PYTHONPATH"].split(os.pathsep)[0] == str(tmp_path / "deps")


def test_report_is_read_as_pip_writes_it() -> None:
    report = {"version": "1", "install": [
        {"metadata": {"name": "Scikit_Learn", "version": "1.9.1"},
         "download_info": {"url": f"{PYPI}/scikit_learn-1.9.1-cp311-cp311-manylinux_2_27_x86_64.whl",
                           "archive_info": {"hash": "sha256=aa", "hashes": {"sha256": "aa"}}}},
        {"metadata": {"name": "shapely", "version": "2.1.2"},
         "download_info": {"url": "file:///w/shapely-2.1.2-cp311-cp311-linux_x86_64.whl",
                           "archive_info": {"hash": "sha256=bb"}}}]}
    sklearn, shapely = installer.read_report(json.loads(json.dumps(report)))
    assert (sklearn.name, sklearn.version, sklearn.sha256) == ("scikit-learn", "1.9.1", "aa")
    assert sklearn.requested  # pip's report without "requested": counted as asked for
    assert shapely.sha256 == "bb" and not installer.vendors_libraries(shapely)


def test_qgis_packages_are_pinned_never_replaced() -> None:
    present = {"numpy": "1.24.2", "pyproj": "3.4.1", "pandas": "2.3.3"}
    assert installer.constraints(present.get) == ["numpy==1.24.2", "pyproj==3.4.1"]


def test_requirements_txt_declares_what_the_plugin_needs_as_pyproject_does() -> None:
    declared = installer.read_requirements()
    # inside QGIS files go through QGIS: the readers' pyogrio and rasterio are not needed there
    inside_qgis = [m for feature, modules in dependencies.FEATURES.items()
                   if feature not in ("files", "rasters") for m in modules]
    needed = {installer.canonical(dependencies.PACKAGES[m].pip) for m in inside_qgis}
    assert needed <= set(declared)
    assert not {"pyogrio", "rasterio", "fiona", "gdal"} & set(declared)
    with open(REPO / "pyproject.toml", "rb") as fh:
        project = tomllib.load(fh)["project"]["dependencies"]
    pyproject = {installer.canonical(line.split(">")[0].split("=")[0].split("<")[0]): line
                 for line in project}
    for name, line in declared.items():
        if name in pyproject:
            assert line.replace(" ", "") == pyproject[name].replace(" ", ""), name


def test_activate_appends_the_folder_and_finds_new_packages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "python" / "dependencies"
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    assert not installer.activate(folder)  # nothing installed yet: nothing added
    folder.mkdir(parents=True)
    assert installer.activate(folder) and installer.activate(folder)
    assert sys.path.count(str(folder)) == 1 and sys.path[0] == str(folder)  # as qpip
    assert os.environ["PYTHONPATH"].split(os.pathsep) == [str(folder), "/elsewhere"]
    # a package that arrives later (pip ran) is found without a restart
    (folder / "wk_installed_later.py").write_text("ANSWER = 42\n", encoding="utf-8")
    installer.activate(folder)
    import wk_installed_later  # type: ignore[import-not-found]

    assert wk_installed_later.ANSWER == 42
    assert installer.dependencies_folder("/p/profiles/default/") == Path(
        "/p/profiles/default/python/dependencies")


def test_find_python_takes_the_first_candidate_that_is_this_python() -> None:
    asked: list[str] = []

    def same(candidate: str) -> bool:
        asked.append(candidate)
        return candidate == "/usr/bin/python3.11"

    assert installer.find_python(["/root/.pyenv/shims/python3", "/usr/bin/python3.11",
                                  "/usr/bin/python3"], same) == "/usr/bin/python3.11"
    assert asked == ["/root/.pyenv/shims/python3", "/usr/bin/python3.11"]
    assert installer.find_python(["/nowhere/python"]) is None
    # this very interpreter is recognised as itself
    assert installer.find_python([sys.executable]) == sys.executable
