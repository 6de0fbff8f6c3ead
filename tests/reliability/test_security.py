"""Security (issue 7, item 6).

(a) No module of the package evaluates or unpickles anything (an AST scan).
(b) Hostile text given as a street name, a POI name, the study-area name and a source name goes
    through the real pipeline into the map and the report and comes out only as text: no
    executable script or element of it in the parsed page, and in the map's JSON data blocks
    only HTML-escaped (the runtime inserts them as HTML). tests/output covers the areas layer
    and names set on a finished result; this is the same through ``analyse``.
(c) Batch configurations cannot make wijkkracht write outside the output folder: a ``name``
    with a path, an absolute ``name``, an area code like ``../../etc`` in the areas layer.
(d) The published outputs of ``wijkkracht demo`` (SYNTHETIC BAG and establishments): no file
    carries the address or the id of an establishment, and no establishment count below the
    privacy threshold is in any GeoPackage layer (tests/output checks the map's and the
    report's figures).
"""

from __future__ import annotations

import ast
import json
import re
import sqlite3
import subprocess
import sys
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest

import wijkkracht
from wijkkracht.batch import load_config, run_batch
from wijkkracht.core.errors import WijkkrachtError
from wijkkracht.core.indicators.registry import INDICATORS, SENSITIVE
from wijkkracht.core.pipeline import analyse
from wijkkracht.core.privacy import is_residential
from wijkkracht.data_sources.files import read_area, read_pois, read_streets
from wijkkracht.demo import demo_data_path, demo_synthetic_layers
from wijkkracht.output.report import build_report
from wijkkracht.output.webmap import webmap_html

PACKAGE = Path(wijkkracht.__file__).resolve().parent
WIJKKRACHT = Path(sys.executable).with_name("wijkkracht")
HOSTILE = ('<script>alert(1)</script>', '"><img src=x onerror=alert(2)>',
           '</script><script>alert(3)</script>')
AREA_NAME = "Kanaleneiland " + HOSTILE[1] + HOSTILE[2]


# --- (a) no eval, exec, pickle ------------------------------------------------------------------

def _package_modules() -> list[Path]:
    skip = {"tests", "benchmarks", "scripts", ".venv", "build", "docs", "examples"}
    # hidden folders (.venv, .cache, ...) are no part of it
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if not skip & set(p.relative_to(PACKAGE).parts[:-1])
                  and not p.relative_to(PACKAGE).parts[0].startswith("."))


