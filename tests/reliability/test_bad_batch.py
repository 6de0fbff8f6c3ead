"""Bad batch configurations and arguments (issue 19, class "Batch"), through the real command
line: the exit code, exactly one ``wijkkracht: error:`` line saying what is wrong and what to
do, the output folder as it was (no empty folder left) and the inputs unchanged.

- Dask (``--workers N``, ``[engine] workers``, ``--scheduler``) missing is found before any
  folder is made; tested in a fresh process where ``dask`` and ``distributed`` cannot be
  imported (a ``sitecustomize`` whose import finder refuses them, as on a machine without).
- The number of workers is bounded (1 to :func:`wijkkracht.batch.max_workers`).
- Every ``[analysis]`` value is checked by its declaration (:data:`~wijkkracht.core.options.OPTIONS`),
  the one source of bounds; ``k`` up to the declared maximum runs through the typology.
- The configuration file: a byte-order mark is read, other encodings, a folder, a binary
  file and an empty file are each one line.
- Outputs that would replace an input, or an output folder inside an input, are refused.
- ``[areas] field`` names the column of the area codes.
"""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from pathlib import Path

import pyogrio
import pytest

from wijkkracht.batch import analysis_options, load_config, max_workers
from wijkkracht.core.options import OPTIONS
from wijkkracht.demo import demo_data_path

from .cli_support import fails, fails_in_process, run_cli

DEMO = demo_data_path()
CBS = Path(__file__).resolve().parents[1] / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"
DATA = (f'streets = "{DEMO.as_posix()}"\nstreets_layer = "streets"\n'
        f'pois = "{DEMO.as_posix()}"\npois_layer = "pois"')


def _text(*, out: str = "out", name: str = "batch", areas: str = 'codes = ["BU99990101"]',
          data: str = DATA, analysis: str = "k = 3", engine: str = "",
          areas_file: Path = CBS) -> str:
    return (f'out = "{out}"\nname = "{name}"\nlang = "en"\n'
            f'[areas]\nfile = "{areas_file.as_posix()}"\n{areas}\n'
            f"[data]\n{data}\n[analysis]\n{analysis}\n"
            + (f"[engine]\n{engine}\n" if engine else ""))


def _config(folder: Path, **kwargs: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "run.toml"
    path.write_text(_text(**kwargs), encoding="utf-8")  # type: ignore[arg-type]
    return path


def _batch(cfg: Path, capsys, *expected: str, code: int = 1, extra: tuple[str, ...] = (),
           inputs: tuple[Path, ...] = ()) -> str:
    """``wijkkracht batch CFG`` fails with one line; the output folder is not made."""
    return fails(["batch", "-q", *extra, str(cfg)], capsys, cfg.parent / "out", *expected,
                 code=code, inputs=[cfg, *inputs])


# --- Dask not installed: one line, before any folder ---------------------------------------------

@pytest.fixture(scope="module")
def hiding(tmp_path_factory):
    """The environment of a Python where the given top-level modules cannot be imported (a
    real ``ModuleNotFoundError``, as on a machine without them)."""
    folder = tmp_path_factory.mktemp("hiding")
    (folder / "sitecustomize.py").write_text(textwrap.dedent("""\
        import os
        import sys

        HIDDEN = set(os.environ.get("WIJKKRACHT_TEST_HIDE", "").split(","))

        class _NotInstalled:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in HIDDEN:
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)
                return None

        sys.meta_path.insert(0, _NotInstalled())
        """), encoding="utf-8")

    def env(*modules: str) -> dict[str, str]:
        path = os.pathsep.join(p for p in (str(folder), os.environ.get("PYTHONPATH")) if p)
        return {"PYTHONPATH": path, "WIJKKRACHT_TEST_HIDE": ",".join(modules)}

    return env


@pytest.fixture(scope="module")
def without_dask(hiding) -> dict[str, str]:
    return hiding("dask", "distributed")


def test_the_blocker_hides_dask(without_dask):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", "import distributed"], capture_output=True,
                          text=True, env={**os.environ, **without_dask}, check=False)
    assert proc.returncode == 1 and "ModuleNotFoundError" in proc.stderr


