"""The strict command line (issue 18): bad dates and option values refused up front in one
line, a run's outputs one consistent set, report names per language, one language spoken."""

import os
import re
import subprocess
import sys
import time

import pytest

from wijkkracht.cli import main
from wijkkracht.output.writer import report_file_set, stale_companions


def _cli(args, timeout=300):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "wijkkracht", *args], capture_output=True,
                          text=True, env=env, timeout=timeout)
    return proc, time.perf_counter() - t0


@pytest.mark.parametrize("bad, option", [
    (["--reference-date", "01-02-2026"], "--reference-date"),
    (["--hours-week", "04-12-2026"], "--hours-week"),
    (["--reference-date", "2026-02-30"], "--reference-date"),
    (["--reference-date", "2026/02/01"], "--reference-date"),
    (["-k", "13"], "--types"),
    (["--k-range", "8-3"], "--k-range"),
    (["-k", "4", "--k-range", "3-5"], "--k-range"),
    (["--cell-size", "100", "--bandwidth", "50", "--rasters"], "--bandwidth"),
    (["--privacy-threshold", "0"], "--privacy-threshold"),
    (["--name", "a/b"], "--name"),
    (["--typology-model", "nope.json"], "--typology-model"),
    (["--osm-only", "--spending"], "--spending"),
])
def test_bad_values_fail_fast_in_one_line(tmp_path, bad, option):
    out = tmp_path / "out"
    t0 = time.perf_counter()
    try:
        code = main(["demo", "--out", str(out), *bad])
    except SystemExit as exc:
        code = exc.code
    assert time.perf_counter() - t0 < 1
    assert code in (1, 2)
    assert not out.exists()


def test_a_bad_date_through_the_real_command(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    for args in (["demo", "--reference-date", "01-02-2026"],
                 ["demo", "--hours-week", "04-12-2026"],
                 ["run", "--streets", str(tmp_path / "nope.gpkg"), "--reference-date",
                  "2026-02-30"],
                 ["demo", "-k", "13"], ["demo", "--k-range", "8-3"]):
        proc, _ = _cli([*args, "--out", str(out)])
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode in (1, 2) and len(lines) == 1, proc.stderr
        assert lines[0].startswith("wijkkracht: error: argument "), lines
        assert "internal error" not in proc.stderr
        if "date" in lines[0]:
            assert "YYYY-MM-DD (e.g. 2026-03-31)" in lines[0]
        assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


@pytest.mark.parametrize("bad, said", [
    (["--bbox", "5.1,52.1,5.0"], "--bbox: expected W,S,E,N"),
    (["--bbox", "5.2,52.1,5.1,52.2"], "W < E"),
    (["--place", "x", "--buffer", "-5"], "--buffer"),
    (["--place", "x", "--spending"], "need the BAG"),
])
def test_run_inputs_checked_before_any_work(tmp_path, capsys, bad, said, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["run", "--out", str(tmp_path / "out"), *bad])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and said in err and len(err.strip().splitlines()) == 1, err


def test_a_missing_input_file_is_named_before_any_work(tmp_path, capsys):
    t0 = time.perf_counter()
    code = main(["run", "--out", str(tmp_path / "out"), "--streets", str(tmp_path / "n.gpkg"),
                 "--bag", str(tmp_path / "bag.gpkg")])
    err = capsys.readouterr().err
    assert code == 1 and time.perf_counter() - t0 < 1
    assert err.strip().splitlines() == [f"wijkkracht: error: {tmp_path / 'n.gpkg'}: file not "
                                        "found (--streets)"]


def _fake_report(path):
    path.write_text('<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
                    '<meta name="generator" content="wijkkracht 0.0.1"></head></html>\n')


def test_rerun_removes_stale_companions_only_its_own(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name in ("wijkkracht_rapport.html", "wijkkracht_report.html",
                 "wijkkracht_rapport_BU1.html"):
        _fake_report(out / name)
    (out / "wijkkracht_rapport_notes.html").write_text("<html>my own notes</html>")
    (out / "wijkkracht_establishment_problems.csv").write_text("kvk,stage\n1,rejected\n")
    (out / "wijkkracht_mine.tif").write_bytes(b"II*\x00not ours")
    (out / "other_report.html").write_text("x")
    _fake_report(out / "other_rapport.html")  # another name's report: not this run's
    assert main(["demo", "--osm-only", "--out", str(out), "-q"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "other_rapport.html", "other_report.html", "wijkkracht.gpkg", "wijkkracht.html",
        "wijkkracht_mine.tif", "wijkkracht_rapport_notes.html"]
    assert stale_companions(out, "wijkkracht") == []


def test_reports_in_both_languages_live_side_by_side():
    from wijkkracht.demo import analyse_demo

    result = analyse_demo(synthetic_bag=False, synthetic_hours=False)
    nl = report_file_set(result, lang="nl", basename="k", map_href="k.html")
    en = report_file_set(result, lang="en", basename="k", map_href="k.html")
    assert [n for n, _ in nl.values()] == ["k_rapport.html"]
    assert [n for n, _ in en.values()] == ["k_report.html"]


_DUTCH = re.compile(r"\b(straat|straten|segmenten|kansentypen|waarschuwing|berekenen|schrijven|"
                    r"geen|omweg|apotheek|basisschool|loopnetwerk)\b", re.I)
_ENGLISH = re.compile(r"\b(street segments|named streets|opportunity types|warning|computing|"
                      r"writing|walking|detour|the|no)\b", re.I)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    for lang in ("nl", "en"):
        folder = tmp_path_factory.mktemp(lang)
        proc, _ = _cli(["demo", "--out", str(folder), "--lang", lang])
        assert proc.returncode == 0, proc.stderr
        out[lang] = proc.stderr.splitlines()
    return out


@pytest.mark.parametrize("lang, other", [("en", _DUTCH), ("nl", _ENGLISH)])
def test_the_cli_speaks_one_language(runs, lang, other):
    lines = [line for line in runs[lang] if not line.lstrip().startswith(("gpkg:", "html:"))]
    assert len(lines) > 10
    # column names (dist_pharmacy_m), OSM tags and a proper name are no UI words
    wrong = [line for line in lines
             if other.search(re.sub(r"\w+_\w+|\w+=\w+|'[^']*'|\([^()]*OSM\)", "", line))]
    assert not wrong, wrong
