"""Every analysis option, declared once: type, default, bounds, unit and help (nl/en).

The command line (``wijkkracht run``/``demo``), the batch configuration (``[analysis]``) and
the QGIS Processing algorithms are made from these declarations, and
:func:`wijkkracht.core.pipeline.analyse` checks its options with them, so a value is refused
in the same words wherever it is given, before any computing. To add or change an option:
its declaration here and the step of the analysis that uses it.

Each :class:`Option` names itself in every front end: ``flag`` (the command line), ``batch``
(the key in ``[analysis]``) and ``qgis`` (the Processing parameter id); ``None`` where a front
end does not offer it, with the reason in ``not_in``.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError
from .labels import Label

__all__ = ["Option", "OPTIONS", "GROUPS", "MAP_OPTIONS", "option", "check_options",
           "defaults", "parse_date", "parse_k_range", "suggest"]


@dataclass(frozen=True)
class Option:
    """One analysis option.

    Attributes
    ----------
    name
        Keyword of :func:`~wijkkracht.core.pipeline.analyse`.
    kind
        ``"float"``, ``"int"``, ``"bool"``, ``"choice"``, ``"choices"`` (a list of choices),
        ``"date"`` (``YYYY-MM-DD``), ``"k_range"`` (two whole numbers) or ``"path"``.
    default
        The value when the option is not given (``None``: not set, see ``help``).
    minimum, maximum
        Bounds of a number (inclusive unless ``exclusive_minimum``).
    unit
        Unit of a number (``"m"``, ``"m²"``, ``"€"``, ...), for help texts and the README.
    choices
        The allowed values of a choice.
    help
        What the option does, Dutch and English.
    group
        The concern: ``network``, ``typology``, ``bag``, ``hours``, ``spending``, ``rasters``.
    flag, batch, qgis
        The option's name on the command line, in a batch configuration and in QGIS.
    nullable
        ``None`` is a valid value (e.g. "not set: chosen from the data").
    not_in
        Front ends (``"cli"``, ``"batch"``, ``"qgis"``) that deliberately do not offer the
        option, with the reason (a test checks that every other front end offers it).
    """

    name: str
    kind: str
    default: Any
    help: Label
    group: str
    flag: str | None = None
    batch: str | None = None
    qgis: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    unit: str = ""
    choices: tuple[str, ...] = ()
    nullable: bool = False
    not_in: Mapping[str, str] = field(default_factory=dict)

    def bounds_text(self) -> str:
        """The allowed values in words (English), e.g. ``"a number > 0 (m)"``."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "choices":
            return "a list of " + ", ".join(self.choices)
        if self.kind == "date":
            return "a date YYYY-MM-DD (e.g. 2026-03-31)"
        if self.kind == "k_range":
            return f"MIN-MAX with {self.minimum:.0f} <= MIN <= MAX <= {self.maximum:.0f}"
        if self.kind not in ("int", "float"):
            return self.kind
        what = "a whole number" if self.kind == "int" else "a number"
        def num(x: float) -> str:
            return f"{x:.0f}" if self.kind == "int" else f"{x:g}"

        parts = []
        if self.minimum is not None:
            parts.append(f"{'>' if self.exclusive_minimum else '>='} {num(self.minimum)}")
        if self.maximum is not None:
            parts.append(f"<= {num(self.maximum)}")
        unit = f" ({self.unit})" if self.unit else ""
        return f"{what} {' and '.join(parts)}{unit}".strip()

    def check(self, value: Any) -> Any:
        """``value`` as the option's type, or :class:`InputError` naming the option.

        Strings are read as the command line and QGIS give them (``"150"``, ``"3-8"``,
        ``"2026-01-01"``, ``"hours,spending"``).
        """
        if value is None:
            if self.nullable or self.default is None:
                return None
            raise InputError(self.name, f"expected {self.bounds_text()}, got nothing")
        try:
            return self._check(value)
        except (TypeError, ValueError) as exc:
            raise InputError(self.name, f"expected {self.bounds_text()}, got {value!r}"
                             + (f" ({exc})" if str(exc) else "")) from None

    def _check(self, value: Any) -> Any:
        kind = self.kind
        if kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("true", "1", "yes", "ja"):
                return True
            if text in ("false", "0", "no", "nee"):
                return False
            raise ValueError("")
        if kind in ("int", "float"):
            if isinstance(value, bool):
                raise ValueError("")
            number = float(value) if kind == "float" else _whole(value)
            if not math.isfinite(number):
                raise ValueError("")
            low, high = self.minimum, self.maximum
            if low is not None and (number <= low if self.exclusive_minimum else number < low):
                raise ValueError("")
            if high is not None and number > high:
                raise ValueError("")
            return number
        if kind == "choice":
            if str(value) not in self.choices:
                raise ValueError("")
            return str(value)
        if kind == "choices":
            items = ([v.strip() for v in value.split(",") if v.strip()]
                     if isinstance(value, str) else [str(v) for v in value])
            unknown = [v for v in items if v not in self.choices]
            if unknown:
                raise ValueError(f"unknown {unknown[0]!r}")
            return tuple(dict.fromkeys(items))
        if kind == "date":
            return parse_date(value).isoformat()
        if kind == "k_range":
            return parse_k_range(value, int(self.minimum or 2), int(self.maximum or 12))
        if kind == "path":
            return value
        raise ValueError(f"unknown kind {kind}")