@pytest.mark.parametrize("extra, engine, expected", [
    (("--workers", "2"), "",
     ["--workers 2 runs the areas on a local Dask cluster, but Dask is not installed",
      "pip install 'wijkkracht[batch]'", "or run with --workers 1"]),
    ((), "workers = 3",
     ["run.toml: engine.workers = 3 runs the areas on a local Dask cluster",
      "pip install 'wijkkracht[batch]'", "--workers 1"]),
    (("--scheduler", "tcp://127.0.0.1:9"), "",
     ["a Dask scheduler (tcp://127.0.0.1:9) needs Dask, which is not installed here",
      "pip install 'wijkkracht[batch]'"]),
], ids=["cli-workers", "config-workers", "scheduler"])
def test_workers_without_dask_is_one_line_before_any_folder(tmp_path, without_dask, extra,
                                                            engine, expected):
    cfg = _config(tmp_path, engine=engine)
    failure = fails_in_process(["batch", *extra, str(cfg)], tmp_path / "out", *expected,
                               env=without_dask, inputs=[cfg])
    assert "ModuleNotFoundError" not in failure.stderr
    assert not (tmp_path / "out").exists()


def test_one_worker_on_the_command_line_runs_without_dask(tmp_path, without_dask):
    """``--workers 1`` overrides ``engine.workers``: no Dask needed."""
    cfg = _config(tmp_path, engine="workers = 3")
    code, err, _ = run_cli(["batch", "-q", "--workers", "1", str(cfg)], env=without_dask)
    assert code == 0, err
    assert (tmp_path / "out" / "batch.gpkg").is_file()


@pytest.mark.parametrize("module, analysis, extra, expected", [
    ("opening_hours", "k = 3\nhours = true", "",
     "analysis.hours: the opening hours need the package opening-hours-py, which is not "
     "installed: pip install opening-hours-py (or leave analysis.hours out)"),
    ("opening_hours", 'k = 3\ntypology_with = ["hours"]', "",
     "analysis.typology_with: the opening hours need the package opening-hours-py"),
    ("pyarrow", "k = 3", 'formats = ["gpkg", "parquet"]\n',
     "formats: GeoParquet needs pyarrow, which is not installed: "
     "pip install 'wijkkracht[batch]' (or formats = [\"gpkg\"])"),
], ids=["hours", "typology-with-hours", "geoparquet"])
def test_a_missing_package_is_one_line_before_any_folder(tmp_path, hiding, module, analysis,
                                                         extra, expected):
    cfg = tmp_path / "run.toml"
    cfg.write_text(extra + _text(analysis=analysis), encoding="utf-8")
    fails_in_process(["batch", str(cfg)], tmp_path / "out", expected, env=hiding(module),
                     inputs=[cfg])
    assert not (tmp_path / "out").exists()


# --- the number of workers is bounded -------------------------------------------------------------

@pytest.mark.parametrize("value", ["0", "-2", "2.5", "nan", "inf", "true", "", "two",
                                   str(max_workers() + 1), "100000"])
def test_workers_argument_out_of_bounds_is_a_usage_error(tmp_path, capsys, value):
    cfg = _config(tmp_path)
    got = f"got {int(value)}" if value.lstrip("-").isdigit() else f"got {value!r}"
    _batch(cfg, capsys, "argument --workers: must be at least 1 and at most "
                        f"{max_workers()} (4 worker processes per CPU", got,
           code=2, extra=("--workers", value))


@pytest.mark.parametrize("value, expected", [
    ("0", "engine.workers: must be at least 1 and at most"),
    (str(max_workers() + 1), f"engine.workers: must be at least 1 and at most {max_workers()}"),
    ("2.5", "engine.workers: expected int (1 to"),
    ("nan", "engine.workers: expected int (1 to"),
    ("true", "engine.workers: expected int (1 to"),
    ('"2"', "engine.workers: expected int (1 to"),
])
def test_workers_in_the_configuration_out_of_bounds(tmp_path, capsys, value, expected):
    _batch(_config(tmp_path, engine=f"workers = {value}"), capsys, expected)


# --- every [analysis] value checked by its declaration: one source of bounds ---------------------

def _numbers() -> list[str]:
    return sorted(k for k, o in analysis_options().items() if o.kind in ("int", "float"))


@pytest.mark.parametrize("key", _numbers())
def test_every_number_beyond_its_declared_bounds_is_refused(tmp_path, capsys, key):
    opt = analysis_options()[key]
    bad = opt.maximum * 2 + 1 if opt.maximum is not None else (opt.minimum or 0) - 1
    if opt.kind == "int":
        bad = int(bad)
    line = _batch(_config(tmp_path, analysis=f"{key} = {bad}"), capsys,
                  f"analysis.{key}: expected {opt.bounds_text()}, got {bad!r}")
    assert "internal error" not in line


@pytest.mark.parametrize("key", [k for k in _numbers() if analysis_options()[k].kind == "float"])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_every_float_refuses_nan_and_infinity(tmp_path, capsys, key, value):
    opt = analysis_options()[key]
    _batch(_config(tmp_path, analysis=f"{key} = {value}"), capsys,
           f"analysis.{key}: expected {opt.bounds_text()}")


