"""SYNTHETIC benchmark data: a square street grid with POIs, for scaling benchmarks only.

Nothing produced here is real: the streets are a regular grid of 60 m blocks laid out in RD
New (EPSG:28992) coordinates near Utrecht, and the POIs are placed at random along those
streets. Both layers say so: ``gdf.attrs["synthetic"] is True`` and a boolean column
``synthetic`` (all True), and their ``osm_id`` values start with ``synthetic:``.

What is taken from real data is only the *profile* of the bundled Kanaleneiland extract
(:func:`kanaleneiland_profile`):

* the density of relevant POIs (``function != ""`` or ``everyday != ""``) per network node,
  about 0.2; and
* the mix of classes: every synthetic POI copies the classification row (``tag``,
  ``function``, ``everyday``, ``no_class``, ``shopfront``, ``vacant``, ``building_use``) of
  a real relevant Kanaleneiland POI drawn at random (with replacement).

The streets follow the street schema (``osm_id``, ``street_name``, ``highway``,
``geometry``) and can go straight into :func:`wijkkracht.core.network.build_network`; the
POIs follow the POI schema plus the classification columns of
:func:`wijkkracht.core.categories.classify_pois`, and still need to be placed on the
network (:func:`wijkkracht.core.network.locate_points`) - the benchmarks time that step.

Everything is seeded: the same arguments give the same data.

Command line (writes nothing, prints a summary)::

    python benchmarks/synthetic.py --nodes 200000
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = [
    "BLOCK_M",
    "ORIGIN_RD",
    "CLASS_COLUMNS",
    "PoiProfile",
    "kanaleneiland_profile",
    "grid_side",
    "synthetic_streets",
    "synthetic_pois",
    "synthetic_grid",
]

#: Block size (distance between neighbouring intersections), metres.
BLOCK_M = 60.0
#: South-west corner of the grid in RD New (a field south-west of Utrecht; a 447 x 447 grid
#: of 60 m blocks spans 26.8 km and stays well inside the Netherlands).
ORIGIN_RD = (110_000.0, 430_000.0)
#: Classification columns copied from the real POIs.
CLASS_COLUMNS = ("tag", "function", "no_class", "everyday", "shopfront", "vacant",
                 "building_use")
RD_NEW = "EPSG:28992"


@dataclass(frozen=True)
class PoiProfile:
    """Density and class mix of the relevant POIs of a real area."""

    density_per_node: float  # relevant POIs per network node
    classes: pd.DataFrame  # one row per relevant real POI, CLASS_COLUMNS
    source: str
    n_relevant: int
    n_nodes: int

    def to_json(self) -> dict:
        return {
            "density_per_node": self.density_per_node,
            "source": self.source,
            "n_relevant": self.n_relevant,
            "n_nodes": self.n_nodes,
            "classes": self.classes.to_dict(orient="list"),
        }

    @classmethod
    def from_json(cls, data: dict) -> PoiProfile:
        classes = pd.DataFrame(data["classes"], columns=list(CLASS_COLUMNS))
        return cls(float(data["density_per_node"]), classes, data["source"],
                   int(data["n_relevant"]), int(data["n_nodes"]))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json()), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> PoiProfile:
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def kanaleneiland_profile() -> PoiProfile:
    """Measure the POI profile of the bundled Kanaleneiland data (via ``prepare_demo()``).

    Density = relevant POIs (``function != ""`` or ``everyday != ""``, placed on the network
    or not) per node of the buffered walking network.
    """
    from wijkkracht.demo import prepare_demo

    network, pois, _area = prepare_demo()
    relevant = pois[(pois["function"] != "") | (pois["everyday"] != "")]
    classes = relevant[list(CLASS_COLUMNS)].reset_index(drop=True)
    return PoiProfile(
        density_per_node=len(relevant) / network.n_nodes,
        classes=classes,
        source="Kanaleneiland (bundled OSM extract, prepare_demo())",
        n_relevant=int(len(relevant)),
        n_nodes=int(network.n_nodes),
    )


def grid_side(n_nodes: int) -> int:
    """Nodes per side of the square grid closest to ``n_nodes`` nodes."""
    return max(2, int(round(math.sqrt(n_nodes))))


def _grid_edges(side: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start/end (i, j) grid indices of all edges and an orientation flag (0 = east-west)."""
    i, j = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    i, j = i.ravel(), j.ravel()
    east = i < side - 1  # edge (i, j) -> (i + 1, j)
    north = j < side - 1  # edge (i, j) -> (i, j + 1)
    start = np.concatenate([np.c_[i[east], j[east]], np.c_[i[north], j[north]]])
    end = np.concatenate([np.c_[i[east] + 1, j[east]], np.c_[i[north], j[north] + 1]])
    orient = np.concatenate([np.zeros(east.sum(), np.int8), np.ones(north.sum(), np.int8)])
    return start, end, orient


