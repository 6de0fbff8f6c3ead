"""The SYNTHETIC BAG/KvK generator: determinism, schema, scaling, shares, flags, files."""

import numpy as np
import pandas as pd
import pyogrio
import pytest

from wijkkracht.core.errors import InputError
from wijkkracht.core.sbi import normalise_sbi
from wijkkracht.data_sources.bundled import default_sbi_mapping
from wijkkracht.data_sources.synthetic import (
    GEBRUIKSDOELEN,
    SYNTHETIC_NOTICE,
    demo_base,
    generate_synthetic,
    write_synthetic,
)

VBO_COLUMNS = ["identificatie", "gebruiksdoel", "oppervlakte", "status", "openbare_ruimte_naam",
               "huisnummer", "huisletter", "toevoeging", "postcode", "pand_identificatie",
               "bouwjaar", "synthetic", "geometry"]
EST_COLUMNS = ["vestigingsnummer", "sbi_code", "no_class", "start_date", "end_date",
               "employees", "legal_form", "postcode", "huisnummer", "huisletter", "toevoeging",
               "synthetic_case", "synthetic_true_vbo", "synthetic"]
ADDRESS = ["postcode", "huisnummer", "huisletter", "toevoeging"]


@pytest.fixture(scope="module")
def base():
    return demo_base()


@pytest.fixture(scope="module")
def data(base):
    return generate_synthetic(seed=3, scale=1.0, base=base)


def test_same_seed_gives_identical_frames(base, data):
    again = generate_synthetic(seed=3, scale=1.0, base=base)
    pd.testing.assert_frame_equal(again.verblijfsobjecten, data.verblijfsobjecten)
    pd.testing.assert_frame_equal(again.establishments, data.establishments)
    other = generate_synthetic(seed=4, scale=1.0, base=base)
    assert not other.establishments["sbi_code"].equals(data.establishments["sbi_code"])


def test_vbo_schema(data):
    v = data.verblijfsobjecten
    assert list(v.columns) == VBO_COLUMNS
    assert v.crs.to_epsg() == 28992 and (v.geom_type == "Point").all()
    assert v["identificatie"].str.fullmatch(r"\d{16}").all() and v["identificatie"].is_unique
    assert v["pand_identificatie"].str.fullmatch(r"\d{16}").all()
    assert v["postcode"].str.fullmatch(r"[1-9]\d{3}[A-Z]{2}").all()
    assert not v["postcode"].str[4:].isin(["SA", "SD", "SS"]).any()
    assert str(v["huisnummer"].dtype) == "Int64" and str(v["bouwjaar"].dtype) == "Int64"
    assert (v["huisnummer"] >= 1).all()
    assert v["oppervlakte"].dtype == float and (v["oppervlakte"] > 0).all()
    uses = v["gebruiksdoel"].str.split(",").explode()
    assert uses.isin(GEBRUIKSDOELEN).all()
    assert set(v["status"]) == {"Verblijfsobject in gebruik", "Verblijfsobject buiten gebruik"}
    assert v["bouwjaar"].between(1950, 2020).all()
    # dwellings in apartment buildings: several per building, 40-120 m²
    per_pand = v.groupby("pand_identificatie").size()
    assert per_pand.max() >= 6
    flats = v[v["pand_identificatie"].map(per_pand) > 5]
    flats = flats[flats["gebruiksdoel"] == "woonfunctie"]
    assert flats["oppervlakte"].between(40, 120).all()
    # Kanaleneiland-like peak
    assert v["bouwjaar"].between(1955, 1965).mean() > 0.5
    assert 0.005 < (v["status"] == "Verblijfsobject buiten gebruik").mean() < 0.06


def test_addresses_unique_and_postcodes_consistent_per_street(data):
    v = data.verblijfsobjecten
    assert not v.duplicated(ADDRESS).any()
    assert v.groupby("postcode")["openbare_ruimte_naam"].nunique().max() == 1