@pytest.mark.parametrize("analysis, expected", [
    ('k = "4"', "analysis.k: expected int (a whole number >= 2 and <= 12), got '4'; write it "
                "without quotes"),
    ("k = 4.5", "analysis.k: expected int (a whole number >= 2 and <= 12), got 4.5"),
    ("k = 13", "analysis.k: expected a whole number >= 2 and <= 12, got 13"),
    ("k_range = [8, 3]", "analysis.k_range: expected MIN-MAX with 2 <= MIN <= MAX <= 12, "
                         "got [8, 3]"),
    ('k_range = "3-8"', "analysis.k_range: expected list (MIN-MAX with 2 <= MIN <= MAX <= 12), "
                        "got '3-8'; write a list in brackets, e.g. [3, 8]"),
    ("k_range = [3, 13]", "analysis.k_range: expected MIN-MAX with 2 <= MIN <= MAX <= 12"),
    ('snap_distance = "150"', "analysis.snap_distance: expected int or float (a number > 0 "
                              "and <= 2000 (m)), got '150'; write it without quotes"),
    ('contiguous = "yes"', "analysis.contiguous: expected bool, got 'yes'; write true or "
                           "false, without quotes"),
    ("spending = true\nspending_per_dwelling = -5.0",
     "analysis.spending_per_dwelling: expected a number > 0 and <= 100000 (€), got -5.0"),
    ("spending = true\nspending_per_dwelling = nan",
     "analysis.spending_per_dwelling: expected a number > 0 and <= 100000 (€), got nan"),
    ('hours_week = "2026-02-30"', "analysis.hours_week: expected a date YYYY-MM-DD"),
    ('typology_with = "hours"', "analysis.typology_with: expected list"),
    ('typology_with = ["hourz"]', "analysis.typology_with: expected a list of hours, spending"),
    ("seed = -1", "analysis.seed: expected a whole number >= 0"),
])
def test_analysis_values_in_the_declarations_words(tmp_path, capsys, analysis, expected):
    _batch(_config(tmp_path, analysis=analysis), capsys, expected)


def test_the_declared_maximum_of_k_runs_through_the_typology(tmp_path, capsys):
    """The declaration is the one bound of k: its maximum passes the configuration check and
    the typology (the area is classified, not failed after its work)."""
    k = int(OPTIONS["k"].maximum)
    assert OPTIONS["k_range"].maximum == k  # one bound for both ways of asking for k-means
    cfg = _config(tmp_path, areas='codes = ["BU99990102"]', analysis=f"k = {k}\nseed = 0")
    from wijkkracht.cli import main

    assert main(["batch", "-q", str(cfg)]) == 0, capsys.readouterr().err
    streets = pyogrio.read_dataframe(tmp_path / "out" / "batch.gpkg", layer="streets",
                                     read_geometry=False)
    # k-means with k types: more than 8 of them hold segments here (a type may stay empty)
    assert 8 < streets["type_id"].nunique() <= k


def test_a_toml_date_is_read_as_the_same_date(tmp_path):
    quoted = load_config(_config(tmp_path / "a", analysis='k = 3\nhours_week = "2026-03-02"'))
    bare = load_config(_config(tmp_path / "b", analysis="k = 3\nhours_week = 2026-03-02"))
    assert quoted.analysis == bare.analysis == {"k": 3, "hours_week": "2026-03-02"}


def test_bag_snapshot_date_is_a_real_date(tmp_path, capsys):
    data = DATA + f'\nbag = "{DEMO.as_posix()}"\nbag_snapshot_date = "2026-02-30"'
    _batch(_config(tmp_path, data=data), capsys,
           "data.bag_snapshot_date: expected a date YYYY-MM-DD (e.g. 2026-01-01), "
           "got '2026-02-30'")


# --- the configuration file -----------------------------------------------------------------------

def test_a_byte_order_mark_is_read(tmp_path, capsys):
    """Windows Notepad writes UTF-8 with a byte-order mark (and CRLF line ends)."""
    cfg = tmp_path / "run.toml"
    cfg.write_bytes(b"\xef\xbb\xbf" + _text(analysis="k = 3\nseed = 7").replace(
        "\n", "\r\n").encode("utf-8"))
    assert load_config(cfg).analysis == {"k": 3, "seed": 7}
    cfg.write_bytes(b"\xef\xbb\xbf" + _text(analysis="k = 30").encode("utf-8"))
    _batch(cfg, capsys, "analysis.k: expected a whole number >= 2 and <= 12, got 30")


