"""SYNTHETIC OSM-style ``opening_hours`` values for POIs, for the demo, tests and benchmarks.

The bundled Kanaleneiland POIs are real OpenStreetMap points, but the extract they come from
dropped the ``opening_hours`` tag, and no real values are available offline. This module
makes up plausible Dutch values per POI category, seeded and reproducible. **They are not
OSM values and must never be presented as such**: the returned Series has
``attrs["synthetic"] = True`` and ``attrs["notice"]`` = :data:`SYNTHETIC_HOURS_NOTICE`
(the flag :func:`wijkkracht.core.pipeline` looks for on synthetic inputs, as for the frames of
:mod:`wijkkracht.data_sources.synthetic`), and its name is ``opening_hours_synthetic``.

How the values are made: each POI's tag (``key=value``, POI schema) picks a list of typical
values for its kind (supermarket ``Mo-Sa 08:00-21:00; Su 12:00-18:00; PH off``, bakery
mornings, cafés and restaurants into the evening, pharmacy, offices on weekdays, schools,
sports centres late, ...); one is drawn per POI. A share ``missing`` (default 25 %) is left
without a value, as many OSM objects are, and a share ``invalid`` (default 4 %) gets one of
a few realistic broken values that real mappers write (``ma-vr 9-17``, ``Mo-Fr 9-17``,
``09:00-18:00;``), so that the reporting of unparseable values can be shown and tested. POIs
without a function (bus stops, buildings, vacant shops) get no value.

Examples
--------
>>> import geopandas as gpd, shapely
>>> pois = gpd.GeoDataFrame({"osm_id": ["N1", "N2"], "tag": ["shop=supermarket", "highway=bus_stop"]},
...                         geometry=[shapely.Point(0, 0)] * 2, crs=28992)
>>> hours = synthetic_opening_hours(pois, seed=0, missing=0.0, invalid=0.0)
>>> hours.attrs["synthetic"], hours.iloc[1] is None
(True, True)
>>> hours.iloc[0] in SYNTHETIC_VALUES["supermarket"]
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SYNTHETIC_HOURS_NOTICE", "SYNTHETIC_VALUES", "INVALID_EXAMPLES",
           "synthetic_opening_hours"]

#: The text that goes with every synthetic value.
SYNTHETIC_HOURS_NOTICE = "SYNTHETIC — generated opening_hours, not OpenStreetMap values"

#: Typical values per kind of POI (all parse with the opening-hours library).
SYNTHETIC_VALUES: dict[str, tuple[str, ...]] = {
    "supermarket": ("Mo-Sa 08:00-21:00; Su 12:00-18:00; PH off",
                    "Mo-Sa 08:00-22:00; Su 10:00-20:00",
                    "Mo-Sa 07:00-22:00; Su 12:00-19:00; PH off"),
    "bakery": ("Mo-Fr 07:30-18:00; Sa 07:30-17:00; PH off",
               "Tu-Sa 08:00-17:00"),
    "grocery": ("Mo-Sa 09:00-21:00; Su 11:00-20:00",
                "Mo-Su 08:00-22:00",
                "Mo-Sa 09:00-19:00"),
    "shop": ("Mo 13:00-18:00; Tu-Fr 09:30-18:00; Sa 09:30-17:00; PH off",
             "Tu-Fr 10:00-18:00; Sa 10:00-17:00",
             "Mo-Sa 10:00-18:00; Th 10:00-21:00; Su 12:00-17:00; PH off"),
    "furniture": ("Mo-Fr 10:00-18:00; Sa 10:00-17:00; Su 12:00-17:00",
                  "Tu-Sa 10:00-17:30"),
    "hairdresser": ("Tu-Fr 09:00-18:00; Sa 08:30-16:00",
                    "Mo-Sa 09:00-19:00",
                    "Tu-Sa 09:00-17:30; Th 09:00-21:00"),
    "pharmacy": ("Mo-Fr 08:00-17:30; PH off",
                 "Mo-Fr 08:00-18:00; Sa 10:00-13:00; PH off"),
    "restaurant": ("Tu-Su 17:00-22:00",
                   "Mo-Su 12:00-22:00",
                   "We-Su 17:30-23:00; PH off"),
    "cafe": ("Mo-Su 09:00-18:00",
             "Mo-Th 11:00-00:00; Fr-Sa 11:00-02:00; Su 12:00-00:00",
             "Tu-Su 10:00-17:00"),
    "fast_food": ("Mo-Su 11:00-23:00",
                  "Mo-Su 12:00-01:00",
                  "Mo-Th 16:00-22:00; Fr-Su 12:00-23:00"),
    "office": ("Mo-Fr 09:00-17:00; PH off",
               "Mo-Fr 08:30-17:00",
               "Mo-Th 09:00-17:00; Fr 09:00-12:00; PH off"),
    "care": ("Mo-Fr 08:00-17:00; PH off",
             "Mo-Fr 08:00-12:00,13:00-17:00; PH off"),
    "school": ("Mo-Fr 08:00-17:00; PH off",
               "Mo,Tu,Th,Fr 08:15-15:00; We 08:15-12:30; PH off"),
    "childcare": ("Mo-Fr 07:30-18:30; PH off",),
    "sport": ("Mo-Fr 07:00-23:00; Sa,Su 08:00-20:00",
              "Mo-Fr 09:00-22:00; Sa 09:00-17:00; Su 10:00-16:00"),
    "community": ("Mo-Fr 09:00-22:00",
                  "Mo-Th 09:00-17:00; Fr 09:00-22:00; Sa 10:00-16:00"),
    "culture": ("Tu-Su 11:00-17:00",
                "We-Sa 19:00-23:00"),
    "bank": ("Mo-Fr 09:30-16:30; PH off",),
    "bar": ("Mo-Th 16:00-01:00; Fr,Sa 16:00-03:00; Su 14:00-00:00",),
    "car": ("Mo-Fr 08:00-18:00; Sa 09:00-16:00; PH off",),
    "always": ("24/7",),
}

#: Realistic values that the parser refuses (Dutch day names, hours without minutes, a
#: trailing ``;``, free text).
INVALID_EXAMPLES = ("ma-vr 9-17", "Mo-Fr 9-17", "ma-za 09:00-18:00", "09:00-18:00;",
                    "op afspraak", "Mo-Fr 09.00-17.00")

_TAG_KIND = {
    "shop=supermarket": "supermarket",
    "shop=bakery": "bakery", "shop=pastry": "bakery",
    "shop=convenience": "grocery", "shop=greengrocer": "grocery", "shop=butcher": "grocery",
    "shop=kiosk": "grocery", "shop=newsagent": "grocery", "shop=seafood": "grocery",
    "shop=deli": "grocery", "shop=alcohol": "grocery", "shop=health_food": "grocery",
    "shop=chemist": "pharmacy", "amenity=pharmacy": "pharmacy", "healthcare=pharmacy": "pharmacy",
    "shop=furniture": "furniture", "shop=kitchen": "furniture", "shop=bed": "furniture",
    "shop=bathroom_furnishing": "furniture", "shop=carpet": "furniture",
    "shop=flooring": "furniture", "shop=doityourself": "furniture",
    "shop=hairdresser": "hairdresser", "shop=beauty": "hairdresser",
    "amenity=restaurant": "restaurant",
    "amenity=cafe": "cafe", "amenity=ice_cream": "cafe", "shop=ice_cream": "cafe",
    "amenity=fast_food": "fast_food",
    "amenity=bar": "bar", "amenity=pub": "bar", "amenity=biergarten": "bar",
    "amenity=nightclub": "bar",
    "amenity=doctors": "care", "amenity=dentist": "care", "amenity=clinic": "care",
    "healthcare=doctor": "care", "amenity=veterinary": "care",
    "amenity=school": "school", "amenity=college": "school", "amenity=university": "school",
    "amenity=kindergarten": "childcare", "amenity=childcare": "childcare",
    "amenity=community_centre": "community", "amenity=social_centre": "community",
    "amenity=library": "community", "amenity=social_facility": "office",
    "amenity=theatre": "culture", "amenity=arts_centre": "culture", "amenity=cinema": "culture",
    "tourism=museum": "culture", "tourism=gallery": "culture",
    "amenity=exhibition_centre": "culture", "amenity=events_venue": "culture",
    "amenity=bank": "bank", "amenity=post_office": "shop",
    "amenity=nursing_home": "always", "amenity=hospital": "always", "amenity=police": "always",
    "amenity=fire_station": "always", "tourism=hotel": "always",
    # no business hours to make up
    "amenity=place_of_worship": "", "shop=vacant": "", "shop=mall": "", "shop=storage_rental": "",
}
_TAG_KIND.update({f"leisure={v}": "sport" for v in (
    "sports_centre", "fitness_centre", "swimming_pool", "sports_hall", "dance", "escape_game",
    "bowling_alley", "hackerspace", "adult_gaming_centre", "water_park")})
_TAG_KIND.update({f"amenity={v}": "office" for v in (
    "conference_centre", "townhall", "courthouse", "funeral_hall", "driving_school",
    "language_school", "music_school", "bureau_de_change", "money_transfer", "casino")})
_TAG_KIND.update({f"amenity={v}": "car" for v in ("car_rental", "car_wash", "fuel")})
_TAG_KIND.update({"amenity=food_court": "fast_food", "tourism=guest_house": "always",
                  "tourism=hostel": "always"})
#: Fallback per key for the values not listed above (other amenity/leisure/tourism values,
#: such as benches, parks and viewpoints, are not businesses and get nothing).
_KEY_KIND = {"shop": "shop", "office": "office", "craft": "office", "healthcare": "care"}
_CAR_SUFFIXES = ("car", "car_repair", "car_parts", "tyres", "motorcycle", "car_rental",
                 "car_wash", "fuel")


def _kind(tag: object) -> str | None:
    if not isinstance(tag, str) or "=" not in tag:
        return None
    if tag in _TAG_KIND:
        return _TAG_KIND[tag]
    key, _, value = tag.partition("=")
    if value in _CAR_SUFFIXES:
        return "car"
    return _KEY_KIND.get(key)


def synthetic_opening_hours(pois: pd.DataFrame, seed: int = 0, *, missing: float = 0.25,
                            invalid: float = 0.04) -> pd.Series:
    """SYNTHETIC ``opening_hours`` values for ``pois`` (POI schema: a ``tag`` column).

    Parameters
    ----------
    pois
        POIs with ``tag`` (``key=value``); rows whose tag has no kind of business (bus
        stops, buildings, vacant shops, ``place_of_worship``) get None.
    seed
        Seed of the random draws (same seed, same POIs: same values).
    missing, invalid
        Shares of the POIs with a kind that get no value, or an unparseable one.

    Returns
    -------
    pandas.Series
        Aligned to ``pois.index``, name ``opening_hours_synthetic``, None where missing;
        ``attrs["synthetic"]`` is True and ``attrs["notice"]`` says the values are generated.
    """
    if not 0 <= missing <= 1 or not 0 <= invalid <= 1 or missing + invalid > 1:
        raise ValueError("missing and invalid must be shares in [0, 1] summing to at most 1")
    rng = np.random.default_rng(seed)
    tags = pois["tag"] if "tag" in pois.columns else pd.Series(None, index=pois.index)
    kinds = [_kind(t) for t in tags]
    u = rng.random(len(kinds))
    pick = rng.random(len(kinds))
    out: list[str | None] = []
    for k, ui, pi in zip(kinds, u, pick, strict=True):
        if k is None or k == "" or ui < missing:
            out.append(None)
        elif ui < missing + invalid:
            out.append(INVALID_EXAMPLES[int(pi * len(INVALID_EXAMPLES))])
        else:
            options = SYNTHETIC_VALUES[k]
            out.append(options[int(pi * len(options))])
    result = pd.Series(out, index=pois.index, dtype=object, name="opening_hours_synthetic")
    result.attrs["synthetic"] = True
    result.attrs["notice"] = SYNTHETIC_HOURS_NOTICE
    return result