def _dangerous(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            for name in names:
                if name.split(".")[0] in {"pickle", "cPickle", "dill", "marshal", "shelve"}:
                    found.append((node.lineno, f"import {name}"))
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
        owner = f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else ""
        if isinstance(f, ast.Name) and name in {"eval", "exec", "compile", "__import__"}:
            found.append((node.lineno, name))
        elif owner in {"pickle", "marshal", "dill", "shelve", "joblib"} and name in {
                "load", "loads", "open", "Unpickler"}:
            found.append((node.lineno, f"{owner}.{name}"))
        elif owner == "yaml" and name in {"load", "unsafe_load", "full_load"}:
            found.append((node.lineno, f"yaml.{name}"))
        elif owner == "pd" and name == "read_pickle":
            found.append((node.lineno, "pd.read_pickle"))
        elif owner == "os" and name in {"system", "popen"}:
            found.append((node.lineno, f"os.{name}"))
        if any(k.arg == "shell" and not (isinstance(k.value, ast.Constant) and not k.value.value)
               for k in node.keywords):
            found.append((node.lineno, f"{name}(shell=...)"))
    return found


def test_no_module_evaluates_or_unpickles_anything():
    modules = _package_modules()
    assert len(modules) > 40 and PACKAGE / "batch.py" in modules
    problems = [f"{p.relative_to(PACKAGE)}:{line}: {what}" for p in modules
                for line, what in _dangerous(ast.parse(p.read_text(encoding="utf-8")))]
    assert not problems, problems


def test_the_scan_finds_what_it_looks_for():
    bad = ("import pickle\neval(x)\nexec(y)\npickle.loads(b)\nyaml.load(s)\n"
           "subprocess.run(c, shell=True)\nast.literal_eval(z)\n")
    assert [w for _, w in _dangerous(ast.parse(bad))] == [
        "import pickle", "eval", "exec", "pickle.loads", "yaml.load", "run(shell=...)"]


# --- (b) hostile text through the pipeline ------------------------------------------------------

class _Page(HTMLParser):
    """Tags, attributes, and the text of every script element of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _assert_inert(page: str) -> _Page:
    parsed = _Page()
    parsed.feed(page)
    for tag, attrs in parsed.tags:
        assert tag != "img" or attrs.get("src") != "x", "an injected <img> element"
        assert not any(k.startswith("on") and "alert" in (v or "") for k, v in attrs.items())
    for attrs, text in parsed.scripts:
        if attrs.get("type") == "application/json":
            for s in _strings(json.loads(text)):  # inserted as HTML by the runtime: escaped
                assert "<script" not in s.lower() and "<img" not in s.lower(), s[:200]
        else:
            assert "alert(" not in text, "injected text in an executable script"
    return parsed


@pytest.fixture(scope="module")
def hostile_result():
    path = demo_data_path()
    streets, pois = read_streets(path, layer="streets"), read_pois(path, layer="pois")
    area = read_area(path, layer="study_area")
    longest = streets.assign(m=streets.length).groupby("street_name")["m"].sum().drop(
        "", errors="ignore").idxmax()
    streets.loc[streets["street_name"] == longest, "street_name"] = HOSTILE[0] + " & Co"
    pois["name"] = None
    pois.loc[pois["tag"].astype(str).str.contains("shop", na=False), "name"] = HOSTILE[1]
    pois.loc[pois["tag"].astype(str).str.contains("amenity", na=False), "name"] = HOSTILE[2]
    area["name"] = AREA_NAME
    sources = [{"name": HOSTILE[0], "path": "/data/" + HOSTILE[1], "attribution": HOSTILE[2]}]
    return analyse(streets, pois, area, k=4, sources=sources)


def test_hostile_names_reach_the_outputs(hostile_result):
    assert (hostile_result.streets["street_name"] == HOSTILE[0] + " & Co").sum() > 5
    assert set(hostile_result.pois["name"].dropna()) == {HOSTILE[1], HOSTILE[2]}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_map_shows_hostile_text_only_as_text(hostile_result, lang):
    page = webmap_html(hostile_result, lang=lang)
    parsed = _assert_inert(page)
    blocks = {a.get("id"): json.loads(t) for a, t in parsed.scripts
              if a.get("type") == "application/json"}
    names = set(_strings(blocks.get("wk-streets"))) | set(_strings(blocks.get("wk-pois")))
    for text in (escape(HOSTILE[0] + " & Co"), escape(HOSTILE[1]), escape(HOSTILE[2])):
        assert text in names, text  # there, escaped
    title = page[page.index("<title>"):page.index("</title>")]
    assert escape(AREA_NAME) in title


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_report_shows_hostile_text_only_as_text(hostile_result, lang):
    page = build_report(hostile_result, lang=lang)
    parsed = _assert_inert(page)
    assert not any(t == "img" for t, _ in parsed.tags)
    assert escape(AREA_NAME) in page
    assert "<script>alert(1)" not in page and "<img src=x" not in page


# --- (c) batch paths ----------------------------------------------------------------------------

CBS = Path(__file__).resolve().parents[1] / "data" / "wijkbuurtkaart_cbs_synthetic.gpkg"


def _config(folder: Path, *, name: str = "batch", areas_file: Path = CBS,
            codes: str | None = '["BU99990101"]') -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    demo = demo_data_path().as_posix()
    text = (f"out = \"out\"\nname = {json.dumps(name)}\nlang = \"en\"\n"
            f"[areas]\nfile = \"{areas_file.as_posix()}\"\n"
            + (f"codes = {codes}\n" if codes else "") +
            f"[data]\nstreets = \"{demo}\"\nstreets_layer = \"streets\"\n"
            f"pois = \"{demo}\"\npois_layer = \"pois\"\n[analysis]\nk = 3\n")
    path = folder / "run.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _files(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


@pytest.mark.parametrize("name", ["../escape", "../../etc/passwd", "/tmp/wk-escape",
                                  "sub/name", "..", "a\\..\\b"])
def test_batch_name_cannot_leave_the_output_folder(tmp_path, name):
    cfg = _config(tmp_path / "cfg", name=name)
    before = _files(tmp_path)
    with pytest.raises(WijkkrachtError) as info:
        load_config(cfg)
    assert "\n" not in str(info.value) and "name" in str(info.value)
    assert _files(tmp_path) == before and not Path("/tmp/wk-escape").exists()


@pytest.mark.parametrize("code", ["../../etc", "/tmp/wk-escape-code", "..", "BU 01/../.."])
def test_an_area_code_from_the_areas_layer_cannot_leave_the_output_folder(tmp_path, code):
    areas = gpd.read_file(CBS, layer="buurten").head(1)
    areas["buurtcode"] = code
    hostile = tmp_path / "areas.gpkg"
    pyogrio.write_dataframe(areas, hostile, layer="buurten")
    listed = _config(tmp_path / "listed", areas_file=hostile, codes=json.dumps([code]))
    with pytest.raises(WijkkrachtError, match="areas.codes: expected a non-empty list"):
        load_config(listed)  # listed in the configuration: refused there
    cfg = load_config(_config(tmp_path / "cfg", areas_file=hostile, codes=None))  # every area
    before = _files(tmp_path)
    with pytest.raises(WijkkrachtError) as info:
        run_batch(cfg, workers=1, say=lambda _: None)
    assert "\n" not in str(info.value) and "cannot be a file name" in str(info.value)
    new = _files(tmp_path) - before
    assert all(p.is_relative_to(cfg.out) and p.is_dir() for p in new), new
    assert not Path("/tmp/wk-escape-code").exists()


# --- (d) privacy of the published demo outputs --------------------------------------------------

@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    proc = subprocess.run([str(WIJKKRACHT), "demo", "--out", str(out), "--report", "--quiet"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out


def test_no_published_file_carries_an_establishment_address_or_id(demo_out):
    bag, est, _ = demo_synthetic_layers()
    home = est[is_residential(est, units=bag)]
    assert len(home) > 20, "the demo needs home-based establishments"
    files = sorted(p for p in demo_out.iterdir() if p.is_file())
    assert {p.suffix for p in files} == {".gpkg", ".html"} and len(files) >= 3
    texts = {p.name: p.read_bytes().decode("utf-8", errors="replace") for p in files}
    for p in files:
        if p.suffix == ".gpkg":  # every text value of every table, as stored
            con = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
            tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master "
                                                "WHERE type = 'table'")]
            texts[p.name] += "\n".join(str(v) for t in tables
                                       for row in con.execute(f'SELECT * FROM "{t}"')
                                       for v in row if isinstance(v, (str, int)))
            con.close()
    postcodes = set(home["postcode"].dropna().astype(str))
    addresses = {f"{pc} {nr}" for pc, nr in zip(home["postcode"], home["huisnummer"], strict=True)}
    ids = set(est["vestigingsnummer"].astype(str)) | set(home["vbo_id"].astype(str))
    for name, text in texts.items():
        spaced = re.sub(r"(\d{4}) ?([A-Z]{2})", r"\1\2", text)
        found = {pc for pc in postcodes if pc in spaced}
        assert not found, f"{name}: postcodes of home-based establishments {sorted(found)[:5]}"
        assert not [a for a in addresses if a in text], name
        digits = set(re.findall(r"(?<!\d)\d{12,16}(?!\d)", text))
        assert not digits & ids, f"{name}: establishment or unit ids {sorted(digits & ids)[:5]}"


def test_no_geopackage_layer_has_a_count_below_the_threshold(demo_out):
    gpkg = demo_out / "wijkkracht.gpkg"
    # the establishment counts (shares, ages and the net change are derived from them)
    sensitive = {name for name, ind in INDICATORS.items()
                 if SENSITIVE in ind.tags and ind.unit == "count" and name != "est_net_change"}
    assert "active_est" in sensitive
    checked = 0
    for layer, _ in pyogrio.list_layers(gpkg):
        frame = pyogrio.read_dataframe(gpkg, layer=layer, read_geometry=False)
        assert not {"postcode", "huisnummer", "vestigingsnummer", "vbo_id"} & set(frame.columns)
        for col in sensitive & set(frame.columns):
            values = frame[col].dropna()
            small = values[(values > 0) & (values < 3)]
            assert small.empty, f"{layer}.{col}: counts {sorted(set(small))[:5]} below 3"
            checked += 1
    assert checked >= 3