def synthetic_streets(n_nodes: int = 200_000, *, block: float = BLOCK_M,
                      origin: tuple[float, float] = ORIGIN_RD) -> gpd.GeoDataFrame:
    """A SYNTHETIC square street grid of about ``n_nodes`` intersections (street schema).

    One straight two-point line per block side: ``side * (side - 1) * 2`` lines for
    ``side = round(sqrt(n_nodes))``. Streets running east-west are named
    ``"Synthetische straat <row>"``, north-south ones ``"Synthetische laan <column>"``;
    ``highway`` is ``residential``; ``osm_id`` is ``synthetic:<n>``.
    """
    side = grid_side(n_nodes)
    start, end, orient = _grid_edges(side)
    ox, oy = origin
    coords = np.empty((len(start), 2, 2))
    coords[:, 0] = np.c_[ox + start[:, 0] * block, oy + start[:, 1] * block]
    coords[:, 1] = np.c_[ox + end[:, 0] * block, oy + end[:, 1] * block]
    geoms = shapely.linestrings(coords)
    n = len(geoms)
    ids = np.char.add("synthetic:", np.arange(n).astype(str)).astype(object)
    names = np.where(
        orient == 0,
        np.char.add("Synthetische straat ", start[:, 1].astype(str)),
        np.char.add("Synthetische laan ", start[:, 0].astype(str)),
    ).astype(object)
    gdf = gpd.GeoDataFrame(
        {
            "osm_id": ids,
            "street_name": names,
            "highway": np.full(n, "residential", dtype=object),
            "synthetic": np.ones(n, dtype=bool),
        },
        geometry=geoms,
        crs=RD_NEW,
    )
    gdf.attrs.update(synthetic=True, grid_side=side, n_nodes=side * side, block_m=block,
                     description="SYNTHETIC street grid for benchmarks, not real data")
    return gdf


def synthetic_pois(streets: gpd.GeoDataFrame, profile: PoiProfile, *, seed: int = 0,
                   n_nodes: int | None = None, max_offset: float = 25.0) -> gpd.GeoDataFrame:
    """SYNTHETIC POIs on ``streets`` at ``profile``'s density and class mix.

    ``round(density * n_nodes)`` points; each lies beside a street line drawn uniformly at
    random, at a uniform position along it and 2..``max_offset`` m to its left or right
    (like a shop front set back from the street centre line), and copies the
    classification row of a random real POI of the profile.
    """
    rng = np.random.default_rng(seed)
    if n_nodes is None:
        n_nodes = int(streets.attrs.get("n_nodes", 0)) or len(
            np.unique(np.round(shapely.get_coordinates(streets.geometry.values), 2), axis=0))
    n = int(round(profile.density_per_node * n_nodes))
    geoms = streets.geometry.values
    line = rng.integers(0, len(geoms), n)
    xy = shapely.get_coordinates(geoms[line]).reshape(n, -1, 2)
    p0, p1 = xy[:, 0], xy[:, -1]  # straight two-point lines
    vec = p1 - p0
    length = np.hypot(vec[:, 0], vec[:, 1])
    unit = vec / length[:, None]
    normal = np.c_[-unit[:, 1], unit[:, 0]]
    along = rng.uniform(0.0, 1.0, n)[:, None] * vec
    side = rng.choice([-1.0, 1.0], n)[:, None]
    away = rng.uniform(2.0, max_offset, n)[:, None] * side * normal
    pts = shapely.points(p0 + along + away)
    rows = profile.classes.iloc[rng.integers(0, len(profile.classes), n)].reset_index(drop=True)
    gdf = gpd.GeoDataFrame(
        {
            "osm_id": np.char.add("synthetic:N", np.arange(n).astype(str)).astype(object),
            **{c: rows[c].to_numpy() for c in CLASS_COLUMNS},
            "synthetic": np.ones(n, dtype=bool),
        },
        geometry=pts,
        crs=RD_NEW,
    )
    gdf["shopfront"] = gdf["shopfront"].astype(bool)
    gdf["vacant"] = gdf["vacant"].astype(bool)
    gdf.attrs.update(synthetic=True, seed=seed, density_per_node=profile.density_per_node,
                     profile_source=profile.source,
                     description="SYNTHETIC POIs for benchmarks, not real data")
    return gdf


def synthetic_grid(n_nodes: int = 200_000, profile: PoiProfile | None = None, *,
                   seed: int = 0) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """SYNTHETIC streets and POIs (see the module docstring); ``profile`` defaults to
    :func:`kanaleneiland_profile`."""
    profile = profile or kanaleneiland_profile()
    streets = synthetic_streets(n_nodes)
    return streets, synthetic_pois(streets, profile, seed=seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    streets, pois = synthetic_grid(args.nodes, seed=args.seed)
    print(f"SYNTHETIC grid: {streets.attrs['grid_side']}^2 = {streets.attrs['n_nodes']} nodes, "
          f"{len(streets)} street lines, {len(pois)} POIs "
          f"(density {pois.attrs['density_per_node']:.4f} per node)")
    print("everyday mix:", pois.loc[pois["everyday"] != "", "everyday"].value_counts().to_dict())
    print("function mix:", pois.loc[pois["function"] != "", "function"].value_counts().to_dict())
    print("bounds (RD New):", [round(v) for v in streets.total_bounds])


if __name__ == "__main__":
    main()
