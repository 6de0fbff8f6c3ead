"""The Dutch walking network: which OpenStreetMap ways a pedestrian can use.

One rule, used by every street reader: OSM extracts (:mod:`.osm_extract`), live Overpass
(:mod:`.osm_live`, as an OSMnx ``custom_filter`` plus the same rule on the answer), and
GraphML files and line layers (:func:`wijkkracht.data_sources.schema.normalize_streets`, on the
tag columns they have). It is written for how the Netherlands is mapped, where OSMnx's default
``network_type="walk"`` leaves holes: OSMnx drops every ``highway=cycleway``, but along Dutch
main roads pedestrians walk on *fietsvoetpaden* (``highway=cycleway`` + ``foot=designated`` or
``yes``) and on cycle paths with a ``sidewalk``, while the road itself carries
``foot=use_sidepath``. Leaving those paths out made a supermarket 183 m away a 2 km walk on a
real Utrecht extract.

The rule (:func:`walkable`)
---------------------------
A way is in the walking network when it has a ``highway`` tag and none of these holds:

1. ``highway`` is not a way people walk on: a motorway (``motorway``, ``motorway_link``), a
   bus-only road (``busway``, ``bus_guideway``), a bridle path (``bridleway``: in the
   Netherlands a *ruiterpad* is for riders only), a ``raceway``, a road that is not (yet or
   any more) there (``construction``, ``proposed``, ``planned``, ``abandoned``, ``disused``,
   ``razed``), or an object that is not a way (``platform``, ``rest_area``, ``services``,
   ``escape``, ``no``). The first three (busway, bus_guideway, bridleway) are walkable
   after all with an explicit foot permission (``foot=yes/designated/permissive``).
2. ``motorroad=yes``: an *autoweg*, closed to pedestrians by law (RVV 1990).
3. ``foot=no`` or ``foot=private``.
4. General access is denied (``access`` = ``no``, ``private``, ``agricultural``, ``forestry``,
   ``military``, ``permit`` or ``delivery``; or ``service=private``) and ``foot`` does not
   grant it back (``yes``, ``designated``, ``permissive``, ``destination``).
5. ``area=yes`` on anything but a pedestrian area (``highway`` = ``pedestrian``, ``footway``
   or ``path``): a parking area or a square of another kind is not a way.

So kept are, among others: cycleways and fietsvoetpaden (unless ``foot=no``); sidewalks
mapped as their own ways (``footway=sidewalk``); crossings (``footway=crossing``,
``cycleway=crossing``); pedestrian streets; pedestrian areas (walked along their edge *and*
straight across, between the points where other ways meet them, see
:func:`pedestrian_area_links`); steps, tracks, service roads and corridors.

Roads with ``foot=use_sidepath`` or ``sidewalk=separate``
    stay in the network. Their side path runs alongside (that is what the tag says), so a
    walk along the road has the length of the walk along the path within a few metres, and
    the road is where the street's name, its addresses and its shops are. OSMnx leaves out
    ``sidewalk=separate`` roads, which is right only where the separate sidewalk is mapped and
    connected; keeping the road can never leave a hole. (OSM wiki: a router "should treat
    [foot=use_sidepath] as a negative access value ... to prevent pedestrian users from being
    routed along illegal paths" -- wijkkracht measures distances, not turn-by-turn routes, and
    a distance along the road equals one along its side path.)

Why cycleways are walkable in the Netherlands
    RVV 1990 article 4: a pedestrian uses the sidewalk or footpath; where there is none, the
    cycle path (*fietspad* or *fiets-/bromfietspad*); where that is missing too, the road.
    Dutch mappers tag ``foot=no`` where walking on a cycle path is not allowed, and
    ``foot=designated`` on a *fietsvoetpad* (traffic sign G13 + pedestrians).

References (OpenStreetMap wiki)
    * `OSM tags for routing/Access restrictions
      <https://wiki.openstreetmap.org/wiki/OSM_tags_for_routing/Access_restrictions#Netherlands>`_
      (the Dutch default access per highway type);
    * `NL:Cycleway <https://wiki.openstreetmap.org/wiki/NL:Cycleway>`_ (the three Dutch kinds
      of cycle path, and RVV article 4 for pedestrians);
    * `Tag:foot=use_sidepath <https://wiki.openstreetmap.org/wiki/Tag:foot%3Duse_sidepath>`_;
    * `Key:sidewalk <https://wiki.openstreetmap.org/wiki/Key:sidewalk>`_ and
      `Tag:footway=sidewalk <https://wiki.openstreetmap.org/wiki/Tag:footway%3Dsidewalk>`_;
    * `Tag:highway=pedestrian <https://wiki.openstreetmap.org/wiki/Tag:highway%3Dpedestrian>`_
      (pedestrian areas with ``area=yes``);
    * `Tag:highway=busway <https://wiki.openstreetmap.org/wiki/Tag:highway%3Dbusway>`_.

This module imports neither pyogrio nor OSMnx nor QGIS.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

__all__ = [
    "NOT_WALKABLE_HIGHWAYS",
    "WALKABLE_WITH_FOOT_PERMISSION",
    "ACCESS_DENIED",
    "FOOT_DENIED",
    "FOOT_GRANTED",
    "AREA_HIGHWAYS",
    "WAY_TAGS",
    "OVERPASS_FILTER",
    "WalkRuleResult",
    "walkable",
    "pedestrian_area_links",
    "looks_like_default_walk_network",
]

#: ``highway`` values that are not part of the walking network (rule 1).
NOT_WALKABLE_HIGHWAYS: frozenset[str] = frozenset({
    "motorway", "motorway_link", "busway", "bus_guideway", "bridleway", "raceway",
    "construction", "proposed", "planned", "abandoned", "disused", "razed", "platform",
    "rest_area", "services", "escape", "no",
})
#: Of :data:`NOT_WALKABLE_HIGHWAYS`, the ones an explicit foot permission makes walkable.
WALKABLE_WITH_FOOT_PERMISSION: frozenset[str] = frozenset({"busway", "bus_guideway", "bridleway"})
#: ``access`` values that close a way to pedestrians unless ``foot`` grants it (rule 4).
ACCESS_DENIED: frozenset[str] = frozenset({
    "no", "private", "agricultural", "forestry", "military", "permit", "delivery",
})
#: ``foot`` values that close a way to pedestrians (rule 3).
FOOT_DENIED: frozenset[str] = frozenset({"no", "private"})
#: ``foot`` values that open a way to pedestrians whatever ``access`` says.
FOOT_GRANTED: frozenset[str] = frozenset({"yes", "designated", "permissive", "destination"})
#: ``highway`` values whose ``area=yes`` ways are pedestrian areas (rule 5).
AREA_HIGHWAYS: frozenset[str] = frozenset({"pedestrian", "footway", "path"})

#: The way tags the rule and the street kinds read; readers keep them as columns.
WAY_TAGS: tuple[str, ...] = (
    "highway", "name", "foot", "access", "motorroad", "service", "area", "footway",
    "cycleway", "sidewalk", "sidewalk:both", "sidewalk:left", "sidewalk:right", "bicycle",
)


def _overpass_filter() -> str:
    """The rule as an Overpass way filter (a pre-filter: rules 1-3 and the plain part of 4).

    Overpass cannot express "denied unless foot grants it" in one AND-filter, so rule 4's
    exception and rule 5 are applied to the answer by :func:`walkable` (which is exact)."""
    excluded = "|".join(sorted(NOT_WALKABLE_HIGHWAYS - WALKABLE_WITH_FOOT_PERMISSION))
    return (f'["highway"]["highway"!~"^({excluded})$"]["motorroad"!~"^yes$"]'
            f'["foot"!~"^({"|".join(sorted(FOOT_DENIED))})$"]')


#: OSMnx ``custom_filter`` for the Dutch walking network (``osmnx.graph_from_polygon(...,
#: custom_filter=OVERPASS_FILTER)``). A superset: apply :func:`walkable` to the edges after.
OVERPASS_FILTER: str = _overpass_filter()


@dataclass(frozen=True)
class WalkRuleResult:
    """What :func:`walkable` decided: ``keep`` (bool per row) and ``reason`` (``""`` where
    kept, else the rule that left the row out, e.g. ``"highway=busway"``, ``"foot=no"``)."""

    keep: np.ndarray
    reason: np.ndarray

    def left_out(self) -> dict[str, int]:
        """Number of rows left out per reason, most frequent first."""
        counts = pd.Series(self.reason[~self.keep], dtype=object).value_counts()
        return {str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}


def _values(frame: pd.DataFrame | Mapping[str, object], key: str, n: int) -> np.ndarray:
    """The column ``key`` as lower-case stripped strings (``""`` for missing); OSMnx lists
    (``['footway', 'steps']`` or their string form) and ``a;b`` values keep their first
    value. Vectorised over the distinct values: national extracts have millions of ways but
    a few hundred distinct values per key."""
    if key not in frame:
        return np.full(n, "", dtype=object)
    column = pd.Series(frame[key]) if not isinstance(frame[key], pd.Series) else frame[key]
    try:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
    except TypeError:  # OSMnx list values are not hashable: their first value counts
        column = column.map(lambda v: _first(v) if isinstance(v, (list, tuple, np.ndarray))
                            else v)
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
    firsts = np.array([_first(u) for u in uniques] + [""], dtype=object)
    return firsts[np.where(codes < 0, len(uniques), codes)]


def _first(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    if isinstance(value, (list, tuple, np.ndarray)):
        return _first(value[0]) if len(value) else ""
    text = str(value).strip()
    if text.startswith("[") and text.endswith("]"):
        inner = re.findall(r"'([^']*)'|\"([^\"]*)\"", text)
        if inner:
            return (inner[0][0] or inner[0][1]).strip().lower()
    if text.lower() in ("nan", "none"):
        return ""
    return text.split(";")[0].strip().lower()


def walkable(frame: pd.DataFrame) -> WalkRuleResult:
    """Apply the Dutch walking-network rule (see the module docstring) to tagged ways.

    Parameters
    ----------
    frame
        One row per way (or edge), with a column per OSM key; any of :data:`WAY_TAGS` may be
        missing (a missing key counts as untagged). Values may be OSMnx lists: the first
        value is used. A row without a ``highway`` value is kept: it comes from a line layer
        that was not made from OSM tags (the OSM readers read only ways with ``highway``).

    Returns
    -------
    WalkRuleResult

    Examples
    --------
    >>> ways = pd.DataFrame({
    ...     "highway": ["cycleway", "cycleway", "busway", "primary", "service", "footway"],
    ...     "foot": ["designated", "no", None, "use_sidepath", None, None],
    ...     "access": [None, None, None, None, "private", "private"],
    ... })
    >>> rule = walkable(ways)
    >>> rule.keep.tolist()
    [True, False, False, True, False, False]
    >>> rule.left_out()
    {'access=private': 2, 'foot=no': 1, 'highway=busway': 1}
    """
    n = len(frame)
    highway = _values(frame, "highway", n)
    foot = _values(frame, "foot", n)
    access = _values(frame, "access", n)
    service = _values(frame, "service", n)
    motorroad = _values(frame, "motorroad", n)
    area = _values(frame, "area", n)
    reason = np.full(n, "", dtype=object)
    granted = np.isin(foot, list(FOOT_GRANTED))

    def leave_out(mask: np.ndarray, text: np.ndarray | str) -> None:
        todo = mask & (reason == "")
        if isinstance(text, str):
            reason[todo] = text
        else:
            reason[todo] = text[todo]

    not_way = np.isin(highway, list(NOT_WALKABLE_HIGHWAYS))
    not_way &= ~(np.isin(highway, list(WALKABLE_WITH_FOOT_PERMISSION)) & granted)
    leave_out(not_way, np.array(["highway=" + h for h in highway], dtype=object))
    leave_out(motorroad == "yes", "motorroad=yes")
    leave_out(np.isin(foot, list(FOOT_DENIED)), np.array(["foot=" + f for f in foot], dtype=object))
    denied = np.isin(access, list(ACCESS_DENIED)) & ~granted
    leave_out(denied, np.array(["access=" + a for a in access], dtype=object))
    leave_out((service == "private") & ~granted, "service=private")
    leave_out((area == "yes") & ~np.isin(highway, list(AREA_HIGHWAYS)),
              "area=yes (not a pedestrian area)")
    return WalkRuleResult(keep=reason == "", reason=reason)


def pedestrian_area_links(lines: pd.DataFrame, *, tolerance: float = 0.01
                          ) -> list[tuple[str, shapely.LineString]]:
    """Straight links across pedestrian areas, between the points where other ways meet them.

    A pedestrian area (``highway=pedestrian`` + ``area=yes``, e.g. a square) is walked across,
    not only around. Its outline is in the network as lines (rows with ``area == "yes"``,
    grouped by ``osm_id``); this adds, for every pair of *entries* (outline vertices where a
    line that is not part of the outline starts or ends, or that another line passes), the
    straight line between them where it lies inside the area (a 0.5 m margin for its edge).
    The links end on existing vertices, so the network builder connects them.

    Parameters
    ----------
    lines
        Street lines in a metric CRS (EPSG:28992) with ``geometry``, ``osm_id`` and ``area``.
    tolerance
        Distance (m) within which an entry counts as on the outline.

    Returns
    -------
    list of (str, shapely.LineString)
        The ``osm_id`` of the area and each link (empty when there is no pedestrian area).
    """
    if "area" not in lines or not len(lines):
        return []
    is_area = _values(lines, "area", len(lines)) == "yes"
    if not is_area.any():
        return []
    geoms = np.asarray(lines.geometry.values)
    others = geoms[~is_area]
    other_points = shapely.points(np.vstack([
        shapely.get_coordinates(shapely.get_point(others, 0)),
        shapely.get_coordinates(shapely.get_point(others, -1)),
    ])) if len(others) else np.array([])
    other_vertices = shapely.points(shapely.get_coordinates(others)) if len(others) else \
        np.array([])
    ids = pd.Series(lines["osm_id"].astype(str).to_numpy()[is_area])
    links: list[tuple[str, shapely.LineString]] = []
    area_geoms = geoms[is_area]
    for area_id, positions in ids.groupby(ids, sort=True).groups.items():
        outline = shapely.line_merge(shapely.union_all(area_geoms[np.asarray(positions)]))
        polygons = shapely.get_parts(shapely.polygonize(shapely.get_parts(outline)))
        if not len(polygons):
            continue
        polygon = shapely.union_all(polygons)
        ring_coords = shapely.get_coordinates(outline)
        ring_pts = shapely.points(ring_coords)
        # entries: outline vertices where another line starts/ends, or that it passes
        hit = np.zeros(len(ring_pts), dtype=bool)
        for candidates in (other_points, other_vertices):
            if not len(candidates):
                continue
            tree = shapely.STRtree(candidates)
            near, _ = tree.query(ring_pts, predicate="dwithin", distance=tolerance)
            hit[np.unique(near)] = True
        entries = np.unique(np.round(ring_coords[hit], 2), axis=0)
        if len(entries) < 2:
            continue
        inside = shapely.buffer(polygon, 0.5)
        edge = shapely.buffer(outline, 0.05)  # a link along the outline would repeat it
        shapely.prepare(inside)
        shapely.prepare(edge)
        for i in range(len(entries)):
            for j in range(i + 1, len(entries)):
                link = shapely.LineString([entries[i], entries[j]])
                if (link.length > tolerance and shapely.covers(inside, link)
                        and not shapely.covers(edge, link)):
                    links.append((str(area_id), link))
    return links


def looks_like_default_walk_network(streets: pd.DataFrame) -> str | None:
    """Why ``streets`` (with a ``highway`` column) looks like OSMnx's default walk network,
    which leaves out cycleways and fietsvoetpaden; ``None`` if it does not.

    The sign: footways are mapped (so it is a walking network made from OSM, not a road-centre
    line layer) but there is not a single ``highway=cycleway``, which no Dutch town of any size
    lacks.
    """
    if "highway" not in streets or len(streets) < 200:
        return None
    highway = _values(streets, "highway", len(streets))
    footways = int(np.isin(highway, ["footway", "path", "steps", "pedestrian"]).sum())
    if footways < 0.05 * len(highway) or (highway == "cycleway").any():
        return None
    return (f"the street network has {footways:,} footways but no cycleway at all: it looks like "
            "OSMnx's default walk network (network_type='walk'), which leaves out the cycle "
            "paths and fietsvoetpaden people walk on beside Dutch main roads, so walking "
            "distances near those roads come out too long. Make the network with wijkkracht "
            "(wijkkracht run --place/--bbox, or an .osm.pbf extract) or with "
            "osmnx.graph_from_polygon(..., custom_filter="
            "wijkkracht.data_sources.walk_network.OVERPASS_FILTER)")
