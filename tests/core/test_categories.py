from pathlib import Path

import pandas as pd
import pytest

from wijkkracht.core.categories import EVERYDAY, FUNCTIONS, category_table, classify_pois
from wijkkracht.core.errors import InputError
from wijkkracht.data_sources.bundled import default_category_table
from wijkkracht.data_sources.tables import read_category_table


def test_bundled_table_is_valid_and_covers_everyday_categories():
    table = default_category_table().table
    # a school of unknown level is what wijkkracht.core.amenities makes of an amenity=school
    # without evidence of its level; every other category comes from the table
    assert set(EVERYDAY) - {"school_unknown_level"} <= set(table["everyday"])
    assert set(table["function"]) - {""} <= set(FUNCTIONS)
    everyday = dict(zip(table["tag"], table["everyday"], strict=True))
    assert everyday["amenity=pharmacy"] == everyday["healthcare=pharmacy"] == "pharmacy"
    assert everyday["shop=chemist"] == "drugstore"  # a drogist is no apotheek


def test_exact_tags_win_over_key_wildcards():
    t = default_category_table()
    res = t.lookup(pd.Series(["shop=bakery", "shop=books", "craft=shoemaker", "amenity=parking",
                              "building=house", "disused:shop=butcher", "nonsense"]))
    assert res["everyday"].tolist()[:2] == ["bakery", ""]
    assert res["no_class"].tolist()[:3] == ["N", "O", "O"]  # shop=* and craft=* are distinctive
    assert res["function"].iloc[3] == ""  # parking is no function
    assert res["building_use"].iloc[4] == "residential"
    assert bool(res["vacant"].iloc[5]) and bool(res["shopfront"].iloc[5])
    assert res.iloc[6][["function", "no_class", "everyday"]].tolist() == ["", "", ""]


def test_user_table_errors_name_the_row(tmp_path):
    bad = tmp_path / "cats.csv"
    bad.write_text("tag,function,no_class,everyday,shopfront,vacant,building_use\n"
                   "shop=bakery,bread,N,,1,0,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"cats.csv: invalid category table: row 1 "
                                         r"\(shop=bakery\): unknown function 'bread'"):
        read_category_table(bad)
    with pytest.raises(InputError, match="category table not found"):
        read_category_table(tmp_path / "missing.csv")
    short = tmp_path / "short.csv"
    short.write_text("tag,function\nshop=bakery,daily_goods\n", encoding="utf-8")
    with pytest.raises(InputError, match="lacks column"):
        read_category_table(short)


def test_classify_keeps_index(demo_prepared):
    _, pois, _ = demo_prepared
    sub = pois.iloc[::7][["osm_id", "tag", "geometry"]]
    out = classify_pois(sub)
    assert out.index.equals(sub.index)
    assert (out.loc[out["tag"] == "shop=supermarket", "everyday"] == "supermarket").all()


def test_the_core_takes_a_table_or_the_bundled_one(tmp_path):
    assert category_table(None) is default_category_table()  # read once
    mine = read_category_table(Path(default_category_table().source))
    assert category_table(mine) is mine
    with pytest.raises(TypeError, match="read_category_table"):
        category_table(tmp_path / "cats.csv")  # the core reads no files
    pois = pd.DataFrame({"tag": ["shop=bakery"]})
    with pytest.raises(TypeError, match="give a CategoryTable"):
        classify_pois(pois, "data/poi_categories.csv")