def _whole(value: Any) -> int:
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("")
        return int(value)
    return int(str(value).strip())


def parse_date(value: Any) -> _dt.date:
    """A date from ``YYYY-MM-DD`` (or a date): no other order is guessed (``01-02-2026``
    could be either month)."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = str(value).strip()
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError("")
    return _dt.date.fromisoformat(text)


def parse_k_range(value: Any, low: int = 2, high: int = 12) -> tuple[int, int]:
    """``(min, max)`` from ``"3-8"`` or a pair, with ``low <= min <= max <= high``."""
    if isinstance(value, str):
        parts = value.split("-", 1)
    else:
        parts = list(value)
    if len(parts) != 2:
        raise ValueError("")
    lo, hi = (_whole(p) for p in parts)
    if not low <= lo <= hi <= high:
        raise ValueError("")
    return lo, hi


def _o(name: str, kind: str, default: Any, group: str, nl: str, en: str, **kw: Any) -> Option:
    kw.setdefault("flag", "--" + name.replace("_", "-"))
    kw.setdefault("batch", name)
    kw.setdefault("qgis", name.upper())
    return Option(name=name, kind=kind, default=default, group=group, help=Label(nl, en),
                  **kw)


#: The concerns, in the order of the help texts, with their titles.
GROUPS: dict[str, Label] = {
    "network": Label("netwerk", "network"),
    "typology": Label("kansentypen", "opportunity types"),
    "bag": Label("BAG, vestigingen en privacy", "BAG, establishments and privacy"),
    "hours": Label("levendigheid per uur", "liveliness by hour"),
    "spending": Label("bestedingen (Huff-model)", "spending flows (Huff model)"),
    "rasters": Label("intensiteitskaarten", "intensity rasters"),
}

_ONLY_RUN = {"batch": "a batch writes no rasters: run them per area with the CLI or QGIS"}

#: Every analysis option (see the module docstring).
OPTIONS: dict[str, Option] = {o.name: o for o in (
    _o("snap_distance", "float", 150.0, "network",
       "POI's verder dan dit van elke straat tellen niet mee in de netwerkmaten",
       "POIs farther than this from every street are left out of network measures",
       minimum=0.0, exclusive_minimum=True, maximum=2000.0, unit="m"),
    _o("keep_all_components", "bool", False, "network",
       "houd delen van het netwerk die niet met het grootste deel verbonden zijn",
       "keep parts of the network not connected to its main part"),
    _o("k", "int", None, "typology",
       "k-means met dit aantal typen in plaats van de typen volgens de regels",
       "k-means with this many types instead of the types by the rules",
       flag="--types", qgis="K", minimum=2, maximum=12, nullable=True),
    _o("k_range", "k_range", None, "typology",
       "k-means met het aantal typen tussen MIN en MAX dat het stabielst is",
       "k-means with the number of types between MIN and MAX that is most stable",
       qgis="K_MIN", minimum=2, maximum=12, nullable=True),
    _o("contiguous", "bool", False, "typology",
       "typen die doorlopende stukken straat vormen (gladgestreken langs het netwerk)",
       "types that form stretches of street (smoothed along the network)", qgis="METHOD"),
    _o("random_state", "int", 0, "typology",
       "seed van k-means (de regels hebben er geen nodig)",
       "seed of k-means (the rules need none)", flag="--seed", batch="seed", qgis="SEED",
       minimum=0, maximum=2**31 - 1),
    _o("typology_segments", "choice", "fronting", "typology",
       "welke segmenten een kansentype krijgen", "which segments get an opportunity type",
       choices=("fronting", "streets", "all")),
    _o("typology_extra", "choices", (), "typology",
       "extra kenmerken van de typen: hours (openingstijden) en/of spending (bestedingen)",
       "extra features of the types: hours (opening hours) and/or spending",
       flag="--typology-with", batch="typology_with", choices=("hours", "spending")),
    _o("typology_model", "path", None, "typology",
       "geef de straten de typen van dit typologiemodel (.json of een wijkkracht-.gpkg)",
       "give the streets the types of this typology model (.json or a wijkkracht .gpkg)",
       nullable=True),
    _o("reference_date", "date", None, "bag",
       "datum waarop vestigingen actief moeten zijn (standaard: vandaag)",
       "date establishments must be active on (default: today)", nullable=True),
    _o("bag_snap_distance", "float", 150.0, "bag",
       "BAG-adressen verder dan dit van elke straat worden niet op een straat gezet",
       "BAG addresses farther than this from every street are not placed on a street",
       minimum=0.0, exclusive_minimum=True, maximum=1000.0, unit="m", qgis=None,
       not_in={"qgis": "not in the dialog yet: an algorithm places each of its parameters"}),
    _o("privacy_threshold", "int", 3, "bag",
       "aantallen vestigingen onder dit getal worden onderdrukt in elke uitvoer",
       "establishment counts below this are suppressed in every output",
       minimum=1, maximum=100),
    _o("hours", "bool", None, "hours",
       "levendigheid per uur uit OSM opening_hours (standaard: als de POI's ze hebben)",
       "liveliness by hour from OSM opening_hours (default: when the POIs have them)",
       flag="--no-hours", nullable=True),
    _o("hours_week", "date", None, "hours",
       "een dag van de referentieweek van de openingstijden (standaard: de week van de "
       "peildatum, anders deze week)",
       "a day of the reference week of the opening hours (default: the week of the "
       "reference date, else this week)", nullable=True),
    _o("hours_radius", "float", 400.0, "hours",
       "loopafstand waarbinnen voorzieningen meetellen voor het uurprofiel",
       "walking distance within which amenities count for the hour profile",
       minimum=0.0, exclusive_minimum=True, maximum=2000.0, unit="m"),
    _o("spending", "bool", False, "spending",
       "waar de bestedingen aan dagelijkse boodschappen van de woningen heen gaan (Huff)",
       "where the dwellings' daily-goods spending goes (Huff model)"),
    _o("huff_decay", "choice", "power", "spending",
       "afstandsverval: d^-beta of exp(-lambda d)", "distance decay: d^-beta or exp(-lambda d)",
       choices=("power", "exponential")),
    _o("huff_beta", "float", 2.0, "spending", "exponent van het machtsverval",
       "exponent of the power decay", minimum=0.0, exclusive_minimum=True, maximum=10.0),
    _o("huff_lambda", "float", 1.0, "spending", "snelheid van het exponentiële verval per km",
       "rate of the exponential decay per km", minimum=0.0, exclusive_minimum=True,
       maximum=20.0, unit="1/km"),
    _o("huff_cutoff", "float", 2000.0, "spending",
       "winkels verder dan dit lopen tellen niet mee", "shops farther than this walk are not "
       "considered", minimum=0.0, exclusive_minimum=True, maximum=10000.0, unit="m"),
    _o("spending_measure", "choice", "floor_area", "spending",
       "aantrekkelijkheid van een winkel: vloeroppervlak of aantal",
       "attractiveness of a shop: floor area or count", choices=("floor_area", "count")),
    _o("spending_per_dwelling", "float", None, "spending",
       "euro per woning per jaar aan dagelijkse boodschappen (uw aanname) voor bedragen",
       "euros per dwelling per year on daily goods (your assumption) for amounts",
       minimum=0.0, exclusive_minimum=True, maximum=100000.0, unit="€", nullable=True),
    _o("scenario_floor_area", "float", 250.0, "spending",
       "vloeroppervlak van de winkel in elk leeg winkelpand in de scenario's",
       "floor area of the shop put into each vacant shop front in the scenarios",
       minimum=0.0, exclusive_minimum=True, maximum=100000.0, unit="m²"),
    _o("rasters", "bool", False, "rasters",
       "schrijf ook intensiteitskaarten (GeoTIFF)", "also write intensity rasters (GeoTIFF)",
       batch=None, qgis=None, not_in={**_ONLY_RUN, "qgis": "the Intensity rasters algorithm"}),
    _o("cell_size", "float", 25.0, "rasters", "celgrootte van de kaarten op het RD-raster",
       "cell size of the rasters on the RD New grid", minimum=0.0, exclusive_minimum=True,
       maximum=1000.0, unit="m", batch=None, not_in=_ONLY_RUN),
    _o("bandwidth", "float", 200.0, "rasters", "kernelbandbreedte van de kaarten",
       "kernel bandwidth of the rasters", minimum=0.0, exclusive_minimum=True,
       maximum=5000.0, unit="m", batch=None, not_in=_ONLY_RUN),
)}


#: Options of the written map (not of the analysis: :func:`~wijkkracht.core.pipeline.analyse`
#: never sees them), declared like the analysis options; the command line reads them.
MAP_OPTIONS: dict[str, Option] = {o.name: o for o in (
    _o("web_assets", "choice", "inline", "map",
       "inline: de kaart is één bestand dat zonder internet werkt (Leaflet in de pagina); "
       "cdn: een kleiner bestand dat Leaflet van internet (jsDelivr) laadt",
       "inline: the map is one file that works without internet (Leaflet inside the page); "
       "cdn: a smaller file that loads Leaflet from the internet (jsDelivr)",
       choices=("inline", "cdn"), batch=None, qgis=None,
       not_in={"batch": "a batch writes no maps", "qgis": "QGIS writes self-contained maps"}),
)}


def option(name: str) -> Option:
    """The declaration of ``name`` (:class:`InputError` with the closest name if unknown)."""
    if name not in OPTIONS:
        raise InputError(name, "unknown option" + suggest(name, OPTIONS))
    return OPTIONS[name]


def suggest(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest known name, or ``""``."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def defaults() -> dict[str, Any]:
    """Every option's default."""
    return {name: o.default for name, o in OPTIONS.items()}


def check_options(values: Mapping[str, Any],
                  on_unknown: Callable[[str], None] | None = None) -> dict[str, Any]:
    """The values checked against their declarations, with the combinations that cannot go
    together refused (``k`` and ``k_range``; a model with either; ``bandwidth`` below
    ``cell_size``). Unknown names raise (or go to ``on_unknown``)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name not in OPTIONS:
            if on_unknown is None:
                raise InputError(name, "unknown option" + suggest(name, OPTIONS))
            on_unknown(name)
            continue
        out[name] = OPTIONS[name].check(value)
    if out.get("k") is not None and out.get("k_range") is not None:
        raise InputError("k_range", "give k or k_range, not both")
    if out.get("typology_model") is not None and (out.get("k") is not None
                                                   or out.get("k_range") is not None):
        raise InputError("typology_model", "the model gives the types; leave out k and "
                                           "k_range")
    cell = out.get("cell_size", OPTIONS["cell_size"].default)
    band = out.get("bandwidth", OPTIONS["bandwidth"].default)
    if band < cell:
        raise InputError("bandwidth", f"must be at least the cell size ({cell:g} m), got "
                                      f"{band:g} m")
    return out
