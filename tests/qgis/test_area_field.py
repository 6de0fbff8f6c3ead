"""The field of the area codes (``AREA_FIELD``) of the neighbourhood analysis (issue 19): a
municipality's own file of its buurten -- its own numbering in ``code``, the CBS code in
``cbsCode``, the name in ``BUURTNAAM`` -- summarised per area, by the field the user names or,
without it, by the field whose values are CBS codes (the detection ``wijkkracht run --areas``
uses, :func:`wijkkracht.data_sources.areas.area_columns`). SYNTHETIC data: the CBS-layout
fixture's buurten."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def municipal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    buurten = gpd.read_file(DATA / "wijkbuurtkaart_cbs_synthetic.gpkg", layer="buurten")
    path = tmp_path_factory.mktemp("gemeente") / "buurten_gemeente_synthetic.gpkg"
    gdf = gpd.GeoDataFrame({"code": ["0101", "0102", "A3", "A4"],
                            "cbsCode": buurten["buurtcode"],
                            "BUURTNAAM": buurten["buurtnaam"].str.upper(), "bron": "SYNTHETIC"},
                           geometry=buurten.geometry, crs=buurten.crs)
    pyogrio.write_dataframe(gdf, path, layer="gebiedsindeling")
    return path


@pytest.mark.parametrize(("field", "codes"), [
    ("code", ["0101", "0102", "A3", "A4"]),
    ("CBSCODE", ["BU99990101", "BU99990102", "BU99990201", "BU99990202"])])
def test_summary_per_area_by_the_field_named(field: str, codes: list[str], municipal: Path,
                                             wijkkracht_run: Any, demo_layers: dict[str, Any],
                                             frame_of_layer: Callable[[Any], pd.DataFrame]
                                             ) -> None:
    from qgis.core import QgsVectorLayer

    areas = QgsVectorLayer(f"{municipal}|layername=gebiedsindeling", "gebieden", "ogr")
    assert areas.isValid()
    out = wijkkracht_run("neighbourhoodanalysis", STREETS=demo_layers["streets"],
                         POIS=demo_layers["pois"], AREA=demo_layers["study_area"],
                         AREAS=areas, AREA_FIELD=field)
    got = frame_of_layer(out["AREAS_OUT"])
    assert sorted(got["area_code"]) == codes
    # the name from BUURTNAAM (upper case), whatever field holds the codes
    assert set(got["area_name"]) == set(got["BUURTNAAM"])
    assert got["segments"].sum() > 0


def test_area_field_is_optional_and_follows_the_areas_layer(wijkkracht_provider: Any) -> None:
    from qgis.core import QgsApplication, QgsProcessingParameterDefinition

    alg = QgsApplication.processingRegistry().algorithmById("wijkkracht:neighbourhoodanalysis")
    param = alg.parameterDefinition("AREA_FIELD")
    assert param.type() == "field" and param.parentLayerParameterName() == "AREAS"
    assert param.flags() & QgsProcessingParameterDefinition.Flag.FlagOptional
