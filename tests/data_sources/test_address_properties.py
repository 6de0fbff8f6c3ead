"""Address parts as exports write them (issue 7, item 5): for random BAG addresses, every way
an export may spell the same address (postcode case and space, letter and toevoeging joined,
split, lower case, with hyphens or slashes) is placed on that unit and no other; the join does
not depend on the order of the rows."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkkracht.data_sources.establishments import geolocate

LETTERS = "ABCDEFGHJKLMNPRSTVWXZ"
address = st.tuples(
    st.integers(1000, 9999),                                   # PC4
    st.text(alphabet=LETTERS, min_size=2, max_size=2),          # PC6 letters
    st.integers(1, 99_999),                                     # huisnummer
    st.sampled_from(["", "A", "B", "C"]),                       # huisletter
    st.sampled_from(["", "1", "2", "BIS", "H", "ZW"]),          # huisnummertoevoeging
)


def _spellings(pc4: int, pcl: str, letter: str, toev: str, how: int) -> tuple[str, str, str]:
    """(postcode, huisletter, toevoeging) as an export may write them."""
    postcode = [f"{pc4}{pcl}", f"{pc4} {pcl}", f"{pc4}{pcl.lower()}", f" {pc4} {pcl.lower()} "][
        how % 4]
    if not toev or how % 3 == 0:      # as the BAG has it, perhaps in lower case
        return postcode, letter.lower() if how % 2 else letter, toev.lower() if how % 2 else toev
    sep = ["-", " ", "/", ""][how % 4]
    if letter:                        # letter and toevoeging in one field
        return postcode, "", f"{letter}{sep}{toev}"
    return postcode, "", f"{sep}{toev}".strip()


@settings(max_examples=60)
@given(addresses=st.lists(address, min_size=1, max_size=25,
                          unique_by=lambda a: (a[0], a[1], a[2], a[3], a[4])),
       how=st.lists(st.integers(0, 11), min_size=25, max_size=25), seed=st.integers(0, 1000))
def test_each_spelling_of_an_address_is_placed_on_its_unit(addresses, how, seed):
    # units whose letter+toevoeging would read the same when joined are ambiguous on purpose
    # in the BAG too (e.g. A + "1" and "" + "A1"): keep one of each
    seen, units = set(), []
    for a in addresses:
        key = (a[0], a[1], a[2], (a[3] + a[4]).upper())
        if key not in seen:
            seen.add(key)
            units.append(a)
    n = len(units)
    bag = gpd.GeoDataFrame({
        "identificatie": [f"{i:016d}" for i in range(n)],
        "gebruiksdoel": ["winkelfunctie"] * n,
        "postcode": [f"{a[0]}{a[1]}" for a in units],
        "huisnummer": pd.array([a[2] for a in units], dtype="Int64"),
        "huisletter": [a[3] or None for a in units],
        "toevoeging": [a[4] or None for a in units],
    }, geometry=shapely.points(np.arange(n) * 10.0, np.zeros(n)), crs=28992)
    rows = [_spellings(a[0], a[1], a[3], a[4], how[i]) for i, a in enumerate(units)]
    est = pd.DataFrame({
        "vestigingsnummer": [f"E{i}" for i in range(n)],
        "postcode": [r[0] for r in rows],
        "huisnummer": pd.array([a[2] for a in units], dtype="Int64"),
        "huisletter": [r[1] for r in rows],
        "toevoeging": [r[2] for r in rows],
    })
    geo = geolocate(est, bag)
    assert geo.unmatched.empty, geo.unmatched
    placed = dict(zip(geo.matched["vestigingsnummer"], geo.matched["vbo_id"], strict=True))
    assert placed == {f"E{i}": f"{i:016d}" for i in range(n)}
    # the same rows in another order: the same placement
    shuffled = geolocate(est.sample(frac=1.0, random_state=seed), bag.sample(frac=1.0,
                                                                          random_state=seed))
    assert dict(zip(shuffled.matched["vestigingsnummer"], shuffled.matched["vbo_id"],
                    strict=True)) == placed
