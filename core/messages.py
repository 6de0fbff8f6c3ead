"""The library's warnings and log lines in Dutch: the command line speaks one language.

The analysis words its warnings in English (they are kept so in the run's metadata);
:func:`localise` gives the Dutch of the ones a run commonly emits, matched by pattern, and
leaves any other line as it is. :class:`LocalisingFormatter` does so for every log record
(``wijkkracht: waarschuwing: ...`` with ``--lang nl``).
"""

from __future__ import annotations

import logging
import re

__all__ = ["localise", "LocalisingFormatter", "DUTCH"]


#: ``(English pattern, Dutch template)``: the template's ``{name}`` are the pattern's groups.
DUTCH: tuple[tuple[str, str], ...] = (
    (r"(?P<n>\d+) street segment\(s\) not connected to the main network were left out",
     "{n} straatsegment(en) niet verbonden met het hoofdnetwerk zijn weggelaten"),
    (r"(?P<n>[\d,]+) POI\(s\) lie more than (?P<d>[\d.]+) m from every street and were left "
     r"out of the network measures",
     "{n} POI('s) liggen meer dan {d} m van elke straat en tellen niet mee in de netwerkmaten"),
    (r"no study area given: the whole network is the study area, so values near its edge miss "
     r"what lies beyond it",
     "geen studiegebied gegeven: het hele netwerk is het studiegebied, dus waarden bij de rand "
     "missen wat erachter ligt"),
    (r"no --area given: the whole network is the study area; values near its edge miss what "
     r"lies beyond it",
     "geen --area gegeven: het hele netwerk is het studiegebied; waarden bij de rand missen "
     "wat erachter ligt"),
    (r"no (?P<en>.+?) \((?P<nl>.+?)\) in the POI layer near the network: dist_(?P<cat>\w+)_m is "
     r"empty \(the data lack it, it is not far away\) and everyday_800 cannot count it"
     r"(?P<rest>.*)",
     "geen {nl} in de POI-laag bij het netwerk: dist_{cat}_m is leeg (de gegevens missen "
     "het, het is niet ver weg) en everyday_800 kan het niet meetellen{rest}"),
    (r"; (?P<n>\d+) school\(s\) of unknown level are counted as 'school \(level unknown\)' "
     r"\(add isced:level, school=primary or the school's name in OSM\)",
     "; {n} school/scholen van onbekend niveau tellen als 'school (niveau onbekend)' (voeg "
     "isced:level, school=primary of de naam van de school toe in OSM)"),
    (r"; the (?P<n>\d+) drugstore\(s\) \(shop=chemist\) are counted apart",
     "; de {n} drogisterij(en) (shop=chemist) tellen apart"),
    (r"the streets and shops reach a median of (?P<r>[\d,.]+) m beyond the zones, less than the "
     r"(?P<c>[\d,.]+) m cut-off: spending that leaks to shops further away is not seen, so the "
     r"shares kept are upper bounds",
     "de straten en winkels reiken een mediaan van {r} m buiten de zones, minder dan de "
     "grens van {c} m: bestedingen die weglekken naar verdere winkels worden niet gezien, dus "
     "de vastgehouden aandelen zijn bovengrenzen"),
    (r"walking detour to the nearest amenity \(walk / straight line, (?P<n>[\d,]+) "
     r"segment-amenity pairs\): p50 (?P<a>[\d.]+), p90 (?P<b>[\d.]+), p99 (?P<c>[\d.]+); "
     r"(?P<s>[\d.]+)% above 3",
     "omweg naar de dichtstbijzijnde voorziening (lopen / hemelsbreed, {n} paren van segment "
     "en voorziening): p50 {a}, p90 {b}, p99 {c}; {s}% boven 3"),
    (r"walking detour to the nearest amenity: nothing to judge \(no amenity more than "
     r"(?P<d>[\d.]+) m from a segment\)",
     "omweg naar de dichtstbijzijnde voorziening: niets te beoordelen (geen voorziening verder "
     "dan {d} m van een segment)"),
    (r"(?P<n>\d+) establishment\(s\) rejected or not placed on a BAG address \(match rate "
     r"(?P<r>[\d.]+) %\); see (?P<p>.+)",
     "{n} vestiging(en) afgewezen of niet op een BAG-adres geplaatst (koppelgraad {r} %); "
     "zie {p}"),
    (r"(?P<n>\d+) of (?P<m>\d+) feature\(s\) \((?P<s>\d+) %\) have coordinates that are not "
     r"numbers \(NaN or infinite\) and are left out; check the export",
     "{n} van {m} object(en) ({s} %) hebben coördinaten die geen getal zijn (NaN of oneindig) "
     "en zijn weggelaten; controleer de export"),
    (r"(?P<n>\d+) street feature\(s\) with a null or empty geometry were left out",
     "{n} straatobject(en) zonder geometrie zijn weggelaten"),
    (r"the streets cover (?P<s>[\d.]+) % of the study area \(places within (?P<d>\d+) m of "
     r"a street\): the rest \(water, a park, or a network cut too small\?\) has no values",
     "de straten bedekken {s} % van het studiegebied (plekken binnen {d} m van een straat): "
     "de rest (water, een park, of een te klein uitgesneden netwerk?) heeft geen waarden"),
)

_MISSING_EN = re.compile(r"^no (?P<en>.+?) \((?P<nl>[^()]+?)\) in the POI layer")
_COMPILED = tuple((re.compile(p), t) for p, t in DUTCH)


def localise(text: str, lang: str) -> str:
    """``text`` (one of the library's English warnings or log lines) in ``lang``: its Dutch
    for ``"nl"`` where :data:`DUTCH` knows it (each known part translated), else as it is."""
    if lang != "nl":  # the Dutch name beside the English one of a missing amenity
        return _MISSING_EN.sub(r"no \g<en> in the POI layer", text)
    out = text
    for pattern, template in _COMPILED:
        out = pattern.sub(lambda m, t=template: t.format(**m.groupdict()), out)
    return out


class LocalisingFormatter(logging.Formatter):
    """``wijkkracht: <level>: <message>`` with the level and the message in ``lang``."""

    _LEVELS = {"nl": {"WARNING": "waarschuwing", "ERROR": "fout", "INFO": "info",
                      "DEBUG": "debug", "CRITICAL": "fout"},
               "en": {"WARNING": "warning", "ERROR": "error", "INFO": "info",
                      "DEBUG": "debug", "CRITICAL": "error"}}

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang if lang in self._LEVELS else "en"

    def format(self, record: logging.LogRecord) -> str:
        level = self._LEVELS[self.lang].get(record.levelname, record.levelname.lower())
        text = f"wijkkracht: {level}: {localise(record.getMessage(), self.lang)}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text