def test_establishment_schema_and_consistency(data):
    e = data.establishments
    assert list(e.columns) == EST_COLUMNS
    assert e["vestigingsnummer"].str.fullmatch(r"\d{12}").all()
    assert e["vestigingsnummer"].is_unique
    assert e["sbi_code"].map(normalise_sbi).str.len().eq(4).all()
    mapping = default_sbi_mapping()
    assert (e["sbi_code"].map(mapping.classify) == e["no_class"]).all()
    assert set(e["no_class"]) == {"N", "O", "other"}
    assert (e["start_date"] <= pd.Timestamp("2026-01-01")).all()
    closed = e["end_date"].notna()
    assert 0.03 < closed.mean() < 0.15
    assert (e.loc[closed, "end_date"] >= e.loc[closed, "start_date"]).all()
    assert (e["employees"] >= 1).all()
    assert e["legal_form"].isin(["Eenmanszaak", "Besloten Vennootschap",
                                 "Vennootschap onder firma", "Stichting", "Vereniging",
                                 "Maatschap", "Commanditaire vennootschap",
                                 "Naamloze vennootschap"]).all()


def _join(e, v):
    key = v[ADDRESS + ["identificatie", "gebruiksdoel"]].astype(object).fillna("")
    left = e[ADDRESS + ["synthetic_case", "synthetic_true_vbo"]].astype(object).fillna("")
    return left.merge(key, on=ADDRESS, how="left")


def test_addresses_join_back_except_the_deliberately_unmatched(data):
    e, v = data.establishments, data.verblijfsobjecten
    j = _join(e, v)
    assert len(j) == len(e)
    unmatched = j["identificatie"].isna()
    assert (unmatched == (j["synthetic_case"] == "unmatched")).all()
    assert 3 <= unmatched.sum() <= 0.01 * len(e)
    ok = j[~unmatched]
    assert (ok["identificatie"] == ok["synthetic_true_vbo"]).all()
    home = ok["synthetic_case"] == "home_based"
    assert (ok.loc[home, "gebruiksdoel"] == "woonfunctie").all()
    assert not ok.loc[~home, "gebruiksdoel"].str.contains("woonfunctie").any()


def test_shares(data):
    e = data.establishments
    assert abs((e["synthetic_case"] == "home_based").mean() - 0.30) < 0.02
    assert (e["employees"] == 1).mean() > 0.5  # ZZP majority
    assert (e["legal_form"] == "Eenmanszaak").mean() > 0.4
    ratio = len(e) / len(data.verblijfsobjecten)
    assert ratio == pytest.approx(0.25, abs=0.001)


def test_every_row_and_frame_is_flagged_synthetic(data):
    for frame in (data.verblijfsobjecten, data.establishments, data.streets):
        assert frame["synthetic"].dtype == bool and frame["synthetic"].all()
    assert data.verblijfsobjecten.attrs["bag"]["synthetic"] is True
    assert data.verblijfsobjecten.attrs["synthetic"] is True
    assert data.establishments.attrs["synthetic"] is True
    assert SYNTHETIC_NOTICE in data.verblijfsobjecten.attrs["bag"]["source"]
    assert set(data.verblijfsobjecten.attrs["bag"]) >= {"source", "snapshot_date",
                                                        "status_filter", "synthetic"}


def test_vbo_frame_passes_the_bag_schema_validation(data):
    from wijkkracht.data_sources import bag

    bag.validate_bag(data.verblijfsobjecten, "synthetic")
    assert set(GEBRUIKSDOELEN) == set(bag.GEBRUIKSDOELEN)
    assert [c for c in bag.BAG_COLUMNS if c != "geometry"] == \
        [c for c in data.verblijfsobjecten.columns if c not in ("synthetic", "geometry")]


def test_locations_are_the_real_building_points_and_streets(base, data):
    v = data.verblijfsobjecten
    assert set(v["openbare_ruimte_naam"]) <= set(base.street_names)
    assert set(data.streets["street_name"].dropna()) >= set(v["openbare_ruimte_naam"])
    bx = np.sort(base.x)
    d = np.abs(bx[np.clip(np.searchsorted(bx, v.geometry.x), 0, len(bx) - 1)] - v.geometry.x)
    d2 = np.abs(bx[np.clip(np.searchsorted(bx, v.geometry.x) - 1, 0, len(bx) - 1)]
                - v.geometry.x)
    assert (np.minimum(d, d2) < 25).all()