def test_a_latin1_configuration_says_to_save_it_as_utf8(tmp_path, capsys):
    cfg = tmp_path / "run.toml"
    cfg.write_bytes(("# Gemeente Zoetermeer, wijk Oosterhéém\n" + _text()).encode("latin-1"))
    _batch(cfg, capsys, "run.toml: is not UTF-8 text (byte 0xe9 on line 1",
           "save the configuration as UTF-8")


def test_a_utf16_configuration_says_to_save_it_as_utf8(tmp_path, capsys):
    cfg = tmp_path / "run.toml"
    cfg.write_bytes(_text().encode("utf-16"))
    _batch(cfg, capsys, "run.toml: is UTF-16 text: save the configuration as UTF-8")


def test_a_folder_as_configuration(tmp_path, capsys):
    folder = tmp_path / "configs"
    folder.mkdir()
    fails(["batch", str(folder)], capsys, tmp_path / "out",
          "configs: is a folder, not a configuration file: give the path of the TOML file")


def test_a_geopackage_as_configuration(tmp_path, capsys):
    gpkg = tmp_path / "areas.gpkg"
    shutil.copy(CBS, gpkg)
    fails(["batch", str(gpkg)], capsys, tmp_path / "out",
          "areas.gpkg: is a binary file, not a TOML configuration", inputs=[gpkg])


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "\ufeff"])
def test_an_empty_configuration_names_what_is_missing(tmp_path, capsys, text):
    cfg = tmp_path / "run.toml"
    cfg.write_text(text, encoding="utf-8")
    _batch(cfg, capsys, "run.toml: the configuration is empty: it needs at least out, "
                        "[areas] file and [data] streets and pois (see examples/batch.toml)")


def test_every_missing_section_is_named(tmp_path, capsys):
    cfg = tmp_path / "run.toml"
    cfg.write_text('name = "b"\n', encoding="utf-8")
    _batch(cfg, capsys, "out: missing (required); also missing: areas, data")


# --- outputs that would replace an input ----------------------------------------------------------

@pytest.mark.parametrize("role", ["streets", "areas"])
def test_merged_output_that_would_replace_an_input(tmp_path, capsys, role):
    inputs = tmp_path / "in"
    inputs.mkdir()
    streets, areas = inputs / "streets.gpkg", inputs / "areas.gpkg"
    shutil.copy(DEMO, streets)
    shutil.copy(CBS, areas)
    data = DATA.replace(f'streets = "{DEMO.as_posix()}"', f'streets = "{streets.as_posix()}"')
    cfg = _config(tmp_path, out="in", name=role, data=data, areas_file=areas)
    key = "data.streets" if role == "streets" else "areas.file"
    fails(["batch", str(cfg)], capsys, inputs,
          f"{key}: {inputs / f'{role}.gpkg'} would be replaced by the batch's output "
          f"{role}.gpkg in {inputs}: choose another name or out", inputs=[streets, areas, cfg])


def test_geoparquet_output_that_would_replace_an_input(tmp_path, capsys):
    streets = tmp_path / "out" / "b_streets.parquet"
    streets.parent.mkdir()
    streets.write_bytes(b"PAR1")
    data = DATA.replace(f'pois = "{DEMO.as_posix()}"', 'pois = "out/b_streets.parquet"')
    cfg = tmp_path / "run.toml"
    cfg.write_text('formats = ["gpkg", "parquet"]\n' + _text(name="b", data=data))
    _batch(cfg, capsys, "data.pois: ", "would be replaced by the batch's output "
                        "b_streets.parquet", inputs=(streets,))


def test_an_input_inside_the_folder_the_batch_writes(tmp_path, capsys):
    streets = tmp_path / "out" / "areas" / "streets.gpkg"
    streets.parent.mkdir(parents=True)
    shutil.copy(DEMO, streets)
    data = DATA.replace(f'streets = "{DEMO.as_posix()}"', 'streets = "out/areas/streets.gpkg"')
    _batch(_config(tmp_path, data=data), capsys, "data.streets: ",
           "which the batch writes and clears: move the input or choose another out",
           inputs=(streets,))


