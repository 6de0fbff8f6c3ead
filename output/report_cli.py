"""``wijkkracht report``: the neighbourhood report from the GeoPackage of a run.

``wijkkracht report --from out/wijkkracht.gpkg`` reads the GeoPackage ``wijkkracht run`` or
``wijkkracht demo`` wrote (streets, areas, typology profile and the run's metadata) and writes
``<name>_report.html`` (the whole study area) and ``<name>_report_<area code>.html`` (one per
CBS area, when the run had ``--areas``) beside it; see :mod:`wijkkracht.output.report`.
``run --report`` and ``demo --report`` write the same pages together with the run's other
outputs (:func:`report_outputs`).

Kept apart from :mod:`wijkkracht.cli`, which only registers the subcommand and the flag.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_report_parser", "run_report", "report_outputs", "REPORT_HELP"]

log = logging.getLogger("wijkkracht")

#: Help of ``--report`` on ``run`` and ``demo``.
REPORT_HELP = ("also write the report: NAME_rapport.html in Dutch, NAME_report.html in English "
               "(and NAME_rapport_<area code>.html / NAME_report_<area code>.html per area with "
               "--areas), printable pages that explain the opportunity types; a run without "
               "--report removes an earlier run's report of NAME")


def add_report_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``report`` subcommand to the subparsers ``sub`` of the main parser."""
    p = sub.add_parser(
        "report",
        help="write the report (one HTML page per area) from the GeoPackage of a run",
        description=(
            "Write the neighbourhood report from the GeoPackage a run wrote: one printable "
            "HTML page for the whole study area (NAME_report.html) and, when the run had "
            "--areas, one per area (NAME_report_<area code>.html), with key figures, the "
            "opportunity types and their profile, the top streets per type, N/O balance, "
            "vacancy, a static and the interactive map, and the methods and sources. Print "
            "them to PDF from the browser."
        ),
    )
    p.add_argument("--from", dest="source", required=True, type=Path, metavar="GPKG",
                   help="the GeoPackage of a run (e.g. out/wijkkracht.gpkg)")
    p.add_argument("--out", "-o", type=Path, default=None, metavar="DIR",
                   help="output folder (default: the folder of the GeoPackage)")
    p.add_argument("--name", default=None, metavar="NAME",
                   help="base name of the report files and of the map they show "
                        "(default: the GeoPackage's name without .gpkg)")
    p.add_argument("--lang", choices=("nl", "en"), default="nl",
                   help="language of the report (default: nl)")
    p.add_argument("--area-code", metavar="CODE[,CODE]",
                   help="only the pages of these areas (codes or names) besides the whole "
                        "study area (default: every area)")
    p.add_argument("--map", choices=("link", "embed", "none"), default="link",
                   help="the interactive map: 'link' shows NAME.html beside the report (written "
                        "when missing), 'embed' puts it inside every page (one file, bigger), "
                        "'none' leaves it out; the static map is always there (default: link)")
    p.add_argument("--offline", action="store_true",
                   help="the map the report writes (when missing) or embeds carries its "
                        "JavaScript and CSS: it works with no internet")
    verbosity = p.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="count", default=0,
                           help="more output; tracebacks on errors")
    verbosity.add_argument("-q", "--quiet", action="store_true", help="only errors")
    return p


def run_report(args: argparse.Namespace) -> int:
    """Run ``wijkkracht report``; returns the exit code (0 ok, 1 input/output problem, 3
    internal error)."""
    from ..core.errors import WijkkrachtError
    from .report import result_from_gpkg, write_report

    source: Path = args.source
    out = args.out if args.out is not None else source.parent
    name = args.name or source.stem
    areas = [a.strip() for a in args.area_code.split(",") if a.strip()] \
        if args.area_code else None
    try:
        result = result_from_gpkg(source)
        try:
            paths = write_report(result, out, lang=args.lang, basename=name, map=args.map,
                                 areas=areas, offline=args.offline)
        except ValueError as exc:  # an unknown area or a bad name: the user's input
            from ..core.errors import InputError

            raise InputError(None, str(exc)) from exc
    except WijkkrachtError as exc:
        if args.verbose:
            log.exception("details")
        print(f"wijkkracht: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("wijkkracht: interrupted; no output written", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - last line of defence, as in cli.main
        if args.verbose:
            log.exception("internal error")
        print(f"wijkkracht: internal error: {type(exc).__name__}: {exc} (run with -v for "
              "details and please report it)", file=sys.stderr)
        return 3
    if not args.quiet:
        for kind, path in paths.items():
            print(f"  {kind}: {path}", file=sys.stderr)
    return 0


def report_outputs(args: argparse.Namespace, result: Any) -> dict[str, Any]:
    """The report pages as extra outputs of ``run``/``demo`` (``--report``), written with the
    GeoPackage and the map (``NAME.html``, which the pages show); empty without ``--report``."""
    if not getattr(args, "report", False):
        return {}
    from .writer import report_file_set  # named by language: NAME_rapport.html / _report.html

    return report_file_set(result, lang=args.lang, basename=args.name,
                           map_href=f"{args.name}.html")