@pytest.mark.parametrize("scale", [0.25, 2.5])
def test_counts_scale_with_the_factor(base, data, scale):
    small = generate_synthetic(seed=3, scale=scale, base=base)
    n1 = len(data.verblijfsobjecten)
    assert len(small.verblijfsobjecten) == pytest.approx(scale * n1, rel=0.08)
    assert len(small.establishments) == pytest.approx(scale * len(data.establishments),
                                                      rel=0.08)
    assert not small.verblijfsobjecten.duplicated(ADDRESS).any()
    assert small.verblijfsobjecten["identificatie"].is_unique
    assert small.streets["tile"].nunique() == max(1, int(np.ceil(scale)))


def test_options(base):
    d = generate_synthetic(seed=1, scale=0.3, base=base, establishments_per_address=0.5,
                           home_based_share=0.5, n_unmatched=7)
    e = d.establishments
    assert len(e) == round(0.5 * len(d.verblijfsobjecten))
    assert (e["synthetic_case"] == "unmatched").sum() == 7
    assert abs((e["synthetic_case"] == "home_based").mean() - 0.5) < 0.02


@pytest.mark.parametrize("kwargs, message", [
    ({"scale": 0}, "scale"), ({"scale": float("nan")}, "scale"),
    ({"home_based_share": 1.5}, "home_based_share"),
    ({"establishments_per_address": -1}, "negative"),
    ({"snapshot_date": "gisteren"}, "snapshot_date"),
])
def test_bad_parameters(base, kwargs, message):
    with pytest.raises(InputError, match=message):
        generate_synthetic(base=base, **kwargs)


def test_write_synthetic_files_say_synthetic(tmp_path, base):
    d = generate_synthetic(seed=2, scale=0.1, base=base)
    files = write_synthetic(tmp_path / "out", d)
    assert all("synthetic" in f.name for f in files) and all(f.exists() for f in files)
    layers = {}
    for gpkg in (f for f in files if f.suffix == ".gpkg"):
        for name, _ in pyogrio.list_layers(gpkg):
            layers[name] = gpkg
            info = pyogrio.read_info(gpkg, layer=name)
            assert info["layer_metadata"]["DESCRIPTION"] == SYNTHETIC_NOTICE
            assert info["dataset_metadata"]["NOTICE"] == SYNTHETIC_NOTICE
    assert set(layers) == {"verblijfsobject_synthetic", "streets_synthetic"}
    gpkg = layers["verblijfsobject_synthetic"]
    back = pyogrio.read_dataframe(gpkg, layer="verblijfsobject_synthetic")
    assert len(back) == len(d.verblijfsobjecten) and back["synthetic"].all()
    csv = pd.read_csv(next(f for f in files if f.suffix == ".csv"), dtype=str)
    assert len(csv) == len(d.establishments) and (csv["synthetic"] == "True").all()
    assert csv["vestigingsnummer"].str.fullmatch(r"\d{12}").all()
    readme = next(f for f in files if f.suffix == ".txt")
    assert SYNTHETIC_NOTICE in readme.read_text(encoding="utf-8")
    # writing again replaces the files
    assert write_synthetic(tmp_path / "out", d) == files


def test_write_synthetic_unwritable_folder(tmp_path, base):
    from wijkkracht.core.errors import OutputError

    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot write the synthetic data"):
        write_synthetic(blocker / "out", generate_synthetic(seed=2, scale=0.05, base=base))


def test_write_synthetic_leaves_no_half_file(tmp_path):
    """The four files appear together or not at all: a folder where the CSV should go makes
    the write fail, and neither the GeoPackages nor a temporary file are left."""
    from wijkkracht.core.errors import OutputError
    from wijkkracht.data_sources.synthetic import write_synthetic

    (tmp_path / "establishments_synthetic.csv").mkdir()
    with pytest.raises(OutputError, match="cannot write the synthetic data"):
        write_synthetic(tmp_path, seed=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["establishments_synthetic.csv"]