def test_an_output_folder_inside_an_input_folder(tmp_path, capsys):
    lv = tmp_path / "lvbag"
    lv.mkdir()
    (lv / "9999VBO08012026.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    data = DATA + '\nbag = "lvbag"'
    cfg = _config(tmp_path, out="lvbag/results", data=data)
    fails(["batch", str(cfg)], capsys, lv, "out: the output folder",
          f"is inside the input folder {lv} (data.bag): choose an output folder outside it",
          inputs=[cfg])


def test_an_output_folder_below_a_file(tmp_path, capsys):
    blocker = tmp_path / "results.gpkg"
    blocker.write_text("a file")
    _batch(_config(tmp_path, out="results.gpkg/batch"), capsys,
           f"out: {blocker / 'batch'} cannot be made: {blocker} is a file, not a folder",
           inputs=(blocker,))


# --- inputs found unreadable before any folder is made -------------------------------------------

def test_an_unreadable_streets_file_leaves_no_folder(tmp_path, capsys):
    bad = tmp_path / "streets.gpkg"
    bad.write_text("not a GeoPackage")
    data = f'streets = "streets.gpkg"\npois = "{DEMO.as_posix()}"\npois_layer = "pois"'
    _batch(_config(tmp_path, data=data), capsys, "streets.gpkg", inputs=(bad,))
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("table, text, expected", [
    ("data", 'streets_layer = ""', "data.streets_layer: is empty"),
    ("areas", 'layer = ""', "areas.layer: is empty"),
    ("areas", 'field = " "', "areas.field: is empty"),
])
def test_an_empty_name_is_refused(tmp_path, capsys, table, text, expected):
    kwargs = ({"data": DATA.replace('streets_layer = "streets"', text)} if table == "data"
              else {"areas": 'codes = ["BU99990101"]\n' + text})
    _batch(_config(tmp_path, **kwargs), capsys, expected)


# --- [areas] field: the column of the area codes --------------------------------------------------

def _field_ok() -> bool:
    import inspect

    from wijkkracht.data_sources.areas import read_areas

    return "field" in inspect.signature(read_areas).parameters


@pytest.mark.skipif(not _field_ok(), reason="read_areas has no 'field' yet")
def test_areas_field_names_the_code_column(tmp_path, capsys):
    from wijkkracht.cli import main

    cfg = _config(tmp_path, areas='field = "buurtcode"\ncodes = ["BU99990101"]')
    assert load_config(cfg).areas_field == "buurtcode"
    assert main(["batch", "-q", str(cfg)]) == 0, capsys.readouterr().err
    meta = json.loads(pyogrio.read_info(tmp_path / "out" / "batch.gpkg", layer="streets")
                      ["dataset_metadata"]["WIJKKRACHT_BATCH"])
    assert meta["parameters"]["areas_field"] == "buurtcode"


@pytest.mark.skipif(not _field_ok(), reason="read_areas has no 'field' yet")
def test_areas_field_that_does_not_exist(tmp_path, capsys):
    cfg = _config(tmp_path, areas='field = "buurtkode"\ncodes = ["BU99990101"]')
    _batch(cfg, capsys, "buurtkode")


def test_a_code_not_found_names_the_batch_key_not_the_flag(tmp_path, capsys):
    line = _batch(_config(tmp_path, areas='codes = ["BU00000000"]'), capsys, "BU00000000")
    assert "--area-field" not in line


def test_areas_field_is_in_the_hash_only_when_given(tmp_path):
    from wijkkracht.batch import _parameters

    without = load_config(_config(tmp_path / "a"))
    assert "areas_field" not in _parameters(without)  # runs and hashes as before
    given = load_config(_config(tmp_path / "b", areas='field = "buurtcode"\n'
                                                      'codes = ["BU99990101"]'))
    assert _parameters(given)["areas_field"] == "buurtcode"


# --- what a killed run left ------------------------------------------------------------------------

def test_the_temporaries_of_a_killed_run_are_removed_by_the_next(tmp_path, capsys):
    """Temporary files named by a process that has ended (as a killed run leaves them) are
    removed when the batch runs again, in the output folder and in ``areas/``."""
    import subprocess
    import sys

    from wijkkracht.cli import main

    cfg = _config(tmp_path)
    assert main(["batch", "-q", str(cfg)]) == 0, capsys.readouterr().err
    out = tmp_path / "out"
    names = subprocess.run(  # named by a process that has ended when the batch runs
        [sys.executable, "-c", "import sys; from pathlib import Path; from wijkkracht.output."
         "atomic import temporary_name; print(*(temporary_name(Path(p)) for p in sys.argv[1:]))",
         str(out / "batch.gpkg"), str(out / "areas" / "BU99990101.json")],
        capture_output=True, text=True, check=True).stdout.split()
    left = [Path(names[0]), Path(names[0] + "-journal"), Path(names[1])]
    for p in left:
        p.write_bytes(b"half")
    kept = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p not in left}
    assert main(["batch", "-q", str(cfg)]) == 0  # nothing to do but cleaning up
    assert not [p for p in left if p.exists()]
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == kept
