"""Command-line interface: ``wijkkracht demo`` and ``wijkkracht run``.

Exit codes: 0 success; 1 a problem with the input or output (one line on stderr saying
which file and what is wrong); 2 wrong command-line usage; 3 an unexpected internal error.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ._version import __version__

__all__ = ["main", "build_parser"]

log = logging.getLogger("wijkkracht")

_STEP_LABELS = {
    "network": ("Netwerk en POI's voorbereiden", "Preparing network and POIs"),
    "indicators: proximity": ("Nabijheid berekenen", "Computing proximity"),
    "indicators: mixed_use": ("Functiemenging berekenen", "Computing mixed use"),
    "indicators: nonres_building_share": ("Aandeel niet-wonen berekenen", "Computing non-residential share"),
    "indicators: no_mix": ("N/O-mix berekenen", "Computing N/O mix"),
    "indicators: vacancy": ("Leegstand berekenen", "Computing vacancy"),
    "indicators: bag": ("BAG-indicatoren berekenen", "Computing BAG indicators"),
    "typology": ("Kansentypen bepalen", "Classifying opportunity types"),
    "assemble": ("Resultaat samenstellen", "Assembling the result"),
    "rasters": ("Intensiteitsrasters berekenen", "Computing intensity rasters"),
    "indicators: opening hours": ("Levendigheid per uur berekenen (openingstijden)",
                                  "Computing liveliness by hour (opening hours)"),
    "spending": ("Bestedingsstromen berekenen (Huff)", "Computing spending flows (Huff)"),
}


class _Progress:
    """A compact step display on stderr: ``[3/8] Computing mixed use ... 0.12 s``."""

    def __init__(self, quiet: bool, lang: str) -> None:
        self.quiet = quiet
        self.lang = lang
        self.t0 = time.perf_counter()
        self.current: str | None = None
        self.started = self.t0
        self.n = 0
        # "indicators: bag" with --bag, "rasters" with --rasters, opening hours and spending
        # when computed: added by the callers
        self.total = len(_STEP_LABELS) - 4

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=sys.stderr, flush=True)

    def _close(self) -> None:
        if self.current is not None and not self.quiet:
            print(f" {time.perf_counter() - self.started:.2f} s", file=sys.stderr, flush=True)
        self.current = None

    def __call__(self, step: str, fraction: float) -> None:
        self._close()
        if step == "done":
            return
        self.n += 1
        nl, en = _STEP_LABELS.get(step, (step, step))
        self.current = step
        self.started = time.perf_counter()
        if not self.quiet:
            print(f"[{self.n}/{self.total}] {nl if self.lang == 'nl' else en} ...", end="",
                  file=sys.stderr, flush=True)

    def finish(self) -> None:
        self._close()


class _Parser(argparse.ArgumentParser):
    """argparse with a usage error in one line, ``wijkkracht: error: ...`` (exit code 2),
    instead of the usage block: the line names the option and what it expects."""

    def error(self, message: str) -> Any:
        self.exit(2, f"wijkkracht: error: {message} (see '{self.prog} -h')\n")


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", "-o", required=True, type=Path, metavar="DIR",
                   help="output folder (created if missing); gets NAME.gpkg and NAME.html")
    p.add_argument("--name", default="wijkkracht", metavar="NAME",
                   help="base name of the output files (default: wijkkracht)")
    p.add_argument("--lang", choices=("nl", "en"), default="nl",
                   help="language of map labels and legends (default: nl)")
    from .core.options import MAP_OPTIONS

    for opt in MAP_OPTIONS.values():  # the map's options, from their declarations
        p.add_argument(opt.flag, dest=opt.name, **_argument(opt))
    # every map works without internet now; --offline also starts it without tiles
    p.add_argument("--offline", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--categories", type=Path, default=None, metavar="CSV",
                   help="your own tag classification table (default: the bundled "
                        "data/poi_categories.csv)")
    groups = add_analysis_options(p)
    groups["spending"].add_argument(
        "--add-shop", action="append", default=[], type=_added_shop, metavar="X,Y[,KIND[,M2]]",
        help="scenario: a daily-goods shop added at RD New X,Y (KIND an OSM shop value, default "
             "supermarket; M2 its floor area, default the assumed size of its kind): what it "
             "draws, how the shares change (repeat for more, each on its own)")
    from .output.report_cli import REPORT_HELP

    p.add_argument("--report", action="store_true", help=REPORT_HELP)
    verbosity = p.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="count", default=0,
                           help="more output (repeat for debug); tracebacks on errors")
    verbosity.add_argument("-q", "--quiet", action="store_true", help="only errors")


# --- the analysis options, made from their declarations (wijkkracht.core.options) ---------

#: Short names besides the declaration's flag.
_ALIASES: dict[str, tuple[str, ...]] = {"k": ("-k",)}
#: Placeholders of the values in the help (else from the unit, else the name).
_METAVARS: dict[str, str] = {
    "k": "K", "k_range": "MIN-MAX", "random_state": "SEED", "typology_extra": "GROUP[,GROUP]",
    "typology_model": "FILE", "reference_date": "YYYY-MM-DD", "hours_week": "YYYY-MM-DD",
    "privacy_threshold": "N", "huff_beta": "B", "huff_lambda": "L"}
_UNIT_METAVARS = {"m": "M", "m²": "M2", "€": "EUR"}
#: Defaults of the command line that differ from the declaration's, with the reason (said in
#: the help). ``--spending`` not given: on in the demo (its SYNTHETIC BAG has the dwellings),
#: the declaration's default (off) in ``run``.
CLI_DEFAULTS: dict[str, Any] = {"spending": None}
#: What the command line adds to a declaration's help.
_CLI_NOTES: dict[str, str] = {
    "spending": "default: on in the demo, off in run",
    "rasters": "Cloud Optimized GeoTIFFs (EPSG:28992) NAME_<surface>.tif, each with a QGIS "
               "style NAME_<surface>.qml",
    "cell_size": "100 matches the CBS squares",
    "bandwidth": "at least the cell size",
    "typology_model": "a .json from 'wijkkracht typology fit', or a wijkkracht .gpkg result",
}
#: The options of ``wijkkracht typology fit`` (it fits a model: none is given to it).
_FIT_OPTIONS = ("k", "k_range", "contiguous", "random_state", "typology_segments")


def add_analysis_options(p: argparse.ArgumentParser, names: Sequence[str] | None = None
                         ) -> dict[str, Any]:
    """Add the analysis options (all, or ``names``) to ``p``, one argument group per concern
    of :data:`wijkkracht.core.options.GROUPS`, made from their declarations: flag, type (a
    converter calling :meth:`~wijkkracht.core.options.Option.check`, so that argparse refuses
    a bad value with the declaration's words), default and help. Returns the groups by
    concern."""
    from .core.options import GROUPS, OPTIONS

    chosen = [o for o in OPTIONS.values() if o.flag is not None
              and (names is None or o.name in names)]
    groups = {g: p.add_argument_group(title.en) for g, title in GROUPS.items()
              if any(o.group == g for o in chosen)}
    for opt in chosen:
        groups[opt.group].add_argument(*_ALIASES.get(opt.name, ()), opt.flag, dest=opt.name,
                                       **_argument(opt))
    return groups


def _argument(opt: Any) -> dict[str, Any]:
    """The keyword arguments of ``add_argument`` for the declaration ``opt``."""
    default = CLI_DEFAULTS.get(opt.name, opt.default)
    if opt.kind == "bool":
        if opt.flag.startswith("--no-"):  # e.g. --no-hours: off, else the declaration's default
            return {"action": "store_const", "const": False, "default": default,
                    "help": _help(opt, prefix="leave out: ")}
        if opt.name in CLI_DEFAULTS:
            return {"action": argparse.BooleanOptionalAction, "default": default,
                    "help": _help(opt)}
        return {"action": "store_true", "default": default, "help": _help(opt)}
    out: dict[str, Any] = {"default": default, "help": _help(opt, bounds=opt.kind != "choice")}
    if opt.kind == "choice":  # argparse's own refusal: "invalid choice: ... (choose from ...)"
        return {**out, "choices": opt.choices}
    if opt.kind == "path":
        return {**out, "type": Path, "metavar": _metavar(opt)}
    return {**out, "type": _converter(opt), "metavar": _metavar(opt)}


def _metavar(opt: Any) -> str:
    return _METAVARS.get(opt.name) or _UNIT_METAVARS.get(opt.unit) or opt.name.upper()


def _converter(opt: Any) -> Any:
    """The argparse type of ``opt``: its value checked by the declaration (an error names the
    argument and says what is expected, in one line, exit code 2)."""
    from .core.errors import InputError

    def convert(text: str) -> Any:
        try:
            return opt.check(text)
        except InputError as exc:
            raise argparse.ArgumentTypeError(exc.problem) from None

    convert.__name__ = opt.name
    return convert


def _help(opt: Any, prefix: str = "", bounds: bool = True) -> str:
    """The declaration's English help, its allowed values (with the unit) and its default."""
    parts = [opt.help.en]
    if bounds and opt.kind not in ("bool", "path"):
        parts.append(opt.bounds_text())
    default = CLI_DEFAULTS.get(opt.name, opt.default)
    if opt.kind != "bool" and default not in (None, ()):
        parts.append(f"default: {format_value(default)}")
    if opt.name in _CLI_NOTES:
        parts.append(_CLI_NOTES[opt.name])
    return (prefix + "; ".join(parts)).replace("%", "%%")


def format_value(value: Any) -> str:
    """A default as the command line and a TOML file write it (``150``, ``false``, ...)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (tuple, list)):
        return ",".join(map(str, value))
    return str(value)


def options_table() -> str:
    """The README's table of the analysis options (Markdown), made from their declarations:
    name, command-line flag, batch key, QGIS parameter, default, allowed values, unit, help;
    and below it what a front end lacks and why."""
    from .core.options import GROUPS, OPTIONS

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    rows = ["| Option | Command line | Batch `[analysis]` | QGIS | Default | Allowed | Unit | "
            "What it does |", "|---|---|---|---|---|---|---|---|"]
    for group in GROUPS:
        for opt in (o for o in OPTIONS.values() if o.group == group):
            flag = " ".join(f"`{f}`" for f in (*_ALIASES.get(opt.name, ()), opt.flag) if f) \
                if opt.flag else "—"
            allowed = {"bool": "true or false", "path": "a file"}.get(opt.kind) or \
                opt.bounds_text().removesuffix(f" ({opt.unit})")
            default = "not set" if opt.default in (None, ()) else \
                f"`{format_value(opt.default)}`"
            rows.append("| " + " | ".join(cell(c) for c in (
                f"`{opt.name}`", flag, f"`{opt.batch}`" if opt.batch else "—",
                f"`{opt.qgis}`" if opt.qgis else "—", default, allowed, opt.unit,
                opt.help.en)) + " |")
    fronts = {"cli": "the command line", "batch": "a batch", "qgis": "QGIS"}
    lacking = [f"- `{opt.name}` is not in {fronts.get(front, front)}: {reason}."
               for opt in OPTIONS.values() for front, reason in opt.not_in.items()]
    return "\n".join(rows + ([""] + lacking if lacking else [])) + "\n"


#: The lines around the option table in the README (:func:`readme_with_options_table`).
OPTIONS_TABLE_MARKERS = (
    "<!-- options table: made by scripts/options_table.py from wijkkracht.core.options; "
    "do not edit -->",
    "<!-- end of the options table -->")


def readme_with_options_table(text: str) -> str:
    """``text`` (the README) with :func:`options_table` between its
    :data:`OPTIONS_TABLE_MARKERS`."""
    start, end = OPTIONS_TABLE_MARKERS
    head, rest = text.split(start + "\n", 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{options_table()}{end}{tail}"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = _Parser(
        prog="wijkkracht",
        description=(
            "Where are the economic opportunities in this neighbourhood, street by street? "
            "Computes proximity to everyday amenities, mixed use, the N/O mix and vacancy per "
            "street segment along the walking network, clusters streets into opportunity "
            "types, and writes a styled GeoPackage and an interactive map."
        ),
        epilog="Data from OpenStreetMap: © OpenStreetMap contributors, ODbL 1.0.",
    )
    parser.add_argument("--version", action="version", version=f"wijkkracht {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    demo = sub.add_parser(
        "demo",
        help="run the whole analysis on the bundled data of Kanaleneiland (Utrecht)",
        description="Run the whole analysis on the bundled real OpenStreetMap data of "
                    "Kanaleneiland (Utrecht), with SYNTHETIC BAG and KvK-style layers generated "
                    "for it (KvK data are not open; the map and the GeoPackage say so), and "
                    "write the map and the GeoPackage.",
    )
    _add_common(demo)
    demo.add_argument("--osm-only", action="store_true",
                      help="leave out the SYNTHETIC BAG/KvK layers: OpenStreetMap only")

    run = sub.add_parser(
        "run",
        help="run the analysis on your own network/POI files, a place name or a bbox",
        description=(
            "Run the analysis on your own data: a walking network (OSMnx GraphML, a line layer "
            "such as a GeoPackage of edges, or an .osm/.osm.pbf extract) with POIs (a point "
            "layer or the same extract) and a study-area polygon; or fetch OpenStreetMap live "
            "for a place name or bbox (cached, so a repeated run works offline). Give the "
            "network buffered beyond the study area: proximity near the edge needs what lies "
            "across it."
        ),
    )
    src = run.add_argument_group("input (files)")
    src.add_argument("--streets", type=Path, metavar="FILE",
                     help="walking network: .graphml, vector line layer, or .osm/.osm.pbf")
    src.add_argument("--streets-layer", metavar="LAYER", help="layer name in --streets")
    src.add_argument("--pois", type=Path, metavar="FILE",
                     help="POI/building points (default: --streets when it is an OSM extract)")
    src.add_argument("--pois-layer", metavar="LAYER", help="layer name in --pois")
    src.add_argument("--area", type=Path, metavar="FILE", help="study-area polygon layer")
    src.add_argument("--area-layer", metavar="LAYER", help="layer name in --area")
    live = run.add_argument_group("input (live OpenStreetMap through Overpass)")
    live.add_argument("--place", metavar="NAME",
                      help='place name to geocode, e.g. "Kanaleneiland, Utrecht"')
    live.add_argument("--bbox", metavar="W,S,E,N", help="bounding box in degrees (EPSG:4326)")
    live.add_argument("--buffer", type=float, default=800.0, metavar="M",
                      help="network buffer beyond the study area in metres (default: 800)")
    live.add_argument("--cache-dir", type=Path, metavar="DIR",
                      help="cache folder for OpenStreetMap responses (default: per-user cache)")
    live.add_argument("--overpass-url", metavar="URL",
                      help="Overpass API server, e.g. your own (default: "
                           "https://overpass-api.de/api)")
    live.add_argument("--nominatim-url", metavar="URL",
                      help="Nominatim geocoder for --place (default: "
                           "https://nominatim.openstreetmap.org/)")
    live.add_argument("--timeout", type=float, default=None, metavar="S",
                      help="seconds to wait for each answer of Overpass/Nominatim, also the "
                           "Overpass query's time limit (default: 180); a server or proxy "
                           "that cannot be reached fails within 8 s")
    bag = run.add_argument_group("input (BAG, establishments, study areas; optional)")
    bag.add_argument("--bag", type=Path, metavar="FILE",
                     help="BAG verblijfsobjecten: a BAG GeoPackage (read by the bbox of the "
                          "network) or an LV BAG 2.0 extract (folder, zip or .xml)")
    bag.add_argument("--bag-layer", default="verblijfsobject", metavar="LAYER",
                     help="layer in the --bag GeoPackage (default: verblijfsobject)")
    bag.add_argument("--establishments", type=Path, metavar="FILE",
                     help="KvK/LISA-style establishments (CSV or GeoPackage); needs --bag")
    bag.add_argument("--establishments-mapping", type=Path, metavar="FILE",
                     help="column mapping (TOML/JSON) for --establishments: one line per "
                          "column, e.g. sbi_code = \"SBI\" (wijkkracht's name = your header)")
    bag.add_argument("--areas", type=Path, metavar="FILE",
                     help="CBS wijk- en buurtkaart or polygon layer; with --area-code or "
                          "--area-name the study area is the union of the selected areas, "
                          "summarised in an 'areas' layer")
    bag.add_argument("--areas-layer", metavar="LAYER", help="layer name in --areas")
    bag.add_argument("--area-code", metavar="CODE[,CODE]",
                     help="area codes in --areas (e.g. BU03440101, WK0344*)")
    bag.add_argument("--area-name", metavar="NAME[,NAME]", help="area names in --areas")
    bag.add_argument("--area-field", metavar="COLUMN",
                     help="the column of --areas that holds the area codes (any case; default: "
                          "the column whose values are CBS codes such as BU03630101, else "
                          "code/id)")
    _add_common(run)
    from .output.report_cli import add_report_parser

    add_report_parser(sub)
    from .batch import add_batch_parser

    add_batch_parser(sub)
    _add_typology_parser(sub)
    return parser


def _add_typology_parser(sub: Any) -> None:
    typ = sub.add_parser("typology", help="fit a typology model on results (one model for a "
                                          "city or the country)")
    tsub = typ.add_subparsers(dest="typology_command", metavar="ACTION")
    tsub.required = True
    fit = tsub.add_parser(
        "fit", help="fit one typology model on the streets of one or more results",
        description="Fit one typology model on the street segments of one or more wijkkracht "
                    "GeoPackages (their 'streets' layers together) and write it as JSON; give "
                    "it to run, demo or batch with --typology-model so that every area gets "
                    "the same types.")
    fit.add_argument("results", nargs="+", type=Path, metavar="RESULT.gpkg")
    fit.add_argument("--out", "-o", required=True, type=Path, metavar="MODEL.json",
                     help="the model file to write")
    add_analysis_options(fit, _FIT_OPTIONS)


def _typology_fit(args: argparse.Namespace) -> int:
    """``wijkkracht typology fit``: one model on the streets of the results."""
    import geopandas as gpd
    import pandas as pd

    from .core.errors import InputError, WijkkrachtError
    from .core.typology import classify_street_layer
    from .output.typology_model import write_typology_model

    try:
        if args.out.is_dir() or args.out.suffix.lower() != ".json":
            raise InputError(args.out, "--out is the model file to write: a .json file "
                                       "(e.g. model.json), not " + ("a folder" if
                                       args.out.is_dir() else f"a {args.out.suffix or 'file'}"
                                       " file"))
        if any(args.out.exists() and p.exists() and args.out.samefile(p) for p in args.results):
            raise InputError(args.out, "--out would replace one of the results it reads; "
                                       "give another model file")
        frames = []
        for path in args.results:
            if not path.is_file():
                raise InputError(path, "not found (or a folder); give wijkkracht .gpkg results")
            try:
                frames.append(gpd.read_file(path, layer="streets"))
            except Exception as exc:  # noqa: BLE001 - any GDAL error: not a result
                raise InputError(path, "not a wijkkracht result (no readable 'streets' "
                                       "layer)") from exc
        streets = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True),
                                   geometry=frames[0].geometry.name, crs=frames[0].crs)
        _, typ = classify_street_layer(streets, k=args.k, k_range=args.k_range,
                                       contiguous=args.contiguous,
                                       random_state=args.random_state,
                                       typology_segments=args.typology_segments)
        typ.model.fitted_on["results"] = [str(p) for p in args.results]
        path = write_typology_model(typ.model, args.out)
    except WijkkrachtError as exc:
        print(f"wijkkracht: error: {exc}", file=sys.stderr)
        return 1
    lang = "nl"
    for _, row in typ.profile.iterrows():
        print(f"{row['segments']:>7} {row[f'type_name_{lang}']}")
    print(f"model: {path}", file=sys.stderr)
    return 0


def _check_combinations(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The analysis options given together checked by their declarations
    (:func:`wijkkracht.core.options.check_options`: k with k_range, a model with either, the
    bandwidth below the cell size), before any work: a usage error (exit code 2)."""
    from .core.errors import InputError
    from .core.options import OPTIONS, check_options

    values = {name: getattr(args, name) for name in OPTIONS if hasattr(args, name)
              and getattr(args, name) is not None}
    try:
        check_options(values)
    except InputError as exc:
        opt = OPTIONS.get(str(exc.source))
        sub = parser._subparsers._group_actions[0].choices[args.command]  # noqa: SLF001
        if args.command == "typology":
            sub = sub._subparsers._group_actions[0].choices[args.typology_command]  # noqa: SLF001
        sub.error(f"argument {opt.flag if opt is not None else exc.source}: {exc.problem}")


def _analysis_options(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of the analysis: every declared option given (a value not given
    is left to the analysis, whose default is the declaration's), the typology model read,
    the Huff parameters, the categories and the added shops."""
    from .core.huff import HuffParameters
    from .core.options import OPTIONS

    out: dict[str, Any] = {name: getattr(args, name) for name in OPTIONS
                           if getattr(args, name, None) is not None
                           and not name.startswith("huff_")}
    if out.get("typology_model") is not None:
        from .data_sources.typology_model import read_typology_model

        out["typology_model"] = read_typology_model(out["typology_model"])
    # checked by their declarations already (the argparse types)
    out["huff"] = HuffParameters(decay=args.huff_decay, beta=args.huff_beta,
                                 lam=args.huff_lambda, cutoff=args.huff_cutoff)
    if args.categories is not None:
        from .data_sources.tables import read_category_table

        out["categories"] = read_category_table(args.categories)
    out["added_shops"] = tuple(args.add_shop)
    return out


def _added_shop(text: str) -> Any:
    from .core.spending import AddedShop

    parts = [t.strip() for t in text.split(",")]
    try:
        if not 2 <= len(parts) <= 4:
            raise ValueError
        x, y = float(parts[0]), float(parts[1])
        kind = parts[2] if len(parts) > 2 and parts[2] else "supermarket"
        m2 = float(parts[3]) if len(parts) > 3 else None
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected X,Y[,KIND[,M2]] in RD New metres, e.g. "
                                         f"135000,454000,bakery,120; got {text!r}") from None
    if not (0 < x < 300000 and 289000 < y < 629000):
        raise argparse.ArgumentTypeError(f"{x:g},{y:g} is not in the Netherlands in RD New "
                                         "(EPSG:28992) metres")
    if m2 is not None and not m2 > 0:
        raise argparse.ArgumentTypeError(f"the floor area must be positive, got {m2:g}")
    return AddedShop(x, y, kind, m2)


def _run_demo(args: argparse.Namespace, progress: _Progress) -> Any:
    from .demo import analyse_demo

    if not args.osm_only:
        progress.total += 1  # the BAG/KvK step
        progress.total += int(args.spending is not False)
    if args.osm_only and (args.spending or args.add_shop):
        raise SystemExit("wijkkracht: error: --spending and --add-shop need the BAG (its "
                         "dwellings are the demand): leave out --osm-only")
    progress.total += int(args.hours is not False and not args.osm_only)
    return analyse_demo(progress=progress, synthetic_bag=not args.osm_only,
                        synthetic_hours=not args.osm_only,
                        **_analysis_options(args))


def _run_user(args: argparse.Namespace, progress: _Progress) -> Any:
    from .core.errors import InputError
    from .core.pipeline import analyse

    live = [x for x in (args.place, args.bbox) if x]
    if live and args.streets:
        raise InputError(None, "give either --streets/--pois files or --place/--bbox, not both")
    if len(live) > 1:
        raise InputError(None, "give --place or --bbox, not both")
    if live and (args.bag or args.establishments or args.areas):
        raise InputError(None, "--bag, --establishments and --areas work with --streets files "
                               "for now, not with --place/--bbox")
    options = _analysis_options(args)  # a bad typology model fails before the slow reads
    if live:
        from .data_sources.osm_live import fetch_osm

        bbox = None
        if args.bbox:
            try:
                bbox = tuple(float(v) for v in args.bbox.split(","))
            except ValueError:
                bbox = ()
            if len(bbox) != 4:
                raise InputError(None, f"--bbox must be W,S,E,N in degrees, got {args.bbox!r}")
        progress.say(_say("OpenStreetMap ophalen ...", "Fetching OpenStreetMap ...", args.lang))
        fetched = fetch_osm(place=args.place, bbox=bbox, buffer_m=args.buffer,
                            cache_dir=args.cache_dir, overpass_url=args.overpass_url,
                            nominatim_url=args.nominatim_url,
                            timeout=180.0 if args.timeout is None else args.timeout)
        sources = [{
            "name": f"OpenStreetMap via Overpass ({args.place or args.bbox})",
            "licence": "ODbL 1.0",
            "attribution": "Data © OpenStreetMap contributors, ODbL 1.0",
            "date": time.strftime("%Y-%m-%d"),
        }]
        return analyse(fetched.streets, fetched.pois, fetched.area, sources=sources,
                       progress=progress, **options)
    if not args.streets:
        raise InputError(None, "no input: give --streets (and --pois, --area), or --place, or --bbox")
    from .data_sources.files import read_area, read_pois, read_streets

    _check_extra_options(args)
    # the establishments first: a wrong export or mapping fails before the slow reads
    est_read = _read_establishments(args) if args.establishments else None
    streets = read_streets(args.streets, layer=args.streets_layer)
    pois_path = args.pois or args.streets
    pois = read_pois(pois_path, layer=args.pois_layer)
    area = read_area(args.area, layer=args.area_layer) if args.area else None
    areas = None
    if args.areas:
        from .data_sources.areas import read_areas

        areas = read_areas(args.areas, layer=args.areas_layer, codes=args.area_code,
                           names=args.area_name, field=args.area_field)
        if area is None:
            area = _union_area(areas)
    sources = [{
        "name": f"street network: {args.streets.name}", "path": str(args.streets),
        "attribution": "© OpenStreetMap contributors, ODbL 1.0 (if from OpenStreetMap)",
    }, {
        "name": f"POIs: {Path(pois_path).name}", "path": str(pois_path),
        "attribution": "© OpenStreetMap contributors, ODbL 1.0 (if from OpenStreetMap)",
    }]
    if area is None:
        log.warning("no --area given: the whole network is the study area; values near its "
                    "edge miss what lies beyond it")
    extra: dict[str, Any] = {}
    problems = None
    if args.bag:
        progress.total += 1
        extra, problems, more_sources = _read_bag_inputs(args, streets, est_read)
        sources.extend(more_sources)
    if areas is not None:
        extra["areas"] = areas
    if args.spending and not args.bag:
        raise InputError("--spending", "the spending flows need the BAG: its dwellings are the "
                         "demand (give --bag)")
    progress.total += int(bool(args.spending))
    progress.total += int(args.hours is not False and "opening_hours" in pois
                          and bool(pois["opening_hours"].notna().any()))
    result = analyse(streets, pois, area, sources=sources, progress=progress,
                     **options, **extra)
    if args.bag:
        meta = result.metadata.setdefault("bag", {})
        info = extra["bag"].attrs.get("bag", {})
        meta.setdefault("snapshot_date", info.get("snapshot_date"))
        meta.setdefault("bag_source", info)
    if problems is not None:
        meta = result.metadata.setdefault("bag", {})
        meta["establishment_problems"] = problems
        meta["establishments"] = getattr(args, "establishment_counts", {})
    return result


def _union_area(areas: Any) -> Any:
    """The union of the selected areas as a one-row study area named after them."""
    import geopandas as gpd

    names = ", ".join(str(n) for n in areas["area_name"].fillna(areas["area_code"]))
    return gpd.GeoDataFrame({"name": [names]}, geometry=[areas.geometry.union_all()],
                            crs=areas.crs)


def _check_extra_options(args: argparse.Namespace) -> None:
    from .core.errors import InputError

    if args.establishments and not args.bag:
        raise InputError(None, "--establishments needs --bag (they are placed on BAG addresses)")
    if args.establishments_mapping and not args.establishments:
        raise InputError(None, "--establishments-mapping needs --establishments")
    if (args.area_code or args.area_name) and not args.areas:
        raise InputError(None, "--area-code/--area-name need --areas")
    if args.area_code and args.area_name:
        raise InputError(None, "give --area-code or --area-name, not both")
    if getattr(args, "area_field", None) and not args.areas:
        raise InputError(None, "--area-field needs --areas (it names a column of that file)")
    live_only = [flag for flag, key in (("--overpass-url", "overpass_url"),
                                        ("--nominatim-url", "nominatim_url"),
                                        ("--timeout", "timeout"), ("--cache-dir", "cache_dir"))
                 if getattr(args, key, None) is not None]
    if live_only and not (args.place or args.bbox):
        raise InputError(None, f"{live_only[0]} is for fetching OpenStreetMap live: it needs "
                               "--place or --bbox (with --streets/--pois nothing is fetched)")


def _read_establishments(args: argparse.Namespace) -> Any:
    """Read --establishments with --establishments-mapping.

    Dates after today (not after --reference-date) are errors in the export: an
    establishment that starts after the reference date is valid, only not active then.
    """
    from .data_sources.establishments import read_establishments

    return read_establishments(args.establishments, mapping=args.establishments_mapping)


def _read_bag_inputs(args: argparse.Namespace, streets: Any, read: Any = None
                     ) -> tuple[dict[str, Any], str | None, list[dict[str, Any]]]:
    """Read --bag and place the establishments ``read`` (of :func:`_read_establishments`):
    analyse() options, the problems file, sources."""
    from .data_sources.bag import read_bag_gpkg, read_bag_lv

    bbox = tuple(float(v) for v in streets.total_bounds)
    path = args.bag
    if path.is_dir() or path.suffix.lower() in (".zip", ".xml"):
        bag = read_bag_lv(path, bbox=bbox)
    else:
        bag = read_bag_gpkg(path, bbox=bbox, layer=args.bag_layer)
    info = bag.attrs.get("bag", {})
    sources = [{"name": f"BAG verblijfsobjecten: {path.name}", "path": str(path),
                "licence": "CC0 1.0",
                "attribution": "BAG, Kadaster (CC0)"
                               + (" — SYNTHETIC" if info.get("synthetic") else "")}]
    if info.get("snapshot_date"):
        sources[0]["date"] = info["snapshot_date"]  # the stand of an LV BAG extract
    extra: dict[str, Any] = {"bag": bag}  # the privacy threshold and reference date: options
    problems = None
    if read is not None:
        from .data_sources.establishments import establishments_on_bag

        placed = establishments_on_bag(read, bag)
        problems_path = Path(args.out) / f"{args.name}_establishment_problems.csv"
        # written by main() together with the other outputs, only when the run succeeds
        args.establishment_problems = (problems_path, placed.rejected, placed.unmatched)
        problems = str(problems_path)
        if len(placed.problems):
            log.warning("%d establishment(s) rejected or not placed on a BAG address "
                        "(match rate %.1f %%); see %s", len(placed.problems),
                        100 * placed.match_rate, problems_path)
        extra["establishments"] = placed.matched
        args.establishment_counts = placed.counts
        sources.append({"name": f"establishments: {args.establishments.name}",
                        "path": str(args.establishments),
                        "attribution": "establishments register (not open data)"})
    return extra, problems, sources


def _extra_outputs(args: argparse.Namespace) -> dict[str, Any]:
    """Files published with the GeoPackage and the map: the establishment problems CSV."""
    problems = getattr(args, "establishment_problems", None)
    if problems is None:
        return {}
    from .data_sources.establishments import write_problems_file

    path, rejected, unmatched = problems
    return {"problems": (path.name, lambda tmp: write_problems_file(tmp, rejected=rejected,
                                                                    unmatched=unmatched))}


class _Stopped(KeyboardInterrupt):
    """A termination signal (SIGTERM from ``kill``, a batch scheduler or a container stop;
    SIGHUP from a closed terminal), raised where the program is, like Ctrl+C: every
    ``finally`` and clean-up runs, so no temporary file and no half-written output stays."""


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[list[int]]:
    """Turn SIGTERM and SIGHUP into :class:`_Stopped` while the command runs (the previous
    handlers restored afterwards); yields a list that receives the signal's number."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught  # signals reach only the main thread
        return

    def stop(signum: int, _frame: Any) -> None:
        caught.append(signum)
        raise _Stopped(signal.Signals(signum).name)

    wanted = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {s: signal.signal(s, stop) for s in wanted}
    try:
        yield caught
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wijkkracht`` command; returns the exit code (``128 + n`` when
    stopped by signal ``n``, e.g. 143 for SIGTERM, 130 for Ctrl+C)."""
    with _stop_on_signals() as caught:
        try:
            code = _main(argv)
        except KeyboardInterrupt:  # between the commands' own handlers
            print("wijkkracht: interrupted; no output written", file=sys.stderr)
            code = 130
    return 128 + caught[0] if caught else code


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("demo", "run", "typology"):
        _check_combinations(parser, args)
    if args.command in ("demo", "run"):
        from .core.errors import WijkkrachtError

        try:
            _check_inputs(parser, args)
        except WijkkrachtError as exc:
            print(f"wijkkracht: error: {exc}", file=sys.stderr)
            return 1
    if args.command == "typology":
        return _typology_fit(args)
    level = logging.WARNING
    if args.quiet:
        level = logging.ERROR
    elif args.verbose >= 2:
        level = logging.DEBUG
    elif args.verbose == 1:
        level = logging.INFO
    logging.basicConfig(level=level, format="wijkkracht: %(levelname)s: %(message)s")
    if args.command in ("demo", "run"):
        from .core.messages import LocalisingFormatter

        for handler in logging.getLogger().handlers:  # warnings in the run's language
            handler.setFormatter(LocalisingFormatter(args.lang))
        from .output.atomic import remove_leftovers

        left = remove_leftovers(args.out)  # what a killed run (SIGKILL, power cut) left
        if left:
            log.info("removed %d file(s) an interrupted run left in %s", len(left), args.out)
    if args.command == "report":
        from .output.report_cli import run_report

        return run_report(args)
    if args.command == "batch":
        from .batch import run_batch_cli

        return run_batch_cli(args)
    progress = _Progress(quiet=args.quiet, lang=args.lang)
    progress.total += int(args.rasters)
    from .core.errors import WijkkrachtError

    try:
        result = _run_demo(args, progress) if args.command == "demo" else _run_user(args, progress)
        progress.finish()
        from .output.writer import write_outputs

        progress.say(_say("Kaart en GeoPackage schrijven ...", "Writing map and GeoPackage ...",
                          args.lang))
        from .output.report_cli import report_outputs

        paths = write_outputs(result, args.out, lang=args.lang, basename=args.name,
                              extra={**_extra_outputs(args), **report_outputs(args, result)},
                              offline=args.offline, web_assets=args.web_assets)
    except WijkkrachtError as exc:
        progress.finish()
        if args.verbose:
            log.exception("details")
        print(f"wijkkracht: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        progress.finish()
        print("wijkkracht: interrupted; no output written", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - last line of defence: one line, not a traceback
        progress.finish()
        if args.verbose:
            log.exception("internal error")
        print(f"wijkkracht: internal error: {type(exc).__name__}: {exc} (run with -v for "
              "details and please report it)", file=sys.stderr)
        return 3
    for warning in result.metadata.get("warnings", []):
        log.warning(warning)
    if not args.quiet:
        total = time.perf_counter() - progress.t0
        print(_summary_line(result, total, args.lang), file=sys.stderr)
        detour = result.metadata.get("detour")
        if isinstance(detour, dict):
            from .core.diagnostics import detour_summary_text

            # the check every run makes of its network, shown with the run's summary (a
            # warning above when it fails): a normal run shows it, -q does not
            from .core.messages import localise

            print(localise(detour_summary_text(detour), args.lang), file=sys.stderr)
        for kind, path in paths.items():
            print(f"  {kind}: {path}", file=sys.stderr)
    return 0


def _say(nl: str, en: str, lang: str) -> str:
    return nl if lang == "nl" else en


def _summary_line(result: Any, seconds: float, lang: str = "nl") -> str:
    """``705 straatsegmenten (2227 in het loopnetwerk), 82 straten op naam, 5 kansentypen,
    4.1 s``; in English ``705 street segments (2227 in the walking network), 82 named
    streets, 5 opportunity types, 4.1 s``."""
    st = result.streets
    streets = int(st["is_street"].sum()) if "is_street" in st else len(st)
    named = result.named_streets
    parts = [_say(f"{streets} straatsegmenten", f"{streets} street segments", lang)
             + (_say(f" ({len(st)} in het loopnetwerk)", f" ({len(st)} in the walking network)",
                     lang) if streets != len(st) else "")]
    if named is not None:
        parts.append(_say(f"{len(named)} straten op naam", f"{len(named)} named streets", lang))
    n = st["type_id"].nunique()
    parts.append(_say(f"{n} kansentypen", f"{n} opportunity types", lang))
    return ", ".join(parts) + f", {seconds:.1f} s"


#: The options that name input files (or folders) of ``run`` and ``demo``.
_INPUT_FILES = ("streets", "pois", "area", "bag", "establishments", "establishments_mapping",
                "areas", "categories", "typology_model")


def _check_outputs(sub: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The output name and folder (a usage error, exit code 2): a plain file name, a folder,
    and no output that would replace one of the inputs."""
    from .output.names import name_problem, would_replace

    problem = name_problem(args.name)
    if problem:
        sub.error(f"argument --name: must be a plain file name (e.g. wijkkracht), not "
                  f"{args.name!r}: it {problem}")
    if args.out.exists() and not args.out.is_dir():
        sub.error(f"argument --out/-o: {args.out} is a file, not a folder")
    inputs = [getattr(args, key) for key in _INPUT_FILES if getattr(args, key, None)]
    clash = would_replace(inputs, args.out, args.name)
    if clash is not None:
        sub.error(f"argument --out/--name: the output would replace the input {clash}; "
                  "choose another --out folder or --name")


def _check_inputs(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """What ``run`` and ``demo`` are given, checked before any computing, in one line: the
    output name and folder, the numbers and the options that need another (a usage error,
    exit code 2), the inputs that cannot go together and every input file there
    (:class:`InputError`, exit code 1)."""
    sub = parser._subparsers._group_actions[0].choices[args.command]  # noqa: SLF001
    _check_outputs(sub, args)
    from .core.errors import InputError  # an input problem: exit code 1

    files = ["categories", "typology_model"]
    if args.command == "run":
        live = [x for x in (args.place, args.bbox) if x]
        if live and args.streets:
            raise InputError(None, "give either --streets/--pois files or --place/--bbox, not "
                                   "both")
        if len(live) > 1:
            raise InputError(None, "give --place or --bbox, not both")
        if live and (args.bag or args.establishments or args.areas):
            raise InputError(None, "--bag, --establishments and --areas work with --streets "
                                   "files for now, not with --place/--bbox")
        _check_extra_options(args)
        files += ["streets", "pois", "area", "bag", "establishments", "establishments_mapping",
                  "areas", "cache_dir"]
    # every input file checked as its reader will (the same words with every GDAL version):
    # there, not a folder, not empty, readable, contents that fit the extension
    from .data_sources.file_checks import check_file, check_lv_bag_folder

    what = {"streets": "streets file", "pois": "POI file", "area": "study-area file",
            "areas": "file of areas (e.g. the CBS wijk- en buurtkaart)",
            "categories": "category table CSV file",
            "establishments": "establishments export (CSV or GeoPackage)",
            "establishments_mapping": "column mapping file (TOML or JSON)",
            "typology_model": "typology model file (JSON, or a wijkkracht .gpkg result)",
            "bag": "BAG GeoPackage or a folder of LV BAG extracts"}
    for key in files:
        path = getattr(args, key, None)
        if path is None or key == "cache_dir":
            continue
        path, option = Path(path), f"--{key.replace('_', '-')}"
        suffix = path.suffix.lower()
        if key == "bag" and path.is_dir():
            check_lv_bag_folder(path, option)
            continue
        kind = "vector"  # read with GDAL
        if key in ("categories", "establishments_mapping") or key in (
                "establishments", "typology_model") and suffix != ".gpkg":
            kind = "text"
        elif key == "bag" and suffix in (".xml", ".zip"):
            kind = "any"  # LV BAG XML or a zip of it: read_bag_lv says what it lacks
        check_file(path, what[key], option=option, kind=kind)
    if args.command == "demo":
        if args.osm_only and (args.spending or args.add_shop):
            sub.error("argument --spending/--add-shop: need the BAG (its dwellings are the "
                      "demand): leave out --osm-only")
        return
    if args.bbox:
        try:
            bbox = [float(v) for v in args.bbox.split(",")]
        except ValueError:
            bbox = []
        if len(bbox) != 4 or not (bbox[0] < bbox[2] and bbox[1] < bbox[3]) or \
                not all(-180 <= v <= 180 for v in bbox[::2]) or \
                not all(-90 <= v <= 90 for v in bbox[1::2]):
            sub.error(f"argument --bbox: expected W,S,E,N in degrees with W < E and S < N, e.g. "
                      f"5.08,52.06,5.12,52.08; got {args.bbox!r}")
    if not 0 <= args.buffer <= 10000:
        sub.error(f"argument --buffer: expected a number >= 0 and <= 10000 (m), got "
                  f"{args.buffer:g}")
    if (args.spending or args.add_shop) and not args.bag:
        sub.error("argument --spending/--add-shop: the spending flows need the BAG: its "
                  "dwellings are the demand (give --bag)")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
